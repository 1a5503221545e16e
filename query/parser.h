// Parses gremlin-lang text into a syntax tree.
//
//   absl::StatusOr<Traversal> t = Parse("g.V().has('name', 'marko').out()");
//
// Errors are INVALID_ARGUMENT and point at the offending token:
//
//   line 1, column 17: expected ')' or ',' after an argument, found ']'
//     g.V().has('name']
//                     ^
//
// The parser knows the shape of the language (calls, literals, P./T./Order. forms, anonymous
// traversals with or without `__.`), not which steps exist: that is the compiler's job, so that
// "unknown step" errors can suggest the nearest known step.
#ifndef KG_QUERY_PARSER_H_
#define KG_QUERY_PARSER_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "query/ast.h"

namespace kg::query {

absl::StatusOr<Traversal> Parse(std::string_view text);

// "line L, column C: <message>" followed by the source line and a caret under the column. Used
// for every positioned error (parse and compile).
std::string PositionedMessage(std::string_view text, Pos pos, std::string_view message);

}  // namespace kg::query

#endif  // KG_QUERY_PARSER_H_
