// Side effects: aggregate()/store(), cap(), barrier(), sack() and fail().
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

namespace {

// The flush of a barrier that holds every traverser it takes in `held` (aggregate(), barrier()):
// all of them, in the order they came, with their hold on the traverser budget released.
std::function<bool(std::vector<Traverser>*)> FlushHeld(
    Context* ctx, std::shared_ptr<std::vector<Traverser>> held) {
  return [ctx, held](std::vector<Traverser>* out) {
    ctx->Release(held->size());
    *out = std::move(*held);
    held->clear();
    return true;
  };
}

}  // namespace

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

std::optional<absl::Status> Compiler::AddSideEffectStep(Pipeline* p, const Step& s,
    const StepList& /*steps*/, size_t* /*index*/) {
  Context* ctx = ctx_;
  const std::string& n = s.name;
  if (n == "aggregate" || n == "store") {
    bool local = ScopeLocal(s);
    size_t off = ScopeSkip(s);
    KG_ASSIGN(key, StringArg(s, off));
    auto op = std::make_unique<ByBarrierOp>(ctx, n, [] {}, nullptr, nullptr);
    ByBarrierOp* raw = op.get();
    op->max_by_ = 1;
    op->by_step_ = "Aggregate";  // TinkerPop names the step class in errors
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
      fm->by_step_ = "Aggregate";  // TinkerPop names the step class in errors
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
        FlushHeld(ctx, buf));
    op->max_by_ = 1;
    op->by_step_ = "Aggregate";  // TinkerPop names the step class in errors
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
    // barrier(n) bounds a lazy barrier's size in TinkerPop: here every barrier holds them all.
    KG_RETURN_IF_ERROR(NArgs(s, 0, 1));
    bool norm_sack = false;
    if (!s.args.empty()) {
      std::string e = EnumName(s.args[0]);
      norm_sack = e == "Barrier.normSack" || (e.empty() && s.args[0].kind == Expr::Kind::kParam &&
                                              s.args[0].name == "normSack");
      if (!norm_sack) {
        KG_ASSIGN(size, Eval(s.args[0]));
        if (!size.is_integer()) {
          return Err(s.args[0].pos, "barrier() takes a maximum size or Barrier.normSack");
        }
      }
    }
    p->Add(steps::Barrier(ctx, norm_sack));
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

  if (n == "sack") {
    // sack(Operator) gives a sack to traversers that had none (null before it): only sack()
    // with neither withSack() nor a sack(Operator) before it cannot have a value to read.
    if (s.args.empty()) {
      if (!ctx->sack_initial && !ctx->sack_written) {
        return Err(s.pos,
                   "sack() needs g.withSack(...) or a sack(Operator) before it: the traversers "
                   "carry no sack");
      }
      p->Add(steps::SackValue(ctx));
      return absl::OkStatus();
    }
    ctx->sack_written = true;
    KG_RETURN_IF_ERROR(NArgs(s, 1, 1));
    std::string op = EnumName(s.args[0]);
    if (!absl::StartsWith(op, "Operator.")) return Err(s.args[0].pos, "sack() expects an Operator, e.g. sack(Operator.sum)");
    p->Add(steps::SackUpdate(ctx, op.substr(9)));
    return absl::OkStatus();
  }
  return std::nullopt;
}

}  // namespace kg::query
