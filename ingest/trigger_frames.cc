// The typed-trigger fallback: relations keyed on what a clause means rather than on how one
// sentence happened to be written. A trigger word (투자, 공급, 협력...) names an edge; Korean marks
// the roles with particles, so the object is the mention before the trigger that carries the
// frame's object particle ("Y에 투자", "Y와 협력"), and the subject the name before it that
// carries a subject particle. The extractor adds these relations with a lower confidence, and
// only for pairs no specific rule related (see ApplyRules in extract.cc).
#include <algorithm>
#include <iterator>

#include "absl/strings/ascii.h"
#include "ingest/internal.h"

namespace kg::ingest {
namespace {

// How far (bytes of tagged text) the object's particle may be from the trigger: "Y에 5억 달러
// 규모의 지분 투자" still says it; a whole clause between them does not.
constexpr size_t kMaxObjectGap = 45;
// How far after the trigger a negation still belongs to it ("투자하지 않기로", "협력을 중단").
constexpr size_t kNegationWindow = 30;
// The same for a wider reading, whose trigger is often a noun with its own verb further on ("Y
// 지분을 Z에 매각"): the rest of its clause, up to this far.
constexpr size_t kWideNegationWindow = 90;
// A definition "(...)" after a name is skipped when it closes within this many bytes.
constexpr size_t kMaxDefinition = 80;

bool HasPrefix(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

bool HasSuffix(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

// Whether `s` starts with one of `words`.
bool StartsWithAny(std::string_view s, const std::vector<std::string>& words) {
  for (const std::string& w : words) {
    if (HasPrefix(s, w)) return true;
  }
  return false;
}

// Whether `word` is longer than one of `endings` and ends in it.
bool EndsInAny(std::string_view word, const std::vector<std::string>& endings) {
  for (const std::string& e : endings) {
    if (word.size() > e.size() && HasSuffix(word, e)) return true;
  }
  return false;
}

// Whether `s` starts with one of `particles` followed by a space ("은 "); the length of that
// prefix, else 0.
size_t ParticleWord(std::string_view s, const std::vector<std::string>& particles) {
  for (const std::string& p : particles) {
    if (HasPrefix(s, p) && s.size() > p.size() && s[p.size()] == ' ') return p.size() + 1;
  }
  return 0;
}

bool LabelFits(const std::vector<std::string>& labels, std::string_view label) {
  for (const std::string& l : labels) {
    if (l == "*" || l == label) return true;
  }
  return false;
}

// Whether the name whose placeholder ends at `end` is all of a bracket right after a word that
// names nothing here ("텐서 G5(Tensor G5)"): its spelling, not a definition of another name.
bool InDefinitionOfWords(std::string_view tagged, size_t end) {
  if (end >= tagged.size() || tagged[end] != ')') return false;
  const size_t open = tagged.rfind('\x01', end);
  return open != std::string_view::npos && open >= 2 && tagged[open - 1] == '(' &&
         tagged[open - 2] != ' ' && tagged[open - 2] != '\x02' && tagged[open - 2] != '(';
}

// Where the particles after the name ending at `end` start: past a definition "(...)", footnote
// marks, closing quotes and "社".
size_t AfterName(std::string_view tagged, size_t end) {
  size_t at = end;
  if (HasPrefix(tagged.substr(at), "(")) {
    size_t close = tagged.find(')', at);
    if (close != std::string_view::npos && close - at < kMaxDefinition) at = close + 1;
  }
  // In any order: "「X(Y)」*을" as well as "X*」".
  for (bool more = true; more;) {
    more = false;
    for (std::string_view tail : {"*", "'", "’", "」", "”", "社"}) {
      if (HasPrefix(tagged.substr(at), tail)) {
        at += tail.size();
        more = true;
      }
    }
  }
  return at;
}

// The end of the object mark at `at` (a mark followed by a space), or npos.
size_t MarkEnd(std::string_view tagged, size_t at, const std::vector<std::string>& marks) {
  for (const std::string& m : marks) {
    if (!HasPrefix(tagged.substr(at), m)) continue;
    const size_t e = at + m.size();
    if (e == tagged.size() || tagged[e] == ' ') return e;
  }
  return std::string_view::npos;
}

// A list closed by "등" and a category ("A, B 등 주요 기업과의 협력", "A와 B 등 중국 빅테크에
// 공급"): the mark is on the category's last word, at most kCategoryWords words on. The end of
// that mark, or npos.
constexpr int kCategoryWords = 3;
size_t MarkEndAfterList(const TriggerWords& words, std::string_view tagged, size_t at,
                        const std::vector<std::string>& marks) {
  size_t b = std::string_view::npos;
  for (const std::string& e : words.list_ends) {
    if (HasPrefix(tagged.substr(at), e)) {
      b = at + e.size();
      break;
    }
  }
  if (b == std::string_view::npos) return b;
  for (int w = 0; w < kCategoryWords && b < tagged.size(); ++w) {
    size_t e = tagged.find(' ', b);
    if (e == std::string_view::npos) e = tagged.size();
    std::string_view word = tagged.substr(b, e - b);
    if (word.find('\x01') != std::string_view::npos || word.find(',') != std::string_view::npos) {
      break;
    }
    for (const std::string& m : marks) {
      if (word.size() > m.size() && word.substr(word.size() - m.size()) == m) return e;
    }
    b = e + 1;
  }
  return std::string_view::npos;
}

// A name that owns the marked noun phrase after it: "X의 AI 가속기 Y에 공급", "X의 공장 건설에
// 보조금", "X Y GPU에 공급" (X's product Y). The phrase is at most kOwnedWords words after 의,
// kCompoundWords after a name, holds no comma, and the mark is on its last word (a name in it
// that fits the frame would itself be the nearest marked mention). The end of that mark, or
// npos. (A country before a noun says where, not whose: NearestMarked skips the labels of
// "@owner_not".)
constexpr int kOwnedWords = 5;
constexpr int kCompoundWords = 2;
size_t MarkEndAfterOwned(const TriggerWords& tw, std::string_view tagged, size_t at,
                         const std::vector<std::string>& marks) {
  size_t b = std::string_view::npos;
  int words = kOwnedWords;
  for (const std::string& g : tw.genitive) {
    if (HasPrefix(tagged.substr(at), g)) {
      b = at + g.size();
      break;
    }
  }
  if (b == std::string_view::npos && HasPrefix(tagged.substr(at), " \x01")) {
    // A name right before another names the owner of a thing: "X Y GPU에" (X's product Y). (Not
    // before an ordinary noun: "X 공장에" is as often where as whose.)
    b = at + 1;
    words = kCompoundWords;
  }
  if (b == std::string_view::npos) return b;
  for (int w = 0; w < words && b < tagged.size(); ++w) {
    size_t e = tagged.find(' ', b);
    if (e == std::string_view::npos) e = tagged.size();
    std::string_view word = tagged.substr(b, e - b);
    if (word.find(',') != std::string_view::npos) break;
    for (const std::string& m : marks) {
      if (word.size() > m.size() && word.substr(word.size() - m.size()) == m) return e;
    }
    // Another role's particle closes the phrase: "X의 Y를 수출 허가 대상에" owns only Y.
    if (EndsInAny(word, tw.accusative) || EndsInAny(word, tw.topic)) {
      return std::string_view::npos;
    }
    b = e + 1;
  }
  return std::string_view::npos;
}

// A ", " between two names lists them ("A, B와 C에"): it closes no clause.
bool IsListComma(std::string_view tagged, size_t at) {
  return at > 0 && (tagged[at - 1] == '\x02' || tagged[at - 1] == ')') && at + 2 < tagged.size() &&
         tagged[at + 2] == '\x01';
}

// Where each clause of `tagged` starts after the first: right after each clause ending, in
// text order.
std::vector<size_t> ClauseStarts(std::string_view tagged, const std::vector<std::string>& ends) {
  std::vector<size_t> starts;
  for (const std::string& e : ends) {
    for (size_t at = tagged.find(e); at != std::string_view::npos; at = tagged.find(e, at + 1)) {
      if (!(e == ", " && IsListComma(tagged, at))) starts.push_back(at + e.size());
    }
  }
  std::sort(starts.begin(), starts.end());
  return starts;
}

// The start of the clause that holds `pos`, from ClauseStarts.
size_t ClauseStart(const std::vector<size_t>& starts, size_t pos) {
  auto it = std::upper_bound(starts.begin(), starts.end(), pos);
  return it == starts.begin() ? 0 : *(it - 1);
}

// Whether a negation follows the trigger ending at `pos` before its clause ends. (From the
// trigger's end: a trigger may itself hold a negation word, "수출을 중단".)
bool Negated(const TriggerTable& table, std::string_view tagged, size_t pos,
             size_t window = kNegationWindow) {
  std::string_view after = tagged.substr(pos, window);
  for (const std::string& e : table.clause_ends) {
    after = after.substr(0, after.find(e));
  }
  for (const std::string& n : table.negations) {
    if (after.find(n) != std::string_view::npos) return true;
  }
  return false;
}

// Mention `k` with the names coordinated right before it ("A, B와 C에"), `k` first, each of
// `labels`.
std::vector<size_t> Coordinated(const TriggerWords& words, std::string_view tagged,
                                const std::vector<TaggedMention>& mentions, size_t k,
                                const std::vector<std::string>& labels) {
  std::vector<size_t> out = {k};
  while (k > 0) {
    size_t from = AfterName(tagged, mentions[k - 1].end);
    // The previous mention may be the Latin spelling inside a name's definition, "A(A), B와".
    if (from < tagged.size() && tagged[from] == ')') ++from;
    if (from > mentions[k].pos) break;
    std::string_view between = tagged.substr(from, mentions[k].pos - from);
    if (std::find(words.coordinators.begin(), words.coordinators.end(), between) ==
        words.coordinators.end()) {
      break;
    }
    if (mentions[k - 1].generic || !LabelFits(labels, mentions[k - 1].label)) break;
    --k;
    out.push_back(k);
  }
  return out;
}

// How many mentions end at or before `pos` (they are in text order and do not overlap): a
// trigger's readings look only at those, and frequent triggers should not walk the rest.
size_t MentionsBefore(const std::vector<TaggedMention>& mentions, size_t pos) {
  return static_cast<size_t>(
      std::partition_point(mentions.begin(), mentions.end(),
                           [pos](const TaggedMention& m) { return m.end <= pos; }) -
      mentions.begin());
}

// The nearest mention before `pos` in the clause starting at `clause` that fits `labels` and
// carries one of `marks` (on itself, on the category after its list, or on the noun phrase it
// owns), or npos.
size_t NearestMarked(const TriggerTable& table, const std::vector<std::string>& labels,
                     const std::vector<std::string>& marks, std::string_view tagged,
                     const std::vector<TaggedMention>& mentions, size_t clause, size_t pos) {
  for (size_t k = MentionsBefore(mentions, pos); k-- > 0;) {
    const TaggedMention& m = mentions[k];
    if (m.pos < clause) break;
    const size_t after = AfterName(tagged, m.end);
    size_t mark_end = MarkEnd(tagged, after, marks);
    if (mark_end == std::string_view::npos) {
      mark_end = MarkEndAfterList(table.words, tagged, after, marks);
    }
    if (mark_end == std::string_view::npos && !LabelFits(table.owner_not, m.label)) {
      mark_end = MarkEndAfterOwned(table.words, tagged, after, marks);
    }
    if (mark_end == std::string_view::npos || mark_end > pos) continue;
    if (pos - mark_end > kMaxObjectGap) break;
    // A generic term ("배터리") is no end of these: it becomes an entity only by a rule.
    if (!m.generic && LabelFits(labels, m.label)) return k;
  }
  return std::string_view::npos;
}

// "... '" -> "... ": drops an opening quote that ends `s` (it opens the name that follows).
void RemoveOpeningQuoteAtEnd(std::string_view* s) {
  for (std::string_view quote : {"'", "‘", "「", "“"}) {
    if (s->size() >= quote.size() && s->substr(s->size() - quote.size()) == quote) {
      s->remove_suffix(quote.size());
      return;
    }
  }
}

// Whether `s` is the subject of a relative clause that modifies `object` ("A가 주관하는 (차세대)
// P에 참여": A runs P; the subject of 참여 is another name): between them a verb with an
// adnominal ending, then at most kCompoundWords words with no particle and an opening quote.
bool SubjectOfRelativeBefore(const TriggerWords& w, std::string_view tagged, const TaggedMention& s,
                             const TaggedMention& object) {
  const size_t from = AfterName(tagged, s.end);
  if (object.pos <= from) return false;
  std::string_view between = tagged.substr(from, object.pos - from);
  const size_t particle = ParticleWord(between, w.nominative);
  if (particle == 0) return false;
  between.remove_prefix(particle);
  RemoveOpeningQuoteAtEnd(&between);
  if (between.empty() || between.back() != ' ') return false;
  between.remove_suffix(1);
  if (between.find_first_of("\x01,") != std::string_view::npos) return false;
  const std::vector<std::string_view> words = Split(between, ' ');
  if (words.empty() || words.size() > 1 + kCompoundWords) return false;
  for (size_t i = 1; i < words.size(); ++i) {
    if (words[i].empty() || EndsInAny(words[i], w.particles)) return false;
  }
  return EndsInAny(words[0], w.adnominal);
}

// The subject place for a trigger at `pos` whose marked names are `marked`: the nearest other
// name before the trigger followed by a subject particle ("X는 Y에", or "Y와 X가"), in the
// clause or carried over as a topic; npos when none fits.
size_t SubjectPlace(const TriggerTable& table, const std::vector<std::string>& labels,
                    std::string_view tagged, const std::vector<TaggedMention>& mentions,
                    const std::vector<size_t>& subject_places,
                    const std::vector<size_t>& topic_places, size_t clause, size_t pos,
                    const std::vector<size_t>& marked) {
  for (auto it = subject_places.rbegin(); it != subject_places.rend(); ++it) {
    const TaggedMention& s = mentions[*it];
    if (s.end > pos || std::find(marked.begin(), marked.end(), *it) != marked.end()) continue;
    if (SubjectOfRelativeBefore(table.words, tagged, s, mentions[marked.back()])) continue;
    if (!LabelFits(labels, s.label)) return std::string_view::npos;
    if (s.pos < clause &&
        std::find(topic_places.begin(), topic_places.end(), *it) == topic_places.end()) {
      return std::string_view::npos;
    }
    // "A는 X를, B는 Y를 개발": a clause between that opens with a subject of its own, one the
    // text did not recognise (B), ends A's part.
    if (UnknownTopicBetween(table, tagged, AfterName(tagged, s.end), pos)) {
      return std::string_view::npos;
    }
    return *it;
  }
  return std::string_view::npos;
}

// "A는 B와 함께 C에 출자": B, between the subject and the object, shares the subject's part.
void AddCompanions(const TriggerWords& words, std::string_view tagged,
                   const std::vector<TaggedMention>& mentions, size_t subject, size_t object,
                   const std::vector<std::string>& labels, std::vector<int>* out) {
  for (size_t k = subject + 1; k < object; ++k) {
    const size_t after = AfterName(tagged, mentions[k].end);
    if (!StartsWithAny(tagged.substr(after), words.companions)) continue;
    if (LabelFits(labels, mentions[k].label)) out->push_back(mentions[k].entity);
  }
}

// The name a trigger ending at `end` modifies as a relative clause ("주관하는 'Y'", "출자한
// Y", "양산 중인 Y"), or npos.
size_t RelativeHead(const TriggerWords& words, std::string_view tagged,
                    const std::vector<TaggedMention>& mentions, size_t end) {
  std::string_view rest = tagged.substr(end);
  bool relative = false;
  for (const std::string& ending : words.relative) {
    if (HasPrefix(rest, ending)) {
      rest.remove_prefix(ending.size());
      relative = true;
      break;
    }
  }
  if (!relative) return std::string_view::npos;
  for (std::string_view quote : {"'", "‘", "「", "“"}) {
    if (HasPrefix(rest, quote)) rest.remove_prefix(quote.size());
  }
  const size_t at = tagged.size() - rest.size();
  for (size_t k = 0; k < mentions.size(); ++k) {
    if (mentions[k].pos != at) continue;
    // "활용한 자율주행 기술(AV 2.0)": the name and a head noun after it, spelled out in the
    // bracket, are one phrase whose head is the bracket's name.
    const std::string_view after = tagged.substr(mentions[k].end);
    const size_t open = after.find("(\x01");
    if (k + 1 < mentions.size() && open != std::string_view::npos && open > 1 && after[0] == ' ' &&
        after.substr(1, open - 1).find_first_of(" \x01\x02(),") == std::string_view::npos &&
        !EndsInAny(after.substr(1, open - 1), words.particles) &&
        mentions[k + 1].pos == mentions[k].end + open + 1 &&
        InDefinitionOfWords(tagged, mentions[k + 1].end)) {
      return k + 1;
    }
    return k;
  }
  // "생산한 텐서 G5(Tensor G5)를": the head is words the text did not recognise, spelled out in
  // the bracket after them (at most kCompoundWords words, no particle, no other name).
  const size_t open = rest.find("(\x01");
  if (open == std::string_view::npos || open == 0) return std::string_view::npos;
  const std::string_view head = rest.substr(0, open);
  const std::vector<std::string_view> head_words = Split(head, ' ');
  if (head.find_first_of("\x01\x02(),") != std::string_view::npos ||
      head_words.size() > static_cast<size_t>(kCompoundWords)) {
    return std::string_view::npos;
  }
  for (std::string_view w : head_words) {
    if (w.empty() || EndsInAny(w, words.particles)) return std::string_view::npos;
  }
  for (size_t k = 0; k < mentions.size(); ++k) {
    if (mentions[k].pos == at + open + 1) {
      return InDefinitionOfWords(tagged, mentions[k].end) ? k : std::string_view::npos;
    }
  }
  return std::string_view::npos;
}

// The subject of a relative clause whose trigger starts at `pos`: the nearest name before it in
// its clause followed by 이/가 (not the topic), close to the trigger; npos when none fits.
size_t RelativeSubject(const std::vector<std::string>& labels, std::string_view tagged,
                       const std::vector<TaggedMention>& mentions,
                       const std::vector<size_t>& subject_places,
                       const std::vector<size_t>& topic_places, size_t clause, size_t pos) {
  for (auto it = subject_places.rbegin(); it != subject_places.rend(); ++it) {
    const TaggedMention& s = mentions[*it];
    if (s.end > pos) continue;
    if (s.pos < clause || !LabelFits(labels, s.label) ||
        std::find(topic_places.begin(), topic_places.end(), *it) != topic_places.end()) {
      return std::string_view::npos;
    }
    const size_t after = AfterName(tagged, s.end);
    return pos - after <= kMaxObjectGap ? *it : std::string_view::npos;
  }
  return std::string_view::npos;
}

// Whether the frame's object is the trigger's accusative (을/를): only then is the name before
// the trigger noun in a compound its object ("Y 생산" produces Y; "Y 공급" supplies Y, not to Y).
bool TakesAccusative(const TriggerWords& words, const TriggerFrame& f) {
  for (const std::string& m : f.object_marks) {
    if (std::find(words.accusative.begin(), words.accusative.end(), m) != words.accusative.end()) {
      return true;
    }
  }
  return false;
}

// Whether the code point before `pos` is a Hangul syllable: the trigger then ends a longer word
// ("연구개발에 활용" is no 개발 of the name before it).
bool InsideWord(std::string_view tagged, size_t pos) {
  if (pos < 3) return false;
  const auto lead = static_cast<unsigned char>(tagged[pos - 3]);
  if (lead < 0xEA || lead > 0xED) return false;
  int len = 0;
  const uint32_t c = CodePointAt(tagged, pos - 3, &len);
  return len == 3 && c >= 0xAC00 && c <= 0xD7A3;
}

// Whether the trigger ending at `end` is the head of its noun phrase, the noun its clause's verb
// governs: a particle or a verb ending follows it ("Y 개발을 진행", "Y 생산에 나서", "Y 지분을
// 확보", "Y 개발 중"), not another noun ("Y 개발 프로그램", "Y 생산 시설을", "Y 개발사"), which
// the phrase only modifies.
bool HeadsItsPhrase(const TriggerWords& words, std::string_view tagged, size_t end) {
  std::string_view rest = tagged.substr(end);
  // A share measures the trigger's noun and leaves it the head: "Y 지분 24.9%를 보유".
  if (rest.size() > 2 && rest[0] == ' ' && absl::ascii_isdigit(rest[1])) {
    size_t e = 1;
    while (e < rest.size() && (absl::ascii_isdigit(rest[e]) || rest[e] == '.')) ++e;
    if (e < rest.size() && rest[e] == '%') rest.remove_prefix(e + 1);
  }
  // (Not 로 in the shipped list: "Y 주도로" says by whom, "Y 개발로" because of what.)
  return StartsWithAny(rest, words.heads_phrase);
}

// The wide object reading: a name that heads a compound noun phrase ending in the frame's object
// mark ("Y 케이블 구축에 투자": the mark is on the phrase's last word, at most kCompoundWords
// words on), or, for an accusative frame, the phrase that ends at the trigger ("Y 생산", "Y
// 개발을 진행") when the trigger heads it (HeadsItsPhrase). No word before the last carries a
// particle, and the mark is at most kMaxObjectGap before the trigger, which starts a word. The
// nearest mention of the clause when it fits `labels` and is no `@owner_not` name ("미국 공장에"
// says where), or npos.
size_t CompoundObject(const TriggerTable& table, const TriggerFrame& f, std::string_view tagged,
                      const std::vector<TaggedMention>& mentions, size_t clause, size_t pos,
                      size_t end) {
  if (InsideWord(tagged, pos)) return std::string_view::npos;
  size_t k = MentionsBefore(mentions, pos);
  if (k == 0 || mentions[--k].pos < clause) return std::string_view::npos;
  const TaggedMention& m = mentions[k];
  if (m.generic || !LabelFits(f.objects, m.label) || LabelFits(table.owner_not, m.label)) {
    return std::string_view::npos;
  }
  size_t b = AfterName(tagged, m.end);
  if (b >= pos || tagged[b] != ' ') return std::string_view::npos;
  ++b;
  for (int words = 0; b < pos; ++words) {
    size_t e = tagged.find(' ', b);
    if (words == kCompoundWords || e == std::string_view::npos || e > pos) break;
    std::string_view word = tagged.substr(b, e - b);
    if (word.empty() || word.find_first_of("\x01,()") != std::string_view::npos) break;
    for (const std::string& mark : f.object_marks) {
      if (word.size() > mark.size() && word.substr(word.size() - mark.size()) == mark) {
        return pos - e <= kMaxObjectGap ? k : std::string_view::npos;
      }
    }
    if (EndsInAny(word, table.words.particles)) break;
    b = e + 1;
  }
  return b == pos && TakesAccusative(table.words, f) && HeadsItsPhrase(table.words, tagged, end)
             ? k
             : std::string_view::npos;
}

// Whether the noun phrase ending at the trigger describes the name right after it ("SMR 개발
// 기업 X-energy에", "모델 개발 프로젝트 'GR00T'를"): at most kCompoundWords words, none with a
// particle, then the name (after an opening quote). The phrase says what that name is; the
// name before the trigger is no object of the clause's verb.
bool DescribesNextName(const TriggerWords& w, std::string_view tagged, size_t end) {
  // A particle or ending on the trigger ("개발을 진행하며 X") makes it no noun modifier.
  if (end >= tagged.size() || tagged[end] != ' ') return false;
  const size_t next = tagged.find('\x01', end);
  if (next == std::string_view::npos) return false;
  std::string_view between = tagged.substr(end, next - end);
  RemoveOpeningQuoteAtEnd(&between);
  if (between.empty() || between.back() != ' ') return false;
  between.remove_suffix(1);
  int words = 0;
  for (std::string_view word : Split(between, ' ')) {
    if (word.empty()) continue;
    if (++words > kCompoundWords || word.find_first_of(",()") != std::string_view::npos ||
        EndsInAny(word, w.particles)) {
      return false;
    }
  }
  return true;
}

// Whether the trigger ending at `end` modifies the noun after it ("사용하는 삼원계", "개발한
// 모델"): the clause's names are then not its subject.
bool IsRelative(const TriggerWords& words, std::string_view tagged, size_t end) {
  return StartsWithAny(tagged.substr(end), words.relative) ||
         StartsWithAny(tagged.substr(end), words.modifier);
}

// Whether `m` is a bullet's "(X)" head, the name of the actor the bullet is about.
bool IsHead(std::string_view tagged, const TaggedMention& m) {
  return m.pos > 0 && tagged[m.pos - 1] == '(' && m.end < tagged.size() && tagged[m.end] == ')';
}

// The wide subject reading, for a clause with no name followed by a subject particle before the
// trigger: the clause's first name, before the object, when it is the "(X)" head of a bullet and
// fits `labels` ("(X) '24년 Y를 개발"). npos when a subject place precedes the trigger in the
// clause (then it is the subject or there is none) or the first name is no head or does not fit.
// (A bare name there, "트럼프 대통령 취임식에서", "미국 SMR 개발", is as often where or whose.)
size_t UnmarkedSubject(const TriggerWords& words, const std::vector<std::string>& labels,
                       std::string_view tagged, const std::vector<TaggedMention>& mentions,
                       const std::vector<size_t>& subject_places, size_t clause, size_t pos,
                       size_t object) {
  for (size_t k : subject_places) {
    if (mentions[k].pos >= clause && mentions[k].end <= pos) return std::string_view::npos;
  }
  size_t first = object;
  while (first > 0 && mentions[first - 1].pos >= clause) --first;
  if (first == object || !IsHead(tagged, mentions[first]) || mentions[first].generic ||
      !LabelFits(labels, mentions[first].label)) {
    return std::string_view::npos;
  }
  // "(X) W은 ...": the word after the head carries a subject particle, so the clause has its own
  // subject, a name the text did not recognise; the head is only where W is from. Its government
  // ("(X) 정부는") is X itself.
  const size_t word = mentions[first].end + 2;  // past ") "
  if (word < tagged.size() && tagged[word - 1] == ' ') {
    const size_t word_end = std::min(tagged.find(' ', word), tagged.size());
    const std::string_view w = tagged.substr(word, word_end - word);
    bool government = false;
    for (const std::string& g : words.government) {
      // The word itself, or with one syllable (its particle) after it.
      if (HasPrefix(w, g) && w.size() - g.size() <= std::string_view("은").size())
        government = true;
    }
    if (!government && w.find_first_of("\x01(),") == std::string_view::npos &&
        (EndsInAny(w, words.topic) || EndsInAny(w, words.nominative))) {
      return std::string_view::npos;
    }
  }
  return first;
}

void AddHits(int frame, int trigger, const std::vector<int>& subjects,
             const std::vector<int>& objects, std::vector<TriggerHit>* hits,
             TriggerHit::Reading reading = TriggerHit::kMarked) {
  for (int s : subjects) {
    for (int o : objects) {
      if (s != o) hits->push_back({frame, trigger, s, o, reading});
    }
  }
}

std::vector<int> EntitiesOf(const std::vector<TaggedMention>& mentions,
                            const std::vector<size_t>& places) {
  std::vector<int> out;
  for (size_t k : places) out.push_back(mentions[k].entity);
  return out;
}

// Whether the word right before a trigger at `pos` receives it ("유치한 투자", "받은 지원").
bool ReceivedBefore(const TriggerWords& words, std::string_view tagged, size_t pos) {
  for (const std::string& w : words.received_before) {
    if (HasSuffix(tagged.substr(0, pos), w)) return true;
  }
  return false;
}

// Whether the text right after a trigger receives it ("투자 유치", "투자를 유치", "투자를 받").
bool ReceivedAfter(const TriggerWords& words, std::string_view after) {
  return StartsWithAny(after, words.received_after);
}

// The companies a back-reference at the head of the clause stands for: "두 회사는" and "양사는" the
// two last companies named before it in the unit, "이 회사는" and "동사는" the last one; empty
// without such a word (followed by a subject particle) between the clause start and `object`.
std::vector<int> BackReferenced(const TriggerWords& words, std::string_view tagged,
                                const std::vector<TaggedMention>& mentions,
                                std::string_view company_label, size_t clause, size_t object) {
  const std::string_view span = tagged.substr(clause, object - clause);
  for (const TriggerWords::BackReference& ref : words.back_references) {
    const std::string_view word = ref.word;
    const size_t count = ref.count;
    for (size_t at = span.find(word); at != std::string_view::npos; at = span.find(word, at + 1)) {
      if (at > 0 && span[at - 1] != ' ') continue;
      const std::string_view rest = span.substr(at + word.size());
      if (ParticleWord(rest, words.topic) == 0 && ParticleWord(rest, words.nominative) == 0 &&
          ParticleWord(rest, words.additive) == 0) {
        continue;
      }
      std::vector<int> out;
      for (size_t k = mentions.size(); k-- > 0 && out.size() < count;) {
        const TaggedMention& m = mentions[k];
        if (m.end > clause + at || m.label != company_label) continue;
        if (std::find(out.begin(), out.end(), m.entity) == out.end()) out.push_back(m.entity);
      }
      if (out.size() == count) return out;
      return {};
    }
  }
  return {};
}

// Whether the trigger [pos, end) of a table cell states the maker of the row's head: it follows
// a name with at most one word between and no particle ("애플 설계", "TSMC 3nm 생산", "LG
// AI연구원 개발"), and ends its item (the cell's end, a comma or a period follows, or " 중").
// The index of that name, or npos.
size_t RowMaker(const TriggerTable& table, std::string_view tagged,
                const std::vector<TaggedMention>& mentions, size_t pos, size_t end) {
  std::string_view rest = tagged.substr(end);
  if (HasPrefix(rest, " 중")) rest.remove_prefix(std::string_view(" 중").size());
  if (!rest.empty() && rest[0] != ',' && rest[0] != '.' && rest[0] != '\n') {
    return std::string_view::npos;
  }
  const size_t k = MentionsBefore(mentions, pos);
  if (k == 0 || mentions[k - 1].generic) return std::string_view::npos;
  const size_t after = AfterName(tagged, mentions[k - 1].end);
  if (after >= pos || tagged[after] != ' ') return std::string_view::npos;
  const std::string_view between = tagged.substr(after + 1, pos - after - 1);
  if (between.empty()) return k - 1;
  if (between.back() != ' ') return std::string_view::npos;
  const std::string_view word = between.substr(0, between.size() - 1);
  if (word.find_first_of(" ,()\x01") != std::string_view::npos ||
      EndsInAny(word, table.words.particles)) {
    return std::string_view::npos;
  }
  return k - 1;
}

// Where the host of a `host` frame's trigger at `pos` is marked: the end of the clause's last
// word before the trigger that ends in a "@host" particle ("Copilot+ PC에", "전 모델에는"),
// and in `word` where that word starts; npos when none. A word that starts with a digit or a
// quote is a date, not a place ("'24.5월에").
size_t HostMark(const TriggerWords& w, std::string_view tagged, size_t clause, size_t pos,
                size_t* word) {
  const std::string_view span = tagged.substr(clause, pos - clause);
  size_t best = std::string_view::npos;
  for (const std::string& m : w.host) {
    for (size_t at = span.rfind(m + " "); at != std::string_view::npos && at > 0;
         at = span.rfind(m + " ", at - 1)) {
      if (span[at - 1] == ' ') continue;  // a particle needs a word before it
      const size_t start = span.rfind(' ', at - 1);
      const size_t b = start == std::string_view::npos ? 0 : start + 1;
      if (absl::ascii_isdigit(span[b]) || span[b] == '\'') continue;
      if (best == std::string_view::npos || at + m.size() > best) {
        best = at + m.size();
        *word = clause + b;
      }
      break;
    }
  }
  return best == std::string_view::npos ? best : clause + best;
}

// The name whose host mark ends at `mark_end` (the word holding it starts at `word`): a name
// right before the particle, one owning the phrase ("X의 Y에"), or one heading a compound of at
// most kCompoundWords words with no particle ("갤럭시 S25 전 모델에"); npos when the host is
// words the text did not recognise ("태블릿에").
size_t HostName(const TriggerTable& table, std::string_view tagged,
                const std::vector<TaggedMention>& mentions, size_t clause, size_t word,
                size_t mark_end) {
  const TriggerWords& w = table.words;
  for (size_t k = MentionsBefore(mentions, mark_end); k-- > 0;) {
    const TaggedMention& m = mentions[k];
    if (m.pos < clause) break;
    const size_t after = AfterName(tagged, m.end);
    if (after > mark_end) continue;
    if (MarkEnd(tagged, after, w.host) == mark_end ||
        (!LabelFits(table.owner_not, m.label) &&
         MarkEndAfterOwned(w, tagged, after, w.host) == mark_end)) {
      return k;
    }
    // "Y 전 모델에": at most kCompoundWords words after the name, the last the marked one.
    if (after >= word || tagged[after] != ' ') return std::string_view::npos;
    const std::string_view between = tagged.substr(after + 1, word - after - 1);
    if (between.find_first_of("\x01,()") != std::string_view::npos) return std::string_view::npos;
    const std::vector<std::string_view> words = Split(between, ' ');
    if (words.size() > static_cast<size_t>(kCompoundWords)) return std::string_view::npos;
    for (std::string_view x : words) {
      if (!x.empty() && EndsInAny(x, w.particles)) return std::string_view::npos;
    }
    return k;
  }
  return std::string_view::npos;
}

// The host reading of a `host` frame's trigger [pos, end): true when the clause names a host
// before the trigger, which then decides (a relation when the host is a fitting name and an
// object is found: its accusative name, else the clause's subject); false when there is none
// and the usual reading applies.
bool MatchHost(const TriggerTable& table, const TriggerFrame& f, int fi, int ti,
               std::string_view tagged, const std::vector<TaggedMention>& mentions,
               const std::vector<size_t>& subject_places, const std::vector<size_t>& topic_places,
               size_t clause, size_t pos, size_t end, std::vector<TriggerHit>* hits) {
  const TriggerWords& words = table.words;
  size_t word = 0;
  const size_t mark_end = HostMark(words, tagged, clause, pos, &word);
  if (mark_end == std::string_view::npos) return false;
  const size_t host = HostName(table, tagged, mentions, clause, word, mark_end);
  if (host == std::string_view::npos || mentions[host].generic ||
      !LabelFits(f.subjects, mentions[host].label)) {
    return true;
  }
  size_t object = NearestMarked(table, f.objects, words.accusative, tagged, mentions, clause, pos);
  if (object == host) object = std::string_view::npos;
  if (object == std::string_view::npos) {
    object = SubjectPlace(table, f.objects, tagged, mentions, subject_places, topic_places, clause,
                          pos, {host});
  }
  if (object == std::string_view::npos || mentions[object].generic || Negated(table, tagged, end)) {
    return true;
  }
  AddHits(fi, ti, EntitiesOf(mentions, Coordinated(words, tagged, mentions, host, f.subjects)),
          EntitiesOf(mentions, Coordinated(words, tagged, mentions, object, f.objects)), hits);
  return true;
}

// Whether a word in [from, to) ends in an accusative particle ("AI를 "): an object of its own.
bool HasAccusativeWord(const TriggerWords& w, std::string_view tagged, size_t from, size_t to) {
  if (from >= to) return false;
  for (std::string_view word : Split(tagged.substr(from, to - from), ' ')) {
    if (EndsInAny(word, w.accusative)) return true;
  }
  return false;
}

// One trigger occurrence [pos, end) of frame `f`.
void MatchTrigger(const TriggerTable& table, const TriggerFrame& f, int fi, int ti,
                  std::string_view tagged, const std::vector<TaggedMention>& mentions,
                  const std::vector<size_t>& subject_places,
                  const std::vector<size_t>& topic_places, const std::vector<size_t>& clauses,
                  const TaggedMention* row, size_t pos, size_t end, std::vector<TriggerHit>* hits) {
  // A passive ("X에 인수되었다", "X에 인수된 Y") turns the roles round: the marked name is the
  // actor. The rules read passives; the fallback would read them backwards.
  const TriggerWords& words = table.words;
  if (StartsWithAny(tagged.substr(end), words.passive)) return;
  // The receiving side ("Y가 유치한 투자", "Y가 받은 지원", "Y의 투자 유치", "투자를 받아"): the
  // clause's subject is the recipient, so the frame would read the roles backwards (the `reverse`
  // frames and the rules read these).
  if (!f.reverse &&
      (ReceivedBefore(words, tagged, pos) || ReceivedAfter(words, tagged.substr(end)))) {
    return;
  }
  const size_t clause = ClauseStart(clauses, pos);
  // A table cell's "X 설계": X makes the row's head.
  if (row != nullptr && !f.reverse && LabelFits(f.objects, row->label)) {
    const size_t maker = RowMaker(table, tagged, mentions, pos, end);
    // A name that may be the verb's own object is read as one: "TRISO 연료 사용" uses TRISO.
    if (maker != std::string_view::npos && mentions[maker].pos >= clause &&
        LabelFits(f.subjects, mentions[maker].label) &&
        !LabelFits(f.objects, mentions[maker].label)) {
      AddHits(fi, ti, EntitiesOf(mentions, Coordinated(words, tagged, mentions, maker, f.subjects)),
              {row->entity}, hits);
      return;
    }
  }
  if (f.host && !words.host.empty() &&
      MatchHost(table, f, fi, ti, tagged, mentions, subject_places, topic_places, clause, pos, end,
                hits)) {
    return;
  }
  const std::vector<std::string>& marked_labels = f.reverse ? f.subjects : f.objects;
  const std::vector<std::string>& subject_labels = f.reverse ? f.objects : f.subjects;
  size_t marked =
      NearestMarked(table, marked_labels, f.object_marks, tagged, mentions, clause, pos);
  TriggerHit::Reading reading = TriggerHit::kMarked;
  if (marked == std::string_view::npos && !f.reverse && table.wide_object_confidence > 0) {
    marked = CompoundObject(table, f, tagged, mentions, clause, pos, end);
    if (DescribesNextName(words, tagged, end)) marked = std::string_view::npos;
    reading = TriggerHit::kWideObject;
  }
  if (marked == std::string_view::npos) {
    if (f.reverse) return;
    const size_t object = RelativeHead(words, tagged, mentions, end);
    if (object == std::string_view::npos || !LabelFits(f.objects, mentions[object].label)) return;
    const size_t subject =
        RelativeSubject(f.subjects, tagged, mentions, subject_places, topic_places, clause, pos);
    if (subject == std::string_view::npos || Negated(table, tagged, end)) return;
    // "X가 [생성형 AI를 활용한] Y": the relative clause has an object of its own, a word the text
    // did not recognise, so Y is its subject and X is the subject of another verb.
    if (HasAccusativeWord(words, tagged, AfterName(tagged, mentions[subject].end), pos)) return;
    AddHits(fi, ti, EntitiesOf(mentions, Coordinated(words, tagged, mentions, subject, f.subjects)),
            {mentions[object].entity}, hits);
    return;
  }
  const std::vector<size_t> marked_list =
      Coordinated(words, tagged, mentions, marked, marked_labels);
  // "Y를 생산하는 X": the name the trigger's relative clause modifies is its subject, not the
  // topic before it.
  const size_t head =
      f.reverse ? std::string_view::npos : RelativeHead(words, tagged, mentions, end);
  size_t subject = head != std::string_view::npos && LabelFits(subject_labels, mentions[head].label)
                       ? head
                       : SubjectPlace(table, subject_labels, tagged, mentions, subject_places,
                                      topic_places, clause, pos, marked_list);
  if (subject == std::string_view::npos && !f.reverse && !table.company_label.empty() &&
      LabelFits(subject_labels, table.company_label)) {
    const std::vector<int> back = BackReferenced(words, tagged, mentions, table.company_label,
                                                 clause, mentions[marked_list.front()].pos);
    if (!back.empty()) {
      if (!Negated(table, tagged, end,
                   reading == TriggerHit::kMarked ? kNegationWindow : kWideNegationWindow)) {
        AddHits(fi, ti, back, EntitiesOf(mentions, marked_list), hits, reading);
      }
      return;
    }
  }
  if (subject == std::string_view::npos && table.wide_subject_confidence > 0 &&
      RelativeHead(words, tagged, mentions, end) == std::string_view::npos &&
      !IsRelative(words, tagged, end)) {
    subject = UnmarkedSubject(words, subject_labels, tagged, mentions, subject_places, clause, pos,
                              marked_list.back());
    reading = TriggerHit::kWideSubject;
  }
  if (subject == std::string_view::npos) return;
  if (Negated(table, tagged, end,
              reading == TriggerHit::kMarked ? kNegationWindow : kWideNegationWindow)) {
    return;
  }
  std::vector<int> subjects =
      EntitiesOf(mentions, Coordinated(words, tagged, mentions, subject, subject_labels));
  AddCompanions(words, tagged, mentions, subject, marked_list.back(), subject_labels, &subjects);
  const std::vector<int> objects = EntitiesOf(mentions, marked_list);
  if (f.reverse) {
    AddHits(fi, ti, objects, subjects, hits, reading);
  } else {
    AddHits(fi, ti, subjects, objects, hits, reading);
  }
}

}  // namespace

bool UnknownTopicBetween(const TriggerTable& table, std::string_view tagged, size_t from,
                         size_t to) {
  if (table.words.topic.empty()) return false;
  to = std::min(to, tagged.size());
  for (const std::string& e : table.clause_ends) {
    for (size_t at = tagged.find(e, from); at != std::string_view::npos && at + e.size() < to;
         at = tagged.find(e, at + 1)) {
      if (e == ", " && IsListComma(tagged, at)) continue;
      size_t b = at + e.size();
      size_t word_end = std::min(tagged.find(' ', b), to);
      if (word_end == b) continue;
      // A subject of two words, "펄블 연료는", "X 공장은": the first a name or a word with no
      // particle of its own.
      const std::string_view first = tagged.substr(b, word_end - b);
      const bool name = first.size() > 2 && first.front() == '\x01' && first.back() == '\x02' &&
                        first.find('\x01', 1) == std::string_view::npos;
      if (word_end < to &&
          (name || (!EndsInAny(first, table.words.particles) &&
                    first.find_first_of("\x01\x02()'\"") == std::string_view::npos))) {
        const size_t second_end = std::min(tagged.find(' ', word_end + 1), to);
        const std::string_view second = tagged.substr(word_end + 1, second_end - word_end - 1);
        if (EndsInAny(second, table.words.topic)) {
          b = word_end + 1;
          word_end = second_end;
        }
      }
      const std::string_view word = tagged.substr(b, word_end - b);
      if (word.find_first_of("\x01\x02()'\"") != std::string_view::npos) continue;
      const bool not_topic =
          std::any_of(table.words.topic_not.begin(), table.words.topic_not.end(),
                      [word](const std::string& e) { return HasSuffix(word, e); });
      if (EndsInAny(word, table.words.topic) && !not_topic) {
        return true;
      }
    }
  }
  return false;
}

double TriggerConfidence(const TriggerTable& table, TriggerHit::Reading reading) {
  switch (reading) {
    case TriggerHit::kWideObject:
      return table.wide_object_confidence;
    case TriggerHit::kWideSubject:
      return table.wide_subject_confidence;
    case TriggerHit::kMarked:
      break;
  }
  return table.confidence;
}

void IndexTriggers(TriggerTable* table) {
  table->by_first.clear();
  table->first_bits.assign(0x10000 / 64, 0);
  for (size_t fi = 0; fi < table->frames.size(); ++fi) {
    const std::vector<std::string>& triggers = table->frames[fi].triggers;
    for (size_t ti = 0; ti < triggers.size(); ++ti) {
      int len = 0;
      const uint32_t c = CodePointAt(triggers[ti], 0, &len);
      table->by_first[c].push_back({static_cast<int>(fi), static_cast<int>(ti)});
      if (c < 0x10000) table->first_bits[c >> 6] |= uint64_t{1} << (c & 63);
    }
  }
}

void FindTriggerRelations(const TriggerTable& table, std::string_view tagged,
                          const std::vector<TaggedMention>& mentions,
                          const std::vector<size_t>& subject_places,
                          const std::vector<size_t>& topic_places, std::vector<TriggerHit>* hits,
                          const TaggedMention* row) {
  if (mentions.size() + (row != nullptr ? 1 : 0) < 2 || table.first_bits.empty()) return;
  std::vector<size_t> clauses;  // ClauseStarts, at the first trigger
  bool clauses_found = false;
  // Every reading takes a subject before the trigger (a subject place, or for the wide subject a
  // "(X)" head): none before the first is read.
  size_t from = subject_places.empty() ? tagged.size() : mentions[subject_places.front()].end;
  if (table.wide_subject_confidence > 0) {
    for (const TaggedMention& m : mentions) {
      if (m.end >= from) break;
      if (IsHead(tagged, m)) {
        from = m.end;
        break;
      }
    }
  }
  // A back-reference ("두 회사는", "이 회사는") is a subject too.
  if (from == tagged.size()) {
    for (const TriggerWords::BackReference& ref : table.words.back_references) {
      from = std::min(from, tagged.find(ref.word));
    }
  }
  // A table cell's maker precedes its trigger ("애플 설계").
  if (row != nullptr && !mentions.empty()) from = std::min(from, mentions.front().end);
  for (size_t pos = from; pos < tagged.size();) {
    if (tagged[pos] == '\x01') {  // a placeholder: no trigger inside
      const size_t close = tagged.find('\x02', pos);
      if (close == std::string_view::npos) break;
      pos = close + 1;
      continue;
    }
    int len = 0;
    const uint32_t c = CodePointAt(tagged, pos, &len);
    const bool maybe =
        c < 0x10000 ? (table.first_bits[c >> 6] >> (c & 63) & 1) != 0 : table.by_first.contains(c);
    if (maybe) {
      auto it = table.by_first.find(c);
      if (it != table.by_first.end()) {
        for (const auto& [fi, ti] : it->second) {
          const std::string& t = table.frames[fi].triggers[ti];
          if (tagged.substr(pos, t.size()) != t) continue;
          if (!clauses_found) {
            clauses = ClauseStarts(tagged, table.clause_ends);
            clauses_found = true;
          }
          MatchTrigger(table, table.frames[fi], fi, ti, tagged, mentions, subject_places,
                       topic_places, clauses, row, pos, pos + t.size(), hits);
        }
      }
    }
    pos += static_cast<size_t>(len);
  }
}

}  // namespace kg::ingest
