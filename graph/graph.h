// kg's property graph store. This header is the whole public interface of graph/.
//
//   absl::StatusOr<std::unique_ptr<kg::graph::Graph>> g = kg::graph::Graph::Open("./kg-data", {});
//   if (!g.ok()) return g.status();
//
//   // Writes: one closure, one atomic and durable commit. Nothing is written if it fails.
//   absl::Status s = (*g)->Write([&](kg::graph::GraphTxn& txn) -> absl::Status {
//     auto us = txn.UpsertVertex("Country", "United States",
//                                {{"name", "United States"}, {"aliases", Value::List({"미국"})}});
//     if (!us.ok()) return us.status();
//     auto cn = txn.UpsertVertex("Country", "Canada", {{"name", "Canada"}});
//     if (!cn.ok()) return cn.status();
//     return txn.UpsertEdge(us->id, "IMPOSES_TARIFF", cn->id, /*rank=*/0,
//                           {{"rate_pct", 25.0}}).status();
//   });
//
//   // Reads: a consistent snapshot; iterators stream.
//   std::unique_ptr<kg::graph::GraphReader> r = (*g)->Snapshot();
//   auto ids = r->FindByAlias("미국");          // -> the United States vertex
//   auto edges = r->ScanEdges(id, Direction::kOut, r->FindLabel("IMPOSES_TARIFF"));
//   for (EdgeKey e; edges->Next(&e);) ...
//   if (!edges->status().ok()) ...
//
// Choices, and why (graph/README.md has the key layout):
//  - Vertices are keyed by an internal 64-bit id; a unique (primary label, canonical key) index
//    makes upserts of extracted entities idempotent. Canonical keys are NFKC + case-folded.
//  - Each edge is two keys (out and in) written in the same batch as its counters and index
//    entries: there are no half-edges after a crash. Properties live on the out-key only.
//  - Counts per label, per edge label and per (vertex, direction, edge label) are maintained on
//    every write, so counting never scans.
//  - Names and aliases (the values of GraphOptions::alias_properties) are indexed normalised, for
//    exact lookup across labels and prefix search.
//  - Property indexes are declared per (label, key) with a value type; they answer exact, range
//    and (for strings) prefix scans in value order.
//  - Provenance: each vertex and edge records the documents that support it. Retracting a
//    document deletes what only it supported.
//  - One writer at a time (Write() serialises); readers never block and never see half a write.
#ifndef KG_GRAPH_GRAPH_H_
#define KG_GRAPH_GRAPH_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "graph/types.h"
#include "graph/value.h"

namespace kg::graph {

class BulkLoader;
struct BulkLoadOptions;

// A pull stream of T: `for (T x; s->Next(&x);) ...; if (!s->status().ok()) ...`.
template <typename T>
class Stream {
 public:
  virtual ~Stream() = default;
  virtual bool Next(T* out) = 0;  // false at the end or on error
  virtual absl::Status status() const = 0;
};
using VertexIdStream = Stream<VertexId>;
using EdgeStream = Stream<EdgeKey>;

// A property written by an upsert or a create: key, value and, optionally, meta-properties.
struct PropertyWrite {
  PropertyWrite(std::string k, Value v) : key(std::move(k)), value(std::move(v)) {}
  PropertyWrite(std::string k, Value v, Cardinality c)
      : key(std::move(k)), value(std::move(v)), cardinality(c) {}
  std::string key;
  Value value;
  Cardinality cardinality = Cardinality::kSingle;
  std::vector<std::pair<std::string, Value>> meta;
  Value id;  // the vertex property's user-supplied id (VertexProperty::id); null when none
};

// Declared property index: vertices of `label` by the value of `key`, values of `type`
// (kInt64, kDouble, kString or kTimestamp; int32 values are widened, floats to double).
struct IndexSpec {
  std::string label;
  std::string key;
  Value::Type type = Value::Type::kString;
  friend bool operator==(const IndexSpec&, const IndexSpec&) = default;
};

// Bounds of a range scan on a property index; an absent bound is open.
struct ValueRange {
  std::optional<Value> lower;
  bool lower_inclusive = true;
  std::optional<Value> upper;
  bool upper_inclusive = false;
};

// One hit of an alias search: the vertex and the alias (as stored, not normalised) that matched.
struct AliasHit {
  VertexId id = 0;
  LabelId label = 0;  // the vertex's primary label
  std::string normalized_alias;
};

struct UpsertResult {
  VertexId id = 0;
  bool created = false;
};
struct EdgeUpsertResult {
  EdgeKey key;
  bool created = false;
};

// What retracting a document removed.
struct RetractReport {
  int64_t vertices_removed = 0;
  int64_t edges_removed = 0;
  int64_t vertices_kept = 0;  // also supported by another document
  int64_t edges_kept = 0;
};

// Counts and sizes; all maintained, none scanned.
struct GraphStats {
  int64_t vertices = 0;
  int64_t edges = 0;
  int64_t documents = 0;
  std::vector<std::pair<std::string, int64_t>> vertices_by_label;
  std::vector<std::pair<std::string, int64_t>> edges_by_label;
  uint64_t disk_bytes = 0;
};

// Read access to a consistent view of the graph: a snapshot, or a write transaction's own view
// (which includes its uncommitted writes). Streams returned by a reader must not outlive it.
class GraphReader {
 public:
  virtual ~GraphReader() = default;

  // --- dictionaries -----------------------------------------------------------------------------
  // Labels (vertex and edge labels share one dictionary). Unknown names give nullopt: a query for
  // an unknown label matches nothing; it is not an error.
  virtual std::optional<LabelId> FindLabel(std::string_view name) const = 0;
  virtual std::string LabelName(LabelId id) const = 0;

  // --- vertices ---------------------------------------------------------------------------------
  virtual absl::StatusOr<std::optional<Vertex>> GetVertex(VertexId id) = 0;
  // By (primary label, key); the key is canonicalised first.
  virtual absl::StatusOr<std::optional<VertexId>> FindVertexByKey(std::string_view label,
                                                                   std::string_view key) = 0;
  virtual absl::StatusOr<std::optional<VertexId>> FindVertexByExternalId(const Value& id) = 0;
  // Every vertex, in id order.
  virtual std::unique_ptr<VertexIdStream> ScanVertices() = 0;
  // Vertices carrying `label` (primary or not), in id order.
  virtual std::unique_ptr<VertexIdStream> ScanVerticesWithLabel(LabelId label) = 0;

  // --- names and aliases ------------------------------------------------------------------------
  // Vertices one of whose names or aliases equals `name` after normalisation, optionally only of
  // one primary label. Each vertex once, in id order.
  virtual std::unique_ptr<VertexIdStream> FindByAlias(std::string_view name,
                                                      std::optional<LabelId> label = {}) = 0;
  // Aliases starting with `prefix` (normalised), in alias order; a vertex appears once per
  // matching alias. For autocomplete.
  virtual std::unique_ptr<Stream<AliasHit>> SearchAliasPrefix(std::string_view prefix) = 0;

  // --- declared property indexes ----------------------------------------------------------------
  virtual std::vector<IndexSpec> Indexes() const = 0;
  // These return INVALID_ARGUMENT (as the stream's status) when no index covers (label, key) or
  // the value cannot be converted to the index type. Results are in value order.
  virtual std::unique_ptr<VertexIdStream> IndexExact(std::string_view label, std::string_view key,
                                                     const Value& value) = 0;
  virtual std::unique_ptr<VertexIdStream> IndexRange(std::string_view label, std::string_view key,
                                                     const ValueRange& range) = 0;
  virtual std::unique_ptr<VertexIdStream> IndexPrefix(std::string_view label, std::string_view key,
                                                      std::string_view prefix) = 0;

  // --- edges ------------------------------------------------------------------------------------
  // The edges at `vertex` in one direction, optionally of one label; one prefix scan either way.
  // Keys are always (src, label, dst, rank), whichever side was scanned. Order: by label, then
  // for out-edges by rank, which is creation order for edges AddEdge made (then dst); for
  // in-edges by the other end's id, then rank (so creation order among one source's edges).
  virtual std::unique_ptr<EdgeStream> ScanEdges(VertexId vertex, Direction direction,
                                                std::optional<LabelId> label = {}) = 0;
  // Every edge, in (src, label, rank, dst) order: each vertex's out-edges as ScanEdges lists them.
  virtual std::unique_ptr<EdgeStream> ScanAllEdges() = 0;
  virtual absl::StatusOr<std::optional<Edge>> GetEdge(const EdgeKey& key) = 0;
  virtual absl::StatusOr<std::optional<EdgeKey>> FindEdgeByExternalId(const Value& id) = 0;

  // --- maintained counts ------------------------------------------------------------------------
  virtual absl::StatusOr<int64_t> CountVertices(std::optional<LabelId> label = {}) = 0;
  virtual absl::StatusOr<int64_t> CountEdges(std::optional<LabelId> label = {}) = 0;
  virtual absl::StatusOr<int64_t> Degree(VertexId vertex, Direction direction,
                                         std::optional<LabelId> label = {}) = 0;

  // --- documents and provenance -----------------------------------------------------------------
  virtual absl::StatusOr<std::optional<Document>> GetDocument(std::string_view id) = 0;
  virtual std::unique_ptr<Stream<Document>> ScanDocuments() = 0;
  virtual absl::StatusOr<int64_t> CountDocuments() = 0;
  // Evidence recorded for an element, grouped by document.
  virtual absl::StatusOr<std::vector<Evidence>> GetEvidence(const ElementRef& element) = 0;
  // Elements a document supports.
  virtual std::unique_ptr<Stream<ElementRef>> ScanSupported(std::string_view doc_id) = 0;
};

// A write transaction: every mutation, then one atomic commit. Reads see earlier writes of the
// same transaction. Any error returned from the Write() closure discards everything.
class GraphTxn : public GraphReader {
 public:
  // --- vertices ---------------------------------------------------------------------------------
  // Creates a vertex. `labels` may be empty (a vertex without labels) unless there is a `key`;
  // `key` (optional) must be unique within labels[0] and `external_id` (optional) among
  // vertices, else ALREADY_EXISTS.
  virtual absl::StatusOr<VertexId> AddVertex(const std::vector<std::string>& labels,
                                             std::string_view key, const Value& external_id,
                                             const std::vector<PropertyWrite>& properties) = 0;
  // Get-or-create keyed by (label, canonical key), then merges `properties` into the vertex.
  virtual absl::StatusOr<UpsertResult> UpsertVertex(
      std::string_view label, std::string_view key,
      const std::vector<PropertyWrite>& properties) = 0;
  // Adds labels the vertex does not carry yet (its primary label never changes).
  virtual absl::Status AddVertexLabels(VertexId id, const std::vector<std::string>& labels) = 0;
  virtual absl::Status SetVertexProperty(VertexId id, const PropertyWrite& property) = 0;
  // Removes every value of `key` (no-op when absent).
  virtual absl::Status RemoveVertexProperty(VertexId id, std::string_view key) = 0;
  // Removes the values of `key` equal to `value` (one VertexProperty, in TinkerPop terms).
  virtual absl::Status RemoveVertexPropertyValue(VertexId id, std::string_view key,
                                                 const Value& value) = 0;
  // Deletes the vertex, every edge at it, its index entries and its provenance.
  virtual absl::Status DeleteVertex(VertexId id) = 0;

  // --- edges ------------------------------------------------------------------------------------
  // Creates an edge with a fresh rank. Both vertices must exist (NOT_FOUND otherwise).
  virtual absl::StatusOr<EdgeKey> AddEdge(VertexId src, std::string_view label, VertexId dst,
                                          const Value& external_id,
                                          const std::vector<PropertyWrite>& properties) = 0;
  // Get-or-create the edge (src, label, dst, rank), then merges `properties` into it.
  virtual absl::StatusOr<EdgeUpsertResult> UpsertEdge(
      VertexId src, std::string_view label, VertexId dst, uint64_t rank,
      const std::vector<PropertyWrite>& properties) = 0;
  virtual absl::Status SetEdgeProperty(const EdgeKey& key, std::string_view name,
                                       const Value& value) = 0;
  virtual absl::Status RemoveEdgeProperty(const EdgeKey& key, std::string_view name) = 0;
  virtual absl::Status DeleteEdge(const EdgeKey& key) = 0;

  // --- documents and provenance -----------------------------------------------------------------
  // Creates or replaces a document's metadata.
  virtual absl::Status PutDocument(const Document& document) = 0;
  // Records that `evidence.doc_id` (which must exist) supports the element.
  virtual absl::Status AddEvidence(const ElementRef& element, const Evidence& evidence) = 0;
  // Removes the document and its support; deletes elements no other document supports (an
  // element that never had any document support is never deleted by a retraction).
  virtual absl::StatusOr<RetractReport> RetractDocument(std::string_view doc_id) = 0;
};

struct GraphOptions {
  bool create_if_missing = true;
  bool read_only = false;
  // Acknowledge a write only after the WAL is fsynced.
  bool sync_writes = true;
  // Vertex properties whose string values (or lists of strings) feed the name/alias index.
  std::vector<std::string> alias_properties = {"name", "aliases"};
  size_t write_buffer_bytes = 64 << 20;
  size_t block_cache_bytes = 256 << 20;
  // Committed vertex rows (and their unique keys) kept between write transactions, so that an
  // upsert of an entity an earlier transaction read or wrote needs no read; 0 disables it.
  // Writers only: readers always read their snapshot.
  size_t row_cache_bytes = 32 << 20;
  // Committed edge rows kept the same way, so that an upsert of an edge an earlier transaction
  // read or wrote (a relation stated again by another document) needs no read; 0 disables it.
  size_t edge_row_cache_bytes = 16 << 20;
};

class Graph {
 public:
  // Opens or creates the database in `dir`. Errors: FAILED_PRECONDITION when `dir` holds
  // something that is not a kg database or a newer on-disk format; UNAVAILABLE when another
  // process has it open; DATA_LOSS on corruption; NOT_FOUND when it does not exist and
  // create_if_missing is false.
  static absl::StatusOr<std::unique_ptr<Graph>> Open(const std::string& dir,
                                                     const GraphOptions& options = {});
  virtual ~Graph() = default;

  // A consistent read view. Readers (and their streams) must not outlive the Graph.
  virtual std::unique_ptr<GraphReader> Snapshot() = 0;

  // Runs fn in a write transaction and commits atomically when it returns OK.
  virtual absl::Status Write(absl::FunctionRef<absl::Status(GraphTxn&)> fn) = 0;

  // Declares a property index and fills it from existing data, atomically. Declaring an
  // existing spec again is a no-op; the same (label, key) with another type is ALREADY_EXISTS.
  virtual absl::Status DeclareIndex(const IndexSpec& spec) = 0;

  virtual absl::StatusOr<GraphStats> Stats() = 0;

  // Online backup: a consistent copy in `dir` (which must not exist) that opens as a database.
  virtual absl::Status Backup(const std::string& dir) = 0;

  // Checks the layout's invariants on a snapshot, scanning everything: every out-edge has its
  // in-edge twin and the reverse, every index and key entry resolves to a live element that
  // implies it, every maintained count equals a full count. DATA_LOSS lists the first problems.
  virtual absl::Status Verify() = 0;

  virtual const std::string& dir() const = 0;
  // The options it was opened with (alias_properties tells the query planner which keys the
  // name/alias index answers).
  virtual const GraphOptions& options() const = 0;

  // Starts an offline bulk load (bulk_loader.h). Other writes wait until it commits or is
  // destroyed.
  virtual absl::StatusOr<std::unique_ptr<BulkLoader>> StartBulkLoad(
      const BulkLoadOptions& options) = 0;
};

// The on-disk format this build writes (2: provenance rows per vertex and document, one element
// list per document; 3: evidence names its sentence and rule in a string table per document; 4:
// out-edges keyed by rank before the other end, so they list in creation order). Open upgrades a
// format-3 database in place (unless read_only) and refuses any other.
inline constexpr int kFormatVersion = 4;

}  // namespace kg::graph

#endif  // KG_GRAPH_GRAPH_H_
