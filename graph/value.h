// A typed property value: what vertices, edges and documents store.
//
//   kg::graph::Value age = int32_t{29};
//   kg::graph::Value tags = kg::graph::Value::List({"ai", "chips"});
//   if (age.is_int32()) use(age.as_int32());
//
// Why these types: TinkerPop distinguishes int (32-bit) from long and float from double in results
// (the feature files assert `d[29].i` versus `d[29].l`), so storage keeps the width the writer gave.
// Timestamps are microseconds since the Unix epoch (UTC). Lists keep order and duplicates (a
// list-cardinality property); maps have string keys. Composite values are immutable and shared, so
// copying a Value is cheap whatever it holds.
#ifndef KG_GRAPH_VALUE_H_
#define KG_GRAPH_VALUE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace kg::graph {

struct Timestamp {
  int64_t micros = 0;  // since 1970-01-01T00:00:00Z
  friend bool operator==(Timestamp a, Timestamp b) { return a.micros == b.micros; }
};

class Value;
using ValueList = std::vector<Value>;
using ValueMap = std::vector<std::pair<std::string, Value>>;  // insertion order, unique keys

class Value {
 public:
  enum class Type : uint8_t {
    kNull = 0,
    kBool,
    kInt32,
    kInt64,
    kFloat,
    kDouble,
    kString,
    kTimestamp,
    kList,
    kMap,
  };

  Value() = default;  // null
  Value(std::nullptr_t) {}
  Value(bool b) : v_(b) {}
  Value(int32_t i) : v_(i) {}
  Value(int64_t i) : v_(i) {}
  Value(float f) : v_(f) {}
  Value(double d) : v_(d) {}
  Value(std::string s) : v_(std::move(s)) {}
  Value(const char* s) : v_(std::string(s)) {}
  Value(Timestamp t) : v_(t) {}
  Value(ValueList l) : v_(std::make_shared<const ValueList>(std::move(l))) {}
  Value(ValueMap m) : v_(std::make_shared<const ValueMap>(std::move(m))) {}

  static Value List(ValueList l) { return Value(std::move(l)); }
  static Value Map(ValueMap m) { return Value(std::move(m)); }

  Type type() const { return static_cast<Type>(v_.index()); }
  bool is_null() const { return type() == Type::kNull; }
  bool is_bool() const { return type() == Type::kBool; }
  bool is_int32() const { return type() == Type::kInt32; }
  bool is_int64() const { return type() == Type::kInt64; }
  bool is_float() const { return type() == Type::kFloat; }
  bool is_double() const { return type() == Type::kDouble; }
  bool is_string() const { return type() == Type::kString; }
  bool is_timestamp() const { return type() == Type::kTimestamp; }
  bool is_list() const { return type() == Type::kList; }
  bool is_map() const { return type() == Type::kMap; }
  bool is_integer() const { return is_int32() || is_int64(); }
  bool is_number() const { return is_integer() || is_float() || is_double(); }

  bool as_bool() const { return std::get<bool>(v_); }
  int32_t as_int32() const { return std::get<int32_t>(v_); }
  int64_t as_int64() const { return std::get<int64_t>(v_); }
  float as_float() const { return std::get<float>(v_); }
  double as_double() const { return std::get<double>(v_); }
  const std::string& as_string() const { return std::get<std::string>(v_); }
  Timestamp as_timestamp() const { return std::get<Timestamp>(v_); }
  const ValueList& as_list() const { return *std::get<ListPtr>(v_); }
  const ValueMap& as_map() const { return *std::get<MapPtr>(v_); }

  // Any integer widened to int64; any number converted to double. Precondition: is_integer() /
  // is_number().
  int64_t ToInt64() const;
  double ToDouble() const;

  // Exact equality: same type and same contents (1 != 1L, NaN == NaN). Gremlin's numeric
  // equality across widths lives in query/, not here.
  friend bool operator==(const Value& a, const Value& b);
  friend bool operator!=(const Value& a, const Value& b) { return !(a == b); }

  // A readable rendering for errors and logs: strings quoted, lists in brackets.
  std::string DebugString() const;

  static const char* TypeName(Type t);

 private:
  using ListPtr = std::shared_ptr<const ValueList>;
  using MapPtr = std::shared_ptr<const ValueMap>;
  std::variant<std::monostate, bool, int32_t, int64_t, float, double, std::string, Timestamp,
               ListPtr, MapPtr>
      v_;
};

}  // namespace kg::graph

#endif  // KG_GRAPH_VALUE_H_
