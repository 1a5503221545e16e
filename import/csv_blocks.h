// The data rows of a large CSV file, cut into blocks of whole lines that several threads parse at
// once, handed back to one caller in file order.
//
//   CsvBlocks<MyBlock> blocks(text, data_begin, /*block_bytes=*/128 << 10, /*threads=*/2,
//                             [&](size_t begin, size_t end, MyBlock* out) { ... });
//   while (MyBlock* b = blocks.Next()) { ... rows of b, in order ... }
//
// Block k starts after the first '\n' at or after data_begin + k * block_bytes - 1 (block 0 at
// data_begin) and ends where block k + 1 starts, so every block is a run of whole lines and
// together they cover the text. Lines are rows only where no quoted field spans lines: the
// parsing callback checks that (IsSimpleCsvBlock) and says so in its result; the caller stops at
// the first block that is not simple, whose start is then a row boundary (every line before it
// was a whole row), and reads on from there with a CsvReader. Rows keep their order, and so their
// effects: only the parsing runs in parallel.
#ifndef KG_IMPORT_CSV_BLOCKS_H_
#define KG_IMPORT_CSV_BLOCKS_H_

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <cstring>
#include <functional>
#include <mutex>
#include <string_view>
#include <thread>
#include <vector>

namespace kg::import {

// True when the bytes hold no '"' and no '\r' other than before a '\n': then every line is one
// row, split by the delimiter alone, exactly as CsvReader would split it.
bool IsSimpleCsvBlock(std::string_view block);

// Where block `k` of a text's data rows starts (see above); text.size() past the last one.
size_t CsvBlockStart(std::string_view text, size_t data_begin, size_t block_bytes, size_t k);

// Splits one line of a simple block (without its "\n" or "\r\n") at the delimiter: what
// CsvReader's fields would hold. Reuses `fields`.
void SplitSimpleCsvLine(std::string_view line, char delimiter,
                        std::vector<std::string_view>* fields);

template <typename Block>
class CsvBlocks {
 public:
  // Parses [begin, end) of the text into *block; called on the worker threads, each block once.
  // A Block is reused: the callback resets what it fills.
  using Parse = std::function<void(size_t begin, size_t end, Block* block)>;

  CsvBlocks(std::string_view text, size_t data_begin, size_t block_bytes, int threads, Parse parse)
      : text_(text),
        data_begin_(data_begin),
        block_bytes_(std::max<size_t>(block_bytes, 1)),
        threads_(std::max(threads, 1)),
        parse_(std::move(parse)),
        slots_(static_cast<size_t>(threads_) * kBlocksPerThread) {
    for (int t = 0; t < threads_; ++t) workers_.emplace_back(&CsvBlocks::Work, this);
  }
  ~CsvBlocks() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    changed_.notify_all();
    for (std::thread& t : workers_) t.join();
  }
  CsvBlocks(const CsvBlocks&) = delete;
  CsvBlocks& operator=(const CsvBlocks&) = delete;

  // The next block in file order, valid until the next call; null after the last.
  Block* Next() {
    std::unique_lock<std::mutex> lock(mu_);
    if (ended_) return nullptr;
    if (next_ > 0) {
      SlotOf(next_ - 1).state = State::kFree;
      released_ = next_;
      changed_.notify_all();
    }
    Slot& slot = SlotOf(next_);
    changed_.wait(lock, [&] { return slot.state != State::kFree && slot.block_index == next_; });
    if (slot.state == State::kEnd) {
      ended_ = true;
      return nullptr;
    }
    ++next_;
    return &slot.block;
  }

 private:
  // Blocks each worker may have parsed ahead of the caller.
  static constexpr size_t kBlocksPerThread = 6;

  enum class State { kFree, kReady, kEnd };
  struct Slot {
    State state = State::kFree;
    size_t block_index = 0;
    Block block;
  };

  Slot& SlotOf(size_t k) { return slots_[k % slots_.size()]; }

  // A worker takes the next block no worker has taken, once its slot is free (the caller has
  // let go of the block slots_.size() before it): the parsing stays at most that many blocks
  // ahead of the caller, and a worker that is descheduled holds up only the block it has.
  void Work() {
    while (true) {
      size_t k;
      {
        std::unique_lock<std::mutex> lock(mu_);
        changed_.wait(lock,
                      [&] { return stop_ || end_taken_ || taken_ < released_ + slots_.size(); });
        if (stop_ || end_taken_) return;
        k = taken_++;
      }
      Slot& slot = SlotOf(k);
      size_t begin = CsvBlockStart(text_, data_begin_, block_bytes_, k);
      bool end = begin >= text_.size() && k > 0;
      if (!end) parse_(begin, CsvBlockStart(text_, data_begin_, block_bytes_, k + 1), &slot.block);
      {
        std::lock_guard<std::mutex> lock(mu_);
        slot.block_index = k;
        slot.state = end ? State::kEnd : State::kReady;
        if (end) end_taken_ = true;
      }
      changed_.notify_all();
    }
  }

  std::string_view text_;
  size_t data_begin_, block_bytes_;
  int threads_;
  Parse parse_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::vector<Slot> slots_;
  size_t next_ = 0;         // the block the caller asks for next
  size_t released_ = 0;     // the caller let go of the blocks before this one
  size_t taken_ = 0;        // the next block for a worker to take
  bool end_taken_ = false;  // a worker found the end: no block follows
  bool ended_ = false;
  bool stop_ = false;
  std::vector<std::thread> workers_;  // last: start once the rest is ready
};

}  // namespace kg::import

#endif  // KG_IMPORT_CSV_BLOCKS_H_
