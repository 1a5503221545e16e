// The compiler from a parsed traversal to an operator pipeline, shared by the files that
// compile one family of steps each (ops/*.cc). Internal to query/: executor.h is the interface.
#ifndef KG_QUERY_COMPILER_H_
#define KG_QUERY_COMPILER_H_

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "query/ast.h"
#include "query/by.h"
#include "query/compare.h"
#include "query/engine.h"
#include "query/exec_helpers.h"
#include "query/executor.h"
#include "query/filters.h"
#include "query/ops.h"
#include "query/ops/branch_ops.h"
#include "query/ops/by_ops.h"
#include "query/ops/graph_ops.h"
#include "query/ops/mutation_ops.h"
#include "query/parser.h"
#include "query/steps/steps.h"
#include "re2/re2.h"

// Early returns for the compiler's StatusOr plumbing (the step files use them heavily).
#define KG_RETURN_IF_ERROR(expr)      \
  do {                                \
    absl::Status _st = (expr);        \
    if (!_st.ok()) return _st;        \
  } while (0)
#define KG_ASSIGN(lhs, expr)                    \
  auto lhs##_or = (expr);                       \
  if (!lhs##_or.ok()) return lhs##_or.status(); \
  auto lhs = std::move(*lhs##_or)

namespace kg::query {

// Bare names gremlin-lang lets stand for enum constants when no parameter has the name
// ("T.id" for id...); "" when there is none.
std::string BareEnum(const std::string& name);
// The known step nearest to `name`, for "did you mean".
std::string NearestStep(std::string_view name);
// Calls `fn` on every step of the traversal and of the traversals in its arguments.
void VisitSteps(const Traversal& t, const std::function<void(const Step&)>& fn);
// The first step (in VisitSteps order) that writes, or null when the traversal is read-only.
const Step* FirstMutatingStep(const Traversal& t);

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

  absl::StatusOr<std::unique_ptr<Pipeline>> Compile(const Traversal& t, bool child);

 private:
  absl::Status Err(Pos pos, absl::string_view msg) {
    return absl::InvalidArgumentError(PositionedMessage(text_, pos, std::string_view(msg.data(), msg.size())));
  }

  // ---- argument evaluation (compiler_args.cc) ----------------------------------------------

  // The enum an argument names ("Scope.local"), a bare enum name included; "" otherwise.
  std::string EnumName(const Expr& e);
  // An argument's value: literals, lists, sets, maps, bound parameters, enum constants.
  absl::StatusOr<Value> Eval(const Expr& e);
  // A bare predicate written as a call: eq("a") parses as an anonymous traversal of one step.
  static bool IsPredicateName(const std::string& n);
  static bool IsBarePredicate(const Expr& e);
  bool IsPredicate(const Expr& e);
  // A P./TextP. predicate; any other value is P.eq(value), a traversal P.eq(its result).
  absl::StatusOr<Predicate> EvalPred(const Expr& in);
  // A child traversal (__.out()...), compiled with this compiler's repeat() names.
  absl::StatusOr<std::shared_ptr<Pipeline>> Child(const Expr& e);
  // Child() for the traversals whose results stand for values (TinkerPop 4's
  // ReadOnlyChildValidator): those in P predicates, has(), is(), V(), E() and property()
  // arguments. A mutating step in them is an error naming it.
  absl::StatusOr<std::shared_ptr<Pipeline>> ReadOnlyChild(const Expr& e);
  // Typed arguments; a wrong type is an error naming the step and the value.
  absl::StatusOr<std::string> StringArg(const Step& s, size_t i);
  absl::StatusOr<std::vector<std::string>> StringArgs(const Step& s, size_t from = 0);
  absl::StatusOr<int64_t> IntArg(const Step& s, size_t i);
  // to(d, ...)/toE(d, ...)/toV(d) as the out/in/both step of direction d, with the remaining
  // arguments (an empty name for an unknown direction).
  Step DirectionStep(const Step& s);

  bool ScopeLocal(const Step& s) {
    return !s.args.empty() && EnumName(s.args[0]) == "Scope.local";
  }
  size_t ScopeSkip(const Step& s) {
    return !s.args.empty() && absl::StartsWith(EnumName(s.args[0]), "Scope.") ? 1 : 0;
  }

  // The steps of one operator family (ops/*.cc), tried in this order by AddStep(); nullopt when
  // `s` is not one of them. `steps` and `*index` let a step look ahead (and consume modulators).
  using StepList = std::vector<const Step*>;
  using MaybeStatus = std::optional<absl::Status>;
  MaybeStatus AddMoveStep(Pipeline* p, const Step& s, const StepList& steps, size_t* index);
  MaybeStatus AddModulatorStep(Pipeline* p, const Step& s, const StepList& steps, size_t* index);
  MaybeStatus AddFilterStep(Pipeline* p, const Step& s, const StepList& steps, size_t* index);
  MaybeStatus AddMapStep(Pipeline* p, const Step& s, const StepList& steps, size_t* index);
  MaybeStatus AddPathStep(Pipeline* p, const Step& s, const StepList& steps, size_t* index);
  MaybeStatus AddReducerStep(Pipeline* p, const Step& s, const StepList& steps, size_t* index);
  MaybeStatus AddSideEffectStep(Pipeline* p, const Step& s, const StepList& steps, size_t* index);
  MaybeStatus AddBranchStep(Pipeline* p, const Step& s, const StepList& steps, size_t* index);
  MaybeStatus AddMutationStep(Pipeline* p, const Step& s, const StepList& steps, size_t* index);
  MaybeStatus AddScalarStep(Pipeline* p, const Step& s, const StepList& steps, size_t* index);
  // An error naming the step unless it has between `lo` and `hi` arguments.
  absl::Status NArgs(const Step& s, size_t lo, size_t hi);
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
  // or(...) inside match(): each argument an alternative of and()-ed patterns (prefix or infix).
  absl::StatusOr<steps::MatchPattern> MatchAlternativesOf(const Step& or_step);
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
  Expr TraversalOf(std::vector<const Step*>::const_iterator b, std::vector<const Step*>::const_iterator e);
  // Where the left operand of the first infix connective begins: TinkerPop's ConnectiveStrategy
  // takes every step back to the start step. as() labels the step before it, so an as() on the
  // start step (or opening a child traversal) stays outside with it.
  static size_t ConnectiveBegin(const std::vector<const Step*>& steps, size_t marker);
  // Infix connectives (ConnectiveStrategy): a.and().b.or().c is or(and(a, b), c), where the
  // operands reach back to the start step and forward to the end of the traversal. and() binds
  // tighter than or().
  void RewriteInfixConnectives(std::vector<const Step*>* steps);

  std::string_view text_;
  Context* ctx_;
  std::vector<std::unique_ptr<Step>> owned_;
  bool child_ = false;
  std::vector<const Step*> pending_;  // until()/emit()/times() before repeat()
  // The names of the repeat()s whose traversals are being compiled, outermost first ("" for
  // an unnamed one): loops("name") reads the counter of the innermost repeat of that name.
  std::vector<std::string> loop_names_;
};

}  // namespace kg::query

#endif  // KG_QUERY_COMPILER_H_
