// GraphTxn over a kv::Txn: every mutation of graph/, with the index, counter and provenance
// maintenance that keeps the layout's invariants (see layout.h). Internal.
#ifndef KG_GRAPH_GRAPH_TXN_H_
#define KG_GRAPH_GRAPH_TXN_H_

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "graph/catalog.h"
#include "graph/codec.h"
#include "graph/edge_row_cache.h"
#include "graph/graph.h"
#include "graph/kv/kv.h"
#include "graph/provenance_buffer.h"
#include "graph/reader_impl.h"
#include "graph/row_cache.h"

namespace kg::graph {

// State a transaction shares with the Graph that runs it.
struct TxnContext {
  const Catalog* catalog;
  const std::vector<std::string>* alias_properties;
  uint64_t next_id;  // in: the first free id; out: the first id this transaction did not use
  CatalogDelta delta;
  // Committed rows shared by the Graph's transactions (nullptr: none); read-only here.
  RowCache* row_cache = nullptr;
  // Out: the rows this transaction read from the store or wrote, for row_cache once it commits.
  std::vector<RowUpdate> row_updates;
  // The same for edge rows.
  EdgeRowCache* edge_row_cache = nullptr;
  std::vector<EdgeRowUpdate> edge_updates;
};

class TxnImpl : public ReaderImpl<GraphTxn> {
 public:
  TxnImpl(kv::Txn* txn, TxnContext* context);

  std::optional<LabelId> FindLabel(std::string_view name) const override;
  std::string LabelName(LabelId id) const override;
  // The transaction's view of the row (its own writes, then the committed-row cache, then the
  // store), as the other reads of rows in a write do: an ingest asks for the vertex an alias
  // names, mostly one an earlier document of the transaction or an earlier one wrote.
  absl::StatusOr<std::optional<Vertex>> GetVertex(VertexId id) override;

  absl::StatusOr<VertexId> AddVertex(const std::vector<std::string>& labels, std::string_view key,
                                     const Value& external_id,
                                     const std::vector<PropertyWrite>& properties) override;
  absl::StatusOr<UpsertResult> UpsertVertex(std::string_view label, std::string_view key,
                                            const std::vector<PropertyWrite>& properties) override;
  absl::Status AddVertexLabels(VertexId id, const std::vector<std::string>& labels) override;
  absl::Status SetVertexProperty(VertexId id, const PropertyWrite& property) override;
  absl::Status RemoveVertexProperty(VertexId id, std::string_view key) override;
  absl::Status RemoveVertexPropertyValue(VertexId id, std::string_view key,
                                         const Value& value) override;
  absl::Status DeleteVertex(VertexId id) override;

  absl::StatusOr<EdgeKey> AddEdge(VertexId src, std::string_view label, VertexId dst,
                                  const Value& external_id,
                                  const std::vector<PropertyWrite>& properties) override;
  absl::StatusOr<EdgeUpsertResult> UpsertEdge(
      VertexId src, std::string_view label, VertexId dst, uint64_t rank,
      const std::vector<PropertyWrite>& properties) override;
  absl::Status SetEdgeProperty(const EdgeKey& key, std::string_view name,
                               const Value& value) override;
  absl::Status RemoveEdgeProperty(const EdgeKey& key, std::string_view name) override;
  absl::Status DeleteEdge(const EdgeKey& key) override;

  // The count space as this transaction sees it: the edge counters summed so far are written
  // into the transaction first.
  absl::StatusOr<int64_t> CountEdges(std::optional<LabelId> label) override;
  absl::StatusOr<int64_t> Degree(VertexId vertex, Direction direction,
                                 std::optional<LabelId> label) override;

  absl::Status PutDocument(const Document& document) override;
  absl::Status AddEvidence(const ElementRef& element, const Evidence& evidence) override;
  absl::StatusOr<RetractReport> RetractDocument(std::string_view doc_id) override;
  // Provenance reads see this transaction's evidence.
  absl::StatusOr<std::vector<Evidence>> GetEvidence(const ElementRef& element) override;
  std::unique_ptr<Stream<ElementRef>> ScanSupported(std::string_view doc_id) override;

  // Declares an index inside this transaction and fills it from existing vertices.
  absl::Status DeclareIndex(const IndexSpec& spec);

  // Writes the id high-water mark and hands the rows over to context->row_updates; called once,
  // after the caller's closure succeeded.
  void Finish();

 protected:
  std::vector<IndexDef> IndexDefs() const override;

 private:
  absl::StatusOr<LabelId> InternLabel(std::string_view name);
  // AddVertex once the key is canonical and known to be free.
  absl::StatusOr<VertexId> CreateVertex(const std::vector<std::string>& labels,
                                        std::string canonical_key, const Value& external_id,
                                        const std::vector<PropertyWrite>& properties);
  // The row of `id` as this transaction sees it (nullptr: no such vertex), cached in rows_.
  absl::StatusOr<const codec::VertexRow*> CachedRow(VertexId id);
  absl::StatusOr<codec::VertexRow> LoadExistingRow(VertexId id);
  // The vertex a unique-key entry names, as this transaction sees it.
  absl::StatusOr<std::optional<VertexId>> FindUnique(const std::string& unique_key);
  // The index-space keys a vertex row implies: label membership, aliases, property indexes.
  absl::StatusOr<std::set<std::string>> IndexEntries(VertexId id, const codec::VertexRow& row);
  // Writes `after` as the row of `id` (nullopt deletes it), updating indexes and counters by the
  // difference from `before` (nullptr: a new vertex; it may be CachedRow's entry for `id`).
  absl::Status WriteRow(VertexId id, const codec::VertexRow* before,
                        std::optional<codec::VertexRow> after);
  absl::Status CreateEdge(const EdgeKey& key, const Value& external_id,
                          const std::vector<PropertyWrite>& properties);
  // The row of `key` as this transaction sees it (nullptr: no such edge). An edge between
  // vertices that existed before this transaction is kept in edges_ and may come from the
  // context's EdgeRowCache without a read.
  absl::StatusOr<std::shared_ptr<const codec::EdgeRow>> CachedEdgeRow(const EdgeKey& key);
  // Writes `row` as the row of `key` (nullopt deletes it), keeping edges_.
  void WriteEdgeRow(const EdgeKey& key, std::optional<codec::EdgeRow> row);
  // Whether the committed state may hold `key`: neither end was created by this transaction
  // (only such edges go through edges_ and the EdgeRowCache).
  bool MayBeCommitted(const EdgeKey& key) const {
    return !created_vertices_.contains(key.src) && !created_vertices_.contains(key.dst);
  }
  // Whether `key` certainly does not exist, known without a read.
  bool EdgeIsKnownAbsent(const EdgeKey& key) const;
  absl::Status RequireVertex(VertexId id);
  absl::Status RequireElement(const ElementRef& element);
  // Whether the document exists (NOT_FOUND otherwise) and is fresh: it has no provenance beyond
  // what this transaction added, because this transaction created it (or retracted it first).
  absl::StatusOr<bool> DocumentIsFresh(const std::string& doc_id);
  uint64_t AllocateId() { return context_->next_id++; }
  // Adds `delta` to the four counters an edge changes (its label's, all edges', and the degrees
  // of its ends), in pending_counts_.
  void CountEdge(const EdgeKey& key, int64_t delta);
  // Writes pending_counts_ into the transaction (one AddInt64 per counter) and empties it.
  void FlushEdgeCounts();

  kv::Txn* txn_;
  TxnContext* context_;
  uint64_t first_id_;  // context_->next_id when the transaction began
  absl::flat_hash_set<VertexId> live_vertices_;  // known to exist in this transaction
  absl::flat_hash_set<VertexId> created_vertices_;  // by this transaction
  // What an ingest asks again and again within one transaction (AddEvidence for every entity
  // and relation of a document): which documents exist and are fresh and which edges exist, so
  // that each costs one lookup, not one per call; the provenance rows read or written so far.
  absl::flat_hash_set<EdgeKey> live_edges_;
  absl::flat_hash_map<std::string, bool> known_documents_;  // doc id -> fresh
  std::optional<std::pair<std::string, bool>> last_document_;  // DocumentIsFresh's last answer
  ProvenanceBuffer provenance_;
  // Vertex rows and unique keys read or written so far: an entity named by several documents
  // of one transaction is read once, and one that earlier transactions read or wrote comes
  // from the context's RowCache without a read. Every row write goes through WriteRow, which
  // keeps both.
  struct TxnRow {
    std::shared_ptr<const codec::VertexRow> row;  // nullptr: deleted by this transaction
    size_t encoded_bytes = 0;
    bool publish = false;  // read from the store or written here: goes to the RowCache
  };
  absl::flat_hash_map<VertexId, TxnRow> rows_;  // CachedRow's pointers: into the shared rows
  // UniqueKey -> vertex; kNoVertex: the key was freed by this transaction.
  absl::flat_hash_map<std::string, VertexId> unique_ids_;
  // Edge rows between vertices older than this transaction, read or written so far; what it
  // wrote or read from the store goes to the EdgeRowCache once it commits. Every edge row
  // write goes through WriteEdgeRow.
  struct TxnEdge {
    enum class Origin : uint8_t { kCache, kStore, kWritten };
    std::shared_ptr<const codec::EdgeRow> row;  // nullptr: no such edge
    size_t encoded_bytes = 0;
    Origin origin = Origin::kStore;
  };
  absl::flat_hash_map<EdgeKey, TxnEdge> edges_;
  // The edge counters' additions, summed per counter until the transaction ends or reads the
  // count space: a new edge changes four counters, and a document's ~25 edges share their
  // source's, so summing them here saves three of four key encodings and buffer writes per
  // edge. The same sums reach the same keys (the write buffer sums additions too).
  struct EdgeCounter {
    VertexId vertex = 0;  // 0 with kTotal: all edges; 0 with kLabel: the label's edges
    LabelId label = 0;
    enum class Kind : uint8_t { kTotal, kLabel, kOut, kIn } kind = Kind::kTotal;
    friend bool operator==(const EdgeCounter&, const EdgeCounter&) = default;
    template <typename H>
    friend H AbslHashValue(H h, const EdgeCounter& c) {
      return H::combine(std::move(h), c.vertex, c.label, c.kind);
    }
  };
  absl::flat_hash_map<EdgeCounter, int64_t> pending_counts_;
  static constexpr VertexId kNoVertex = 0;
};

}  // namespace kg::graph

#endif  // KG_GRAPH_GRAPH_TXN_H_
