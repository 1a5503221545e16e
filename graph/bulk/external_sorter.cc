#include "graph/bulk/external_sorter.h"

#include <algorithm>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "graph/bulk/run_file.h"
#include "graph/bulk/run_merger.h"

namespace kg::graph::bulk {
namespace {

struct KeyValue {
  std::string_view key, value;
};

struct KeyLess {
  bool operator()(const KeyValue& a, const KeyValue& b) const { return a.key < b.key; }
};

// A sorted run: the in-memory entries when nothing spilled, or a run file of records (u32 key
// size, u32 value size, key, value).
class Run {
 public:
  Run(const std::string* arena, const std::vector<SortEntry>* entries)
      : arena_(arena), entries_(entries) {}
  explicit Run(std::string path) : path_(std::move(path)) {}

  absl::Status Open() { return path_.empty() ? absl::OkStatus() : file_.Open(path_); }

  bool Next(absl::Status* status) {
    if (path_.empty()) {
      if (next_ >= entries_->size()) return false;
      const SortEntry& e = (*entries_)[next_++];
      std::string_view all(*arena_);
      item_ = {all.substr(e.offset, e.key_size), all.substr(e.offset + e.key_size, e.value_size)};
      return true;
    }
    uint32_t sizes[2];
    if (!file_.Read(sizes, sizeof(sizes), status)) return false;
    record_.resize(static_cast<size_t>(sizes[0]) + sizes[1]);
    if (!file_.ReadRest(record_.data(), record_.size(), status)) return false;
    item_ = {std::string_view(record_).substr(0, sizes[0]),
             std::string_view(record_).substr(sizes[0])};
    return true;
  }

  const KeyValue& item() const { return item_; }

 private:
  const std::string* arena_ = nullptr;
  const std::vector<SortEntry>* entries_ = nullptr;
  size_t next_ = 0;
  std::string path_;
  RunFileReader file_;
  std::string record_;
  KeyValue item_;
};

class MergedStream : public SortedStream {
 public:
  explicit MergedStream(std::vector<std::unique_ptr<Run>> runs)
      : merger_(std::move(runs), KeyLess()) {}
  bool Next(std::string_view* key, std::string_view* value) override {
    if (!merger_.Next()) return false;
    *key = merger_.item().key;
    *value = merger_.item().value;
    return true;
  }
  absl::Status status() const override { return merger_.status(); }

 private:
  RunMerger<Run, KeyLess> merger_;
};

}  // namespace

ExternalSorter::ExternalSorter(std::string dir, std::string name, size_t memory_bytes)
    : dir_(std::move(dir)), name_(std::move(name)), memory_bytes_(memory_bytes) {}

ExternalSorter::~ExternalSorter() {
  std::error_code ec;
  for (const std::string& p : run_paths_) std::filesystem::remove(p, ec);
}

absl::Status ExternalSorter::Add(std::string_view key, std::string_view value) {
  if (key.size() > UINT32_MAX || value.size() > UINT32_MAX) {
    return absl::InvalidArgumentError("record too large to sort");
  }
  size_t used = arena_.size() + entries_.size() * sizeof(SortEntry);
  if (!entries_.empty() && used + key.size() + value.size() + sizeof(SortEntry) > memory_bytes_) {
    if (absl::Status s = Spill(); !s.ok()) return s;
  }
  entries_.push_back(
      {arena_.size(), static_cast<uint32_t>(key.size()), static_cast<uint32_t>(value.size())});
  arena_.append(key);
  arena_.append(value);
  ++records_;
  return absl::OkStatus();
}

void ExternalSorter::SortInMemory() {
  std::string_view arena(arena_);
  std::stable_sort(entries_.begin(), entries_.end(),
                   [arena](const SortEntry& a, const SortEntry& b) {
                     return arena.substr(a.offset, a.key_size) < arena.substr(b.offset, b.key_size);
                   });
}

absl::Status ExternalSorter::Spill() {
  SortInMemory();
  std::string path = absl::StrCat(dir_, "/", name_, ".", run_paths_.size());
  RunFileWriter file;
  if (absl::Status s = file.Create(path); !s.ok()) return s;
  run_paths_.push_back(path);  // removed by the destructor even if writing fails
  for (const SortEntry& e : entries_) {
    uint32_t sizes[2] = {e.key_size, e.value_size};
    file.Write(sizes, sizeof(sizes));
    file.Write(arena_.data() + e.offset, e.key_size + e.value_size);
  }
  arena_.clear();
  entries_.clear();
  return file.Close();
}

absl::StatusOr<std::unique_ptr<SortedStream>> ExternalSorter::Finish() {
  std::vector<std::unique_ptr<Run>> runs;
  if (run_paths_.empty()) {
    SortInMemory();
    runs.push_back(std::make_unique<Run>(&arena_, &entries_));
  } else {
    if (!entries_.empty()) {
      if (absl::Status s = Spill(); !s.ok()) return s;
    }
    std::string().swap(arena_);  // give the memory back before merging
    std::vector<SortEntry>().swap(entries_);
    for (const std::string& p : run_paths_) runs.push_back(std::make_unique<Run>(p));
  }
  for (const auto& run : runs) {
    if (absl::Status s = run->Open(); !s.ok()) return s;
  }
  return std::unique_ptr<SortedStream>(new MergedStream(std::move(runs)));
}

}  // namespace kg::graph::bulk
