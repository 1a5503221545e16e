#include "graph/graph.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "graph/kv/rocksdb_store.h"
#include "graph/layout.h"
#include "tests/graph/test_dir.h"

namespace kg::graph {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

class TempDir {
 public:
  TempDir() {
    path_ = std::filesystem::temp_directory_path() /
            ("kg_graph_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++));
    std::filesystem::remove_all(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string path() const { return path_.string(); }
  std::string sub(const std::string& name) const { return (path_ / name).string(); }

 private:
  static inline int counter_ = 0;
  std::filesystem::path path_;
};

Document Doc(std::string id) {
  Document d;
  d.id = id;
  d.title = id;
  return d;
}

Evidence Ev(std::string doc_id, std::string rule = "", uint32_t begin = 0, uint32_t end = 0,
            double confidence = 1.0) {
  Evidence e;
  e.doc_id = std::move(doc_id);
  e.rule = std::move(rule);
  e.begin = begin;
  e.end = end;
  e.confidence = confidence;
  return e;
}

using kg::testing::Drain;

class GraphTest : public ::testing::Test {
 protected:
  void SetUp() override {
    GraphOptions options;
    options.sync_writes = false;
    absl::StatusOr<std::unique_ptr<Graph>> g = Graph::Open(dir_.path(), options);
    ASSERT_TRUE(g.ok()) << g.status();
    graph_ = *std::move(g);
  }

  VertexId Upsert(std::string_view label, std::string_view key,
                  std::vector<PropertyWrite> props = {}) {
    VertexId id = 0;
    absl::Status s = graph_->Write([&](GraphTxn& txn) -> absl::Status {
      absl::StatusOr<UpsertResult> r = txn.UpsertVertex(label, key, props);
      if (!r.ok()) return r.status();
      id = r->id;
      return absl::OkStatus();
    });
    EXPECT_TRUE(s.ok()) << s;
    return id;
  }

  EdgeKey Link(VertexId a, std::string_view label, VertexId b, uint64_t rank = 0,
               std::vector<PropertyWrite> props = {}) {
    EdgeKey key;
    absl::Status s = graph_->Write([&](GraphTxn& txn) -> absl::Status {
      absl::StatusOr<EdgeUpsertResult> r = txn.UpsertEdge(a, label, b, rank, props);
      if (!r.ok()) return r.status();
      key = r->key;
      return absl::OkStatus();
    });
    EXPECT_TRUE(s.ok()) << s;
    return key;
  }

  std::vector<VertexId> Neighbours(VertexId v, Direction d, std::optional<std::string> label = {}) {
    std::unique_ptr<GraphReader> r = graph_->Snapshot();
    std::optional<LabelId> lid;
    if (label) {
      lid = r->FindLabel(*label);
      if (!lid) return {};
    }
    std::vector<VertexId> out;
    for (const EdgeKey& e : Drain(r->ScanEdges(v, d, lid))) {
      out.push_back(d == Direction::kOut ? e.dst : e.src);
    }
    return out;
  }

  void ExpectValid() { EXPECT_TRUE(graph_->Verify().ok()) << graph_->Verify(); }

  TempDir dir_;
  std::unique_ptr<Graph> graph_;
};

TEST_F(GraphTest, UpsertIsKeyedByLabelAndCanonicalKeyAndMergesProperties) {
  VertexId a = Upsert("Company", "NVIDIA", {{"name", Value("NVIDIA")}, {"founded", Value(1993)}});
  VertexId b = Upsert("Company", "  Ｎｖｉｄｉａ ", {{"ceo", Value("Jensen Huang")}});
  EXPECT_EQ(a, b);
  VertexId other_label = Upsert("Product", "NVIDIA");
  EXPECT_NE(other_label, a);

  std::unique_ptr<GraphReader> r = graph_->Snapshot();
  absl::StatusOr<std::optional<Vertex>> v = r->GetVertex(a);
  ASSERT_TRUE(v.ok() && v->has_value());
  EXPECT_EQ((*v)->key, "nvidia");
  EXPECT_THAT((*v)->labels, ElementsAre("Company"));
  EXPECT_THAT((*v)->Values("name"), ElementsAre(Value("NVIDIA")));
  EXPECT_THAT((*v)->Values("founded"), ElementsAre(Value(1993)));
  EXPECT_THAT((*v)->Values("ceo"), ElementsAre(Value("Jensen Huang")));
  EXPECT_EQ(*r->CountVertices(r->FindLabel("Company")), 1);
  EXPECT_EQ(*r->CountVertices(), 2);
  ExpectValid();
}

TEST_F(GraphTest, CardinalityControlsHowPropertyValuesMerge) {
  VertexId v = Upsert("Person", "p", {{"tag", Value("a")}});
  ASSERT_TRUE(graph_->Write([&](GraphTxn& txn) -> absl::Status {
                      if (auto s = txn.SetVertexProperty(v, {"tag", Value("b"), Cardinality::kList});
                          !s.ok())
                        return s;
                      if (auto s = txn.SetVertexProperty(v, {"tag", Value("b"), Cardinality::kSet});
                          !s.ok())
                        return s;
                      return txn.SetVertexProperty(v, {"tag", Value("a"), Cardinality::kList});
                    })
                  .ok());
  std::unique_ptr<GraphReader> r = graph_->Snapshot();
  EXPECT_THAT((*r->GetVertex(v))->Values("tag"), ElementsAre(Value("a"), Value("b"), Value("a")));
  ASSERT_TRUE(graph_->Write([&](GraphTxn& txn) {
                      return txn.SetVertexProperty(v, {"tag", Value("z")});
                    })
                  .ok());
  r = graph_->Snapshot();
  EXPECT_THAT((*r->GetVertex(v))->Values("tag"), ElementsAre(Value("z")));
  ASSERT_TRUE(graph_->Write([&](GraphTxn& txn) { return txn.RemoveVertexProperty(v, "tag"); }).ok());
  r = graph_->Snapshot();
  EXPECT_THAT((*r->GetVertex(v))->Values("tag"), IsEmpty());
}

TEST_F(GraphTest, EdgesAreStoredInBothDirectionsAndUpsertMergesByRank) {
  VertexId us = Upsert("Country", "United States");
  VertexId ca = Upsert("Country", "Canada");
  VertexId mx = Upsert("Country", "Mexico");
  EdgeKey e1 = Link(us, "IMPOSES_TARIFF", ca, 0, {{"rate_pct", Value(25.0)}});
  EdgeKey again = Link(us, "IMPOSES_TARIFF", ca, 0, {{"product", Value("all")}});
  EXPECT_EQ(e1, again);
  Link(us, "IMPOSES_TARIFF", ca, 1, {{"rate_pct", Value(10.0)}});  // a parallel edge
  Link(us, "IMPOSES_TARIFF", mx);
  Link(ca, "PARTNERS_WITH", us);

  // By rank, then dst: rank 0's two edges, then the parallel edge of rank 1.
  EXPECT_THAT(Neighbours(us, Direction::kOut, "IMPOSES_TARIFF"), ElementsAre(ca, mx, ca));
  EXPECT_THAT(Neighbours(ca, Direction::kIn), ElementsAre(us, us));
  EXPECT_THAT(Neighbours(us, Direction::kIn), ElementsAre(ca));
  EXPECT_THAT(Neighbours(us, Direction::kOut, "NO_SUCH_LABEL"), IsEmpty());

  std::unique_ptr<GraphReader> r = graph_->Snapshot();
  absl::StatusOr<std::optional<Edge>> edge = r->GetEdge(e1);
  ASSERT_TRUE(edge.ok() && edge->has_value());
  EXPECT_EQ((*edge)->label, "IMPOSES_TARIFF");
  ASSERT_NE((*edge)->Find("rate_pct"), nullptr);
  EXPECT_EQ(*(*edge)->Find("rate_pct"), Value(25.0));
  EXPECT_EQ(*(*edge)->Find("product"), Value("all"));
  LabelId tariff = *r->FindLabel("IMPOSES_TARIFF");
  EXPECT_EQ(*r->CountEdges(tariff), 3);
  EXPECT_EQ(*r->CountEdges(), 4);
  EXPECT_EQ(*r->Degree(us, Direction::kOut, tariff), 3);
  EXPECT_EQ(*r->Degree(us, Direction::kOut), 3);
  EXPECT_EQ(*r->Degree(ca, Direction::kIn), 2);
  ExpectValid();
}

TEST_F(GraphTest, AddEdgeCreatesParallelEdgesWithFreshRanks) {
  VertexId a = Upsert("P", "a"), b = Upsert("P", "b");
  std::vector<EdgeKey> keys;
  ASSERT_TRUE(graph_->Write([&](GraphTxn& txn) -> absl::Status {
                      for (int i = 0; i < 3; ++i) {
                        absl::StatusOr<EdgeKey> k = txn.AddEdge(a, "knows", b, Value(), {});
                        if (!k.ok()) return k.status();
                        keys.push_back(*k);
                      }
                      return absl::OkStatus();
                    })
                  .ok());
  EXPECT_NE(keys[0].rank, keys[1].rank);
  EXPECT_NE(keys[1].rank, keys[2].rank);
  EXPECT_THAT(Neighbours(a, Direction::kOut), ElementsAre(b, b, b));
  absl::Status missing = graph_->Write(
      [&](GraphTxn& txn) { return txn.AddEdge(a, "knows", 999999, Value(), {}).status(); });
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(missing.message(), "vertex 999999 does not exist");
}

// A transaction sums its edges' counter additions before writing them (graph_txn.h); its own
// count reads still see every edge it created or deleted, and the sums it commits are exact.
TEST_F(GraphTest, ATransactionCountsItsOwnEdgesBeforeAndAfterItCommits) {
  VertexId a = Upsert("P", "a"), b = Upsert("P", "b"), c = Upsert("P", "c");
  Link(a, "knows", b);
  ASSERT_TRUE(graph_
                  ->Write([&](GraphTxn& txn) -> absl::Status {
                    absl::StatusOr<EdgeKey> ac = txn.AddEdge(a, "knows", c, Value(), {});
                    if (!ac.ok()) return ac.status();
                    if (auto r = txn.UpsertEdge(c, "likes", a, 0, {}); !r.ok()) return r.status();
                    LabelId knows = *txn.FindLabel("knows"), likes = *txn.FindLabel("likes");
                    EXPECT_EQ(*txn.Degree(a, Direction::kOut, knows), 2);
                    EXPECT_EQ(*txn.Degree(a, Direction::kOut), 2);
                    EXPECT_EQ(*txn.Degree(a, Direction::kIn, likes), 1);
                    EXPECT_EQ(*txn.CountEdges(knows), 2);
                    EXPECT_EQ(*txn.CountEdges(), 3);
                    // An edge created and deleted here leaves every counter as it was.
                    absl::StatusOr<EdgeKey> bc = txn.AddEdge(b, "knows", c, Value(), {});
                    if (!bc.ok()) return bc.status();
                    if (absl::Status s = txn.DeleteEdge(*bc); !s.ok()) return s;
                    if (absl::Status s = txn.DeleteEdge(*ac); !s.ok()) return s;
                    EXPECT_EQ(*txn.Degree(a, Direction::kOut, knows), 1);
                    EXPECT_EQ(*txn.Degree(b, Direction::kOut), 0);
                    EXPECT_EQ(*txn.Degree(c, Direction::kIn), 0);
                    EXPECT_EQ(*txn.CountEdges(knows), 1);
                    return absl::OkStatus();
                  })
                  .ok());
  std::unique_ptr<GraphReader> r = graph_->Snapshot();
  LabelId knows = *r->FindLabel("knows"), likes = *r->FindLabel("likes");
  EXPECT_EQ(*r->Degree(a, Direction::kOut, knows), 1);
  EXPECT_EQ(*r->Degree(c, Direction::kOut, likes), 1);
  EXPECT_EQ(*r->Degree(a, Direction::kIn), 1);
  EXPECT_EQ(*r->Degree(c, Direction::kIn), 0);
  EXPECT_EQ(*r->CountEdges(knows), 1);
  EXPECT_EQ(*r->CountEdges(likes), 1);
  EXPECT_EQ(*r->CountEdges(), 2);
  r.reset();
  ExpectValid();
}

TEST_F(GraphTest, DeleteVertexCascadesToEdgesIndexesCountsAndProvenance) {
  VertexId us = Upsert("Country", "US", {{"name", Value("United States")},
                                         {"aliases", Value::List({"미국", "美"})}});
  VertexId ca = Upsert("Country", "Canada");
  Link(us, "IMPOSES_TARIFF", ca);
  Link(ca, "PARTNERS_WITH", us);
  Link(us, "SELF", us);
  ASSERT_TRUE(graph_->Write([&](GraphTxn& txn) -> absl::Status {
                      if (auto s = txn.PutDocument(Doc("d1")); !s.ok()) return s;
                      return txn.AddEvidence(us, Ev("d1"));
                    })
                  .ok());
  ASSERT_TRUE(graph_->Write([&](GraphTxn& txn) { return txn.DeleteVertex(us); }).ok());

  std::unique_ptr<GraphReader> r = graph_->Snapshot();
  EXPECT_FALSE(r->GetVertex(us)->has_value());
  EXPECT_THAT(Neighbours(ca, Direction::kIn), IsEmpty());
  EXPECT_THAT(Neighbours(ca, Direction::kOut), IsEmpty());
  EXPECT_THAT(Drain(r->FindByAlias("미국")), IsEmpty());
  EXPECT_FALSE(r->FindVertexByKey("Country", "US")->has_value());
  EXPECT_EQ(*r->CountEdges(), 0);
  EXPECT_EQ(*r->CountVertices(r->FindLabel("Country")), 1);
  EXPECT_EQ(*r->Degree(ca, Direction::kIn), 0);
  EXPECT_THAT(Drain(r->ScanSupported("d1")), IsEmpty());
  ExpectValid();
  // The key is free again.
  EXPECT_NE(Upsert("Country", "US"), us);
}

TEST_F(GraphTest, AliasIndexFindsAnyNameNormalisedAcrossLabels) {
  VertexId us = Upsert("Country", "United States",
                       {{"name", Value("United States")},
                        {"aliases", Value::List({"미국", "美", "USA"})}});
  VertexId nv = Upsert("Company", "NVIDIA", {{"name", Value("NVIDIA")},
                                              {"aliases", Value::List({"엔비디아"})}});
  VertexId un = Upsert("Organization", "UN", {{"name", Value("United Nations")}});
  std::unique_ptr<GraphReader> r = graph_->Snapshot();
  EXPECT_THAT(Drain(r->FindByAlias("美")), ElementsAre(us));
  EXPECT_THAT(Drain(r->FindByAlias("usa")), ElementsAre(us));
  EXPECT_THAT(Drain(r->FindByAlias("  united   STATES ")), ElementsAre(us));
  EXPECT_THAT(Drain(r->FindByAlias("Ｎｖｉｄｉａ")), ElementsAre(nv));
  EXPECT_THAT(Drain(r->FindByAlias("엔비디아", r->FindLabel("Company"))), ElementsAre(nv));
  EXPECT_THAT(Drain(r->FindByAlias("엔비디아", r->FindLabel("Country"))), IsEmpty());
  EXPECT_THAT(Drain(r->FindByAlias("nobody")), IsEmpty());

  std::vector<std::pair<std::string, VertexId>> hits;
  for (const AliasHit& h : Drain(r->SearchAliasPrefix("UNI"))) {
    hits.emplace_back(h.normalized_alias, h.id);
  }
  EXPECT_THAT(hits, ElementsAre(std::make_pair("united nations", un),
                                std::make_pair("united states", us)));

  // Removing one alias keeps the others; an alias also held by the name survives.
  ASSERT_TRUE(graph_->Write([&](GraphTxn& txn) {
                      return txn.SetVertexProperty(us, {"aliases", Value::List({"United States"})});
                    })
                  .ok());
  r = graph_->Snapshot();
  EXPECT_THAT(Drain(r->FindByAlias("美")), IsEmpty());
  EXPECT_THAT(Drain(r->FindByAlias("united states")), ElementsAre(us));
  ExpectValid();
}

TEST_F(GraphTest, DeclaredIndexesAnswerExactRangeAndPrefixInValueOrder) {
  VertexId a = Upsert("Country", "A", {{"share", Value(22)}, {"code", Value("IDN")}});
  VertexId b = Upsert("Country", "B", {{"share", Value(5.5)}, {"code", Value("PHL")}});
  VertexId c = Upsert("Country", "C", {{"share", Value(int64_t{18})}, {"code", Value("PAK")}});
  Upsert("Mineral", "D", {{"share", Value(50)}});  // another label: not in the index
  ASSERT_TRUE(graph_->DeclareIndex({"Country", "share", Value::Type::kDouble}).ok());
  ASSERT_TRUE(graph_->DeclareIndex({"Country", "code", Value::Type::kString}).ok());
  VertexId d = Upsert("Country", "E", {{"share", Value(-1)}, {"code", Value("PA")}});

  std::unique_ptr<GraphReader> r = graph_->Snapshot();
  EXPECT_THAT(Drain(r->IndexExact("Country", "share", Value(22.0))), ElementsAre(a));
  EXPECT_THAT(Drain(r->IndexExact("Country", "share", Value(22))), ElementsAre(a));
  EXPECT_THAT(Drain(r->IndexRange("Country", "share", {Value(5.5), true, Value(22), false})),
              ElementsAre(b, c));
  EXPECT_THAT(Drain(r->IndexRange("Country", "share", {Value(5.5), false, Value(22), true})),
              ElementsAre(c, a));
  EXPECT_THAT(Drain(r->IndexRange("Country", "share", {std::nullopt, true, std::nullopt, false})),
              ElementsAre(d, b, c, a));
  EXPECT_THAT(Drain(r->IndexPrefix("Country", "code", "PA")), ElementsAre(d, c));
  EXPECT_THAT(Drain(r->IndexExact("Country", "code", Value("PA"))), ElementsAre(d));

  std::unique_ptr<VertexIdStream> bad = r->IndexExact("Country", "nope", Value(1));
  VertexId ignored;
  EXPECT_FALSE(bad->Next(&ignored));
  EXPECT_EQ(bad->status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad->status().message(), "no index is declared on Country.nope");

  // A value that does not fit the index type is refused and nothing is written.
  absl::Status s = graph_->Write([&](GraphTxn& txn) {
    return txn.UpsertVertex("Country", "F", {{"share", Value("lots")}}).status();
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(graph_->Snapshot()->FindVertexByKey("Country", "F")->has_value());
  EXPECT_EQ(graph_->DeclareIndex({"Country", "share", Value::Type::kInt64}).code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_TRUE(graph_->DeclareIndex({"Country", "share", Value::Type::kDouble}).ok());
  ExpectValid();
}

TEST_F(GraphTest, Int64AndTimestampIndexesScanRangesInValueOrder) {
  ASSERT_TRUE(graph_->DeclareIndex({"Deal", "amount", Value::Type::kInt64}).ok());
  ASSERT_TRUE(graph_->DeclareIndex({"Deal", "signed", Value::Type::kTimestamp}).ok());
  const int64_t day = 86400LL * 1000000;
  VertexId a = Upsert("Deal", "a", {{"amount", Value(int64_t{-5})}, {"signed", Value(Timestamp{3 * day})}});
  VertexId b = Upsert("Deal", "b", {{"amount", Value(500)}, {"signed", Value(Timestamp{-day})}});
  VertexId c = Upsert("Deal", "c", {{"amount", Value(int64_t{1} << 40)}, {"signed", Value(Timestamp{0})}});
  VertexId d = Upsert("Deal", "d", {{"amount", Value(Value::List({Value(7), Value(9000)}))}});
  std::unique_ptr<GraphReader> r = graph_->Snapshot();
  EXPECT_THAT(Drain(r->IndexRange("Deal", "amount", {Value(0), true, std::nullopt, false})),
              ElementsAre(d, b, d, c));  // a list value is indexed once per element
  EXPECT_THAT(Drain(r->IndexRange("Deal", "amount", {std::nullopt, true, Value(500), true})),
              ElementsAre(a, d, b));
  EXPECT_THAT(Drain(r->IndexExact("Deal", "amount", Value(9000))), ElementsAre(d));
  EXPECT_THAT(Drain(r->IndexRange("Deal", "signed", {Value(Timestamp{-day}), false,
                                                     Value(Timestamp{3 * day}), true})),
              ElementsAre(c, a));
  std::unique_ptr<VertexIdStream> bad = r->IndexPrefix("Deal", "amount", "5");
  VertexId ignored;
  EXPECT_FALSE(bad->Next(&ignored));
  EXPECT_EQ(bad->status().message(), "prefix scan needs a string index; Deal.amount is indexed as int64");
  ExpectValid();
}

TEST_F(GraphTest, RetractingADocumentRemovesOnlyWhatNoOtherDocumentSupports) {
  VertexId us = 0, ca = 0, mx = 0;
  EdgeKey to_ca, to_mx;
  ASSERT_TRUE(graph_->Write([&](GraphTxn& txn) -> absl::Status {
                      for (const char* id : {"d1", "d2"}) {
                        if (auto s = txn.PutDocument(Doc(id)); !s.ok()) return s;
                      }
                      us = txn.UpsertVertex("Country", "US", {})->id;
                      ca = txn.UpsertVertex("Country", "CA", {})->id;
                      mx = txn.UpsertVertex("Country", "MX", {})->id;
                      to_ca = txn.UpsertEdge(us, "TARIFF", ca, 0, {})->key;
                      to_mx = txn.UpsertEdge(us, "TARIFF", mx, 0, {})->key;
                      // d1 supports everything; d2 supports US, CA and US->CA.
                      for (ElementRef e : {ElementRef(us), ElementRef(ca), ElementRef(mx),
                                           ElementRef(to_ca), ElementRef(to_mx)}) {
                        if (auto s = txn.AddEvidence(e, Ev("d1", "r1", 3, 9, 0.9));
                            !s.ok())
                          return s;
                      }
                      for (ElementRef e : {ElementRef(us), ElementRef(ca), ElementRef(to_ca)}) {
                        if (auto s = txn.AddEvidence(e, Ev("d2", "r2")); !s.ok())
                          return s;
                      }
                      return absl::OkStatus();
                    })
                  .ok());
  std::unique_ptr<GraphReader> r = graph_->Snapshot();
  absl::StatusOr<std::vector<Evidence>> ev = r->GetEvidence(to_ca);
  ASSERT_TRUE(ev.ok());
  ASSERT_EQ(ev->size(), 2u);
  EXPECT_EQ((*ev)[0].doc_id, "d1");
  EXPECT_EQ((*ev)[0].begin, 3u);
  EXPECT_EQ((*ev)[0].rule, "r1");
  EXPECT_EQ(Drain(r->ScanSupported("d1")).size(), 5u);

  RetractReport report;
  ASSERT_TRUE(graph_->Write([&](GraphTxn& txn) -> absl::Status {
                      absl::StatusOr<RetractReport> rr = txn.RetractDocument("d1");
                      if (!rr.ok()) return rr.status();
                      report = *rr;
                      return absl::OkStatus();
                    })
                  .ok());
  EXPECT_EQ(report.vertices_removed, 1);  // MX
  EXPECT_EQ(report.edges_removed, 1);     // US->MX
  EXPECT_EQ(report.vertices_kept, 2);
  EXPECT_EQ(report.edges_kept, 1);
  r = graph_->Snapshot();
  EXPECT_FALSE(r->GetVertex(mx)->has_value());
  EXPECT_TRUE(r->GetVertex(us)->has_value());
  EXPECT_THAT(Neighbours(us, Direction::kOut), ElementsAre(ca));
  EXPECT_FALSE(r->GetDocument("d1")->has_value());
  EXPECT_EQ(*r->CountDocuments(), 1);
  EXPECT_EQ(r->GetEvidence(to_ca)->size(), 1u);
  ExpectValid();

  absl::Status again = graph_->Write([&](GraphTxn& txn) { return txn.RetractDocument("d1").status(); });
  EXPECT_EQ(again.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(again.message(), "document 'd1' does not exist");
}

// AddEvidence remembers documents, edges and evidence lists within a transaction; these are
// the sequences where a stale memory would show.
TEST_F(GraphTest, EvidenceWithinOneTransactionFollowsRetractionsAndDeletions) {
  VertexId a = 0, b = 0;
  EdgeKey ab;
  ASSERT_TRUE(graph_->Write([&](GraphTxn& txn) -> absl::Status {
                      for (const char* id : {"d", "e"}) {
                        if (auto s = txn.PutDocument(Doc(id)); !s.ok()) return s;
                      }
                      a = txn.UpsertVertex("X", "a", {})->id;
                      b = txn.UpsertVertex("X", "b", {})->id;
                      ab = txn.UpsertEdge(a, "L", b, 0, {})->key;
                      for (int i = 0; i < 2; ++i) {  // the second is a duplicate
                        if (auto s = txn.AddEvidence(a, Ev("d", "r1")); !s.ok()) return s;
                      }
                      for (ElementRef e : {ElementRef(b), ElementRef(ab)}) {
                        if (auto s = txn.AddEvidence(e, Ev("d", "r1")); !s.ok()) return s;
                      }
                      return txn.AddEvidence(a, Ev("e", "r1"));  // a outlives d
                    })
                  .ok());
  EXPECT_EQ(graph_->Snapshot()->GetEvidence(a)->size(), 2u);

  // An existing document: new evidence joins what is stored.
  ASSERT_TRUE(graph_->Write([&](GraphTxn& txn) { return txn.AddEvidence(a, Ev("d", "r2")); }).ok());
  absl::StatusOr<std::vector<Evidence>> ev = graph_->Snapshot()->GetEvidence(a);
  ASSERT_EQ(ev->size(), 3u);
  EXPECT_EQ((*ev)[1].rule, "r2");

  // Replace d in one transaction after touching its evidence: only the new evidence remains.
  // b, supported only by d, is deleted by the retraction (with ab), and evidence for it is then
  // refused.
  absl::Status replaced = graph_->Write([&](GraphTxn& txn) -> absl::Status {
    if (auto s = txn.AddEvidence(a, Ev("d", "r2b")); !s.ok()) return s;
    if (auto r = txn.RetractDocument("d"); !r.ok()) return r.status();
    if (auto s = txn.PutDocument(Doc("d")); !s.ok()) return s;
    EXPECT_EQ(txn.AddEvidence(b, Ev("d", "r3")).code(), absl::StatusCode::kNotFound);
    EXPECT_EQ(txn.AddEvidence(ab, Ev("d", "r3")).code(), absl::StatusCode::kNotFound);
    return txn.AddEvidence(a, Ev("d", "r3"));
  });
  ASSERT_TRUE(replaced.ok()) << replaced;
  std::unique_ptr<GraphReader> r = graph_->Snapshot();
  EXPECT_FALSE(r->GetVertex(b)->has_value());
  EXPECT_FALSE(r->GetEdge(ab)->has_value());
  ev = r->GetEvidence(a);
  ASSERT_EQ(ev->size(), 2u);
  EXPECT_EQ((*ev)[0].doc_id, "d");
  EXPECT_EQ((*ev)[0].rule, "r3");
  EXPECT_EQ((*ev)[1].doc_id, "e");
  EXPECT_EQ(Drain(r->ScanSupported("d")).size(), 1u);

  // Evidence for an edge created and then deleted in one transaction is refused.
  absl::Status deleted = graph_->Write([&](GraphTxn& txn) -> absl::Status {
    VertexId c = txn.UpsertVertex("X", "c", {})->id;
    EdgeKey ac = txn.UpsertEdge(a, "L", c, 0, {})->key;
    if (auto s = txn.AddEvidence(ac, Ev("d", "r4")); !s.ok()) return s;
    if (auto s = txn.DeleteEdge(ac); !s.ok()) return s;
    return txn.AddEvidence(ac, Ev("d", "r5"));
  });
  EXPECT_EQ(deleted.code(), absl::StatusCode::kNotFound);
  ExpectValid();
}

TEST_F(GraphTest, EvidenceNeedsAnExistingDocument) {
  VertexId v = Upsert("X", "x");
  absl::Status s = graph_->Write(
      [&](GraphTxn& txn) { return txn.AddEvidence(v, Ev("missing")); });
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
}

TEST_F(GraphTest, AFailedWriteWritesNothing) {
  VertexId before = Upsert("Country", "A");
  absl::Status s = graph_->Write([&](GraphTxn& txn) -> absl::Status {
    VertexId b = txn.UpsertVertex("Country", "B", {{"name", Value("B")}})->id;
    if (auto st = txn.UpsertEdge(before, "L", b, 0, {}).status(); !st.ok()) return st;
    return absl::InvalidArgumentError("caller changed its mind");
  });
  EXPECT_EQ(s.message(), "caller changed its mind");
  std::unique_ptr<GraphReader> r = graph_->Snapshot();
  EXPECT_FALSE(r->FindVertexByKey("Country", "B")->has_value());
  EXPECT_EQ(*r->CountVertices(), 1);
  EXPECT_EQ(*r->CountEdges(), 0);
  EXPECT_FALSE(r->FindLabel("L").has_value());
  ExpectValid();
  // Ids stay unique after the failed write.
  EXPECT_NE(Upsert("Country", "C"), before);
}

TEST_F(GraphTest, BrokenUtf8IsRejectedAndNothingIsWritten) {
  const std::string broken = "caf\xC3";
  absl::Status s = graph_->Write(
      [&](GraphTxn& txn) { return txn.UpsertVertex("Company", broken, {}).status(); });
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "text is not valid UTF-8");
  s = graph_->Write([&](GraphTxn& txn) {
    return txn.UpsertVertex("Company", "ok", {{"name", Value(broken)}}).status();
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "value of property 'name' is not valid UTF-8");
  EXPECT_EQ(*graph_->Snapshot()->CountVertices(), 0);
}

TEST_F(GraphTest, ReadersSeeAConsistentSnapshotNeverHalfABatch) {
  VertexId hub = Upsert("Hub", "h");
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int batch = 0; batch < 200; ++batch) {
      absl::Status s = graph_->Write([&](GraphTxn& txn) -> absl::Status {
        for (int i = 0; i < 10; ++i) {
          absl::StatusOr<UpsertResult> v =
              txn.UpsertVertex("Leaf", std::to_string(batch * 10 + i), {});
          if (!v.ok()) return v.status();
          if (auto st = txn.UpsertEdge(hub, "HAS", v->id, 0, {}).status(); !st.ok()) return st;
        }
        return absl::OkStatus();
      });
      ASSERT_TRUE(s.ok()) << s;
    }
    done = true;
  });
  int checks = 0;
  while (!done || checks == 0) {
    std::unique_ptr<GraphReader> r = graph_->Snapshot();
    int64_t scanned = static_cast<int64_t>(Drain(r->ScanEdges(hub, Direction::kOut)).size());
    absl::StatusOr<int64_t> counted = r->Degree(hub, Direction::kOut);
    ASSERT_TRUE(counted.ok());
    EXPECT_EQ(scanned % 10, 0) << "a reader saw part of a batch";
    EXPECT_EQ(scanned, *counted);
    std::optional<LabelId> leaf = r->FindLabel("Leaf");
    EXPECT_EQ(leaf ? *r->CountVertices(leaf) : 0, scanned);
    ++checks;
  }
  writer.join();
  EXPECT_EQ(Drain(graph_->Snapshot()->ScanEdges(hub, Direction::kOut)).size(), 2000u);
}

TEST_F(GraphTest, ReadsInsideAWriteSeeTheWritesOwnChanges) {
  ASSERT_TRUE(graph_->Write([&](GraphTxn& txn) -> absl::Status {
                      VertexId a = txn.UpsertVertex("T", "a", {{"name", Value("Alpha")}})->id;
                      VertexId b = txn.UpsertVertex("T", "b", {})->id;
                      EXPECT_TRUE(txn.UpsertEdge(a, "L", b, 0, {}).ok());
                      EXPECT_EQ(*txn.CountVertices(), 2);
                      EXPECT_EQ(Drain(txn.ScanEdges(a, Direction::kOut)).size(), 1u);
                      EXPECT_THAT(Drain(txn.FindByAlias("alpha")), ElementsAre(a));
                      EXPECT_EQ(txn.LabelName(*txn.FindLabel("L")), "L");
                      EXPECT_TRUE(txn.DeleteEdge({a, *txn.FindLabel("L"), b, 0}).ok());
                      EXPECT_THAT(Drain(txn.ScanEdges(a, Direction::kOut)), IsEmpty());
                      return absl::OkStatus();
                    })
                  .ok());
  ExpectValid();
}

TEST_F(GraphTest, MultiLabelVerticesAndExternalIds) {
  VertexId id = 0;
  ASSERT_TRUE(graph_->Write([&](GraphTxn& txn) -> absl::Status {
                      absl::StatusOr<VertexId> v = txn.AddVertex(
                          {"animal", "bird", "animal"}, "", Value("tux-1"),
                          {{"diet", Value("fish"), Cardinality::kList},
                           {"diet", Value("krill"), Cardinality::kList}});
                      if (!v.ok()) return v.status();
                      id = *v;
                      return absl::OkStatus();
                    })
                  .ok());
  std::unique_ptr<GraphReader> r = graph_->Snapshot();
  EXPECT_THAT((*r->GetVertex(id))->labels, ElementsAre("animal", "bird"));
  EXPECT_THAT(Drain(r->ScanVerticesWithLabel(*r->FindLabel("bird"))), ElementsAre(id));
  EXPECT_EQ(**r->FindVertexByExternalId(Value("tux-1")), id);
  EXPECT_FALSE(r->FindVertexByExternalId(Value(1))->has_value());
  EXPECT_THAT((*r->GetVertex(id))->Values("diet"), ElementsAre(Value("fish"), Value("krill")));
  absl::Status dup = graph_->Write([&](GraphTxn& txn) {
    return txn.AddVertex({"x"}, "", Value("tux-1"), {}).status();
  });
  EXPECT_EQ(dup.code(), absl::StatusCode::kAlreadyExists);
  ExpectValid();
}

TEST_F(GraphTest, StatsCountPerLabel) {
  VertexId a = Upsert("Company", "a"), b = Upsert("Company", "b"), c = Upsert("Country", "c");
  Link(a, "BASED_IN", c);
  Link(b, "BASED_IN", c);
  absl::StatusOr<GraphStats> stats = graph_->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->vertices, 3);
  EXPECT_EQ(stats->edges, 2);
  EXPECT_THAT(stats->vertices_by_label,
              UnorderedElementsAre(std::make_pair("Company", 2), std::make_pair("Country", 1)));
  EXPECT_THAT(stats->edges_by_label, ElementsAre(std::make_pair("BASED_IN", 2)));
  EXPECT_GT(stats->disk_bytes, 0u);
}

TEST_F(GraphTest, BackupOpensAsADatabaseWithTheSameData) {
  VertexId a = Upsert("Company", "a", {{"name", Value("Acme")}});
  std::string backup = dir_.sub("../" + std::filesystem::path(dir_.path()).filename().string() +
                                "_backup");
  std::filesystem::remove_all(backup);
  ASSERT_TRUE(graph_->Backup(backup).ok());
  EXPECT_EQ(graph_->Backup(backup).code(), absl::StatusCode::kAlreadyExists);
  Upsert("Company", "b");  // after the backup: not in it
  {
    absl::StatusOr<std::unique_ptr<Graph>> copy = Graph::Open(backup);
    ASSERT_TRUE(copy.ok()) << copy.status();
    std::unique_ptr<GraphReader> r = (*copy)->Snapshot();
    EXPECT_THAT(Drain(r->FindByAlias("acme")), ElementsAre(a));
    EXPECT_EQ(*r->CountVertices(), 1);
    EXPECT_TRUE((*copy)->Verify().ok());
  }
  std::filesystem::remove_all(backup);
}

TEST(GraphOpenTest, DataSurvivesReopen) {
  TempDir dir;
  VertexId id;
  {
    auto g = Graph::Open(dir.path());
    ASSERT_TRUE(g.ok());
    ASSERT_TRUE((*g)->DeclareIndex({"C", "n", Value::Type::kInt64}).ok());
    ASSERT_TRUE((*g)->Write([&](GraphTxn& txn) {
                        auto r = txn.UpsertVertex("C", "k", {{"n", Value(5)}});
                        id = r->id;
                        return r.status();
                      })
                    .ok());
  }
  auto g = Graph::Open(dir.path());
  ASSERT_TRUE(g.ok()) << g.status();
  std::unique_ptr<GraphReader> r = (*g)->Snapshot();
  EXPECT_EQ(**r->FindVertexByKey("C", "K"), id);
  EXPECT_THAT(Drain(r->IndexExact("C", "n", Value(5))), ElementsAre(id));
  // New ids do not collide with old ones.
  VertexId next;
  ASSERT_TRUE((*g)->Write([&](GraphTxn& txn) {
                      auto v = txn.UpsertVertex("C", "other", {});
                      next = v->id;
                      return v.status();
                    })
                  .ok());
  EXPECT_GT(next, id);
}

TEST(GraphOpenTest, ADirectoryThatIsNotAKgDatabaseIsRefused) {
  TempDir dir;
  std::filesystem::create_directories(dir.path());
  std::ofstream(dir.sub("notes.txt")) << "hello";
  absl::StatusOr<std::unique_ptr<Graph>> g = Graph::Open(dir.path());
  EXPECT_EQ(g.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(g.status().message(),
            dir.path() + " is not a kg database (it is not empty and has no CURRENT file)");
  EXPECT_TRUE(std::filesystem::exists(dir.sub("notes.txt")));
}

TEST(GraphOpenTest, AMissingDatabaseIsNotFoundWithoutCreateIfMissing) {
  TempDir dir;
  GraphOptions options;
  options.create_if_missing = false;
  EXPECT_EQ(Graph::Open(dir.path(), options).status().code(), absl::StatusCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(dir.path()));
}

TEST(GraphOpenTest, ANewerFormatIsRefused) {
  TempDir dir;
  { ASSERT_TRUE(Graph::Open(dir.path()).ok()); }
  {
    auto store = kv::OpenRocksDbStore(dir.path(), {});
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->RunTxn([](kv::Txn& txn) {
                          txn.Put(kv::Space::kMeta, layout::kFormatKey, "99");
                          return absl::OkStatus();
                        })
                    .ok());
  }
  absl::StatusOr<std::unique_ptr<Graph>> g = Graph::Open(dir.path());
  EXPECT_EQ(g.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(g.status().message(), dir.path() +
                                      " was written in on-disk format 99, newer than this build's "
                                      "format 4; upgrade kg to open it");
}

TEST(GraphOpenTest, AnOlderFormatIsRefused) {
  TempDir dir;
  { ASSERT_TRUE(Graph::Open(dir.path()).ok()); }
  {
    auto store = kv::OpenRocksDbStore(dir.path(), {});
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->RunTxn([](kv::Txn& txn) {
                          txn.Put(kv::Space::kMeta, layout::kFormatKey, "2");
                          return absl::OkStatus();
                        })
                    .ok());
  }
  absl::StatusOr<std::unique_ptr<Graph>> g = Graph::Open(dir.path());
  EXPECT_EQ(g.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(g.status().message(),
            dir.path() +
                " was written in on-disk format 2, older than this build's format 4 (provenance "
                "is stored differently); create a new database and import or ingest the data "
                "again");
}

TEST(GraphOpenTest, ALockedDatabaseIsUnavailable) {
  TempDir dir;
  auto first = Graph::Open(dir.path());
  ASSERT_TRUE(first.ok());
  absl::StatusOr<std::unique_ptr<Graph>> second = Graph::Open(dir.path());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(second.status().message()),
              ::testing::HasSubstr("the database is locked by another process"));
}

TEST(GraphOpenTest, ACorruptedValueIsDataLoss) {
  TempDir dir;
  VertexId id;
  {
    auto g = Graph::Open(dir.path());
    ASSERT_TRUE((*g)->Write([&](GraphTxn& txn) {
                        auto v = txn.UpsertVertex("C", "k", {});
                        id = v->id;
                        return v.status();
                      })
                    .ok());
  }
  {
    auto store = kv::OpenRocksDbStore(dir.path(), {});
    ASSERT_TRUE((*store)->RunTxn([&](kv::Txn& txn) {
                          txn.Put(kv::Space::kVertex, layout::VertexKey(id), "\x01\x7f garbage");
                          return absl::OkStatus();
                        })
                    .ok());
  }
  auto g = Graph::Open(dir.path());
  ASSERT_TRUE(g.ok());
  absl::StatusOr<std::optional<Vertex>> v = (*g)->Snapshot()->GetVertex(id);
  EXPECT_EQ(v.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(v.status().message(),
            "corrupt vertex " + std::to_string(id) + ": the stored value cannot be decoded");
  EXPECT_EQ((*g)->Verify().code(), absl::StatusCode::kDataLoss);
}

TEST(GraphOpenTest, VerifyReportsAHalfEdge) {
  TempDir dir;
  EdgeKey e;
  {
    auto g = Graph::Open(dir.path());
    ASSERT_TRUE((*g)->Write([&](GraphTxn& txn) {
                        VertexId a = txn.UpsertVertex("C", "a", {})->id;
                        VertexId b = txn.UpsertVertex("C", "b", {})->id;
                        auto r = txn.UpsertEdge(a, "L", b, 0, {});
                        e = r->key;
                        return r.status();
                      })
                    .ok());
  }
  {
    auto store = kv::OpenRocksDbStore(dir.path(), {});
    ASSERT_TRUE((*store)->RunTxn([&](kv::Txn& txn) {
                          txn.Delete(kv::Space::kAdj, layout::InEdgeKey(e));
                          return absl::OkStatus();
                        })
                    .ok());
  }
  auto g = Graph::Open(dir.path());
  absl::Status s = (*g)->Verify();
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(s.message()), ::testing::HasSubstr("out-edge " + e.ToString() + " has no twin"));
}

}  // namespace
}  // namespace kg::graph
