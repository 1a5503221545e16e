// Which relation rules a unit of text can match, from the literal strings ("atoms") it holds: a
// cheaper stand-in for re2::FilteredRE2::AllPotentials, which builds fresh maps over its whole
// prefilter tree on every call (~10,000 instructions per unit, half of them the allocator).
#ifndef KG_INGEST_RULE_PREFILTER_H_
#define KG_INGEST_RULE_PREFILTER_H_

#include <cstdint>
#include <string>
#include <vector>

namespace kg::ingest {

// Each rule's condition is a conjunction of clauses, a clause a set of atoms of which at least
// one must occur. The clauses are read off FilteredRE2 itself, one filter per rule: a set S of
// the rule's atoms is a clause when the filter, given every other atom of the rule, does not name
// it (the filter is monotone, so no set of atoms without one of S names the rule either). Every
// clause found that way holds whenever the rule's regex matches, so the rules this names are a
// superset of the rules that match: the matches found are the same as with FilteredRE2.
class RulePrefilter {
 public:
  RulePrefilter() = default;
  // `patterns`: the rules' regexes (as RE2 syntax, case-sensitive); `atoms`: a FilteredRE2's of
  // all of them, which the caller has checked (a clause with an atom not there is dropped, which
  // only names more rules); `min_atom_len` as FilteredRE2's.
  static RulePrefilter Build(const std::vector<std::string>& patterns,
                             const std::vector<std::string>& atoms, int min_atom_len);

  // The atoms the clauses hold (a subset of those Build was given: the atoms of alternatives
  // that the rule can do without are not needed), which the caller's scan reports.
  const std::vector<std::string>& atoms() const { return atoms_; }
  // The rules, ascending, whose every clause has an atom in `found` (indexes into atoms(), any
  // order). The overload below, with positions, is what extraction calls.
  void Candidates(const std::vector<int>& found, std::vector<int>* rules) const;

  // The same rules, and the last byte each one's match can start at: every clause has an atom
  // inside each match, so a match starts at or before the last start of some atom of each clause
  // (`last_start` as AtomMatcher::Match fills it, by atom). (*latest)[i] is that byte for
  // (*rules)[i]; UINT32_MAX for a rule without clauses. `scratch` is kept by the caller.
  struct Scratch {
    std::vector<uint64_t> present;  // a bit per atom found
    std::vector<uint64_t> keyed;    // a bit per rule whose key clause an atom found satisfies
  };
  void Candidates(const std::vector<int>& found, const std::vector<uint32_t>& last_start,
                  Scratch* scratch, std::vector<int>* rules, std::vector<uint32_t>* latest) const;

  size_t num_rules() const { return rule_first_clause_.size() - 1; }
  // The clauses of `rule`, each as atom indexes (ascending). For tests.
  std::vector<std::vector<int>> Clauses(int rule) const;

 private:
  std::vector<std::string> atoms_;
  std::vector<uint32_t> rule_first_clause_ = {0};  // rule r: clauses [r], [r + 1]
  std::vector<uint32_t> clause_first_atom_ = {0};  // clause c: clause_atoms_ [c], [c + 1]
  std::vector<uint32_t> clause_atoms_;
  // Each rule's key clause: the one whose atoms the fewest other clauses share (a keyword rather
  // than a label every rule names), so that Candidates visits only the rules whose key clause an
  // atom found satisfies, and checks their other clauses there. Most found atoms are labels,
  // in a clause of most rules: walking every clause of every atom found cost more than the rest.
  std::vector<uint32_t> atom_first_keyed_ = {0};  // atom a: atom_keyed_rules_ [a], [a + 1]
  std::vector<uint32_t> atom_keyed_rules_;        // the rules whose key clause holds the atom
  std::vector<uint64_t> always_;                  // a bit per rule without clauses
};

}  // namespace kg::ingest

#endif  // KG_INGEST_RULE_PREFILTER_H_
