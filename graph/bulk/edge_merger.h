// Merges sorted runs of edges into one sorted sequence: EdgeSorter's k-way merge, which every
// edge of a bulk load passes through twice at commit (once per direction).
//
// A tournament ("loser") tree like RunMerger's, but over fixed-width keys kept in one flat array
// instead of behind each run's pointer: a record's way to the root then costs, per level, a load
// of the loser's key that does not wait for the previous level (the path up the tree is known
// from the start), a comparison and a few conditional moves. RunMerger's walk loads the winner's
// record through two pointers per level, one level after the other (bench/README.md, import_bench,
// session 7).
//
// A Run has
//   bool Next(absl::Status* status);  // advances; false at its end or on error (then *status)
//   const SortedEdge& item() const;   // the current record, valid until the next Next()
// Equal keys come out in run order (ties go to the earlier run), so runs numbered in the order
// their records were added keep equal keys in insertion order.
#ifndef KG_GRAPH_BULK_EDGE_MERGER_H_
#define KG_GRAPH_BULK_EDGE_MERGER_H_

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "graph/bulk/edge_sorter.h"

namespace kg::graph::bulk {

template <typename Run>
class EdgeMerger {
 public:
  explicit EdgeMerger(std::vector<std::unique_ptr<Run>> runs)
      : runs_(std::move(runs)), keys_(runs_.size(), kEnd), tree_(runs_.size(), 0) {}

  // Steps to the next record in order; false at the end or on error (see status()).
  bool Next() {
    if (runs_.empty() || !status_.ok()) return false;
    if (!started_) {
      Start();
    } else {
      uint32_t winner = tree_[0];
      Advance(winner);
      Replay(winner);
    }
    return status_.ok() && !IsEnd(keys_[tree_[0]]);
  }

  const SortedEdge& item() const { return runs_[tree_[0]]->item(); }
  absl::Status status() const { return status_; }

 private:
  // (first, label, second, run) as one 192-bit number in three words, most significant first:
  // first; label and the high half of second; the low half of second and the run's index. Every
  // key is distinct (the run decides ties), and a finished run's key, all ones, is above every
  // live one: a live run's index is below 2^32 - 1.
  struct Key {
    uint64_t high, middle, low;
  };
  static constexpr Key kEnd = {~uint64_t{0}, ~uint64_t{0}, ~uint64_t{0}};

  static Key KeyOf(const SortedEdge& e, uint32_t run) {
    return {e.first, (uint64_t{e.label} << 32) | (e.second >> 32), (e.second << 32) | run};
  }
  static bool IsEnd(const Key& k) { return (k.high & k.middle & k.low) == ~uint64_t{0}; }
  // Whether a < b, as the borrow out of the subtraction a - b: in a merge which key is smaller
  // is as good as random, and compilers turn a comparison field by field into branches.
  static bool Less(const Key& a, const Key& b) {
    uint64_t d;
    uint64_t borrow = BorrowOf(a.low, b.low, 0, &d);
    borrow = BorrowOf(a.middle, b.middle, borrow, &d);
    return BorrowOf(a.high, b.high, borrow, &d) != 0;
  }
  // The borrow (0 or 1) out of x - y - borrow_in, the difference in *difference. At most one of
  // the two steps borrows, so their sum is the borrow.
  static uint64_t BorrowOf(uint64_t x, uint64_t y, uint64_t borrow_in, uint64_t* difference) {
    uint64_t first = __builtin_sub_overflow(x, y, difference);
    uint64_t second = __builtin_sub_overflow(*difference, borrow_in, difference);
    return first + second;
  }
  // `if_true` when `condition`, else `if_false`, by masking rather than by a branch.
  template <typename T>
  static T Select(bool condition, T if_true, T if_false) {
    T mask = -static_cast<T>(condition);
    return if_false ^ ((if_false ^ if_true) & mask);
  }

  void Advance(uint32_t run) {
    keys_[run] = runs_[run]->Next(&status_) ? KeyOf(runs_[run]->item(), run) : kEnd;
  }

  void Start() {
    started_ = true;
    for (uint32_t i = 0; i < runs_.size() && status_.ok(); ++i) Advance(i);
    tree_[0] = Build(1);
  }

  // The winner of the subtree under `node` (leaves are nodes k..2k-1), recording losers.
  uint32_t Build(size_t node) {
    size_t k = runs_.size();
    if (node >= k) return static_cast<uint32_t>(node - k);
    uint32_t left = Build(2 * node), right = Build(2 * node + 1);
    bool left_wins = Less(keys_[left], keys_[right]);
    tree_[node] = left_wins ? right : left;
    return left_wins ? left : right;
  }

  // Plays the run that just advanced against the losers on its way to the root, carrying the
  // winner's key along rather than loading it again at each level.
  void Replay(uint32_t run) {
    Key key = keys_[run];
    for (size_t node = (run + runs_.size()) / 2; node > 0; node /= 2) {
      uint32_t other = tree_[node];
      Key other_key = keys_[other];
      bool other_wins = Less(other_key, key);
      tree_[node] = Select(other_wins, run, other);
      run = Select(other_wins, other, run);
      key.high = Select(other_wins, other_key.high, key.high);
      key.middle = Select(other_wins, other_key.middle, key.middle);
      key.low = Select(other_wins, other_key.low, key.low);
    }
    tree_[0] = run;
  }

  std::vector<std::unique_ptr<Run>> runs_;
  std::vector<Key> keys_;       // each run's current key, kEnd once it is finished
  std::vector<uint32_t> tree_;  // [0]: the winner; [1, k): the loser of each match
  bool started_ = false;
  absl::Status status_;
};

}  // namespace kg::graph::bulk

#endif  // KG_GRAPH_BULK_EDGE_MERGER_H_
