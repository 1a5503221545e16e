// A vertex without labels (TinkerPop's ZERO_OR_MORE vertex label cardinality): stored, counted,
// found and deleted like any other, with no label-membership entry and no unique key.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "tests/graph/test_dir.h"

namespace kg::graph {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

using kg::testing::Drain;

class ZeroLabelVertexTest : public kg::testing::FreshGraphTest {
 protected:
  // Adds a vertex with `labels` (maybe none) and a name; returns its id.
  VertexId Add(std::vector<std::string> labels, const std::string& name) {
    VertexId id = 0;
    absl::Status s = graph_->Write([&](GraphTxn& txn) -> absl::Status {
      auto r = txn.AddVertex(labels, "", Value(), {{"name", Value(name)}});
      if (!r.ok()) return r.status();
      id = *r;
      return absl::OkStatus();
    });
    EXPECT_TRUE(s.ok()) << s;
    return id;
  }

  void ExpectValid() {
    absl::Status s = graph_->Verify();
    EXPECT_TRUE(s.ok()) << s;
  }
};

TEST_F(ZeroLabelVertexTest, IsStoredWithoutLabelsAndFoundByScanAndName) {
  VertexId person = Add({"person"}, "marko");
  VertexId nobody = Add({}, "nobody");
  ExpectValid();

  auto r = graph_->Snapshot();
  auto v = r->GetVertex(nobody);
  ASSERT_TRUE(v.ok() && v->has_value());
  EXPECT_THAT((*v)->labels, IsEmpty());
  EXPECT_THAT((*v)->Values("name"), ElementsAre(Value("nobody")));
  EXPECT_THAT(Drain(r->ScanVertices()), UnorderedElementsAre(person, nobody));
  // No label-membership entry: the label scan of the only label sees the labelled vertex alone.
  EXPECT_THAT(Drain(r->ScanVerticesWithLabel(*r->FindLabel("person"))), ElementsAre(person));
  // The name index finds it by name alone, never under a label.
  EXPECT_THAT(Drain(r->FindByAlias("nobody")), ElementsAre(nobody));
  EXPECT_THAT(Drain(r->FindByAlias("nobody", r->FindLabel("person"))), IsEmpty());
}

TEST_F(ZeroLabelVertexTest, CountsOnlyTheTotal) {
  Add({"person"}, "marko");
  Add({}, "nobody");
  Add({}, "nobody else");
  auto r = graph_->Snapshot();
  EXPECT_EQ(*r->CountVertices(), 3);
  EXPECT_EQ(*r->CountVertices(r->FindLabel("person")), 1);
  auto stats = graph_->Stats();
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->vertices, 3);
  EXPECT_THAT(stats->vertices_by_label,
              ElementsAre(std::make_pair(std::string("person"), int64_t{1})));
}

TEST_F(ZeroLabelVertexTest, CanBeDeleted) {
  VertexId nobody = Add({}, "nobody");
  ASSERT_TRUE(graph_->Write([&](GraphTxn& txn) { return txn.DeleteVertex(nobody); }).ok());
  ExpectValid();
  auto r = graph_->Snapshot();
  auto v = r->GetVertex(nobody);
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->has_value());
  EXPECT_EQ(*r->CountVertices(), 0);
  EXPECT_THAT(Drain(r->FindByAlias("nobody")), IsEmpty());
}

TEST_F(ZeroLabelVertexTest, GainingALabelMovesItsNameUnderTheLabel) {
  VertexId nobody = Add({}, "nobody");
  ASSERT_TRUE(
      graph_->Write([&](GraphTxn& txn) { return txn.AddVertexLabels(nobody, {"person"}); }).ok());
  ExpectValid();
  auto r = graph_->Snapshot();
  EXPECT_THAT(Drain(r->ScanVerticesWithLabel(*r->FindLabel("person"))), ElementsAre(nobody));
  EXPECT_THAT(Drain(r->FindByAlias("nobody", r->FindLabel("person"))), ElementsAre(nobody));
  EXPECT_EQ(*r->CountVertices(r->FindLabel("person")), 1);
}

TEST_F(ZeroLabelVertexTest, AKeyNeedsALabelAndTheFailedWriteLeavesNothing) {
  absl::Status s = graph_->Write([&](GraphTxn& txn) -> absl::Status {
    return txn.AddVertex({}, "nobody", Value(), {}).status();
  });
  EXPECT_EQ(s, absl::InvalidArgumentError("a vertex with a key needs at least one label"));
  auto r = graph_->Snapshot();
  EXPECT_EQ(*r->CountVertices(), 0);
  ExpectValid();
}

}  // namespace
}  // namespace kg::graph
