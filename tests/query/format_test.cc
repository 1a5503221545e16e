// format() (query/steps/format.cc): TinkerPop 3.7's string template step. Variables come from
// the element's properties, then from scope (map keys, path labels, side effects), %{_} from
// by(); a variable without a value filters the traverser out.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/query/modern_graph_fixture.h"

namespace kg::query {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

class FormatStepTest : public testing::ModernGraphTest {};

TEST_F(FormatStepTest, ReadsElementProperties) {
  EXPECT_THAT(Ok("g.V().hasLabel('person').format('%{name} is %{age} years old')"),
              UnorderedElementsAre("marko is 29 years old", "vadas is 27 years old",
                                   "josh is 32 years old", "peter is 35 years old"));
  EXPECT_THAT(Ok("g.E(7).format('%{weight}')"), ElementsAre("0.5"));
  EXPECT_THAT(Ok("g.V(1).format('no variables')"), ElementsAre("no variables"));
}

TEST_F(FormatStepTest, AVariableWithoutAValueFiltersTheTraverser) {
  // The software vertices have no age.
  EXPECT_THAT(Ok("g.V().format('%{name}:%{age}')"),
              UnorderedElementsAre("marko:29", "vadas:27", "josh:32", "peter:35"));
  EXPECT_THAT(Ok("g.V(1).format('%{nothing}')"), ElementsAre());
  EXPECT_THAT(Ok("g.inject(['a': null]).format('%{a}')"), ElementsAre());
}

TEST_F(FormatStepTest, ReadsMapKeysAndPathLabels) {
  EXPECT_THAT(Ok("g.V(1).project('n', 'a').by('name').by('age').format('%{n} (%{a})')"),
              ElementsAre("marko (29)"));
  EXPECT_THAT(Ok("g.V(4).as('p').out('created').values('name').as('sw').select('p')"
                 ".format('%{name} made %{sw}')"),
              UnorderedElementsAre("josh made ripple", "josh made lop"));
  // A path label holding an element is written as Java writes it.
  EXPECT_THAT(Ok("g.V(1).as('a').out('created').format('%{a} created %{name}')"),
              ElementsAre("v[1] created lop"));
}

TEST_F(FormatStepTest, UnderscoreTakesTheByModulatorsInTurn) {
  EXPECT_THAT(Ok("g.V(1).format('%{name} knows %{_} people').by(out('knows').count())"),
              ElementsAre("marko knows 2 people"));
  EXPECT_THAT(Ok("g.V(1, 2).format('%{_}/%{_}').by('name').by('age')"),
              ElementsAre("marko/29", "vadas/27"));
  // Without by(), %{_} is the object itself.
  EXPECT_THAT(Ok("g.inject(1, 'a').format('<%{_}>')"), ElementsAre("<1>", "<a>"));
  // An unproductive by() filters the traverser.
  EXPECT_THAT(Ok("g.V(1, 3).format('%{_}').by(out('created').values('name'))"), ElementsAre("lop"));
}

TEST_F(FormatStepTest, EscapedAndUnclosedVariablesStayAsWritten) {
  EXPECT_THAT(Ok("g.inject('x').format('100%%{a} %{_}')"), ElementsAre("100%%{a} x"));
  EXPECT_THAT(Ok("g.inject('x').format('%{_} %{open')"), ElementsAre("x %{open"));
  EXPECT_THAT(Ok("g.inject('x').format('%{}')"), ElementsAre());
}

TEST_F(FormatStepTest, BadTemplatesAndMultiPropertiesAreErrors) {
  EXPECT_EQ(Error("g.inject(1).format(null)"),
            "line 1, column 20: Format string for Format step can't be null.\n"
            "  g.inject(1).format(null)\n"
            "                     ^");
  EXPECT_EQ(Error("g.inject(1).format(1)"),
            "line 1, column 20: format() expects a string, got 1\n"
            "  g.inject(1).format(1)\n"
            "                     ^");
  EXPECT_EQ(Error("g.addV('x').property(list, 'a', 1).property(list, 'a', 2).format('%{a}')"),
            "line 1, column 59: format(): Multiple properties exist for the provided key, use "
            "Vertex.properties(a)\n"
            "  g.addV('x').property(list, 'a', 1).property(list, 'a', 2).format('%{a}')\n"
            "                                                            ^");
}

}  // namespace
}  // namespace kg::query
