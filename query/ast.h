// The syntax tree of a gremlin-lang query, as the parser produces it.
//
// The tree is deliberately generic: a traversal is a chain of method calls (`V()`, `has(...)`),
// each with argument expressions. Which steps exist and what arguments they take is decided by
// the compiler (compile.h), so the parser stays small and its errors stay about syntax.
#ifndef KG_QUERY_AST_H_
#define KG_QUERY_AST_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "query/value.h"

namespace kg::query {

// 1-based position in the query text.
struct Pos {
  int line = 1;
  int column = 1;
};

struct Traversal;
struct MapEntry;

struct Expr {
  enum class Kind {
    kLiteral,    // 1, 1L, 'x', true, null
    kList,       // [a, b]
    kSet,        // {a, b}
    kMap,        // [k: v]
    kTraversal,  // __.out() or out() or g.V() inside an argument
    kCall,       // P.gt(1), TextP.containing('x'), Cardinality.set(1), p.and(q): name + args
    kEnum,       // T.id, Order.desc, Scope.local, Merge.onCreate, WithOptions.tokens
    kParam,      // a free identifier bound by the request
  };
  Kind kind = Kind::kLiteral;
  Pos pos;
  Value literal;                 // kLiteral
  std::string name;              // kCall ("P.gt", or ".and" when chained), kEnum ("T.id"), kParam
  std::vector<Expr> items;       // kList, kSet, kCall arguments (a chained call: receiver first)
  std::vector<MapEntry> entries;  // kMap
  std::shared_ptr<const Traversal> traversal;  // kTraversal
};

// A key and its value in a map literal (not std::pair: Expr is incomplete inside itself).
struct MapEntry {
  Expr first;   // key
  Expr second;  // value
};

struct Step {
  std::string name;
  std::vector<Expr> args;
  Pos pos;
};

struct Traversal {
  bool anonymous = false;    // __.x() or x(): a child traversal
  std::vector<Step> source;  // g.with(...).withSideEffect(...): configuration before the start
  std::vector<Step> steps;   // V(), out(), ...
  Pos pos;
};

}  // namespace kg::query

#endif  // KG_QUERY_AST_H_
