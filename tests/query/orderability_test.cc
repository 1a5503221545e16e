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


// TinkerPop orders edges by id. josh's created edges are 10 (to ripple, vertex 5) and 11 (to
// lop, vertex 3): by storage key (source, label, target) lop's would come first.
TEST_F(OrderabilityTest, EdgesOrderById) {
  EXPECT_THAT(Ok("g.V(4).outE('created').order().id()"), ElementsAre("10", "11"));
  EXPECT_THAT(Ok("g.V(4).outE('created').order().by(desc).id()"), ElementsAre("11", "10"));
  // Inside paths and lists too.
  EXPECT_THAT(Ok("g.V(4).outE('created').as('e').path().order().select('e').id()"),
              ElementsAre("10", "11"));
  EXPECT_THAT(Ok("g.V(4).outE('created').fold().order(local).unfold().id()"),
              ElementsAre("10", "11"));
  // Edges made without an id come after those that have one, in storage order.
  ASSERT_THAT(Ok("g.V(4).addE('created').to(V(2)).inV().id()"), ElementsAre("2"));
  EXPECT_THAT(Ok("g.V(4).outE('created').order().inV().id()"), ElementsAre("5", "3", "2"));
}
}  // namespace
}  // namespace kg::query
