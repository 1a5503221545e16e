// The in-memory copy of the dictionaries in the meta space: label names <-> ids and declared
// indexes. Shared by every reader and the writer; ids only ever grow, so a reader that sees a
// label a newer commit added is still consistent (no element of its snapshot carries it).
#ifndef KG_GRAPH_CATALOG_H_
#define KG_GRAPH_CATALOG_H_

#include <cstdint>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "graph/graph.h"

namespace kg::graph {

struct IndexDef {
  uint32_t id = 0;
  IndexSpec spec;
};

// What one write transaction added to the dictionaries; merged into the Catalog on commit.
struct CatalogDelta {
  std::vector<std::pair<std::string, LabelId>> labels;
  std::vector<IndexDef> indexes;
  bool empty() const { return labels.empty() && indexes.empty(); }
};

class Catalog {
 public:
  std::optional<LabelId> FindLabel(std::string_view name) const;
  std::string LabelName(LabelId id) const;  // "" when unknown
  std::vector<IndexDef> Indexes() const;
  LabelId next_label() const;
  uint32_t next_index() const;

  void Apply(const CatalogDelta& delta);
  // Undoes Apply(delta) (a commit failed). Only the writer that applied it may call this.
  void Revert(const CatalogDelta& delta);

 private:
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, LabelId> ids_;
  std::vector<std::string> names_;  // by label id; ids start at 1
  std::vector<IndexDef> indexes_;
};

}  // namespace kg::graph

#endif  // KG_GRAPH_CATALOG_H_
