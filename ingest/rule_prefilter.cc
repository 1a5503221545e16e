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
  // How many clauses hold each atom: a clause of widely shared atoms (a label) is satisfied in
  // most units, one of rare atoms (a verb) in few.
  std::vector<uint32_t> clauses_of_atom(p.atoms_.size(), 0);
  for (uint32_t a : p.clause_atoms_) ++clauses_of_atom[a];
  const size_t num_rules = p.rule_first_clause_.size() - 1;
  p.always_.assign((num_rules + 63) / 64, 0);
  std::vector<std::vector<uint32_t>> keyed(p.atoms_.size());  // atom -> rules, ascending
  for (size_t r = 0; r < num_rules; ++r) {
    const uint32_t first = p.rule_first_clause_[r], end = p.rule_first_clause_[r + 1];
    if (first == end) {
      p.always_[r >> 6] |= uint64_t{1} << (r & 63);
      continue;
    }
    uint32_t key = first;
    uint64_t key_weight = UINT64_MAX;
    for (uint32_t c = first; c < end; ++c) {
      uint64_t weight = 0;
      for (uint32_t i = p.clause_first_atom_[c]; i < p.clause_first_atom_[c + 1]; ++i) {
        weight += clauses_of_atom[p.clause_atoms_[i]];
      }
      if (weight < key_weight) {
        key = c;
        key_weight = weight;
      }
    }
    for (uint32_t i = p.clause_first_atom_[key]; i < p.clause_first_atom_[key + 1]; ++i) {
      keyed[p.clause_atoms_[i]].push_back(static_cast<uint32_t>(r));
    }
  }
  for (const std::vector<uint32_t>& rules : keyed) {
    p.atom_keyed_rules_.insert(p.atom_keyed_rules_.end(), rules.begin(), rules.end());
    p.atom_first_keyed_.push_back(static_cast<uint32_t>(p.atom_keyed_rules_.size()));
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
  // The atoms found as bits, and the rules whose key clause they satisfy (most atoms a unit holds
  // are labels, the key clause of few rules); each such rule is named when every clause has an
  // atom found.
  std::vector<uint64_t>& present = scratch->present;
  std::vector<uint64_t>& keyed = scratch->keyed;
  present.assign((atoms_.size() + 63) / 64, 0);
  keyed = always_;
  for (int a : found) {
    present[a >> 6] |= uint64_t{1} << (a & 63);
    for (uint32_t i = atom_first_keyed_[a]; i < atom_first_keyed_[a + 1]; ++i) {
      const uint32_t r = atom_keyed_rules_[i];
      keyed[r >> 6] |= uint64_t{1} << (r & 63);
    }
  }
  for (size_t w = 0; w < keyed.size(); ++w) {
    for (uint64_t bits = keyed[w]; bits != 0; bits &= bits - 1) {
      const uint32_t r = static_cast<uint32_t>(w * 64 + __builtin_ctzll(bits));
      // The least over the clauses of the last start of their atoms found (none: UINT32_MAX).
      uint32_t last = UINT32_MAX;
      bool all = true;
      for (uint32_t c = rule_first_clause_[r]; all && c < rule_first_clause_[r + 1]; ++c) {
        bool any = false;
        uint32_t clause_last = 0;
        for (uint32_t i = clause_first_atom_[c]; i < clause_first_atom_[c + 1]; ++i) {
          const uint32_t a = clause_atoms_[i];
          if ((present[a >> 6] >> (a & 63) & 1) == 0) continue;
          any = true;
          clause_last = std::max(clause_last, last_start[a]);
        }
        all = any;
        last = std::min(last, clause_last);
      }
      if (!all) continue;
      rules->push_back(static_cast<int>(r));
      latest->push_back(last);
    }
  }
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
