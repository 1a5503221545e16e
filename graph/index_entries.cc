#include "graph/index_entries.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "graph/layout.h"
#include "graph/normalize.h"

namespace kg::graph {
namespace {

// Every string an alias property holds: the value itself or the strings of a list.
void CollectStrings(const Value& v, std::vector<std::string>* out) {
  if (v.is_string()) out->push_back(v.as_string());
  if (v.is_list()) {
    for (const Value& e : v.as_list()) CollectStrings(e, out);
  }
}

}  // namespace

absl::StatusOr<std::set<std::string>> IndexEntriesFor(
    VertexId id, const codec::VertexRow& row, const std::vector<std::string>& alias_properties,
    const std::vector<IndexDef>& indexes,
    const std::function<std::optional<LabelId>(std::string_view)>& find_label) {
  std::set<std::string> keys;
  for (LabelId l : row.labels) keys.insert(layout::LabelMemberKey(l, id));
  // Alias entries carry the primary label; a vertex without labels files them under label id
  // 0, which no label has (ids start at 1), so a lookup by name alone still finds it.
  const LabelId primary = row.labels.empty() ? LabelId{0} : row.labels[0];
  for (const VertexProperty& p : row.properties) {
    if (std::find(alias_properties.begin(), alias_properties.end(), p.key) ==
        alias_properties.end()) {
      continue;
    }
    std::vector<std::string> names;
    CollectStrings(p.value, &names);
    for (const std::string& name : names) {
      absl::StatusOr<std::string> normalized = CanonicalKey(name);
      if (!normalized.ok()) return normalized.status();
      if (!normalized->empty()) keys.insert(layout::AliasKey(*normalized, primary, id));
    }
  }
  for (const IndexDef& def : indexes) {
    std::optional<LabelId> lid = find_label(def.spec.label);
    if (!lid || std::find(row.labels.begin(), row.labels.end(), *lid) == row.labels.end()) continue;
    for (const VertexProperty& p : row.properties) {
      if (p.key != def.spec.key || p.value.is_null()) continue;
      std::vector<Value> values =
          p.value.is_list() ? p.value.as_list() : std::vector<Value>{p.value};
      for (const Value& v : values) {
        absl::StatusOr<std::string> encoded = codec::EncodeIndexValue(v, def.spec.type);
        if (!encoded.ok()) {
          return absl::InvalidArgumentError(absl::StrCat(
              "property '", p.key, "' of label ", def.spec.label, " is indexed as ",
              Value::TypeName(def.spec.type), ": ", encoded.status().message()));
        }
        keys.insert(layout::PropertyIndexKey(def.id, *encoded, id));
      }
    }
  }
  return keys;
}

}  // namespace kg::graph
