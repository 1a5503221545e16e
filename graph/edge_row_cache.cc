#include "graph/edge_row_cache.h"

#include <utility>

namespace kg::graph {
namespace {

// A decoded row takes a few times its encoded size (a vector of named Values); the key, the
// hash map slot, the list node and the shared row's control block add a fixed amount.
constexpr size_t kDecodedPerEncodedByte = 3;
constexpr size_t kEntryOverhead = 160;

}  // namespace

std::shared_ptr<const codec::EdgeRow> EdgeRowCache::Find(const EdgeKey& key) {
  auto it = rows_.find(key);
  if (it == rows_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second.lru);
  return it->second.row;
}

void EdgeRowCache::Put(const EdgeKey& key, std::shared_ptr<const codec::EdgeRow> row,
                       size_t encoded_bytes) {
  if (budget_ == 0 || row == nullptr) return;
  const size_t bytes = encoded_bytes * kDecodedPerEncodedByte + kEntryOverhead;
  if (bytes > budget_) {  // never fits: keep no older version either
    Erase(key);
    return;
  }
  if (auto it = rows_.find(key); it != rows_.end()) {
    // Replaced in place: the entry keeps its node and becomes the most recent.
    bytes_ = bytes_ - it->second.bytes + bytes;
    it->second.row = std::move(row);
    it->second.bytes = bytes;
    lru_.splice(lru_.begin(), lru_, it->second.lru);
  } else {
    lru_.push_front(key);
    rows_.emplace(key, Entry{std::move(row), bytes, lru_.begin()});
    bytes_ += bytes;
  }
  while (bytes_ > budget_) Remove(rows_.find(lru_.back()));
}

void EdgeRowCache::Erase(const EdgeKey& key) {
  if (auto it = rows_.find(key); it != rows_.end()) Remove(it);
}

void EdgeRowCache::Apply(const std::vector<EdgeRowUpdate>& updates) {
  for (const EdgeRowUpdate& u : updates) {
    if (u.row == nullptr) {
      Erase(u.key);
    } else {
      Put(u.key, u.row, u.encoded_bytes);
    }
  }
}

void EdgeRowCache::Clear() {
  rows_.clear();
  lru_.clear();
  bytes_ = 0;
}

void EdgeRowCache::Remove(absl::flat_hash_map<EdgeKey, Entry>::iterator it) {
  lru_.erase(it->second.lru);
  bytes_ -= it->second.bytes;
  rows_.erase(it);
}

}  // namespace kg::graph
