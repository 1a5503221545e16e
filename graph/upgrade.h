// In-place upgrade of an older on-disk format, run by Graph::Open before anything reads the data.
// Internal to graph/.
//
// Format 3 -> 4: the out-edge key went from `01 src lid dst rank` to `03 src lid rank dst`, so
// that a vertex's out-edges of one label list in rank order, which is creation order (AddEdge
// takes its rank from the id counter). The upgrade rewrites every format-3 out-key (with its
// properties) and every edge external id entry whose value holds one, in bounded transactions,
// then stamps format 4 last. A crash at any point leaves format 3 stamped and a mix of old and
// new keys, which the new tag tells apart: the next Open resumes where it stopped.
#ifndef KG_GRAPH_UPGRADE_H_
#define KG_GRAPH_UPGRADE_H_

#include <cstddef>
#include <cstdint>

#include "absl/status/status.h"
#include "graph/kv/kv.h"

namespace kg::graph {

struct UpgradeOptions {
  // Keys rewritten per transaction: bounds the memory and the write batch of each step.
  size_t batch_entries = 16384;
  // Tests only: stop (ABORTED) after this many committed transactions, as a crash would.
  int64_t max_batches = -1;
};

// Rewrites a format-3 store into format 4. OK once format 4 is stamped.
absl::Status UpgradeFormat3To4(kv::Store& store, const UpgradeOptions& options = {});

}  // namespace kg::graph

#endif  // KG_GRAPH_UPGRADE_H_
