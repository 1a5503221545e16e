// The whole graph as sorted lines of text, for tests that compare exact contents:
//   "V Company;Public acme {founded=1990L, name=Acme}"
//   "E acme SUPPLIES globex {share=0.5}"
// Vertices show their labels, key and properties (DebugString keeps the type: 1990L is int64);
// edges name their ends by key.
#ifndef KG_TESTS_SERVER_GRAPH_DUMP_H_
#define KG_TESTS_SERVER_GRAPH_DUMP_H_

#include <algorithm>
#include <string>
#include <vector>

#include "graph/graph.h"

namespace kg::testing {

inline std::string DumpProperties(std::vector<std::string> parts) {
  std::sort(parts.begin(), parts.end());
  std::string out = "{";
  for (size_t i = 0; i < parts.size(); ++i) out += (i > 0 ? ", " : "") + parts[i];
  return out + "}";
}

inline std::string DumpVertexKey(graph::GraphReader& reader, graph::VertexId id) {
  auto v = reader.GetVertex(id);
  return v.ok() && v->has_value() ? (*v)->key : "#" + std::to_string(id);
}

inline std::vector<std::string> DumpGraph(graph::Graph& graph) {
  std::unique_ptr<graph::GraphReader> reader = graph.Snapshot();
  std::vector<std::string> lines;
  auto ids = reader->ScanVertices();
  for (graph::VertexId id; ids->Next(&id);) {
    auto v = reader->GetVertex(id);
    if (!v.ok() || !v->has_value()) continue;
    std::string labels;
    for (const std::string& l : (*v)->labels) labels += (labels.empty() ? "" : ";") + l;
    std::vector<std::string> props;
    for (const graph::VertexProperty& p : (*v)->properties) {
      props.push_back(p.key + "=" + p.value.DebugString());
    }
    lines.push_back("V " + labels + " " + (*v)->key + " " + DumpProperties(props));
  }
  auto edges = reader->ScanAllEdges();
  for (graph::EdgeKey key; edges->Next(&key);) {
    auto e = reader->GetEdge(key);
    if (!e.ok() || !e->has_value()) continue;
    std::vector<std::string> props;
    for (const auto& [k, value] : (*e)->properties) props.push_back(k + "=" + value.DebugString());
    lines.push_back("E " + DumpVertexKey(*reader, key.src) + " " + (*e)->label + " " +
                    DumpVertexKey(*reader, key.dst) + " " + DumpProperties(props));
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

}  // namespace kg::testing

#endif  // KG_TESTS_SERVER_GRAPH_DUMP_H_
