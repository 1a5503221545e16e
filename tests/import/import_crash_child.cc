// The process the import crash test kills: imports files offline into a database and exits.
// Usage: import_crash_child DATA_DIR FILE...
#include <iostream>

#include "import/import.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: import_crash_child DATA_DIR FILE...\n";
    return 2;
  }
  auto graph = kg::graph::Graph::Open(argv[1]);
  if (!graph.ok()) {
    std::cerr << graph.status() << "\n";
    return 1;
  }
  kg::graph::BulkLoadOptions bulk;
  bulk.memory_bytes = 4 << 20;  // small: force spilled runs into the kill window
  auto sink = kg::import::NewBulkLoadSink(**graph, bulk);
  if (!sink.ok()) {
    std::cerr << sink.status() << "\n";
    return 1;
  }
  std::vector<std::string> files(argv + 2, argv + argc);
  auto summary = kg::import::ImportFiles(files, **sink, {});
  if (!summary.ok()) {
    std::cerr << summary.status() << "\n";
    return 1;
  }
  std::cout << "DONE " << summary->vertices_created << " " << summary->edges_created << std::endl;
  return 0;
}
