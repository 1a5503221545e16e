// drop() of meta-properties: the meta-property goes, the vertex property, its other
// meta-properties and the key's other values stay, in order.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/query/modern_graph_fixture.h"

namespace kg::query {
namespace {

using ::testing::ElementsAre;

class DropTest : public testing::ModernGraphTest {
 protected:
  void SetUp() override {
    testing::ModernGraphTest::SetUp();
    ASSERT_TRUE(Run("g.V(1).property(list, 'location', 'ny', 'since', 2014, 'until', 2016)"
                    ".property(list, 'location', 'va', 'since', 2016)"
                    ".property(list, 'location', 'sf', 'until', 2020)")
                    .ok());
  }
};

TEST_F(DropTest, DroppingMetaPropertiesKeepsTheRest) {
  EXPECT_THAT(Ok("g.V(1).properties('location').properties('since').drop()"), ElementsAre());
  EXPECT_THAT(Ok("g.V(1).properties('location').properties().count()"), ElementsAre("2"));
  EXPECT_THAT(Ok("g.V(1).properties('location').properties('since').count()"), ElementsAre("0"));
  EXPECT_THAT(Ok("g.V(1).values('location')"), ElementsAre("ny", "va", "sf"));
  EXPECT_THAT(Ok("g.V(1).properties('location').has('until').value()"), ElementsAre("ny", "sf"));
  // Other properties are untouched.
  EXPECT_THAT(Ok("g.V(1).values('name', 'age')"), ElementsAre("marko", "29"));
}

TEST_F(DropTest, DroppingOneValuesMetaProperty) {
  EXPECT_THAT(Ok("g.V(1).properties('location').hasValue('ny').properties('until').drop()"),
              ElementsAre());
  EXPECT_THAT(Ok("g.V(1).properties('location').has('until').value()"), ElementsAre("sf"));
  EXPECT_THAT(Ok("g.V(1).properties('location').has('since').value()"), ElementsAre("ny", "va"));
}

}  // namespace
}  // namespace kg::query
