#include "graph/kv/write_buffer.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"

namespace kg::kv {
namespace {

// Arena blocks: large enough that a 64-document ingest transaction (~1 MB of keys and values)
// takes a few dozen; a value larger than a quarter block gets a block of its own.
constexpr size_t kBlockBytes = 64 << 10;

// Bytes [from, from + 8) of `key` as a big-endian number, zero-padded past its end.
uint64_t HeadOf(std::string_view key, size_t from = 0) {
  if (key.size() >= from + 8) {
    uint64_t raw;
    std::memcpy(&raw, key.data() + from, 8);
    return __builtin_bswap64(raw);  // x86-64 and aarch64 are little-endian, as codec.cc
  }
  uint64_t head = 0;
  for (size_t i = from; i < from + 8; ++i) {
    head = (head << 8) | (i < key.size() ? static_cast<unsigned char>(key[i]) : 0u);
  }
  return head;
}

// Key order: bytewise, as the store's comparator. Equal heads mean equal first 8 bytes (a key
// shorter than 8 bytes is padded with zeros, which still orders it before its extensions).
bool KeyLess(const WriteBuffer::Entry& a, const WriteBuffer::Entry& b) {
  if (a.head != b.head) return a.head < b.head;
  return a.key < b.key;
}

}  // namespace

char* WriteBuffer::Copy(std::string_view bytes) {
  if (bytes.empty()) return free_;
  if (bytes.size() > kBlockBytes / 4) {
    blocks_.push_back(std::make_unique<char[]>(bytes.size()));
    std::memcpy(blocks_.back().get(), bytes.data(), bytes.size());
    return blocks_.back().get();
  }
  if (bytes.size() > free_bytes_) {
    blocks_.push_back(std::make_unique<char[]>(kBlockBytes));
    free_ = blocks_.back().get();
    free_bytes_ = kBlockBytes;
  }
  char* out = free_;
  std::memcpy(out, bytes.data(), bytes.size());
  free_ += bytes.size();
  free_bytes_ -= bytes.size();
  return out;
}

WriteBuffer::Entry& WriteBuffer::Slot(Space space, std::string_view key) {
  SpaceBuffer& b = spaces_[static_cast<int>(space)];
  // One hash of the key: a new key is copied into the arena and indexed where the search ended.
  bool inserted = false;
  auto it = b.index.lazy_emplace(key, [&](const auto& construct) {
    inserted = true;
    construct(std::string_view(Copy(key), key.size()), static_cast<uint32_t>(b.entries.size()));
  });
  if (!inserted) return b.entries[it->second];
  ++version_;
  bytes_ += key.size();
  Entry& entry = b.entries.emplace_back();
  entry.key = it->first;
  entry.head = HeadOf(key);
  entry.born = version_;
  return entry;
}

void WriteBuffer::Put(Space space, std::string_view key, std::string_view value) {
  Entry& e = Slot(space, key);
  e.kind = Entry::Kind::kPut;
  if (value.size() <= e.capacity) {
    // The previous value's bytes are reused (memmove: `value` may be a view of them).
    char* bytes = const_cast<char*>(e.value.data());
    if (!value.empty()) std::memmove(bytes, value.data(), value.size());
    e.value = std::string_view(bytes, value.size());
  } else {
    e.value = std::string_view(Copy(value), value.size());
    e.capacity = value.size();
  }
  e.add = 0;
  bytes_ += value.size();
}

void WriteBuffer::Delete(Space space, std::string_view key) {
  Entry& e = Slot(space, key);
  e.kind = Entry::Kind::kDelete;
  e.value = e.value.substr(0, 0);  // keeps its bytes for a later Put
  e.add = 0;
}

void WriteBuffer::AddInt64(Space space, std::string_view key, int64_t delta) {
  Entry& e = Slot(space, key);
  // Wrapping, as the merge operator adds.
  e.add = static_cast<int64_t>(static_cast<uint64_t>(e.add) + static_cast<uint64_t>(delta));
  bytes_ += sizeof(int64_t);
}

const WriteBuffer::Entry* WriteBuffer::Find(Space space, std::string_view key) const {
  const SpaceBuffer& b = spaces_[static_cast<int>(space)];
  auto it = b.index.find(key);
  return it == b.index.end() ? nullptr : &b.entries[it->second];
}

const WriteBuffer::SpaceBuffer& WriteBuffer::Sorted(Space space) const {
  SpaceBuffer& b = spaces_[static_cast<int>(space)];
  if (b.ordered == b.entries.size()) return b;
  const size_t old = b.order.size();
  // The new keys are sorted as records of their first 16 bytes (two numbers) and their index,
  // in one array: the keys of a space mostly share their first 8 bytes (a tag and the high,
  // zero bytes of a vertex id), so a sort by the 8-byte head alone compared most pairs through
  // two indirections and memcmp. Records equal in 16 bytes compare their whole keys (a shorter
  // key is padded with zeros, which still orders it before its extensions).
  struct Record {
    uint64_t head, head2;
    uint32_t index;
  };
  std::vector<Record> records;
  records.reserve(b.entries.size() - b.ordered);
  for (size_t i = b.ordered; i < b.entries.size(); ++i) {
    const Entry& e = b.entries[i];
    records.push_back(Record{e.head, HeadOf(e.key, 8), static_cast<uint32_t>(i)});
  }
  std::sort(records.begin(), records.end(), [&b](const Record& x, const Record& y) {
    if (x.head != y.head) return x.head < y.head;
    if (x.head2 != y.head2) return x.head2 < y.head2;
    return b.entries[x.index].key < b.entries[y.index].key;
  });
  for (const Record& r : records) b.order.push_back(r.index);
  auto less = [&b](uint32_t x, uint32_t y) { return KeyLess(b.entries[x], b.entries[y]); };
  if (old > 0) {
    std::inplace_merge(b.order.begin(), b.order.begin() + static_cast<ptrdiff_t>(old),
                       b.order.end(), less);
  }
  b.ordered = b.entries.size();
  return b;
}

absl::StatusOr<std::optional<std::string>> WriteBuffer::Resolve(
    const Entry& entry, std::optional<std::string_view> stored) {
  std::optional<std::string_view> base;
  switch (entry.kind) {
    case Entry::Kind::kPut:
      base = entry.value;
      break;
    case Entry::Kind::kDelete:
      break;
    case Entry::Kind::kAddOnly:
      base = stored;
      break;
  }
  if (entry.add == 0) {
    if (!base.has_value()) return std::nullopt;
    return std::string(*base);
  }
  int64_t value = 0;
  if (base.has_value()) {
    absl::StatusOr<int64_t> decoded = DecodeCounter(*base);
    if (!decoded.ok()) {
      return absl::DataLossError(
          absl::StrCat("a counter holds ", base->size(), " bytes, not an 8-byte counter"));
    }
    value = *decoded;
  }
  return EncodeCounter(
      static_cast<int64_t>(static_cast<uint64_t>(value) + static_cast<uint64_t>(entry.add)));
}

// Merges the buffer's entries of a range with the store's cursor over it. The buffer's place is
// kept as a position in the space's key order while no key is added and found again by the
// last key otherwise.
class WriteBuffer::MergedCursor : public Cursor {
 public:
  MergedCursor(const WriteBuffer* buffer, Space space, std::string_view begin, std::string_view end,
               bool reverse, std::unique_ptr<Cursor> stored)
      : buffer_(buffer),
        space_(space),
        begin_(begin),
        end_(end),
        reverse_(reverse),
        stored_(std::move(stored)),
        opened_at_(buffer->version_) {}

  bool Next(std::string_view* key, std::string_view* value) override {
    while (true) {
      if (stored_consumed_) {
        stored_valid_ = stored_->Next(&stored_key_, &stored_value_);
        stored_consumed_ = false;
        if (!stored_valid_ && !stored_->status().ok()) return false;
      }
      const Entry* buffered = BufferCandidate();
      if (buffered == nullptr && !stored_valid_) return false;
      int order = 0;  // < 0: the buffered key comes first; > 0: the stored one
      if (buffered == nullptr) {
        order = 1;
      } else if (!stored_valid_) {
        order = -1;
      } else {
        order = buffered->key.compare(stored_key_);
        if (reverse_) order = -order;
      }
      const bool from_stored = order >= 0;
      last_key_.assign(order <= 0 ? buffered->key : stored_key_);
      started_ = true;
      if (from_stored) stored_consumed_ = true;
      if (order < 0 && buffered->born > opened_at_) {
        Advance();  // a key first written after the cursor opened
        continue;
      }
      if (order > 0) {
        *key = last_key_;
        *value = stored_value_;
        return true;
      }
      Advance();
      absl::StatusOr<std::optional<std::string>> resolved = Resolve(
          *buffered, from_stored ? std::optional<std::string_view>(stored_value_) : std::nullopt);
      if (!resolved.ok()) {
        status_ = absl::DataLossError(absl::StrCat("scan: ", resolved.status().message()));
        return false;
      }
      if (!resolved->has_value()) continue;  // deleted in this transaction
      value_ = **std::move(resolved);
      *key = last_key_;
      *value = value_;
      return true;
    }
  }

  absl::Status status() const override {
    if (!status_.ok()) return status_;
    return stored_->status();
  }

 private:
  // The next buffered entry in the range, or nullptr.
  const Entry* BufferCandidate() {
    if (!positioned_ || version_ != buffer_->version_) Position();
    const SpaceBuffer& b = *space_buffer_;
    if (!reverse_) {
      if (pos_ == b.order.size()) return nullptr;
      const Entry& candidate = b.entries[b.order[pos_]];
      return !end_.empty() && candidate.key >= end_ ? nullptr : &candidate;
    }
    if (pos_ == 0) return nullptr;
    const Entry& candidate = b.entries[b.order[pos_ - 1]];
    return candidate.key < begin_ ? nullptr : &candidate;
  }

  // The first position in key order whose key is not less than `key` (or, with `after`, greater).
  size_t Bound(std::string_view key, bool after) const {
    const SpaceBuffer& b = *space_buffer_;
    auto it = std::partition_point(b.order.begin(), b.order.end(), [&](uint32_t i) {
      const int c = b.entries[i].key.compare(key);
      return after ? c <= 0 : c < 0;
    });
    return static_cast<size_t>(it - b.order.begin());
  }

  // Forward, pos_ is the candidate; in reverse, the candidate is the entry before pos_.
  void Position() {
    space_buffer_ = &buffer_->Sorted(space_);
    if (!reverse_) {
      pos_ = started_ ? Bound(last_key_, /*after=*/true) : Bound(begin_, false);
    } else if (started_) {
      pos_ = Bound(last_key_, false);
    } else {
      pos_ = end_.empty() ? space_buffer_->order.size() : Bound(end_, false);
    }
    positioned_ = true;
    version_ = buffer_->version_;
  }

  void Advance() {
    if (reverse_) {
      --pos_;
    } else {
      ++pos_;
    }
  }

  const WriteBuffer* buffer_;
  Space space_;
  const SpaceBuffer* space_buffer_ = nullptr;
  std::string begin_, end_;
  bool reverse_;
  std::unique_ptr<Cursor> stored_;
  uint64_t opened_at_;  // the buffer's version when the cursor opened
  bool stored_consumed_ = true;  // the stored cursor must advance before its key is compared
  bool stored_valid_ = false;
  std::string_view stored_key_, stored_value_;
  size_t pos_ = 0;
  bool positioned_ = false;
  uint64_t version_ = 0;
  bool started_ = false;
  std::string last_key_;  // the key returned or skipped last
  std::string value_;
  absl::Status status_;
};

std::unique_ptr<Cursor> WriteBuffer::Scan(Space space, std::string_view begin, std::string_view end,
                                          bool reverse, std::unique_ptr<Cursor> stored) const {
  return std::make_unique<MergedCursor>(this, space, begin, end, reverse, std::move(stored));
}

}  // namespace kg::kv
