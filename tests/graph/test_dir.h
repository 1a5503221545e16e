// Fixtures shared by the tests that open a real database: a fresh directory per test, a graph
// opened in it without synced writes, and a stream drained into a vector.
#ifndef KG_TESTS_GRAPH_TEST_DIR_H_
#define KG_TESTS_GRAPH_TEST_DIR_H_

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

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

// Everything a stream yields, in order; a stream that ends in an error fails the test.
template <typename T>
std::vector<T> Drain(std::unique_ptr<graph::Stream<T>> s) {
  std::vector<T> out;
  for (T x; s->Next(&x);) out.push_back(x);
  EXPECT_TRUE(s->status().ok()) << s->status();
  return out;
}

// A fixture with an empty graph per test in a fresh directory (named after the test suite),
// removed afterwards.
class FreshGraphTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = FreshTestDir(::testing::UnitTest::GetInstance()->current_test_info()->test_suite_name());
    absl::StatusOr<std::unique_ptr<graph::Graph>> g = OpenUnsyncedGraph(dir_);
    ASSERT_TRUE(g.ok()) << g.status();
    graph_ = *std::move(g);
  }
  void TearDown() override {
    graph_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::string dir_;
  std::unique_ptr<graph::Graph> graph_;
};

}  // namespace kg::testing

#endif  // KG_TESTS_GRAPH_TEST_DIR_H_
