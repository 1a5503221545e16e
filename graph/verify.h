// Full-scan check of the layout's invariants (Graph::Verify). Internal.
#ifndef KG_GRAPH_VERIFY_H_
#define KG_GRAPH_VERIFY_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "graph/catalog.h"
#include "graph/kv/kv.h"

namespace kg::graph {

absl::Status VerifyLayout(kv::ReadView& view, const Catalog& catalog,
                          const std::vector<std::string>& alias_properties);

}  // namespace kg::graph

#endif  // KG_GRAPH_VERIFY_H_
