#include "graph/provenance_buffer.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "graph/layout.h"
#include "graph/reader_impl.h"

namespace kg::graph {
namespace {

using kv::Space;

codec::EdgeTail TailOf(const EdgeKey& e) { return codec::EdgeTail{e.label, e.dst, e.rank}; }

// The evidence list of `element` inside its owner's row (created empty if absent).
std::vector<codec::EvidenceRef>& ListIn(codec::ProvRow& row, const ElementRef& element) {
  if (const EdgeKey* e = std::get_if<EdgeKey>(&element)) return row.edges[TailOf(*e)];
  return row.vertex;
}

bool RowSupports(const codec::ProvRow& row, const ElementRef& element) {
  if (const EdgeKey* e = std::get_if<EdgeKey>(&element)) return row.edges.contains(TailOf(*e));
  return !row.vertex.empty();
}

// Removes `element`'s evidence from `row`; whether it had any.
bool RemoveFromRow(codec::ProvRow& row, const ElementRef& element) {
  if (const EdgeKey* e = std::get_if<EdgeKey>(&element)) return row.edges.erase(TailOf(*e)) > 0;
  bool had = !row.vertex.empty();
  row.vertex.clear();
  return had;
}

}  // namespace

absl::StatusOr<ProvenanceBuffer::Row*> ProvenanceBuffer::LoadRow(VertexId owner,
                                                                 const std::string& doc_id,
                                                                 bool fresh_document) {
  std::string key = layout::ProvRowKey(owner, doc_id);
  auto [it, inserted] = rows_.try_emplace(std::move(key));
  it->second.key = &it->first;
  if (!inserted || fresh_document) return &it->second;  // a fresh document has nothing stored
  absl::StatusOr<std::optional<std::string>> bytes = txn_->Get(Space::kProv, it->first);
  if (!bytes.ok() || (bytes->has_value() && !codec::DecodeProvRow(**bytes, &it->second.row))) {
    rows_.erase(it);
    return bytes.ok() ? CorruptRow("evidence of document", doc_id) : bytes.status();
  }
  return &it->second;
}

absl::StatusOr<ProvenanceBuffer::ElementList*> ProvenanceBuffer::LoadElements(
    const std::string& doc_id, bool fresh_document) {
  auto [it, inserted] = elements_.try_emplace(doc_id);
  if (!inserted || fresh_document) return &it->second;
  absl::StatusOr<std::optional<std::string>> bytes =
      txn_->Get(Space::kProv, layout::DocElementsKey(doc_id));
  std::vector<ElementRef> elements;
  if (!bytes.ok() || (bytes->has_value() && !layout::DecodeElementList(**bytes, &elements))) {
    elements_.erase(it);
    return bytes.ok() ? CorruptRow("element list of document", doc_id) : bytes.status();
  }
  for (const ElementRef& e : elements) it->second.Insert(e);
  return &it->second;
}

const std::vector<ProvenanceBuffer::ElementKey>& ProvenanceBuffer::ElementList::Sorted() {
  if (!sorted_) {
    std::sort(keys_.begin(), keys_.end());
    keys_.erase(std::unique(keys_.begin(), keys_.end()), keys_.end());
    sorted_ = true;
  }
  return keys_;
}

void ProvenanceBuffer::ElementList::Erase(const ElementRef& element) {
  const std::vector<ElementKey>& sorted = Sorted();
  const ElementKey key(element);
  auto it = std::lower_bound(sorted.begin(), sorted.end(), key);
  if (it != sorted.end() && *it == key) keys_.erase(keys_.begin() + (it - sorted.begin()));
}

uint32_t ProvenanceBuffer::Strings::Intern(std::string_view s) {
  if (auto it = index.find(s); it != index.end()) return it->second;
  const uint32_t i = static_cast<uint32_t>(strings.size());
  strings.emplace_back(s);
  index.emplace(strings.back(), i);
  dirty = true;
  return i;
}

void ProvenanceBuffer::Strings::Clear() {
  index.clear();
  strings.clear();
  dirty = true;
}

absl::StatusOr<ProvenanceBuffer::Strings*> ProvenanceBuffer::LoadStrings(const std::string& doc_id,
                                                                         bool fresh_document) {
  auto [it, inserted] = strings_.try_emplace(doc_id);
  if (!inserted || fresh_document) return &it->second;
  absl::StatusOr<std::vector<std::string>> stored = ReadDocStrings(*txn_, doc_id);
  if (!stored.ok()) {
    strings_.erase(it);
    return stored.status();
  }
  Strings& s = it->second;
  for (std::string& str : *stored) {
    const uint32_t i = static_cast<uint32_t>(s.strings.size());
    s.strings.push_back(std::move(str));
    s.index.emplace(s.strings.back(), i);  // a duplicate keeps its first index
  }
  return &s;
}

void ProvenanceBuffer::MarkDirty(Row* row) {
  if (row->dirty) return;
  row->dirty = true;
  dirty_rows_.push_back(row);
}

ProvenanceBuffer::LastDocument& ProvenanceBuffer::LastDocumentFor(const std::string& doc_id) {
  if (last_.doc_id != doc_id) {
    ForgetLastDocument();
    last_.doc_id = doc_id;
  }
  return last_;
}

absl::Status ProvenanceBuffer::Add(const ElementRef& element, const Evidence& evidence,
                                   bool fresh_document) {
  const VertexId owner = layout::ProvOwner(element);
  LastDocument& doc = LastDocumentFor(evidence.doc_id);
  Row* row = nullptr;
  if (auto it = doc.rows.find(owner); it != doc.rows.end()) {
    row = it->second;
  } else {
    absl::StatusOr<Row*> loaded = LoadRow(owner, evidence.doc_id, fresh_document);
    if (!loaded.ok()) return loaded.status();
    row = doc.rows.emplace(owner, *loaded).first->second;
  }
  if (doc.strings == nullptr) {
    absl::StatusOr<Strings*> strings = LoadStrings(evidence.doc_id, fresh_document);
    if (!strings.ok()) return strings.status();
    doc.strings = *strings;
  }
  Strings& strings = *doc.strings;
  const bool had_strings = strings.dirty;
  if (!doc.last_sentence.has_value() || *doc.last_sentence >= strings.strings.size() ||
      strings.strings[*doc.last_sentence] != evidence.sentence) {
    doc.last_sentence = strings.Intern(evidence.sentence);
  }
  codec::EvidenceRef ref{evidence.begin, evidence.end, *doc.last_sentence,
                         strings.Intern(evidence.rule), evidence.confidence};
  if (strings.dirty && !had_strings) dirty_strings_.push_back(evidence.doc_id);
  std::vector<codec::EvidenceRef>& list = ListIn(row->row, element);
  if (std::find(list.begin(), list.end(), ref) != list.end()) return absl::OkStatus();
  list.push_back(ref);
  MarkDirty(row);
  if (list.size() > 1) return absl::OkStatus();  // the document already lists the element
  if (doc.elements == nullptr) {
    absl::StatusOr<ElementList*> elements = LoadElements(evidence.doc_id, fresh_document);
    if (!elements.ok()) return elements.status();
    doc.elements = *elements;
  }
  doc.elements->Insert(element);
  if (!doc.elements->dirty) {
    doc.elements->dirty = true;
    dirty_documents_.push_back(evidence.doc_id);
  }
  return absl::OkStatus();
}

void ProvenanceBuffer::ClearDocument(const std::string& doc_id, ElementList* list) {
  list->Clear();
  if (!list->dirty) {
    list->dirty = true;
    dirty_documents_.push_back(doc_id);
  }
  Strings& strings = strings_[doc_id];  // no read: whatever is stored goes
  const bool was_dirty = strings.dirty;
  strings.Clear();
  if (!was_dirty) dirty_strings_.push_back(doc_id);
}

absl::StatusOr<std::vector<ElementRef>> ProvenanceBuffer::RemoveDocument(
    const std::string& doc_id) {
  ForgetLastDocument();  // rare; the next Add finds the document's entries again
  absl::StatusOr<ElementList*> list = LoadElements(doc_id, false);
  if (!list.ok()) return list.status();
  std::vector<ElementRef> named;
  for (const ElementKey& key : (*list)->Sorted()) {
    std::string_view in = key.bytes();
    ElementRef e;
    if (!layout::DecodeElement(&in, &e)) return CorruptRow("element list of document", doc_id);
    named.push_back(e);
  }
  // Every evidence of the document is in the rows of the elements it lists (Verify checks it).
  for (const ElementRef& e : named) {
    absl::StatusOr<Row*> row = LoadRow(layout::ProvOwner(e), doc_id, false);
    if (!row.ok()) return row.status();
    if ((*row)->row.empty()) continue;
    (*row)->row = codec::ProvRow();
    MarkDirty(*row);
  }
  ClearDocument(doc_id, *list);
  return named;
}

absl::StatusOr<std::vector<std::string>> ReadDocStrings(kv::ReadView& view,
                                                        std::string_view doc_id) {
  absl::StatusOr<std::optional<std::string>> bytes =
      view.Get(Space::kProv, layout::DocStringsKey(doc_id));
  if (!bytes.ok()) return bytes.status();
  std::vector<std::string> strings;
  if (bytes->has_value() && !codec::DecodeStringTable(**bytes, &strings)) {
    return CorruptRow("string table of document", doc_id);
  }
  return strings;
}

absl::StatusOr<ProvRows> ReadProvRows(kv::ReadView& view, VertexId owner) {
  std::string prefix = layout::ProvRowPrefix(owner);
  std::unique_ptr<kv::Cursor> c = view.Scan(Space::kProv, prefix, codec::PrefixSuccessor(prefix));
  ProvRows rows;
  std::string_view k, v;
  while (c->Next(&k, &v)) {
    VertexId id;
    std::string doc_id;
    codec::ProvRow row;
    if (!layout::DecodeProvRowKey(k, &id, &doc_id) || !codec::DecodeProvRow(v, &row)) {
      return CorruptRow("provenance of vertex", absl::StrCat(owner));
    }
    rows.emplace_back(std::move(doc_id), std::move(row));
  }
  if (!c->status().ok()) return c->status();
  return rows;
}

absl::StatusOr<ProvRows> ProvenanceBuffer::RowsOf(VertexId owner) {
  Flush();
  return ReadProvRows(*txn_, owner);
}

absl::Status ProvenanceBuffer::RemoveElement(const ElementRef& element) {
  ForgetLastDocument();
  const VertexId owner = layout::ProvOwner(element);
  absl::StatusOr<ProvRows> rows = RowsOf(owner);
  if (!rows.ok()) return rows.status();
  for (const auto& [doc_id, stored] : *rows) {
    if (!RowSupports(stored, element)) continue;
    absl::StatusOr<Row*> row = LoadRow(owner, doc_id, false);
    if (!row.ok()) return row.status();
    RemoveFromRow((*row)->row, element);
    MarkDirty(*row);
    absl::StatusOr<ElementList*> list = LoadElements(doc_id, false);
    if (!list.ok()) return list.status();
    (*list)->Erase(element);
    if ((*list)->empty()) {
      ClearDocument(doc_id, *list);  // its last element: the string table goes too
    } else if (!(*list)->dirty) {
      (*list)->dirty = true;
      dirty_documents_.push_back(doc_id);
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> ProvenanceBuffer::IsSupported(const ElementRef& element) {
  absl::StatusOr<ProvRows> rows = RowsOf(layout::ProvOwner(element));
  if (!rows.ok()) return rows.status();
  return std::any_of(rows->begin(), rows->end(),
                     [&](const auto& r) { return RowSupports(r.second, element); });
}

void ProvenanceBuffer::Flush() {
  for (Row* r : dirty_rows_) {
    r->dirty = false;
    if (r->row.empty()) {
      txn_->Delete(Space::kProv, *r->key);
    } else {
      txn_->Put(Space::kProv, *r->key, codec::EncodeProvRow(r->row));
    }
  }
  dirty_rows_.clear();
  for (const std::string& doc_id : dirty_documents_) {
    ElementList& list = elements_.at(doc_id);
    list.dirty = false;
    std::string key = layout::DocElementsKey(doc_id);
    if (list.empty()) {
      txn_->Delete(Space::kProv, key);
      continue;
    }
    std::string bytes;
    const std::vector<ElementKey>& sorted = list.Sorted();
    bytes.reserve(sorted.size() * layout::kMaxElementBytes);
    for (const ElementKey& e : sorted) bytes.append(e.bytes());
    txn_->Put(Space::kProv, key, bytes);
  }
  dirty_documents_.clear();
  for (const std::string& doc_id : dirty_strings_) {
    Strings& s = strings_.at(doc_id);
    s.dirty = false;
    std::string key = layout::DocStringsKey(doc_id);
    if (s.strings.empty()) {
      txn_->Delete(Space::kProv, key);
    } else {
      txn_->Put(Space::kProv, key, codec::EncodeStringTable(s.strings));
    }
  }
  dirty_strings_.clear();
}

}  // namespace kg::graph
