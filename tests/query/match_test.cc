// match(): patterns joined on their labels, filter and not() patterns, labels bound before the
// match, the map it emits and select() after it, and its errors.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/query/modern_graph_fixture.h"

namespace kg::query {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

class MatchTest : public testing::ModernGraphTest {};

TEST_F(MatchTest, EmitsAMapOfTheBindings) {
  EXPECT_THAT(
      Ok("g.V().match(__.as('a').out('created').as('b'))"),
      ElementsAre("{a=v[1], b=v[3]}", "{a=v[4], b=v[5]}", "{a=v[4], b=v[3]}", "{a=v[6], b=v[3]}"));
}

TEST_F(MatchTest, PatternsJoinOnSharedLabels) {
  EXPECT_THAT(Ok("g.V().match(__.as('a').out('knows').as('b'), __.as('a').out('created').as('c'), "
                 "__.as('b').out('created').as('c')).select('a', 'b', 'c').by('name')"),
              ElementsAre("{a=marko, b=josh, c=lop}"));
  // The first pattern's start label need not come first: "project" is no pattern's end.
  EXPECT_THAT(
      Ok("g.V().match(__.as('person').values('name').as('name'), "
         "__.as('project').in('created').as('person')).select('name', 'project').by().by('name')"),
      UnorderedElementsAre("{name=marko, project=lop}", "{name=josh, project=lop}",
                           "{name=peter, project=lop}", "{name=josh, project=ripple}"));
}

TEST_F(MatchTest, APatternWithoutEndLabelOnlyHasToProduceSomething) {
  EXPECT_THAT(Ok("g.V().match(__.as('a').out('created').as('b'), __.as('b').has('name', 'ripple'))"
                 ".select('a').by('name')"),
              ElementsAre("josh"));
}

TEST_F(MatchTest, FilterAndNotPatterns) {
  EXPECT_THAT(Ok("g.V().match(__.as('a').out('created').as('b'), __.as('b').in('created').as('c'), "
                 "__.where('a', P.neq('c'))).select('a', 'c').by('name')"),
              ElementsAre("{a=marko, c=josh}", "{a=marko, c=peter}", "{a=josh, c=marko}",
                          "{a=josh, c=peter}", "{a=peter, c=marko}", "{a=peter, c=josh}"));
  EXPECT_THAT(Ok("g.V().match(__.as('a').out('created').as('b'), __.not(__.as('a').out('knows')))"
                 ".select('a').by('name')"),
              ElementsAre("josh", "josh", "peter"));
  // not(as(a)...as(b)) with both bound: every software's creators include a.
  EXPECT_THAT(Ok("g.V().match(__.as('a').out('created').as('b'), "
                 "__.not(__.as('b').in('created').as('a')))"),
              IsEmpty());
}

TEST_F(MatchTest, LabelsBoundBeforeTheMatchMustAgree) {
  EXPECT_THAT(Ok("g.V(1).as('x').out().match(__.as('y').in().as('x')).select('y').by('name')"),
              ElementsAre("lop", "vadas", "josh"));
}

TEST_F(MatchTest, Errors) {
  EXPECT_EQ(Error("g.V().match(__.as('a').out().as('b'), __.as('c').out().as('d'))"),
            "line 1, column 7: match() cannot bind the start label 'c' of a pattern: no pattern "
            "ends in it and the traverser has no such label\n"
            "  g.V().match(__.as('a').out().as('b'), __.as('c').out().as('d'))\n"
            "        ^");
  EXPECT_EQ(Error("g.V().match(__.out())"),
            "line 1, column 7: match() needs a pattern that starts with as()\n"
            "  g.V().match(__.out())\n        ^");
  EXPECT_EQ(Error("g.V().match()"),
            "line 1, column 7: match() needs at least one pattern\n  g.V().match()\n        ^");
  EXPECT_EQ(Error("g.V().match('a')"),
            "line 1, column 13: match() takes patterns such as __.as('a').out().as('b')\n"
            "  g.V().match('a')\n              ^");
}


// TinkerPop labels the incoming object with the match's start label only when its path has
// none of the patterns' start labels: here a and b come from the path, and the patterns bind c
// to a count and check it against the other count.
TEST_F(MatchTest, StartLabelsOnThePathBindFromThePath) {
  EXPECT_THAT(Ok("g.V().as('a').out().as('b').match(__.as('a').out().count().as('c'), "
                 "__.as('b').in().count().as('c'))"),
              ElementsAre("{a=v[1], c=3, b=v[3]}"));
}

// and(patterns...) inside match() is a conjunction of patterns: they bind labels too.
TEST_F(MatchTest, AndOfPatternsBindsLabels) {
  EXPECT_THAT(Ok("g.V().match(__.as('a').out('knows').as('b'), __.and(__.as('a').out('created')"
                 ".as('c'), __.as('b').out('created').as('c'), __.and(__.as('b').out('created')"
                 ".count().as('d'), __.as('a').out('knows').count().as('d'))))"),
              ElementsAre("{a=v[1], b=v[4], c=v[3], d=2}"));
}

TEST_F(MatchTest, OrOfPatternsKeepsSolutionsOneAlternativeHolds) {
  // a knows b, or b has more than two in-edges (lop): all but josh -> ripple.
  EXPECT_THAT(Ok("g.V().match(__.as('a').out().as('b'), __.or(__.as('a').out('knows').as('b'), "
                 "__.as('b').in().count().is(gt(2)))).select('a', 'b').by('name')"),
              UnorderedElementsAre("{a=marko, b=lop}", "{a=marko, b=vadas}", "{a=marko, b=josh}",
                                   "{a=josh, b=lop}", "{a=peter, b=lop}"));
}

TEST_F(MatchTest, AnOrAlternativeIsAnAndOfPatternsInfixOrNot) {
  const std::string head = "g.V().as('a').out().as('b').match(__.as('a').out().count().as('c'), ";
  // b's in-count must equal a's out-count c, and c be more than 2: only marko's lop.
  EXPECT_THAT(
      Ok(head + "__.or(__.as('a').out('knows').as('b'), __.as('b').in().count().as('c')"
                ".and().as('c').is(gt(2)))).select('a', 'b', 'c').by('name').by('name').by()"),
      UnorderedElementsAre("{a=marko, b=lop, c=3}", "{a=marko, b=vadas, c=3}",
                           "{a=marko, b=josh, c=3}"));
  EXPECT_THAT(Ok(head + "__.or(__.as('a').out('knows').as('b'), __.and(__.as('b').in().count()"
                        ".as('c'), __.as('c').is(gt(2))))).select('b').by('name')"),
              UnorderedElementsAre("lop", "vadas", "josh"));
  // The second pattern of the alternative fails for lop, which goes. b, which only the or()
  // names, is bound from the path: a knows b holds for vadas and josh, not for lop.
  EXPECT_THAT(
      Ok(head + "__.or(__.as('a').out('knows').as('b'), __.as('b').in().count().as('c')"
                ".and().as('c').is(lt(3)))).select('a', 'b', 'c').by('name').by('name').by()"),
      UnorderedElementsAre("{a=marko, b=vadas, c=3}", "{a=marko, b=josh, c=3}"));
}
}  // namespace
}  // namespace kg::query
