#include "query/compare.h"

#include <algorithm>
#include <cmath>

namespace kg::query {

namespace {

int CompareNumbers(const Value& a, const Value& b) {
  if (a.is_integer() && b.is_integer()) {
    int64_t x = a.ToInt64(), y = b.ToInt64();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  double x = a.ToDouble(), y = b.ToDouble();
  bool nx = std::isnan(x), ny = std::isnan(y);
  if (nx || ny) return nx && ny ? 0 : nx ? 1 : -1;
  return x < y ? -1 : x > y ? 1 : 0;
}

int TypeRank(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNull: return 0;
    case Value::Kind::kBool: return 1;
    case Value::Kind::kInt32:
    case Value::Kind::kInt64:
    case Value::Kind::kFloat:
    case Value::Kind::kDouble: return 2;
    case Value::Kind::kTimestamp: return 3;
    case Value::Kind::kString: return 4;
    case Value::Kind::kVertex: return 5;
    case Value::Kind::kEdge: return 6;
    case Value::Kind::kVertexProperty: return 7;
    case Value::Kind::kProperty: return 8;
    case Value::Kind::kPath: return 9;
    case Value::Kind::kSet: return 10;
    case Value::Kind::kList: return 11;
    case Value::Kind::kMap: return 12;
    case Value::Kind::kToken: return 13;
  }
  return 14;
}

template <typename T>
int Cmp(const T& a, const T& b) {
  return a < b ? -1 : b < a ? 1 : 0;
}

// Element by element, a proper prefix first (GremlinValueComparator's iterableComparator).
int CompareSequences(const ValueList& x, const ValueList& y) {
  for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
    int c = OrderCompare(x[i], y[i]);
    if (c != 0) return c;
  }
  return Cmp(x.size(), y.size());
}

ValueList Sorted(ValueList items) {
  std::stable_sort(items.begin(), items.end(),
                   [](const Value& x, const Value& y) { return OrderCompare(x, y) < 0; });
  return items;
}

// A map orders as its entries sorted by key, then value; an entry is the list [key, value],
// which compares the same way.
ValueList SortedEntries(const Value& map) {
  ValueList entries;
  for (const auto& [k, v] : map.as_map()) entries.push_back(Value::List({k, v}));
  return Sorted(std::move(entries));
}

}  // namespace

bool Equals(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) {
    if (a.is_integer() && b.is_integer()) return a.ToInt64() == b.ToInt64();
    double x = a.ToDouble(), y = b.ToDouble();
    return x == y;  // NaN is not equal to NaN under P.eq
  }
  if ((a.kind() == Value::Kind::kList && b.kind() == Value::Kind::kList)) {
    const auto& x = a.as_list();
    const auto& y = b.as_list();
    if (x.size() != y.size()) return false;
    for (size_t i = 0; i < x.size(); ++i) {
      if (!Equals(x[i], y[i])) return false;
    }
    return true;
  }
  return a == b;
}

std::optional<int> Compare(const Value& a, const Value& b) {
  if (a.is_null() && b.is_null()) return 0;  // TinkerPop: null is comparable to null only
  if (a.is_number() && b.is_number()) {
    if ((a.kind() == Value::Kind::kDouble || a.kind() == Value::Kind::kFloat) &&
        std::isnan(a.ToDouble())) {
      return std::nullopt;
    }
    if ((b.kind() == Value::Kind::kDouble || b.kind() == Value::Kind::kFloat) &&
        std::isnan(b.ToDouble())) {
      return std::nullopt;
    }
    return CompareNumbers(a, b);
  }
  if (a.is_string() && b.is_string()) return Cmp(a.as_string(), b.as_string());
  if (a.kind() == Value::Kind::kBool && b.kind() == Value::Kind::kBool) {
    return Cmp(a.as_bool(), b.as_bool());
  }
  if (a.kind() == Value::Kind::kTimestamp && b.kind() == Value::Kind::kTimestamp) {
    return Cmp(a.as_timestamp().micros, b.as_timestamp().micros);
  }
  return std::nullopt;
}

namespace {

// TinkerPop orders elements by id. Edges made with an id (loaded graphs, addE with T.id) carry
// it once detached, and order() detaches the edges it sorts: those order by that id, before the
// edges without one, which order by storage key (their made-up id "src:label:dst:rank" would
// sort 10 before 9). Edges not detached order by storage key.
int CompareEdges(const EdgeRef& a, const EdgeRef& b) {
  if (a.info && b.info) {
    if (a.info->id_given != b.info->id_given) return a.info->id_given ? -1 : 1;
    if (a.info->id_given) {
      int c = OrderCompare(Value::FromGraph(a.info->id), Value::FromGraph(b.info->id));
      if (c != 0) return c;
    }
  }
  return Cmp(a.key, b.key);
}

}  // namespace

int OrderCompare(const Value& a, const Value& b) {
  // Tokens (T.id, T.label as map keys) sort by their names among strings.
  if (a.kind() == Value::Kind::kToken || b.kind() == Value::Kind::kToken) {
    Value x = a.kind() == Value::Kind::kToken ? Value(std::string(TokenName(a.token()))) : a;
    Value y = b.kind() == Value::Kind::kToken ? Value(std::string(TokenName(b.token()))) : b;
    if (x.is_string() && y.is_string()) return Cmp(x.as_string(), y.as_string());
  }
  int ra = TypeRank(a), rb = TypeRank(b);
  if (ra != rb) return ra < rb ? -1 : 1;
  switch (a.kind()) {
    case Value::Kind::kNull: return 0;
    case Value::Kind::kBool: return Cmp(a.as_bool(), b.as_bool());
    case Value::Kind::kInt32:
    case Value::Kind::kInt64:
    case Value::Kind::kFloat:
    case Value::Kind::kDouble: return CompareNumbers(a, b);
    case Value::Kind::kTimestamp: return Cmp(a.as_timestamp().micros, b.as_timestamp().micros);
    case Value::Kind::kString: return Cmp(a.as_string(), b.as_string());
    case Value::Kind::kVertex: return Cmp(a.vertex().id, b.vertex().id);
    case Value::Kind::kEdge: return CompareEdges(a.edge(), b.edge());
    case Value::Kind::kVertexProperty:
      // TinkerPop orders elements by id: a user-supplied one when both have it, else the derived
      // id's parts, numerically (owner, then position among the owner's properties).
      if (!a.vertex_property().id.is_null() && !b.vertex_property().id.is_null()) {
        int c = OrderCompare(Value::FromGraph(a.vertex_property().id),
                             Value::FromGraph(b.vertex_property().id));
        if (c != 0) return c;
      }
      return Cmp(a.vertex_property().vertex, b.vertex_property().vertex) != 0
                 ? Cmp(a.vertex_property().vertex, b.vertex_property().vertex)
                 : Cmp(a.vertex_property().index, b.vertex_property().index);
    case Value::Kind::kProperty: {  // TinkerPop's orderability: by key, then by value
      int c = Cmp(a.property().key, b.property().key);
      if (c != 0) return c;
      return OrderCompare(Value::FromGraph(a.property().value),
                          Value::FromGraph(b.property().value));
    }
    case Value::Kind::kPath: return CompareSequences(a.path().objects, b.path().objects);
    case Value::Kind::kList: return CompareSequences(a.as_list(), b.as_list());
    case Value::Kind::kSet: return CompareSequences(Sorted(a.as_list()), Sorted(b.as_list()));
    case Value::Kind::kMap: return CompareSequences(SortedEntries(a), SortedEntries(b));
    case Value::Kind::kToken:
      return Cmp(static_cast<int>(a.token()), static_cast<int>(b.token()));
  }
  return 0;
}

}  // namespace kg::query
