// Sacks (query/steps/sack.cc, barrier.cc): sack(Operator) without withSack(), the numeric
// promotion of Operator.mult/div, barrier() merging traversers whose sacks merge, normSack, and
// g.withBulk(false).
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/query/modern_graph_fixture.h"

namespace kg::query {
namespace {

using ::testing::ElementsAre;

class SackTest : public testing::ModernGraphTest {
 protected:
  // Each number result with its type, "254:float": mult/div promotion is about types.
  std::vector<std::string> Typed(const std::string& q) {
    auto c = Execute(*g_, q, {});
    EXPECT_TRUE(c.ok()) << c.status();
    std::vector<std::string> out;
    if (!c.ok()) return out;
    for (Value v; (*c)->Next(&v);) {
      const char* type = v.kind() == Value::Kind::kInt32    ? "int"
                         : v.kind() == Value::Kind::kInt64  ? "long"
                         : v.kind() == Value::Kind::kFloat  ? "float"
                         : v.kind() == Value::Kind::kDouble ? "double"
                                                            : "other";
      out.push_back(v.DebugString() + ":" + type);
    }
    EXPECT_TRUE((*c)->status().ok()) << (*c)->status();
    return out;
  }
};

TEST_F(SackTest, SackOperatorGivesASackWithoutWithSack) {
  EXPECT_THAT(Ok("g.V().sack(assign).by('age').sack().order()"),
              ElementsAre("27", "29", "32", "35"));
  // sum() into the null a traverser starts with: the value itself.
  EXPECT_THAT(Ok("g.V().hasLabel('software').sack(sum).by(constant(2)).sack()"),
              ElementsAre("2", "2"));
  EXPECT_EQ(Error("g.V().sack(assign).by('age').by('name').sack()"),
            "line 1, column 30: Sack step can only have one by modulator\n"
            "  g.V().sack(assign).by('age').by('name').sack()\n"
            "                               ^");
  EXPECT_EQ(Error("g.V().sack()"),
            "line 1, column 7: sack() needs g.withSack(...) or a sack(Operator) before it: the "
            "traversers carry no sack\n"
            "  g.V().sack()\n"
            "        ^");
}

TEST_F(SackTest, MultAndDivPromoteAsTinkerPop38Does) {
  // A float with an integer stays a float; a double wins; ints grow into longs.
  EXPECT_THAT(Typed("g.withSack(127).inject(0.5f).sack(div).sack()"), ElementsAre("254:float"));
  EXPECT_THAT(Typed("g.withSack(2147483647).inject(0.5f).sack(div).sack()"),
              ElementsAre("4.29497e+09:float"));
  EXPECT_THAT(Typed("g.withSack(3).inject(0.5d).sack(mult).sack()"), ElementsAre("1.5:double"));
  EXPECT_THAT(Typed("g.withSack(3.0f).inject(2).sack(mult).sack()"), ElementsAre("6:float"));
  EXPECT_THAT(Typed("g.withSack(3.0f).inject(2.0d).sack(mult).sack()"), ElementsAre("6:double"));
  // int / int past an int (only MIN / -1) and int * int past an int: longs; else ints.
  EXPECT_THAT(Typed("g.withSack(-2147483648).inject(-1).sack(div).sack()"),
              ElementsAre("2147483648:long"));
  EXPECT_THAT(Typed("g.withSack(65536).inject(65536).sack(mult).sack()"),
              ElementsAre("4294967296:long"));
  EXPECT_THAT(Typed("g.withSack(7).inject(2).sack(div).sack()"), ElementsAre("3:int"));
  EXPECT_THAT(Typed("g.withSack(7L).inject(2).sack(div).sack()"), ElementsAre("3:long"));
  // Past a long: a double.
  EXPECT_THAT(Typed("g.withSack(4611686018427387904L).inject(4L).sack(mult).sack()"),
              ElementsAre("1.84467e+19:double"));
}

TEST_F(SackTest, BarrierMergesTraversersWhoseSacksMerge) {
  // lop is reached three times: merged, its sacks summed, its bulk three.
  EXPECT_THAT(Ok("g.withSack(1, Operator.sum).V().out().barrier().sack().order()"),
              ElementsAre("1", "1", "1", "3", "3", "3"));
  // withBulk(false): merged traversers stand for one.
  EXPECT_THAT(Ok("g.withBulk(false).withSack(1, Operator.sum).V().out().barrier().sack().order()"),
              ElementsAre("1", "1", "1", "3"));
  // Without a sack Operator nothing merges: local() sees each traverser.
  EXPECT_THAT(Ok("g.V().in().barrier().local(count())"), ElementsAre("1", "1", "1", "1", "1", "1"));
  EXPECT_EQ(Error("g.V().barrier('x')"),
            "line 1, column 15: barrier() takes a maximum size or Barrier.normSack\n"
            "  g.V().barrier('x')\n"
            "                ^");
}

TEST_F(SackTest, NormSackDividesEachSackByTheirSum) {
  EXPECT_THAT(Ok("g.withSack(1.0d, Operator.sum).V(1).local(__.out('knows')"
                 ".barrier(Barrier.normSack)).sack()"),
              ElementsAre("0.5", "0.5"));
  EXPECT_THAT(Ok("g.withBulk(false).withSack(1.0d, Operator.sum).V(1).local(__.outE('knows')"
                 ".barrier(normSack).inV()).in('knows').barrier().sack()"),
              ElementsAre("1"));
  EXPECT_EQ(Error("g.withSack('a').V(1).out().barrier(normSack)"),
            "line 1, column 28: barrier(normSack) needs numeric sacks, encountered a\n"
            "  g.withSack('a').V(1).out().barrier(normSack)\n"
            "                             ^");
}

}  // namespace
}  // namespace kg::query
