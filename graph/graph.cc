#include "graph/graph.h"

#include <filesystem>
#include <mutex>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "graph/absl_compat.h"
#include "graph/catalog.h"
#include "graph/graph_impl.h"
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

}  // namespace

std::unique_ptr<GraphReader> GraphImpl::Snapshot() {
  absl::StatusOr<std::unique_ptr<kv::ReadView>> view = store_->Snapshot();
  if (!view.ok()) return std::make_unique<FailedReader>(view.status(), &catalog_);
  return std::make_unique<SnapshotReader>(*std::move(view), &catalog_);
}

namespace {

kv::RocksDbOptions StoreOptions(const GraphOptions& options) {
  kv::RocksDbOptions kv_options;
  kv_options.create_if_missing = options.create_if_missing;
  kv_options.read_only = options.read_only;
  kv_options.sync = options.sync_writes;
  kv_options.write_buffer_bytes = options.write_buffer_bytes;
  kv_options.block_cache_bytes = options.block_cache_bytes;
  return kv_options;
}

bool IsFresh(const std::string& dir) {
  std::error_code ec;
  return !std::filesystem::exists(dir, ec) || std::filesystem::is_empty(dir, ec);
}

// Creates a database so that a crash at any moment leaves either no database or a complete one:
// it is built and stamped with its format in a staging directory, then renamed into place.
absl::Status CreateDatabase(const std::string& dir, const GraphOptions& options) {
  namespace fs = std::filesystem;
  std::string staging = fs::path(dir).lexically_normal().string();
  while (!staging.empty() && staging.back() == '/') staging.pop_back();
  staging += ".creating";
  std::error_code ec;
  fs::remove_all(staging, ec);  // what an interrupted creation left
  {
    absl::StatusOr<std::unique_ptr<kv::Store>> store =
        kv::OpenRocksDbStore(staging, StoreOptions(options));
    if (!store.ok()) return store.status();
    absl::Status s = (*store)->RunTxn([](kv::Txn& txn) {
      txn.Put(kv::Space::kMeta, layout::kFormatKey, absl::StrCat(kFormatVersion));
      txn.Put(kv::Space::kMeta, layout::kNextIdKey, kv::EncodeCounter(1));
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
  }
  if (fs::exists(dir, ec)) fs::remove(dir, ec);  // an empty directory
  fs::rename(staging, dir, ec);
  if (ec) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create database ", dir, ": ", ec.message()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<Graph>> Graph::Open(const std::string& dir,
                                                   const GraphOptions& options) {
  if (IsFresh(dir)) {
    if (!options.create_if_missing || options.read_only) {
      return absl::NotFoundError(absl::StrCat("no database in ", dir));
    }
    if (absl::Status s = CreateDatabase(dir, options); !s.ok()) return s;
  }
  kv::RocksDbOptions kv_options = StoreOptions(options);
  kv_options.create_if_missing = false;  // created above, atomically
  absl::StatusOr<std::unique_ptr<kv::Store>> store = kv::OpenRocksDbStore(dir, kv_options);
  if (!store.ok()) return store.status();
  if (!options.read_only) {
    std::error_code ec;  // a bulk load that crashed before its ingest leaves staged files
    std::filesystem::remove_all(std::filesystem::path(dir) / ".bulk", ec);
  }
  auto graph = std::make_unique<GraphImpl>(dir, *std::move(store), options);
  if (absl::Status s = graph->Load(); !s.ok()) return s;
  return std::unique_ptr<Graph>(std::move(graph));
}

}  // namespace kg::graph
