// RulePrefilter (ingest/rule_prefilter.h) against re2::FilteredRE2, whose conditions it reads.
#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "ingest/internal.h"
#include "ingest/rule_prefilter.h"
#include "re2/filtered_re2.h"
#include "re2/re2.h"

namespace kg::ingest {
namespace {

constexpr int kMinAtomLen = 2;

// The atoms of a FilteredRE2 over `patterns`, as the bundle builds its atom scan from them.
std::vector<std::string> AtomsOf(const std::vector<std::string>& patterns) {
  re2::FilteredRE2 filter(kMinAtomLen);
  for (const std::string& p : patterns) {
    int id = -1;
    EXPECT_EQ(filter.Add(p, RE2::Options(), &id), RE2::NoError) << p;
  }
  std::vector<std::string> atoms;
  filter.Compile(&atoms);
  return atoms;
}

// Atom names as indexes into `atoms`.
std::vector<int> Indexes(const std::vector<std::string>& atoms,
                         const std::vector<std::string>& names) {
  std::vector<int> out;
  for (const std::string& n : names) {
    auto it = std::find(atoms.begin(), atoms.end(), n);
    EXPECT_NE(it, atoms.end()) << n;
    out.push_back(static_cast<int>(it - atoms.begin()));
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Atom indexes into `from` as indexes into `to` (those not there dropped).
std::vector<int> Reindex(const std::vector<int>& present, const std::vector<std::string>& from,
                         const std::vector<std::string>& to) {
  std::vector<std::string> names;
  for (int a : present) {
    if (std::find(to.begin(), to.end(), from[a]) != to.end()) names.push_back(from[a]);
  }
  return Indexes(to, names);
}

// A FilteredRE2 of each pattern alone, asked whether it names its pattern when atoms of the
// whole set's list `atoms` occur.
class FilterPerPattern {
 public:
  FilterPerPattern(const std::vector<std::string>& patterns, const std::vector<std::string>& atoms)
      : atoms_(atoms) {
    for (const std::string& p : patterns) {
      filters_.push_back(std::make_unique<re2::FilteredRE2>(kMinAtomLen));
      int id = -1;
      filters_.back()->Add(p, RE2::Options(), &id);
      local_.emplace_back();
      filters_.back()->Compile(&local_.back());
    }
  }
  bool Names(size_t pattern, const std::vector<int>& present) const {
    const std::vector<std::string>& local = local_[pattern];
    std::vector<int> found, named;
    for (int a : present) {
      auto it = std::find(local.begin(), local.end(), atoms_[a]);
      if (it != local.end()) found.push_back(static_cast<int>(it - local.begin()));
    }
    filters_[pattern]->AllPotentials(found, &named);
    return !named.empty();
  }

 private:
  std::vector<std::string> atoms_;
  std::vector<std::unique_ptr<re2::FilteredRE2>> filters_;
  std::vector<std::vector<std::string>> local_;
};

TEST(RulePrefilterTest, AConjunctionOfAlternativesBecomesOneClauseEach) {
  const std::vector<std::string> patterns = {"(?:alpha|beta)x+gamma", "delta", "[a-z]+"};
  const std::vector<std::string> atoms = AtomsOf(patterns);
  RulePrefilter p = RulePrefilter::Build(patterns, atoms, kMinAtomLen);
  ASSERT_EQ(p.num_rules(), 3u);
  std::vector<std::vector<int>> clauses = p.Clauses(0);
  std::sort(clauses.begin(), clauses.end());
  EXPECT_EQ(p.atoms().size(), 4u);  // alpha, beta, gamma, delta
  std::vector<std::vector<int>> expected = {Indexes(p.atoms(), {"alpha", "beta"}),
                                            Indexes(p.atoms(), {"gamma"})};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(clauses, expected);
  EXPECT_EQ(p.Clauses(1), std::vector<std::vector<int>>{Indexes(p.atoms(), {"delta"})});
  EXPECT_TRUE(p.Clauses(2).empty());  // no literal: every unit may match it

  std::vector<int> rules;
  p.Candidates({}, &rules);
  EXPECT_EQ(rules, std::vector<int>{2});
  p.Candidates(Indexes(p.atoms(), {"beta", "gamma"}), &rules);
  EXPECT_EQ(rules, (std::vector<int>{0, 2}));
  p.Candidates(Indexes(p.atoms(), {"alpha", "delta"}), &rules);
  EXPECT_EQ(rules, (std::vector<int>{1, 2}));
}

// With the atoms' positions: each rule named, with the last byte its match can start at, the
// least over its clauses of the last start of an atom of the clause.
TEST(RulePrefilterTest, LatestStartIsTheLeastOverClausesOfTheirAtomsLastStart) {
  const std::vector<std::string> patterns = {"(?:alpha|beta)x+gamma", "delta", "[a-z]+"};
  RulePrefilter p = RulePrefilter::Build(patterns, AtomsOf(patterns), kMinAtomLen);
  std::vector<uint32_t> last_start(p.atoms().size(), 999);  // entries of absent atoms: unread
  auto at = [&](const std::string& atom) -> uint32_t& {
    return last_start[Indexes(p.atoms(), {atom})[0]];
  };
  at("alpha") = 10;
  at("beta") = 3;
  at("gamma") = 20;
  at("delta") = 7;
  RulePrefilter::Scratch scratch;
  std::vector<int> rules;
  std::vector<uint32_t> latest;
  p.Candidates(Indexes(p.atoms(), {"alpha", "beta", "gamma"}), last_start, &scratch, &rules,
               &latest);
  EXPECT_EQ(rules, (std::vector<int>{0, 2}));
  EXPECT_EQ(latest, (std::vector<uint32_t>{10, UINT32_MAX}));  // min(max(10, 3), 20)
  at("gamma") = 5;
  p.Candidates(Indexes(p.atoms(), {"gamma", "beta", "delta"}), last_start, &scratch, &rules,
               &latest);
  EXPECT_EQ(rules, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(latest, (std::vector<uint32_t>{3, 7, UINT32_MAX}));  // min(3, 5); delta
  p.Candidates(Indexes(p.atoms(), {"gamma"}), last_start, &scratch, &rules, &latest);
  EXPECT_EQ(rules, std::vector<int>{2});
  EXPECT_EQ(latest, std::vector<uint32_t>{UINT32_MAX});
}

// Many rules share a label clause and each has a word of its own: a rule is visited through the
// clause whose atoms fewest clauses share (its word), and named only when every other clause
// holds too; rules without clauses are named among them, in order, past 64 rules (bit words).
TEST(RulePrefilterTest, ARuleIsNamedThroughItsRarestClauseOnlyWhenAllHold) {
  std::vector<std::string> patterns;
  for (int i = 0; i < 70; ++i) {
    patterns.push_back(i == 40 ? "[a-z]+" : absl::StrCat("label.*(?:verb", i, "|act", i, ")"));
  }
  patterns.push_back("label");  // a rule whose one clause is the shared one
  RulePrefilter p = RulePrefilter::Build(patterns, AtomsOf(patterns), kMinAtomLen);
  ASSERT_EQ(p.num_rules(), 71u);
  std::vector<uint32_t> last_start(p.atoms().size(), 999);
  auto at = [&](const std::string& atom) -> uint32_t& {
    return last_start[Indexes(p.atoms(), {atom})[0]];
  };
  at("label") = 4;
  at("verb5") = 30;
  at("act66") = 2;
  at("verb66") = 9;
  RulePrefilter::Scratch scratch;
  std::vector<int> rules;
  std::vector<uint32_t> latest;
  p.Candidates(Indexes(p.atoms(), {"label"}), last_start, &scratch, &rules, &latest);
  EXPECT_EQ(rules, (std::vector<int>{40, 70}));
  EXPECT_EQ(latest, (std::vector<uint32_t>{UINT32_MAX, 4}));
  p.Candidates(Indexes(p.atoms(), {"verb66", "verb5", "act66"}), last_start, &scratch, &rules,
               &latest);
  EXPECT_EQ(rules, std::vector<int>{40});  // no label: none of the word rules
  p.Candidates(Indexes(p.atoms(), {"verb66", "label", "verb5", "act66"}), last_start, &scratch,
               &rules, &latest);
  EXPECT_EQ(rules, (std::vector<int>{5, 40, 66, 70}));
  // min(4, 30); none; min(4, max(9, 2)); 4.
  EXPECT_EQ(latest, (std::vector<uint32_t>{4, UINT32_MAX, 4, 4}));
  at("label") = 50;
  p.Candidates(Indexes(p.atoms(), {"act66", "label"}), last_start, &scratch, &rules, &latest);
  EXPECT_EQ(rules, (std::vector<int>{40, 66, 70}));
  EXPECT_EQ(latest, (std::vector<uint32_t>{UINT32_MAX, 2, 50}));
}

TEST(RulePrefilterTest, ARegexThatDoesNotCompileIsNamedAlways) {
  const std::vector<std::string> patterns = {"(unclosed", "delta"};
  RulePrefilter p = RulePrefilter::Build(patterns, {"delta"}, kMinAtomLen);
  std::vector<int> rules;
  p.Candidates({}, &rules);
  EXPECT_EQ(rules, std::vector<int>{0});
}

// Random conjunctions of alternatives of random words (the shape of the relation rules: a
// trigger among several, a particle, a placeholder tag): the clauses are exactly the filter's
// condition, so the rules named agree with a FilteredRE2 of each pattern, on random atom sets.
TEST(RulePrefilterTest, AgreesWithFilteredRe2OnRandomConjunctionsOfAlternatives) {
  std::mt19937 rng(20261126);
  const std::vector<std::string> words = {"수출",    "제한", "참여",   "투자", "협력", "company",
                                          "program", "기술", "파트너", "생산", "개발", "매장량"};
  auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
  std::vector<std::string> patterns;
  for (int r = 0; r < 60; ++r) {
    // Distinct words throughout one pattern: with a word in two groups the condition is no
    // longer a conjunction of disjoint alternatives, and the clauses found are fewer (weaker).
    std::vector<std::string> shuffled = words;
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    size_t next = 0;
    std::string p;
    const size_t groups = 1 + pick(3);
    for (size_t g = 0; g < groups; ++g) {
      if (g > 0) p += ".{0,20}";
      const size_t alts = 1 + pick(3);
      p += "(?:";
      for (size_t a = 0; a < alts; ++a) p += (a > 0 ? "|" : "") + shuffled[next++];
      p += ")";
    }
    patterns.push_back(p);
  }
  const std::vector<std::string> atoms = AtomsOf(patterns);
  RulePrefilter p = RulePrefilter::Build(patterns, atoms, kMinAtomLen);
  const FilterPerPattern alone(patterns, atoms);
  std::vector<int> rules;
  for (int trial = 0; trial < 300; ++trial) {
    std::vector<int> present;
    for (size_t a = 0; a < atoms.size(); ++a) {
      if (pick(3) == 0) present.push_back(static_cast<int>(a));
    }
    p.Candidates(Reindex(present, atoms, p.atoms()), &rules);
    for (size_t r = 0; r < patterns.size(); ++r) {
      const bool named = std::binary_search(rules.begin(), rules.end(), static_cast<int>(r));
      EXPECT_EQ(named, alone.Names(r, present)) << patterns[r] << " trial " << trial;
    }
  }
}

// The shipped rules (any shape): every rule a FilteredRE2 of that rule names is named (the
// clauses are implied by its condition), on random atom sets, and every rule whose regex matches
// a unit is named when the unit's atoms are given.
TEST(RulePrefilterTest, ShippedRulesNameEveryRuleTheirOwnFilterNames) {
  auto bundle = Bundle::Load(KG_INGEST_TEST_DATA);
  ASSERT_TRUE(bundle.ok()) << bundle.status();
  const Bundle::Impl& b = (*bundle)->impl();
  ASSERT_NE(b.rule_filter, nullptr);
  ASSERT_EQ(b.rule_prefilter.num_rules(), b.rules.size());
  std::vector<std::string> patterns;
  for (const Rule& rule : b.rules) patterns.push_back(rule.pattern);
  const std::vector<std::string> atoms = AtomsOf(patterns);
  ASSERT_EQ(b.rule_prefilter.atoms().size(), b.rule_atoms->size());
  ASSERT_LE(b.rule_prefilter.atoms().size(), atoms.size());
  const FilterPerPattern alone(patterns, atoms);
  std::mt19937 rng(5);
  std::vector<int> rules;
  size_t named_total = 0;
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<int> present;
    const unsigned keep = 2 + trial % 30;  // about 1 atom in `keep`
    for (size_t a = 0; a < atoms.size(); ++a) {
      if (rng() % keep == 0) present.push_back(static_cast<int>(a));
    }
    b.rule_prefilter.Candidates(Reindex(present, atoms, b.rule_prefilter.atoms()), &rules);
    named_total += rules.size();
    for (size_t r = 0; r < patterns.size(); ++r) {
      if (!alone.Names(r, present)) continue;
      EXPECT_TRUE(std::binary_search(rules.begin(), rules.end(), static_cast<int>(r)))
          << b.rules[r].id << " trial " << trial;
    }
  }
  EXPECT_LT(named_total, 200 * patterns.size());  // the clauses do filter
}

}  // namespace
}  // namespace kg::ingest
