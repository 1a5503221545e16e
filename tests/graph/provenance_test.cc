// Provenance in format 3: one row per (vertex, document) holding the evidence for the vertex and
// its out-edges, one element list and one string table (sentences, rule ids) per document. The
// contracts (GetEvidence, ScanSupported, retraction) are graph_test's; these check the layout
// itself and that Verify catches a broken one.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "graph/codec.h"
#include "graph/graph.h"
#include "graph/kv/rocksdb_store.h"
#include "graph/layout.h"
#include "tests/graph/test_dir.h"

namespace kg::graph {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

Evidence Ev(std::string doc_id, std::string rule, uint32_t begin = 0, uint32_t end = 0,
            std::string sentence = "") {
  Evidence e;
  e.doc_id = std::move(doc_id);
  e.rule = std::move(rule);
  e.begin = begin;
  e.end = end;
  e.sentence = std::move(sentence);
  e.confidence = 0.5;
  return e;
}

std::vector<std::string> Rules(const std::vector<Evidence>& list) {
  std::vector<std::string> out;
  for (const Evidence& e : list) out.push_back(e.doc_id + ":" + e.rule);
  return out;
}

std::vector<ElementRef> Supported(GraphReader& r, std::string_view doc_id) {
  std::vector<ElementRef> out;
  std::unique_ptr<Stream<ElementRef>> s = r.ScanSupported(doc_id);
  for (ElementRef e; s->Next(&e);) out.push_back(e);
  EXPECT_TRUE(s->status().ok()) << s->status();
  return out;
}

class ProvenanceTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }

  void Open() {
    absl::StatusOr<std::unique_ptr<Graph>> g = testing::OpenUnsyncedGraph(dir_);
    ASSERT_TRUE(g.ok()) << g.status();
    graph_ = *std::move(g);
  }

  // A document d1 naming a and b and the edge a -L-> b, and d2 naming a and a -M-> b.
  void WriteTwoDocuments() {
    ASSERT_TRUE(graph_
                    ->Write([&](GraphTxn& txn) -> absl::Status {
                      for (const char* id : {"d1", "d2"}) {
                        Document d;
                        d.id = id;
                        if (auto s = txn.PutDocument(d); !s.ok()) return s;
                      }
                      a_ = txn.UpsertVertex("C", "a", {})->id;
                      b_ = txn.UpsertVertex("C", "b", {})->id;
                      ab_ = txn.UpsertEdge(a_, "L", b_, 0, {})->key;
                      ab2_ = txn.UpsertEdge(a_, "M", b_, 0, {})->key;
                      for (auto [e, ev] : std::vector<std::pair<ElementRef, Evidence>>{
                               {a_, Ev("d1", "va", 1, 2, "a says")},
                               {b_, Ev("d1", "vb")},
                               {ab_, Ev("d1", "e1", 3, 4, "a and b")},
                               {ab_, Ev("d1", "e1bis")},
                               {a_, Ev("d2", "va2")},
                               {ab2_, Ev("d2", "e2")}}) {
                        if (auto s = txn.AddEvidence(e, ev); !s.ok()) return s;
                      }
                      return absl::OkStatus();
                    })
                    .ok());
  }

  // The prov space's keys, read from the closed database.
  std::vector<std::string> ProvKeys() {
    graph_.reset();
    std::vector<std::string> keys;
    {
      auto store = kv::OpenRocksDbStore(dir_, {});
      EXPECT_TRUE(store.ok()) << store.status();
      EXPECT_TRUE((*store)
                      ->RunTxn([&](kv::Txn& txn) {
                        std::unique_ptr<kv::Cursor> c = txn.Scan(kv::Space::kProv, "", "");
                        std::string_view k, v;
                        while (c->Next(&k, &v)) keys.emplace_back(k);
                        return c->status();
                      })
                      .ok());
    }
    Open();
    return keys;
  }

  // Changes the raw store under the closed graph, then reopens it.
  void Tamper(const std::function<void(kv::Txn&)>& change) {
    graph_.reset();
    {
      auto store = kv::OpenRocksDbStore(dir_, {});
      ASSERT_TRUE(store.ok()) << store.status();
      ASSERT_TRUE((*store)
                      ->RunTxn([&](kv::Txn& txn) {
                        change(txn);
                        return absl::OkStatus();
                      })
                      .ok());
    }
    Open();
  }

  std::string VerifyMessage() {
    absl::Status s = graph_->Verify();
    EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << s;
    return std::string(s.message());
  }

  std::string dir_ = testing::FreshTestDir("kg_provenance_test");
  std::unique_ptr<Graph> graph_;
  VertexId a_ = 0, b_ = 0;
  EdgeKey ab_, ab2_;
};

TEST_F(ProvenanceTest, EdgeEvidenceIsStoredInItsSourcesRowsAndReadBackPerDocument) {
  WriteTwoDocuments();
  std::unique_ptr<GraphReader> r = graph_->Snapshot();
  EXPECT_THAT(Rules(*r->GetEvidence(a_)), ElementsAre("d1:va", "d2:va2"));
  EXPECT_THAT(Rules(*r->GetEvidence(b_)), ElementsAre("d1:vb"));
  absl::StatusOr<std::vector<Evidence>> ab = r->GetEvidence(ab_);
  ASSERT_TRUE(ab.ok()) << ab.status();
  ASSERT_THAT(Rules(*ab), ElementsAre("d1:e1", "d1:e1bis"));
  EXPECT_EQ((*ab)[0], Ev("d1", "e1", 3, 4, "a and b"));
  EXPECT_THAT(Rules(*r->GetEvidence(ab2_)), ElementsAre("d2:e2"));
  EXPECT_THAT(Supported(*r, "d1"), ElementsAre(ElementRef(ab_), ElementRef(a_), ElementRef(b_)));
  EXPECT_THAT(Supported(*r, "d2"), ElementsAre(ElementRef(ab2_), ElementRef(a_)));
  EXPECT_TRUE(graph_->Verify().ok()) << graph_->Verify();
  r.reset();  // before the graph closes
  // Rows (a, d1), (b, d1), (a, d2), the two element lists and the two string tables: no key per
  // edge or per pair.
  EXPECT_THAT(ProvKeys(), ElementsAre(layout::ProvRowKey(a_, "d1"), layout::ProvRowKey(a_, "d2"),
                                      layout::ProvRowKey(b_, "d1"), layout::DocElementsKey("d1"),
                                      layout::DocElementsKey("d2"), layout::DocStringsKey("d1"),
                                      layout::DocStringsKey("d2")));
}

TEST_F(ProvenanceTest, ATransactionReadsItsOwnEvidenceBeforeItCommits) {
  WriteTwoDocuments();
  ASSERT_TRUE(graph_
                  ->Write([&](GraphTxn& txn) -> absl::Status {
                    if (auto s = txn.AddEvidence(ab2_, Ev("d1", "late")); !s.ok()) return s;
                    EXPECT_THAT(Rules(*txn.GetEvidence(ab2_)), ElementsAre("d1:late", "d2:e2"));
                    EXPECT_THAT(Supported(txn, "d1"), ElementsAre(ElementRef(ab_), ElementRef(ab2_),
                                                                  ElementRef(a_), ElementRef(b_)));
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_TRUE(graph_->Verify().ok()) << graph_->Verify();
}

TEST_F(ProvenanceTest, DeletingAnEdgeOrVertexRemovesItFromEveryDocumentsList) {
  WriteTwoDocuments();
  ASSERT_TRUE(graph_->Write([&](GraphTxn& txn) { return txn.DeleteEdge(ab_); }).ok());
  std::unique_ptr<GraphReader> r = graph_->Snapshot();
  EXPECT_THAT(Supported(*r, "d1"), ElementsAre(ElementRef(a_), ElementRef(b_)));
  EXPECT_TRUE(graph_->Verify().ok()) << graph_->Verify();
  ASSERT_TRUE(graph_->Write([&](GraphTxn& txn) { return txn.DeleteVertex(a_); }).ok());
  r = graph_->Snapshot();
  EXPECT_THAT(Supported(*r, "d1"), ElementsAre(ElementRef(b_)));
  EXPECT_THAT(Supported(*r, "d2"), ElementsAre());
  EXPECT_TRUE(graph_->Verify().ok()) << graph_->Verify();
  r.reset();  // before the graph closes
  // d2 supports nothing any more: its string table went with its element list.
  EXPECT_THAT(ProvKeys(), ElementsAre(layout::ProvRowKey(b_, "d1"), layout::DocElementsKey("d1"),
                                      layout::DocStringsKey("d1")));
}

TEST_F(ProvenanceTest, RetractingADocumentKeepsWhatAnotherDocumentSupports) {
  WriteTwoDocuments();
  VertexId c = 0;
  ASSERT_TRUE(graph_
                  ->Write([&](GraphTxn& txn) -> absl::Status {
                    c = txn.UpsertVertex("C", "c", {})->id;
                    if (auto s = txn.AddEvidence(c, Ev("d1", "vc")); !s.ok()) return s;
                    if (auto s = txn.AddEvidence(b_, Ev("d2", "vb2")); !s.ok()) return s;
                    return txn.AddEvidence(ab_, Ev("d2", "x"));
                  })
                  .ok());
  absl::StatusOr<RetractReport> report;
  ASSERT_TRUE(graph_
                  ->Write([&](GraphTxn& txn) {
                    report = txn.RetractDocument("d1");
                    return report.status();
                  })
                  .ok());
  EXPECT_EQ(report->edges_kept, 1);
  EXPECT_EQ(report->edges_removed, 0);
  EXPECT_EQ(report->vertices_kept, 2);
  EXPECT_EQ(report->vertices_removed, 1);
  std::unique_ptr<GraphReader> r = graph_->Snapshot();
  EXPECT_THAT(Rules(*r->GetEvidence(ab_)), ElementsAre("d2:x"));
  EXPECT_THAT(Rules(*r->GetEvidence(a_)), ElementsAre("d2:va2"));
  EXPECT_FALSE(r->GetVertex(c)->has_value());
  EXPECT_THAT(Supported(*r, "d1"), ElementsAre());
  EXPECT_THAT(Supported(*r, "d2"),
              ElementsAre(ElementRef(ab_), ElementRef(ab2_), ElementRef(a_), ElementRef(b_)));
  EXPECT_TRUE(graph_->Verify().ok()) << graph_->Verify();
}

TEST_F(ProvenanceTest, VerifyReportsAMissingElementList) {
  WriteTwoDocuments();
  Tamper([](kv::Txn& txn) { txn.Delete(kv::Space::kProv, layout::DocElementsKey("d2")); });
  EXPECT_THAT(VerifyMessage(),
              HasSubstr("document 'd2' has evidence for an element it does not list"));
}

TEST_F(ProvenanceTest, VerifyReportsAnElementWithoutEvidence) {
  WriteTwoDocuments();
  Tamper([&](kv::Txn& txn) { txn.Delete(kv::Space::kProv, layout::ProvRowKey(b_, "d1")); });
  EXPECT_THAT(VerifyMessage(),
              HasSubstr("document 'd1' lists an element it gives no evidence for"));
}

TEST_F(ProvenanceTest, VerifyReportsAnUndecodableRowAndAnEdgeThatDoesNotExist) {
  WriteTwoDocuments();
  Tamper([&](kv::Txn& txn) { txn.Put(kv::Space::kProv, layout::ProvRowKey(b_, "d1"), "\x05"); });
  EXPECT_THAT(VerifyMessage(), HasSubstr("undecodable provenance row"));
  Tamper([&](kv::Txn& txn) {
    codec::ProvRow row;
    row.vertex.push_back(codec::EvidenceRef{0, 0, 2, 3, 0.5});
    row.edges[codec::EdgeTail{ab_.label, a_, 0}].push_back(codec::EvidenceRef{0, 0, 2, 3, 0.5});
    txn.Put(kv::Space::kProv, layout::ProvRowKey(b_, "d1"), codec::EncodeProvRow(row));
  });
  EXPECT_THAT(VerifyMessage(), HasSubstr("provenance names a missing element"));
}

TEST_F(ProvenanceTest, EachSentenceAndRuleIsStoredOncePerDocument) {
  WriteTwoDocuments();
  Evidence shared = Ev("d3", "mentions", 10, 20, "a line that names a and b");
  Evidence exact = shared;
  exact.rule = "r";
  exact.confidence = 1.0 / 3;  // not a multiple of 1/10000: stored as 8 bytes
  ASSERT_TRUE(graph_
                  ->Write([&](GraphTxn& txn) -> absl::Status {
                    Document d;
                    d.id = "d3";
                    if (auto s = txn.PutDocument(d); !s.ok()) return s;
                    for (auto [e, ev] : std::vector<std::pair<ElementRef, Evidence>>{
                             {a_, shared}, {b_, shared}, {ab_, shared}, {ab_, exact}}) {
                      if (auto s = txn.AddEvidence(e, ev); !s.ok()) return s;
                    }
                    return absl::OkStatus();
                  })
                  .ok());
  std::unique_ptr<GraphReader> r = graph_->Snapshot();
  EXPECT_THAT(*r->GetEvidence(a_), ::testing::Contains(shared));
  EXPECT_THAT(*r->GetEvidence(b_), ::testing::Contains(shared));
  EXPECT_THAT(*r->GetEvidence(ab_), ::testing::IsSupersetOf({shared, exact}));
  EXPECT_TRUE(graph_->Verify().ok()) << graph_->Verify();
  r.reset();
  graph_.reset();
  std::vector<std::string> strings;
  {
    auto store = kv::OpenRocksDbStore(dir_, {});
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE((*store)
                    ->RunTxn([&](kv::Txn& txn) -> absl::Status {
                      auto bytes = txn.Get(kv::Space::kProv, layout::DocStringsKey("d3"));
                      if (!bytes.ok()) return bytes.status();
                      EXPECT_TRUE(bytes->has_value());
                      EXPECT_TRUE(codec::DecodeStringTable(bytes->value_or(""), &strings));
                      return absl::OkStatus();
                    })
                    .ok());
  }
  Open();
  EXPECT_THAT(strings, ElementsAre("a line that names a and b", "mentions", "r"));
}

TEST_F(ProvenanceTest, VerifyReportsAMissingOrShortStringTable) {
  WriteTwoDocuments();
  // d1's table: "a says", "va", "", "vb", "a and b", "e1", "e1bis".
  Tamper([](kv::Txn& txn) {
    txn.Put(kv::Space::kProv, layout::DocStringsKey("d1"),
            codec::EncodeStringTable(std::vector<std::string>{"a says"}));
  });
  EXPECT_THAT(VerifyMessage(),
              HasSubstr("evidence of document 'd1' names string 6 of a table of 1"));
  std::unique_ptr<GraphReader> r = graph_->Snapshot();
  EXPECT_EQ(r->GetEvidence(ab_).status().code(), absl::StatusCode::kDataLoss);
  r.reset();
  Tamper([](kv::Txn& txn) { txn.Delete(kv::Space::kProv, layout::DocStringsKey("d1")); });
  EXPECT_THAT(VerifyMessage(), HasSubstr("document 'd1' has evidence but no string table"));
}

}  // namespace
}  // namespace kg::graph
