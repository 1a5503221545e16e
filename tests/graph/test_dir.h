// Fixtures shared by the tests that open a real database: a fresh directory per test and a graph
// opened in it without synced writes.
#ifndef KG_TESTS_GRAPH_TEST_DIR_H_
#define KG_TESTS_GRAPH_TEST_DIR_H_

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "graph/graph.h"
#include "gtest/gtest.h"

namespace kg::testing {

// A path under the system's temporary directory named after `prefix`, the process and the
// running test, so that tests ctest runs in parallel never share one; whatever an earlier run
// left there is removed.
inline std::string FreshTestDir(const std::string& prefix) {
  std::string dir = (std::filesystem::temp_directory_path() /
                     (prefix + "_" + std::to_string(::getpid()) + "_" +
                      ::testing::UnitTest::GetInstance()->current_test_info()->name()))
                        .string();
  std::filesystem::remove_all(dir);
  return dir;
}

// Tests need no durability against power loss: unsynced writes keep them fast.
inline absl::StatusOr<std::unique_ptr<graph::Graph>> OpenUnsyncedGraph(const std::string& dir) {
  graph::GraphOptions options;
  options.sync_writes = false;
  return graph::Graph::Open(dir, options);
}

}  // namespace kg::testing

#endif  // KG_TESTS_GRAPH_TEST_DIR_H_
