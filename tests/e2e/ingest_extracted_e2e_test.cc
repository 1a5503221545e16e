// End to end, the real kgd and kg: `kg ingest FILE.jsonl` of entities and relations a user
// extracted, told from documents to extract by content or by --extracted.
#include <filesystem>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/e2e/files.h"
#include "tests/e2e/process.h"
#include "tests/server/stargate_sample.h"

namespace kg::e2e {
namespace {

using ::testing::HasSubstr;

// A user's extraction: 오라클 (the dictionary's Oracle, which the Stargate article names too) is
// based in 미국, stated by the text's first sentence.
constexpr char kLine[] =
    R"({"document": {"id": "x1", "title": "오라클 소개", "source": "Own Wire", "text": )"
    R"("오라클은 미국 기업이다. 클라우드를 판다."}, "entities": [{"label": "Company", )"
    R"("name": "오라클", "confidence": 0.85}, {"label": "Country", "name": "미국"}], )"
    R"("relations": [{"s": "오라클", "p": "BASED_IN", "o": "미국", "props": {"since": 1977}, )"
    R"("evidence": "오라클은 미국 기업이다.", "confidence": 0.6}]})";

class IngestExtractedE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    article_ = tmp_.path() + "/stargate.txt";
    WriteFile(article_, kg::testing::kStargateArticle);
    kgd_ = std::make_unique<Kgd>(KGD_BIN, tmp_.path() + "/data", tmp_.path());
    ASSERT_TRUE(kgd_->Start()) << kgd_->log();
  }

  RunResult Kg(std::vector<std::string> args) {
    args.insert(args.begin(), KG_BIN);
    args.push_back("--server=" + kgd_->address());
    return ::kg::e2e::Run(args, std::chrono::seconds(120));
  }

  // The traversal's results, one JSON value per line.
  std::string Q(const std::string& gremlin) {
    RunResult r = Kg({"query", gremlin, "--format=json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }

  std::string File(const std::string& name, const std::string& text) {
    const std::string path = tmp_.path() + "/" + name;
    WriteFile(path, text);
    return path;
  }

  TempDir tmp_{"kg-extracted-e2e"};
  std::string article_;
  std::unique_ptr<Kgd> kgd_;
};

TEST_F(IngestExtractedE2eTest, LinesAreWrittenAsGivenResolvedAndIdempotent) {
  ASSERT_EQ(Kg({"ingest", article_}).exit_code, 0);
  const std::string ext = File("ext.jsonl", std::string(kLine) + "\n");

  RunResult dry = Kg({"ingest", "--dry-run", "--explain", ext});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_THAT(dry.out, HasSubstr("document x1: 오라클 소개  [DRY_RUN]\n"));
  EXPECT_THAT(dry.out, HasSubstr("] Company \"Oracle\"  rule input, confidence 0.85, 1 mention\n"));
  EXPECT_THAT(dry.out, HasSubstr("    Oracle -BASED_IN-> United States  since=1977\n"
                                 "        rule input, confidence 0.60"));
  EXPECT_EQ(Q("g.V().hasLabel('Document').count()"), "1\n");

  RunResult r = Kg({"ingest", "--explain", "--json", ext});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<nlohmann::json> lines = JsonLines(r.out);
  ASSERT_EQ(lines.size(), 2u) << r.out;
  EXPECT_EQ(lines[0]["status"], "COMMITTED");
  EXPECT_EQ(lines[0]["extraction"]["entities"][1]["rule"], "input");
  // One Oracle for the article and the line; the relation with its typed qualifier.
  EXPECT_EQ(Q("g.V().has('Company', 'name', 'Oracle').in('MENTIONS').values('name').order()"),
            "\"스타게이트 프로젝트 동향\"\n\"오라클 소개\"\n");
  EXPECT_EQ(Q("g.V().has('Company', 'name', 'Oracle').outE('BASED_IN').values('since')"), "1977\n");
  EXPECT_EQ(Q("g.V().has('Company', 'name', 'Oracle').out('BASED_IN').values('name')"),
            "\"United States\"\n");
  // Nothing the built-in extractor would add (클라우드 is in the text, not in the line).
  EXPECT_EQ(Q("g.V().has('Document', 'name', '오라클 소개').out('MENTIONS').count()"), "2\n");

  const std::string edges = Q("g.E().count()"), vertices = Q("g.V().count()");
  RunResult again = Kg({"ingest", ext});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.out, HasSubstr("0 committed, 1 unchanged, 0 failed"));
  EXPECT_EQ(Q("g.E().count()"), edges);
  EXPECT_EQ(Q("g.V().count()"), vertices);

  // The line changed (its relation dropped): the document's contributions are replaced.
  nlohmann::json changed = nlohmann::json::parse(kLine);
  changed["relations"] = nlohmann::json::array();
  File("ext.jsonl", changed.dump() + "\n");
  RunResult replaced = Kg({"ingest", ext});
  ASSERT_EQ(replaced.exit_code, 0) << replaced.err;
  EXPECT_THAT(replaced.out, HasSubstr("1 committed, 0 unchanged, 0 failed"));
  EXPECT_EQ(Q("g.V().has('Company', 'name', 'Oracle').out('BASED_IN').count()"), "0\n");
}

TEST_F(IngestExtractedE2eTest, BadInputIsAClearErrorAndWritesNothing) {
  const std::string doc_line = R"({"id": "d1", "text": "오라클은 미국 기업이다."})";
  const std::string mixed = File("mixed.jsonl", std::string(kLine) + "\n\n" + doc_line + "\n");
  RunResult r = Kg({"ingest", mixed});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "kg: " + mixed +
                       ":3: a document to extract ({\"text\": ...}), but line 1 is already "
                       "extracted: a file holds one kind\n");

  const std::string docs = File("docs.jsonl", doc_line + "\n");
  r = Kg({"ingest", "--extracted", docs});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "kg: " + docs +
                       ":1: expected already extracted entities and relations: {\"document\": "
                       "{...}, \"entities\": [...], \"relations\": [...]}\n");

  r = Kg({"ingest", "--extracted", article_});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "kg: " + article_ + ": --extracted reads JSON Lines (.jsonl) only\n");

  std::string broken = kLine;
  broken.replace(broken.find("클라우드"), 3, "\xff");
  const std::string broken_path = File("broken.jsonl", "\n" + broken + "\n");
  r = Kg({"ingest", broken_path});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "kg: " + broken_path + ":2: invalid UTF-8\n");

  nlohmann::json typo = nlohmann::json::parse(kLine);
  typo["entities"][0]["alias"] = {"Oracle Corp"};
  r = Kg({"ingest", File("typo.jsonl", typo.dump() + "\n")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("typo.jsonl:1: unknown field \"alias\" in entity 0\n"));

  // What only kgd can tell (its schema): the document fails, with its id and the item.
  nlohmann::json bad = nlohmann::json::parse(kLine);
  bad["relations"][0]["p"] = "FOUNDED_IN";
  const std::string bad_path = File("bad.jsonl", bad.dump() + "\n");
  r = Kg({"ingest", bad_path});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("kg: failed " + bad_path +
                               ":1 (x1): document x1: relation 0 "
                               "(오라클 FOUNDED_IN 미국): unknown edge label 'FOUNDED_IN'\n"));
  EXPECT_EQ(Q("g.V().count()"), "0\n");
}

}  // namespace
}  // namespace kg::e2e
