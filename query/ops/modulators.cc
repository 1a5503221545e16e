// Modulators that bind to the step before them: by(), times()/until()/emit(), option(),
// from()/to() and with().
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

absl::Status Compiler::AddBy(Op* last, const Step& s) {
  auto* owner = dynamic_cast<ByOwner*>(last);
  if (owner == nullptr) {
    return Err(s.pos, absl::StrCat("by() cannot modulate ", last ? last->name() : "the start",
                                   "()"));
  }
  By by;
  by.source = StepSource{s.name, s.pos};
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

std::optional<absl::Status> Compiler::AddModulatorStep(Pipeline* p, const Step& s,
    const StepList& steps, size_t* index) {
  const std::string& n = s.name;
  Op* last = p->last_step();
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
      KG_RETURN_IF_ERROR(NArgs(s, 1, 2));
      std::shared_ptr<Pipeline> branch;
      const Expr& be = s.args.back();
      KG_ASSIGN(b, Child(be));
      branch = b;
      if (s.args.size() == 1) return Err(s.pos, "option() needs a pick value and a traversal");
      std::string en = EnumName(s.args[0]);
      ChooseState* st = ch->state.get();
      // choose() runs only the first matching option, so a second option(Pick.none) or
      // option(Pick.unproductive) is never taken; branch() runs every one.
      auto add_pick = [&](std::vector<std::shared_ptr<Pipeline>>* picks) {
        if (st->every_match || picks->empty()) picks->push_back(branch);
      };
      if (en == "Pick.none") {
        add_pick(&st->none);
      } else if (en == "Pick.unproductive") {
        add_pick(&st->unproductive);
      } else if (en == "Pick.any") {
        if (!st->every_match) {
          return Err(s.args[0].pos,
                     "choose() cannot have an option(Pick.any): a traverser takes one option; "
                     "use branch()");
        }
        st->any.push_back(branch);
      } else if (s.args[0].kind == Expr::Kind::kTraversal && !IsPredicate(s.args[0])) {
        if (!st->every_match) {
          return Err(s.args[0].pos,
                     "Traversal is not allowed as a Pick token for choose().option()");
        }
        KG_ASSIGN(pick, Child(s.args[0]));
        st->options.push_back({Predicate(), pick, branch});
      } else {
        KG_ASSIGN(pred, EvalPred(s.args[0]));
        st->options.push_back({pred, nullptr, branch});
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
    return Err(s.pos, "option() must follow choose(), branch(), mergeV() or mergeE()");
  }

  if (n == "from" || n == "to") {
    // path(), simplePath(), cyclicPath(), possibly behind their by() modulators.
    if (auto* ranged = dynamic_cast<PathRangeOwner*>(last)) {
      KG_RETURN_IF_ERROR(NArgs(s, 1, 1));
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
    KG_RETURN_IF_ERROR(NArgs(s, 1, 1));
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
  return std::nullopt;
}

}  // namespace kg::query
