// GraphReader over a kv::ReadView: the read half shared by snapshots and write transactions.
// A template over the interface it implements (GraphReader or GraphTxn), so that the write
// transaction inherits the same reads without a diamond.
#ifndef KG_GRAPH_READER_IMPL_H_
#define KG_GRAPH_READER_IMPL_H_

#include <algorithm>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "graph/absl_compat.h"
#include "graph/catalog.h"
#include "graph/codec.h"
#include "graph/graph.h"
#include "graph/kv/kv.h"
#include "graph/layout.h"
#include "graph/normalize.h"
#include "graph/provenance_buffer.h"

namespace kg::graph {

// A stream that decodes each entry of a kv cursor; a decode failure ends it with DATA_LOSS.
template <typename T>
class CursorStream : public Stream<T> {
 public:
  using Decoder = std::function<bool(std::string_view key, std::string_view value, T* out)>;
  CursorStream(std::unique_ptr<kv::Cursor> cursor, Decoder decode, std::string what)
      : cursor_(std::move(cursor)), decode_(std::move(decode)), what_(std::move(what)) {}

  bool Next(T* out) override {
    if (!status_.ok()) return false;
    std::string_view key, value;
    if (!cursor_->Next(&key, &value)) {
      status_ = cursor_->status();
      return false;
    }
    if (!decode_(key, value, out)) {
      status_ = absl::DataLossError(absl::StrCat("corrupt ", what_, " entry"));
      return false;
    }
    return true;
  }
  absl::Status status() const override { return status_; }

 private:
  std::unique_ptr<kv::Cursor> cursor_;
  Decoder decode_;
  std::string what_;
  absl::Status status_;
};

// A stream that yields nothing, with a given status (OK for "no results").
template <typename T>
class FixedStream : public Stream<T> {
 public:
  explicit FixedStream(absl::Status status = absl::OkStatus()) : status_(std::move(status)) {}
  bool Next(T*) override { return false; }
  absl::Status status() const override { return status_; }

 private:
  absl::Status status_;
};

// A stream over values already read.
template <typename T>
class VectorStream : public Stream<T> {
 public:
  explicit VectorStream(std::vector<T> items) : items_(std::move(items)) {}
  bool Next(T* out) override {
    if (next_ == items_.size()) return false;
    *out = std::move(items_[next_++]);
    return true;
  }
  absl::Status status() const override { return absl::OkStatus(); }

 private:
  std::vector<T> items_;
  size_t next_ = 0;
};

absl::Status CorruptRow(std::string_view what, std::string_view id);
absl::StatusOr<Vertex> DecodeVertex(VertexId id, std::string_view row_bytes,
                                    const std::function<std::string(LabelId)>& label_name);

template <typename Base>
class ReaderImpl : public Base {
 public:
  ReaderImpl(kv::ReadView* view, const Catalog* catalog) : view_(view), catalog_(catalog) {}

  std::optional<LabelId> FindLabel(std::string_view name) const override {
    return catalog_->FindLabel(name);
  }
  std::string LabelName(LabelId id) const override { return catalog_->LabelName(id); }

  absl::StatusOr<std::optional<Vertex>> GetVertex(VertexId id) override {
    absl::StatusOr<std::optional<std::string>> row = view_->Get(kv::Space::kVertex,
                                                                layout::VertexKey(id));
    if (!row.ok()) return row.status();
    if (!row->has_value()) return std::nullopt;
    absl::StatusOr<Vertex> v =
        DecodeVertex(id, **row, [this](LabelId l) { return this->LabelName(l); });
    if (!v.ok()) return v.status();
    return std::optional<Vertex>(*std::move(v));
  }

  absl::StatusOr<std::optional<VertexId>> FindVertexByKey(std::string_view label,
                                                          std::string_view key) override {
    std::optional<LabelId> lid = this->FindLabel(label);
    if (!lid) return std::nullopt;
    absl::StatusOr<std::string> canonical = CanonicalKey(key);
    if (!canonical.ok()) return canonical.status();
    return ReadVertexId(layout::UniqueKey(*lid, *canonical));
  }

  absl::StatusOr<std::optional<VertexId>> FindVertexByExternalId(const Value& id) override {
    return ReadVertexId(layout::VertexExternalIdKey(id));
  }

  std::unique_ptr<VertexIdStream> ScanVertices() override {
    return std::make_unique<CursorStream<VertexId>>(
        view_->Scan(kv::Space::kVertex, "", ""),
        [](std::string_view k, std::string_view, VertexId* id) {
          return layout::DecodeVertexKey(k, id);
        },
        "vertex");
  }

  std::unique_ptr<VertexIdStream> ScanVerticesWithLabel(LabelId label) override {
    return ScanIndexIds(layout::LabelMemberPrefix(label), "label index");
  }

  std::unique_ptr<VertexIdStream> FindByAlias(std::string_view name,
                                              std::optional<LabelId> label) override {
    absl::StatusOr<std::string> normalized = CanonicalKey(name);
    if (!normalized.ok()) return std::make_unique<FixedStream<VertexId>>(normalized.status());
    std::string prefix = layout::AliasPrefix(*normalized);
    if (label) codec::PutU32BE(&prefix, *label);
    return ScanIndexIds(prefix, "alias index");
  }

  std::unique_ptr<Stream<AliasHit>> SearchAliasPrefix(std::string_view prefix) override {
    absl::StatusOr<std::string> normalized = CanonicalKey(prefix);
    if (!normalized.ok()) return std::make_unique<FixedStream<AliasHit>>(normalized.status());
    std::string begin(1, layout::kAliasTag);
    codec::PutEscapedPrefix(&begin, *normalized);
    return std::make_unique<CursorStream<AliasHit>>(
        view_->Scan(kv::Space::kIndex, begin, codec::PrefixSuccessor(begin)),
        [](std::string_view k, std::string_view, AliasHit* hit) {
          k.remove_prefix(1);
          return codec::GetEscapedString(&k, &hit->normalized_alias) &&
                 codec::GetU32BE(&k, &hit->label) && codec::GetU64BE(&k, &hit->id) && k.empty();
        },
        "alias index");
  }

  std::vector<IndexSpec> Indexes() const override {
    std::vector<IndexSpec> specs;
    for (const IndexDef& d : IndexDefs()) specs.push_back(d.spec);
    return specs;
  }

  std::unique_ptr<VertexIdStream> IndexExact(std::string_view label, std::string_view key,
                                             const Value& value) override {
    absl::StatusOr<IndexDef> def = FindIndex(label, key);
    if (!def.ok()) return std::make_unique<FixedStream<VertexId>>(def.status());
    absl::StatusOr<std::string> encoded = codec::EncodeIndexValue(value, def->spec.type);
    if (!encoded.ok()) return std::make_unique<FixedStream<VertexId>>(encoded.status());
    return ScanIndexIds(layout::PropertyIndexPrefix(def->id) + *encoded, "property index");
  }

  std::unique_ptr<VertexIdStream> IndexRange(std::string_view label, std::string_view key,
                                             const ValueRange& range) override {
    absl::StatusOr<IndexDef> def = FindIndex(label, key);
    if (!def.ok()) return std::make_unique<FixedStream<VertexId>>(def.status());
    std::string prefix = layout::PropertyIndexPrefix(def->id);
    std::string begin = prefix, end = codec::PrefixSuccessor(prefix);
    if (range.lower) {
      absl::StatusOr<std::string> lo = codec::EncodeIndexValue(*range.lower, def->spec.type);
      if (!lo.ok()) return std::make_unique<FixedStream<VertexId>>(lo.status());
      begin = prefix + *lo;
      if (!range.lower_inclusive) begin = codec::PrefixSuccessor(begin);
    }
    if (range.upper) {
      absl::StatusOr<std::string> hi = codec::EncodeIndexValue(*range.upper, def->spec.type);
      if (!hi.ok()) return std::make_unique<FixedStream<VertexId>>(hi.status());
      end = prefix + *hi;
      if (range.upper_inclusive) end = codec::PrefixSuccessor(end);
    }
    if (begin >= end) return std::make_unique<FixedStream<VertexId>>();
    return ScanIds(begin, end, "property index");
  }

  std::unique_ptr<VertexIdStream> IndexPrefix(std::string_view label, std::string_view key,
                                              std::string_view prefix) override {
    absl::StatusOr<IndexDef> def = FindIndex(label, key);
    if (!def.ok()) return std::make_unique<FixedStream<VertexId>>(def.status());
    if (def->spec.type != Value::Type::kString) {
      return std::make_unique<FixedStream<VertexId>>(absl::InvalidArgumentError(
          absl::StrCat("prefix scan needs a string index; ", Sv(label), ".", Sv(key), " is indexed as ",
                       Value::TypeName(def->spec.type))));
    }
    std::string begin = layout::PropertyIndexPrefix(def->id);
    codec::PutEscapedPrefix(&begin, prefix);
    return ScanIndexIds(begin, "property index");
  }

  std::unique_ptr<EdgeStream> ScanEdges(VertexId vertex, Direction direction,
                                        std::optional<LabelId> label) override {
    std::string prefix = label ? layout::AdjPrefix(direction, vertex, *label)
                               : layout::AdjPrefix(direction, vertex);
    return ScanEdgeKeys(prefix);
  }

  std::unique_ptr<EdgeStream> ScanAllEdges() override {
    return ScanEdgeKeys(std::string(1, layout::kOutTag));
  }

  absl::StatusOr<std::optional<Edge>> GetEdge(const EdgeKey& key) override {
    absl::StatusOr<std::optional<std::string>> row =
        view_->Get(kv::Space::kAdj, layout::OutEdgeKey(key));
    if (!row.ok()) return row.status();
    if (!row->has_value()) return std::nullopt;
    codec::EdgeRow decoded;
    if (!codec::DecodeEdgeRow(**row, &decoded)) return CorruptRow("edge", key.ToString());
    Edge edge;
    edge.key = key;
    edge.label = this->LabelName(key.label);
    edge.external_id = std::move(decoded.external_id);
    edge.properties = std::move(decoded.properties);
    return std::optional<Edge>(std::move(edge));
  }

  absl::StatusOr<std::optional<EdgeKey>> FindEdgeByExternalId(const Value& id) override {
    absl::StatusOr<std::optional<std::string>> out =
        view_->Get(kv::Space::kKey, layout::EdgeExternalIdKey(id));
    if (!out.ok()) return out.status();
    if (!out->has_value()) return std::nullopt;
    EdgeKey key;
    Direction d;
    if (!layout::DecodeAdjKey(**out, &key, &d)) return CorruptRow("edge id", id.DebugString());
    return std::optional<EdgeKey>(key);
  }

  absl::StatusOr<int64_t> CountVertices(std::optional<LabelId> label) override {
    return ReadCounter(label ? layout::VertexCountKey(*label) : layout::TotalVerticesKey());
  }

  absl::StatusOr<int64_t> CountEdges(std::optional<LabelId> label) override {
    return ReadCounter(label ? layout::EdgeCountKey(*label) : layout::TotalEdgesKey());
  }

  absl::StatusOr<int64_t> Degree(VertexId vertex, Direction direction,
                                 std::optional<LabelId> label) override {
    if (label) return ReadCounter(layout::DegreeKey(vertex, direction, *label));
    std::string prefix = layout::DegreePrefix(vertex, direction);
    std::unique_ptr<kv::Cursor> c =
        view_->Scan(kv::Space::kCount, prefix, codec::PrefixSuccessor(prefix));
    int64_t total = 0;
    std::string_view k, v;
    while (c->Next(&k, &v)) {
      absl::StatusOr<int64_t> n = kv::DecodeCounter(v);
      if (!n.ok()) return n.status();
      total += *n;
    }
    if (!c->status().ok()) return c->status();
    return total;
  }

  absl::StatusOr<std::optional<Document>> GetDocument(std::string_view id) override {
    absl::StatusOr<std::optional<std::string>> row =
        view_->Get(kv::Space::kDoc, layout::DocumentKey(id));
    if (!row.ok()) return row.status();
    if (!row->has_value()) return std::nullopt;
    Document doc;
    if (!codec::DecodeDocument(**row, &doc)) return CorruptRow("document", id);
    return std::optional<Document>(std::move(doc));
  }

  std::unique_ptr<Stream<Document>> ScanDocuments() override {
    std::string prefix(1, layout::kDocumentTag);
    return std::make_unique<CursorStream<Document>>(
        view_->Scan(kv::Space::kDoc, prefix, codec::PrefixSuccessor(prefix)),
        [](std::string_view, std::string_view v, Document* doc) {
          return codec::DecodeDocument(v, doc);
        },
        "document");
  }

  absl::StatusOr<int64_t> CountDocuments() override {
    return ReadCounter(layout::DocumentCountKey());
  }

  // An element's evidence is in its owner's rows (layout.h), one per document, in key order;
  // each names its sentence and rule in the document's string table.
  absl::StatusOr<std::vector<Evidence>> GetEvidence(const ElementRef& element) override {
    absl::StatusOr<ProvRows> rows = ReadProvRows(*view_, layout::ProvOwner(element));
    if (!rows.ok()) return rows.status();
    const EdgeKey* edge = std::get_if<EdgeKey>(&element);
    std::vector<Evidence> all;
    for (const auto& [doc_id, row] : *rows) {
      const std::vector<codec::EvidenceRef>* list = &row.vertex;
      if (edge != nullptr) {
        auto it = row.edges.find(codec::EdgeTail{edge->label, edge->dst, edge->rank});
        if (it == row.edges.end()) continue;
        list = &it->second;
      }
      if (list->empty()) continue;
      absl::StatusOr<std::vector<std::string>> strings = ReadDocStrings(*view_, doc_id);
      if (!strings.ok()) return strings.status();
      for (const codec::EvidenceRef& ref : *list) {
        if (!codec::ExpandEvidence(ref, doc_id, *strings, &all.emplace_back())) {
          return CorruptRow("string table of document", doc_id);
        }
      }
    }
    return all;
  }

  std::unique_ptr<Stream<ElementRef>> ScanSupported(std::string_view doc_id) override {
    absl::StatusOr<std::optional<std::string>> bytes =
        view_->Get(kv::Space::kProv, layout::DocElementsKey(doc_id));
    std::vector<ElementRef> elements;
    if (!bytes.ok()) return std::make_unique<FixedStream<ElementRef>>(bytes.status());
    if (bytes->has_value() && !layout::DecodeElementList(**bytes, &elements)) {
      return std::make_unique<FixedStream<ElementRef>>(CorruptRow("provenance", doc_id));
    }
    return std::make_unique<VectorStream<ElementRef>>(std::move(elements));
  }

 protected:
  // Index definitions visible to this reader (a transaction adds its own).
  virtual std::vector<IndexDef> IndexDefs() const { return catalog_->Indexes(); }

  absl::StatusOr<IndexDef> FindIndex(std::string_view label, std::string_view key) const {
    for (const IndexDef& d : IndexDefs()) {
      if (d.spec.label == label && d.spec.key == key) return d;
    }
    return absl::InvalidArgumentError(
        absl::StrCat("no index is declared on ", Sv(label), ".", Sv(key)));
  }

  absl::StatusOr<std::optional<VertexId>> ReadVertexId(const std::string& key) {
    absl::StatusOr<std::optional<std::string>> v = view_->Get(kv::Space::kKey, key);
    if (!v.ok()) return v.status();
    if (!v->has_value()) return std::nullopt;
    VertexId id;
    if (!layout::DecodeVertexKey(**v, &id)) return CorruptRow("key index", "");
    return std::optional<VertexId>(id);
  }

  absl::StatusOr<int64_t> ReadCounter(const std::string& key) {
    absl::StatusOr<std::optional<std::string>> v = view_->Get(kv::Space::kCount, key);
    if (!v.ok()) return v.status();
    if (!v->has_value()) return 0;
    return kv::DecodeCounter(**v);
  }

  std::unique_ptr<VertexIdStream> ScanIds(const std::string& begin, const std::string& end,
                                          const char* what) {
    return std::make_unique<CursorStream<VertexId>>(
        view_->Scan(kv::Space::kIndex, begin, end),
        [](std::string_view k, std::string_view, VertexId* id) {
          return layout::DecodeTrailingVertexId(k, id);
        },
        what);
  }

  std::unique_ptr<VertexIdStream> ScanIndexIds(const std::string& prefix, const char* what) {
    return ScanIds(prefix, codec::PrefixSuccessor(prefix), what);
  }

  std::unique_ptr<EdgeStream> ScanEdgeKeys(const std::string& prefix) {
    return std::make_unique<CursorStream<EdgeKey>>(
        view_->Scan(kv::Space::kAdj, prefix, codec::PrefixSuccessor(prefix)),
        [](std::string_view k, std::string_view, EdgeKey* e) {
          Direction d;
          return layout::DecodeAdjKey(k, e, &d);
        },
        "edge");
  }

  kv::ReadView* view_;
  const Catalog* catalog_;
};

}  // namespace kg::graph

#endif  // KG_GRAPH_READER_IMPL_H_
