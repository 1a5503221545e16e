// kg_store_demo: exercises the store end to end on a data directory and prints what it holds.
// Usage: kg_store_demo [DATA_DIR]   (default ./kg-data)
//
// Writes a small graph (countries with aliases, a program and participation edges, one source
// document as provenance), then reads it back through the public API: alias lookup, an edge scan,
// maintained counts, and a full invariant check.
#include <iostream>

#include "graph/graph.h"

namespace {

using kg::graph::Direction;
using kg::graph::GraphTxn;
using kg::graph::Value;

absl::Status WriteSample(kg::graph::Graph& graph) {
  return graph.Write([](GraphTxn& txn) -> absl::Status {
    kg::graph::Document doc;
    doc.id = "demo-1";
    doc.title = "store demo";
    if (absl::Status s = txn.PutDocument(doc); !s.ok()) return s;
    auto program = txn.UpsertVertex("Program", "Mineral Security Partnership",
                                    {{"name", Value("Mineral Security Partnership")},
                                     {"aliases", Value::List({"MSP", "광물안보파트너십"})}});
    if (!program.ok()) return program.status();
    for (const char* country : {"United States", "United Kingdom", "Japan", "Canada"}) {
      auto v = txn.UpsertVertex("Country", country, {{"name", Value(country)}});
      if (!v.ok()) return v.status();
      auto e = txn.UpsertEdge(v->id, "PARTICIPATES_IN", program->id, 0, {});
      if (!e.ok()) return e.status();
      kg::graph::Evidence ev;
      ev.doc_id = doc.id;
      ev.rule = "demo";
      if (absl::Status s = txn.AddEvidence(e->key, ev); !s.ok()) return s;
    }
    return absl::OkStatus();
  });
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && (std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h")) {
    std::cout << "usage: kg_store_demo [DATA_DIR]\n"
                 "Writes a small sample graph into DATA_DIR (default ./kg-data) and reads it back.\n";
    return 0;
  }
  std::string dir = argc > 1 ? argv[1] : "./kg-data";
  auto graph = kg::graph::Graph::Open(dir);
  if (!graph.ok()) {
    std::cerr << "kg_store_demo: " << graph.status().message() << "\n";
    return 1;
  }
  if (absl::Status s = WriteSample(**graph); !s.ok()) {
    std::cerr << "kg_store_demo: " << s.message() << "\n";
    return 1;
  }
  std::unique_ptr<kg::graph::GraphReader> r = (*graph)->Snapshot();
  auto ids = r->FindByAlias("광물안보파트너십");
  kg::graph::VertexId msp = 0;
  if (!ids->Next(&msp)) {
    std::cerr << "kg_store_demo: alias lookup failed: " << ids->status().message() << "\n";
    return 1;
  }
  std::cout << "Who takes part in the Mineral Security Partnership (found by alias 광물안보파트너십):\n";
  auto edges = r->ScanEdges(msp, Direction::kIn, r->FindLabel("PARTICIPATES_IN"));
  for (kg::graph::EdgeKey e; edges->Next(&e);) {
    auto v = r->GetVertex(e.src);
    if (v.ok() && v->has_value()) std::cout << "  " << (*v)->Values("name")[0].as_string() << "\n";
  }
  auto stats = (*graph)->Stats();
  if (!stats.ok()) return 1;
  std::cout << stats->vertices << " vertices, " << stats->edges << " edges, " << stats->documents
            << " documents; invariants: " << ((*graph)->Verify().ok() ? "ok" : "VIOLATED") << "\n";
  return 0;
}
