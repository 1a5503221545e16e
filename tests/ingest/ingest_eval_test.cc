// Extraction quality against the gold annotations of the seed brief and the dev set.
//
// Targets (issue 5): entity F1 >= 0.90 and relation F1 >= 0.75 on the seed and on the dev set.
// Measured with the shipped bundle: seed entities 0.932 / relations 0.870; dev set 0.978 / 0.875;
// the team's thirteen articles 0.934 / 0.763.
// The floors below are what the shipped bundle achieves; a change that lowers them fails here.
#include <iostream>

#include "absl/strings/str_cat.h"
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

// Qualifier agreement over matched relations: a date at the gold's precision, an amount within
// 0.5% and in the gold's currency, numbers within 0.01, strings after case folding; of two gold
// relations between the same ends, each extracted one pairs with the one it agrees with.
TEST(EvalTest, QualifiersOfMatchedRelationsAreRightWrongMissingOrExtra) {
  Extraction x;
  x.document.title = "Title";
  x.entities = {{"Organization", "Alpha", {}, 1, "", {}}, {"Organization", "Beta", {}, 1, "", {}},
                {"Policy", "Pact", {}, 1, "", {}},        {"Company", "Cee", {}, 1, "", {}},
                {"Company", "Dee", {}, 1, "", {}},        {"Program", "Sun", {}, 1, "", {}}};
  auto rel = [&](int s, const char* edge, int o,
                 std::vector<std::pair<std::string, graph::Value>> props) {
    Relation r;
    r.subject = s;
    r.edge = edge;
    r.object = o;
    r.props = std::move(props);
    x.relations.push_back(r);
  };
  rel(0, "ENACTS", 2, {{"date", graph::Value("2025-02-01")}});  // gold 2025-02: right
  rel(1, "ENACTS", 2, {{"date", graph::Value("2025-02")}});     // gold 2025-02-01: wrong
  rel(0, "FUNDS", 3,  // the gold's second Alpha-Cee relation (2024), not its first
      {{"amount", graph::Value(7.55e9)},
       {"currency", graph::Value("USD")},
       {"year", graph::Value(int64_t{2024})}});
  rel(0, "FUNDS", 3, {{"amount", graph::Value(9.2e9)}, {"currency", graph::Value("USD")}});
  rel(0, "FUNDS", 4, {{"amount", graph::Value(1e8)}, {"currency", graph::Value("USD")}});
  rel(1, "PARTICIPATES_IN", 5,
      {{"role", graph::Value("technology partner")}, {"rate_pct", graph::Value(5.0)}});
  rel(0, "LEADS", 5, {{"date", graph::Value("1.23")}});
  const std::string gold = R"({"title": "title", "entities": [
      {"label": "Organization", "name": "Alpha"}, {"label": "Organization", "name": "Beta"},
      {"label": "Policy", "name": "Pact"}, {"label": "Company", "name": "Cee"},
      {"label": "Company", "name": "Dee"}, {"label": "Program", "name": "Sun"}],
    "relations": [
      {"s": "Alpha", "p": "ENACTS", "o": "Pact", "props": {"date": "2025-02"}},
      {"s": "Beta", "p": "ENACTS", "o": "Pact", "props": {"date": "2025-02-01"}},
      {"s": "Alpha", "p": "FUNDS", "o": "Cee",
       "props": {"amount": 9200000000, "currency": "USD", "year": 2023}},
      {"s": "Alpha", "p": "FUNDS", "o": "Cee",
       "props": {"amount": 7540000000, "currency": "USD", "year": 2024}},
      {"s": "Alpha", "p": "FUNDS", "o": "Dee", "props": {"amount": 100000000, "currency": "EUR"}},
      {"s": "Beta", "p": "PARTICIPATES_IN", "o": "Sun",
       "props": {"role": "Technology Partner", "share_pct": 20}},
      {"s": "Alpha", "p": "LEADS", "o": "Sun", "props": {"date": "1.23"}},
      {"s": "Beta", "p": "FUNDS", "o": "Dee", "props": {"year": 2024}}]})";
  auto rep = EvaluateGold({x}, {{"g.json", gold}}, {});
  ASSERT_TRUE(rep.ok()) << rep.status();
  EXPECT_EQ(rep->relations.tp, 7);
  EXPECT_EQ(rep->relations.fn, 1);  // Beta-Dee: not matched, so its year counts nowhere
  std::vector<std::string> rows;
  for (const QualifierScore& q : rep->qualifiers) {
    rows.push_back(
        absl::StrCat(q.key, " ", q.gold, "/", q.right, "/", q.wrong, "/", q.missing, "/", q.extra));
  }
  EXPECT_EQ(rows,
            (std::vector<std::string>{"date 3/2/1/0/0", "amount 3/2/1/0/0", "share_pct 1/0/0/1/0",
                                      "year 2/1/0/1/0", "rate_pct 0/0/0/0/1", "role 1/1/0/0/0"}));
  EXPECT_EQ(rep->articles[0].qualifier_errors,
            (std::vector<std::string>{
                "date R Beta ENACTS Pact: gold 2025-02-01, extracted 2025-02",
                "year R Alpha FUNDS Cee: gold 2023, extracted -",
                "amount R Alpha FUNDS Dee: gold 100000000 EUR, extracted 100000000 USD",
                "share_pct R Beta PARTICIPATES_IN Sun: gold 20, extracted -"}));
  // One block under the overall line; the qualifier errors only with details.
  const std::string table = rep->Render();
  const std::string block =
      "qualifiers of matched relations     gold   right   wrong missing   extra\n"
      "  date                                 3       2       1       0       0\n"
      "  amount                               3       2       1       0       0\n"
      "  share_pct                            1       0       0       1       0\n"
      "  year                                 2       1       0       1       0\n"
      "  rate_pct                             0       0       0       0       1\n"
      "  role                                 1       1       0       0       0\n";
  ASSERT_GE(table.size(), block.size());
  EXPECT_EQ(table.substr(table.size() - block.size()), block) << table;
  EXPECT_EQ(table.find("    qualifier "), std::string::npos);
  EXPECT_NE(rep->Render(/*details=*/true)
                .find("    qualifier amount R Alpha FUNDS Dee: gold 100000000 EUR, extracted "
                      "100000000 USD\n"),
            std::string::npos);
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
  EXPECT_EQ(status_of(R"({"entities": [], "relations": [{"s": "a", "p": "E", "o": "b",
                                                        "props": [1]}]})"),
            absl::InvalidArgumentError("g.json: article 1: props must be an object"));
}

}  // namespace
}  // namespace kg::ingest
