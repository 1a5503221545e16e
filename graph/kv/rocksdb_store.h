// The embedded kv::Store: one RocksDB database with one column family per kv::Space.
//
// Writes are serialised (one writer at a time) and committed with WriteOptions::sync, so a
// transaction that returned OK survives a process kill and a power loss alike. Reads use RocksDB
// snapshots. Counters use a signed-add merge operator, so adding to a counter never reads it.
#ifndef KG_GRAPH_KV_ROCKSDB_STORE_H_
#define KG_GRAPH_KV_ROCKSDB_STORE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "graph/kv/kv.h"

namespace kg::kv {

struct RocksDbOptions {
  bool create_if_missing = true;
  bool read_only = false;
  // fdatasync the WAL before a transaction is acknowledged. Off only for benchmarks and tests
  // that measure something else; a process kill loses nothing either way.
  bool sync = true;
  // Memtable size per column family; small values force flushes (used by the crash test).
  size_t write_buffer_bytes = 64 << 20;
  size_t block_cache_bytes = 256 << 20;
};

// Opens (or creates) the store in dir. Errors:
//  - UNAVAILABLE when another process holds the directory's lock;
//  - FAILED_PRECONDITION when dir exists but is not a RocksDB database of this layout;
//  - DATA_LOSS when RocksDB reports corruption.
absl::StatusOr<std::unique_ptr<Store>> OpenRocksDbStore(const std::string& dir,
                                                        const RocksDbOptions& options);

}  // namespace kg::kv

#endif  // KG_GRAPH_KV_ROCKSDB_STORE_H_
