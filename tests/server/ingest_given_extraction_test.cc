// IngestDocuments with Document.extraction: a user's own extraction is checked against the
// bundle and written as given, with no extractor run, resolved and merged like kgd's own.
#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kg/v1/extractor.grpc.pb.h"
#include "tests/server/graph_dump.h"
#include "tests/server/test_server.h"

namespace kg::server::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

// Scalar results of a traversal as text ("NVIDIA", "1993L").
std::vector<std::string> Query(v1::KnowledgeGraph::Stub& stub, const std::string& gremlin) {
  v1::QueryRequest q;
  q.set_gremlin(gremlin);
  auto ctx = Ctx();
  auto reader = stub.Query(ctx.get(), q);
  std::vector<std::string> out;
  for (v1::QueryResponse r; reader->Read(&r);) {
    for (const v1::Value& v : r.results()) {
      if (v.has_string_value())
        out.push_back(v.string_value());
      else if (v.has_int64_value())
        out.push_back(std::to_string(v.int64_value()) + "L");
      else
        out.push_back(v.ShortDebugString());
    }
  }
  grpc::Status s = reader->Finish();
  EXPECT_TRUE(s.ok()) << gremlin << ": " << s.error_message();
  return out;
}

// A built-in article that names NVIDIA in Latin script.
v1::Document BuiltInArticle() {
  v1::Document d;
  d.set_id("builtin-1");
  d.set_title("칩 기사");
  d.set_text("- NVIDIA는 신규 칩을 공개\n");
  return d;
}

constexpr char kGivenText[] = "엔비디아는 대만 기업이다. 삼성전자도 언급된다.";

// A user's extraction of kGivenText: Korean names as written, one relation with a qualifier.
// 삼성전자 is in the text (and in the dictionary) but not in the extraction.
v1::Document GivenArticle() {
  v1::Document d;
  d.set_id("given-1");
  d.set_title("외부 기사");
  d.set_source("My Newsroom");
  d.set_text(kGivenText);
  v1::DocumentExtraction* x = d.mutable_extraction();
  v1::ExplainedEntity* nvidia = x->add_entities();
  nvidia->set_label("Company");
  nvidia->set_name("엔비디아");
  nvidia->set_confidence(0.8);
  v1::ExplainedEntity* taiwan = x->add_entities();
  taiwan->set_label("Country");
  taiwan->set_name("대만");
  v1::ExplainedRelation* r = x->add_relations();
  r->set_subject_name("엔비디아");
  r->set_edge("BASED_IN");
  r->set_object_name("대만");
  r->set_confidence(0.7);
  r->set_evidence("엔비디아는 대만 기업이다.");
  v1::Property* q = r->add_qualifiers();
  q->set_key("since");
  q->mutable_value()->set_int64_value(1993);
  return d;
}

// A stand-in for --extractor that only counts its calls.
class CountingExtractor final : public v1::Extractor::Service {
 public:
  grpc::Status Extract(grpc::ServerContext*, const v1::ExtractRequest*,
                       v1::ExtractResponse* response) override {
    ++calls;
    response->set_extractor("counting/1");
    return grpc::Status::OK;
  }
  std::atomic<int> calls{0};
};

class GivenExtractionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &extractor_port_);
    builder.RegisterService(&counting_);
    extractor_ = builder.BuildAndStart();
    ASSERT_NE(extractor_port_, 0);
    const int port = extractor_port_;
    ts_.Start(
        [port](ServerOptions* o) { o->extractor_address = "127.0.0.1:" + std::to_string(port); });
    ASSERT_TRUE(ts_.bundle_status.ok()) << ts_.bundle_status;
  }
  void TearDown() override {
    if (extractor_)
      extractor_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  }

  std::vector<std::string> Dump() { return kg::testing::DumpGraph(*ts_.graph); }

  CountingExtractor counting_;
  int extractor_port_ = 0;
  std::unique_ptr<grpc::Server> extractor_;
  TestServer ts_;
};

TEST_F(GivenExtractionTest, IsWrittenAsGivenAndResolvedOntoTheBuiltInVertices) {
  IngestRun builtin = Ingest(*ts_.stub, {BuiltInArticle()});
  ASSERT_TRUE(builtin.status.ok()) << builtin.status.error_message();
  ASSERT_EQ(builtin.reports.size(), 1u);
  EXPECT_EQ(builtin.reports[0].status(), v1::DocumentReport::COMMITTED);
  EXPECT_EQ(counting_.calls.load(), 1);  // the extractor is wired in

  IngestRun given = Ingest(*ts_.stub, {GivenArticle()});
  ASSERT_TRUE(given.status.ok()) << given.status.error_message();
  ASSERT_EQ(given.reports.size(), 1u);
  const v1::DocumentReport& r = given.reports[0];
  ASSERT_EQ(r.status(), v1::DocumentReport::COMMITTED) << r.error();
  EXPECT_EQ(r.doc_id(), "given-1");
  EXPECT_EQ(r.title(), "외부 기사");
  EXPECT_EQ(counting_.calls.load(), 1);  // not called for a document with its extraction

  // The explanation: the document, then the given entities under their canonical names, each
  // with the rule "input" and its confidence; the relation likewise.
  const v1::DocumentExtraction& x = r.extraction();
  ASSERT_EQ(x.entities_size(), 3);
  EXPECT_EQ(x.entities(0).label(), "Document");
  EXPECT_EQ(x.entities(1).label(), "Company");
  EXPECT_EQ(x.entities(1).name(), "NVIDIA");
  EXPECT_EQ(x.entities(1).rule(), "input");
  EXPECT_DOUBLE_EQ(x.entities(1).confidence(), 0.8);
  ASSERT_EQ(x.entities(1).mentions_size(), 1);
  EXPECT_EQ(x.entities(1).mentions(0).begin(), 0u);
  EXPECT_EQ(x.entities(1).mentions(0).end(), 12u);
  EXPECT_EQ(x.entities(2).name(), "Taiwan");
  ASSERT_EQ(x.relations_size(), 1);
  EXPECT_EQ(x.relations(0).subject_name(), "NVIDIA");
  EXPECT_EQ(x.relations(0).rule(), "input");
  EXPECT_DOUBLE_EQ(x.relations(0).confidence(), 0.7);
  EXPECT_EQ(x.relations(0).evidence(), "엔비디아는 대만 기업이다.");

  // One NVIDIA for both documents; the relation with its qualifier; MENTIONS from the document;
  // nothing the built-in extractor would have found in the text (삼성전자).
  EXPECT_THAT(Query(*ts_.stub,
                    "g.V().has('Company', 'name', 'NVIDIA').in('MENTIONS')"
                    ".values('name')"),
              UnorderedElementsAre("칩 기사", "외부 기사"));
  EXPECT_THAT(Query(*ts_.stub,
                    "g.V().has('Company', 'name', 'NVIDIA').outE('BASED_IN')"
                    ".values('since')"),
              ElementsAre("1993L"));
  EXPECT_THAT(Query(*ts_.stub,
                    "g.V().has('Company', 'name', 'NVIDIA').out('BASED_IN')"
                    ".values('name')"),
              ElementsAre("Taiwan"));
  EXPECT_THAT(Query(*ts_.stub,
                    "g.V().has('Document', 'name', '외부 기사').out('MENTIONS')"
                    ".values('name')"),
              UnorderedElementsAre("NVIDIA", "Taiwan"));
  // Provenance: the edge's evidence is the given sentence, rule "input", confidence 0.7.
  auto reader = ts_.graph->Snapshot();
  auto nvidia = reader->FindByAlias("엔비디아");
  graph::VertexId from = 0, to = 0;
  ASSERT_TRUE(nvidia->Next(&from));
  auto taiwan = reader->FindByAlias("Taiwan");
  ASSERT_TRUE(taiwan->Next(&to));
  auto ev = reader->GetEvidence(graph::EdgeKey{from, *reader->FindLabel("BASED_IN"), to, 0});
  ASSERT_TRUE(ev.ok()) << ev.status();
  ASSERT_EQ(ev->size(), 1u);
  EXPECT_EQ((*ev)[0].doc_id, "given-1");
  EXPECT_EQ((*ev)[0].rule, "input");
  EXPECT_DOUBLE_EQ((*ev)[0].confidence, 0.7);
  EXPECT_EQ((*ev)[0].sentence, "엔비디아는 대만 기업이다.");
  EXPECT_EQ((*ev)[0].begin, 0u);

  // The same text without its extraction: the built-in extractor finds 삼성전자 too.
  v1::Document plain = GivenArticle();
  plain.set_id("plain-1");
  plain.set_title("같은 본문");
  plain.clear_extraction();
  ASSERT_EQ(Ingest(*ts_.stub, {plain}).reports.at(0).status(), v1::DocumentReport::COMMITTED);
  EXPECT_THAT(Query(*ts_.stub,
                    "g.V().has('Document', 'name', '같은 본문').out('MENTIONS')"
                    ".values('name')"),
              UnorderedElementsAre("NVIDIA", "Taiwan", "Samsung Electronics", "My Newsroom"));
}

TEST_F(GivenExtractionTest, ReIngestChangesNothingAndAChangedExtractionReplaces) {
  ASSERT_EQ(Ingest(*ts_.stub, {GivenArticle()}).reports.at(0).status(),
            v1::DocumentReport::COMMITTED);
  const std::vector<std::string> first = Dump();
  IngestRun again = Ingest(*ts_.stub, {GivenArticle()});
  ASSERT_EQ(again.reports.size(), 1u);
  EXPECT_EQ(again.reports[0].status(), v1::DocumentReport::UNCHANGED);
  EXPECT_EQ(Dump(), first);

  // Same text, another extraction: the relation is gone, Taiwan is no longer mentioned.
  v1::Document changed = GivenArticle();
  changed.mutable_extraction()->clear_relations();
  changed.mutable_extraction()->mutable_entities()->RemoveLast();
  IngestRun replaced = Ingest(*ts_.stub, {changed});
  ASSERT_EQ(replaced.reports.size(), 1u);
  EXPECT_EQ(replaced.reports[0].status(), v1::DocumentReport::COMMITTED);
  EXPECT_GT(replaced.reports[0].relations_retracted(), 0);
  EXPECT_THAT(Query(*ts_.stub, "g.V().has('Company', 'name', 'NVIDIA').out('BASED_IN').count()"),
              ElementsAre("0L"));
  EXPECT_THAT(Query(*ts_.stub,
                    "g.V().has('Document', 'name', '외부 기사').out('MENTIONS')"
                    ".values('name')"),
              ElementsAre("NVIDIA"));
}

TEST_F(GivenExtractionTest, AnInvalidExtractionFailsItsDocumentAndWritesNothing) {
  ASSERT_EQ(Ingest(*ts_.stub, {BuiltInArticle()}).reports.at(0).status(),
            v1::DocumentReport::COMMITTED);
  const std::vector<std::string> before = Dump();
  struct Case {
    std::function<void(v1::Document*)> spoil;
    std::string error;
  };
  const std::vector<Case> cases = {
      {[](v1::Document* d) { d->mutable_extraction()->mutable_entities(1)->set_label("Nation"); },
       "document given-1: entity 1 (대만): unknown vertex label 'Nation'"},
      {[](v1::Document* d) { d->mutable_extraction()->mutable_relations(0)->set_edge("LOCATED"); },
       "document given-1: relation 0 (엔비디아 LOCATED 대만): unknown edge label 'LOCATED'"},
      {[](v1::Document* d) {
         d->mutable_extraction()->mutable_relations(0)->set_object_name("일본");
       },
       "document given-1: relation 0: object '일본' is not the name or an alias of any entity of "
       "the document"},
      {[](v1::Document* d) {
         d->mutable_extraction()->mutable_relations(0)->set_subject_name("대만");
         d->mutable_extraction()->mutable_relations(0)->set_object_name("엔비디아");
       },
       "document given-1: relation 0 (대만 BASED_IN 엔비디아): BASED_IN goes from "
       "Company,Organization to Country, not from Country to Company (edges.tsv)"},
      {[](v1::Document* d) { d->mutable_extraction()->mutable_entities(0)->set_name(""); },
       "document given-1: entity 0: empty name"},
      {[](v1::Document* d) { d->set_text(std::string(kGivenText) + "\xc3"); },
       "document given-1: invalid UTF-8 at byte offset 66"},
      {[](v1::Document* d) {
         d->mutable_extraction()->mutable_relations(0)->set_evidence("엔비디아는 일본 기업이다.");
       },
       "document given-1: relation 0 (엔비디아 BASED_IN 대만): evidence not found in the text: "
       "\"엔비디아는 일본 기업이다.\""},
      {[](v1::Document* d) { d->mutable_extraction()->mutable_relations(0)->set_confidence(2); },
       "document given-1: relation 0 (엔비디아 BASED_IN 대만): confidence 2 is outside (0, 1]"},
  };
  for (const Case& c : cases) {
    v1::Document bad = GivenArticle();
    c.spoil(&bad);
    IngestRun run = Ingest(*ts_.stub, {bad});
    ASSERT_TRUE(run.status.ok()) << run.status.error_message();
    ASSERT_EQ(run.reports.size(), 1u);
    EXPECT_EQ(run.reports[0].status(), v1::DocumentReport::FAILED) << c.error;
    EXPECT_EQ(run.reports[0].error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(run.reports[0].error(), c.error);
    EXPECT_EQ(run.reports[0].doc_id(), "given-1");
    EXPECT_FALSE(run.reports[0].has_extraction());
    EXPECT_EQ(Dump(), before) << c.error;
  }
  EXPECT_EQ(counting_.calls.load(), 1);  // only the built-in article

  // In one stream, a bad document fails alone: the one after it is written.
  v1::Document bad = GivenArticle();
  bad.mutable_extraction()->mutable_entities(1)->set_label("Nation");
  v1::Document good = GivenArticle();
  good.set_id("given-2");
  IngestRun both = Ingest(*ts_.stub, {bad, good});
  ASSERT_EQ(both.reports.size(), 2u);
  EXPECT_EQ(both.reports[0].status(), v1::DocumentReport::FAILED);
  EXPECT_EQ(both.reports[1].status(), v1::DocumentReport::COMMITTED) << both.reports[1].error();
  EXPECT_THAT(Query(*ts_.stub, "g.V().hasLabel('Document').values('name')"),
              UnorderedElementsAre("칩 기사", "외부 기사"));
}

TEST_F(GivenExtractionTest, DryRunExplainsAndWritesNothing) {
  const std::vector<std::string> before = Dump();
  IngestRun run = Ingest(*ts_.stub, {GivenArticle()}, /*dry_run=*/true);
  ASSERT_EQ(run.reports.size(), 1u);
  EXPECT_EQ(run.reports[0].status(), v1::DocumentReport::DRY_RUN);
  ASSERT_EQ(run.reports[0].extraction().relations_size(), 1);
  EXPECT_EQ(run.reports[0].extraction().relations(0).rule(), "input");
  EXPECT_EQ(Dump(), before);
  EXPECT_EQ(counting_.calls.load(), 0);
}

}  // namespace
}  // namespace kg::server::testing
