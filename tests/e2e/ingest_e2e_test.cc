// End to end, the real kgd and kg: `kg ingest --explain` (with and without --dry-run) and
// `kg eval GOLD... -- ARTICLE...` with figures worked out by hand from a small synthetic article.
#include <filesystem>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/e2e/files.h"
#include "tests/e2e/process.h"
#include "tests/server/stargate_sample.h"

namespace kg::e2e {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;
namespace fs = std::filesystem;

class IngestE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    article_ = tmp_.path() + "/stargate.txt";
    gold_dir_ = tmp_.path() + "/gold";
    fs::create_directory(gold_dir_);
    WriteFile(article_, kg::testing::kStargateArticle);
    WriteFile(gold_dir_ + "/a1.gold.json",
              std::string(R"({"articles": [)") + kg::testing::kStargateGoldA1 + "]}");
    WriteFile(gold_dir_ + "/a2.gold.json", kg::testing::kStargateGoldA2);
    kgd_ = std::make_unique<Kgd>(KGD_BIN, tmp_.path() + "/data", tmp_.path());
    ASSERT_TRUE(kgd_->Start()) << kgd_->log();
  }

  RunResult Kg(std::vector<std::string> args) {
    args.insert(args.begin(), KG_BIN);
    args.push_back("--server=" + kgd_->address());
    return ::kg::e2e::Run(args, std::chrono::seconds(120));
  }

  int64_t Documents() {
    RunResult r = Kg({"query", "g.V().hasLabel('Document').count()", "--format=json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    auto lines = JsonLines(r.out);
    return lines.size() == 1 && lines[0].is_number() ? lines[0].get<int64_t>() : -1;
  }

  TempDir tmp_{"kg-ingest-e2e"};
  std::string article_, gold_dir_;
  std::unique_ptr<Kgd> kgd_;
};

TEST_F(IngestE2eTest, DryRunExplainPrintsEachItemWithItsRuleAndWritesNothing) {
  RunResult r = Kg({"ingest", "--dry-run", "--explain", article_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("document stargate.txt: 스타게이트 프로젝트 동향  [DRY_RUN]\n"));
  EXPECT_THAT(r.out, HasSubstr("  source: Counterpoint, published 1.23\n"));
  EXPECT_THAT(r.out, HasSubstr("] Company \"Oracle\"  rule dict:"));
  EXPECT_THAT(r.out, HasSubstr("        aliases: 오라클\n"));
  EXPECT_THAT(r.out,
              HasSubstr("        evidence: - 오라클이 기술 파트너로 스타게이트 프로젝트에 참여\n"));
  EXPECT_THAT(r.out,
              HasSubstr("    Oracle -PARTICIPATES_IN-> Stargate Project  role=\"기술 파트너\"\n"
                        "        rule "));
  EXPECT_THAT(r.out, HasSubstr("): - 소프트뱅크가 재무 파트너로 스타게이트 프로젝트에 참여\n"));
  EXPECT_THAT(r.out, HasSubstr("dry run: 1 documents from 1 inputs"));
  EXPECT_EQ(Documents(), 0);
}

TEST_F(IngestE2eTest, ExplainAsJsonReportsWhatWasWritten) {
  RunResult r = Kg({"ingest", "--explain", "--json", article_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<nlohmann::json> lines = JsonLines(r.out);
  ASSERT_EQ(lines.size(), 2u) << r.out;  // the document's report, then the summary
  const nlohmann::json& report = lines[0];
  EXPECT_EQ(report["status"], "COMMITTED");
  const nlohmann::json& x = report["extraction"];
  ASSERT_TRUE(x.is_object()) << r.out;
  EXPECT_EQ(x["source"], "Counterpoint");
  bool found = false;
  for (const nlohmann::json& rel : x["relations"]) {
    if (rel["subject"] != "SoftBank" || rel["edge"] != "PARTICIPATES_IN") continue;
    found = true;
    EXPECT_EQ(rel["object"], "Stargate Project");
    EXPECT_EQ(rel["qualifiers"]["role"], "재무 파트너");
    EXPECT_EQ(rel["evidence"], "- 소프트뱅크가 재무 파트너로 스타게이트 프로젝트에 참여");
    EXPECT_FALSE(rel["rule"].get<std::string>().empty());
    EXPECT_GT(rel["confidence"].get<double>(), 0.0);
    // The span is the evidence's byte offsets in the cleaned text.
    const size_t begin = rel["evidence_span"][0].get<size_t>();
    const size_t end = rel["evidence_span"][1].get<size_t>();
    EXPECT_EQ(std::string(kg::testing::kStargateArticle).substr(begin, end - begin), rel["evidence"]);
  }
  EXPECT_TRUE(found) << x.dump(1);
  EXPECT_EQ(Documents(), 1);
}

TEST_F(IngestE2eTest, EvalPrintsPrecisionRecallAndF1PerArticleAndOverall) {
  RunResult r = Kg({"eval", gold_dir_, "--", article_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Columns are padded by display width (a Hangul syllable takes two).
  EXPECT_THAT(r.out, ContainsRegex("\nA1 +스타게이트 프로젝트 동향 +"
                                   "0\\.800 +0\\.800 +0\\.800 +0\\.667 +0\\.667 +0\\.667\n"));
  EXPECT_THAT(r.out, ContainsRegex("\nA2 +없는 기사 +"
                                   "0\\.000 +0\\.000 +0\\.000 +0\\.000 +0\\.000 +0\\.000\n"));
  EXPECT_THAT(r.out, ContainsRegex("\noverall +2 gold articles +"
                                   "0\\.800 +0\\.667 +0\\.727 +0\\.667 +0\\.667 +0\\.667\n"));
  EXPECT_THAT(r.out, HasSubstr("entities:  4 matched, 1 spurious, 2 missed\n"));
  EXPECT_THAT(r.out, HasSubstr("relations: 2 matched, 1 spurious, 1 missed\n"));
  EXPECT_THAT(r.out, HasSubstr("\nqualifiers of matched relations     gold   right   wrong "
                               "missing   extra\n"
                               "  role                                 2       1       1       "
                               "0       0\n"));
  EXPECT_EQ(Documents(), 0);  // evaluation writes nothing

  RunResult details = Kg({"eval", gold_dir_ + "/a1.gold.json", "--", article_, "--details"});
  ASSERT_EQ(details.exit_code, 0) << details.err;
  EXPECT_THAT(details.out, HasSubstr("    missed   E Company Microsoft\n"));
  EXPECT_THAT(details.out,
              HasSubstr("    missed   R Microsoft PARTICIPATES_IN Stargate Project\n"));
  EXPECT_THAT(details.out, HasSubstr("    spurious E Company Counterpoint Research"));
  EXPECT_THAT(details.out, HasSubstr("    qualifier role R SoftBank PARTICIPATES_IN Stargate "
                                     "Project: gold financial partner, extracted 재무 파트너\n"));
}

TEST_F(IngestE2eTest, EvalJsonAndThresholds) {
  RunResult json = Kg({"eval", gold_dir_, "--", article_, "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  nlohmann::json j = nlohmann::json::parse(json.out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << json.out;
  EXPECT_EQ(j["entities"]["tp"], 4);
  EXPECT_EQ(j["entities"]["fp"], 1);
  EXPECT_EQ(j["entities"]["fn"], 2);
  EXPECT_DOUBLE_EQ(j["entities"]["f1"].get<double>(), 2 * 0.8 * (4.0 / 6) / (0.8 + 4.0 / 6));
  EXPECT_EQ(j["relations"]["tp"], 2);
  EXPECT_EQ(j["qualifiers"], nlohmann::json::parse(R"([{"key": "role", "gold": 2, "right": 1,
                                                         "wrong": 1, "missing": 0, "extra": 0}])"));
  ASSERT_EQ(j["articles"].size(), 2u);
  EXPECT_EQ(j["articles"][0]["doc_id"], "A1");

  RunResult met =
      Kg({"eval", gold_dir_, "--", article_, "--min_entity_f1=0.7", "--min_relation_f1=0.6"});
  EXPECT_EQ(met.exit_code, 0) << met.err;
  RunResult missed = Kg({"eval", gold_dir_, "--min_relation_f1=0.75", "--", article_});
  EXPECT_EQ(missed.exit_code, 1);
  EXPECT_EQ(missed.err, "kg: relation F1 0.667 is below --min_relation_f1=0.75\n");
}

TEST_F(IngestE2eTest, EvalUsageAndInputErrors) {
  RunResult no_sep = Kg({"eval", gold_dir_, article_});
  EXPECT_EQ(no_sep.exit_code, 2);
  EXPECT_THAT(no_sep.err, HasSubstr("kg: eval needs GOLD... -- ARTICLE...\n"));
  RunResult bad_threshold = Kg({"eval", gold_dir_, "--", article_, "--min_entity_f1=high"});
  EXPECT_EQ(bad_threshold.exit_code, 2);
  EXPECT_THAT(bad_threshold.err,
              HasSubstr("--min_entity_f1 needs a number between 0 and 1, not 'high'"));
  RunResult missing = Kg({"eval", gold_dir_ + "/none.json", "--", article_});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.err, "kg: no such file or directory: " + gold_dir_ + "/none.json\n");

  const std::string bad_gold = tmp_.path() + "/bad.json";
  WriteFile(bad_gold, "{\"articles\": 3}");
  RunResult rejected = Kg({"eval", bad_gold, "--", article_});
  EXPECT_EQ(rejected.exit_code, 1);
  EXPECT_THAT(rejected.err, HasSubstr("INVALID_ARGUMENT"));
  EXPECT_THAT(rejected.err, HasSubstr(bad_gold + ": no articles"));

  RunResult help = Kg({"eval", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.out, HasSubstr("usage: kg eval GOLD... -- ARTICLE..."));
}

}  // namespace
}  // namespace kg::e2e
