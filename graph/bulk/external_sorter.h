// Sorts key/value records in bounded memory: records collect in one arena until the budget is
// reached, then spill to a sorted run file; Finish() merges the runs. Equal keys come out in the
// order they were added (the merge is stable), so "the later write wins" can be applied by the
// reader.
//
//   ExternalSorter sorter("/tmp/load", "edges", 256 << 20);
//   for (...) RETURN_IF_ERROR(sorter.Add(key, value));
//   ASSIGN_OR_RETURN(auto sorted, sorter.Finish());
//   for (std::string_view k, v; sorted->Next(&k, &v);) ...
#ifndef KG_GRAPH_BULK_EXTERNAL_SORTER_H_
#define KG_GRAPH_BULK_EXTERNAL_SORTER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace kg::graph::bulk {

class SortedStream {
 public:
  virtual ~SortedStream() = default;
  // The views stay valid until the next call.
  virtual bool Next(std::string_view* key, std::string_view* value) = 0;
  virtual absl::Status status() const = 0;
};

// Where one record sits in the sorter's arena.
struct SortEntry {
  uint64_t offset;
  uint32_t key_size;
  uint32_t value_size;
};

class ExternalSorter {
 public:
  // Run files are named dir/name.N; memory_bytes bounds the arena and its index together.
  ExternalSorter(std::string dir, std::string name, size_t memory_bytes);
  ~ExternalSorter();
  ExternalSorter(const ExternalSorter&) = delete;
  ExternalSorter& operator=(const ExternalSorter&) = delete;

  absl::Status Add(std::string_view key, std::string_view value);
  // No Add after Finish. The stream must not outlive the sorter.
  absl::StatusOr<std::unique_ptr<SortedStream>> Finish();

  uint64_t records() const { return records_; }
  int runs_spilled() const { return static_cast<int>(run_paths_.size()); }

 private:
  void SortInMemory();
  absl::Status Spill();

  std::string dir_, name_;
  size_t memory_bytes_;
  std::string arena_;
  std::vector<SortEntry> entries_;
  std::vector<std::string> run_paths_;
  uint64_t records_ = 0;
};

}  // namespace kg::graph::bulk

#endif  // KG_GRAPH_BULK_EXTERNAL_SORTER_H_
