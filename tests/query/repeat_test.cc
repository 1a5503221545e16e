// repeat(): named loops (loops("name") reads the counter of the enclosing repeat of that name,
// also from inside a nested repeat()), and TinkerPop's rule that inject() cannot be repeated.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/query/modern_graph_fixture.h"

namespace kg::query {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

class RepeatTest : public testing::ModernGraphTest {};

TEST_F(RepeatTest, NamedLoopsReadTheirOwnCounter) {
  // Inside the inner repeat loops('a') is the outer count (0 during the first iteration),
  // not the inner one: josh's neighbours stop after one inner iteration.
  EXPECT_THAT(Ok("g.V(1).repeat('a', out('knows').repeat('b', out()).until(loops('a').is(0)))"
                 ".times(1).values('name')"),
              UnorderedElementsAre("ripple", "lop"));
  EXPECT_THAT(Ok("g.V(1).repeat('a', out('knows').repeat('b', out()).until(loops('b').is(0)))"
                 ".times(1).values('name')"),
              ElementsAre());
  EXPECT_THAT(Ok("g.V(1).repeat('a', out()).until(loops('a').is(2)).values('name')"),
              UnorderedElementsAre("ripple", "lop"));
  // A nested repeat stops when its count reaches the outer one.
  EXPECT_THAT(Ok("g.V(1).repeat('a', out('knows')).emit(repeat('b', both('knows'))"
                 ".until(loops('b').as('n').where(loops('a').as('n'))).hasId(1))"
                 ".values('name')"),
              UnorderedElementsAre("vadas", "josh"));
}

TEST_F(RepeatTest, AnUnknownLoopNameIsAnError) {
  EXPECT_EQ(Error("g.V(1).repeat('a', out()).until(loops('b').is(1))"),
            "line 1, column 33: loops(): Loop name not defined: b\n"
            "  g.V(1).repeat('a', out()).until(loops('b').is(1))\n"
            "                                  ^");
}

TEST_F(RepeatTest, InjectCannotBeRepeated) {
  EXPECT_EQ(Error("g.V().repeat(inject('y')).times(2)"),
            "line 1, column 14: The parent of inject()-step can not be repeat()-step\n"
            "  g.V().repeat(inject('y')).times(2)\n"
            "               ^");
  EXPECT_EQ(Error("g.V().repeat(union(out(), inject(1))).times(2)"),
            "line 1, column 27: The parent of inject()-step can not be repeat()-step\n"
            "  g.V().repeat(union(out(), inject(1))).times(2)\n"
            "                            ^");
  EXPECT_THAT(Ok("g.V(1).repeat(union(out('knows'), constant(1).limit(0))).times(1).count()"),
              ElementsAre("2"));
}

}  // namespace
}  // namespace kg::query
