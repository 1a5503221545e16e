// Vertex property ids: the id a GraphSON file gave a vertex property is stored with it and is
// what properties().id(), hasId(), elementMap()/valueMap(true) and order() read (TinkerPop's
// UserSuppliedVertexPropertyIds). A property without one (written by a query) has the derived
// id "<vertex>:<key>:<n>".
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/query/modern_graph_fixture.h"

namespace kg::query {
namespace {

using ::testing::ElementsAre;

class PropertyIdsTest : public testing::ModernGraphTest {};

TEST_F(PropertyIdsTest, AGraphsonFilesVertexPropertyIdsAreKept) {
  EXPECT_THAT(Ok("g.V(1).properties().id()"), ElementsAre("0", "1"));
  EXPECT_THAT(Ok("g.V(6).properties('age').id()"), ElementsAre("11"));
  EXPECT_THAT(Ok("g.V().properties().hasId(3L, 6L).value()"), ElementsAre("27", "josh"));
  EXPECT_THAT(Ok("g.V().properties().hasId(gt(9L)).key()"), ElementsAre("name", "age"));
  EXPECT_THAT(Ok("g.V(2).properties('name').elementMap()"),
              ElementsAre("{id=2, key=name, value=vadas}"));
  EXPECT_THAT(Ok("g.V(2).properties('name').valueMap(true)"),
              ElementsAre("{id=2, key=name, value=vadas}"));
}

TEST_F(PropertyIdsTest, PropertiesOrderByTheirIds) {
  EXPECT_THAT(Ok("g.V().properties().order().id()"),
              ElementsAre("0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11"));
  EXPECT_THAT(Ok("g.V().properties().order().by(desc).limit(2).value()"),
              ElementsAre("35", "peter"));
}

TEST_F(PropertyIdsTest, APropertyWrittenByAQueryHasADerivedId) {
  EXPECT_THAT(Ok("g.V(1).property(list, 'nick', 'm').property(list, 'nick', 'mk')"
                 ".properties('nick').id()"),
              ElementsAre(::testing::EndsWith(":nick:0"), ::testing::EndsWith(":nick:1")));
  // The file's ids stay with the properties the write left alone.
  EXPECT_THAT(Ok("g.V(1).properties().id()"),
              ::testing::UnorderedElementsAre("0", "1", ::testing::EndsWith(":nick:0"),
                                              ::testing::EndsWith(":nick:1")));
  // Replacing a value (single cardinality) drops the file's id with the old value.
  EXPECT_THAT(Ok("g.V(1).property('age', 30).properties('age').id()"),
              ElementsAre(::testing::EndsWith(":age:0")));
}

TEST_F(PropertyIdsTest, DroppingAMetaPropertyKeepsThePropertysId) {
  // A vertex whose file gives its properties string ids and meta-properties.
  absl::Status st = g_->Write([](graph::GraphTxn& txn) -> absl::Status {
    return ImportGraphson(
               txn,
               R"({"id":100,"label":"person","properties":{"location":[)"
               R"({"id":"loc-a","value":"santa fe","properties":{"startTime":2005,"endTime":2006}},)"
               R"({"id":"loc-b","value":"taos","properties":{"startTime":2006}}]}})")
        .status();
  });
  ASSERT_TRUE(st.ok()) << st;
  EXPECT_THAT(Ok("g.V(100).properties('location').id()"), ElementsAre("loc-a", "loc-b"));
  EXPECT_THAT(Ok("g.V(100).properties('location').hasId('loc-b').value()"), ElementsAre("taos"));
  EXPECT_THAT(Ok("g.V(100).properties('location').properties('endTime').drop()"), ElementsAre());
  EXPECT_THAT(Ok("g.V(100).properties('location').id()"), ElementsAre("loc-a", "loc-b"));
  EXPECT_THAT(Ok("g.V(100).properties('location').properties().key()"),
              ElementsAre("startTime", "startTime"));
}

}  // namespace
}  // namespace kg::query
