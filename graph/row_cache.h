// Committed vertex rows and their unique keys, kept between the write transactions of one
// Graph so that an entity named by every other batch of documents (a country, a big company) is
// not read from the store and decoded again by each transaction. Internal to graph/.
//
// Consistency: the cache holds only committed state. Write transactions read it (they are
// serialised by the Graph's write lock and read the latest committed state anyway) and a
// transaction's rows enter it only after its commit succeeded; an aborted transaction leaves it
// as it was. Snapshot readers never consult it, so a reader at an older snapshot cannot see a
// newer row through it. Anything that writes rows outside a transaction (the bulk loader) clears
// it. Not thread-safe: every call happens under the Graph's write lock.
#ifndef KG_GRAPH_ROW_CACHE_H_
#define KG_GRAPH_ROW_CACHE_H_

#include <cstddef>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "graph/codec.h"
#include "graph/types.h"

namespace kg::graph {

// What one committed transaction did to a vertex row it read or wrote.
struct RowUpdate {
  VertexId id;
  std::shared_ptr<const codec::VertexRow> row;  // nullptr: the vertex was deleted
  size_t encoded_bytes;
};

class RowCache {
 public:
  // Holds at most about `budget_bytes` (estimated from the rows' encoded sizes); 0 disables it.
  explicit RowCache(size_t budget_bytes) : budget_(budget_bytes) {}

  // The committed row of `id`, or nullptr when it is not cached (not: when it does not exist).
  std::shared_ptr<const codec::VertexRow> FindRow(VertexId id);
  // The vertex a unique key (layout::UniqueKey) names, when that vertex's row is cached.
  std::optional<VertexId> FindUnique(std::string_view unique_key);

  // Records `row` (encoded in `encoded_bytes`) as the committed row of `id`, and its unique key.
  void Put(VertexId id, std::shared_ptr<const codec::VertexRow> row, size_t encoded_bytes);
  // `id` was deleted, or its row is no longer known.
  void Erase(VertexId id);
  // Records a committed transaction's rows.
  void Apply(const std::vector<RowUpdate>& updates);
  void Clear();

  size_t bytes() const { return bytes_; }
  size_t size() const { return rows_.size(); }

 private:
  struct Entry {
    std::shared_ptr<const codec::VertexRow> row;
    std::string unique_key;  // empty: the vertex has none
    size_t bytes;
    std::list<VertexId>::iterator lru;  // position in lru_
  };
  void Remove(absl::flat_hash_map<VertexId, Entry>::iterator it);

  size_t budget_;
  size_t bytes_ = 0;
  absl::flat_hash_map<VertexId, Entry> rows_;
  absl::flat_hash_map<std::string, VertexId> unique_;  // unique key -> a cached vertex
  std::list<VertexId> lru_;                            // most recently used first
};

}  // namespace kg::graph

#endif  // KG_GRAPH_ROW_CACHE_H_
