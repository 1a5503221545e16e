// AtomMatcher: Aho-Corasick over the rule prefilter's atoms (see internal.h).
//
// Built as a trie with failure links, then made complete over classes of symbols, so that the
// scan makes one table load per symbol instead of edge scans along failure links. The scan is a
// chain of dependent loads (each step's row depends on the last step's entry); in a table larger
// than the L1 cache most of them miss it, so there the steps, not the instructions, are the
// cost. Such a table is built over characters when every atom is whole UTF-8 characters (RE2's
// atoms are): a Hangul syllable is one step instead of three, and the decoding and a
// character's class (two small tables that do not depend on the state) run ahead of the chain.
// The default rules' 1,077 atoms make 2,735 states over 307 characters (1.7 MB).
//
// Otherwise (a table over bytes that fits the L1 cache, an atom that is part of a character, or
// too many states) the symbols are bytes: the bytes that occur in no atom share one class, a
// table of states x byte classes, or, past 32,768 states, the failure-link walk itself. An
// entry's top bit says whether atoms end in the state it leads to, so that the scan reads no
// other array per step.
//
// Why steps over characters find what steps over bytes find: an atom made of whole characters
// occurs in valid UTF-8 only at a character boundary, and the scan decodes the text strictly,
// taking a malformed byte alone as a symbol in no atom, so it lands on every boundary that starts
// a well-formed character and reads the atom's characters there as the atom's own decoding.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ingest/internal.h"

namespace kg::ingest {
namespace {

// A code point no well-formed UTF-8 decodes to (a surrogate): a malformed byte's symbol.
constexpr uint32_t kMalformed = 0xD800;

// The character at p[0], n > 0 bytes left: its code point in *c and its length; a malformed
// sequence (bad or missing continuation, overlong, surrogate, past U+10FFFF) is its first byte
// alone, as kMalformed. ASCII and the three-byte sequences (Hangul) first.
inline size_t DecodeStrict(const unsigned char* p, size_t n, uint32_t* c) {
  const unsigned char b = p[0];
  if (b < 0x80) {
    *c = b;
    return 1;
  }
  *c = kMalformed;
  if (b >= 0xE0 && b < 0xF0) {
    if (n < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80) return 1;
    const uint32_t v = (uint32_t{b & 0x0Fu} << 12) | (uint32_t{p[1] & 0x3Fu} << 6) | (p[2] & 0x3Fu);
    if (v < 0x800 || (v >= 0xD800 && v < 0xE000)) return 1;
    *c = v;
    return 3;
  }
  if (b >= 0xC2 && b < 0xE0) {
    if (n < 2 || (p[1] & 0xC0) != 0x80) return 1;
    *c = (uint32_t{b & 0x1Fu} << 6) | (p[1] & 0x3Fu);
    return 2;
  }
  if (b >= 0xF0 && b < 0xF5) {
    if (n < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80) {
      return 1;
    }
    const uint32_t v = (uint32_t{b & 0x07u} << 18) | (uint32_t{p[1] & 0x3Fu} << 12) |
                       (uint32_t{p[2] & 0x3Fu} << 6) | (p[3] & 0x3Fu);
    if (v < 0x10000 || v > 0x10FFFF) return 1;
    *c = v;
    return 4;
  }
  return 1;
}

}  // namespace

AtomMatcher::AtomMatcher(const std::vector<std::string>& atoms) : num_atoms_(atoms.size()) {
  for (int b = 0; b < 256; ++b) {
    fold_[b] = static_cast<unsigned char>(b >= 'A' && b <= 'Z' ? b - 'A' + 'a' : b);
  }
  for (const std::string& atom : atoms) atom_len_.push_back(static_cast<uint32_t>(atom.size()));
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
  BuildDenseTable();
  // A table over bytes that stays in the L1 cache costs fewer instructions than decoding
  // characters, for as many cache misses (none); a larger one, steps over characters instead.
  constexpr size_t kCachedTableBytes = 32 << 10;
  if (!dense() || delta_.size() * sizeof(delta_[0]) > kCachedTableBytes) BuildCharacterTable(atoms);
}

bool AtomMatcher::BuildCharacterTable(const std::vector<std::string>& atoms) {
  // The atoms as code points, ASCII folded; none if an atom is not whole characters.
  std::vector<std::vector<uint32_t>> chars(atoms.size());
  std::vector<uint32_t> alphabet;
  for (size_t i = 0; i < atoms.size(); ++i) {
    // An empty atom ends at every step; steps over characters would report it at fewer places.
    if (atoms[i].empty()) return false;
    const auto* p = reinterpret_cast<const unsigned char*>(atoms[i].data());
    for (size_t at = 0, n = atoms[i].size(); at < n;) {
      uint32_t c = 0;
      at += DecodeStrict(p + at, n - at, &c);
      if (c == kMalformed) return false;
      if (c < 0x80) c = fold_[c];
      chars[i].push_back(c);
      alphabet.push_back(c);
    }
  }
  std::sort(alphabet.begin(), alphabet.end());
  alphabet.erase(std::unique(alphabet.begin(), alphabet.end()), alphabet.end());
  const size_t classes = alphabet.size() + 1;  // class 0: the characters of no atom
  if (classes > std::numeric_limits<uint16_t>::max()) return false;
  auto class_of = [&](uint32_t c) {
    return static_cast<uint16_t>(std::lower_bound(alphabet.begin(), alphabet.end(), c) -
                                 alphabet.begin() + 1);
  };
  // The trie over classes.
  std::vector<std::vector<std::pair<uint16_t, int32_t>>> kids(1);
  std::vector<std::vector<int32_t>> out(1);
  for (size_t i = 0; i < chars.size(); ++i) {
    int32_t state = 0;
    for (uint32_t c : chars[i]) {
      const uint16_t k = class_of(c);
      int32_t next = -1;
      for (const auto& [cls, target] : kids[state]) {
        if (cls == k) next = target;
      }
      if (next < 0) {
        next = static_cast<int32_t>(kids.size());
        kids[state].emplace_back(k, next);
        kids.emplace_back();
        out.emplace_back();
      }
      state = next;
    }
    out[state].push_back(static_cast<int32_t>(i));
  }
  // No larger a table than the byte automaton may build.
  const size_t states = kids.size();
  if (states > kStateMask + 1 || states * classes > (size_t{kStateMask} + 1) * 256) return false;
  // Breadth first: each state's failure link is shallower, so its row is complete when the
  // state's own row is made (its children, else its failure state's entry), and its atoms are
  // merged with the failure state's.
  std::vector<int32_t> order = {0}, fail(states, 0), row(states * classes, 0);
  for (const auto& [cls, target] : kids[0]) row[cls] = target;
  for (size_t q = 0; q < order.size(); ++q) {
    const int32_t s = order[q];
    if (s != 0) {
      std::copy_n(row.begin() + fail[s] * classes, classes, row.begin() + s * classes);
      out[s].insert(out[s].end(), out[fail[s]].begin(), out[fail[s]].end());
    }
    for (const auto& [cls, target] : kids[s]) {
      if (s != 0) row[s * classes + cls] = target;
      fail[target] = s == 0 ? 0 : row[fail[s] * classes + cls];
      order.push_back(target);
    }
  }
  // States renumbered breadth first (the shallow states, where the scan spends most steps, get
  // neighbouring rows); an entry carries kReports when atoms end in its state.
  std::vector<uint16_t> renumbered(states);
  for (size_t i = 0; i < order.size(); ++i) {
    renumbered[order[i]] = static_cast<uint16_t>(i | (out[order[i]].empty() ? 0 : kReports));
  }
  delta_.assign(states * classes, 0);
  out_begin_.clear();
  out_.clear();
  for (size_t i = 0; i < states; ++i) {
    const int32_t s = order[i];
    for (size_t c = 0; c < classes; ++c) delta_[i * classes + c] = renumbered[row[s * classes + c]];
    out_begin_.push_back(static_cast<int32_t>(out_.size()));
    out_.insert(out_.end(), out[s].begin(), out[s].end());
  }
  out_begin_.push_back(static_cast<int32_t>(out_.size()));
  num_classes_ = classes;
  kids_begin_.clear();  // the failure-link walk over bytes, if it was kept, is not used
  edge_byte_.clear();
  edge_target_.clear();
  fail_.clear();
  // A code point's class: blocks of 64, those without an atom's character sharing block 0.
  block_of_.assign((0x10FFFF >> 6) + 1, 0);
  class_in_block_.assign(64, 0);
  auto set_class = [&](uint32_t c, uint16_t k) {
    if (block_of_[c >> 6] == 0) {
      block_of_[c >> 6] = static_cast<uint16_t>(class_in_block_.size() / 64);
      class_in_block_.resize(class_in_block_.size() + 64, 0);
    }
    class_in_block_[size_t{block_of_[c >> 6]} * 64 + (c & 63)] = k;
  };
  for (size_t i = 0; i < alphabet.size(); ++i) {
    const uint16_t k = static_cast<uint16_t>(i + 1);
    set_class(alphabet[i], k);
    if (alphabet[i] >= 'a' && alphabet[i] <= 'z') set_class(alphabet[i] - 'a' + 'A', k);
  }
  for (uint32_t c = 0; c < 0x80; ++c) ascii_class_[c] = ClassOf(c);
  // Three-byte sequences: what no well-formed one decodes to (below U+0800, the surrogates) in
  // block 0, so that the scan needs no check for them (see ScanCharacters).
  block3_of_.assign(block_of_.begin(), block_of_.begin() + (0x10000 >> 6));
  std::fill(block3_of_.begin(), block3_of_.begin() + (0x800 >> 6), 0);
  std::fill(block3_of_.begin() + (0xD800 >> 6), block3_of_.begin() + (0xE000 >> 6), 0);
  return true;
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

void AtomMatcher::Report(int32_t state, uint64_t* seen, size_t end, uint32_t* last_start) const {
  for (int32_t i = out_begin_[state], stop = out_begin_[state + 1]; i < stop; ++i) {
    const int32_t atom = out_[i];
    // Occurrences are reported by ascending end, so the last one reported starts last.
    if (last_start != nullptr) last_start[atom] = static_cast<uint32_t>(end - atom_len_[atom]);
    seen[atom >> 6] |= uint64_t{1} << (atom & 63);
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
void AtomMatcher::Scan(std::string_view text, uint64_t* seen, uint32_t* last_start) const {
  int32_t state = 0;
  if (dense()) {
    const uint16_t* delta = delta_.data();
    const size_t stride = num_classes_;
    for (size_t i = 0; i < text.size(); ++i) {
      const uint16_t entry = delta[static_cast<size_t>(state) * stride +
                                   class_of_[static_cast<unsigned char>(text[i])]];
      state = entry & kStateMask;
      if ((entry & kReports) != 0) Report(state, seen, i + 1, kPositions ? last_start : nullptr);
    }
  } else {
    for (size_t i = 0; i < text.size(); ++i) {
      state = Next(state, fold_[static_cast<unsigned char>(text[i])]);
      Report(state, seen, i + 1, kPositions ? last_start : nullptr);
    }
  }
}

template <bool kPositions>
void AtomMatcher::ScanCharacters(std::string_view text, uint64_t* seen,
                                 uint32_t* last_start) const {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  const uint16_t* delta = delta_.data();
  const size_t stride = num_classes_;
  size_t state_row = 0;  // the state's number times stride
  auto step = [&](uint16_t k, size_t end) {
    const uint16_t entry = delta[state_row + k];
    state_row = (entry & kStateMask) * stride;
    if ((entry & kReports) != 0) {
      Report(entry & kStateMask, seen, end, kPositions ? last_start : nullptr);
    }
  };
  for (size_t i = 0; i < n;) {
    const unsigned char b = p[i];
    if (b < 0x80) {
      step(ascii_class_[b], ++i);
    } else if ((b & 0xF0) == 0xE0 && i + 2 < n &&
               ((uint32_t{p[i + 1]} << 8 | p[i + 2]) & 0xC0C0) == 0x8080) {
      // A three-byte sequence, taken whole. Overlong and surrogate ones have class 0 here: a
      // strict decoder would take each of their bytes alone, each a symbol in no atom (no atom
      // starts at a continuation byte), and one step on class 0 leads where three do: the root.
      const uint32_t c =
          (uint32_t{b & 0x0Fu} << 12) | (uint32_t{p[i + 1] & 0x3Fu} << 6) | (p[i + 2] & 0x3Fu);
      i += 3;
      step(class_in_block_[size_t{block3_of_[c >> 6]} * 64 + (c & 63)], i);
    } else {
      uint32_t c = 0;
      i += DecodeStrict(p + i, n - i, &c);
      step(ClassOf(c), i);
    }
  }
}

void AtomMatcher::Match(std::string_view text, std::vector<int>* found,
                        std::vector<uint32_t>* last_start) const {
  found->clear();
  // Short atoms ("을", "한") occur at most positions: the scan only sets their bits, and the atoms
  // found are read off the bitmap afterwards, in ascending order. The bitmap is on the stack up
  // to 4096 atoms: Match runs once per unit of text.
  constexpr size_t kStackWords = 64;
  uint64_t stack_seen[kStackWords] = {};
  std::vector<uint64_t> heap_seen;
  uint64_t* seen = stack_seen;
  const size_t words = (num_atoms_ + 63) / 64;
  if (words > kStackWords) {
    heap_seen.assign(words, 0);
    seen = heap_seen.data();
  }
  if (last_start != nullptr) {
    if (last_start->size() < num_atoms_) last_start->resize(num_atoms_);
    if (by_character()) {
      ScanCharacters<true>(text, seen, last_start->data());
    } else {
      Scan<true>(text, seen, last_start->data());
    }
  } else if (by_character()) {
    ScanCharacters<false>(text, seen, nullptr);
  } else {
    Scan<false>(text, seen, nullptr);
  }
  for (size_t w = 0; w < words; ++w) {
    for (uint64_t bits = seen[w]; bits != 0; bits &= bits - 1) {
      found->push_back(static_cast<int>(w * 64 + __builtin_ctzll(bits)));
    }
  }
}

}  // namespace kg::ingest
