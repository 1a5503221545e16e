// Committed edge rows, kept between the write transactions of one Graph beside the RowCache of
// vertex rows, so that an upsert of a relation an earlier transaction read or wrote (the same
// fact stated by document after document) needs no point read of the adjacency space.
// Internal to graph/.
//
// Consistency is the RowCache's: it holds only committed state and only edges that exist. Write
// transactions read it (serialised by the Graph's write lock, they read the latest committed
// state anyway); a transaction's edge rows enter it, and the edges it deleted leave it, only
// after its commit succeeded, so an aborted transaction leaves it as it was. Snapshot readers
// never consult it, so a reader at an older snapshot cannot see a newer row through it. Anything
// that writes edges outside a transaction (the bulk loader) clears it. Not thread-safe: every
// call happens under the Graph's write lock.
#ifndef KG_GRAPH_EDGE_ROW_CACHE_H_
#define KG_GRAPH_EDGE_ROW_CACHE_H_

#include <cstddef>
#include <list>
#include <memory>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "graph/codec.h"
#include "graph/types.h"

namespace kg::graph {

// What one committed transaction did to an edge row it read or wrote.
struct EdgeRowUpdate {
  EdgeKey key;
  std::shared_ptr<const codec::EdgeRow> row;  // nullptr: deleted, or not worth keeping
  size_t encoded_bytes;
};

class EdgeRowCache {
 public:
  // Holds at most about `budget_bytes` (estimated from the rows' encoded sizes); 0 disables it.
  explicit EdgeRowCache(size_t budget_bytes) : budget_(budget_bytes) {}

  // The committed row of `key`, or nullptr when it is not cached (not: when it does not exist).
  std::shared_ptr<const codec::EdgeRow> Find(const EdgeKey& key);

  // Records `row` (encoded in `encoded_bytes`) as the committed row of `key`.
  void Put(const EdgeKey& key, std::shared_ptr<const codec::EdgeRow> row, size_t encoded_bytes);
  // `key` was deleted, or its row is no longer known.
  void Erase(const EdgeKey& key);
  // Records a committed transaction's edge rows.
  void Apply(const std::vector<EdgeRowUpdate>& updates);
  void Clear();

  size_t bytes() const { return bytes_; }
  size_t size() const { return rows_.size(); }

 private:
  struct Entry {
    std::shared_ptr<const codec::EdgeRow> row;
    size_t bytes;
    std::list<EdgeKey>::iterator lru;  // position in lru_
  };
  void Remove(absl::flat_hash_map<EdgeKey, Entry>::iterator it);

  size_t budget_;
  size_t bytes_ = 0;
  absl::flat_hash_map<EdgeKey, Entry> rows_;
  std::list<EdgeKey> lru_;  // most recently used first
};

}  // namespace kg::graph

#endif  // KG_GRAPH_EDGE_ROW_CACHE_H_
