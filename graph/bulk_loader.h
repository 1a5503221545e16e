// Offline bulk load: many vertices and edges into the store at the speed of the disk.
//
//   ASSIGN_OR_RETURN(std::unique_ptr<BulkLoader> loader, graph->StartBulkLoad({}));
//   ASSIGN_OR_RETURN(VertexId a, loader->UpsertVertex({"Company"}, "c1", {{"name", "Acme"}}));
//   ASSIGN_OR_RETURN(VertexId b, loader->UpsertVertex({"Country"}, "US", {}));
//   RETURN_IF_ERROR(loader->UpsertEdge(a, "BASED_IN", b, {}));
//   ASSIGN_OR_RETURN(BulkLoadReport report, loader->Commit());
//
// Instead of one transaction per row, the loader sorts everything in bounded memory (edges as they
// arrive, on background threads, spilling sorted runs to disk), writes one file per key space
// (vertex rows, the unique-key, alias, label and declared property indexes, the counters, the
// dictionaries; the out-edges and the in-edges in two files of the adjacency space, written on
// their own threads, and their degree counters on a third as they come) and hands them to the
// store in one atomic ingest: after a crash at any moment the database holds the whole load or
// none of it, and nothing is visible before Commit().
//
// Semantics are those of GraphTxn::UpsertVertex / UpsertEdge(rank 0): a vertex is keyed by its
// (first label, canonical key) and merges into an existing one, properties by their cardinality,
// extra labels by union; an edge (src, label, dst) merges its properties into an existing one,
// and repeated edges within one load merge too. Other writers wait while a load is open.
#ifndef KG_GRAPH_BULK_LOADER_H_
#define KG_GRAPH_BULK_LOADER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "graph/graph.h"

namespace kg::graph {

struct BulkLoadOptions {
  // Memory for the sort buffers (3/8 for each edge direction, 1/8 each for the vertex index and
  // key entries); beyond it, sorted runs spill to disk in the database directory. Per-vertex
  // state comes on top (the key map and encoded rows, with the CSV importer's id table about 90
  // bytes a vertex).
  size_t memory_bytes = 512 << 20;
};

struct BulkLoadReport {
  int64_t vertices_created = 0;
  int64_t vertices_merged = 0;  // rows that named a vertex already in the database or the load
  int64_t edges_created = 0;
  int64_t edges_merged = 0;
  uint64_t bytes_written = 0;  // size of the ingested files
  uint64_t entries = 0;        // key/values written, over every key space
  uint64_t raw_bytes = 0;      // their key and value bytes, before compression
};

class BulkLoader {
 public:
  // Destroying a loader without Commit() discards the load.
  virtual ~BulkLoader() = default;

  virtual absl::StatusOr<VertexId> UpsertVertex(const std::vector<std::string>& labels,
                                                std::string_view key,
                                                const std::vector<PropertyWrite>& properties) = 0;
  // The vertex with this (first label, key), of this load or of the database.
  virtual absl::StatusOr<std::optional<VertexId>> FindVertex(std::string_view label,
                                                             std::string_view key) = 0;
  // Both ends must be vertices of this load or of the database (NOT_FOUND otherwise).
  virtual absl::Status UpsertEdge(VertexId src, std::string_view label, VertexId dst,
                                  const std::vector<PropertyWrite>& properties) = 0;
  // Promises that no UpsertVertex follows (edges and lookups may): the vertex rows and their
  // index entries are then written on a thread of their own while edges are still being added.
  // Optional; Commit() does it otherwise.
  virtual absl::Status NoMoreVertices() = 0;
  virtual absl::StatusOr<BulkLoadReport> Commit() = 0;
};

}  // namespace kg::graph

#endif  // KG_GRAPH_BULK_LOADER_H_
