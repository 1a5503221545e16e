// Filter steps: the has() family, is(), where(), not()/and()/or()/filter(), simplePath()/
// cyclicPath(), range()/limit()/skip()/tail(), dedup(), sample(), any()/all()/none().
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
  // where(neq("a")): a predicate written without P. looks like a traversal to the parser.
  if (s.args.size() == 1 && s.args[0].kind == Expr::Kind::kTraversal &&
      !IsBarePredicate(s.args[0])) {
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

std::optional<absl::Status> Compiler::AddFilterStep(Pipeline* p, const Step& s,
    const StepList& /*steps*/, size_t* /*index*/) {
  Context* ctx = ctx_;
  const std::string& n = s.name;
  // ---- filters ----
  if (n == "has" || n == "hasNot" || n == "hasLabel" || n == "hasId" || n == "hasKey" || n == "hasValue") {
    return AddHas(p, s);
  }

  if (n == "is") {
    KG_RETURN_IF_ERROR(NArgs(s, 1, 1));
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
    bool bare_connective = kids.empty() && (n == "and" || n == "or") && !ctx->connective_strategy;
    if ((kids.empty() && !bare_connective) || ((n == "not" || n == "filter") && kids.size() != 1)) {
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
    KG_RETURN_IF_ERROR(NArgs(s, 0, 0));
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

  if (n == "sample") {
    bool local = !s.args.empty() && EnumName(s.args[0]) == "Scope.local";
    size_t a = local || (!s.args.empty() && EnumName(s.args[0]) == "Scope.global") ? 1 : 0;
    if (s.args.size() != a + 1) return Err(s.pos, "sample() takes an amount, after an optional Scope");
    KG_ASSIGN(amount, Eval(s.args[a]));
    if (!amount.is_integer()) return Err(s.args[a].pos, "sample() expects an integer amount");
    p->Add(local ? steps::SampleLocal(ctx, amount.ToInt64()) : steps::SampleGlobal(ctx, amount.ToInt64()));
    return absl::OkStatus();
  }

  if (n == "coin") {
    KG_RETURN_IF_ERROR(NArgs(s, 1, 1));
    KG_ASSIGN(p_value, Eval(s.args[0]));
    if (!p_value.is_number()) return Err(s.args[0].pos, "coin() expects a probability (a number)");
    p->Add(steps::Coin(ctx, p_value.ToDouble()));
    return absl::OkStatus();
  }

  if ((n == "any" || n == "all" || n == "none") && !s.args.empty()) {
    KG_RETURN_IF_ERROR(NArgs(s, 1, 1));
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
  return std::nullopt;
}

}  // namespace kg::query
