#include "import/huge_page_allocator.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace kg::import {
namespace {

constexpr size_t kHuge = HugePageAllocator<char>::kHugePageBytes;

// Blocks of 2 MiB or more start on a 2 MiB boundary (where a huge page can back them); smaller
// ones are ordinary allocations. Both hold what is written to them to their last byte.
TEST(HugePageAllocatorTest, AlignsLargeBlocksAndServesSmallOnes) {
  HugePageAllocator<uint64_t> alloc;
  for (size_t bytes : {size_t{64}, kHuge - 8, kHuge, kHuge + 8, 3 * kHuge + 4096}) {
    size_t n = bytes / sizeof(uint64_t);
    uint64_t* p = alloc.allocate(n);
    ASSERT_NE(p, nullptr);
    if (bytes >= kHuge) {
      EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % kHuge, 0u) << bytes;
    }
    for (size_t i = 0; i < n; ++i) p[i] = i * 7;
    for (size_t i = 0; i < n; i += n / 16 + 1) ASSERT_EQ(p[i], i * 7) << bytes;
    EXPECT_EQ(p[n - 1], (n - 1) * 7);
    alloc.deallocate(p, n);
  }
}

// As the id table uses it: a vector that grows from small to huge keeps its contents.
TEST(HugePageAllocatorTest, VectorGrowingPastTheThresholdKeepsItsContents) {
  struct Slot {
    uint32_t label;
    bool used;
    uint64_t id;
  };
  std::vector<Slot, HugePageAllocator<Slot>> table;
  size_t size = 1;
  while (size * sizeof(Slot) < 3 * kHuge) {
    size_t old = table.size();
    table.resize(size);
    for (size_t i = old; i < size; ++i) table[i] = {static_cast<uint32_t>(i % 5), i % 3 == 0, i};
    size *= 2;
  }
  for (size_t i = 0; i < table.size(); ++i) {
    ASSERT_EQ(table[i].id, i);
    ASSERT_EQ(table[i].label, i % 5);
    ASSERT_EQ(table[i].used, i % 3 == 0);
  }
  EXPECT_EQ(reinterpret_cast<uintptr_t>(table.data()) % kHuge, 0u);
}

}  // namespace
}  // namespace kg::import
