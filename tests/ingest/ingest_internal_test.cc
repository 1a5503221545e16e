// The extractor's speed-ups must not change what it finds: the rule prefilter, its atom matcher
// and NameKey's fast path, each checked against the plain way.
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "ingest/ingest.h"
#include "ingest/internal.h"
#include "unicode/normalizer2.h"
#include "unicode/unistr.h"

namespace kg::ingest {
namespace {

const std::string kShared = KG_SHARED_DIR;

TEST(AtomMatcherTest, FindsWhatASubstringSearchFinds) {
  const std::vector<std::string> atoms = {"을",   "를 ",       "매장량", ":company\x02", "mou",
                                          "% 관세", "\x01",    "ab",     "b",            "abc",
                                          "이 공동", "공동 연구"};
  AtomMatcher matcher(atoms);
  const std::vector<std::string> pieces = {"을", "를", " ", "매장", "량", ":Company\x02", "MoU",
                                           "%",  "관세", "\x01", "a", "B", "c", "이", "공동",
                                           "연구", "x"};
  std::mt19937 rng(7);
  for (int round = 0; round < 2000; ++round) {
    std::string text;
    int n = static_cast<int>(rng() % 12);
    for (int i = 0; i < n; ++i) text += pieces[rng() % pieces.size()];
    std::string lower = text;
    for (char& c : lower) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    std::vector<int> want;
    for (size_t i = 0; i < atoms.size(); ++i) {
      if (lower.find(atoms[i]) != std::string::npos) want.push_back(static_cast<int>(i));
    }
    std::vector<int> got;
    matcher.Match(text, &got);
    EXPECT_EQ(got, want) << text;
  }
}

TEST(AtomMatcherTest, NoAtomsFindsNothing) {
  AtomMatcher matcher({});
  std::vector<int> got = {1};
  matcher.Match("anything 아무거나", &got);
  EXPECT_TRUE(got.empty());
}

// NameKey without its fast path: NFKC, case fold, whitespace collapse.
std::string SlowNameKey(const std::string& s) {
  UErrorCode err = U_ZERO_ERROR;
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(s);
  u = icu::Normalizer2::getNFKCInstance(err)->normalize(u, err);
  u.foldCase();
  std::string r, out;
  u.toUTF8String(r);
  bool space = false;
  for (char ch : r) {
    if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(ch);
  }
  return out;
}

TEST(NameKeyTest, FastPathAgreesWithNormalisation) {
  for (const std::string s :
       {"NVIDIA", "  Open  AI ", "엔비디아", "미국 정부", "SK하이닉스", "ㄱㄴ", "Ｎｖｉｄｉａ",
        "Straße", "ÉCOLE", "ﬁ", "臺灣", "가\u11A8", "\t탭\n", "", "Kelvin \u212A", "A-1 & B.2"}) {
    EXPECT_EQ(NameKey(s), SlowNameKey(s)) << s;
  }
}

// The prefilter only skips rules that cannot match: every article of the seed and the dev set
// gives exactly the same extraction with it as with every rule run on every unit.
TEST(RulePrefilterTest, SameExtractionAsRunningEveryRule) {
  auto filtered = Bundle::Load(KG_INGEST_TEST_DATA);
  auto plain = Bundle::Load(KG_INGEST_TEST_DATA);
  ASSERT_TRUE(filtered.ok() && plain.ok());
  ASSERT_NE((*filtered)->impl().rule_filter, nullptr);
  Bundle::Impl& impl = const_cast<Bundle::Impl&>((*plain)->impl());
  impl.rule_filter.reset();
  impl.rule_atoms.reset();
  Extractor with(*filtered), without(*plain);
  int relations = 0;
  for (const std::string f : {"/seed/000_9bcd69e6ea19a6da.txt", "/devset/dev-D1.txt",
                              "/devset/dev-D2.txt", "/devset/dev-D3.txt", "/devset/dev-D4.txt"}) {
    auto docs = ReadTextFile(kShared + f);
    ASSERT_TRUE(docs.ok()) << docs.status();
    for (const Document& d : *docs) {
      auto a = with.Extract(d);
      auto b = without.Extract(d);
      ASSERT_TRUE(a.ok() && b.ok());
      EXPECT_EQ(Explain(*a), Explain(*b)) << d.id;
      relations += static_cast<int>(a->relations.size());
    }
  }
  EXPECT_GT(relations, 200);
}

}  // namespace
}  // namespace kg::ingest
