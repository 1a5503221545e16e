// math(): operators and their precedence, functions, variables from _ / as() labels / map keys /
// side effects, by() modulators round robin, a double result, and its errors.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/query/modern_graph_fixture.h"

namespace kg::query {
namespace {

using ::testing::ElementsAre;

class MathTest : public testing::ModernGraphTest {};

TEST_F(MathTest, OperatorsAndPrecedence) {
  EXPECT_THAT(Ok("g.inject(1).math('_ + 2 * 3')"), ElementsAre("7"));
  EXPECT_THAT(Ok("g.inject(1).math('(_ + 2) * 3')"), ElementsAre("9"));
  EXPECT_THAT(Ok("g.inject(7).math('_ / 2')"), ElementsAre("3.5"));
  EXPECT_THAT(Ok("g.inject(7).math('_ % 4')"), ElementsAre("3"));
  EXPECT_THAT(Ok("g.inject(10).math('_ - 2 - 3')"), ElementsAre("5"));
  // ^ binds tighter than unary minus and to the right.
  EXPECT_THAT(Ok("g.inject(2).math('-_^2')"), ElementsAre("-4"));
  EXPECT_THAT(Ok("g.inject(2).math('2^3^2')"), ElementsAre("512"));
  EXPECT_THAT(Ok("g.inject(2).math('2^-1')"), ElementsAre("0.5"));
  EXPECT_THAT(Ok("g.inject(1).math('1.5e2 + .5')"), ElementsAre("150.5"));
}

TEST_F(MathTest, ResultIsADouble) {
  EXPECT_THAT(Ok("g.inject(3).math('_ + 1').is(P.eq(4.0d))"), ElementsAre("4"));
  EXPECT_THAT(Ok("g.inject(3L).math('_').fold()"), ElementsAre("[3]"));
  auto r = Run("g.inject(3).math('_').is(P.eq(3.0d)).count()");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(*r, ElementsAre("1"));
}

TEST_F(MathTest, Functions) {
  EXPECT_THAT(Ok("g.inject(16).math('sqrt(_) + abs(-1) + sin 0')"), ElementsAre("5"));
  EXPECT_THAT(Ok("g.inject(-2.5d).math('floor(_) + ceil(_) + signum(_)')"), ElementsAre("-6"));
  EXPECT_THAT(Ok("g.inject(1000).math('log10(_) + log2(8) + cbrt(27)')"), ElementsAre("9"));
  EXPECT_THAT(Ok("g.inject(0).math('exp(_) + cos(_) + cosh(_) + log(1) + tanh(_)')"),
              ElementsAre("3"));
}

TEST_F(MathTest, VariablesComeFromLabelsMapKeysAndSideEffects) {
  EXPECT_THAT(Ok("g.V().as('a').out('knows').as('b').math('a + b').by('age')"),
              ElementsAre("56", "61"));
  EXPECT_THAT(Ok("g.withSideEffect('x', 100).V().values('age').math('_ + x')"),
              ElementsAre("129", "127", "132", "135"));
  EXPECT_THAT(Ok("g.V(1, 4).project('a', 'b').by(outE().count()).by(inE().count()).math('a - b')"),
              ElementsAre("3", "1"));
}

TEST_F(MathTest, ByModulatorsGoRoundRobinInOrderOfFirstAppearance) {
  // b (the software) takes the first by(), a (its creator) the second. josh's created edges come
  // in creation order, as TinkerGraph lists them: ripple before lop.
  EXPECT_THAT(
      Ok("g.V().as('a').out('created').as('b').math('b + a').by(in('created').count()).by('age')"),
      ElementsAre("32", "33", "35", "38"));
  // A by() without a result drops the traverser: software has no age.
  EXPECT_THAT(Ok("g.V().math('_ * 2').by('age')"), ElementsAre("58", "54", "64", "70"));
}

TEST_F(MathTest, SyntaxErrorsGiveThePositionInTheExpression) {
  EXPECT_EQ(Error("g.inject(1).math('(_ + ')"),
            "line 1, column 13: math() cannot parse '(_ + ' at position 6: expected a number, a "
            "variable, a function or '(' at the end"
            "\n  g.inject(1).math('(_ + ')\n              ^");
  EXPECT_EQ(Error("g.inject(1).math('_ + * 2')"),
            "line 1, column 13: math() cannot parse '_ + * 2' at position 5: expected a number, a "
            "variable, a function or '('"
            "\n  g.inject(1).math('_ + * 2')\n              ^");
  EXPECT_EQ(Error("g.inject(1).math('(_ + 1')"),
            "line 1, column 13: math() cannot parse '(_ + 1' at position 7: expected ')'"
            "\n  g.inject(1).math('(_ + 1')\n              ^");
  EXPECT_EQ(Error("g.inject(1).math('_ 1')"),
            "line 1, column 13: math() cannot parse '_ 1' at position 3: unexpected '1'"
            "\n  g.inject(1).math('_ 1')\n              ^");
  EXPECT_EQ(Error("g.inject(1).math('foo(_)')"),
            "line 1, column 13: math() cannot parse 'foo(_)' at position 1: unknown function 'foo'"
            "\n  g.inject(1).math('foo(_)')\n              ^");
  EXPECT_EQ(Error("g.inject(1).math('1..2')"),
            "line 1, column 13: math() cannot parse '1..2' at position 1: '1..2' is not a number"
            "\n  g.inject(1).math('1..2')\n              ^");
}

TEST_F(MathTest, RuntimeErrorsNameTheStepAndTheValue) {
  EXPECT_EQ(Error("g.inject('x').math('_ + 1')"),
            "line 1, column 15: math() expects a number for '_' but got x\n"
            "  g.inject('x').math('_ + 1')\n"
            "                ^");
  EXPECT_EQ(Error("g.V(1).as('a').math('a + 1')"),
            "line 1, column 16: math() expects a number for 'a' but got v[#1]\n"
            "  g.V(1).as('a').math('a + 1')\n"
            "                 ^");
  EXPECT_EQ(
      Error("g.inject(1).math('_ + y')"),
      "line 1, column 13: math() variable 'y' is not _, an as() label, a map key or a side effect\n"
      "  g.inject(1).math('_ + y')\n"
      "              ^");
  EXPECT_EQ(Error("g.inject(1).math('_ / 0')"),
            "line 1, column 13: math() division by zero\n"
            "  g.inject(1).math('_ / 0')\n"
            "              ^");
  EXPECT_EQ(Error("g.inject(1).math('_ % 0')"),
            "line 1, column 13: math() division by zero\n"
            "  g.inject(1).math('_ % 0')\n"
            "              ^");
}

}  // namespace
}  // namespace kg::query
