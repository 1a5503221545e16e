#include "graph/row_cache.h"

#include <utility>

#include "graph/absl_compat.h"
#include "graph/layout.h"

namespace kg::graph {
namespace {

// A decoded row takes a few times its encoded size (vectors, strings, Values); the hash maps
// and the list add a fixed amount per entry.
constexpr size_t kDecodedPerEncodedByte = 3;
constexpr size_t kEntryOverhead = 192;

}  // namespace

std::shared_ptr<const codec::VertexRow> RowCache::FindRow(VertexId id) {
  auto it = rows_.find(id);
  if (it == rows_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second.lru);
  return it->second.row;
}

std::optional<VertexId> RowCache::FindUnique(std::string_view unique_key) {
  auto it = unique_.find(Sv(unique_key));
  if (it == unique_.end()) return std::nullopt;
  return it->second;
}

void RowCache::Put(VertexId id, std::shared_ptr<const codec::VertexRow> row, size_t encoded_bytes) {
  if (budget_ == 0 || row == nullptr) return;
  std::string unique;
  if (!row->key.empty() && !row->labels.empty()) {
    unique = layout::UniqueKey(row->labels[0], row->key);
  }
  const size_t bytes = encoded_bytes * kDecodedPerEncodedByte + 2 * unique.size() + kEntryOverhead;
  if (bytes > budget_) {  // never fits: keep no older version either
    Erase(id);
    return;
  }
  if (auto it = rows_.find(id); it != rows_.end()) Remove(it);
  lru_.push_front(id);
  if (!unique.empty()) unique_.insert_or_assign(unique, id);
  rows_.emplace(id, Entry{std::move(row), std::move(unique), bytes, lru_.begin()});
  bytes_ += bytes;
  while (bytes_ > budget_) Remove(rows_.find(lru_.back()));
}

void RowCache::Erase(VertexId id) {
  if (auto it = rows_.find(id); it != rows_.end()) Remove(it);
}

void RowCache::Apply(const std::vector<RowUpdate>& updates) {
  for (const RowUpdate& u : updates) {
    if (u.row == nullptr) {
      Erase(u.id);
    } else {
      Put(u.id, u.row, u.encoded_bytes);
    }
  }
}

void RowCache::Clear() {
  rows_.clear();
  unique_.clear();
  lru_.clear();
  bytes_ = 0;
}

void RowCache::Remove(absl::flat_hash_map<VertexId, Entry>::iterator it) {
  Entry& e = it->second;
  if (!e.unique_key.empty()) {
    // Ids are never reused and a unique key names one live vertex, but a key freed by a delete
    // may name a newer vertex already: only this vertex's own mapping goes.
    if (auto u = unique_.find(e.unique_key); u != unique_.end() && u->second == it->first) {
      unique_.erase(u);
    }
  }
  lru_.erase(e.lru);
  bytes_ -= e.bytes;
  rows_.erase(it);
}

}  // namespace kg::graph
