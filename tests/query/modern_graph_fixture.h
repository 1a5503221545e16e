// A test fixture with TinkerPop's "modern" graph loaded into a fresh database, and a helper that
// runs a query and renders each result with Value::DebugString().
#ifndef KG_TESTS_QUERY_MODERN_GRAPH_FIXTURE_H_
#define KG_TESTS_QUERY_MODERN_GRAPH_FIXTURE_H_

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "query/graphson.h"
#include "query/query.h"
#include "tests/graph/test_dir.h"

namespace kg::query::testing {

class ModernGraphTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = kg::testing::FreshTestDir("kg_modern_graph");
    auto g = kg::testing::OpenUnsyncedGraph(dir_.string());
    ASSERT_TRUE(g.ok()) << g.status();
    g_ = std::move(*g);
    auto st = ImportGraphsonFile(
        *g_, std::string(KG_SHARED_DIR) + "/tinkerpop/data/tinkerpop-modern.json");
    ASSERT_TRUE(st.ok()) << st.status();
    EXPECT_EQ(st->vertices, 6);
    EXPECT_EQ(st->edges, 6);
  }
  void TearDown() override {
    g_.reset();
    std::filesystem::remove_all(dir_);
  }

  absl::StatusOr<std::vector<std::string>> Run(const std::string& q, QueryOptions opts = {}) {
    auto c = Execute(*g_, q, opts);
    if (!c.ok()) return c.status();
    std::vector<std::string> out;
    for (Value v; (*c)->Next(&v);) out.push_back(v.DebugString());
    if (!(*c)->status().ok()) return (*c)->status();
    return out;
  }
  // The results of a query expected to succeed (none, and a test failure, when it fails).
  std::vector<std::string> Ok(const std::string& q) {
    auto r = Run(q);
    EXPECT_TRUE(r.ok()) << q << ": " << r.status();
    return r.ok() ? *r : std::vector<std::string>{};
  }
  // The error message of a query expected to fail ("" when it succeeds).
  std::string Error(const std::string& q, QueryOptions opts = {}) {
    auto r = Run(q, std::move(opts));
    return r.ok() ? "" : std::string(r.status().message());
  }

  std::filesystem::path dir_;
  std::unique_ptr<graph::Graph> g_;
};

}  // namespace kg::query::testing

#endif  // KG_TESTS_QUERY_MODERN_GRAPH_FIXTURE_H_
