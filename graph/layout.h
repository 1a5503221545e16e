// The key layout of graph/ over the kv spaces. Internal: graph/README.md explains each choice.
//
//   space   key                                         value
//   meta    "format" | "next_id" | "next_label" | "next_index"   decimal / 8-byte counters
//           "label/" name                                label id (u32 BE)
//           "lid/" u32                                   label name
//           "index/" u32                                 IndexSpec
//   vertex  vid                                          VertexRow
//   key     01 lid esc(canonical key)                    vid       unique (label, key)
//           02 value                                     vid       vertex external id
//           03 value                                     out-key   edge external id
//   adj     03 src lid rank dst                          EdgeRow   out-edge, owns properties;
//                                                                  rank first: insertion order
//           02 dst lid src rank                          -         in-edge twin
//           (01 src lid dst rank: format 3's out-edge, rewritten by the upgrade to format 4)
//   index   10 index-id enc(value) vid                   -         declared property index
//           11 esc(normalised alias) lid vid             -         name/alias index
//           12 lid vid                                   -         label membership
//   count   01 lid | 02 lid | 03 vid dir lid | 04 | 05 | 06     i64 (merge-add)
//           vertices of a label | edges of a label | degree | all vertices | all edges | documents
//   prov    01 vid esc(doc id)                           ProvRow   the doc's evidence for the
//                                                                  vertex and its out-edges
//           02 esc(doc id)                               element*  what the doc supports, sorted
//           03 esc(doc id)                               strings   the sentences and rule ids the
//                                                                  doc's ProvRows name by index
//   doc     01 doc id                                    Document
// ids are u64 big-endian, label ids u32 big-endian, rank u64 big-endian; element = 'V' vid or
// 'E' src lid dst rank.
#ifndef KG_GRAPH_LAYOUT_H_
#define KG_GRAPH_LAYOUT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "graph/codec.h"
#include "graph/types.h"

namespace kg::graph::layout {

// meta
inline constexpr std::string_view kFormatKey = "format";
inline constexpr std::string_view kNextIdKey = "next_id";
inline constexpr std::string_view kNextLabelKey = "next_label";
inline constexpr std::string_view kNextIndexKey = "next_index";
inline constexpr std::string_view kLabelByNamePrefix = "label/";
inline constexpr std::string_view kLabelByIdPrefix = "lid/";
inline constexpr std::string_view kIndexDefPrefix = "index/";
std::string LabelByNameKey(std::string_view name);
std::string LabelByIdKey(LabelId id);
std::string IndexDefKey(uint32_t index_id);

// vertex
std::string VertexKey(VertexId id);
bool DecodeVertexKey(std::string_view key, VertexId* id);

// key
inline constexpr char kUniqueKeyTag = 0x01;
inline constexpr char kVertexExternalIdTag = 0x02;
inline constexpr char kEdgeExternalIdTag = 0x03;
std::string UniqueKey(LabelId label, std::string_view canonical_key);
std::string VertexExternalIdKey(const Value& id);
std::string EdgeExternalIdKey(const Value& id);

// adj
// Format 4's out-key has a tag of its own, so that a half-done upgrade from format 3 (whose
// out-key, tag 01, put dst before rank) can tell its rewritten keys from the old ones.
inline constexpr char kOutTag = 0x03;
inline constexpr char kInTag = 0x02;
inline constexpr char kFormat3OutTag = 0x01;
std::string OutEdgeKey(const EdgeKey& e);
std::string InEdgeKey(const EdgeKey& e);
std::string AdjKey(const EdgeKey& e, Direction d);
// The same bytes written into `out`, without an allocation (two keys per new edge).
inline constexpr size_t kAdjKeyBytes = 1 + 8 + 4 + 8 + 8;
void AdjKeyTo(const EdgeKey& e, Direction d, char (&out)[kAdjKeyBytes]);
// Prefix of the edges at `vertex` in direction `d`; with a label, only that label's.
std::string AdjPrefix(Direction d, VertexId vertex);
std::string AdjPrefix(Direction d, VertexId vertex, LabelId label);
// Decodes either twin back to (src, label, dst, rank).
bool DecodeAdjKey(std::string_view key, EdgeKey* edge, Direction* d);
// Format 3's out-key, `01 src lid dst rank`: only the upgrade (upgrade.h) and its tests use it.
std::string Format3OutEdgeKey(const EdgeKey& e);
bool DecodeFormat3OutEdgeKey(std::string_view key, EdgeKey* edge);

// index
inline constexpr char kPropertyIndexTag = 0x10;
inline constexpr char kAliasTag = 0x11;
inline constexpr char kLabelMemberTag = 0x12;
std::string PropertyIndexPrefix(uint32_t index_id);
std::string PropertyIndexKey(uint32_t index_id, std::string_view encoded_value, VertexId id);
std::string AliasPrefix(std::string_view normalized_alias);  // exact alias, any label
std::string AliasKey(std::string_view normalized_alias, LabelId label, VertexId id);
std::string LabelMemberPrefix(LabelId label);
std::string LabelMemberKey(LabelId label, VertexId id);
// The vertex id at the end of any index key.
bool DecodeTrailingVertexId(std::string_view key, VertexId* id);

// count
std::string VertexCountKey(LabelId label);
std::string EdgeCountKey(LabelId label);
std::string DegreePrefix(VertexId vertex, Direction d);
std::string DegreeKey(VertexId vertex, Direction d, LabelId label);
std::string TotalVerticesKey();
std::string TotalEdgesKey();
std::string DocumentCountKey();

// prov
std::string ElementBytes(const ElementRef& element);
// The same bytes written into `out`, without an allocation; returns how many.
inline constexpr size_t kMaxElementBytes = 29;  // 'E' src lid dst rank
size_t ElementBytesTo(const ElementRef& element, char (&out)[kMaxElementBytes]);
bool DecodeElement(std::string_view* in, ElementRef* element);
inline constexpr char kProvRowTag = 0x01;
inline constexpr char kDocElementsTag = 0x02;
inline constexpr char kDocStringsTag = 0x03;
// The vertex whose provenance rows hold an element's evidence: itself, or an edge's source.
VertexId ProvOwner(const ElementRef& element);
std::string ProvRowPrefix(VertexId owner);
std::string ProvRowKey(VertexId owner, std::string_view doc_id);
bool DecodeProvRowKey(std::string_view key, VertexId* owner, std::string* doc_id);
std::string DocElementsKey(std::string_view doc_id);
bool DecodeDocElementsKey(std::string_view key, std::string* doc_id);
std::string DocStringsKey(std::string_view doc_id);
bool DecodeDocStringsKey(std::string_view key, std::string* doc_id);
// A document's element list: ElementBytes of each, concatenated in byte order.
bool DecodeElementList(std::string_view in, std::vector<ElementRef>* elements);

// doc
std::string DocumentKey(std::string_view doc_id);
inline constexpr char kDocumentTag = 0x01;

}  // namespace kg::graph::layout

#endif  // KG_GRAPH_LAYOUT_H_
