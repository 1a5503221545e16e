// The loop counters a traverser carries, one per enclosing repeat(), innermost last.
//
// Traversers are copied for every edge a step follows, so the counters live inline (no
// allocation) up to kInline levels of nested repeat(); deeper nesting spills to the heap.
#ifndef KG_QUERY_LOOP_COUNTERS_H_
#define KG_QUERY_LOOP_COUNTERS_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace kg::query {

class LoopCounters {
 public:
  LoopCounters() = default;
  LoopCounters(const LoopCounters& o) : inline_(o.inline_), size_(o.size_) {
    if (o.size_ > kInline) spill_ = o.spill_;
  }
  LoopCounters(LoopCounters&&) noexcept = default;
  // Copied for every edge followed: the spill vector is touched only when either side uses it.
  LoopCounters& operator=(const LoopCounters& o) {
    if (this == &o) return *this;
    inline_ = o.inline_;
    size_ = o.size_;
    if (o.size_ > kInline || !spill_.empty()) spill_.assign(o.spill_.begin(), o.spill_.end());
    return *this;
  }
  LoopCounters& operator=(LoopCounters&&) noexcept = default;

  bool empty() const { return size_ == 0; }
  size_t size() const { return size_; }
  int32_t operator[](size_t i) const { return i < kInline ? inline_[i] : spill_[i - kInline]; }
  int32_t& back() { return size_ <= kInline ? inline_[size_ - 1] : spill_.back(); }
  int32_t back() const { return (*this)[size_ - 1]; }
  void push_back(int32_t v) {
    if (size_ < kInline) {
      inline_[size_] = v;
    } else {
      spill_.push_back(v);
    }
    ++size_;
  }
  void pop_back() {
    if (size_ > kInline) spill_.pop_back();
    --size_;
  }

  friend bool operator==(const LoopCounters& a, const LoopCounters& b) {
    if (a.size_ != b.size_) return false;
    for (size_t i = 0; i < a.size_; ++i) {
      if (a[i] != b[i]) return false;
    }
    return true;
  }
  friend bool operator!=(const LoopCounters& a, const LoopCounters& b) { return !(a == b); }
  template <typename H>
  friend H AbslHashValue(H h, const LoopCounters& c) {
    for (size_t i = 0; i < c.size_; ++i) h = H::combine(std::move(h), c[i]);
    return H::combine(std::move(h), c.size_);
  }

 private:
  static constexpr size_t kInline = 3;
  std::array<int32_t, kInline> inline_{};
  uint32_t size_ = 0;
  std::vector<int32_t> spill_;  // counters past the inline ones
};

}  // namespace kg::query

#endif  // KG_QUERY_LOOP_COUNTERS_H_
