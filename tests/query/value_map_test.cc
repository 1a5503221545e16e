// valueMap() with(WithOptions.tokens[, which]): which tokens the map includes, and a by()
// that applies to property values, never to the tokens. Maps and the entries unfold() makes of
// them under select(keys/values) and by(keys/values).
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/query/modern_graph_fixture.h"

namespace kg::query {
namespace {

using ::testing::ElementsAre;

class ValueMapTest : public testing::ModernGraphTest {};

TEST_F(ValueMapTest, WithTokensChoosesWhichTokens) {
  EXPECT_THAT(Ok("g.with('singlelabel').V(2).valueMap('name').with(WithOptions.tokens)"),
              ElementsAre("{id=2, label=person, name=[vadas]}"));
  EXPECT_THAT(Ok("g.with('singlelabel').V(2).valueMap('name').with(WithOptions.tokens, "
                 "WithOptions.ids)"),
              ElementsAre("{id=2, name=[vadas]}"));
  EXPECT_THAT(Ok("g.with('singlelabel').V(2).valueMap('name').with(WithOptions.tokens, "
                 "WithOptions.labels)"),
              ElementsAre("{label=person, name=[vadas]}"));
  EXPECT_THAT(Ok("g.V(2).valueMap('name').with(WithOptions.tokens, WithOptions.none)"),
              ElementsAre("{name=[vadas]}"));
  EXPECT_EQ(Error("g.V(2).valueMap().with(WithOptions.tokens, 'x')"),
            "line 1, column 44: with(WithOptions.tokens) expects ids, labels, keys, values, none "
            "or all\n"
            "  g.V(2).valueMap().with(WithOptions.tokens, 'x')\n"
            "                                             ^");
}

// A vertex's properties list in the order their keys were first written, as TinkerGraph's do:
// a new key goes after the others, another value of a key joins that key's values.
TEST_F(ValueMapTest, PropertiesListInTheOrderTheirKeysWereFirstWritten) {
  EXPECT_THAT(Ok("g.V(1).property('nick', 'mo').properties().key()"),
              ElementsAre("name", "age", "nick"));
  EXPECT_THAT(Ok("g.V(1).property(list, 'name', 'mark').property('zone', 1).properties().key()"),
              ElementsAre("name", "name", "age", "nick", "zone"));
  EXPECT_THAT(Ok("g.V(1).property('age', 30).properties().value()"),
              ElementsAre("marko", "mark", "30", "mo", "1"));
  EXPECT_THAT(Ok("g.V(1).valueMap()"),
              ElementsAre("{name=[marko, mark], age=[30], nick=[mo], zone=[1]}"));
  EXPECT_THAT(Ok("g.addV('person').property('b', 1).property('a', 2).property('c', 3)"
                 ".property('a', 4).properties().key()"),
              ElementsAre("b", "a", "a", "c"));
  // A GraphSON file's order is kept (software lists name, then lang).
  EXPECT_THAT(Ok("g.V(3).properties().key()"), ElementsAre("name", "lang"));
  EXPECT_THAT(Ok("g.E(7).property('z', 1).property('a', 2).valueMap()"),
              ElementsAre("{weight=0.5, z=1, a=2}"));
}

TEST_F(ValueMapTest, VertexPropertiesHaveStableUniqueIds) {
  // The modern graph's file gives each vertex property an id (0..11), kept with it.
  EXPECT_THAT(Ok("g.V(1).properties().id()"), ElementsAre("0", "1"));
  EXPECT_THAT(Ok("g.V().properties().id().dedup().count()"), ElementsAre("12"));
  EXPECT_THAT(Ok("g.V().properties().hasId(3L).value()"), ElementsAre("27"));
  EXPECT_THAT(Ok("g.V(1).properties('age').valueMap().with(WithOptions.tokens)"),
              ElementsAre("{id=1, key=age, value=29}"));
  EXPECT_THAT(Ok("g.V(1).properties('name').elementMap()"),
              ElementsAre("{id=0, key=name, value=marko}"));
  // One written by a query has none: its id is "<vertex>:<key>:<n>", the owner's internal id
  // (v[1] is marko), the key, the value's ordinal among that key's values.
  // A list property numbers its values; other keys' writes leave an id alone.
  EXPECT_THAT(Ok("g.V(1).property(list, 'alias', 'm').property(list, 'alias', 'mk')."
                 "properties('alias').id()"),
              ElementsAre("1:alias:0", "1:alias:1"));
  EXPECT_THAT(Ok("g.V(1).properties('age').drop()"), ElementsAre());
  EXPECT_THAT(Ok("g.V(1).properties('alias').id()"), ElementsAre("1:alias:0", "1:alias:1"));
}

TEST_F(ValueMapTest, ByAppliesToValuesNotTokens) {
  EXPECT_THAT(Ok("g.with('singlelabel').V(2).valueMap('name', 'age').with(WithOptions.tokens, "
                 "WithOptions.labels).by(unfold())"),
              ElementsAre("{label=person, name=vadas, age=27}"));
  EXPECT_THAT(Ok("g.V(3).valueMap().with(WithOptions.tokens, WithOptions.ids).by(count(local))"),
              ElementsAre("{id=3, name=1, lang=1}"));
}

TEST_F(ValueMapTest, SelectColumnTellsAMapOfOneEntryFromAnEntry) {
  // A map's values are a collection, even of one value; an entry's value is the value.
  EXPECT_THAT(Ok("g.V(1).valueMap('name').select(values)"), ElementsAre("[[marko]]"));
  EXPECT_THAT(Ok("g.V(1).valueMap('name').unfold().select(values)"), ElementsAre("[marko]"));
  EXPECT_THAT(Ok("g.V(1).valueMap('name').select(keys)"), ElementsAre("{name}"));
  EXPECT_THAT(Ok("g.V(1).valueMap('name').unfold().select(keys)"), ElementsAre("name"));
  // Entries still show, compare and unfold as one-entry maps.
  EXPECT_THAT(Ok("g.V().groupCount().by(label).unfold()"),
              ElementsAre("{person=4}", "{software=2}"));
}

TEST_F(ValueMapTest, ByColumnTellsAMapOfOneEntryFromAnEntry) {
  EXPECT_THAT(Ok("g.V().groupCount().by(label).unfold().order().by(values, desc).by(keys)"),
              ElementsAre("{person=4}", "{software=2}"));
  EXPECT_THAT(Ok("g.V(1).valueMap('name').project('v').by(values)"), ElementsAre("{v=[[marko]]}"));
  EXPECT_THAT(Ok("g.V(1).valueMap('name').unfold().project('v').by(values)"),
              ElementsAre("{v=[marko]}"));
}

}  // namespace
}  // namespace kg::query
