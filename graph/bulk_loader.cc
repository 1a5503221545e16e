#include "graph/bulk_loader.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <map>
#include <set>
#include <thread>
#include <tuple>
#include <unordered_map>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "graph/absl_compat.h"
#include "graph/bulk/degree_writer.h"
#include "graph/bulk/edge_files.h"
#include "graph/bulk/edge_sorter.h"
#include "graph/bulk/external_sorter.h"
#include "graph/graph_impl.h"
#include "graph/index_entries.h"
#include "graph/normalize.h"
#include "graph/properties.h"

namespace kg::graph {
namespace {

using kv::Space;

// Shares of BulkLoadOptions::memory_bytes: the two edge sorters hold their records from the first
// edge to the end; the vertex index and key sorters work only at Commit(), beside them.
constexpr size_t kEdgeSorterEighths = 3;
constexpr size_t kVertexSorterEighths = 1;

class BulkLoaderImpl : public BulkLoader {
 public:
  BulkLoaderImpl(GraphImpl* graph, const BulkLoadOptions& options)
      : graph_(graph),
        lock_(graph->write_mu()),
        options_(options),
        temp_dir_(graph->dir() + "/.bulk"),
        first_id_(graph->next_id()),
        next_id_(first_id_) {}

  ~BulkLoaderImpl() override {
    abandoned_ = true;
    if (vertex_writer_.joinable()) vertex_writer_.join();
  }

  absl::Status Init() {
    absl::StatusOr<std::unique_ptr<kv::BulkWriter>> writer =
        graph_->store().StartBulkWrite(temp_dir_);
    if (!writer.ok()) return writer.status();
    writer_ = *std::move(writer);
    absl::StatusOr<std::unique_ptr<kv::ReadView>> snapshot = graph_->store().Snapshot();
    if (!snapshot.ok()) return snapshot.status();
    snapshot_ = *std::move(snapshot);
    std::unique_ptr<kv::Cursor> c = snapshot_->Scan(Space::kVertex, "", "");
    std::string_view k, v;
    database_empty_ = !c->Next(&k, &v);
    if (!c->status().ok()) return c->status();
    size_t edge_budget = options_.memory_bytes / 8 * kEdgeSorterEighths;
    out_edges_ = std::make_unique<bulk::EdgeSorter>(temp_dir_, "out", edge_budget);
    in_edges_ = std::make_unique<bulk::EdgeSorter>(temp_dir_, "in", edge_budget);
    return absl::OkStatus();
  }

  absl::StatusOr<VertexId> UpsertVertex(const std::vector<std::string>& labels,
                                        std::string_view key,
                                        const std::vector<PropertyWrite>& properties) override {
    if (committed_) return absl::FailedPreconditionError("the bulk load was committed");
    if (vertices_done_) {
      return absl::FailedPreconditionError("a vertex after NoMoreVertices() in a bulk load");
    }
    if (labels.empty()) return absl::InvalidArgumentError("a vertex needs at least one label");
    if (key.empty()) return absl::InvalidArgumentError("a bulk-loaded vertex needs a key");
    for (const PropertyWrite& p : properties) {
      if (absl::Status s = ValidateProperty(p); !s.ok()) return s;
    }
    std::vector<LabelId> lids;
    for (const std::string& label : labels) {
      absl::StatusOr<LabelId> lid = InternLabel(label);
      if (!lid.ok()) return lid.status();
      if (std::find(lids.begin(), lids.end(), *lid) == lids.end()) lids.push_back(*lid);
    }
    absl::StatusOr<std::string> canonical = CanonicalKey(key);
    if (!canonical.ok()) return canonical.status();
    std::string unique = layout::UniqueKey(lids[0], *canonical);
    absl::StatusOr<std::optional<VertexId>> existing = FindVertexId(unique);
    if (!existing.ok()) return existing.status();
    if (!existing->has_value()) {
      VertexId id = next_id_++;
      codec::VertexRow fresh;
      fresh.labels = lids;
      fresh.key = *std::move(canonical);
      for (const PropertyWrite& p : properties) ApplyVertexProperty(&fresh.properties, p);
      StoreNewRow(id, fresh);
      by_key_.emplace(std::move(unique), id);
      ++report_.vertices_created;
      return id;
    }
    VertexId id = **existing;
    bool is_new = id >= first_id_;
    codec::VertexRow row = is_new ? LoadNewRow(id) : merged_.at(id).second;
    for (LabelId l : lids) {
      if (std::find(row.labels.begin(), row.labels.end(), l) == row.labels.end()) {
        row.labels.push_back(l);
      }
    }
    for (const PropertyWrite& p : properties) ApplyVertexProperty(&row.properties, p);
    if (is_new) {
      StoreNewRow(id, row);
    } else {
      merged_.at(id).second = std::move(row);
    }
    ++report_.vertices_merged;
    return id;
  }

  absl::StatusOr<std::optional<VertexId>> FindVertex(std::string_view label,
                                                     std::string_view key) override {
    std::optional<LabelId> lid = FindLabel(label);
    if (!lid) return std::nullopt;
    absl::StatusOr<std::string> canonical = CanonicalKey(key);
    if (!canonical.ok()) return canonical.status();
    return FindVertexId(layout::UniqueKey(*lid, *canonical));
  }

  absl::Status UpsertEdge(VertexId src, std::string_view label, VertexId dst,
                          const std::vector<PropertyWrite>& properties) override {
    if (committed_) return absl::FailedPreconditionError("the bulk load was committed");
    for (VertexId v : {src, dst}) {
      if (absl::Status s = RequireVertex(v); !s.ok()) return s;
    }
    absl::StatusOr<LabelId> lid = InternEdgeLabel(label);
    if (!lid.ok()) return lid.status();
    codec::EdgeRow row;
    for (const PropertyWrite& p : properties) {
      if (absl::Status s = ValidateProperty(p); !s.ok()) return s;
      ApplyEdgeProperty(&row.properties, p.key, p.value);
    }
    if (absl::Status s = out_edges_->Add(src, *lid, dst, codec::EncodeEdgeRow(row)); !s.ok()) {
      return s;
    }
    return in_edges_->Add(dst, *lid, src, "");
  }

  // Vertex rows with their index and key entries touch state and files of their own: once no
  // vertex can change they are written on their own thread, beside the edges still arriving.
  absl::Status NoMoreVertices() override {
    if (committed_) return absl::FailedPreconditionError("the bulk load was committed");
    if (vertices_done_) return absl::OkStatus();
    vertices_done_ = true;
    vertex_labels_ = delta_.labels;  // edge labels interned from now on are no vertex's
    vertex_writer_ = std::thread([this] { vertices_status_ = WriteVerticesAndIndexes(); });
    return absl::OkStatus();
  }

  absl::StatusOr<BulkLoadReport> Commit() override {
    if (absl::Status s = NoMoreVertices(); !s.ok()) return s;
    committed_ = true;
    // Within each file keys strictly ascend. The out-edges and the in-edges, like the vertex
    // rows, touch disjoint state and files: each is written on its own thread, sorting the last
    // of its records and building its file's blocks there; a fourth thread writes their degree
    // counters as they come. The label counts and the totals need all of them.
    if (absl::Status s = WriteMeta(); !s.ok()) return s;
    // The counter space in three files of disjoint key ranges: the degrees (03), written beside
    // the edge files as their degrees arrive, and before and after them the label counts (01,
    // 02) and the totals (04, 05), which need every edge.
    std::array<kv::BulkFile*, 3> counts{};
    for (kv::BulkFile*& f : counts) {
      absl::StatusOr<kv::BulkFile*> made = writer_->NewFile(Space::kCount, /*no_deletions=*/true);
      if (!made.ok()) return made.status();
      f = *made;
    }
    bulk::DegreeWriter degrees(*counts[1]);
    absl::Status in_status;
    std::thread in_edges([&] { in_status = WriteInEdges(&degrees); });
    absl::Status out_status = WriteOutEdges(&degrees);
    in_edges.join();
    vertex_writer_.join();
    absl::Status degrees_status = degrees.Finish();
    for (const absl::Status& s : {vertices_status_, out_status, in_status, degrees_status}) {
      if (!s.ok()) return s;
    }
    if (absl::Status s = WriteCounts(*counts[0], *counts[2]); !s.ok()) return s;
    graph_->catalog().Apply(delta_);  // before the ingest: see GraphImpl::RunWrite
    if (absl::Status s = writer_->Commit(); !s.ok()) {
      graph_->catalog().Revert(delta_);
      return s;
    }
    graph_->set_next_id(next_id_);
    report_.bytes_written = writer_->BytesWritten();
    report_.entries = writer_->EntriesAdded();
    report_.raw_bytes = writer_->RawBytesAdded();
    writer_.reset();  // removes the staging directory
    return report_;
  }

 private:
  absl::StatusOr<LabelId> InternLabel(std::string_view name) {
    for (const auto& [n, id] : delta_.labels) {
      if (n == name) return id;
    }
    if (std::optional<LabelId> id = graph_->catalog().FindLabel(name)) return *id;
    if (name.empty()) return absl::InvalidArgumentError("label is empty");
    if (absl::Status s = ValidateText("label", name); !s.ok()) return s;
    LabelId id = graph_->catalog().next_label() + static_cast<LabelId>(delta_.labels.size());
    delta_.labels.emplace_back(std::string(name), id);
    return id;
  }

  // Edge files mostly repeat one label row after row: the last one is remembered.
  absl::StatusOr<LabelId> InternEdgeLabel(std::string_view name) {
    if (last_edge_label_ && name == last_edge_label_->first) return last_edge_label_->second;
    absl::StatusOr<LabelId> id = InternLabel(name);
    if (id.ok()) last_edge_label_.emplace(std::string(name), *id);
    return id;
  }

  std::optional<LabelId> FindLabel(std::string_view name) const {
    for (const auto& [n, id] : delta_.labels) {
      if (n == name) return id;
    }
    return graph_->catalog().FindLabel(name);
  }

  // The vertex with this unique key: one of this load, or an existing one (whose row is loaded
  // on first use and kept, to be merged); nullopt when there is none.
  absl::StatusOr<std::optional<VertexId>> FindVertexId(const std::string& unique) {
    auto it = by_key_.find(unique);
    if (it != by_key_.end()) return it->second;
    if (database_empty_) return std::nullopt;
    absl::StatusOr<std::optional<std::string>> id_bytes = snapshot_->Get(Space::kKey, unique);
    if (!id_bytes.ok()) return id_bytes.status();
    if (!id_bytes->has_value()) return std::nullopt;
    VertexId id;
    if (!layout::DecodeVertexKey(**id_bytes, &id)) return CorruptRow("key index", "");
    absl::StatusOr<std::optional<std::string>> bytes = snapshot_->Get(Space::kVertex, **id_bytes);
    if (!bytes.ok()) return bytes.status();
    codec::VertexRow row;
    if (!bytes->has_value() || !codec::DecodeVertexRow(**bytes, &row)) {
      return CorruptRow("vertex", absl::StrCat(id));
    }
    by_key_.emplace(unique, id);
    if (vertices_done_) {
      existing_ids_.insert(id);  // merged_ belongs to the vertex writer now; no row can change
    } else {
      merged_.emplace(id, std::make_pair(row, row));
    }
    return id;
  }

  // Rows of new vertices are kept encoded, back to back in one arena: a few bytes each instead
  // of a struct with several heap allocations, which matters at millions of vertices. A row
  // merged again is re-encoded at the end of the arena.
  void StoreNewRow(VertexId id, const codec::VertexRow& row) {
    std::string bytes = codec::EncodeVertexRow(row);
    RowSlot slot{rows_arena_.size(), static_cast<uint32_t>(bytes.size())};
    rows_arena_.append(bytes);
    size_t index = id - first_id_;
    if (index == row_slots_.size()) {
      row_slots_.push_back(slot);
    } else {
      row_slots_[index] = slot;
    }
  }

  std::string_view NewRowBytes(size_t index) const {
    return std::string_view(rows_arena_).substr(row_slots_[index].offset, row_slots_[index].size);
  }

  codec::VertexRow LoadNewRow(VertexId id) const {
    codec::VertexRow row;
    codec::DecodeVertexRow(NewRowBytes(id - first_id_), &row);  // encoded by StoreNewRow
    return row;
  }

  absl::Status RequireVertex(VertexId id) {
    if ((id >= first_id_ && id < next_id_) || merged_.count(id) || existing_ids_.count(id)) {
      return absl::OkStatus();
    }
    if (!database_empty_ && id < first_id_) {
      absl::StatusOr<std::optional<std::string>> row =
          snapshot_->Get(Space::kVertex, layout::VertexKey(id));
      if (!row.ok()) return row.status();
      if (row->has_value()) return absl::OkStatus();
    }
    return absl::NotFoundError(absl::StrCat("vertex ", id, " does not exist"));
  }

  absl::Status WriteMeta() {
    std::map<std::string, std::string> meta;
    for (const auto& [name, id] : delta_.labels) {
      std::string id_bytes;
      codec::PutU32BE(&id_bytes, id);
      meta[layout::LabelByNameKey(name)] = id_bytes;
      meta[layout::LabelByIdKey(id)] = name;
    }
    meta[std::string(layout::kNextIdKey)] = kv::EncodeCounter(static_cast<int64_t>(next_id_));
    for (const auto& [k, v] : meta) {
      if (absl::Status s = writer_->Put(Space::kMeta, k, v); !s.ok()) return s;
    }
    return absl::OkStatus();
  }

  // Vertex rows in id order (merged existing ones first: their ids are older), with the index
  // and key entries they imply and their label counts.
  absl::Status WriteVerticesAndIndexes() {
    size_t budget = options_.memory_bytes / 8 * kVertexSorterEighths;
    bulk::ExternalSorter index(temp_dir_, "index", budget), keys(temp_dir_, "key", budget);
    std::vector<IndexDef> defs = graph_->catalog().Indexes();
    auto find_label = [this](std::string_view name) -> std::optional<LabelId> {
      for (const auto& [n, id] : vertex_labels_) {
        if (n == name) return id;
      }
      return graph_->catalog().FindLabel(name);
    };
    auto entries = [&](VertexId id, const codec::VertexRow& row) {
      return IndexEntriesFor(id, row, graph_->options().alias_properties, defs, find_label);
    };
    for (auto& [id, rows] : merged_) {
      const auto& [before, after] = rows;
      if (before.labels == after.labels && before.properties == after.properties) continue;
      absl::StatusOr<std::set<std::string>> old_entries = entries(id, before);
      absl::StatusOr<std::set<std::string>> new_entries = entries(id, after);
      if (!old_entries.ok()) return old_entries.status();
      if (!new_entries.ok()) return new_entries.status();
      for (const std::string& k : *old_entries) {
        if (!new_entries->count(k)) {
          if (absl::Status s = index.Add(k, "D"); !s.ok()) return s;
        }
      }
      for (const std::string& k : *new_entries) {
        if (!old_entries->count(k)) {
          if (absl::Status s = index.Add(k, "P"); !s.ok()) return s;
        }
      }
      for (LabelId l : after.labels) {
        if (std::find(before.labels.begin(), before.labels.end(), l) == before.labels.end()) {
          ++vertices_by_label_[l];
        }
      }
      if (absl::Status s =
              writer_->Put(Space::kVertex, layout::VertexKey(id), codec::EncodeVertexRow(after));
          !s.ok()) {
        return s;
      }
    }
    for (size_t i = 0; i < row_slots_.size(); ++i) {
      if ((i & 0xFFFF) == 0 && abandoned_) {
        return absl::CancelledError("the bulk load was abandoned");
      }
      VertexId id = first_id_ + i;
      codec::VertexRow row = LoadNewRow(id);
      absl::StatusOr<std::set<std::string>> e = entries(id, row);
      if (!e.ok()) return e.status();
      for (const std::string& k : *e) {
        if (absl::Status s = index.Add(k, "P"); !s.ok()) return s;
      }
      if (absl::Status s =
              keys.Add(layout::UniqueKey(row.labels[0], row.key), layout::VertexKey(id));
          !s.ok()) {
        return s;
      }
      for (LabelId l : row.labels) ++vertices_by_label_[l];
      if (absl::Status s = writer_->Put(Space::kVertex, layout::VertexKey(id), NewRowBytes(i));
          !s.ok()) {
        return s;
      }
    }
    total_vertices_ = static_cast<int64_t>(row_slots_.size());
    std::string().swap(rows_arena_);
    std::vector<RowSlot>().swap(row_slots_);
    if (absl::Status s = CopySorted(keys, Space::kKey, false); !s.ok()) return s;
    return CopySorted(index, Space::kIndex, true);
  }

  // Copies a sorter's output to a space; with ops, a value of "D" writes a deletion.
  absl::Status CopySorted(bulk::ExternalSorter& sorter, Space space, bool ops) {
    absl::StatusOr<std::unique_ptr<bulk::SortedStream>> sorted = sorter.Finish();
    if (!sorted.ok()) return sorted.status();
    std::string_view k, v;
    while ((*sorted)->Next(&k, &v)) {
      absl::Status s = ops ? (v == "D" ? writer_->Delete(space, k) : writer_->Put(space, k, ""))
                           : writer_->Put(space, k, v);
      if (!s.ok()) return s;
    }
    return (*sorted)->status();
  }

  // Out-edges in key order, repeats merged (later properties win), into existing ones too.
  absl::Status WriteOutEdges(bulk::DegreeWriter* degrees) {
    absl::StatusOr<std::unique_ptr<bulk::EdgeStream>> sorted = out_edges_->Finish();
    if (!sorted.ok()) return sorted.status();
    absl::StatusOr<kv::BulkFile*> file = writer_->NewFile(Space::kAdj, /*no_deletions=*/true);
    if (!file.ok()) return file.status();
    bulk::OutEdgeCounts counts;
    bulk::DegreeCounter out_degrees(degrees, Direction::kOut);
    absl::Status s = bulk::WriteOutEdges(**sorted, database(), **file, &counts, &out_degrees);
    out_degrees.Close();
    sorted->reset();
    out_edges_.reset();
    report_.edges_created = counts.created;
    report_.edges_merged += counts.merged;
    edges_by_label_ = std::move(counts.created_by_label);
    return s;
  }

  // The in-edge twins of the new edges, with their degrees.
  absl::Status WriteInEdges(bulk::DegreeWriter* degrees) {
    absl::StatusOr<std::unique_ptr<bulk::EdgeStream>> sorted = in_edges_->Finish();
    if (!sorted.ok()) return sorted.status();
    absl::StatusOr<kv::BulkFile*> file = writer_->NewFile(Space::kAdj, /*no_deletions=*/true);
    if (!file.ok()) return file.status();
    bulk::DegreeCounter in_degrees(degrees, Direction::kIn);
    absl::Status s = bulk::WriteInEdges(**sorted, database(), **file, &in_degrees);
    in_degrees.Close();
    sorted->reset();
    in_edges_.reset();
    return s;
  }

  // The database to merge into, or null when it was empty.
  kv::ReadView* database() { return database_empty_ ? nullptr : snapshot_.get(); }

  // Counter deltas as merge operands, in key order: the label counts (01, 02) into `labels`,
  // the totals (04, 05) into `totals`; the degrees (03) are written as the edges are.
  absl::Status WriteCounts(kv::BulkFile& labels, kv::BulkFile& totals) {
    for (const auto& [l, n] : vertices_by_label_) {
      if (absl::Status s = labels.AddInt64(layout::VertexCountKey(l), n); !s.ok()) return s;
    }
    for (const auto& [l, n] : edges_by_label_) {
      if (absl::Status s = labels.AddInt64(layout::EdgeCountKey(l), n); !s.ok()) return s;
    }
    if (total_vertices_ > 0) {
      if (absl::Status s = totals.AddInt64(layout::TotalVerticesKey(), total_vertices_); !s.ok()) {
        return s;
      }
    }
    if (report_.edges_created > 0) {
      return totals.AddInt64(layout::TotalEdgesKey(), report_.edges_created);
    }
    return absl::OkStatus();
  }

  GraphImpl* graph_;
  std::unique_lock<std::mutex> lock_;  // no other writer until this load ends
  BulkLoadOptions options_;
  std::string temp_dir_;
  std::unique_ptr<kv::BulkWriter> writer_;
  std::unique_ptr<kv::ReadView> snapshot_;
  bool database_empty_ = true;
  bool committed_ = false;
  // After NoMoreVertices(): the vertex writer owns merged_, the new rows and vertex_labels_ (the
  // labels interned until then), and sets vertices_by_label_, total_vertices_, vertices_status_.
  bool vertices_done_ = false;
  std::vector<std::pair<std::string, LabelId>> vertex_labels_;
  std::thread vertex_writer_;
  absl::Status vertices_status_;
  std::atomic<bool> abandoned_{false};
  CatalogDelta delta_;
  std::optional<std::pair<std::string, LabelId>> last_edge_label_;
  const uint64_t first_id_;
  uint64_t next_id_;
  struct RowSlot {
    uint64_t offset;
    uint32_t size;
  };
  std::string rows_arena_;          // encoded rows of new vertices
  std::vector<RowSlot> row_slots_;  // by id - first_id_
  std::map<VertexId, std::pair<codec::VertexRow, codec::VertexRow>> merged_;  // before, after
  absl::flat_hash_set<VertexId> existing_ids_;  // found in the database after NoMoreVertices()
  absl::flat_hash_map<std::string, VertexId> by_key_;  // unique key -> vertex
  std::unique_ptr<bulk::EdgeSorter> out_edges_, in_edges_;
  std::map<LabelId, int64_t> vertices_by_label_, edges_by_label_;
  int64_t total_vertices_ = 0;
  BulkLoadReport report_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<BulkLoader>> GraphImpl::StartBulkLoad(
    const BulkLoadOptions& options) {
  auto loader = std::make_unique<BulkLoaderImpl>(this, options);
  InvalidateRowCache();  // the loader holds the write lock until it commits or is dropped
  if (absl::Status s = loader->Init(); !s.ok()) return s;
  return std::unique_ptr<BulkLoader>(std::move(loader));
}

}  // namespace kg::graph
