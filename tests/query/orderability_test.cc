// TinkerPop's comparability (P.lt/lte/gt/gte) and orderability (order()) of values that are not
// plain numbers or strings: nulls, properties, sets and maps, as GremlinValueComparator defines
// them.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/query/modern_graph_fixture.h"

namespace kg::query {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class OrderabilityTest : public testing::ModernGraphTest {};

// Null is comparable to null only: lte/gte hold, lt/gt do not.
TEST_F(OrderabilityTest, NullIsComparableToNull) {
  EXPECT_THAT(Ok("g.inject(null).is(P.lte(null))"), ElementsAre("null"));
  EXPECT_THAT(Ok("g.inject(null).is(P.gte(null))"), ElementsAre("null"));
  EXPECT_THAT(Ok("g.inject(null).is(P.lt(null))"), IsEmpty());
  EXPECT_THAT(Ok("g.inject(null).is(P.gt(null))"), IsEmpty());
  EXPECT_THAT(Ok("g.inject(null, 1).is(P.lte(1))"), ElementsAre("1"));
}

// Properties order by key, then by value.
TEST_F(OrderabilityTest, PropertiesOrderByKeyThenValue) {
  EXPECT_THAT(Ok("g.E().properties().order().value()"),
              ElementsAre("0.2", "0.4", "0.4", "0.5", "1", "1"));
  EXPECT_THAT(Ok("g.E().properties().order().by(Order.desc).value()"),
              ElementsAre("1", "1", "0.5", "0.4", "0.4", "0.2"));
}

// A map orders as its entries sorted by key then value, compared pairwise, a prefix first; a set
// as its sorted elements.
TEST_F(OrderabilityTest, MapsAndSetsOrderByTheirSortedContents) {
  EXPECT_THAT(Ok("g.V().valueMap('name').order().fold().asString(Scope.local)"),
              ElementsAre("[{name=[josh]}, {name=[lop]}, {name=[marko]}, {name=[peter]}, "
                          "{name=[ripple]}, {name=[vadas]}]"));
  EXPECT_THAT(Ok("g.inject([b: 'b', a: 'a'], [c: 'c', a: 'a', b: false], [a: 'a']).order()"
                 ".asString()"),
              ElementsAre("{a=a}", "{c=c, a=a, b=false}", "{b=b, a=a}"));
  EXPECT_THAT(Ok("g.inject({3, 1}, {2}, {1, 2}).order().asString()"),
              ElementsAre("[1, 2]", "[3, 1]", "[2]"));
}

}  // namespace
}  // namespace kg::query
