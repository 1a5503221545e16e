// The values a Gremlin traversal produces: what a Cursor streams and what traversers carry.
//
//   kg::query::Value v = ...;                  // from Cursor::Next
//   switch (v.kind()) {
//     case Value::Kind::kVertex: use(v.vertex().id, v.vertex().labels()); break;
//     case Value::Kind::kInt32:  use(v.as_int32()); break;       // TinkerPop's d[29].i
//     case Value::Kind::kMap:    for (auto& [k, x] : v.as_map()) ...; break;
//     ...
//   }
//
// Why a type of its own rather than graph::Value: Gremlin results hold graph elements (vertices,
// edges, properties, paths), maps whose keys are arbitrary values (groupCount() keys by vertex),
// sets, and tokens (T.id, Direction.OUT) that a stored property never holds. Scalars keep their
// exact width (int32 vs int64, float vs double) because TinkerPop's results distinguish them.
//
// Elements are references: a vertex is its internal id plus, once the cursor has "detached" it,
// its user-visible id and labels (TinkerPop's ReferenceVertex). Composite values are immutable
// and shared, so copying a Value is cheap.
#ifndef KG_QUERY_VALUE_H_
#define KG_QUERY_VALUE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "graph/types.h"
#include "graph/value.h"

namespace kg::query {

// TinkerPop enum constants that can appear in results (as map keys of elementMap(), valueMap
// with tokens, or as values of project(T.id)...).
enum class Token : uint8_t { kId, kLabel, kKey, kValue, kOut, kIn, kBoth };
const char* TokenName(Token t);  // "id", "label", "key", "value", "OUT", "IN", "BOTH"

class Value;
using ValueList = std::vector<Value>;
using ValueMap = std::vector<std::pair<Value, Value>>;  // insertion order, unique keys

// What a detached element carries: the id users see (the external id they gave, else the
// internal id as int64 for vertices or the "src:label:dst:rank" string for edges) and labels.
struct ElementInfo {
  graph::Value id;
  bool id_given = false;  // id is the one the element was created with, not one made up for it
  std::vector<std::string> labels;  // vertices: one or more; edges: exactly one
  // Edges only: the endpoints, detached.
  graph::Value out_id, in_id;
  std::string out_label, in_label;
};

struct VertexRef {
  graph::VertexId id = 0;                  // internal id
  std::shared_ptr<const ElementInfo> info;  // set once detached
  const std::string& label() const;        // first label, "" if not detached
};

struct EdgeRef {
  graph::EdgeKey key;
  std::shared_ptr<const ElementInfo> info;  // set once detached
  const std::string& label() const;
};

// One value of a vertex property (TinkerPop's VertexProperty), with its meta-properties.
struct VertexPropertyRef {
  graph::VertexId vertex = 0;
  std::string key;
  graph::Value value;
  int64_t index = 0;  // position among the vertex's properties: part of its identity
  std::vector<std::pair<std::string, graph::Value>> meta;
  // The user-supplied id (graph::VertexProperty::id); null: derived (TokenValue's T.id).
  graph::Value id = graph::Value();
};

// A property of an edge, or a meta-property of a vertex property.
struct PropertyRef {
  std::string key;
  graph::Value value;
  // The owner, for identity: an edge, or (vertex, index) of a vertex property.
  std::variant<std::monostate, graph::EdgeKey, std::pair<graph::VertexId, int64_t>> owner;
};

// A traversal path: the objects visited, each with the step labels (as()) it was given.
struct PathValue {
  std::vector<Value> objects;
  std::vector<std::vector<std::string>> labels;  // parallel to objects
};

class Value {
 public:
  enum class Kind : uint8_t {
    kNull,
    kBool,
    kInt32,
    kInt64,
    kFloat,
    kDouble,
    kString,
    kTimestamp,
    kVertex,
    kEdge,
    kVertexProperty,
    kProperty,
    kPath,
    kList,
    kSet,  // a list without duplicates, in insertion order
    kMap,
    kToken,
  };

  Value() = default;
  Value(std::nullptr_t) {}
  Value(bool b) : v_(b) {}
  Value(int32_t i) : v_(i) {}
  Value(int64_t i) : v_(i) {}
  Value(float f) : v_(f) {}
  Value(double d) : v_(d) {}
  Value(std::string s) : v_(std::move(s)) {}
  Value(const char* s) : v_(std::string(s)) {}
  Value(graph::Timestamp t) : v_(t) {}
  Value(VertexRef v) : v_(std::move(v)) {}
  Value(EdgeRef e) : v_(std::move(e)) {}
  Value(VertexPropertyRef p) : v_(std::make_shared<const VertexPropertyRef>(std::move(p))) {}
  Value(PropertyRef p) : v_(std::make_shared<const PropertyRef>(std::move(p))) {}
  Value(PathValue p) : v_(std::make_shared<const PathValue>(std::move(p))) {}
  Value(Token t) : v_(t) {}
  static Value List(ValueList l);
  static Value Set(ValueList l);  // caller guarantees no duplicates
  static Value Map(ValueMap m);
  // A stored value as a query value: lists become lists, string-keyed maps become maps.
  static Value FromGraph(const graph::Value& v);
  static Value Vertex(graph::VertexId id) { return Value(VertexRef{id, nullptr}); }
  static Value Edge(const graph::EdgeKey& k) { return Value(EdgeRef{k, nullptr}); }
  // Becomes Vertex(id); in place when this already is a vertex not yet detached (out() does this
  // for every edge it follows, into a reused traverser).
  void SetVertex(graph::VertexId id) {
    if (auto* v = std::get_if<VertexRef>(&v_); v != nullptr && v->info == nullptr) {
      v->id = id;
    } else {
      v_ = VertexRef{id, nullptr};
    }
  }

  Kind kind() const {
    // Inline: every step asks. The variant's alternatives are in Kind's order, except that
    // alternative 13 holds both lists and sets (and Kind::kSet shifts the rest by one).
    size_t i = v_.index();
    if (i < 13) return static_cast<Kind>(i);
    return kind_();
  }
  static_assert(static_cast<int>(Kind::kPath) == 12 && static_cast<int>(Kind::kList) == 13);
  bool is_null() const { return kind() == Kind::kNull; }
  bool is_number() const {
    Kind k = kind();
    return k == Kind::kInt32 || k == Kind::kInt64 || k == Kind::kFloat || k == Kind::kDouble;
  }
  bool is_integer() const { return kind() == Kind::kInt32 || kind() == Kind::kInt64; }
  bool is_string() const { return kind() == Kind::kString; }
  bool is_vertex() const { return kind() == Kind::kVertex; }
  bool is_edge() const { return kind() == Kind::kEdge; }
  bool is_element() const { return is_vertex() || is_edge(); }
  bool is_collection() const { return kind() == Kind::kList || kind() == Kind::kSet; }

  bool as_bool() const { return std::get<bool>(v_); }
  int32_t as_int32() const { return std::get<int32_t>(v_); }
  int64_t as_int64() const { return std::get<int64_t>(v_); }
  float as_float() const { return std::get<float>(v_); }
  double as_double() const { return std::get<double>(v_); }
  const std::string& as_string() const { return std::get<std::string>(v_); }
  graph::Timestamp as_timestamp() const { return std::get<graph::Timestamp>(v_); }
  const VertexRef& vertex() const { return std::get<VertexRef>(v_); }
  const EdgeRef& edge() const { return std::get<EdgeRef>(v_); }
  const VertexPropertyRef& vertex_property() const { return *std::get<VPPtr>(v_); }
  const PropertyRef& property() const { return *std::get<PPtr>(v_); }
  const PathValue& path() const { return *std::get<PathPtr>(v_); }
  const ValueList& as_list() const;  // kList or kSet
  const ValueMap& as_map() const { return std::get<MapPtr>(v_)->items; }
  // A map entry (Java's Map.Entry, what unfold() makes of a map): a one-entry map everywhere
  // except where TinkerPop tells them apart (select(keys/values), by(keys/values)).
  static Value Entry(Value key, Value value);
  bool is_entry() const { return kind() == Kind::kMap && std::get<MapPtr>(v_)->entry; }
  Token token() const { return std::get<Token>(v_); }

  int64_t ToInt64() const;  // any number, truncated
  double ToDouble() const;  // any number

  // The value as a storable graph::Value, when it is one (scalars, lists of scalars, maps with
  // string keys); false otherwise.
  bool ToGraph(graph::Value* out) const;

  // Equivalence: same kind and contents (1 != 1L, NaN equals NaN); elements by identity. What
  // dedup(), group() keys and sets use.
  friend bool operator==(const Value& a, const Value& b);
  friend bool operator!=(const Value& a, const Value& b) { return !(a == b); }
  template <typename H>
  friend H AbslHashValue(H h, const Value& v) {
    return H::combine(std::move(h), v.Hash());
  }
  size_t Hash() const;

  // TinkerPop-like rendering: v[1], e[7][1-knows->2], vp[name->marko], [a, b], {k=v}.
  std::string DebugString() const;

 private:
  friend class ValueAccess;
  struct ListBox {
    ValueList items;
    bool is_set = false;
  };
  using VPPtr = std::shared_ptr<const VertexPropertyRef>;
  using PPtr = std::shared_ptr<const PropertyRef>;
  using PathPtr = std::shared_ptr<const PathValue>;
  using ListPtr = std::shared_ptr<const ListBox>;
  struct MapBox {
    ValueMap items;
    bool entry = false;
  };
  using MapPtr = std::shared_ptr<const MapBox>;
  Kind kind_() const;
  std::variant<std::monostate, bool, int32_t, int64_t, float, double, std::string,
               graph::Timestamp, VertexRef, EdgeRef, VPPtr, PPtr, PathPtr, ListPtr, MapPtr, Token>
      v_;
};

}  // namespace kg::query

#endif  // KG_QUERY_VALUE_H_
