// Merges sorted runs (in memory or spilled to files) into one sorted sequence: the k-way merge
// both sorters share. Ties go to the earlier run, so when runs are numbered in the order their
// records were added, equal keys come out in insertion order.
//
// A Run has
//   bool Next(absl::Status* status);  // advances; false at its end or on error (then *status)
//   const Item& item() const;         // the current record, valid until the next Next()
// and Less is a strict weak order on items.
//
// A tournament ("loser") tree: each record costs log2(runs) comparisons, half of what a binary
// heap's sift-down does, and the merge is most of the bulk loader's work after sorting.
#ifndef KG_GRAPH_BULK_RUN_MERGER_H_
#define KG_GRAPH_BULK_RUN_MERGER_H_

#include <cstddef>
#include <memory>
#include <utility>
#include <vector>

#include "absl/status/status.h"

namespace kg::graph::bulk {

template <typename Run, typename Less>
class RunMerger {
 public:
  RunMerger(std::vector<std::unique_ptr<Run>> runs, Less less)
      : runs_(std::move(runs)), less_(std::move(less)), live_(runs_.size(), 0) {}

  // Steps to the next record in order; false at the end or on error (see status()).
  bool Next() {
    if (runs_.empty() || !status_.ok()) return false;
    if (!started_) {
      Start();
    } else {
      size_t winner = tree_[0];
      live_[winner] = runs_[winner]->Next(&status_);
      Replay(winner);
    }
    return status_.ok() && live_[tree_[0]];
  }

  const auto& item() const { return runs_[tree_[0]]->item(); }
  absl::Status status() const { return status_; }

 private:
  void Start() {
    started_ = true;
    for (size_t i = 0; i < runs_.size() && status_.ok(); ++i) live_[i] = runs_[i]->Next(&status_);
    tree_.assign(runs_.size(), 0);
    tree_[0] = Build(1);
  }

  // The winner of the subtree under `node` (leaves are nodes k..2k-1), recording losers.
  size_t Build(size_t node) {
    size_t k = runs_.size();
    if (node >= k) return node - k;
    size_t left = Build(2 * node), right = Build(2 * node + 1);
    bool left_wins = Before(left, right);
    tree_[node] = left_wins ? right : left;
    return left_wins ? left : right;
  }

  // Plays the run that just advanced against the losers on its way to the root. Which side wins
  // is as good as random, so the loop selects instead of branching.
  void Replay(size_t run) {
    for (size_t node = (run + runs_.size()) / 2; node > 0; node /= 2) {
      size_t other = tree_[node];
      bool other_wins = Before(other, run);
      tree_[node] = other_wins ? run : other;
      run = other_wins ? other : run;
    }
    tree_[0] = run;
  }

  // Whether run a's record comes before run b's; finished runs come last. With ties going to
  // the earlier run, one comparison decides: the earlier run's record wins unless the later
  // one's is strictly less, the later run's only if it is strictly less.
  bool Before(size_t a, size_t b) const {
    bool live_a = live_[a], live_b = live_[b];
    if (!(live_a & live_b)) return live_a || (!live_b && a < b);
    bool a_earlier = a < b;
    const auto& earlier = runs_[a_earlier ? a : b]->item();
    const auto& later = runs_[a_earlier ? b : a]->item();
    return a_earlier != less_(later, earlier);
  }

  std::vector<std::unique_ptr<Run>> runs_;
  Less less_;
  std::vector<char> live_;    // whether each run still has a record
  std::vector<size_t> tree_;  // [0]: the winner; [1, k): the loser of each match
  bool started_ = false;
  absl::Status status_;
};

}  // namespace kg::graph::bulk

#endif  // KG_GRAPH_BULK_RUN_MERGER_H_
