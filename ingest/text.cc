// Reading inputs: UTF-8 validation, cleaning, splitting a brief into articles, JSON Lines.
#include <algorithm>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "ingest/internal.h"
#include "nlohmann/json.hpp"
#include "unicode/normalizer2.h"
#include "unicode/ucasemap.h"
#include "unicode/uchar.h"
#include "unicode/unistr.h"
#include "unicode/utf8.h"

namespace kg::ingest {

// ---- code points ---------------------------------------------------------------------------------

uint32_t CodePointAtByIcu(std::string_view s, size_t i, int* len) {
  int32_t off = static_cast<int32_t>(i);
  UChar32 c;
  U8_NEXT(reinterpret_cast<const uint8_t*>(s.data()), off, static_cast<int32_t>(s.size()), c);
  *len = off - static_cast<int32_t>(i);
  return c < 0 ? 0xFFFD : static_cast<uint32_t>(c);
}

namespace {

bool IsSentenceEndOrSeparator(uint32_t c) {
  switch (u_getIntPropertyValue(static_cast<UChar32>(c), UCHAR_SENTENCE_BREAK)) {
    case U_SB_STERM:
    case U_SB_ATERM:
    case U_SB_SEP:
    case U_SB_CR:
    case U_SB_LF:
      return true;
    default:
      return false;
  }
}

// IsSentenceEndOrSeparator of each ASCII character, asked of ICU once (spaces, digits and Latin
// letters are most of what is not Hangul).
struct AsciiSentenceEnds {
  bool is[128];
  AsciiSentenceEnds() {
    for (uint32_t c = 0; c < 128; ++c) is[c] = IsSentenceEndOrSeparator(c);
  }
};

}  // namespace

namespace {

USentenceBreak SentenceBreakByIcu(uint32_t c) {
  return static_cast<USentenceBreak>(
      u_getIntPropertyValue(static_cast<UChar32>(c), UCHAR_SENTENCE_BREAK));
}
// The Sentence_Break value of each ASCII character, asked of ICU once: what follows a terminator
// is most often a space, a digit or a letter.
struct AsciiSentenceBreaks {
  USentenceBreak of[128];
  AsciiSentenceBreaks() {
    for (uint32_t c = 0; c < 128; ++c) of[c] = SentenceBreakByIcu(c);
  }
};
USentenceBreak SentenceBreakOf(uint32_t c) {
  static const AsciiSentenceBreaks ascii;
  return c < 128 ? ascii.of[c] : SentenceBreakByIcu(c);
}

// Whether UAX #29 can break after the terminator `c` (STerm or ATerm) at s[at, after) anywhere
// but at the end of `s`. Breaks come only from SB4 (after a paragraph separator) and SB11 (after
// SATerm Close* Sp* ParaSep?); the no-break rules used here read only the characters next to the
// terminator: SB6 ("3.5"), SB7 ("U.S"), SB8 with nothing between ("e.g"), SB8a ("?!", "다.,").
// Anything else (Extend, Format, a Close or Sp run before a letter) is left to ICU: true.
bool TerminatorMayBreakInside(std::string_view s, size_t at, uint32_t c, size_t after) {
  size_t run_end = after;  // past Close* Sp*
  bool spaces = false;
  while (run_end < s.size()) {
    int len = 1;
    const USentenceBreak sb = SentenceBreakOf(CodePointAt(s, run_end, &len));
    if (sb == U_SB_SP) {
      spaces = true;
    } else if (sb != U_SB_CLOSE || spaces) {
      break;
    }
    run_end += len;
  }
  if (run_end == s.size()) return false;  // SB11's break is the end of `s`
  if (run_end != after) return true;
  int len = 1;
  const USentenceBreak next = SentenceBreakOf(CodePointAt(s, after, &len));
  if (next == U_SB_SCONTINUE || next == U_SB_STERM || next == U_SB_ATERM) return false;  // SB8a
  if (SentenceBreakOf(c) != U_SB_ATERM) return true;
  if (next == U_SB_NUMERIC || next == U_SB_LOWER) return false;  // SB6, SB8
  return !(next == U_SB_UPPER && at > 0 && SentenceBreakOf(CodePointBefore(s, at)) == U_SB_UPPER);
}

}  // namespace

bool MayBreakSentence(std::string_view s) {
  static const AsciiSentenceEnds ascii;
  for (size_t i = 0; i < s.size();) {
    const unsigned char b = static_cast<unsigned char>(s[i]);
    uint32_t c = b;
    int len = 1;
    if (b < 0x80) {
      if (!ascii.is[b]) {
        ++i;
        continue;
      }
    } else {
      c = CodePointAt(s, i, &len);
      // Hangul, the most common by far, is never a sentence end.
      if (IsHangul(c) || !IsSentenceEndOrSeparator(c)) {
        i += len;
        continue;
      }
    }
    const USentenceBreak sb = SentenceBreakOf(c);
    if (sb != U_SB_STERM && sb != U_SB_ATERM) return true;  // a separator: SB4
    if (TerminatorMayBreakInside(s, i, c, i + len)) return true;
    i += len;
  }
  return false;
}

namespace {

// The byte length of the accented Latin letter (U+00C0..U+024F, two bytes with a lead byte
// C3..C9) at `i`, else 0.
size_t AccentedLetterLength(std::string_view s, size_t i) {
  if (i + 1 >= s.size()) return 0;
  const auto lead = static_cast<unsigned char>(s[i]), trail = static_cast<unsigned char>(s[i + 1]);
  if (lead < 0xC3 || lead > 0xC9 || (trail & 0xC0) != 0x80) return 0;
  return IsAccentedLatinLetter((uint32_t{lead & 0x1Fu} << 6) | (trail & 0x3Fu)) ? 2 : 0;
}
// The byte length of the Latin letter at `i` (ASCII or accented), else 0.
size_t LetterLength(std::string_view s, size_t i) {
  const char c = s[i];
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) return 1;
  return AccentedLetterLength(s, i);
}
// The byte length of the Latin letter or digit at `i`, else 0.
size_t AlnumLength(std::string_view s, size_t i) {
  if (i >= s.size()) return 0;
  return s[i] >= '0' && s[i] <= '9' ? 1 : LetterLength(s, i);
}
// Whether a word starting at `i` starts with a capital or a digit ("D2D", "Électricité").
bool CapitalOrDigitAt(std::string_view s, size_t i) {
  const char c = s[i];
  if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  int len = 0;
  return AccentedLetterLength(s, i) > 0 && u_isupper(static_cast<UChar32>(CodePointAt(s, i, &len)));
}
// End of the run of Latin letters and digits from `i`.
size_t SkipAlnum(std::string_view s, size_t i) {
  for (size_t n = AlnumLength(s, i); n > 0; n = AlnumLength(s, i)) i += n;
  return i;
}
// From `i`: as many "<one of seps><alnum>+" as follow (the regex's greedy repetition: every
// part after it is optional, so the first path that matches takes each one it can).
size_t SkipJoinedParts(std::string_view s, size_t i, std::string_view seps) {
  while (i < s.size() && seps.find(s[i]) != std::string_view::npos && AlnumLength(s, i + 1) > 0) {
    i = SkipAlnum(s, i + 1);
  }
  return i;
}

}  // namespace

std::pair<size_t, size_t> FindLatinRun(std::string_view text, size_t from) {
  size_t b = from;
  // Hangul bytes (E0..EF leads, 80..BF trails) fail the first two tests: one range test each.
  for (; b < text.size(); ++b) {
    const auto u = static_cast<unsigned char>(text[b]);
    if (static_cast<unsigned>((u | 0x20) - 'a') < 26u) break;  // an ASCII letter
    if (u >= 0xC3 && u <= 0xC9 && AccentedLetterLength(text, b) > 0) break;
  }
  if (b >= text.size()) return {std::string_view::npos, std::string_view::npos};
  // "NXT:1980i": a colon between letters and digits joins a model code.
  size_t e = SkipJoinedParts(text, SkipAlnum(text, b + LetterLength(text, b)), "-.&/:");
  // Further words that start with a capital or a digit: " D2D", " 2.0".
  while (e + 1 < text.size() && text[e] == ' ' && CapitalOrDigitAt(text, e + 1)) {
    e = SkipJoinedParts(text, SkipAlnum(text, e + 1), "-.");
  }
  return {b, e};
}

int64_t FindInvalidUtf8(std::string_view s) {
  int32_t i = 0;
  const int32_t n = static_cast<int32_t>(s.size());
  while (i < n) {
    int32_t start = i;
    UChar32 c;
    U8_NEXT(reinterpret_cast<const uint8_t*>(s.data()), i, n, c);
    if (c < 0) return start;
  }
  return -1;
}

std::string Nfkc(std::string_view s) {
  UErrorCode err = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(err);
  if (U_FAILURE(err)) return std::string(s);
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), s.size()));
  icu::UnicodeString out = nfkc->normalize(u, err);
  if (U_FAILURE(err)) return std::string(s);
  std::string r;
  out.toUTF8String(r);
  return r;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t b = 0;
  while (true) {
    size_t e = s.find(sep, b);
    if (e == std::string_view::npos) {
      out.push_back(s.substr(b));
      return out;
    }
    out.push_back(s.substr(b, e - b));
    b = e + 1;
  }
}

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\n' || s[b] == '\r')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\n' || s[e - 1] == '\r'))
    --e;
  return std::string(s.substr(b, e - b));
}

// Whitespace collapse of NameKey, on text that is already normalised and folded.
static std::string CollapseSpaces(std::string_view r) {
  std::string out;
  out.reserve(r.size());
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

std::string NameKey(std::string_view s) {
  // Fast path: ASCII and precomposed Hangul syllables (U+AC00..U+D7A3) are unchanged by NFKC,
  // cannot compose with one another, and only A-Z changes under case folding.
  bool simple = true;
  for (size_t i = 0; i < s.size() && simple;) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    int len = 1;
    uint32_t cp = CodePointAt(s, i, &len);
    simple = cp >= 0xAC00 && cp <= 0xD7A3;
    i += len > 0 ? len : 1;
  }
  if (simple) {
    std::string lower(s);
    for (char& ch : lower) {
      if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
    }
    return CollapseSpaces(lower);
  }
  icu::UnicodeString u =
      icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size())));
  UErrorCode err = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(err);
  if (U_SUCCESS(err)) u = nfkc->normalize(u, err);
  u.foldCase();
  std::string r;
  u.toUTF8String(r);
  return CollapseSpaces(r);
}

// ---- cleaning ------------------------------------------------------------------------------------

namespace {

// Decodes one HTML entity starting at s[i] == '&'; returns its length (0 when not an entity).
size_t DecodeEntity(std::string_view s, size_t i, std::string* out) {
  static const std::pair<const char*, const char*> kNamed[] = {
      {"&nbsp;", " "}, {"&amp;", "&"},  {"&lt;", "<"},   {"&gt;", ">"},
      {"&quot;", "\""}, {"&apos;", "'"}, {"&#39;", "'"}, {"&middot;", "·"}};
  for (const auto& [name, text] : kNamed) {
    std::string_view n(name);
    if (s.substr(i, n.size()) == n) {
      out->append(text);
      return n.size();
    }
  }
  if (i + 3 < s.size() && s[i + 1] == '#') {
    size_t j = i + 2;
    int base = 10;
    if (s[j] == 'x' || s[j] == 'X') {
      base = 16;
      ++j;
    }
    uint32_t cp = 0;
    size_t digits = 0;
    while (j < s.size() && digits < 8) {
      char c = s[j];
      int d = (c >= '0' && c <= '9')   ? c - '0'
              : (base == 16 && c >= 'a' && c <= 'f') ? c - 'a' + 10
              : (base == 16 && c >= 'A' && c <= 'F') ? c - 'A' + 10
                                                      : -1;
      if (d < 0) break;
      cp = cp * base + d;
      ++j;
      ++digits;
    }
    if (digits > 0 && j < s.size() && s[j] == ';' && cp > 0 && cp < 0x110000 &&
        !(cp >= 0xD800 && cp <= 0xDFFF)) {
      char buf[4];
      int32_t len = 0;
      UBool err = false;
      U8_APPEND(reinterpret_cast<uint8_t*>(buf), len, 4, static_cast<UChar32>(cp), err);
      if (!err) {
        out->append(buf, len);
        return j + 1 - i;
      }
    }
  }
  return 0;
}

// A leftover HTML tag: "<" followed by a letter, "/" or "!", up to ">" on the same line.
size_t HtmlTagLength(std::string_view s, size_t i) {
  if (i + 2 >= s.size()) return 0;
  char c = s[i + 1];
  if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '/' || c == '!')) return 0;
  for (size_t j = i + 1; j < s.size() && j < i + 512; ++j) {
    if (s[j] == '\n' || s[j] == '<') return 0;
    if (s[j] == '>') return j + 1 - i;
  }
  return 0;
}

// An ASCII control character other than tab and newline (carriage returns are handled on their
// own). Prose has no use for them, and the relation rules read a unit whose names are replaced
// by "\x01INDEX:Label\x02" placeholders: a document that kept these bytes could forge one.
bool IsStrayControl(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (u < 0x20 && c != '\n' && c != '\t' && c != '\r') || u == 0x7F;
}

}  // namespace

absl::StatusOr<std::string> CleanText(std::string_view raw) {
  if (int64_t bad = FindInvalidUtf8(raw); bad >= 0) {
    return absl::InvalidArgumentError(absl::StrCat("invalid UTF-8 at byte offset ", bad));
  }
  // 1. Tags, entities, Markdown escapes and bold markers around "(...)" headings.
  std::string a;
  a.reserve(raw.size());
  for (size_t i = 0; i < raw.size();) {
    char c = raw[i];
    if (c == '<') {
      if (size_t n = HtmlTagLength(raw, i)) {
        a.push_back(' ');
        i += n;
        continue;
      }
    } else if (c == '&') {
      if (size_t n = DecodeEntity(raw, i, &a)) {
        i += n;
        continue;
      }
    } else if (c == '\\' && i + 1 < raw.size() && std::string_view("$*_#`[]()").find(raw[i + 1]) !=
                                                      std::string_view::npos) {
      a.push_back(raw[i + 1]);
      i += 2;
      continue;
    } else if (c == '*' && i + 2 < raw.size() && raw[i + 1] == '*' &&
               (raw[i + 2] == '(' || (i > 0 && raw[i - 1] == ')'))) {
      i += 2;  // "**(heading)**": Markdown bold, not a footnote marker
      continue;
    } else if (c == '\r') {
      if (i + 1 < raw.size() && raw[i + 1] == '\n') ++i;
      a.push_back('\n');
      ++i;
      continue;
    } else if (IsStrayControl(c)) {
      a.push_back(' ');
      ++i;
      continue;
    }
    a.push_back(c);
    ++i;
  }
  // 2. Circled numbers are list markers ("①A ②B"): make them "(1) " before NFKC turns them
  //    into digits glued to the next word. Then NFKC (full-width forms, compatibility forms).
  std::string numbered;
  numbered.reserve(a.size());
  for (size_t i = 0; i < a.size();) {
    int len = 0;
    uint32_t c = CodePointAt(a, i, &len);
    if (c >= 0x2460 && c <= 0x2473) {  // ① .. ⑳
      absl::StrAppend(&numbered, "(", c - 0x2460 + 1, ") ");
    } else {
      numbered.append(a, i, len);
    }
    i += len;
  }
  std::string b = Nfkc(numbered);
  // 3. Collapse runs of spaces (tabs and newlines are structure), trim line ends.
  std::string out;
  out.reserve(b.size());
  for (size_t i = 0; i < b.size(); ++i) {
    char c = b[i];
    if (c == ' ') {
      if (out.empty() || out.back() == ' ' || out.back() == '\n' || out.back() == '\t') continue;
    } else if (c == '\n' || c == '\t') {
      while (!out.empty() && out.back() == ' ') out.pop_back();
    }
    out.push_back(c);
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// ---- splitting a brief ---------------------------------------------------------------------------

namespace {

struct Line {
  size_t begin, end;  // [begin, end) without the newline
};

std::vector<Line> Lines(std::string_view text) {
  std::vector<Line> lines;
  size_t b = 0;
  while (b <= text.size()) {
    size_t e = text.find('\n', b);
    if (e == std::string_view::npos) e = text.size();
    lines.push_back({b, e});
    if (e == text.size()) break;
    b = e + 1;
  }
  return lines;
}

struct TitleLine {
  std::string title, country, source, date;
};

bool ParseTitleLine(std::string_view line, TitleLine* t) {
  static const RE2 kTitle(
      R"(^([^\t]{4,200}?) ?\((?:(\p{Han}) )?([^(),\t]{1,60}), ?((?:\d{4}[.-])?\d{1,2}[.-]\d{1,2}\.?|\d{1,2} ?(?:月|월))\)$)");
  std::string l = Trim(line);
  if (l.empty()) return false;
  unsigned char first = static_cast<unsigned char>(l[0]);
  if (first == '-' || first == '*' || first == '(' || l.rfind("•", 0) == 0 ||
      l.rfind("●", 0) == 0 || l.rfind("※", 0) == 0 || l.rfind("▪", 0) == 0)
    return false;
  return RE2::FullMatch(l, kTitle, &t->title, &t->country, &t->source, &t->date);
}

bool IsClosingLine(std::string_view line) {
  std::string l = Trim(line);
  return l.rfind("(참고", 0) == 0 || l.rfind("(출처", 0) == 0 || l.rfind("(자료", 0) == 0 ||
         l.rfind("(Source", 0) == 0 || l.rfind("(source", 0) == 0;
}

}  // namespace

std::vector<Document> SplitBrief(std::string_view text, std::string_view id_prefix) {
  std::vector<Line> lines = Lines(text);
  std::vector<Document> docs;
  int open = -1;  // index of the current candidate title line
  TitleLine open_title;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view l = text.substr(lines[i].begin, lines[i].end - lines[i].begin);
    TitleLine t;
    if (ParseTitleLine(l, &t)) {
      open = static_cast<int>(i);  // a title with no body before the next one was a TOC entry
      open_title = t;
      continue;
    }
    if (open >= 0 && IsClosingLine(l)) {
      Document d;
      size_t b = lines[open].begin, e = lines[i].end;
      d.text = std::string(text.substr(b, e - b));
      d.title = Trim(open_title.title);
      d.source = Trim(open_title.source);
      d.source_country = open_title.country;
      d.published = Trim(open_title.date);
      d.title_offset = 0;
      d.lang = "ko";
      docs.push_back(std::move(d));
      open = -1;
    }
  }
  if (docs.empty()) {
    Document d;
    d.text = std::string(text);
    for (const Line& l : lines) {
      std::string first = Trim(text.substr(l.begin, l.end - l.begin));
      if (first.empty()) continue;
      TitleLine t;
      if (ParseTitleLine(first, &t)) {
        d.title = Trim(t.title);
        d.source = Trim(t.source);
        d.source_country = t.country;
        d.published = Trim(t.date);
      } else {
        d.title = first.substr(0, 200);
      }
      d.title_offset = static_cast<int64_t>(l.begin);
      break;
    }
    d.id = std::string(id_prefix);
    docs.push_back(std::move(d));
    return docs;
  }
  for (size_t n = 0; n < docs.size(); ++n) {
    docs[n].id = docs.size() == 1 ? std::string(id_prefix)
                                  : absl::StrCat(AV(id_prefix), "#", n + 1);
    if (docs.size() > 1) docs[n].container = std::string(id_prefix);
  }
  return docs;
}

// ---- files ---------------------------------------------------------------------------------------

namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return absl::DataLossError(absl::StrCat("cannot read ", path));
  return ss.str();
}

std::string BaseName(const std::string& path) {
  size_t slash = path.find_last_of('/');
  std::string b = slash == std::string::npos ? path : path.substr(slash + 1);
  size_t dot = b.find_last_of('.');
  return dot == std::string::npos || dot == 0 ? b : b.substr(0, dot);
}

absl::Status WithPath(const absl::Status& s, const std::string& path) {
  return absl::Status(s.code(), absl::StrCat(path, ": ", s.message()));
}

std::string JsonString(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

absl::StatusOr<Document> DocumentFromJson(const nlohmann::json& j) {
  if (!j.is_object()) return absl::InvalidArgumentError("a document must be a JSON object");
  Document d;
  d.id = JsonString(j, "id");
  if (d.id.empty()) return absl::InvalidArgumentError("document without \"id\"");
  auto text = CleanText(JsonString(j, "text"));
  if (!text.ok()) return text.status();
  d.text = *std::move(text);
  auto title = CleanText(JsonString(j, "title"));
  if (!title.ok()) return title.status();
  d.title = Trim(*title);
  d.source = JsonString(j, "source");
  d.published = JsonString(j, "published");
  d.lang = JsonString(j, "lang");
  for (const std::string* f : {&d.source, &d.published, &d.lang}) {
    if (FindInvalidUtf8(*f) >= 0) return absl::InvalidArgumentError("invalid UTF-8 in a field");
  }
  return d;
}

}  // namespace

absl::StatusOr<std::vector<Document>> ReadTextFile(const std::string& path) {
  absl::StatusOr<std::string> raw = ReadFile(path);
  if (!raw.ok()) return raw.status();
  absl::StatusOr<std::string> clean = CleanText(*raw);
  if (!clean.ok()) return WithPath(clean.status(), path);
  return SplitBrief(*clean, BaseName(path));
}

absl::StatusOr<std::vector<Document>> ReadJsonlDocuments(const std::string& path) {
  absl::StatusOr<std::string> raw = ReadFile(path);
  if (!raw.ok()) return raw.status();
  std::vector<Document> out;
  int line_no = 0;
  for (std::string_view line : Split(*raw, '\n')) {
    ++line_no;
    if (Trim(line).empty()) continue;
    auto fail = [&](std::string_view msg) {
      return absl::InvalidArgumentError(absl::StrCat(path, ":", line_no, ": ", AV(msg)));
    };
    if (FindInvalidUtf8(line) >= 0) return fail("invalid UTF-8");
    nlohmann::json j = nlohmann::json::parse(line.begin(), line.end(), nullptr, false);
    if (j.is_discarded()) return fail("not valid JSON");
    absl::StatusOr<Document> d = DocumentFromJson(j);
    if (!d.ok()) return fail(Str(d.status().message()));
    // A JSONL text that itself is a brief splits into its articles.
    std::vector<Document> parts = SplitBrief(d->text, d->id);
    if (parts.size() > 1) {
      for (Document& p : parts) out.push_back(std::move(p));
    } else {
      if (d->title.empty()) d->title = parts[0].title;
      if (d->source.empty()) {
        d->source = parts[0].source;
        d->source_country = parts[0].source_country;
      }
      if (d->published.empty()) d->published = parts[0].published;
      d->title_offset = parts[0].title == d->title ? parts[0].title_offset : -1;
      out.push_back(*std::move(d));
    }
  }
  return out;
}

namespace {

// The fields an object of the extraction format may have; anything else is a typo to report.
absl::Status OnlyKnownKeys(const nlohmann::json& j, std::initializer_list<std::string_view> keys,
                           std::string_view what) {
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (std::find(keys.begin(), keys.end(), it.key()) == keys.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown field \"", it.key(), "\" in ", AV(what)));
    }
  }
  return absl::OkStatus();
}

// `*out` = j[key] when present; INVALID_ARGUMENT when present with another type.
absl::Status OptionalString(const nlohmann::json& j, const char* key, std::string_view what,
                            std::string* out) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return absl::OkStatus();
  if (!it->is_string()) {
    return absl::InvalidArgumentError(absl::StrCat(AV(what), ": \"", key, "\" must be a string"));
  }
  *out = it->get<std::string>();
  return absl::OkStatus();
}

absl::Status OptionalConfidence(const nlohmann::json& j, std::string_view what, double* out) {
  auto it = j.find("confidence");
  if (it == j.end() || it->is_null()) return absl::OkStatus();
  if (!it->is_number()) {
    return absl::InvalidArgumentError(absl::StrCat(AV(what), ": \"confidence\" must be a number"));
  }
  *out = it->get<double>();
  return absl::OkStatus();
}

absl::StatusOr<InputEntity> InputEntityFromJson(const nlohmann::json& e, size_t index) {
  const std::string what = absl::StrCat("entity ", index);
  if (!e.is_object()) return absl::InvalidArgumentError(absl::StrCat(what, " must be an object"));
  if (absl::Status s = OnlyKnownKeys(e, {"label", "name", "aliases", "confidence"}, what);
      !s.ok()) {
    return s;
  }
  InputEntity ent;
  for (absl::Status s :
       {OptionalString(e, "label", what, &ent.label), OptionalString(e, "name", what, &ent.name),
        OptionalConfidence(e, what, &ent.confidence)}) {
    if (!s.ok()) return s;
  }
  if (auto it = e.find("aliases"); it != e.end() && !it->is_null()) {
    if (!it->is_array()) {
      return absl::InvalidArgumentError(absl::StrCat(what, ": \"aliases\" must be an array"));
    }
    for (const nlohmann::json& a : *it) {
      if (!a.is_string()) {
        return absl::InvalidArgumentError(
            absl::StrCat(what, ": \"aliases\" must hold strings only"));
      }
      ent.aliases.push_back(a.get<std::string>());
    }
  }
  return ent;
}

// A prop's value: JSON integers are int64 (past INT64_MAX, double), other numbers double.
absl::StatusOr<graph::Value> ScalarFromJson(const nlohmann::json& v) {
  if (v.is_string()) return graph::Value(v.get<std::string>());
  if (v.is_boolean()) return graph::Value(v.get<bool>());
  if (v.is_number_integer() && (!v.is_number_unsigned() || v.get<uint64_t>() <= INT64_MAX)) {
    return graph::Value(v.get<int64_t>());
  }
  if (v.is_number()) return graph::Value(v.get<double>());
  return absl::InvalidArgumentError("not a scalar");
}

absl::StatusOr<InputRelation> InputRelationFromJson(const nlohmann::json& r, size_t index) {
  const std::string what = absl::StrCat("relation ", index);
  if (!r.is_object()) return absl::InvalidArgumentError(absl::StrCat(what, " must be an object"));
  if (absl::Status s = OnlyKnownKeys(r, {"s", "p", "o", "props", "evidence", "confidence"}, what);
      !s.ok()) {
    return s;
  }
  InputRelation rel;
  for (absl::Status s :
       {OptionalString(r, "s", what, &rel.subject), OptionalString(r, "p", what, &rel.edge),
        OptionalString(r, "o", what, &rel.object),
        OptionalString(r, "evidence", what, &rel.evidence),
        OptionalConfidence(r, what, &rel.confidence)}) {
    if (!s.ok()) return s;
  }
  if (auto it = r.find("props"); it != r.end() && !it->is_null()) {
    if (!it->is_object()) {
      return absl::InvalidArgumentError(absl::StrCat(what, ": \"props\" must be an object"));
    }
    for (const auto& [k, v] : it->items()) {
      absl::StatusOr<graph::Value> value = ScalarFromJson(v);
      if (!value.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat(what, ": prop \"", k, "\" must be a string, a number or a boolean"));
      }
      rel.props.emplace_back(k, *std::move(value));
    }
  }
  return rel;
}

absl::StatusOr<ExtractionInput> ExtractionInputFromJson(const nlohmann::json& j) {
  if (!j.is_object()) return absl::InvalidArgumentError("not a JSON object");
  if (absl::Status s = OnlyKnownKeys(j, {"document", "entities", "relations"}, "the line");
      !s.ok()) {
    return s;
  }
  auto doc = j.find("document");
  if (doc == j.end() || !doc->is_object()) {
    return absl::InvalidArgumentError("\"document\" must be an object");
  }
  if (absl::Status s = OnlyKnownKeys(*doc, {"id", "title", "source", "published", "lang", "text"},
                                     "\"document\"");
      !s.ok()) {
    return s;
  }
  auto text = doc->find("text");
  if (text == doc->end() || !text->is_string()) {
    return absl::InvalidArgumentError("\"document\" needs a \"text\" string");
  }
  absl::StatusOr<Document> d = DocumentFromJson(*doc);
  if (!d.ok()) return d.status();
  ExtractionInput x;
  x.document = *std::move(d);
  for (const char* key : {"entities", "relations"}) {
    auto it = j.find(key);
    if (it != j.end() && !it->is_null() && !it->is_array()) {
      return absl::InvalidArgumentError(absl::StrCat("\"", key, "\" must be an array"));
    }
  }
  if (auto it = j.find("entities"); it != j.end() && it->is_array()) {
    for (size_t i = 0; i < it->size(); ++i) {
      absl::StatusOr<InputEntity> e = InputEntityFromJson((*it)[i], i);
      if (!e.ok()) return e.status();
      x.entities.push_back(*std::move(e));
    }
  }
  if (auto it = j.find("relations"); it != j.end() && it->is_array()) {
    for (size_t i = 0; i < it->size(); ++i) {
      absl::StatusOr<InputRelation> r = InputRelationFromJson((*it)[i], i);
      if (!r.ok()) return r.status();
      x.relations.push_back(*std::move(r));
    }
  }
  return x;
}

}  // namespace

absl::StatusOr<std::vector<ExtractionInput>> ReadJsonlExtractions(const std::string& path) {
  absl::StatusOr<std::string> raw = ReadFile(path);
  if (!raw.ok()) return raw.status();
  std::vector<ExtractionInput> out;
  int line_no = 0;
  for (std::string_view line : Split(*raw, '\n')) {
    ++line_no;
    if (Trim(line).empty()) continue;
    auto fail = [&](std::string_view msg) {
      return absl::InvalidArgumentError(absl::StrCat(path, ":", line_no, ": ", AV(msg)));
    };
    if (FindInvalidUtf8(line) >= 0) return fail("invalid UTF-8");
    nlohmann::json j = nlohmann::json::parse(line.begin(), line.end(), nullptr, false);
    if (j.is_discarded()) return fail("not valid JSON");
    absl::StatusOr<ExtractionInput> x = ExtractionInputFromJson(j);
    if (!x.ok()) return fail(Str(x.status().message()));
    out.push_back(*std::move(x));
  }
  return out;
}

// A position is compared with the needles only when its first 4 bytes hash to a bit that some
// needle's first 4 bytes set: most positions cost a load, a multiply and a bit test.
std::vector<std::pair<int, uint32_t>> FindEach(std::string_view text,
                                               const std::vector<std::string_view>& needles) {
  auto prefix = [](const char* p) {
    uint32_t v;
    std::memcpy(&v, p, sizeof(v));
    return v;
  };
  constexpr int kBits = 14;
  auto bucket = [](uint32_t key) { return (key * 0x9E3779B1u) >> (32 - kBits); };
  std::vector<uint64_t> filter((size_t{1} << kBits) / 64, 0);
  std::vector<std::pair<uint32_t, int>> by_prefix;  // {first 4 bytes, needle}, sorted
  by_prefix.reserve(needles.size());
  for (size_t i = 0; i < needles.size(); ++i) {
    uint32_t key = prefix(needles[i].data());
    filter[bucket(key) / 64] |= uint64_t{1} << (bucket(key) % 64);
    by_prefix.emplace_back(key, static_cast<int>(i));
  }
  std::sort(by_prefix.begin(), by_prefix.end());
  std::vector<std::pair<int, uint32_t>> hits;
  for (size_t at = 0; at + 4 <= text.size(); ++at) {
    const uint32_t key = prefix(text.data() + at);
    const uint32_t b = bucket(key);
    if ((filter[b / 64] >> (b % 64) & 1) == 0) continue;
    auto it = std::lower_bound(by_prefix.begin(), by_prefix.end(), std::make_pair(key, 0));
    for (; it != by_prefix.end() && it->first == key; ++it) {
      std::string_view needle = needles[it->second];
      if (text.substr(at, needle.size()) == needle) {
        hits.emplace_back(it->second, static_cast<uint32_t>(at));
      }
    }
  }
  std::sort(hits.begin(), hits.end());
  return hits;
}

int DisplayWidth(std::string_view s) {
  int width = 0;
  for (size_t i = 0; i < s.size();) {
    int len = 1;
    const auto c = static_cast<UChar32>(CodePointAt(s, i, &len));
    i += len;
    switch (u_getIntPropertyValue(c, UCHAR_EAST_ASIAN_WIDTH)) {
      case U_EA_WIDE:
      case U_EA_FULLWIDTH:
        width += 2;
        break;
      default:
        width += 1;
    }
  }
  return width;
}

std::string PadToWidth(std::string_view s, int width) {
  size_t end = 0;
  int used = 0;
  while (end < s.size()) {
    int len = 1;
    CodePointAt(s, end, &len);
    const int w = DisplayWidth(s.substr(end, len));
    if (used + w > width) break;
    used += w;
    end += len;
  }
  return std::string(s.substr(0, end)) + std::string(width - used, ' ');
}

}  // namespace kg::ingest
