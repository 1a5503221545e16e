#include "graph/verify.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "graph/codec.h"
#include "graph/index_entries.h"
#include "graph/layout.h"

namespace kg::graph {
namespace {

using kv::Space;

constexpr size_t kMaxProblems = 20;

class Verifier {
 public:
  Verifier(kv::ReadView& view, const Catalog& catalog,
           const std::vector<std::string>& alias_properties)
      : view_(view), catalog_(catalog), alias_properties_(alias_properties) {}

  absl::Status Run() {
    for (auto step : {&Verifier::CheckVertices, &Verifier::CheckEdges, &Verifier::CheckIndex,
                      &Verifier::CheckKeys, &Verifier::CheckCounts, &Verifier::CheckProvenance}) {
      if (absl::Status s = (this->*step)(); !s.ok()) return s;
    }
    if (problems_.empty()) return absl::OkStatus();
    return absl::DataLossError(absl::StrCat("graph invariants violated: ",
                                            absl::StrJoin(problems_, "; ")));
  }

 private:
  void Problem(std::string text) {
    if (problems_.size() < kMaxProblems) problems_.push_back(std::move(text));
  }

  bool Exists(Space space, const std::string& key) {
    absl::StatusOr<std::optional<std::string>> v = view_.Get(space, key);
    return v.ok() && v->has_value();
  }

  // Walks a range, calling fn(key, value) for each entry.
  template <typename Fn>
  absl::Status ForEach(Space space, const std::string& begin, const std::string& end, Fn fn) {
    std::unique_ptr<kv::Cursor> c = view_.Scan(space, begin, end);
    std::string_view k, v;
    while (c->Next(&k, &v)) fn(k, v);
    return c->status();
  }

  absl::Status CheckVertices() {
    std::vector<IndexDef> indexes = catalog_.Indexes();
    return ForEach(Space::kVertex, "", "", [&](std::string_view k, std::string_view v) {
      VertexId id;
      codec::VertexRow row;
      if (!layout::DecodeVertexKey(k, &id) || !codec::DecodeVertexRow(v, &row)) {
        Problem("undecodable vertex row");
        return;
      }
      ++vertices_;
      for (LabelId l : row.labels) ++vertices_by_label_[l];
      if (!row.key.empty()) {
        ++expected_key_entries_;
        if (row.labels.empty()) {
          Problem(absl::StrCat("vertex ", id, " has a key but no label"));
        } else if (!Exists(Space::kKey, layout::UniqueKey(row.labels[0], row.key))) {
          Problem(absl::StrCat("vertex ", id, " has no unique-key entry"));
        }
      }
      if (!row.external_id.is_null()) {
        ++expected_key_entries_;
        if (!Exists(Space::kKey, layout::VertexExternalIdKey(row.external_id))) {
          Problem(absl::StrCat("vertex ", id, " has no external-id entry"));
        }
      }
      absl::StatusOr<std::set<std::string>> entries = IndexEntriesFor(
          id, row, alias_properties_, indexes,
          [&](std::string_view name) { return catalog_.FindLabel(name); });
      if (!entries.ok()) {
        Problem(absl::StrCat("vertex ", id, ": ", entries.status().message()));
        return;
      }
      expected_index_entries_ += entries->size();
      for (const std::string& e : *entries) {
        if (!Exists(Space::kIndex, e)) Problem(absl::StrCat("vertex ", id, " misses an index entry"));
      }
    });
  }

  absl::Status CheckEdges() {
    return ForEach(Space::kAdj, "", "", [&](std::string_view k, std::string_view v) {
      EdgeKey e;
      Direction d;
      if (!layout::DecodeAdjKey(k, &e, &d)) {
        Problem(!k.empty() && k[0] == layout::kFormat3OutTag
                    ? "a format-3 out-edge key (an unfinished upgrade)"
                    : "undecodable edge key");
        return;
      }
      Direction twin = d == Direction::kOut ? Direction::kIn : Direction::kOut;
      if (!Exists(Space::kAdj, layout::AdjKey(e, twin))) {
        Problem(absl::StrCat(d == Direction::kOut ? "out" : "in", "-edge ", e.ToString(),
                             " has no twin"));
      }
      if (d == Direction::kIn) return;
      ++edges_;
      ++edges_by_label_[e.label];
      ++degrees_[{e.src, Direction::kOut, e.label}];
      ++degrees_[{e.dst, Direction::kIn, e.label}];
      if (!Exists(Space::kVertex, layout::VertexKey(e.src)) ||
          !Exists(Space::kVertex, layout::VertexKey(e.dst))) {
        Problem(absl::StrCat("edge ", e.ToString(), " has a missing endpoint"));
      }
      codec::EdgeRow row;
      if (!codec::DecodeEdgeRow(v, &row)) {
        Problem(absl::StrCat("edge ", e.ToString(), " has an undecodable value"));
      } else if (!row.external_id.is_null()) {
        ++expected_key_entries_;
        if (!Exists(Space::kKey, layout::EdgeExternalIdKey(row.external_id))) {
          Problem(absl::StrCat("edge ", e.ToString(), " has no external-id entry"));
        }
      }
    });
  }

  // Every vertex's expected entries exist (CheckVertices); equal counts then mean no extra ones.
  absl::Status CheckIndex() {
    uint64_t actual = 0;
    absl::Status s = ForEach(Space::kIndex, "", "", [&](std::string_view k, std::string_view) {
      ++actual;
      VertexId id;
      if (!layout::DecodeTrailingVertexId(k, &id) || !Exists(Space::kVertex, layout::VertexKey(id))) {
        Problem("an index entry names a missing vertex");
      }
    });
    if (!s.ok()) return s;
    if (actual != expected_index_entries_) {
      Problem(absl::StrCat("index holds ", actual, " entries, the vertices imply ",
                           expected_index_entries_));
    }
    return absl::OkStatus();
  }

  absl::Status CheckKeys() {
    uint64_t actual = 0;
    absl::Status s = ForEach(Space::kKey, "", "", [&](std::string_view k, std::string_view v) {
      ++actual;
      if (k.empty()) return;
      if (k[0] == layout::kEdgeExternalIdTag) {
        EdgeKey e;
        Direction d;
        if (!layout::DecodeAdjKey(v, &e, &d) || d != Direction::kOut) {
          Problem("an edge id entry holds no out-edge key");
        } else if (!Exists(Space::kAdj, std::string(v))) {
          Problem("an edge id entry names a missing edge");
        }
        return;
      }
      VertexId id;
      if (!layout::DecodeVertexKey(v, &id) || !Exists(Space::kVertex, layout::VertexKey(id))) {
        Problem("a key entry names a missing vertex");
      }
    });
    if (!s.ok()) return s;
    if (actual != expected_key_entries_) {
      Problem(absl::StrCat("key space holds ", actual, " entries, the elements imply ",
                           expected_key_entries_));
    }
    return absl::OkStatus();
  }

  int64_t Counter(const std::string& key) {
    absl::StatusOr<std::optional<std::string>> v = view_.Get(Space::kCount, key);
    if (!v.ok() || !v->has_value()) return 0;
    absl::StatusOr<int64_t> n = kv::DecodeCounter(**v);
    return n.ok() ? *n : -1;
  }

  void ExpectCount(const std::string& what, const std::string& key, int64_t expected) {
    int64_t actual = Counter(key);
    if (actual != expected) {
      Problem(absl::StrCat(what, " count is ", actual, ", a scan finds ", expected));
    }
  }

  absl::Status CheckCounts() {
    ExpectCount("vertex", layout::TotalVerticesKey(), vertices_);
    ExpectCount("edge", layout::TotalEdgesKey(), edges_);
    for (LabelId l = 1; l < catalog_.next_label(); ++l) {
      ExpectCount(absl::StrCat("vertex label ", catalog_.LabelName(l)), layout::VertexCountKey(l),
                  vertices_by_label_[l]);
      ExpectCount(absl::StrCat("edge label ", catalog_.LabelName(l)), layout::EdgeCountKey(l),
                  edges_by_label_[l]);
    }
    // Every stored degree matches, and every scanned degree is stored.
    std::string prefix(1, 0x03);
    absl::Status s = ForEach(Space::kCount, prefix, codec::PrefixSuccessor(prefix),
                             [&](std::string_view k, std::string_view v) {
                               k.remove_prefix(1);
                               VertexId id;
                               uint8_t dir;
                               LabelId l;
                               absl::StatusOr<int64_t> n = kv::DecodeCounter(v);
                               if (!codec::GetU64BE(&k, &id) || !codec::GetU8(&k, &dir) ||
                                   !codec::GetU32BE(&k, &l) || !n.ok()) {
                                 Problem("undecodable degree counter");
                                 return;
                               }
                               auto key = std::make_tuple(id, static_cast<Direction>(dir), l);
                               int64_t expected = degrees_.count(key) ? degrees_[key] : 0;
                               if (*n != expected) {
                                 Problem(absl::StrCat("degree of vertex ", id, " is ", *n,
                                                      ", a scan finds ", expected));
                               }
                               degrees_.erase(key);
                             });
    if (!s.ok()) return s;
    if (!degrees_.empty()) Problem(absl::StrCat(degrees_.size(), " degrees are not maintained"));
    int64_t documents = 0;
    std::string doc_prefix(1, layout::kDocumentTag);
    s = ForEach(Space::kDoc, doc_prefix, codec::PrefixSuccessor(doc_prefix),
                [&](std::string_view, std::string_view) { ++documents; });
    if (!s.ok()) return s;
    ExpectCount("document", layout::DocumentCountKey(), documents);
    return absl::OkStatus();
  }

  // Rows (01) come before element lists (02), and those before string tables (03), in key
  // order: each (document, element) pair with evidence in a row must be listed by its document
  // exactly once, and the reverse; every string a row names must be in its document's table.
  absl::Status CheckProvenance() {
    std::set<std::pair<std::string, std::string>> unlisted;  // (doc id, ElementBytes)
    absl::Status s = ForEach(Space::kProv, "", "", [&](std::string_view k, std::string_view v) {
      if (!k.empty() && k[0] == layout::kProvRowTag) {
        CheckProvRow(k, v, &unlisted);
      } else if (!k.empty() && k[0] == layout::kDocStringsTag) {
        CheckStringTable(k, v);
      } else {
        CheckElementList(k, v, &unlisted);
      }
    });
    if (!s.ok()) return s;
    for (const auto& [doc_id, element] : unlisted) {
      Problem(absl::StrCat("document '", doc_id, "' has evidence for an element it does not list"));
    }
    for (const auto& [doc_id, max] : max_string_index_) {
      Problem(absl::StrCat("document '", doc_id, "' has evidence but no string table"));
    }
    return absl::OkStatus();
  }

  void CheckStringTable(std::string_view k, std::string_view v) {
    std::string doc_id;
    std::vector<std::string> strings;
    if (!layout::DecodeDocStringsKey(k, &doc_id) || !codec::DecodeStringTable(v, &strings)) {
      Problem("undecodable provenance string table");
      return;
    }
    if (!listed_documents_.contains(doc_id)) {
      Problem(absl::StrCat("document '", doc_id, "' has a string table but no element list"));
    }
    auto it = max_string_index_.find(doc_id);
    if (it == max_string_index_.end()) return;  // strings of removed evidence may remain
    if (it->second >= static_cast<int64_t>(strings.size())) {
      Problem(absl::StrCat("evidence of document '", doc_id, "' names string ", it->second,
                           " of a table of ", strings.size()));
    }
    max_string_index_.erase(it);
  }

  void CheckProvRow(std::string_view k, std::string_view v,
                    std::set<std::pair<std::string, std::string>>* unlisted) {
    VertexId owner;
    std::string doc_id;
    codec::ProvRow row;
    if (!layout::DecodeProvRowKey(k, &owner, &doc_id) || !codec::DecodeProvRow(v, &row)) {
      Problem("undecodable provenance row");
      return;
    }
    if (int64_t max = codec::MaxStringIndex(row); max >= 0) {
      int64_t& doc_max = max_string_index_.try_emplace(doc_id, -1).first->second;
      doc_max = std::max(doc_max, max);
    }
    if (row.empty()) Problem(absl::StrCat("empty provenance row of vertex ", owner));
    if (!Exists(Space::kDoc, layout::DocumentKey(doc_id))) {
      Problem(absl::StrCat("provenance names missing document '", doc_id, "'"));
    }
    if (!Exists(Space::kVertex, layout::VertexKey(owner))) {
      Problem("provenance names a missing element");
    }
    if (!row.vertex.empty()) unlisted->emplace(doc_id, layout::ElementBytes(owner));
    for (const auto& [tail, list] : row.edges) {
      EdgeKey edge{owner, tail.label, tail.dst, tail.rank};
      if (list.empty()) Problem(absl::StrCat("empty evidence list of edge ", edge.ToString()));
      if (!Exists(Space::kAdj, layout::OutEdgeKey(edge))) {
        Problem("provenance names a missing element");
      }
      unlisted->emplace(doc_id, layout::ElementBytes(edge));
    }
  }

  void CheckElementList(std::string_view k, std::string_view v,
                        std::set<std::pair<std::string, std::string>>* unlisted) {
    std::string doc_id;
    std::vector<ElementRef> elements;
    if (!layout::DecodeDocElementsKey(k, &doc_id) || !layout::DecodeElementList(v, &elements)) {
      Problem("undecodable provenance element list");
      return;
    }
    if (elements.empty()) Problem(absl::StrCat("empty element list of document '", doc_id, "'"));
    listed_documents_.insert(doc_id);
    if (!Exists(Space::kDoc, layout::DocumentKey(doc_id))) {
      Problem(absl::StrCat("provenance names missing document '", doc_id, "'"));
    }
    for (const ElementRef& e : elements) {
      if (unlisted->erase({doc_id, layout::ElementBytes(e)}) == 0) {
        Problem(absl::StrCat("document '", doc_id, "' lists an element it gives no evidence for"));
      }
    }
  }

  kv::ReadView& view_;
  const Catalog& catalog_;
  const std::vector<std::string>& alias_properties_;
  std::vector<std::string> problems_;
  std::map<std::string, int64_t> max_string_index_;  // doc id -> highest index its rows use
  std::set<std::string> listed_documents_;            // with an element list
  int64_t vertices_ = 0, edges_ = 0;
  std::map<LabelId, int64_t> vertices_by_label_, edges_by_label_;
  std::map<std::tuple<VertexId, Direction, LabelId>, int64_t> degrees_;
  uint64_t expected_index_entries_ = 0, expected_key_entries_ = 0;
};

}  // namespace

absl::Status VerifyLayout(kv::ReadView& view, const Catalog& catalog,
                          const std::vector<std::string>& alias_properties) {
  return Verifier(view, catalog, alias_properties).Run();
}

}  // namespace kg::graph
