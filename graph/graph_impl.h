// The Graph implementation, declared here so that the bulk loader (bulk_loader.cc) can share
// its write lock, id allocator and catalog. Internal to graph/.
#ifndef KG_GRAPH_GRAPH_IMPL_H_
#define KG_GRAPH_GRAPH_IMPL_H_

#include <memory>
#include <mutex>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "graph/bulk_loader.h"
#include "graph/catalog.h"
#include "graph/edge_row_cache.h"
#include "graph/graph.h"
#include "graph/graph_txn.h"
#include "graph/kv/kv.h"
#include "graph/layout.h"
#include "graph/reader_impl.h"
#include "graph/row_cache.h"
#include "graph/upgrade.h"
#include "graph/verify.h"

namespace kg::graph {

class GraphImpl : public Graph {
 public:
  GraphImpl(std::string dir, std::unique_ptr<kv::Store> store, const GraphOptions& options)
      : dir_(std::move(dir)),
        store_(std::move(store)),
        options_(options),
        row_cache_(options.row_cache_bytes),
        edge_row_cache_(options.edge_row_cache_bytes) {}

  absl::Status Load() {
    absl::StatusOr<std::unique_ptr<kv::ReadView>> view = store_->Snapshot();
    if (!view.ok()) return view.status();
    absl::StatusOr<std::optional<std::string>> format = (*view)->Get(kv::Space::kMeta, layout::kFormatKey);
    if (!format.ok()) return format.status();
    if (!format->has_value()) {
      return absl::FailedPreconditionError(
          absl::StrCat(dir_, " is not a kg database (it has no format version)"));
    }
    int version = 0;
    if (!absl::SimpleAtoi(**format, &version)) {
      return absl::DataLossError(absl::StrCat(dir_, ": unreadable format version '", **format, "'"));
    }
    if (version > kFormatVersion) {
      return absl::FailedPreconditionError(absl::StrCat(
          dir_, " was written in on-disk format ", version, ", newer than this build's format ",
          kFormatVersion, "; upgrade kg to open it"));
    }
    if (version == 3) return UpgradeAndLoad();
    if (version < kFormatVersion) {
      return absl::FailedPreconditionError(absl::StrCat(
          dir_, " was written in on-disk format ", version, ", older than this build's format ",
          kFormatVersion, " (provenance is stored differently); create a new database and "
          "import or ingest the data again"));
    }
    return LoadCatalog(**view);
  }

  // Format 3 differs only in its out-edge keys: they are rewritten in place (upgrade.h).
  absl::Status UpgradeAndLoad() {
    if (options_.read_only) {
      return absl::FailedPreconditionError(absl::StrCat(
          dir_,
          " was written in on-disk format 3; open it once without read-only to upgrade it "
          "to format ",
          kFormatVersion));
    }
    if (absl::Status s = UpgradeFormat3To4(*store_); !s.ok()) {
      return absl::Status(s.code(), absl::StrCat(dir_, ": upgrade from on-disk format 3 to ",
                                                 kFormatVersion, " failed: ", s.message()));
    }
    return Load();
  }

  std::unique_ptr<GraphReader> Snapshot() override;

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

  absl::StatusOr<std::unique_ptr<BulkLoader>> StartBulkLoad(
      const BulkLoadOptions& options) override;

  // For the bulk loader, which holds write_mu() from start to commit.
  std::mutex& write_mu() { return write_mu_; }
  kv::Store& store() { return *store_; }
  Catalog& catalog() { return catalog_; }
  const GraphOptions& options() const override { return options_; }
  uint64_t next_id() const { return next_id_; }
  void set_next_id(uint64_t id) { next_id_ = id; }
  // For whatever writes rows outside a transaction while holding write_mu() (the bulk loader):
  // empties both row caches, the vertex rows' and the edge rows'.
  void InvalidateRowCache() {
    row_cache_.Clear();
    edge_row_cache_.Clear();
  }

 private:
  absl::Status RunWrite(absl::FunctionRef<absl::Status(TxnImpl&)> fn) {
    std::lock_guard<std::mutex> lock(write_mu_);
    TxnContext context{&catalog_, &options_.alias_properties, next_id_, {}, &row_cache_, {},
                       &edge_row_cache_, {}};
    absl::Status status = store_->RunTxn([&](kv::Txn& kv_txn) -> absl::Status {
      context.next_id = next_id_;
      context.delta = {};
      context.row_updates.clear();
      context.edge_updates.clear();
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
    row_cache_.Apply(context.row_updates);  // committed: now the store's state
    edge_row_cache_.Apply(context.edge_updates);
    return absl::OkStatus();
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
  RowCache row_cache_;            // guarded by write_mu_
  EdgeRowCache edge_row_cache_;  // guarded by write_mu_
};


}  // namespace kg::graph

#endif  // KG_GRAPH_GRAPH_IMPL_H_
