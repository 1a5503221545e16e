// Whole-graph file formats for `kg export` (`kg import` reads GraphSON through kgd's importer).
//
//   GraphWriter* w = ...;  // MakeGraphWriter("graphson" | "graphml" | "dot", std::cout)
//   w->Begin(); w->Vertices(chunk.vertices()); ...; w->Edges(chunk.edges()); ...; w->End();
//
// GraphSON is TinkerPop's GraphSON 3.0 adjacency-list form, the one `io().write()` produces and
// ../shared/tinkerpop/data uses: one vertex per line with its typed id, label (a list for several
// labels), properties (each a list of {id, value, properties}) and its outE/inE edges grouped by
// label. Values are typed ({"@type": "g:Int32", "@value": 29}). An exported vertex's id is its
// external id when it has one, else its internal id (g:Int64); an edge's likewise.
//
// GraphML follows TinkerPop's GraphMLWriter (keys labelV/labelE, typed <key> declarations). DOT
// is for looking at small graphs with Graphviz: nodes labelled "name\nLabel".
#ifndef KG_CLI_GRAPH_FORMATS_H_
#define KG_CLI_GRAPH_FORMATS_H_

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "kg/v1/kg.pb.h"

namespace kg::cli {

class GraphWriter {
 public:
  virtual ~GraphWriter() = default;
  // Called with every vertex (in any number of calls), then with every edge.
  virtual void Vertices(const google::protobuf::RepeatedPtrField<v1::Vertex>& vertices) = 0;
  virtual void Edges(const google::protobuf::RepeatedPtrField<v1::Edge>& edges) = 0;
  virtual void End() = 0;
};

// Null for an unknown format.
std::unique_ptr<GraphWriter> MakeGraphWriter(const std::string& format, std::ostream& out);

}  // namespace kg::cli

#endif  // KG_CLI_GRAPH_FORMATS_H_
