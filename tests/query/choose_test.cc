// choose(): each branch is one traversal over every traverser routed to it (TinkerPop's
// BranchStep), so limits count across them and barrier branches emit at the end; inside a
// per-traverser child (local(), map()...) it starts afresh for each traverser.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/query/modern_graph_fixture.h"

namespace kg::query {
namespace {

using ::testing::ElementsAre;

class ChooseTest : public testing::ModernGraphTest {};

TEST_F(ChooseTest, ABranchLimitCountsAcrossTheTraversersRoutedToIt) {
  // Young people's neighbours (lop, vadas, josh) and the others' (ripple, lop, lop), each
  // ordered and limited as one stream.
  EXPECT_THAT(Ok("g.V().choose(values('age').is(lte(30)), out().order().by('name').limit(1), "
                 "out().order().by('name').limit(2)).values('name')"),
              ElementsAre("josh", "lop", "lop"));
  // Without a barrier the branch streams, and its limit still counts across josh and peter.
  EXPECT_THAT(Ok("g.V().hasLabel('person').choose(values('age').is(gt(30)), out().limit(1), "
                 "constant('young')).count()"),
              ElementsAre("3"));
}

TEST_F(ChooseTest, InsideLocalItStartsAfreshPerTraverser) {
  EXPECT_THAT(Ok("g.V().hasLabel('person').local(choose(values('age').is(gt(30)), out().limit(1), "
                 "constant('young'))).count()"),
              ElementsAre("4"));
}

TEST_F(ChooseTest, ABarrierBranchThatGotNothingEmitsNothing) {
  EXPECT_THAT(Ok("g.inject(2).choose(is(1), constant(10).fold(), fold())"), ElementsAre("[2]"));
}

// With a barrier in some option, the whole input is routed first, then the options emit in
// TinkerPop's order: the Pick options (here none), then the value options.
TEST_F(ChooseTest, WithABarrierOptionTheOptionsEmitAfterTheInputInOptionOrder) {
  EXPECT_THAT(Ok("g.V().hasLabel('person').choose(values('age')).option(29, constant('m'))"
                 ".option(Pick.none, values('name').order().limit(1))"),
              ElementsAre("josh", "m"));
  // Traversers passing through (no Pick.none option) come first too.
  EXPECT_THAT(Ok("g.V().hasLabel('person').choose(values('age'))"
                 ".option(29, values('name').fold())"),
              ElementsAre("v[2]", "v[4]", "v[6]", "[marko]"));
  EXPECT_THAT(Ok("g.V().hasLabel('person').choose(values('age')).option(gt(30), constant('old'))"
                 ".option(29, values('name').fold())"),
              ElementsAre("v[2]", "old", "old", "[marko]"));
}

TEST_F(ChooseTest, AKeyCannotBeTheConditionOfThenElseBranches) {
  EXPECT_EQ(Error("g.V().choose('name', out(), in())"),
            "line 1, column 14: choose() with then/else branches expects a traversal or a "
            "predicate first\n"
            "  g.V().choose('name', out(), in())\n"
            "               ^");
  QueryOptions opts;
  opts.params["xx1"] = Value("age");
  EXPECT_EQ(Error("g.V().choose(xx1, out(), in())", opts),
            "line 1, column 14: choose() with then/else branches expects a traversal or a "
            "predicate first\n"
            "  g.V().choose(xx1, out(), in())\n"
            "               ^");
}

// branch(): TinkerPop's BranchStep sends a traverser down every option its choice matches,
// down every Pick.any option, and, when nothing matched, down the Pick.none options (nowhere
// without one). Per traverser the Pick options' results come first, then the matches' in
// option order.
TEST_F(ChooseTest, BranchTakesEveryMatchingOptionAndPickAny) {
  EXPECT_THAT(Ok("g.V().hasLabel('software').branch(label().is('person').count())"
                 ".option(1L, values('age')).option(0L, values('lang'))"
                 ".option(0L, values('name')).option(Pick.any, label())"),
              ElementsAre("software", "java", "lop", "software", "java", "ripple"));
  // A person matches only the 1L option; one without a match and no Pick.none is dropped.
  EXPECT_THAT(Ok("g.V().branch(label().is('person').count()).option(1L, values('age'))"),
              ElementsAre("29", "27", "32", "35"));
}

TEST_F(ChooseTest, BranchPickNoneIsTakenOnlyWithoutAMatch) {
  EXPECT_THAT(
      Ok("g.V().hasLabel('person').branch(values('age'))"
         ".option(lt(30), constant('young')).option(gt(30), constant('old'))"
         ".option(lte(32), constant('at most 32'))"
         ".option(Pick.none, constant('none'))"),
      ElementsAre("young", "at most 32", "young", "at most 32", "old", "at most 32", "old"));
  EXPECT_THAT(Ok("g.V().hasLabel('person').branch(values('age'))"
                 ".option(29, constant('29')).option(Pick.none, constant('a'))"
                 ".option(Pick.none, values('name'))"),
              ElementsAre("29", "a", "vadas", "a", "josh", "a", "peter"));
}

TEST_F(ChooseTest, BranchUnproductiveChoiceTakesPickUnproductiveElsePickNone) {
  // lop and ripple have no age.
  EXPECT_THAT(Ok("g.V().branch(values('age')).option(Pick.unproductive, values('name'))"
                 ".option(29, constant('m'))"),
              ElementsAre("m", "lop", "ripple"));
  EXPECT_THAT(Ok("g.V().branch(values('age')).option(Pick.none, label())"
                 ".option(lt(30), constant('young'))"),
              ElementsAre("young", "young", "software", "person", "software", "person"));
}

TEST_F(ChooseTest, BranchOptionCanBeATraversalTestedOnTheChoice) {
  // A barrier branch (fold(), count()) is one traversal over every traverser routed to it.
  EXPECT_THAT(Ok("g.V().branch(identity())"
                 ".option(hasLabel('software'), in('created').values('name').order().fold())"
                 ".option(has('name', 'vadas'), values('age'))"
                 ".option(neq(123), bothE().count())"),
              ElementsAre("[josh, josh, marko, peter]", "27", "12"));
}

TEST_F(ChooseTest, ChooseTakesTheFirstMatchAndHasNoPickAny) {
  EXPECT_THAT(Ok("g.V().hasLabel('person').choose(values('age'))"
                 ".option(lt(30), constant('young')).option(lte(32), constant('at most 32'))"),
              ElementsAre("young", "young", "at most 32", "v[6]"));
  EXPECT_EQ(Error("g.V().choose(label()).option(Pick.any, label())"),
            "line 1, column 30: choose() cannot have an option(Pick.any): a traverser takes one "
            "option; use branch()\n"
            "  g.V().choose(label()).option(Pick.any, label())\n"
            "                               ^");
  EXPECT_EQ(Error("g.V().branch('age')"),
            "line 1, column 7: branch() takes one traversal, whose first result picks the "
            "option()s\n"
            "  g.V().branch('age')\n"
            "        ^");
}

}  // namespace
}  // namespace kg::query
