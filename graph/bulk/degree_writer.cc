#include "graph/bulk/degree_writer.h"

#include <utility>

#include "graph/layout.h"

namespace kg::graph::bulk {

DegreeWriter::DegreeWriter(kv::BulkFile& file) : file_(file), thread_([this] { Run(); }) {}

DegreeWriter::~DegreeWriter() {
  Close(Direction::kOut);
  Close(Direction::kIn);
  if (thread_.joinable()) thread_.join();
}

void DegreeWriter::Add(Direction d, std::vector<Degree> batch) {
  if (batch.empty()) return;
  std::lock_guard<std::mutex> lock(mu_);
  (d == Direction::kOut ? out_ : in_).queue.push_back(std::move(batch));
  arrived_.notify_one();
}

void DegreeWriter::Close(Direction d) {
  std::lock_guard<std::mutex> lock(mu_);
  (d == Direction::kOut ? out_ : in_).closed = true;
  arrived_.notify_one();
}

absl::Status DegreeWriter::Finish() {
  Close(Direction::kOut);
  Close(Direction::kIn);
  if (thread_.joinable()) thread_.join();
  if (!status_.ok()) return status_;
  return file_.Finish();
}

bool DegreeWriter::Refill(Side& side) {
  if (side.next < side.current.size()) return true;
  std::unique_lock<std::mutex> lock(mu_);
  arrived_.wait(lock, [&] { return !side.queue.empty() || side.closed; });
  if (side.queue.empty()) return false;  // closed and drained
  side.current = std::move(side.queue.front());
  side.queue.pop_front();
  side.next = 0;
  return true;
}

// The two lists merged by vertex: a vertex's out-degrees before its in-degrees, as in the keys.
void DegreeWriter::Run() {
  bool have_out = Refill(out_), have_in = Refill(in_);
  while (have_out || have_in) {
    bool take_out =
        !have_in || (have_out && out_.current[out_.next].vertex <= in_.current[in_.next].vertex);
    Side& side = take_out ? out_ : in_;
    status_ = Write(side.current[side.next++], take_out ? Direction::kOut : Direction::kIn);
    if (!status_.ok()) return;  // the producers' batches are freed with the writer
    (take_out ? have_out : have_in) = Refill(side);
  }
}

absl::Status DegreeWriter::Write(const Degree& d, Direction direction) {
  return file_.AddInt64(layout::DegreeKey(d.vertex, direction, d.label), d.count);
}

void DegreeCounter::Close() {
  if (closed_) return;
  closed_ = true;
  writer_->Add(direction_, std::move(batch_));
  batch_ = std::vector<Degree>();
  writer_->Close(direction_);
}

void DegreeCounter::HandOver() {
  writer_->Add(direction_, std::move(batch_));
  batch_ = std::vector<Degree>();
  batch_.reserve(kBatch + 1);
}

}  // namespace kg::graph::bulk
