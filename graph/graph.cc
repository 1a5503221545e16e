#include "graph/graph.h"

#include <mutex>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "graph/absl_compat.h"
#include "graph/catalog.h"
#include "graph/graph_txn.h"
#include "graph/kv/rocksdb_store.h"
#include "graph/layout.h"
#include "graph/reader_impl.h"
#include "graph/verify.h"

namespace kg::graph {

absl::Status CorruptRow(std::string_view what, std::string_view id) {
  return absl::DataLossError(absl::StrCat("corrupt ", Sv(what), id.empty() ? "" : " ", Sv(id),
                                          ": the stored value cannot be decoded"));
}

absl::StatusOr<Vertex> DecodeVertex(VertexId id, std::string_view row_bytes,
                                    const std::function<std::string(LabelId)>& label_name) {
  codec::VertexRow row;
  if (!codec::DecodeVertexRow(row_bytes, &row)) return CorruptRow("vertex", absl::StrCat(id));
  Vertex v;
  v.id = id;
  for (LabelId l : row.labels) v.labels.push_back(label_name(l));
  v.key = std::move(row.key);
  v.external_id = std::move(row.external_id);
  v.properties = std::move(row.properties);
  return v;
}

namespace {

// A reader that owns its snapshot.
class SnapshotReader : public ReaderImpl<GraphReader> {
 public:
  SnapshotReader(std::unique_ptr<kv::ReadView> view, const Catalog* catalog)
      : ReaderImpl<GraphReader>(view.get(), catalog), owned_view_(std::move(view)) {}

 private:
  std::unique_ptr<kv::ReadView> owned_view_;
};

// A reader whose every stream fails with one status (the store could not give a snapshot).
class FailedReader : public ReaderImpl<GraphReader> {
 public:
  FailedReader(absl::Status status, const Catalog* catalog)
      : ReaderImpl<GraphReader>(&view_, catalog), view_(std::move(status)) {}

 private:
  class FailedView : public kv::ReadView {
   public:
    explicit FailedView(absl::Status s) : status_(std::move(s)) {}
    absl::StatusOr<std::optional<std::string>> Get(kv::Space, std::string_view) override {
      return status_;
    }
    std::unique_ptr<kv::Cursor> Scan(kv::Space, std::string_view, std::string_view,
                                     kv::ScanOptions) override {
      class FailedCursor : public kv::Cursor {
       public:
        explicit FailedCursor(absl::Status s) : s_(std::move(s)) {}
        bool Next(std::string_view*, std::string_view*) override { return false; }
        absl::Status status() const override { return s_; }

       private:
        absl::Status s_;
      };
      return std::make_unique<FailedCursor>(status_);
    }

   private:
    absl::Status status_;
  };
  FailedView view_;
};

class GraphImpl : public Graph {
 public:
  GraphImpl(std::string dir, std::unique_ptr<kv::Store> store, const GraphOptions& options)
      : dir_(std::move(dir)), store_(std::move(store)), options_(options) {}

  absl::Status Load() {
    absl::StatusOr<std::unique_ptr<kv::ReadView>> view = store_->Snapshot();
    if (!view.ok()) return view.status();
    absl::StatusOr<std::optional<std::string>> format = (*view)->Get(kv::Space::kMeta, layout::kFormatKey);
    if (!format.ok()) return format.status();
    if (!format->has_value()) return Initialize(**view);
    int version = 0;
    if (!absl::SimpleAtoi(**format, &version)) {
      return absl::DataLossError(absl::StrCat(dir_, ": unreadable format version '", **format, "'"));
    }
    if (version > kFormatVersion) {
      return absl::FailedPreconditionError(absl::StrCat(
          dir_, " was written in on-disk format ", version, ", newer than this build's format ",
          kFormatVersion, "; upgrade kg to open it"));
    }
    return LoadCatalog(**view);
  }

  std::unique_ptr<GraphReader> Snapshot() override {
    absl::StatusOr<std::unique_ptr<kv::ReadView>> view = store_->Snapshot();
    if (!view.ok()) return std::make_unique<FailedReader>(view.status(), &catalog_);
    return std::make_unique<SnapshotReader>(*std::move(view), &catalog_);
  }

  absl::Status Write(absl::FunctionRef<absl::Status(GraphTxn&)> fn) override {
    return RunWrite([&](TxnImpl& txn) { return fn(txn); });
  }

  absl::Status DeclareIndex(const IndexSpec& spec) override {
    return RunWrite([&](TxnImpl& txn) { return txn.DeclareIndex(spec); });
  }

  absl::StatusOr<GraphStats> Stats() override {
    std::unique_ptr<GraphReader> r = Snapshot();
    GraphStats stats;
    absl::StatusOr<int64_t> n = r->CountVertices();
    if (!n.ok()) return n.status();
    stats.vertices = *n;
    if (n = r->CountEdges(); !n.ok()) return n.status();
    stats.edges = *n;
    if (n = r->CountDocuments(); !n.ok()) return n.status();
    stats.documents = *n;
    for (LabelId l = 1; l < catalog_.next_label(); ++l) {
      absl::StatusOr<int64_t> v = r->CountVertices(l);
      absl::StatusOr<int64_t> e = r->CountEdges(l);
      if (!v.ok()) return v.status();
      if (!e.ok()) return e.status();
      if (*v > 0) stats.vertices_by_label.emplace_back(catalog_.LabelName(l), *v);
      if (*e > 0) stats.edges_by_label.emplace_back(catalog_.LabelName(l), *e);
    }
    stats.disk_bytes = store_->ApproximateDiskBytes();
    return stats;
  }

  absl::Status Backup(const std::string& dir) override { return store_->Checkpoint(dir); }

  absl::Status Verify() override {
    absl::StatusOr<std::unique_ptr<kv::ReadView>> view = store_->Snapshot();
    if (!view.ok()) return view.status();
    return VerifyLayout(**view, catalog_, options_.alias_properties);
  }

  const std::string& dir() const override { return dir_; }

 private:
  absl::Status RunWrite(absl::FunctionRef<absl::Status(TxnImpl&)> fn) {
    std::lock_guard<std::mutex> lock(write_mu_);
    TxnContext context{&catalog_, &options_.alias_properties, next_id_, {}};
    absl::Status status = store_->RunTxn([&](kv::Txn& kv_txn) -> absl::Status {
      context.next_id = next_id_;
      context.delta = {};
      TxnImpl txn(&kv_txn, &context);
      if (absl::Status s = fn(txn); !s.ok()) return s;
      txn.Finish();
      // Published before the commit: a snapshot taken just after it must already resolve the
      // new labels of the data it sees. Reverted below if the commit fails.
      catalog_.Apply(context.delta);
      return absl::OkStatus();
    });
    if (!status.ok()) {
      catalog_.Revert(context.delta);
      return status;
    }
    next_id_ = context.next_id;
    return absl::OkStatus();
  }

  absl::Status Initialize(kv::ReadView& view) {
    // A store with data but no format key was not written by kg.
    for (int i = 0; i < kv::kNumSpaces; ++i) {
      std::unique_ptr<kv::Cursor> c = view.Scan(static_cast<kv::Space>(i), "", "");
      std::string_view k, v;
      if (c->Next(&k, &v)) {
        return absl::FailedPreconditionError(
            absl::StrCat(dir_, " is not a kg database (it has data but no format version)"));
      }
      if (!c->status().ok()) return c->status();
    }
    return store_->RunTxn([&](kv::Txn& txn) {
      txn.Put(kv::Space::kMeta, layout::kFormatKey, absl::StrCat(kFormatVersion));
      txn.Put(kv::Space::kMeta, layout::kNextIdKey, kv::EncodeCounter(1));
      return absl::OkStatus();
    });
  }

  absl::Status LoadCatalog(kv::ReadView& view) {
    absl::StatusOr<std::optional<std::string>> next = view.Get(kv::Space::kMeta, layout::kNextIdKey);
    if (!next.ok()) return next.status();
    if (next->has_value()) {
      absl::StatusOr<int64_t> n = kv::DecodeCounter(**next);
      if (!n.ok()) return n.status();
      next_id_ = static_cast<uint64_t>(*n);
    }
    CatalogDelta delta;
    std::string prefix(layout::kLabelByIdPrefix);
    std::unique_ptr<kv::Cursor> c =
        view.Scan(kv::Space::kMeta, prefix, codec::PrefixSuccessor(prefix));
    std::string_view k, v;
    while (c->Next(&k, &v)) {
      k.remove_prefix(prefix.size());
      LabelId id;
      if (!codec::GetU32BE(&k, &id)) return CorruptRow("label dictionary", "");
      delta.labels.emplace_back(std::string(v), id);
    }
    if (!c->status().ok()) return c->status();
    prefix = layout::kIndexDefPrefix;
    c = view.Scan(kv::Space::kMeta, prefix, codec::PrefixSuccessor(prefix));
    while (c->Next(&k, &v)) {
      k.remove_prefix(prefix.size());
      IndexDef def;
      if (!codec::GetU32BE(&k, &def.id) || !codec::DecodeIndexSpec(v, &def.spec)) {
        return CorruptRow("index definition", "");
      }
      delta.indexes.push_back(def);
    }
    if (!c->status().ok()) return c->status();
    catalog_.Apply(delta);
    return absl::OkStatus();
  }

  std::string dir_;
  std::unique_ptr<kv::Store> store_;
  GraphOptions options_;
  Catalog catalog_;
  std::mutex write_mu_;
  uint64_t next_id_ = 1;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Graph>> Graph::Open(const std::string& dir,
                                                   const GraphOptions& options) {
  kv::RocksDbOptions kv_options;
  kv_options.create_if_missing = options.create_if_missing;
  kv_options.read_only = options.read_only;
  kv_options.sync = options.sync_writes;
  kv_options.write_buffer_bytes = options.write_buffer_bytes;
  kv_options.block_cache_bytes = options.block_cache_bytes;
  absl::StatusOr<std::unique_ptr<kv::Store>> store = kv::OpenRocksDbStore(dir, kv_options);
  if (!store.ok()) return store.status();
  auto graph = std::make_unique<GraphImpl>(dir, *std::move(store), options);
  if (absl::Status s = graph->Load(); !s.ok()) return s;
  return std::unique_ptr<Graph>(std::move(graph));
}

}  // namespace kg::graph
