// Labels for names no dictionary lists, read from the clause around them (ingest/internal.h).

#include <algorithm>
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

}  // namespace kg::ingest
