#include "graph/kv/write_buffer.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace kg::kv {

WriteBuffer::Entry& WriteBuffer::Slot(Space space, std::string_view key) {
  Map& map = spaces_[static_cast<int>(space)];
  // One descent of the tree: a new key goes in at the place the search ended.
  auto it = map.lower_bound(key);
  if (it != map.end() && it->first == key) return it->second;
  ++version_;
  bytes_ += key.size();
  Entry& entry = map.try_emplace(it, std::string(key))->second;
  entry.born = version_;
  return entry;
}

void WriteBuffer::Put(Space space, std::string_view key, std::string_view value) {
  Entry& e = Slot(space, key);
  e.kind = Entry::Kind::kPut;
  e.value.assign(value.data(), value.size());
  e.add = 0;
  bytes_ += value.size();
}

void WriteBuffer::Delete(Space space, std::string_view key) {
  Entry& e = Slot(space, key);
  e.kind = Entry::Kind::kDelete;
  e.value.clear();
  e.add = 0;
}

void WriteBuffer::AddInt64(Space space, std::string_view key, int64_t delta) {
  Entry& e = Slot(space, key);
  // Wrapping, as the merge operator adds.
  e.add = static_cast<int64_t>(static_cast<uint64_t>(e.add) + static_cast<uint64_t>(delta));
  bytes_ += sizeof(int64_t);
}

const WriteBuffer::Entry* WriteBuffer::Find(Space space, std::string_view key) const {
  const Map& map = spaces_[static_cast<int>(space)];
  auto it = map.find(key);
  return it == map.end() ? nullptr : &it->second;
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
// kept as an iterator while the buffer is unchanged and found again by the last key otherwise.
class WriteBuffer::MergedCursor : public Cursor {
 public:
  MergedCursor(const WriteBuffer* buffer, const Map* map, std::string_view begin,
               std::string_view end, bool reverse, std::unique_ptr<Cursor> stored)
      : buffer_(buffer),
        map_(map),
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
      const Map::value_type* buffered = BufferCandidate();
      if (buffered == nullptr && !stored_valid_) return false;
      int order = 0;  // < 0: the buffered key comes first; > 0: the stored one
      if (buffered == nullptr) {
        order = 1;
      } else if (!stored_valid_) {
        order = -1;
      } else {
        order = buffered->first.compare(stored_key_);
        if (reverse_) order = -order;
      }
      const bool from_stored = order >= 0;
      last_key_.assign(order <= 0 ? std::string_view(buffered->first) : stored_key_);
      started_ = true;
      if (from_stored) stored_consumed_ = true;
      if (order < 0 && buffered->second.born > opened_at_) {
        Advance();  // a key first written after the cursor opened
        continue;
      }
      if (order > 0) {
        *key = last_key_;
        *value = stored_value_;
        return true;
      }
      Advance();
      absl::StatusOr<std::optional<std::string>> resolved =
          Resolve(buffered->second,
                  from_stored ? std::optional<std::string_view>(stored_value_) : std::nullopt);
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
  const Map::value_type* BufferCandidate() {
    if (!positioned_ || version_ != buffer_->version_) Position();
    if (!reverse_) {
      if (it_ == map_->end() || (!end_.empty() && it_->first >= end_)) return nullptr;
      return &*it_;
    }
    if (it_ == map_->begin()) return nullptr;
    const Map::value_type& candidate = *std::prev(it_);
    return candidate.first < begin_ ? nullptr : &candidate;
  }

  // Forward, it_ is the candidate; in reverse, the candidate is the entry before it_.
  void Position() {
    if (!reverse_) {
      it_ = started_ ? map_->upper_bound(last_key_) : map_->lower_bound(begin_);
    } else if (started_) {
      it_ = map_->lower_bound(last_key_);
    } else {
      it_ = end_.empty() ? map_->end() : map_->lower_bound(end_);
    }
    positioned_ = true;
    version_ = buffer_->version_;
  }

  void Advance() {
    if (reverse_) {
      --it_;
    } else {
      ++it_;
    }
  }

  const WriteBuffer* buffer_;
  const Map* map_;
  std::string begin_, end_;
  bool reverse_;
  std::unique_ptr<Cursor> stored_;
  uint64_t opened_at_;  // the buffer's version when the cursor opened
  bool stored_consumed_ = true;  // the stored cursor must advance before its key is compared
  bool stored_valid_ = false;
  std::string_view stored_key_, stored_value_;
  Map::const_iterator it_;
  bool positioned_ = false;
  uint64_t version_ = 0;
  bool started_ = false;
  std::string last_key_;  // the key returned or skipped last
  std::string value_;
  absl::Status status_;
};

std::unique_ptr<Cursor> WriteBuffer::Scan(Space space, std::string_view begin, std::string_view end,
                                          bool reverse, std::unique_ptr<Cursor> stored) const {
  return std::make_unique<MergedCursor>(this, &spaces_[static_cast<int>(space)], begin, end,
                                        reverse, std::move(stored));
}

}  // namespace kg::kv
