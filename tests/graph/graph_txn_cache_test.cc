// GraphTxn's per-transaction knowledge (vertex rows and unique keys read or written, the edges
// of vertices it created) must agree with what the transaction wrote: deletes and re-creations
// inside one transaction included.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "tests/graph/test_dir.h"

namespace kg::graph {
namespace {

using GraphTxnCacheTest = kg::testing::FreshGraphTest;

TEST_F(GraphTxnCacheTest, AVertexDeletedAndUpsertedAgainInOneWriteIsANewVertex) {
  VertexId first = 0;
  ASSERT_TRUE(graph_
                  ->Write([&](GraphTxn& txn) {
                    first = txn.UpsertVertex("C", "k", {{"name", Value("one")}})->id;
                    return absl::OkStatus();
                  })
                  .ok());
  VertexId second = 0;
  ASSERT_TRUE(graph_
                  ->Write([&](GraphTxn& txn) {
                    absl::StatusOr<UpsertResult> again = txn.UpsertVertex("C", "k", {});
                    EXPECT_TRUE(again.ok() && !again->created && again->id == first);
                    EXPECT_TRUE(txn.DeleteVertex(first).ok());
                    absl::StatusOr<UpsertResult> created =
                        txn.UpsertVertex("C", "k", {{"name", Value("two")}});
                    EXPECT_TRUE(created.ok() && created->created);
                    second = created->id;
                    EXPECT_NE(second, first);
                    auto row = txn.GetVertex(second);
                    EXPECT_TRUE(row.ok() && row->has_value());
                    EXPECT_EQ(txn.SetVertexProperty(first, {"name", Value("x")}).code(),
                              absl::StatusCode::kNotFound);
                    return absl::OkStatus();
                  })
                  .ok());
  auto snapshot = graph_->Snapshot();
  EXPECT_EQ(*snapshot->FindVertexByKey("C", "k"), std::optional<VertexId>(second));
  EXPECT_FALSE(snapshot->GetVertex(first)->has_value());
  EXPECT_TRUE(graph_->Verify().ok());
}

TEST_F(GraphTxnCacheTest, APropertyWrittenInTheWriteIsSeenByTheNextUpsert) {
  ASSERT_TRUE(graph_
                  ->Write([&](GraphTxn& txn) {
                    VertexId id = txn.UpsertVertex("C", "k", {{"name", Value("a")}})->id;
                    EXPECT_TRUE(txn.SetVertexProperty(id, {"name", Value("b")}).ok());
                    EXPECT_TRUE(txn.UpsertVertex("C", "k", {{"extra", Value(int64_t{1})}}).ok());
                    return absl::OkStatus();
                  })
                  .ok());
  auto id = graph_->Snapshot()->FindVertexByKey("C", "k");
  ASSERT_TRUE(id.ok() && id->has_value());
  auto v = graph_->Snapshot()->GetVertex(**id);
  ASSERT_TRUE(v.ok() && v->has_value());
  int found = 0;
  for (const VertexProperty& p : (*v)->properties) {
    if (p.key == "name") {
      EXPECT_TRUE(p.value == Value("b"));
      ++found;
    }
    if (p.key == "extra") {
      EXPECT_TRUE(p.value == Value(int64_t{1}));
      ++found;
    }
  }
  EXPECT_EQ(found, 2);
}

TEST_F(GraphTxnCacheTest, EdgesOfANewVertexAreCreatedOnceAndRecreatedAfterADelete) {
  VertexId old_vertex = 0;
  ASSERT_TRUE(graph_
                  ->Write([&](GraphTxn& txn) {
                    old_vertex = txn.UpsertVertex("C", "old", {})->id;
                    return absl::OkStatus();
                  })
                  .ok());
  ASSERT_TRUE(graph_
                  ->Write([&](GraphTxn& txn) {
                    VertexId fresh = txn.UpsertVertex("C", "new", {})->id;
                    absl::StatusOr<EdgeUpsertResult> a =
                        txn.UpsertEdge(fresh, "L", old_vertex, 0, {{"n", Value(int64_t{1})}});
                    EXPECT_TRUE(a.ok() && a->created);
                    absl::StatusOr<EdgeUpsertResult> b =
                        txn.UpsertEdge(fresh, "L", old_vertex, 0, {{"n", Value(int64_t{2})}});
                    EXPECT_TRUE(b.ok() && !b->created);
                    absl::StatusOr<EdgeUpsertResult> in =
                        txn.UpsertEdge(old_vertex, "L", fresh, 0, {});
                    EXPECT_TRUE(in.ok() && in->created);
                    EXPECT_TRUE(txn.DeleteEdge(a->key).ok());
                    absl::StatusOr<EdgeUpsertResult> c =
                        txn.UpsertEdge(fresh, "L", old_vertex, 0, {});
                    EXPECT_TRUE(c.ok() && c->created);
                    return absl::OkStatus();
                  })
                  .ok());
  auto snapshot = graph_->Snapshot();
  auto out = snapshot->ScanEdges(old_vertex, Direction::kIn, std::nullopt);
  int edges = 0;
  for (EdgeKey e; out->Next(&e);) ++edges;
  EXPECT_EQ(edges, 1);
  EXPECT_TRUE(graph_->Verify().ok()) << graph_->Verify();
}

TEST_F(GraphTxnCacheTest, GetVertexInAWriteSeesItsOwnChangesAndOnlyCommittedRows) {
  // A write reads vertices through its own rows, then the committed-row cache, then the store:
  // it must see exactly what a snapshot would plus its own changes, and an aborted write must
  // leave nothing behind for the next one.
  VertexId id = 0;
  const std::vector<PropertyWrite> props = {{"name", Value("a")},
                                            {"aliases", Value("A1"), Cardinality::kSet}};
  ASSERT_TRUE(graph_
                  ->Write([&](GraphTxn& txn) {
                    id = txn.UpsertVertex("C", "Key", props)->id;
                    return absl::OkStatus();
                  })
                  .ok());
  absl::StatusOr<std::optional<Vertex>> committed = graph_->Snapshot()->GetVertex(id);
  ASSERT_TRUE(committed.ok() && committed->has_value());
  auto same = [](const Vertex& a, const Vertex& b) {
    return a.id == b.id && a.labels == b.labels && a.key == b.key &&
           a.external_id == b.external_id && a.properties == b.properties;
  };
  absl::Status aborted = graph_->Write([&](GraphTxn& txn) {
    absl::StatusOr<std::optional<Vertex>> v = txn.GetVertex(id);
    EXPECT_TRUE(v.ok() && v->has_value() && same(**v, **committed));
    EXPECT_TRUE(txn.SetVertexProperty(id, {"name", Value("b")}).ok());
    EXPECT_TRUE(txn.AddVertexLabels(id, {"NewLabel"}).ok());  // a label this write creates
    v = txn.GetVertex(id);
    EXPECT_TRUE(v.ok() && v->has_value());
    if (v.ok() && v->has_value()) {
      EXPECT_EQ((*v)->labels, std::vector<std::string>({"C", "NewLabel"}));
      EXPECT_EQ((*v)->key, "key");
      EXPECT_EQ((*v)->Values("name"), std::vector<Value>({Value("b")}));
      EXPECT_EQ((*v)->Values("aliases"), std::vector<Value>({Value("A1")}));
    }
    EXPECT_TRUE(txn.DeleteVertex(id).ok());
    v = txn.GetVertex(id);
    EXPECT_TRUE(v.ok() && !v->has_value());
    EXPECT_TRUE(txn.GetVertex(id + 1000)->has_value() == false);
    return absl::AbortedError("rolled back");
  });
  EXPECT_EQ(aborted.code(), absl::StatusCode::kAborted);
  ASSERT_TRUE(graph_
                  ->Write([&](GraphTxn& txn) {
                    absl::StatusOr<std::optional<Vertex>> v = txn.GetVertex(id);
                    EXPECT_TRUE(v.ok() && v->has_value() && same(**v, **committed));
                    return absl::OkStatus();
                  })
                  .ok());
}

}  // namespace
}  // namespace kg::graph
