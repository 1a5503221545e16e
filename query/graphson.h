// Reads GraphSON 3.0 (TinkerPop's JSON format, one vertex per line with its edges, as written by
// GraphSONWriter with "adjacency list" layout) into a graph.
//
//   absl::StatusOr<GraphsonStats> s = ImportGraphsonFile(*graph, "tinkerpop-modern.json");
//
// Element ids in the file become external ids (what T.id shows), so `g.V(1)` finds the vertex the
// file calls 1. A vertex "label" may be a list (TinkerPop 4 multi-label). Typed values keep their
// width (g:Int32 stays int32). The whole file is imported in one write: a malformed file writes
// nothing and the error names the line.
#ifndef KG_QUERY_GRAPHSON_H_
#define KG_QUERY_GRAPHSON_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "graph/graph.h"

namespace kg::query {

struct GraphsonStats {
  int64_t vertices = 0;
  int64_t edges = 0;
};

// Imports `text` (GraphSON 3.0 lines) inside an existing write transaction.
absl::StatusOr<GraphsonStats> ImportGraphson(graph::GraphTxn& txn, std::string_view text);

// Reads the file and imports it in one Graph::Write.
absl::StatusOr<GraphsonStats> ImportGraphsonFile(graph::Graph& graph, const std::string& path);

}  // namespace kg::query

#endif  // KG_QUERY_GRAPHSON_H_
