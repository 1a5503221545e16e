#include "graph/bulk/edge_files.h"

#include <cstring>
#include <optional>
#include <string>

#include "graph/codec.h"
#include "graph/layout.h"
#include "graph/properties.h"
#include "graph/reader_impl.h"

namespace kg::graph::bulk {
namespace {

// An adjacency key built in place (the layout of layout::AdjKey with rank 0: tag, near vertex,
// label, then rank and far vertex for an out-key, far vertex and rank for an in-key) instead of a
// heap string per edge. Every edge of both files passes through here, so the fields are stored
// as whole byte-swapped words, and the rank (always 0 in a bulk load) once.
class AdjKeyBuffer {
 public:
  explicit AdjKeyBuffer(char tag) : far_at_(tag == layout::kOutTag ? 21 : 13) {
    std::memset(bytes_, 0, sizeof(bytes_));
    bytes_[0] = tag;
  }
  std::string_view Encode(uint64_t near, uint32_t label, uint64_t far) {
    PutBE64(1, near);
    PutBE32(9, label);
    PutBE64(far_at_, far);
    return std::string_view(bytes_, sizeof(bytes_));
  }

 private:
  static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__);
  void PutBE64(size_t at, uint64_t v) {
    v = __builtin_bswap64(v);
    std::memcpy(bytes_ + at, &v, sizeof(v));
  }
  void PutBE32(size_t at, uint32_t v) {
    v = __builtin_bswap32(v);
    std::memcpy(bytes_ + at, &v, sizeof(v));
  }
  size_t far_at_;
  char bytes_[29];  // tag, near, label, and far and rank in the direction's order
};

bool SameEdge(const SortedEdge& a, const SortedEdge& b) {
  return a.first == b.first && a.label == b.label && a.second == b.second;
}

class OutEdgeWriter {
 public:
  OutEdgeWriter(kv::ReadView* database, kv::BulkFile& file, OutEdgeCounts* counts,
                DegreeCounter* degrees)
      : database_(database),
        file_(file),
        counts_(counts),
        degrees_(degrees),
        key_(layout::kOutTag) {}

  absl::Status Run(EdgeStream& sorted) {
    bool have = false;
    for (SortedEdge e; sorted.Next(&e);) {
      if (have && SameEdge(e, current_)) {  // the same edge again in this load: merge
        if (absl::Status s = MergeProperties(e.props); !s.ok()) return s;
        ++counts_->merged;
        continue;
      }
      if (have) {
        if (absl::Status s = Flush(); !s.ok()) return s;
      }
      current_ = {e.first, e.label, e.second, {}};
      has_properties_ = false;
      if (!e.props.empty()) {  // most edges have none: no call for them
        if (absl::Status s = MergeProperties(e.props); !s.ok()) return s;
      }
      have = true;
    }
    if (!sorted.status().ok()) return sorted.status();
    return have ? Flush() : absl::OkStatus();
  }

 private:
  // Most edges have no properties: their row is only touched when one of their rows has some.
  absl::Status MergeProperties(std::string_view bytes) {
    if (bytes.empty()) return absl::OkStatus();
    if (!has_properties_) {
      row_ = codec::EdgeRow();
      has_properties_ = true;
    }
    codec::EdgeRow next;
    if (!codec::DecodeEdgeRow(bytes, &next)) return absl::InternalError("bulk edge row");
    for (const auto& [k, v] : next.properties) ApplyEdgeProperty(&row_.properties, k, v);
    return absl::OkStatus();
  }

  absl::Status Flush() {
    std::string_view key = key_.Encode(current_.first, current_.label, current_.second);
    if (database_ != nullptr) {
      absl::StatusOr<std::optional<std::string>> existing = database_->Get(kv::Space::kAdj, key);
      if (!existing.ok()) return existing.status();
      if (existing->has_value()) {
        codec::EdgeRow old;
        EdgeKey id{current_.first, current_.label, current_.second, 0};
        if (!codec::DecodeEdgeRow(**existing, &old)) return CorruptRow("edge", id.ToString());
        if (has_properties_) {
          for (const auto& [k, v] : row_.properties) ApplyEdgeProperty(&old.properties, k, v);
        }
        ++counts_->merged;
        return file_.Put(key, codec::EncodeEdgeRow(old));
      }
    }
    ++counts_->created;
    ++CreatedWithLabel(current_.label);
    degrees_->Count(current_.first, current_.label);
    return file_.Put(key, has_properties_ ? codec::EncodeEdgeRow(row_) : std::string());
  }

  // The count of new edges with `label`. Runs of edges share a label (most loads have a few),
  // so the map is searched only when it changes, not once per edge.
  int64_t& CreatedWithLabel(LabelId label) {
    if (label_count_ == nullptr || label != counted_label_) {
      label_count_ = &counts_->created_by_label[label];  // std::map: the address stays
      counted_label_ = label;
    }
    return *label_count_;
  }

  kv::ReadView* database_;
  kv::BulkFile& file_;
  OutEdgeCounts* counts_;
  DegreeCounter* degrees_;
  AdjKeyBuffer key_;
  SortedEdge current_;
  bool has_properties_ = false;  // whether row_ holds the current edge's properties
  codec::EdgeRow row_;
  LabelId counted_label_ = 0;
  int64_t* label_count_ = nullptr;  // counts_->created_by_label[counted_label_]
};

}  // namespace

absl::Status WriteOutEdges(EdgeStream& sorted, kv::ReadView* database, kv::BulkFile& file,
                           OutEdgeCounts* counts, DegreeCounter* degrees) {
  OutEdgeWriter writer(database, file, counts, degrees);
  if (absl::Status s = writer.Run(sorted); !s.ok()) return s;
  return file.Finish();
}

absl::Status WriteInEdges(EdgeStream& sorted, kv::ReadView* database, kv::BulkFile& file,
                          DegreeCounter* degrees) {
  AdjKeyBuffer key(layout::kInTag);
  SortedEdge previous;
  bool have = false;
  for (SortedEdge e; sorted.Next(&e);) {
    if (have && SameEdge(e, previous)) continue;  // a repeat within the load
    previous = e;
    have = true;
    std::string_view k = key.Encode(e.first, e.label, e.second);
    if (database != nullptr) {
      absl::StatusOr<std::optional<std::string>> existing = database->Get(kv::Space::kAdj, k);
      if (!existing.ok()) return existing.status();
      if (existing->has_value()) continue;  // the edge is in the database: merged on the out side
    }
    degrees->Count(e.first, e.label);
    if (absl::Status s = file.Put(k, ""); !s.ok()) return s;
  }
  if (!sorted.status().ok()) return sorted.status();
  return file.Finish();
}

}  // namespace kg::graph::bulk
