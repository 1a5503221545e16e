// A stable LSD radix sort for records with fixed-width integer keys, sorting only the bits that
// differ between records (vertex ids of one load share their high bits, labels are few), in
// digits of up to 11 bits: sorting a million edges of a load of 2^20 vertices then takes four
// linear passes (two per vertex id) instead of twenty million comparisons. Each pass reads and
// writes every record, so fewer, wider digits win while their counts stay in the L1/L2 cache.
#ifndef KG_GRAPH_BULK_RADIX_SORT_H_
#define KG_GRAPH_BULK_RADIX_SORT_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace kg::graph::bulk {

// 2^11 counts per digit: 16 KiB, within the L1/L2 cache beside the scattered writes.
inline constexpr int kMaxDigitBits = 11;

// Sorts `records` by the key that key_words(record) spells as std::array<uint64_t, kWords>,
// least significant word first. `scratch` is resized to records.size(), contents unspecified.
template <size_t kWords, typename T, typename KeyWords>
void RadixSort(std::vector<T>* records, std::vector<T>* scratch, KeyWords key_words) {
  const size_t n = records->size();
  if (n < 2) return;
  // The bits that differ between records: set in some key and clear in another.
  std::array<uint64_t, kWords> all_or{}, all_and;
  all_and.fill(~uint64_t{0});
  for (const T& r : *records) {
    std::array<uint64_t, kWords> k = key_words(r);
    for (size_t w = 0; w < kWords; ++w) {
      all_or[w] |= k[w];
      all_and[w] &= k[w];
    }
  }
  struct Digit {
    size_t word;
    int shift;
    uint64_t mask;
  };
  std::vector<Digit> digits;  // least significant first
  for (size_t w = 0; w < kWords; ++w) {
    uint64_t varying = all_or[w] ^ all_and[w];
    if (varying == 0) continue;
    int low = __builtin_ctzll(varying), width = 64 - __builtin_clzll(varying) - low;
    int count = (width + kMaxDigitBits - 1) / kMaxDigitBits;
    int bits = (width + count - 1) / count;  // even digits: 18 bits are two of 9, not 11 + 7
    for (int shift = low; shift < low + width; shift += bits) {
      digits.push_back({w, shift, (uint64_t{1} << bits) - 1});
    }
  }
  std::vector<std::vector<size_t>> counts(digits.size());
  for (size_t d = 0; d < digits.size(); ++d) counts[d].assign(digits[d].mask + 1, 0);
  for (const T& r : *records) {
    std::array<uint64_t, kWords> k = key_words(r);
    for (size_t d = 0; d < digits.size(); ++d) {
      ++counts[d][(k[digits[d].word] >> digits[d].shift) & digits[d].mask];
    }
  }
  scratch->resize(n);
  T* from = records->data();
  T* to = scratch->data();
  for (size_t d = 0; d < digits.size(); ++d) {
    const auto [word, shift, mask] = digits[d];
    size_t* next = counts[d].data();
    size_t offset = 0;
    for (size_t& slot : counts[d]) offset += std::exchange(slot, offset);
    for (size_t i = 0; i < n; ++i) to[next[(key_words(from[i])[word] >> shift) & mask]++] = from[i];
    std::swap(from, to);
  }
  if (from != records->data()) records->swap(*scratch);
}

}  // namespace kg::graph::bulk

#endif  // KG_GRAPH_BULK_RADIX_SORT_H_
