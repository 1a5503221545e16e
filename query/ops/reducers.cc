// Reducing barriers: count(), sum(), mean(), min(), max() (global and local), fold(),
// order() and group()/groupCount().
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

// Sorting with by() modulators; an unproductive by() drops the traverser.
struct SortKey {
  std::vector<Value> keys;
  Traverser t;
};

namespace {

bool HasEdge(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kEdge: return true;
    case Value::Kind::kPath:
      return std::any_of(v.path().objects.begin(), v.path().objects.end(), HasEdge);
    case Value::Kind::kList: return std::any_of(v.as_list().begin(), v.as_list().end(), HasEdge);
    default: return false;
  }
}

// `v` with its edges detached, in paths and lists too: edges order by id, which only a detached
// edge carries.
Value WithEdgeIds(Context* ctx, const Value& v) {
  if (!HasEdge(v)) return v;
  switch (v.kind()) {
    case Value::Kind::kEdge: return ctx->Detach(v);
    case Value::Kind::kPath: {
      PathValue p = v.path();
      for (auto& o : p.objects) o = WithEdgeIds(ctx, o);
      return Value(std::move(p));
    }
    case Value::Kind::kList: {
      ValueList l = v.as_list();
      for (auto& o : l) o = WithEdgeIds(ctx, o);
      return Value::List(std::move(l));
    }
    default: return v;
  }
}

}  // namespace

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
      k.keys.push_back(WithEdgeIds(ctx, *v));
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
      bool overflow = false;
      Value added = Multiply(v, bulk, &overflow);
      if (any) added = kg::query::Add(acc, added, &overflow);
      if (overflow) {
        return ctx->Fail(absl::OutOfRangeError(absl::StrCat(
            kind, "(): long overflow (", any ? acc.DebugString() + " + " : "", v.DebugString(),
            bulk == 1 ? "" : absl::StrCat(" x ", bulk), " does not fit in a long)")));
      }
      acc = std::move(added);
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
  std::optional<Value> Finish() const {
    if (counting) return Value(n);
    if (!any) return saw_null ? std::optional<Value>(Value()) : std::nullopt;
    if (kind == "mean") return Value(acc.ToDouble() / static_cast<double>(n));
    return acc;
  }
};

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

std::optional<absl::Status> Compiler::AddReducerStep(Pipeline* p, const Step& s,
    const StepList& /*steps*/, size_t* /*index*/) {
  Context* ctx = ctx_;
  const std::string& n = s.name;
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
  return std::nullopt;
}

}  // namespace kg::query
