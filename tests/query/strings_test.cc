// String steps (query/steps/strings.cc, as_string.cc): substring() and replace() with TinkerPop's
// index and null rules, the Scope.local forms that apply a string step to each element of a
// list, Unicode case mapping, and asString() as Java writes values.
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
  EXPECT_EQ(
      Error("g.V().values('age').substring(1)"),
      "line 1, column 21: The substring() step can only take string as argument, encountered 29\n"
      "  g.V().values('age').substring(1)\n"
      "                      ^");
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
            "line 1, column 21: The toUpper(local) step can only take string or list of strings, "
            "encountered 1 in list\n"
            "  g.inject(['ab', 1]).toUpper(Scope.local)\n"
            "                      ^");
  EXPECT_EQ(
      Error("g.inject(['ab']).toUpper()"),
      "line 1, column 18: The toUpper() step can only take string as argument, encountered [ab]\n"
      "  g.inject(['ab']).toUpper()\n"
      "                   ^");
}

TEST_F(StringStepsTest, AsStringWritesValuesAsTinkerPopDoes) {
  EXPECT_THAT(Ok("g.inject(1, 2L, 1.0d, 0.5f, 12345678.9d, 0.0001d, -2.25d, true, 'x').asString()"),
              ElementsAre("1", "2", "1.0", "0.5", "1.23456789E7", "1.0E-4", "-2.25", "true", "x"));
  EXPECT_THAT(Ok("g.V(1).asString()"), ElementsAre("v[1]"));
  EXPECT_THAT(Ok("g.E(7).asString()"), ElementsAre("e[7][1-knows->2]"));
  EXPECT_THAT(Ok("g.inject([1, 'a']).asString()"), ElementsAre("[1, a]"));
  EXPECT_THAT(Ok("g.inject([1, 'a', 1.5d]).asString(Scope.local)"), ElementsAre("[1, a, 1.5]"));
  EXPECT_EQ(Error("g.inject(null).asString()"),
            "line 1, column 16: asString(): Can't parse null as String.\n"
            "  g.inject(null).asString()\n"
            "                 ^");
  EXPECT_EQ(Error("g.inject([1, null]).asString(Scope.local)"),
            "line 1, column 21: asString(): Can't parse null as String.\n"
            "  g.inject([1, null]).asString(Scope.local)\n"
            "                      ^");
}

// toUpper()/toLower() map all of Unicode in the root locale, as Java's
// String.toUpperCase(Locale.ROOT): one character may become several.
TEST_F(StringStepsTest, CaseMappingCoversUnicode) {
  EXPECT_THAT(Ok("g.inject('straße', 'éclair', 'ǆ').toUpper()"),
              ElementsAre("STRASSE", "ÉCLAIR", "Ǆ"));
  // Final sigma; İ lowers to i and a combining dot above (no Turkish rules in the root locale).
  EXPECT_THAT(Ok("g.inject('ΣΊΣΥΦΟΣ', 'İ', 'ÀÉÎ').toLower()"),
              ElementsAre("σίσυφος", "i\u0307", "àéî"));
  EXPECT_THAT(Ok("g.inject('ß').toUpper().length()"), ElementsAre("2"));
  EXPECT_THAT(Ok("g.inject(['straße', null, 'Ärger']).toUpper(Scope.local)"),
              ElementsAre("[STRASSE, null, ÄRGER]"));
  EXPECT_THAT(Ok("g.inject(['ΟΔΟΣ', 'Ǆ']).toLower(Scope.local)"), ElementsAre("[οδος, ǆ]"));
  EXPECT_THAT(Ok("g.inject('a\U0001F600b').toUpper()"), ElementsAre("A\U0001F600B"));
}

// StringFactory writes a property as vp[key->value] / p[key->value] with the value abbreviated
// to 20 UTF-16 units: the first 17 and "...".
TEST_F(StringStepsTest, AsStringAbbreviatesPropertyValuesAsStringFactoryDoes) {
  EXPECT_THAT(Ok("g.V(1).properties('name').asString()"), ElementsAre("vp[name->marko]"));
  EXPECT_THAT(Ok("g.E(7).properties('weight').asString()"), ElementsAre("p[weight->0.5]"));
  EXPECT_THAT(Ok("g.addV('x').property('s', 'abcdefghijklmnopqrst').properties('s').asString()"),
              ElementsAre("vp[s->abcdefghijklmnopqrst]"));
  EXPECT_THAT(Ok("g.addV('x').property('s', 'abcdefghijklmnopqrstu').properties('s').asString()"),
              ElementsAre("vp[s->abcdefghijklmnopq...]"));
  EXPECT_THAT(Ok("g.addV('x').as('a').addE('e').from('a').to('a')"
                 ".property('s', 'abcdefghijklmnopqrstuvwxyz').properties('s').asString()"),
              ElementsAre("p[s->abcdefghijklmnopq...]"));
  // The value as Java writes it first (a double keeps its fraction), then abbreviated.
  EXPECT_THAT(Ok("g.addV('x').property('d', 1.0d).properties('d').asString()"),
              ElementsAre("vp[d->1.0]"));
  EXPECT_THAT(Ok("g.addV('x').property('l', [1, 2, 3, 4, 5, 6, 7, 8, 9]).properties('l').asString()"),
              ElementsAre("vp[l->[1, 2, 3, 4, 5, 6...]"));
  // Counted in UTF-16 units; a cut inside a surrogate pair leaves the whole pair out.
  EXPECT_THAT(Ok("g.addV('x').property('s', 'é한字aaaaaaaaaaaaaaaaaaa').properties('s').asString()"),
              ElementsAre("vp[s->é한字aaaaaaaaaaaaaa...]"));
  EXPECT_THAT(Ok("g.addV('x').property('s', 'aaaaaaaaaaaaaaaa\U0001F600bcde').properties('s')"
                 ".asString()"),
              ElementsAre("vp[s->aaaaaaaaaaaaaaaa...]"));
  EXPECT_THAT(Ok("g.V(1).properties('name').fold().asString(Scope.local)"),
              ElementsAre("[vp[name->marko]]"));
}

// StringFactory.pathString writes each object of a path as its own toString() does: property
// values abbreviated, doubles with their fraction; plain strings are not cut.
TEST_F(StringStepsTest, AsStringOfAPathWritesEachObjectAsJavaDoes) {
  EXPECT_THAT(Ok("g.V(1).outE('knows').has('weight', 0.5d).inV().path().asString()"),
              ElementsAre("path[v[1], e[7][1-knows->2], v[2]]"));
  EXPECT_THAT(Ok("g.addV('x').property('s', 'abcdefghijklmnopqrstuvwxyz').properties('s')"
                 ".path().asString()"),
              ElementsAre(::testing::MatchesRegex(
                  R"(path\[v\[[0-9]+\], vp\[s->abcdefghijklmnopq\.\.\.\]\])")));
  EXPECT_THAT(Ok("g.V(1).values('age').math('_ * 1').constant('abcdefghijklmnopqrstuvwxyz')"
                 ".path().asString()"),
              ElementsAre("path[v[1], 29, 29.0, abcdefghijklmnopqrstuvwxyz]"));
}


// Java's String.strip(): Character.isWhitespace, so the ideographic space U+3000 and the other
// Unicode space separators go, the no-break spaces (U+00A0, U+202F) stay.
TEST_F(StringStepsTest, TrimStripsUnicodeWhitespaceAsJavaDoes) {
  EXPECT_THAT(Ok("g.inject('\u3000abc\u3000', '\u3000\u3000', ' \t\n x \r').trim()"),
              ElementsAre("abc", "", "x"));
  EXPECT_THAT(Ok("g.inject('\u2003a\u2029').lTrim()"), ElementsAre("a\u2029"));
  EXPECT_THAT(Ok("g.inject('\u2003a\u2029').rTrim()"), ElementsAre("\u2003a"));
  EXPECT_THAT(Ok("g.inject('\u00a0a\u202f').trim()"), ElementsAre("\u00a0a\u202f"));
  EXPECT_THAT(Ok("g.inject(['\u3000b ', null]).trim(local)"), ElementsAre("[b, null]"));
}

// A path is an Iterable of its objects in TinkerPop: conjoin() joins them like a list's.
TEST_F(StringStepsTest, ConjoinJoinsAPathsObjects) {
  EXPECT_THAT(Ok("g.V(1).out('created').path().by('name').conjoin('-')"),
              ElementsAre("marko-lop"));
  EXPECT_THAT(Ok("g.V(1).outE('knows').inV().has('name', 'josh').path().by('name').by(label)"
                 ".conjoin('/')"),
              ElementsAre("marko/knows/josh"));
}

// The errors of the string steps use TinkerPop's wording, which clients match on.
TEST_F(StringStepsTest, TypeErrorsUseTinkerPopsWording) {
  EXPECT_THAT(Error("g.inject(['a', 'b'], 'c').concat('d')"),
              ::testing::HasSubstr("String concat() can only take string as argument, "
                                   "encountered [a, b]"));
  EXPECT_THAT(Error("g.inject(['a', 'b']).length()"),
              ::testing::HasSubstr("The length() step can only take string as argument, "
                                   "encountered [a, b]"));
  EXPECT_THAT(Error("g.inject(['a', 'b']).split('a')"),
              ::testing::HasSubstr("The split() step can only take string as argument"));
  EXPECT_EQ(Error("g.inject(null).conjoin('1')"),
            "line 1, column 16: conjoin(): Incoming traverser for conjoin step can't be null\n"
            "  g.inject(null).conjoin('1')\n"
            "                 ^");
  EXPECT_THAT(Error("g.V().values('name').conjoin('1')"),
              ::testing::HasSubstr("conjoin step can only take an array or an Iterable type for "
                                   "incoming traversers, encountered marko"));
}
}  // namespace
}  // namespace kg::query
