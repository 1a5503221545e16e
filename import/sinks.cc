// The offline RowSink (one bulk load) and the validation sink of dry runs; the online sink is in
// transaction_sink.cc.
#include <utility>

#include "absl/strings/str_cat.h"
#include "graph/absl_compat.h"
#include "import/import.h"

namespace kg::import {
namespace {

class BulkLoadSink : public RowSink {
 public:
  explicit BulkLoadSink(std::unique_ptr<graph::BulkLoader> loader) : loader_(std::move(loader)) {}

  bool atomic() const override { return true; }

  absl::StatusOr<bool> Exists(std::string_view label, std::string_view key) override {
    absl::StatusOr<std::optional<graph::VertexId>> id = loader_->FindVertex(label, key);
    if (!id.ok()) return id.status();
    return id->has_value();
  }

  absl::StatusOr<graph::VertexId> Vertex(const std::vector<std::string>& labels,
                                         std::string_view key,
                                         const std::vector<graph::PropertyWrite>& props) override {
    return loader_->UpsertVertex(labels, key, props);
  }

  absl::Status Edge(const Endpoint& from, std::string_view label, const Endpoint& to,
                    const std::vector<graph::PropertyWrite>& props) override {
    absl::StatusOr<graph::VertexId> src = Resolve(from);
    if (!src.ok()) return src.status();
    absl::StatusOr<graph::VertexId> dst = Resolve(to);
    if (!dst.ok()) return dst.status();
    return loader_->UpsertEdge(*src, label, *dst, props);
  }

  absl::Status NoMoreVertices() override { return loader_->NoMoreVertices(); }

  absl::Status Finish(ImportSummary* summary) override {
    absl::StatusOr<graph::BulkLoadReport> report = loader_->Commit();
    if (!report.ok()) return report.status();
    summary->vertices_created = report->vertices_created;
    summary->vertices_merged = report->vertices_merged;
    summary->edges_created = report->edges_created;
    summary->edges_merged = report->edges_merged;
    summary->stored_entries = report->entries;
    summary->stored_raw_bytes = report->raw_bytes;
    summary->stored_file_bytes = report->bytes_written;
    return absl::OkStatus();
  }

 private:
  absl::StatusOr<graph::VertexId> Resolve(const Endpoint& e) {
    if (e.id != 0) return e.id;
    absl::StatusOr<std::optional<graph::VertexId>> id = loader_->FindVertex(e.label, e.key);
    if (!id.ok()) return id.status();
    if (!id->has_value()) {
      return absl::NotFoundError(
          absl::StrCat("no ", Sv(e.label), " vertex with key '", Sv(e.key), "'"));
    }
    return **id;
  }

  std::unique_ptr<graph::BulkLoader> loader_;
};

class ValidationSink : public RowSink {
 public:
  bool atomic() const override { return false; }
  absl::StatusOr<bool> Exists(std::string_view, std::string_view) override { return false; }
  absl::StatusOr<graph::VertexId> Vertex(const std::vector<std::string>&, std::string_view,
                                         const std::vector<graph::PropertyWrite>&) override {
    return absl::FailedPreconditionError("a validation sink takes no rows");
  }
  absl::Status Edge(const Endpoint&, std::string_view, const Endpoint&,
                    const std::vector<graph::PropertyWrite>&) override {
    return absl::FailedPreconditionError("a validation sink takes no rows");
  }
  absl::Status Finish(ImportSummary*) override { return absl::OkStatus(); }
};

}  // namespace

std::unique_ptr<RowSink> NewValidationSink() { return std::make_unique<ValidationSink>(); }

absl::StatusOr<std::unique_ptr<RowSink>> NewBulkLoadSink(graph::Graph& graph,
                                                         const graph::BulkLoadOptions& options) {
  absl::StatusOr<std::unique_ptr<graph::BulkLoader>> loader = graph.StartBulkLoad(options);
  if (!loader.ok()) return loader.status();
  return std::unique_ptr<RowSink>(new BulkLoadSink(*std::move(loader)));
}

}  // namespace kg::import
