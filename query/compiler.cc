// The compiler from syntax tree to operators: the step dispatch, "did you mean" for
// unknown steps, the traversal walks the planner asks about, and the entry points.
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
      "math",       "match",    "format",    "coin",       "branch"};
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

}  // namespace

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

namespace {
// Whether the source names `strategy` in withStrategies().
bool HasStrategy(const Traversal& t, std::string_view strategy) {
  for (const auto& s : t.source) {
    if (s.name != "withStrategies") continue;
    for (const auto& a : s.args) {
      if (a.kind == Expr::Kind::kParam && a.name == strategy) return true;
    }
  }
  return false;
}
}  // namespace

absl::StatusOr<std::unique_ptr<Pipeline>> Compiler::Compile(const Traversal& t, bool child) {
  child_ = child;
  auto p = std::make_unique<Pipeline>(ctx_);
  p->profile = ctx_->options.profile && !child;
  if (!child) {
    for (const auto& s : t.source) {
      if (auto st = Source(s); !st.ok()) return st;
    }
    if (const Step* m = FirstMutatingStep(t); m != nullptr && HasStrategy(t, "ReadOnlyStrategy")) {
      return Err(m->pos, absl::StrCat("The provided traversal has a mutating step and thus is not "
                                      "read only: ",
                                      m->name, "() (withStrategies(ReadOnlyStrategy))"));
    }
  }
  std::vector<const Step*> steps;
  for (const auto& s : t.steps) steps.push_back(&s);
  if (ctx_->connective_strategy) RewriteInfixConnectives(&steps);
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

Expr Compiler::TraversalOf(std::vector<const Step*>::const_iterator b, std::vector<const Step*>::const_iterator e) {
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
size_t Compiler::ConnectiveBegin(const std::vector<const Step*>& steps, size_t marker) {
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
void Compiler::RewriteInfixConnectives(std::vector<const Step*>* steps) {
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
absl::Status Compiler::NArgs(const Step& s, size_t lo, size_t hi) {
  if (s.args.size() >= lo && s.args.size() <= hi) return absl::OkStatus();
  if (lo == hi) return Err(s.pos, absl::StrCat(s.name, "() takes ", lo, " argument(s), got ", s.args.size()));
  return Err(s.pos, absl::StrCat(s.name, "() takes ", lo, " to ", hi, " arguments, got ", s.args.size()));
}

// Each family of steps compiles in its own file (ops/*.cc); the first that knows the step's
// name (and form) adds its operator. to(Direction) must come before the from()/to() modulators.
absl::Status Compiler::AddStep(Pipeline* p, const Step& s, const std::vector<const Step*>& steps,
                               size_t* index) {
  using Family = std::optional<absl::Status> (Compiler::*)(Pipeline*, const Step&, const StepList&,
                                                           size_t*);
  static constexpr Family kFamilies[] = {
      &Compiler::AddMoveStep,   &Compiler::AddModulatorStep,  &Compiler::AddFilterStep,
      &Compiler::AddMapStep,    &Compiler::AddPathStep,       &Compiler::AddReducerStep,
      &Compiler::AddSideEffectStep, &Compiler::AddBranchStep, &Compiler::AddMutationStep,
      &Compiler::AddScalarStep,
  };
  size_t first_new = p->ops().size();
  for (Family f : kFamilies) {
    if (std::optional<absl::Status> st = (this->*f)(p, s, steps, index)) {
      // The operators the step added (modulators it consumed included) report runtime errors
      // at its position; ones a nested AddStep() added keep their own.
      for (size_t k = first_new; k < p->ops().size(); ++k) {
        if (p->ops()[k]->source.step.empty()) p->ops()[k]->source = StepSource{s.name, s.pos};
      }
      return *st;
    }
  }
  const std::string& n = s.name;
  if (n == "iterate" || n == "toList" || n == "next") return absl::OkStatus();
  if (n == "explain" || n == "profile") {
    return Err(s.pos, absl::StrCat(n, "() must be the last step; use the Explain API or the profile option"));
  }
  if (IsPredicateName(n)) {
    return Err(s.pos, absl::StrCat("'", n, "' is a predicate, not a step: give it to a step, ",
                                   "as in is(", n, "(...)) or where(", n, "(...))"));
  }
  return Err(s.pos, absl::StrCat("unknown step '", n, "'; did you mean '", NearestStep(n), "'?"));
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

const Step* FirstMutatingStep(const Traversal& t) {
  const Step* first = nullptr;
  VisitSteps(t, [&](const Step& s) {
    if (first == nullptr &&
        (s.name == "addV" || s.name == "addE" || s.name == "property" || s.name == "drop" ||
         s.name == "mergeV" || s.name == "mergeE" || s.name == "addLabel")) {
      first = &s;
    }
  });
  return first;
}

bool IsMutating(const Traversal& t) { return FirstMutatingStep(t) != nullptr; }

bool RunsDiffer(const Traversal& t) {
  if (IsMutating(t)) return true;
  bool differ = false;
  VisitSteps(t, [&](const Step& s) {
    const std::string& n = s.name;
    const bool keyed = !s.args.empty() && s.args[0].kind != Expr::Kind::kTraversal;
    differ = differ || n == "aggregate" || n == "store" || n == "coin" || n == "sample" ||
             ((n == "group" || n == "groupCount" || n == "tree" || n == "subgraph") && keyed);
  });
  return differ;
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
  ctx->query_text = std::string(text);
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
