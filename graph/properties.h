// Property validation and merging rules shared by write transactions and the bulk loader, so
// that an imported vertex merges exactly as an upserted one does. Internal to graph/.
#ifndef KG_GRAPH_PROPERTIES_H_
#define KG_GRAPH_PROPERTIES_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "graph/graph.h"

namespace kg::graph {

absl::Status ValidateText(std::string_view what, std::string_view text);
// Key non-empty; keys and string values (nested too) valid UTF-8.
absl::Status ValidateProperty(const PropertyWrite& p);
// Applies one write to a vertex's properties according to its Cardinality.
void ApplyVertexProperty(std::vector<VertexProperty>* props, const PropertyWrite& p);
// Edges hold one value per key: sets or replaces it.
void ApplyEdgeProperty(std::vector<std::pair<std::string, Value>>* props, std::string_view key,
                       const Value& value);

}  // namespace kg::graph

#endif  // KG_GRAPH_PROPERTIES_H_
