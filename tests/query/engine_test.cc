// End-to-end tests of the query facade on a small graph: results, errors, limits, atomicity.
#include <filesystem>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "query/graphson.h"
#include "query/query.h"
#include "tests/query/modern_graph_fixture.h"

namespace kg::query {
namespace {

using ::testing::HasSubstr;

using EngineTest = kg::query::testing::ModernGraphTest;

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

TEST_F(EngineTest, RepeatMergesEqualTraversersBeforeEachIteration) {
  // Without bulking the frontier of repeat(both()) grows geometrically; merged, it holds at most
  // one traverser per vertex, so a tight traverser limit still lets it finish.
  QueryOptions tight;
  tight.limits.max_traversers = 40;
  auto bulked = Run("g.V().repeat(both()).times(8).count()", tight);
  ASSERT_TRUE(bulked.ok()) << bulked.status();
  auto unrolled = Run("g.V().both().both().both().both().both().both().both().both().fold().count(local)");
  ASSERT_TRUE(unrolled.ok()) << unrolled.status();
  EXPECT_EQ(*bulked, *unrolled);
  // Merged traversers still count (and emit) with their bulk.
  auto emitted = Run("g.V().repeat(both()).emit().times(3).count()", tight);
  auto emitted_unrolled = Run(
      "g.V().union(both(), both().both(), both().both().both()).fold().count(local)");
  ASSERT_TRUE(emitted.ok()) << emitted.status();
  ASSERT_TRUE(emitted_unrolled.ok()) << emitted_unrolled.status();
  EXPECT_EQ(*emitted, *emitted_unrolled);
}

TEST_F(EngineTest, OnlyLabelsAndPathStepsTrackPaths) {
  auto plain = Explain(*g_, "g.V(1).repeat(out()).emit().times(2).dedup().where(out()).select('x').count()", {});
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_THAT(*plain, HasSubstr("no path tracking"));
  auto labelled = Explain(*g_, "g.V(1).as('a').out().select('a')", {});
  ASSERT_TRUE(labelled.ok()) << labelled.status();
  EXPECT_THAT(*labelled, HasSubstr("paths tracked"));
  // dedup() by label still sees the labels.
  auto r = Run("g.V(1).as('a').out().as('b').in().dedup('a').select('b').count()");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(*r, ::testing::ElementsAre("1"));
}

TEST_F(EngineTest, ProfileKeepsRepeatModulators) {
  auto r = Run("g.V(1).repeat(out()).emit().times(2).count().profile()");
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_THAT((*r)[0], HasSubstr("times(2)"));
}

TEST_F(EngineTest, ListPredicates) {
  struct Case {
    const char* query;
    size_t results;
  } cases[] = {
      {"g.V().values('age').fold().any(P.gt(34))", 1},
      {"g.V().values('age').fold().any(P.gt(35))", 0},
      {"g.V().values('age').fold().all(P.gt(26))", 1},
      {"g.V().values('age').fold().all(P.gt(27))", 0},
      {"g.V().values('age').fold().none(P.gt(35))", 1},
      {"g.V().values('age').fold().none(P.gt(34))", 0},
      {"g.inject([]).all(P.gt(1))", 1},
      {"g.inject([]).none(P.gt(1))", 1},
      {"g.inject([]).any(P.gt(1))", 0},
      {"g.V().values('age').any(P.gt(1))", 0},  // not lists: filtered out
      {"g.V().none()", 0},                      // none() without a predicate: discards all
  };
  for (const auto& c : cases) {
    auto r = Run(c.query);
    ASSERT_TRUE(r.ok()) << c.query << ": " << r.status();
    EXPECT_EQ(r->size(), c.results) << c.query;
  }
}

TEST_F(EngineTest, SackFoldsByValuesIntoEachTraverser) {
  auto r = Run("g.withSack(1.0d).V(1).outE().sack(mult).by('weight').inV().sack().order()");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(*r, ::testing::ElementsAre("0.4", "0.5", "1"));
  // An unproductive by() removes the traverser; the sack keeps the initial value's type.
  r = Run("g.withSack(0L).V().sack(sum).by('age').sack().order()");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(*r, ::testing::ElementsAre("27", "29", "32", "35"));
  // Child traversals see the sack of the traverser they run for.
  r = Run("g.withSack(30).V().values('age').is(P.gt(__.sack())).order()");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(*r, ::testing::ElementsAre("32", "35"));
  auto missing = Run("g.V().sack()");
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.status().message(),
              HasSubstr("sack() needs g.withSack(...) or a sack(Operator) before it"));
}

TEST_F(EngineTest, ElementMapLabelsMultiByDefaultSingleOnRequest) {
  auto multi = Run("g.V(1).elementMap('name')");
  ASSERT_TRUE(multi.ok()) << multi.status();
  ASSERT_EQ(multi->size(), 1u);
  auto single = Run("g.with('singlelabel').V(1).elementMap('name')");
  ASSERT_TRUE(single.ok()) << single.status();
  ASSERT_EQ(single->size(), 1u);
  EXPECT_NE((*multi)[0], (*single)[0]);
  EXPECT_THAT((*single)[0], HasSubstr("label=person"));
  auto explicit_multi = Run("g.with('multilabel').V(1).elementMap('name')");
  ASSERT_TRUE(explicit_multi.ok()) << explicit_multi.status();
  EXPECT_EQ(*explicit_multi, *multi);
}

TEST_F(EngineTest, StringSteps) {
  struct Case {
    const char* query;
    std::vector<std::string> expected;
  } cases[] = {
      {"g.V(1).values('name').concat('-', 'x')", {"marko-x"}},
      {"g.inject('a').concat(__.V(1).values('name'), constant('!'))", {"amarko!"}},
      {"g.inject(null).concat('a', null)", {"a"}},
      {"g.V(1).values('name').length()", {"5"}},
      {"g.inject('a b  c').split(' ')", {"[a, b, c]"}},
      {"g.inject('abc').split('')", {"[a, b, c]"}},
      {"g.inject('ababcczababcc').split('abc')", {"[ab, czab, c]"}},
      {"g.inject(['a', null, 'b']).conjoin('+')", {"a+b"}},
      {"g.inject(' Hi ').trim().toUpper()", {"HI"}},
      {"g.inject(' Hi ').lTrim().toLower()", {"hi "}},
      {"g.inject(' Hi ').rTrim()", {" Hi"}},
  };
  for (const auto& c : cases) {
    auto r = Run(c.query);
    ASSERT_TRUE(r.ok()) << c.query << ": " << r.status();
    EXPECT_EQ(*r, c.expected) << c.query;
  }
  auto bad = Run("g.V(1).values('age').toUpper()");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(),
              HasSubstr("The toUpper() step can only take string as argument, encountered 29"));
}

// inject() first in a child traversal passes the fed traverser before its own values (it was
// waiting when inject() started); elsewhere the injected values come first.
TEST_F(EngineTest, InjectInAChildEmitsTheFedTraverserFirst) {
  struct Case {
    const char* query;
    std::vector<std::string> expected;
  } cases[] = {
      {"g.inject('a', 'b').concat(__.inject('c'))", {"aa", "bb"}},
      {"g.inject('a').local(__.inject('c').fold())", {"[a, c]"}},
      {"g.inject('a').local(__.identity().inject('c').fold())", {"[c, a]"}},
      {"g.V(1).values('name').inject('x')", {"x", "marko"}},
  };
  for (const auto& c : cases) {
    auto r = Run(c.query);
    ASSERT_TRUE(r.ok()) << c.query << ": " << r.status();
    EXPECT_EQ(*r, c.expected) << c.query;
  }
}

TEST_F(EngineTest, MinMaxOfMixedNumbersHaveTheWiderType) {
  struct Case {
    const char* query;
    Value::Kind kind;
    double value;
  } cases[] = {
      {"g.inject([29, 0.4d]).max(local)", Value::Kind::kDouble, 29},
      {"g.inject([29, 0.4d]).min(local)", Value::Kind::kDouble, 0.4},
      {"g.inject([27, 3L]).max(local)", Value::Kind::kInt64, 27},
      {"g.inject([27, 32]).max(local)", Value::Kind::kInt32, 32},
      {"g.V().values('age').max()", Value::Kind::kInt32, 35},
  };
  for (const auto& c : cases) {
    auto cursor = Execute(*g_, c.query, {});
    ASSERT_TRUE(cursor.ok()) << c.query << ": " << cursor.status();
    Value v;
    ASSERT_TRUE((*cursor)->Next(&v)) << c.query;
    EXPECT_EQ(v.kind(), c.kind) << c.query;
    EXPECT_DOUBLE_EQ(v.ToDouble(), c.value) << c.query;
  }
}

TEST_F(EngineTest, RepeatMergesTraversersWhosePathsNoStepReads) {
  // as() after the loop needs labels, not the objects inside it: the loop still merges.
  QueryOptions tight;
  tight.limits.max_traversers = 12;
  auto merged = Run("g.V().repeat(both()).times(5).as('a').select('a').count()", tight);
  ASSERT_TRUE(merged.ok()) << merged.status();
  auto unrolled = Run("g.V().both().both().both().both().both().fold().count(local)");
  ASSERT_TRUE(unrolled.ok()) << unrolled.status();
  EXPECT_EQ(*merged, *unrolled);
  // path() reads them: every walk is kept apart, and the tight limit is what stops it.
  auto kept = Run("g.V().repeat(both()).times(5).as('a').path().count()", tight);
  ASSERT_FALSE(kept.ok());
  EXPECT_THAT(kept.status().message(), HasSubstr("max_traversers = 12"));
}

TEST_F(EngineTest, PathFromToSelectsTheLabelledPart) {
  auto r = Run("g.V(1).as('a').out('created').as('b').in('created').as('c')"
               ".path().from('b').to('c').by('name').count(local)");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(*r, ::testing::ElementsAre("2", "2", "2"));
  r = Run("g.V(1).as('a').out('created').as('b').in('created').as('c').simplePath().from('b').to('c').count()");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(*r, ::testing::ElementsAre("3"));
  r = Run("g.V(1).as('a').out('created').as('b').in('created').as('c').cyclicPath().from('a').to('c').count()");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(*r, ::testing::ElementsAre("1"));  // marko, lop, marko
  auto missing = Run("g.V(1).as('a').out().path().from('x')");
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.status().message(), HasSubstr("Could not locate path from-label: x"));
}

TEST_F(EngineTest, ModulatorErrorsNameTheRule) {
  auto r = Run("g.V().valueMap('name').by(unfold()).by()");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("ValueMap step can only have one by modulator"));
  r = Run("g.V().aggregate('x').by('name').by('age').cap('x')");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("Aggregate step can only have one by modulator"));
  r = Run("g.V().local(aggregate('x').by('name').by('age')).cap('x')");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("Aggregate step can only have one by modulator"));
  r = Run("g.V().times(2)");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("The repeat()-traversal was not defined"));
}

// Runs `q` and returns its results, failing the test on an error.
#define KG_RUN_OK(var, ...)                     \
  auto var##_r = Run(__VA_ARGS__);              \
  ASSERT_TRUE(var##_r.ok()) << var##_r.status(); \
  const std::vector<std::string>& var = *var##_r

TEST_F(EngineTest, LabelFormIsARequestOptionThatWithOverrides) {
  QueryOptions single;
  single.multi_label = false;
  KG_RUN_OK(one, "g.V(1).elementMap('name')", single);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_THAT(one[0], HasSubstr("label=person"));
  KG_RUN_OK(multi, "g.V(1).elementMap('name')");
  KG_RUN_OK(overridden, "g.with('multilabel').V(1).elementMap('name')", single);
  EXPECT_EQ(overridden, multi);
  EXPECT_NE(overridden, one);
}

TEST_F(EngineTest, NullPropertyValuesAreStoredOnlyWhenAllowed) {
  KG_RUN_OK(removed, "g.V(1).property('age', null).values('age')");
  EXPECT_TRUE(removed.empty());
  KG_RUN_OK(none, "g.V().has('age', null).count()");
  EXPECT_THAT(none, ::testing::ElementsAre("0"));
  QueryOptions allow;
  allow.allow_null_property_values = true;
  KG_RUN_OK(set, "g.V(2).property('age', null).values('name')", allow);
  EXPECT_THAT(set, ::testing::ElementsAre("vadas"));
  KG_RUN_OK(edge, "g.with('allowNullPropertyValues', true).E().hasLabel('created').property('weight', null).count()");
  EXPECT_THAT(edge, ::testing::ElementsAre("4"));
  KG_RUN_OK(found, "g.V().has('age', null).values('name')");
  EXPECT_THAT(found, ::testing::ElementsAre("vadas"));
  KG_RUN_OK(weights, "g.E().has('weight', null).count()");
  EXPECT_THAT(weights, ::testing::ElementsAre("4"));
  auto bad = Run("g.with('allowNullPropertyValues', 'yes').V()");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("expects true or false"));
}

TEST_F(EngineTest, WherePredicatesReadSideEffectCollections) {
  KG_RUN_OK(within, "g.withSideEffect('a', ['josh', 'peter']).V(1).out('created').in('created')."
                    "values('name').where(P.within('a')).order()");
  EXPECT_THAT(within, ::testing::ElementsAre("josh", "peter"));
  KG_RUN_OK(fresh, "g.V(1).out().aggregate('x').out().where(P.not(P.within('x'))).values('name')");
  EXPECT_THAT(fresh, ::testing::ElementsAre("ripple"));
  // Each created edge is crossed once: without('e') ends the walk.
  KG_RUN_OK(walk, "g.V(1).repeat(bothE('created').where(P.without('e')).aggregate('e').otherV()).emit()."
                  "path().count(local).order()");
  EXPECT_THAT(walk, ::testing::ElementsAre("3", "5", "5", "7"));
}

TEST_F(EngineTest, InfixAndTakesTheRestOfTheTraversal) {
  // as('a').out('knows') and out('created').in('created').as('a').values('name') filter V().
  KG_RUN_OK(r, "g.V().as('a').out('knows').and().out('created').in('created').as('a').values('name')");
  EXPECT_THAT(r, ::testing::ElementsAre("v[1]"));
}

TEST_F(EngineTest, WithoutConnectiveStrategyABareConnectiveHasNoChildren) {
  // or() with no child passes nothing; and() with none passes everything.
  KG_RUN_OK(r,
            "g.withoutStrategies(ConnectiveStrategy).V().has('name', 'marko').or()."
            "where(__.in('knows').has('name', 'marko'))");
  EXPECT_THAT(r, ::testing::ElementsAre());
  KG_RUN_OK(a, "g.withoutStrategies(ConnectiveStrategy).V().and().out('knows').values('name')");
  EXPECT_THAT(a, ::testing::UnorderedElementsAre("vadas", "josh"));
  KG_RUN_OK(infix, "g.V().has('name', 'marko').or().where(__.in('knows').has('name', 'marko'))");
  EXPECT_THAT(infix, ::testing::UnorderedElementsAre("v[1]", "v[2]", "v[4]"));
}

TEST_F(EngineTest, WhereLooksThroughConnectivesForLabels) {
  KG_RUN_OK(r, "g.V().as('a').out('created').as('b').where(and(as('b').in(), "
               "not(as('a').out('created').has('name', 'ripple')))).select('a', 'b').by('name').order().by(select('a'))");
  EXPECT_THAT(r, ::testing::ElementsAre("{a=marko, b=lop}", "{a=peter, b=lop}"));
}

TEST_F(EngineTest, SampleDrawsWithoutReplacement) {
  KG_RUN_OK(two, "g.V().sample(2).dedup().count()");
  EXPECT_THAT(two, ::testing::ElementsAre("2"));
  KG_RUN_OK(all, "g.V().sample(10).count()");
  EXPECT_THAT(all, ::testing::ElementsAre("6"));
  // Software has no age: weight nothing, never drawn.
  KG_RUN_OK(weighted, "g.V().sample(4).by('age').label().dedup()");
  EXPECT_THAT(weighted, ::testing::ElementsAre("person"));
  KG_RUN_OK(local, "g.V().values('age').fold().sample(local, 3).count(local)");
  EXPECT_THAT(local, ::testing::ElementsAre("3"));
  KG_RUN_OK(none, "g.E().sample(0).count()");
  EXPECT_THAT(none, ::testing::ElementsAre("0"));
  auto bad = Run("g.V().sample('x')");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("sample() expects an integer amount"));
}

TEST_F(EngineTest, CoinKeepsEachUnitOfBulkWithItsProbability) {
  KG_RUN_OK(all, "g.V().coin(1.0).values('name')");
  EXPECT_THAT(all, ::testing::ElementsAre("marko", "vadas", "lop", "josh", "ripple", "peter"));
  KG_RUN_OK(walks, "g.V().repeat(both()).times(2).coin(1).count()");
  EXPECT_THAT(walks, ::testing::ElementsAre("30"));
  KG_RUN_OK(none, "g.V().coin(0.0).count()");
  EXPECT_THAT(none, ::testing::ElementsAre("0"));
  auto bad = Run("g.V().coin('x')");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "line 1, column 12: coin() expects a probability (a number)\n"
            "  g.V().coin('x')\n"
            "             ^");
}

TEST_F(EngineTest, SelectByTraversalLooksUpAnyKey) {
  KG_RUN_OK(r, "g.V().as('a').group('m').by().by(bothE().count()).barrier().select('m').select(select('a')).order()");
  EXPECT_THAT(r, ::testing::ElementsAre("1", "1", "1", "3", "3", "3"));
  KG_RUN_OK(counts, "g.inject(1, 2, 2).groupCount().select(constant(2))");
  EXPECT_THAT(counts, ::testing::ElementsAre("2"));
  KG_RUN_OK(twice, "g.V(1).as('a').select('a', 'a').by('name')");
  EXPECT_THAT(twice, ::testing::ElementsAre("{a=marko}"));
}

TEST_F(EngineTest, PropertiesAfterAddVAreCreationArguments) {
  KG_RUN_OK(names, "g.addV('animal').property('name', 'a').property('name', 'b').values('name').order()");
  EXPECT_THAT(names, ::testing::ElementsAre("a", "b"));
  KG_RUN_OK(label, "g.addV().property(T.label, 'person').label()");
  EXPECT_THAT(label, ::testing::ElementsAre("person"));
  // A traversal argument runs on addV()'s input, not on the new vertex.
  KG_RUN_OK(copy, "g.V(1).addV('copy').property(values('name'), label()).values('marko')");
  EXPECT_THAT(copy, ::testing::ElementsAre("person"));
}

TEST_F(EngineTest, PropertyTraversalsAndCardinality) {
  KG_RUN_OK(list, "g.V(1).property(list, 'friends', out('knows').values('name')).properties('friends').count()");
  EXPECT_THAT(list, ::testing::ElementsAre("2"));
  auto single = Run("g.V(1).property(single, 'friend', out('knows').values('name'))");
  ASSERT_FALSE(single.ok());
  EXPECT_THAT(single.status().message(), HasSubstr("expects one value"));
  KG_RUN_OK(map, "g.V(4).property(V(2).project('was', 'age').by('name').by('age')).valueMap('was', 'age')");
  EXPECT_THAT(map, ::testing::ElementsAre("{age=[27], was=[vadas]}"));  // the new key is last
  KG_RUN_OK(nothing, "g.V(1).property(null).property(set, null).values('name', 'age')");
  EXPECT_THAT(nothing, ::testing::ElementsAre("marko", "29"));
}

TEST_F(EngineTest, AddEdgeNamesAnEndThatIsNotAVertex) {
  auto r = Run("g.V(1).outE('knows').addE('x').from(V(1))");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(),
              HasSubstr("The value given to addE(x).to() must resolve to a Vertex or the ID of a Vertex present in the graph"));
  auto missing = Run("g.addE('x').from(V(1))");
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.status().message(), HasSubstr("In Vertex not specified"));
}

TEST_F(EngineTest, MergeOnMatchTraversalRunsOnTheMatchedElement) {
  KG_RUN_OK(r, "g.mergeE([(T.label): 'knows', (Direction.OUT): 1, (Direction.IN): 2])."
               "option(Merge.onMatch, sideEffect(property('weight', 0.25d)).constant([:])).values('weight')");
  EXPECT_THAT(r, ::testing::ElementsAre("0.25"));
}

TEST_F(EngineTest, DedupByLabelsAppliesByToEachLabel) {
  // lop has no age: the by() is unproductive and removes those traversers.
  KG_RUN_OK(r, "g.V(1).as('a').both().as('b').both().as('c').dedup('a', 'b').by('age')."
               "select('a', 'b').by('name').order().by(select('b'))");
  EXPECT_THAT(r, ::testing::ElementsAre("{a=marko, b=josh}", "{a=marko, b=vadas}"));
}

TEST_F(EngineTest, RepeatModulatorBindsToThePreviousRepeatFirst) {
  KG_RUN_OK(r, "g.V(5).repeat(limit(1).in()).times(1).repeat(limit(1).in()).times(1).values('name')");
  EXPECT_THAT(r, ::testing::ElementsAre("marko"));
  // A second times() has no free slot on the first repeat(): it is the next one's (do-while).
  KG_RUN_OK(d, "g.V(5).repeat(in()).times(1).times(0).repeat(out()).values('name').order()");
  EXPECT_THAT(d, ::testing::ElementsAre("josh"));
}

TEST_F(EngineTest, WherePredicateLabelsTakeByModulatorsInWrittenOrder) {
  // a: age, b: weight, c: the youngest creator's age, d: age again (round robin).
  KG_RUN_OK(r, "g.V().as('a').outE('created').as('b').inV().as('c').in('created').as('d')."
               "where('a', P.lt('b').or(P.gt('c')).and(P.neq('d'))).by('age').by('weight')."
               "by(__.in('created').values('age').min()).select('a', 'c', 'd').by('name')."
               "order().by(select('a')).by(select('d'))");
  EXPECT_THAT(r, ::testing::ElementsAre("{a=josh, c=lop, d=marko}", "{a=josh, c=lop, d=peter}",
                                        "{a=peter, c=lop, d=josh}", "{a=peter, c=lop, d=marko}"));
}

TEST_F(EngineTest, MergeOptionsWithCardinalityAndComputedOnCreate) {
  KG_RUN_OK(created, "g.mergeV([name: 'alice']).option(Merge.onCreate, [age: 81, (T.label): 'person'], "
                     "Cardinality.set).label()");
  EXPECT_THAT(created, ::testing::ElementsAre("person"));
  // A computed onCreate map that contradicts the merge map only fails when it is used.
  KG_RUN_OK(matched, "g.withSideEffect('c', [(Direction.OUT): 2]).mergeE([(Direction.OUT): 1])."
                     "option(Merge.onCreate, select('c')).option(Merge.onMatch, [seen: true]).values('seen').dedup()");
  EXPECT_THAT(matched, ::testing::ElementsAre("true"));
  auto constant = Run("g.mergeE([(Direction.OUT): 1]).option(Merge.onCreate, [(Direction.OUT): 2])");
  ASSERT_FALSE(constant.ok());
  EXPECT_THAT(constant.status().message(), HasSubstr("option(onCreate) cannot override values from merge() argument"));
}

TEST_F(EngineTest, ChooseTakesTheFirstOptionOfAPick) {
  KG_RUN_OK(r, "g.V().choose(values('age')).option(P.between(26, 30), values('name'))."
               "option(Pick.none, values('name')).option(Pick.none, fail())."
               "option(Pick.unproductive, label()).option(Pick.unproductive, fail()).order()");
  EXPECT_THAT(r, ::testing::ElementsAre("josh", "marko", "peter", "software", "software", "vadas"));
}

// dedup() remembers vertices by id: a vertex is still told apart from a number equal to its id,
// and int 1 from long 1L (both print as "1"; the int constant(1) equals id() 1 and goes).
TEST_F(EngineTest, DedupOfVerticesAndNumbersTogether) {
  KG_RUN_OK(r, "g.V(1).union(identity(), out(), out(), id(), constant(1L), constant(1)).dedup()");
  EXPECT_THAT(r, ::testing::ElementsAre("v[1]", "v[3]", "v[2]", "v[4]", "1", "1"));
  KG_RUN_OK(kinds, "g.V(1).union(id(), constant(1L), constant(1), constant(1L)).dedup().count()");
  EXPECT_THAT(kinds, ::testing::ElementsAre("2"));
}

// repeat() merges equal traversers into one with a bulk between iterations (only when no path is
// tracked): the counts are those of the unmerged walk, written out step by step or with paths.
TEST_F(EngineTest, RepeatBulkingKeepsCounts) {
  KG_RUN_OK(merged, "g.V().repeat(both()).times(3).count()");
  KG_RUN_OK(steps, "g.V().both().both().both().count()");
  KG_RUN_OK(paths, "g.V().repeat(both()).times(3).path().count()");
  EXPECT_EQ(merged, steps);
  EXPECT_EQ(merged, paths);
  KG_RUN_OK(emitted, "g.V().repeat(both()).emit().times(2).groupCount().order(Scope.local)");
  KG_RUN_OK(emitted_paths, "g.V().repeat(both()).emit().times(2).as('x').groupCount().order(Scope.local)");
  EXPECT_EQ(emitted, emitted_paths);
  KG_RUN_OK(distinct, "g.V(1).repeat(out()).emit().times(3).dedup().count()");
  EXPECT_THAT(distinct, ::testing::ElementsAre("4"));  // josh, vadas, lop, ripple
}

// sum() and mean() add as TinkerPop's NumberHelper does: an int that overflows becomes a long,
// a float a double (bulked traversers too); a long has nothing wider, so its overflow is an
// Arithmetic Error ("long overflow"), not a silently rounded double.
TEST_F(EngineTest, SumPromotesOnOverflowAndFailsPastALong) {
  struct Case {
    const char* query;
    Value::Kind kind;
    double value;
  } cases[] = {
      {"g.inject(2147483647, 1).sum()", Value::Kind::kInt64, 2147483648.0},
      {"g.inject(1, 2).sum()", Value::Kind::kInt32, 3},
      {"g.V().constant(1073741824).barrier().sum()", Value::Kind::kInt64, 6442450944.0},
      {"g.inject([2147483647, 1]).sum(local)", Value::Kind::kInt64, 2147483648.0},
      {"g.inject(1, 2.5f).sum()", Value::Kind::kFloat, 3.5},
      {"g.inject(3.0e38f, 3.0e38f).sum()", Value::Kind::kDouble, 2.0 * double{3.0e38f}},
      {"g.V().repeat(both()).times(2).constant(3.0e38f).sum()", Value::Kind::kDouble,
       30.0 * double{3.0e38f}},
      {"g.V().repeat(both()).times(2).constant(3).sum()", Value::Kind::kInt32, 90},
      {"g.inject(1, 2L).sum()", Value::Kind::kInt64, 3},
      {"g.inject(2147483647, 2147483647).mean()", Value::Kind::kDouble, 2147483647.0},
  };
  for (const auto& c : cases) {
    auto cursor = Execute(*g_, c.query, {});
    ASSERT_TRUE(cursor.ok()) << c.query << ": " << cursor.status();
    Value v;
    ASSERT_TRUE((*cursor)->Next(&v)) << c.query << ": " << (*cursor)->status();
    EXPECT_EQ(v.kind(), c.kind) << c.query;
    EXPECT_DOUBLE_EQ(v.ToDouble(), c.value) << c.query;
  }
  auto r = Run("g.inject(9223372036854775807L, 1L).sum()");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(r.status().message(),
            "line 1, column 36: sum(): long overflow (9223372036854775807 + 1 does not fit in a "
            "long)\n"
            "  g.inject(9223372036854775807L, 1L).sum()\n"
            "                                     ^");
  // Bulked traversers (30 walks merged into 6) overflow as the walks written out would.
  r = Run("g.V().repeat(both()).times(2).constant(2305843009213693952L).mean()");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_THAT(r.status().message(), HasSubstr("mean(): long overflow ("));
}

// A predicate written without P. (gremlin-lang allows it) is a predicate in where() too, not
// a traversal of an unknown step, on whatever line it stands.
TEST_F(EngineTest, WhereTakesAPredicateWithoutP) {
  KG_RUN_OK(r, "g.V(1).as('a').out('created').in('created').\n"
               "  where(neq('a')).values('name').order()");
  EXPECT_THAT(r, ::testing::ElementsAre("josh", "peter"));
  KG_RUN_OK(same, "g.V(1).as('a').out('created').in('created').where(P.neq('a')).values('name')"
                  ".order()");
  EXPECT_EQ(r, same);
  // Where no predicate is expected, a predicate's name is not taken for a misspelt step.
  auto step = Run("g.V().neq('a')");
  ASSERT_FALSE(step.ok());
  EXPECT_EQ(step.status().message(),
            "line 1, column 7: 'neq' is a predicate, not a step: give it to a step, as in "
            "is(neq(...)) or where(neq(...))\n"
            "  g.V().neq('a')\n"
            "        ^");
}
}  // namespace
}  // namespace kg::query
