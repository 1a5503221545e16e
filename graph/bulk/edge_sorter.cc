#include "graph/bulk/edge_sorter.h"

#include <algorithm>
#include <array>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "graph/bulk/edge_merger.h"
#include "graph/bulk/radix_sort.h"
#include "graph/bulk/run_file.h"

namespace kg::graph::bulk {
namespace {

using Record = EdgeSorter::Record;
using Chunk = EdgeSorter::Chunk;

constexpr size_t kMinChunkRecords = 64;

// A record's sort key as words, least significant first: second vertex, label, first vertex.
std::array<uint64_t, 3> KeyWords(const Record& r) { return {r.second, r.label, r.first}; }

void PutVarint(std::string* out, uint64_t n) {
  while (n >= 0x80) {
    out->push_back(static_cast<char>(n | 0x80));
    n >>= 7;
  }
  out->push_back(static_cast<char>(n));
}

// The property bytes at `offset` of a chunk's arena (written by PutVarint + bytes).
std::string_view PropsAt(const std::string& arena, uint32_t offset) {
  if (offset == EdgeSorter::kNoProps) return {};
  uint64_t n = 0;
  size_t i = offset;
  for (int shift = 0;; shift += 7) {
    uint8_t c = static_cast<uint8_t>(arena[i++]);
    n |= static_cast<uint64_t>(c & 0x7F) << shift;
    if ((c & 0x80) == 0) break;
  }
  return std::string_view(arena).substr(i, n);
}

// One sorted chunk, from memory or from its run file (records, each followed by its varint-
// prefixed property bytes when it has some).
class ChunkRun {
 public:
  explicit ChunkRun(const Chunk* chunk) : chunk_(chunk) {}
  absl::Status Open() { return spilled() ? file_.Open(chunk_->path) : absl::OkStatus(); }

  bool Next(absl::Status* status) {
    if (!spilled()) {
      if (next_ >= chunk_->records.size()) return false;
      const Record& r = chunk_->records[next_++];
      item_ = {r.first, r.label, r.second, PropsAt(chunk_->props, r.props)};
      return true;
    }
    Record r;
    if (!file_.Read(&r, sizeof(r), status)) return false;
    item_ = {r.first, r.label, r.second, {}};
    if (r.props == EdgeSorter::kNoProps) return true;
    uint64_t size;
    if (!file_.ReadVarint(&size, status)) return false;
    props_.resize(size);
    if (!file_.ReadRest(props_.data(), size, status)) return false;
    item_.props = props_;
    return true;
  }

  const SortedEdge& item() const { return item_; }

 private:
  bool spilled() const { return !chunk_->path.empty(); }

  const Chunk* chunk_;
  size_t next_ = 0;
  RunFileReader file_;
  std::string props_;
  SortedEdge item_;
};

class MergedEdges : public EdgeStream {
 public:
  explicit MergedEdges(std::vector<std::unique_ptr<ChunkRun>> runs) : merger_(std::move(runs)) {}
  bool Next(SortedEdge* edge) override {
    if (!merger_.Next()) return false;
    *edge = merger_.item();
    return true;
  }
  absl::Status status() const override { return merger_.status(); }

 private:
  EdgeMerger<ChunkRun> merger_;
};

}  // namespace

EdgeSorter::EdgeSorter(std::string dir, std::string name, size_t memory_bytes)
    : dir_(std::move(dir)),
      name_(std::move(name)),
      memory_bytes_(memory_bytes),
      // A chunk filling, one queued, one sorting, its scratch: half the budget; the other half
      // keeps sorted chunks in memory.
      chunk_bytes_(
          std::clamp(memory_bytes / 8, kMinChunkRecords * sizeof(Record), size_t{1} << 31)),
      filling_(std::make_unique<Chunk>()) {}

EdgeSorter::~EdgeSorter() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.clear();  // an abandoned load sorts nothing more
    stop_ = true;
  }
  changed_.notify_all();
  if (worker_.joinable()) worker_.join();
  std::error_code ec;
  for (const auto& chunk : done_) {
    if (!chunk->path.empty()) std::filesystem::remove(chunk->path, ec);
  }
}

absl::Status EdgeSorter::Add(uint64_t first, uint32_t label, uint64_t second,
                             std::string_view props) {
  if (props.size() > UINT32_MAX) return absl::InvalidArgumentError("edge properties too large");
  if (!filling_->records.empty() &&
      filling_->Bytes() + sizeof(Record) + props.size() + 10 > chunk_bytes_) {
    if (absl::Status s = HandOff(); !s.ok()) return s;
  }
  if (filling_->records.empty()) filling_->records.reserve(chunk_bytes_ / sizeof(Record));
  uint32_t offset = kNoProps;
  if (!props.empty()) {
    offset = static_cast<uint32_t>(filling_->props.size());
    PutVarint(&filling_->props, props.size());
    filling_->props.append(props);
  }
  filling_->records.push_back({first, second, label, offset});
  return absl::OkStatus();
}

absl::Status EdgeSorter::HandOff() {
  std::unique_lock<std::mutex> lock(mu_);
  changed_.wait(lock, [this] { return queue_.empty(); });  // bounds the chunks in flight
  if (!worker_status_.ok()) return worker_status_;
  queue_.push_back(std::move(filling_));
  filling_ = std::make_unique<Chunk>();
  if (!worker_.joinable()) worker_ = std::thread(&EdgeSorter::Work, this);
  changed_.notify_all();
  return absl::OkStatus();
}

void EdgeSorter::Work() {
  std::vector<Record> scratch;
  size_t keep_limit = memory_bytes_ > 4 * chunk_bytes_ ? memory_bytes_ - 4 * chunk_bytes_ : 0;
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    changed_.wait(lock, [this] { return stop_ || !queue_.empty(); });
    if (queue_.empty()) return;
    std::unique_ptr<Chunk> chunk = std::move(queue_.front());
    queue_.pop_front();
    bool may_keep = kept_bytes_ + chunk->Bytes() <= keep_limit;
    lock.unlock();
    changed_.notify_all();  // the producer may queue the next chunk
    absl::Status s = SortAndPlace(chunk.get(), &scratch, may_keep);
    lock.lock();
    if (!s.ok() && worker_status_.ok()) worker_status_ = s;
    if (chunk->path.empty()) kept_bytes_ += chunk->Bytes();
    done_.push_back(std::move(chunk));
  }
}

absl::Status EdgeSorter::SortAndPlace(Chunk* chunk, std::vector<Record>* scratch, bool may_keep) {
  RadixSort<3>(&chunk->records, scratch, [](const Record& r) { return KeyWords(r); });
  return may_keep ? absl::OkStatus() : Spill(chunk);
}

absl::Status EdgeSorter::Spill(Chunk* chunk) {
  std::string path;
  {
    std::lock_guard<std::mutex> lock(mu_);
    path = absl::StrCat(dir_, "/", name_, ".", spilled_++);
  }
  RunFileWriter file;
  if (absl::Status s = file.Create(path); !s.ok()) return s;
  if (chunk->props.empty()) {
    // No record has properties (every in-edge chunk, most out-edge ones): the file is the
    // records as they lie, written at once instead of a buffered write per record.
    file.Write(chunk->records.data(), chunk->records.size() * sizeof(Record));
  } else {
    for (const Record& r : chunk->records) {
      file.Write(&r, sizeof(r));
      if (r.props != kNoProps) {
        std::string_view props = PropsAt(chunk->props, r.props);
        file.WriteVarint(props.size());
        file.Write(props.data(), props.size());
      }
    }
  }
  chunk->path = path;  // set even on failure, so that the destructor removes the file
  std::vector<Record>().swap(chunk->records);
  std::string().swap(chunk->props);
  return file.Close();
}

int EdgeSorter::runs_spilled() const {
  std::lock_guard<std::mutex> lock(mu_);
  return spilled_;
}

absl::StatusOr<std::unique_ptr<EdgeStream>> EdgeSorter::Finish() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  changed_.notify_all();
  if (worker_.joinable()) worker_.join();
  if (!worker_status_.ok()) return worker_status_;
  if (!filling_->records.empty()) {
    std::vector<Record> scratch;
    if (absl::Status s = SortAndPlace(filling_.get(), &scratch, true); !s.ok()) return s;
    done_.push_back(std::move(filling_));
  }
  std::vector<std::unique_ptr<ChunkRun>> runs;
  for (const auto& chunk : done_) {
    runs.push_back(std::make_unique<ChunkRun>(chunk.get()));
    if (absl::Status s = runs.back()->Open(); !s.ok()) return s;
  }
  return std::unique_ptr<EdgeStream>(new MergedEdges(std::move(runs)));
}

}  // namespace kg::graph::bulk
