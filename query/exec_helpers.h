// Helpers the operator files share: numeric promotion, reading properties and tokens off
// elements, paths, elements as maps, sorting by by() modulators. Internal to query/.
#ifndef KG_QUERY_EXEC_HELPERS_H_
#define KG_QUERY_EXEC_HELPERS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "query/by.h"
#include "query/engine.h"
#include "query/executor.h"

namespace kg::query {

// ---- values (predicates.cc) ----

int64_t SatMul(int64_t a, int64_t b);
// Whether `bulk` copies of a value may be materialised (fold(), aggregate(), group()).
bool ExpandOk(Context* ctx, int64_t bulk);
// "<step> expects <wanted> but got <v>".
absl::Status TypeError(const std::string& step, const Value& v, const std::string& wanted);
// Numeric addition with TinkerPop's promotion (NumberHelper.add): the wider of the two types,
// any floating point giving floating point; an int that overflows becomes a long, a float a
// double. A long has nothing wider: TinkerPop raises "long overflow" (an Arithmetic Error),
// reported through `long_overflow` when given (else the result is a double).
Value Add(const Value& a, const Value& b, bool* long_overflow = nullptr);
// `a` added `bulk` times (sum() of a bulked traverser), promoted as Add() is.
Value Multiply(const Value& a, int64_t bulk, bool* long_overflow = nullptr);
// Replaces a predicate's traversal arguments by their values for `t`; false on error,
// `*productive` false when one yields nothing.
bool Bind(Context* ctx, const Predicate& p, const Traverser& t, Predicate* out, bool* productive);
// Whether unfold() and the local steps iterate the value (lists, sets, maps).
bool IsIterable(const Value& v);
// The items of a collection as a list (a map's are its entries: Value::Entry).
ValueList Items(const Value& v);

// ---- reading elements and paths (lookup.cc) ----

// Property value(s) of an element for values()/by("key").
bool PropertyValues(Context* ctx, const Value& obj, const std::string& key, std::vector<Value>* out);
// The T.id / T.label / T.key / T.value of an element, a property or a map.
bool TokenValue(Context* ctx, const Value& obj, Token t, std::optional<Value>* out);
// A by() modulator's value without ProductiveByStrategy: nullopt when it is unproductive.
bool EvalByInner(Context* ctx, const By& by, const Traverser& t, std::optional<Value>* out);
// Column.keys / Column.values of a value, for select(Column) and by(Column): a map's keys (a
// set) or values (a list), even when it has one entry; an entry's own key or value; a path's
// labels (a list of sets) or objects. Anything else is a type error naming `step`.
bool ColumnValue(Context* ctx, const std::string& step, bool keys, const Value& obj, Value* out);
// The traverser's path as a value.
PathValue MakePath(const Traverser& t);
// Values of label `key` in the path, oldest first.
void PathLookup(const Traverser& t, std::string_view key, std::vector<Value>* out);

// ---- elements as maps (ops/element_steps.cc) ----

// The labels of an element (every label of a multi-label vertex).
bool ElementLabels(Context* ctx, const Value& obj, std::vector<std::string>* out);
// has()'s test of one key against a predicate.
bool HasTest(Context* ctx, const Traverser& t, const Value& key, const Predicate* pred_in, bool* keep);
// The property objects of an element with the given keys (every key when empty).
bool Properties(Context* ctx, const Value& obj, const std::vector<std::string>& keys,
                std::vector<Value>* out);
// The T.label entry of an element's elementMap()/valueMap(): every label as a set (multi-label),
// or the first as a string (single-label, no entry for a vertex without labels).
void AddLabelEntry(Context* ctx, const std::vector<std::string>& labels, ValueMap* m);
bool AddLabelEntry(Context* ctx, const Value& obj, ValueMap* m);
// The tokens valueMap() includes, as WithOptions' bits: ids, labels, keys, values.
enum TokenBits {
  kTokenIds = 1,
  kTokenLabels = 2,
  kTokenKeys = 4,
  kTokenValues = 8,
  kAllTokens = 15,
};
// valueMap(keys...) with the `tokens` (TokenBits) WithOptions asked for.
bool ValueMapOf(Context* ctx, const Value& obj, const std::vector<std::string>& keys, int tokens,
                Value* out);
// elementMap(keys...).
bool ElementMapOf(Context* ctx, const Value& obj, const std::vector<std::string>& keys, Value* out);

// ---- ordering (ops/reducers.cc) ----

// Sorts with by() modulators; an unproductive by() drops the traverser.
bool SortTraversers(Context* ctx, std::vector<By>& bys, std::vector<Traverser>* ts);

// ---- traverser sets (ops/traverser_merge.cc) ----

// Merges traversers at the same object and loop counters (LazyBarrierStrategy's bulking):
// bulks add up (unless g.withBulk(false)). Sacks tell traversers apart unless withSack() gave
// an Operator to merge them with. The common case, vertices at the first traverser's loop
// counters without a sack to tell them apart, is keyed by vertex id alone (exact: such a
// traverser equals no other kind). Paths are not compared: callers merge only path-less ones.
void MergeEqualTraversers(Context* ctx, std::vector<Traverser>* ts);

// ---- side effects (ops/side_effects.cc) ----

// The value of a side effect declared with an Operator, after the aggregate() steps fed it.
Value ReduceSideEffect(Context* ctx, const std::string& key, const std::string& op);

}  // namespace kg::query

#endif  // KG_QUERY_EXEC_HELPERS_H_
