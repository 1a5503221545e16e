// Steps that live in files of their own (one concept per file). Each offers a factory that the
// compiler (compiler.h, ops/*.cc) calls with the step's evaluated arguments. Internal to query/.
#ifndef KG_QUERY_STEPS_STEPS_H_
#define KG_QUERY_STEPS_STEPS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "query/engine.h"
#include "query/executor.h"

namespace kg::query::steps {

// any(P), all(P), none(P): keep a list (or set) when any / every / no element satisfies P.
// Anything that is not a list is filtered out (list_predicates.cc).
std::unique_ptr<Op> ListPredicate(Context* ctx, const std::string& name, Predicate p);

// sack(): the traverser's sack replaces its object (sack.cc).
std::unique_ptr<Op> SackValue(Context* ctx);
// sack(Operator.op), modulated by at most one by(): folds a value into the sack (sack.cc).
// `op` is the bare operator name ("sum").
std::unique_ptr<Op> SackUpdate(Context* ctx, std::string op);

// barrier(), barrier(Barrier.normSack): holds every traverser, merges the equal ones, then
// (normSack) divides each sack by the bulk-weighted sum of the sacks (barrier.cc).
std::unique_ptr<Op> Barrier(Context* ctx, bool norm_sack);

// concat(strings...) or concat(traversals...): the string object (null: nothing) followed by
// the arguments (a traversal's first result), nulls skipped; null when all are null
// (strings.cc).
std::unique_ptr<Op> Concat(Context* ctx, ValueList strings,
                           std::vector<std::shared_ptr<Pipeline>> children);
// length(), split(separator), conjoin(delimiter), toUpper(), toLower(), trim(), lTrim(), rTrim(),
// substring(start[, end]), replace(from, to) on the object; `args` are the step's arguments
// after an optional Scope; a wrong argument is an error naming the step. `local`: the Scope.local
// form, on each element of a list (strings.cc).
absl::StatusOr<std::unique_ptr<Op>> StringStep(Context* ctx, const std::string& name,
                                               std::vector<Value> args, bool local);

// asString(), asString(Scope.local): the object, or each element of a list, as TinkerPop
// (Java's String.valueOf) writes it; null is an error (as_string.cc).
std::unique_ptr<Op> AsString(Context* ctx, bool local);
// `v` as Java's String.valueOf writes it in TinkerPop; vertex properties and properties as
// StringFactory does, their value abbreviated to 20 UTF-16 units ("vp[name->" + 17 + "...]")
// (as_string.cc).
std::string JavaString(Context* ctx, const Value& v);

// format(template): %{name} replaced by the element's property, or the scope value, of that
// name; %{_} by the next by() (format.cc). A variable without a value filters the traverser.
std::unique_ptr<Op> Format(Context* ctx, std::string format);

// sample(n), modulated by at most one by() (the weight): a barrier that passes n units of bulk
// drawn at random without replacement (sample.cc).
std::unique_ptr<Op> SampleGlobal(Context* ctx, int64_t amount);
// coin(p): each unit of bulk passes with probability p (sample.cc).
std::unique_ptr<Op> Coin(Context* ctx, double probability);
// sample(Scope.local, n): n elements of a list or entries of a map, in order (sample.cc).
std::unique_ptr<Op> SampleLocal(Context* ctx, int64_t amount);

// math(expression), modulated by by()s taken round robin by its variables (math.cc). A syntax
// error in the expression is returned here, with its position in the expression.
absl::StatusOr<std::unique_ptr<Op>> Math(Context* ctx, const std::string& expression);

// A match() pattern: `body` is the pattern traversal without its leading as(start) and
// trailing as(end). A filter pattern (where(), not()...) has no end; `negated` for not(pattern).
struct MatchPattern {
  std::string start;
  std::string end;
  std::shared_ptr<Pipeline> body;
  bool negated = false;
  // or(...) of patterns: a filter that passes when every pattern of one alternative does (an
  // alternative is an and() of patterns, infix or not). No body then.
  std::vector<std::vector<MatchPattern>> alternatives;
};
// match(patterns...) (match.cc): `patterns` bind labels, `filters` run on complete bindings.
std::unique_ptr<Op> Match(Context* ctx, std::vector<MatchPattern> patterns,
                          std::vector<MatchPattern> filters);

// The labels of a vertex about to be created, as the query's vertex label cardinality allows:
// duplicates removed; with LabelCardinality::kOne none becomes "vertex" and more than one fails
// (false, with the context's status) (vertex_labels.cc).
bool CreationLabels(Context* ctx, std::vector<std::string>* labels);
// The labels a label traversal of addV()/mergeV() produced: a string, or (only when it is the
// single label traversal, `several` false) a list of strings; anything else fails with
// TinkerPop's message (vertex_labels.cc).
bool LabelsFromTraversal(Context* ctx, const Value& v, bool several,
                         std::vector<std::string>* labels);
// Whether `label` may name a vertex: not empty, not hidden ("~x"); false with the context's
// status otherwise (vertex_labels.cc).
bool ValidLabel(Context* ctx, const std::string& label);
// Whether `step` may add labels to an existing vertex (not with LabelCardinality::kOne; false
// with the context's status then) (vertex_labels.cc).
bool LabelsMayChange(Context* ctx, const std::string& step);

// A meta-property to drop, named so that writes to its vertex do not move it: the vertex, the
// key of its vertex property, which value of that key (0 the first) and the meta key.
struct MetaPropertyRef {
  graph::VertexId vertex = 0;
  std::string key;
  size_t ordinal = 0;
  std::string meta_key;
};
// The stable name of a meta-property of a vertex property (drop_meta.cc).
absl::StatusOr<MetaPropertyRef> ResolveMetaProperty(Context* ctx, const PropertyRef& p);
// Removes the meta-properties, rewriting the values of their keys in order (drop_meta.cc).
absl::Status DropMetaProperties(Context* ctx, const std::vector<MetaPropertyRef>& refs);

}  // namespace kg::query::steps

#endif  // KG_QUERY_STEPS_STEPS_H_
