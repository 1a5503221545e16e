#include "query/parser.h"

#include <cmath>
#include <limits>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "query/lexer.h"

namespace kg::query {
namespace {

using ::testing::HasSubstr;

TEST(Lexer, TypedNumbers) {
  struct Case {
    const char* text;
    Value::Kind kind;
  } cases[] = {{"1", Value::Kind::kInt32},       {"1i", Value::Kind::kInt32},
               {"1L", Value::Kind::kInt64},      {"1l", Value::Kind::kInt64},
               {"3000000000", Value::Kind::kInt64}, {"1.0", Value::Kind::kDouble},
               {"1.0d", Value::Kind::kDouble},   {"1.5f", Value::Kind::kFloat},
               {"-2", Value::Kind::kInt32},      {"1e3", Value::Kind::kDouble},
               {"2n", Value::Kind::kInt64},      {"1.5m", Value::Kind::kDouble}};
  for (const auto& c : cases) {
    Lexer lex(c.text);
    LexToken t = lex.Next();
    ASSERT_EQ(t.kind, TokenKind::kNumber) << c.text;
    EXPECT_EQ(t.number.kind(), c.kind) << c.text;
  }
  Lexer lex("1.5f");
  EXPECT_FLOAT_EQ(lex.Next().number.as_float(), 1.5f);
}

TEST(Lexer, StringsAndEscapes) {
  Lexer lex(R"('it\'s' "a\"b" "\u00e9")");
  EXPECT_EQ(lex.Next().text, "it's");
  EXPECT_EQ(lex.Next().text, "a\"b");
  EXPECT_EQ(lex.Next().text, "\xc3\xa9");
  EXPECT_EQ(lex.Next().kind, TokenKind::kEnd);
}

TEST(Parser, ChainOfSteps) {
  auto t = Parse("g.V().has('name', 'marko').out(\"knows\").values('age')");
  ASSERT_TRUE(t.ok()) << t.status();
  ASSERT_EQ(t->steps.size(), 4u);
  EXPECT_EQ(t->steps[0].name, "V");
  EXPECT_EQ(t->steps[1].name, "has");
  ASSERT_EQ(t->steps[1].args.size(), 2u);
  EXPECT_EQ(t->steps[1].args[1].literal.as_string(), "marko");
  EXPECT_EQ(t->steps[2].pos.column, 28);
}

TEST(Parser, SourceStepsPredicatesEnumsAndChildren) {
  auto t = Parse(
      "g.withSideEffect('a', [1, 2]).V().has('age', P.gt(30).and(P.lt(40)))"
      ".order().by('name', Order.desc).where(__.out().count().is(2)).local(out())"
      ".select(Pop.all, 'x').mergeV([(T.label): 'person', name: xx1, age: 29i])");
  ASSERT_TRUE(t.ok()) << t.status();
  ASSERT_EQ(t->source.size(), 1u);
  EXPECT_EQ(t->source[0].name, "withSideEffect");
  const Expr& pred = t->steps[1].args[1];
  EXPECT_EQ(pred.kind, Expr::Kind::kCall);
  EXPECT_EQ(pred.name, ".and");
  ASSERT_EQ(pred.items.size(), 2u);
  EXPECT_EQ(pred.items[0].name, "P.gt");
  EXPECT_EQ(t->steps[3].args[1].kind, Expr::Kind::kEnum);
  EXPECT_EQ(t->steps[4].args[0].kind, Expr::Kind::kTraversal);
  EXPECT_TRUE(t->steps[4].args[0].traversal->anonymous);
  EXPECT_EQ(t->steps[5].args[0].traversal->steps[0].name, "out");  // bare anonymous traversal
  const Expr& map = t->steps[7].args[0];
  ASSERT_EQ(map.kind, Expr::Kind::kMap);
  ASSERT_EQ(map.entries.size(), 3u);
  EXPECT_EQ(map.entries[0].first.name, "T.label");
  EXPECT_EQ(map.entries[1].first.literal.as_string(), "name");
  EXPECT_EQ(map.entries[1].second.kind, Expr::Kind::kParam);
  EXPECT_EQ(map.entries[2].second.literal.kind(), Value::Kind::kInt32);
}

TEST(Parser, EmptyMapListAndSet) {
  auto t = Parse("g.inject([:], [], {1, 2}, null, true)");
  ASSERT_TRUE(t.ok()) << t.status();
  const auto& a = t->steps[0].args;
  EXPECT_EQ(a[0].kind, Expr::Kind::kMap);
  EXPECT_EQ(a[1].kind, Expr::Kind::kList);
  EXPECT_EQ(a[2].kind, Expr::Kind::kSet);
  EXPECT_TRUE(a[3].literal.is_null());
  EXPECT_TRUE(a[4].literal.as_bool());
}

TEST(Parser, SignedInfinityAndNaNLiterals) {
  auto t = Parse("g.inject(-Infinity, +Infinity, Infinity, NaN)");
  ASSERT_TRUE(t.ok()) << t.status();
  const auto& a = t->steps[0].args;
  ASSERT_EQ(a.size(), 4u);
  EXPECT_EQ(a[0].literal.as_double(), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(a[1].literal.as_double(), std::numeric_limits<double>::infinity());
  EXPECT_EQ(a[2].literal.as_double(), std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(a[3].literal.as_double()));
}

TEST(Parser, AQueryMayEndWithASemicolon) {
  auto t = Parse("g.V().out('knows');  \n");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->steps.size(), 2u);
  auto two = Parse("g.V(); g.E()");
  ASSERT_FALSE(two.ok());
  EXPECT_THAT(std::string(two.status().message()),
              HasSubstr("line 1, column 6: expected '.' and a step or the end of the query"));
}

TEST(Parser, ErrorHasLineColumnCaretAndExpected) {
  auto t = Parse("g.V()\n  .has('name'].out()");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(t.status().message()),
            "line 2, column 14: expected ',' or ')', found ']'\n"
            "    .has('name'].out()\n"
            "               ^");
}

TEST(Parser, Errors) {
  struct Case {
    const char* text;
    const char* message;
  } cases[] = {
      {"", "line 1, column 1: expected 'g', found the end of the query"},
      {"x.V()", "line 1, column 1: expected 'g', found 'x'"},
      {"g.V(", "line 1, column 5: expected a value, a traversal or a predicate, found the end"},
      {"g.V().out('a", "line 1, column 11: unterminated string"},
      {"g.V().limit(1x)", "line 1, column 13: unknown number suffix '1x'"},
      {"g.V().limit(1xy)", "line 1, column 13: malformed number '1xy'"},
      {"g.V() )", "line 1, column 7: expected '.' and a step or the end of the query"},
      {"g.V().has('a', #)", "line 1, column 16: unexpected character '#'"},
      {"g", "line 1, column 2: expected '.' and a step, found the end of the query"},
  };
  for (const auto& c : cases) {
    auto t = Parse(c.text);
    ASSERT_FALSE(t.ok()) << c.text;
    EXPECT_THAT(std::string(t.status().message()), HasSubstr(c.message)) << c.text;
  }
}

TEST(Parser, DeepNestingIsAnErrorNotACrash) {
  std::string q = "g.V().where(";
  for (int i = 0; i < 5000; ++i) q += "__.where(";
  auto t = Parse(q);
  ASSERT_FALSE(t.ok());
  EXPECT_THAT(std::string(t.status().message()), HasSubstr("nested too deeply"));
}

}  // namespace
}  // namespace kg::query
