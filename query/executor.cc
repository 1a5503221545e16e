// Operators of the pull executor and the compiler from syntax tree to operators.
#include "query/executor.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <set>
#include <tuple>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "query/by.h"
#include "query/compare.h"
#include "query/filters.h"
#include "query/ops.h"
#include "query/parser.h"
#include "query/steps/steps.h"
#include "re2/re2.h"

namespace kg::query {

// ---------------------------------------------------------------------------------------------
// Context
// ---------------------------------------------------------------------------------------------

bool Context::Tick() {
  if (!status.ok()) return false;
  if ((++ticks_ & 255) != 0) return true;
  if (options.is_cancelled && options.is_cancelled()) {
    return Fail(absl::CancelledError("query cancelled"));
  }
  if (absl::Now() > deadline) {
    return Fail(absl::DeadlineExceededError(
        absl::StrCat("query exceeded its deadline (timeout ",
                     absl::FormatDuration(options.limits.timeout), ")")));
  }
  return true;
}

bool Context::Hold(uint64_t n) {
  held_ += n;
  if (held_ > options.limits.max_traversers) {
    return Fail(absl::ResourceExhaustedError(
        absl::StrCat("query exceeded max_traversers = ", options.limits.max_traversers,
                     " (traversers held at once by barriers and buffers)")));
  }
  return Tick();
}

std::shared_ptr<const graph::Vertex> Context::GetVertex(graph::VertexId id) {
  auto it = vertex_cache_.find(id);
  if (it != vertex_cache_.end()) return it->second;
  auto v = reader->GetVertex(id);
  if (!v.ok()) {
    Fail(v.status());
    return nullptr;
  }
  std::shared_ptr<const graph::Vertex> p;
  if (v->has_value()) p = std::make_shared<const graph::Vertex>(std::move(**v));
  if (vertex_cache_.size() > 100000) vertex_cache_.clear();
  vertex_cache_[id] = p;
  return p;
}

std::shared_ptr<const graph::Edge> Context::GetEdge(const graph::EdgeKey& key) {
  auto it = edge_cache_.find(key);
  if (it != edge_cache_.end()) return it->second;
  auto e = reader->GetEdge(key);
  if (!e.ok()) {
    Fail(e.status());
    return nullptr;
  }
  std::shared_ptr<const graph::Edge> p;
  if (e->has_value()) p = std::make_shared<const graph::Edge>(std::move(**e));
  if (edge_cache_.size() > 100000) edge_cache_.clear();
  edge_cache_[key] = p;
  return p;
}

Value Context::VertexId(graph::VertexId id) {
  auto v = GetVertex(id);
  if (v && !v->external_id.is_null()) return Value::FromGraph(v->external_id);
  return Value(static_cast<int64_t>(id));
}

Value Context::EdgeId(const graph::EdgeKey& key) {
  auto e = GetEdge(key);
  if (e && !e->external_id.is_null()) return Value::FromGraph(e->external_id);
  return Value(key.ToString());
}

Value Context::Detach(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kVertex: {
      if (v.vertex().info) return v;
      auto info = std::make_shared<ElementInfo>();
      auto vx = GetVertex(v.vertex().id);
      if (vx) {
        info->labels = vx->labels;
        vx->external_id.is_null() ? void(info->id = graph::Value(int64_t(vx->id)))
                                  : void(info->id = vx->external_id);
      } else {
        info->id = graph::Value(static_cast<int64_t>(v.vertex().id));
      }
      return Value(VertexRef{v.vertex().id, std::move(info)});
    }
    case Value::Kind::kEdge: {
      if (v.edge().info) return v;
      const auto& k = v.edge().key;
      auto info = std::make_shared<ElementInfo>();
      auto e = GetEdge(k);
      info->labels.push_back(e ? e->label : reader->LabelName(k.label));
      if (e && !e->external_id.is_null()) {
        info->id = e->external_id;
      } else {
        info->id = graph::Value(k.ToString());
      }
      for (int side = 0; side < 2; ++side) {
        graph::VertexId vid = side == 0 ? k.src : k.dst;
        auto vx = GetVertex(vid);
        graph::Value id = vx && !vx->external_id.is_null() ? vx->external_id
                                                            : graph::Value(int64_t(vid));
        std::string label = vx && !vx->labels.empty() ? vx->labels[0] : "";
        (side == 0 ? info->out_id : info->in_id) = id;
        (side == 0 ? info->out_label : info->in_label) = label;
      }
      return Value(EdgeRef{k, std::move(info)});
    }
    case Value::Kind::kList:
    case Value::Kind::kSet: {
      ValueList l;
      for (const auto& x : v.as_list()) l.push_back(Detach(x));
      return v.kind() == Value::Kind::kSet ? Value::Set(std::move(l)) : Value::List(std::move(l));
    }
    case Value::Kind::kMap: {
      ValueMap m;
      for (const auto& [k, x] : v.as_map()) m.emplace_back(Detach(k), Detach(x));
      return Value::Map(std::move(m));
    }
    case Value::Kind::kPath: {
      PathValue p = v.path();
      for (auto& o : p.objects) o = Detach(o);
      return Value(std::move(p));
    }
    default: return v;
  }
}

// ---------------------------------------------------------------------------------------------
// Pipeline and the queue at its head
// ---------------------------------------------------------------------------------------------

class QueueOp : public Op {
 public:
  explicit QueueOp(Context* ctx) : Op(ctx, "start") {}
  bool Next(Traverser* out) override {
    if (q_.empty()) return false;
    *out = std::move(q_.front());
    q_.pop_front();
    ctx_->Release(1);
    return true;
  }
  void Reset() override {
    ctx_->Release(q_.size());
    q_.clear();
  }
  void Push(Traverser t) {
    ctx_->Hold(1);
    q_.push_back(std::move(t));
  }

 private:
  std::deque<Traverser> q_;
};

Pipeline::Pipeline(Context* ctx) : ctx_(ctx) {
  auto q = std::make_unique<QueueOp>(ctx);
  queue_ = q.get();
  last_step_ = q.get();
  tail_ = q.get();
  ops_.push_back(std::move(q));
}

namespace {
// With profiling on, follows every operator and charges the time spent in its Next() to it.
class TimingOp : public Op {
 public:
  TimingOp(Context* ctx, Op* timed) : Op(ctx, ""), timed_(timed) { set_input(timed); }
  bool Next(Traverser* out) override {
    absl::Time start = absl::Now();
    bool ok = timed_->Next(out);
    timed_->time += absl::Now() - start;
    return ok;
  }
  bool IsBarrier() const override { return timed_->IsBarrier(); }

 private:
  Op* timed_;
};
}  // namespace

void Pipeline::Add(std::unique_ptr<Op> op) {
  op->set_input(tail_);
  tail_ = op.get();
  last_step_ = op.get();
  ops_.push_back(std::move(op));
  if (profile) {
    auto timing = std::make_unique<TimingOp>(ctx_, tail_);
    tail_ = timing.get();
    ops_.push_back(std::move(timing));
  }
}

void Pipeline::Feed(Traverser t) { queue_->Push(std::move(t)); }

bool Pipeline::Next(Traverser* out) {
  if (!ctx_->ok()) return false;
  return tail_->Next(out) && ctx_->ok();
}

void Pipeline::Reset() { tail_->Reset(); }

bool Pipeline::HasBarrier() const {
  for (const auto& op : ops_) {
    if (op->IsBarrier()) return true;
  }
  return false;
}

bool Pipeline::RunAll(const Traverser& t, std::vector<Traverser>* out) {
  Reset();
  Feed(t);
  for (Traverser r; tail_->Next(&r);) {
    out->push_back(std::move(r));
    if (!ctx_->Hold(1)) return false;
  }
  ctx_->Release(out->size());
  return ctx_->ok();
}

bool Pipeline::Any(const Traverser& t, bool* any) {
  Reset();
  Feed(t);
  Traverser r;
  *any = tail_->Next(&r);
  return ctx_->ok();
}

bool Pipeline::First(const Traverser& t, std::optional<Value>* out) {
  Reset();
  Feed(t);
  Traverser r;
  if (tail_->Next(&r)) {
    *out = std::move(r.obj);
  } else {
    out->reset();
  }
  return ctx_->ok();
}

// ---------------------------------------------------------------------------------------------
// Helpers over values
// ---------------------------------------------------------------------------------------------

int64_t SatAdd(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r)) return b > 0 ? INT64_MAX : INT64_MIN;
  return r;
}

namespace {

int64_t SatMul(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_mul_overflow(a, b, &r)) return (a > 0) == (b > 0) ? INT64_MAX : INT64_MIN;
  return r;
}

// Whether `bulk` copies of a value may be materialised (fold(), aggregate(), group()).
bool ExpandOk(Context* ctx, int64_t bulk) {
  if (bulk <= 0 || static_cast<uint64_t>(bulk) <= ctx->options.limits.max_traversers) return true;
  return ctx->Fail(absl::ResourceExhaustedError(
      absl::StrCat("query exceeded max_traversers = ", ctx->options.limits.max_traversers,
                   " (a traverser with bulk ", bulk, " was expanded)")));
}

absl::Status TypeError(const std::string& step, const Value& v, const std::string& wanted) {
  return absl::InvalidArgumentError(absl::StrCat(step, "() expects ", wanted, " but got ",
                                                 v.DebugString()));
}

// Numeric addition with TinkerPop's promotion: int + int stays int unless it overflows.
Value Add(const Value& a, const Value& b) {
  if (a.is_null()) return b;
  if (a.kind() == Value::Kind::kDouble || b.kind() == Value::Kind::kDouble) {
    return Value(a.ToDouble() + b.ToDouble());
  }
  if (a.kind() == Value::Kind::kFloat || b.kind() == Value::Kind::kFloat) {
    return Value(static_cast<float>(a.ToDouble() + b.ToDouble()));
  }
  int64_t x = a.ToInt64(), y = b.ToInt64(), r;
  if (__builtin_add_overflow(x, y, &r)) return Value(static_cast<double>(x) + static_cast<double>(y));
  if (a.kind() == Value::Kind::kInt32 && b.kind() == Value::Kind::kInt32 &&
      r >= std::numeric_limits<int32_t>::min() && r <= std::numeric_limits<int32_t>::max()) {
    return Value(static_cast<int32_t>(r));
  }
  return Value(r);
}

Value Multiply(const Value& a, int64_t bulk) {
  if (bulk == 1) return a;
  if (a.kind() == Value::Kind::kDouble) return Value(a.as_double() * static_cast<double>(bulk));
  if (a.kind() == Value::Kind::kFloat) return Value(a.as_float() * static_cast<float>(bulk));
  int64_t r;
  if (__builtin_mul_overflow(a.ToInt64(), bulk, &r)) {
    return Value(a.ToDouble() * static_cast<double>(bulk));
  }
  if (a.kind() == Value::Kind::kInt32 && r >= std::numeric_limits<int32_t>::min() &&
      r <= std::numeric_limits<int32_t>::max()) {
    return Value(static_cast<int32_t>(r));
  }
  return Value(r);
}

bool IsIterable(const Value& v) {
  return v.is_collection() || v.kind() == Value::Kind::kPath || v.kind() == Value::Kind::kMap;
}

// The items of a collection as a list (map entries become single-entry maps).
ValueList Items(const Value& v) {
  if (v.is_collection()) return v.as_list();
  if (v.kind() == Value::Kind::kPath) return v.path().objects;
  if (v.kind() == Value::Kind::kMap) {
    ValueList out;
    for (const auto& e : v.as_map()) out.push_back(Value::Map({e}));
    return out;
  }
  return {v};
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Predicates
// ---------------------------------------------------------------------------------------------

bool Predicate::Test(const Value& v) const {
  switch (op) {
    case kEq: return Equals(v, args[0]);
    case kNeq: return !Equals(v, args[0]);
    case kLt: { auto c = Compare(v, args[0]); return c && *c < 0; }
    case kLte: { auto c = Compare(v, args[0]); return c && *c <= 0; }
    case kGt: { auto c = Compare(v, args[0]); return c && *c > 0; }
    case kGte: { auto c = Compare(v, args[0]); return c && *c >= 0; }
    case kInside: {
      auto a = Compare(v, args[0]), b = Compare(v, args[1]);
      return a && b && *a > 0 && *b < 0;
    }
    case kOutside: {
      auto a = Compare(v, args[0]), b = Compare(v, args[1]);
      return (a && *a < 0) || (b && *b > 0);
    }
    case kBetween: {
      auto a = Compare(v, args[0]), b = Compare(v, args[1]);
      return a && b && *a >= 0 && *b < 0;
    }
    case kWithin:
      for (const auto& a : args) {
        if (Equals(v, a)) return true;
      }
      return false;
    case kWithout:
      for (const auto& a : args) {
        if (Equals(v, a)) return false;
      }
      return true;
    case kNot: return !children[0].Test(v);
    case kAnd: return children[0].Test(v) && children[1].Test(v);
    case kOr: return children[0].Test(v) || children[1].Test(v);
    case kContaining:
    case kNotContaining:
    case kStartingWith:
    case kNotStartingWith:
    case kEndingWith:
    case kNotEndingWith:
    case kRegex:
    case kNotRegex: {
      if (!v.is_string() || !args[0].is_string()) return false;
      const std::string& s = v.as_string();
      const std::string& p = args[0].as_string();
      switch (op) {
        case kContaining: return absl::StrContains(s, p);
        case kNotContaining: return !absl::StrContains(s, p);
        case kStartingWith: return absl::StartsWith(s, p);
        case kNotStartingWith: return !absl::StartsWith(s, p);
        case kEndingWith: return absl::EndsWith(s, p);
        case kNotEndingWith: return !absl::EndsWith(s, p);
        case kRegex: return regex && RE2::PartialMatch(s, *regex);
        default: return regex && !RE2::PartialMatch(s, *regex);
      }
    }
  }
  return false;
}

bool Predicate::HasTraversals() const {
  if (!traversal_args.empty()) return true;
  for (const auto& c : children) {
    if (c.HasTraversals()) return true;
  }
  return false;
}

namespace {
// Replaces traversal arguments by their values for `t`; false when one is unproductive.
bool Bind(Context* ctx, const Predicate& p, const Traverser& t, Predicate* out, bool* productive) {
  *out = p;
  out->traversal_args.clear();
  out->children.clear();
  for (const auto& c : p.children) {
    Predicate b;
    if (!Bind(ctx, c, t, &b, productive)) return false;
    if (!*productive) return true;
    out->children.push_back(std::move(b));
  }
  if (p.traversal_args.empty()) return true;
  bool multi = p.op == Predicate::kWithin || p.op == Predicate::kWithout;
  std::vector<Value> args;
  size_t next = 0;
  for (size_t i = 0; i < p.args.size() || next < p.traversal_args.size(); ++i) {
    if (next < p.traversal_args.size() && p.traversal_args[next].first == i) {
      std::vector<Traverser> rs;
      if (!p.traversal_args[next].second->RunAll(t, &rs)) return false;
      ++next;
      if (multi) {
        for (auto& r : rs) {
          if (r.obj.is_collection()) {
            for (const auto& x : r.obj.as_list()) args.push_back(x);
          } else {
            args.push_back(std::move(r.obj));
          }
        }
        continue;
      }
      if (rs.empty()) {
        *productive = false;
        return true;
      }
      args.push_back(std::move(rs[0].obj));
      continue;
    }
    if (i < p.args.size()) args.push_back(p.args[i]);
  }
  out->args = std::move(args);
  return true;
}
}  // namespace

bool TestPredicate(Context* ctx, const Predicate& p, const Traverser& t, const Value& v, bool* result) {
  if (!p.HasTraversals()) {
    *result = p.Test(v);
    return true;
  }
  Predicate bound;
  bool productive = true;
  if (!Bind(ctx, p, t, &bound, &productive)) return false;
  *result = productive && bound.Test(v);
  return true;
}

std::string Predicate::Describe() const {
  static const char* names[] = {"eq", "neq", "lt", "lte", "gt", "gte", "inside", "outside",
                                "between", "within", "without", "not", "and", "or",
                                "containing", "notContaining", "startingWith",
                                "notStartingWith", "endingWith", "notEndingWith", "regex",
                                "notRegex"};
  std::vector<std::string> parts;
  for (const auto& a : args) parts.push_back(a.DebugString());
  for (const auto& c : children) parts.push_back(c.Describe());
  return absl::StrCat(names[op], "(", absl::StrJoin(parts, ", "), ")");
}

}  // namespace kg::query

namespace kg::query {
namespace {

// ---------------------------------------------------------------------------------------------
// Generic operators
// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// by() modulators (by.h)
// ---------------------------------------------------------------------------------------------

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
      else if (t == Token::kId) *out = Value(static_cast<int64_t>(obj.vertex_property().index));
      return true;
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

// Evaluates a by() modulator; nullopt when it is unproductive.
bool EvalByInner(Context* ctx, const By& by, const Traverser& t, std::optional<Value>* out);
}  // namespace

bool EvalBy(Context* ctx, const By& by, const Traverser& t, std::optional<Value>* out) {
  if (!EvalByInner(ctx, by, t, out)) return false;
  if (!*out && ctx->productive_by) *out = Value();  // ProductiveByStrategy: null, not a filter
  return true;
}

namespace {
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
    case By::kColumnValues: {
      if (t.obj.kind() != Value::Kind::kMap) {
        return ctx->Fail(TypeError("by(Column)", t.obj, "a map"));
      }
      ValueList l;
      for (const auto& [k, v] : t.obj.as_map()) l.push_back(by.kind == By::kColumnKeys ? k : v);
      if (t.obj.as_map().size() == 1) {
        *out = l[0];
      } else {
        *out = Value::List(std::move(l));
      }
      return true;
    }
  }
  return true;
}


// ---------------------------------------------------------------------------------------------
// Path helpers
// ---------------------------------------------------------------------------------------------

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

}  // namespace

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

namespace kg::query {
namespace {

// ---------------------------------------------------------------------------------------------
// Graph access operators
// ---------------------------------------------------------------------------------------------

// V(...) / E(...): every element, the given ids, or (after planning) an index lookup.
class GraphStartOp : public Op {
 public:
  enum class Plan { kAll, kIds, kLabel, kAlias, kIndexExact };
  GraphStartOp(Context* ctx, bool vertices) : Op(ctx, vertices ? "V" : "E"), vertices_(vertices) {}

  bool vertices_;
  Plan plan = Plan::kAll;
  std::vector<Value> ids;
  std::vector<std::shared_ptr<Pipeline>> id_children;  // V(__.select('x')): ids per traverser
  std::string label, key;
  Value value;

  std::string Describe() const override {
    switch (plan) {
      case Plan::kAll: return absl::StrCat(name_, "() [full scan]");
      case Plan::kIds: return absl::StrCat(name_, "(ids) [id lookup]");
      case Plan::kLabel: return absl::StrCat(name_, "() [label scan: ", label, "]");
      case Plan::kAlias:
        return absl::StrCat(name_, "() [name/alias index: ", value.DebugString(),
                            label.empty() ? "" : absl::StrCat(" label ", label), "]");
      case Plan::kIndexExact:
        return absl::StrCat(name_, "() [property index ", label, ".", key, " = ",
                            value.DebugString(), "]");
    }
    return name_;
  }

  bool Next(Traverser* out) override {
    for (;;) {
      if (stream_ || estream_) {
        if (!ctx_->Tick()) return false;
        if (stream_) {
          graph::VertexId id;
          if (stream_->Next(&id)) {
            ctx_->ExtendInto(cur_, Value::Vertex(id), out);
            ++out_count;
            return true;
          }
          if (!stream_->status().ok()) return ctx_->Fail(stream_->status());
          stream_.reset();
        } else {
          graph::EdgeKey k;
          if (estream_->Next(&k)) {
            ctx_->ExtendInto(cur_, Value::Edge(k), out);
            ++out_count;
            return true;
          }
          if (!estream_->status().ok()) return ctx_->Fail(estream_->status());
          estream_.reset();
        }
        continue;
      }
      if (i_ < buf_.size()) {
        ctx_->ExtendInto(cur_, std::move(buf_[i_++]), out);
        ++out_count;
        return true;
      }
      if (!Pull(&cur_)) return false;
      buf_.clear();
      i_ = 0;
      if (!Open()) return false;
    }
  }

  void Reset() override {
    stream_.reset();
    estream_.reset();
    buf_.clear();
    i_ = 0;
    Op::Reset();
  }

 private:
  bool Open() {
    graph::GraphReader* r = ctx_->reader;
    switch (plan) {
      case Plan::kAll:
        if (vertices_) stream_ = r->ScanVertices();
        else estream_ = r->ScanAllEdges();
        return true;
      case Plan::kLabel: {
        auto l = r->FindLabel(label);
        if (l) stream_ = r->ScanVerticesWithLabel(*l);
        return true;
      }
      case Plan::kAlias: {
        std::optional<graph::LabelId> l;
        if (!label.empty()) {
          l = r->FindLabel(label);
          if (!l) return true;
        }
        stream_ = r->FindByAlias(value.as_string(), l);
        return true;
      }
      case Plan::kIndexExact: {
        graph::Value gv;
        value.ToGraph(&gv);
        stream_ = r->IndexExact(label, key, gv);
        return true;
      }
      case Plan::kIds: return ResolveIds();
    }
    return true;
  }

  bool ResolveIds() {
    std::vector<Value> flat;
    std::vector<Value> all = ids;
    for (const auto& c : id_children) {
      std::vector<Traverser> rs;
      if (!c->RunAll(cur_, &rs)) return false;
      for (auto& r : rs) all.push_back(std::move(r.obj));
    }
    for (const auto& id : all) {
      if (id.is_collection()) {
        for (const auto& x : id.as_list()) flat.push_back(x);
      } else {
        flat.push_back(id);
      }
    }
    for (const auto& id : flat) {
      if (vertices_) {
        std::optional<graph::VertexId> vid;
        if (!FindVertex(id, &vid)) return false;
        if (vid) buf_.push_back(Value::Vertex(*vid));
      } else {
        std::optional<graph::EdgeKey> key;
        if (!FindEdge(id, &key)) return false;
        if (key) buf_.push_back(Value::Edge(*key));
      }
    }
    return true;
  }

  bool FindVertex(const Value& id, std::optional<graph::VertexId>* out) {
    if (id.is_vertex()) {
      *out = id.vertex().id;
      return true;
    }
    if (id.is_null()) return true;
    std::vector<graph::Value> candidates;
    graph::Value g;
    if (!id.ToGraph(&g)) return true;
    candidates.push_back(g);
    int64_t parsed;
    if (id.is_string() && absl::SimpleAtoi(id.as_string(), &parsed)) {
      candidates.push_back(graph::Value(parsed));
      if (parsed >= INT32_MIN && parsed <= INT32_MAX) candidates.push_back(graph::Value(static_cast<int32_t>(parsed)));
    }
    if (id.is_integer()) {
      int64_t n = id.ToInt64();
      candidates.push_back(graph::Value(n));
      if (n >= std::numeric_limits<int32_t>::min() && n <= std::numeric_limits<int32_t>::max()) {
        candidates.push_back(graph::Value(static_cast<int32_t>(n)));
      }
    }
    for (const auto& c : candidates) {
      auto r = ctx_->reader->FindVertexByExternalId(c);
      if (!r.ok()) return ctx_->Fail(r.status());
      if (r->has_value()) {
        *out = **r;
        return true;
      }
    }
    // An internal id (vertices created without a user id show it as their id).
    int64_t n = -1;
    if (id.is_integer()) n = id.ToInt64();
    if (id.is_string()) {
      if (!absl::SimpleAtoi(id.as_string(), &n)) n = -1;
    }
    if (n > 0) {
      auto v = ctx_->GetVertex(static_cast<graph::VertexId>(n));
      if (v && v->external_id.is_null()) *out = v->id;
    }
    return ctx_->ok();
  }

  bool FindEdge(const Value& id, std::optional<graph::EdgeKey>* out) {
    if (id.is_edge()) {
      *out = id.edge().key;
      return true;
    }
    if (id.is_null()) return true;
    graph::Value g;
    if (!id.ToGraph(&g)) return true;
    std::vector<graph::Value> candidates = {g};
    int64_t parsed;
    if (id.is_string() && absl::SimpleAtoi(id.as_string(), &parsed)) {
      candidates.push_back(graph::Value(parsed));
      if (parsed >= INT32_MIN && parsed <= INT32_MAX) candidates.push_back(graph::Value(static_cast<int32_t>(parsed)));
    }
    if (id.is_integer()) {
      int64_t n = id.ToInt64();
      candidates.push_back(graph::Value(n));
      if (n >= std::numeric_limits<int32_t>::min() && n <= std::numeric_limits<int32_t>::max()) {
        candidates.push_back(graph::Value(static_cast<int32_t>(n)));
      }
    }
    for (const auto& c : candidates) {
      auto r = ctx_->reader->FindEdgeByExternalId(c);
      if (!r.ok()) return ctx_->Fail(r.status());
      if (r->has_value()) {
        *out = **r;
        return true;
      }
    }
    graph::EdgeKey k;
    if (id.is_string() && graph::EdgeKey::Parse(id.as_string(), &k)) {
      auto e = ctx_->GetEdge(k);
      if (e) *out = k;
    }
    return ctx_->ok();
  }

  Traverser cur_;
  std::unique_ptr<graph::VertexIdStream> stream_;
  std::unique_ptr<graph::EdgeStream> estream_;
  std::vector<Value> buf_;
  size_t i_ = 0;
};

// out/in/both and outE/inE/bothE: streams the adjacency scans of each input vertex.
class AdjacentOp : public Op {
 public:
  AdjacentOp(Context* ctx, std::string name, int dirs, bool edges, std::vector<std::string> labels)
      : Op(ctx, std::move(name)), dirs_(dirs), edges_(edges), labels_(std::move(labels)) {}
  std::string Describe() const override {
    return absl::StrCat(name_, "(", absl::StrJoin(labels_, ","), ")",
                        labels_.empty() ? " [all edges]" : " [label-prefixed edge scan]");
  }
  bool Next(Traverser* out) override {
    for (;;) {
      if (i_ < batch_.size()) {
        if (!ctx_->Tick()) return false;
        const graph::EdgeKey& k = batch_[i_++];
        if (edges_) {
          out->obj = Value::Edge(k);
        } else {
          out->obj.SetVertex(cur_dir_ == graph::Direction::kOut ? k.dst : k.src);
        }
        ctx_->ExtendAround(cur_, out);
        ++out_count;
        return true;
      }
      if (stream_) {
        if (!Refill()) return false;
        continue;
      }
      if (!OpenNext()) {
        if (!ctx_->ok()) return false;
        if (!Pull(&cur_)) return false;
        if (!cur_.obj.is_vertex()) {
          return ctx_->Fail(TypeError(name_, cur_.obj, "a vertex"));
        }
        scan_ = 0;
      }
    }
  }
  void Reset() override {
    stream_.reset();
    batch_.clear();
    i_ = 0;
    scan_ = kDone;
    Op::Reset();
  }

 private:
  static constexpr size_t kDone = ~size_t{0};
  // Edges are read kBatch at a time in a tight loop: interleaving the storage's iterator with
  // the whole pipeline for every edge costs a third more time in the iterator itself (caches).
  static constexpr size_t kBatch = 256;
  bool Refill() {
    batch_.clear();
    batch_.reserve(kBatch);
    i_ = 0;
    graph::EdgeKey k;
    while (batch_.size() < kBatch && stream_->Next(&k)) batch_.push_back(k);
    if (batch_.size() < kBatch) {
      if (!stream_->status().ok()) return ctx_->Fail(stream_->status());
      stream_.reset();
    }
    return true;
  }
  // Opens the next (direction, label) scan of the current vertex; false when there is none.
  bool OpenNext() {
    if (scan_ == kDone) return false;
    size_t per_dir = labels_.empty() ? 1 : labels_.size();
    size_t total = per_dir * (dirs_ == 3 ? 2 : 1);
    while (scan_ < total) {
      size_t d = scan_ / per_dir, l = scan_ % per_dir;
      ++scan_;
      cur_dir_ = dirs_ == 2 || (dirs_ == 3 && d == 1) ? graph::Direction::kIn : graph::Direction::kOut;
      std::optional<graph::LabelId> label;
      if (!labels_.empty()) {
        label = LabelIdOf(l);
        if (!label) continue;
      }
      stream_ = ctx_->reader->ScanEdges(cur_.obj.vertex().id, cur_dir_, label);
      return true;
    }
    scan_ = kDone;
    return false;
  }

  // The id of labels_[i], looked up once it exists (a miss is looked up again: a write later in
  // the query may create the label).
  std::optional<graph::LabelId> LabelIdOf(size_t i) {
    if (label_ids_.size() != labels_.size()) label_ids_.resize(labels_.size());
    if (!label_ids_[i]) label_ids_[i] = ctx_->reader->FindLabel(labels_[i]);
    return label_ids_[i];
  }

  int dirs_;  // 1 out, 2 in, 3 both
  bool edges_;
  std::vector<std::string> labels_;
  std::vector<std::optional<graph::LabelId>> label_ids_;
  Traverser cur_;
  std::unique_ptr<graph::EdgeStream> stream_;
  std::vector<graph::EdgeKey> batch_;  // read from stream_, not yet passed on
  size_t i_ = 0;                       // the next of batch_ to pass on
  graph::Direction cur_dir_ = graph::Direction::kOut;
  size_t scan_ = kDone;
};

}  // namespace
}  // namespace kg::query

namespace kg::query {
namespace {

// ---------------------------------------------------------------------------------------------
// Branching operators
// ---------------------------------------------------------------------------------------------

// repeat(body) with times/until/emit, before (while-do) or after (do-while) the body.
class RepeatOp : public Op {
 public:
  RepeatOp(Context* ctx, std::shared_ptr<Pipeline> body) : Op(ctx, "repeat"), body_(std::move(body)) {}
  std::shared_ptr<Pipeline> body_, until_, emit_cond_;
  bool emit_ = false, emit_first_ = false, until_first_ = false, times_first_ = false;
  bool body_labels_ = false;  // the body has as() steps
  int64_t times_ = -1;
  std::string loop_name_;  // repeat("name", ...)

  std::string Describe() const override {
    std::string s = absl::StrCat("repeat(", DescribePipeline(*body_, false), ")");
    if (times_ >= 0) absl::StrAppend(&s, ".times(", times_, ")");
    if (until_) absl::StrAppend(&s, ".until(...)");
    if (emit_) absl::StrAppend(&s, ".emit(...)");
    return s;
  }
  bool IsBarrier() const override { return body_->HasBarrier(); }

  // Streams: each body result is looped back, emitted or both before the next one is pulled,
  // so emitted traversers leave as soon as they exist.
  bool Next(Traverser* out) override {
    for (;;) {
      if (!out_.empty()) {
        *out = std::move(out_.front());
        out_.pop_front();
        ctx_->Release(1);
        ++out_count;
        return true;
      }
      if (in_body_) {
        // *out is the scratch traverser: one that leaves the loop now is passed on in place.
        if (body_->Next(out)) {
          bool leave = false;
          if (!AfterIteration(out, &leave)) return false;
          if (!leave) continue;
          out->loops.pop_back();
          ++out_count;
          return true;
        }
        if (!ctx_->ok()) return false;
        in_body_ = false;
      }
      if (!frontier_.empty()) {
        StartIteration();
        continue;
      }
      if (!PullInput()) return false;
    }
  }
  void Reset() override {
    ctx_->Release(out_.size() + frontier_.size());
    out_.clear();
    frontier_.clear();
    in_body_ = false;
    body_->Reset();
    Op::Reset();
  }

 private:
  bool Test(const std::shared_ptr<Pipeline>& p, const Traverser& t, bool* result) {
    if (!p) {
      *result = true;
      return true;
    }
    return p->Any(t, result);
  }
  bool Emit(Traverser t) {
    t.loops.pop_back();
    out_.push_back(std::move(t));
    return ctx_->Hold(1);
  }
  // A traverser about to start an iteration (fresh, or after one).
  bool Enter(Traverser t) {
    if (times_first_ && t.loops.back() >= times_) return Emit(std::move(t));
    if (until_first_) {
      bool stop;
      if (!Test(until_, t, &stop)) return false;
      if (stop) return Emit(std::move(t));
    }
    if (emit_ && emit_first_) {
      bool e;
      if (!Test(emit_cond_, t, &e)) return false;
      if (e && !Emit(t)) return false;
    }
    frontier_.push_back(std::move(t));
    return ctx_->Hold(1);
  }
  // Takes the next input traversers into the loop; false when there are none (or on error).
  bool PullInput() {
    // A body with a barrier sees all input at once. Otherwise up to kBatch traversers enter
    // together, so that equal ones merge before each iteration (LazyBarrierStrategy's
    // bulking); with paths tracked no two are equal, and they enter one at a time.
    size_t batch = body_->HasBarrier() ? SIZE_MAX : ctx_->track_path ? 1 : kBatch;
    size_t pulled = 0;
    for (Traverser t; pulled < batch && Pull(&t); ++pulled) {
      t.loops.push_back(0);
      if (!Enter(std::move(t))) return false;
    }
    return ctx_->ok() && pulled > 0;
  }
  // Feeds the frontier, merged, to the body for one more iteration.
  void StartIteration() {
    std::vector<Traverser> frontier;
    frontier.swap(frontier_);
    ctx_->Release(frontier.size());
    if (!ctx_->track_path || DropUnreadPaths(&frontier)) Bulk(ctx_, &frontier);
    for (auto& t : frontier) body_->Feed(std::move(t));
    in_body_ = true;
  }
  // A traverser the body produced: it leaves the loop (*leave: emitted, or done), and/or goes
  // into the next iteration. Nothing is queued before it (out_ is empty when the body is
  // pulled), so passing it on at once keeps TinkerPop's order.
  bool AfterIteration(Traverser* r, bool* leave) {
    if (r->loops.empty()) r->loops.push_back(0);
    ++r->loops.back();
    *leave = true;
    if (!times_first_ && times_ >= 0 && r->loops.back() >= times_) return true;
    if (until_ && !until_first_) {
      bool stop;
      if (!Test(until_, *r, &stop)) return false;
      if (stop) return true;
    }
    bool emit = false;
    if (emit_ && !emit_first_ && !Test(emit_cond_, *r, &emit)) return false;
    *leave = emit;
    return Enter(emit ? Traverser(*r) : std::move(*r));
  }
  // PathRetractionStrategy, in its simplest case: when nothing in the query reads path objects
  // (only as() labels, for select()/where()/dedup()), and neither the frontier's paths nor the
  // body carry labels, the paths can never be observed: they are dropped so that equal
  // traversers merge. True when they were.
  bool DropUnreadPaths(std::vector<Traverser>* ts) const {
    if (ctx_->path_objects_read || body_labels_) return false;
    for (const auto& t : *ts) {
      for (const PathNode* n = t.path.get(); n != nullptr; n = n->prev.get()) {
        if (!n->labels.empty()) return false;
      }
    }
    for (auto& t : *ts) t.path.reset();
    return true;
  }
  // Merges traversers at the same object and loop counters (LazyBarrierStrategy's bulking).
  // Sacks tell traversers apart unless withSack() gave an Operator to merge them with.
  // The common case, vertices at the first traverser's loop counters without a sack to tell
  // them apart, is keyed by vertex id alone (exact: such a traverser equals no other kind).
  static void Bulk(Context* ctx, std::vector<Traverser>* ts) {
    if (ts->size() < 2) return;
    bool merge_sacks = !ctx->sack_merge.empty();
    const LoopCounters common_loops = ts->front().loops;
    absl::flat_hash_map<graph::VertexId, size_t> seen_vertices;
    absl::flat_hash_map<std::tuple<Value, LoopCounters, Value>, size_t> seen;
    std::vector<Traverser> out;
    out.reserve(ts->size());
    for (auto& t : *ts) {
      bool by_id = t.obj.is_vertex() && (merge_sacks || t.sack.is_null()) && t.loops == common_loops;
      size_t first =
          by_id ? seen_vertices.emplace(t.obj.vertex().id, out.size()).first->second
                : seen.emplace(std::make_tuple(t.obj, t.loops, merge_sacks ? Value() : t.sack),
                               out.size())
                      .first->second;
      if (first == out.size()) {
        out.push_back(std::move(t));
        continue;
      }
      Traverser& into = out[first];
      into.bulk = SatAdd(into.bulk, t.bulk);
      if (merge_sacks) into.sack = ApplyOperator(std::move(into.sack), t.sack, ctx->sack_merge);
    }
    ts->swap(out);
  }

  static constexpr size_t kBatch = 2500;  // TinkerPop's default barrier size
  std::deque<Traverser> out_;
  std::vector<Traverser> frontier_;  // the next iteration's traversers
  bool in_body_ = false;             // the body has been fed and may have results
};

// union(a, b, ...): every branch gets every traverser. Branches with a barrier see all input
// before they emit (they are global children); otherwise traversers stream one at a time.
class UnionOp : public Op {
 public:
  UnionOp(Context* ctx, std::vector<std::shared_ptr<Pipeline>> branches)
      : Op(ctx, "union"), branches_(std::move(branches)) {
    for (const auto& b : branches_) global_ = global_ || b->HasBarrier();
  }
  std::string Describe() const override {
    std::vector<std::string> parts;
    for (const auto& b : branches_) parts.push_back(DescribePipeline(*b, false));
    return absl::StrCat("union(", absl::StrJoin(parts, " | "), ")");
  }
  bool IsBarrier() const override { return global_; }
  bool Next(Traverser* out) override {
    for (;;) {
      while (active_ < branches_.size()) {
        if (branches_[active_]->Next(out)) {
          ++out_count;
          return true;
        }
        if (!ctx_->ok()) return false;
        ++active_;
      }
      bool got = false;
      for (Traverser t; Pull(&t);) {
        got = true;
        for (const auto& b : branches_) b->Feed(t);
        if (!global_) break;
      }
      if (!ctx_->ok() || !got) return false;
      active_ = 0;
    }
  }
  void Reset() override {
    for (auto& b : branches_) b->Reset();
    active_ = branches_.size();
    Op::Reset();
  }

 private:
  std::vector<std::shared_ptr<Pipeline>> branches_;
  bool global_ = false;
  size_t active_ = ~size_t{0};
};

}  // namespace
}  // namespace kg::query

namespace kg::query {
namespace {


// inject(): the values first (once), then the input traversers (a start step's root is dropped).
class InjectOp : public Op {
 public:
  InjectOp(Context* ctx, ValueList values) : Op(ctx, "inject"), values_(std::move(values)) {}
  bool Next(Traverser* out) override {
    if (!started_) {
      // A start step: inject once the root has arrived (so children run per feed).
      Traverser t;
      started_ = true;
      if (Pull(&t) && !t.root) pending_ = std::move(t), has_pending_ = true;
      if (!ctx_->ok()) return false;
    }
    if (i_ < values_.size()) {
      *out = ctx_->Fresh(values_[i_++], 1);
      ++out_count;
      return true;
    }
    if (has_pending_) {
      has_pending_ = false;
      *out = std::move(pending_);
      ++out_count;
      return true;
    }
    while (Pull(out)) {
      if (out->root) continue;
      ++out_count;
      return true;
    }
    return false;
  }
  void Reset() override {
    started_ = false;
    has_pending_ = false;
    i_ = 0;
    Op::Reset();
  }

 private:
  ValueList values_;
  bool started_ = false, has_pending_ = false;
  Traverser pending_;
  size_t i_ = 0;
};


// The value of a side effect declared with an Operator, after the aggregate() steps fed it.
Value ReduceSideEffect(Context* ctx, const std::string& key, const std::string& op) {
  Value acc = ctx->side_effects[key];
  const std::vector<Value>& vals = ctx->aggregates[key];
  if (op == "assign") {
    size_t from = std::min(ctx->aggregate_flush[key], vals.size());
    if (from == vals.size() && vals.empty()) return acc;
    ValueList last(vals.begin() + from, vals.end());
    return Value::List(std::move(last));
  }
  for (const auto& v : vals) acc = ApplyOperator(acc, v, op);
  return acc;
}

// TinkerPop's Operator: how fold(seed, op) and withSideEffect(k, v, op) combine values.
}  // namespace

Value ApplyOperator(Value acc, const Value& v, const std::string& op) {
  {
    if (op == "assign") {
      acc = v;
    } else if (op == "addAll") {
      if (acc.kind() == Value::Kind::kMap && v.kind() == Value::Kind::kMap) {
        ValueMap m = acc.as_map();
        for (const auto& [k, x] : v.as_map()) {
          auto it = std::find_if(m.begin(), m.end(), [&key = k](const auto& e) { return e.first == key; });
          if (it == m.end()) m.emplace_back(k, x);
          else it->second = x;
        }
        acc = Value::Map(std::move(m));
      } else {
        ValueList l = acc.is_collection() ? acc.as_list() : ValueList{};
        if (v.is_collection()) for (const auto& x : v.as_list()) l.push_back(x);
        else l.push_back(v);
        acc = Value::List(std::move(l));
      }
    } else if (op == "sum") {
      acc = Add(acc, v);
    } else if (op == "minus" && acc.is_number() && v.is_number()) {
      acc = Add(acc, v.is_integer() ? (v.kind() == Value::Kind::kInt32 ? Value(-v.as_int32()) : Value(-v.as_int64()))
                                    : Value(-v.ToDouble()));
    } else if (op == "mult" && acc.is_number() && v.is_number()) {
      if (acc.is_integer() && v.is_integer()) {
        int64_t r = acc.ToInt64() * v.ToInt64();
        acc = acc.kind() == Value::Kind::kInt32 && v.kind() == Value::Kind::kInt32 && r <= INT32_MAX && r >= INT32_MIN
                  ? Value(static_cast<int32_t>(r)) : Value(r);
      } else {
        acc = Value(acc.ToDouble() * v.ToDouble());
      }
    } else if (op == "div" && acc.is_number() && v.is_number()) {
      if (acc.is_integer() && v.is_integer() && v.ToInt64() != 0) {
        int64_t r = acc.ToInt64() / v.ToInt64();
        acc = acc.kind() == Value::Kind::kInt32 ? Value(static_cast<int32_t>(r)) : Value(r);
      } else {
        acc = Value(acc.ToDouble() / v.ToDouble());
      }
    } else if (op == "min" || op == "max") {
      auto c = Compare(v, acc);
      if (acc.is_null() || (c && ((op == "min" && *c < 0) || (op == "max" && *c > 0)))) acc = v;
    } else if (op == "and" && acc.kind() == Value::Kind::kBool && v.kind() == Value::Kind::kBool) {
      acc = Value(acc.as_bool() && v.as_bool());
    } else if (op == "or" && acc.kind() == Value::Kind::kBool && v.kind() == Value::Kind::kBool) {
      acc = Value(acc.as_bool() || v.as_bool());
    }
  }
  return acc;
}

namespace {

// Steps the compiler knows, for "did you mean" suggestions.
const std::vector<std::string>& KnownSteps() {
  static const auto* steps = new std::vector<std::string>{
      "V",          "E",        "addV",      "addE",       "from",       "to",        "property",
      "drop",       "mergeV",   "mergeE",    "has",        "hasLabel",   "hasId",     "hasKey",
      "hasValue",   "hasNot",   "is",        "where",      "not",        "and",       "or",
      "range",      "limit",    "skip",      "tail",       "dedup",      "filter",    "simplePath",
      "cyclicPath", "out",      "in",        "both",       "outE",       "inE",       "bothE",
      "outV",       "inV",      "otherV",    "bothV",      "as",         "select",    "by",
      "order",      "count",    "sum",       "mean",       "max",        "min",       "fold",
      "unfold",     "values",   "valueMap",  "elementMap", "properties", "key",       "value",
      "id",         "label",    "path",      "project",    "constant",   "coalesce",  "loops",
      "repeat",     "times",    "until",     "emit",       "union",      "choose",    "option",
      "local",      "optional", "group",     "groupCount", "inject",     "aggregate", "store",
      "cap",        "identity", "barrier",   "sideEffect", "map",        "flatMap",   "explain",
      "profile",    "with",     "fail",      "none",       "any",        "all",       "sack",
      "concat",     "length",   "split",     "conjoin",    "toUpper",    "toLower",   "trim",
      "lTrim",      "rTrim",    "substring", "replace",    "asString",   "toE",       "toV",
      "discard",    "iterate",  "toList",    "next",       "sample",     "labels",    "element",
      "math",       "match"};
  return *steps;
}

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t sub = prev[j - 1] + (std::tolower(a[i - 1]) == std::tolower(b[j - 1]) ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    prev.swap(cur);
  }
  return prev[b.size()];
}

std::string NearestStep(std::string_view name) {
  std::string best;
  size_t best_d = ~size_t{0};
  for (const auto& s : KnownSteps()) {
    size_t d = EditDistance(name, s);
    if (d < best_d) {
      best_d = d;
      best = s;
    }
  }
  return best;
}

// Bare names gremlin-lang lets stand for enum constants when no parameter has the name.
std::string BareEnum(const std::string& name) {
  static const auto* m = new std::map<std::string, std::string>{
      {"id", "T.id"}, {"label", "T.label"}, {"key", "T.key"}, {"value", "T.value"},
      {"asc", "Order.asc"}, {"desc", "Order.desc"}, {"shuffle", "Order.shuffle"},
      {"local", "Scope.local"}, {"global", "Scope.global"}, {"keys", "Column.keys"},
      {"values", "Column.values"}, {"first", "Pop.first"}, {"last", "Pop.last"},
      {"all", "Pop.all"}, {"mixed", "Pop.mixed"}, {"single", "Cardinality.single"},
      {"list", "Cardinality.list"}, {"set", "Cardinality.set"}, {"onCreate", "Merge.onCreate"},
      {"onMatch", "Merge.onMatch"}, {"outV", "Merge.outV"}, {"inV", "Merge.inV"},
      {"OUT", "Direction.OUT"}, {"IN", "Direction.IN"}, {"BOTH", "Direction.BOTH"},
      {"none", "Pick.none"}, {"sum", "Operator.sum"}, {"minus", "Operator.minus"},
      {"mult", "Operator.mult"}, {"div", "Operator.div"}, {"min", "Operator.min"},
      {"max", "Operator.max"}, {"addAll", "Operator.addAll"}, {"assign", "Operator.assign"}};
  auto it = m->find(name);
  return it == m->end() ? "" : it->second;
}

void VisitSteps(const Traversal& t, const std::function<void(const Step&)>& fn);

// A key or a value of a property() folded into addV(): a constant or a traversal's first result.
struct FoldedArg {
  Value constant;
  std::shared_ptr<Pipeline> child;
};
struct FoldedProperty {
  FoldedArg key, value;
};

class Compiler {
 public:
  Compiler(std::string_view text, Context* ctx) : text_(text), ctx_(ctx) {}
  std::vector<std::string> notes;

  absl::StatusOr<std::unique_ptr<Pipeline>> Compile(const Traversal& t, bool child) {
    child_ = child;
    auto p = std::make_unique<Pipeline>(ctx_);
    p->profile = ctx_->options.profile && !child;
    if (!child) {
      for (const auto& s : t.source) {
        if (auto st = Source(s); !st.ok()) return st;
      }
    }
    std::vector<const Step*> steps;
    for (const auto& s : t.steps) steps.push_back(&s);
    RewriteInfixConnectives(&steps);
    for (size_t i = 0; i < steps.size(); ++i) {
      if (steps[i]->name != "addV") continue;
      size_t insert = i + 1;
      for (size_t j = i + 1; j < steps.size() && steps[j]->name == "property"; ++j) {
        if (steps[j]->args.size() == 2 && EnumName(steps[j]->args[0]) == "T.id") {
          const Step* idstep = steps[j];
          steps.erase(steps.begin() + j);
          steps.insert(steps.begin() + insert++, idstep);
        }
      }
    }
    for (size_t i = 0; i < steps.size(); ++i) {
      if (auto st = AddStep(p.get(), *steps[i], steps, &i); !st.ok()) return st;
    }
    if (!pending_.empty()) {
      return Err(pending_[0]->pos, absl::StrCat(pending_[0]->name, "() must be followed by repeat()"));
    }
    return p;
  }

 private:
  absl::Status Err(Pos pos, absl::string_view msg) {
    return absl::InvalidArgumentError(PositionedMessage(text_, pos, std::string_view(msg.data(), msg.size())));
  }

  // ---- argument evaluation --------------------------------------------------------------------

  std::string EnumName(const Expr& e) {
    if (e.kind == Expr::Kind::kEnum) {
      std::string n = e.name;
      if (absl::StartsWith(n, "WithOptions.")) return n;
      return n;
    }
    if (e.kind == Expr::Kind::kParam && !ctx_->options.params.count(e.name)) return BareEnum(e.name);
    return "";
  }

  absl::StatusOr<Value> Eval(const Expr& e) {
    switch (e.kind) {
      case Expr::Kind::kLiteral: return e.literal;
      case Expr::Kind::kList:
      case Expr::Kind::kSet: {
        ValueList l;
        for (const auto& x : e.items) {
          auto v = Eval(x);
          if (!v.ok()) return v.status();
          if (e.kind == Expr::Kind::kSet &&
              std::find(l.begin(), l.end(), *v) != l.end()) {
            continue;
          }
          l.push_back(std::move(*v));
        }
        return e.kind == Expr::Kind::kSet ? Value::Set(std::move(l)) : Value::List(std::move(l));
      }
      case Expr::Kind::kMap: {
        ValueMap m;
        for (const auto& [k, v] : e.entries) {
          auto kv = Eval(k);
          if (!kv.ok()) return kv.status();
          auto vv = Eval(v);
          if (!vv.ok()) return vv.status();
          m.emplace_back(std::move(*kv), std::move(*vv));
        }
        return Value::Map(std::move(m));
      }
      case Expr::Kind::kParam: {
        auto it = ctx_->options.params.find(e.name);
        if (it != ctx_->options.params.end()) return it->second;
        std::string en = BareEnum(e.name);
        if (!en.empty()) {
          Expr x = e;
          x.kind = Expr::Kind::kEnum;
          x.name = en;
          return Eval(x);
        }
        return Err(e.pos, absl::StrCat("unbound parameter '", e.name,
                                       "': pass it in the request's parameters"));
      }
      case Expr::Kind::kEnum: {
        static const auto* tokens = new std::map<std::string, Token>{
            {"T.id", Token::kId}, {"T.label", Token::kLabel}, {"T.key", Token::kKey},
            {"T.value", Token::kValue}, {"Direction.OUT", Token::kOut},
            {"Direction.IN", Token::kIn}, {"Direction.BOTH", Token::kBoth},
            {"Direction.from", Token::kOut}, {"Direction.to", Token::kIn},
            {"Merge.outV", Token::kOut}, {"Merge.inV", Token::kIn}};
        auto it = tokens->find(e.name);
        if (it != tokens->end()) return Value(it->second);
        return Value(absl::StrCat("\x01", e.name));  // other enums: a marked string
      }
      case Expr::Kind::kCall: {
        if (absl::StartsWith(e.name, "Cardinality.") && e.items.size() == 1) {
          // Cardinality.set(33) inside a mergeV option map: value with cardinality.
          auto v = Eval(e.items[0]);
          if (!v.ok()) return v.status();
          return Value::Map({{Value(absl::StrCat("\x01", e.name)), *v}});
        }
        return Err(e.pos, absl::StrCat("a predicate (", e.name, ") is not allowed here"));
      }
      case Expr::Kind::kTraversal:
        return Err(e.pos, "a traversal is not allowed here; a value is expected");
    }
    return Value();
  }

  // A bare predicate written as a call: eq("a") parses as an anonymous traversal of one step.
  static bool IsPredicateName(const std::string& n) {
    static const std::set<std::string> names = {
        "eq", "neq", "lt", "lte", "gt", "gte", "inside", "outside", "between", "within",
        "without", "containing", "notContaining", "startingWith", "notStartingWith",
        "endingWith", "notEndingWith", "regex", "notRegex"};
    return names.count(n) > 0;
  }
  static bool IsBarePredicate(const Expr& e) {
    return e.kind == Expr::Kind::kTraversal && e.traversal && e.traversal->anonymous &&
           e.traversal->steps.size() == 1 && e.traversal->pos.line == e.traversal->steps[0].pos.line &&
           e.traversal->pos.column == e.traversal->steps[0].pos.column &&
           IsPredicateName(e.traversal->steps[0].name);
  }
  bool IsPredicate(const Expr& e) {
    if (IsBarePredicate(e)) return true;
    return e.kind == Expr::Kind::kCall &&
           (absl::StartsWith(e.name, "P.") || absl::StartsWith(e.name, "TextP.") || e.name == ".and" ||
            e.name == ".or");
  }

  absl::StatusOr<Predicate> EvalPred(const Expr& in) {
    Predicate p;
    Expr bare;
    const Expr* ep = &in;
    if (IsBarePredicate(in)) {
      const Step& st = in.traversal->steps[0];
      bare.kind = Expr::Kind::kCall;
      bare.pos = st.pos;
      bare.name = "P." + st.name;
      bare.items = st.args;
      ep = &bare;
    }
    const Expr& e = *ep;
    if (e.kind == Expr::Kind::kTraversal) {
      auto c = Child(e);
      if (!c.ok()) return c.status();
      p.op = Predicate::kEq;
      p.traversal_args.emplace_back(0, *c);
      return p;
    }
    if (!IsPredicate(e)) {
      auto v = Eval(e);
      if (!v.ok()) return v.status();
      p.op = Predicate::kEq;
      p.args.push_back(std::move(*v));
      return p;
    }
    std::string n = e.name.substr(e.name.find('.') + 1);
    static const auto* ops = new std::map<std::string, Predicate::Op>{
        {"eq", Predicate::kEq}, {"neq", Predicate::kNeq}, {"lt", Predicate::kLt},
        {"lte", Predicate::kLte}, {"gt", Predicate::kGt}, {"gte", Predicate::kGte},
        {"inside", Predicate::kInside}, {"outside", Predicate::kOutside},
        {"between", Predicate::kBetween}, {"within", Predicate::kWithin},
        {"without", Predicate::kWithout}, {"not", Predicate::kNot}, {"and", Predicate::kAnd},
        {"or", Predicate::kOr}, {"containing", Predicate::kContaining},
        {"notContaining", Predicate::kNotContaining}, {"startingWith", Predicate::kStartingWith},
        {"notStartingWith", Predicate::kNotStartingWith}, {"endingWith", Predicate::kEndingWith},
        {"notEndingWith", Predicate::kNotEndingWith}, {"regex", Predicate::kRegex},
        {"notRegex", Predicate::kNotRegex}};
    auto it = ops->find(n);
    if (it == ops->end()) return Err(e.pos, absl::StrCat("unknown predicate ", e.name));
    p.op = it->second;
    if (p.op == Predicate::kNot || p.op == Predicate::kAnd || p.op == Predicate::kOr) {
      for (const auto& c : e.items) {
        auto cp = EvalPred(c);
        if (!cp.ok()) return cp.status();
        p.children.push_back(std::move(*cp));
      }
      size_t want = p.op == Predicate::kNot ? 1 : 2;
      if (p.children.size() != want) {
        return Err(e.pos, absl::StrCat(e.name, "() takes ", want, " predicate(s)"));
      }
      return p;
    }
    for (const auto& a : e.items) {
      if (a.kind == Expr::Kind::kTraversal) {
        auto c = Child(a);
        if (!c.ok()) return c.status();
        p.traversal_args.emplace_back(p.args.size() + p.traversal_args.size(), *c);
        continue;
      }
      auto v = Eval(a);
      if (!v.ok()) return v.status();
      if ((p.op == Predicate::kWithin || p.op == Predicate::kWithout) && v->is_collection()) {
        for (const auto& x : v->as_list()) p.args.push_back(x);
      } else {
        p.args.push_back(std::move(*v));
      }
    }
    size_t want = (p.op == Predicate::kInside || p.op == Predicate::kOutside ||
                   p.op == Predicate::kBetween)
                      ? 2
                  : (p.op == Predicate::kWithin || p.op == Predicate::kWithout) ? p.args.size()
                                                                                : 1;
    if (p.args.size() + p.traversal_args.size() != want &&
        !((p.op == Predicate::kWithin || p.op == Predicate::kWithout))) {
      return Err(e.pos, absl::StrCat(e.name, "() takes ", want, " argument(s), got ", p.args.size()));
    }
    if (p.op == Predicate::kRegex || p.op == Predicate::kNotRegex) {
      if (!p.args[0].is_string()) return Err(e.pos, "regex() takes a string");
      p.regex = std::make_shared<RE2>(p.args[0].as_string(), RE2::Quiet);
      if (!p.regex->ok()) {
        return Err(e.pos, absl::StrCat("invalid regular expression: ", p.regex->error()));
      }
    }
    return p;
  }

  absl::StatusOr<std::shared_ptr<Pipeline>> Child(const Expr& e) {
    if (e.kind != Expr::Kind::kTraversal) {
      return Err(e.pos, "expected a traversal such as __.out()");
    }
    Compiler sub(text_, ctx_);
    sub.loop_names_ = loop_names_;
    auto p = sub.Compile(*e.traversal, /*child=*/true);
    if (!p.ok()) return p.status();
    for (auto& n : sub.notes) notes.push_back(std::move(n));
    return std::shared_ptr<Pipeline>(std::move(*p));
  }

  absl::StatusOr<std::string> StringArg(const Step& s, size_t i) {
    if (i >= s.args.size()) return Err(s.pos, absl::StrCat(s.name, "() needs a string argument"));
    auto v = Eval(s.args[i]);
    if (!v.ok()) return v.status();
    if (!v->is_string() || absl::StartsWith(v->as_string(), "\x01")) {
      return Err(s.args[i].pos, absl::StrCat(s.name, "() expects a string here, got ",
                                             v->DebugString()));
    }
    return v->as_string();
  }

  absl::StatusOr<std::vector<std::string>> StringArgs(const Step& s, size_t from = 0) {
    std::vector<std::string> out;
    for (size_t i = from; i < s.args.size(); ++i) {
      auto v = Eval(s.args[i]);
      if (!v.ok()) return v.status();
      if (v->is_collection()) {
        for (const auto& x : v->as_list()) {
          if (!x.is_string()) return Err(s.args[i].pos, absl::StrCat(s.name, "() expects strings"));
          out.push_back(x.as_string());
        }
        continue;
      }
      if (v->is_null() && (s.name == "values" || s.name == "properties")) continue;  // a null key matches nothing
      if (!v->is_string()) {
        return Err(s.args[i].pos, absl::StrCat(s.name, "() expects a string, got ", v->DebugString()));
      }
      out.push_back(v->as_string());
    }
    return out;
  }

  absl::StatusOr<int64_t> IntArg(const Step& s, size_t i) {
    if (i >= s.args.size()) return Err(s.pos, absl::StrCat(s.name, "() needs a number"));
    auto v = Eval(s.args[i]);
    if (!v.ok()) return v.status();
    if (!v->is_integer()) {
      return Err(s.args[i].pos, absl::StrCat(s.name, "() expects an integer, got ", v->DebugString()));
    }
    return v->ToInt64();
  }

  // to(d, ...)/toE(d, ...)/toV(d) as the out/in/both step of direction d, with the remaining
  // arguments (an empty name for an unknown direction).
  Step DirectionStep(const Step& s) {
    std::string d = EnumName(s.args[0]);
    std::string base = d == "Direction.OUT" || d == "Direction.from" ? "out"
                       : d == "Direction.IN" || d == "Direction.to"  ? "in"
                       : d == "Direction.BOTH"                       ? "both"
                                                                     : "";
    Step r;
    r.pos = s.pos;
    if (base.empty()) return r;
    r.name = s.name == "toE" ? base + "E" : s.name == "toV" ? base + "V" : base;
    r.args.assign(s.args.begin() + 1, s.args.end());
    return r;
  }

  bool ScopeLocal(const Step& s) {
    return !s.args.empty() && EnumName(s.args[0]) == "Scope.local";
  }
  size_t ScopeSkip(const Step& s) {
    return !s.args.empty() && absl::StartsWith(EnumName(s.args[0]), "Scope.") ? 1 : 0;
  }

  absl::Status Source(const Step& s);
  absl::Status AddStep(Pipeline* p, const Step& s, const std::vector<const Step*>& steps, size_t* i);
  absl::Status AddBy(Op* last, const Step& s);
  absl::Status AddHas(Pipeline* p, const Step& s);
  absl::Status AddWhere(Pipeline* p, const Step& s);
  absl::Status AddWhereConnective(Pipeline* p, const Step& connective);
  static bool IsConnective(const Step& s) {
    if (s.name != "and" && s.name != "or" && s.name != "not") return false;
    return !s.args.empty() && std::all_of(s.args.begin(), s.args.end(), [](const Expr& a) {
      return a.kind == Expr::Kind::kTraversal;
    });
  }
  absl::Status AddSelect(Pipeline* p, const Step& s);
  absl::Status AddMatch(Pipeline* p, const Step& s);
  absl::StatusOr<steps::MatchPattern> MatchPatternOf(const Expr& e);
  absl::Status AddGroup(Pipeline* p, const Step& s);
  absl::Status AddChoose(Pipeline* p, const Step& s);
  absl::Status AddMutation(Pipeline* p, const Step& s, const std::vector<const Step*>& steps, size_t* i);
  bool IsFoldableProperty(const Step& s);
  absl::StatusOr<FoldedProperty> FoldProperty(const Step& s);
  absl::Status ApplyRepeatMod(RepeatOp* op, const Step& s, bool before);
  void PlanVertexScan(GraphStartOp* op, const std::vector<const Step*>& steps, size_t i);

  static bool IsStartStep(const std::string& n) {
    return n == "V" || n == "E" || n == "inject" || n == "addV" || n == "addE" || n == "mergeV" ||
           n == "mergeE" || n == "as";
  }
  static bool IsMarker(const Step* s) {
    return (s->name == "and" || s->name == "or") && s->args.empty();
  }
  const Step* Own(Step s) {
    owned_.push_back(std::make_unique<Step>(std::move(s)));
    return owned_.back().get();
  }
  Expr TraversalOf(std::vector<const Step*>::const_iterator b, std::vector<const Step*>::const_iterator e) {
    auto t = std::make_shared<Traversal>();
    t->anonymous = true;
    t->pos = b != e ? (*b)->pos : Pos{};
    for (auto it = b; it != e; ++it) t->steps.push_back(**it);
    Expr x;
    x.kind = Expr::Kind::kTraversal;
    x.pos = t->pos;
    x.traversal = std::move(t);
    return x;
  }
  // Where the left operand of the first infix connective begins: TinkerPop's ConnectiveStrategy
  // takes every step back to the start step. as() labels the step before it, so an as() on the
  // start step (or opening a child traversal) stays outside with it.
  static size_t ConnectiveBegin(const std::vector<const Step*>& steps, size_t marker) {
    size_t begin = marker;
    while (begin > 0) {
      const std::string& prev = steps[begin - 1]->name;
      if (prev == "as") {
        size_t owner = begin - 1;
        while (owner > 0 && steps[owner - 1]->name == "as") --owner;
        if (owner == 0 || IsStartStep(steps[owner - 1]->name)) break;
        begin = owner - 1;
        continue;
      }
      if (IsStartStep(prev)) break;
      --begin;
    }
    return begin;
  }
  // Infix connectives (ConnectiveStrategy): a.and().b.or().c is or(and(a, b), c), where the
  // operands reach back to the start step and forward to the end of the traversal. and() binds
  // tighter than or().
  void RewriteInfixConnectives(std::vector<const Step*>* steps) {
    auto first = std::find_if(steps->begin(), steps->end(), IsMarker);
    if (first == steps->end()) return;
    size_t begin = ConnectiveBegin(*steps, first - steps->begin());
    size_t end = steps->size();
    std::vector<const Step*> region(steps->begin() + begin, steps->begin() + end);
    std::vector<std::vector<const Step*>> or_groups(1);
    for (const Step* st : region) {
      if (IsMarker(st) && st->name == "or") {
        or_groups.emplace_back();
      } else {
        or_groups.back().push_back(st);
      }
    }
    Step or_step;
    or_step.name = "or";
    or_step.pos = (*first)->pos;
    for (auto& g : or_groups) {
      Step and_step;
      and_step.name = "and";
      and_step.pos = or_step.pos;
      auto b = g.begin();
      for (auto it = g.begin(); it != g.end(); ++it) {
        if (IsMarker(*it)) {
          and_step.args.push_back(TraversalOf(b, it));
          b = it + 1;
        }
      }
      and_step.args.push_back(TraversalOf(b, g.end()));
      if (and_step.args.size() == 1) {
        or_step.args.push_back(and_step.args[0]);
      } else {
        std::vector<const Step*> one = {Own(std::move(and_step))};
        or_step.args.push_back(TraversalOf(one.begin(), one.end()));
      }
    }
    const Step* combined;
    if (or_step.args.size() == 1) {
      // Only and(): unwrap the single and-traversal.
      combined = &or_step.args[0].traversal->steps[0];
      combined = Own(*combined);
    } else {
      combined = Own(std::move(or_step));
    }
    std::vector<const Step*> out(steps->begin(), steps->begin() + begin);
    out.push_back(combined);
    out.insert(out.end(), steps->begin() + end, steps->end());
    *steps = std::move(out);
  }

  std::string_view text_;
  Context* ctx_;
  std::vector<std::unique_ptr<Step>> owned_;
  bool child_ = false;
  std::vector<const Step*> pending_;  // until()/emit()/times() before repeat()
  // The names of the repeat()s whose traversals are being compiled, outermost first ("" for
  // an unnamed one): loops("name") reads the counter of the innermost repeat of that name.
  std::vector<std::string> loop_names_;
};

}  // namespace
}  // namespace kg::query

namespace kg::query {
namespace {

// ---------------------------------------------------------------------------------------------
// Element helpers for the map-like steps
// ---------------------------------------------------------------------------------------------

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
      out->push_back(Value(VertexPropertyRef{v->id, p.key, p.value, static_cast<int64_t>(i), p.meta}));
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

// The tokens valueMap() includes, as WithOptions' bits: ids, labels, keys, values.
enum TokenBits {
  kTokenIds = 1,
  kTokenLabels = 2,
  kTokenKeys = 4,
  kTokenValues = 8,
  kAllTokens = 15,
};

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

// Sorting with by() modulators; an unproductive by() drops the traverser.
struct SortKey {
  std::vector<Value> keys;
  Traverser t;
};

bool SortTraversers(Context* ctx, std::vector<By>& bys, std::vector<Traverser>* ts) {
  std::vector<By> effective = bys;
  if (effective.empty()) effective.push_back(By{});
  std::vector<SortKey> keyed;
  for (auto& t : *ts) {
    SortKey k;
    bool productive = true;
    for (const auto& b : effective) {
      std::optional<Value> v;
      if (!EvalBy(ctx, b, t, &v)) return false;
      if (!v) {
        productive = false;
        break;
      }
      k.keys.push_back(std::move(*v));
    }
    if (!productive) continue;
    k.t = std::move(t);
    keyed.push_back(std::move(k));
  }
  bool shuffle = std::any_of(effective.begin(), effective.end(), [](const By& b) { return b.order == 2; });
  if (shuffle) {
    std::mt19937_64 rng(std::random_device{}());
    std::shuffle(keyed.begin(), keyed.end(), rng);
  } else {
    std::stable_sort(keyed.begin(), keyed.end(), [&](const SortKey& a, const SortKey& b) {
      for (size_t i = 0; i < effective.size(); ++i) {
        int c = OrderCompare(a.keys[i], b.keys[i]);
        if (c != 0) return effective[i].order == 1 ? c > 0 : c < 0;
      }
      return false;
    });
  }
  ts->clear();
  for (auto& k : keyed) ts->push_back(std::move(k.t));
  return true;
}

class ByFlatMapOp : public FlatMapOp, public ByOwner {
 public:
  using FlatMapOp::FlatMapOp;
};

// path(), simplePath() and cyclicPath() modulated by from(label) / to(label): they look at the
// part of the path from the first object with the `from` label to the first with the `to`
// label (either end open when not given), as TinkerPop's Path.subPath().
struct PathRange {
  std::string from, to;
};
class PathRangeOwner {
 public:
  virtual ~PathRangeOwner() = default;
  PathRange range;
};

bool SubPath(Context* ctx, const PathRange& r, PathValue* path) {
  if (r.from.empty() && r.to.empty()) return true;
  auto first = [&](const std::string& label, size_t* at) {
    for (size_t i = 0; i < path->labels.size(); ++i) {
      const auto& ls = path->labels[i];
      if (std::find(ls.begin(), ls.end(), label) != ls.end()) return *at = i, true;
    }
    return false;
  };
  size_t from = 0, to = path->objects.empty() ? 0 : path->objects.size() - 1;
  if (!r.from.empty() && !first(r.from, &from)) {
    return ctx->Fail(absl::InvalidArgumentError(
        absl::StrCat("Could not locate path from-label: ", r.from)));
  }
  if (!r.to.empty() && !first(r.to, &to)) {
    return ctx->Fail(absl::InvalidArgumentError(absl::StrCat("Could not locate path to-label: ", r.to)));
  }
  if (from > to) {
    return ctx->Fail(absl::InvalidArgumentError(absl::StrCat(
        "Could not isolate path because from comes after to: ", r.from, "->", r.to)));
  }
  PathValue sub;
  for (size_t i = from; i <= to && i < path->objects.size(); ++i) {
    sub.objects.push_back(path->objects[i]);
    sub.labels.push_back(path->labels[i]);
  }
  *path = std::move(sub);
  return true;
}

// simplePath(), cyclicPath(): from()/to() narrow the path, by()s (round robin) map its objects.
class PathFilterOp : public FilterOp, public PathRangeOwner, public ByOwner {
 public:
  using FilterOp::FilterOp;
};
class PathMapOp : public ByFlatMapOp, public PathRangeOwner {
 public:
  using ByFlatMapOp::ByFlatMapOp;
};
class ByBarrierOp : public BarrierOp, public ByOwner {
 public:
  using BarrierOp::BarrierOp;
};
class ByFilterOp : public FilterOp, public ByOwner {
 public:
  using FilterOp::FilterOp;
};
class ByBranchOp : public BranchOp, public ByOwner {
 public:
  using BranchOp::BranchOp;
};

// choose(): if/then/else or option() dispatch.
struct ChooseState {
  std::shared_ptr<Pipeline> cond, then_b, else_b;  // if/then/else form
  bool pred_form = false;
  Predicate pred;
  std::vector<std::pair<Predicate, std::shared_ptr<Pipeline>>> options;
  std::optional<By> selector;  // choose(T.label) / choose("key")
  std::shared_ptr<Pipeline> none, unproductive;
  bool has_none = false, has_unproductive = false;
};
// Where choose() sends a traverser: one of the state's branches, or nullptr to pass it through.
using RouteFn = std::function<bool(const Traverser&, Pipeline** branch)>;

// choose() runs each branch as one traversal over every traverser routed to it, as TinkerPop's
// BranchStep: a limit() or range() in a branch counts across them, and a branch with a barrier
// (order(), count()...) emits once the input is exhausted. A branch without a barrier streams:
// its results follow each traverser fed to it.
class ChooseOp : public Op {
 public:
  ChooseOp(Context* ctx, std::shared_ptr<ChooseState> st, RouteFn route)
      : Op(ctx, "choose"), state(std::move(st)), route_(std::move(route)) {}
  std::shared_ptr<ChooseState> state;

  bool Next(Traverser* out) override {
    for (;;) {
      if (streaming_ != nullptr) {
        if (streaming_->Next(out)) return Emit();
        if (!ctx_->ok()) return false;
        streaming_ = nullptr;
      }
      if (input_done_) return DrainBarrierBranches(out);
      Traverser t;
      if (!Pull(&t)) {
        if (!ctx_->ok()) return false;
        input_done_ = true;
        drained_ = 0;
        continue;
      }
      if (!ctx_->Tick()) return false;
      Pipeline* branch = nullptr;
      if (!route_(t, &branch)) return false;
      if (branch == nullptr) {
        *out = std::move(t);
        return Emit();
      }
      branch->Feed(std::move(t));
      if (!branch->HasBarrier()) {
        streaming_ = branch;
      } else if (std::find(fed_.begin(), fed_.end(), branch) == fed_.end()) {
        fed_.push_back(branch);
      }
    }
  }
  void Reset() override {
    for (Pipeline* b : Branches()) b->Reset();
    fed_.clear();
    streaming_ = nullptr;
    input_done_ = false;
    drained_ = 0;
    Op::Reset();
  }

 private:
  bool Emit() {
    ++out_count;
    return true;
  }
  // After the input is exhausted: the results of the branches with barriers that were fed, in
  // the order they were first fed; false (ready for more input) once all are drained. A branch
  // that got nothing emits nothing (its fold() would otherwise give an empty list).
  bool DrainBarrierBranches(Traverser* out) {
    for (; drained_ < fed_.size(); ++drained_) {
      if (fed_[drained_]->Next(out)) return Emit();
      if (!ctx_->ok()) return false;
    }
    fed_.clear();
    input_done_ = false;
    return false;
  }
  std::vector<Pipeline*> Branches() const {
    std::vector<Pipeline*> out;
    auto add = [&](const std::shared_ptr<Pipeline>& b) {
      if (b && std::find(out.begin(), out.end(), b.get()) == out.end()) out.push_back(b.get());
    };
    add(state->then_b);
    add(state->else_b);
    for (const auto& [pred, branch] : state->options) add(branch);
    add(state->none);
    add(state->unproductive);
    return out;
  }

  RouteFn route_;
  Pipeline* streaming_ = nullptr;  // the branch the last traverser went to, when it streams
  std::vector<Pipeline*> fed_;     // branches with barriers fed since they last emitted
  bool input_done_ = false;
  size_t drained_ = 0;
};

// Mutation state shared by addE and its from()/to() modulators.
struct EndSpec {
  enum Kind { kNone, kLabel, kTraversal, kValue } kind = kNone;
  std::string label;
  std::shared_ptr<Pipeline> child;
  Value value;
};
class AddEdgeOp : public BranchOp {
 public:
  AddEdgeOp(Context* ctx, BranchFn fn) : BranchOp(ctx, "addE", std::move(fn)) {}
  EndSpec from, to;
};

struct MergeState {
  std::shared_ptr<Pipeline> on_create, on_match, out_v, in_v;
  Value on_create_v, on_match_v, out_v_v, in_v_v;
  bool has_create = false, has_match = false, has_out = false, has_in = false;
};
class MergeOp : public BranchOp {
 public:
  MergeOp(Context* ctx, std::string name, std::shared_ptr<MergeState> st, BranchFn fn)
      : BranchOp(ctx, std::move(name), std::move(fn)), state(std::move(st)) {}
  std::shared_ptr<MergeState> state;
};

class ValueMapOp : public ByFlatMapOp {
 public:
  using ByFlatMapOp::ByFlatMapOp;
  int tokens = 0;  // TokenBits
};

bool Resolve(Context* ctx, const EndSpec& spec, const Traverser& t, std::optional<graph::VertexId>* out) {
  out->reset();
  Value v;
  switch (spec.kind) {
    case EndSpec::kNone:
      if (t.obj.is_vertex()) *out = t.obj.vertex().id;
      return true;
    case EndSpec::kLabel: {
      std::optional<Value> x;
      if (!ScopeValue(ctx, t, spec.label, Pop::kLast, &x)) return false;
      if (!x) return true;
      v = *x;
      break;
    }
    case EndSpec::kTraversal: {
      std::optional<Value> x;
      if (!spec.child->First(t, &x)) return false;
      if (!x) return true;
      v = *x;
      break;
    }
    case EndSpec::kValue: v = spec.value; break;
  }
  if (v.is_vertex()) {
    *out = v.vertex().id;
    return true;
  }
  // An id: find the vertex.
  graph::Value g;
  if (v.ToGraph(&g)) {
    std::vector<graph::Value> cands = {g};
    if (v.is_integer()) {
      cands.push_back(graph::Value(v.ToInt64()));
      cands.push_back(graph::Value(static_cast<int32_t>(v.ToInt64())));
    }
    for (const auto& c : cands) {
      auto r = ctx->reader->FindVertexByExternalId(c);
      if (!r.ok()) return ctx->Fail(r.status());
      if (r->has_value()) {
        *out = **r;
        return true;
      }
    }
    if (v.is_integer() && v.ToInt64() > 0) {
      auto vx = ctx->GetVertex(static_cast<graph::VertexId>(v.ToInt64()));
      if (vx) *out = vx->id;
    }
  }
  return ctx->ok();
}

// Why addE() has no vertex at one end. Without from()/to() the incoming object is that end; a
// value that is neither a vertex nor the id of one is TinkerPop's "must resolve" error.
absl::Status UnresolvedEnd(const std::string& label, const char* end, const EndSpec& spec, const Traverser& t) {
  const Value* given = spec.kind == EndSpec::kValue                 ? &spec.value
                       : spec.kind == EndSpec::kNone && !t.root ? &t.obj
                                                                  : nullptr;
  if (given != nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(
        "The value given to addE(", label, ").", end,
        "() must resolve to a Vertex or the ID of a Vertex present in the graph. The provided value does not: ",
        given->DebugString()));
  }
  bool out = std::string_view(end) == "from";
  return absl::FailedPreconditionError(absl::StrCat("The ", out ? "source" : "target",
                                                    " vertex of addE() could not be found: ",
                                                    out ? "Out" : "In", " Vertex not specified"));
}

}  // namespace
}  // namespace kg::query

namespace kg::query {
namespace {

absl::Status Compiler::Source(const Step& s) {
  if (s.name == "withSideEffect") {
    if (s.args.size() < 2) return Err(s.pos, "withSideEffect() takes a key and a value");
    auto k = StringArg(s, 0);
    if (!k.ok()) return k.status();
    auto v = Eval(s.args[1]);
    if (!v.ok()) return v.status();
    ctx_->side_effects[*k] = *v;
    if (s.args.size() > 2) {
      std::string op = EnumName(s.args[2]);
      if (!absl::StartsWith(op, "Operator.")) return Err(s.args[2].pos, "withSideEffect() expects an Operator");
      ctx_->side_effect_ops[*k] = op.substr(9);
      if (op == "Operator.addAll" && v->is_collection()) ctx_->aggregates[*k] = v->as_list();
    } else if (v->is_collection()) {
      ctx_->aggregates[*k] = v->as_list();
    }
    return absl::OkStatus();
  }
  if (s.name == "withStrategies") {
    for (const auto& a : s.args) {
      if (a.kind == Expr::Kind::kParam && a.name == "ProductiveByStrategy") {
        ctx_->productive_by = true;
        notes.push_back("ProductiveByStrategy: an unproductive by() yields null");
      }
    }
    return absl::OkStatus();
  }
  if (s.name == "withSack") {
    if (s.args.empty() || s.args.size() > 2) {
      return Err(s.pos, "withSack() takes an initial value and optionally a merge Operator");
    }
    if (s.args[0].kind == Expr::Kind::kTraversal) return Err(s.args[0].pos, "withSack() expects a value");
    auto v = Eval(s.args[0]);
    if (!v.ok()) return v.status();
    ctx_->sack_initial = *v;
    if (s.args.size() == 2) {
      std::string op = EnumName(s.args[1]);
      if (!absl::StartsWith(op, "Operator.")) return Err(s.args[1].pos, "withSack() expects an Operator to merge sacks");
      ctx_->sack_merge = op.substr(9);
    }
    return absl::OkStatus();
  }
  if (s.name == "with" && !s.args.empty() && s.args[0].kind == Expr::Kind::kLiteral &&
      s.args[0].literal.is_string()) {
    const std::string& option = s.args[0].literal.as_string();
    if (option == "multilabel" || option == "singlelabel") {
      ctx_->multi_label = option == "multilabel";
      return absl::OkStatus();
    }
    if (option == "allowNullPropertyValues") {
      auto v = s.args.size() == 2 ? Eval(s.args[1]) : absl::StatusOr<Value>(Value(true));
      if (!v.ok()) return v.status();
      if (v->kind() != Value::Kind::kBool) return Err(s.args[1].pos, "with(\"allowNullPropertyValues\") expects true or false");
      ctx_->allow_null_properties = v->as_bool();
      return absl::OkStatus();
    }
    if (option == "vertexLabelCardinality") {
      auto v = s.args.size() == 2 ? Eval(s.args[1]) : absl::StatusOr<Value>(Value());
      if (!v.ok()) return v.status();
      if (!v->is_string() || (v->as_string() != "one" && v->as_string() != "zeroOrMore")) {
        return Err(s.args.size() == 2 ? s.args[1].pos : s.pos,
                   "with(\"vertexLabelCardinality\") expects \"one\" or \"zeroOrMore\"");
      }
      ctx_->options.vertex_label_cardinality =
          v->as_string() == "one" ? LabelCardinality::kOne : LabelCardinality::kZeroOrMore;
      return absl::OkStatus();
    }
  }
  // with(), withoutStrategies(), withSack(), ...: accepted, no effect.
  notes.push_back(absl::StrCat("source step ", s.name, "() accepted without effect"));
  return absl::OkStatus();
}

absl::Status Compiler::AddBy(Op* last, const Step& s) {
  auto* owner = dynamic_cast<ByOwner*>(last);
  if (owner == nullptr) {
    return Err(s.pos, absl::StrCat("by() cannot modulate ", last ? last->name() : "the start",
                                   "()"));
  }
  By by;
  size_t ai = 0;
  if (!s.args.empty()) {
    const Expr& a = s.args[0];
    std::string en = EnumName(a);
    if (a.kind == Expr::Kind::kTraversal) {
      auto c = Child(a);
      if (!c.ok()) return c.status();
      by.kind = By::kTraversal;
      by.child = *c;
      ai = 1;
    } else if (en == "T.id" || en == "T.label" || en == "T.key" || en == "T.value") {
      auto v = Eval(a);
      if (!v.ok()) return v.status();
      by.kind = By::kToken;
      by.token = v->token();
      ai = 1;
    } else if (en == "Column.keys" || en == "Column.values") {
      by.kind = en == "Column.keys" ? By::kColumnKeys : By::kColumnValues;
      ai = 1;
    } else if (absl::StartsWith(en, "Order.")) {
      ai = 0;
    } else {
      auto v = Eval(a);
      if (!v.ok()) return v.status();
      if (!v->is_string()) return Err(a.pos, "by() expects a key, a token or a traversal");
      by.kind = By::kKey;
      by.key = v->as_string();
      ai = 1;
    }
  }
  if (ai < s.args.size()) {
    std::string en = EnumName(s.args[ai]);
    if (en == "Order.desc") by.order = 1;
    else if (en == "Order.shuffle") by.order = 2;
    else if (en != "Order.asc") return Err(s.args[ai].pos, "by() expects Order.asc, Order.desc or Order.shuffle here");
  }
  absl::Status st = owner->AddBy(std::move(by));
  if (!st.ok()) return Err(s.pos, st.message());
  return absl::OkStatus();
}

absl::Status Compiler::AddHas(Pipeline* p, const Step& s) {
  Context* ctx = ctx_;
  auto key_of = [&](const Expr& e) -> absl::StatusOr<Value> {
    auto v = Eval(e);
    if (!v.ok()) return v.status();
    if (v->is_null()) return v;
    if (!v->is_string() && v->kind() != Value::Kind::kToken) {
      return Err(e.pos, absl::StrCat("has() expects a property key or T.id/T.label, got ",
                                     v->DebugString()));
    }
    return v;
  };
  if (s.name == "has" || s.name == "hasNot") {
    if (s.args.empty() || s.args.size() > 3) {
      return Err(s.pos, absl::StrCat(s.name, "() takes 1 to 3 arguments"));
    }
    std::optional<Predicate> label_pred;
    size_t ki = 0;
    if (s.args.size() == 3) {
      auto lp = EvalPred(s.args[0]);
      if (!lp.ok()) return lp.status();
      label_pred = std::move(*lp);
      ki = 1;
    }
    auto key = key_of(s.args[ki]);
    if (!key.ok()) return key.status();
    std::optional<Predicate> pred;
    if (s.args.size() > ki + 1) {
      const Expr& pe = s.args[ki + 1];
      if (pe.kind == Expr::Kind::kTraversal && false) {
        auto c = Child(pe);
        if (!c.ok()) return c.status();
        Value k = *key;
        std::shared_ptr<Pipeline> child = *c;
        p->Add(std::make_unique<FilterOp>(ctx, "has", [ctx, k, child](const Traverser& t, bool* keep) {
          std::vector<Value> vals;
          if (k.is_string()) {
            if (!PropertyValues(ctx, t.obj, k.as_string(), &vals)) return false;
          } else {
            std::optional<Value> v;
            if (!TokenValue(ctx, t.obj, k.token(), &v)) return false;
            if (v) vals.push_back(*v);
          }
          *keep = false;
          for (const auto& v : vals) {
            Traverser c = ctx->Extend(t, v);
            bool any;
            if (!child->Any(c, &any)) return false;
            if (any) {
              *keep = true;
              break;
            }
          }
          return true;
        }));
        return absl::OkStatus();
      }
      auto pr = EvalPred(pe);
      if (!pr.ok()) return pr.status();
      pred = std::move(*pr);
    }
    bool negate = s.name == "hasNot";
    Value k = *key;
    p->Add(std::make_unique<FilterOp>(ctx, s.name, [ctx, k, pred, label_pred, negate](const Traverser& t, bool* keep) {
      if (label_pred) {
        bool ok;
        if (!HasTest(ctx, t, Value(Token::kLabel), &*label_pred, &ok)) return false;
        if (!ok) {
          *keep = false;
          return true;
        }
      }
      if (!HasTest(ctx, t, k, pred ? &*pred : nullptr, keep)) return false;
      if (negate) *keep = !*keep;
      return true;
    }));
    return absl::OkStatus();
  }
  // hasLabel / hasId / hasKey / hasValue: any of the arguments (values or predicates).
  std::vector<Predicate> preds;
  for (const auto& a : s.args) {
    auto pr = EvalPred(a);
    if (!pr.ok()) return pr.status();
    // A list stands for its elements, except in hasId() with several arguments, where each
    // argument is one literal id, as in V(ids...) (TinkerPop's TINKERPOP-3273).
    bool literal_id = s.name == "hasId" && s.args.size() > 1;
    if (pr->op == Predicate::kEq && !pr->args.empty() && pr->args[0].is_collection() &&
        !literal_id) {
      for (const auto& x : pr->args[0].as_list()) {
        Predicate q;
        q.args.push_back(x);
        preds.push_back(std::move(q));
      }
      continue;
    }
    preds.push_back(std::move(*pr));
  }
  if (s.args.empty() && s.name != "hasId") {
    return Err(s.pos, absl::StrCat(s.name, "() needs at least one argument"));
  }
  std::string name = s.name;
  p->Add(std::make_unique<FilterOp>(ctx, name, [ctx, preds, name](const Traverser& t, bool* keep) {
    *keep = false;
    std::vector<Value> vals;
    if (name == "hasLabel") {
      std::vector<std::string> labels;
      if (!ElementLabels(ctx, t.obj, &labels)) return false;
      for (auto& l : labels) vals.push_back(Value(l));
    } else if (name == "hasId") {
      std::optional<Value> id;
      if (!TokenValue(ctx, t.obj, Token::kId, &id)) return false;
      if (!id) return true;
      // A string argument compares against the id's string form.
      for (const auto& pr : preds) {
        bool stringy = std::any_of(pr.args.begin(), pr.args.end(), [](const Value& a) { return a.is_string(); });
        Value v = stringy && !id->is_string() ? Value(id->DebugString()) : *id;
        bool ok;
        if (!TestPredicate(ctx, pr, t, v, &ok)) return false;
        if (ok) {
          *keep = true;
          return true;
        }
      }
      return true;
    } else if (name == "hasKey" || name == "hasValue") {
      std::optional<Value> v;
      if (!TokenValue(ctx, t.obj, name == "hasKey" ? Token::kKey : Token::kValue, &v)) return false;
      if (v) vals.push_back(*v);
    }
    for (const auto& v : vals) {
      for (const auto& pr : preds) {
        bool ok;
        if (!TestPredicate(ctx, pr, t, v, &ok)) return false;
        if (ok) {
          *keep = true;
          return true;
        }
      }
    }
    return true;
  }));
  return absl::OkStatus();
}

}  // namespace
}  // namespace kg::query

namespace kg::query {
namespace {

// Reducers shared by the global and local forms of count/sum/min/max/mean.
struct Reducer {
  explicit Reducer(std::string k = "") : kind(std::move(k)), counting(kind == "count") {}
  std::string kind;
  bool counting;  // kind == "count", asked once per traverser
  Value acc;
  int64_t n = 0;
  double sum_d = 0;
  bool any = false;
  bool saw_null = false;
  bool Add(Context* ctx, const Value& v, int64_t bulk) {
    if (counting) {
      n = SatAdd(n, bulk);
      return true;
    }
    if (v.is_null()) {  // TinkerPop skips nulls in sum/mean/min/max
      saw_null = true;
      return true;
    }
    if (kind == "sum" || kind == "mean") {
      if (!v.is_number()) {
        return ctx->Fail(absl::InvalidArgumentError(
            absl::StrCat(kind, "() expects numbers but got ", v.DebugString())));
      }
      acc = any ? Add2(acc, Multiply(v, bulk)) : Multiply(v, bulk);
      n = SatAdd(n, bulk);
      any = true;
      return true;
    }
    // min / max
    if (!v.is_number() && !v.is_string() && v.kind() != Value::Kind::kTimestamp &&
        v.kind() != Value::Kind::kBool) {
      return ctx->Fail(absl::InvalidArgumentError(
          absl::StrCat(kind, "() expects comparable values but got ", v.DebugString())));
    }
    if (!any) {
      acc = v;
      any = true;
      return true;
    }
    int c = OrderCompare(v, acc);
    if (v.is_number() && acc.is_number()) {
      double x = v.ToDouble(), y = acc.ToDouble();
      if (std::isnan(x)) return true;
      if (std::isnan(y)) { acc = v; return true; }
    }
    bool numbers = v.is_number() && acc.is_number();
    Value::Kind wider = numbers ? std::max(v.kind(), acc.kind()) : v.kind();
    if ((kind == "min" && c < 0) || (kind == "max" && c > 0)) acc = v;
    // TinkerPop's NumberHelper: min/max of two numbers has the wider of their types.
    if (numbers && acc.kind() != wider) acc = Widen(acc, wider);
    return true;
  }
  // A number as the wider numeric kind (int < long < float < double).
  static Value Widen(const Value& v, Value::Kind kind) {
    switch (kind) {
      case Value::Kind::kInt64: return Value(v.ToInt64());
      case Value::Kind::kFloat: return Value(static_cast<float>(v.ToDouble()));
      case Value::Kind::kDouble: return Value(v.ToDouble());
      default: return v;
    }
  }
  static Value Add2(const Value& a, const Value& b) { return kg::query::Add(a, b); }
  std::optional<Value> Finish() const {
    if (counting) return Value(n);
    if (!any) return saw_null ? std::optional<Value>(Value()) : std::nullopt;
    if (kind == "mean") return Value(acc.ToDouble() / static_cast<double>(n));
    return acc;
  }
};

}  // namespace
}  // namespace kg::query

namespace kg::query {
namespace {

absl::Status Compiler::AddStep(Pipeline* p, const Step& s, const std::vector<const Step*>& steps,
                               size_t* index) {
  Context* ctx = ctx_;
  const std::string& n = s.name;
  Op* last = p->last_step();
  auto nargs = [&](size_t lo, size_t hi) -> absl::Status {
    if (s.args.size() < lo || s.args.size() > hi) {
      if (lo == hi) return Err(s.pos, absl::StrCat(n, "() takes ", lo, " argument(s), got ", s.args.size()));
      return Err(s.pos, absl::StrCat(n, "() takes ", lo, " to ", hi, " arguments, got ", s.args.size()));
    }
    return absl::OkStatus();
  };
#define KG_RETURN_IF_ERROR(expr)      \
  do {                                \
    absl::Status _st = (expr);        \
    if (!_st.ok()) return _st;        \
  } while (0)
#define KG_ASSIGN(lhs, expr)          \
  auto lhs##_or = (expr);             \
  if (!lhs##_or.ok()) return lhs##_or.status(); \
  auto lhs = std::move(*lhs##_or)

  // to(Direction, labels...), toE(Direction, labels...) and toV(Direction): TinkerPop's
  // direction-parameterised forms of out()/in()/both(), outE()... and outV()/inV()/bothV().
  if ((n == "to" || n == "toE" || n == "toV") && !s.args.empty() &&
      absl::StartsWith(EnumName(s.args[0]), "Direction.")) {
    Step vertex_step = DirectionStep(s);
    if (vertex_step.name.empty()) {
      return Err(s.args[0].pos, absl::StrCat(n, "() expects Direction.OUT, IN or BOTH"));
    }
    return AddStep(p, vertex_step, steps, index);
  }

  // ---- modulators ----
  if (n == "by") return AddBy(last, s);
  if (n == "times" || n == "until" || n == "emit") {
    auto* rep = dynamic_cast<RepeatOp*>(last);
    // Right after repeat() a modulator binds to it while its slot is free (TinkerPop: the end
    // step is a RepeatStep without that traversal), so repeat(a).times(1).repeat(b) keeps
    // times(1) on the first repeat; otherwise it waits for the next repeat() (do-while).
    bool slot_free = rep != nullptr && (n == "emit" ? !rep->emit_ : rep->times_ < 0 && !rep->until_);
    bool next_is_repeat = !slot_free && *index + 1 < steps.size() && steps[*index + 1]->name == "repeat";
    if (rep == nullptr || next_is_repeat) {
      if (!next_is_repeat && !(*index + 1 < steps.size() &&
                               (steps[*index + 1]->name == "times" || steps[*index + 1]->name == "until" ||
                                steps[*index + 1]->name == "emit"))) {
        return Err(s.pos, absl::StrCat("The repeat()-traversal was not defined: ", n,
                                       "() must come right before or after repeat()"));
      }
      pending_.push_back(&s);
      return absl::OkStatus();
    }
    return ApplyRepeatMod(rep, s, false);
  }
  if (n == "option") {
    if (auto* ch = dynamic_cast<ChooseOp*>(last)) {
      KG_RETURN_IF_ERROR(nargs(1, 2));
      std::shared_ptr<Pipeline> branch;
      const Expr& be = s.args.back();
      KG_ASSIGN(b, Child(be));
      branch = b;
      if (s.args.size() == 1) return Err(s.pos, "option() needs a pick value and a traversal");
      std::string en = EnumName(s.args[0]);
      // choose() runs only the first matching option, so a second option(Pick.none) or
      // option(Pick.unproductive) is never taken.
      if (en == "Pick.none") {
        if (!ch->state->has_none) ch->state->none = branch;
        ch->state->has_none = true;
      } else if (en == "Pick.unproductive") {
        if (!ch->state->has_unproductive) ch->state->unproductive = branch;
        ch->state->has_unproductive = true;
      } else {
        if (s.args[0].kind == Expr::Kind::kTraversal && !IsPredicate(s.args[0])) {
          return Err(s.args[0].pos,
                     "Traversal is not allowed as a Pick token for choose().option()");
        }
        KG_ASSIGN(pred, EvalPred(s.args[0]));
        ch->state->options.emplace_back(pred, branch);
      }
      return absl::OkStatus();
    }
    if (auto* mg = dynamic_cast<MergeOp*>(last)) {
      if (s.args.size() < 2) return Err(s.pos, "option() needs Merge.onCreate/onMatch/outV/inV and a value");
      std::string en = EnumName(s.args[0]);
      std::shared_ptr<Pipeline> child;
      Value v;
      if (s.args[1].kind == Expr::Kind::kTraversal) {
        KG_ASSIGN(c, Child(s.args[1]));
        child = c;
      } else {
        KG_ASSIGN(x, Eval(s.args[1]));
        v = x;
        if (!v.is_null() && v.kind() != Value::Kind::kMap && en != "Merge.outV" && en != "Merge.inV") {
          return Err(s.args[1].pos, absl::StrCat("option(", en, ") expects a map, got ", v.DebugString()));
        }
        // option(m, Cardinality.c): every property of m with cardinality c (T.label and T.id
        // are not properties and stay as they are).
        std::string card = s.args.size() > 2 ? EnumName(s.args[2]) : "";
        if (absl::StartsWith(card, "Cardinality.") && v.kind() == Value::Kind::kMap) {
          ValueMap m;
          for (const auto& [k, x2] : v.as_map()) {
            // A value with its own Cardinality.x(...) keeps it.
            bool own = x2.kind() == Value::Kind::kMap && x2.as_map().size() == 1 &&
                       x2.as_map()[0].first.is_string() &&
                       absl::StartsWith(x2.as_map()[0].first.as_string(),
                                        "\x01"
                                        "Cardinality.");
            m.emplace_back(k,
                           k.is_string() && !own ? Value::Map({{Value("\x01" + card), x2}}) : x2);
          }
          v = Value::Map(std::move(m));
        }
      }
      auto* st = mg->state.get();
      if (en == "Merge.onCreate") { st->on_create = child; st->on_create_v = v; st->has_create = true; }
      else if (en == "Merge.onMatch") { st->on_match = child; st->on_match_v = v; st->has_match = true; }
      else if (en == "Merge.outV") { st->out_v = child; st->out_v_v = v; st->has_out = true; }
      else if (en == "Merge.inV") { st->in_v = child; st->in_v_v = v; st->has_in = true; }
      else return Err(s.args[0].pos, "option() of mergeV/mergeE expects Merge.onCreate, onMatch, outV or inV");
      return absl::OkStatus();
    }
    return Err(s.pos, "option() must follow choose(), mergeV() or mergeE()");
  }
  if (n == "from" || n == "to") {
    // path(), simplePath(), cyclicPath(), possibly behind their by() modulators.
    if (auto* ranged = dynamic_cast<PathRangeOwner*>(last)) {
      KG_RETURN_IF_ERROR(nargs(1, 1));
      KG_ASSIGN(label, Eval(s.args[0]));
      if (!label.is_string()) return Err(s.args[0].pos, absl::StrCat(n, "() expects a step label here"));
      (n == "from" ? ranged->range.from : ranged->range.to) = label.as_string();
      return absl::OkStatus();
    }
    auto* add = dynamic_cast<AddEdgeOp*>(last);
    for (Op* o = last; add == nullptr && o != nullptr && o->name() == "property"; o = o->input()) {
      add = dynamic_cast<AddEdgeOp*>(o->input());
    }
    if (add == nullptr) return Err(s.pos, absl::StrCat(n, "() must follow addE()"));
    KG_RETURN_IF_ERROR(nargs(1, 1));
    EndSpec spec;
    const Expr& a = s.args[0];
    if (a.kind == Expr::Kind::kTraversal) {
      KG_ASSIGN(c, Child(a));
      spec.kind = EndSpec::kTraversal;
      spec.child = c;
    } else {
      KG_ASSIGN(v, Eval(a));
      if (v.is_string()) {
        spec.kind = EndSpec::kLabel;
        spec.label = v.as_string();
      } else {
        spec.kind = EndSpec::kValue;
        spec.value = v;
      }
    }
    (n == "from" ? add->from : add->to) = std::move(spec);
    return absl::OkStatus();
  }
  if (n == "with") {
    if (auto* vm = dynamic_cast<ValueMapOp*>(last)) {
      // with(WithOptions.tokens[, WithOptions.ids|labels|keys|values|none|all]).
      if (!s.args.empty() && EnumName(s.args[0]) == "WithOptions.tokens") {
        static const auto* bits = new std::map<std::string, int>{
            {"WithOptions.ids", kTokenIds},   {"WithOptions.labels", kTokenLabels},
            {"WithOptions.keys", kTokenKeys}, {"WithOptions.values", kTokenValues},
            {"WithOptions.none", 0},          {"WithOptions.all", kAllTokens}};
        vm->tokens = kAllTokens;
        if (s.args.size() > 1) {
          auto it = bits->find(EnumName(s.args[1]));
          if (it == bits->end()) {
            return Err(s.args[1].pos,
                       "with(WithOptions.tokens) expects ids, labels, keys, values, none or all");
          }
          vm->tokens = it->second;
        }
      }
      return absl::OkStatus();
    }
    return absl::OkStatus();  // with() options we do not use are accepted
  }

  // ---- start and graph steps ----
  if (n == "V" || n == "E") {
    auto op = std::make_unique<GraphStartOp>(ctx, n == "V");
    for (const auto& a : s.args) {
      if (a.kind == Expr::Kind::kTraversal) {
        KG_ASSIGN(c, Child(a));
        op->id_children.push_back(c);
        continue;
      }
      KG_ASSIGN(v, Eval(a));
      op->ids.push_back(v);
    }
    if (!s.args.empty()) {
      op->plan = GraphStartOp::Plan::kIds;
    } else {
      // V().count(), V().hasLabel(l).count(), E().count(), E().hasLabel(l).count(): read the
      // maintained counts.
      size_t j = *index + 1;
      std::optional<std::string> label;
      if (j < steps.size() && steps[j]->name == "hasLabel" && steps[j]->args.size() == 1 &&
          !IsPredicate(steps[j]->args[0])) {
        auto l = Eval(steps[j]->args[0]);
        if (l.ok() && l->is_string()) {
          label = l->as_string();
          ++j;
        }
      }
      if (!child_ && *index == 0 && j < steps.size() && steps[j]->name == "count" &&
          steps[j]->args.empty() && (steps[j - 1]->name != "hasLabel" || label)) {
        bool vertices = n == "V";
        std::optional<std::string> lab = label;
        notes.push_back(absl::StrCat(n, "()", lab ? absl::StrCat(".hasLabel(", *lab, ")") : "",
                                     ".count() -> maintained count"));
        p->Add(std::make_unique<FlatMapOp>(
            ctx, absl::StrCat(n, "()", lab ? absl::StrCat(".hasLabel(", *lab, ")") : "", ".count() [maintained count]"),
            [ctx, vertices, lab](const Traverser&, std::vector<Value>* out) {
              std::optional<graph::LabelId> id;
              if (lab) {
                id = ctx->reader->FindLabel(*lab);
                if (!id) {
                  out->push_back(Value(int64_t{0}));
                  return true;
                }
              }
              auto c = vertices ? ctx->reader->CountVertices(id) : ctx->reader->CountEdges(id);
              if (!c.ok()) return ctx->Fail(c.status());
              out->push_back(Value(*c));
              return true;
            }));
        *index = j;
        return absl::OkStatus();
      }
      if (n == "V") PlanVertexScan(op.get(), steps, *index);
    }
    p->Add(std::move(op));
    return absl::OkStatus();
  }
  if (n == "out" || n == "in" || n == "both" || n == "outE" || n == "inE" || n == "bothE") {
    KG_ASSIGN(labels, StringArgs(s));
    int dirs = absl::StartsWith(n, "out") ? 1 : absl::StartsWith(n, "in") ? 2 : 3;
    if (*index + 1 < steps.size() && steps[*index + 1]->name == "count" && steps[*index + 1]->args.empty()) {
      // AdjacentToIncident + CountStrategy: out(l).count() sums maintained degrees, no scan.
      ++*index;
      notes.push_back(absl::StrCat(n, "(", absl::StrJoin(labels, ","), ").count() -> sum of maintained degrees"));
      auto total = std::make_shared<int64_t>(0);
      p->Add(std::make_unique<BarrierOp>(
          ctx, absl::StrCat(n, "(", absl::StrJoin(labels, ","), ").count() [degree sum]"), [total] { *total = 0; },
          [ctx, total, dirs, labels, n](Traverser&& t) {
            if (!t.obj.is_vertex()) return ctx->Fail(TypeError(n, t.obj, "a vertex"));
            for (int d = 1; d <= 2; ++d) {
              if (!(dirs & d)) continue;
              auto dir = d == 1 ? graph::Direction::kOut : graph::Direction::kIn;
              std::vector<std::optional<graph::LabelId>> ls;
              if (labels.empty()) ls.push_back(std::nullopt);
              for (const auto& l : labels) {
                auto id = ctx->reader->FindLabel(l);
                if (id) ls.push_back(id);
              }
              for (const auto& l : ls) {
                auto deg = ctx->reader->Degree(t.obj.vertex().id, dir, l);
                if (!deg.ok()) return ctx->Fail(deg.status());
                *total = SatAdd(*total, SatMul(*deg, t.bulk));
              }
            }
            return true;
          },
          [ctx, total](std::vector<Traverser>* out) {
            out->push_back(ctx->Fresh(Value(*total), 1));
            return true;
          }));
      return absl::OkStatus();
    }
    p->Add(std::make_unique<AdjacentOp>(ctx, n, dirs, absl::EndsWith(n, "E"), labels));
    return absl::OkStatus();
  }
  if (n == "outV" || n == "inV" || n == "bothV" || n == "otherV") {
    KG_RETURN_IF_ERROR(nargs(0, 0));
    std::string name = n;
    p->Add(std::make_unique<FlatMapOp>(ctx, n, [ctx, name](const Traverser& t, std::vector<Value>* out) {
      if (!t.obj.is_edge()) return ctx->Fail(TypeError(name, t.obj, "an edge"));
      const auto& k = t.obj.edge().key;
      if (name == "outV") out->push_back(Value::Vertex(k.src));
      else if (name == "inV") out->push_back(Value::Vertex(k.dst));
      else if (name == "bothV") {
        out->push_back(Value::Vertex(k.src));
        out->push_back(Value::Vertex(k.dst));
      } else {
        // The end we did not come from: the object before the edge in the path.
        const PathNode* prev = t.path && t.path->prev ? t.path->prev.get() : nullptr;
        if (prev && prev->obj.is_vertex() && prev->obj.vertex().id == k.src) {
          out->push_back(Value::Vertex(k.dst));
        } else {
          out->push_back(Value::Vertex(k.src));
        }
      }
      return true;
    }));
    return absl::OkStatus();
  }
  if (n == "inject") {
    ValueList vals;
    for (const auto& a : s.args) {
      KG_ASSIGN(v, Eval(a));
      vals.push_back(v);
    }
    if (s.args.empty()) vals.clear();
    p->Add(std::make_unique<InjectOp>(ctx, vals));
    return absl::OkStatus();
  }

  // ---- filters ----
  if (n == "has" || n == "hasNot" || n == "hasLabel" || n == "hasId" || n == "hasKey" || n == "hasValue") {
    return AddHas(p, s);
  }
  if (n == "is") {
    KG_RETURN_IF_ERROR(nargs(1, 1));
    KG_ASSIGN(pred, EvalPred(s.args[0]));
    p->Add(std::make_unique<FilterOp>(ctx, "is", [ctx, pred](const Traverser& t, bool* keep) {
      return TestPredicate(ctx, pred, t, t.obj, keep);
    }));
    return absl::OkStatus();
  }
  if (n == "not" || n == "filter" || n == "and" || n == "or") {
    std::vector<std::shared_ptr<Pipeline>> kids;
    for (const auto& a : s.args) {
      KG_ASSIGN(c, Child(a));
      kids.push_back(c);
    }
    if (kids.empty() || ((n == "not" || n == "filter") && kids.size() != 1)) {
      return Err(s.pos, absl::StrCat(n, "() takes ", n == "not" || n == "filter" ? "one traversal" : "traversals"));
    }
    std::string name = n;
    p->Add(std::make_unique<FilterOp>(ctx, n, [kids, name](const Traverser& t, bool* keep) {
      if (name == "or") {
        *keep = false;
        for (const auto& k : kids) {
          bool any;
          if (!k->Any(t, &any)) return false;
          if (any) {
            *keep = true;
            return true;
          }
        }
        return true;
      }
      *keep = true;
      for (const auto& k : kids) {
        bool any;
        if (!k->Any(t, &any)) return false;
        if (!any) {
          *keep = false;
          break;
        }
      }
      if (name == "not") *keep = !*keep;
      return true;
    }));
    return absl::OkStatus();
  }
  if (n == "where") return AddWhere(p, s);
  if (n == "simplePath" || n == "cyclicPath") {
    KG_RETURN_IF_ERROR(nargs(0, 0));
    bool simple = n == "simplePath";
    auto op = std::make_unique<PathFilterOp>(ctx, n, nullptr);
    PathFilterOp* raw = op.get();
    *op = PathFilterOp(ctx, n, [ctx, simple, raw](const Traverser& t, bool* keep) {
      PathValue path = MakePath(t);
      if (!SubPath(ctx, raw->range, &path)) return false;
      for (size_t i = 0; i < path.objects.size() && !raw->bys_.empty(); ++i) {
        std::optional<Value> v;
        if (!EvalBy(ctx, raw->bys_[i % raw->bys_.size()], ctx->Fresh(path.objects[i], 1), &v))
          return false;
        if (!v) return *keep = false, true;  // an unproductive by() filters the traverser out
        path.objects[i] = *std::move(v);
      }
      absl::flat_hash_set<Value> seen;
      bool unique = true;
      for (const auto& o : path.objects) {
        if (!seen.insert(o).second) {
          unique = false;
          break;
        }
      }
      *keep = simple ? unique : !unique;
      return true;
    });
    p->Add(std::move(op));
    return absl::OkStatus();
  }
  if (n == "limit" || n == "range" || n == "skip" || n == "tail") {
    bool local = ScopeLocal(s);
    size_t off = ScopeSkip(s);
    int64_t lo = 0, hi = -1;
    if (n == "range") {
      KG_ASSIGN(a, IntArg(s, off));
      KG_ASSIGN(b, IntArg(s, off + 1));
      lo = a;
      hi = b;
      if (hi >= 0 && hi < lo) return Err(s.pos, absl::StrCat("Not a legal range: [", lo, ", ", hi, "]"));
    } else if (n == "limit") {
      KG_ASSIGN(a, IntArg(s, off));
      hi = a;
    } else if (n == "skip") {
      KG_ASSIGN(a, IntArg(s, off));
      lo = a;
    } else {
      hi = 1;
      if (s.args.size() > off) {
        KG_ASSIGN(a, IntArg(s, off));
        hi = a;
      }
    }
    bool tail = n == "tail";
    if (local) {
      p->Add(std::make_unique<FlatMapOp>(ctx, n + "(local)", [lo, hi, tail](const Traverser& t, std::vector<Value>* out) {
        if (!IsIterable(t.obj)) {
          out->push_back(t.obj);
          return true;
        }
        ValueList items = Items(t.obj);
        ValueList kept;
        int64_t size = static_cast<int64_t>(items.size());
        int64_t from = tail ? std::max<int64_t>(0, size - hi) : std::min(lo, size);
        int64_t to = tail ? size : (hi < 0 ? size : std::min(hi, size));
        for (int64_t i = from; i < to; ++i) kept.push_back(items[i]);
        if (t.obj.kind() == Value::Kind::kMap) {
          ValueMap m;
          for (const auto& e : kept) m.push_back(e.as_map()[0]);
          out->push_back(Value::Map(std::move(m)));
        } else {
          out->push_back(t.obj.kind() == Value::Kind::kSet ? Value::Set(std::move(kept)) : Value::List(std::move(kept)));
        }
        return true;
      }));
      return absl::OkStatus();
    }
    if (tail) {
      auto buf = std::make_shared<std::deque<Traverser>>();
      auto count = std::make_shared<int64_t>(0);
      p->Add(std::make_unique<BarrierOp>(
          ctx, "tail", [buf, count] { buf->clear(); *count = 0; },
          [ctx, buf, count, hi](Traverser&& t) {
            buf->push_back(std::move(t));
            *count = SatAdd(*count, buf->back().bulk);
            while (!buf->empty() && *count - buf->front().bulk >= hi) {
              *count -= buf->front().bulk;
              buf->pop_front();
            }
            if (!buf->empty() && *count > hi) {
              buf->front().bulk -= *count - hi;
              *count = hi;
            }
            return ctx->ok();
          },
          [buf](std::vector<Traverser>* out) {
            for (auto& t : *buf) out->push_back(std::move(t));
            buf->clear();
            return true;
          }));
      return absl::OkStatus();
    }
    p->Add(Range(ctx, n, lo, hi));
    return absl::OkStatus();
  }
  if (n == "dedup") {
    bool local = ScopeLocal(s);
    size_t off = ScopeSkip(s);
    KG_ASSIGN(labels, StringArgs(s, off));
    if (local) {
      p->Add(std::make_unique<FlatMapOp>(ctx, "dedup(local)", [](const Traverser& t, std::vector<Value>* out) {
        if (!t.obj.is_collection()) {
          out->push_back(t.obj);
          return true;
        }
        ValueList l;
        absl::flat_hash_set<Value> seen;
        for (const auto& x : t.obj.as_list()) {
          if (seen.insert(x).second) l.push_back(x);
        }
        out->push_back(Value::Set(std::move(l)));
        return true;
      }));
      return absl::OkStatus();
    }
    p->Add(Dedup(ctx, labels));
    return absl::OkStatus();
  }

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
    KG_RETURN_IF_ERROR(nargs(1, 1));
    KG_ASSIGN(v, Eval(s.args[0]));
    p->Add(std::make_unique<FlatMapOp>(ctx, n, [v](const Traverser&, std::vector<Value>* out) {
      out->push_back(v);
      return true;
    }));
    return absl::OkStatus();
  }
  if (n == "id" || n == "label" || n == "key" || n == "value") {
    KG_RETURN_IF_ERROR(nargs(0, 0));
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
            out->push_back(Value(VertexPropertyRef{v->id, p.key, p.value, vp->second, p.meta}));
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
  if (n == "path") {
    KG_RETURN_IF_ERROR(nargs(0, 0));
    auto op = std::make_unique<PathMapOp>(ctx, n, nullptr);
    PathMapOp* raw = op.get();
    *op = PathMapOp(ctx, n, [ctx, raw](const Traverser& t, std::vector<Value>* out) {
      PathValue path = MakePath(t);
      if (!SubPath(ctx, raw->range, &path)) return false;
      if (!raw->bys_.empty()) {
        for (size_t i = 0; i < path.objects.size(); ++i) {
          std::optional<Value> v;
          if (!EvalBy(ctx, raw->bys_[i % raw->bys_.size()], ctx->Fresh(path.objects[i], 1), &v)) return false;
          if (!v) return true;  // an unproductive by() removes the traverser
          path.objects[i] = *v;
        }
      }
      out->push_back(Value(std::move(path)));
      return true;
    });
    p->Add(std::move(op));
    return absl::OkStatus();
  }
  if (n == "select") return AddSelect(p, s);
  if (n == "project") {
    KG_ASSIGN(keys, StringArgs(s));
    if (keys.empty()) return Err(s.pos, "project() needs at least one key");
    auto op = std::make_unique<ByFlatMapOp>(ctx, n, nullptr);
    ByFlatMapOp* raw = op.get();
    *op = ByFlatMapOp(ctx, n, [ctx, raw, keys](const Traverser& t, std::vector<Value>* out) {
      ValueMap m;
      for (size_t i = 0; i < keys.size(); ++i) {
        std::optional<Value> v;
        if (raw->bys_.empty()) {
          v = t.obj;
        } else if (!EvalBy(ctx, raw->bys_[i % raw->bys_.size()], t, &v)) {
          return false;
        }
        if (v) m.emplace_back(Value(keys[i]), *v);
      }
      out->push_back(Value::Map(std::move(m)));
      return true;
    });
    p->Add(std::move(op));
    return absl::OkStatus();
  }
  if (n == "unfold") {
    KG_RETURN_IF_ERROR(nargs(0, 0));
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
  if (n == "loops") {
    KG_RETURN_IF_ERROR(nargs(0, 1));
    // loops("name"): the counter that many repeat()s out from the innermost one.
    std::optional<size_t> outward = 0;
    std::string name;
    if (!s.args.empty()) {
      KG_ASSIGN(loop_name, StringArg(s, 0));
      name = loop_name;
      auto it = std::find(loop_names_.rbegin(), loop_names_.rend(), name);
      outward = it == loop_names_.rend() ? std::nullopt
                                         : std::optional<size_t>(it - loop_names_.rbegin());
    }
    p->Add(std::make_unique<FlatMapOp>(
        ctx, n, [ctx, outward, name](const Traverser& t, std::vector<Value>* out) {
          if (!outward)
            return ctx->Fail(
                absl::InvalidArgumentError(absl::StrCat("Loop name not defined: ", name)));
          size_t depth = t.loops.size();
          out->push_back(
              Value(static_cast<int32_t>(depth > *outward ? t.loops[depth - 1 - *outward] : 0)));
          return true;
        }));
    return absl::OkStatus();
  }
  if (n == "count" || n == "sum" || n == "mean" || n == "min" || n == "max") {
    std::string kind = n;
    if (ScopeLocal(s)) {
      p->Add(std::make_unique<FlatMapOp>(ctx, n + "(local)", [ctx, kind](const Traverser& t, std::vector<Value>* out) {
        Reducer r(kind);
        if (IsIterable(t.obj)) {
          for (const auto& x : Items(t.obj)) {
            if (!r.Add(ctx, t.obj.kind() == Value::Kind::kMap && kind != "count" ? x.as_map()[0].second : x, 1)) return false;
          }
        } else if (!r.Add(ctx, t.obj, 1)) {
          return false;
        }
        auto v = r.Finish();
        if (v) out->push_back(*v);
        return true;
      }));
      return absl::OkStatus();
    }
    auto red = std::make_shared<Reducer>();
    p->Add(std::make_unique<BarrierOp>(
        ctx, n, [red, kind] { *red = Reducer(kind); },
        [ctx, red](Traverser&& t) { return red->Add(ctx, t.obj, t.bulk); },
        [ctx, red](std::vector<Traverser>* out) {
          auto v = red->Finish();
          if (v) out->push_back(ctx->Fresh(*v, 1));
          return true;
        }));
    return absl::OkStatus();
  }
  if (n == "fold" && s.args.size() == 2) {
    KG_ASSIGN(seed, Eval(s.args[0]));
    std::string op = EnumName(s.args[1]);
    if (!absl::StartsWith(op, "Operator.")) return Err(s.args[1].pos, "fold(seed, Operator) expects an Operator");
    op = op.substr(9);
    auto acc = std::make_shared<Value>();
    p->Add(std::make_unique<BarrierOp>(
        ctx, n, [acc, seed] { *acc = seed; },
        [ctx, acc, op](Traverser&& t) {
          for (int64_t i = 0; i < t.bulk && ExpandOk(ctx, t.bulk); ++i) *acc = ApplyOperator(*acc, t.obj, op);
          return ctx->ok();
        },
        [ctx, acc](std::vector<Traverser>* out) {
          out->push_back(ctx->Fresh(*acc, 1));
          return true;
        }));
    return absl::OkStatus();
  }
  if (n == "fold") {
    auto acc = std::make_shared<ValueList>();
    p->Add(std::make_unique<BarrierOp>(
        ctx, n, [acc] { acc->clear(); },
        [ctx, acc](Traverser&& t) {
          // Every copy is materialised: count it against max_traversers first.
          if (!ctx->Hold(static_cast<uint64_t>(t.bulk))) return false;
          ctx->Release(static_cast<uint64_t>(t.bulk));
          for (int64_t i = 0; i < t.bulk && ExpandOk(ctx, t.bulk); ++i) acc->push_back(t.obj);
          if (acc->size() > ctx->options.limits.max_traversers) return ctx->Hold(acc->size());
          return true;
        },
        [ctx, acc](std::vector<Traverser>* out) {
          out->push_back(ctx->Fresh(Value::List(std::move(*acc)), 1));
          acc->clear();
          return true;
        }));
    return absl::OkStatus();
  }
  if (n == "order") {
    bool local = ScopeLocal(s);
    auto op = std::make_unique<ByBarrierOp>(ctx, local ? "order(local)" : "order", [] {}, nullptr, nullptr);
    ByBarrierOp* raw = op.get();
    if (local) {
      auto fm = std::make_unique<ByFlatMapOp>(ctx, "order(local)", nullptr);
      ByFlatMapOp* fr = fm.get();
      *fm = ByFlatMapOp(ctx, "order(local)", [ctx, fr](const Traverser& t, std::vector<Value>* out) {
        if (!IsIterable(t.obj)) {
          out->push_back(t.obj);
          return true;
        }
        std::vector<Traverser> ts;
        for (const auto& x : Items(t.obj)) ts.push_back(ctx->Fresh(x, 1));
        if (!SortTraversers(ctx, fr->bys_, &ts)) return false;
        ValueList l;
        for (auto& x : ts) l.push_back(std::move(x.obj));
        if (t.obj.kind() == Value::Kind::kMap) {
          ValueMap m;
          for (const auto& e : l) m.push_back(e.as_map()[0]);
          out->push_back(Value::Map(std::move(m)));
        } else {
          out->push_back(Value::List(std::move(l)));
        }
        return true;
      });
      p->Add(std::move(fm));
      return absl::OkStatus();
    }
    auto buf = std::make_shared<std::vector<Traverser>>();
    *op = ByBarrierOp(
        ctx, "order", [buf] { buf->clear(); },
        [ctx, buf](Traverser&& t) {
          buf->push_back(std::move(t));
          return ctx->Hold(1);
        },
        [ctx, buf, raw](std::vector<Traverser>* out) {
          ctx->Release(buf->size());
          if (!SortTraversers(ctx, raw->bys_, buf.get())) return false;
          *out = std::move(*buf);
          buf->clear();
          return true;
        });
    p->Add(std::move(op));
    return absl::OkStatus();
  }
  if (n == "group" || n == "groupCount") return AddGroup(p, s);
  if (n == "aggregate" || n == "store") {
    bool local = ScopeLocal(s);
    size_t off = ScopeSkip(s);
    KG_ASSIGN(key, StringArg(s, off));
    auto op = std::make_unique<ByBarrierOp>(ctx, n, [] {}, nullptr, nullptr);
    ByBarrierOp* raw = op.get();
    op->max_by_ = 1;
    op->by_step_ = "aggregate";
    auto buf = std::make_shared<std::vector<Traverser>>();
    if (!ctx->aggregates.count(key)) ctx->aggregates[key];
    ctx->aggregate_flush[key] = 0;
    auto add = [ctx, key, raw](const Traverser& t) {
      std::optional<Value> v = t.obj;
      if (!raw->bys_.empty() && !EvalBy(ctx, raw->bys_[0], t, &v)) return false;
      if (v) {
        auto& agg = ctx->aggregates[key];
        for (int64_t i = 0; i < t.bulk && ExpandOk(ctx, t.bulk); ++i) agg.push_back(*v);
      }
      return ctx->Hold(0);
    };
    if (local || n == "store") {
      auto fm = std::make_unique<ByFilterOp>(ctx, n, nullptr);
      ByFilterOp* fr = fm.get();
      *fm = ByFilterOp(ctx, n, [ctx, key, fr](const Traverser& t, bool* keep) {
        *keep = true;
        std::optional<Value> v = t.obj;
        if (!fr->bys_.empty() && !EvalBy(ctx, fr->bys_[0], t, &v)) return false;
        ctx->aggregate_flush[key] = ctx->aggregates[key].size();
        if (v) {
          auto& agg = ctx->aggregates[key];
          for (int64_t i = 0; i < t.bulk && ExpandOk(ctx, t.bulk); ++i) agg.push_back(*v);
        }
        return true;
      });
      fm->max_by_ = 1;
      fm->by_step_ = "aggregate";
      p->Add(std::move(fm));
      return absl::OkStatus();
    }
    *op = ByBarrierOp(
        ctx, n, [ctx, buf, key] { buf->clear(); ctx->aggregate_flush[key] = ctx->aggregates[key].size(); },
        [ctx, buf, add](Traverser&& t) {
          if (!add(t)) return false;
          buf->push_back(std::move(t));
          return ctx->Hold(1);
        },
        [ctx, buf](std::vector<Traverser>* out) {
          ctx->Release(buf->size());
          *out = std::move(*buf);
          buf->clear();
          return true;
        });
    op->max_by_ = 1;
    op->by_step_ = "aggregate";
    p->Add(std::move(op));
    return absl::OkStatus();
  }
  if (n == "cap") {
    KG_ASSIGN(keys, StringArgs(s));
    if (keys.empty()) return Err(s.pos, "cap() needs a side-effect key");
    p->Add(std::make_unique<BarrierOp>(
        ctx, n, [] {}, [](Traverser&&) { return true; },
        [ctx, keys](std::vector<Traverser>* out) {
          auto get = [&](const std::string& k) -> Value {
            auto op = ctx->side_effect_ops.find(k);
            if (op != ctx->side_effect_ops.end() && op->second != "addAll") {
              return ReduceSideEffect(ctx, k, op->second);
            }
            auto a = ctx->aggregates.find(k);
            if (a != ctx->aggregates.end()) {
              auto se = ctx->side_effects.find(k);
              if (se != ctx->side_effects.end() && se->second.kind() == Value::Kind::kSet) {
                ValueList l;
                absl::flat_hash_set<Value> seen;
                for (const auto& x : a->second) if (seen.insert(x).second) l.push_back(x);
                return Value::Set(std::move(l));
              }
              return Value::List(a->second);
            }
            auto se = ctx->side_effects.find(k);
            return se != ctx->side_effects.end() ? se->second : Value();
          };
          if (keys.size() == 1) {
            out->push_back(ctx->Fresh(get(keys[0]), 1));
          } else {
            ValueMap m;
            for (const auto& k : keys) m.emplace_back(Value(k), get(k));
            out->push_back(ctx->Fresh(Value::Map(std::move(m)), 1));
          }
          return true;
        }));
    return absl::OkStatus();
  }
  if (n == "barrier") {
    auto buf = std::make_shared<std::vector<Traverser>>();
    p->Add(std::make_unique<BarrierOp>(
        ctx, n, [buf] { buf->clear(); },
        [ctx, buf](Traverser&& t) {
          buf->push_back(std::move(t));
          return ctx->Hold(1);
        },
        [ctx, buf](std::vector<Traverser>* out) {
          ctx->Release(buf->size());
          *out = std::move(*buf);
          buf->clear();
          return true;
        }));
    return absl::OkStatus();
  }

  // ---- branches ----
  if (n == "union") {
    std::vector<std::shared_ptr<Pipeline>> branches;
    for (const auto& a : s.args) {
      KG_ASSIGN(c, Child(a));
      branches.push_back(c);
    }
    p->Add(std::make_unique<UnionOp>(ctx, std::move(branches)));
    return absl::OkStatus();
  }
  if (n == "repeat") {
    KG_RETURN_IF_ERROR(nargs(1, 2));
    std::string loop_name;
    if (s.args.size() == 2) {
      KG_ASSIGN(name, StringArg(s, 0));
      loop_name = name;
    }
    loop_names_.push_back(loop_name);
    auto body_or = Child(s.args.back());
    loop_names_.pop_back();
    if (!body_or.ok()) return body_or.status();
    auto op = std::make_unique<RepeatOp>(ctx, *body_or);
    op->loop_name_ = loop_name;
    const Step* inject = nullptr;
    if (s.args.back().traversal) {
      VisitSteps(*s.args.back().traversal, [&](const Step& b) {
        op->body_labels_ = op->body_labels_ || b.name == "as";
        if (b.name == "inject" && inject == nullptr) inject = &b;
      });
    }
    // TinkerPop's StandardVerificationStrategy: inject() would start anew on every iteration.
    if (inject != nullptr) {
      return Err(inject->pos, "The parent of inject()-step can not be repeat()-step");
    }
    for (const Step* m : pending_) KG_RETURN_IF_ERROR(ApplyRepeatMod(op.get(), *m, true));
    pending_.clear();
    p->Add(std::move(op));
    return absl::OkStatus();
  }
  if (n == "local" || n == "map" || n == "flatMap" || n == "optional" || n == "coalesce" ||
      n == "sideEffect") {
    std::vector<std::shared_ptr<Pipeline>> kids;
    for (const auto& a : s.args) {
      KG_ASSIGN(c, Child(a));
      kids.push_back(c);
    }
    if (kids.empty() || (n != "coalesce" && kids.size() != 1)) {
      return Err(s.pos, absl::StrCat(n, "() takes ", n == "coalesce" ? "traversals" : "one traversal"));
    }
    std::string name = n;
    p->Add(std::make_unique<BranchOp>(ctx, n, [ctx, kids, name](const Traverser& t, std::vector<Traverser>* out) {
      if (name == "coalesce") {
        for (const auto& k : kids) {
          if (!k->RunAll(t, out)) return false;
          if (!out->empty()) return true;
        }
        return true;
      }
      if (name == "sideEffect") {
        std::vector<Traverser> ignored;
        if (!kids[0]->RunAll(t, &ignored)) return false;
        out->push_back(t);
        return true;
      }
      if (name == "map") {
        std::optional<Value> v;
        if (!kids[0]->First(t, &v)) return false;
        if (v) out->push_back(ctx->Extend(t, *v));
        return true;
      }
      if (!kids[0]->RunAll(t, out)) return false;
      if (name == "optional" && out->empty()) out->push_back(t);
      return true;
    }));
    return absl::OkStatus();
  }
  if (n == "choose") return AddChoose(p, s);

  // ---- mutations ----
  if (n == "addV" || n == "addE" || n == "property" || n == "drop" || n == "mergeV" ||
      n == "mergeE") {
    return AddMutation(p, s, steps, index);
  }
  if (n == "addLabel") {
    KG_ASSIGN(labels, StringArgs(s));
    p->Add(std::make_unique<SideOp>(ctx, n, [ctx, labels](Traverser* t) {
      if (!t->obj.is_vertex()) return ctx->Fail(TypeError("addLabel", t->obj, "a vertex"));
      if (!steps::LabelsMayChange(ctx, "addLabel()")) return false;
      absl::Status st = ctx->txn->AddVertexLabels(t->obj.vertex().id, labels);
      if (!st.ok()) return ctx->Fail(st);
      ctx->InvalidateCache();
      return true;
    }));
    return absl::OkStatus();
  }
  if (n == "fail") {
    std::string msg = "fail() step triggered";
    if (!s.args.empty()) {
      KG_ASSIGN(m, StringArg(s, 0));
      msg = m;
    }
    p->Add(std::make_unique<FilterOp>(ctx, n, [ctx, msg](const Traverser&, bool*) {
      return ctx->Fail(absl::FailedPreconditionError(msg));
    }));
    return absl::OkStatus();
  }
  if (n == "match") return AddMatch(p, s);
  if (n == "math") {
    if (s.args.size() != 1) return Err(s.pos, "math() takes one expression");
    KG_ASSIGN(expression, StringArg(s, 0));
    auto op = steps::Math(ctx, expression);
    if (!op.ok()) return Err(s.pos, op.status().message());
    p->Add(*std::move(op));
    return absl::OkStatus();
  }
  if (n == "concat") {
    ValueList strings;
    std::vector<std::shared_ptr<Pipeline>> children;
    for (const auto& a : s.args) {
      if (a.kind == Expr::Kind::kTraversal) {
        KG_ASSIGN(c, Child(a));
        children.push_back(c);
        continue;
      }
      KG_ASSIGN(v, Eval(a));
      if (!v.is_null() && !v.is_string()) return Err(a.pos, "concat() expects strings or traversals");
      strings.push_back(v);
    }
    p->Add(steps::Concat(ctx, std::move(strings), std::move(children)));
    return absl::OkStatus();
  }
  if (n == "asString") {
    KG_RETURN_IF_ERROR(nargs(0, 1));
    if (s.args.size() == 1 && !absl::StartsWith(EnumName(s.args[0]), "Scope.")) {
      return Err(s.args[0].pos, "asString() takes only a Scope");
    }
    p->Add(steps::AsString(ctx, ScopeLocal(s)));
    return absl::OkStatus();
  }
  if (n == "length" || n == "toUpper" || n == "toLower" || n == "trim" || n == "lTrim" ||
      n == "rTrim" || n == "split" || n == "conjoin" || n == "substring" || n == "replace") {
    size_t off = ScopeSkip(s);
    ValueList args;
    for (size_t i = off; i < s.args.size(); ++i) {
      KG_ASSIGN(v, Eval(s.args[i]));
      args.push_back(v);
    }
    auto op = steps::StringStep(ctx, n, std::move(args), ScopeLocal(s));
    if (!op.ok()) return Err(s.pos, op.status().message());
    p->Add(*std::move(op));
    return absl::OkStatus();
  }
  if (n == "sample") {
    bool local = !s.args.empty() && EnumName(s.args[0]) == "Scope.local";
    size_t a = local || (!s.args.empty() && EnumName(s.args[0]) == "Scope.global") ? 1 : 0;
    if (s.args.size() != a + 1) return Err(s.pos, "sample() takes an amount, after an optional Scope");
    KG_ASSIGN(amount, Eval(s.args[a]));
    if (!amount.is_integer()) return Err(s.args[a].pos, "sample() expects an integer amount");
    p->Add(local ? steps::SampleLocal(ctx, amount.ToInt64()) : steps::SampleGlobal(ctx, amount.ToInt64()));
    return absl::OkStatus();
  }
  if (n == "sack") {
    if (!ctx->sack_initial) return Err(s.pos, "sack() needs g.withSack(...): the traversers carry no sack");
    if (s.args.empty()) {
      p->Add(steps::SackValue(ctx));
      return absl::OkStatus();
    }
    KG_RETURN_IF_ERROR(nargs(1, 1));
    std::string op = EnumName(s.args[0]);
    if (!absl::StartsWith(op, "Operator.")) return Err(s.args[0].pos, "sack() expects an Operator, e.g. sack(Operator.sum)");
    p->Add(steps::SackUpdate(ctx, op.substr(9)));
    return absl::OkStatus();
  }
  if ((n == "any" || n == "all" || n == "none") && !s.args.empty()) {
    KG_RETURN_IF_ERROR(nargs(1, 1));
    KG_ASSIGN(pred, EvalPred(s.args[0]));
    p->Add(steps::ListPredicate(ctx, n, std::move(pred)));
    return absl::OkStatus();
  }
  if (n == "none" || n == "discard") {
    p->Add(std::make_unique<FilterOp>(ctx, n, [](const Traverser&, bool* keep) {
      *keep = false;
      return true;
    }));
    return absl::OkStatus();
  }
  if (n == "iterate" || n == "toList" || n == "next") return absl::OkStatus();
  if (n == "explain" || n == "profile") {
    return Err(s.pos, absl::StrCat(n, "() must be the last step; use the Explain API or the profile option"));
  }
  return Err(s.pos, absl::StrCat("unknown step '", n, "'; did you mean '", NearestStep(n), "'?"));
#undef KG_ASSIGN
#undef KG_RETURN_IF_ERROR
}

}  // namespace
}  // namespace kg::query

namespace kg::query {
namespace {

absl::Status Compiler::ApplyRepeatMod(RepeatOp* op, const Step& s, bool before) {
  if (s.name == "times") {
    if (s.args.size() != 1) return Err(s.pos, "times() takes one integer");
    auto v = IntArg(s, 0);
    if (!v.ok()) return v.status();
    op->times_ = *v;
    op->times_first_ = before;
    return absl::OkStatus();
  }
  std::shared_ptr<Pipeline> child;
  if (!s.args.empty()) {
    if (IsPredicate(s.args[0])) {
      return Err(s.args[0].pos, absl::StrCat(s.name, "() with a predicate is not supported; use __.is(...)"));
    }
    loop_names_.push_back(op->loop_name_);
    auto c = Child(s.args[0]);
    loop_names_.pop_back();
    if (!c.ok()) return c.status();
    child = *c;
  }
  if (s.name == "until") {
    if (!child) return Err(s.pos, "until() needs a traversal");
    op->until_ = child;
    op->until_first_ = before;
  } else {
    op->emit_ = true;
    op->emit_cond_ = child;
    op->emit_first_ = before;
  }
  return absl::OkStatus();
}

void Compiler::PlanVertexScan(GraphStartOp* op, const std::vector<const Step*>& steps, size_t i) {
  std::string label, key;
  std::optional<Value> value;
  for (size_t j = i + 1; j < steps.size(); ++j) {
    const Step& s = *steps[j];
    if (s.name == "hasLabel" && s.args.size() == 1 && !IsPredicate(s.args[0])) {
      auto v = Eval(s.args[0]);
      if (v.ok() && v->is_string()) label = v->as_string();
      continue;
    }
    if (s.name == "has" && (s.args.size() == 2 || s.args.size() == 3) && !IsPredicate(s.args.back()) &&
        s.args.back().kind != Expr::Kind::kTraversal) {
      size_t ki = s.args.size() - 2;
      auto k = Eval(s.args[ki]);
      auto v = Eval(s.args.back());
      if (!k.ok() || !v.ok() || !k->is_string()) continue;
      if (s.args.size() == 3) {
        auto l = Eval(s.args[0]);
        if (!l.ok() || !l->is_string()) continue;
        label = l->as_string();
      }
      if (!value) {
        key = k->as_string();
        value = *v;
      }
      continue;
    }
    if (s.name == "as" || s.name == "has" || s.name == "hasLabel" || s.name == "hasId") continue;
    break;
  }
  if (value && !label.empty()) {
    for (const auto& spec : ctx_->reader->Indexes()) {
      if (spec.label == label && spec.key == key) {
        op->plan = GraphStartOp::Plan::kIndexExact;
        op->label = label;
        op->key = key;
        op->value = *value;
        notes.push_back(absl::StrCat("index: V().has(", label, ", ", key, ", v) -> property index seek"));
        return;
      }
    }
  }
  if (value && value->is_string() && (key == "name" || key == "aliases")) {
    op->plan = GraphStartOp::Plan::kAlias;
    op->label = label;
    op->value = *value;
    notes.push_back(absl::StrCat("index: V().has(\"", key, "\", ", value->DebugString(),
                                 ") -> name/alias index lookup"));
    return;
  }
  if (!label.empty()) {
    op->plan = GraphStartOp::Plan::kLabel;
    op->label = label;
    notes.push_back(absl::StrCat("index: V().hasLabel(", label, ") -> label scan"));
  }
}

// where(and(...)), where(or(...)), where(not(...)): the as() labels inside each operand bind
// like where()'s own (TinkerPop's WhereTraversalStep looks through connectives), so each
// operand becomes a where() of its own.
absl::Status Compiler::AddWhereConnective(Pipeline* p, const Step& connective) {
  Step rewritten = connective;
  for (Expr& a : rewritten.args) {
    auto t = std::make_shared<Traversal>();
    t->anonymous = true;
    t->pos = a.pos;
    t->steps.push_back(Step{"where", {a}, a.pos});
    a.traversal = std::move(t);
  }
  const Step* owned = Own(std::move(rewritten));
  std::vector<const Step*> steps = {owned};
  size_t i = 0;
  return AddStep(p, *owned, steps, &i);
}

absl::Status Compiler::AddWhere(Pipeline* p, const Step& s) {
  Context* ctx = ctx_;
  if (s.args.empty() || s.args.size() > 2) return Err(s.pos, "where() takes a predicate or a traversal");
  if (s.args.size() == 1 && s.args[0].kind == Expr::Kind::kTraversal) {
    // where(traversal), with as() at its start and end binding to path labels.
    Traversal child = *s.args[0].traversal;
    if (child.steps.size() == 1 && IsConnective(child.steps[0])) return AddWhereConnective(p, child.steps[0]);
    std::string start_label, end_label;
    if (!child.steps.empty() && child.steps.front().name == "as" && child.steps.front().args.size() == 1) {
      auto v = Eval(child.steps.front().args[0]);
      if (v.ok() && v->is_string()) {
        start_label = v->as_string();
        child.steps.erase(child.steps.begin());
      }
    }
    if (!child.steps.empty() && child.steps.back().name == "as" && child.steps.back().args.size() == 1) {
      auto v = Eval(child.steps.back().args[0]);
      if (v.ok() && v->is_string()) {
        end_label = v->as_string();
        child.steps.pop_back();
      }
    }
    Compiler sub(text_, ctx_);
    sub.loop_names_ = loop_names_;
    auto c = sub.Compile(child, true);
    if (!c.ok()) return c.status();
    std::shared_ptr<Pipeline> kid(std::move(*c));
    p->Add(std::make_unique<FilterOp>(ctx, "where", [ctx, kid, start_label, end_label](const Traverser& t, bool* keep) {
      Traverser in = t;
      if (!start_label.empty()) {
        std::optional<Value> v;
        if (!ScopeValue(ctx, t, start_label, Pop::kLast, &v)) return false;
        if (!v) {
          *keep = false;
          return true;
        }
        in.obj = *v;
      }
      if (end_label.empty()) return kid->Any(in, keep);
      std::optional<Value> want;
      if (!ScopeValue(ctx, t, end_label, Pop::kLast, &want)) return false;
      std::vector<Traverser> results;
      if (!kid->RunAll(in, &results)) return false;
      *keep = false;
      for (const auto& r : results) {
        if (want && r.obj == *want) {
          *keep = true;
          break;
        }
      }
      return true;
    }));
    return absl::OkStatus();
  }
  std::string left;
  const Expr* pe = &s.args[0];
  if (s.args.size() == 2) {
    auto l = StringArg(s, 0);
    if (!l.ok()) return l.status();
    left = *l;
    pe = &s.args[1];
  }
  auto pred = EvalPred(*pe);
  if (!pred.ok()) return pred.status();
  auto op = std::make_unique<ByFilterOp>(ctx, "where", nullptr);
  ByFilterOp* raw = op.get();
  Predicate pr = *pred;
  *op = ByFilterOp(ctx, "where", [ctx, raw, pr, left](const Traverser& t, bool* keep) {
    *keep = false;
    size_t by_i = 0;
    auto modulate = [&](const Value& v, std::optional<Value>* out) {
      if (raw->bys_.empty()) {
        *out = v;
        return true;
      }
      const By& b = raw->bys_[by_i++ % raw->bys_.size()];
      return EvalBy(ctx, b, ctx->Fresh(v, 1), out);
    };
    std::optional<Value> lhs = t.obj;
    if (!left.empty()) {
      if (!ScopeValue(ctx, t, left, Pop::kLast, &lhs)) return false;
      if (!lhs) return true;
    }
    std::optional<Value> ml;
    if (!modulate(*lhs, &ml)) return false;
    if (!ml) return true;
    // The labels in the predicate resolve in the order they are written (each takes the next
    // by(), round robin after where()'s own key), as TinkerPop's WherePredicateStep does.
    Predicate resolved = pr;
    bool unresolved = false;
    std::function<bool(Predicate*)> resolve = [&](Predicate* q) {
      // within("x")/without("x") over a collection (a side effect, an aggregate) test its
      // members.
      bool membership = q->op == Predicate::kWithin || q->op == Predicate::kWithout;
      std::vector<Value> args;
      for (auto& a : q->args) {
        if (!a.is_string()) {
          args.push_back(a);
          continue;
        }
        std::optional<Value> v;
        if (!ScopeValue(ctx, t, a.as_string(), Pop::kLast, &v)) return false;
        if (!v) {
          unresolved = true;
          return true;
        }
        if (membership && v->is_collection()) {
          for (const auto& x : v->as_list()) args.push_back(x);
          continue;
        }
        std::optional<Value> mv;
        if (!modulate(*v, &mv)) return false;
        if (!mv) {
          unresolved = true;
          return true;
        }
        args.push_back(*mv);
      }
      q->args = std::move(args);
      for (auto& c : q->children) {
        if (!resolve(&c)) return false;
        if (unresolved) return true;
      }
      return true;
    };
    if (!resolve(&resolved)) return false;
    if (unresolved) return true;
    return TestPredicate(ctx, resolved, t, *ml, keep);
  });
  p->Add(std::move(op));
  return absl::OkStatus();
}

absl::Status Compiler::AddSelect(Pipeline* p, const Step& s) {
  Context* ctx = ctx_;
  if (s.args.empty()) return Err(s.pos, "select() needs keys");
  std::string en = EnumName(s.args[0]);
  if (en == "Column.keys" || en == "Column.values") {
    bool keys = en == "Column.keys";
    p->Add(std::make_unique<FlatMapOp>(ctx, "select", [ctx, keys](const Traverser& t, std::vector<Value>* out) {
      if (t.obj.kind() == Value::Kind::kMap && t.obj.as_map().size() == 1) {
        // A map entry (what unfold() makes of a map): its key or value.
        out->push_back(keys ? t.obj.as_map()[0].first : t.obj.as_map()[0].second);
        return true;
      }
      if (t.obj.kind() == Value::Kind::kMap) {
        ValueList l;
        for (const auto& [k, v] : t.obj.as_map()) l.push_back(keys ? k : v);
        out->push_back(keys ? Value::Set(std::move(l)) : Value::List(std::move(l)));
        return true;
      }
      if (t.obj.kind() == Value::Kind::kPath) {
        ValueList l;
        const auto& pth = t.obj.path();
        for (size_t i = 0; i < pth.objects.size(); ++i) {
          if (keys) {
            ValueList ls;
            for (const auto& x : pth.labels[i]) ls.push_back(Value(x));
            l.push_back(Value::Set(std::move(ls)));
          } else {
            l.push_back(pth.objects[i]);
          }
        }
        out->push_back(Value::List(std::move(l)));
        return true;
      }
      return ctx->Fail(TypeError("select(Column)", t.obj, "a map"));
    }));
    return absl::OkStatus();
  }
  Pop pop = Pop::kLast;
  size_t off = 0;
  if (absl::StartsWith(en, "Pop.")) {
    pop = en == "Pop.first" ? Pop::kFirst : en == "Pop.all" ? Pop::kAll : en == "Pop.mixed" ? Pop::kMixed : Pop::kLast;
    off = 1;
  }
  if (off < s.args.size() && s.args[off].kind == Expr::Kind::kTraversal) {
    auto c = Child(s.args[off]);
    if (!c.ok()) return c.status();
    std::shared_ptr<Pipeline> kid = *c;
    // select(traversal): the traversal's first result is the key (TinkerPop's
    // TraversalSelectStep), looked up in the object when it is a map (any key: a number, null),
    // else among path labels and side effects (a string key); by() modulates the value.
    auto op = std::make_unique<ByFlatMapOp>(ctx, "select", nullptr);
    ByFlatMapOp* raw = op.get();
    *op = ByFlatMapOp(ctx, "select", [ctx, raw, kid, pop](const Traverser& t, std::vector<Value>* out) {
      std::optional<Value> key;
      if (!kid->First(t, &key)) return false;
      if (!key) return true;
      std::optional<Value> v;
      if (t.obj.kind() == Value::Kind::kMap) {
        for (const auto& [k, x] : t.obj.as_map()) {
          if (k == *key) {
            v = x;
            break;
          }
        }
      }
      if (!v && key->is_string() && !ScopeValue(ctx, t, key->as_string(), pop, &v)) return false;
      if (v && !raw->bys_.empty() && !EvalBy(ctx, raw->bys_[0], ctx->Fresh(*v, 1), &v)) return false;
      if (v) out->push_back(*v);
      return true;
    });
    raw->max_by_ = 1;
    raw->by_step_ = "TraversalSelect";
    p->Add(std::move(op));
    return absl::OkStatus();
  }
  auto keys = StringArgs(s, off);
  if (!keys.ok()) return keys.status();
  std::vector<std::string> ks = *keys;
  auto op = std::make_unique<ByFlatMapOp>(ctx, "select", nullptr);
  ByFlatMapOp* raw = op.get();
  *op = ByFlatMapOp(ctx, "select", [ctx, raw, ks, pop](const Traverser& t, std::vector<Value>* out) {
    ValueMap m;
    for (size_t i = 0; i < ks.size(); ++i) {
      std::optional<Value> v;
      if (!ScopeValue(ctx, t, ks[i], pop, &v)) return false;
      if (!v) return true;  // a missing key filters the traverser
      if (!raw->bys_.empty()) {
        std::optional<Value> mv;
        if (!EvalBy(ctx, raw->bys_[i % raw->bys_.size()], ctx->Fresh(*v, 1), &mv)) return false;
        if (!mv) return true;
        v = mv;
      }
      // A key named twice appears once, with its last value (TinkerPop builds a map).
      auto same = std::find_if(m.begin(), m.end(), [&](const auto& e) { return e.first == Value(ks[i]); });
      if (same != m.end()) {
        same->second = *v;
      } else {
        m.emplace_back(Value(ks[i]), *v);
      }
    }
    if (ks.size() == 1) {
      out->push_back(m[0].second);
    } else {
      out->push_back(Value::Map(std::move(m)));
    }
    return true;
  });
  p->Add(std::move(op));
  return absl::OkStatus();
}


// The label of an as() step with one label, else "".
std::string SingleAsLabel(const Step& s) {
  if (s.name != "as" || s.args.size() != 1 || s.args[0].kind != Expr::Kind::kLiteral ||
      !s.args[0].literal.is_string()) {
    return "";
  }
  return s.args[0].literal.as_string();
}

// A match() pattern: as(start) ... as(end) binds; not(as(start) ... [as(end)]) must find no
// such path; anything else (where(...)) is a filter on the complete bindings.
absl::StatusOr<steps::MatchPattern> Compiler::MatchPatternOf(const Expr& e) {
  if (e.kind != Expr::Kind::kTraversal || !e.traversal) {
    return Err(e.pos, "match() takes patterns such as __.as('a').out().as('b')");
  }
  steps::MatchPattern pattern;
  Traversal body = *e.traversal;
  const std::vector<Step>& st = body.steps;
  if (!st.empty() && st[0].name == "not" && st[0].args.size() == 1 &&
      st[0].args[0].kind == Expr::Kind::kTraversal && st[0].args[0].traversal &&
      !st[0].args[0].traversal->steps.empty() &&
      !SingleAsLabel(st[0].args[0].traversal->steps[0]).empty()) {
    pattern.negated = true;
    body = *st[0].args[0].traversal;
  }
  if (body.steps.empty() || SingleAsLabel(body.steps[0]).empty()) {
    if (pattern.negated) return Err(e.pos, "match() patterns must start with as()");
    auto c = Child(e);
    if (!c.ok()) return c.status();
    pattern.body = *c;
    return pattern;  // a filter pattern
  }
  pattern.start = SingleAsLabel(body.steps[0]);
  body.steps.erase(body.steps.begin());
  if (!body.steps.empty() && !SingleAsLabel(body.steps.back()).empty()) {
    pattern.end = SingleAsLabel(body.steps.back());
    body.steps.pop_back();
  }
  body.anonymous = true;
  Expr child;
  child.kind = Expr::Kind::kTraversal;
  child.pos = e.pos;
  child.traversal = std::make_shared<const Traversal>(std::move(body));
  auto c = Child(child);
  if (!c.ok()) return c.status();
  pattern.body = *c;
  return pattern;
}

absl::Status Compiler::AddMatch(Pipeline* p, const Step& s) {
  if (s.args.empty()) return Err(s.pos, "match() needs at least one pattern");
  std::vector<steps::MatchPattern> patterns, filters;
  for (const Expr& a : s.args) {
    auto pattern = MatchPatternOf(a);
    if (!pattern.ok()) return pattern.status();
    bool filter = pattern->negated || pattern->start.empty();
    (filter ? filters : patterns).push_back(*std::move(pattern));
  }
  if (patterns.empty()) return Err(s.pos, "match() needs a pattern that starts with as()");
  p->Add(steps::Match(ctx_, std::move(patterns), std::move(filters)));
  return absl::OkStatus();
}

absl::Status Compiler::AddGroup(Pipeline* p, const Step& s) {
  Context* ctx = ctx_;
  bool count = s.name == "groupCount";
  std::string side_key;
  if (!s.args.empty()) {
    auto k = StringArg(s, 0);
    if (!k.ok()) return k.status();
    side_key = *k;
  }
  struct State {
    std::vector<std::pair<Value, std::vector<Traverser>>> groups;
    absl::flat_hash_map<Value, size_t> index;
    std::vector<Traverser> passthrough;
  };
  auto st = std::make_shared<State>();
  auto op = std::make_unique<ByBarrierOp>(ctx, s.name, [] {}, nullptr, nullptr);
  ByBarrierOp* raw = op.get();
  op->max_by_ = count ? 1 : 2;
  op->by_step_ = s.name;
  auto finish_map = [ctx, st, raw, count]() -> std::optional<Value> {
    ValueMap m;
    for (auto& [key, ts] : st->groups) {
      if (count) {
        int64_t c = 0;
        for (const auto& t : ts) c = SatAdd(c, t.bulk);
        m.emplace_back(key, Value(c));
        continue;
      }
      if (raw->bys_.size() < 2) {
        ValueList l;
        for (const auto& t : ts) for (int64_t i = 0; i < t.bulk && ExpandOk(ctx, t.bulk); ++i) l.push_back(t.obj);
        m.emplace_back(key, Value::List(std::move(l)));
        continue;
      }
      const By& vb = raw->bys_[1];
      if (vb.kind == By::kTraversal) {
        vb.child->Reset();
        for (const auto& t : ts) vb.child->Feed(t);
        std::vector<Value> results;
        for (Traverser r; vb.child->Next(&r);) {
          for (int64_t i = 0; i < r.bulk && ExpandOk(ctx, r.bulk); ++i) results.push_back(r.obj);
        }
        if (!ctx->ok()) return std::nullopt;
        // A reducing value traversal gives its result; any other gives its first result, and
        // the key is dropped when it gives nothing.
        if (!results.empty()) m.emplace_back(key, results[0]);
        continue;
      }
      ValueList l;
      for (const auto& t : ts) {
        std::optional<Value> v;
        if (!EvalBy(ctx, vb, t, &v)) return std::nullopt;
        if (v) for (int64_t i = 0; i < t.bulk && ExpandOk(ctx, t.bulk); ++i) l.push_back(*v);
      }
      m.emplace_back(key, Value::List(std::move(l)));
    }
    return Value::Map(std::move(m));
  };
  *op = ByBarrierOp(
      ctx, s.name,
      [st] {
        st->groups.clear();
        st->index.clear();
        st->passthrough.clear();
      },
      [ctx, st, raw, side_key](Traverser&& t) {
        std::optional<Value> key = t.obj;
        if (!raw->bys_.empty() && !EvalBy(ctx, raw->bys_[0], t, &key)) return false;
        if (!side_key.empty()) st->passthrough.push_back(t);
        if (!key) return true;  // an unproductive key by() drops the element
        auto [it, fresh] = st->index.emplace(*key, st->groups.size());
        if (fresh) st->groups.emplace_back(*key, std::vector<Traverser>{});
        st->groups[it->second].second.push_back(std::move(t));
        return ctx->Hold(1);
      },
      [ctx, st, finish_map, side_key](std::vector<Traverser>* out) {
        size_t held = 0;
        for (const auto& g : st->groups) held += g.second.size();
        ctx->Release(held);
        auto m = finish_map();
        if (!m) return ctx->ok();
        if (side_key.empty()) {
          out->push_back(ctx->Fresh(*m, 1));
        } else {
          // Several group("m") steps (or a local one run per traverser) merge into one map.
          auto& se = ctx->side_effects[side_key];
          if (se.kind() == Value::Kind::kMap) {
            ValueMap merged = se.as_map();
            for (const auto& [k, v] : m->as_map()) {
              auto it = std::find_if(merged.begin(), merged.end(), [&key = k](const auto& e) { return e.first == key; });
              if (it == merged.end()) {
                merged.emplace_back(k, v);
              } else if (it->second.is_integer() && v.is_integer()) {
                it->second = Value(it->second.ToInt64() + v.ToInt64());
              } else if (it->second.is_collection() && v.is_collection()) {
                ValueList l = it->second.as_list();
                for (const auto& x : v.as_list()) l.push_back(x);
                it->second = Value::List(std::move(l));
              } else {
                it->second = v;
              }
            }
            se = Value::Map(std::move(merged));
          } else {
            se = *m;
          }
          *out = std::move(st->passthrough);
        }
        st->groups.clear();
        st->index.clear();
        st->passthrough.clear();
        return true;
      });
  op->max_by_ = count ? 1 : 2;
  op->by_step_ = count ? "GroupCount" : "Group";
  p->Add(std::move(op));
  return absl::OkStatus();
}

absl::Status Compiler::AddChoose(Pipeline* p, const Step& s) {
  Context* ctx = ctx_;
  if (s.args.empty() || s.args.size() > 3) return Err(s.pos, "choose() takes 1 to 3 arguments");
  auto st = std::make_shared<ChooseState>();
  std::string en = EnumName(s.args[0]);
  if (IsPredicate(s.args[0])) {
    auto pr = EvalPred(s.args[0]);
    if (!pr.ok()) return pr.status();
    st->pred_form = true;
    st->pred = *pr;
  } else if (s.args[0].kind != Expr::Kind::kTraversal) {
    By by;
    if (absl::StartsWith(en, "T.")) {
      auto v = Eval(s.args[0]);
      if (!v.ok()) return v.status();
      by.kind = By::kToken;
      by.token = v->token();
    } else {
      auto v = Eval(s.args[0]);
      if (!v.ok()) return v.status();
      if (!v->is_string()) return Err(s.args[0].pos, "choose() expects a traversal, a predicate, a key or a token");
      by.kind = By::kKey;
      by.key = v->as_string();
    }
    st->selector = by;
  } else {
    auto c = Child(s.args[0]);
    if (!c.ok()) return c.status();
    st->cond = *c;
  }
  bool if_form = s.args.size() > 1 || st->pred_form;
  if (s.args.size() > 1) {
    auto t = Child(s.args[1]);
    if (!t.ok()) return t.status();
    st->then_b = *t;
  }
  if (s.args.size() > 2) {
    auto e = Child(s.args[2]);
    if (!e.ok()) return e.status();
    st->else_b = *e;
  }
  ChooseState* raw = st.get();
  p->Add(std::make_unique<ChooseOp>(ctx, st, [ctx, raw, if_form](const Traverser& t, Pipeline** branch) {
    *branch = nullptr;
    if (if_form) {
      bool yes;
      if (raw->pred_form) {
        yes = raw->pred.Test(t.obj);
      } else if (!raw->cond->Any(t, &yes)) {
        return false;
      }
      *branch = (yes ? raw->then_b : raw->else_b).get();
      return true;
    }
    std::optional<Value> pick;
    if (raw->selector) {
      if (!EvalByInner(ctx, *raw->selector, t, &pick)) return false;
    } else if (!raw->cond->First(t, &pick)) {
      return false;
    }
    if (!pick) {  // without an unproductive option the traverser passes through
      if (raw->has_unproductive) *branch = raw->unproductive.get();
      return true;
    }
    for (const auto& [pred, b] : raw->options) {
      bool match;
      if (!TestPredicate(ctx, pred, t, *pick, &match)) return false;
      if (match) {
        *branch = b.get();
        return true;
      }
    }
    if (raw->has_none) *branch = raw->none.get();
    return true;
  }));
  return absl::OkStatus();
}

}  // namespace
}  // namespace kg::query

namespace kg::query {
namespace {

absl::Status Hidden(const std::string& key) {
  return absl::InvalidArgumentError(absl::StrCat("Property key can not be a hidden key: ~", key));
}

// A merge map's property entry, unwrapping Cardinality.x(value).
bool PropertyWriteOf(const Value& k, const Value& v, graph::Cardinality def, graph::PropertyWrite* out,
                     absl::Status* err) {
  if (!k.is_string()) {
    *err = absl::InvalidArgumentError(absl::StrCat("property keys must be strings, got ", k.DebugString()));
    return false;
  }
  graph::Cardinality card = def;
  Value val = v;
  if (v.kind() == Value::Kind::kMap && v.as_map().size() == 1 && v.as_map()[0].first.is_string() &&
      absl::StartsWith(v.as_map()[0].first.as_string(), "\x01" "Cardinality.")) {
    std::string c = v.as_map()[0].first.as_string().substr(13);
    card = c == "set" ? graph::Cardinality::kSet : c == "list" ? graph::Cardinality::kList : graph::Cardinality::kSingle;
    val = v.as_map()[0].second;
  }
  graph::Value g;
  if (!val.ToGraph(&g)) {
    *err = absl::InvalidArgumentError(absl::StrCat("property value ", val.DebugString(), " cannot be stored"));
    return false;
  }
  *out = graph::PropertyWrite(k.as_string(), std::move(g), card);
  return true;
}

// Writes one property of a vertex or an edge. A null value removes the key, unless the query
// allows null property values (QueryOptions::allow_null_property_values), then it is stored.
absl::Status WriteProperty(Context* ctx, const Value& elem, const graph::PropertyWrite& w) {
  bool remove = w.value.is_null() && !ctx->allow_null_properties;
  if (elem.is_vertex()) {
    return remove ? ctx->txn->RemoveVertexProperty(elem.vertex().id, w.key)
                  : ctx->txn->SetVertexProperty(elem.vertex().id, w);
  }
  if (elem.is_edge()) {
    return remove ? ctx->txn->RemoveEdgeProperty(elem.edge().key, w.key)
                  : ctx->txn->SetEdgeProperty(elem.edge().key, w.key, w.value);
  }
  return absl::InvalidArgumentError(absl::StrCat("property() cannot be applied to ", elem.DebugString()));
}

bool GetMapArg(Context* ctx, const std::shared_ptr<Pipeline>& child, const Value& v, const Traverser& t,
               bool use_incoming, std::optional<Value>* out, bool any_value = false) {
  out->reset();
  if (child) {
    std::optional<Value> r;
    if (!child->First(t, &r)) return false;
    if (r) *out = *r;
  } else if (use_incoming) {
    *out = t.obj;
  } else {
    *out = v;
  }
  if (!any_value && *out && !(*out)->is_null() && (*out)->kind() != Value::Kind::kMap) {
    return ctx->Fail(absl::InvalidArgumentError(
        absl::StrCat("merge step expects a map, got ", (*out)->DebugString())));
  }
  return true;
}

bool VertexMatches(Context* ctx, graph::VertexId id, const ValueMap& m, bool* ok) {
  *ok = false;
  auto v = ctx->GetVertex(id);
  if (!v) return ctx->ok();
  for (const auto& [k, x] : m) {
    if (k.kind() == Value::Kind::kToken) {
      if (k.token() == Token::kLabel) {
        // A list of labels: the vertex has every one of them (TinkerPop's multi-label search).
        for (const Value& l : x.is_collection() ? x.as_list() : ValueList{x}) {
          if (!l.is_string() ||
              std::find(v->labels.begin(), v->labels.end(), l.as_string()) == v->labels.end())
            return true;
        }
      } else if (k.token() == Token::kId) {
        if (!Equals(ctx->VertexId(id), x)) return true;
      }
      continue;
    }
    if (!k.is_string()) return true;
    bool any = false;
    for (const auto& p : v->properties) {
      if (p.key == k.as_string() && Equals(Value::FromGraph(p.value), x)) any = true;
    }
    if (!any) return true;
  }
  *ok = true;
  return true;
}

bool EvalFolded(const FoldedArg& a, const Traverser& t, std::optional<Value>* out) {
  if (!a.child) {
    *out = a.constant;
    return true;
  }
  return a.child->First(t, out);
}

bool Compiler::IsFoldableProperty(const Step& s) {
  if (s.name != "property" || s.args.size() != 2) return false;
  return !absl::StartsWith(EnumName(s.args[0]), "Cardinality.");
}

absl::StatusOr<FoldedProperty> Compiler::FoldProperty(const Step& s) {
  FoldedProperty f;
  for (int i = 0; i < 2; ++i) {
    FoldedArg& a = i == 0 ? f.key : f.value;
    if (s.args[i].kind == Expr::Kind::kTraversal) {
      auto c = Child(s.args[i]);
      if (!c.ok()) return c.status();
      a.child = *c;
    } else {
      auto v = Eval(s.args[i]);
      if (!v.ok()) return v.status();
      a.constant = *v;
    }
  }
  return f;
}

absl::Status Compiler::AddMutation(Pipeline* p, const Step& s, const std::vector<const Step*>& steps,
                                   size_t* index) {
  Context* ctx = ctx_;
  const std::string& n = s.name;
  if (n == "addV") {
    std::vector<std::string> labels;
    std::vector<std::shared_ptr<Pipeline>> label_children;
    for (size_t a = 0; a < s.args.size(); ++a) {
      if (s.args[a].kind == Expr::Kind::kTraversal) {
        auto c = Child(s.args[a]);
        if (!c.ok()) return c.status();
        label_children.push_back(*c);
      } else {
        auto l = StringArg(s, a);
        if (!l.ok()) return l.status();
        labels.push_back(*l);
      }
    }
    // property(k, v) steps right after addV() (no cardinality, no meta-properties) are
    // arguments of the creation, as TinkerPop folds them into AddVertexStep: traversals among
    // them run on addV()'s input, a key given twice keeps every value (list cardinality), T.id
    // sets the id and T.label the label.
    std::vector<FoldedProperty> folded;
    while (*index + 1 < steps.size() && IsFoldableProperty(*steps[*index + 1])) {
      auto f = FoldProperty(*steps[*index + 1]);
      if (!f.ok()) return f.status();
      folded.push_back(std::move(*f));
      ++*index;
    }
    p->Add(std::make_unique<FlatMapOp>(ctx, "addV", [ctx, labels, label_children, folded](const Traverser& t, std::vector<Value>* out) {
      std::vector<std::string> ls = labels;
      for (const auto& c : label_children) {
        std::optional<Value> v;
        if (!c->First(t, &v)) return false;
        if (!v)
          return ctx->Fail(absl::InvalidArgumentError("addV() label traversal produced nothing"));
        bool several = label_children.size() + labels.size() > 1;
        if (!steps::LabelsFromTraversal(ctx, *v, several, &ls)) return false;
      }
      graph::Value id;
      std::vector<graph::PropertyWrite> props;
      for (const auto& f : folded) {
        std::optional<Value> key, value;
        if (!EvalFolded(f.key, t, &key) || !EvalFolded(f.value, t, &value)) return false;
        if (!key || !value) continue;
        if (key->kind() == Value::Kind::kToken && key->token() == Token::kLabel) {
          if (!value->is_string()) return ctx->Fail(absl::InvalidArgumentError("T.label must be a string"));
          ls = {value->as_string()};
          continue;
        }
        graph::Value g;
        if (!value->ToGraph(&g)) {
          return ctx->Fail(absl::InvalidArgumentError(absl::StrCat("property value ", value->DebugString(), " cannot be stored")));
        }
        if (key->kind() == Value::Kind::kToken && key->token() == Token::kId) {
          id = g;
          continue;
        }
        if (!key->is_string()) return ctx->Fail(absl::InvalidArgumentError(absl::StrCat("property keys must be strings, got ", key->DebugString())));
        if (g.is_null() && !ctx->allow_null_properties) continue;
        props.emplace_back(key->as_string(), std::move(g), graph::Cardinality::kList);
      }
      if (!steps::CreationLabels(ctx, &ls)) return false;
      auto r = ctx->txn->AddVertex(ls, "", id, props);
      if (!r.ok()) return ctx->Fail(r.status());
      ctx->InvalidateCache();
      out->push_back(Value::Vertex(*r));
      return true;
    }));
    return absl::OkStatus();
  }
  if (n == "addE") {
    std::string label;
    if (s.args.empty()) return Err(s.pos, "addE() needs an edge label");
    std::shared_ptr<Pipeline> label_child;
    if (s.args[0].kind == Expr::Kind::kTraversal) {
      auto c = Child(s.args[0]);
      if (!c.ok()) return c.status();
      label_child = *c;
    } else {
      auto l = StringArg(s, 0);
      if (!l.ok()) return l.status();
      label = *l;
    }
    auto op = std::make_unique<AddEdgeOp>(ctx, nullptr);
    AddEdgeOp* raw = op.get();
    *op = AddEdgeOp(ctx, [ctx, raw, label, label_child](const Traverser& t, std::vector<Traverser>* out) {
      std::string l = label;
      if (label_child) {
        std::optional<Value> v;
        if (!label_child->First(t, &v)) return false;
        if (!v || !v->is_string()) return ctx->Fail(absl::InvalidArgumentError("addE() label traversal must yield a string"));
        l = v->as_string();
      }
      std::optional<graph::VertexId> from, to;
      if (!Resolve(ctx, raw->from, t, &from) || !Resolve(ctx, raw->to, t, &to)) return false;
      if (!from) return ctx->Fail(UnresolvedEnd(l, "from", raw->from, t));
      if (!to) return ctx->Fail(UnresolvedEnd(l, "to", raw->to, t));
      auto r = ctx->txn->AddEdge(*from, l, *to, graph::Value(), {});
      if (!r.ok()) return ctx->Fail(r.status());
      ctx->InvalidateCache();
      out->push_back(ctx->Extend(t, Value::Edge(*r)));
      return true;
    });
    p->Add(std::move(op));
    return absl::OkStatus();
  }
  if (n == "property") {
    size_t off = 0;
    graph::Cardinality card = graph::Cardinality::kSingle;
    bool card_given = false;
    if (!s.args.empty()) {
      std::string en = EnumName(s.args[0]);
      if (absl::StartsWith(en, "Cardinality.")) {
        card_given = true;
        card = en == "Cardinality.set" ? graph::Cardinality::kSet
               : en == "Cardinality.list" ? graph::Cardinality::kList
                                          : graph::Cardinality::kSingle;
        off = 1;
      }
    }
    if (s.args.size() == off + 1) {
      // property(map), property(traversal yielding a map); property(null) changes nothing.
      std::shared_ptr<Pipeline> map_child;
      Value mv;
      if (s.args[off].kind == Expr::Kind::kTraversal) {
        auto c = Child(s.args[off]);
        if (!c.ok()) return c.status();
        map_child = *c;
      } else {
        auto m = Eval(s.args[off]);
        if (!m.ok()) return m.status();
        if (m->is_null()) return absl::OkStatus();
        if (m->kind() != Value::Kind::kMap) return Err(s.args[off].pos, "property() expects a key and a value, or a map");
        mv = *m;
      }
      p->Add(std::make_unique<SideOp>(ctx, "property", [ctx, mv, map_child, card](Traverser* t) {
        Value m = mv;
        if (map_child) {
          std::optional<Value> r;
          if (!map_child->First(*t, &r)) return false;
          if (!r || r->is_null()) return true;
          if (r->kind() != Value::Kind::kMap) return ctx->Fail(TypeError("property", *r, "a map"));
          m = *r;
        }
        for (const auto& [k, v] : m.as_map()) {
          graph::PropertyWrite w("", graph::Value());
          absl::Status err;
          if (!PropertyWriteOf(k, v, card, &w, &err)) return ctx->Fail(err);
          absl::Status st = WriteProperty(ctx, t->obj, w);
          if (!st.ok()) return ctx->Fail(st);
        }
        ctx->InvalidateCache();
        return true;
      }));
      return absl::OkStatus();
    }
    if (s.args.size() < off + 2 || (s.args.size() - off) % 2 != 0) {
      return Err(s.pos, "property() takes a key and a value (and meta-property key/value pairs)");
    }
    // The key: a string, or a traversal whose first result is one.
    std::string k;
    std::shared_ptr<Pipeline> key_child;
    if (s.args[off].kind == Expr::Kind::kTraversal) {
      auto c = Child(s.args[off]);
      if (!c.ok()) return c.status();
      key_child = *c;
    } else {
      auto key = Eval(s.args[off]);
      if (!key.ok()) return key.status();
      if (key->kind() == Value::Kind::kToken) {
        if (key->token() == Token::kLabel) return Err(s.pos, "Property key can not be a hidden key: ~label");
        return Err(s.pos, "property(T.id, ...) is only allowed right after addV()");
      }
      if (!key->is_string()) return Err(s.args[off].pos, "property() key must be a string");
      k = key->as_string();
    }
    std::shared_ptr<Pipeline> value_child;
    Value value;
    if (s.args[off + 1].kind == Expr::Kind::kTraversal) {
      auto c = Child(s.args[off + 1]);
      if (!c.ok()) return c.status();
      value_child = *c;
    } else {
      auto v = Eval(s.args[off + 1]);
      if (!v.ok()) return v.status();
      value = *v;
    }
    std::vector<std::pair<std::string, graph::Value>> meta;
    for (size_t i = off + 2; i + 1 < s.args.size(); i += 2) {
      auto mk = Eval(s.args[i]);
      auto mv = Eval(s.args[i + 1]);
      if (!mk.ok()) return mk.status();
      if (!mv.ok()) return mv.status();
      graph::Value g;
      if (!mk->is_string() || !mv->ToGraph(&g)) return Err(s.args[i].pos, "meta-property must be a key and a value");
      meta.emplace_back(mk->as_string(), g);
    }
    // A value traversal gives one value; with Cardinality.list or set each of its results is
    // added, and with an explicit Cardinality.single more than one result is an error.
    bool each_result = card_given && card != graph::Cardinality::kSingle;
    bool one_result = card_given && card == graph::Cardinality::kSingle;
    p->Add(std::make_unique<SideOp>(ctx, "property", [ctx, k, key_child, value, value_child, card, meta, each_result,
                                                      one_result](Traverser* t) {
      std::string key = k;
      if (key_child) {
        std::optional<Value> r;
        if (!key_child->First(*t, &r)) return false;
        if (!r) return true;
        if (!r->is_string()) return ctx->Fail(TypeError("property", *r, "a string key"));
        key = r->as_string();
      }
      std::vector<Value> values = {value};
      if (value_child) {
        std::vector<Traverser> rs;
        if (!value_child->RunAll(*t, &rs)) return false;
        if (rs.empty()) return true;
        if (one_result && (rs.size() > 1 || rs[0].bulk > 1)) {
          return ctx->Fail(absl::InvalidArgumentError(absl::StrCat(
              "property(single, ", key, ", traversal) expects one value, the traversal gave several")));
        }
        values.clear();
        for (const auto& r : rs) {
          for (int64_t b = 0; b < r.bulk && (each_result || values.empty()); ++b) values.push_back(r.obj);
        }
      }
      for (const Value& v : values) {
        graph::Value g;
        if (!v.ToGraph(&g)) {
          return ctx->Fail(absl::InvalidArgumentError(absl::StrCat("property value ", v.DebugString(), " cannot be stored")));
        }
        graph::PropertyWrite w(key, g, card);
        w.meta = meta;
        absl::Status st = WriteProperty(ctx, t->obj, w);
        if (!st.ok()) return ctx->Fail(st);
      }
      ctx->InvalidateCache();
      return true;
    }));
    return absl::OkStatus();
  }
  if (n == "drop") {
    auto buf = std::make_shared<std::vector<Value>>();
    p->Add(std::make_unique<BarrierOp>(
        ctx, "drop", [buf] { buf->clear(); },
        [ctx, buf](Traverser&& t) {
          buf->push_back(std::move(t.obj));
          return ctx->Hold(1);
        },
        [ctx, buf](std::vector<Traverser>*) {
          ctx->Release(buf->size());
          // Meta-properties are named by position, which the other drops may change.
          std::vector<steps::MetaPropertyRef> metas;
          for (const auto& v : *buf) {
            if (v.kind() != Value::Kind::kProperty ||
                std::holds_alternative<graph::EdgeKey>(v.property().owner))
              continue;
            auto r = steps::ResolveMetaProperty(ctx, v.property());
            if (r.ok()) metas.push_back(*std::move(r));
          }
          for (const auto& v : *buf) {
            absl::Status st;
            switch (v.kind()) {
              case Value::Kind::kVertex: {
                auto x = ctx->reader->GetVertex(v.vertex().id);
                if (x.ok() && x->has_value()) st = ctx->txn->DeleteVertex(v.vertex().id);
                break;
              }
              case Value::Kind::kEdge: {
                auto x = ctx->reader->GetEdge(v.edge().key);
                if (x.ok() && x->has_value()) st = ctx->txn->DeleteEdge(v.edge().key);
                break;
              }
              case Value::Kind::kVertexProperty:
                st = ctx->txn->RemoveVertexPropertyValue(v.vertex_property().vertex, v.vertex_property().key,
                                                         v.vertex_property().value);
                break;
              case Value::Kind::kProperty:
                if (auto* e = std::get_if<graph::EdgeKey>(&v.property().owner)) {
                  st = ctx->txn->RemoveEdgeProperty(*e, v.property().key);
                }  // meta-properties: below
                break;
              default:
                st = absl::InvalidArgumentError(absl::StrCat("drop() cannot be applied to ", v.DebugString()));
            }
            if (!st.ok()) return ctx->Fail(st);
            ctx->InvalidateCache();
          }
          if (absl::Status st = steps::DropMetaProperties(ctx, metas); !st.ok())
            return ctx->Fail(st);
          buf->clear();
          return true;
        }));
    return absl::OkStatus();
  }
  if (n == "mergeV" || n == "mergeE") {
    bool vertex = n == "mergeV";
    auto st = std::make_shared<MergeState>();
    std::shared_ptr<Pipeline> arg_child;
    Value arg;
    bool use_incoming = s.args.empty();
    if (s.args.size() > 1) return Err(s.pos, absl::StrCat(n, "() takes at most one argument"));
    if (!s.args.empty()) {
      if (s.args[0].kind == Expr::Kind::kTraversal) {
        auto c = Child(s.args[0]);
        if (!c.ok()) return c.status();
        arg_child = *c;
      } else {
        auto v = Eval(s.args[0]);
        if (!v.ok()) return v.status();
        arg = *v;
        if (!arg.is_null() && arg.kind() != Value::Kind::kMap) {
          return Err(s.args[0].pos, absl::StrCat(n, "() expects a map, got ", arg.DebugString()));
        }
      }
    }
    MergeState* raw = st.get();
    BranchFn fn = [ctx, raw, arg_child, arg, use_incoming, vertex](const Traverser& t, std::vector<Traverser>* out) {
      std::optional<Value> m;
      if (!GetMapArg(ctx, arg_child, arg, t, use_incoming, &m)) return false;
      ValueMap search = m && !m->is_null() ? m->as_map() : ValueMap{};
      for (const auto& [k, v] : search) {
        if (k.is_string() && (k.as_string() == "~label" || k.as_string() == "~id")) return ctx->Fail(Hidden(k.as_string().substr(1)));
      }
      // No hidden keys, and no hidden or empty T.label values (TinkerPop's ElementHelper).
      auto hidden_free = [ctx](const std::optional<Value>& opt) {
        if (!opt || opt->is_null()) return true;
        for (const auto& [k, v] : opt->as_map()) {
          if (k.is_string() && absl::StartsWith(k.as_string(), "~")) return ctx->Fail(Hidden(k.as_string().substr(1)));
          if (k.kind() != Value::Kind::kToken || k.token() != Token::kLabel) continue;
          for (const Value& l : v.is_collection() ? v.as_list() : ValueList{v}) {
            if (l.is_string() && !steps::ValidLabel(ctx, l.as_string())) return false;
          }
        }
        return true;
      };
      if (!hidden_free(m)) return false;
      std::optional<Value> on_create;
      if (raw->has_create && !GetMapArg(ctx, raw->on_create, raw->on_create_v, t, false, &on_create)) return false;
      if (!hidden_free(on_create)) return false;
      // A constant onMatch map is checked even when nothing matches.
      if (raw->has_match && !raw->on_match && !hidden_free(raw->on_match_v)) return false;
      // A constant onCreate map that contradicts the merge map is an error even when nothing
      // is created; one a traversal computes is checked only when it is used (at creation).
      if (!raw->on_create && on_create && !on_create->is_null()) {
        for (const auto& [k, v] : on_create->as_map()) {
          for (const auto& [sk, sv] : search) {
            if (sk == k && !Equals(sv, v)) {
              return ctx->Fail(absl::InvalidArgumentError("option(onCreate) cannot override values from merge() argument"));
            }
          }
        }
      }
      auto apply_props = [&](const ValueMap& props, const Value& elem) {
        for (const auto& [k, v] : props) {
          if (k.kind() == Value::Kind::kToken) {
            if (k.token() == Token::kLabel && elem.is_vertex()) {
              std::vector<std::string> ls;
              if (v.is_string()) ls.push_back(v.as_string());
              if (v.is_collection()) for (const auto& x : v.as_list()) if (x.is_string()) ls.push_back(x.as_string());
              if (!steps::LabelsMayChange(ctx, "option(onMatch)")) return false;
              absl::Status s3 = ctx->txn->AddVertexLabels(elem.vertex().id, ls);
              if (!s3.ok()) return ctx->Fail(s3);
              continue;
            }
            return ctx->Fail(absl::InvalidArgumentError(absl::StrCat(
                "option(onMatch) cannot set ", TokenName(k.token()), " of an existing element")));
          }
          graph::PropertyWrite w("", graph::Value());
          absl::Status err;
          if (!PropertyWriteOf(k, v, graph::Cardinality::kSingle, &w, &err)) return ctx->Fail(err);
          absl::Status s2 = WriteProperty(ctx, elem, w);
          if (!s2.ok()) return ctx->Fail(s2);
        }
        ctx->InvalidateCache();
        return true;
      };
      // option(onMatch): a traversal runs on each matched element (TinkerPop's MergeStep).
      auto on_match_apply = [&](const Value& elem) {
        if (!raw->has_match) return true;
        std::optional<Value> on_match;
        if (!GetMapArg(ctx, raw->on_match, raw->on_match_v, ctx->Extend(t, elem), false, &on_match)) return false;
        if (!hidden_free(on_match)) return false;
        return !on_match || on_match->is_null() || apply_props(on_match->as_map(), elem);
      };
      if (vertex) {
        // Find the matches.
        std::vector<graph::VertexId> matches;
        std::optional<Value> id, label;
        for (const auto& [k, v] : search) {
          if (k.kind() == Value::Kind::kToken && k.token() == Token::kId) id = v;
          if (k.kind() == Value::Kind::kToken && k.token() == Token::kLabel) label = v;
        }
        std::unique_ptr<graph::VertexIdStream> stream;
        std::vector<graph::VertexId> cands;
        if (id) {
          std::optional<graph::VertexId> vid;
          EndSpec spec;
          spec.kind = EndSpec::kValue;
          spec.value = *id;
          if (!Resolve(ctx, spec, t, &vid)) return false;
          if (vid) cands.push_back(*vid);
        } else {
          if (label && label->is_string()) {
            auto l = ctx->reader->FindLabel(label->as_string());
            if (l) stream = ctx->reader->ScanVerticesWithLabel(*l);
          } else {
            stream = ctx->reader->ScanVertices();
          }
          if (stream) {
            for (graph::VertexId v; stream->Next(&v);) cands.push_back(v);
            if (!stream->status().ok()) return ctx->Fail(stream->status());
          }
        }
        for (auto c : cands) {
          bool ok;
          if (!VertexMatches(ctx, c, search, &ok)) return false;
          if (ok) matches.push_back(c);
        }
        if (!matches.empty()) {
          for (auto v : matches) {
            Value elem = Value::Vertex(v);
            if (!on_match_apply(elem)) return false;
            out->push_back(ctx->Extend(t, elem));
          }
          return true;
        }
        ValueMap create = search;
        if (on_create && !on_create->is_null()) {
          for (const auto& [k, v] : on_create->as_map()) {
            auto it = std::find_if(create.begin(), create.end(), [&key = k](const auto& e) { return e.first == key; });
            if (it != create.end()) {
              if (!Equals(it->second, v)) {
                return ctx->Fail(absl::InvalidArgumentError("option(onCreate) cannot override values from merge() argument"));
              }
              continue;
            }
            create.emplace_back(k, v);
          }
        }
        std::vector<std::string> l;
        graph::Value ext;
        std::vector<graph::PropertyWrite> props;
        for (const auto& [k, v] : create) {
          if (k.is_string() && absl::StartsWith(k.as_string(), "~")) return ctx->Fail(Hidden(k.as_string().substr(1)));
          if (k.kind() == Value::Kind::kToken) {
            if (k.token() == Token::kLabel) {
              l.clear();
              if (v.is_string()) {
                l.push_back(v.as_string());
              } else if (v.is_collection()) {
                for (const auto& x : v.as_list()) {
                  if (!x.is_string()) return ctx->Fail(absl::InvalidArgumentError("T.label must be a string"));
                  l.push_back(x.as_string());
                }
              } else {
                return ctx->Fail(absl::InvalidArgumentError("T.label must be a string or a list of strings"));
              }
            } else if (k.token() == Token::kId) {
              v.ToGraph(&ext);
            }
            continue;
          }
          graph::PropertyWrite w("", graph::Value());
          absl::Status err;
          if (!PropertyWriteOf(k, v, graph::Cardinality::kSingle, &w, &err)) return ctx->Fail(err);
          props.push_back(std::move(w));
        }
        if (!steps::CreationLabels(ctx, &l)) return false;
        auto r = ctx->txn->AddVertex(l, "", ext, props);
        if (!r.ok()) return ctx->Fail(r.status());
        ctx->InvalidateCache();
        out->push_back(ctx->Extend(t, Value::Vertex(*r)));
        return true;
      }
      // mergeE
      std::optional<Value> label, id;
      std::optional<graph::VertexId> src, dst;
      ValueMap props_search;
      for (const auto& [k, v] : search) {
        if (k.kind() == Value::Kind::kToken) {
          if (k.token() == Token::kLabel) label = v;
          else if (k.token() == Token::kId) id = v;
          else if (k.token() == Token::kOut || k.token() == Token::kIn) {
            Value end = v;
            if (v.kind() == Value::Kind::kToken) {
              // Merge.outV / Merge.inV: the vertex comes from option().
              bool out_side = v.token() == Token::kOut;
              std::optional<Value> mm;
              if (!GetMapArg(ctx, out_side ? raw->out_v : raw->in_v, out_side ? raw->out_v_v : raw->in_v_v, t, false, &mm, true)) return false;
              if (!mm) continue;
              end = *mm;
            }
            std::optional<graph::VertexId> vid;
            if (end.kind() == Value::Kind::kMap) {
              auto stream = ctx->reader->ScanVertices();
              for (graph::VertexId c; stream->Next(&c);) {
                bool ok;
                if (!VertexMatches(ctx, c, end.as_map(), &ok)) return false;
                if (ok) {
                  vid = c;
                  break;
                }
              }
            } else {
              EndSpec spec;
              spec.kind = EndSpec::kValue;
              spec.value = end;
              if (!Resolve(ctx, spec, t, &vid)) return false;
            }
            if (!vid) {
              return ctx->Fail(absl::FailedPreconditionError(absl::StrCat(
                  "Vertex does not exist for mergeE: ", k.token() == Token::kOut ? "out" : "in", " vertex ", end.DebugString())));
            }
            (k.token() == Token::kOut ? src : dst) = vid;
          }
          continue;
        }
        props_search.push_back({k, v});
      }
      std::vector<graph::EdgeKey> cands;
      {
        std::unique_ptr<graph::EdgeStream> es;
        std::optional<graph::LabelId> lid;
        if (label && label->is_string()) {
          lid = ctx->reader->FindLabel(label->as_string());
        }
        if (!(label && label->is_string() && !lid)) {
          if (src) es = ctx->reader->ScanEdges(*src, graph::Direction::kOut, lid);
          else if (dst) es = ctx->reader->ScanEdges(*dst, graph::Direction::kIn, lid);
          else es = ctx->reader->ScanAllEdges();
          for (graph::EdgeKey k; es->Next(&k);) {
            if (lid && k.label != *lid) continue;
            if (src && k.src != *src) continue;
            if (dst && k.dst != *dst) continue;
            cands.push_back(k);
          }
          if (!es->status().ok()) return ctx->Fail(es->status());
        }
      }
      std::vector<graph::EdgeKey> matches;
      for (const auto& k : cands) {
        auto e = ctx->GetEdge(k);
        if (!e) continue;
        bool ok = true;
        if (id && !Equals(ctx->EdgeId(k), *id)) ok = false;
        for (const auto& [pk, pv] : props_search) {
          const graph::Value* x = pk.is_string() ? e->Find(pk.as_string()) : nullptr;
          if (!x || !Equals(Value::FromGraph(*x), pv)) ok = false;
        }
        if (ok) matches.push_back(k);
      }
      if (!matches.empty()) {
        for (const auto& k : matches) {
          Value elem = Value::Edge(k);
          if (!on_match_apply(elem)) return false;
          out->push_back(ctx->Extend(t, elem));
        }
        return true;
      }
      std::string l = label && label->is_string() ? label->as_string() : "edge";
      if (on_create && !on_create->is_null()) {
        for (const auto& [k, v] : on_create->as_map()) {
          auto it = std::find_if(search.begin(), search.end(), [&key = k](const auto& e) { return e.first == key; });
          if (it != search.end() && !Equals(it->second, v)) {
            return ctx->Fail(absl::InvalidArgumentError("option(onCreate) cannot override values from merge() argument"));
          }
          if (k.kind() == Value::Kind::kToken) {
            if (k.token() == Token::kLabel && v.is_string()) l = v.as_string();
            if (k.token() == Token::kId && !id) id = v;
            if ((k.token() == Token::kOut && !src) || (k.token() == Token::kIn && !dst)) {
              std::optional<graph::VertexId> vid;
              EndSpec spec;
              spec.kind = EndSpec::kValue;
              spec.value = v;
              if (!Resolve(ctx, spec, t, &vid)) return false;
              if (!vid) return ctx->Fail(absl::FailedPreconditionError(absl::StrCat("Vertex does not exist for mergeE: ", v.DebugString())));
              (k.token() == Token::kOut ? src : dst) = vid;
            }
            continue;
          }
          if (it == search.end()) props_search.push_back({k, v});
        }
      }
      if (!src || !dst) {
        return ctx->Fail(absl::FailedPreconditionError(absl::StrCat(
            !src ? "Out Vertex not specified" : "In Vertex not specified",
            ": mergeE() needs both Direction.OUT and Direction.IN to create an edge")));
      }
      std::vector<graph::PropertyWrite> props;
      for (const auto& [k, v] : props_search) {
        graph::PropertyWrite w("", graph::Value());
        absl::Status err;
        if (!PropertyWriteOf(k, v, graph::Cardinality::kSingle, &w, &err)) return ctx->Fail(err);
        props.push_back(std::move(w));
      }
      graph::Value ext;
      if (id) id->ToGraph(&ext);
      auto r = ctx->txn->AddEdge(*src, l, *dst, ext, props);
      if (!r.ok()) return ctx->Fail(r.status());
      ctx->InvalidateCache();
      out->push_back(ctx->Extend(t, Value::Edge(*r)));
      return true;
    };
    p->Add(std::make_unique<MergeOp>(ctx, n, st, fn));
    return absl::OkStatus();
  }
  return Err(s.pos, absl::StrCat(n, "() is not supported"));
}

void VisitSteps(const Traversal& t, const std::function<void(const Step&)>& fn) {
  for (const auto& s : t.steps) {
    fn(s);
    std::vector<const Expr*> stack;
    for (const auto& a : s.args) stack.push_back(&a);
    while (!stack.empty()) {
      const Expr* e = stack.back();
      stack.pop_back();
      if (e->kind == Expr::Kind::kTraversal && e->traversal) VisitSteps(*e->traversal, fn);
      for (const auto& i : e->items) stack.push_back(&i);
      for (const auto& [k, v] : e->entries) {
        stack.push_back(&k);
        stack.push_back(&v);
      }
    }
  }
}

}  // namespace

bool IsMutating(const Traversal& t) {
  bool m = false;
  VisitSteps(t, [&](const Step& s) {
    m = m || s.name == "addV" || s.name == "addE" || s.name == "property" || s.name == "drop" ||
        s.name == "mergeV" || s.name == "mergeE" || s.name == "addLabel";
  });
  return m;
}

bool ReadsPathObjects(const Traversal& t) {
  bool m = false;
  VisitSteps(t, [&](const Step& s) {
    m = m || s.name == "path" || s.name == "simplePath" || s.name == "cyclicPath" ||
        s.name == "otherV" || s.name == "match" || s.name == "tree";
  });
  return m;
}

bool NeedsPath(const Traversal& t) {
  // Path labels exist only where as() put them, so select(), where(), dedup() and from/to by
  // label need no path without an as(): their keys are then map keys or side effects.
  bool labels = false;
  VisitSteps(t, [&](const Step& s) { labels = labels || s.name == "as"; });
  return labels || ReadsPathObjects(t);
}

absl::StatusOr<CompiledQuery> CompileQuery(const Traversal& t, std::string_view text, Context* ctx) {
  Compiler c(text, ctx);
  auto p = c.Compile(t, /*child=*/false);
  if (!p.ok()) return p.status();
  CompiledQuery q;
  q.pipeline = std::move(*p);
  q.plan_notes = std::move(c.notes);
  return q;
}

std::string DescribePipeline(const Pipeline& p, bool with_profile) {
  std::vector<std::string> parts;
  absl::Duration upstream;  // inclusive time of the previous step
  for (size_t i = 1; i < p.ops().size(); ++i) {
    const Op& op = *p.ops()[i];
    if (op.name().empty()) continue;  // a TimingOp
    if (with_profile) {
      // Times are inclusive of upstream steps (pull model); the exclusive share is the difference.
      absl::Duration self = op.time - upstream;
      if (self < absl::ZeroDuration()) self = absl::ZeroDuration();
      upstream = op.time;
      parts.push_back(absl::StrCat(op.Describe(), "  out=", op.out_count,
                                   "  time=", absl::FormatDuration(self)));
    } else {
      parts.push_back(op.Describe());
    }
  }
  return absl::StrJoin(parts, with_profile ? "\n" : ".");
}

}  // namespace kg::query
