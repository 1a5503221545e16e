// RulePrefilter: each rule's clauses of atoms, read off a FilteredRE2 of that rule alone.
#include "ingest/rule_prefilter.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "re2/filtered_re2.h"
#include "re2/re2.h"

namespace kg::ingest {
namespace {

// Whether `filter` (one regex) names it when the atoms in `present` (local indexes) occur.
bool Names(re2::FilteredRE2& filter, const std::vector<bool>& present) {
  std::vector<int> atoms, named;
  for (size_t a = 0; a < present.size(); ++a) {
    if (present[a]) atoms.push_back(static_cast<int>(a));
  }
  filter.AllPotentials(atoms, &named);
  return !named.empty();
}

// Disjoint clauses of the one regex of `filter`, whose atoms are `n` (local indexes): the first
// clause shrunk greedily from all the atoms, the next from the atoms no clause holds yet, until
// the remaining atoms hold none. Empty when the filter names the regex with no atom at all.
std::vector<std::vector<int>> DisjointClauses(re2::FilteredRE2& filter, size_t n) {
  std::vector<std::vector<int>> clauses;
  std::vector<bool> in_clause(n, false);  // atoms some clause already holds
  for (;;) {
    // S = the atoms no clause holds: a clause lies within S when the rest alone does not do.
    std::vector<bool> in_s(n);
    for (size_t a = 0; a < n; ++a) in_s[a] = !in_clause[a];
    auto outside = [&]() {
      std::vector<bool> present(n);
      for (size_t a = 0; a < n; ++a) present[a] = !in_s[a];
      return present;
    };
    if (Names(filter, outside())) break;
    for (size_t a = 0; a < n; ++a) {
      if (!in_s[a]) continue;
      in_s[a] = false;
      if (Names(filter, outside())) in_s[a] = true;  // needed in S
    }
    std::vector<int> clause;
    for (size_t a = 0; a < n; ++a) {
      if (in_s[a]) {
        clause.push_back(static_cast<int>(a));
        in_clause[a] = true;
      }
    }
    if (clause.empty()) break;  // cannot happen: the filter named no atom set at all
    clauses.push_back(std::move(clause));
  }
  return clauses;
}

}  // namespace

RulePrefilter RulePrefilter::Build(const std::vector<std::string>& patterns,
                                   const std::vector<std::string>& atoms, int min_atom_len) {
  RulePrefilter p;
  const absl::flat_hash_set<std::string> known(atoms.begin(), atoms.end());
  absl::flat_hash_map<std::string, uint32_t> index;  // into p.atoms_
  RE2::Options opt;
  opt.set_log_errors(false);
  for (const std::string& pattern : patterns) {
    re2::FilteredRE2 filter(min_atom_len);
    int id = -1;
    std::vector<std::string> local;
    if (filter.Add(pattern, opt, &id) == RE2::NoError) {
      filter.Compile(&local);
      for (const std::vector<int>& clause : DisjointClauses(filter, local.size())) {
        // A clause with an atom the caller's filter does not list is dropped (names more rules).
        if (!std::all_of(clause.begin(), clause.end(),
                         [&](int a) { return known.contains(local[a]); })) {
          continue;
        }
        std::vector<uint32_t> global;
        for (int a : clause) {
          auto [it, added] = index.emplace(local[a], static_cast<uint32_t>(p.atoms_.size()));
          if (added) p.atoms_.push_back(local[a]);
          global.push_back(it->second);
        }
        std::sort(global.begin(), global.end());
        p.clause_atoms_.insert(p.clause_atoms_.end(), global.begin(), global.end());
        p.clause_first_atom_.push_back(static_cast<uint32_t>(p.clause_atoms_.size()));
      }
    }
    p.rule_first_clause_.push_back(static_cast<uint32_t>(p.clause_first_atom_.size() - 1));
  }
  const size_t num_clauses = p.clause_first_atom_.size() - 1;
  p.first_clauses_.assign((num_clauses + 63) / 64, 0);
  for (size_t r = 0; r + 1 < p.rule_first_clause_.size(); ++r) {
    const uint32_t first = p.rule_first_clause_[r], end = p.rule_first_clause_[r + 1];
    if (first == end) p.rules_without_clauses_.push_back(static_cast<int>(r));
    if (first < end) p.first_clauses_[first >> 6] |= uint64_t{1} << (first & 63);
    for (uint32_t c = first; c < end; ++c) p.clause_rule_.push_back(static_cast<uint32_t>(r));
  }
  // The clauses of each atom (the inverse of clause_atoms_), ascending.
  p.atom_first_clause_.assign(p.atoms_.size() + 1, 0);
  for (uint32_t a : p.clause_atoms_) ++p.atom_first_clause_[a + 1];
  for (size_t a = 0; a < p.atoms_.size(); ++a)
    p.atom_first_clause_[a + 1] += p.atom_first_clause_[a];
  p.atom_clauses_.resize(p.clause_atoms_.size());
  std::vector<uint32_t> fill(p.atom_first_clause_.begin(), p.atom_first_clause_.end() - 1);
  for (size_t c = 0; c + 1 < p.clause_first_atom_.size(); ++c) {
    for (uint32_t i = p.clause_first_atom_[c]; i < p.clause_first_atom_[c + 1]; ++i) {
      p.atom_clauses_[fill[p.clause_atoms_[i]]++] = static_cast<uint32_t>(c);
    }
  }
  return p;
}

void RulePrefilter::Candidates(const std::vector<int>& found, std::vector<int>* rules) const {
  Scratch scratch;
  std::vector<uint32_t> last_start(atoms_.size(), 0), latest;
  Candidates(found, last_start, &scratch, rules, &latest);
}

void RulePrefilter::Candidates(const std::vector<int>& found,
                               const std::vector<uint32_t>& last_start, Scratch* scratch,
                               std::vector<int>* rules, std::vector<uint32_t>* latest) const {
  rules->clear();
  latest->clear();
  // The clauses the atoms found satisfy, with the last start of their atoms; then the rules whose
  // first clause is among them (a unit holds a few dozen atoms, each in a few clauses, against
  // ~180 rules of ~300 clauses), each named when all its clauses are.
  const size_t num_clauses = clause_rule_.size();
  std::vector<uint64_t>& satisfied = scratch->satisfied;
  std::vector<uint32_t>& clause_last = scratch->clause_last;
  satisfied.assign(first_clauses_.size(), 0);
  clause_last.resize(num_clauses);  // an entry counts once its clause's bit is set
  for (int a : found) {
    const uint32_t at = last_start[a];
    for (uint32_t i = atom_first_clause_[a]; i < atom_first_clause_[a + 1]; ++i) {
      const uint32_t c = atom_clauses_[i];
      const uint64_t bit = uint64_t{1} << (c & 63);
      if ((satisfied[c >> 6] & bit) == 0) {
        satisfied[c >> 6] |= bit;
        clause_last[c] = at;
      } else if (at > clause_last[c]) {
        clause_last[c] = at;
      }
    }
  }
  auto always = rules_without_clauses_.begin();
  auto add_always_before = [&](size_t r) {
    for (; always != rules_without_clauses_.end() && static_cast<size_t>(*always) < r; ++always) {
      rules->push_back(*always);
      latest->push_back(UINT32_MAX);
    }
  };
  for (size_t w = 0; w < satisfied.size(); ++w) {
    for (uint64_t firsts = satisfied[w] & first_clauses_[w]; firsts != 0; firsts &= firsts - 1) {
      const uint32_t first = static_cast<uint32_t>(w * 64 + __builtin_ctzll(firsts));
      const uint32_t r = clause_rule_[first];
      uint32_t c = first, last = UINT32_MAX;
      for (; c < rule_first_clause_[r + 1] && (satisfied[c >> 6] >> (c & 63) & 1) != 0; ++c) {
        last = std::min(last, clause_last[c]);
      }
      if (c < rule_first_clause_[r + 1]) continue;
      add_always_before(r);
      rules->push_back(static_cast<int>(r));
      latest->push_back(last);
    }
  }
  add_always_before(num_rules());
}

std::vector<std::vector<int>> RulePrefilter::Clauses(int rule) const {
  std::vector<std::vector<int>> out;
  for (uint32_t c = rule_first_clause_[rule]; c < rule_first_clause_[rule + 1]; ++c) {
    out.emplace_back(clause_atoms_.begin() + clause_first_atom_[c],
                     clause_atoms_.begin() + clause_first_atom_[c + 1]);
  }
  return out;
}

}  // namespace kg::ingest
