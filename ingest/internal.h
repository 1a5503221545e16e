// Private to ingest/: the compiled bundle and the text helpers the extractor shares.
#ifndef KG_INGEST_INTERNAL_H_
#define KG_INGEST_INTERNAL_H_

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "ingest/ingest.h"
#include "ingest/rule_prefilter.h"
#include "re2/filtered_re2.h"
#include "re2/re2.h"
#include "unicode/utf8.h"

namespace kg::ingest {

// ---- text helpers (text.cc) ---------------------------------------------------------------------

// CodePointAt by ICU's U8_NEXT: any sequence, malformed ones as U+FFFD.
uint32_t CodePointAtByIcu(std::string_view s, size_t i, int* len);
// Decodes the code point at `i` (valid UTF-8 assumed) and returns it; `*len` gets its length.
// Inline, as are the character classes below: the scanners call them for every character. ASCII
// and the three-byte sequences without special cases (lead bytes E1-EF: Hangul, Han; after ED
// only 80-9F, since ED A0-BF would be a surrogate) are decoded here, the rest by U8_NEXT, whose
// whole expansion here kept the compiler from inlining this into the scanners.
inline uint32_t CodePointAt(std::string_view s, size_t i, int* len) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data()) + i;
  const unsigned char lead = p[0];
  if (lead < 0x80) {
    *len = 1;
    return lead;
  }
  if (lead >= 0xE1 && lead <= 0xEF && i + 2 < s.size() && (p[1] & 0xC0) == 0x80 &&
      (p[2] & 0xC0) == 0x80 && (lead != 0xED || p[1] < 0xA0)) {
    *len = 3;
    return (uint32_t{lead & 0x0Fu} << 12) | (uint32_t{p[1] & 0x3Fu} << 6) | (p[2] & 0x3Fu);
  }
  return CodePointAtByIcu(s, i, len);
}
// The code point that ends right before `i`, or 0 at the start.
inline uint32_t CodePointBefore(std::string_view s, size_t i) {
  if (i == 0) return 0;
  int32_t off = static_cast<int32_t>(i);
  UChar32 c;
  U8_PREV(reinterpret_cast<const uint8_t*>(s.data()), 0, off, c);
  return c < 0 ? 0xFFFD : static_cast<uint32_t>(c);
}
inline bool IsHangul(uint32_t c) {
  return (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0x1100 && c <= 0x11FF) ||
         (c >= 0x3130 && c <= 0x318F);
}
inline bool IsHan(uint32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF);
}
// Accented Latin letters (Latin-1 Supplement and Latin Extended-A/B, U+00C0..U+024F without the
// signs × and ÷): "Ørsted", "Élysée", "ČEZ" are Latin words for boundaries and name scans.
inline bool IsAccentedLatinLetter(uint32_t c) {
  return c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7;
}
inline bool IsLatinAlnum(uint32_t c) {  // Latin letters (ASCII and accented) and digits
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         IsAccentedLatinLetter(c);
}
// The byte length of `c`'s UTF-8 sequence, to step back over the code point before a position.
inline size_t Utf8Length(uint32_t c) { return U8_LENGTH(c); }
inline bool IsKana(uint32_t c) { return c >= 0x3040 && c <= 0x30FF; }
// A code point that belongs to a word (Hangul, Han, Kana, Latin letters and digits).
inline bool IsWordChar(uint32_t c) {
  return IsHangul(c) || IsHan(c) || IsKana(c) || IsLatinAlnum(c);
}
// Whether ICU's sentence rules could break inside `s` (anywhere but at its end): it holds a
// paragraph separator, or a sentence terminator (STerm, ATerm) that neither ends `s` (with only
// closing marks and spaces after it) nor is held to what follows by a rule of UAX #29 that reads
// only its neighbours ("3.5", "U.S", "?!"). When false, the whole of `s` is one sentence.
bool MayBreakSentence(std::string_view s);
// Byte offset of the first invalid UTF-8 sequence, or -1.
int64_t FindInvalidUtf8(std::string_view s);
// The first run of Latin-script name at or after `from`, as [begin, end) (both npos when there
// is none): what RE2 finds for
//   [A-Za-z][A-Za-z0-9]*(?:[-.&/][A-Za-z0-9]+)*(?: [A-Z0-9][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)*)*
// ("BlueLynx D2D", "S&P", "U.S."), where a letter may also be accented ("Ørsted", "Électricité
// de France"; a capital one starts a further word), by a byte loop: the regex's unanchored search
// cost more than the rest of the Latin-name scan, over text that is mostly Hangul.
std::pair<size_t, size_t> FindLatinRun(std::string_view text, size_t from);
// NFKC, as CleanText applies it to every text ("SK㈜" -> "SK(주)", "IRIS²" -> "IRIS2").
std::string Nfkc(std::string_view s);
// NFKC + case fold + whitespace collapse, for comparing names. Never fails on valid UTF-8.
std::string NameKey(std::string_view s);
// Every occurrence in `text` of each of `needles` (each at least 4 bytes long), overlapping ones
// included, as {needle index, byte offset} sorted by needle, then offset: the hits of one
// text.find loop per needle, found in one pass over the text.
std::vector<std::pair<int, uint32_t>> FindEach(std::string_view text,
                                               const std::vector<std::string_view>& needles);
// Terminal columns of `s`: East Asian wide and full-width characters (Hangul, Han) take two.
int DisplayWidth(std::string_view s);
// `s` cut at a character boundary to at most `width` columns, then padded with spaces to it.
std::string PadToWidth(std::string_view s, int width);
std::string Trim(std::string_view s);
// absl here is 20220623: absl::string_view is not std::string_view. These bridge the two.
std::vector<std::string_view> Split(std::string_view s, char sep);
inline absl::string_view AV(std::string_view s) { return absl::string_view(s.data(), s.size()); }
inline std::string Str(absl::string_view s) { return std::string(s.data(), s.size()); }

// ---- the compiled bundle (bundle.cc) ------------------------------------------------------------

// One dictionary entity: a label, a canonical name and every surface form.
struct DictEntry {
  std::string label;
  std::string name;
  std::vector<std::string> aliases;  // includes name
  std::string source;                // file it came from, for the rule id
  bool generic = false;              // emitted only when it takes part in a relation
  std::vector<std::string> flags;    // the 4th column's flags ("generic", "government")
};

// Byte trie over aliases; matching walks it from a start position (leftmost-longest).
class AliasTrie {
 public:
  void Insert(std::string_view alias, int entry);
  // Visits every alias that starts at `pos`, shortest first: fn(end, entry).
  template <typename Fn>
  void MatchAt(std::string_view text, size_t pos, Fn fn) const {
    int node = 0;
    if (frozen_.empty()) {
      for (size_t i = pos; i < text.size(); ++i) {
        node = Child(node, static_cast<unsigned char>(text[i]));
        if (node < 0) return;
        if (nodes_[node].entry >= 0) fn(i + 1, nodes_[node].entry);
      }
      return;
    }
    for (size_t i = pos; i < text.size(); ++i) {
      node = FrozenChild(node, static_cast<unsigned char>(text[i]));
      if (node < 0) return;
      if (frozen_[node].entry >= 0) fn(i + 1, frozen_[node].entry);
    }
  }
  size_t size() const { return nodes_.size(); }
  // False when no alias can start at `pos`: a Bloom-style test of the first kStartBytes bytes
  // there (two Hangul syllables; of the whole alias when it is shorter), in a bitmap that stays
  // in cache, where the walk misses it on nearly every node. True before Freeze.
  static constexpr size_t kStartBytes = 6;
  bool MayStartAt(std::string_view text, size_t pos) const {
    if (starts_.empty()) return true;
    if (pos >= text.size()) return false;
    const size_t rest = text.size() - pos;
    if (rest >= kStartBytes && HasStart(text.data() + pos, kStartBytes)) return true;
    const unsigned lengths = short_lengths_[static_cast<unsigned char>(text[pos])];
    for (size_t len = 1; len < kStartBytes && len <= rest; ++len) {
      if ((lengths >> len & 1) != 0 && HasStart(text.data() + pos, len)) return true;
    }
    return false;
  }
  // After the last Insert: gives nodes with many children (the root, the Hangul lead bytes) a
  // direct 256-entry table and lays every node's children out in one array (no pointer chase
  // per byte); matching is the same, only faster.
  void Freeze();

 private:
  struct Node {
    std::vector<std::pair<unsigned char, int32_t>> kids;  // sorted by byte
    int32_t entry = -1;
    int32_t dense = -1;  // offset of its 256 children in dense_, or -1
  };
  // After Freeze, what matching reads of a node, in 16 bytes (a Node is twice that, and the
  // walk from each word start missed the cache on it): its children are
  // flat_kids_[kids_begin, kids_end) unless it has a dense table.
  struct FrozenNode {
    int32_t entry = -1;
    int32_t dense = -1;
    uint32_t kids_begin = 0;
    uint32_t kids_end = 0;
  };
  int Child(int node, unsigned char b) const;
  // The bit of the first `len` (1 to kStartBytes) bytes at `p` in starts_.
  static constexpr int kStartBits = 17;
  static uint32_t StartHash(const char* p, size_t len) {
    uint64_t v = len;
    for (size_t i = 0; i < len; ++i) v |= uint64_t{static_cast<unsigned char>(p[i])} << (8 * i + 8);
    return static_cast<uint32_t>((v * 0x9E3779B97F4A7C15u) >> (64 - kStartBits));
  }
  bool HasStart(const char* p, size_t len) const {
    const uint32_t h = StartHash(p, len);
    return (starts_[h >> 6] >> (h & 63) & 1) != 0;
  }
  void BuildStarts();
  // Child after Freeze, inline: the gazetteer walks it for every byte of every word start.
  int FrozenChild(int node, unsigned char b) const {
    const FrozenNode& n = frozen_[node];
    if (n.dense >= 0) return dense_[n.dense + b];
    for (uint32_t k = n.kids_begin; k < n.kids_end && flat_kids_[k].first <= b; ++k) {
      if (flat_kids_[k].first == b) return flat_kids_[k].second;
    }
    return -1;
  }
  std::vector<Node> nodes_ = std::vector<Node>(1);
  std::vector<int32_t> dense_;  // -1 = no child
  // After Freeze: every node's children in one array.
  std::vector<std::pair<unsigned char, int32_t>> flat_kids_;
  std::vector<FrozenNode> frozen_;
  // After Freeze: the StartHash bits of every alias's first kStartBytes bytes, and of every alias
  // of fewer bytes (their lengths by first byte in short_lengths_, bit L for L bytes).
  std::vector<uint64_t> starts_;
  unsigned char short_lengths_[256] = {};
};

// Finds which of a fixed set of strings occur in a text, in one pass (Aho-Corasick, ASCII letters
// folded to lower case): the rule prefilter's atom matcher. See atom_matcher.cc.
class AtomMatcher {
 public:
  // `atoms` must be lowercase in ASCII (RE2's FilteredRE2 atoms are).
  explicit AtomMatcher(const std::vector<std::string>& atoms);
  // Indexes of the atoms that occur in `text` (ASCII case ignored), each once, ascending. With
  // `last_start` (sized to size() here), also where each atom found last occurs: the byte its
  // last occurrence starts at is (*last_start)[atom] (the entries of atoms not found are left as
  // they were, so the vector need not be cleared between calls).
  void Match(std::string_view text, std::vector<int>* found,
             std::vector<uint32_t>* last_start = nullptr) const;
  // Whether Match runs on the complete transition table (false when the automaton has too many
  // states for 16-bit entries: then it follows failure links). For tests.
  bool dense() const { return !delta_.empty(); }
  // Whether that table steps once per character rather than once per byte (every atom is whole
  // UTF-8 characters, and the automaton over characters fits the table). For tests.
  bool by_character() const { return !block_of_.empty(); }
  size_t size() const { return num_atoms_; }  // the number of atoms

 private:
  int32_t Next(int32_t state, unsigned char b) const;  // the goto, through failure links
  bool BuildCharacterTable(const std::vector<std::string>& atoms);
  void BuildDenseTable();
  // The class of code point `c` in the table over characters (0: in no atom).
  uint16_t ClassOf(uint32_t c) const {
    return class_in_block_[size_t{block_of_[c >> 6]} * 64 + (c & 63)];
  }
  // Sets the bits of the atoms that end at `state` in `seen` (a bitmap of atoms); with
  // `last_start`, records where each of them starts, given that they end before byte `end`.
  void Report(int32_t state, uint64_t* seen, size_t end, uint32_t* last_start) const;
  template <bool kPositions>
  void Scan(std::string_view text, uint64_t* seen, uint32_t* last_start) const;
  template <bool kPositions>
  void ScanCharacters(std::string_view text, uint64_t* seen, uint32_t* last_start) const;

  size_t num_atoms_ = 0;
  std::vector<uint32_t> atom_len_;  // bytes of each atom
  // An entry of delta_ (below): the next state's number, with kReports set when atoms end there.
  static constexpr uint16_t kReports = 0x8000;
  static constexpr uint16_t kStateMask = 0x7FFF;
  // The complete automaton: delta_[state * num_classes_ + class_of_[byte]] is the next state.
  // Bytes that occur in no atom share class 0; the ASCII fold is part of class_of_.
  unsigned char class_of_[256] = {};
  size_t num_classes_ = 0;
  std::vector<uint16_t> delta_;
  // Over characters instead (by_character()): a code point's class is
  // class_in_block_[block_of_[c >> 6] * 64 + (c & 63)], the blocks of 64 code points that hold
  // no atom's character sharing block 0 (all class 0).
  std::vector<uint16_t> block_of_;
  std::vector<uint16_t> class_in_block_;
  std::vector<uint16_t> block3_of_;  // block_of_ for three-byte sequences (see ScanCharacters)
  uint16_t ascii_class_[128] = {};   // ClassOf for ASCII
  // The failure-link automaton (its edges and links are dropped once delta_ is built, whose
  // breadth-first state numbers out_begin_ and out_ then follow).
  unsigned char fold_[256] = {};      // ASCII letters to lower case
  int32_t root_[256] = {};            // the root's goto, complete (0 = back to the root)
  std::vector<uint32_t> kids_begin_;  // state -> its edges [kids_begin_[s], kids_begin_[s + 1])
  std::vector<unsigned char> edge_byte_;
  std::vector<int32_t> edge_target_;
  std::vector<int32_t> fail_;
  std::vector<int32_t> out_begin_;  // state -> its atoms in out_ (failure chain merged)...
  std::vector<int32_t> out_;        // ...out_[out_begin_[s], out_begin_[s + 1])
};

// A bound that a rule's relaxed regex (below) leaves to be checked after the match: the
// characters in group `group` of the relaxed regex, or, for a repetition inside a repeated group
// (whose group holds only the last run), any match of `overrun` inside the whole match.
struct BoundCheck {
  int group = -1;
  int max_chars = 0;
  std::unique_ptr<RE2> overrun;
};

// The characters that can come right after the leading placeholder of a rule's match (see
// LeadingFollowSet in rule_match.cc): a placeholder followed by another character starts no
// match, so MatchRule does not try one there.
struct FollowSet {
  bool any = true;               // no knowledge: every character, and the end of the text
  uint64_t ascii[2] = {0, 0};    // code points below 128, as bits
  std::vector<uint32_t> others;  // the others, sorted
  static constexpr uint32_t kEndOfText = 0xFFFFFFFF;
  bool Allows(uint32_t c) const {
    if (any) return true;
    if (c < 128) return (ascii[c >> 6] >> (c & 63) & 1) != 0;
    return std::binary_search(others.begin(), others.end(), c);
  }
};

// A relation rule: a regular expression over a unit of text in which each mention is replaced by
// "\x01<index>:<Label>\x02" (see extract.cc). Named groups S and O capture the ends (one mention
// or a coordinated list); other named groups become props.
struct Rule {
  std::string id;
  std::string edge;
  std::string pattern;  // after macro expansion
  std::unique_ptr<RE2> re;
  double confidence = 0.8;
  int min_mentions = 0;  // placeholders a unit needs before the regex is worth running
  bool symmetric_pairs = false;  // S and O are one list: every pair (PARTNERS_WITH among a list)
  // A fixed end: "topic:<Label>" = the article's title entity of that label, "row" = table row
  // head, "" = from the pattern group.
  std::string subject_fixed;
  std::string object_fixed;
  std::vector<std::pair<std::string, std::string>> const_props;  // {"role", "member"}
  // A dictionary flag its subject must not carry ("government": a ministry is not "based in"
  // the country whose name it starts with); empty: none.
  std::string subject_not_flag;
  std::string scope = "unit";  // "unit" (clause/bullet) or "line"
  bool line_scope = false;      // scope == "line"
  // `re` with its long bounded repetitions unbounded, checked after the match instead (null when
  // the pattern has none): a far smaller program. See rule_match.cc.
  std::unique_ptr<RE2> relaxed;
  std::vector<BoundCheck> bound_checks;
  std::vector<std::pair<int, int>> relaxed_groups;  // {group in re, same group in relaxed}
  int first_byte = -1;  // the byte every match starts with (0x01), or -1 (see rule_match.cc)
  // When every match starts with a mention placeholder of certain labels ("{S:Company|...}"
  // first): their PlaceholderTagBit()s. A match cannot start at a placeholder of another label,
  // so MatchRule does not try one there. kAnyTag: no such knowledge.
  uint64_t first_tags = kAnyTag;
  static constexpr uint64_t kAnyTag = ~uint64_t{0};
  // When every match starts with a mention placeholder: what can follow that placeholder.
  FollowSet follow;
  // The pattern starts with "^" (before its first byte, if any): a match starts at the text's
  // first byte or nowhere.
  bool at_text_start = false;
  // The pattern starts with one character before its first byte ("(?:^|[\s•])", "['‘]?"):
  // the size of that lead in the pattern, 0 when there is none. A match then starts at the
  // character before an occurrence of first_byte, at that byte itself when the lead may be empty
  // (lead_optional), or at the text's first byte through a "^" alternative (lead_caret).
  size_t lead_size = 0;
  bool lead_optional = false;
  bool lead_caret = false;
  // The pattern has a gap that can run across placeholders to the end of the unit ("[^\n]*?"):
  // a failed anchored attempt costs BitState the rest of the unit, so MatchRule asks RE2's DFA
  // whether anything matches there before it asks for the groups. See rule_match.cc.
  bool dfa_first = false;
};

// The bit of a placeholder's tag ("Company", "Product~" for a generic term) among the bundle's
// vertex labels (`label_index` into Bundle::Impl::vertex_labels, -1 when not there): every bit
// (Rule::kAnyTag) when the label has no bit of its own, so that no rule skips it.
inline uint64_t PlaceholderTagBit(int label_index, bool generic) {
  if (label_index < 0 || label_index >= 32) return Rule::kAnyTag;
  return uint64_t{1} << (2 * label_index + (generic ? 1 : 0));
}

// The placeholders of a unit's tagged text: where each starts (ascending), its tag's bit, and
// the code point right after it (FollowSet::kEndOfText at the end). `next` may be left empty:
// then MatchRule does not use the rules' follow sets.
struct PlaceholderStarts {
  std::vector<size_t> pos;
  std::vector<uint64_t> tag_bit;
  std::vector<uint32_t> next;
};

// ---- relaxed rule regexes (rule_match.cc) -------------------------------------------------------

// A repetition of a character class (or of a group) that RelaxBoundedRepeats unbounded.
struct RelaxedSite {
  std::string group;       // the named group around it in the relaxed pattern
  std::string char_class;  // "[^()\n]"
  int max_chars = 0;       // its upper bound
  bool repeated = false;   // inside a repeated group (its group holds only the last run)
  std::string before;      // the unquantified literal right before it ("\\("), or empty
  std::string after;       // the unquantified literal right after it, or empty
  // A repeated group ("(?:x|yz){0,240}") rather than a class, `char_class` empty: its group holds
  // all its repeats, and at most max_chars characters there (its bound times the fewest
  // characters one repeat holds) mean at most its bound of repeats.
  bool group_repeat = false;
};

struct RelaxedPattern {
  std::string pattern;
  std::vector<RelaxedSite> sites;
};

// `pattern` with every repetition of a character class bounded at `min_bound` or more ("{0,60}",
// "{1,60}?") written without its upper bound ("{0,}", "{1,}?") inside a named group, and every
// such repetition of a group whose repeats hold at least one character. Nullopt
// when there is none, or when the pattern has constructs this reader does not handle (flag
// groups, \Q, \C): such a pattern runs as it is.
std::optional<RelaxedPattern> RelaxBoundedRepeats(std::string_view pattern, int min_bound);
// The follow set of the first placeholder in an expanded rule pattern that starts with a mention
// macro: the first characters of what comes after the pattern's first "\\x02" (a superset; any
// when the rest can be empty or this reader cannot tell).
FollowSet LeadingFollowSet(std::string_view pattern);
// Fills rule->first_byte, and rule->relaxed with its checks when the rule's pattern has bounded
// repetitions of `min_bound` or more (shorter ones cost the exact program little).
void RelaxRule(Rule* rule, int min_bound = 8);
// rule.re->Match(text, start, text.size(), UNANCHORED, groups, ngroups), by the relaxed regex
// when the rule has one and anchored at each occurrence of its first byte when it has one: the
// same match, group 0 and every named group (with a relaxed regex other groups are left empty).
// `starts` (optional) are the text's placeholders: those whose tag the rule's first_tags leave
// out are not tried as a start (the same match, fewer attempts). `last_start`: a byte no match
// of the rule can start after (RulePrefilter::Candidates finds one from the atoms' positions);
// attempts after it are not made.
bool MatchRule(const Rule& rule, re2::StringPiece text, size_t start, re2::StringPiece* groups,
               int ngroups, const PlaceholderStarts* starts = nullptr,
               size_t last_start = std::string_view::npos);

// A phrase that names an entity the dictionaries cannot list ("철강 수입품에 대한 25% 관세"):
// a regex over the raw text whose group "name" is the entity; `relations` link it (or other
// groups' mentions) to the mentions inside other named groups.
struct EntityRule {
  struct Link {
    std::string edge;
    std::string from;  // group name; "name" is the new entity
    std::string to;
  };
  std::string id;
  std::string label;
  std::unique_ptr<RE2> re;
  std::vector<Link> links;
  double confidence = 0.6;
};

// Suffix or context that gives an unknown name its label.
struct LabelCue {
  std::string text;
  std::string label;
};

struct EdgeSignature {
  std::vector<std::string> subjects;
  std::vector<std::string> objects;
  bool symmetric = false;
  // The qualifiers it takes from its clause when its rule gives none (qualifiers.h).
  bool takes_date = false;
  bool takes_year = false;
  bool takes_amount = false;
};

// ---- typed-trigger fallback (trigger_frames.cc) -------------------------------------------------

// A relation's meaning as a frame: the words that state it (투자, 출자 -> INVESTS_IN) and the
// particle that marks its object (에, 와/과, 을/를, 의). Loaded from triggers.tsv.
struct TriggerFrame {
  std::string edge;
  std::vector<std::string> triggers;
  std::vector<std::string> object_marks;  // longest first
  std::vector<std::string> subjects;      // labels; from edges.tsv when triggers.tsv names none
  std::vector<std::string> objects;
  // The mark names the subject, and the clause's subject is the object: "Y가 X로부터 공급받아"
  // (X supplies Y).
  bool reverse = false;
  // A verb that puts its object into a host ("탑재", "적용"): a name marked with a "@host"
  // particle is the subject ("Y를 Z에 탑재": Z uses Y), and the object is the accusative name or,
  // with none, the clause's subject ("Y는 Z에 탑재"); a host the text did not recognise ("Y를
  // 태블릿에 적용") leaves the subject unknown: no relation. Without a host, the usual reading.
  bool host = false;
};

// The words the frames read roles and readings from, each list from an "@" line of
// triggers.tsv (data/README.md): no word of a language is in the code. An empty list turns its
// reading off ("_" in the file is a space; the comments give the Korean of the shipped bundle).
struct TriggerWords {
  // "@passive": right after a trigger, a passive ("되", "된"): the roles turn round, no reading.
  std::vector<std::string> passive;
  // "@received_before" / "@received_after": the word before a trigger ("유치한 ", "받은 ") or
  // the text after it ("를 받", " 유치") that receives it: only `reverse` frames read it.
  std::vector<std::string> received_before;
  std::vector<std::string> received_after;
  // "@back_reference WORDS COUNT": words that stand, as a clause's subject, for the last COUNT
  // companies named before ("양사" 2, "이 회사" 1); tried in file order.
  struct BackReference {
    std::string word;
    size_t count = 1;
  };
  std::vector<BackReference> back_references;
  // The subject particles: "@topic" (은, 는: carried over to a later clause), "@nominative"
  // (이, 가: also a relative clause's subject), "@additive" (도: a back-reference's subject).
  std::vector<std::string> topic;
  // "@topic_not": endings of a word that ends in a topic particle but is no subject: an
  // adverbial topic ("최근에는", "미국에서는") or a verb's adnominal ending ("하는").
  std::vector<std::string> topic_not;
  std::vector<std::string> nominative;
  std::vector<std::string> additive;
  // "@accusative" (을, 를): a frame with one takes the noun compounded with its trigger as its
  // object ("Y 생산"); with the topic, it closes an owned phrase ("X의 Y를 ...").
  std::vector<std::string> accusative;
  // "@particle": any particle that gives a word a role of its own and so closes a compound noun
  // phrase ("제품을", "공장에").
  std::vector<std::string> particles;
  // "@genitive": the mark, with its space, of a name owning the phrase after it ("의 ").
  std::vector<std::string> genitive;
  // "@coordinator": what stands between coordinated names ("와 ", "·", ", ", " 및 ").
  std::vector<std::string> coordinators;
  // "@companion": after a name between subject and object, it shares the subject's part
  // ("와 함께 ").
  std::vector<std::string> companions;
  // "@list_end": what closes a list before its category ("A, B 등 주요 기업과").
  std::vector<std::string> list_ends;
  // "@relative": endings after a trigger that make its clause modify the name after it, which
  // is then its object or subject ("한 ", "하는 ", " 중인 "); "@modifier": other endings by
  // which it modifies the noun after it, whose name is read no end ("할 ", "된 ").
  std::vector<std::string> relative;
  std::vector<std::string> modifier;
  // "@adnominal": the endings of a verb word that modifies the noun after it ("주관하는",
  // "출자한"): a 이/가 name before it is that relative clause's subject.
  std::vector<std::string> adnominal;
  // "@heads_phrase": what follows a trigger that heads its noun phrase, a particle or a verb
  // ending ("을", "하", " 중"), not another noun ("Y 개발 프로그램").
  std::vector<std::string> heads_phrase;
  // "@government": words after a bullet's "(X)" head that are X itself ("정부는").
  std::vector<std::string> government;
  // "@host": the particles that mark the host of a `host` frame's trigger ("에", "에는").
  std::vector<std::string> host;
};

struct TriggerTable {
  std::vector<TriggerFrame> frames;
  TriggerWords words;
  std::vector<std::string> negations;    // after the trigger in its clause: no relation
  std::vector<std::string> clause_ends;  // connective endings that close a clause ("고 ", ", ")
  // Labels whose names own no noun phrase ("미국의 공장에": where, not whose; see "@owner_not").
  std::vector<std::string> owner_not;
  double confidence = 0.45;
  // The wider readings (see FindTriggerRelations) and their lower confidences; 0 leaves a
  // reading off ("@wide_object", "@wide_subject").
  double wide_object_confidence = 0;
  double wide_subject_confidence = 0;
  // The label a back-reference ("양사는", "이 회사는") stands for: config.tsv's company_label;
  // empty: back-references are not read.
  std::string company_label;
  // The triggers by their first code point ({frame, trigger}), and a bitmap of those code points
  // below U+10000: a unit is scanned once, and most of its characters start no trigger. Built by
  // IndexTriggers.
  absl::flat_hash_map<uint32_t, std::vector<std::pair<int, int>>> by_first;
  std::vector<uint64_t> first_bits;
};

// Whether a clause that starts in [from, to) of `tagged` (after one of table.clause_ends) opens
// with a subject of its own that the text did not recognise as a name: a first word with no
// name in it that ends in a topic particle, and not in a "@topic_not" ending ("A는 X를 개발했고,
// 네이버클라우드는 Y를 개발": B's clause is not A's). A subject before it is then not the
// subject of what comes after it.
bool UnknownTopicBetween(const TriggerTable& table, std::string_view tagged, size_t from,
                         size_t to);

// Fills table->by_first and first_bits from its frames (FindTriggerRelations finds nothing in a
// table without them).
void IndexTriggers(TriggerTable* table);

// A mention of a unit's tagged text (see RunRulesOnUnit in extract.cc) as the fallback reads it.
struct TaggedMention {
  size_t pos = 0, end = 0;  // the placeholder in the tagged text
  int entity = -1;
  std::string_view label;
  bool generic = false;
};

// A relation the fallback finds: frame index, trigger, and the ends as entities.
struct TriggerHit {
  int frame = -1;
  int trigger = -1;
  int subject = -1;
  int object = -1;
  // Which reading found it: the marked frame, or a wider one (lower confidence).
  enum Reading { kMarked, kWideObject, kWideSubject };
  Reading reading = kMarked;
};

// The confidence of a relation the fallback found by `reading`.
double TriggerConfidence(const TriggerTable& table, TriggerHit::Reading reading);

// The typed-trigger fallback over one unit: for each trigger word outside the placeholders, the
// nearest mention before it in its clause that fits the frame's object labels and carries one of
// its object marks, or owns the phrase that carries one ("X의 공장 건설에"), with the names
// coordinated before it; and the nearest other name before the trigger among `subject_places`
// (mentions followed by a subject particle; one before the clause only when it is among
// `topic_places`, the topic 은/는 a later clause carries over). A trigger in a relative clause
// ("X가 주관하는 Y") relates its subject to the name it modifies. A negation or a recommendation
// after the trigger in its clause ("않", "필요") suppresses it. With `wide_object_confidence`,
// a name heading a compound noun phrase before the trigger may be the object; with
// `wide_subject_confidence`, a bullet's "(X)" head the subject (TriggerHit::reading says which).
//
// In a table cell, `row` (the row's head cell's name; its pos and end are unused) is the object
// of a trigger that follows a name and ends its item ("M4 | 애플 설계, TSMC 3nm 생산": Apple
// develops M4, TSMC produces it), when it fits the frame's object labels.
void FindTriggerRelations(const TriggerTable& table, std::string_view tagged,
                          const std::vector<TaggedMention>& mentions,
                          const std::vector<size_t>& subject_places,
                          const std::vector<size_t>& topic_places, std::vector<TriggerHit>* hits,
                          const TaggedMention* row = nullptr);

// ---- technology and product phrases as relation ends (name_context.cc) ------------------------

// What reads a noun phrase no dictionary lists as a technology or a product: the verbs whose
// object it is (lexicon `phrase_verb`: 개발, 생산, 탑재...), the head nouns that give its label
// (`phrase_head`: 배터리 -> Product, 공정 -> Technology; a head word ends in one), the words that
// are no modifier in such a phrase and name nothing as its head alone (`phrase_stop`: 분야, 세계,
// 제품...), and the general heads that name nothing alone either but without which a phrase is
// the same thing's name (`phrase_general`: "해수 탈염 기술" is "해수 탈염").
struct PhraseLexicon {
  std::vector<std::string> verbs;
  std::vector<LabelCue> heads;  // longest first
  absl::flat_hash_set<std::string> stops;
  absl::flat_hash_set<std::string> generals;
  // Whether a head word alone names nothing.
  bool IsBareStop(std::string_view word) const {
    return stops.contains(AV(word)) || generals.contains(AV(word));
  }
  bool empty() const { return verbs.empty() || heads.empty(); }
};

// A candidate phrase: its words [word_begins[i], next space) from the first modifier to the head,
// the head's end (before its particle) and the label its head gives.
struct ObjectPhrase {
  std::vector<size_t> word_begins;
  size_t end = 0;
  std::string label;
};

// "네오디뮴 자석을 개발", "급속 충전기를 생산해", "산업용 로봇 개발을 시작", "로봇 차량 개발에
// 주력": the noun phrases that are the object of a phrase verb, marked by 을/를 right before the
// verb (or one short word before it, "을 자체 개발"), or the first part of a compound whose last
// word is the verb ("Y 개발을", "Y 생산의", "Y 제조,"). A phrase is its head word (ending in a
// `phrase_head` cue) and up to two modifiers before it: words without a particle, a digit, a
// bracket or an adnominal ending (효율적, 새로운), and none of `phrase_stop`. A head alone must be
// longer than its cue ("풍력타워", not "타워"). In text order.
std::vector<ObjectPhrase> FindObjectPhrases(std::string_view text, const PhraseLexicon& lex);

struct Bundle::Impl {
  std::string dir;
  std::vector<std::string> vertex_labels;
  absl::flat_hash_map<std::string, EdgeSignature> edges;
  std::vector<DictEntry> entries;
  AliasTrie trie;
  absl::flat_hash_map<std::string, int> by_name_key;  // NameKey(alias or name) -> entry
  std::vector<std::string> particles;                  // longest first
  // particles and attached suffixes by their first code point, longest first (hot path)
  absl::flat_hash_map<uint32_t, std::vector<std::string>> suffixes_by_first;
  std::vector<std::string> attached_suffixes;          // 산, 향, 형, 용...
  std::vector<std::string> company_forms;  // 社, (주): a company's legal-form mark at its name
  std::vector<std::string> company_form_rules;         // "signal:社": the rule id of each of them
  absl::flat_hash_set<std::string> ambiguous;          // aliases that are also common words
  // Phrases in which a name is a common word ("인도가 시작": a delivery, not India; "멕시코만
  // 연안": the Gulf's coast): a dictionary or ICU name inside one is no mention.
  std::vector<std::string> common_senses;
  absl::flat_hash_set<std::string> stop_names;          // NameKey of names that are never entities
  std::vector<LabelCue> name_suffixes;                 // 연구소 -> Organization
  // Sector, activity and role nouns (물류, 중소, 위탁생산): a word ending in one and then in a
  // naming suffix that is also an attached bound noun ("물류기업") is a class noun, no name.
  std::vector<std::string> class_stems;
  std::vector<LabelCue> name_prefixes;                 // "Project " -> Program
  absl::flat_hash_map<uint32_t, std::vector<LabelCue>> suffixes_by_last;  // by last code point
  absl::flat_hash_map<uint32_t, std::vector<std::string>> particles_by_last;
  std::vector<LabelCue> before_cues;                   // "스타트업 " + Name -> Company
  std::vector<LabelCue> after_cues;                    // Name + " 기업" -> Company
  std::vector<LabelCue> definition_heads;  // "* (X) ~하는 발사체": a footnote defines a kind
  std::vector<LabelCue> column_cues;  // a table header word: "주력 모델" -> its cells are Products
  std::vector<LabelCue> subject_verbs;  // "X가 ... 양산": a verb of X's clause -> X is a Company
  std::vector<LabelCue> role_endings;   // "건설사 X(Y)": how the role word before X ends
  std::vector<LabelCue> object_verbs;  // "X를 ... 인수": the verb X is the object of -> its label
  PhraseLexicon phrases;               // technology and product phrases as relation ends
  absl::flat_hash_set<std::string> reference_words;  // "Article" 5: a number after it is no model
  std::vector<LabelCue> model_heads;  // "YFQ-44A 드론": a head noun that makes a code a model
  std::vector<std::string> subnational_markers;        // " 주": a state, not a country
  // Words after a date (qualifiers.h): "까지" makes it no date of its clause's event,
  // "부터" the date it takes effect, which yields to another date of the clause.
  std::vector<std::string> date_skip_words;
  std::vector<std::string> date_start_words;
  // The edges that take a qualifier from their clause (qualifiers.h), in file order: a few, so
  // that the pass compares a relation's edge with each rather than hashing it.
  std::vector<std::string> clause_qualifier_edges;
  // kAmountPattern, for the edges that take an amount from their clause; null when none does.
  // Compiled with the bundle, not on a document's first relation.
  std::unique_ptr<re2::RE2> clause_amount_re;
  // A bare alias whose entity depends on the country it is said of: "상무부" is the U.S.
  // Department of Commerce by default, China's ministry in "(중국) 상무부는". Built from the
  // dictionaries' country-qualified aliases ("중국 상무부", "상무부(중국)"): for the entry a
  // bare alias resolves to, each {NameKey(bare alias), country entry, qualified variant's entry}.
  struct CountryVariant {
    std::string bare_key;
    int country = -1;
    int entry = -1;
  };
  absl::flat_hash_map<int, std::vector<CountryVariant>> country_variants;
  std::vector<Rule> rules;
  // The prefilter: which rules can match a unit. Each rule needs certain literal strings
  // ("atoms", lowercased) to occur in the unit (re2::FilteredRE2 derives them from the regex);
  // one Aho-Corasick pass finds the atoms present and the filter names the rules whose needs
  // are met (a superset of the rules that match), which then run with captures. It replaced
  // one RE2::Set of all the rules, whose many-match DFA over ~100 patterns with bounded gaps
  // kept building states (~150 ns per byte, a quarter of extraction). Null when not built:
  // then every rule runs.
  std::unique_ptr<re2::FilteredRE2> rule_filter;  // regexp id == index into `rules`
  // The same filter as each rule's clauses of atoms (rule_prefilter.h), which RunRulesOnUnit
  // asks instead of `rule_filter`: it names a superset of the rules that match, and costs a
  // fraction of AllPotentials' fresh maps per unit.
  RulePrefilter rule_prefilter;
  std::unique_ptr<AtomMatcher> rule_atoms;  // atom index == index into rule_prefilter.atoms()
  std::vector<int> line_rules;              // the rules of scope "line", in order
  std::vector<EntityRule> entity_rules;
  // The same prefilter over the entity rules, which ScanEntityRules asks once per document
  // (each rule is an unanchored search of the whole text). Null atoms: every entity rule runs.
  RulePrefilter entity_rule_prefilter;
  std::unique_ptr<AtomMatcher> entity_rule_atoms;
  TriggerTable triggers;  // triggers.tsv; no frames when the bundle has none
  std::string country_label = "Country";
  std::string document_label = "Document";
  std::string mentions_edge = "MENTIONS";
  std::string published_by_edge = "PUBLISHED_BY";
  std::string based_in_edge = "BASED_IN";
  std::string publisher_default_label = "Organization";
  std::string company_label = "Company";  // "X社", "Name (Country)" rows, "NVIDIA 저사양 칩"
  std::string model_label;  // "AMD의 MI308": a model number after its maker; "" = not typed
  // "Glencore는", "유니트리(Unitree Robotics)는", "포드(Ford)와": a name spelled out in Latin
  // that is the subject or the partner of its clause and has no other cue; "" = not typed
  std::string actor_label;
  // Labels whose dictionary names, named once in an article and in no relation there, are a
  // passing mention ("생성형 AI 등 신기술"), not one of its entities; empty: every name is.
  std::vector<std::string> passing_labels;

  int FindByName(std::string_view surface) const;  // -1 when unknown
  bool IsStopName(std::string_view surface) const;
};

// ---- labels from a name's clause (name_context.cc) ----------------------------------------------

// The end of the subject particle (는/은/이/가, after an optional footnote mark) that follows a
// name ending at `end`, when a space, a comma or the text's end follows it; npos when none.
size_t SubjectParticleEnd(std::string_view text, size_t end);
// "X가 '23.10월에 생산을 개시", "X는 '24.5월 합작": the label of the first of `verbs` (lexicon
// `subject_verb`) in the clause of which the name ending at `end` is the subject; "" when the
// name carries no subject particle or its clause holds none of them. Sets *conf.
std::string LabelFromSubjectVerb(std::string_view text, size_t end,
                                 const std::vector<LabelCue>& verbs, double* conf);
// "X(Y)를 8억 달러에 인수", "'X'를 개시": the label of the first of `verbs` (lexicon
// `object_verb`) in the clause of which the name ending at `end` (before an optional closing
// quote or footnote mark) is the object (을/를); "" when the name carries no object particle or
// its clause holds none of them before another object. Sets *conf.
std::string LabelFromObjectVerb(std::string_view text, size_t end,
                                const std::vector<LabelCue>& verbs, double* conf);
// Whether `name` is spelled out in Latin letters as a proper name is: a capital first, a
// lower-case letter (not an acronym, "CSP", "GPU"; not a common noun, "topoconductor") and no
// digit (a model, "Xe-100", or a numbered site, "Hornsea 4").
bool IsSpelledName(std::string_view name);
// What a Latin run reads as when it holds a digit (ModelNameShape):
//  kBrandModel: a brand spelled out as a name and further capitalised words, then a word with a
//    digit and what follows it: "Galaxy S25", "Exynos 2400", "Long March 6A", "Snapdragon 8
//    Elite". Not when its first word is a reference word (lexicon `reference_word`:
//    "Article 5", "Phase 3"; "Long March 6A" is a model) nor when the number is a year or a span of
//    years ("Vision 2030", "Outlook 2025-2029").
//  kCode: a single code of letters and digits, with hyphens or colons: "YFQ-44A", "MI308",
//    "NXT:1980i"; on its own it is as likely a standard or a quantity ("HBM3E", "Q3", "CO2"),
//    so only a head noun after it makes it a model ("YFQ-44A 드론"); so too a brand and a
//    version, "Zentra 2.0", a standard's as often as a product's.
//  kNone: anything else (no digit; an acronym before a number, "COP 28", "USD 100").
enum class ModelShape { kNone, kBrandModel, kCode };
ModelShape ModelNameShape(std::string_view name,
                          const absl::flat_hash_set<std::string>& reference_words);
// "갤럭시 S25", "엑시노스 2400이", "아이폰 16 Pro에", "라이젠 AI 300을", "라마 3.2": where the
// model after a brand name ending at `end` ends. The model is the brand's version ("3" + ".2")
// and up to three further Latin words, each a capital, a digit or a code ("S25", "16", "Pro",
// "AI", "200V"), with a digit among them; the last word with or after the digit ends it. `end`
// when no model follows. The caller checks what comes after (a particle, not a counter: "1공장").
size_t BrandModelEnd(std::string_view text, size_t end);
// "스냅드래곤 8 엘리트(Snapdragon 8 Elite)", "제미나이 나노(Gemini Nano)": where the Korean
// spelling of a model after the brand ending at `end` ends (at the "("), when the brackets right
// after it spell the brand as `brand_latin` and then as many words as the Korean has after the
// brand; `end` otherwise.
size_t SpelledModelEnd(std::string_view text, size_t end, std::string_view brand_latin);
// "Glencore는 ...", "포드(Ford)와 합작", "노키아(Nokia)로부터 인수": whether the name ending at
// `end` acts in its clause: it carries a subject particle (은/는/이/가, also after a footnote
// mark, as SubjectParticleEnd reads it) or 로부터 ("from"), then a space or comma, or a
// partner's 와/과 before a Korean word (before a name they join two names: "X와 Y의 경쟁").
bool ActsInClause(std::string_view text, size_t end);
// Where the first sentence of the line starting at `line_begin` starts: past bullet marks and
// spaces and a leading "(head) " ("- (한국) 고려아연은 ..." -> "고려아연은 ...").
size_t LineSubjectStart(std::string_view text, size_t line_begin);
// "포르투갈 건설사 모타엔길(Mota-Engil)", "사모펀드 X": the label of the role word right before
// the name starting at `begin`, a compound of three or more syllables whose end is one of
// `endings` (lexicon `role_ending`: 사, 기업, 펀드 ...); "" when there is none. Sets *conf.
std::string LabelFromRoleWord(std::string_view text, size_t begin,
                              const std::vector<LabelCue>& endings, double* conf);

}  // namespace kg::ingest

#endif  // KG_INGEST_INTERNAL_H_
