// IngestOptions.explain (what was extracted, and why) and the Evaluate RPC, in process.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/service.h"
#include "tests/server/stargate_sample.h"
#include "tests/server/test_server.h"

namespace kg::server::testing {
namespace {

using ::testing::HasSubstr;
using ::kg::testing::kStargateArticle;
using ::kg::testing::kStargateGoldA1;
using ::kg::testing::kStargateGoldA2;
using ::kg::testing::kStargateTitle;

v1::Document ArticleDoc() {
  v1::Document d;
  d.set_path("stargate.txt");
  d.set_text(kStargateArticle);
  return d;
}

// What the same bundle extracts in process: the explanation must be exactly this.
ingest::Extraction LocalExtraction() {
  auto articles = ArticlesOf(ArticleDoc());
  EXPECT_TRUE(articles.ok()) << articles.status();
  EXPECT_EQ(articles->size(), 1u);
  auto bundle = ingest::Bundle::Load(ingest::DefaultBundleDir());
  EXPECT_TRUE(bundle.ok()) << bundle.status();
  auto x = ingest::Extractor(*bundle).Extract(articles->front());
  EXPECT_TRUE(x.ok()) << x.status();
  return *std::move(x);
}

void ExpectSameExtraction(const ingest::Extraction& want, const v1::DocumentExtraction& got) {
  EXPECT_EQ(got.source(), "Counterpoint");
  EXPECT_EQ(got.published(), "1.23");
  ASSERT_EQ(got.entities_size(), static_cast<int>(want.entities.size()));
  for (size_t i = 0; i < want.entities.size(); ++i) {
    const ingest::Entity& w = want.entities[i];
    const v1::ExplainedEntity& g = got.entities(static_cast<int>(i));
    EXPECT_EQ(g.label(), w.label);
    EXPECT_EQ(g.name(), w.name);
    EXPECT_EQ(std::vector<std::string>(g.aliases().begin(), g.aliases().end()), w.aliases);
    EXPECT_EQ(g.rule(), w.rule);
    EXPECT_DOUBLE_EQ(g.confidence(), w.confidence);
    ASSERT_EQ(g.mentions_size(), static_cast<int>(w.mentions.size()));
    for (size_t m = 0; m < w.mentions.size(); ++m) {
      EXPECT_EQ(g.mentions(static_cast<int>(m)).begin(), w.mentions[m].begin);
      EXPECT_EQ(g.mentions(static_cast<int>(m)).end(), w.mentions[m].end);
    }
    EXPECT_EQ(g.evidence(), ingest::EntityEvidence(want, w));
  }
  ASSERT_EQ(got.relations_size(), static_cast<int>(want.relations.size()));
  for (size_t i = 0; i < want.relations.size(); ++i) {
    const ingest::Relation& w = want.relations[i];
    const v1::ExplainedRelation& g = got.relations(static_cast<int>(i));
    EXPECT_EQ(g.subject(), w.subject);
    EXPECT_EQ(g.object(), w.object);
    EXPECT_EQ(g.subject_name(), want.entities[w.subject].name);
    EXPECT_EQ(g.object_name(), want.entities[w.object].name);
    EXPECT_EQ(g.edge(), w.edge);
    EXPECT_EQ(g.rule(), w.rule);
    EXPECT_DOUBLE_EQ(g.confidence(), w.confidence);
    EXPECT_EQ(g.evidence(), std::string(want.Text(w.evidence)));
    EXPECT_EQ(g.evidence_span().begin(), w.evidence.begin);
    ASSERT_EQ(g.qualifiers_size(), static_cast<int>(w.props.size()));
    for (size_t q = 0; q < w.props.size(); ++q) {
      EXPECT_EQ(g.qualifiers(static_cast<int>(q)).key(), w.props[q].first);
    }
  }
}

const v1::ExplainedRelation* FindRelation(const v1::DocumentExtraction& x,
                                          const std::string& subject, const std::string& edge,
                                          const std::string& object) {
  for (const v1::ExplainedRelation& r : x.relations()) {
    if (r.subject_name() == subject && r.edge() == edge && r.object_name() == object) return &r;
  }
  return nullptr;
}

class IngestExplainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ts_.Start();
    ASSERT_TRUE(ts_.bundle_status.ok()) << ts_.bundle_status;
  }
  int64_t Vertices() {
    v1::StatsResponse s;
    EXPECT_TRUE(ts_.stub->Stats(Ctx().get(), v1::StatsRequest(), &s).ok());
    return s.vertices();
  }
  TestServer ts_;
};

TEST_F(IngestExplainTest, DryRunExplainsEveryItemAndWritesNothing) {
  IngestRun run = Ingest(*ts_.stub, {ArticleDoc()}, /*dry_run=*/true, /*explain=*/true);
  ASSERT_TRUE(run.status.ok()) << run.status.error_message();
  ASSERT_EQ(run.reports.size(), 1u);
  const v1::DocumentReport& r = run.reports[0];
  EXPECT_EQ(r.status(), v1::DocumentReport::DRY_RUN);
  EXPECT_EQ(r.title(), kStargateTitle);
  ASSERT_TRUE(r.has_extraction());
  ExpectSameExtraction(LocalExtraction(), r.extraction());
  EXPECT_EQ(r.entities_added(), r.extraction().entities_size());

  // The item the rules are for: Oracle takes part as a technology partner, said in its bullet.
  const v1::ExplainedRelation* oracle =
      FindRelation(r.extraction(), "Oracle", "PARTICIPATES_IN", "Stargate Project");
  ASSERT_NE(oracle, nullptr);
  EXPECT_EQ(oracle->evidence(), "- 오라클이 기술 파트너로 스타게이트 프로젝트에 참여");
  ASSERT_EQ(oracle->qualifiers_size(), 1);
  EXPECT_EQ(oracle->qualifiers(0).key(), "role");
  EXPECT_EQ(oracle->qualifiers(0).value().string_value(), "기술 파트너");
  EXPECT_FALSE(oracle->rule().empty());
  EXPECT_EQ(Vertices(), 0);
}

TEST_F(IngestExplainTest, WithoutDryRunExplainsWhatWasWrittenAndThenWhatIsStored) {
  IngestRun first = Ingest(*ts_.stub, {ArticleDoc()}, /*dry_run=*/false, /*explain=*/true);
  ASSERT_TRUE(first.status.ok()) << first.status.error_message();
  ASSERT_EQ(first.reports.size(), 1u);
  EXPECT_EQ(first.reports[0].status(), v1::DocumentReport::COMMITTED);
  ExpectSameExtraction(LocalExtraction(), first.reports[0].extraction());
  EXPECT_GT(Vertices(), 0);

  IngestRun again = Ingest(*ts_.stub, {ArticleDoc()}, /*dry_run=*/false, /*explain=*/true);
  ASSERT_TRUE(again.status.ok()) << again.status.error_message();
  ASSERT_EQ(again.reports.size(), 1u);
  EXPECT_EQ(again.reports[0].status(), v1::DocumentReport::UNCHANGED);
  EXPECT_EQ(again.reports[0].extraction().SerializeAsString(),
            first.reports[0].extraction().SerializeAsString());
}

TEST_F(IngestExplainTest, NoExplanationUnlessAskedOrWhenTheDocumentFails) {
  IngestRun plain = Ingest(*ts_.stub, {ArticleDoc()}, /*dry_run=*/true, /*explain=*/false);
  ASSERT_TRUE(plain.status.ok());
  ASSERT_EQ(plain.reports.size(), 1u);
  EXPECT_FALSE(plain.reports[0].has_extraction());

  v1::Document bad;
  bad.set_path("bad.txt");
  bad.set_text(std::string("오라클 \xff\xfe 참여"));
  IngestRun failed = Ingest(*ts_.stub, {bad}, /*dry_run=*/true, /*explain=*/true);
  ASSERT_TRUE(failed.status.ok());
  ASSERT_EQ(failed.reports.size(), 1u);
  EXPECT_EQ(failed.reports[0].status(), v1::DocumentReport::FAILED);
  EXPECT_FALSE(failed.reports[0].has_extraction());
}

v1::EvaluateRequest EvalRequest(bool details) {
  v1::EvaluateRequest req;
  v1::GoldFile* g = req.add_gold();
  g->set_name("gold.json");
  g->set_content(std::string(R"({"articles": [)") + kStargateGoldA1 + "," + kStargateGoldA2 +
                 "]}");
  *req.add_documents() = ArticleDoc();
  req.set_details(details);
  return req;
}

void ExpectScore(const v1::PrfScore& s, int64_t tp, int64_t fp, int64_t fn) {
  EXPECT_EQ(s.true_positives(), tp);
  EXPECT_EQ(s.false_positives(), fp);
  EXPECT_EQ(s.false_negatives(), fn);
  const double p = double(tp) / double(tp + fp), r = double(tp) / double(tp + fn);
  EXPECT_DOUBLE_EQ(s.precision(), p);
  EXPECT_DOUBLE_EQ(s.recall(), r);
  EXPECT_DOUBLE_EQ(s.f1(), 2 * p * r / (p + r));
}

TEST_F(IngestExplainTest, EvaluateScoresTheServersExtractorAgainstGold) {
  v1::EvaluateResponse resp;
  grpc::Status s = ts_.stub->Evaluate(Ctx().get(), EvalRequest(/*details=*/true), &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(resp.documents(), 1);
  ASSERT_EQ(resp.articles_size(), 2);
  const v1::ArticleScore& a1 = resp.articles(0);
  EXPECT_EQ(a1.doc_id(), "A1");
  ExpectScore(a1.entities(), 4, 1, 1);
  ExpectScore(a1.relations(), 2, 1, 1);
  EXPECT_THAT(a1.missed(),
              ::testing::UnorderedElementsAre("E Company Microsoft",
                                              "R Microsoft PARTICIPATES_IN Stargate Project"));
  ASSERT_EQ(a1.spurious_size(), 2);
  EXPECT_THAT(a1.spurious(0), HasSubstr("E Company Counterpoint Research"));
  EXPECT_THAT(a1.spurious(1), HasSubstr("PUBLISHED_BY Counterpoint Research"));
  const v1::ArticleScore& a2 = resp.articles(1);
  EXPECT_EQ(a2.entities().false_negatives(), 1);
  EXPECT_EQ(a2.entities().recall(), 0.0);
  ExpectScore(resp.entities(), 4, 1, 2);
  ExpectScore(resp.relations(), 2, 1, 1);
  ASSERT_EQ(resp.qualifiers_size(), 1);
  const v1::QualifierScore& role = resp.qualifiers(0);
  EXPECT_EQ(role.key(), "role");
  EXPECT_EQ(role.gold(), 2);
  EXPECT_EQ(role.right(), 1);
  EXPECT_EQ(role.wrong(), 1);
  EXPECT_EQ(role.missing(), 0);
  EXPECT_EQ(role.extra(), 0);
  EXPECT_THAT(a1.qualifier_errors(),
              ::testing::ElementsAre("role R SoftBank PARTICIPATES_IN Stargate Project: gold "
                                     "financial partner, extracted 재무 파트너"));
  EXPECT_EQ(Vertices(), 0);  // nothing written

  v1::EvaluateResponse brief;
  ASSERT_TRUE(ts_.stub->Evaluate(Ctx().get(), EvalRequest(/*details=*/false), &brief).ok());
  EXPECT_EQ(brief.articles(0).missed_size(), 0);
  EXPECT_EQ(brief.articles(0).spurious_size(), 0);
  EXPECT_EQ(brief.articles(0).qualifier_errors_size(), 0);
  EXPECT_EQ(brief.qualifiers_size(), 1);
  ExpectScore(brief.entities(), 4, 1, 2);
}

TEST_F(IngestExplainTest, EvaluateRejectsBadInputNamingIt) {
  v1::EvaluateResponse resp;
  v1::EvaluateRequest no_gold = EvalRequest(false);
  no_gold.clear_gold();
  grpc::Status s = ts_.stub->Evaluate(Ctx().get(), no_gold, &resp);
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), "Evaluate needs at least one gold file");

  v1::EvaluateRequest bad_json = EvalRequest(false);
  bad_json.mutable_gold(0)->set_content("{\"articles\": [");
  s = ts_.stub->Evaluate(Ctx().get(), bad_json, &resp);
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), "gold.json: not valid JSON");

  v1::EvaluateRequest bad_entity = EvalRequest(false);
  bad_entity.mutable_gold(0)->set_content(
      R"({"title": "t", "entities": [{"label": "Company", "name": 7}]})");
  s = ts_.stub->Evaluate(Ctx().get(), bad_entity, &resp);
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), "gold.json: article 1: every entity needs a string label and name");

  v1::EvaluateRequest bad_text = EvalRequest(false);
  bad_text.mutable_documents(0)->set_text(std::string("오라클 \xff 참여"));
  s = ts_.stub->Evaluate(Ctx().get(), bad_text, &resp);
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("stargate.txt: "));
  v1::ErrorDetail detail;
  ASSERT_TRUE(detail.ParseFromString(s.error_details()));
  EXPECT_EQ(detail.input(), "stargate.txt");
}

}  // namespace
}  // namespace kg::server::testing
