// Branch steps: union(), repeat() and loops(), local()/map()/flatMap()/optional()/
// coalesce()/sideEffect(), and choose().
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

// flatMap() and coalesce() are TinkerPop FlatMapSteps: each result object continues the parent's
// traverser (its path, labels and sack), so the child's own steps leave nothing in the path.
// local(), union() and optional() pass the child's traversers on whole.
void ContinueParent(Context* ctx, const Traverser& t, std::vector<Traverser>* out) {
  for (auto& r : *out) {
    int64_t bulk = r.bulk;
    Value obj = std::move(r.obj);
    r = ctx->Extend(t, std::move(obj));
    r.bulk = bulk;
  }
}

}  // namespace

absl::Status Compiler::AddChoose(Pipeline* p, const Step& s) {
  Context* ctx = ctx_;
  const bool branch_step = s.name == "branch";
  if (branch_step &&
      (s.args.size() != 1 || s.args[0].kind != Expr::Kind::kTraversal || IsPredicate(s.args[0]))) {
    return Err(s.pos, "branch() takes one traversal, whose first result picks the option()s");
  }
  if (s.args.empty() || s.args.size() > 3) return Err(s.pos, "choose() takes 1 to 3 arguments");
  auto st = std::make_shared<ChooseState>();
  st->every_match = branch_step;
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
  if (if_form && !st->pred_form && !st->cond) {
    // A key or token picks an option(); it cannot be the condition of an if/then/else.
    return Err(s.args[0].pos,
               "choose() with then/else branches expects a traversal or a predicate first");
  }
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
  auto route = [ctx, raw, if_form](const Traverser& t, std::vector<Pipeline*>* branches) {
    if (if_form) {
      bool yes;
      if (raw->pred_form) {
        yes = raw->pred.Test(t.obj);
      } else if (!raw->cond->Any(t, &yes)) {
        return false;
      }
      branches->push_back((yes ? raw->then_b : raw->else_b).get());
      return true;
    }
    std::optional<Value> pick;
    if (raw->selector) {
      if (!EvalByInner(ctx, *raw->selector, t, &pick)) return false;
    } else if (!raw->cond->First(t, &pick)) {
      return false;
    }
    // The Pick options first, then the matching value options (TinkerPop's option order).
    auto add_all = [&](const std::vector<std::shared_ptr<Pipeline>>& picks) {
      for (const auto& b : picks) branches->push_back(b.get());
    };
    std::vector<Pipeline*> matched;
    if (pick) {
      for (const auto& option : raw->options) {
        bool match;
        if (option.pick_traversal != nullptr) {
          Traverser at_choice = t;
          at_choice.obj = *pick;
          if (!option.pick_traversal->Any(at_choice, &match)) return false;
        } else if (!TestPredicate(ctx, option.pred, t, *pick, &match)) {
          return false;
        }
        if (!match) continue;
        matched.push_back(option.branch.get());
        if (!raw->every_match) break;  // choose(): the first match
      }
    }
    if (!raw->every_match) {  // choose(): one branch; identity() when no option applies
      if (!matched.empty()) {
        branches->push_back(matched[0]);
      } else if (!pick) {
        branches->push_back(raw->unproductive.empty() ? nullptr : raw->unproductive[0].get());
      } else {
        branches->push_back(raw->none.empty() ? nullptr : raw->none[0].get());
      }
      return true;
    }
    // branch(): an unproductive choice takes the Pick.unproductive options, else Pick.none's.
    if (!pick && !raw->unproductive.empty()) {
      add_all(raw->unproductive);
    } else if (matched.empty()) {
      add_all(raw->none);
    }
    add_all(raw->any);
    branches->insert(branches->end(), matched.begin(), matched.end());
    return true;
  };
  p->Add(std::make_unique<ChooseOp>(ctx, branch_step ? "branch" : "choose", st, std::move(route)));
  return absl::OkStatus();
}

std::optional<absl::Status> Compiler::AddBranchStep(Pipeline* p, const Step& s,
    const StepList& /*steps*/, size_t* /*index*/) {
  Context* ctx = ctx_;
  const std::string& n = s.name;
  if (n == "loops") {
    KG_RETURN_IF_ERROR(NArgs(s, 0, 1));
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
    KG_RETURN_IF_ERROR(NArgs(s, 1, 2));
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
          if (!k->RunPerUnit(t, out)) return false;
          if (!out->empty()) {
            ContinueParent(ctx, t, out);
            return true;
          }
        }
        return true;
      }
      if (name == "sideEffect") {
        std::vector<Traverser> ignored;
        if (!kids[0]->RunKeepingBulk(t, &ignored)) return false;
        out->push_back(t);
        return true;
      }
      if (name == "map") {
        std::optional<Value> v;
        if (!kids[0]->First(t, &v)) return false;
        if (v) out->push_back(ctx->Extend(t, *v));
        return true;
      }
      if (name == "optional") {
        if (!kids[0]->RunKeepingBulk(t, out)) return false;
        if (out->empty()) out->push_back(t);
        return true;
      }
      if (!kids[0]->RunPerUnit(t, out)) return false;
      if (name == "flatMap") ContinueParent(ctx, t, out);
      return true;
    }));
    return absl::OkStatus();
  }

  if (n == "choose" || n == "branch") return AddChoose(p, s);
  return std::nullopt;
}

}  // namespace kg::query
