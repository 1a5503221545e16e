// The online RowSink: rows buffered and committed in batches, each batch one transaction, so that
// what was acknowledged stays after a crash.
#include <algorithm>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "graph/absl_compat.h"
#include "import/import.h"

namespace kg::import {
namespace {

// Buffers rows and commits every batch_rows of them in one transaction.
class TransactionSink : public RowSink {
 public:
  TransactionSink(graph::Graph& graph, int64_t batch_rows, std::function<void(int64_t)> on_commit)
      : graph_(graph), batch_rows_(batch_rows > 0 ? batch_rows : 1), on_commit_(std::move(on_commit)) {}

  bool atomic() const override { return false; }

  absl::StatusOr<bool> Exists(std::string_view label, std::string_view key) override {
    absl::StatusOr<std::optional<graph::VertexId>> id =
        graph_.Snapshot()->FindVertexByKey(label, key);
    if (!id.ok()) return id.status();
    return id->has_value();
  }

  absl::StatusOr<graph::VertexId> Vertex(const std::vector<std::string>& labels,
                                         std::string_view key,
                                         const std::vector<graph::PropertyWrite>& props) override {
    batch_.push_back(Row{true, labels, std::string(key), {}, {}, {}, {}, props});
    if (absl::Status s = MaybeCommit(); !s.ok()) return s;
    return 0;  // known only inside the transaction
  }

  absl::Status Edge(const Endpoint& from, std::string_view label, const Endpoint& to,
                    const std::vector<graph::PropertyWrite>& props) override {
    batch_.push_back(Row{false,
                         {std::string(label)},
                         {},
                         std::string(from.label),
                         std::string(from.key),
                         std::string(to.label),
                         std::string(to.key),
                         props});
    return MaybeCommit();
  }

  absl::Status Finish(ImportSummary* summary) override {
    if (absl::Status s = Commit(); !s.ok()) return s;
    summary->vertices_created = vertices_created_;
    summary->vertices_merged = vertices_merged_;
    summary->edges_created = edges_created_;
    summary->edges_merged = edges_merged_;
    return absl::OkStatus();
  }

 private:
  struct Row {
    bool vertex;
    std::vector<std::string> labels;  // an edge's label is labels[0]
    std::string key;
    std::string from_label, from_key, to_label, to_key;
    std::vector<graph::PropertyWrite> props;
  };

  absl::Status MaybeCommit() {
    return static_cast<int64_t>(batch_.size()) >= batch_rows_ ? Commit() : absl::OkStatus();
  }

  // Vertices of the batch by (label, key) as the rows spell them: an edge row's endpoints are
  // looked up once per batch, and not at all when the batch wrote them. Valid for one attempt
  // of one transaction (a vertex is never deleted by a sink).
  using KnownIds = absl::flat_hash_map<std::string, graph::VertexId>;

  static std::string IdKey(std::string_view label, std::string_view key) {
    std::string id_key(label);
    id_key.push_back('\0');
    id_key.append(key);
    return id_key;
  }

  absl::StatusOr<graph::VertexId> Find(graph::GraphTxn& txn, const std::string& label,
                                       const std::string& key, KnownIds& known) {
    std::string id_key = IdKey(label, key);
    if (auto it = known.find(id_key); it != known.end()) return it->second;
    absl::StatusOr<std::optional<graph::VertexId>> id = txn.FindVertexByKey(label, key);
    if (!id.ok()) return id.status();
    if (!id->has_value()) {
      return absl::NotFoundError(absl::StrCat("no ", label, " vertex with key '", key, "'"));
    }
    known.emplace(std::move(id_key), **id);
    return **id;
  }

  absl::Status ApplyRow(graph::GraphTxn& txn, const Row& row, int64_t counts[4], KnownIds& known) {
    if (row.vertex) {
      absl::StatusOr<graph::UpsertResult> r = txn.UpsertVertex(row.labels[0], row.key, row.props);
      if (!r.ok()) return r.status();
      ++counts[r->created ? 0 : 1];
      known.insert_or_assign(IdKey(row.labels[0], row.key), r->id);
      if (row.labels.size() == 1) return absl::OkStatus();
      return txn.AddVertexLabels(r->id, {row.labels.begin() + 1, row.labels.end()});
    }
    absl::StatusOr<graph::VertexId> src = Find(txn, row.from_label, row.from_key, known);
    if (!src.ok()) return src.status();
    absl::StatusOr<graph::VertexId> dst = Find(txn, row.to_label, row.to_key, known);
    if (!dst.ok()) return dst.status();
    absl::StatusOr<graph::EdgeUpsertResult> e = txn.UpsertEdge(*src, row.labels[0], *dst, 0, row.props);
    if (!e.ok()) return e.status();
    ++counts[e->created ? 2 : 3];
    return absl::OkStatus();
  }

  absl::Status Commit() {
    if (batch_.empty()) return absl::OkStatus();
    int64_t counts[4] = {0, 0, 0, 0};
    absl::Status s = graph_.Write([&](graph::GraphTxn& txn) -> absl::Status {
      std::fill(counts, counts + 4, 0);  // a retried closure starts over
      KnownIds known;
      for (const Row& row : batch_) {
        if (absl::Status st = ApplyRow(txn, row, counts, known); !st.ok()) return st;
      }
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
    vertices_created_ += counts[0];
    vertices_merged_ += counts[1];
    edges_created_ += counts[2];
    edges_merged_ += counts[3];
    committed_ += static_cast<int64_t>(batch_.size());
    batch_.clear();
    if (on_commit_) on_commit_(committed_);
    return absl::OkStatus();
  }

  graph::Graph& graph_;
  int64_t batch_rows_;
  std::function<void(int64_t)> on_commit_;
  std::vector<Row> batch_;
  int64_t committed_ = 0;
  int64_t vertices_created_ = 0, vertices_merged_ = 0, edges_created_ = 0, edges_merged_ = 0;
};

}  // namespace

std::unique_ptr<RowSink> NewTransactionSink(graph::Graph& graph, int64_t batch_rows,
                                            std::function<void(int64_t)> on_commit) {
  return std::make_unique<TransactionSink>(graph, batch_rows, std::move(on_commit));
}

}  // namespace kg::import
