// Reading values off traversers: element properties and T tokens, by() modulators, and
// path labels (select(), where(), ScopeValue).
#include "query/compiler.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace kg::query {

// Property value(s) of an element for values()/by("key").
bool PropertyValues(Context* ctx, const Value& obj, const std::string& key, std::vector<Value>* out) {
  if (obj.is_vertex()) {
    auto v = ctx->GetVertex(obj.vertex().id);
    if (!v) return ctx->ok();
    for (const auto& p : v->properties) {
      if (p.key == key) out->push_back(Value::FromGraph(p.value));
    }
    return true;
  }
  if (obj.is_edge()) {
    auto e = ctx->GetEdge(obj.edge().key);
    if (!e) return ctx->ok();
    if (const graph::Value* x = e->Find(key)) out->push_back(Value::FromGraph(*x));
    return true;
  }
  if (obj.kind() == Value::Kind::kVertexProperty) {
    for (const auto& [k, x] : obj.vertex_property().meta) {
      if (k == key) out->push_back(Value::FromGraph(x));
    }
    return true;
  }
  if (obj.kind() == Value::Kind::kMap) {
    for (const auto& [k, x] : obj.as_map()) {
      if (k.is_string() && k.as_string() == key) out->push_back(x);
    }
    return true;
  }
  return ctx->Fail(absl::InvalidArgumentError(
      absl::StrCat("values(\"", key, "\") cannot be applied to ", obj.DebugString(),
                   ": it is not an element or a map")));
}

namespace {

// A vertex property's id: the one its GraphSON file supplied (TinkerPop's
// UserSuppliedVertexPropertyIds), else "<vertex>:<key>:<n>": the owner's internal id (unique and
// never reused, unlike a user-supplied id, which may itself contain ':'), the key, and the value's
// ordinal among the values of that key. So a derived id is unique, the same on every read of a
// snapshot, and unchanged by writes to the vertex's other keys.
Value VertexPropertyId(Context* ctx, const VertexPropertyRef& vp) {
  if (!vp.id.is_null()) return Value::FromGraph(vp.id);
  int64_t ordinal = 0;
  if (auto v = ctx->GetVertex(vp.vertex)) {
    const auto& props = v->properties;
    for (int64_t i = 0; i < vp.index && i < static_cast<int64_t>(props.size()); ++i) {
      if (props[i].key == vp.key) ++ordinal;
    }
  }
  return Value(absl::StrCat(vp.vertex, ":", vp.key, ":", ordinal));
}

}  // namespace

bool TokenValue(Context* ctx, const Value& obj, Token t, std::optional<Value>* out) {
  switch (obj.kind()) {
    case Value::Kind::kVertex:
      if (t == Token::kId) *out = ctx->VertexId(obj.vertex().id);
      else if (t == Token::kLabel) {
        auto v = ctx->GetVertex(obj.vertex().id);
        if (v && !v->labels.empty()) *out = Value(v->labels[0]);
      }
      return ctx->ok();
    case Value::Kind::kEdge:
      if (t == Token::kId) *out = ctx->EdgeId(obj.edge().key);
      else if (t == Token::kLabel) *out = Value(ctx->reader->LabelName(obj.edge().key.label));
      return ctx->ok();
    case Value::Kind::kVertexProperty:
      if (t == Token::kKey || t == Token::kLabel) *out = Value(obj.vertex_property().key);
      else if (t == Token::kValue) *out = Value::FromGraph(obj.vertex_property().value);
      else if (t == Token::kId)
        *out = VertexPropertyId(ctx, obj.vertex_property());
      return ctx->ok();
    case Value::Kind::kProperty:
      if (t == Token::kKey) *out = Value(obj.property().key);
      else if (t == Token::kValue) *out = Value::FromGraph(obj.property().value);
      return true;
    case Value::Kind::kMap:
      for (const auto& [k, x] : obj.as_map()) {
        if (k.kind() == Value::Kind::kToken && k.token() == t) *out = x;
      }
      return true;
    default:
      return ctx->Fail(absl::InvalidArgumentError(absl::StrCat(
          "T.", TokenName(t), " cannot be applied to ", obj.DebugString())));
  }
}

bool EvalBy(Context* ctx, const By& by, const Traverser& t, std::optional<Value>* out) {
  if (!EvalByInner(ctx, by, t, out)) {
    ctx->Locate(by.source);
    return false;
  }
  if (!*out && ctx->productive_by) *out = Value();  // ProductiveByStrategy: null, not a filter
  return true;
}

bool ColumnValue(Context* ctx, const std::string& step, bool keys, const Value& obj, Value* out) {
  if (obj.is_entry()) {
    *out = keys ? obj.as_map()[0].first : obj.as_map()[0].second;
    return true;
  }
  if (obj.kind() == Value::Kind::kMap) {
    ValueList l;
    for (const auto& [k, v] : obj.as_map()) l.push_back(keys ? k : v);
    *out = keys ? Value::Set(std::move(l)) : Value::List(std::move(l));
    return true;
  }
  if (obj.kind() == Value::Kind::kPath) {
    ValueList l;
    const auto& pth = obj.path();
    for (size_t i = 0; i < pth.objects.size(); ++i) {
      if (keys) {
        ValueList ls;
        for (const auto& x : pth.labels[i]) ls.push_back(Value(x));
        l.push_back(Value::Set(std::move(ls)));
      } else {
        l.push_back(pth.objects[i]);
      }
    }
    *out = Value::List(std::move(l));
    return true;
  }
  return ctx->Fail(TypeError(step, obj, "a map"));
}

bool EvalByInner(Context* ctx, const By& by, const Traverser& t, std::optional<Value>* out) {
  out->reset();
  switch (by.kind) {
    case By::kIdentity: *out = t.obj; return true;
    case By::kKey: {
      std::vector<Value> vals;
      if (!t.obj.is_element() && t.obj.kind() != Value::Kind::kMap &&
          t.obj.kind() != Value::Kind::kVertexProperty) {
        return ctx->Fail(absl::InvalidArgumentError(absl::StrCat(
            "by(\"", by.key, "\") cannot be applied to ", t.obj.DebugString(),
            ": it is not an element or a map")));
      }
      if (!PropertyValues(ctx, t.obj, by.key, &vals)) return false;
      if (!vals.empty()) *out = vals[0];
      return true;
    }
    case By::kToken: return TokenValue(ctx, t.obj, by.token, out);
    case By::kTraversal: return by.child->First(t, out);
    case By::kColumnKeys:
    case By::kColumnValues:
      *out = Value();
      return ColumnValue(ctx, "by(Column)", by.kind == By::kColumnKeys, t.obj, &**out);
  }
  return true;
}

PathValue MakePath(const Traverser& t) {
  PathValue p;
  for (const PathNode* n = t.path.get(); n != nullptr; n = n->prev.get()) {
    p.objects.push_back(n->obj);
    p.labels.push_back(n->labels);
  }
  std::reverse(p.objects.begin(), p.objects.end());
  std::reverse(p.labels.begin(), p.labels.end());
  return p;
}

// Values of label `key` in the path, oldest first.
void PathLookup(const Traverser& t, std::string_view key, std::vector<Value>* out) {
  for (const PathNode* n = t.path.get(); n != nullptr; n = n->prev.get()) {
    for (const auto& l : n->labels) {
      if (l == key) {
        out->push_back(n->obj);
        break;
      }
    }
  }
  std::reverse(out->begin(), out->end());
}

bool ScopeValue(Context* ctx, const Traverser& t, const std::string& key, Pop pop,
                std::optional<Value>* out) {
  out->reset();
  if (t.obj.kind() == Value::Kind::kMap) {
    for (const auto& [k, v] : t.obj.as_map()) {
      if (k.is_string() && k.as_string() == key) {
        *out = v;
        return true;
      }
    }
  }
  std::vector<Value> vals;
  PathLookup(t, key, &vals);
  if (!vals.empty()) {
    switch (pop) {
      case Pop::kFirst: *out = vals.front(); break;
      case Pop::kLast: *out = vals.back(); break;
      case Pop::kAll: *out = Value::List(vals); break;
      case Pop::kMixed: *out = vals.size() == 1 ? vals[0] : Value::List(vals); break;
    }
    return true;
  }
  auto agg = ctx->aggregates.find(key);
  if (agg != ctx->aggregates.end()) {
    *out = Value::List(agg->second);
    return true;
  }
  auto se = ctx->side_effects.find(key);
  if (se != ctx->side_effects.end()) {
    *out = se->second;
    return true;
  }
  return true;
}

}  // namespace kg::query
