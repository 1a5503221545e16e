#include "bench/rmat.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

namespace kg::bench {
namespace {

RmatOptions Small(uint64_t seed = 7) {
  RmatOptions o;
  o.scale = 12;
  o.edge_factor = 16;
  o.seed = seed;
  return o;
}

std::vector<RmatEdge> All(const RmatOptions& o) {
  std::vector<RmatEdge> out;
  RmatStream s(o);
  for (RmatEdge e; s.Next(&e);) out.push_back(e);
  return out;
}

bool Same(const std::vector<RmatEdge>& a, const std::vector<RmatEdge>& b) {
  return std::equal(
      a.begin(), a.end(), b.begin(), b.end(),
      [](const RmatEdge& x, const RmatEdge& y) { return x.src == y.src && x.dst == y.dst; });
}

TEST(RmatTest, CountsAndRange) {
  RmatOptions o = Small();
  std::vector<RmatEdge> edges = All(o);
  ASSERT_EQ(edges.size(), 4096u * 16);
  for (const RmatEdge& e : edges) {
    ASSERT_LT(e.src, 4096u);
    ASSERT_LT(e.dst, 4096u);
  }
}

TEST(RmatTest, DeterministicBySeedAndSeekable) {
  std::vector<RmatEdge> a = All(Small(7)), b = All(Small(7)), c = All(Small(8));
  EXPECT_TRUE(Same(a, b));
  EXPECT_FALSE(Same(a, c));
  RmatStream s(Small(7));
  s.Seek(1000);
  RmatEdge e;
  ASSERT_TRUE(s.Next(&e));
  EXPECT_EQ(e.src, a[1000].src);
  EXPECT_EQ(e.dst, a[1000].dst);
  EXPECT_EQ(s.position(), 1001u);
  s.Seek(a.size());
  EXPECT_FALSE(s.Next(&e));
}

TEST(RmatTest, ScrambleIsABijection) {
  RmatStream s(Small());
  std::vector<bool> seen(4096);
  for (uint64_t v = 0; v < 4096; ++v) {
    uint64_t x = s.Scramble(v);
    ASSERT_LT(x, 4096u);
    ASSERT_FALSE(seen[x]) << v;
    seen[x] = true;
  }
}

TEST(RmatTest, DegreesAreSkewedAsRmatPredicts) {
  // Unscrambled, vertex 0 is the top-left corner: its expected out-degree is
  // edges * (a + b)^scale = 65536 * 0.76^12 ~ 2464, against a mean of 16.
  RmatOptions o = Small();
  o.scramble_ids = false;
  std::vector<uint64_t> out(4096);
  for (const RmatEdge& e : All(o)) ++out[e.src];
  EXPECT_GT(out[0], 2000u);
  EXPECT_LT(out[0], 3000u);
  // Vertex 4095 is the bottom-right corner: (c + d)^12 = 0.24^12, essentially never a source.
  EXPECT_LT(out[4095], 2u);
}

TEST(RmatTest, CsvStreams) {
  RmatOptions o = Small();
  o.scale = 2;
  o.edge_factor = 2;
  std::ostringstream vertices, edges;
  WriteVertexCsv(o, vertices);
  WriteEdgeCsv(o, edges);
  EXPECT_EQ(vertices.str(), "id\n0\n1\n2\n3\n");
  std::vector<RmatEdge> all = All(o);
  std::string expected = "src,dst\n";
  for (const RmatEdge& e : all)
    expected += std::to_string(e.src) + "," + std::to_string(e.dst) + "\n";
  EXPECT_EQ(edges.str(), expected);
}

TEST(RmatTest, ValidateRejectsBadOptions) {
  RmatOptions o;
  EXPECT_TRUE(o.Validate().ok());
  o.a = 0.9;
  EXPECT_EQ(o.Validate().code(), absl::StatusCode::kInvalidArgument);
  o = RmatOptions();
  o.scale = 0;
  EXPECT_EQ(o.Validate().code(), absl::StatusCode::kInvalidArgument);
  o = RmatOptions();
  o.edge_factor = 0;
  EXPECT_EQ(o.Validate().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace kg::bench
