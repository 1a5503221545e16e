// Vertex steps given a Direction: to(d, labels...), toE(d, labels...) and toV(d), TinkerPop's
// parameterised forms of out()/in()/both(), outE()... and outV()/inV()/bothV(); and hasId()'s
// rule for list arguments.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/query/modern_graph_fixture.h"

namespace kg::query {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

class VertexStepsTest : public testing::ModernGraphTest {};

TEST_F(VertexStepsTest, ToFollowsEdgesInTheGivenDirection) {
  EXPECT_THAT(Ok("g.V(1).to(Direction.OUT, 'knows').values('name')"),
              UnorderedElementsAre("vadas", "josh"));
  EXPECT_THAT(Ok("g.V(3).to(Direction.IN).values('name')"),
              UnorderedElementsAre("marko", "josh", "peter"));
  EXPECT_THAT(Ok("g.V(4).to(Direction.BOTH, 'knows', 'created').count()"), ElementsAre("3"));
  // Bare direction names and Direction.from/to as in gremlin-lang.
  EXPECT_THAT(Ok("g.V(2).to(IN).values('name')"), ElementsAre("marko"));
  EXPECT_THAT(Ok("g.V(2).to(Direction.to).values('name')"), ElementsAre("marko"));
}

TEST_F(VertexStepsTest, ToEAndToVReachEdgesAndTheirEnds) {
  EXPECT_THAT(Ok("g.V(1).toE(Direction.OUT, 'knows').values('weight')"),
              UnorderedElementsAre("0.5", "1"));
  EXPECT_THAT(Ok("g.V(3).toE(Direction.IN).count()"), ElementsAre("3"));
  EXPECT_THAT(Ok("g.V(1).outE('knows').toV(Direction.IN).values('name')"),
              UnorderedElementsAre("vadas", "josh"));
  EXPECT_THAT(Ok("g.V(2).inE().toV(Direction.OUT).values('name')"), ElementsAre("marko"));
  EXPECT_THAT(Ok("g.V(2).inE().toV(Direction.BOTH).values('name')"), ElementsAre("marko", "vadas"));
}

TEST_F(VertexStepsTest, ToWithoutADirectionStillModulatesAddE) {
  EXPECT_EQ(Error("g.V(1).to('x')"),
            "line 1, column 8: to() must follow addE()\n"
            "  g.V(1).to('x')\n"
            "         ^");
  EXPECT_THAT(Ok("g.V(1).as('a').V(2).addE('likes').to('a').inV().values('name')"),
              ElementsAre("marko"));
}

TEST_F(VertexStepsTest, HasIdUnrollsAListOnlyWhenItIsTheOnlyArgument) {
  EXPECT_THAT(Ok("g.V(1).out().hasId([3, 4]).values('name')"), UnorderedElementsAre("lop", "josh"));
  // With several arguments each one is an id, and no vertex has a list for an id.
  EXPECT_THAT(Ok("g.V(1).out().hasId(2, [3, 4]).values('name')"), ElementsAre("vadas"));
  EXPECT_THAT(Ok("g.V(1).out().hasId(2, 4).values('name')"), UnorderedElementsAre("vadas", "josh"));
}

}  // namespace
}  // namespace kg::query
