// The writes of one kv::Txn until it commits: for each space, the last write of each key. Reads
// of the transaction look here first (read-your-writes); scans merge the buffer with the store's
// own cursor in key order; the commit writes each key once, in key order.
//
// It replaces RocksDB's WriteBatchWithIndex, which keeps every write (overwritten ones too) in
// one batch and compares keys by decoding them from that batch. An ingest writes ~100 keys per
// document and reads few of them back, so the buffer is laid out for writes:
//  - keys and values are copied into an arena of large blocks (no allocation per key, and
//    freeing the transaction frees a few blocks);
//  - a hash map finds a key's entry (one hash and one comparison, where an ordered tree of
//    strings compared ~13 keys per write at 64 documents per transaction);
//  - key order is built only when something asks for it (a scan, the commit): the keys written
//    since the last time are sorted and merged into the space's order.
#ifndef KG_GRAPH_KV_WRITE_BUFFER_H_
#define KG_GRAPH_KV_WRITE_BUFFER_H_

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "graph/absl_compat.h"
#include "graph/kv/kv.h"

namespace kg::kv {

class WriteBuffer {
 public:
  // What a transaction did to one key: its last Put or Delete, if any, then the sum of the
  // counter additions made after it. The views point into the buffer's arena and stay valid
  // until the buffer is destroyed; `value` until the key is written again.
  struct Entry {
    enum class Kind : uint8_t { kAddOnly, kPut, kDelete };
    Kind kind = Kind::kAddOnly;
    std::string_view key;
    std::string_view value;  // kPut
    int64_t add = 0;
    uint64_t born = 0;  // the buffer's version when this key was first written
    uint64_t head = 0;  // the key's first 8 bytes, big-endian, zero-padded: a fast first compare
    size_t capacity = 0;  // bytes of arena behind `value`, reused by a later Put that fits
  };

  WriteBuffer() = default;
  WriteBuffer(const WriteBuffer&) = delete;
  WriteBuffer& operator=(const WriteBuffer&) = delete;

  void Put(Space space, std::string_view key, std::string_view value);
  void Delete(Space space, std::string_view key);
  void AddInt64(Space space, std::string_view key, int64_t delta);

  // The buffered write of `key`, or nullptr when this transaction did not write it. Valid until
  // the next write to the buffer.
  const Entry* Find(Space space, std::string_view key) const;

  // The value a transaction reads for a key it wrote: `entry` applied over the stored value
  // (which only matters for counter additions without a Put or Delete before them). DATA_LOSS
  // when a counter to add to is not an 8-byte counter.
  static absl::StatusOr<std::optional<std::string>> Resolve(const Entry& entry,
                                                            std::optional<std::string_view> stored);

  // The keys of [begin, end) (an empty end: to the end of the space) as the transaction sees
  // them: `stored`, a cursor over the same range of the store in the same direction, merged
  // with the buffer. The cursor walks the keys that existed when it was opened: a key the
  // transaction first writes after that (a vertex that `g.V().addV()` creates while V() is still
  // scanning) is not returned, or such a traversal would never end; deletes and new values of
  // keys that existed are seen from the cursor's position on.
  std::unique_ptr<Cursor> Scan(Space space, std::string_view begin, std::string_view end,
                               bool reverse, std::unique_ptr<Cursor> stored) const;

  // Calls fn(entry) for every key written in `space`, in key order.
  template <typename Fn>
  void ForEach(Space space, Fn fn) const {
    const SpaceBuffer& b = Sorted(space);
    for (uint32_t i : b.order) fn(b.entries[i]);
  }

  // Key and value bytes written so far (overwrites included): an estimate of the commit's size.
  size_t bytes() const { return bytes_; }
  // Distinct keys written, over every space.
  size_t keys() const {
    size_t n = 0;
    for (const SpaceBuffer& b : spaces_) n += b.entries.size();
    return n;
  }

 private:
  struct SpaceBuffer {
    std::vector<Entry> entries;                             // in the order first written
    absl::flat_hash_map<std::string_view, uint32_t, StringViewHash> index;  // key -> entries[i]
    std::vector<uint32_t> order;  // indexes of entries in key order, up to `ordered` of them
    size_t ordered = 0;           // entries[0, ordered) are in `order`
  };
  class MergedCursor;

  Entry& Slot(Space space, std::string_view key);
  // A copy of `bytes` in the arena.
  char* Copy(std::string_view bytes);
  // The space with every entry in `order` (sorted lazily: the buffer is logically const).
  const SpaceBuffer& Sorted(Space space) const;

  mutable std::array<SpaceBuffer, kNumSpaces> spaces_;
  std::vector<std::unique_ptr<char[]>> blocks_;  // the arena
  char* free_ = nullptr;                         // unused bytes of the last block
  size_t free_bytes_ = 0;
  size_t bytes_ = 0;
  // Changes whenever a key is added to a space (which moves entries and their order): open
  // cursors find their place again by key.
  uint64_t version_ = 0;
};

}  // namespace kg::kv

#endif  // KG_GRAPH_KV_WRITE_BUFFER_H_
