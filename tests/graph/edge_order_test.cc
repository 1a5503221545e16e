// Edge order (format 4): a vertex's out-edges of one label list in creation order, as
// TinkerGraph lists them, whatever the ids of the other ends; in-edges by source id, then
// creation order among one source's edges. See graph/README.md, "Edge order".
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "graph/bulk_loader.h"
#include "graph/graph.h"
#include "tests/graph/test_dir.h"

namespace kg::graph {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;

class EdgeOrderTest : public kg::testing::FreshGraphTest {
 protected:
  // Vertices "v0".."v{n-1}", created in that order, so their ids ascend with the index.
  std::vector<VertexId> AddVertices(int n) {
    std::vector<VertexId> ids;
    EXPECT_TRUE(graph_
                    ->Write([&](GraphTxn& txn) -> absl::Status {
                      for (int i = 0; i < n; ++i) {
                        absl::StatusOr<UpsertResult> r =
                            txn.UpsertVertex("V", "v" + std::to_string(i), {});
                        if (!r.ok()) return r.status();
                        ids.push_back(r->id);
                      }
                      return absl::OkStatus();
                    })
                    .ok());
    return ids;
  }

  EdgeKey Add(VertexId src, std::string_view label, VertexId dst) {
    EdgeKey key;
    absl::Status s = graph_->Write([&](GraphTxn& txn) -> absl::Status {
      absl::StatusOr<EdgeKey> k = txn.AddEdge(src, label, dst, Value(), {});
      if (!k.ok()) return k.status();
      key = *k;
      return absl::OkStatus();
    });
    EXPECT_TRUE(s.ok()) << s;
    return key;
  }

  std::vector<EdgeKey> Scan(VertexId v, Direction d, std::optional<std::string> label = {}) {
    std::unique_ptr<GraphReader> r = graph_->Snapshot();
    std::optional<LabelId> lid;
    if (label) lid = r->FindLabel(*label);
    return kg::testing::Drain(r->ScanEdges(v, d, lid));
  }

  static std::vector<VertexId> Ends(const std::vector<EdgeKey>& edges, Direction d) {
    std::vector<VertexId> out;
    for (const EdgeKey& e : edges) out.push_back(d == Direction::kOut ? e.dst : e.src);
    return out;
  }
};

// The TinkerPop modern graph's josh: created ripple (id 5) before lop (id 3).
TEST_F(EdgeOrderTest, OutEdgesOfALabelListInCreationOrderNotByTheOtherEndsId) {
  std::vector<VertexId> v = AddVertices(4);
  EdgeKey first = Add(v[0], "created", v[3]);
  EdgeKey second = Add(v[0], "created", v[1]);
  EdgeKey third = Add(v[0], "created", v[2]);
  EXPECT_THAT(Scan(v[0], Direction::kOut, "created"), ElementsAre(first, second, third));
  EXPECT_THAT(Scan(v[0], Direction::kOut), ElementsAre(first, second, third));
  std::unique_ptr<GraphReader> r = graph_->Snapshot();
  EXPECT_THAT(kg::testing::Drain(r->ScanAllEdges()), ElementsAre(first, second, third));
  EXPECT_TRUE(graph_->Verify().ok()) << graph_->Verify();
}

TEST_F(EdgeOrderTest, LabelsListInTheOrderTheyWereFirstUsedThenCreationOrder) {
  std::vector<VertexId> v = AddVertices(4);
  EdgeKey a1 = Add(v[0], "knows", v[3]);
  EdgeKey b1 = Add(v[0], "created", v[1]);
  EdgeKey a2 = Add(v[0], "knows", v[2]);
  EdgeKey b2 = Add(v[0], "created", v[1]);  // a parallel edge
  EXPECT_THAT(Scan(v[0], Direction::kOut), ElementsAre(a1, a2, b1, b2));
}

TEST_F(EdgeOrderTest, InEdgesListBySourceThenCreationOrder) {
  std::vector<VertexId> v = AddVertices(4);
  EdgeKey from3 = Add(v[3], "L", v[0]);
  EdgeKey from1a = Add(v[1], "L", v[0]);
  EdgeKey from2 = Add(v[2], "L", v[0]);
  EdgeKey from1b = Add(v[1], "L", v[0]);
  EXPECT_THAT(Scan(v[0], Direction::kIn, "L"), ElementsAre(from1a, from1b, from2, from3));
}

TEST_F(EdgeOrderTest, EdgesCreatedInOneTransactionKeepTheirOrder) {
  std::vector<VertexId> v = AddVertices(6);
  std::vector<EdgeKey> made;
  ASSERT_TRUE(graph_
                  ->Write([&](GraphTxn& txn) -> absl::Status {
                    for (int i : {5, 2, 4, 1, 3}) {
                      absl::StatusOr<EdgeKey> k = txn.AddEdge(v[0], "L", v[i], Value(), {});
                      if (!k.ok()) return k.status();
                      made.push_back(*k);
                    }
                    // Inside the transaction too, before the commit.
                    std::vector<VertexId> seen;
                    for (const EdgeKey& e :
                         kg::testing::Drain(txn.ScanEdges(v[0], Direction::kOut)))
                      seen.push_back(e.dst);
                    EXPECT_THAT(seen, ElementsAre(v[5], v[2], v[4], v[1], v[3]));
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_THAT(Scan(v[0], Direction::kOut), ElementsAreArray(made));
}

// Upserted edges name their rank: among edges of one rank, the other end's id decides.
TEST_F(EdgeOrderTest, UpsertedEdgesOfOneRankListByTheOtherEndsId) {
  std::vector<VertexId> v = AddVertices(3);
  ASSERT_TRUE(graph_
                  ->Write([&](GraphTxn& txn) -> absl::Status {
                    for (int i : {2, 1}) {
                      if (absl::Status s = txn.UpsertEdge(v[0], "L", v[i], 0, {}).status(); !s.ok())
                        return s;
                    }
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_THAT(Ends(Scan(v[0], Direction::kOut), Direction::kOut), ElementsAre(v[1], v[2]));
}

// The bulk loader upserts with rank 0 (bulk_loader.h): its out-edges list by the other end's id,
// in format 4's key layout, which the loader builds in place of layout::AdjKey.
TEST_F(EdgeOrderTest, BulkLoadedEdgesHaveRankZeroAndListByTheOtherEndsId) {
  std::vector<VertexId> v;
  {
    absl::StatusOr<std::unique_ptr<BulkLoader>> loader = graph_->StartBulkLoad({});
    ASSERT_TRUE(loader.ok()) << loader.status();
    for (int i = 0; i < 4; ++i) {
      absl::StatusOr<VertexId> id = (*loader)->UpsertVertex({"V"}, "v" + std::to_string(i), {});
      ASSERT_TRUE(id.ok());
      v.push_back(*id);
    }
    for (int i : {3, 1, 2, 1}) {  // the second 0->1 merges into the first
      ASSERT_TRUE((*loader)->UpsertEdge(v[0], "L", v[i], {{"n", Value(int64_t{i})}}).ok());
    }
    ASSERT_TRUE((*loader)->UpsertEdge(v[2], "L", v[0], {}).ok());
    ASSERT_TRUE((*loader)->Commit().ok());
  }
  std::vector<EdgeKey> out = Scan(v[0], Direction::kOut);
  EXPECT_THAT(Ends(out, Direction::kOut), ElementsAre(v[1], v[2], v[3]));
  for (const EdgeKey& e : out) EXPECT_EQ(e.rank, 0u);
  EXPECT_THAT(Ends(Scan(v[0], Direction::kIn), Direction::kIn), ElementsAre(v[2]));
  std::unique_ptr<GraphReader> r = graph_->Snapshot();
  absl::StatusOr<std::optional<Edge>> e = r->GetEdge(EdgeKey{v[0], out[0].label, v[3], 0});
  ASSERT_TRUE(e.ok() && e->has_value());
  EXPECT_EQ(*(*e)->Find("n"), Value(int64_t{3}));
  EXPECT_TRUE(graph_->Verify().ok()) << graph_->Verify();
}

// A hub whose edges arrive in shuffled order over many transactions, some deleted: the scan
// returns exactly the live ones in creation order, and a lookup by full key still finds each.
TEST_F(EdgeOrderTest, AHubListsItsEdgesInCreationOrder) {
  constexpr int kSpokes = 3000;
  std::vector<VertexId> v = AddVertices(kSpokes + 1);
  std::vector<int> order(kSpokes);
  for (int i = 0; i < kSpokes; ++i) order[i] = i + 1;
  std::shuffle(order.begin(), order.end(), std::mt19937(7));
  std::vector<EdgeKey> made;
  for (int batch = 0; batch < kSpokes; batch += 500) {
    ASSERT_TRUE(graph_
                    ->Write([&](GraphTxn& txn) -> absl::Status {
                      for (int i = batch; i < batch + 500; ++i) {
                        absl::StatusOr<EdgeKey> k = txn.AddEdge(v[0], "L", v[order[i]], Value(),
                                                                {{"n", Value(int64_t{i})}});
                        if (!k.ok()) return k.status();
                        made.push_back(*k);
                      }
                      return absl::OkStatus();
                    })
                    .ok());
  }
  std::vector<EdgeKey> live;
  ASSERT_TRUE(graph_
                  ->Write([&](GraphTxn& txn) -> absl::Status {
                    for (size_t i = 0; i < made.size(); ++i) {
                      if (i % 7 == 3) {
                        if (absl::Status s = txn.DeleteEdge(made[i]); !s.ok()) return s;
                      } else {
                        live.push_back(made[i]);
                      }
                    }
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_EQ(Scan(v[0], Direction::kOut, "L"), live);
  std::unique_ptr<GraphReader> r = graph_->Snapshot();
  for (size_t i : {size_t{0}, size_t{1}, size_t{999}, made.size() - 2}) {  // not deleted
    absl::StatusOr<std::optional<Edge>> e = r->GetEdge(made[i]);
    ASSERT_TRUE(e.ok() && e->has_value()) << i;
    EXPECT_EQ(*(*e)->Find("n"), Value(static_cast<int64_t>(i)));
  }
  EXPECT_EQ(*r->Degree(v[0], Direction::kOut), static_cast<int64_t>(live.size()));
  EXPECT_TRUE(graph_->Verify().ok()) << graph_->Verify();
}

// An edge's identity and its Gremlin id string are the same whichever key it is stored under.
TEST_F(EdgeOrderTest, AnEdgeIsFoundByItsExternalIdAndItsKeyString) {
  std::vector<VertexId> v = AddVertices(2);
  EdgeKey key;
  ASSERT_TRUE(graph_
                  ->Write([&](GraphTxn& txn) -> absl::Status {
                    absl::StatusOr<EdgeKey> k =
                        txn.AddEdge(v[1], "L", v[0], Value(int64_t{11}), {});
                    if (!k.ok()) return k.status();
                    key = *k;
                    return absl::OkStatus();
                  })
                  .ok());
  std::unique_ptr<GraphReader> r = graph_->Snapshot();
  absl::StatusOr<std::optional<EdgeKey>> found = r->FindEdgeByExternalId(Value(int64_t{11}));
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ(**found, key);
  EXPECT_EQ(key.ToString(), absl::StrCat(v[1], ":", key.label, ":", v[0], ":", key.rank));
  EdgeKey parsed;
  ASSERT_TRUE(EdgeKey::Parse(key.ToString(), &parsed));
  EXPECT_EQ(parsed, key);
}

}  // namespace
}  // namespace kg::graph
