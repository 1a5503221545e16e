// QueryOptions::vertex_label_cardinality: vertices without labels (kZeroOrMore) and TinkerPop 3's
// one label per vertex (kOne) in addV(), mergeV() and addLabel().
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/query/modern_graph_fixture.h"

namespace kg::query {
namespace {

using ::testing::ElementsAre;

class VertexLabelsTest : public testing::ModernGraphTest {
 protected:
  static QueryOptions Cardinality(LabelCardinality c) {
    QueryOptions o;
    o.vertex_label_cardinality = c;
    return o;
  }
};

std::vector<std::string> Results(absl::StatusOr<std::vector<std::string>> r) {
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *r : std::vector<std::string>{};
}

TEST_F(VertexLabelsTest, ZeroOrMoreAddVWithoutALabelMakesAVertexWithoutLabels) {
  auto zero = Cardinality(LabelCardinality::kZeroOrMore);
  EXPECT_THAT(Results(Run("g.addV().property('name', 'nobody').elementMap()", zero)),
              ElementsAre("{id=13, label={}, name=nobody}"));
  // Single-label output has no label entry for it; label() has no value for it.
  EXPECT_THAT(Results(Run("g.with('singlelabel').V().has('name', 'nobody').valueMap(true)", zero)),
              ElementsAre("{id=13, name=[nobody]}"));
  EXPECT_THAT(Results(Run("g.V().has('name', 'nobody').label()", zero)), ElementsAre());
  // Found by V(), by name, and by no label; counted in the total only.
  EXPECT_THAT(Results(Run("g.V().count()", zero)), ElementsAre("7"));
  EXPECT_THAT(Results(Run("g.V().has('name', 'nobody').count()", zero)), ElementsAre("1"));
  EXPECT_THAT(Results(Run("g.V().hasLabel('vertex').count()", zero)), ElementsAre("0"));
  EXPECT_THAT(Results(Run("g.V().has('name', 'nobody').addLabel('person').label()", zero)),
              ElementsAre("person"));
  EXPECT_THAT(Results(Run("g.V().hasLabel('person').count()", zero)), ElementsAre("5"));
}

TEST_F(VertexLabelsTest, ZeroOrMoreAllowsSeveralLabels) {
  auto zero = Cardinality(LabelCardinality::kZeroOrMore);
  EXPECT_THAT(Results(Run("g.addV('a', 'b', 'a').elementMap()", zero)),
              ElementsAre("{id=13, label={a, b}}"));
  EXPECT_THAT(Results(Run("g.mergeV([name: 'n']).option(Merge.onCreate, [(T.label): ['person', "
                          "'employee'], name: 'n']).elementMap()",
                          zero)),
              ElementsAre("{id=14, label={person, employee}, name=n}"));
  EXPECT_THAT(Results(Run("g.mergeV([name: 'm']).elementMap()", zero)),
              ElementsAre("{id=15, label={}, name=m}"));
}

TEST_F(VertexLabelsTest, OneGivesTheDefaultLabelAndRefusesMore) {
  auto one = Cardinality(LabelCardinality::kOne);
  EXPECT_THAT(Results(Run("g.addV().property('name', 'nobody').label()", one)),
              ElementsAre("vertex"));
  EXPECT_THAT(Results(Run("g.mergeV([name: 'm']).label()", one)), ElementsAre("vertex"));
  EXPECT_THAT(Results(Run("g.addV('a', 'a').label()", one)), ElementsAre("a"));
  EXPECT_EQ(Error("g.addV('a', 'b')", one),
            "line 1, column 3: addV(): Element creation allows at most one label when the vertex "
            "label cardinality is ONE, got 2: [a, b]\n"
            "  g.addV('a', 'b')\n"
            "    ^");
  EXPECT_EQ(Error("g.mergeV([name: 'n']).option(Merge.onCreate, [(T.label): ['person', "
                  "'employee'], name: 'n'])",
                  one),
            "line 1, column 3: mergeV(): Element creation allows at most one label when the vertex "
            "label cardinality is ONE, got 2: [person, employee]\n"
            "  g.mergeV([name: 'n']).option(Merge.onCreate, [(T.label): ['person', 'employee'], "
            "name: 'n'])\n"
            "    ^");
  EXPECT_EQ(Error("g.V(1).addLabel('employee')", one),
            "line 1, column 8: addLabel(): Label mutation is not supported with cardinality ONE. "
            "Labels are immutable once assigned.\n"
            "  g.V(1).addLabel('employee')\n"
            "         ^");
  EXPECT_EQ(Error("g.mergeV([(T.label): 'person', name: 'marko']).option(Merge.onMatch, "
                  "[(T.label): 'manager'])",
                  one),
            "line 1, column 3: mergeV(): option(onMatch): Label mutation is not supported with "
            "cardinality ONE. Labels are immutable once assigned.\n"
            "  g.mergeV([(T.label): 'person', name: 'marko']).option(Merge.onMatch, [(T.label): "
            "'manager'])\n"
            "    ^");
  // The failed queries wrote nothing.
  EXPECT_THAT(Results(Run("g.V().count()", one)), ElementsAre("9"));
  EXPECT_THAT(Results(Run("g.V(1).elementMap()", one)),
              ElementsAre("{id=1, label={person}, name=marko, age=29}"));
}

TEST_F(VertexLabelsTest, WithOverridesTheCardinalityPerQuery) {
  auto zero = Cardinality(LabelCardinality::kZeroOrMore);
  EXPECT_THAT(Results(Run("g.with('vertexLabelCardinality', 'one').addV().label()", zero)),
              ElementsAre("vertex"));
  EXPECT_EQ(Error("g.with('vertexLabelCardinality', 'one').addV('a', 'b')", zero),
            "line 1, column 41: addV(): Element creation allows at most one label when the vertex "
            "label cardinality is ONE, got 2: [a, b]\n"
            "  g.with('vertexLabelCardinality', 'one').addV('a', 'b')\n"
            "                                          ^");
  auto one = Cardinality(LabelCardinality::kOne);
  EXPECT_THAT(
      Results(Run("g.with('vertexLabelCardinality', 'zeroOrMore').addV().elementMap()", one)),
      ElementsAre("{id=14, label={}}"));  // 13 is the first addV()
  EXPECT_THAT(
      Error("g.with('vertexLabelCardinality', 'many').V()", zero),
      ::testing::HasSubstr("with(\"vertexLabelCardinality\") expects \"one\" or \"zeroOrMore\""));
  EXPECT_THAT(Results(Run("g.V().count()", zero)), ElementsAre("8"));  // 6 + the two added
}

TEST_F(VertexLabelsTest, AddVLabelTraversalsGiveOneLabelEachOrOneListAlone) {
  auto zero = Cardinality(LabelCardinality::kZeroOrMore);
  // A single label traversal may give a list: every element is a label.
  EXPECT_THAT(Results(Run("g.addV(constant(['a', 'b'])).labels().fold()", zero)),
              ElementsAre("[a, b]"));
  EXPECT_THAT(Results(Run("g.addV(constant('a'), constant('c')).labels().fold()", zero)),
              ElementsAre("[a, c]"));
  EXPECT_EQ(Error("g.addV(constant(['a', 'b']), constant('c'))", zero),
            "line 1, column 3: addV(): Label traversal must produce a scalar String when multiple "
            "traversals are provided, but got a Collection\n"
            "  g.addV(constant(['a', 'b']), constant('c'))\n"
            "    ^");
  EXPECT_EQ(Error("g.addV(constant(1))", zero),
            "line 1, column 3: addV(): Label traversal must produce a String, but got 1\n"
            "  g.addV(constant(1))\n"
            "    ^");
  EXPECT_EQ(Error("g.addV(constant('~h'))", zero),
            "line 1, column 3: addV(): Label can not be a hidden key: ~h\n"
            "  g.addV(constant('~h'))\n"
            "    ^");
  EXPECT_EQ(Error("g.addV(constant(null))", zero),
            "line 1, column 3: addV(): Label can not be null\n"
            "  g.addV(constant(null))\n"
            "    ^");
  // With one label per vertex, a list of two is refused.
  EXPECT_EQ(Error("g.addV(constant(['a', 'b']))", Cardinality(LabelCardinality::kOne)),
            "line 1, column 3: addV(): Element creation allows at most one label when the vertex "
            "label cardinality is ONE, got 2: [a, b]\n"
            "  g.addV(constant(['a', 'b']))\n"
            "    ^");
  EXPECT_THAT(Results(Run("g.V().count()", zero)), ElementsAre("8"));  // 6 + the two added
}

}  // namespace
}  // namespace kg::query
