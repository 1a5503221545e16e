// Filters that count or remember what passed: range()/limit()/skip() and dedup(). Internal
// to query/ (the compiler, compiler.h and ops/*.cc, builds them).
#ifndef KG_QUERY_FILTERS_H_
#define KG_QUERY_FILTERS_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "query/engine.h"

namespace kg::query {

// Which of a label's path objects select() and where() use.
enum class Pop { kFirst, kLast, kAll, kMixed };

// Bulks can grow geometrically (repeat() merges traversers); they saturate instead of wrapping.
int64_t SatAdd(int64_t a, int64_t b);

// select()'s scope lookup: a map key of the current object, a path label (per `pop`), an
// aggregate or a side effect; *out stays empty when `key` names none. False on error.
bool ScopeValue(Context* ctx, const Traverser& t, const std::string& key, Pop pop,
                std::optional<Value>* out);

// range(lo, hi) / limit(hi) / skip(lo) (hi < 0: no bound), counting bulk; `name` is the step's.
std::unique_ptr<Op> Range(Context* ctx, std::string name, int64_t lo, int64_t hi);

// dedup(), dedup(labels...), with at most one by(): the operator is a ByOwner.
std::unique_ptr<Op> Dedup(Context* ctx, std::vector<std::string> labels);

}  // namespace kg::query

#endif  // KG_QUERY_FILTERS_H_
