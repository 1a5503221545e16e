#include "graph/graph_txn.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "graph/absl_compat.h"
#include "graph/index_entries.h"
#include "graph/properties.h"
#include "graph/layout.h"
#include "graph/normalize.h"

namespace kg::graph {
namespace {

using kv::Space;

absl::Status NotFoundVertex(VertexId id) {
  return absl::NotFoundError(absl::StrCat("vertex ", id, " does not exist"));
}

absl::Status NotFoundEdge(const EdgeKey& key) {
  return absl::NotFoundError(absl::StrCat("edge ", key.ToString(), " does not exist"));
}

// Whether ApplyVertexProperty (properties.cc) would leave `props` as they are: an upsert that
// repeats what the row holds (an entity named again) then neither copies nor rewrites it.
bool LeavesUnchanged(const std::vector<VertexProperty>& props, const PropertyWrite& p) {
  if (p.cardinality == Cardinality::kSet) {
    return std::any_of(props.begin(), props.end(), [&](const VertexProperty& e) {
      return e.key == p.key && e.value == p.value;
    });
  }
  if (p.cardinality != Cardinality::kSingle) return false;  // a list value is appended
  const VertexProperty* only = nullptr;
  for (const VertexProperty& e : props) {
    if (e.key != p.key) continue;
    if (only != nullptr) return false;  // replacing several values by one changes the row
    only = &e;
  }
  return only != nullptr && only->value == p.value && only->meta == p.meta && only->id == p.id;
}

}  // namespace

TxnImpl::TxnImpl(kv::Txn* txn, TxnContext* context)
    : ReaderImpl<GraphTxn>(txn, context->catalog),
      txn_(txn),
      context_(context),
      first_id_(context->next_id),
      provenance_(txn) {}

std::optional<LabelId> TxnImpl::FindLabel(std::string_view name) const {
  for (const auto& [n, id] : context_->delta.labels) {
    if (n == name) return id;
  }
  return catalog_->FindLabel(name);
}

std::string TxnImpl::LabelName(LabelId id) const {
  for (const auto& [n, lid] : context_->delta.labels) {
    if (lid == id) return n;
  }
  return catalog_->LabelName(id);
}

std::vector<IndexDef> TxnImpl::IndexDefs() const {
  std::vector<IndexDef> defs = catalog_->Indexes();
  defs.insert(defs.end(), context_->delta.indexes.begin(), context_->delta.indexes.end());
  return defs;
}

absl::StatusOr<LabelId> TxnImpl::InternLabel(std::string_view name) {
  if (std::optional<LabelId> id = FindLabel(name)) return *id;
  if (name.empty()) return absl::InvalidArgumentError("label is empty");
  if (absl::Status s = ValidateText("label", name); !s.ok()) return s;
  LabelId id = catalog_->next_label() + static_cast<LabelId>(context_->delta.labels.size());
  std::string id_bytes;
  codec::PutU32BE(&id_bytes, id);
  txn_->Put(Space::kMeta, layout::LabelByNameKey(name), id_bytes);
  txn_->Put(Space::kMeta, layout::LabelByIdKey(id), name);
  context_->delta.labels.emplace_back(std::string(name), id);
  return id;
}

absl::StatusOr<const codec::VertexRow*> TxnImpl::CachedRow(VertexId id) {
  if (auto it = rows_.find(id); it != rows_.end()) return it->second.row.get();
  // Not written by this transaction, so its committed row is what the store holds.
  if (context_->row_cache != nullptr) {
    if (std::shared_ptr<const codec::VertexRow> row = context_->row_cache->FindRow(id)) {
      return rows_.emplace(id, TxnRow{std::move(row), 0, false}).first->second.row.get();
    }
  }
  absl::StatusOr<std::optional<std::string>> bytes =
      txn_->Get(Space::kVertex, layout::VertexKey(id));
  if (!bytes.ok()) return bytes.status();
  if (!bytes->has_value()) return nullptr;
  auto row = std::make_shared<codec::VertexRow>();
  if (!codec::DecodeVertexRow(**bytes, row.get())) return CorruptRow("vertex", absl::StrCat(id));
  return rows_.emplace(id, TxnRow{std::move(row), (*bytes)->size(), true}).first->second.row.get();
}

absl::StatusOr<std::optional<Vertex>> TxnImpl::GetVertex(VertexId id) {
  absl::StatusOr<const codec::VertexRow*> row = CachedRow(id);
  if (!row.ok()) return row.status();
  if (*row == nullptr) return std::nullopt;
  const codec::VertexRow& r = **row;
  Vertex v;
  v.id = id;
  for (LabelId l : r.labels) v.labels.push_back(LabelName(l));
  v.key = r.key;
  v.external_id = r.external_id;
  v.properties = r.properties;
  return v;
}

absl::StatusOr<std::optional<VertexId>> TxnImpl::FindUnique(const std::string& unique_key) {
  if (auto it = unique_ids_.find(unique_key); it != unique_ids_.end()) {
    if (it->second == kNoVertex) return std::nullopt;
    return it->second;
  }
  if (context_->row_cache != nullptr) {
    if (std::optional<VertexId> id = context_->row_cache->FindUnique(unique_key)) {
      unique_ids_.emplace(unique_key, *id);
      return id;
    }
  }
  absl::StatusOr<std::optional<VertexId>> id = ReadVertexId(unique_key);
  if (id.ok() && id->has_value()) unique_ids_.emplace(unique_key, **id);
  return id;
}

absl::StatusOr<codec::VertexRow> TxnImpl::LoadExistingRow(VertexId id) {
  absl::StatusOr<const codec::VertexRow*> row = CachedRow(id);
  if (!row.ok()) return row.status();
  if (*row == nullptr) return NotFoundVertex(id);
  return **row;
}

absl::Status TxnImpl::RequireVertex(VertexId id) {
  // A batch of edges names the same endpoints again and again (hubs most of all); an upsert has
  // usually just read the row.
  if (live_vertices_.contains(id)) return absl::OkStatus();
  if (auto it = rows_.find(id); it != rows_.end()) {
    return it->second.row != nullptr ? absl::OkStatus() : NotFoundVertex(id);
  }
  if (context_->row_cache != nullptr && context_->row_cache->FindRow(id) != nullptr) {
    live_vertices_.insert(id);
    return absl::OkStatus();
  }
  absl::StatusOr<std::optional<std::string>> bytes = txn_->Get(Space::kVertex, layout::VertexKey(id));
  if (!bytes.ok()) return bytes.status();
  if (!bytes->has_value()) return NotFoundVertex(id);
  live_vertices_.insert(id);
  return absl::OkStatus();
}

absl::StatusOr<std::set<std::string>> TxnImpl::IndexEntries(VertexId id,
                                                            const codec::VertexRow& row) {
  return IndexEntriesFor(id, row, *context_->alias_properties, IndexDefs(),
                         [this](std::string_view name) { return FindLabel(name); });
}

absl::Status TxnImpl::WriteRow(VertexId id, const codec::VertexRow* before,
                               std::optional<codec::VertexRow> after) {
  std::set<std::string> old_entries, new_entries;
  if (before) {
    absl::StatusOr<std::set<std::string>> e = IndexEntries(id, *before);
    if (!e.ok()) return e.status();
    old_entries = *std::move(e);
  }
  if (after) {
    absl::StatusOr<std::set<std::string>> e = IndexEntries(id, *after);
    if (!e.ok()) return e.status();
    new_entries = *std::move(e);
  }
  for (const std::string& k : old_entries) {
    if (!new_entries.count(k)) txn_->Delete(Space::kIndex, k);
  }
  for (const std::string& k : new_entries) {
    if (!old_entries.count(k)) txn_->Put(Space::kIndex, k, "");
  }
  // Label counters follow label membership.
  std::vector<LabelId> old_labels = before ? before->labels : std::vector<LabelId>{};
  std::vector<LabelId> new_labels = after ? after->labels : std::vector<LabelId>{};
  for (LabelId l : old_labels) {
    if (std::find(new_labels.begin(), new_labels.end(), l) == new_labels.end()) {
      txn_->AddInt64(Space::kCount, layout::VertexCountKey(l), -1);
    }
  }
  for (LabelId l : new_labels) {
    if (std::find(old_labels.begin(), old_labels.end(), l) == old_labels.end()) {
      txn_->AddInt64(Space::kCount, layout::VertexCountKey(l), +1);
    }
  }
  if ((before != nullptr) != after.has_value()) {
    txn_->AddInt64(Space::kCount, layout::TotalVerticesKey(), after ? +1 : -1);
  }
  // The unique key and the external id are fixed at creation; they go with the vertex.
  if (before && !after) {
    if (!before->key.empty() && !before->labels.empty()) {  // AddVertex: a key needs a label
      std::string unique = layout::UniqueKey(before->labels[0], before->key);
      txn_->Delete(Space::kKey, unique);
      unique_ids_.insert_or_assign(std::move(unique), kNoVertex);
    }
    if (!before->external_id.is_null()) {
      txn_->Delete(Space::kKey, layout::VertexExternalIdKey(before->external_id));
    }
  }
  if (after && !before) {
    if (!after->key.empty() && !after->labels.empty()) {
      std::string unique = layout::UniqueKey(after->labels[0], after->key);
      txn_->Put(Space::kKey, unique, layout::VertexKey(id));
      unique_ids_.insert_or_assign(std::move(unique), id);
    }
    if (!after->external_id.is_null()) {
      txn_->Put(Space::kKey, layout::VertexExternalIdKey(after->external_id), layout::VertexKey(id));
    }
  }
  // `before` may be the row this replaces: used last.
  if (after) {
    std::string bytes = codec::EncodeVertexRow(*after);
    txn_->Put(Space::kVertex, layout::VertexKey(id), bytes);
    rows_.insert_or_assign(id, TxnRow{std::make_shared<const codec::VertexRow>(*std::move(after)),
                                      bytes.size(), true});
  } else {
    txn_->Delete(Space::kVertex, layout::VertexKey(id));
    rows_.insert_or_assign(id, TxnRow{nullptr, 0, true});
  }
  return absl::OkStatus();
}

absl::StatusOr<VertexId> TxnImpl::AddVertex(const std::vector<std::string>& labels,
                                            std::string_view key, const Value& external_id,
                                            const std::vector<PropertyWrite>& properties) {
  // A vertex may have no labels (TinkerPop's ZERO_OR_MORE label cardinality), but a unique key
  // is scoped by the first label, so a keyed vertex needs one.
  if (labels.empty() && !key.empty()) {
    return absl::InvalidArgumentError("a vertex with a key needs at least one label");
  }
  std::string canonical;
  if (!key.empty()) {
    absl::StatusOr<std::string> c = CanonicalKey(key);
    if (!c.ok()) return c.status();
    canonical = *std::move(c);
    absl::StatusOr<LabelId> primary = InternLabel(labels[0]);
    if (!primary.ok()) return primary.status();
    absl::StatusOr<std::optional<VertexId>> existing =
        ReadVertexId(layout::UniqueKey(*primary, canonical));
    if (!existing.ok()) return existing.status();
    if (existing->has_value()) {
      return absl::AlreadyExistsError(
          absl::StrCat("a ", labels[0], " vertex with key '", canonical, "' already exists"));
    }
  }
  return CreateVertex(labels, std::move(canonical), external_id, properties);
}

absl::StatusOr<VertexId> TxnImpl::CreateVertex(const std::vector<std::string>& labels,
                                               std::string canonical_key, const Value& external_id,
                                               const std::vector<PropertyWrite>& properties) {
  codec::VertexRow row;
  for (const std::string& label : labels) {
    absl::StatusOr<LabelId> lid = InternLabel(label);
    if (!lid.ok()) return lid.status();
    if (std::find(row.labels.begin(), row.labels.end(), *lid) == row.labels.end()) {
      row.labels.push_back(*lid);
    }
  }
  row.key = std::move(canonical_key);
  if (!external_id.is_null()) {
    absl::StatusOr<std::optional<VertexId>> existing = FindVertexByExternalId(external_id);
    if (!existing.ok()) return existing.status();
    if (existing->has_value()) {
      return absl::AlreadyExistsError(
          absl::StrCat("a vertex with id ", external_id.DebugString(), " already exists"));
    }
    row.external_id = external_id;
  }
  for (const PropertyWrite& p : properties) {
    if (absl::Status s = ValidateProperty(p); !s.ok()) return s;
    ApplyVertexProperty(&row.properties, p);
  }
  VertexId id = AllocateId();
  if (absl::Status s = WriteRow(id, nullptr, std::move(row)); !s.ok()) return s;
  live_vertices_.insert(id);
  created_vertices_.insert(id);
  return id;
}

absl::StatusOr<UpsertResult> TxnImpl::UpsertVertex(std::string_view label, std::string_view key,
                                                   const std::vector<PropertyWrite>& properties) {
  if (key.empty()) return absl::InvalidArgumentError("an upsert needs a non-empty key");
  absl::StatusOr<std::string> canonical = CanonicalKey(key);
  if (!canonical.ok()) return canonical.status();
  std::optional<LabelId> lid = FindLabel(label);
  absl::StatusOr<std::optional<VertexId>> existing =
      lid ? FindUnique(layout::UniqueKey(*lid, *canonical)) : std::optional<VertexId>();
  if (!existing.ok()) return existing.status();
  if (!existing->has_value()) {  // known absent: create without a second lookup
    absl::StatusOr<VertexId> id =
        CreateVertex({std::string(label)}, *std::move(canonical), Value(), properties);
    if (!id.ok()) return id.status();
    return UpsertResult{*id, true};
  }
  VertexId id = **existing;
  absl::StatusOr<const codec::VertexRow*> before = CachedRow(id);
  if (!before.ok()) return before.status();
  if (*before == nullptr) return NotFoundVertex(id);
  // Writes that repeat what the row holds need no validation: the row's values are valid.
  size_t first_change = 0;
  while (first_change < properties.size() &&
         LeavesUnchanged((*before)->properties, properties[first_change])) {
    ++first_change;
  }
  if (first_change == properties.size()) return UpsertResult{id, false};
  codec::VertexRow after = **before;
  for (size_t i = first_change; i < properties.size(); ++i) {
    if (absl::Status s = ValidateProperty(properties[i]); !s.ok()) return s;
    ApplyVertexProperty(&after.properties, properties[i]);
  }
  if (after.properties != (*before)->properties) {
    if (absl::Status s = WriteRow(id, *before, std::move(after)); !s.ok()) return s;
  }
  return UpsertResult{id, false};
}

absl::Status TxnImpl::AddVertexLabels(VertexId id, const std::vector<std::string>& labels) {
  absl::StatusOr<codec::VertexRow> before = LoadExistingRow(id);
  if (!before.ok()) return before.status();
  codec::VertexRow after = *before;
  for (const std::string& label : labels) {
    absl::StatusOr<LabelId> lid = InternLabel(label);
    if (!lid.ok()) return lid.status();
    if (std::find(after.labels.begin(), after.labels.end(), *lid) == after.labels.end()) {
      after.labels.push_back(*lid);
    }
  }
  if (after.labels == before->labels) return absl::OkStatus();
  return WriteRow(id, &*before, std::move(after));
}

absl::Status TxnImpl::SetVertexProperty(VertexId id, const PropertyWrite& property) {
  if (absl::Status s = ValidateProperty(property); !s.ok()) return s;
  absl::StatusOr<codec::VertexRow> before = LoadExistingRow(id);
  if (!before.ok()) return before.status();
  codec::VertexRow after = *before;
  ApplyVertexProperty(&after.properties, property);
  return WriteRow(id, &*before, std::move(after));
}

absl::Status TxnImpl::RemoveVertexProperty(VertexId id, std::string_view key) {
  absl::StatusOr<codec::VertexRow> before = LoadExistingRow(id);
  if (!before.ok()) return before.status();
  codec::VertexRow after = *before;
  std::erase_if(after.properties, [&](const VertexProperty& p) { return p.key == key; });
  if (after.properties.size() == before->properties.size()) return absl::OkStatus();
  return WriteRow(id, &*before, std::move(after));
}

absl::Status TxnImpl::RemoveVertexPropertyValue(VertexId id, std::string_view key,
                                                const Value& value) {
  absl::StatusOr<codec::VertexRow> before = LoadExistingRow(id);
  if (!before.ok()) return before.status();
  codec::VertexRow after = *before;
  std::erase_if(after.properties,
                [&](const VertexProperty& p) { return p.key == key && p.value == value; });
  if (after.properties.size() == before->properties.size()) return absl::OkStatus();
  return WriteRow(id, &*before, std::move(after));
}

absl::Status TxnImpl::DeleteVertex(VertexId id) {
  absl::StatusOr<codec::VertexRow> before = LoadExistingRow(id);
  if (!before.ok()) return before.status();
  // Collect first: deleting while a write-batch iterator is open would invalidate it. A
  // self-loop appears in both directions and is deleted once.
  std::set<EdgeKey> edges;
  for (Direction d : {Direction::kOut, Direction::kIn}) {
    std::unique_ptr<EdgeStream> s = ScanEdges(id, d, std::nullopt);
    for (EdgeKey e; s->Next(&e);) edges.insert(e);
    if (!s->status().ok()) return s->status();
  }
  for (const EdgeKey& e : edges) {
    if (absl::Status s = DeleteEdge(e); !s.ok()) return s;
  }
  if (absl::Status s = provenance_.RemoveElement(id); !s.ok()) return s;
  live_vertices_.erase(id);
  return WriteRow(id, &*before, std::nullopt);
}

absl::StatusOr<std::shared_ptr<const codec::EdgeRow>> TxnImpl::CachedEdgeRow(const EdgeKey& key) {
  const bool tracked = MayBeCommitted(key);
  if (tracked) {
    if (auto it = edges_.find(key); it != edges_.end()) return it->second.row;
    // Not written by this transaction, so its committed row is what the store holds.
    if (context_->edge_row_cache != nullptr) {
      if (std::shared_ptr<const codec::EdgeRow> row = context_->edge_row_cache->Find(key)) {
        edges_[key] = TxnEdge{row, 0, TxnEdge::Origin::kCache};
        return row;
      }
    }
  }
  absl::StatusOr<std::optional<std::string>> bytes =
      txn_->Get(Space::kAdj, layout::OutEdgeKey(key));
  if (!bytes.ok()) return bytes.status();
  std::shared_ptr<codec::EdgeRow> row;
  if (bytes->has_value()) {
    row = std::make_shared<codec::EdgeRow>();
    if (!codec::DecodeEdgeRow(**bytes, row.get())) return CorruptRow("edge", key.ToString());
  }
  // An edge of a vertex this transaction created is read through the write buffer each time:
  // no committed state can hold it, and MENTIONS edges of new documents are most edges.
  if (tracked) {
    edges_[key] = TxnEdge{row, bytes->has_value() ? (*bytes)->size() : 0, TxnEdge::Origin::kStore};
  }
  return row;
}

void TxnImpl::WriteEdgeRow(const EdgeKey& key, std::optional<codec::EdgeRow> row) {
  char out_bytes[layout::kAdjKeyBytes];
  layout::AdjKeyTo(key, Direction::kOut, out_bytes);
  const std::string_view out_key(out_bytes, sizeof(out_bytes));
  if (!row.has_value()) {
    txn_->Delete(Space::kAdj, out_key);
    if (MayBeCommitted(key)) edges_[key] = TxnEdge{nullptr, 0, TxnEdge::Origin::kWritten};
    return;
  }
  std::string bytes = codec::EncodeEdgeRow(*row);
  txn_->Put(Space::kAdj, out_key, bytes);
  if (MayBeCommitted(key)) {
    edges_[key] = TxnEdge{std::make_shared<const codec::EdgeRow>(*std::move(row)), bytes.size(),
                          TxnEdge::Origin::kWritten};
  }
}

bool TxnImpl::EdgeIsKnownAbsent(const EdgeKey& key) const {
  // Ids are never reused, so a vertex this transaction created has exactly the edges this
  // transaction created and did not delete: those in live_edges_.
  return (created_vertices_.contains(key.src) || created_vertices_.contains(key.dst)) &&
         !live_edges_.contains(key);
}

absl::Status TxnImpl::CreateEdge(const EdgeKey& key, const Value& external_id,
                                 const std::vector<PropertyWrite>& properties) {
  codec::EdgeRow row;
  for (const PropertyWrite& p : properties) {
    if (absl::Status s = ValidateProperty(p); !s.ok()) return s;
    ApplyEdgeProperty(&row.properties, p.key, p.value);
  }
  if (!external_id.is_null()) {
    absl::StatusOr<std::optional<EdgeKey>> existing = FindEdgeByExternalId(external_id);
    if (!existing.ok()) return existing.status();
    if (existing->has_value()) {
      return absl::AlreadyExistsError(
          absl::StrCat("an edge with id ", external_id.DebugString(), " already exists"));
    }
    row.external_id = external_id;
    txn_->Put(Space::kKey, layout::EdgeExternalIdKey(external_id), layout::OutEdgeKey(key));
  }
  WriteEdgeRow(key, std::move(row));
  char in_key[layout::kAdjKeyBytes];
  layout::AdjKeyTo(key, Direction::kIn, in_key);
  txn_->Put(Space::kAdj, std::string_view(in_key, sizeof(in_key)), "");
  live_edges_.insert(key);
  CountEdge(key, +1);
  return absl::OkStatus();
}

void TxnImpl::CountEdge(const EdgeKey& key, int64_t delta) {
  using Kind = EdgeCounter::Kind;
  pending_counts_[EdgeCounter{0, key.label, Kind::kLabel}] += delta;
  pending_counts_[EdgeCounter{0, 0, Kind::kTotal}] += delta;
  pending_counts_[EdgeCounter{key.src, key.label, Kind::kOut}] += delta;
  pending_counts_[EdgeCounter{key.dst, key.label, Kind::kIn}] += delta;
}

void TxnImpl::FlushEdgeCounts() {
  for (const auto& [c, delta] : pending_counts_) {
    if (delta == 0) continue;  // as the write buffer: additions summing to zero write nothing
    std::string key;
    switch (c.kind) {
      case EdgeCounter::Kind::kTotal:
        key = layout::TotalEdgesKey();
        break;
      case EdgeCounter::Kind::kLabel:
        key = layout::EdgeCountKey(c.label);
        break;
      case EdgeCounter::Kind::kOut:
        key = layout::DegreeKey(c.vertex, Direction::kOut, c.label);
        break;
      case EdgeCounter::Kind::kIn:
        key = layout::DegreeKey(c.vertex, Direction::kIn, c.label);
        break;
    }
    txn_->AddInt64(Space::kCount, key, delta);
  }
  pending_counts_.clear();
}

absl::StatusOr<int64_t> TxnImpl::CountEdges(std::optional<LabelId> label) {
  FlushEdgeCounts();
  return ReaderImpl<GraphTxn>::CountEdges(label);
}

absl::StatusOr<int64_t> TxnImpl::Degree(VertexId vertex, Direction direction,
                                        std::optional<LabelId> label) {
  FlushEdgeCounts();
  return ReaderImpl<GraphTxn>::Degree(vertex, direction, label);
}

absl::StatusOr<EdgeKey> TxnImpl::AddEdge(VertexId src, std::string_view label, VertexId dst,
                                         const Value& external_id,
                                         const std::vector<PropertyWrite>& properties) {
  if (absl::Status s = RequireVertex(src); !s.ok()) return s;
  if (absl::Status s = RequireVertex(dst); !s.ok()) return s;
  absl::StatusOr<LabelId> lid = InternLabel(label);
  if (!lid.ok()) return lid.status();
  EdgeKey key{src, *lid, dst, AllocateId()};
  if (absl::Status s = CreateEdge(key, external_id, properties); !s.ok()) return s;
  return key;
}

absl::StatusOr<EdgeUpsertResult> TxnImpl::UpsertEdge(VertexId src, std::string_view label,
                                                     VertexId dst, uint64_t rank,
                                                     const std::vector<PropertyWrite>& properties) {
  if (absl::Status s = RequireVertex(src); !s.ok()) return s;
  if (absl::Status s = RequireVertex(dst); !s.ok()) return s;
  absl::StatusOr<LabelId> lid = InternLabel(label);
  if (!lid.ok()) return lid.status();
  EdgeKey key{src, *lid, dst, rank};
  if (EdgeIsKnownAbsent(key)) {  // a new vertex's edge: no read needed
    if (absl::Status s = CreateEdge(key, Value(), properties); !s.ok()) return s;
    return EdgeUpsertResult{key, true};
  }
  absl::StatusOr<std::shared_ptr<const codec::EdgeRow>> existing = CachedEdgeRow(key);
  if (!existing.ok()) return existing.status();
  if (*existing == nullptr) {
    if (absl::Status s = CreateEdge(key, Value(), properties); !s.ok()) return s;
    return EdgeUpsertResult{key, true};
  }
  live_edges_.insert(key);
  if (properties.empty()) return EdgeUpsertResult{key, false};
  codec::EdgeRow row = **existing;
  for (const PropertyWrite& p : properties) {
    if (absl::Status s = ValidateProperty(p); !s.ok()) return s;
    ApplyEdgeProperty(&row.properties, p.key, p.value);
  }
  if (row.properties != (*existing)->properties) WriteEdgeRow(key, std::move(row));
  return EdgeUpsertResult{key, false};
}

absl::Status TxnImpl::SetEdgeProperty(const EdgeKey& key, std::string_view name,
                                      const Value& value) {
  if (absl::Status s = ValidateProperty(PropertyWrite(std::string(name), value)); !s.ok()) return s;
  absl::StatusOr<std::shared_ptr<const codec::EdgeRow>> before = CachedEdgeRow(key);
  if (!before.ok()) return before.status();
  if (*before == nullptr) return NotFoundEdge(key);
  codec::EdgeRow row = **before;
  ApplyEdgeProperty(&row.properties, name, value);
  WriteEdgeRow(key, std::move(row));
  return absl::OkStatus();
}

absl::Status TxnImpl::RemoveEdgeProperty(const EdgeKey& key, std::string_view name) {
  absl::StatusOr<std::shared_ptr<const codec::EdgeRow>> before = CachedEdgeRow(key);
  if (!before.ok()) return before.status();
  if (*before == nullptr) return NotFoundEdge(key);
  codec::EdgeRow row = **before;
  if (std::erase_if(row.properties, [&](const auto& p) { return p.first == name; }) == 0) {
    return absl::OkStatus();
  }
  WriteEdgeRow(key, std::move(row));
  return absl::OkStatus();
}

absl::Status TxnImpl::DeleteEdge(const EdgeKey& key) {
  absl::StatusOr<std::shared_ptr<const codec::EdgeRow>> row = CachedEdgeRow(key);
  if (!row.ok()) return row.status();
  if (*row == nullptr) return NotFoundEdge(key);
  if (!(*row)->external_id.is_null()) {
    txn_->Delete(Space::kKey, layout::EdgeExternalIdKey((*row)->external_id));
  }
  WriteEdgeRow(key, std::nullopt);
  txn_->Delete(Space::kAdj, layout::InEdgeKey(key));
  live_edges_.erase(key);
  CountEdge(key, -1);
  return provenance_.RemoveElement(key);
}

absl::Status TxnImpl::PutDocument(const Document& document) {
  if (document.id.empty()) return absl::InvalidArgumentError("document id is empty");
  for (const std::string* s : {&document.id, &document.title, &document.source,
                               &document.published, &document.container}) {
    if (absl::Status st = ValidateText("document field", *s); !st.ok()) return st;
  }
  absl::StatusOr<std::optional<Document>> existing = GetDocument(document.id);
  if (!existing.ok()) return existing.status();
  last_document_.reset();
  if (!existing->has_value()) {
    txn_->AddInt64(Space::kCount, layout::DocumentCountKey(), +1);
    known_documents_[document.id] = true;
  } else {
    known_documents_.try_emplace(document.id, false);  // keeps "fresh" if it was created here
  }
  txn_->Put(Space::kDoc, layout::DocumentKey(document.id), codec::EncodeDocument(document));
  return absl::OkStatus();
}

absl::StatusOr<bool> TxnImpl::DocumentIsFresh(const std::string& doc_id) {
  // An ingest asks for one document ~50 times in a row (each entity and edge it names).
  if (last_document_.has_value() && last_document_->first == doc_id) return last_document_->second;
  if (auto it = known_documents_.find(doc_id); it != known_documents_.end()) {
    last_document_.emplace(doc_id, it->second);
    return it->second;
  }
  absl::StatusOr<std::optional<Document>> doc = GetDocument(doc_id);
  if (!doc.ok()) return doc.status();
  if (!doc->has_value()) {
    return absl::NotFoundError(absl::StrCat("document '", doc_id, "' does not exist"));
  }
  known_documents_[doc_id] = false;
  return false;
}

absl::Status TxnImpl::RequireElement(const ElementRef& element) {
  if (const VertexId* v = std::get_if<VertexId>(&element)) return RequireVertex(*v);
  const EdgeKey& edge = std::get<EdgeKey>(element);
  if (live_edges_.contains(edge)) return absl::OkStatus();
  absl::StatusOr<std::shared_ptr<const codec::EdgeRow>> row = CachedEdgeRow(edge);
  if (!row.ok()) return row.status();
  if (*row == nullptr) return NotFoundEdge(edge);
  live_edges_.insert(edge);
  return absl::OkStatus();
}

absl::Status TxnImpl::AddEvidence(const ElementRef& element, const Evidence& evidence) {
  absl::StatusOr<bool> fresh = DocumentIsFresh(evidence.doc_id);
  if (!fresh.ok()) return fresh.status();
  if (absl::Status s = RequireElement(element); !s.ok()) return s;
  return provenance_.Add(element, evidence, *fresh);
}

absl::StatusOr<std::vector<Evidence>> TxnImpl::GetEvidence(const ElementRef& element) {
  provenance_.Flush();
  return ReaderImpl<GraphTxn>::GetEvidence(element);
}

std::unique_ptr<Stream<ElementRef>> TxnImpl::ScanSupported(std::string_view doc_id) {
  provenance_.Flush();
  return ReaderImpl<GraphTxn>::ScanSupported(doc_id);
}

absl::StatusOr<RetractReport> TxnImpl::RetractDocument(std::string_view doc_id) {
  absl::StatusOr<std::optional<Document>> doc = GetDocument(doc_id);
  if (!doc.ok()) return doc.status();
  if (!doc->has_value()) {
    return absl::NotFoundError(absl::StrCat("document '", Sv(doc_id), "' does not exist"));
  }
  known_documents_.erase(std::string(doc_id));
  last_document_.reset();
  absl::StatusOr<std::vector<ElementRef>> supported =
      provenance_.RemoveDocument(std::string(doc_id));
  if (!supported.ok()) return supported.status();
  // Edges first: deleting a vertex deletes its edges, which must not be counted twice.
  std::stable_partition(supported->begin(), supported->end(),
                        [](const ElementRef& e) { return std::holds_alternative<EdgeKey>(e); });
  RetractReport report;
  for (const ElementRef& e : *supported) {
    absl::StatusOr<bool> still_supported = provenance_.IsSupported(e);
    if (!still_supported.ok()) return still_supported.status();
    bool is_edge = std::holds_alternative<EdgeKey>(e);
    if (*still_supported) {
      ++(is_edge ? report.edges_kept : report.vertices_kept);
      continue;
    }
    if (is_edge) {
      absl::StatusOr<std::shared_ptr<const codec::EdgeRow>> row =
          CachedEdgeRow(std::get<EdgeKey>(e));
      if (!row.ok()) return row.status();
      if (*row == nullptr) continue;
      if (absl::Status s = DeleteEdge(std::get<EdgeKey>(e)); !s.ok()) return s;
      ++report.edges_removed;
    } else {
      if (absl::Status s = DeleteVertex(std::get<VertexId>(e)); !s.ok()) return s;
      ++report.vertices_removed;
    }
  }
  txn_->Delete(Space::kDoc, layout::DocumentKey(doc_id));
  txn_->AddInt64(Space::kCount, layout::DocumentCountKey(), -1);
  return report;
}

absl::Status TxnImpl::DeclareIndex(const IndexSpec& spec) {
  if (spec.label.empty() || spec.key.empty()) {
    return absl::InvalidArgumentError("an index needs a label and a property key");
  }
  if (spec.type != Value::Type::kInt64 && spec.type != Value::Type::kDouble &&
      spec.type != Value::Type::kString && spec.type != Value::Type::kTimestamp) {
    return absl::InvalidArgumentError(absl::StrCat(
        "index type must be int64, double, string or timestamp, not ", Value::TypeName(spec.type)));
  }
  for (const IndexDef& d : IndexDefs()) {
    if (d.spec.label != spec.label || d.spec.key != spec.key) continue;
    if (d.spec.type == spec.type) return absl::OkStatus();
    return absl::AlreadyExistsError(absl::StrCat("an index on ", spec.label, ".", spec.key,
                                                 " already exists with type ",
                                                 Value::TypeName(d.spec.type)));
  }
  IndexDef def{catalog_->next_index() + static_cast<uint32_t>(context_->delta.indexes.size()), spec};
  txn_->Put(Space::kMeta, layout::IndexDefKey(def.id), codec::EncodeIndexSpec(spec));
  context_->delta.indexes.push_back(def);
  std::optional<LabelId> lid = FindLabel(spec.label);
  if (!lid) return absl::OkStatus();
  std::vector<VertexId> ids;
  {
    std::unique_ptr<VertexIdStream> s = ScanVerticesWithLabel(*lid);
    for (VertexId id; s->Next(&id);) ids.push_back(id);
    if (!s->status().ok()) return s->status();
  }
  for (VertexId id : ids) {
    absl::StatusOr<codec::VertexRow> row = LoadExistingRow(id);
    if (!row.ok()) return row.status();
    absl::StatusOr<std::set<std::string>> entries = IndexEntries(id, *row);
    if (!entries.ok()) return entries.status();
    std::string prefix = layout::PropertyIndexPrefix(def.id);
    for (const std::string& k : *entries) {
      if (k.compare(0, prefix.size(), prefix) == 0) txn_->Put(Space::kIndex, k, "");
    }
  }
  return absl::OkStatus();
}

void TxnImpl::Finish() {
  FlushEdgeCounts();
  provenance_.Flush();
  context_->row_updates.clear();
  for (auto& [id, r] : rows_) {
    if (r.publish) {
      context_->row_updates.push_back(RowUpdate{id, std::move(r.row), r.encoded_bytes});
    }
  }
  rows_.clear();
  context_->edge_updates.clear();
  for (auto& [key, e] : edges_) {
    // Read from the store (and there) or written here; a cached row is already the cache's.
    if (e.origin == TxnEdge::Origin::kCache || (e.origin == TxnEdge::Origin::kStore && !e.row)) {
      continue;
    }
    context_->edge_updates.push_back(EdgeRowUpdate{key, std::move(e.row), e.encoded_bytes});
  }
  edges_.clear();
  if (context_->next_id == first_id_) return;
  txn_->Put(Space::kMeta, layout::kNextIdKey, kv::EncodeCounter(static_cast<int64_t>(context_->next_id)));
}

}  // namespace kg::graph
