#include "graph/bulk/edge_sorter.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <queue>
#include <tuple>

#include "absl/strings/str_cat.h"

namespace kg::graph::bulk {
namespace {

constexpr size_t kBufferBytes = 1 << 20;

bool KeyLess(const EdgeSorter::Record& a, const EdgeSorter::Record& b) {
  return std::tie(a.first, a.label, a.second) < std::tie(b.first, b.label, b.second);
}

// A run file: records whose props_offset is unused, each followed by its property bytes.
class RunReader {
 public:
  explicit RunReader(std::string path) : path_(std::move(path)) {}
  ~RunReader() {
    if (file_) std::fclose(file_);
  }
  absl::Status Open() {
    file_ = std::fopen(path_.c_str(), "rb");
    if (!file_) return absl::InternalError(absl::StrCat("open ", path_, ": ", std::strerror(errno)));
    std::setvbuf(file_, nullptr, _IOFBF, kBufferBytes);
    return absl::OkStatus();
  }
  bool Next(absl::Status* status) {
    size_t n = std::fread(&record_, 1, sizeof(record_), file_);
    if (n == 0) return false;
    props_.resize(record_.props_size);
    if (n != sizeof(record_) ||
        std::fread(props_.data(), 1, props_.size(), file_) != props_.size()) {
      *status = absl::DataLossError(absl::StrCat("truncated sort run ", path_));
      return false;
    }
    return true;
  }
  const EdgeSorter::Record& record() const { return record_; }
  std::string_view props() const { return props_; }

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
  EdgeSorter::Record record_{};
  std::string props_;
};

class MergingStream : public EdgeStream {
 public:
  explicit MergingStream(std::vector<std::unique_ptr<RunReader>> runs) : runs_(std::move(runs)) {}
  absl::Status Init() {
    for (size_t i = 0; i < runs_.size(); ++i) {
      if (absl::Status s = runs_[i]->Open(); !s.ok()) return s;
      if (runs_[i]->Next(&status_)) heap_.push(i);
    }
    return status_;
  }
  bool Next(SortedEdge* edge) override {
    if (current_ >= 0 && runs_[current_]->Next(&status_)) heap_.push(current_);
    if (!status_.ok() || heap_.empty()) return false;
    current_ = static_cast<int>(heap_.top());
    heap_.pop();
    const EdgeSorter::Record& r = runs_[current_]->record();
    *edge = {r.first, r.label, r.second, runs_[current_]->props()};
    return true;
  }
  absl::Status status() const override { return status_; }

 private:
  struct Later {
    const MergingStream* self;
    bool operator()(size_t a, size_t b) const {
      const EdgeSorter::Record& x = self->runs_[a]->record();
      const EdgeSorter::Record& y = self->runs_[b]->record();
      if (KeyLess(x, y)) return false;
      if (KeyLess(y, x)) return true;
      return a > b;  // earlier run first: insertion order
    }
  };
  std::vector<std::unique_ptr<RunReader>> runs_;
  std::priority_queue<size_t, std::vector<size_t>, Later> heap_{Later{this}};
  int current_ = -1;
  absl::Status status_;
};

class MemoryStream : public EdgeStream {
 public:
  MemoryStream(const std::vector<EdgeSorter::Record>* records, const std::string* props)
      : records_(records), props_(props) {}
  bool Next(SortedEdge* edge) override {
    if (i_ >= records_->size()) return false;
    const EdgeSorter::Record& r = (*records_)[i_++];
    *edge = {r.first, r.label, r.second,
             std::string_view(*props_).substr(r.props_offset, r.props_size)};
    return true;
  }
  absl::Status status() const override { return absl::OkStatus(); }

 private:
  const std::vector<EdgeSorter::Record>* records_;
  const std::string* props_;
  size_t i_ = 0;
};

}  // namespace

EdgeSorter::EdgeSorter(std::string dir, std::string name, size_t memory_bytes)
    : dir_(std::move(dir)), name_(std::move(name)), memory_bytes_(memory_bytes) {}

EdgeSorter::~EdgeSorter() {
  std::error_code ec;
  for (const std::string& p : run_paths_) std::filesystem::remove(p, ec);
}

absl::Status EdgeSorter::Add(uint64_t first, uint32_t label, uint64_t second,
                             std::string_view props) {
  if (props.size() > UINT32_MAX) return absl::InvalidArgumentError("edge properties too large");
  size_t used = records_.size() * sizeof(Record) + props_.size();
  if (!records_.empty() && used + sizeof(Record) + props.size() > memory_bytes_) {
    if (absl::Status s = Spill(); !s.ok()) return s;
  }
  records_.push_back({first, second, label, static_cast<uint32_t>(props.size()), props_.size()});
  props_.append(props);
  return absl::OkStatus();
}

void EdgeSorter::SortInMemory() { std::stable_sort(records_.begin(), records_.end(), KeyLess); }

absl::Status EdgeSorter::Spill() {
  SortInMemory();
  std::string path = absl::StrCat(dir_, "/", name_, ".", run_paths_.size());
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return absl::InternalError(absl::StrCat("create ", path, ": ", std::strerror(errno)));
  std::setvbuf(f, nullptr, _IOFBF, kBufferBytes);
  bool ok = true;
  for (const Record& r : records_) {
    ok = ok && std::fwrite(&r, sizeof(r), 1, f) == 1 &&
         (r.props_size == 0 ||
          std::fwrite(props_.data() + r.props_offset, 1, r.props_size, f) == r.props_size);
  }
  ok = (std::fclose(f) == 0) && ok;
  if (!ok) return absl::InternalError(absl::StrCat("write ", path, ": ", std::strerror(errno)));
  run_paths_.push_back(path);
  records_.clear();
  props_.clear();
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<EdgeStream>> EdgeSorter::Finish() {
  if (run_paths_.empty()) {
    SortInMemory();
    return std::unique_ptr<EdgeStream>(new MemoryStream(&records_, &props_));
  }
  if (!records_.empty()) {
    if (absl::Status s = Spill(); !s.ok()) return s;
  }
  std::vector<Record>().swap(records_);  // give the memory back before merging
  std::string().swap(props_);
  std::vector<std::unique_ptr<RunReader>> runs;
  for (const std::string& p : run_paths_) runs.push_back(std::make_unique<RunReader>(p));
  auto merged = std::make_unique<MergingStream>(std::move(runs));
  if (absl::Status s = merged->Init(); !s.ok()) return s;
  return std::unique_ptr<EdgeStream>(std::move(merged));
}

}  // namespace kg::graph::bulk
