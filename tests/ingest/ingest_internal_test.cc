// The extractor's speed-ups must not change what it finds: the rule prefilter, its atom matcher,
// the gazetteer's frozen trie, rules tried only at placeholders of their leading labels, the
// Latin-run scanner and NameKey's fast path, each checked against the plain way.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "ingest/ingest.h"
#include "ingest/internal.h"
#include "unicode/brkiter.h"
#include "unicode/normalizer2.h"
#include "unicode/unistr.h"

namespace kg::ingest {
namespace {

const std::string kShared = KG_SHARED_DIR;
// The seed brief and the dev set, under kShared: the texts the equivalence tests run over.
const char* const kSeedAndDev[] = {"/seed/000_9bcd69e6ea19a6da.txt", "/devset/dev-D1.txt",
                                   "/devset/dev-D2.txt", "/devset/dev-D3.txt",
                                   "/devset/dev-D4.txt"};

// The seed brief's lines longer than 20 bytes: text for the randomised rule-matching tests.
std::vector<std::string> SeedLines() {
  auto docs = ReadTextFile(kShared + "/seed/000_9bcd69e6ea19a6da.txt");
  EXPECT_TRUE(docs.ok()) << docs.status();
  std::vector<std::string> lines;
  if (!docs.ok()) return lines;
  for (const Document& d : *docs) {
    for (std::string_view line : Split(d.text, '\n')) {
      if (line.size() > 20) lines.emplace_back(line);
    }
  }
  return lines;
}

// Runs `rule` from `start` twice, with placeholder hints `a` and `b` (either may be null), and
// expects the same answer and the same groups. Returns whether it matched.
bool SameMatchWithBothHints(const Rule& rule, const std::string& text, size_t start,
                            const PlaceholderStarts* a, const PlaceholderStarts* b) {
  const int n = rule.re->NumberOfCapturingGroups() + 1;
  std::vector<re2::StringPiece> want(n), got(n);
  re2::StringPiece input(text);
  const bool w = MatchRule(rule, input, start, want.data(), n, a);
  const bool g = MatchRule(rule, input, start, got.data(), n, b);
  EXPECT_EQ(w, g) << rule.id << " on " << text << " from " << start;
  if (!w || !g) return false;
  for (int i = 0; i < n; ++i) {
    EXPECT_EQ(want[i].data(), got[i].data()) << rule.id << " group " << i << " in " << text;
    EXPECT_EQ(want[i].size(), got[i].size()) << rule.id << " group " << i << " in " << text;
  }
  return true;
}

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
    // With positions: where each atom found last starts.
    std::vector<uint32_t> last_start;
    matcher.Match(text, &got, &last_start);
    EXPECT_EQ(got, want) << text;
    ASSERT_EQ(last_start.size(), atoms.size());
    for (int a : got) EXPECT_EQ(last_start[a], lower.rfind(atoms[a])) << atoms[a] << " in " << text;
  }
}

// More atoms than 15-bit state numbers hold: the failure-link walk instead of the table, with
// the same answers as the table gives for a small set and as a substring search gives for both.
TEST(AtomMatcherTest, TableAndFailureLinkWalkFindTheSame) {
  const std::vector<std::string> letters = {"가", "나", "다", "a", "B", "c", " ", "\x01", ":"};
  std::mt19937 rng(5);
  auto random_string = [&](int pieces) {
    std::string s;
    for (int i = 0; i < pieces; ++i) s += letters[rng() % letters.size()];
    return s;
  };
  std::vector<std::string> many;
  for (int i = 0; i < 20000; ++i) {
    std::string a = random_string(6 + static_cast<int>(rng() % 8));
    for (char& c : a) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    many.push_back(a);
  }
  std::vector<std::string> few(many.begin(), many.begin() + 300);
  const AtomMatcher walk(many), table(few);
  EXPECT_FALSE(walk.dense());
  EXPECT_TRUE(table.dense());
  int found = 0;
  for (int round = 0; round < 150; ++round) {
    std::string text;  // atoms (from both sets) between random pieces
    for (int piece = static_cast<int>(rng() % 12); piece > 0; --piece) {
      text += rng() % 2 == 0 ? many[rng() % (rng() % 2 == 0 ? few.size() : many.size())]
                             : random_string(1 + static_cast<int>(rng() % 3));
    }
    std::string lower = text;
    for (char& c : lower) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    for (const std::vector<std::string>* atoms : {&many, &few}) {
      std::vector<int> want, got;
      for (size_t i = 0; i < atoms->size(); ++i) {
        if (lower.find((*atoms)[i]) != std::string::npos) want.push_back(static_cast<int>(i));
      }
      (atoms == &many ? walk : table).Match(text, &got);
      EXPECT_EQ(got, want) << text;
      found += static_cast<int>(got.size());
    }
  }
  EXPECT_GT(found, 400);
}

// Checks `matcher` against a substring search (ASCII folded) on `text`: the atoms found, and
// where each found last starts.
void ExpectSameAsSubstringSearch(const AtomMatcher& matcher, const std::vector<std::string>& atoms,
                                 const std::string& text) {
  std::string lower = text;
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  std::vector<int> want;
  for (size_t i = 0; i < atoms.size(); ++i) {
    if (lower.find(atoms[i]) != std::string::npos) want.push_back(static_cast<int>(i));
  }
  std::vector<int> got;
  std::vector<uint32_t> last_start;
  matcher.Match(text, &got, &last_start);
  EXPECT_EQ(got, want) << text;
  for (int a : got) EXPECT_EQ(last_start[a], lower.rfind(atoms[a])) << atoms[a] << " in " << text;
  matcher.Match(text, &got);
  EXPECT_EQ(got, want) << text;
}

// Atoms of whole UTF-8 characters, too many for a table over bytes to stay in the L1 cache:
// one step per character, with the same answers as a byte search, malformed UTF-8 included (a
// lone continuation byte, a truncated, an overlong and a surrogate sequence, 0xC0, 0xFF).
TEST(AtomMatcherTest, StepsOverCharactersFindWhatASubstringSearchFinds) {
  const std::vector<std::string> letters = {"가", "나", "다", "을",   "a", "b",
                                            "·",  "😀",  " ",  "\x01", ":", "社"};
  const std::vector<std::string> noise = {
      "A",        "B",    "\x80",         "\xEA\xB0", "\xE0\x80\x81", "\xED\xA0\x80",
      "\xC0\xAF", "\xFF", "\xF0\x9F\x98", "x",        "\xEA"};
  std::mt19937 rng(11);
  std::vector<std::string> atoms;
  for (int i = 0; i < 600; ++i) {
    std::string a;
    for (int k = 1 + static_cast<int>(rng() % 4); k > 0; --k) a += letters[rng() % letters.size()];
    atoms.push_back(a);
  }
  const AtomMatcher matcher(atoms);
  EXPECT_TRUE(matcher.by_character());
  for (int round = 0; round < 1500; ++round) {
    std::string text;
    for (int piece = static_cast<int>(rng() % 14); piece > 0; --piece) {
      const int kind = static_cast<int>(rng() % 4);
      text += kind == 0   ? atoms[rng() % atoms.size()]
              : kind == 1 ? noise[rng() % noise.size()]
                          : letters[rng() % letters.size()];
    }
    ExpectSameAsSubstringSearch(matcher, atoms, text);
  }
}

// An atom that ends inside a character ("가" is EA B0 80) keeps the steps over bytes, which find
// it inside the character as a byte search does; so does a set small enough for a byte table in
// the L1 cache.
TEST(AtomMatcherTest, StepsOverBytesForPartsOfCharactersAndSmallSets) {
  std::vector<std::string> atoms = {"\xEA\xB0", "나다", "ab"};
  for (int i = 0; i < 600; ++i) atoms.push_back("다" + std::to_string(i) + "가");
  const AtomMatcher part(atoms);
  EXPECT_FALSE(part.by_character());
  EXPECT_TRUE(part.dense());
  const std::vector<std::string> small = {"가", "나다", "ab"};
  const AtomMatcher few(small);
  EXPECT_FALSE(few.by_character());
  for (const std::string text : {"가", "나가다", "AB가", "\xEA\xB0", "다17가 나다",
                                 "x\xEA"
                                 "ab"}) {
    ExpectSameAsSubstringSearch(part, atoms, text);
    ExpectSameAsSubstringSearch(few, small, text);
  }
}

TEST(AtomMatcherTest, NoAtomsFindsNothing) {
  AtomMatcher matcher({});
  std::vector<int> got = {1};
  matcher.Match("anything 아무거나", &got);
  EXPECT_TRUE(got.empty());
}

// ---- the gazetteer's trie --------------------------------------------------------------------

// Every alias that starts at a position, shortest first, with the entry of its first insertion:
// the same before Freeze, after it, and after inserting again once frozen.
TEST(AliasTrieTest, MatchAtFindsEveryAliasStartingThere) {
  const std::vector<std::string> letters = {"미", "국", "a", "B", " ", "의", "社"};
  std::mt19937 rng(3);
  auto random_string = [&](int pieces) {
    std::string s;
    for (int i = 0; i < pieces; ++i) s += letters[rng() % letters.size()];
    return s;
  };
  std::vector<std::string> aliases;
  for (int i = 0; i < 400; ++i) aliases.push_back(random_string(1 + static_cast<int>(rng() % 5)));
  AliasTrie trie;
  auto check = [&](size_t inserted, const char* when) {
    int hits = 0;
    for (int round = 0; round < 200; ++round) {
      const std::string text = random_string(static_cast<int>(rng() % 12));
      for (size_t pos = 0; pos < text.size(); ++pos) {
        std::vector<std::pair<size_t, int>> want, got;
        for (size_t end = pos + 1; end <= text.size(); ++end) {
          for (size_t a = 0; a < inserted; ++a) {
            if (text.compare(pos, end - pos, aliases[a]) == 0) {
              want.emplace_back(end, static_cast<int>(a));
              break;  // the first insertion of a surface wins
            }
          }
        }
        trie.MatchAt(text, pos, [&](size_t end, int entry) { got.emplace_back(end, entry); });
        EXPECT_EQ(got, want) << when << ": " << text << " at " << pos;
        hits += static_cast<int>(got.size());
      }
    }
    EXPECT_GT(hits, 500) << when;
  };
  for (size_t a = 0; a < 300; ++a) trie.Insert(aliases[a], static_cast<int>(a));
  check(300, "before Freeze");
  trie.Freeze();
  check(300, "frozen");
  for (size_t a = 300; a < aliases.size(); ++a) trie.Insert(aliases[a], static_cast<int>(a));
  check(aliases.size(), "inserted after Freeze");
  trie.Freeze();
  check(aliases.size(), "frozen again");
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
  for (const std::string f : kSeedAndDev) {
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

// ---- relaxed rule regexes -----------------------------------------------------------------------

// A company alias written with its country in front ("대만 TSMC") swallows the country mention
// (the gazetteer matches leftmost-longest), so the country and the company's BASED_IN are lost.
// The country belongs to the text, not to the alias: no shipped company alias may be another of
// its own aliases with a country alias before it. (An English name may begin with its country:
// "China Minmetals", "Korea Zinc" are names, not descriptions, so Latin prefixes are allowed.)
TEST(ShippedDictionaryTest, NoCompanyAliasIsACountryPlusAnotherOfItsAliases) {
  auto bundle = Bundle::Load(KG_INGEST_TEST_DATA);
  ASSERT_TRUE(bundle.ok()) << bundle.status();
  const Bundle::Impl& impl = (*bundle)->impl();
  for (const DictEntry& entry : impl.entries) {
    if (entry.label != impl.company_label) continue;
    for (const std::string& alias : entry.aliases) {
      const size_t space = alias.find(' ');
      if (space == std::string::npos || IsLatinAlnum(static_cast<unsigned char>(alias[0]))) {
        continue;
      }
      const int country = impl.FindByName(alias.substr(0, space));
      if (country < 0 || impl.entries[country].label != impl.country_label) continue;
      const std::string rest = alias.substr(space + 1);
      const bool rest_is_own_alias =
          std::find(entry.aliases.begin(), entry.aliases.end(), rest) != entry.aliases.end();
      EXPECT_FALSE(rest_is_own_alias) << entry.name << " has the alias \"" << alias << "\"";
    }
  }
}

TEST(RelaxBoundedRepeatsTest, UnboundsLongClassRepeatsInNamedGroups) {
  auto r = RelaxBoundedRepeats(R"(A[^\x01\n]{0,20}?B(?:\([^()\n]{1,60}\))*c{0,30}[ab]{1,3})", 8);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(
      r->pattern,
      R"(A(?P<kg_bound_0>[^\x01\n]{0,}?)B(?:\((?P<kg_bound_1>[^()\n]{1,})\))*c{0,30}[ab]{1,3})");
  ASSERT_EQ(r->sites.size(), 2u);
  EXPECT_EQ(r->sites[0].char_class, R"([^\x01\n])");
  EXPECT_EQ(r->sites[0].max_chars, 20);
  EXPECT_FALSE(r->sites[0].repeated);
  EXPECT_EQ(r->sites[0].before, "A");
  EXPECT_EQ(r->sites[0].after, "B");
  EXPECT_EQ(r->sites[1].max_chars, 60);
  EXPECT_TRUE(r->sites[1].repeated);  // inside (...)*
  EXPECT_EQ(r->sites[1].before, R"(\()");
  EXPECT_EQ(r->sites[1].after, R"(\))");
}

TEST(RelaxBoundedRepeatsTest, LeavesPatternsItCannotReadOrNeedNotRelax) {
  EXPECT_FALSE(RelaxBoundedRepeats("(?i)a[bc]{0,40}", 8).has_value());  // flags change classes
  EXPECT_FALSE(RelaxBoundedRepeats(R"(\Qa{0,40}\E)", 8).has_value());
  EXPECT_FALSE(RelaxBoundedRepeats("a[bc]{0,4}d", 8).has_value());   // short bound
  EXPECT_FALSE(RelaxBoundedRepeats("(a[bc]{0,40}", 8).has_value());  // unbalanced
  auto optional_group = RelaxBoundedRepeats("(?:x[bc]{0,40})?y", 8);
  ASSERT_TRUE(optional_group.has_value());
  EXPECT_FALSE(optional_group->sites[0].repeated);  // "?" runs it at most once
}

// A long bounded repetition of a group is unbounded inside a group of its own; its bound on the
// characters there is the repetition's bound times the fewest characters one repeat holds.
TEST(RelaxBoundedRepeatsTest, UnboundsLongGroupRepeats) {
  auto r = RelaxBoundedRepeats(R"(A(?P<O>(?:[^\x01\n]|\x01\d+:[A-Za-z]+\x02[^ ]){0,240})B)", 8);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->pattern, R"(A(?P<O>(?P<kg_bound_0>(?:[^\x01\n]|\x01\d+:[A-Za-z]+\x02[^ ]){0,}))B)");
  ASSERT_EQ(r->sites.size(), 1u);
  EXPECT_TRUE(r->sites[0].group_repeat);
  EXPECT_EQ(r->sites[0].max_chars, 240);
  EXPECT_FALSE(r->sites[0].repeated);
  // Lazy; a repeat of at least 2 characters ("에 " or "(?:ab|cd)x").
  auto lazy = RelaxBoundedRepeats(R"((?:에 |(?:ab|cd)x){2,10}?C)", 8);
  ASSERT_TRUE(lazy.has_value());
  EXPECT_EQ(lazy->pattern, R"((?P<kg_bound_0>(?:에 |(?:ab|cd)x){2,}?)C)");
  EXPECT_EQ(lazy->sites[0].max_chars, 20);
  // A class site inside is checked over the whole match, as in any repeated group.
  auto nested = RelaxBoundedRepeats(R"((?:[^ ]{0,9}x){0,20})", 8);
  ASSERT_TRUE(nested.has_value());
  EXPECT_EQ(nested->pattern, R"((?P<kg_bound_1>(?:(?P<kg_bound_0>[^ ]{0,})x){0,}))");
  ASSERT_EQ(nested->sites.size(), 2u);
  EXPECT_TRUE(nested->sites[0].repeated);
  EXPECT_EQ(nested->sites[1].max_chars, 20);
  // Not relaxed: a short bound, a repeat that may be empty (its count has no bound in
  // characters), and in the same way the group inside a repeated group is left to the rule's
  // exact regex (RelaxRule keeps no relaxed regex for it).
  EXPECT_FALSE(RelaxBoundedRepeats("(?:ab){0,4}", 8).has_value());
  EXPECT_FALSE(RelaxBoundedRepeats("(?:a?){0,40}", 8).has_value());
  auto inner = RelaxBoundedRepeats("(?:(?:ab){0,40}c)*", 8);
  ASSERT_TRUE(inner.has_value());
  EXPECT_TRUE(inner->sites[0].repeated);
  Rule rule;
  rule.pattern = "(?:(?:ab){0,40}c)*d";
  rule.re = std::make_unique<RE2>(rule.pattern);
  RelaxRule(&rule);
  EXPECT_EQ(rule.relaxed, nullptr);
}

// A group repeated a few times is written copy by copy, nested as RE2 expands the repetition,
// each copy with a group of its own for the site: every run's bound is then checked exactly.
TEST(RelaxBoundedRepeatsTest, UnrollsGroupsRepeatedAFewTimes) {
  auto lazy = RelaxBoundedRepeats(R"(A(?:[^ ]{0,9}x ){0,2}?B)", 8);
  ASSERT_TRUE(lazy.has_value());
  EXPECT_EQ(lazy->pattern,
            R"(A(?:(?:(?P<kg_bound_0>[^ ]{0,})x )(?:(?:(?P<kg_bound_1>[^ ]{0,})x ))??)??B)");
  ASSERT_EQ(lazy->sites.size(), 2u);
  for (const RelaxedSite& site : lazy->sites) {
    EXPECT_FALSE(site.repeated);
    EXPECT_EQ(site.max_chars, 9);
    EXPECT_EQ(site.char_class, "[^ ]");
    EXPECT_EQ(site.after, "x");
  }
  auto at_least_one = RelaxBoundedRepeats(R"((?:[^ ]{1,9}|y){1,3})", 8);
  ASSERT_TRUE(at_least_one.has_value());
  EXPECT_EQ(at_least_one->pattern,
            R"((?:(?P<kg_bound_0>[^ ]{1,})|y)(?:(?:(?P<kg_bound_1>[^ ]{1,})|y))"
            R"((?:(?:(?P<kg_bound_2>[^ ]{1,})|y))?)?)");
  EXPECT_EQ(at_least_one->sites.size(), 3u);
  // Not copied: more repetitions than that, no upper bound, or a capturing group inside (its
  // name would repeat). Their site keeps the check over the whole match.
  for (const char* p : {R"((?:[^ ]{0,9}x ){0,5}B)", R"((?:[^ ]{0,9}x )*B)",
                        R"((?:(?P<n>[^ ]{0,9})x ){0,2}B)", R"(((?:[^ ]{0,9}x )){0,2}B)"}) {
    auto r = RelaxBoundedRepeats(p, 8);
    ASSERT_TRUE(r.has_value()) << p;
    ASSERT_EQ(r->sites.size(), 1u) << p;
    EXPECT_TRUE(r->sites[0].repeated) << p;
  }
}

// MatchRule must give exactly what the exact regex gives, bounds overrun or not, relaxed or
// anchored or both: random texts of placeholders, words, parentheses and long runs, many start
// positions.
TEST(MatchRuleTest, SameMatchesAsTheExactRegex) {
  const std::string company =
                        "\x01"
                        "1:Company\x02",
                    program =
                        "\x01"
                        "2:Program\x02",
                    country =
                        "\x01"
                        "3:Country\x02";
  // Each pattern with the pieces its texts are made of: bounds of 4 to 10 characters, pieces
  // on both sides of them.
  const std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
      {R"((?P<S>\x01\d+:(?:Company)\x02)(?:\((?:\x01\d+:[A-Za-z~]+\x02|[^()\n]{1,6})\))?(?:가|는) (?P<role>[^\x01\n,]{2,9}?)로 [^\x01\n]{0,8}?(?P<O>\x01\d+:(?:Program)\x02))",
       {company + "가 ", company + "(약어)는 ", company + "(아주 긴 정의의 문장)가 ", "파트너로 ",
        "기술 협력의 핵심 파트너로 ", "로 ", "참여 ", "향후 3년간 ", program, "x"}},
      {R"((?P<S>\x01\d+:(?:Company)\x02(?:\([^()\n]{1,5}\))?(?:(?:, ?|와 )\x01\d+:(?:Company)\x02(?:\([^()\n]{1,5}\))?)*) [^\x01\n]{0,10}(?P<O>\x01\d+:(?:Program)\x02))",
       {company, company + "(약어)", company + "(긴 정의 문장이다)", ", ", "와 ", " ", " 등 ",
        " 프로그램에 참여하는 기업 ", " ", program}},
      {R"((?:^|\s)(?P<O>\x01\d+:(?:Country)\x02) (?:(?:[^\x01\n ,]{1,4}|\x01\d+:[A-Za-z~]+\x02) ){0,2}(?P<S>\x01\d+:(?:Company)\x02))",
       {" " + country + " ", country + " ", "기업 ", "스타트업 ", "반도체기업들 ", company,
        program + " ", ", "}},
      // One character before the placeholder, or none: anchored there too (a lead).
      {R"(['‘]?(?P<O>\x01\d+:(?:Program)\x02)'?(?:을|를) [^\x01\n]{0,6}?(?:출범|설립))",
       {"'" + program + "'을 ", "‘" + program + "를 ", program + "을 ", "'", "‘", "새로 ", "출범",
        "설립", " ", "x"}},
      // Short bounds only: not relaxed, but anchored at each placeholder.
      {R"((?P<S>\x01\d+:(?:Company)\x02)(?:가|는) [^\x01\n]{0,3}(?P<O>\x01\d+:(?:Program)\x02))",
       {company + "가 ", company + "는 ", "참여 ", "기업 연합에 ", program, " "}},
      // At the text's start only: anchored at its first byte alone.
      {R"(^(?P<S>\x01\d+:(?:Company)\x02)(?:\t[^\t\n]*)*?\t(?P<O>\x01\d+:(?:Program)\x02))",
       {company, "\t", "기술 ", program, " "}},
      // A gap across mentions: the DFA asked first.
      {R"((?P<S>\x01\d+:(?:Company)\x02)(?:가|는) [^\n]*?(?P<O>\x01\d+:(?:Program)\x02)를 (?:개발|출시))",
       {company + "가 ", company + "는 ", program, "를 개발", "를 ", "출시", " ", "x"}},
      // A lazy group repeated at most twice, a class after its bounded run: written out copy
      // by copy, every run of the bound with its own group.
      {R"((?:^|\s)(?P<O>\x01\d+:(?:Country)\x02) (?:(?:[^\x01\n ,]{0,4}[^\x01\n ,가]|\x01\d+:[A-Za-z~]+\x02) ){0,2}?(?P<S>\x01\d+:(?:Company)\x02))",
       {" " + country + " ", country + " ", "기업 ", "스타트업가 ", "반도체기업들 ", company,
        program + " ", ", ", "가 "}},
      // Long bounded repetitions of groups, a placeholder among the alternatives: unbounded in
      // the relaxed regex, their count bounded by the characters of their group.
      {R"((?P<S>\x01\d+:(?:Company)\x02)(?:가|는) (?P<O>(?:[^\x01\n]|\x01\d+:[A-Za-z~]+\x02(?:[^이가\x01\n]|[이가][^ \n])){0,6})수출 ?(?:제한|금지))",
       {company + "가 ", company + "는 ", "수출 제한", "수출", " 금지", program, program + "이 ",
        "ab", "긴 문장이다 ", "x"}},
      {R"((?P<O>\x01\d+:(?:Company)\x02)에 (?:[^에\n]|에[^ \n]|(?:달러|원)에 ){0,5}?(?:공급|납품))",
       {company + "에 ", "공급", "납품", "100달러에 ", "에너지 ", "가", " ", "x"}},
      // At least one repeat of two characters or more: a count of 4 is 8 characters.
      {R"((?P<S>\x01\d+:(?:Company)\x02)(?:ab|c[^\x01\n]){1,4}(?P<O>\x01\d+:(?:Program)\x02))",
       {company, program, "ab", "cd", "c", "a", "abab"}},
  };
  std::mt19937 rng(11);
  int relaxed_rules = 0, anchored_rules = 0, at_text_start = 0, dfa_first = 0, leads = 0;
  for (const auto& [pattern, pieces] : cases) {
    Rule rule;
    rule.pattern = pattern;
    rule.re = std::make_unique<RE2>(pattern);
    ASSERT_TRUE(rule.re->ok()) << rule.re->error();
    RelaxRule(&rule, 4);
    relaxed_rules += rule.relaxed != nullptr;
    anchored_rules += rule.first_byte == 1;
    at_text_start += rule.at_text_start;
    dfa_first += rule.dfa_first;
    leads += rule.lead_size > 0;
    const int n = rule.re->NumberOfCapturingGroups() + 1;
    int matched = 0;
    for (int round = 0; round < 3000; ++round) {
      std::string text;
      const int count = 2 + static_cast<int>(rng() % 10);
      for (int i = 0; i < count; ++i) text += pieces[rng() % pieces.size()];
      re2::StringPiece input(text);
      for (size_t start = 0; start <= text.size(); start += 1 + rng() % 8) {
        std::vector<re2::StringPiece> want(n), got(n);
        const bool w = rule.re->Match(input, start, text.size(), RE2::UNANCHORED, want.data(), n);
        const bool g = MatchRule(rule, input, start, got.data(), n);
        ASSERT_EQ(w, g) << pattern << " on " << text << " from " << start;
        if (!w) continue;
        ++matched;
        EXPECT_EQ(want[0], got[0]) << text;
        for (const auto& [name, index] : rule.re->NamedCapturingGroups()) {
          EXPECT_EQ(want[index].data(), got[index].data()) << name << " in " << text;
          EXPECT_EQ(want[index].size(), got[index].size()) << name << " in " << text;
        }
      }
    }
    // A match at the text's start needs start 0 and a company first: far fewer.
    EXPECT_GT(matched, rule.at_text_start ? 20 : 500) << pattern;
  }
  EXPECT_EQ(relaxed_rules, 8);
  EXPECT_EQ(anchored_rules, 11);  // with the three whose match may start a character before
  EXPECT_EQ(leads, 3);
  EXPECT_EQ(at_text_start, 1);
  EXPECT_EQ(dfa_first, 2);  // "[^\t\n]*" and "[^\n]*?": neither stops at a placeholder
}

// The default rules with their relaxed and anchored regexes give exactly the extraction of the
// exact ones run unanchored, over the seed and the dev set.
TEST(MatchRuleTest, SameExtractionAsTheExactRegexes) {
  auto relaxed = Bundle::Load(KG_INGEST_TEST_DATA);
  auto exact = Bundle::Load(KG_INGEST_TEST_DATA);
  ASSERT_TRUE(relaxed.ok() && exact.ok());
  int with_relaxed = 0, anchored = 0;
  int with_tags = 0;
  for (Rule& rule : const_cast<Bundle::Impl&>((*exact)->impl()).rules) {
    with_relaxed += rule.relaxed != nullptr;
    anchored += rule.first_byte >= 0;
    with_tags += rule.first_tags != Rule::kAnyTag;
    rule.relaxed.reset();
    rule.first_byte = -1;
    rule.first_tags = Rule::kAnyTag;
    rule.at_text_start = false;
    rule.dfa_first = false;
    rule.lead_size = 0;
  }
  EXPECT_GT(with_relaxed, 50);
  EXPECT_GT(anchored, 50);
  EXPECT_GT(with_tags, 60);
  Extractor a(*relaxed), b(*exact);
  for (const std::string f : kSeedAndDev) {
    auto docs = ReadTextFile(kShared + f);
    ASSERT_TRUE(docs.ok()) << docs.status();
    for (const Document& d : *docs) {
      auto x = a.Extract(d);
      auto y = b.Extract(d);
      ASSERT_TRUE(x.ok() && y.ok());
      EXPECT_EQ(Explain(*x), Explain(*y)) << d.id;
    }
  }
}

// The entity rules run only where the text holds their atoms: the same extraction as running
// every entity rule, over the seed and the dev set, and some documents skip some rule.
TEST(EntityRulePrefilterTest, SameExtractionAsRunningEveryEntityRule) {
  auto filtered = Bundle::Load(KG_INGEST_TEST_DATA);
  auto every = Bundle::Load(KG_INGEST_TEST_DATA);
  ASSERT_TRUE(filtered.ok() && every.ok());
  const Bundle::Impl& impl = (*filtered)->impl();
  ASSERT_NE(impl.entity_rule_atoms, nullptr);
  ASSERT_GE(impl.entity_rules.size(), 2u);
  const_cast<Bundle::Impl&>((*every)->impl()).entity_rule_atoms.reset();
  Extractor a(*filtered), b(*every);
  int skipped = 0;
  for (const std::string f : kSeedAndDev) {
    auto docs = ReadTextFile(kShared + f);
    ASSERT_TRUE(docs.ok()) << docs.status();
    for (const Document& d : *docs) {
      std::vector<int> atoms, rules;
      std::vector<uint32_t> last_start, latest;
      RulePrefilter::Scratch scratch;
      impl.entity_rule_atoms->Match(d.text, &atoms, &last_start);
      impl.entity_rule_prefilter.Candidates(atoms, last_start, &scratch, &rules, &latest);
      skipped += static_cast<int>(impl.entity_rules.size() - rules.size());
      auto x = a.Extract(d);
      auto y = b.Extract(d);
      ASSERT_TRUE(x.ok() && y.ok());
      EXPECT_EQ(Explain(*x), Explain(*y)) << d.id;
    }
  }
  EXPECT_GT(skipped, 10);
}

// A rule whose pattern starts with a mention macro knows the labels its matches start with.
TEST(MatchRuleTest, FirstTagsAreTheLabelsOfTheLeadingMention) {
  auto bundle = Bundle::Load(KG_INGEST_TEST_DATA);
  ASSERT_TRUE(bundle.ok()) << bundle.status();
  const Bundle::Impl& impl = (*bundle)->impl();
  auto bit = [&](const std::string& label, bool generic) {
    auto it = std::find(impl.vertex_labels.begin(), impl.vertex_labels.end(), label);
    return PlaceholderTagBit(static_cast<int>(it - impl.vertex_labels.begin()), generic);
  };
  int with_tags = 0;
  for (const Rule& rule : impl.rules) {
    if (rule.first_tags != Rule::kAnyTag) ++with_tags;
    if (rule.id == "participates.role-as") {  // {S*:Company|Organization|Country}...
      EXPECT_EQ(rule.first_tags,
                bit("Company", false) | bit("Organization", false) | bit("Country", false));
    }
    if (rule.id == "based.country-name") {  // (?:^|[\s•])(?:{O:Country})...: past its lead
      EXPECT_GT(rule.lead_size, 0u);
      EXPECT_TRUE(rule.lead_caret);
      EXPECT_FALSE(rule.lead_optional);
      EXPECT_EQ(rule.first_tags, bit("Country", false));
    }
    if (rule.first_byte != 1) {
      EXPECT_EQ(rule.first_tags, Rule::kAnyTag) << rule.id;
    }
  }
  EXPECT_GT(with_tags, 60);
  EXPECT_EQ(PlaceholderTagBit(-1, false), Rule::kAnyTag);
  EXPECT_EQ(PlaceholderTagBit(32, true), Rule::kAnyTag);
  EXPECT_EQ(PlaceholderTagBit(1, true), uint64_t{1} << 3);
}

// Skipping the placeholders whose label cannot start a rule's match changes no match: every
// default rule, on the seed brief's lines with some words replaced by placeholders of random
// labels (generic or not) and their last syllable kept (often a particle), with and without the
// placeholders' tags.
TEST(MatchRuleTest, PlaceholderTagsSkipOnlyWhatCannotMatch) {
  auto bundle = Bundle::Load(KG_INGEST_TEST_DATA);
  ASSERT_TRUE(bundle.ok()) << bundle.status();
  const Bundle::Impl& impl = (*bundle)->impl();
  const std::vector<std::string> lines = SeedLines();
  ASSERT_FALSE(lines.empty());
  std::mt19937 rng(13);
  int matched = 0, skippable = 0;
  for (int round = 0; round < 1500; ++round) {
    std::string text;
    PlaceholderStarts starts;
    for (std::string_view word : Split(lines[rng() % lines.size()], ' ')) {
      if (!text.empty()) text += ' ';
      if (word.size() < 6 || rng() % 3 != 0) {
        text += word;
        continue;
      }
      const int label = static_cast<int>(rng() % impl.vertex_labels.size());
      const bool generic = rng() % 5 == 0;
      starts.pos.push_back(text.size());
      starts.tag_bit.push_back(PlaceholderTagBit(label, generic));
      absl::StrAppend(&text, "\x01", starts.pos.size(), ":", impl.vertex_labels[label],
                      generic ? "~" : "", "\x02", AV(word.substr(word.size() - 3)));
    }
    for (const Rule& rule : impl.rules) {
      if (rule.first_tags == Rule::kAnyTag) continue;
      for (uint64_t tag : starts.tag_bit) skippable += (tag & rule.first_tags) == 0;
      for (size_t start = 0; start <= text.size(); start += 1 + rng() % 64) {
        matched += SameMatchWithBothHints(rule, text, start, nullptr, &starts);
      }
    }
  }
  EXPECT_GT(matched, 100);
  EXPECT_GT(skippable, 10000);
}

// The follow set of a pattern's leading placeholder: the first characters of what comes after its
// "\x02", through optional parts, groups and alternatives; any when the rest may be empty or
// starts with a class.
TEST(LeadingFollowSetTest, FirstCharactersAfterTheLeadingPlaceholder) {
  const FollowSet def = LeadingFollowSet(
      R"((?P<S>\x01\d+:(?:Company)\x02)(?:\([^()\n]{1,60}\))?\*?社?(?:가|이) (?P<O>.+))");
  ASSERT_FALSE(def.any);
  EXPECT_EQ(def.others, (std::vector<uint32_t>{U'社', U'가', U'이'}));
  for (uint32_t c = 0; c < 128; ++c) EXPECT_EQ(def.Allows(c), c == '(' || c == '*') << c;
  EXPECT_FALSE(def.Allows(U'의'));
  EXPECT_FALSE(def.Allows(FollowSet::kEndOfText));
  // A list: a separator or another placeholder may come first too.
  const FollowSet list = LeadingFollowSet(
      R"((?P<S>\x01\d+:(?:Country)\x02(?:(?:, ?| 및 |와 )\x01\d+:(?:Country)\x02)*) \d+개국)");
  ASSERT_FALSE(list.any);
  EXPECT_EQ(list.others, (std::vector<uint32_t>{U'와'}));
  for (uint32_t c = 0; c < 128; ++c) EXPECT_EQ(list.Allows(c), c == ',' || c == ' ') << c;
  EXPECT_TRUE(LeadingFollowSet(R"((?:\x01\d+:(?:Person)\x02) (?:\d|\x01))").Allows(' '));
  EXPECT_FALSE(LeadingFollowSet(R"((?:\x01\d+:(?:Person)\x02)(?:\d|\x01))").Allows(' '));
  EXPECT_TRUE(LeadingFollowSet(R"((?:\x01\d+:(?:Person)\x02)(?:\d|\x01))").Allows('7'));
  EXPECT_TRUE(LeadingFollowSet(R"((?:\x01\d+:(?:Person)\x02)(?:\d|\x01))").Allows(1));
  // Unknown: the rest may be empty, starts with a class or "." or cannot be read.
  EXPECT_TRUE(LeadingFollowSet(R"((?P<S>\x01\d+:(?:Company)\x02)(?:가|이)?)").any);
  EXPECT_TRUE(LeadingFollowSet(R"((?P<S>\x01\d+:(?:Company)\x02)[^\n]*?참여)").any);
  EXPECT_TRUE(LeadingFollowSet(R"((?P<S>\x01\d+:(?:Company)\x02).참여)").any);
  EXPECT_TRUE(LeadingFollowSet(R"((?P<S>\x01\d+:(?:Company)\x02)(?i)가)").any);
  EXPECT_TRUE(LeadingFollowSet(R"((?P<S>\x01\d+:(?:Company)\x02))?가)").any);  // ")" quantified
  EXPECT_TRUE(LeadingFollowSet("no placeholder").any);
}

// The default rules' follow sets skip only placeholders where no match starts: every rule on the
// seed brief's lines with some words replaced by placeholders, tried with and without the code
// point after each placeholder.
TEST(MatchRuleTest, FollowSetsSkipOnlyWhatCannotMatch) {
  auto bundle = Bundle::Load(KG_INGEST_TEST_DATA);
  ASSERT_TRUE(bundle.ok()) << bundle.status();
  const Bundle::Impl& impl = (*bundle)->impl();
  int with_follow = 0;
  for (const Rule& rule : impl.rules) with_follow += !rule.follow.any;
  EXPECT_GT(with_follow, 60);
  const std::vector<std::string> lines = SeedLines();
  ASSERT_FALSE(lines.empty());
  std::mt19937 rng(17);
  int matched = 0, skippable = 0;
  for (int round = 0; round < 1500; ++round) {
    std::string text;
    PlaceholderStarts tags_only;
    std::vector<size_t> ends;
    for (std::string_view word : Split(lines[rng() % lines.size()], ' ')) {
      if (!text.empty()) text += ' ';
      if (word.size() < 6 || rng() % 3 != 0) {
        text += word;
        continue;
      }
      const int label = static_cast<int>(rng() % impl.vertex_labels.size());
      const bool generic = rng() % 6 == 0;
      tags_only.pos.push_back(text.size());
      tags_only.tag_bit.push_back(PlaceholderTagBit(label, generic));
      absl::StrAppend(&text, "\x01", tags_only.pos.size(), ":", impl.vertex_labels[label],
                      generic ? "~" : "", "\x02");
      ends.push_back(text.size());
      // The word's last syllable (often a particle), or nothing, or a definition.
      const int tail = static_cast<int>(rng() % 4);
      if (tail == 1) text += word.substr(word.size() - 3);
      if (tail == 2) text += "(정의)";
    }
    PlaceholderStarts with_next = tags_only;
    for (size_t end : ends) {
      int len = 0;
      with_next.next.push_back(end < text.size() ? CodePointAt(text, end, &len)
                                                 : FollowSet::kEndOfText);
    }
    for (const Rule& rule : impl.rules) {
      for (uint32_t c : with_next.next) skippable += !rule.follow.Allows(c);
      for (size_t start = 0; start <= text.size(); start += 1 + rng() % 64) {
        matched += SameMatchWithBothHints(rule, text, start, &tags_only, &with_next);
      }
    }
  }
  EXPECT_GT(matched, 100);
  EXPECT_GT(skippable, 10000);
}

// The last start the prefilter gives each rule from its atoms' positions skips only attempts
// where no match starts: every default rule the prefilter names, on the seed brief's lines with
// some words replaced by placeholders, with and without that bound, from many start positions.
TEST(MatchRuleTest, AtomPositionsSkipOnlyWhatCannotMatch) {
  auto bundle = Bundle::Load(KG_INGEST_TEST_DATA);
  ASSERT_TRUE(bundle.ok()) << bundle.status();
  const Bundle::Impl& impl = (*bundle)->impl();
  ASSERT_NE(impl.rule_atoms, nullptr);
  const std::vector<std::string> lines = SeedLines();
  ASSERT_FALSE(lines.empty());
  std::mt19937 rng(19);
  int matched = 0, bounded = 0;
  std::vector<int> atoms, rules;
  std::vector<uint32_t> last_start, latest;
  RulePrefilter::Scratch scratch;
  for (int round = 0; round < 1500; ++round) {
    std::string text;
    int placeholders = 0;
    for (std::string_view word : Split(lines[rng() % lines.size()], ' ')) {
      if (!text.empty()) text += ' ';
      if (word.size() < 6 || rng() % 3 != 0) {
        text += word;
        continue;
      }
      const int label = static_cast<int>(rng() % impl.vertex_labels.size());
      absl::StrAppend(&text, "\x01", ++placeholders, ":", impl.vertex_labels[label], "\x02",
                      AV(word.substr(word.size() - 3)));
    }
    impl.rule_atoms->Match(text, &atoms, &last_start);
    impl.rule_prefilter.Candidates(atoms, last_start, &scratch, &rules, &latest);
    const re2::StringPiece input(text);
    for (size_t i = 0; i < rules.size(); ++i) {
      const Rule& rule = impl.rules[rules[i]];
      const size_t bound = latest[i] == UINT32_MAX ? std::string::npos : latest[i];
      bounded += bound < text.size();
      const int n = rule.re->NumberOfCapturingGroups() + 1;
      for (size_t start = 0; start <= text.size(); start += 1 + rng() % 64) {
        std::vector<re2::StringPiece> want(n), got(n);
        const bool w = MatchRule(rule, input, start, want.data(), n);
        const bool g = MatchRule(rule, input, start, got.data(), n, nullptr, bound);
        ASSERT_EQ(w, g) << rule.id << " on " << text << " from " << start;
        if (!w) continue;
        ++matched;
        for (int k = 0; k < n; ++k) {
          EXPECT_EQ(want[k].data(), got[k].data()) << rule.id << " group " << k << " in " << text;
          EXPECT_EQ(want[k].size(), got[k].size()) << rule.id << " group " << k << " in " << text;
        }
      }
    }
  }
  EXPECT_GT(matched, 100);
  EXPECT_GT(bounded, 1000);
}

// ---- Latin-script runs ---------------------------------------------------------------------------

// FindLatinRun finds, run after run, what the regex it stands for finds with FindAndConsume.
TEST(FindLatinRunTest, SameRunsAsTheRegex) {
  static const RE2 kLatin(
      R"(([A-Za-z][A-Za-z0-9]*(?:[-.&/][A-Za-z0-9]+)*(?: [A-Z0-9][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)*)*))");
  const std::vector<std::string> pieces = {"a", "B",  "z",  "Q",  "7",  "-", ".", "&",   "/",
                                           " ", "  ", "가", "社", "\t", "(", "_", "D2D", " 2.0"};
  std::mt19937 rng(17);
  int runs = 0;
  for (int round = 0; round < 5000; ++round) {
    std::string text;
    for (int i = static_cast<int>(rng() % 16); i > 0; --i) text += pieces[rng() % pieces.size()];
    std::vector<std::pair<size_t, size_t>> want, got;
    re2::StringPiece in(text), run;
    while (RE2::FindAndConsume(&in, kLatin, &run)) {
      const size_t b = static_cast<size_t>(run.data() - text.data());
      want.emplace_back(b, b + run.size());
    }
    for (auto r = FindLatinRun(text, 0); r.first != std::string_view::npos;
         r = FindLatinRun(text, r.second)) {
      got.push_back(r);
    }
    EXPECT_EQ(got, want) << text;
    runs += static_cast<int>(got.size());
  }
  EXPECT_GT(runs, 5000);
  EXPECT_EQ(
      FindLatinRun("미국 S&P Global Ratings-2 등", 0),
      std::make_pair(std::string("미국 ").size(), std::string("미국 S&P Global Ratings-2").size()));
  EXPECT_EQ(FindLatinRun("가나다", 0).first, std::string_view::npos);
}

// ---- sentence breaking shortcut -----------------------------------------------------------------

// Where MayBreakSentence says no, ICU's sentence iterator finds no boundary inside the text.
TEST(MayBreakSentenceTest, AgreesWithIcu) {
  UErrorCode err = U_ZERO_ERROR;
  std::unique_ptr<icu::BreakIterator> it(
      icu::BreakIterator::createSentenceInstance(icu::Locale("ko"), err));
  ASSERT_TRUE(U_SUCCESS(err));
  const std::vector<std::string> pieces = {
      "미국은 ", "반도체", " ",     "AI",  "(SMR)",
      "3.5%",    ". ",     "!",     "? ",  "。",
      "…",       "‼",      "’",     "”",   "'25.3",
      "•",       "\t",     "U.S. ", "Inc", "\xE2\x80\xA9" /* U+2029 */,
      "다",      ".",      "e",     "D",   "7",
      ")",       ",",      "\r",    "-",   "\xE2\x80\x8D" /* ZWJ, Extend */,
      "\xC2\xAD" /* soft hyphen, Format */};
  std::mt19937 rng(5);
  int unbroken = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    const int count = 1 + static_cast<int>(rng() % 8);
    for (int i = 0; i < count; ++i) text += pieces[rng() % pieces.size()];
    icu::UnicodeString u = icu::UnicodeString::fromUTF8(text);
    it->setText(u);
    int boundaries = 0;
    for (int32_t b = it->first(); b != icu::BreakIterator::DONE; b = it->next()) ++boundaries;
    if (!MayBreakSentence(text)) {
      EXPECT_EQ(boundaries, 2) << text;  // its start and its end
      ++unbroken;
    }
  }
  EXPECT_GT(unbroken, 100);
  EXPECT_TRUE(MayBreakSentence("했다. 그리고"));
  EXPECT_TRUE(MayBreakSentence("했다.그리고"));
  EXPECT_TRUE(MayBreakSentence("U.S. Army"));
  EXPECT_TRUE(MayBreakSentence("줄\r바꿈"));
  EXPECT_FALSE(MayBreakSentence("- 미국 스타트업 Voltaris Labs는 신규 공장을 건설"));
  // A terminator at the end, or held to its neighbour (SB6, SB7, SB8, SB8a): one sentence.
  EXPECT_FALSE(MayBreakSentence("매출이 3.5% 늘었다.” "));
  EXPECT_FALSE(MayBreakSentence("U.S 기업, e.g 사례?!, 그렇다..."));
}

// Over every line of the seed, the dev set and the team's articles (and each tab-separated cell),
// where MayBreakSentence says no, ICU finds no boundary inside; and it says no to many lines
// that hold a terminator.
TEST(MayBreakSentenceTest, AgreesWithIcuOnArticles) {
  UErrorCode err = U_ZERO_ERROR;
  std::unique_ptr<icu::BreakIterator> it(
      icu::BreakIterator::createSentenceInstance(icu::Locale("ko"), err));
  ASSERT_TRUE(U_SUCCESS(err));
  std::vector<std::string> files;
  for (const char* f : kSeedAndDev) files.push_back(kShared + f);
  for (const auto& entry : std::filesystem::directory_iterator(KG_TEAM_ARTICLES)) {
    if (entry.path().extension() == ".txt") files.push_back(entry.path().string());
  }
  int with_terminator_unbroken = 0, checked = 0;
  for (const std::string& file : files) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream raw;
    raw << in.rdbuf();
    const std::string text = raw.str();
    std::vector<std::string_view> segments;
    for (std::string_view line : Split(text, '\n')) {
      segments.push_back(line);
      for (std::string_view cell : Split(line, '\t')) segments.push_back(cell);
    }
    for (std::string_view seg : segments) {
      if (MayBreakSentence(seg)) continue;
      ++checked;
      icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(seg.data(), seg.size()));
      it->setText(u);
      int boundaries = 0;
      for (int32_t b = it->first(); b != icu::BreakIterator::DONE; b = it->next()) ++boundaries;
      EXPECT_EQ(boundaries, seg.empty() ? 1 : 2) << file << ": " << seg;
      if (seg.find_first_of(".?!") != std::string_view::npos) ++with_terminator_unbroken;
    }
  }
  EXPECT_GT(checked, 1000);
  EXPECT_GT(with_terminator_unbroken, 300);
}

// CodePointAt's inline decoding gives what U8_NEXT gives: every ASCII byte, every three-byte
// sequence, and random bytes (malformed sequences, truncated ones at the end).
TEST(CodePointAtTest, SameAsIcu) {
  auto same = [](const std::string& s, size_t i) {
    int want_len = 0, got_len = 0;
    const uint32_t want = CodePointAtByIcu(s, i, &want_len);
    const uint32_t got = CodePointAt(s, i, &got_len);
    EXPECT_EQ(got, want) << i << " in " << absl::CEscape(s);
    EXPECT_EQ(got_len, want_len) << i << " in " << absl::CEscape(s);
  };
  for (int b = 0; b < 0x80; ++b) same(std::string(1, static_cast<char>(b)) + "x", 0);
  for (int lead = 0xE0; lead <= 0xEF; ++lead) {
    for (int b1 = 0x70; b1 <= 0xC0; ++b1) {
      for (int b2 : {0x30, 0x7F, 0x80, 0x9F, 0xA5, 0xBF, 0xC0}) {
        const std::string s = {static_cast<char>(lead), static_cast<char>(b1),
                               static_cast<char>(b2)};
        same(s, 0);
        same(s.substr(0, 2), 0);  // cut short
      }
    }
  }
  std::mt19937 rng(23);
  for (int round = 0; round < 20000; ++round) {
    std::string s;
    for (int n = 1 + static_cast<int>(rng() % 6); n > 0; --n) {
      s += static_cast<char>(rng() % 3 == 0 ? 0xE0 + rng() % 16 : 0x80 + rng() % 128);
    }
    for (size_t i = 0; i < s.size(); ++i) same(s, i);
  }
  int len = 0;
  EXPECT_EQ(CodePointAt("\xEA\xB0\x80", 0, &len), U'가');
  EXPECT_EQ(len, 3);
}

// ASCII characters are looked up in a table: exactly the sentence terminators, CR and LF.
TEST(MayBreakSentenceTest, AsciiTerminatorsAndLineEnds) {
  for (int c = 0; c < 128; ++c) {
    const bool end = c == '.' || c == '!' || c == '?' || c == '\n' || c == '\r';
    EXPECT_EQ(MayBreakSentence(std::string("미국 ") + static_cast<char>(c) + " 반도체"), end) << c;
  }
  EXPECT_TRUE(MayBreakSentence("미국\xE2\x80\xA8"));  // U+2028, a separator
  EXPECT_TRUE(MayBreakSentence("했다\xE3\x80\x82 그리고"));  // U+3002 "。"
  EXPECT_FALSE(MayBreakSentence("했다\xE3\x80\x82"));        // at the end: no break inside
}

TEST(FindEachTest, FindsWhatAFindLoopPerNeedleFinds) {
  // Needles (4 bytes or more) that share their first 4 bytes, overlap themselves ("abab") and
  // each other.
  const std::string placeholder = std::string("\x01") + "1:Co";
  const std::vector<std::string_view> needles = {"abab", "abcd", "abcde", "미국 정부",
                                                 "미국", "bcda", placeholder};
  const std::vector<std::string> pieces = {"a",    "b", "c",    "d",    "e",   "ab",
                                           "미국", " ", "정부", "\x01", "1:Co"};
  std::mt19937 rng(11);
  for (int round = 0; round < 2000; ++round) {
    std::string text;
    const int count = static_cast<int>(rng() % 20);
    for (int i = 0; i < count; ++i) text += pieces[rng() % pieces.size()];
    std::vector<std::pair<int, uint32_t>> want;
    for (size_t n = 0; n < needles.size(); ++n) {
      for (size_t at = text.find(needles[n]); at != std::string::npos;
           at = text.find(needles[n], at + 1)) {
        want.emplace_back(static_cast<int>(n), static_cast<uint32_t>(at));
      }
    }
    EXPECT_EQ(FindEach(text, needles), want) << text;
  }
  EXPECT_TRUE(FindEach("", needles).empty());
  EXPECT_TRUE(FindEach("ababab", {}).empty());
}

TEST(DisplayWidthTest, WideCharactersTakeTwoColumns) {
  EXPECT_EQ(DisplayWidth(""), 0);
  EXPECT_EQ(DisplayWidth("SMR 1.0"), 7);
  EXPECT_EQ(DisplayWidth("미국 SMR"), 8);  // two Hangul syllables, a space, three letters
  EXPECT_EQ(DisplayWidth("中国"), 4);
  EXPECT_EQ(DisplayWidth("철강·알루미늄"), 13);  // U+00B7 is not wide
  EXPECT_EQ(DisplayWidth("ＡＢ"), 4);            // full-width forms
}

TEST(DisplayWidthTest, PadsAndCutsByColumns) {
  EXPECT_EQ(PadToWidth("abc", 5), "abc  ");
  EXPECT_EQ(PadToWidth("미국", 5), "미국 ");
  EXPECT_EQ(PadToWidth("미국 정부", 5), "미국 ");  // cut before a character that would not fit
  EXPECT_EQ(PadToWidth("미국 정부", 6), "미국  ");  // "정" needs two columns, one is left
  EXPECT_EQ(PadToWidth("미국 정부", 7), "미국 정");
  EXPECT_EQ(PadToWidth("abcdef", 3), "abc");
  EXPECT_EQ(PadToWidth("", 2), "  ");
}

TEST(ModelNameShapeTest, BrandThenNumberOrACodeAloneNothingElse) {
  const absl::flat_hash_set<std::string> refs = {"Article", "Phase", "March"};
  for (const char* brand_model :
       {"Galaxy S25", "Exynos 2400", "Long March 6A", "Snapdragon 8 Elite", "Falcon 9"}) {
    EXPECT_EQ(ModelNameShape(brand_model, refs), ModelShape::kBrandModel) << brand_model;
  }
  for (const char* code : {"YFQ-44A", "MI308", "NXT:1980i", "H20", "Zentra 2.0"}) {
    EXPECT_EQ(ModelNameShape(code, refs), ModelShape::kCode) << code;
  }
  for (const char* none :
       {"Article 5", "Phase 3", "March 2025", "Vision 2030", "Market Outlook 2025-2029", "COP 28",
        "USD 100", "Galaxy", "KP-FHR", "XQ-", "Galaxy s25 Ultra", "5G", "Long march 6A"}) {
    EXPECT_EQ(ModelNameShape(none, refs), ModelShape::kNone) << none;
  }
}

// Where the model after a dictionary brand ends: Latin words with a digit among them, or a
// version written onto the brand's own number; not a year, a measure or a count.
TEST(BrandModelEndTest, LatinWordsWithADigitAfterTheBrand) {
  auto model = [](std::string_view text, std::string_view brand) {
    const size_t end = BrandModelEnd(text, brand.size());
    return std::string(text.substr(0, end));
  };
  EXPECT_EQ(model("갤럭시 S25 전 모델에", "갤럭시"), "갤럭시 S25");
  EXPECT_EQ(model("엑시노스 2400이 들어갔다", "엑시노스"), "엑시노스 2400");
  EXPECT_EQ(model("아이폰 16 Pro에 넣고", "아이폰"), "아이폰 16 Pro");
  EXPECT_EQ(model("라이젠 AI 300을 출시", "라이젠"), "라이젠 AI 300");
  EXPECT_EQ(model("코어 울트라 200V(루나레이크)를", "코어 울트라"), "코어 울트라 200V");
  EXPECT_EQ(model("라마 3.2(Llama 3.2)", "라마 3"), "라마 3.2");
  EXPECT_EQ(model("창정 6A 발사", "창정"), "창정 6A");
  EXPECT_EQ(model("Zentra S9.", "Zentra"), "Zentra S9");
  for (auto [text, brand] : std::vector<std::pair<std::string_view, std::string_view>>{
           {"갤럭시 2025년 판매", "갤럭시"},      // a year
           {"HALEU 20kg을 확보", "HALEU"},        // a measure
           {"H800 2,048개로 학습", "H800"},       // a model number takes no further number
           {"Zentra 2,048대", "Zentra"},          // a count
           {"갤럭시 AI 기능", "갤럭시"},          // no digit
           {"갤럭시 판매량", "갤럭시"},           // no Latin word
           {"Zentra S25Ultra", "Zentra S25"}}) {  // inside a word
    EXPECT_EQ(BrandModelEnd(text, brand.size()), brand.size()) << text;
  }
}

// "스냅드래곤 8 엘리트(Snapdragon 8 Elite)": the brackets spell the brand and as many
// capitalised words or numbers as the Korean has after it.
TEST(SpelledModelEndTest, TheBracketsSpellTheBrandAndTheRest) {
  const std::string_view elite = "스냅드래곤 8 엘리트(Snapdragon 8 Elite)는";
  EXPECT_EQ(SpelledModelEnd(elite, std::string_view("스냅드래곤").size(), "Snapdragon"),
            elite.find('('));
  const std::string_view nano = "제미나이 나노(Gemini Nano)를";
  EXPECT_EQ(SpelledModelEnd(nano, std::string_view("제미나이").size(), "Gemini"), nano.find('('));
  for (auto [text, brand, latin] :
       std::vector<std::tuple<std::string_view, std::string_view, std::string_view>>{
           {"스냅드래곤 칩(Snapdragon 8 Elite)", "스냅드래곤", "Snapdragon"},  // 1 word, 2 spelled
           {"제미나이 모델(Gemini models)", "제미나이", "Gemini"},             // lower case
           {"제미나이 나노(Galaxy Nano)", "제미나이", "Gemini"},               // another brand
           {"제미나이 나노(제미나이 Nano)", "제미나이", "Gemini"},             // not Latin
           {"제미나이 나노는 (Gemini Nano)", "제미나이", "Gemini"}}) {         // not right after
    EXPECT_EQ(SpelledModelEnd(text, brand.size(), latin), brand.size()) << text;
  }
}

}  // namespace
}  // namespace kg::ingest
