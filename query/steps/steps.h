// Steps that live in files of their own (one concept per file). Each offers a factory that the
// compiler (executor.cc) calls with the step's evaluated arguments. Internal to query/.
#ifndef KG_QUERY_STEPS_STEPS_H_
#define KG_QUERY_STEPS_STEPS_H_

#include <memory>
#include <string>
#include <vector>

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

// concat(strings...) or concat(traversals...): the string object (null: nothing) followed by
// the arguments (a traversal's first result), nulls skipped; null when all are null
// (strings.cc).
std::unique_ptr<Op> Concat(Context* ctx, ValueList strings,
                           std::vector<std::shared_ptr<Pipeline>> children);
// length(), split(separator), conjoin(delimiter), toUpper(), toLower(), trim(), lTrim(), rTrim()
// on the object; `arg` is the separator or delimiter (strings.cc).
std::unique_ptr<Op> StringMap(Context* ctx, const std::string& name, Value arg);

// sample(n), modulated by at most one by() (the weight): a barrier that passes n units of bulk
// drawn at random without replacement (sample.cc).
std::unique_ptr<Op> SampleGlobal(Context* ctx, int64_t amount);
// sample(Scope.local, n): n elements of a list or entries of a map, in order (sample.cc).
std::unique_ptr<Op> SampleLocal(Context* ctx, int64_t amount);

}  // namespace kg::query::steps

#endif  // KG_QUERY_STEPS_STEPS_H_
