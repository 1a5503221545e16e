// A stable LSD radix sort for records with fixed-width integer keys, skipping the key bytes that
// are the same in every record (vertex ids of one load share their high bytes, labels are few):
// sorting a million edges of a load of 2^20 vertices then takes six linear passes instead of
// twenty million comparisons.
#ifndef KG_GRAPH_BULK_RADIX_SORT_H_
#define KG_GRAPH_BULK_RADIX_SORT_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace kg::graph::bulk {

// Sorts `records` by the key that key_words(record) spells as std::array<uint64_t, kWords>,
// least significant word first. `scratch` is resized to records.size(), contents unspecified.
template <size_t kWords, typename T, typename KeyWords>
void RadixSort(std::vector<T>* records, std::vector<T>* scratch, KeyWords key_words) {
  const size_t n = records->size();
  if (n < 2) return;
  // The bytes that differ between records: bits set in some key and clear in another.
  std::array<uint64_t, kWords> all_or{}, all_and;
  all_and.fill(~uint64_t{0});
  for (const T& r : *records) {
    std::array<uint64_t, kWords> k = key_words(r);
    for (size_t w = 0; w < kWords; ++w) {
      all_or[w] |= k[w];
      all_and[w] &= k[w];
    }
  }
  std::vector<std::pair<size_t, int>> digits;  // (word, shift), least significant first
  for (size_t w = 0; w < kWords; ++w) {
    for (int shift = 0; shift < 64; shift += 8) {
      if (((all_or[w] ^ all_and[w]) >> shift) & 0xFF) digits.emplace_back(w, shift);
    }
  }
  std::vector<std::array<size_t, 256>> counts(digits.size());
  for (auto& c : counts) c.fill(0);
  for (const T& r : *records) {
    std::array<uint64_t, kWords> k = key_words(r);
    for (size_t d = 0; d < digits.size(); ++d) {
      ++counts[d][(k[digits[d].first] >> digits[d].second) & 0xFF];
    }
  }
  scratch->resize(n);
  T* from = records->data();
  T* to = scratch->data();
  for (size_t d = 0; d < digits.size(); ++d) {
    const auto [word, shift] = digits[d];
    std::array<size_t, 256>& next = counts[d];
    size_t offset = 0;
    for (size_t& slot : next) offset += std::exchange(slot, offset);
    for (size_t i = 0; i < n; ++i) to[next[(key_words(from[i])[word] >> shift) & 0xFF]++] = from[i];
    std::swap(from, to);
  }
  if (from != records->data()) records->swap(*scratch);
}

}  // namespace kg::graph::bulk

#endif  // KG_GRAPH_BULK_RADIX_SORT_H_
