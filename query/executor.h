// Compiles a parsed traversal into an operator pipeline (engine.h), applying the planner's
// strategies, and describes the plan. Internal to query/.
#ifndef KG_QUERY_EXECUTOR_H_
#define KG_QUERY_EXECUTOR_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "query/ast.h"
#include "query/engine.h"
#include "re2/re2.h"

namespace kg::query {

// P.* and TextP.* predicates.
struct Predicate {
  enum Op {
    kEq, kNeq, kLt, kLte, kGt, kGte, kInside, kOutside, kBetween, kWithin, kWithout, kNot, kAnd,
    kOr, kContaining, kNotContaining, kStartingWith, kNotStartingWith, kEndingWith,
    kNotEndingWith, kRegex, kNotRegex,
  };
  Op op = kEq;
  std::vector<Value> args;
  std::vector<Predicate> children;
  std::shared_ptr<RE2> regex;
  // Arguments given as traversals (P.gt(__.select('a').values('age'))): evaluated for each
  // traverser; `traversal_args[i]` replaces args[i] (within/without: all of them, flattened).
  std::vector<std::pair<size_t, std::shared_ptr<Pipeline>>> traversal_args;
  bool HasTraversals() const;
  bool Test(const Value& v) const;
  std::string Describe() const;
};

// Evaluates the predicate's traversal arguments for `t`, then tests `v`. A traversal argument
// that yields nothing makes the test false.
bool TestPredicate(Context* ctx, const Predicate& p, const Traverser& t, const Value& v, bool* result);

// Operator.<op> (sum, minus, mult, div, min, max, and, or, addAll, assign) folding `v` into
// `acc`, as withSideEffect(), sack() and aggregations apply it. `op` is the bare name ("sum").
Value ApplyOperator(Value acc, const Value& v, const std::string& op);

// Whether any step of the traversal (or of its children) writes.
bool IsMutating(const Traversal& t);
// Whether running the traversal twice for one traverser may differ from running it once with
// twice the bulk: it writes (IsMutating), keeps side effects (aggregate(), group("x")...) or
// draws random numbers (coin(), sample()).
bool RunsDiffer(const Traversal& t);
// Whether the traversal needs paths: labels (as()) or the objects themselves (below).
bool NeedsPath(const Traversal& t);
// Whether any step reads the objects of paths (path(), simplePath(), cyclicPath(), otherV()...).
bool ReadsPathObjects(const Traversal& t);

struct CompiledQuery {
  std::unique_ptr<Pipeline> pipeline;
  std::vector<std::string> plan_notes;  // strategies applied, one line each
};

// `text` is the query source, for positioned errors.
absl::StatusOr<CompiledQuery> CompileQuery(const Traversal& t, std::string_view text,
                                           Context* ctx);

// One line per operator: name, and with profiling its output count and time.
std::string DescribePipeline(const Pipeline& p, bool with_profile);

}  // namespace kg::query

#endif  // KG_QUERY_EXECUTOR_H_
