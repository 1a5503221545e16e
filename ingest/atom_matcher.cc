// AtomMatcher: Aho-Corasick over the rule prefilter's atoms (see internal.h).
//
// Built as a trie with failure links (the root has a 256-entry table, every other state its few
// edges in one flat array), then made complete over byte classes: the bytes that occur in no
// atom share one class, so the default rules' 431 atoms (2,438 states, 102 distinct bytes) make
// a table of 2,438 x 103 16-bit entries, ~0.5 MB. One load per byte instead of edge scans
// along failure links: half the instructions, though that load still often misses the cache (a
// complete table over all 256 bytes with 32-bit entries, ~2.5 MB, missed it on most bytes).
// An entry's top bit says whether atoms end in the state it leads to, so that the scan reads no
// other array per byte. Automata of more than 32,768 states keep the failure-link walk.
#include <algorithm>
#include <cstdint>
#include <limits>
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
    atom_len_.push_back(static_cast<uint32_t>(atoms[i].size()));
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
  BuildDenseTable();
}

void AtomMatcher::BuildDenseTable() {
  const size_t states = fail_.size();
  if (states > kStateMask + 1) return;
  // Class 0: bytes in no atom (from any state they lead where the root's goto does: the root).
  unsigned char byte_class[256] = {};
  num_classes_ = 1;
  for (unsigned char b : edge_byte_) {
    if (byte_class[b] == 0) byte_class[b] = static_cast<unsigned char>(num_classes_++);
  }
  if (num_classes_ > 256) return;  // cannot happen: at most 255 distinct bytes plus class 0
  for (int b = 0; b < 256; ++b) class_of_[b] = byte_class[fold_[b]];
  std::vector<unsigned char> representative(num_classes_, 0);
  for (int b = 255; b >= 0; --b) representative[byte_class[b]] = static_cast<unsigned char>(b);
  // States renumbered breadth first: the shallow states, where the scan spends most bytes, get
  // neighbouring rows.
  std::vector<int32_t> order = {0};
  for (size_t q = 0; q < order.size(); ++q) {
    for (uint32_t e = kids_begin_[order[q]]; e < kids_begin_[order[q] + 1]; ++e)
      order.push_back(edge_target_[e]);
  }
  // An entry is the next state's number, with kReports set when atoms end there.
  std::vector<uint16_t> renumbered(states);
  for (size_t i = 0; i < order.size(); ++i) {
    const int32_t s = order[i];
    const bool reports = out_begin_[s] != out_begin_[s + 1];
    renumbered[s] = static_cast<uint16_t>(i | (reports ? kReports : 0));
  }
  delta_.assign(states * num_classes_, 0);
  std::vector<int32_t> out_begin, out;
  for (size_t i = 0; i < states; ++i) {
    const int32_t s = order[i];
    for (size_t c = 1; c < num_classes_; ++c)
      delta_[i * num_classes_ + c] = renumbered[Next(s, representative[c])];
    out_begin.push_back(static_cast<int32_t>(out.size()));
    out.insert(out.end(), out_.begin() + out_begin_[s], out_.begin() + out_begin_[s + 1]);
  }
  out_begin.push_back(static_cast<int32_t>(out.size()));
  // The failure-link automaton is not used any more (its state numbers are the old ones).
  out_begin_ = std::move(out_begin);
  out_ = std::move(out);
  kids_begin_.clear();
  edge_byte_.clear();
  edge_target_.clear();
  fail_.clear();
}

void AtomMatcher::Report(int32_t state, uint64_t* seen, std::vector<int>* found, size_t end,
                         uint32_t* last_start) const {
  for (int32_t i = out_begin_[state], stop = out_begin_[state + 1]; i < stop; ++i) {
    const int32_t atom = out_[i];
    // Occurrences are reported by ascending end, so the last one reported starts last.
    if (last_start != nullptr) last_start[atom] = static_cast<uint32_t>(end - atom_len_[atom]);
    const uint64_t bit = uint64_t{1} << (atom & 63);
    if ((seen[atom >> 6] & bit) != 0) continue;
    seen[atom >> 6] |= bit;
    found->push_back(atom);
  }
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

template <bool kPositions>
void AtomMatcher::Scan(std::string_view text, uint64_t* seen, std::vector<int>* found,
                       uint32_t* last_start) const {
  int32_t state = 0;
  if (dense()) {
    const uint16_t* delta = delta_.data();
    const size_t stride = num_classes_;
    for (size_t i = 0; i < text.size(); ++i) {
      const uint16_t entry = delta[static_cast<size_t>(state) * stride +
                                   class_of_[static_cast<unsigned char>(text[i])]];
      state = entry & kStateMask;
      if ((entry & kReports) != 0)
        Report(state, seen, found, i + 1, kPositions ? last_start : nullptr);
    }
  } else {
    for (size_t i = 0; i < text.size(); ++i) {
      state = Next(state, fold_[static_cast<unsigned char>(text[i])]);
      Report(state, seen, found, i + 1, kPositions ? last_start : nullptr);
    }
  }
}

void AtomMatcher::Match(std::string_view text, std::vector<int>* found,
                        std::vector<uint32_t>* last_start) const {
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
  if (last_start != nullptr) {
    if (last_start->size() < num_atoms_) last_start->resize(num_atoms_);
    Scan<true>(text, seen, found, last_start->data());
  } else {
    Scan<false>(text, seen, found, nullptr);
  }
  std::sort(found->begin(), found->end());
}

}  // namespace kg::ingest
