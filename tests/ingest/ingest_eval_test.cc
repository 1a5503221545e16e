// Extraction quality against the gold annotations of the seed brief and the dev set.
//
// Targets (issue 5): entity F1 >= 0.90 and relation F1 >= 0.75 on the seed and on the dev set.
// Measured with the shipped bundle: seed entities 0.932 / relations 0.870; dev set 0.978 / 0.875;
// the team's thirteen articles 0.934 / 0.763.
// The floors below are what the shipped bundle achieves; a change that lowers them fails here.
#include <iostream>

#include "gtest/gtest.h"
#include "ingest/ingest.h"

namespace kg::ingest {
namespace {

const std::string kShared = KG_SHARED_DIR;

EvalReport Score(const std::vector<std::string>& inputs, const std::vector<std::string>& gold) {
  auto bundle = Bundle::Load(KG_INGEST_TEST_DATA);
  EXPECT_TRUE(bundle.ok()) << bundle.status();
  Extractor ex(*bundle);
  std::vector<Extraction> all;
  for (const std::string& f : inputs) {
    auto docs = ReadTextFile(f);
    EXPECT_TRUE(docs.ok()) << docs.status();
    for (const Document& d : *docs) {
      auto x = ex.Extract(d);
      EXPECT_TRUE(x.ok()) << x.status();
      all.push_back(*std::move(x));
    }
  }
  auto r = Evaluate(all, gold, (*bundle)->SymmetricEdges());
  EXPECT_TRUE(r.ok()) << r.status();
  return *r;
}

TEST(EvalTest, SeedBrief) {
  EvalReport r = Score({kShared + "/seed/000_9bcd69e6ea19a6da.txt"}, {kShared + "/seed/gold.json"});
  ASSERT_EQ(r.articles.size(), 9u);
  std::cout << r.Render();
  EXPECT_GE(r.entities.f1(), FLOOR_ENT);
  EXPECT_GE(r.relations.f1(), FLOOR_SEED_REL);
}

TEST(EvalTest, DevSet) {
  std::vector<std::string> in, gold;
  for (const char* d : {"D1", "D2", "D3", "D4"}) {
    in.push_back(kShared + "/devset/dev-" + d + ".txt");
    gold.push_back(kShared + "/devset/dev-" + d + ".gold.json");
  }
  EvalReport r = Score(in, gold);
  ASSERT_EQ(r.articles.size(), 4u);
  std::cout << r.Render();
  EXPECT_GE(r.entities.f1(), FLOOR_ENT);
  EXPECT_GE(r.relations.f1(), FLOOR_DEV_REL);
}

// Thirteen more articles in the brief's style that the team wrote and annotated
// (tests/ingest/data/articles/README.md). Each was first scored unseen, then used to find what
// the rules miss, so these floors guard against regressions; they do not measure unseen text.
TEST(EvalTest, TeamArticles) {
  std::vector<std::string> in, gold;
  for (int i = 1; i <= 13; ++i) {
    const std::string stem =
        std::string(KG_TEAM_ARTICLES) + (i < 10 ? "/team-0" : "/team-") + std::to_string(i);
    in.push_back(stem + ".txt");
    gold.push_back(stem + ".gold.json");
  }
  EvalReport r = Score(in, gold);
  ASSERT_EQ(r.articles.size(), 13u);
  std::cout << r.Render();
  EXPECT_GE(r.entities.f1(), FLOOR_TEAM_ENT);
  EXPECT_GE(r.relations.f1(), FLOOR_TEAM_REL);
}

TEST(EvalTest, ScoringCountsMatchesByAliasAndLabel) {
  // A hand-made extraction scored against the seed's first article.
  Extraction x;
  x.document.title = "미국 AI 인프라 확충을 위한 스타게이트 프로젝트";
  x.entities = {{"Document", x.document.title, {x.document.title}, 1, "", {}},
                {"Company", "오픈AI", {"OpenAI"}, 1, "", {}},       // matches by alias
                {"Program", "스타게이트", {"스타게이트 프로젝트"}, 1, "", {}},
                {"Country", "OpenAI", {"OpenAI"}, 1, "", {}}};      // wrong label: spurious
  Relation r;
  r.subject = 1;
  r.edge = "PARTICIPATES_IN";
  r.object = 2;
  x.relations = {r};
  auto rep = Evaluate({x}, {kShared + "/seed/gold.json"}, {"PARTNERS_WITH"});
  ASSERT_TRUE(rep.ok()) << rep.status();
  const ArticleScore& a = rep->articles[0];
  EXPECT_EQ(a.entities.tp, 3);
  EXPECT_EQ(a.entities.fp, 1);
  EXPECT_EQ(a.relations.tp, 1);
  EXPECT_EQ(a.relations.fp, 0);
  // Articles with no extraction count everything as missed.
  EXPECT_EQ(rep->articles[1].entities.tp, 0);
  EXPECT_GT(rep->articles[1].entities.fn, 0);
}

TEST(EvalTest, MissingGoldFileIsAnError) {
  EXPECT_EQ(Evaluate({}, {"/nonexistent/gold.json"}, {}).status().code(),
            absl::StatusCode::kNotFound);
}

// One hand-made article: a company found (by alias), one found under the wrong label, one
// missed; one relation found, one missed.
TEST(EvalTest, GoldContentsScoreLikeFiles) {
  Extraction x;
  x.document.title = "Title";
  x.entities = {{"Company", "오픈AI", {"OpenAI"}, 1, "", {}},
                {"Program", "Stargate", {}, 1, "", {}},
                {"Country", "Oracle", {}, 1, "", {}}};
  Relation r;
  r.subject = 0;
  r.edge = "PARTICIPATES_IN";
  r.object = 1;
  x.relations = {r};
  const std::string gold = R"({"title": "title", "entities": [
      {"label": "Company", "name": "OpenAI"}, {"label": "Program", "name": "Stargate"},
      {"label": "Company", "name": "Oracle"}],
    "relations": [{"s": "OpenAI", "p": "PARTICIPATES_IN", "o": "Stargate"},
                  {"s": "Oracle", "p": "PARTICIPATES_IN", "o": "Stargate"}]})";
  auto rep = EvaluateGold({x}, {{"g.json", gold}}, {});
  ASSERT_TRUE(rep.ok()) << rep.status();
  ASSERT_EQ(rep->articles.size(), 1u);
  EXPECT_EQ(rep->entities.tp, 2);
  EXPECT_EQ(rep->entities.fp, 1);
  EXPECT_EQ(rep->entities.fn, 1);
  EXPECT_EQ(rep->relations.tp, 1);
  EXPECT_EQ(rep->relations.fp, 0);
  EXPECT_EQ(rep->relations.fn, 1);
}

// A relation the other way round matches only for an edge the bundle marks symmetric; the
// shipped bundle's edges.tsv marks PARTNERS_WITH.
TEST(EvalTest, ReversedRelationMatchesOnlyForASymmetricEdge) {
  Extraction x;
  x.document.title = "Title";
  x.entities = {{"Company", "Oracle", {}, 1, "", {}}, {"Company", "OpenAI", {}, 1, "", {}}};
  for (const char* edge : {"PARTNERS_WITH", "SUPPLIES"}) {
    Relation r;
    r.subject = 0;
    r.edge = edge;
    r.object = 1;
    x.relations.push_back(r);
  }
  const std::string gold = R"({"title": "title", "entities": [
      {"label": "Company", "name": "OpenAI"}, {"label": "Company", "name": "Oracle"}],
    "relations": [{"s": "OpenAI", "p": "PARTNERS_WITH", "o": "Oracle"},
                  {"s": "OpenAI", "p": "SUPPLIES", "o": "Oracle"}]})";
  auto bundle = Bundle::Load(KG_INGEST_TEST_DATA);
  ASSERT_TRUE(bundle.ok()) << bundle.status();
  EXPECT_EQ((*bundle)->SymmetricEdges(), std::vector<std::string>{"PARTNERS_WITH"});
  auto rep = EvaluateGold({x}, {{"g.json", gold}}, (*bundle)->SymmetricEdges());
  ASSERT_TRUE(rep.ok()) << rep.status();
  EXPECT_EQ(rep->relations.tp, 1);  // PARTNERS_WITH either way round
  EXPECT_EQ(rep->relations.fp, 1);  // SUPPLIES has a direction
  rep = EvaluateGold({x}, {{"g.json", gold}}, {});
  ASSERT_TRUE(rep.ok()) << rep.status();
  EXPECT_EQ(rep->relations.tp, 0);
}

TEST(EvalTest, MalformedGoldIsInvalidArgumentNamingTheFile) {
  auto status_of = [](const std::string& content) {
    return EvaluateGold({}, {{"g.json", content}}, {}).status();
  };
  EXPECT_EQ(status_of("[1, 2"), absl::InvalidArgumentError("g.json: not valid JSON"));
  EXPECT_EQ(status_of("[]"), absl::InvalidArgumentError("g.json: no articles"));
  EXPECT_EQ(status_of(R"({"articles": [{"title": "t"}]})"),
            absl::InvalidArgumentError("g.json: article without entities"));
  EXPECT_EQ(status_of(R"({"articles": [{"title": 5, "entities": []}]})"),
            absl::InvalidArgumentError("g.json: article 1: doc_id and title must be strings"));
  EXPECT_EQ(status_of(R"({"entities": ["OpenAI"]})"),
            absl::InvalidArgumentError(
                "g.json: article 1: every entity needs a string label and name"));
  EXPECT_EQ(status_of(R"({"entities": [], "relations": [{"s": "a", "p": "E"}]})"),
            absl::InvalidArgumentError("g.json: article 1: every relation needs strings s, p and o"));
  EXPECT_EQ(status_of(R"({"entities": [], "relations": {}})"),
            absl::InvalidArgumentError("g.json: article 1: relations must be an array"));
}

}  // namespace
}  // namespace kg::ingest
