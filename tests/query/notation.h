// TinkerPop's result notation, as the feature files write it, and a canonical text form used to
// compare expected and actual results.
//
//   v[marko]  e[marko-knows->vadas]  d[29].i  d[0.5].d  l[a,b]  s[a]  m[{"k":"d[1].l"}]  p[v[a],v[b]]
//   t[label]  D[OUT]  prop[weight,d[0.4].d]  vp[name->marko]  null  true
//
// Parsing resolves vertex and edge references through a resolver (name -> element), since the
// notation names vertices by their "name" property.
#ifndef KG_TESTS_QUERY_NOTATION_H_
#define KG_TESTS_QUERY_NOTATION_H_

#include <functional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "query/value.h"

namespace kg::query::testing {

struct Resolver {
  // v[name] -> the vertex (as a query value); e[a-label->b] -> the edge.
  std::function<absl::StatusOr<Value>(const std::string& name)> vertex;
  std::function<absl::StatusOr<Value>(const std::string& out, const std::string& label,
                                      const std::string& in)>
      edge;
  // v[name].id / e[...].id -> the element's user-visible id.
  std::function<absl::StatusOr<Value>(const Value& element)> id;
};

absl::StatusOr<Value> ParseNotation(std::string_view text, const Resolver& resolver);

// A canonical string: maps and sets sorted, numbers with their type, elements by identity
// (vertices named through `name_of`).
std::string Canonical(const Value& v, const std::function<std::string(const Value&)>& name_of);

}  // namespace kg::query::testing

#endif  // KG_TESTS_QUERY_NOTATION_H_
