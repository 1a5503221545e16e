// The extractor's mentions by byte offset, so that "which mention has this span / ends here /
// covers this byte / overlaps this range" costs a binary search instead of a pass over every
// mention of the document (those questions are asked per candidate name: quadratic on long
// documents).
#ifndef KG_INGEST_MENTION_INDEX_H_
#define KG_INGEST_MENTION_INDEX_H_

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

namespace kg::ingest {

// Spans only: whether a mention counts (it is dead, or nested) stays with the caller, who passes
// a predicate `counts(id)` to each query; so flags changed elsewhere are always seen. Ids are
// added in order 0, 1, 2... and a span must not change once added. Each query answers exactly
// what the pass in mention order over the same mentions would: the lowest id that qualifies.
class MentionIndex {
 public:
  size_t size() const { return by_begin_.size(); }
  void Add(int id, uint32_t begin, uint32_t end) {
    Insert(&by_begin_, {begin, id});
    Insert(&by_end_, {end, id});
    ends_.push_back(end);
    begins_.push_back(begin);
    if (end > begin) max_length_ = std::max(max_length_, end - begin);
  }

  // The lowest counting id with exactly [begin, end), or -1.
  template <typename Counts>
  int At(uint32_t begin, uint32_t end, Counts counts) const {
    for (auto it = FirstAt(by_end_, end); it != by_end_.end() && it->first == end; ++it) {
      if (begins_[it->second] == begin && counts(it->second)) return it->second;
    }
    return -1;
  }
  // The lowest counting id that ends at `end`, or -1.
  template <typename Counts>
  int EndingAt(uint32_t end, Counts counts) const {
    for (auto it = FirstAt(by_end_, end); it != by_end_.end() && it->first == end; ++it) {
      if (counts(it->second)) return it->second;
    }
    return -1;
  }
  // The lowest counting id whose span holds byte `pos` (begin <= pos < end), or -1.
  template <typename Counts>
  int Covering(uint32_t pos, Counts counts) const {
    int best = -1;
    for (auto it = FirstAt(by_begin_, LowestBegin(pos)); it != by_begin_.end() && it->first <= pos;
         ++it) {
      const int id = it->second;
      if (ends_[id] > pos && (best < 0 || id < best) && counts(id)) best = id;
    }
    return best;
  }
  // Whether a counting mention overlaps [begin, end) (m.begin < end && begin < m.end).
  template <typename Counts>
  bool Overlaps(uint32_t begin, uint32_t end, Counts counts) const {
    for (auto it = FirstAt(by_begin_, LowestBegin(begin)); it != by_begin_.end() && it->first < end;
         ++it) {
      if (ends_[it->second] > begin && counts(it->second)) return true;
    }
    return false;
  }
  // Calls fn(id) for each id whose span lies inside [begin, end) (begin <= m.begin, m.end <=
  // end), in no particular order.
  template <typename Fn>
  void ForEachInside(uint32_t begin, uint32_t end, Fn fn) const {
    for (auto it = FirstAt(by_begin_, begin); it != by_begin_.end() && it->first <= end; ++it) {
      if (ends_[it->second] <= end) fn(it->second);
    }
  }

 private:
  using Keyed = std::vector<std::pair<uint32_t, int>>;  // {offset, id}, sorted
  static void Insert(Keyed* v, std::pair<uint32_t, int> e) {
    // Mentions mostly come in text order: then this appends.
    v->insert(v->empty() || v->back() < e ? v->end() : std::upper_bound(v->begin(), v->end(), e),
              e);
  }
  static Keyed::const_iterator FirstAt(const Keyed& v, uint32_t offset) {
    return std::lower_bound(v.begin(), v.end(), std::pair<uint32_t, int>(offset, -1));
  }
  // No span longer than max_length_ starts before this and reaches `pos`.
  uint32_t LowestBegin(uint32_t pos) const {
    return pos >= max_length_ ? pos - max_length_ + 1 : 0;
  }

  Keyed by_begin_;
  Keyed by_end_;
  std::vector<uint32_t> begins_;  // by id
  std::vector<uint32_t> ends_;    // by id
  uint32_t max_length_ = 0;
};

}  // namespace kg::ingest

#endif  // KG_INGEST_MENTION_INDEX_H_
