// The index-space keys a vertex row implies. One function used by the writer (which writes the
// difference between a row's old and new entries) and the verifier (which checks the index holds
// exactly these), so that the two cannot disagree about what "indexed" means.
#ifndef KG_GRAPH_INDEX_ENTRIES_H_
#define KG_GRAPH_INDEX_ENTRIES_H_

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "graph/catalog.h"
#include "graph/codec.h"

namespace kg::graph {

// Label membership of every label; the normalised names and aliases from `alias_properties`;
// an entry per value for each declared index on one of the vertex's labels. INVALID_ARGUMENT when
// an indexed value does not convert to its index's type.
absl::StatusOr<std::set<std::string>> IndexEntriesFor(
    VertexId id, const codec::VertexRow& row, const std::vector<std::string>& alias_properties,
    const std::vector<IndexDef>& indexes,
    const std::function<std::optional<LabelId>(std::string_view)>& find_label);

}  // namespace kg::graph

#endif  // KG_GRAPH_INDEX_ENTRIES_H_
