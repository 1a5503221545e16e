#include "graph/codec.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "graph/graph.h"

namespace kg::graph::codec {
namespace {

enum ValueTag : uint8_t {
  kTagNull = 0,
  kTagFalse = 1,
  kTagTrue = 2,
  kTagInt32 = 3,
  kTagInt64 = 4,
  kTagFloat = 5,
  kTagDouble = 6,
  kTagString = 7,
  kTagTimestamp = 8,
  kTagList = 9,
  kTagMap = 10,
};

// Values nest (lists of lists); a corrupt row must not recurse without bound.
constexpr int kMaxValueDepth = 64;

template <typename T>
void PutFixedLE(std::string* out, T v) {
  char buf[sizeof(T)];
  std::memcpy(buf, &v, sizeof(T));  // x86-64 and aarch64 are little-endian
  out->append(buf, sizeof(T));
}

template <typename T>
bool GetFixedLE(std::string_view* in, T* v) {
  if (in->size() < sizeof(T)) return false;
  std::memcpy(v, in->data(), sizeof(T));
  in->remove_prefix(sizeof(T));
  return true;
}

bool GetValueAtDepth(std::string_view* in, Value* value, int depth);

}  // namespace

void PutU8(std::string* out, uint8_t v) { out->push_back(static_cast<char>(v)); }

// The fixed-width and varint writers fill a local buffer and append it once: keys are built
// from several of them per write, and a push_back per byte checks capacity each time.
void PutU32BE(std::string* out, uint32_t v) {
  char b[4];
  for (int i = 0; i < 4; ++i) b[i] = static_cast<char>(v >> (24 - 8 * i));
  out->append(b, sizeof b);
}

void PutU64BE(std::string* out, uint64_t v) {
  char b[8];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<char>(v >> (56 - 8 * i));
  out->append(b, sizeof b);
}

void PutI64Ordered(std::string* out, int64_t v) {
  PutU64BE(out, static_cast<uint64_t>(v) ^ (uint64_t{1} << 63));
}

void PutDoubleOrdered(std::string* out, double v) {
  if (v == 0) v = 0;  // -0.0 and 0.0 are one key
  uint64_t bits;
  if (std::isnan(v)) {
    bits = ~uint64_t{0};  // after +infinity
  } else {
    std::memcpy(&bits, &v, sizeof(bits));
    bits = (bits >> 63) ? ~bits : bits | (uint64_t{1} << 63);
  }
  PutU64BE(out, bits);
}

void PutEscapedPrefix(std::string* out, std::string_view s) {
  // Runs without a NUL are copied whole; each NUL becomes NUL 0xFF.
  for (size_t nul; (nul = s.find('\0')) != std::string_view::npos; s.remove_prefix(nul + 1)) {
    out->append(s.data(), nul);
    out->push_back('\0');
    out->push_back(static_cast<char>(0xFF));
  }
  out->append(s.data(), s.size());
}

void PutEscapedString(std::string* out, std::string_view s) {
  PutEscapedPrefix(out, s);
  out->push_back('\0');
}

bool GetU8(std::string_view* in, uint8_t* v) {
  if (in->empty()) return false;
  *v = static_cast<uint8_t>((*in)[0]);
  in->remove_prefix(1);
  return true;
}

bool GetU32BE(std::string_view* in, uint32_t* v) {
  if (in->size() < 4) return false;
  uint32_t r = 0;
  for (int i = 0; i < 4; ++i) r = (r << 8) | static_cast<uint8_t>((*in)[i]);
  *v = r;
  in->remove_prefix(4);
  return true;
}

bool GetU64BE(std::string_view* in, uint64_t* v) {
  if (in->size() < 8) return false;
  uint64_t r = 0;
  for (int i = 0; i < 8; ++i) r = (r << 8) | static_cast<uint8_t>((*in)[i]);
  *v = r;
  in->remove_prefix(8);
  return true;
}

bool GetI64Ordered(std::string_view* in, int64_t* v) {
  uint64_t u;
  if (!GetU64BE(in, &u)) return false;
  *v = static_cast<int64_t>(u ^ (uint64_t{1} << 63));
  return true;
}

bool GetDoubleOrdered(std::string_view* in, double* v) {
  uint64_t bits;
  if (!GetU64BE(in, &bits)) return false;
  if (bits == ~uint64_t{0}) {
    *v = std::nan("");
    return true;
  }
  bits = (bits >> 63) ? bits & ~(uint64_t{1} << 63) : ~bits;
  std::memcpy(v, &bits, sizeof(bits));
  return true;
}

bool GetEscapedString(std::string_view* in, std::string* s) {
  s->clear();
  for (size_t i = 0; i < in->size(); ++i) {
    char c = (*in)[i];
    if (c != '\0') {
      s->push_back(c);
      continue;
    }
    if (i + 1 < in->size() && static_cast<uint8_t>((*in)[i + 1]) == 0xFF) {
      s->push_back('\0');
      ++i;
      continue;
    }
    in->remove_prefix(i + 1);
    return true;
  }
  return false;  // no terminator
}

std::string PrefixSuccessor(std::string_view prefix) {
  std::string s(prefix);
  while (!s.empty()) {
    if (static_cast<uint8_t>(s.back()) != 0xFF) {
      s.back() = static_cast<char>(static_cast<uint8_t>(s.back()) + 1);
      return s;
    }
    s.pop_back();
  }
  return s;
}

absl::StatusOr<std::string> EncodeIndexValue(const Value& value, Value::Type type) {
  std::string out;
  switch (type) {
    case Value::Type::kInt64:
      if (!value.is_integer()) break;
      PutI64Ordered(&out, value.ToInt64());
      return out;
    case Value::Type::kDouble:
      if (!value.is_number()) break;
      PutDoubleOrdered(&out, value.ToDouble());
      return out;
    case Value::Type::kTimestamp:
      if (value.is_timestamp()) {
        PutI64Ordered(&out, value.as_timestamp().micros);
        return out;
      }
      break;
    case Value::Type::kString:
      if (!value.is_string()) break;
      PutEscapedString(&out, value.as_string());
      return out;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("index type ", Value::TypeName(type), " is not indexable"));
  }
  return absl::InvalidArgumentError(absl::StrCat("value ", value.DebugString(),
                                                 " does not convert to index type ",
                                                 Value::TypeName(type)));
}

void PutVarint(std::string* out, uint64_t v) {
  char b[10];
  size_t n = 0;
  while (v >= 0x80) {
    b[n++] = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  b[n++] = static_cast<char>(v);
  out->append(b, n);
}

bool GetVarint(std::string_view* in, uint64_t* v) {
  uint64_t result = 0;
  for (int shift = 0; shift <= 63 && !in->empty(); shift += 7) {
    uint8_t byte = static_cast<uint8_t>((*in)[0]);
    in->remove_prefix(1);
    result |= uint64_t{byte & 0x7Fu} << shift;
    if (!(byte & 0x80)) {
      *v = result;
      return true;
    }
  }
  return false;
}

void PutLengthPrefixed(std::string* out, std::string_view s) {
  PutVarint(out, s.size());
  out->append(s);
}

bool GetLengthPrefixed(std::string_view* in, std::string* s) {
  uint64_t n;
  if (!GetVarint(in, &n) || n > in->size()) return false;
  s->assign(in->data(), n);
  in->remove_prefix(n);
  return true;
}

void PutValue(std::string* out, const Value& value) {
  switch (value.type()) {
    case Value::Type::kNull:
      PutU8(out, kTagNull);
      return;
    case Value::Type::kBool:
      PutU8(out, value.as_bool() ? kTagTrue : kTagFalse);
      return;
    case Value::Type::kInt32:
      PutU8(out, kTagInt32);
      PutFixedLE(out, value.as_int32());
      return;
    case Value::Type::kInt64:
      PutU8(out, kTagInt64);
      PutFixedLE(out, value.as_int64());
      return;
    case Value::Type::kFloat:
      PutU8(out, kTagFloat);
      PutFixedLE(out, value.as_float());
      return;
    case Value::Type::kDouble:
      PutU8(out, kTagDouble);
      PutFixedLE(out, value.as_double());
      return;
    case Value::Type::kString:
      PutU8(out, kTagString);
      PutLengthPrefixed(out, value.as_string());
      return;
    case Value::Type::kTimestamp:
      PutU8(out, kTagTimestamp);
      PutFixedLE(out, value.as_timestamp().micros);
      return;
    case Value::Type::kList:
      PutU8(out, kTagList);
      PutVarint(out, value.as_list().size());
      for (const Value& v : value.as_list()) PutValue(out, v);
      return;
    case Value::Type::kMap:
      PutU8(out, kTagMap);
      PutVarint(out, value.as_map().size());
      for (const auto& [k, v] : value.as_map()) {
        PutLengthPrefixed(out, k);
        PutValue(out, v);
      }
      return;
  }
}

namespace {

bool GetValueAtDepth(std::string_view* in, Value* value, int depth) {
  uint8_t tag;
  if (depth > kMaxValueDepth || !GetU8(in, &tag)) return false;
  switch (tag) {
    case kTagNull:
      *value = Value();
      return true;
    case kTagFalse:
    case kTagTrue:
      *value = Value(tag == kTagTrue);
      return true;
    case kTagInt32: {
      int32_t v;
      if (!GetFixedLE(in, &v)) return false;
      *value = Value(v);
      return true;
    }
    case kTagInt64: {
      int64_t v;
      if (!GetFixedLE(in, &v)) return false;
      *value = Value(v);
      return true;
    }
    case kTagFloat: {
      float v;
      if (!GetFixedLE(in, &v)) return false;
      *value = Value(v);
      return true;
    }
    case kTagDouble: {
      double v;
      if (!GetFixedLE(in, &v)) return false;
      *value = Value(v);
      return true;
    }
    case kTagString: {
      std::string s;
      if (!GetLengthPrefixed(in, &s)) return false;
      *value = Value(std::move(s));
      return true;
    }
    case kTagTimestamp: {
      int64_t v;
      if (!GetFixedLE(in, &v)) return false;
      *value = Value(Timestamp{v});
      return true;
    }
    case kTagList: {
      uint64_t n;
      if (!GetVarint(in, &n) || n > in->size()) return false;
      ValueList list(n);
      for (Value& v : list) {
        if (!GetValueAtDepth(in, &v, depth + 1)) return false;
      }
      *value = Value(std::move(list));
      return true;
    }
    case kTagMap: {
      uint64_t n;
      if (!GetVarint(in, &n) || n > in->size()) return false;
      ValueMap map(n);
      for (auto& [k, v] : map) {
        if (!GetLengthPrefixed(in, &k) || !GetValueAtDepth(in, &v, depth + 1)) return false;
      }
      *value = Value(std::move(map));
      return true;
    }
    default:
      return false;
  }
}

void PutNamedValues(std::string* out, const std::vector<std::pair<std::string, Value>>& values) {
  PutVarint(out, values.size());
  for (const auto& [k, v] : values) {
    PutLengthPrefixed(out, k);
    PutValue(out, v);
  }
}

bool GetNamedValues(std::string_view* in, std::vector<std::pair<std::string, Value>>* values) {
  uint64_t n;
  if (!GetVarint(in, &n) || n > in->size()) return false;
  values->resize(n);
  for (auto& [k, v] : *values) {
    if (!GetLengthPrefixed(in, &k) || !GetValue(in, &v)) return false;
  }
  return true;
}

}  // namespace

bool GetValue(std::string_view* in, Value* value) { return GetValueAtDepth(in, value, 0); }

std::string EncodeVertexRow(const VertexRow& row) {
  std::string out;
  PutVarint(&out, row.labels.size());
  for (LabelId l : row.labels) PutVarint(&out, l);
  PutLengthPrefixed(&out, row.key);
  PutValue(&out, row.external_id);
  PutVarint(&out, row.properties.size());
  for (const VertexProperty& p : row.properties) {
    PutLengthPrefixed(&out, p.key);
    PutValue(&out, p.value);
    PutNamedValues(&out, p.meta);
  }
  // The property ids trailer: one value per property (null: none), written only when some
  // property has an id, so a row without one is encoded as before the trailer existed and a
  // row written before it reads with no ids.
  bool any_id = std::any_of(row.properties.begin(), row.properties.end(),
                            [](const VertexProperty& p) { return !p.id.is_null(); });
  if (any_id) {
    for (const VertexProperty& p : row.properties) PutValue(&out, p.id);
  }
  return out;
}

bool DecodeVertexRow(std::string_view in, VertexRow* row) {
  uint64_t n;
  if (!GetVarint(&in, &n) || n > in.size()) return false;  // n == 0: a vertex without labels
  row->labels.resize(n);
  for (LabelId& l : row->labels) {
    uint64_t v;
    if (!GetVarint(&in, &v) || v > UINT32_MAX) return false;
    l = static_cast<LabelId>(v);
  }
  if (!GetLengthPrefixed(&in, &row->key) || !GetValue(&in, &row->external_id)) return false;
  if (!GetVarint(&in, &n) || n > in.size()) return false;
  row->properties.resize(n);
  for (VertexProperty& p : row->properties) {
    p.id = Value();
    if (!GetLengthPrefixed(&in, &p.key) || !GetValue(&in, &p.value) ||
        !GetNamedValues(&in, &p.meta)) {
      return false;
    }
  }
  if (in.empty()) return true;  // no property ids trailer
  for (VertexProperty& p : row->properties) {
    if (!GetValue(&in, &p.id)) return false;
  }
  return in.empty();
}

std::string EncodeEdgeRow(const EdgeRow& row) {
  std::string out;
  if (row.external_id.is_null() && row.properties.empty()) return out;  // the common case
  PutValue(&out, row.external_id);
  PutNamedValues(&out, row.properties);
  return out;
}

bool DecodeEdgeRow(std::string_view in, EdgeRow* row) {
  if (in.empty()) {  // an edge without id or properties
    *row = EdgeRow();
    return true;
  }
  return GetValue(&in, &row->external_id) && GetNamedValues(&in, &row->properties) && in.empty();
}

std::string EncodeDocument(const Document& doc) {
  std::string out;
  for (const std::string* s :
       {&doc.id, &doc.title, &doc.source, &doc.published, &doc.content_hash, &doc.container}) {
    PutLengthPrefixed(&out, *s);
  }
  PutNamedValues(&out, doc.properties);
  return out;
}

bool DecodeDocument(std::string_view in, Document* doc) {
  for (std::string* s :
       {&doc->id, &doc->title, &doc->source, &doc->published, &doc->content_hash,
        &doc->container}) {
    if (!GetLengthPrefixed(&in, s)) return false;
  }
  return GetNamedValues(&in, &doc->properties) && in.empty();
}

namespace {

// A confidence that is a multiple of 1/10000 (0.9, 0.75: what rules and dictionaries give) is
// stored as varint(k + 1) for k/10000; any other as 0 and the 8 raw bytes. Decoding gives back
// the same double either way: k/10000.0 is used only when it is exactly the value.
constexpr double kConfidenceScale = 10000.0;

void PutConfidence(std::string* out, double c) {
  if (c >= 0 && c <= 1e6 && !std::signbit(c)) {
    double k = std::round(c * kConfidenceScale);
    if (k / kConfidenceScale == c) {
      PutVarint(out, static_cast<uint64_t>(k) + 1);
      return;
    }
  }
  PutVarint(out, 0);
  PutFixedLE(out, c);
}

bool GetConfidence(std::string_view* in, double* c) {
  uint64_t k;
  if (!GetVarint(in, &k)) return false;
  if (k == 0) return GetFixedLE(in, c);
  *c = static_cast<double>(k - 1) / kConfidenceScale;
  return true;
}

bool GetU32Varint(std::string_view* in, uint32_t* v) {
  uint64_t x;
  if (!GetVarint(in, &x) || x > UINT32_MAX) return false;
  *v = static_cast<uint32_t>(x);
  return true;
}

void PutEvidenceList(std::string* out, const std::vector<EvidenceRef>& list) {
  PutVarint(out, list.size());
  for (const EvidenceRef& e : list) {
    PutVarint(out, e.begin);
    PutVarint(out, e.end);
    PutVarint(out, e.sentence);
    PutVarint(out, e.rule);
    PutConfidence(out, e.confidence);
  }
}

bool GetEvidenceList(std::string_view* in, std::vector<EvidenceRef>* list) {
  uint64_t n;
  if (!GetVarint(in, &n) || n > in->size()) return false;
  list->resize(n);
  for (EvidenceRef& e : *list) {
    if (!GetU32Varint(in, &e.begin) || !GetU32Varint(in, &e.end) ||
        !GetU32Varint(in, &e.sentence) || !GetU32Varint(in, &e.rule) ||
        !GetConfidence(in, &e.confidence)) {
      return false;
    }
  }
  return true;
}

int64_t MaxIndexIn(const std::vector<EvidenceRef>& list) {
  int64_t max = -1;
  for (const EvidenceRef& e : list) max = std::max<int64_t>({max, e.sentence, e.rule});
  return max;
}

}  // namespace

std::string EncodeProvRow(const ProvRow& row) {
  std::string out;
  PutEvidenceList(&out, row.vertex);
  PutVarint(&out, row.edges.size());
  for (const auto& [tail, list] : row.edges) {
    PutVarint(&out, tail.label);
    PutVarint(&out, tail.dst);
    PutVarint(&out, tail.rank);
    PutEvidenceList(&out, list);
  }
  return out;
}

bool DecodeProvRow(std::string_view in, ProvRow* row) {
  row->edges.clear();
  uint64_t edges;
  if (!GetEvidenceList(&in, &row->vertex) || !GetVarint(&in, &edges) || edges > in.size()) {
    return false;
  }
  for (uint64_t i = 0; i < edges; ++i) {
    uint64_t label, dst, rank;
    if (!GetVarint(&in, &label) || !GetVarint(&in, &dst) || !GetVarint(&in, &rank) ||
        label > UINT32_MAX) {
      return false;
    }
    EdgeTail tail{static_cast<LabelId>(label), dst, rank};
    if (!row->edges.empty() && !(row->edges.rbegin()->first < tail)) return false;
    if (!GetEvidenceList(&in, &row->edges[tail])) return false;
  }
  return in.empty();
}

int64_t MaxStringIndex(const ProvRow& row) {
  int64_t max = MaxIndexIn(row.vertex);
  for (const auto& [tail, list] : row.edges) max = std::max(max, MaxIndexIn(list));
  return max;
}

bool DecodeStringTable(std::string_view in, std::vector<std::string>* strings) {
  uint64_t n;
  if (!GetVarint(&in, &n) || n > in.size()) return false;
  strings->resize(n);
  for (std::string& s : *strings) {
    if (!GetLengthPrefixed(&in, &s)) return false;
  }
  return in.empty();
}

bool ExpandEvidence(const EvidenceRef& ref, std::string_view doc_id,
                    const std::vector<std::string>& strings, Evidence* out) {
  if (ref.sentence >= strings.size() || ref.rule >= strings.size()) return false;
  out->doc_id = std::string(doc_id);
  out->begin = ref.begin;
  out->end = ref.end;
  out->sentence = strings[ref.sentence];
  out->rule = strings[ref.rule];
  out->confidence = ref.confidence;
  return true;
}

std::string EncodeIndexSpec(const IndexSpec& spec) {
  std::string out;
  PutLengthPrefixed(&out, spec.label);
  PutLengthPrefixed(&out, spec.key);
  PutU8(&out, static_cast<uint8_t>(spec.type));
  return out;
}

bool DecodeIndexSpec(std::string_view in, IndexSpec* spec) {
  uint8_t type;
  if (!GetLengthPrefixed(&in, &spec->label) || !GetLengthPrefixed(&in, &spec->key) ||
      !GetU8(&in, &type) || type > static_cast<uint8_t>(Value::Type::kMap)) {
    return false;
  }
  spec->type = static_cast<Value::Type>(type);
  return in.empty();
}

}  // namespace kg::graph::codec
