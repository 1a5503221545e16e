// An allocator for large tables read at random: blocks of 2 MiB or more are aligned to 2 MiB and
// offered to the kernel for transparent huge pages (madvise; Debian's default THP mode), smaller
// ones come from operator new.
//
// The importer's id table holds 16 bytes per vertex of an import and every edge row looks up both
// of its ends in it at random: with 4 KiB pages nearly every lookup also misses the TLB (a 16 MiB
// table spans 4,096 pages), and a software prefetch waits for the page walk. Where the kernel
// has no huge page to give, the block works as before.
#ifndef KG_IMPORT_HUGE_PAGE_ALLOCATOR_H_
#define KG_IMPORT_HUGE_PAGE_ALLOCATOR_H_

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>

namespace kg::import {

template <typename T>
class HugePageAllocator {
 public:
  using value_type = T;
  static constexpr size_t kHugePageBytes = size_t{2} << 20;

  HugePageAllocator() = default;
  template <typename U>
  HugePageAllocator(const HugePageAllocator<U>&) {}  // NOLINT: allocators convert implicitly

  T* allocate(size_t n) {
    if (n > SIZE_MAX / sizeof(T)) throw std::bad_array_new_length();
    size_t bytes = n * sizeof(T);
    if (bytes < kHugePageBytes) return static_cast<T*>(::operator new(bytes));
    size_t rounded = (bytes + kHugePageBytes - 1) / kHugePageBytes * kHugePageBytes;
    void* p = std::aligned_alloc(kHugePageBytes, rounded);
    if (p == nullptr) throw std::bad_alloc();
    madvise(p, rounded, MADV_HUGEPAGE);  // a hint: without it the table still works
    return static_cast<T*>(p);
  }

  void deallocate(T* p, size_t n) {
    if (n * sizeof(T) < kHugePageBytes) {
      ::operator delete(p);
    } else {
      std::free(p);
    }
  }

  template <typename U>
  bool operator==(const HugePageAllocator<U>&) const {
    return true;
  }
};

}  // namespace kg::import

#endif  // KG_IMPORT_HUGE_PAGE_ALLOCATOR_H_
