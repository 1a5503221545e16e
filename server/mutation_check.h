// Does a Gremlin text contain a mutating step? Decides whether a Query needs a read-write token.
//
//   MayWrite("g.V().has('name','drop').values('name')")  -> false  (inside a string)
//   MayWrite("g.addV('person').property('name','x')")     -> true
//
// Lexical on purpose: it must run before the query does (a mutating query commits inside
// query::Execute), and it errs on the safe side: any identifier among the mutating steps
// (addV, addE, property, drop, mergeV, mergeE) followed by '(' outside string literals counts.
#ifndef KG_SERVER_MUTATION_CHECK_H_
#define KG_SERVER_MUTATION_CHECK_H_

#include <string_view>

namespace kg::server {

bool MayWrite(std::string_view gremlin);

}  // namespace kg::server

#endif  // KG_SERVER_MUTATION_CHECK_H_
