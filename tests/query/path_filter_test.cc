// simplePath() and cyclicPath() modulated by by() (round robin over the path's objects) and
// narrowed by from()/to(), as TinkerPop's PathFilterStep: an unproductive by() filters the
// traverser out.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/query/modern_graph_fixture.h"

namespace kg::query {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

class PathFilterTest : public testing::ModernGraphTest {};

TEST_F(PathFilterTest, ByComparesWhatTheModulatorGives) {
  // marko -> josh -> ripple|lop: simple paths, but by label person, person, software.
  EXPECT_THAT(Ok("g.V(1).out().out().simplePath().by(T.label).path().by('name')"), ElementsAre());
  EXPECT_THAT(Ok("g.V(1).out().out().cyclicPath().by(T.label).path().by('name')"),
              UnorderedElementsAre("path[marko, josh, ripple]", "path[marko, josh, lop]"));
  // Two modulators alternate: the vertex's label, then its name.
  EXPECT_THAT(Ok("g.V(1).out('knows').simplePath().by(T.label).by('name').path().by('name')"),
              UnorderedElementsAre("path[marko, vadas]", "path[marko, josh]"));
}

TEST_F(PathFilterTest, AnUnproductiveByFiltersTheTraverserOut) {
  // lop has no age: paths through it are neither simple nor cyclic.
  EXPECT_THAT(Ok("g.V(1).both().both().cyclicPath().by('age').path().by('name')"),
              UnorderedElementsAre("path[marko, vadas, marko]", "path[marko, josh, marko]"));
  EXPECT_THAT(Ok("g.V(1).both().both().simplePath().by('age').path().by('name')"), ElementsAre());
}

TEST_F(PathFilterTest, FromAndToNarrowThePathBeforeBy) {
  // Only b and c are compared: josh (person) then lop/ripple (software) differ.
  EXPECT_THAT(Ok("g.V(1).as('a').out().as('b').out().as('c').simplePath().by(T.label)"
                 ".from('b').to('c').path().by('name')"),
              UnorderedElementsAre("path[marko, josh, ripple]", "path[marko, josh, lop]"));
  EXPECT_EQ(Error("g.V(1).out().simplePath().by(T.label).from('x')"),
            "line 1, column 14: simplePath(): Could not locate path from-label: x\n"
            "  g.V(1).out().simplePath().by(T.label).from('x')\n"
            "               ^");
}

}  // namespace
}  // namespace kg::query
