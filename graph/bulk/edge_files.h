// The bulk loader's adjacency files: out-edge rows and their in-edge twins, each written from its
// own sorted stream into its own file of the adjacency space (out-keys and in-keys have different
// tags, so the two files hold disjoint key ranges and are written on two threads at once).
#ifndef KG_GRAPH_BULK_EDGE_FILES_H_
#define KG_GRAPH_BULK_EDGE_FILES_H_

#include <cstdint>
#include <map>

#include "absl/status/status.h"
#include "graph/bulk/degree_writer.h"
#include "graph/bulk/edge_sorter.h"
#include "graph/kv/kv.h"
#include "graph/types.h"

namespace kg::graph::bulk {

struct OutEdgeCounts {
  int64_t created = 0;
  int64_t merged = 0;  // repeats within the load and edges already in the database
  std::map<LabelId, int64_t> created_by_label;
};

// Writes the out-edge rows of `sorted` (first = src, second = dst), merging repeats (later
// properties win) and, when `database` is given, merging into the edges it already holds;
// `degrees` counts the out-degrees of the new ones.
absl::Status WriteOutEdges(EdgeStream& sorted, kv::ReadView* database, kv::BulkFile& file,
                           OutEdgeCounts* counts, DegreeCounter* degrees);

// Writes the in-edge twins of `sorted` (first = dst, second = src), once per edge, skipping the
// edges `database` (when given) already holds; `degrees` counts the in-degrees of the new ones.
absl::Status WriteInEdges(EdgeStream& sorted, kv::ReadView* database, kv::BulkFile& file,
                          DegreeCounter* degrees);

}  // namespace kg::graph::bulk

#endif  // KG_GRAPH_BULK_EDGE_FILES_H_
