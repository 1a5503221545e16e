#include "graph/layout.h"

namespace kg::graph::layout {

using codec::PutEscapedPrefix;
using codec::PutEscapedString;
using codec::PutU32BE;
using codec::PutU64BE;

namespace {
std::string Tagged(char tag) { return std::string(1, tag); }
}  // namespace

std::string LabelByNameKey(std::string_view name) {
  return std::string(kLabelByNamePrefix).append(name);
}

std::string LabelByIdKey(LabelId id) {
  std::string k(kLabelByIdPrefix);
  PutU32BE(&k, id);
  return k;
}

std::string IndexDefKey(uint32_t index_id) {
  std::string k(kIndexDefPrefix);
  PutU32BE(&k, index_id);
  return k;
}

std::string VertexKey(VertexId id) {
  std::string k;
  PutU64BE(&k, id);
  return k;
}

bool DecodeVertexKey(std::string_view key, VertexId* id) {
  return codec::GetU64BE(&key, id) && key.empty();
}

std::string UniqueKey(LabelId label, std::string_view canonical_key) {
  std::string k = Tagged(kUniqueKeyTag);
  PutU32BE(&k, label);
  PutEscapedString(&k, canonical_key);
  return k;
}

std::string VertexExternalIdKey(const Value& id) {
  std::string k = Tagged(kVertexExternalIdTag);
  codec::PutValue(&k, id);
  return k;
}

std::string EdgeExternalIdKey(const Value& id) {
  std::string k = Tagged(kEdgeExternalIdTag);
  codec::PutValue(&k, id);
  return k;
}

std::string AdjKey(const EdgeKey& e, Direction d) {
  std::string k = Tagged(d == Direction::kOut ? kOutTag : kInTag);
  k.reserve(1 + 8 + 4 + 8 + 8);  // one allocation
  // Out: rank before dst, so one vertex's out-edges of a label list in rank (creation) order.
  // In: src before rank, so "does src-L->dst exist, any rank" is one prefix seek.
  if (d == Direction::kOut) {
    PutU64BE(&k, e.src);
    PutU32BE(&k, e.label);
    PutU64BE(&k, e.rank);
    PutU64BE(&k, e.dst);
  } else {
    PutU64BE(&k, e.dst);
    PutU32BE(&k, e.label);
    PutU64BE(&k, e.src);
    PutU64BE(&k, e.rank);
  }
  return k;
}

void AdjKeyTo(const EdgeKey& e, Direction d, char (&out)[kAdjKeyBytes]) {
  auto put = [&out](size_t at, uint64_t value, int bytes) {
    for (int i = 0; i < bytes; ++i) out[at + i] = static_cast<char>(value >> (8 * (bytes - 1 - i)));
    return at + bytes;
  };
  // The order of AdjKey's fields.
  if (d == Direction::kOut) {
    out[0] = kOutTag;
    put(put(put(put(1, e.src, 8), e.label, 4), e.rank, 8), e.dst, 8);
  } else {
    out[0] = kInTag;
    put(put(put(put(1, e.dst, 8), e.label, 4), e.src, 8), e.rank, 8);
  }
}

std::string OutEdgeKey(const EdgeKey& e) { return AdjKey(e, Direction::kOut); }
std::string InEdgeKey(const EdgeKey& e) { return AdjKey(e, Direction::kIn); }

std::string AdjPrefix(Direction d, VertexId vertex) {
  std::string k = Tagged(d == Direction::kOut ? kOutTag : kInTag);
  PutU64BE(&k, vertex);
  return k;
}

std::string AdjPrefix(Direction d, VertexId vertex, LabelId label) {
  std::string k = AdjPrefix(d, vertex);
  PutU32BE(&k, label);
  return k;
}

bool DecodeAdjKey(std::string_view key, EdgeKey* edge, Direction* d) {
  uint8_t tag;
  VertexId near, third, fourth;
  LabelId label;
  if (!codec::GetU8(&key, &tag) || (tag != kOutTag && tag != kInTag) ||
      !codec::GetU64BE(&key, &near) || !codec::GetU32BE(&key, &label) ||
      !codec::GetU64BE(&key, &third) || !codec::GetU64BE(&key, &fourth) || !key.empty()) {
    return false;
  }
  *d = tag == kOutTag ? Direction::kOut : Direction::kIn;
  // Out: src lid rank dst. In: dst lid src rank.
  *edge = *d == Direction::kOut ? EdgeKey{near, label, fourth, third}
                                : EdgeKey{third, label, near, fourth};
  return true;
}

std::string Format3OutEdgeKey(const EdgeKey& e) {
  std::string k = Tagged(kFormat3OutTag);
  PutU64BE(&k, e.src);
  PutU32BE(&k, e.label);
  PutU64BE(&k, e.dst);
  PutU64BE(&k, e.rank);
  return k;
}

bool DecodeFormat3OutEdgeKey(std::string_view key, EdgeKey* edge) {
  uint8_t tag;
  return codec::GetU8(&key, &tag) && tag == kFormat3OutTag && codec::GetU64BE(&key, &edge->src) &&
         codec::GetU32BE(&key, &edge->label) && codec::GetU64BE(&key, &edge->dst) &&
         codec::GetU64BE(&key, &edge->rank) && key.empty();
}

std::string PropertyIndexPrefix(uint32_t index_id) {
  std::string k = Tagged(kPropertyIndexTag);
  PutU32BE(&k, index_id);
  return k;
}

std::string PropertyIndexKey(uint32_t index_id, std::string_view encoded_value, VertexId id) {
  std::string k = PropertyIndexPrefix(index_id);
  k.append(encoded_value);
  PutU64BE(&k, id);
  return k;
}

std::string AliasPrefix(std::string_view normalized_alias) {
  std::string k = Tagged(kAliasTag);
  PutEscapedString(&k, normalized_alias);
  return k;
}

std::string AliasKey(std::string_view normalized_alias, LabelId label, VertexId id) {
  std::string k = AliasPrefix(normalized_alias);
  PutU32BE(&k, label);
  PutU64BE(&k, id);
  return k;
}

std::string LabelMemberPrefix(LabelId label) {
  std::string k = Tagged(kLabelMemberTag);
  PutU32BE(&k, label);
  return k;
}

std::string LabelMemberKey(LabelId label, VertexId id) {
  std::string k = LabelMemberPrefix(label);
  PutU64BE(&k, id);
  return k;
}

bool DecodeTrailingVertexId(std::string_view key, VertexId* id) {
  if (key.size() < 8) return false;
  key.remove_prefix(key.size() - 8);
  return codec::GetU64BE(&key, id);
}

std::string VertexCountKey(LabelId label) {
  std::string k = Tagged(0x01);
  PutU32BE(&k, label);
  return k;
}

std::string EdgeCountKey(LabelId label) {
  std::string k = Tagged(0x02);
  PutU32BE(&k, label);
  return k;
}

std::string DegreePrefix(VertexId vertex, Direction d) {
  std::string k = Tagged(0x03);
  PutU64BE(&k, vertex);
  codec::PutU8(&k, static_cast<uint8_t>(d));
  return k;
}

std::string DegreeKey(VertexId vertex, Direction d, LabelId label) {
  std::string k = DegreePrefix(vertex, d);
  PutU32BE(&k, label);
  return k;
}

std::string TotalVerticesKey() { return Tagged(0x04); }
std::string TotalEdgesKey() { return Tagged(0x05); }
std::string DocumentCountKey() { return Tagged(0x06); }

size_t ElementBytesTo(const ElementRef& element, char (&out)[kMaxElementBytes]) {
  auto put = [&out](size_t at, uint64_t value, int bytes) {
    for (int i = 0; i < bytes; ++i) out[at + i] = static_cast<char>(value >> (8 * (bytes - 1 - i)));
    return at + bytes;
  };
  if (const VertexId* v = std::get_if<VertexId>(&element)) {
    out[0] = 'V';
    return put(1, *v, 8);
  }
  const EdgeKey& e = std::get<EdgeKey>(element);
  out[0] = 'E';
  return put(put(put(put(1, e.src, 8), e.label, 4), e.dst, 8), e.rank, 8);
}

std::string ElementBytes(const ElementRef& element) {
  char bytes[kMaxElementBytes];
  return std::string(bytes, ElementBytesTo(element, bytes));
}

bool DecodeElement(std::string_view* in, ElementRef* element) {
  uint8_t tag;
  if (!codec::GetU8(in, &tag)) return false;
  if (tag == 'V') {
    VertexId v;
    if (!codec::GetU64BE(in, &v)) return false;
    *element = v;
    return true;
  }
  EdgeKey e;
  if (tag != 'E' || !codec::GetU64BE(in, &e.src) || !codec::GetU32BE(in, &e.label) ||
      !codec::GetU64BE(in, &e.dst) || !codec::GetU64BE(in, &e.rank)) {
    return false;
  }
  *element = e;
  return true;
}

VertexId ProvOwner(const ElementRef& element) {
  if (const VertexId* v = std::get_if<VertexId>(&element)) return *v;
  return std::get<EdgeKey>(element).src;
}

std::string ProvRowPrefix(VertexId owner) {
  std::string k = Tagged(kProvRowTag);
  PutU64BE(&k, owner);
  return k;
}

std::string ProvRowKey(VertexId owner, std::string_view doc_id) {
  std::string k = ProvRowPrefix(owner);
  PutEscapedString(&k, doc_id);
  return k;
}

bool DecodeProvRowKey(std::string_view key, VertexId* owner, std::string* doc_id) {
  uint8_t tag;
  return codec::GetU8(&key, &tag) && tag == kProvRowTag && codec::GetU64BE(&key, owner) &&
         codec::GetEscapedString(&key, doc_id) && key.empty();
}

std::string DocElementsKey(std::string_view doc_id) {
  std::string k = Tagged(kDocElementsTag);
  PutEscapedString(&k, doc_id);
  return k;
}

bool DecodeDocElementsKey(std::string_view key, std::string* doc_id) {
  uint8_t tag;
  return codec::GetU8(&key, &tag) && tag == kDocElementsTag &&
         codec::GetEscapedString(&key, doc_id) && key.empty();
}

std::string DocStringsKey(std::string_view doc_id) {
  std::string k = Tagged(kDocStringsTag);
  PutEscapedString(&k, doc_id);
  return k;
}

bool DecodeDocStringsKey(std::string_view key, std::string* doc_id) {
  uint8_t tag;
  return codec::GetU8(&key, &tag) && tag == kDocStringsTag &&
         codec::GetEscapedString(&key, doc_id) && key.empty();
}

bool DecodeElementList(std::string_view in, std::vector<ElementRef>* elements) {
  elements->clear();
  while (!in.empty()) {
    ElementRef e;
    if (!DecodeElement(&in, &e)) return false;
    elements->push_back(e);
  }
  return true;
}

std::string DocumentKey(std::string_view doc_id) {
  return Tagged(kDocumentTag).append(doc_id);
}

}  // namespace kg::graph::layout
