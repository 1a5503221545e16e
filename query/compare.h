// Gremlin's comparison rules for query values.
//
// Three relations, because TinkerPop has three:
//  - Equals: what P.eq, has(k, v) and is(v) use. Numbers compare by value across widths
//    (1 == 1L == 1.0); everything else as operator==.
//  - Compare: what P.lt/gt/between use. Defined for two numbers, two strings, two booleans, two
//    timestamps, two nulls (equal); nullopt otherwise (the predicate is then false, not an error).
//  - OrderCompare: the total order of order(): across types null < boolean < number < timestamp <
//    string < vertex < edge < ... ; NaN sorts after +infinity.
#ifndef KG_QUERY_COMPARE_H_
#define KG_QUERY_COMPARE_H_

#include <optional>

#include "query/value.h"

namespace kg::query {

bool Equals(const Value& a, const Value& b);
std::optional<int> Compare(const Value& a, const Value& b);
int OrderCompare(const Value& a, const Value& b);

}  // namespace kg::query

#endif  // KG_QUERY_COMPARE_H_
