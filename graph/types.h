// The elements of the property graph: vertices, edges, documents and evidence.
#ifndef KG_GRAPH_TYPES_H_
#define KG_GRAPH_TYPES_H_

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "graph/value.h"

namespace kg::graph {

using VertexId = uint64_t;  // internal, assigned by the store, never reused; 0 is never a vertex
using LabelId = uint32_t;   // interned vertex or edge label; ids are never reused

enum class Direction : uint8_t { kOut = 1, kIn = 2 };

// One value of a vertex property, with its meta-properties (TinkerPop's VertexProperty).
struct VertexProperty {
  std::string key;
  Value value;
  std::vector<std::pair<std::string, Value>> meta;  // meta-properties, insertion order
  // The id a user supplied (a GraphSON file's vertex property id); null when none, the query
  // layer then deriving one from the owner, the key and the value's ordinal.
  Value id = Value();
  friend bool operator==(const VertexProperty&, const VertexProperty&) = default;
};

// How a property write treats values already under the same key.
enum class Cardinality : uint8_t {
  kSingle,  // replace every value of the key
  kList,    // append
  kSet,     // append unless an equal value is there
};

struct Vertex {
  VertexId id = 0;
  // One or more labels. The first is the primary label: the one the canonical key is unique in.
  std::vector<std::string> labels;
  // The canonical key (NFKC, case-folded; see normalize.h), unique within the primary label.
  // Empty for vertices created without one (Gremlin's addV()).
  std::string key;
  // An id the user supplied (TinkerPop's T.id), unique among vertices; null when none.
  Value external_id;
  // Grouped by key in first-write order; a key may hold several values (list/set cardinality).
  std::vector<VertexProperty> properties;

  // The values of one key, in order; empty when absent.
  std::vector<Value> Values(std::string_view key) const;
};

// An edge is identified by its endpoints, label and rank. Parallel edges of one label between the
// same vertices differ in rank: Gremlin's addE() takes a fresh rank, while an upsert names one
// (usually 0) so that asserting the same fact twice merges.
struct EdgeKey {
  VertexId src = 0;
  LabelId label = 0;
  VertexId dst = 0;
  uint64_t rank = 0;

  friend bool operator==(const EdgeKey&, const EdgeKey&) = default;
  friend auto operator<=>(const EdgeKey&, const EdgeKey&) = default;
  template <typename H>
  friend H AbslHashValue(H h, const EdgeKey& k) {
    return H::combine(std::move(h), k.src, k.label, k.dst, k.rank);
  }

  // "src:label:dst:rank" in decimal; what Gremlin shows as an edge's id when the user gave none.
  std::string ToString() const;
  static bool Parse(std::string_view text, EdgeKey* out);
};

struct Edge {
  EdgeKey key;
  std::string label;
  Value external_id;  // null when none
  std::vector<std::pair<std::string, Value>> properties;  // unique keys, first-write order

  const Value* Find(std::string_view key) const;  // nullptr when absent
};

// A vertex or an edge: what provenance is recorded for.
using ElementRef = std::variant<VertexId, EdgeKey>;

// One article (or any unit of text) that facts come from.
struct Document {
  std::string id;            // the caller's id; unique
  std::string title;
  std::string source;        // publisher or origin
  std::string published;     // date as given, ISO 8601 when known
  std::string content_hash;  // hex digest of the text; a re-ingest with the same hash is a no-op
  std::string container;     // id of the document this one was split from (a brief), or empty
  std::vector<std::pair<std::string, Value>> properties;
  friend bool operator==(const Document&, const Document&) = default;
};

// Why an element exists: which document, where in it, which rule, how sure.
struct Evidence {
  std::string doc_id;
  uint32_t begin = 0;  // byte offsets of the evidence in the document's text
  uint32_t end = 0;
  std::string sentence;  // the evidence text (may be shortened by the writer)
  std::string rule;      // rule or extractor id
  double confidence = 1.0;
  friend bool operator==(const Evidence&, const Evidence&) = default;
};

}  // namespace kg::graph

#endif  // KG_GRAPH_TYPES_H_
