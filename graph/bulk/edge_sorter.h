// Sorts edges by (first vertex, label, second vertex) in bounded memory, with their property
// bytes. Like ExternalSorter, but records are fixed-width integers, so they are radix sorted: the
// bulk loader sorts every edge twice (out-keys and in-keys), and this is most of its work.
//
// Records collect in chunks; each full chunk is sorted on a background thread while the caller
// goes on adding (parsing overlaps sorting), then kept in memory or, past the budget, spilled to
// a run file. Finish() merges the sorted chunks. Equal keys come out in insertion order.
#ifndef KG_GRAPH_BULK_EDGE_SORTER_H_
#define KG_GRAPH_BULK_EDGE_SORTER_H_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace kg::graph::bulk {

struct SortedEdge {
  uint64_t first = 0;
  uint32_t label = 0;
  uint64_t second = 0;
  std::string_view props;  // valid until the next call
};

class EdgeStream {
 public:
  virtual ~EdgeStream() = default;
  virtual bool Next(SortedEdge* edge) = 0;
  virtual absl::Status status() const = 0;
};

class EdgeSorter {
 public:
  // Run files are named dir/name.N; memory_bytes bounds the chunks, the sort's scratch space and
  // the sorted chunks kept in memory together.
  EdgeSorter(std::string dir, std::string name, size_t memory_bytes);
  ~EdgeSorter();
  EdgeSorter(const EdgeSorter&) = delete;
  EdgeSorter& operator=(const EdgeSorter&) = delete;

  absl::Status Add(uint64_t first, uint32_t label, uint64_t second, std::string_view props);
  // No Add after Finish; the stream must not outlive the sorter.
  absl::StatusOr<std::unique_ptr<EdgeStream>> Finish();

  int runs_spilled() const;

  static constexpr uint32_t kNoProps = UINT32_MAX;
  struct Record {  // 24 bytes
    uint64_t first;
    uint64_t second;
    uint32_t label;
    uint32_t props;  // offset of varint-prefixed bytes in the chunk's arena, or kNoProps
  };
  // A run: records in insertion order until sorted; spilled ones keep only their file.
  struct Chunk {
    std::vector<Record> records;
    std::string props;
    std::string path;  // set when spilled
    size_t Bytes() const { return records.size() * sizeof(Record) + props.size(); }
  };

 private:
  absl::Status HandOff();  // queues the filling chunk for the worker
  void Work();             // the worker: sorts queued chunks, keeps or spills them
  absl::Status SortAndPlace(Chunk* chunk, std::vector<Record>* scratch, bool may_keep);
  absl::Status Spill(Chunk* chunk);

  std::string dir_, name_;
  size_t memory_bytes_, chunk_bytes_;
  std::unique_ptr<Chunk> filling_;

  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::deque<std::unique_ptr<Chunk>> queue_;  // full chunks waiting to be sorted
  std::vector<std::unique_ptr<Chunk>> done_;  // sorted, in insertion order
  size_t kept_bytes_ = 0;                     // of done_ chunks still in memory
  int spilled_ = 0;
  bool stop_ = false;
  absl::Status worker_status_;
  std::thread worker_;
};

}  // namespace kg::graph::bulk

#endif  // KG_GRAPH_BULK_EDGE_SORTER_H_
