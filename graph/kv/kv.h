// The ordered key/value interface that graph/ is written against.
//
// graph/ never calls RocksDB directly: it reads through a ReadView (a consistent snapshot) and
// writes through a Txn inside Store::RunTxn. The embedded engine is RocksDB (rocksdb_store.h); the
// same key layout is meant to run later on a distributed ordered engine (FoundationDB, TiKV, etcd),
// which is why the interface is this narrow: ordered byte keys in a few spaces, point reads, range
// scans, puts, deletes and an atomic add.
//
//   std::unique_ptr<kg::kv::Store> store = ...;
//   absl::Status s = store->RunTxn([&](kg::kv::Txn& txn) -> absl::Status {
//     auto old = txn.Get(kg::kv::Space::kVertex, key);
//     if (!old.ok()) return old.status();
//     txn.Put(kg::kv::Space::kVertex, key, value);
//     txn.AddInt64(kg::kv::Space::kCount, counter_key, +1);
//     return absl::OkStatus();
//   });
//
// Rules every user of this interface keeps (see ../shared/design/storage-interface.md):
//  - Key bytes are engine-independent: big-endian ids, order-preserving encodings, no custom
//    comparator. A Space is a column family on RocksDB and a key prefix elsewhere.
//  - One RunTxn closure is the atomic unit. It may run more than once on engines with optimistic
//    concurrency, so it must have no side effects outside the Txn.
//  - Counters change only through AddInt64 (8-byte little-endian), never read-modify-write.
#ifndef KG_GRAPH_KV_KV_H_
#define KG_GRAPH_KV_KV_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace kg::kv {

// The key spaces of the graph layout. graph/README.md documents what each holds.
enum class Space : uint8_t {
  kMeta = 0,  // format version, id high-water mark, label and property-key dictionaries, indexes
  kVertex,    // vertex rows by id
  kKey,       // unique (label, canonical key) and external ids -> element
  kAdj,       // both directions of every edge; edge properties on the out-key
  kIndex,     // label membership, name/alias index, declared property indexes
  kCount,     // maintained counters (merge-add)
  kProv,      // provenance: element <-> document, with evidence
  kDoc,       // documents and their content hashes
};
inline constexpr int kNumSpaces = 8;
const char* SpaceName(Space space);

// Streams the keys of a range in order. Never materialises the range, so a vertex with millions
// of edges is walked in constant memory.
class Cursor {
 public:
  virtual ~Cursor() = default;
  // Advances to the next entry; false at the end of the range or on error (then see status()).
  // The views stay valid until the next call.
  virtual bool Next(std::string_view* key, std::string_view* value) = 0;
  virtual absl::Status status() const = 0;
};

struct ScanOptions {
  bool reverse = false;
};

// A consistent snapshot: every read sees the store as of one moment.
class ReadView {
 public:
  virtual ~ReadView() = default;
  virtual absl::StatusOr<std::optional<std::string>> Get(Space space, std::string_view key) = 0;
  // Keys in [begin, end); an empty end means "to the end of the space".
  virtual std::unique_ptr<Cursor> Scan(Space space, std::string_view begin, std::string_view end,
                                       ScanOptions options = {}) = 0;
};

// A write transaction. Reads see the transaction's own writes, then the store.
class Txn : public ReadView {
 public:
  virtual void Put(Space space, std::string_view key, std::string_view value) = 0;
  virtual void Delete(Space space, std::string_view key) = 0;
  // Adds delta to an 8-byte little-endian signed counter (absent counts as 0).
  virtual void AddInt64(Space space, std::string_view key, int64_t delta) = 0;
  // Bytes buffered so far: lets a caller split work before an engine's transaction limit.
  virtual size_t ApproximateBytes() const = 0;
};

// One file of a bulk write, in one space: keys strictly increasing (one call per key). The files
// of one space must hold disjoint key ranges. A file is written by one thread at a time; different
// files may be written from different threads at once.
class BulkFile {
 public:
  virtual ~BulkFile() = default;
  virtual absl::Status Put(std::string_view key, std::string_view value) = 0;
  virtual absl::Status AddInt64(std::string_view key, int64_t delta) = 0;
  virtual absl::Status Delete(std::string_view key) = 0;
  // Completes the file (its index and filter blocks) on the calling thread, so that threads can
  // finish their files in parallel; no writes after. Commit() finishes the files left open.
  virtual absl::Status Finish() = 0;
};

// Writes sorted key/values into files that become visible all at once: the offline bulk-load
// path. Nothing is visible before Commit(); after a crash at any moment the store holds either
// everything Commit() was given or none of it. Destroying an uncommitted writer discards it.
class BulkWriter {
 public:
  virtual ~BulkWriter() = default;
  // A new file of `space`, owned by the writer, valid until Commit() or destruction. Thread-safe.
  // A file promised to hold no deletions skips the store's deletion-tracking work per key.
  virtual absl::StatusOr<BulkFile*> NewFile(Space space, bool no_deletions) = 0;
  // Writes to the space's default file (a NewFile made on first use): within one space, keys
  // must be added in strictly increasing order. Different spaces may be written from different
  // threads at once.
  virtual absl::Status Put(Space space, std::string_view key, std::string_view value) = 0;
  virtual absl::Status AddInt64(Space space, std::string_view key, int64_t delta) = 0;
  virtual absl::Status Delete(Space space, std::string_view key) = 0;
  virtual absl::Status Commit() = 0;
  // Bytes of files written so far.
  virtual uint64_t BytesWritten() const = 0;
  // Entries added so far, and the sum of their key and value sizes (before compression).
  virtual uint64_t EntriesAdded() const = 0;
  virtual uint64_t RawBytesAdded() const = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  // Runs fn in a transaction and commits it durably if fn returns OK; if fn fails nothing is
  // written and its status is returned.
  virtual absl::Status RunTxn(absl::FunctionRef<absl::Status(Txn&)> fn) = 0;
  virtual absl::StatusOr<std::unique_ptr<ReadView>> Snapshot() = 0;
  // Writes a consistent copy of the store to dir (which must not exist) that opens as a store.
  virtual absl::Status Checkpoint(const std::string& dir) = 0;
  // Bytes the store occupies on disk (live files).
  virtual uint64_t ApproximateDiskBytes() = 0;
  // Starts a bulk write whose files are staged in temp_dir (created; removed afterwards). The
  // caller must keep other writers out until it commits or abandons the writer.
  virtual absl::StatusOr<std::unique_ptr<BulkWriter>> StartBulkWrite(
      const std::string& temp_dir) = 0;
};

// Encodes and decodes the 8-byte little-endian counters of AddInt64.
std::string EncodeCounter(int64_t value);
absl::StatusOr<int64_t> DecodeCounter(std::string_view bytes);

}  // namespace kg::kv

#endif  // KG_GRAPH_KV_KV_H_
