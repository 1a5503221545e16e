// The degree counters of a bulk load (one merge operand per (vertex, direction, label)), written
// while the edge files are: the out- and in-edge writers count the degrees of the edges they
// write, in (vertex, label) order, and hand them over in batches; a thread of its own merges the
// two lists into the counter space's degree file. Written after both edge files, the counters
// were a serial tail of the commit, on one core.
#ifndef KG_GRAPH_BULK_DEGREE_WRITER_H_
#define KG_GRAPH_BULK_DEGREE_WRITER_H_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "graph/kv/kv.h"
#include "graph/types.h"

namespace kg::graph::bulk {

// A degree counter delta: (vertex, label) -> edges, collected in key order.
struct Degree {
  VertexId vertex;
  LabelId label;
  int64_t count;
};

// Merges the two directions' degrees into `file` (degree keys only: the file's key range is the
// degree tag's) on its own thread, as they arrive.
class DegreeWriter {
 public:
  explicit DegreeWriter(kv::BulkFile& file);
  // Closes both directions and waits for the thread (Finish() does both and reports).
  ~DegreeWriter();
  DegreeWriter(const DegreeWriter&) = delete;
  DegreeWriter& operator=(const DegreeWriter&) = delete;

  // One direction's next degrees, after the ones before in (vertex, label) order. One thread per
  // direction; the two may call at once.
  void Add(Direction d, std::vector<Degree> batch);
  // No more degrees of that direction (also when its edge file failed).
  void Close(Direction d);
  // Closes both directions, waits until everything was written and finishes the file.
  absl::Status Finish();

 private:
  struct Side {
    std::deque<std::vector<Degree>> queue;  // guarded by mu_
    bool closed = false;                    // guarded by mu_
    std::vector<Degree> current;            // the writer thread's
    size_t next = 0;
  };
  void Run();
  // Makes side.current hold an unwritten degree, waiting for one; false once there is none.
  bool Refill(Side& side);
  absl::Status Write(const Degree& d, Direction direction);

  kv::BulkFile& file_;
  std::mutex mu_;
  std::condition_variable arrived_;
  Side out_, in_;
  absl::Status status_;  // the writer thread's, read after it joined
  std::thread thread_;
};

// Counts one direction's degrees as its edges are written, in (vertex, label) order, and hands
// them to a DegreeWriter in batches.
class DegreeCounter {
 public:
  // Degrees per batch: large enough that the hand-over's lock is rare, small enough that the
  // writer thread follows the edges closely.
  static constexpr size_t kBatch = 16384;

  DegreeCounter(DegreeWriter* writer, Direction direction)
      : writer_(writer), direction_(direction) {}
  ~DegreeCounter() { Close(); }

  void Count(VertexId v, LabelId l) {
    if (!batch_.empty() && batch_.back().vertex == v && batch_.back().label == l) {
      ++batch_.back().count;
      return;
    }
    if (batch_.size() >= kBatch) HandOver();  // the last one is complete: v or l changed
    batch_.push_back({v, l, 1});
  }
  // Hands over the rest and closes the direction; idempotent.
  void Close();

 private:
  void HandOver();

  DegreeWriter* writer_;
  Direction direction_;
  std::vector<Degree> batch_;
  bool closed_ = false;
};

}  // namespace kg::graph::bulk

#endif  // KG_GRAPH_BULK_DEGREE_WRITER_H_
