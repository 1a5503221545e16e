// Importing vertices and edges from files: CSV/TSV with typed headers (columns.h), JSON Lines and
// GraphSON 3.0 (graphson_reader.h).
//
//   kg::import::ImportOptions options;
//   options.max_bad_rows = 10;                          // --skip_bad_rows=10
//   options.bad_rows_report = "import-bad-rows.txt";
//   auto sink = kg::import::NewBulkLoadSink(graph, {}); // offline: one atomic ingest
//   absl::StatusOr<kg::import::ImportSummary> summary =
//       kg::import::ImportFiles({"companies.csv", "supplies.csv"}, *sink, options);
//
// Every row is parsed and validated (types, column counts, UTF-8, that every edge names a vertex
// of the import or of the database) before anything it implies is visible. Into an atomic sink
// (the offline bulk load) one pass does both, and a bad row abandons the load. Into a sink that
// commits as it goes (online), a first pass validates everything and writes nothing, and a second
// pass sends the rows. Either way a bad row fails the whole import with nothing written, with its
// file, line, column and what was expected; unless max_bad_rows allows it, in which case the row
// is skipped and written with its reason to the report file. A dry run validates only.
//
// Vertex files are read before edge files. A vertex's key is its id (CSV `:ID`, JSON `key`),
// unique within its first label; importing a vertex that exists merges into it, as an upsert does.
//
// JSON Lines: one object per line, a vertex `{"label": L | [L...], "key": K, "id": ID?,
// "props": {...}}` or an edge `{"from": F, "to": T, "label": L, "props": {...}}`, where F and T
// are `[label, key]` or the `id` of an earlier vertex line.
#ifndef KG_IMPORT_IMPORT_H_
#define KG_IMPORT_IMPORT_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "graph/bulk_loader.h"
#include "graph/graph.h"

namespace kg::import {

struct ImportProgress {
  int64_t rows = 0;
  uint64_t bytes_done = 0;   // over both passes
  uint64_t bytes_total = 0;  // twice the input size (once for a dry run)
  double seconds = 0;
};

struct ImportOptions {
  bool dry_run = false;
  // Rows that may be bad before the import fails; skipped rows go to bad_rows_report.
  int64_t max_bad_rows = 0;
  std::string bad_rows_report = "import-bad-rows.txt";
  // Called now and then (about ten times a second) during both passes.
  std::function<void(const ImportProgress&)> on_progress;
  // Asked every 1,024 rows; true stops the import with CANCELLED (a server whose client went
  // away). What a transaction sink committed before stays; an atomic sink writes nothing.
  std::function<bool()> cancelled;
  // With parse_threads > 0, an edge CSV file of an offline import is checked and its ids looked
  // up on that many threads, in blocks of about parse_block_bytes (import/csv_blocks.h); its rows
  // still reach the sink one at a time and in order, so the outcome is the same with any value.
  // 0: one thread splits the fields ahead (CsvReadAhead) and the caller does the rest. Two by
  // default: on a quiet 2-core machine the rows phase takes 0.93x the wall time and 0.96x the
  // CPU of the one-thread reader (bench/README.md, import_bench, session 6); under heavy load
  // from other processes the one-thread reader was faster.
  int parse_threads = 2;
  size_t parse_block_bytes = 128 << 10;
};

struct ImportSummary {
  int64_t vertex_rows = 0;
  int64_t edge_rows = 0;
  int64_t bad_rows = 0;
  int64_t vertices_created = 0;
  int64_t vertices_merged = 0;
  int64_t edges_created = 0;
  int64_t edges_merged = 0;
  double seconds = 0;
  // Offline only: what the bulk load wrote (key/values, their raw bytes, the files' bytes).
  uint64_t stored_entries = 0;
  uint64_t stored_raw_bytes = 0;
  uint64_t stored_file_bytes = 0;
};

// One end of an edge: the vertex's first label and key, and its id when the sink gave one.
struct Endpoint {
  std::string_view label;
  std::string_view key;
  graph::VertexId id = 0;  // 0: unknown, resolve by (label, key)
};

// Where validated rows go: the offline bulk loader or batched transactions.
class RowSink {
 public:
  virtual ~RowSink() = default;
  // True when nothing the sink is sent becomes visible before Finish() (the bulk load): then one
  // pass both validates and writes, since abandoning the sink on a bad row writes nothing.
  virtual bool atomic() const = 0;
  // Whether a vertex with this (label, key) is in the database (edges may name one).
  virtual absl::StatusOr<bool> Exists(std::string_view label, std::string_view key) = 0;
  // Returns the vertex id when the sink knows it at once.
  virtual absl::StatusOr<graph::VertexId> Vertex(const std::vector<std::string>& labels,
                                                 std::string_view key,
                                                 const std::vector<graph::PropertyWrite>& props) = 0;
  virtual absl::Status Edge(const Endpoint& from, std::string_view label, const Endpoint& to,
                            const std::vector<graph::PropertyWrite>& props) = 0;
  // Told when only edges follow: the bulk sink starts writing its vertices then.
  virtual absl::Status NoMoreVertices() { return absl::OkStatus(); }
  // Makes everything sent so far durable (the bulk sink: the one atomic ingest).
  virtual absl::Status Finish(ImportSummary* summary) = 0;
};

// Offline: everything goes into one bulk load, ingested atomically by Finish().
absl::StatusOr<std::unique_ptr<RowSink>> NewBulkLoadSink(graph::Graph& graph,
                                                         const graph::BulkLoadOptions& options);

// Online: rows are committed in transactions of `batch_rows` rows; `on_commit` is told how many
// rows are durable after each commit.
std::unique_ptr<RowSink> NewTransactionSink(graph::Graph& graph, int64_t batch_rows,
                                            std::function<void(int64_t rows_committed)> on_commit = {});

// For a dry run without a database: validates only; edges can name only vertices of the import.
std::unique_ptr<RowSink> NewValidationSink();

// Imports files into a sink. Formats come from the extension: .csv, .tsv, .jsonl/.ndjson, and
// .json for GraphSON 3.0 (import/graphson_reader.h says how its ids become keys).
absl::StatusOr<ImportSummary> ImportFiles(const std::vector<std::string>& paths, RowSink& sink,
                                          const ImportOptions& options);

}  // namespace kg::import

#endif  // KG_IMPORT_IMPORT_H_
