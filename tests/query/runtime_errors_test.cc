// Runtime errors name the step that raised them and its position in the query, as parse and
// compile errors do: "line L, column C: <step>() ...", then the query line and a caret under
// the step. The innermost step is named when the error comes out of a child traversal.
#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/query/modern_graph_fixture.h"

namespace kg::query {
namespace {

using ::testing::ElementsAre;

class RuntimeErrorsTest : public testing::ModernGraphTest {
 protected:
  // The message expected for an error at `column` of a one-line query.
  static std::string At(const std::string& query, int column, const std::string& message) {
    return "line 1, column " + std::to_string(column) + ": " + message + "\n  " + query + "\n  " +
           std::string(column - 1, ' ') + "^";
  }
  // Error() of a one-line query, compared with At().
  void ExpectErrorAt(const std::string& query, int column, const std::string& message) {
    EXPECT_EQ(Error(query), At(query, column, message)) << query;
  }
};

TEST_F(RuntimeErrorsTest, TypeErrorsNameTheStepWhereItStands) {
  ExpectErrorAt("g.V().values('name').sum()", 22, "sum() expects numbers but got marko");
  ExpectErrorAt("g.V().values('name').out()", 22, "out() expects a vertex but got marko");
  ExpectErrorAt("g.V(1).properties('name').value().element()", 35,
                "element() expects a property but got marko");
  ExpectErrorAt("g.V().select(keys)", 7, "select(Column) expects a map but got v[#1]");
  auto r = Run("g.V().values('name').sum()");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(RuntimeErrorsTest, MessagesWithoutTheStepGetItsName) {
  ExpectErrorAt("g.inject(null).asString()", 16, "asString(): Can't parse null as String.");
  ExpectErrorAt("g.V(1).repeat('a', out()).until(loops('b').is(1))", 33,
                "loops(): Loop name not defined: b");
}

TEST_F(RuntimeErrorsTest, ErrorsInsideRepeatNameTheInnerStep) {
  ExpectErrorAt("g.V(1).repeat(out().values('name').out()).times(2)", 36,
                "out() expects a vertex but got lop");
  ExpectErrorAt("g.V().has('name', 'marko').repeat(union(out(), values('name').mean())).times(3)",
                63, "mean() expects numbers but got marko");
}

TEST_F(RuntimeErrorsTest, ErrorsInsideUnionLocalAndCoalesceNameTheInnerStep) {
  ExpectErrorAt("g.V().union(values('age'), values('name').math('_ + 1'))", 43,
                "math() expects a number for '_' but got marko");
  ExpectErrorAt("g.V().local(values('name').math('_ * 2'))", 28,
                "math() expects a number for '_' but got marko");
  ExpectErrorAt("g.inject(null).local(asString())", 22, "asString(): Can't parse null as String.");
  ExpectErrorAt("g.V().coalesce(values('name').sum(), constant(1))", 31,
                "sum() expects numbers but got marko");
}

TEST_F(RuntimeErrorsTest, ErrorsInsideByTraversalsNameTheInnerStep) {
  ExpectErrorAt("g.V().order().by(values('name').mean())", 33,
                "mean() expects numbers but got marko");
  ExpectErrorAt("g.V().group().by(label).by(values('name').sum())", 43,
                "sum() expects numbers but got marko");
  ExpectErrorAt("g.V().as('a').out().select('a').by(values('name').sum())", 51,
                "sum() expects numbers but got marko");
}

TEST_F(RuntimeErrorsTest, ByKeysAndTokensAreNamedAtTheBy) {
  ExpectErrorAt("g.inject(1).order().by('name')", 21,
                "by(\"name\") cannot be applied to 1: it is not an element or a map");
  ExpectErrorAt("g.inject(1).order().by(keys)", 21, "by(Column) expects a map but got 1");
  ExpectErrorAt("g.V().label().project('a').by(label)", 28,
                "by(): T.label cannot be applied to person");
}

TEST_F(RuntimeErrorsTest, MultiLineQueriesGiveTheLineOfTheStep) {
  EXPECT_EQ(
      Error("g.V().\n  values('age').\n  toUpper()"),
      "line 3, column 3: The toUpper() step can only take string as argument, encountered 29\n"
      "    toUpper()\n"
      "    ^");
}

TEST_F(RuntimeErrorsTest, LimitsNameTheStepWhereTheyArePassed) {
  QueryOptions o;
  o.limits.max_traversers = 4;
  const std::string q = "g.V().order().by('name')";
  auto r = Run(q, o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(r.status().message(),
            At(q, 7,
               "order(): query exceeded max_traversers = 4 (traversers held at once by barriers "
               "and buffers)"));
  // The result count is no step's: that error has no position.
  o = {};
  o.limits.max_results = 3;
  r = Run("g.V()", o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "query exceeded max_results = 3 (results returned)");
}

TEST_F(RuntimeErrorsTest, AFailedMutationNamesItsStepAndWritesNothing) {
  ExpectErrorAt("g.addV('x').property('k', 1).addE('e').to(V(1).values('name').sum())", 63,
                "sum() expects numbers but got marko");
  EXPECT_THAT(Ok("g.V().count()"), ElementsAre("6"));
  EXPECT_THAT(Ok("g.E().count()"), ElementsAre("6"));
}

TEST_F(RuntimeErrorsTest, OnlyTheFirstErrorIsReported) {
  // Both union() branches fail; the first to run names its step, once.
  ExpectErrorAt("g.V().union(values('name').sum(), values('name').mean())", 28,
                "sum() expects numbers but got marko");
}

}  // namespace
}  // namespace kg::query
