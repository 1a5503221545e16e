// Runtime errors name the step that raised them and its position in the query, as parse and
// compile errors do: "line L, column C: <step>() ...", then the query line and a caret under
// the step. The innermost step is named when the error comes out of a child traversal.
#include <string>
#include <vector>

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

// Whatever ran before the failure (addV, addE, property, drop, mergeV, mergeE, in a child
// traversal or after a barrier) and whatever fails (a step's error, a limit, the deadline), the
// graph is as it was: every vertex and edge with every property.
TEST_F(RuntimeErrorsTest, AFailingMutationQueryWritesNothingWhateverRanBefore) {
  auto state = [&] {
    std::vector<std::string> s = Ok("g.V().elementMap()");
    for (const auto& e : Ok("g.E().elementMap()")) s.push_back(e);
    for (const auto& p : Ok("g.V().properties().elementMap()")) s.push_back(p);
    return s;
  };
  const std::vector<std::string> before = state();
  ASSERT_EQ(before.size(), 6u + 6u + 12u);
  const char* failing[] = {
      "g.addV('x').property('name', 'new').V(1).values('name').sum()",
      "g.V(1).addE('knows').to(V(6)).property('weight', 1.0d).V(1).values('name').sum()",
      "g.V(1).property('age', 100).property('nick', 'mo').values('name').sum()",
      "g.V().outE('knows').drop().fold().V(2).values('name').sum()",
      "g.V(2).drop().fold().V(1).values('name').sum()",
      "g.E().properties('weight').drop().fold().V(1).values('name').sum()",
      "g.V().properties('age').drop().fold().V(1).values('name').sum()",
      "g.mergeV([name: 'new']).option(Merge.onCreate, [name: 'new', age: 1])"
      ".V(1).values('name').sum()",
      "g.mergeE([(T.label): 'knows', (Direction.OUT): 1, (Direction.IN): 6])"
      ".V(1).values('name').sum()",
      "g.mergeV([name: 'marko']).option(Merge.onMatch, [age: 30]).V(1).values('name').sum()",
      "g.V(1).sideEffect(addV('y').property('name', 'y')).sideEffect(values('name').sum())",
      "g.V().as('a').addE('self').to('a').fold().V(1).values('name').sum()",
      "g.addV('a').property('name', 'a').addE('to').to(V(1)).inV().addE('x').to(V(999))",
      "g.with('vertexLabelCardinality', 'one').addV('a').addV('b', 'c')",
      "g.V(1).property(single, 'age', V(2).values('name', 'age'))",
  };
  for (const char* q : failing) {
    EXPECT_FALSE(Error(q).empty()) << q;
    EXPECT_EQ(state(), before) << q;
  }
  // Limits: the result count, traversers held, the deadline.
  QueryOptions results;
  results.limits.max_results = 3;
  EXPECT_EQ(Error("g.V().property('seen', true)", results),
            "query exceeded max_results = 3 (results returned)");
  EXPECT_EQ(state(), before);
  QueryOptions held;
  held.limits.max_traversers = 4;
  EXPECT_THAT(Error("g.V().property('seen', true).order().by('name')", held),
              ::testing::HasSubstr("max_traversers = 4"));
  EXPECT_EQ(state(), before);
  QueryOptions deadline;
  deadline.limits.timeout = absl::Milliseconds(50);
  deadline.limits.max_traversers = ~uint64_t{0};
  EXPECT_THAT(Error("g.V().property('seen', true).repeat(both()).emit().count()", deadline),
              ::testing::HasSubstr("query exceeded its deadline (timeout 50ms)"));
  EXPECT_EQ(state(), before);
  // The same queries without the failing end write.
  EXPECT_THAT(Ok("g.V(1).property('nick', 'mo').values('nick')"), ElementsAre("mo"));
  EXPECT_NE(state(), before);
}

TEST_F(RuntimeErrorsTest, OnlyTheFirstErrorIsReported) {
  // Both union() branches fail; the first to run names its step, once.
  ExpectErrorAt("g.V().union(values('name').sum(), values('name').mean())", 28,
                "sum() expects numbers but got marko");
}

}  // namespace
}  // namespace kg::query
