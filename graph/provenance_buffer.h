// A transaction's provenance: the rows (prov 01 vertex doc), document element lists (prov 02
// doc) and string tables (prov 03 doc) it reads and changes, kept decoded until the transaction
// ends, so that a document's evidence costs one row per vertex it names, one element list and
// one string table, each encoded and written once. Internal to graph/ (see layout.h).
#ifndef KG_GRAPH_PROVENANCE_BUFFER_H_
#define KG_GRAPH_PROVENANCE_BUFFER_H_

#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/node_hash_map.h"
#include "absl/status/statusor.h"
#include "graph/absl_compat.h"
#include "graph/codec.h"
#include "graph/kv/kv.h"
#include "graph/layout.h"
#include "graph/types.h"

namespace kg::graph {

// The provenance rows of `owner` (layout.h: one per document, in key order), decoded.
using ProvRows = std::vector<std::pair<std::string, codec::ProvRow>>;
absl::StatusOr<ProvRows> ReadProvRows(kv::ReadView& view, VertexId owner);
// The string table of `doc_id` (empty when it has none).
absl::StatusOr<std::vector<std::string>> ReadDocStrings(kv::ReadView& view,
                                                        std::string_view doc_id);

class ProvenanceBuffer {
 public:
  explicit ProvenanceBuffer(kv::Txn* txn) : txn_(txn) {}

  // Records `evidence` for `element` (unless already recorded). `fresh_document`: the document
  // has nothing stored, so nothing needs to be read.
  absl::Status Add(const ElementRef& element, const Evidence& evidence, bool fresh_document);
  // Removes every evidence `doc_id` gives and its element list; returns the elements it named.
  absl::StatusOr<std::vector<ElementRef>> RemoveDocument(const std::string& doc_id);
  // Removes `element`'s evidence from every document (the element is being deleted).
  absl::Status RemoveElement(const ElementRef& element);
  // Whether some document still gives evidence for `element`.
  absl::StatusOr<bool> IsSupported(const ElementRef& element);
  // Writes what changed into the transaction; reads of the prov space must come after it.
  void Flush();

 private:
  struct Row {
    codec::ProvRow row;
    bool dirty = false;
    const std::string* key = nullptr;  // its key in rows_
  };
  // An element's layout::ElementBytes held inline: a document's list takes one insert per
  // element it names, and a string of 29 bytes per edge was an allocation each.
  class ElementKey {
   public:
    explicit ElementKey(const ElementRef& element)
        : size_(static_cast<uint8_t>(layout::ElementBytesTo(element, bytes_))) {}
    std::string_view bytes() const { return std::string_view(bytes_, size_); }
    friend bool operator<(const ElementKey& a, const ElementKey& b) {
      return a.bytes() < b.bytes();
    }
    friend bool operator==(const ElementKey& a, const ElementKey& b) {
      return a.bytes() == b.bytes();
    }

   private:
    char bytes_[layout::kMaxElementBytes];
    uint8_t size_;
  };
  // A document's element list. Elements are appended as evidence names them and put in byte
  // order (each once) only when the list is read or written: a document names ~50 elements,
  // and a sort of the list costs a fraction of ~50 inserts into an ordered tree.
  class ElementList {
   public:
    void Insert(const ElementRef& element) {
      keys_.emplace_back(element);
      sorted_ = keys_.size() == 1;
    }
    void Erase(const ElementRef& element);
    void Clear() {
      keys_.clear();
      sorted_ = true;
    }
    bool empty() const { return keys_.empty(); }
    // The elements in byte order, each once.
    const std::vector<ElementKey>& Sorted();

    bool dirty = false;

   private:
    std::vector<ElementKey> keys_;
    bool sorted_ = true;
  };
  // A document's string table, with each string's index.
  struct Strings {
    std::deque<std::string> strings;  // a deque: `index` points into its strings
    absl::flat_hash_map<std::string_view, uint32_t, StringViewHash> index;
    bool dirty = false;
    uint32_t Intern(std::string_view s);
    void Clear();
  };
  absl::StatusOr<Row*> LoadRow(VertexId owner, const std::string& doc_id, bool fresh_document);
  absl::StatusOr<ElementList*> LoadElements(const std::string& doc_id, bool fresh_document);
  absl::StatusOr<Strings*> LoadStrings(const std::string& doc_id, bool fresh_document);
  // Empties the document's string table (without reading it) and its element list.
  void ClearDocument(const std::string& doc_id, ElementList* list);
  void MarkDirty(Row* row);
  // The documents with a row for `owner`, decoded, as the transaction sees them.
  absl::StatusOr<ProvRows> RowsOf(VertexId owner);

  // What Add found for the document it was last called with: an ingest adds every evidence of
  // one document in a row, so the rows, list and table are found by vertex id alone, without
  // building and hashing a key per call. Points into rows_, elements_ and strings_, whose
  // entries never move and are never erased once loaded.
  struct LastDocument {
    std::string doc_id;
    absl::flat_hash_map<VertexId, Row*> rows;
    Strings* strings = nullptr;
    ElementList* elements = nullptr;
    // The index of the last sentence interned: an entity's evidence and its MENTIONS edge's
    // share their line, so the second is a comparison instead of a hash of the line.
    std::optional<uint32_t> last_sentence;
  };
  LastDocument& LastDocumentFor(const std::string& doc_id);
  void ForgetLastDocument() { last_ = LastDocument(); }

  kv::Txn* txn_;
  absl::node_hash_map<std::string, Row> rows_;              // by ProvRowKey
  absl::node_hash_map<std::string, ElementList> elements_;  // by document id
  absl::node_hash_map<std::string, Strings> strings_;       // by document id
  std::vector<Row*> dirty_rows_;                            // rows_ changed since Flush
  std::vector<std::string> dirty_documents_;                // keys of elements_ changed
  std::vector<std::string> dirty_strings_;                  // keys of strings_ changed
  LastDocument last_;
};

}  // namespace kg::graph

#endif  // KG_GRAPH_PROVENANCE_BUFFER_H_
