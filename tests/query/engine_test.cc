// End-to-end tests of the query facade on a small graph: results, errors, limits, atomicity.
#include <filesystem>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "query/graphson.h"
#include "query/query.h"

namespace kg::query {
namespace {

using ::testing::HasSubstr;

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("kg_engine_test_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    graph::GraphOptions o;
    o.sync_writes = false;
    auto g = graph::Graph::Open(dir_.string(), o);
    ASSERT_TRUE(g.ok()) << g.status();
    g_ = std::move(*g);
    auto st = ImportGraphsonFile(*g_, std::string(KG_SOURCE_DIR) + "/../shared/tinkerpop/data/tinkerpop-modern.json");
    ASSERT_TRUE(st.ok()) << st.status();
    EXPECT_EQ(st->vertices, 6);
    EXPECT_EQ(st->edges, 6);
  }
  void TearDown() override {
    g_.reset();
    std::filesystem::remove_all(dir_);
  }

  absl::StatusOr<std::vector<std::string>> Run(const std::string& q, QueryOptions opts = {}) {
    auto c = Execute(*g_, q, opts);
    if (!c.ok()) return c.status();
    std::vector<std::string> out;
    for (Value v; (*c)->Next(&v);) out.push_back(v.DebugString());
    if (!(*c)->status().ok()) return (*c)->status();
    return out;
  }

  std::filesystem::path dir_;
  std::unique_ptr<graph::Graph> g_;
};

TEST_F(EngineTest, BasicTraversals) {
  auto r = Run("g.V().has('name', 'marko').out('knows').values('name').order()");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(*r, ::testing::ElementsAre("josh", "vadas"));
  r = Run("g.V().hasLabel('person').values('age').sum()");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(*r, ::testing::ElementsAre("123"));
  r = Run("g.V(1).repeat(out()).times(2).values('name').order()");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(*r, ::testing::ElementsAre("lop", "ripple"));
  r = Run("g.V().count()");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(*r, ::testing::ElementsAre("6"));
}

TEST_F(EngineTest, CountsFromMaintainedCountsAndDegreesMatchScans) {
  struct Case {
    const char* fast;
    const char* scan;  // the same count computed without the rewrite
    const char* expected;
  } cases[] = {
      {"g.V().hasLabel('person').count()", "g.V().hasLabel('person').fold().count(local)", "4"},
      {"g.V().hasLabel('nothing').count()", "g.V().hasLabel('nothing').fold().count(local)", "0"},
      {"g.E().count()", "g.E().fold().count(local)", "6"},
      {"g.V(1).out().out().count()", "g.V(1).out().out().fold().count(local)", "2"},
      {"g.V(1).both().count()", "g.V(1).both().fold().count(local)", "3"},
      {"g.V().outE('knows').count()", "g.V().outE('knows').fold().count(local)", "2"},
      {"g.V().V().count()", "g.V().V().fold().count(local)", "36"},
  };
  for (const auto& c : cases) {
    auto fast = Run(c.fast);
    auto scan = Run(c.scan);
    ASSERT_TRUE(fast.ok()) << c.fast << ": " << fast.status();
    ASSERT_TRUE(scan.ok()) << c.scan << ": " << scan.status();
    EXPECT_THAT(*fast, ::testing::ElementsAre(c.expected)) << c.fast;
    EXPECT_EQ(*fast, *scan) << c.fast;
  }
}

TEST_F(EngineTest, ResultTypesKeepWidths) {
  auto c = Execute(*g_, "g.V(1).values('age')", {});
  ASSERT_TRUE(c.ok());
  Value v;
  ASSERT_TRUE((*c)->Next(&v));
  EXPECT_EQ(v.kind(), Value::Kind::kInt32);
  c = Execute(*g_, "g.V().count()", {});
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE((*c)->Next(&v));
  EXPECT_EQ(v.kind(), Value::Kind::kInt64);
  c = Execute(*g_, "g.V(1)", {});
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE((*c)->Next(&v));
  ASSERT_TRUE(v.is_vertex());
  ASSERT_NE(v.vertex().info, nullptr);
  EXPECT_EQ(v.vertex().label(), "person");
  EXPECT_EQ(v.vertex().info->id, graph::Value(int32_t{1}));
}

TEST_F(EngineTest, Parameters) {
  QueryOptions o;
  o.params["who"] = Value("vadas");
  auto r = Run("g.V().has('name', who).values('age')", o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(*r, ::testing::ElementsAre("27"));
  r = Run("g.V().has('name', nobody)");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("unbound parameter 'nobody'"));
}

TEST_F(EngineTest, UnknownStepSuggestsNearest) {
  auto r = Run("g.V().outt()");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(r.status().message()),
              HasSubstr("line 1, column 7: unknown step 'outt'; did you mean 'out'?"));
}

TEST_F(EngineTest, TypeErrorNamesStepAndValue) {
  auto r = Run("g.V().values('name').out()");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("out() expects a vertex but got marko"));
  r = Run("g.V().values('name').sum()");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("sum() expects numbers"));
}

TEST_F(EngineTest, LimitsNameTheLimitAndValue) {
  QueryOptions o;
  o.limits.max_results = 3;
  auto r = Run("g.V()", o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("max_results = 3"));

  o = {};
  o.limits.max_traversers = 4;
  r = Run("g.V().order().by('name')", o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("max_traversers = 4"));

  // A runaway repeat() ends with an error instead of running out of memory.
  o = {};
  o.limits.max_traversers = 10000;
  r = Run("g.V().repeat(both()).emit()", o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted);

  o = {};
  o.limits.timeout = absl::Milliseconds(50);
  o.limits.max_traversers = ~uint64_t{0};
  o.limits.max_results = ~uint64_t{0};
  r = Run("g.V().repeat(both()).emit().count()", o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDeadlineExceeded);

  o = {};
  o.is_cancelled = [] { return true; };
  r = Run("g.V().repeat(both()).times(12).count()", o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kCancelled);
}

TEST_F(EngineTest, FailedMutationWritesNothing) {
  auto r = Run("g.addV('person').property('name', 'new').V(1).addE('x').to(V(999))");
  ASSERT_FALSE(r.ok());
  auto n = Run("g.V().count()");
  ASSERT_TRUE(n.ok());
  EXPECT_THAT(*n, ::testing::ElementsAre("6"));
  r = Run("g.addV('person').property('name', 'new')");
  ASSERT_TRUE(r.ok()) << r.status();
  n = Run("g.V().has('name', 'new').count()");
  ASSERT_TRUE(n.ok());
  EXPECT_THAT(*n, ::testing::ElementsAre("1"));
}

TEST_F(EngineTest, ExplainShowsIndexUse) {
  auto plan = Explain(*g_, "g.V().has('name', 'marko').out('knows')", {});
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_THAT(*plan, HasSubstr("name/alias index"));
  EXPECT_THAT(*plan, HasSubstr("out(knows)"));
  auto counted = Explain(*g_, "g.V().hasLabel('person').count()", {});
  ASSERT_TRUE(counted.ok());
  EXPECT_THAT(*counted, HasSubstr("maintained count"));
  auto degree = Explain(*g_, "g.V(1).out().out().count()", {});
  ASSERT_TRUE(degree.ok());
  EXPECT_THAT(*degree, HasSubstr("degree sum"));
  auto r = Run("g.V().hasLabel('person').out().explain()");
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_THAT((*r)[0], HasSubstr("label scan: person"));
}

TEST_F(EngineTest, ProfileReportsCounts) {
  auto r = Run("g.V().out().profile()");
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_THAT((*r)[0], HasSubstr("out=6"));
}

}  // namespace
}  // namespace kg::query
