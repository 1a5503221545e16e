// Group commit in ingest/store.cc: Ingest writes up to 64 documents per Graph::Write, yet a
// document that fails writes nothing, every document before it stays written (in its own group
// or an earlier one), and none after it is written.
#include <filesystem>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "gtest/gtest.h"
#include "ingest/ingest.h"
#include "tests/graph/test_dir.h"

namespace kg::ingest {
namespace {

class StoreGroupTest : public kg::testing::FreshGraphTest {
 protected:
  // `n` documents naming the same country and mineral, with ids doc-0 ... doc-(n-1).
  std::vector<Extraction> Documents(int n) {
    auto bundle = Bundle::Load(KG_INGEST_TEST_DATA);
    EXPECT_TRUE(bundle.ok()) << bundle.status();
    Extractor extractor(*bundle);
    std::vector<Extraction> xs;
    for (int i = 0; i < n; ++i) {
      Document d;
      d.id = "doc-" + std::to_string(i);
      d.title = "기사 " + std::to_string(i);
      d.text = "※ ▲(칠레) 세계 리튬 매장량의 약 33% 보유";
      auto x = extractor.Extract(d);
      EXPECT_TRUE(x.ok()) << x.status();
      xs.push_back(*std::move(x));
    }
    return xs;
  }
};

TEST_F(StoreGroupTest, AFailureInTheSecondGroupKeepsTheFirstGroupAndItsOwnEarlierDocuments) {
  std::vector<Extraction> xs = Documents(70);
  // An entity without a name cannot be upserted: the store rejects document 66.
  xs[66].entities.push_back({"Company", "", {}, 1, "dict:companies", {}});
  auto report = Ingest(*graph_, xs);
  EXPECT_EQ(report.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(report.status().message().find("document doc-66:"), std::string::npos)
      << report.status();
  auto r = graph_->Snapshot();
  for (int i = 0; i < 70; ++i) {
    auto d = r->GetDocument("doc-" + std::to_string(i));
    ASSERT_TRUE(d.ok()) << d.status();
    EXPECT_EQ(d->has_value(), i < 66) << i;
  }
  EXPECT_EQ(graph_->Stats()->documents, 66);
  EXPECT_TRUE(graph_->Verify().ok()) << graph_->Verify();
  r.reset();
  // Without the bad document the rest goes in, and what was written is unchanged.
  xs.erase(xs.begin() + 66);
  auto again = Ingest(*graph_, xs);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->documents_unchanged, 66);
  EXPECT_EQ(again->documents_added, 3);
  EXPECT_TRUE(graph_->Verify().ok()) << graph_->Verify();
}

TEST_F(StoreGroupTest, OneGroupOrOneDocumentPerCallBuildTheSameGraph) {
  std::vector<Extraction> xs = Documents(70);
  auto together = Ingest(*graph_, xs);
  ASSERT_TRUE(together.ok()) << together.status();
  graph::GraphStats all = *graph_->Stats();
  graph_.reset();
  std::string dir = kg::testing::FreshTestDir("StoreGroupTest_one_by_one");
  auto g = kg::testing::OpenUnsyncedGraph(dir);
  ASSERT_TRUE(g.ok()) << g.status();
  for (const Extraction& x : xs) ASSERT_TRUE(Ingest(**g, {x}).ok());
  graph::GraphStats one_by_one = *(*g)->Stats();
  EXPECT_EQ(one_by_one.documents, all.documents);
  EXPECT_EQ(one_by_one.vertices, all.vertices);
  EXPECT_EQ(one_by_one.edges, all.edges);
  EXPECT_EQ(one_by_one.vertices_by_label, all.vertices_by_label);
  EXPECT_EQ(one_by_one.edges_by_label, all.edges_by_label);
  EXPECT_TRUE((*g)->Verify().ok());
  g->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace kg::ingest
