// Conversions between the store's and the query engine's values and the wire types of kg.v1.
//
//   kg::v1::Value wire;
//   kg::server::QueryValueToProto(result, &wire, &filler);  // a Gremlin result
//   absl::StatusOr<kg::graph::Value> v = kg::server::GraphValueFromProto(wire);  // a property
//
// Widths are kept (int32 stays int32, float stays float): the wire has a field for each.
#ifndef KG_SERVER_CONVERT_H_
#define KG_SERVER_CONVERT_H_

#include <string>

#include "absl/status/statusor.h"
#include "graph/graph.h"
#include "ingest/ingest.h"
#include "kg/v1/kg.pb.h"
#include "query/value.h"

namespace kg::server {

// A stored value (scalars, lists, string-keyed maps).
void GraphValueToProto(const graph::Value& value, v1::Value* out);

// The inverse; INVALID_ARGUMENT for what a property cannot hold (elements, paths, sets, maps
// with non-string keys, tokens) and for broken UTF-8 in strings.
absl::StatusOr<graph::Value> GraphValueFromProto(const v1::Value& value);

// A query parameter: any storable value.
absl::StatusOr<query::Value> QueryParamFromProto(const v1::Value& value);

void VertexToProto(const graph::Vertex& vertex, bool with_properties, v1::Vertex* out);
// `reader` resolves the label name and the endpoints' labels; it may be null.
void EdgeToProto(const graph::Edge& edge, graph::GraphReader* reader, v1::Edge* out);

// The value of a vertex's "name" property, or its key, or "" when it has neither.
std::string DisplayName(const graph::Vertex& vertex);

// Fills vertices' properties in query results when asked (QueryRequest.include_properties).
class VertexFiller {
 public:
  explicit VertexFiller(graph::GraphReader* reader) : reader_(reader) {}
  // Adds the properties (and key) of vertex `id` to `out`; a vertex deleted since is left as is.
  void Fill(graph::VertexId id, v1::Vertex* out);

 private:
  graph::GraphReader* reader_;
};

// A Gremlin result. `filler` may be null (vertices stay references: id and labels).
void QueryValueToProto(const query::Value& value, v1::Value* out, VertexFiller* filler);

// A user's extraction (Document.extraction) of `document`, as ingest::ExtractionFromInput takes
// it: what the proto's comment says is read, nothing checked but the qualifiers' values
// (INVALID_ARGUMENT "document ID: relation N: qualifier 'K': why").
absl::StatusOr<ingest::ExtractionInput> ExtractionInputFromProto(
    const v1::DocumentExtraction& extraction, ingest::Document document);

}  // namespace kg::server

#endif  // KG_SERVER_CONVERT_H_
