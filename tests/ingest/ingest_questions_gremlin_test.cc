// Every question of the seed's questions.json, asked in the traversal language (Gremlin through
// query/) after the reference brief has been extracted and ingested: the answers are exact.
// (ingest_store_test walks the same paths with the graph API; this is the user's route.)
#include <fstream>
#include <set>
#include <sstream>

#include "graph/graph.h"
#include "gtest/gtest.h"
#include "ingest/ingest.h"
#include "nlohmann/json.hpp"
#include "query/query.h"
#include "tests/graph/test_dir.h"

namespace kg::ingest {
namespace {

const std::string kShared = KG_SHARED_DIR;

// The Gremlin of a question: start at the vertex named `start` (the name itself, not one of its
// aliases), take each (direction, edge label) step, and give the names reached.
std::string GremlinOf(const nlohmann::json& question) {
  std::string q = "g.V().has('name', start).where(values('name').is(start))";
  for (const auto& step : question["path"]) {
    q += "." + step[0].get<std::string>() + "('" + step[1].get<std::string>() + "')";
  }
  return q + ".values('name').dedup()";
}

using QuestionsGremlinTest = kg::testing::FreshGraphTest;

TEST_F(QuestionsGremlinTest, EveryQuestionOfTheSeedIsAnsweredExactlyThroughGremlin) {
  auto bundle = Bundle::Load(KG_INGEST_TEST_DATA);
  ASSERT_TRUE(bundle.ok()) << bundle.status();
  Extractor extractor(*bundle);
  auto docs = ReadTextFile(kShared + "/seed/000_9bcd69e6ea19a6da.txt");
  ASSERT_TRUE(docs.ok()) << docs.status();
  std::vector<Extraction> xs;
  for (const Document& d : *docs) {
    auto x = extractor.Extract(d);
    ASSERT_TRUE(x.ok()) << x.status();
    xs.push_back(*std::move(x));
  }
  auto report = Ingest(*graph_, xs);
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->documents_added, 9);

  std::ifstream in(kShared + "/seed/questions.json");
  std::stringstream ss;
  ss << in.rdbuf();
  nlohmann::json questions = nlohmann::json::parse(ss.str())["questions"];
  ASSERT_GE(questions.size(), 30u);
  for (const auto& question : questions) {
    const std::string gremlin = GremlinOf(question);
    query::QueryOptions opts;
    opts.params["start"] = query::Value(question["start"].get<std::string>());
    auto cursor = query::Execute(*graph_, gremlin, opts);
    ASSERT_TRUE(cursor.ok()) << gremlin << ": " << cursor.status();
    std::set<std::string> got, want;
    for (query::Value v; (*cursor)->Next(&v);) {
      ASSERT_TRUE(v.is_string()) << gremlin << ": " << v.DebugString();
      got.insert(v.as_string());
    }
    ASSERT_TRUE((*cursor)->status().ok()) << gremlin << ": " << (*cursor)->status();
    for (const auto& a : question["answers"]) want.insert(a.get<std::string>());
    EXPECT_EQ(got, want) << question["q"] << "\n  " << gremlin << "  start=" << question["start"];
  }
}

}  // namespace
}  // namespace kg::ingest
