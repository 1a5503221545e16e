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

TEST_F(ChooseTest, OptionBranchesStreamOrEmitAtTheEnd) {
  EXPECT_THAT(Ok("g.V().hasLabel('person').choose(values('age')).option(29, constant('m'))"
                 ".option(Pick.none, values('name').order().limit(1))"),
              ElementsAre("m", "josh"));
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

}  // namespace
}  // namespace kg::query
