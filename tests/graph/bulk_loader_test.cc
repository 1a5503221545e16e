#include "graph/bulk_loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "graph/bulk/external_sorter.h"
#include "graph/graph.h"

namespace kg::graph {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

std::string TempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("kg_bulk_test_" + std::to_string(::getpid()) + "_" + name))
      .string();
}

template <typename T>
std::vector<T> Drain(std::unique_ptr<Stream<T>> s) {
  std::vector<T> out;
  for (T x; s->Next(&x);) out.push_back(x);
  EXPECT_TRUE(s->status().ok()) << s->status();
  return out;
}

TEST(ExternalSorterTest, SortsAcrossSpilledRunsAndKeepsInsertionOrderOfEqualKeys) {
  std::string dir = TempPath("sorter");
  std::filesystem::create_directories(dir);
  for (size_t budget : {size_t{1} << 20, size_t{256}}) {  // in memory, then many runs
    bulk::ExternalSorter sorter(dir, "t", budget);
    std::mt19937 rng(1);
    std::vector<std::pair<std::string, std::string>> expected;
    for (int i = 0; i < 2000; ++i) {
      std::string key = "k" + std::to_string(rng() % 300);
      std::string value = std::to_string(i);
      ASSERT_TRUE(sorter.Add(key, value).ok());
      expected.emplace_back(key, value);
    }
    std::stable_sort(expected.begin(), expected.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    auto sorted = sorter.Finish();
    ASSERT_TRUE(sorted.ok()) << sorted.status();
    std::vector<std::pair<std::string, std::string>> got;
    std::string_view k, v;
    while ((*sorted)->Next(&k, &v)) got.emplace_back(std::string(k), std::string(v));
    EXPECT_TRUE((*sorted)->status().ok());
    EXPECT_EQ(got, expected) << "budget " << budget;
    if (budget == 256) {
      EXPECT_GT(sorter.runs_spilled(), 10);
    }
  }
  std::filesystem::remove_all(dir);
}

class BulkLoaderTest : public ::testing::TestWithParam<size_t> {
 protected:
  void SetUp() override {
    dir_ = TempPath("db" + std::to_string(GetParam()));
    std::filesystem::remove_all(dir_);
    GraphOptions options;
    options.sync_writes = false;
    auto g = Graph::Open(dir_, options);
    ASSERT_TRUE(g.ok()) << g.status();
    graph_ = *std::move(g);
  }
  void TearDown() override {
    graph_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::unique_ptr<BulkLoader> Start() {
    BulkLoadOptions options;
    options.memory_bytes = GetParam();
    auto loader = graph_->StartBulkLoad(options);
    EXPECT_TRUE(loader.ok()) << loader.status();
    return loader.ok() ? *std::move(loader) : nullptr;
  }

  std::string dir_;
  std::unique_ptr<Graph> graph_;
};

TEST_P(BulkLoaderTest, LoadsVerticesEdgesIndexesAndCountsIntoAnEmptyGraph) {
  std::unique_ptr<BulkLoader> loader = Start();
  ASSERT_NE(loader, nullptr);
  VertexId us = *loader->UpsertVertex({"Country"}, "US", {{"name", Value("United States")},
                                                          {"aliases", Value::List({"미국"})}});
  VertexId ca = *loader->UpsertVertex({"Country"}, "CA", {{"name", Value("Canada")}});
  VertexId acme = *loader->UpsertVertex({"Company", "Startup"}, "acme", {{"name", Value("Acme")}});
  // The same vertex again merges.
  EXPECT_EQ(*loader->UpsertVertex({"Country"}, "us", {{"iso", Value("USA")}}), us);
  ASSERT_TRUE(loader->UpsertEdge(acme, "BASED_IN", us, {{"since", Value(2001)}}).ok());
  ASSERT_TRUE(loader->UpsertEdge(us, "IMPOSES_TARIFF", ca, {{"rate_pct", Value(25.0)}}).ok());
  ASSERT_TRUE(loader->UpsertEdge(us, "IMPOSES_TARIFF", ca, {{"product", Value("steel")}}).ok());
  EXPECT_EQ(loader->UpsertEdge(us, "X", 999999, {}).code(), absl::StatusCode::kNotFound);

  // Nothing is visible before the commit.
  EXPECT_EQ(*graph_->Snapshot()->CountVertices(), 0);
  absl::StatusOr<BulkLoadReport> report = loader->Commit();
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->vertices_created, 3);
  EXPECT_EQ(report->vertices_merged, 1);
  EXPECT_EQ(report->edges_created, 2);
  EXPECT_EQ(report->edges_merged, 1);
  EXPECT_GT(report->bytes_written, 0u);
  loader.reset();

  EXPECT_TRUE(graph_->Verify().ok()) << graph_->Verify();
  std::unique_ptr<GraphReader> r = graph_->Snapshot();
  EXPECT_THAT(Drain(r->FindByAlias("미국")), ElementsAre(us));
  EXPECT_EQ(**r->FindVertexByKey("Country", "US"), us);
  EXPECT_THAT((*r->GetVertex(us))->Values("iso"), ElementsAre(Value("USA")));
  EXPECT_THAT((*r->GetVertex(acme))->labels, ElementsAre("Company", "Startup"));
  EXPECT_THAT(Drain(r->ScanVerticesWithLabel(*r->FindLabel("Startup"))), ElementsAre(acme));
  LabelId tariff = *r->FindLabel("IMPOSES_TARIFF");
  auto edge = r->GetEdge({us, tariff, ca, 0});
  ASSERT_TRUE(edge.ok() && edge->has_value());
  EXPECT_EQ(*(*edge)->Find("rate_pct"), Value(25.0));
  EXPECT_EQ(*(*edge)->Find("product"), Value("steel"));
  EXPECT_EQ(*r->Degree(us, Direction::kOut), 1);
  EXPECT_EQ(*r->Degree(us, Direction::kIn), 1);
  EXPECT_EQ(*r->CountVertices(r->FindLabel("Country")), 2);
  EXPECT_EQ(*r->CountEdges(), 2);

  // The graph takes ordinary writes afterwards, with fresh ids.
  VertexId later = 0;
  ASSERT_TRUE(graph_->Write([&](GraphTxn& txn) {
                      auto v = txn.UpsertVertex("Country", "MX", {});
                      later = v->id;
                      return v.status();
                    })
                  .ok());
  EXPECT_GT(later, acme);
  EXPECT_TRUE(graph_->Verify().ok());
}

TEST_P(BulkLoaderTest, MergesIntoExistingDataLikeUpserts) {
  VertexId us = 0, ca = 0;
  ASSERT_TRUE(graph_->DeclareIndex({"Country", "pop", Value::Type::kInt64}).ok());
  ASSERT_TRUE(graph_->Write([&](GraphTxn& txn) -> absl::Status {
                      us = txn.UpsertVertex("Country", "US", {{"name", Value("United States")},
                                                              {"pop", Value(330)}})->id;
                      ca = txn.UpsertVertex("Country", "CA", {})->id;
                      return txn.UpsertEdge(us, "NEIGHBOUR", ca, 0, {{"km", Value(8891)}}).status();
                    })
                  .ok());
  std::unique_ptr<BulkLoader> loader = Start();
  ASSERT_NE(loader, nullptr);
  EXPECT_EQ(*loader->UpsertVertex({"Country"}, "us", {{"pop", Value(335)},
                                                      {"name", Value("USA")}}),
            us);
  VertexId mx = *loader->UpsertVertex({"Country"}, "MX", {{"pop", Value(128)}});
  ASSERT_TRUE(loader->UpsertEdge(us, "NEIGHBOUR", ca, {{"open", Value(true)}}).ok());
  ASSERT_TRUE(loader->UpsertEdge(us, "NEIGHBOUR", mx, {}).ok());
  absl::StatusOr<BulkLoadReport> report = loader->Commit();
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->vertices_created, 1);
  EXPECT_EQ(report->vertices_merged, 1);
  EXPECT_EQ(report->edges_created, 1);
  EXPECT_EQ(report->edges_merged, 1);
  loader.reset();

  EXPECT_TRUE(graph_->Verify().ok()) << graph_->Verify();
  std::unique_ptr<GraphReader> r = graph_->Snapshot();
  EXPECT_THAT(Drain(r->IndexExact("Country", "pop", Value(335))), ElementsAre(us));
  EXPECT_THAT(Drain(r->IndexExact("Country", "pop", Value(330))), IsEmpty());
  EXPECT_THAT(Drain(r->IndexExact("Country", "pop", Value(128))), ElementsAre(mx));
  EXPECT_THAT(Drain(r->FindByAlias("USA")), ElementsAre(us));
  EXPECT_THAT(Drain(r->FindByAlias("United States")), IsEmpty());
  auto edge = r->GetEdge({us, *r->FindLabel("NEIGHBOUR"), ca, 0});
  EXPECT_EQ(*(*edge)->Find("km"), Value(8891));
  EXPECT_EQ(*(*edge)->Find("open"), Value(true));
  EXPECT_EQ(*r->CountVertices(), 3);
  EXPECT_EQ(*r->CountEdges(), 2);
  EXPECT_EQ(*r->Degree(us, Direction::kOut), 2);
}

TEST_P(BulkLoaderTest, AnUncommittedLoadWritesNothing) {
  {
    std::unique_ptr<BulkLoader> loader = Start();
    ASSERT_NE(loader, nullptr);
    VertexId a = *loader->UpsertVertex({"T"}, "a", {});
    ASSERT_TRUE(loader->UpsertEdge(a, "L", a, {}).ok());
  }
  std::unique_ptr<GraphReader> r = graph_->Snapshot();
  EXPECT_EQ(*r->CountVertices(), 0);
  EXPECT_FALSE(r->FindLabel("T").has_value());
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/.bulk"));
  EXPECT_TRUE(graph_->Write([](GraphTxn& txn) { return txn.UpsertVertex("T", "b", {}).status(); }).ok());
  EXPECT_TRUE(graph_->Verify().ok());
}

TEST_P(BulkLoaderTest, BadInputIsRefusedWithAClearError) {
  std::unique_ptr<BulkLoader> loader = Start();
  ASSERT_NE(loader, nullptr);
  EXPECT_EQ(loader->UpsertVertex({}, "k", {}).status().message(), "a vertex needs at least one label");
  EXPECT_EQ(loader->UpsertVertex({"T"}, "", {}).status().message(), "a bulk-loaded vertex needs a key");
  EXPECT_EQ(loader->UpsertVertex({"T"}, "k", {{"name", Value("bad\xC3")}}).status().message(),
            "value of property 'name' is not valid UTF-8");
}

TEST_P(BulkLoaderTest, ALargerRandomGraphMatchesTheSameGraphWrittenThroughTransactions) {
  // The same multigraph loaded in bulk and through upserts must give identical adjacency.
  std::string other_dir = dir_ + "_txn";
  std::filesystem::remove_all(other_dir);
  GraphOptions options;
  options.sync_writes = false;
  auto other = Graph::Open(other_dir, options);
  ASSERT_TRUE(other.ok());
  std::mt19937 rng(42);
  std::vector<std::tuple<int, int, int>> edges;
  for (int i = 0; i < 3000; ++i) edges.emplace_back(rng() % 200, rng() % 3, rng() % 200);

  std::unique_ptr<BulkLoader> loader = Start();
  std::map<int, VertexId> ids;
  for (int v = 0; v < 200; ++v) {
    ids[v] = *loader->UpsertVertex({"N"}, std::to_string(v), {{"name", Value("n" + std::to_string(v))}});
  }
  for (auto [a, l, b] : edges) {
    ASSERT_TRUE(loader->UpsertEdge(ids[a], "L" + std::to_string(l), ids[b], {}).ok());
  }
  ASSERT_TRUE(loader->Commit().ok());
  loader.reset();
  ASSERT_TRUE((*other)->Write([&](GraphTxn& txn) -> absl::Status {
                        std::map<int, VertexId> tids;
                        for (int v = 0; v < 200; ++v) {
                          tids[v] = txn.UpsertVertex("N", std::to_string(v),
                                                     {{"name", Value("n" + std::to_string(v))}})->id;
                        }
                        for (auto [a, l, b] : edges) {
                          auto e = txn.UpsertEdge(tids[a], "L" + std::to_string(l), tids[b], 0, {});
                          if (!e.ok()) return e.status();
                        }
                        return absl::OkStatus();
                      })
                  .ok());
  EXPECT_TRUE(graph_->Verify().ok()) << graph_->Verify();
  auto a = graph_->Stats();
  auto b = (*other)->Stats();
  EXPECT_EQ(a->vertices, b->vertices);
  EXPECT_EQ(a->edges, b->edges);
  EXPECT_EQ(a->edges_by_label, b->edges_by_label);
  std::unique_ptr<GraphReader> ra = graph_->Snapshot(), rb = (*other)->Snapshot();
  for (int v = 0; v < 200; v += 7) {
    VertexId va = **ra->FindVertexByKey("N", std::to_string(v));
    VertexId vb = **rb->FindVertexByKey("N", std::to_string(v));
    EXPECT_EQ(*ra->Degree(va, Direction::kOut), *rb->Degree(vb, Direction::kOut));
    EXPECT_EQ(*ra->Degree(va, Direction::kIn), *rb->Degree(vb, Direction::kIn));
  }
  ra.reset();
  rb.reset();  // readers must not outlive their graph
  other->reset();
  std::filesystem::remove_all(other_dir);
}

INSTANTIATE_TEST_SUITE_P(MemoryBudgets, BulkLoaderTest,
                         ::testing::Values(size_t{64} << 20, size_t{2048}),
                         [](const auto& info) {
                           return info.param > 4096 ? std::string("InMemory") : std::string("Spilling");
                         });

}  // namespace
}  // namespace kg::graph
