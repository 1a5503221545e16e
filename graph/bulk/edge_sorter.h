// Sorts edges by (first vertex, label, second vertex) in bounded memory, with their property
// bytes. Like ExternalSorter, but records are fixed-width integers, so sorting compares integers
// instead of byte strings: the bulk loader sorts every edge twice (out-keys, then in-keys), and
// this is most of its work. Equal keys come out in insertion order.
#ifndef KG_GRAPH_BULK_EDGE_SORTER_H_
#define KG_GRAPH_BULK_EDGE_SORTER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
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
  EdgeSorter(std::string dir, std::string name, size_t memory_bytes);
  ~EdgeSorter();
  EdgeSorter(const EdgeSorter&) = delete;
  EdgeSorter& operator=(const EdgeSorter&) = delete;

  absl::Status Add(uint64_t first, uint32_t label, uint64_t second, std::string_view props);
  // No Add after Finish; the stream must not outlive the sorter.
  absl::StatusOr<std::unique_ptr<EdgeStream>> Finish();

  struct Record {  // 32 bytes
    uint64_t first;
    uint64_t second;
    uint32_t label;
    uint32_t props_size;
    uint64_t props_offset;  // into the arena
  };

 private:
  void SortInMemory();
  absl::Status Spill();

  std::string dir_, name_;
  size_t memory_bytes_;
  std::vector<Record> records_;
  std::string props_;  // property bytes of the records in memory
  std::vector<std::string> run_paths_;
};

}  // namespace kg::graph::bulk

#endif  // KG_GRAPH_BULK_EDGE_SORTER_H_
