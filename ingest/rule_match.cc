// Relation rules matched through a relaxed regex, with the exact one as the fallback.
//
// Rule patterns bound their gaps ("{DEF}" holds [^()\n]{1,60}, rules write [^\x01\n]{0,20}?).
// RE2 unrolls a bounded repetition into one copy of the class per count, so most rule programs
// grew past BitState's 512 instructions (captures then ran on the slow NFA) and their DFAs kept
// building states. The relaxed regex writes each long bounded repetition of a character class
// without its upper bound; the rule then runs the relaxed regex, checks the bounds on what it
// matched, and runs the exact regex only when a bound was exceeded. A long bounded repetition of
// a group ("(?:[^\x01\n]|\x01...\x02.){0,240}", 240 copies of the group in RE2's program) is
// unbounded the same way, inside a group of its own: at most its bound times the fewest
// characters one repeat holds there means at most its bound of repeats (a superset of the
// overruns again, so the exact regex decides the rest).
//
// Why the answer is the exact regex's: the relaxed regex accepts every path the exact one
// accepts, and orders paths the same way (a bounded repetition only drops the "one more" branch
// past its bound). So when the relaxed regex's match (leftmost start, then highest priority
// path) keeps every bound, no exact match starts earlier (it would be a relaxed match too) and
// none at that start ranks higher: it is the exact regex's match, groups and all.
//
// Most rules can only match from a placeholder's first byte (0x01); those are run anchored at
// each placeholder in turn (see LeftmostMatch), which finds the same leftmost match faster, and
// only at the placeholders whose label can start the rule's match (Rule::first_tags) and whose
// next character can follow the leading placeholder (Rule::follow: "{S:Company}{DEF}(?:가|이) "
// needs "(", "*", "社", "가" or "이" there; most failed attempts failed right there). With a
// relaxed regex the argument above still holds: a skipped placeholder may start a relaxed match,
// but no exact one, so the first relaxed match at a placeholder tried that keeps every bound is
// still the exact regex's leftmost match.
#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "ingest/internal.h"

namespace kg::ingest {
namespace {

// The name prefix of the groups that hold the relaxed repetitions.
constexpr std::string_view kBoundGroup = "kg_bound_";

enum class AtomKind { kEnd, kBad, kOpen, kClose, kAlt, kClass, kLiteral, kOther };

struct Atom {
  AtomKind kind = AtomKind::kEnd;
  std::string_view text;
  size_t next = 0;
};

struct Quantifier {
  std::string_view text;  // empty: none
  int min = 1;
  int max = 1;  // -1: unbounded
  bool lazy = false;
  size_t next = 0;
  bool Repeats() const { return max < 0 || max > 1; }
};

size_t Utf8Length(unsigned char lead) {
  return lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
}

// From `i` (just after "\p", "\x"...): the end of a "{...}" argument, or `i` when there is none.
size_t SkipBraced(std::string_view p, size_t i) {
  if (i >= p.size() || p[i] != '{') return i;
  size_t close = p.find('}', i);
  return close == std::string_view::npos ? p.size() : close + 1;
}

Atom ReadEscape(std::string_view p, size_t i) {
  if (i + 1 >= p.size()) return {AtomKind::kBad, {}, p.size()};
  const char c = p[i + 1];
  size_t end = i + 2;
  if (c == 'Q' || c == 'C') return {AtomKind::kBad, {}, p.size()};  // quoting, single bytes
  if (c == 'p' || c == 'P') end = end < p.size() && p[end] == '{' ? SkipBraced(p, end) : end + 1;
  if (c == 'x') end = end < p.size() && p[end] == '{' ? SkipBraced(p, end) : end + 2;
  end = std::min(end, p.size());
  const bool punct = !(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'z') &&
                     !(c >= 'A' && c <= 'Z') && static_cast<unsigned char>(c) < 0x80;
  return {punct ? AtomKind::kLiteral : AtomKind::kOther, p.substr(i, end - i), end};
}

Atom ReadClass(std::string_view p, size_t i) {
  size_t j = i + 1;
  if (j < p.size() && p[j] == '^') ++j;
  if (j < p.size() && p[j] == ']') ++j;
  while (j < p.size() && p[j] != ']') {
    if (p[j] == '\\') {
      j = ReadEscape(p, j).next;
    } else if (p.compare(j, 2, "[:") == 0) {
      size_t close = p.find(":]", j + 2);
      if (close == std::string_view::npos) return {AtomKind::kBad, {}, p.size()};
      j = close + 2;
    } else {
      ++j;
    }
  }
  if (j >= p.size()) return {AtomKind::kBad, {}, p.size()};
  return {AtomKind::kClass, p.substr(i, j + 1 - i), j + 1};
}

// One atom of the pattern at `i`. Groups other than "(", "(?:" and "(?P<name>" (flag groups,
// which change what a class means) are kBad: such a pattern is not relaxed.
Atom ReadAtom(std::string_view p, size_t i) {
  if (i >= p.size()) return {AtomKind::kEnd, {}, i};
  switch (p[i]) {
    case '(': {
      size_t end = i + 1;
      if (p.compare(i, 3, "(?:") == 0) {
        end = i + 3;
      } else if (p.compare(i, 4, "(?P<") == 0) {
        size_t close = p.find('>', i);
        if (close == std::string_view::npos) return {AtomKind::kBad, {}, p.size()};
        end = close + 1;
      } else if (p.compare(i, 2, "(?") == 0) {
        return {AtomKind::kBad, {}, p.size()};
      }
      return {AtomKind::kOpen, p.substr(i, end - i), end};
    }
    case ')':
      return {AtomKind::kClose, p.substr(i, 1), i + 1};
    case '|':
      return {AtomKind::kAlt, p.substr(i, 1), i + 1};
    case '[':
      return ReadClass(p, i);
    case '\\':
      return ReadEscape(p, i);
    case '.':
    case '^':
    case '$':
      return {AtomKind::kOther, p.substr(i, 1), i + 1};
    case '*':
    case '+':
    case '?':
    case '{':
      return {AtomKind::kBad, {}, p.size()};  // a quantifier with nothing before it
    default: {
      size_t len = std::min(Utf8Length(static_cast<unsigned char>(p[i])), p.size() - i);
      return {AtomKind::kLiteral, p.substr(i, len), i + len};
    }
  }
}

Quantifier ReadQuantifier(std::string_view p, size_t i) {
  Quantifier q;
  q.next = i;
  if (i >= p.size()) return q;
  size_t end = i;
  if (p[i] == '*' || p[i] == '+' || p[i] == '?') {
    q.min = p[i] == '+' ? 1 : 0;
    q.max = p[i] == '?' ? 1 : -1;
    end = i + 1;
  } else if (p[i] == '{') {
    size_t close = p.find('}', i);
    if (close == std::string_view::npos) return q;
    std::string_view inner = p.substr(i + 1, close - i - 1);
    size_t comma = inner.find(',');
    int lo = 0, hi = 0;
    if (!absl::SimpleAtoi(AV(inner.substr(0, comma)), &lo)) return q;  // a literal "{"
    if (comma == std::string_view::npos) {
      hi = lo;
    } else if (comma + 1 == inner.size()) {
      hi = -1;
    } else if (!absl::SimpleAtoi(AV(inner.substr(comma + 1)), &hi)) {
      return q;
    }
    q.min = lo;
    q.max = hi;
    end = close + 1;
  } else {
    return q;
  }
  if (end < p.size() && p[end] == '?') {
    q.lazy = true;
    ++end;
  }
  q.text = p.substr(i, end - i);
  q.next = end;
  return q;
}

// The character a literal atom stands for ("\(" -> "(").
std::string_view LiteralChar(std::string_view literal) {
  return literal[0] == '\\' ? literal.substr(1) : literal;
}

// A literal atom at `i` that is not quantified, or empty.
std::string_view PlainLiteralAt(std::string_view p, size_t i) {
  Atom a = ReadAtom(p, i);
  if (a.kind != AtomKind::kLiteral || !ReadQuantifier(p, a.next).text.empty()) return {};
  return a.text;
}

size_t CodePoints(re2::StringPiece s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// The byte every match of `p` starts with, or -1: the pattern's first atom is that literal
// (ASCII, or an \xHH escape below 0x80), inside groups that are neither optional nor split by an
// alternative, and the pattern has no top-level alternative. A "^" may come before that literal
// (`*at_text_start` says so): then the one match there can be starts at the text's first byte.
int FirstByteOfEveryMatch(std::string_view p, bool* at_text_start) {
  *at_text_start = false;
  size_t i = 0;
  int initial_groups = 0;
  Atom a = ReadAtom(p, i);
  for (;; a = ReadAtom(p, i)) {
    if (a.kind == AtomKind::kOpen) {
      ++initial_groups;
    } else if (a.kind == AtomKind::kOther && a.text == "^" && !*at_text_start &&
               ReadQuantifier(p, a.next).text.empty()) {
      *at_text_start = true;
    } else {
      break;
    }
    i = a.next;
  }
  int byte = -1;
  if (a.kind == AtomKind::kLiteral && a.text.size() <= 2) {
    byte = static_cast<unsigned char>(LiteralChar(a.text)[0]);
  } else if (a.kind == AtomKind::kOther && a.text.size() == 4 && a.text.substr(0, 2) == "\\x") {
    int v = 0;
    if (!absl::SimpleHexAtoi(AV(a.text.substr(2)), &v)) return -1;
    byte = v;
  }
  if (byte < 0 || byte >= 0x80 || !ReadQuantifier(p, a.next).text.empty()) {
    *at_text_start = false;
    return -1;
  }
  // Open groups: true for the initial ones, which must be neither skipped nor split.
  std::vector<bool> open(initial_groups, true);
  for (i = a.next; i < p.size();) {
    a = ReadAtom(p, i);
    if (a.kind == AtomKind::kBad || a.kind == AtomKind::kEnd) break;
    if (a.kind == AtomKind::kOpen) {
      open.push_back(false);
      i = a.next;
      continue;
    }
    if (a.kind == AtomKind::kAlt) {
      if (open.empty() || open.back()) break;
      i = a.next;
      continue;
    }
    const Quantifier q = ReadQuantifier(p, a.next);
    if (a.kind == AtomKind::kClose) {
      if (open.empty() || (open.back() && q.min == 0)) break;
      open.pop_back();
    }
    i = q.next;
  }
  if (i < p.size()) {  // stopped early: not every match starts there
    *at_text_start = false;
    return -1;
  }
  return byte;
}

// One character before a pattern's first byte: "[\s•]", "(?:^|[\s•])", "['‘]?".
struct Lead {
  size_t size = 0;        // in the pattern; 0: no such lead
  bool optional = false;  // it may be empty anywhere ("?")
  bool caret = false;     // it may be empty at the text's start ("^" among its alternatives)
};

// Whether `a` matches exactly one character: a class, a literal, "." or a class escape.
bool IsOneCharacter(const Atom& a) {
  if (a.kind == AtomKind::kClass || a.kind == AtomKind::kLiteral) return true;
  if (a.kind != AtomKind::kOther) return false;
  if (a.text == ".") return true;
  if (a.text.size() < 2 || a.text[0] != '\\') return false;
  return std::string_view("sSdDwWpP").find(a.text[1]) != std::string_view::npos;
}

// The lead at the start of `p`: one such character, alone or as alternatives of a "(?:...)"
// group that may also hold "^", quantified by nothing or "?". No lead (size 0) otherwise.
Lead ReadLead(std::string_view p) {
  Lead lead;
  Atom a = ReadAtom(p, 0);
  size_t end = 0;
  if (IsOneCharacter(a)) {
    end = a.next;
  } else if (a.kind == AtomKind::kOpen && a.text == "(?:") {
    for (size_t i = a.next;;) {
      const Atom alt = ReadAtom(p, i);
      if (alt.kind == AtomKind::kOther && alt.text == "^") {
        lead.caret = true;
      } else if (!IsOneCharacter(alt)) {
        return {};
      }
      if (!ReadQuantifier(p, alt.next).text.empty()) return {};
      const Atom after = ReadAtom(p, alt.next);
      if (after.kind == AtomKind::kClose) {
        end = after.next;
        break;
      }
      if (after.kind != AtomKind::kAlt) return {};
      i = after.next;
    }
  } else {
    return {};
  }
  const Quantifier q = ReadQuantifier(p, end);
  if (!q.text.empty() && (q.min != 0 || q.max != 1)) return {};
  lead.optional = !q.text.empty();
  lead.size = q.next;
  return lead;
}

// Whether `p` has an unbounded repetition of a class that admits the placeholder byte 0x01 (or
// of "."): a gap that can run past every mention to the end of the unit, "[^\n]*?".
bool HasGapAcrossMentions(std::string_view p) {
  for (size_t i = 0; i < p.size();) {
    const Atom a = ReadAtom(p, i);
    if (a.kind == AtomKind::kEnd || a.kind == AtomKind::kBad) return false;
    if (a.kind == AtomKind::kOpen || a.kind == AtomKind::kAlt || a.kind == AtomKind::kClose) {
      i = a.next;
      if (a.kind == AtomKind::kClose) i = ReadQuantifier(p, i).next;
      continue;
    }
    const Quantifier q = ReadQuantifier(p, a.next);
    const bool admits_placeholder =
        a.text == "." || (a.kind == AtomKind::kClass && a.text.substr(0, 2) == "[^" &&
                          a.text.find("\\x01") == std::string_view::npos);
    if (q.max < 0 && admits_placeholder) return true;
    i = q.next;
  }
  return false;
}

// The characters a (sub)pattern's matches can start with.
struct FirstChars {
  bool any = false;      // any character
  bool nullable = true;  // the empty string matches (then what follows counts too)
  std::vector<uint32_t> chars;
  void Add(const FirstChars& e) {  // e follows what this holds so far
    if (!nullable) return;
    any = any || e.any;
    chars.insert(chars.end(), e.chars.begin(), e.chars.end());
    nullable = e.nullable;
  }
};

// One atom's first characters. Classes and escapes other than \d, \xHH and the zero-width
// ones are "any" (a superset is enough: the set only rules out starts).
FirstChars FirstOfAtom(const Atom& a) {
  FirstChars f;
  f.nullable = false;
  std::string_view t = a.text;
  if (a.kind == AtomKind::kLiteral) {
    if (t[0] == '\\') {
      f.chars.push_back(static_cast<unsigned char>(t[1]));
    } else {
      int len = 0;
      f.chars.push_back(CodePointAt(t, 0, &len));
    }
  } else if (t == "^" || t == "$" || t == "\\b" || t == "\\B" || t == "\\A" || t == "\\z") {
    f.nullable = true;  // zero width
  } else if (t == "\\d") {
    for (uint32_t c = '0'; c <= '9'; ++c) f.chars.push_back(c);
  } else if (uint32_t hex = 0; t.size() == 4 && t.substr(0, 2) == "\\x" &&
                               absl::SimpleHexAtoi(AV(t.substr(2)), &hex) && hex < 0x80) {
    f.chars.push_back(hex);
  } else {
    f.any = true;
  }
  return f;
}

// Reads a pattern for the first characters of its matches. Unreadable input sets `bad`.
class FirstReader {
 public:
  explicit FirstReader(std::string_view p) : p_(p) {}
  // The whole pattern; a ")" without its "(" (the end of groups opened before the pattern
  // began) is skipped when no quantifier follows it.
  FirstChars Top() {
    FirstChars f = Sequence(/*top=*/true);
    if (ReadAtom(p_, i_).kind != AtomKind::kEnd) bad_ = true;
    return f;
  }
  bool bad() const { return bad_; }

 private:
  // Alternatives up to the ")" that closes them (not consumed).
  FirstChars Alternation() {
    FirstChars out;
    out.nullable = false;
    while (!bad_) {
      const FirstChars s = Sequence(/*top=*/false);
      out.any = out.any || s.any;
      out.nullable = out.nullable || s.nullable;
      out.chars.insert(out.chars.end(), s.chars.begin(), s.chars.end());
      const Atom a = ReadAtom(p_, i_);
      if (a.kind != AtomKind::kAlt) break;
      i_ = a.next;
    }
    return out;
  }
  FirstChars Sequence(bool top) {
    FirstChars out;
    while (!bad_) {
      const Atom a = ReadAtom(p_, i_);
      if (a.kind == AtomKind::kEnd || a.kind == AtomKind::kAlt) break;
      if (a.kind == AtomKind::kBad) {
        bad_ = true;
        break;
      }
      if (a.kind == AtomKind::kClose) {
        if (!top) break;
        if (!ReadQuantifier(p_, a.next).text.empty()) bad_ = true;
        i_ = a.next;
        continue;
      }
      FirstChars e;
      size_t next = a.next;
      if (a.kind == AtomKind::kOpen) {
        i_ = a.next;
        e = Alternation();
        const Atom close = ReadAtom(p_, i_);
        if (close.kind != AtomKind::kClose) {
          bad_ = true;
          break;
        }
        next = close.next;
      } else {
        e = FirstOfAtom(a);
      }
      const Quantifier q = ReadQuantifier(p_, next);
      if (q.min == 0) e.nullable = true;
      out.Add(e);
      i_ = q.next;
    }
    return out;
  }

  std::string_view p_;
  size_t i_ = 0;
  bool bad_ = false;
};

// The fewest characters a match of `p` (a sequence of alternatives, up to its end or an
// unmatched ")") can hold: 0 where this reader cannot tell (an underestimate is safe: see
// RelaxedSite::group_repeat).
size_t MinChars(std::string_view p, size_t* i) {
  size_t best = std::string_view::npos, seq = 0;
  while (true) {
    const Atom a = ReadAtom(p, *i);
    if (a.kind == AtomKind::kEnd || a.kind == AtomKind::kBad || a.kind == AtomKind::kClose) break;
    if (a.kind == AtomKind::kAlt) {
      best = std::min(best, seq);
      seq = 0;
      *i = a.next;
      continue;
    }
    size_t width = 0, next = a.next;
    if (a.kind == AtomKind::kOpen) {
      *i = a.next;
      width = MinChars(p, i);
      const Atom close = ReadAtom(p, *i);
      if (close.kind != AtomKind::kClose) return 0;
      next = close.next;
    } else if (IsOneCharacter(a) || (a.kind == AtomKind::kOther && a.text.substr(0, 2) == "\\x")) {
      width = 1;
    }
    const Quantifier q = ReadQuantifier(p, next);
    seq += width * static_cast<size_t>(q.min);
    *i = q.next;
  }
  return std::min(best, seq);
}

// A group of RelaxBoundedRepeats' output that is still open.
struct OpenGroup {
  size_t first_site = 0;  // index of the first site inside it
  size_t begin = 0;       // where it starts in the output pattern
  bool plain = true;      // "(?:" with no capturing group inside
};

// Groups repeated at most this many times are written out copy by copy (see UnrollGroup).
constexpr int kMaxUnrolledRepeats = 4;

// Replaces the group at the end of out->pattern (from `g.begin`, its sites from `g.first_site`)
// by `q`'s copies of it, nested as RE2 expands a bounded repetition itself (x{1,3}? is
// x(?:x(?:x)??)??; simplify.cc), so the program and its order of paths are the same. Each copy
// holds its own copies of the sites, named apart, so that every run of a site has a group of its
// own and its bound can be checked exactly (in x{0,2}? the one group would hold the last run only).
void UnrollGroup(const OpenGroup& g, const Quantifier& q, RelaxedPattern* out) {
  const std::string body = out->pattern.substr(g.begin);
  const size_t sites_end = out->sites.size();
  auto copy = [&](int k) {
    if (k == 0) return body;
    std::string text = body;
    for (size_t s = g.first_site; s < sites_end; ++s) {
      RelaxedSite site = out->sites[s];
      site.group = absl::StrCat(AV(kBoundGroup), out->sites.size());
      text = absl::StrReplaceAll(text, {{absl::StrCat("(?P<", out->sites[s].group, ">"),
                                         absl::StrCat("(?P<", site.group, ">")}});
      out->sites.push_back(std::move(site));
    }
    return text;
  };
  std::vector<std::string> copies;
  for (int k = 0; k < q.max; ++k) copies.push_back(copy(k));
  std::string unrolled;
  for (int k = 0; k < q.min; ++k) unrolled += copies[k];
  std::string suffix;
  const char* optional = q.lazy ? ")??" : ")?";
  for (int k = q.max - 1; k >= q.min; --k)
    suffix = absl::StrCat("(?:", copies[k], suffix, optional);
  out->pattern.replace(g.begin, std::string::npos, unrolled + suffix);
}

}  // namespace

std::optional<RelaxedPattern> RelaxBoundedRepeats(std::string_view p, int min_bound) {
  RelaxedPattern out;
  std::vector<OpenGroup> open_groups;
  std::string_view prev_literal;    // the atom just before, when a plain literal
  bool any = false;
  for (size_t i = 0; i < p.size();) {
    const Atom a = ReadAtom(p, i);
    switch (a.kind) {
      case AtomKind::kEnd:
      case AtomKind::kBad:
        return std::nullopt;
      case AtomKind::kOpen:
        if (a.text != "(?:") {
          for (OpenGroup& g : open_groups) g.plain = false;
        }
        open_groups.push_back({out.sites.size(), out.pattern.size(), a.text == "(?:"});
        out.pattern.append(a.text);
        prev_literal = {};
        i = a.next;
        continue;
      case AtomKind::kAlt:
        out.pattern.append(a.text);
        prev_literal = {};
        i = a.next;
        continue;
      case AtomKind::kClose: {
        if (open_groups.empty()) return std::nullopt;
        const Quantifier q = ReadQuantifier(p, a.next);
        const OpenGroup g = open_groups.back();
        open_groups.pop_back();
        out.pattern.append(a.text);
        prev_literal = {};
        i = q.next;
        if (q.Repeats() && g.first_site < out.sites.size() && g.plain && q.max >= 0 &&
            q.max <= kMaxUnrolledRepeats) {
          UnrollGroup(g, q, &out);
          continue;
        }
        // A repeated group may run a site many times; its group holds only the last run.
        if (q.Repeats()) {
          for (size_t s = g.first_site; s < out.sites.size(); ++s) out.sites[s].repeated = true;
        }
        // A long bounded repetition of a group ("(?:[^\x01\n]|\x01...\x02.){0,240}", which RE2
        // writes out 240 times): unbounded, inside a group of its own whose characters bound
        // its count (RelaxedSite::group_repeat).
        size_t at = g.begin;
        const size_t min_chars =
            q.max >= min_bound && q.max > q.min ? MinChars(out.pattern, &at) : 0;
        if (min_chars > 0) {
          RelaxedSite site;
          site.group = absl::StrCat(AV(kBoundGroup), out.sites.size());
          site.max_chars = q.max * static_cast<int>(min_chars);
          site.group_repeat = true;
          out.pattern.insert(g.begin, absl::StrCat("(?P<", site.group, ">"));
          absl::StrAppend(&out.pattern, "{", q.min, ",}", q.lazy ? "?" : "", ")");
          out.sites.push_back(std::move(site));
          any = true;
          continue;
        }
        out.pattern.append(q.text);
        continue;
      }
      default:
        break;
    }
    const Quantifier q = ReadQuantifier(p, a.next);
    if (a.kind == AtomKind::kClass && q.max >= min_bound && q.max > q.min) {
      RelaxedSite site;
      site.group = absl::StrCat(AV(kBoundGroup), out.sites.size());
      site.char_class = std::string(a.text);
      site.max_chars = q.max;
      site.before = std::string(prev_literal);
      site.after = std::string(PlainLiteralAt(p, q.next));
      absl::StrAppend(&out.pattern, "(?P<", site.group, ">", AV(a.text), "{", q.min, ",}",
                      q.lazy ? "?" : "", ")");
      out.sites.push_back(std::move(site));
      any = true;
    } else {
      out.pattern.append(a.text);
      out.pattern.append(q.text);
    }
    prev_literal = a.kind == AtomKind::kLiteral && q.text.empty() ? a.text : std::string_view();
    i = q.next;
  }
  if (!open_groups.empty() || !any) return std::nullopt;
  return out;
}

FollowSet LeadingFollowSet(std::string_view pattern) {
  FollowSet out;
  constexpr std::string_view kClose = "\\x02";
  const size_t at = pattern.find(kClose);
  if (at == std::string_view::npos) return out;
  FirstReader reader(pattern.substr(at + kClose.size()));
  const FirstChars first = reader.Top();
  if (reader.bad() || first.any || first.nullable) return out;
  out.any = false;
  for (uint32_t c : first.chars) {
    if (c < 128) {
      out.ascii[c >> 6] |= uint64_t{1} << (c & 63);
    } else {
      out.others.push_back(c);
    }
  }
  std::sort(out.others.begin(), out.others.end());
  out.others.erase(std::unique(out.others.begin(), out.others.end()), out.others.end());
  return out;
}

void RelaxRule(Rule* rule, int min_bound) {
  rule->first_byte = FirstByteOfEveryMatch(rule->pattern, &rule->at_text_start);
  rule->lead_size = 0;
  rule->lead_optional = rule->lead_caret = false;
  if (rule->first_byte < 0) {
    // One character before the first byte: the match starts at the character before it.
    const Lead lead = ReadLead(rule->pattern);
    bool at_text_start = false;
    const int byte = lead.size == 0
                         ? -1
                         : FirstByteOfEveryMatch(std::string_view(rule->pattern).substr(lead.size),
                                                 &at_text_start);
    if (byte >= 0 && !at_text_start) {
      rule->first_byte = byte;
      rule->lead_size = lead.size;
      rule->lead_optional = lead.optional;
      rule->lead_caret = lead.caret;
    }
  }
  rule->dfa_first = HasGapAcrossMentions(rule->pattern);
  std::optional<RelaxedPattern> relaxed = RelaxBoundedRepeats(rule->pattern, min_bound);
  if (!relaxed) return;
  RE2::Options opt;
  opt.set_log_errors(false);
  auto re = std::make_unique<RE2>(relaxed->pattern, opt);
  if (!re->ok()) return;
  std::vector<BoundCheck> checks;
  const auto& groups = re->NamedCapturingGroups();
  for (const RelaxedSite& site : relaxed->sites) {
    BoundCheck check;
    check.max_chars = site.max_chars;
    if (!site.repeated) {
      check.group = groups.at(site.group);
    } else if (site.group_repeat) {
      return;  // its group holds its last run only, and no overrun regex counts the repeats
    } else {
      // Any run of more than max_chars characters of the class, between the literals around
      // the site when the class excludes them, in the whole match: a superset of the overruns.
      RE2 char_class(site.char_class, opt);
      if (!char_class.ok()) return;
      auto outside = [&](const std::string& literal) {
        return !literal.empty() && !RE2::FullMatch(re2::StringPiece(LiteralChar(literal).data(),
                                                                    LiteralChar(literal).size()),
                                                   char_class);
      };
      std::string violation = absl::StrCat(
          outside(site.before) ? site.before : "", site.char_class, "{", site.max_chars + 1, "}",
          outside(site.after) ? site.char_class + "*" + site.after : "");
      check.overrun = std::make_unique<RE2>(violation, opt);
      if (!check.overrun->ok()) return;
    }
    checks.push_back(std::move(check));
  }
  // The exact regex's named groups, found in the relaxed one by name.
  std::vector<std::pair<int, int>> group_map;
  for (const auto& [name, index] : rule->re->NamedCapturingGroups()) {
    auto it = groups.find(name);
    if (it == groups.end()) return;
    group_map.emplace_back(index, it->second);
  }
  rule->relaxed = std::move(re);
  rule->bound_checks = std::move(checks);
  rule->relaxed_groups = std::move(group_map);
}

namespace {

// re.Match(text, start, text.size(), UNANCHORED, groups, n), given that no match starts after
// `last_start`. When every match starts with one byte, the leftmost match is the first anchored
// match at an occurrence of that byte: RE2 then runs BitState from each (a few bytes where
// nothing matches) instead of a forward DFA over the text, a reverse DFA over the match and
// BitState over it, which cost three times as much.
//
// A placeholder whose tag is not among the rule's `first_tags`, or followed by a character not in
// its `follow` set, starts no match: it is skipped without running RE2. Other occurrences of the
// byte (one written in the text itself) are tried. A rule whose pattern starts with "^" is tried
// at the text's first byte only. A rule with a lead character (Rule::lead_size) is tried at the
// character before each occurrence, then at the occurrence itself when the lead may be empty:
// every match starts at one of those, and they come in text order.
//
// A rule with a gap across mentions (Rule::dfa_first) asks RE2 first whether anything matches
// at the byte, without groups: RE2 answers that with its DFA, a table step per byte, where
// BitState would clear a bitmap of program size x the rest of the unit and walk it. Only when
// something matches does BitState run for the groups. (For rules without such a gap, most failed
// attempts fail within a few bytes, where BitState is cheaper than the DFA's own overhead.)
bool LeftmostMatch(const RE2& re, const Rule& rule, const PlaceholderStarts* starts,
                   re2::StringPiece text, size_t start, re2::StringPiece* groups, int n,
                   size_t last_start) {
  if (start > last_start) return false;
  if (rule.first_byte < 0) return re.Match(text, start, text.size(), RE2::UNANCHORED, groups, n);
  const std::string_view view(text.data(), text.size());
  const char first = static_cast<char>(rule.first_byte);
  const bool by_follow =
      starts != nullptr && !rule.follow.any && starts->next.size() == starts->pos.size();
  const bool filter = starts != nullptr && (rule.first_tags != Rule::kAnyTag || by_follow);
  const size_t end = rule.at_text_start ? 0 : last_start;
  // An anchored attempt at `from`.
  auto attempt = [&](size_t from) {
    if (rule.dfa_first && !re.Match(text, from, text.size(), RE2::ANCHOR_START, nullptr, 0)) {
      return false;
    }
    return re.Match(text, from, text.size(), RE2::ANCHOR_START, groups, n);
  };
  // With a lead character, the byte is up to 4 bytes after the match's start.
  const size_t lead_reach = rule.lead_size == 0 ? 0 : 4;
  const size_t find_end = end > std::string_view::npos - lead_reach ? end : end + lead_reach;
  size_t k = 0;  // the first placeholder at or after `at`
  for (size_t at = view.find(first, start); at != std::string_view::npos && at <= find_end;
       at = view.find(first, at + 1)) {
    if (filter) {
      while (k < starts->pos.size() && starts->pos[k] < at) ++k;
      if (k < starts->pos.size() && starts->pos[k] == at &&
          ((starts->tag_bit[k] & rule.first_tags) == 0 ||
           (by_follow && !rule.follow.Allows(starts->next[k])))) {
        continue;
      }
    }
    if (rule.lead_size == 0) {
      if (attempt(at)) return true;
      continue;
    }
    // The starts this byte allows, in order: the character before it, then the byte itself.
    // They rise with `at` (the character before a later byte starts at or after this one).
    size_t before = at;
    while (before > 0 && before + 4 > at &&
           (static_cast<unsigned char>(view[before - 1]) & 0xC0) == 0x80) {
      --before;
    }
    if (before > 0) --before;
    if (before > end) return false;
    if (before < at && before >= start && attempt(before)) return true;
    const bool itself = rule.lead_optional || (rule.lead_caret && at == 0);
    if (itself && at <= end && attempt(at)) return true;
  }
  return false;
}

}  // namespace

bool MatchRule(const Rule& rule, re2::StringPiece text, size_t start, re2::StringPiece* groups,
               int ngroups, const PlaceholderStarts* starts, size_t last_start) {
  const RE2& exact = *rule.re;
  if (rule.relaxed == nullptr) {
    return LeftmostMatch(exact, rule, starts, text, start, groups, ngroups, last_start);
  }
  const RE2& relaxed = *rule.relaxed;
  thread_local std::vector<re2::StringPiece> found;
  found.assign(relaxed.NumberOfCapturingGroups() + 1, re2::StringPiece());
  if (!LeftmostMatch(relaxed, rule, starts, text, start, found.data(),
                     static_cast<int>(found.size()), last_start)) {
    return false;  // nor does the exact regex, whose matches the relaxed one all accepts
  }
  for (const BoundCheck& check : rule.bound_checks) {
    const bool over = check.overrun != nullptr
                          ? RE2::PartialMatch(found[0], *check.overrun)
                          : CodePoints(found[check.group]) > static_cast<size_t>(check.max_chars);
    if (over) {
      // No exact match starts before the relaxed one (it would be a relaxed match too).
      const size_t from = found[0].data() - text.data();
      return LeftmostMatch(exact, rule, starts, text, from, groups, ngroups, last_start);
    }
  }
  for (int i = 0; i < ngroups; ++i) groups[i] = re2::StringPiece();
  if (ngroups > 0) groups[0] = found[0];
  for (const auto& [exact_index, relaxed_index] : rule.relaxed_groups) {
    if (exact_index < ngroups) groups[exact_index] = found[relaxed_index];
  }
  return true;
}

}  // namespace kg::ingest
