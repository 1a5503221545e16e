// A stable radix sort for records with fixed-width integer keys, sorting only the bits that
// differ between records (vertex ids of one load share their high bits, labels are few), in
// digits of up to 11 bits: sorting a million edges of a load of 2^20 vertices then takes four
// linear passes (two per vertex id) instead of twenty million comparisons. Each pass reads and
// writes every record, so fewer, wider digits win while their counts stay in the L1/L2 cache;
// a large input is split by its top digit first so that the other passes run in the cache.
#ifndef KG_GRAPH_BULK_RADIX_SORT_H_
#define KG_GRAPH_BULK_RADIX_SORT_H_

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace kg::graph::bulk {

// 2^11 counts per digit: 16 KiB, within the L1/L2 cache beside the scattered writes.
inline constexpr int kMaxDigitBits = 11;

// Below this many records a sort is all in cache anyway: plain LSD passes over the whole range.
inline constexpr size_t kMinMsdRecords = 1 << 14;
// Buckets of the MSD pass this small are insertion sorted.
inline constexpr size_t kMaxInsertionRecords = 24;

namespace radix_internal {

struct Digit {
  size_t word;
  int shift;
  uint64_t mask;
};

// The digits of the bits that differ between records (set in some key, clear in another), least
// significant first.
template <size_t kWords, typename T, typename KeyWords>
std::vector<Digit> VaryingDigits(const T* records, size_t n, KeyWords key_words) {
  std::array<uint64_t, kWords> all_or{}, all_and;
  all_and.fill(~uint64_t{0});
  for (size_t i = 0; i < n; ++i) {
    std::array<uint64_t, kWords> k = key_words(records[i]);
    for (size_t w = 0; w < kWords; ++w) {
      all_or[w] |= k[w];
      all_and[w] &= k[w];
    }
  }
  std::vector<Digit> digits;
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
  return digits;
}

template <typename T, typename KeyWords>
size_t DigitOf(const T& r, const Digit& d, KeyWords& key_words) {
  return (key_words(r)[d.word] >> d.shift) & d.mask;
}

// Stable LSD passes of from[0, n) by digits [0, count), ping-ponging with to[0, n); `counts`
// holds every digit's histogram (mask + 1 entries each, zeroed). Returns where the result is.
template <typename T, typename KeyWords>
T* LsdPasses(T* from, T* to, size_t n, const Digit* digits, size_t count,
             std::vector<size_t>* counts, KeyWords& key_words) {
  for (size_t i = 0; i < n; ++i) {
    size_t* c = counts->data();
    for (size_t d = 0; d < count; ++d) {
      ++c[DigitOf(from[i], digits[d], key_words)];
      c += digits[d].mask + 1;
    }
  }
  size_t* next = counts->data();
  for (size_t d = 0; d < count; ++d) {
    size_t size = digits[d].mask + 1, offset = 0;
    for (size_t b = 0; b < size; ++b) offset += std::exchange(next[b], offset);
    for (size_t i = 0; i < n; ++i) to[next[DigitOf(from[i], digits[d], key_words)]++] = from[i];
    std::swap(from, to);
    next += size;
  }
  return from;
}

// Stable insertion sort of a few records by their whole key, most significant word first.
template <size_t kWords, typename T, typename KeyWords>
void InsertionSort(T* records, size_t n, KeyWords& key_words) {
  auto less = [&](const T& a, const T& b) {
    std::array<uint64_t, kWords> x = key_words(a), y = key_words(b);
    for (size_t w = kWords; w-- > 0;) {
      if (x[w] != y[w]) return x[w] < y[w];
    }
    return false;
  };
  for (size_t i = 1; i < n; ++i) {
    T r = records[i];
    size_t j = i;
    for (; j > 0 && less(r, records[j - 1]); --j) records[j] = records[j - 1];
    records[j] = r;
  }
}

}  // namespace radix_internal

// Sorts `records` by the key that key_words(record) spells as std::array<uint64_t, kWords>,
// least significant word first. `scratch` is resized to records.size(), contents unspecified.
//
// A large input is first split by its most significant digit (one pass over all of it), then
// each bucket, a few thousand records that fit in the L1/L2 cache, is LSD sorted by the other
// digits: the passes that scatter records over 2^11 destinations then hit the cache instead of
// memory, and only one pass per record goes out to memory (plus the histogram).
template <size_t kWords, typename T, typename KeyWords>
void RadixSort(std::vector<T>* records, std::vector<T>* scratch, KeyWords key_words) {
  using radix_internal::Digit;
  const size_t n = records->size();
  if (n < 2) return;
  std::vector<Digit> digits = radix_internal::VaryingDigits<kWords>(records->data(), n, key_words);
  if (digits.empty()) return;
  scratch->resize(n);
  size_t all_counts = 0;
  for (const Digit& d : digits) all_counts += d.mask + 1;
  std::vector<size_t> counts(all_counts, 0);
  if (n < kMinMsdRecords || digits.size() == 1) {
    T* result = radix_internal::LsdPasses(records->data(), scratch->data(), n, digits.data(),
                                          digits.size(), &counts, key_words);
    if (result != records->data()) records->swap(*scratch);
    return;
  }
  // The most significant digit: records -> scratch, bucket by bucket.
  const Digit& top = digits.back();
  std::vector<size_t> starts(top.mask + 2, 0);
  for (const T& r : *records) ++starts[radix_internal::DigitOf(r, top, key_words) + 1];
  for (size_t b = 1; b < starts.size(); ++b) starts[b] += starts[b - 1];
  std::vector<size_t> next(starts.begin(), starts.end() - 1);
  for (const T& r : *records) (*scratch)[next[radix_internal::DigitOf(r, top, key_words)]++] = r;
  // Each bucket by the lower digits, scratch <-> records at the same offsets. Every bucket takes
  // the same number of passes, so every result lands in the same array.
  const size_t lower = digits.size() - 1;
  counts.resize(all_counts - (top.mask + 1));
  bool in_records = lower % 2 == 1;
  for (size_t b = 0; b + 1 < starts.size(); ++b) {
    size_t begin = starts[b], size = starts[b + 1] - begin;
    if (size < 2) {
      if (size == 1 && in_records) (*records)[begin] = (*scratch)[begin];
      continue;
    }
    T* in_scratch = scratch->data() + begin;
    T* other = records->data() + begin;
    if (size <= kMaxInsertionRecords) {
      radix_internal::InsertionSort<kWords>(in_scratch, size, key_words);
      if (in_records) std::copy(in_scratch, in_scratch + size, other);
      continue;
    }
    std::fill(counts.begin(), counts.end(), 0);
    radix_internal::LsdPasses(in_scratch, other, size, digits.data(), lower, &counts, key_words);
  }
  if (!in_records) records->swap(*scratch);
}

}  // namespace kg::graph::bulk

#endif  // KG_GRAPH_BULK_RADIX_SORT_H_
