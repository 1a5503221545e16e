// mergeV(): hidden labels are refused, a list of labels matches vertices that have all of
// them, and option(onMatch, map, Cardinality) keeps the cardinality a value gives itself.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/query/modern_graph_fixture.h"

namespace kg::query {
namespace {

using ::testing::ElementsAre;

class MergeVertexTest : public testing::ModernGraphTest {};

TEST_F(MergeVertexTest, HiddenLabelsAreRefusedAndNothingIsWritten) {
  EXPECT_EQ(Error("g.mergeV([(T.label): '~vertex'])"),
            "line 1, column 3: mergeV(): Label can not be a hidden key: ~vertex\n"
            "  g.mergeV([(T.label): '~vertex'])\n"
            "    ^");
  EXPECT_EQ(Error("g.mergeV([name: 'x']).option(Merge.onCreate, [(T.label): '~x'])"),
            "line 1, column 3: mergeV(): Label can not be a hidden key: ~x\n"
            "  g.mergeV([name: 'x']).option(Merge.onCreate, [(T.label): '~x'])\n"
            "    ^");
  EXPECT_EQ(Error("g.mergeV([(T.label): ['person', '~p']])"),
            "line 1, column 3: mergeV(): Label can not be a hidden key: ~p\n"
            "  g.mergeV([(T.label): ['person', '~p']])\n"
            "    ^");
  EXPECT_EQ(Error("g.mergeV([(T.label): ''])"),
            "line 1, column 3: mergeV(): Label can not be empty\n"
            "  g.mergeV([(T.label): ''])\n"
            "    ^");
  EXPECT_THAT(Ok("g.V().count()"), ElementsAre("6"));
}

TEST_F(MergeVertexTest, AListOfLabelsMatchesVerticesWithAllOfThem) {
  EXPECT_THAT(Ok("g.V(1).addLabel('employee').id()"), ElementsAre("1"));
  EXPECT_THAT(Ok("g.mergeV([(T.label): ['person', 'employee'], name: 'marko']).id()"),
              ElementsAre("1"));
  // josh is no employee: a new vertex.
  EXPECT_THAT(Ok("g.mergeV([(T.label): ['person', 'employee'], name: 'josh']).id()"),
              ElementsAre("13"));
  EXPECT_THAT(Ok("g.V().has('name', 'josh').count()"), ElementsAre("2"));
}

TEST_F(MergeVertexTest, OnMatchCardinalityDefaultsOnlyForValuesWithoutTheirOwn) {
  ASSERT_TRUE(Run("g.V(1).property(list, 'age', 31).property(list, 'age', 32)").ok());
  EXPECT_THAT(Ok("g.V(1).values('age')"), ElementsAre("29", "31", "32"));
  EXPECT_THAT(Ok("g.mergeV([name: 'marko']).option(Merge.onMatch, [name: 'allen', age: "
                 "Cardinality.set(31)], single).values('name', 'age')"),
              ElementsAre("allen", "29", "31", "32"));
  EXPECT_THAT(Ok("g.mergeV([name: 'allen']).option(Merge.onMatch, [age: Cardinality.list(29)], "
                 "single).values('age')"),
              ElementsAre("29", "31", "32", "29"));
  EXPECT_THAT(Ok("g.mergeV([name: 'allen']).option(Merge.onMatch, [age: Cardinality.single(30)], "
                 "list).values('age')"),
              ElementsAre("30"));
}

}  // namespace
}  // namespace kg::query
