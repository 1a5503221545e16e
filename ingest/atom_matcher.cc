// AtomMatcher: Aho-Corasick over the rule prefilter's atoms (see internal.h).
//
// The automaton is kept small rather than complete: the root has a 256-entry table, every other
// state its few edges in one flat array and a failure link. A complete table (states x byte
// classes, ~2 MB for the default rules' 431 atoms) was as fast on its own but, next to the rest
// of extraction, missed the cache on most bytes; this one stays in it.
#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ingest/internal.h"

namespace kg::ingest {

AtomMatcher::AtomMatcher(const std::vector<std::string>& atoms) : num_atoms_(atoms.size()) {
  for (int b = 0; b < 256; ++b) {
    fold_[b] = static_cast<unsigned char>(b >= 'A' && b <= 'Z' ? b - 'A' + 'a' : b);
  }
  // The trie: each state's edges sorted by byte.
  std::vector<std::vector<std::pair<unsigned char, int32_t>>> kids(1);
  std::vector<std::vector<int32_t>> out(1);
  auto child = [&](int32_t state, unsigned char b) {
    for (const auto& [byte, target] : kids[state]) {
      if (byte == b) return target;
    }
    return int32_t{-1};
  };
  for (size_t i = 0; i < atoms.size(); ++i) {
    int32_t state = 0;
    for (unsigned char raw : atoms[i]) {
      const unsigned char b = fold_[raw];
      int32_t next = child(state, b);
      if (next < 0) {
        next = static_cast<int32_t>(kids.size());
        kids[state].emplace_back(b, next);
        kids.emplace_back();
        out.emplace_back();
      }
      state = next;
    }
    out[state].push_back(static_cast<int32_t>(i));
  }
  // Failure links breadth first; a state's atoms include those of its failure state.
  const size_t n = kids.size();
  fail_.assign(n, 0);
  for (int b = 0; b < 256; ++b) root_[b] = 0;
  std::vector<int32_t> queue;
  for (const auto& [b, target] : kids[0]) {
    root_[b] = target;
    queue.push_back(target);
  }
  auto next_of = [&](int32_t state, unsigned char b) {
    while (state != 0) {
      if (int32_t t = child(state, b); t >= 0) return t;
      state = fail_[state];
    }
    return root_[b];
  };
  for (size_t q = 0; q < queue.size(); ++q) {
    const int32_t state = queue[q];
    const std::vector<int32_t>& inherited = out[fail_[state]];
    out[state].insert(out[state].end(), inherited.begin(), inherited.end());
    for (const auto& [b, target] : kids[state]) {
      fail_[target] = next_of(fail_[state], b);
      queue.push_back(target);
    }
  }
  // Flat layout.
  for (size_t s = 0; s < n; ++s) {
    std::sort(kids[s].begin(), kids[s].end());
    kids_begin_.push_back(static_cast<uint32_t>(edge_byte_.size()));
    for (const auto& [b, target] : kids[s]) {
      edge_byte_.push_back(b);
      edge_target_.push_back(target);
    }
    out_begin_.push_back(static_cast<int32_t>(out_.size()));
    out_.insert(out_.end(), out[s].begin(), out[s].end());
  }
  kids_begin_.push_back(static_cast<uint32_t>(edge_byte_.size()));
  out_begin_.push_back(static_cast<int32_t>(out_.size()));
}

int32_t AtomMatcher::Next(int32_t state, unsigned char b) const {
  while (state != 0) {
    for (uint32_t e = kids_begin_[state], end = kids_begin_[state + 1]; e < end; ++e) {
      if (edge_byte_[e] == b) return edge_target_[e];
    }
    state = fail_[state];
  }
  return root_[b];
}

void AtomMatcher::Match(std::string_view text, std::vector<int>* found) const {
  found->clear();
  // Short atoms ("을", "한") occur at most positions: each is reported once, not sorted out later.
  // The bitmap is on the stack up to 4096 atoms: Match runs once per unit of text.
  constexpr size_t kStackWords = 64;
  uint64_t stack_seen[kStackWords] = {};
  std::vector<uint64_t> heap_seen;
  uint64_t* seen = stack_seen;
  if (const size_t words = (num_atoms_ + 63) / 64; words > kStackWords) {
    heap_seen.assign(words, 0);
    seen = heap_seen.data();
  }
  int32_t state = 0;
  for (unsigned char raw : text) {
    state = Next(state, fold_[raw]);
    for (int32_t i = out_begin_[state], end = out_begin_[state + 1]; i < end; ++i) {
      const int32_t atom = out_[i];
      const uint64_t bit = uint64_t{1} << (atom & 63);
      if ((seen[atom >> 6] & bit) != 0) continue;
      seen[atom >> 6] |= bit;
      found->push_back(atom);
    }
  }
  std::sort(found->begin(), found->end());
}

}  // namespace kg::ingest
