// One line of a GraphSON 3.0 file (TinkerPop's "adjacency list" layout: a vertex per line, with
// its properties and its edges) as what the importer sends to a RowSink.
//
//   absl::StatusOr<GraphsonLine> line = ParseGraphsonLine(raw_line);
//   // line->vertex: labels, key, properties;  line->out_edges: label, in_key, properties
//
// How GraphSON maps onto kg's model, and why:
// - A GraphSON element id becomes the vertex's key, as a CSV `:ID` does (GraphsonKey renders 1,
//   1L and "1" alike as "1"). kg keys vertices by (first label, key), so importing the same file
//   twice merges instead of duplicating, and an edge names its ends by the ids the file uses.
// - Each edge is listed twice in a file, under outE of one end and inE of the other: it is read
//   from outE only. Edge ids are not kept: an edge is (source, label, destination).
// - Typed values keep their width (g:Int32 stays int32, g:Float stays float); g:Date and
//   g:Timestamp become timestamps; a vertex property listed more than once becomes a
//   list-cardinality property; meta-properties are kept.
//
// Errors are INVALID_ARGUMENT, "COLUMN: message"; the importer prefixes the file and line.
#ifndef KG_IMPORT_GRAPHSON_READER_H_
#define KG_IMPORT_GRAPHSON_READER_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "graph/graph.h"

namespace kg::import {

struct GraphsonEdge {
  std::string label;
  std::string in_key;  // GraphsonKey of the inV id
  std::vector<graph::PropertyWrite> props;
};

struct GraphsonLine {
  std::vector<std::string> labels;  // "vertex" when the line has none, as TinkerPop's default
  std::string key;                  // GraphsonKey of the vertex id
  std::vector<graph::PropertyWrite> props;
  std::vector<GraphsonEdge> out_edges;
};

// Parses one non-blank line. Errors are "COLUMN: message" (column 1 unless JSON syntax).
absl::StatusOr<GraphsonLine> ParseGraphsonLine(std::string_view raw);

// The key an element id becomes: integers in decimal whatever their width, strings as they are.
absl::StatusOr<std::string> GraphsonKey(const graph::Value& id);

}  // namespace kg::import

#endif  // KG_IMPORT_GRAPHSON_READER_H_
