// Byte encodings of graph/'s keys and values. Internal to graph/ (and its tests and bulk loader);
// graph/README.md shows the layout these build.
//
// Keys must sort as the values they encode, byte by byte, on every engine (no custom comparator):
//  - unsigned ids are fixed-width big-endian;
//  - signed integers and timestamps flip the sign bit, then big-endian;
//  - doubles: IEEE bits, all flipped for negatives, sign bit flipped for positives (-0.0 is 0.0,
//    every NaN sorts after +infinity);
//  - strings are escaped as in FoundationDB's tuple layer (0x00 becomes 0x00 0xFF) and end with
//    one 0x00, so "ab" < "ab\0" < "abc" still holds and a prefix scan uses the escaped prefix
//    without the terminator.
// Row values (vertex rows, edge properties, documents, evidence) use a compact tagged format that
// need not sort: tag byte, then little-endian or varint payload.
#ifndef KG_GRAPH_CODEC_H_
#define KG_GRAPH_CODEC_H_

#include <cstdint>
#include <string>
#include <map>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "graph/graph.h"
#include "graph/types.h"
#include "graph/value.h"

namespace kg::graph::codec {

// --- ordered primitives ------------------------------------------------------------------------
void PutU8(std::string* out, uint8_t v);
void PutU32BE(std::string* out, uint32_t v);
void PutU64BE(std::string* out, uint64_t v);
void PutI64Ordered(std::string* out, int64_t v);
void PutDoubleOrdered(std::string* out, double v);
void PutEscapedString(std::string* out, std::string_view s);  // with terminator
void PutEscapedPrefix(std::string* out, std::string_view s);  // without terminator

// Readers advance *in past what they consume; false when the input is too short or malformed.
bool GetU8(std::string_view* in, uint8_t* v);
bool GetU32BE(std::string_view* in, uint32_t* v);
bool GetU64BE(std::string_view* in, uint64_t* v);
bool GetI64Ordered(std::string_view* in, int64_t* v);
bool GetDoubleOrdered(std::string_view* in, double* v);
bool GetEscapedString(std::string_view* in, std::string* s);

// The smallest key greater than every key starting with `prefix` ("" when there is none).
std::string PrefixSuccessor(std::string_view prefix);

// Order-preserving encoding of `value` as the index type `type` (kInt64, kDouble, kString,
// kTimestamp). Integers and floats convert to the numeric index types; anything else is
// INVALID_ARGUMENT.
absl::StatusOr<std::string> EncodeIndexValue(const Value& value, Value::Type type);

// --- row values --------------------------------------------------------------------------------
void PutVarint(std::string* out, uint64_t v);
bool GetVarint(std::string_view* in, uint64_t* v);
void PutLengthPrefixed(std::string* out, std::string_view s);
bool GetLengthPrefixed(std::string_view* in, std::string* s);

void PutValue(std::string* out, const Value& value);
bool GetValue(std::string_view* in, Value* value);

// A vertex row: labels as ids, key, external id, properties, then, only when some property has a
// user-supplied id, a trailer of one id value per property (null for none). Rows without the
// trailer (all rows written before it existed) decode with null ids.
struct VertexRow {
  std::vector<LabelId> labels;
  std::string key;
  Value external_id;
  std::vector<VertexProperty> properties;
};
std::string EncodeVertexRow(const VertexRow& row);
bool DecodeVertexRow(std::string_view in, VertexRow* row);

// The value of an out-edge key.
struct EdgeRow {
  Value external_id;
  std::vector<std::pair<std::string, Value>> properties;
};
std::string EncodeEdgeRow(const EdgeRow& row);
bool DecodeEdgeRow(std::string_view in, EdgeRow* row);

std::string EncodeDocument(const Document& doc);
bool DecodeDocument(std::string_view in, Document* doc);

// A provenance row (prov 01 vertex doc): what one document says about one vertex and about the
// edges out of it, so that an edge's provenance costs no key of its own. An evidence names its
// sentence and rule by their index in the document's string table (prov 03 doc), which holds
// each distinct one once: a line that names ten entities is stored once, not twenty times (each
// entity's evidence and its MENTIONS edge's). The document id is the key's.
struct EvidenceRef {
  uint32_t begin = 0;  // byte offsets in the document's text
  uint32_t end = 0;
  uint32_t sentence = 0;  // string table indexes
  uint32_t rule = 0;
  double confidence = 1.0;
  friend bool operator==(const EvidenceRef&, const EvidenceRef&) = default;
};
struct EdgeTail {
  LabelId label = 0;
  VertexId dst = 0;
  uint64_t rank = 0;
  friend auto operator<=>(const EdgeTail&, const EdgeTail&) = default;
};
struct ProvRow {
  std::vector<EvidenceRef> vertex;  // about the vertex itself, in the order recorded
  std::map<EdgeTail, std::vector<EvidenceRef>> edges;  // about its out-edges
  bool empty() const { return vertex.empty() && edges.empty(); }
};
std::string EncodeProvRow(const ProvRow& row);
bool DecodeProvRow(std::string_view in, ProvRow* row);
// The highest string table index `row` uses, or -1 when it uses none.
int64_t MaxStringIndex(const ProvRow& row);

// A document's string table (prov 03 doc): the sentences and rule ids its evidence names.
template <typename Strings>  // any sized container of std::string
std::string EncodeStringTable(const Strings& strings) {
  std::string out;
  PutVarint(&out, strings.size());
  for (const std::string& s : strings) PutLengthPrefixed(&out, s);
  return out;
}
bool DecodeStringTable(std::string_view in, std::vector<std::string>* strings);
// `ref` as an Evidence of `doc_id`; false when an index is outside `strings`.
bool ExpandEvidence(const EvidenceRef& ref, std::string_view doc_id,
                    const std::vector<std::string>& strings, Evidence* out);

std::string EncodeIndexSpec(const IndexSpec& spec);
bool DecodeIndexSpec(std::string_view in, IndexSpec* spec);

}  // namespace kg::graph::codec

#endif  // KG_GRAPH_CODEC_H_
