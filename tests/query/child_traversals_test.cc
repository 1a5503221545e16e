// Child traversals as TinkerPop runs them: what a bulked traverser looks like to local(), map(),
// flatMap(), coalesce(), where() and by() children (one traverser each, not the bulk); which
// children must be read-only (TinkerPop 4's ReadOnlyChildValidator) and what ReadOnlyStrategy
// refuses; and by(Column) values.
//
// repeat() merges equal traversers of its frontier, so g.V().repeat(both()).times(2) ends with
// bulked traversers (v[1] with bulk 3...) standing for the 30 two-step walks of the modern graph.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/query/modern_graph_fixture.h"

namespace kg::query {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

class ChildTraversalsTest : public testing::ModernGraphTest {};

constexpr char kWalks[] = "g.V().repeat(both()).times(2)";

TEST_F(ChildTraversalsTest, TheWalks) {
  // Each of the 30 walks is one traverser, however the engine bulks them.
  EXPECT_THAT(Ok(std::string(kWalks) + ".count()"), ElementsAre("30"));
  EXPECT_THAT(Ok(std::string(kWalks) + ".groupCount().by('name')"),
              ElementsAre("{marko=7, josh=7, peter=3, ripple=3, lop=7, vadas=3}"));
}

TEST_F(ChildTraversalsTest, LocalRunsItsChildForEachTraverserOfABulk) {
  // LocalStep splits a bulk: a barrier inside sees one traverser's objects only.
  EXPECT_THAT(Ok(std::string(kWalks) + ".local(count()).groupCount()"), ElementsAre("{1=30}"));
  EXPECT_THAT(Ok(std::string(kWalks) + ".local(fold()).count(local).groupCount()"),
              ElementsAre("{1=30}"));
  EXPECT_THAT(Ok(std::string(kWalks) + ".local(both().count()).sum()"),
              Ok(std::string(kWalks) + ".both().count()"));
  EXPECT_THAT(Ok(std::string(kWalks) + ".local(values('age').sum()).sum()"), ElementsAre("613"));
  EXPECT_THAT(Ok(std::string(kWalks) + ".values('age').sum()"), ElementsAre("613"));
}

TEST_F(ChildTraversalsTest, MapFlatMapAndCoalesceSeeOneTraverser) {
  EXPECT_THAT(Ok(std::string(kWalks) + ".map(count()).groupCount()"), ElementsAre("{1=30}"));
  EXPECT_THAT(Ok(std::string(kWalks) + ".map(fold()).count(local).groupCount()"),
              ElementsAre("{1=30}"));
  EXPECT_THAT(Ok(std::string(kWalks) + ".flatMap(fold()).count(local).groupCount()"),
              ElementsAre("{1=30}"));
  EXPECT_THAT(Ok(std::string(kWalks) + ".coalesce(fold()).count(local).groupCount()"),
              ElementsAre("{1=30}"));
}

TEST_F(ChildTraversalsTest, FlatMapAndCoalesceResultsContinueTheParentsPath) {
  // TinkerPop's FlatMapSteps: the child's own steps and labels stay out of the path; local()
  // and union() pass the child's traversers on whole.
  EXPECT_THAT(Ok("g.V().flatMap(out().out()).path().by('name')"),
              UnorderedElementsAre("path[marko, ripple]", "path[marko, lop]"));
  EXPECT_THAT(
      Ok("g.V(1, 2).coalesce(out('created').in('created'), out()).path().by('name')"),
      UnorderedElementsAre("path[marko, marko]", "path[marko, josh]", "path[marko, peter]"));
  EXPECT_THAT(Ok("g.V().local(out().out()).path().by('name')"),
              UnorderedElementsAre("path[marko, josh, ripple]", "path[marko, josh, lop]"));
  EXPECT_THAT(Ok("g.V().union(out().out()).path().by('name')"),
              UnorderedElementsAre("path[marko, josh, ripple]", "path[marko, josh, lop]"));
  EXPECT_THAT(Ok("g.V(1).flatMap(out('knows').as('x')).select('x')"), ElementsAre());
  // Each of the child's results counts: three walks lead from marko back to marko.
  EXPECT_THAT(Ok("g.V(1).flatMap(both().both()).hasId(1).path().by('name')"),
              ElementsAre("path[marko, marko]", "path[marko, marko]", "path[marko, marko]"));
}

TEST_F(ChildTraversalsTest, FiltersAndByModulatorsSeeOneTraverser) {
  EXPECT_THAT(Ok(std::string(kWalks) + ".where(count().is(1)).count()"), ElementsAre("30"));
  EXPECT_THAT(Ok(std::string(kWalks) + ".not(count().is(1)).count()"), ElementsAre("0"));
  EXPECT_THAT(Ok(std::string(kWalks) + ".project('n').by(count()).groupCount()"),
              ElementsAre("{{n=1}=30}"));
  EXPECT_THAT(Ok(std::string(kWalks) + ".values('age').is(P.gt(__.count())).count()"),
              ElementsAre("20"));
}

TEST_F(ChildTraversalsTest, SideEffectsInLocalCountEveryTraverserOfABulk) {
  // Run once per traverser of the bulk, not once per bulk.
  EXPECT_THAT(Ok(std::string(kWalks) + ".local(aggregate('x')).cap('x').count(local)"),
              ElementsAre("30"));
  EXPECT_THAT(Ok(std::string(kWalks) + ".local(groupCount('x').by(label).count()).cap('x')"),
              ElementsAre("{person=20, software=10}"));
  EXPECT_THAT(Ok(std::string(kWalks) + ".sideEffect(groupCount('x').by(label)).cap('x')"),
              ElementsAre("{person=20, software=10}"));
}

TEST_F(ChildTraversalsTest, ValueChildrenMustBeReadOnly) {
  EXPECT_EQ(Error("g.V().has('name', __.addV('x').values('name'))"),
            "line 1, column 22: Child traversal contains a mutating step addV(): the traversals "
            "given to predicates, has(), is(), V(), E() and property() must be read-only\n"
            "  g.V().has('name', __.addV('x').values('name'))\n"
            "                       ^");
  for (const char* q : {
           "g.V().has('name', __.V().drop().constant('x'))",
           "g.V().has('name', __.V().map(__.addV('x')).values('name'))",
           "g.V().has('name', P.within(__.addV('x').values('name')))",
           "g.V().values('age').is(P.gt(__.addV('x').values('age')))",
           "g.V().values('age').is(__.addV('x').values('age'))",
           "g.V(__.addV('x').id())",
           "g.V().E(__.addV('x').id())",
           "g.V().property(__.addV('temp').project('k').by('name'))",
           "g.V().property('k', __.addE('self').to(__.V(1)).id())",
       }) {
    EXPECT_THAT(Error(q), ::testing::HasSubstr("Child traversal contains a mutating step")) << q;
  }
  // Nothing was written.
  EXPECT_THAT(Ok("g.V().count()"), ElementsAre("6"));
  EXPECT_THAT(Ok("g.E().count()"), ElementsAre("6"));
  // Read-only children pass, and other steps' children may still write.
  EXPECT_THAT(Ok("g.V().has('name', __.V(1).values('name')).values('name')"), ElementsAre("marko"));
  EXPECT_THAT(Ok("g.V(1).V(__.out('knows').id()).values('name')"),
              UnorderedElementsAre("vadas", "josh"));
  EXPECT_THAT(Ok("g.V(1).sideEffect(__.addV('x')).V().hasLabel('x').count()"), ElementsAre("1"));
}

TEST_F(ChildTraversalsTest, ReadOnlyStrategyRejectsAnyMutatingStep) {
  EXPECT_EQ(Error("g.withStrategies(ReadOnlyStrategy).V().property('name', 'josh')"),
            "line 1, column 40: The provided traversal has a mutating step and thus is not read "
            "only: property() (withStrategies(ReadOnlyStrategy))\n"
            "  g.withStrategies(ReadOnlyStrategy).V().property('name', 'josh')\n"
            "                                         ^");
  EXPECT_THAT(Error("g.withStrategies(ReadOnlyStrategy).V(1).addE('x').from(__.V(2))"),
              ::testing::HasSubstr("has a mutating step and thus is not read only: addE()"));
  EXPECT_THAT(Error("g.withStrategies(ReadOnlyStrategy).V().local(__.drop())"),
              ::testing::HasSubstr("has a mutating step and thus is not read only: drop()"));
  EXPECT_THAT(Ok("g.V().values('name').count()"), ElementsAre("6"));
  EXPECT_THAT(Ok("g.V().has('name', 'josh').count()"), ElementsAre("1"));
  EXPECT_THAT(Ok("g.withStrategies(ReadOnlyStrategy).V(1).out('knows').values('name')"),
              UnorderedElementsAre("vadas", "josh"));
}

TEST_F(ChildTraversalsTest, ByColumnGivesKeysAsASetAndValuesAsAList) {
  EXPECT_THAT(Ok("g.V().groupCount().by(label).project('k', 'v').by(keys).by(values)"),
              ElementsAre("{k={person, software}, v=[4, 2]}"));
  // An entry's own key; a path's labels.
  EXPECT_THAT(Ok("g.V().groupCount().by(label).unfold().project('k').by(keys)"),
              ElementsAre("{k=person}", "{k=software}"));
  EXPECT_THAT(Ok("g.V(1).as('a').out('knows').as('b').path().project('k').by(keys)"),
              ElementsAre("{k=[{a}, {b}]}", "{k=[{a}, {b}]}"));
  EXPECT_EQ(Error("g.V(1).project('k').by(keys)"),
            "line 1, column 21: by(Column) expects a map but got v[#1]\n"
            "  g.V(1).project('k').by(keys)\n"
            "                      ^");
}

}  // namespace
}  // namespace kg::query
