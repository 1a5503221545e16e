// Labels for names no dictionary lists, read from the clause around them (ingest/internal.h).

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/internal.h"

namespace kg::ingest {
namespace {

// The subject particles a name may carry; "이" and "가" after a Latin name depend on how it is
// read aloud, so both are accepted.
constexpr std::string_view kSubjectParticles[] = {"는", "은", "가", "이"};

// Where the clause that starts at `from` ends: the end of its line, its sentence, or the first
// comma (a further clause or list item usually has its own subject), whichever comes first.
size_t ClauseEnd(std::string_view text, size_t from) {
  size_t end = std::min(text.find('\n', from), text.size());
  for (std::string_view stop : {",", ". ", "다.", ";"}) {
    const size_t at = text.substr(0, end).find(stop, from);
    if (at != std::string_view::npos) end = at;
  }
  return end;
}

}  // namespace

size_t SubjectParticleEnd(std::string_view text, size_t end) {
  if (end < text.size() && text[end] == '*') ++end;  // a footnote mark: "MGX*가"
  for (std::string_view p : kSubjectParticles) {
    if (text.substr(end, p.size()) != p) continue;
    const size_t after = end + p.size();
    if (after == text.size() || text[after] == ' ' || text[after] == ',') return after;
  }
  return std::string_view::npos;
}

std::string LabelFromSubjectVerb(std::string_view text, size_t end,
                                 const std::vector<LabelCue>& verbs, double* conf) {
  if (verbs.empty()) return "";
  const size_t clause = SubjectParticleEnd(text, end);
  if (clause == std::string_view::npos) return "";
  // A verb that belongs to the name's own clause: a few dozen characters on, not past a comma.
  constexpr size_t kMaxClause = 150;  // bytes: ~50 Hangul syllables
  const size_t clause_end = std::min(ClauseEnd(text, clause), clause + kMaxClause);
  const std::string_view body = text.substr(clause, clause_end - clause);
  size_t best = std::string_view::npos;
  std::string label;
  for (const LabelCue& v : verbs) {  // the earliest verb of the clause is its predicate's head
    const size_t at = body.find(v.text);
    if (at < best) {
      best = at;
      label = v.label;
    }
  }
  if (!label.empty()) *conf = 0.55;
  return label;
}

std::string LabelFromObjectVerb(std::string_view text, size_t end,
                                const std::vector<LabelCue>& verbs, double* conf) {
  if (verbs.empty()) return "";
  for (std::string_view mark : {"'", "’", "」", "\"", "*"}) {  // "'X'를", "X*를"
    if (text.substr(end, mark.size()) == mark) end += mark.size();
  }
  size_t clause = std::string_view::npos;
  for (std::string_view p : {"를 ", "을 "}) {
    if (text.substr(end, p.size()) == p) clause = end + p.size();
  }
  if (clause == std::string_view::npos) return "";
  // The verb that governs the object comes within a few words ("X를 미국 사모펀드 Y에 매각",
  // "X를 8억 3,000만 달러에 인수"); a second object ("X를 활용해 Y를 개발") or the end of the
  // clause or sentence ends the search, since a later verb is another one's.
  constexpr size_t kMaxClause = 75;  // bytes: ~25 Hangul syllables
  size_t stop = std::min({text.find('\n', clause), text.size(), clause + kMaxClause});
  for (std::string_view s : {", ", ". ", "다.", ";", "를 ", "을 "}) {
    stop = std::min(stop, text.substr(0, stop).find(s, clause));
  }
  const std::string_view body = text.substr(clause, stop - clause);
  size_t best = std::string_view::npos;
  std::string label;
  for (const LabelCue& v : verbs) {  // the earliest verb at a word's start heads the predicate
    for (size_t at = body.find(v.text); at < best; at = body.find(v.text, at + 1)) {
      if (at == 0 || body[at - 1] == ' ') {
        best = at;
        label = v.label;
        break;
      }
    }
  }
  if (!label.empty()) *conf = 0.55;
  return label;
}

bool IsSpelledName(std::string_view name) {
  if (name.empty() || name[0] < 'A' || name[0] > 'Z') return false;  // "topoconductor"
  bool lower = false;
  for (char c : name) {
    if (c >= '0' && c <= '9') return false;
    lower = lower || (c >= 'a' && c <= 'z');
  }
  return lower;
}

namespace {

bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAsciiUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsAsciiLower(char c) { return c >= 'a' && c <= 'z'; }

// "1998", "2030": four digits that read as a year.
bool IsYear(std::string_view w) {
  return w.size() == 4 && (w.substr(0, 2) == "19" || w.substr(0, 2) == "20") &&
         std::all_of(w.begin(), w.end(), IsAsciiDigit);
}

// "YFQ-44A", "MI308", "NXT:1980i": letters first, then letters, digits, '-' or ':', with a digit.
bool IsModelCode(std::string_view w) {
  if (w.size() < 2 || !IsAsciiUpper(w[0])) return false;
  bool digit = false;
  for (char c : w) {
    if (IsAsciiDigit(c)) {
      digit = true;
    } else if (!IsAsciiUpper(c) && !IsAsciiLower(c) && c != '-' && c != ':') {
      return false;
    }
  }
  return digit && w.back() != '-' && w.back() != ':';
}

}  // namespace

ModelShape ModelNameShape(std::string_view name,
                          const absl::flat_hash_set<std::string>& reference_words) {
  std::vector<std::string_view> words;
  for (size_t at = 0; at < name.size();) {
    size_t sp = name.find(' ', at);
    if (sp == std::string_view::npos) sp = name.size();
    if (sp > at) words.push_back(name.substr(at, sp - at));
    at = sp + 1;
  }
  size_t first_digit = 0;
  while (first_digit < words.size() &&
         std::none_of(words[first_digit].begin(), words[first_digit].end(), IsAsciiDigit)) {
    ++first_digit;
  }
  if (first_digit == words.size()) return ModelShape::kNone;
  if (first_digit == 0) {
    return words.size() == 1 && IsModelCode(words[0]) ? ModelShape::kCode : ModelShape::kNone;
  }
  // The brand: spelled out as a name ("Galaxy", not "COP" or "USD"), then capitalised words.
  if (!IsSpelledName(words[0]) || reference_words.contains(AV(words[0]))) return ModelShape::kNone;
  for (size_t i = 1; i < first_digit; ++i) {
    if (!IsAsciiUpper(words[i][0])) return ModelShape::kNone;
  }
  const std::string_view number = words[first_digit];
  // "Vision 2030", "Outlook 2025-2029": a year or a span of years dates a title.
  if (IsYear(number) || (number.size() > 5 && number[4] == '-' && IsYear(number.substr(0, 4)))) {
    return ModelShape::kNone;
  }
  // "Galaxy S25", "Long March 6A", "Falcon 9", "Snapdragon 8 Elite": a model word or a number;
  // a version, "UCIe 1.0", "AV 2.0", is as often a standard's as a product's.
  if (std::all_of(number.begin(), number.end(),
                  [](char c) { return IsAsciiDigit(c) || c == '.'; })) {
    return number.find('.') == std::string_view::npos ? ModelShape::kBrandModel : ModelShape::kCode;
  }
  if (!IsModelCode(number) &&
      !(IsAsciiDigit(number[0]) && std::all_of(number.begin(), number.end(), [](char c) {
          return IsAsciiDigit(c) || IsAsciiUpper(c) || IsAsciiLower(c) || c == '-';
        }))) {
    return ModelShape::kNone;
  }
  return ModelShape::kBrandModel;
}

size_t BrandModelEnd(std::string_view text, size_t end) {
  auto model_char = [](char c) {
    return IsAsciiDigit(c) || IsAsciiUpper(c) || IsAsciiLower(c) || c == '-' || c == '.' ||
           c == ':' || c == '+';
  };
  size_t at = end;
  bool digit = false;
  size_t model_end = end;
  // "라마 3" + ".2": a version written onto the brand's own number.
  if (at > 0 && IsAsciiDigit(text[at - 1]) && at + 1 < text.size() && text[at] == '.' &&
      IsAsciiDigit(text[at + 1])) {
    ++at;
    while (at < text.size() && IsAsciiDigit(text[at])) ++at;
    digit = true;
    model_end = at;
  }
  // "H800 2,048개": a brand that is a model number itself takes a version, no further model.
  constexpr int kMaxWords = 3;
  for (int w = 0; w < kMaxWords && !IsAsciiDigit(text[end - 1]); ++w) {
    const size_t b = at + 1;
    if (b >= text.size() || text[at] != ' ' || !(IsAsciiDigit(text[b]) || IsAsciiUpper(text[b]))) {
      break;
    }
    size_t e = b;
    while (e < text.size() && model_char(text[e])) ++e;
    while (e > b && !IsAsciiDigit(text[e - 1]) && !IsAsciiUpper(text[e - 1]) &&
           !IsAsciiLower(text[e - 1]) && text[e - 1] != '+') {
      --e;  // "S25." at a sentence's end
    }
    // A word ends at a space, punctuation or a Korean particle, not inside a Latin word.
    const std::string_view word = text.substr(b, e - b);
    if (e < text.size() && static_cast<unsigned char>(text[e]) < 0x80 &&
        (IsAsciiDigit(text[e]) || IsAsciiUpper(text[e]) || IsAsciiLower(text[e]))) {
      break;
    }
    // "갤럭시 2025": a year dates the brand, it names no model of it; "20kg", "3nm" measure it;
    // "2,048" counts.
    if (IsYear(word) ||
        (e < text.size() && text[e] == ',' && e + 1 < text.size() && IsAsciiDigit(text[e + 1]))) {
      break;
    }
    const size_t unit = word.find_first_not_of("0123456789.");
    if (unit > 0 && unit != std::string_view::npos &&
        std::all_of(word.begin() + unit, word.end(), IsAsciiLower)) {
      break;
    }
    digit = digit || std::any_of(word.begin(), word.end(), IsAsciiDigit);
    at = e;
    if (digit) model_end = e;
  }
  return digit ? model_end : end;
}

size_t SpelledModelEnd(std::string_view text, size_t end, std::string_view brand_latin) {
  // The Korean words after the brand, up to "(" on the same line: at most three.
  constexpr int kMaxWords = 3;
  int korean_words = 0;
  size_t at = end;
  while (korean_words <= kMaxWords && at < text.size() && text[at] == ' ') {
    size_t e = at + 1;
    while (e < text.size() && text[e] != ' ' && text[e] != '(' && text[e] != '\n' &&
           text[e] != ',' && text[e] != ')') {
      ++e;
    }
    if (e == at + 1) return end;
    ++korean_words;
    at = e;
  }
  if (korean_words == 0 || korean_words > kMaxWords || at >= text.size() || text[at] != '(') {
    return end;
  }
  const size_t close = text.find(')', at);
  if (close == std::string_view::npos) return end;
  const std::string_view latin = text.substr(at + 1, close - at - 1);
  if (latin.size() <= brand_latin.size() + 1 ||
      latin.substr(0, brand_latin.size()) != brand_latin || latin[brand_latin.size()] != ' ' ||
      latin.find('\n') != std::string_view::npos) {
    return end;
  }
  // The Latin words after the brand: as many as the Korean ones, all Latin.
  int latin_words = 0;
  for (size_t i = brand_latin.size(); i < latin.size(); ++i) {
    const char c = latin[i];
    if (c == ' ') {
      if (i + 1 >= latin.size() || !(IsAsciiDigit(latin[i + 1]) || IsAsciiUpper(latin[i + 1]))) {
        return end;  // "Gemini models": a model's words are capitalised or numbers
      }
      ++latin_words;
    } else if (static_cast<unsigned char>(c) >= 0x80) {
      return end;
    }
  }
  return latin_words == korean_words ? at : end;
}

bool ActsInClause(std::string_view text, size_t end) {
  if (SubjectParticleEnd(text, end) != std::string_view::npos) return true;
  // "와/과" and a Korean word make a partner ("X와 합작", "X와 함께"); before another name
  // they join two names ("X와 Y의 경쟁"), and "와의" qualifies a noun.
  for (std::string_view p : {"와 ", "과 "}) {
    if (text.substr(end, p.size()) != p) continue;
    int len = 0;
    const size_t after = end + p.size();
    return after < text.size() && IsHangul(CodePointAt(text, after, &len));
  }
  const std::string_view from = "로부터";
  const size_t after = end + from.size();
  return text.substr(end, from.size()) == from && after < text.size() &&
         (text[after] == ' ' || text[after] == ',');
}

size_t LineSubjectStart(std::string_view text, size_t line_begin) {
  static constexpr std::string_view kBullets[] = {"-", "•", "●", "▪", "■", "○", "※", " ", "\t"};
  size_t at = line_begin;
  for (bool more = true; more && at < text.size();) {
    more = false;
    for (std::string_view b : kBullets) {
      if (text.substr(at, b.size()) == b) {
        at += b.size();
        more = true;
      }
    }
  }
  // A bullet's "(head) " says whom the bullet is about; the sentence starts after it.
  if (at < text.size() && text[at] == '(') {
    const size_t close = text.find(')', at);
    constexpr size_t kMaxHead = 60;
    if (close != std::string_view::npos && close - at < kMaxHead &&
        text.substr(at, close - at).find('\n') == std::string_view::npos &&
        close + 1 < text.size() && text[close + 1] == ' ') {
      at = close + 2;
    }
  }
  return at;
}

std::string LabelFromRoleWord(std::string_view text, size_t begin,
                              const std::vector<LabelCue>& endings, double* conf) {
  std::string_view before = text.substr(0, begin);
  for (std::string_view q : {"'", "‘", "\""}) {  // "공기업 'X'" reads like "공기업 X"
    if (before.size() >= q.size() && before.substr(before.size() - q.size()) == q) {
      before.remove_suffix(q.size());
    }
  }
  if (before.empty() || before.back() != ' ') return "";
  before.remove_suffix(1);
  // The role word: the Hangul syllables right before the space (three bytes each).
  size_t word = before.size();
  int len = 0;
  while (word >= 3 && IsHangul(CodePointAt(before, word - 3, &len))) word -= 3;
  const std::string_view role = before.substr(word);
  // Three syllables at least: "건설사", "자회사", "중개기업" are roles, "조사" and "감사" are
  // other words ending alike.
  constexpr size_t kMinRole = 9;
  if (role.size() < kMinRole) return "";
  for (const LabelCue& c : endings) {
    if (role.size() > c.text.size() && role.substr(role.size() - c.text.size()) == c.text) {
      *conf = 0.6;
      return c.label;
    }
  }
  return "";
}

namespace {

bool EndsWithAny(std::string_view word, std::initializer_list<std::string_view> tails) {
  for (std::string_view t : tails) {
    if (word.size() > t.size() && word.substr(word.size() - t.size()) == t) return true;
  }
  return false;
}

// Where the word that ends at `end` starts: after the space, tab or line break before it.
size_t WordStart(std::string_view text, size_t end) {
  const size_t sp = text.find_last_of(" \t\n", end == 0 ? 0 : end - 1);
  return sp == std::string_view::npos || sp >= end ? 0 : sp + 1;
}

// Whether `word` may be a word of a technology or product phrase: Hangul, Latin letters and
// digits, "-" and "·" ("브랜드·특허"), no bracket, quote or footnote mark.
bool IsPhraseWord(std::string_view word) {
  if (word.empty()) return false;
  for (size_t i = 0; i < word.size();) {
    int len = 0;
    const uint32_t c = CodePointAt(word, i, &len);
    if (!IsHangul(c) && !IsLatinAlnum(c) && c != '-' && c != 0xB7) return false;
    i += static_cast<size_t>(len);
  }
  return true;
}

std::string HeadLabel(std::string_view word, const PhraseLexicon& lex, bool* bare);

// A modifier of a phrase: a phrase word with no particle or adnominal ending ("저가의",
// "효율적", "새로운", "않는" end the phrase before them), not a number or a date ("12단",
// "'24년"), nor one of `stops`.
bool IsModifier(std::string_view word, const PhraseLexicon& lex) {
  // "인공지능(AI) 기반": a word may carry its Latin spelling.
  const size_t open = word.find('(');
  if (open != std::string_view::npos && open > 0 && word.back() == ')') {
    const std::string_view latin = word.substr(open + 1, word.size() - open - 2);
    if (latin.empty() || !IsPhraseWord(latin) ||
        !IsLatinAlnum(static_cast<unsigned char>(latin[0]))) {
      return false;
    }
    word = word.substr(0, open);
  }
  // A stop word is no modifier, unless it is a head noun itself ("로봇 차량").
  bool bare = false;
  if (!IsPhraseWord(word) || (word[0] >= '0' && word[0] <= '9') ||
      (lex.stops.contains(AV(word)) && HeadLabel(word, lex, &bare).empty())) {
    return false;
  }
  // Particles, adnominal endings and the connective endings of a verb ("선정되어", "가동해서").
  return !EndsWithAny(
      word, {"의",   "을",   "를",   "은",   "는",   "이",   "가",   "에",   "와",   "과",  "로",
             "도",   "만",   "서",   "한",   "된",   "던",   "할",   "적",   "인",   "운",  "되어",
             "하여", "아서", "어서", "하고", "하며", "되고", "되며", "으며", "지만", "면서"});
}

// The label of a head word: that of the longest `phrase_head` cue it ends in; "" when none.
// A head that is only its cue ("타워") is `*bare`.
std::string HeadLabel(std::string_view word, const PhraseLexicon& lex, bool* bare) {
  if (!IsPhraseWord(word)) return "";
  for (const LabelCue& c : lex.heads) {
    if (word.size() >= c.text.size() && word.substr(word.size() - c.text.size()) == c.text) {
      *bare = word.size() == c.text.size();
      return c.label;
    }
  }
  return "";
}

// Whether the verb ending at `end` closes a word here: its ending or a particle follows
// ("개발을", "개발해", "개발 중"), or punctuation; not a longer noun ("개발자", "생산량").
bool VerbEndsWord(std::string_view text, size_t end, bool compound) {
  if (end >= text.size()) return !compound;
  const char c = text[end];
  if (c == ',' || c == '.' || c == ')') return true;
  if (c == ' ' || c == '\n') {
    return !compound || text.substr(end, std::string_view(" 중").size()) == " 중";
  }
  int len = 0;
  const uint32_t cp = CodePointAt(text, end, &len);
  // After "Y 개발" a particle or a verb ending makes the compound the predicate's noun.
  static constexpr std::u16string_view kCompound = u"을를에도하한했해할중";
  static constexpr std::u16string_view kObject = u"하한했해할중에을를도";
  const std::u16string_view allowed = compound ? kCompound : kObject;
  return cp < 0x10000 && allowed.find(static_cast<char16_t>(cp)) != std::u16string_view::npos;
}

}  // namespace

std::vector<ObjectPhrase> FindObjectPhrases(std::string_view text, const PhraseLexicon& lex) {
  std::vector<ObjectPhrase> out;
  if (lex.empty()) return out;
  constexpr size_t kSyllable = 3;  // bytes of a Hangul syllable
  constexpr int kMaxBetween = 3;   // words between the object and its verb
  constexpr int kMaxModifiers = 3;
  // {head word's begin, head's end} of each object a verb occurrence takes.
  std::vector<std::pair<size_t, size_t>> heads;
  // A verb starts a word: look only after spaces. (Searching the text for each verb costs a
  // compare at nearly every syllable: Korean syllables share their lead bytes.) A word whose
  // first two bytes begin no verb is passed by one bit test (a bit per hash of two bytes).
  auto pair_bit = [](char a, char b) {
    const uint32_t key = static_cast<unsigned char>(a) << 8 | static_cast<unsigned char>(b);
    return uint64_t{1} << ((key * 0x9E3779B1u) >> 26);
  };
  uint64_t verb_pairs = 0;
  for (const std::string& verb : lex.verbs) {
    if (verb.size() >= 2) verb_pairs |= pair_bit(verb[0], verb[1]);
  }
  for (size_t space = text.find(' ', 1); space != std::string_view::npos;
       space = text.find(' ', space + 1)) {
    const size_t at = space + 1;
    if (at + 2 > text.size() || (verb_pairs & pair_bit(text[at], text[at + 1])) == 0) continue;
    for (const std::string& verb : lex.verbs) {
      // The first two bytes inline: a call to compare for every word and verb shows in profiles.
      if (verb.size() < 2 || at + verb.size() > text.size() || text[at] != verb[0] ||
          text[at + 1] != verb[1] || text.compare(at, verb.size(), verb) != 0) {
        continue;
      }
      heads.clear();
      size_t word_end = at - 1;
      size_t word_begin = WordStart(text, word_end);
      std::string_view word = text.substr(word_begin, word_end - word_begin);
      // "Y 개발을 시작", "Y 생산에 주력": the first part of a compound whose last word is the verb.
      if (!EndsWithAny(word, {"을", "를", "도"}) && VerbEndsWord(text, at + verb.size(), true)) {
        heads.push_back({word_begin, word_end});
      }
      // "Y를 개발", "Y를 자체 개발", "Y를 글로벌 시장에 출시": the accusative a few words
      // before the verb, with no other role's particle nor a comma between them.
      if (VerbEndsWord(text, at + verb.size(), false)) {
        for (int w = 0; w <= kMaxBetween && word_begin >= 2 && !word.empty(); ++w) {
          if (EndsWithAny(word, {"을", "를", "도"})) {
            heads.push_back({word_begin, word_end - kSyllable});
            break;
          }
          // Another role's particle, or a verb's ending ("Y를 개발하고 Z에 공급": Y is the
          // first verb's), closes the search.
          if (!IsPhraseWord(word) ||
              EndsWithAny(word, {"은", "는", "이", "가", "의", "와", "과", "고", "해", "며", "하여",
                                 "되어", "면서"}) ||
              text[word_begin - 1] != ' ') {
            break;
          }
          word_end = word_begin - 1;
          word_begin = WordStart(text, word_end);
          word = text.substr(word_begin, word_end - word_begin);
        }
      }
      // "X가 개발한 Y는", "X가 개발 중인 Y를": the phrase the verb's relative clause modifies,
      // up to its first word with a particle.
      for (std::string_view ending : {"한 ", "하는 ", "했던 ", " 중인 "}) {
        const size_t from = at + verb.size();
        if (text.substr(from, ending.size()) != ending) continue;
        size_t b = from + ending.size();
        for (int w = 0; w <= kMaxModifiers && b < text.size(); ++w) {
          const size_t e = std::min(text.find_first_of(" \t\n", b), text.size());
          const std::string_view next = text.substr(b, e - b);
          if (EndsWithAny(next,
                          {"은", "는", "이", "가", "을", "를", "에", "의", "로", "과", "와"})) {
            const size_t particle = EndsWithAny(next, {"으로"}) ? 2 * kSyllable : kSyllable;
            heads.push_back({b, e - particle});
            break;
          }
          if (!IsModifier(next, lex) || e >= text.size() || text[e] != ' ') break;
          b = e + 1;
        }
      }
      for (const auto& [head_begin, head_end] : heads) {
        const std::string_view head = text.substr(head_begin, head_end - head_begin);
        bool bare = false;
        ObjectPhrase p;
        p.label = HeadLabel(head, lex, &bare);
        if (p.label.empty()) continue;
        p.end = head_end;
        p.word_begins.push_back(head_begin);
        for (int m = 0; m < kMaxModifiers; ++m) {
          const size_t b = p.word_begins.back();
          if (b < 2 || text[b - 1] != ' ') break;
          const size_t mb = WordStart(text, b - 1);
          if (!IsModifier(text.substr(mb, b - 1 - mb), lex)) break;
          p.word_begins.push_back(mb);
        }
        // A head that is only a general word ("기술", "제품") names nothing alone.
        if (bare && p.word_begins.size() == 1 && lex.IsBareStop(head)) continue;
        std::reverse(p.word_begins.begin(), p.word_begins.end());
        out.push_back(std::move(p));
      }
    }
  }
  std::sort(out.begin(), out.end(), [](const ObjectPhrase& a, const ObjectPhrase& b) {
    return a.end != b.end ? a.end < b.end : a.word_begins.front() < b.word_begins.front();
  });
  out.erase(std::unique(out.begin(), out.end(),
                        [](const ObjectPhrase& a, const ObjectPhrase& b) {
                          return a.end == b.end && a.word_begins == b.word_begins;
                        }),
            out.end());
  return out;
}

}  // namespace kg::ingest
