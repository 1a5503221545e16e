// String steps (query/steps/strings.cc): substring() and replace() with TinkerPop's index and
// null rules, and the Scope.local forms that apply a string step to each element of a list.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/query/modern_graph_fixture.h"

namespace kg::query {
namespace {

using ::testing::ElementsAre;

class StringStepsTest : public testing::ModernGraphTest {};

TEST_F(StringStepsTest, SubstringCountsNegativeIndicesFromTheEnd) {
  EXPECT_THAT(Ok("g.inject('gremlin').substring(2)"), ElementsAre("emlin"));
  EXPECT_THAT(Ok("g.inject('gremlin').substring(1, 4)"), ElementsAre("rem"));
  EXPECT_THAT(Ok("g.inject('gremlin').substring(-3)"), ElementsAre("lin"));
  EXPECT_THAT(Ok("g.inject('gremlin').substring(-5, -1)"), ElementsAre("emli"));
  // Past either end: clamped; an end not after the start gives the empty string.
  EXPECT_THAT(Ok("g.inject('gremlin').substring(-20, 3)"), ElementsAre("gre"));
  EXPECT_THAT(Ok("g.inject('gremlin').substring(3, 99)"), ElementsAre("mlin"));
  EXPECT_THAT(Ok("g.inject('gremlin').substring(9)"), ElementsAre(""));
  EXPECT_THAT(Ok("g.inject('gremlin').substring(4, 2)"), ElementsAre(""));
  EXPECT_THAT(Ok("g.inject('').substring(-1)"), ElementsAre(""));
}

// Java counts UTF-16 code units: a Hangul syllable is one, a character outside the BMP two.
// substring() never cuts a UTF-8 sequence.
TEST_F(StringStepsTest, LengthAndSubstringCountCharactersNotBytes) {
  EXPECT_THAT(Ok("g.inject('한국수력원자력').length()"), ElementsAre("7"));
  EXPECT_THAT(Ok("g.inject('한국수력원자력').substring(2, 4)"), ElementsAre("수력"));
  EXPECT_THAT(Ok("g.inject('한국수력원자력').substring(-3)"), ElementsAre("원자력"));
  EXPECT_THAT(Ok("g.inject('a\U0001F600b').length()"), ElementsAre("4"));
  EXPECT_THAT(Ok("g.inject('a\U0001F600b').substring(1, 3)"), ElementsAre("\U0001F600"));
  // An index inside the surrogate pair moves past the whole character.
  EXPECT_THAT(Ok("g.inject('a\U0001F600b').substring(2)"), ElementsAre("b"));
}

TEST_F(StringStepsTest, SubstringPassesNullAndRefusesOtherTypes) {
  EXPECT_THAT(Ok("g.inject(null, 'abc').substring(1)"), ElementsAre("null", "bc"));
  EXPECT_EQ(Error("g.V().values('age').substring(1)"),
            "substring() can only take a string as argument, encountered 29");
  EXPECT_EQ(Error("g.inject('a').substring('x')"),
            "line 1, column 15: substring() expects integer start and end indices\n"
            "  g.inject('a').substring('x')\n"
            "                ^");
}

TEST_F(StringStepsTest, ReplaceReplacesEveryOccurrence) {
  EXPECT_THAT(Ok("g.V().hasLabel('software').values('name').replace('p', 'P')"),
              ElementsAre("loP", "riPPle"));
  EXPECT_THAT(Ok("g.inject('aaa', null).replace('aa', 'b')"), ElementsAre("ba", "null"));
  // A null or empty search string changes nothing.
  EXPECT_THAT(Ok("g.inject('abc').replace(null, 'x')"), ElementsAre("abc"));
  EXPECT_THAT(Ok("g.inject('abc').replace('', 'x')"), ElementsAre("abc"));
  EXPECT_EQ(Error("g.inject('abc').replace('a')"),
            "line 1, column 17: replace() takes 2 argument(s), got 1\n"
            "  g.inject('abc').replace('a')\n"
            "                  ^");
}

TEST_F(StringStepsTest, LocalFormsWorkOnEachElementOfAList) {
  EXPECT_THAT(Ok("g.V().hasLabel('software').values('name').fold().substring(Scope.local, 0, 2)"),
              ElementsAre("[lo, ri]"));
  EXPECT_THAT(Ok("g.inject(['a b ', null, ' c']).trim(Scope.local)"),
              ElementsAre("[a b, null, c]"));
  EXPECT_THAT(Ok("g.inject(['ab', 'b']).toUpper(Scope.local)"), ElementsAre("[AB, B]"));
  EXPECT_THAT(Ok("g.inject(['ab', 'b']).length(Scope.local)"), ElementsAre("[2, 1]"));
  EXPECT_THAT(Ok("g.inject(['ab', 'b']).replace(Scope.local, 'b', 'c')"), ElementsAre("[ac, c]"));
  // A string on its own is taken as it is; the global form refuses a list.
  EXPECT_THAT(Ok("g.inject('ab').toUpper(Scope.local)"), ElementsAre("AB"));
  EXPECT_EQ(Error("g.inject(['ab', 1]).toUpper(Scope.local)"),
            "The toUpper(local) step can only take string or list of strings, encountered 1 in "
            "list");
  EXPECT_EQ(Error("g.inject(['ab']).toUpper()"),
            "toUpper() can only take a string as argument, encountered [ab]");
}

TEST_F(StringStepsTest, AsStringWritesValuesAsTinkerPopDoes) {
  EXPECT_THAT(Ok("g.inject(1, 2L, 1.0d, 0.5f, 12345678.9d, 0.0001d, -2.25d, true, 'x').asString()"),
              ElementsAre("1", "2", "1.0", "0.5", "1.23456789E7", "1.0E-4", "-2.25", "true", "x"));
  EXPECT_THAT(Ok("g.V(1).asString()"), ElementsAre("v[1]"));
  EXPECT_THAT(Ok("g.E(7).asString()"), ElementsAre("e[7][1-knows->2]"));
  EXPECT_THAT(Ok("g.inject([1, 'a']).asString()"), ElementsAre("[1, a]"));
  EXPECT_THAT(Ok("g.inject([1, 'a', 1.5d]).asString(Scope.local)"), ElementsAre("[1, a, 1.5]"));
  EXPECT_EQ(Error("g.inject(null).asString()"), "Can't parse null as String.");
  EXPECT_EQ(Error("g.inject([1, null]).asString(Scope.local)"), "Can't parse null as String.");
}

}  // namespace
}  // namespace kg::query
