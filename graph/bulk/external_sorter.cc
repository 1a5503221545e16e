#include "graph/bulk/external_sorter.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <queue>

#include "absl/strings/str_cat.h"

namespace kg::graph::bulk {
namespace {

constexpr size_t kReadBufferBytes = 1 << 20;

absl::Status IoError(std::string_view what, const std::string& path) {
  return absl::InternalError(
      absl::StrCat(std::string(what), " ", path, ": ", std::strerror(errno)));
}

// Records of a run file: u32 key size, u32 value size, key, value (host byte order: the file
// never leaves this process).
class RunReader {
 public:
  explicit RunReader(std::string path) : path_(std::move(path)) {}
  ~RunReader() {
    if (file_) std::fclose(file_);
  }

  absl::Status Open() {
    file_ = std::fopen(path_.c_str(), "rb");
    if (!file_) return IoError("open", path_);
    std::setvbuf(file_, nullptr, _IOFBF, kReadBufferBytes);
    return absl::OkStatus();
  }

  // False at the end; a short record is an error.
  bool Next(absl::Status* status) {
    uint32_t sizes[2];
    size_t n = std::fread(sizes, 1, sizeof(sizes), file_);
    if (n == 0) return false;
    record_.resize(static_cast<size_t>(sizes[0]) + sizes[1]);
    if (n != sizeof(sizes) ||
        std::fread(record_.data(), 1, record_.size(), file_) != record_.size()) {
      *status = absl::DataLossError(absl::StrCat("truncated sort run ", path_));
      return false;
    }
    key_size_ = sizes[0];
    return true;
  }

  std::string_view key() const { return std::string_view(record_).substr(0, key_size_); }
  std::string_view value() const { return std::string_view(record_).substr(key_size_); }

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
  std::string record_;
  uint32_t key_size_ = 0;
};

// Merges sorted runs; ties go to the earlier run, so equal keys keep insertion order.
class MergingStream : public SortedStream {
 public:
  explicit MergingStream(std::vector<std::unique_ptr<RunReader>> runs) : runs_(std::move(runs)) {}

  absl::Status Init() {
    for (size_t i = 0; i < runs_.size(); ++i) {
      if (absl::Status s = runs_[i]->Open(); !s.ok()) return s;
      Advance(i);
    }
    return status_;
  }

  bool Next(std::string_view* key, std::string_view* value) override {
    if (current_ >= 0) Advance(static_cast<size_t>(current_));
    if (!status_.ok() || heap_.empty()) return false;
    current_ = static_cast<int>(heap_.top());
    heap_.pop();
    *key = runs_[current_]->key();
    *value = runs_[current_]->value();
    return true;
  }

  absl::Status status() const override { return status_; }

 private:
  void Advance(size_t run) {
    if (runs_[run]->Next(&status_)) heap_.push(run);
  }

  struct Later {
    const MergingStream* self;
    bool operator()(size_t a, size_t b) const {
      int c = self->runs_[a]->key().compare(self->runs_[b]->key());
      return c != 0 ? c > 0 : a > b;
    }
  };

  std::vector<std::unique_ptr<RunReader>> runs_;
  std::priority_queue<size_t, std::vector<size_t>, Later> heap_{Later{this}};
  int current_ = -1;
  absl::Status status_;
};

// Streams the sorted in-memory entries when nothing spilled.
class MemoryStream : public SortedStream {
 public:
  MemoryStream(const std::string* arena, const std::vector<SortEntry>* entries)
      : arena_(arena), entries_(entries) {}
  bool Next(std::string_view* key, std::string_view* value) override {
    if (i_ >= entries_->size()) return false;
    const SortEntry& e = (*entries_)[i_++];
    std::string_view all(*arena_);
    *key = all.substr(e.offset, e.key_size);
    *value = all.substr(e.offset + e.key_size, e.value_size);
    return true;
  }
  absl::Status status() const override { return absl::OkStatus(); }

 private:
  const std::string* arena_;
  const std::vector<SortEntry>* entries_;
  size_t i_ = 0;
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
  entries_.push_back({arena_.size(), static_cast<uint32_t>(key.size()),
                      static_cast<uint32_t>(value.size())});
  arena_.append(key);
  arena_.append(value);
  ++records_;
  return absl::OkStatus();
}

void ExternalSorter::SortInMemory() {
  std::string_view arena(arena_);
  std::stable_sort(entries_.begin(), entries_.end(), [arena](const SortEntry& a, const SortEntry& b) {
    return arena.substr(a.offset, a.key_size) < arena.substr(b.offset, b.key_size);
  });
}

absl::Status ExternalSorter::Spill() {
  SortInMemory();
  std::string path = absl::StrCat(dir_, "/", name_, ".", run_paths_.size());
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return IoError("create", path);
  std::setvbuf(f, nullptr, _IOFBF, kReadBufferBytes);
  bool ok = true;
  for (const SortEntry& e : entries_) {
    uint32_t sizes[2] = {e.key_size, e.value_size};
    ok = ok && std::fwrite(sizes, sizeof(sizes), 1, f) == 1 &&
         std::fwrite(arena_.data() + e.offset, 1, e.key_size + e.value_size, f) ==
             e.key_size + e.value_size;
  }
  ok = (std::fclose(f) == 0) && ok;
  if (!ok) return IoError("write", path);
  run_paths_.push_back(path);
  arena_.clear();
  entries_.clear();
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<SortedStream>> ExternalSorter::Finish() {
  if (run_paths_.empty()) {
    SortInMemory();
    return std::unique_ptr<SortedStream>(new MemoryStream(&arena_, &entries_));
  }
  if (!entries_.empty()) {
    if (absl::Status s = Spill(); !s.ok()) return s;
  }
  std::vector<std::unique_ptr<RunReader>> runs;
  for (const std::string& p : run_paths_) runs.push_back(std::make_unique<RunReader>(p));
  auto merged = std::make_unique<MergingStream>(std::move(runs));
  if (absl::Status s = merged->Init(); !s.ok()) return s;
  return std::unique_ptr<SortedStream>(std::move(merged));
}

}  // namespace kg::graph::bulk
