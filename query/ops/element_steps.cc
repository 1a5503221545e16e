// Steps that read elements: id(), label(), values(), properties(), valueMap(),
// elementMap(), constant(), unfold(), as(), and the element helpers they share.
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

bool ElementLabels(Context* ctx, const Value& obj, std::vector<std::string>* out) {
  if (obj.is_vertex()) {
    auto v = ctx->GetVertex(obj.vertex().id);
    if (v) *out = v->labels;
    return ctx->ok();
  }
  if (obj.is_edge()) {
    out->push_back(ctx->reader->LabelName(obj.edge().key.label));
    return true;
  }
  if (obj.kind() == Value::Kind::kVertexProperty) {
    out->push_back(obj.vertex_property().key);
    return true;
  }
  if (obj.kind() == Value::Kind::kProperty) {
    out->push_back(obj.property().key);
    return true;
  }
  return ctx->Fail(TypeError("label", obj, "an element"));
}

// has()'s test of one key against a predicate.
bool HasTest(Context* ctx, const Traverser& t, const Value& key, const Predicate* pred_in, bool* keep) {
  const Value& obj = t.obj;
  *keep = false;
  if (key.is_null()) return true;  // has(null) matches nothing
  Predicate bound_storage;
  const Predicate* pred = pred_in;
  if (pred_in && pred_in->HasTraversals()) {
    bool productive = true;
    if (!Bind(ctx, *pred_in, t, &bound_storage, &productive)) return false;
    if (!productive) return true;
    pred = &bound_storage;
  }
  if (key.kind() == Value::Kind::kToken) {
    if (key.token() == Token::kLabel) {
      std::vector<std::string> labels;
      if (!ElementLabels(ctx, obj, &labels)) return false;
      for (const auto& l : labels) {
        if (!pred || pred->Test(Value(l))) {
          *keep = true;
          break;
        }
      }
      return true;
    }
    std::optional<Value> v;
    if (!TokenValue(ctx, obj, key.token(), &v)) return false;
    if (!v) return true;
    *keep = !pred || pred->Test(*v);
    if (!*keep && pred && key.token() == Token::kId && !v->is_string()) {
      // A string id compares against the id's string form.
      for (const auto& a : pred->args) {
        if (a.is_string()) {
          *keep = pred->Test(Value(v->DebugString()));
          break;
        }
      }
    }
    return true;
  }
  if (!key.is_string()) return ctx->Fail(absl::InvalidArgumentError("has() key must be a string"));
  if (!obj.is_element() && obj.kind() != Value::Kind::kVertexProperty) {
    return ctx->Fail(TypeError("has", obj, "an element"));
  }
  std::vector<Value> vals;
  if (!PropertyValues(ctx, obj, key.as_string(), &vals)) return false;
  // A vertex's aliases are names too: has("name", v) also passes when v is one of them (the
  // name/alias index that answers V().has("name", v) finds both). The name key is the first of
  // the graph's alias keys, the aliases the others. has("name") alone still asks for the name
  // property. Aliases are a multi-property or one property holding a list.
  const std::vector<std::string>& alias_keys = ctx->alias_properties;
  if (pred && obj.is_vertex() && !alias_keys.empty() && key.as_string() == alias_keys[0]) {
    for (size_t k = 1; k < alias_keys.size(); ++k) {
      std::vector<Value> aliases;
      if (!PropertyValues(ctx, obj, alias_keys[k], &aliases)) return false;
      for (auto& a : aliases) {
        if (a.is_collection()) {
          for (const auto& x : a.as_list()) vals.push_back(x);
        } else {
          vals.push_back(std::move(a));
        }
      }
    }
  }
  for (const auto& v : vals) {
    if (!pred || pred->Test(v)) {
      *keep = true;
      break;
    }
  }
  return true;
}

bool Properties(Context* ctx, const Value& obj, const std::vector<std::string>& keys,
                std::vector<Value>* out) {
  auto wanted = [&](const std::string& k) {
    return keys.empty() || std::find(keys.begin(), keys.end(), k) != keys.end();
  };
  if (obj.is_vertex()) {
    auto v = ctx->GetVertex(obj.vertex().id);
    if (!v) return ctx->ok();
    for (size_t i = 0; i < v->properties.size(); ++i) {
      const auto& p = v->properties[i];
      if (!wanted(p.key)) continue;
      out->push_back(
          Value(VertexPropertyRef{v->id, p.key, p.value, static_cast<int64_t>(i), p.meta, p.id}));
    }
    return true;
  }
  if (obj.is_edge()) {
    auto e = ctx->GetEdge(obj.edge().key);
    if (!e) return ctx->ok();
    for (const auto& [k, v] : e->properties) {
      if (wanted(k)) out->push_back(Value(PropertyRef{k, v, e->key}));
    }
    return true;
  }
  if (obj.kind() == Value::Kind::kVertexProperty) {
    const auto& vp = obj.vertex_property();
    for (const auto& [k, v] : vp.meta) {
      if (wanted(k)) out->push_back(Value(PropertyRef{k, v, std::make_pair(vp.vertex, vp.index)}));
    }
    return true;
  }
  return ctx->Fail(TypeError("properties", obj, "an element"));
}

// valueMap(): key -> list of values (vertices), key -> value (edges, meta-properties).
// The T.label entry of an element's elementMap()/valueMap(): every label as a set (multi-label),
// or the first as a string (single-label, no entry for a vertex without labels).
void AddLabelEntry(Context* ctx, const std::vector<std::string>& labels, ValueMap* m) {
  if (ctx->multi_label) {
    ValueList set;
    for (const auto& l : labels) {
      if (std::find(set.begin(), set.end(), Value(l)) == set.end()) set.push_back(Value(l));
    }
    m->emplace_back(Value(Token::kLabel), Value::Set(std::move(set)));
  } else if (!labels.empty()) {
    m->emplace_back(Value(Token::kLabel), Value(labels[0]));
  }
}

bool AddLabelEntry(Context* ctx, const Value& obj, ValueMap* m) {
  if (obj.is_edge()) {
    AddLabelEntry(ctx, std::vector<std::string>{ctx->reader->LabelName(obj.edge().key.label)}, m);
    return true;
  }
  auto v = ctx->GetVertex(obj.vertex().id);
  AddLabelEntry(ctx, v ? v->labels : std::vector<std::string>{}, m);
  return ctx->ok();
}

bool ValueMapOf(Context* ctx, const Value& obj, const std::vector<std::string>& keys, int tokens,
                Value* out) {
  std::vector<Value> props;
  if (!Properties(ctx, obj, keys, &props)) return false;
  ValueMap m;
  if (tokens != 0) {
    std::optional<Value> id, label;
    if (!TokenValue(ctx, obj, Token::kId, &id)) return false;
    if (tokens & kTokenIds) m.emplace_back(Value(Token::kId), id.value_or(Value()));
    if (obj.kind() == Value::Kind::kVertexProperty) {
      if (tokens & kTokenKeys) {
        TokenValue(ctx, obj, Token::kKey, &label);
        m.emplace_back(Value(Token::kKey), label.value_or(Value()));
      }
      if (tokens & kTokenValues) {
        TokenValue(ctx, obj, Token::kValue, &label);
        m.emplace_back(Value(Token::kValue), label.value_or(Value()));
      }
    } else if ((tokens & kTokenLabels) && !AddLabelEntry(ctx, obj, &m)) {
      return false;
    }
  }
  bool lists = obj.is_vertex();
  for (const auto& p : props) {
    std::string k = p.kind() == Value::Kind::kVertexProperty ? p.vertex_property().key : p.property().key;
    Value v = Value::FromGraph(p.kind() == Value::Kind::kVertexProperty ? p.vertex_property().value
                                                                         : p.property().value);
    auto it = std::find_if(m.begin(), m.end(), [&](const auto& e) {
      return e.first.is_string() && e.first.as_string() == k;
    });
    if (!lists) {
      if (it == m.end()) m.emplace_back(Value(k), v);
      continue;
    }
    if (it == m.end()) {
      m.emplace_back(Value(k), Value::List({v}));
    } else {
      ValueList l = it->second.as_list();
      l.push_back(v);
      it->second = Value::List(std::move(l));
    }
  }
  *out = Value::Map(std::move(m));
  return true;
}

bool ElementMapOf(Context* ctx, const Value& obj, const std::vector<std::string>& keys, Value* out) {
  if (!obj.is_element() && obj.kind() != Value::Kind::kVertexProperty) {
    return ctx->Fail(TypeError("elementMap", obj, "an element"));
  }
  ValueMap m;
  std::optional<Value> id, label;
  if (!TokenValue(ctx, obj, Token::kId, &id)) return false;
  if (obj.kind() == Value::Kind::kVertexProperty) {
    TokenValue(ctx, obj, Token::kKey, &label);
    m.emplace_back(Value(Token::kId), id.value_or(Value()));
    m.emplace_back(Value(Token::kKey), label.value_or(Value()));
    TokenValue(ctx, obj, Token::kValue, &label);
    m.emplace_back(Value(Token::kValue), label.value_or(Value()));
  } else {
    m.emplace_back(Value(Token::kId), id.value_or(Value()));
    if (!AddLabelEntry(ctx, obj, &m)) return false;
  }
  if (obj.is_edge()) {
    const auto& k = obj.edge().key;
    for (int side = 1; side >= 0; --side) {
      graph::VertexId vid = side ? k.dst : k.src;
      ValueMap vm;
      vm.emplace_back(Value(Token::kId), ctx->VertexId(vid));
      if (!AddLabelEntry(ctx, Value::Vertex(vid), &vm)) return false;
      m.emplace_back(Value(side ? Token::kIn : Token::kOut), Value::Map(std::move(vm)));
    }
  }
  std::vector<Value> props;
  if (!Properties(ctx, obj, keys, &props)) return false;
  for (const auto& p : props) {
    std::string k = p.kind() == Value::Kind::kVertexProperty ? p.vertex_property().key : p.property().key;
    bool seen = std::any_of(m.begin(), m.end(), [&](const auto& e) {
      return e.first.is_string() && e.first.as_string() == k;
    });
    if (seen) continue;
    m.emplace_back(Value(k), Value::FromGraph(p.kind() == Value::Kind::kVertexProperty
                                                  ? p.vertex_property().value
                                                  : p.property().value));
  }
  *out = Value::Map(std::move(m));
  return true;
}

std::optional<absl::Status> Compiler::AddMapStep(Pipeline* p, const Step& s,
    const StepList& /*steps*/, size_t* /*index*/) {
  Context* ctx = ctx_;
  const std::string& n = s.name;
  // ---- maps ----
  if (n == "identity") {
    p->Add(std::make_unique<SideOp>(ctx, n, [](Traverser*) { return true; }));
    return absl::OkStatus();
  }

  if (n == "as") {
    KG_ASSIGN(labels, StringArgs(s));
    if (labels.empty()) return Err(s.pos, "as() needs a label");
    p->Add(std::make_unique<SideOp>(ctx, "as", [ctx, labels](Traverser* t) {
      if (!ctx->track_path) return true;
      auto node = std::make_shared<PathNode>();
      if (t->path && t->path->obj == t->obj) {
        *node = *t->path;
      } else {
        node->obj = t->obj;
        node->prev = t->path;
      }
      for (const auto& l : labels) node->labels.push_back(l);
      t->path = std::move(node);
      return true;
    }));
    return absl::OkStatus();
  }

  if (n == "constant") {
    KG_RETURN_IF_ERROR(NArgs(s, 1, 1));
    KG_ASSIGN(v, Eval(s.args[0]));
    p->Add(std::make_unique<FlatMapOp>(ctx, n, [v](const Traverser&, std::vector<Value>* out) {
      out->push_back(v);
      return true;
    }));
    return absl::OkStatus();
  }

  if (n == "id" || n == "label" || n == "key" || n == "value") {
    KG_RETURN_IF_ERROR(NArgs(s, 0, 0));
    Token tok = n == "id" ? Token::kId : n == "label" ? Token::kLabel : n == "key" ? Token::kKey : Token::kValue;
    std::string name = n;
    p->Add(std::make_unique<FlatMapOp>(ctx, n, [ctx, tok, name](const Traverser& t, std::vector<Value>* out) {
      if ((tok == Token::kKey || tok == Token::kValue) && t.obj.kind() != Value::Kind::kVertexProperty &&
          t.obj.kind() != Value::Kind::kProperty) {
        return ctx->Fail(TypeError(name, t.obj, "a property"));
      }
      std::optional<Value> v;
      if (!TokenValue(ctx, t.obj, tok, &v)) return false;
      if (v) out->push_back(*v);
      return true;
    }));
    return absl::OkStatus();
  }

  if (n == "labels") {
    p->Add(std::make_unique<FlatMapOp>(ctx, n, [ctx](const Traverser& t, std::vector<Value>* out) {
      std::vector<std::string> labels;
      if (!ElementLabels(ctx, t.obj, &labels)) return false;
      for (auto& l : labels) out->push_back(Value(std::move(l)));
      return true;
    }));
    return absl::OkStatus();
  }

  if (n == "element") {
    p->Add(std::make_unique<FlatMapOp>(ctx, n, [ctx](const Traverser& t, std::vector<Value>* out) {
      if (t.obj.kind() == Value::Kind::kVertexProperty) {
        out->push_back(Value::Vertex(t.obj.vertex_property().vertex));
        return true;
      }
      if (t.obj.kind() == Value::Kind::kProperty) {
        const auto& owner = t.obj.property().owner;
        if (auto* e = std::get_if<graph::EdgeKey>(&owner)) {
          out->push_back(Value::Edge(*e));
          return true;
        }
        if (auto* vp = std::get_if<std::pair<graph::VertexId, int64_t>>(&owner)) {
          auto v = ctx->GetVertex(vp->first);
          if (v && vp->second < static_cast<int64_t>(v->properties.size())) {
            const auto& p = v->properties[vp->second];
            out->push_back(
                Value(VertexPropertyRef{v->id, p.key, p.value, vp->second, p.meta, p.id}));
          }
          return ctx->ok();
        }
      }
      return ctx->Fail(TypeError("element", t.obj, "a property"));
    }));
    return absl::OkStatus();
  }

  if (n == "values" || n == "properties") {
    KG_ASSIGN(keys, StringArgs(s));
    bool values = n == "values";
    p->Add(std::make_unique<FlatMapOp>(ctx, n, [ctx, keys, values](const Traverser& t, std::vector<Value>* out) {
      if (values && t.obj.kind() == Value::Kind::kMap) {
        for (const auto& [k, v] : t.obj.as_map()) {
          if (k.is_string() && (keys.empty() || std::find(keys.begin(), keys.end(), k.as_string()) != keys.end())) {
            out->push_back(v);
          }
        }
        return true;
      }
      std::vector<Value> props;
      if (!Properties(ctx, t.obj, keys, &props)) return false;
      if (!values) {
        *out = std::move(props);
        return true;
      }
      for (const auto& pv : props) {
        out->push_back(Value::FromGraph(pv.kind() == Value::Kind::kVertexProperty ? pv.vertex_property().value
                                                                                 : pv.property().value));
      }
      return true;
    }));
    return absl::OkStatus();
  }

  if (n == "valueMap" || n == "elementMap") {
    int tokens = 0;
    std::vector<std::string> keys;
    for (const auto& a : s.args) {
      KG_ASSIGN(v, Eval(a));
      if (v.kind() == Value::Kind::kBool)
        tokens = v.as_bool() ? kAllTokens : 0;
      else if (v.is_string()) keys.push_back(v.as_string());
      else if (v.is_null()) continue;
      else return Err(a.pos, absl::StrCat(n, "() expects property keys"));
    }
    bool element = n == "elementMap";
    auto op = std::make_unique<ValueMapOp>(ctx, n, nullptr);
    op->tokens = tokens;
    ValueMapOp* raw = op.get();
    FlatFn fn = [ctx, keys, element, raw](const Traverser& t, std::vector<Value>* out) {
      Value m;
      if (element) {
        if (!ElementMapOf(ctx, t.obj, keys, &m)) return false;
      } else {
        if (!ValueMapOf(ctx, t.obj, keys, raw->tokens, &m)) return false;
        if (!raw->bys_.empty()) {
          ValueMap mm;
          for (const auto& [k, v] : m.as_map()) {
            if (k.kind() == Value::Kind::kToken) {
              mm.emplace_back(k, v);
              continue;
            }
            std::optional<Value> r;
            if (!EvalBy(ctx, raw->bys_[0], ctx->Extend(t, v), &r)) return false;
            if (r) mm.emplace_back(k, *r);
          }
          m = Value::Map(std::move(mm));
        }
      }
      out->push_back(std::move(m));
      return true;
    };
    *op = ValueMapOp(ctx, n, fn);
    op->tokens = tokens;
    if (!element) op->max_by_ = 1;  // valueMap(): one by() applies to every value
    op->by_step_ = "ValueMap";
    p->Add(std::move(op));
    return absl::OkStatus();
  }

  if (n == "unfold") {
    KG_RETURN_IF_ERROR(NArgs(s, 0, 0));
    p->Add(std::make_unique<FlatMapOp>(ctx, n, [](const Traverser& t, std::vector<Value>* out) {
      if (IsIterable(t.obj)) {
        *out = Items(t.obj);
      } else {
        out->push_back(t.obj);
      }
      return true;
    }));
    return absl::OkStatus();
  }
  return std::nullopt;
}

}  // namespace kg::query
