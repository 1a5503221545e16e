// The extractor's matching structures against the plain scans they replace: MentionIndex
// (ingest/mention_index.h) answers what a pass over the mentions in order answers;
// AliasTrie::MayStartAt never rules out a position where an alias starts; FindEach finds needles
// that start inside a UTF-8 sequence too.
#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "ingest/internal.h"
#include "ingest/mention_index.h"

namespace kg::ingest {
namespace {

struct Linear {
  std::vector<uint32_t> begin, end;
  std::vector<bool> counts;

  int At(uint32_t b, uint32_t e) const {
    for (size_t i = 0; i < begin.size(); ++i) {
      if (counts[i] && begin[i] == b && end[i] == e) return static_cast<int>(i);
    }
    return -1;
  }
  int EndingAt(uint32_t e) const {
    for (size_t i = 0; i < begin.size(); ++i) {
      if (counts[i] && end[i] == e) return static_cast<int>(i);
    }
    return -1;
  }
  int Covering(uint32_t pos) const {
    for (size_t i = 0; i < begin.size(); ++i) {
      if (counts[i] && begin[i] <= pos && pos < end[i]) return static_cast<int>(i);
    }
    return -1;
  }
  bool Overlaps(uint32_t b, uint32_t e) const {
    for (size_t i = 0; i < begin.size(); ++i) {
      if (counts[i] && begin[i] < e && b < end[i]) return true;
    }
    return false;
  }
  std::vector<int> Inside(uint32_t b, uint32_t e) const {
    std::vector<int> out;
    for (size_t i = 0; i < begin.size(); ++i) {
      if (begin[i] >= b && end[i] <= e) out.push_back(static_cast<int>(i));
    }
    return out;
  }
};

TEST(MentionIndexTest, EmptyIndexFindsNothing) {
  MentionIndex index;
  auto all = [](int) { return true; };
  EXPECT_EQ(index.At(0, 3, all), -1);
  EXPECT_EQ(index.EndingAt(3, all), -1);
  EXPECT_EQ(index.Covering(0, all), -1);
  EXPECT_FALSE(index.Overlaps(0, 100, all));
  int calls = 0;
  index.ForEachInside(0, 100, [&](int) { ++calls; });
  EXPECT_EQ(calls, 0);
}

TEST(MentionIndexTest, LowestCountingIdWins) {
  MentionIndex index;
  index.Add(0, 10, 20);
  index.Add(1, 10, 20);  // the same span again
  index.Add(2, 5, 20);   // ends at 20 too
  index.Add(3, 0, 5);    // added out of text order
  auto all = [](int) { return true; };
  auto not0 = [](int id) { return id != 0; };
  EXPECT_EQ(index.At(10, 20, all), 0);
  EXPECT_EQ(index.At(10, 20, not0), 1);
  EXPECT_EQ(index.EndingAt(20, all), 0);
  EXPECT_EQ(index.EndingAt(20, [](int id) { return id >= 2; }), 2);
  EXPECT_EQ(index.Covering(12, not0), 1);
  EXPECT_EQ(index.Covering(5, all), 2);  // [0,5) ends before 5
  EXPECT_EQ(index.Covering(4, all), 3);
  EXPECT_EQ(index.Covering(20, all), -1);
  EXPECT_TRUE(index.Overlaps(19, 30, all));
  EXPECT_FALSE(index.Overlaps(20, 30, all));
  EXPECT_FALSE(index.Overlaps(4, 9, [](int id) { return id != 3 && id != 2; }));
}

TEST(MentionIndexTest, AgreesWithLinearScanOnRandomMentions) {
  std::mt19937 rng(7);
  for (int round = 0; round < 200; ++round) {
    const uint32_t text = 1 + rng() % 300;
    const int n = static_cast<int>(rng() % 60);
    Linear linear;
    MentionIndex index;
    for (int i = 0; i < n; ++i) {
      // Mostly short names, sometimes a long phrase; in text order or not.
      const uint32_t b = rng() % text;
      const uint32_t len = rng() % 8 == 0 ? rng() % 120 : 1 + rng() % 12;
      const uint32_t e = std::min(text, b + len);
      linear.begin.push_back(b);
      linear.end.push_back(e);
      linear.counts.push_back(rng() % 4 != 0);
      index.Add(i, b, e);
    }
    auto counts = [&](int id) { return static_cast<bool>(linear.counts[id]); };
    for (int q = 0; q < 100; ++q) {
      const uint32_t b = rng() % (text + 2);
      const uint32_t e = b + rng() % 40;
      SCOPED_TRACE(testing::Message() << "round " << round << " query [" << b << "," << e << ")");
      EXPECT_EQ(index.At(b, e, counts), linear.At(b, e));
      if (n > 0 && q % 3 == 0) {  // a span that is there
        const int m = static_cast<int>(rng() % n);
        EXPECT_EQ(index.At(linear.begin[m], linear.end[m], counts),
                  linear.At(linear.begin[m], linear.end[m]));
      }
      EXPECT_EQ(index.EndingAt(e, counts), linear.EndingAt(e));
      EXPECT_EQ(index.Covering(b, counts), linear.Covering(b));
      EXPECT_EQ(index.Overlaps(b, e, counts), linear.Overlaps(b, e));
      std::vector<int> inside;
      index.ForEachInside(b, e, [&](int id) { inside.push_back(id); });
      std::sort(inside.begin(), inside.end());
      EXPECT_EQ(inside, linear.Inside(b, e));
    }
  }
}

TEST(AliasTrieTest, MayStartAtRulesOutOnlyWhereNoAliasStarts) {
  // Aliases of every length around the filter's prefix (kStartBytes), Hangul, Hanja and Latin.
  const std::vector<std::string> aliases = {"美",     "EU",       "미국",      "엔비디아",
                                            "NVIDIA", "Intel",    "미국 정부", "S&P",
                                            "a",      "abcdefgh", "abcdeXYZ"};
  AliasTrie trie;
  for (size_t i = 0; i < aliases.size(); ++i) trie.Insert(aliases[i], static_cast<int>(i));
  trie.Freeze();
  const std::vector<std::string> pieces = {"미", "국", " ",  "정부", "엔비",  "디아", "美", "日",
                                           "E",  "U",  "NV", "IDIA", "abcde", "fgh",  "X",  "중국"};
  std::mt19937 rng(5);
  int starts = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    for (int i = static_cast<int>(rng() % 12); i > 0; --i) text += pieces[rng() % pieces.size()];
    for (size_t pos = 0; pos < text.size(); ++pos) {
      bool found = false;
      trie.MatchAt(text, pos, [&](size_t, int) { found = true; });
      if (found) {
        ++starts;
        EXPECT_TRUE(trie.MayStartAt(text, pos)) << text << " at " << pos;
      }
    }
  }
  EXPECT_GT(starts, 1000);  // the texts hold many aliases
  // Where nothing starts, it says so (most of the time: it is a Bloom-style test).
  const std::string none = "중국과 일본은";
  int ruled_out = 0;
  for (size_t pos = 0; pos < none.size(); ++pos) ruled_out += trie.MayStartAt(none, pos) ? 0 : 1;
  EXPECT_GE(ruled_out, static_cast<int>(none.size()) - 2);
  EXPECT_FALSE(trie.MayStartAt(none, none.size()));  // nothing starts at the end
  AliasTrie unfrozen;
  unfrozen.Insert("미국", 0);
  EXPECT_TRUE(unfrozen.MayStartAt(none, 0));  // no filter before Freeze
}

TEST(FindEachTest, NeedleStartingInsideACharacter) {
  // "미국" is EB AF B8 EA B5 AD: a needle from its second byte starts at a continuation byte.
  const std::string text = "미국과 미국";
  const std::vector<std::string_view> tail = {"\xAF\xB8\xEA\xB5", "미국"};
  const std::vector<std::pair<int, uint32_t>> want = {{0, 1}, {0, 11}, {1, 0}, {1, 10}};
  EXPECT_EQ(FindEach(text, tail), want);
  const std::vector<std::string_view> whole = {"미국과"};
  EXPECT_EQ(FindEach(text, whole), (std::vector<std::pair<int, uint32_t>>{{0, 0}}));
}

}  // namespace
}  // namespace kg::ingest
