// The typed-trigger fallback: relations keyed on what a clause means rather than on how one
// sentence happened to be written. A trigger word (투자, 공급, 협력...) names an edge; Korean marks
// the roles with particles, so the object is the mention before the trigger that carries the
// frame's object particle ("Y에 투자", "Y와 협력"), and the subject the name before it that
// carries a subject particle. The extractor adds these relations with a lower confidence, and
// only for pairs no specific rule related (see ApplyRules in extract.cc).
#include <algorithm>
#include <iterator>

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

bool LabelFits(const std::vector<std::string>& labels, std::string_view label) {
  for (const std::string& l : labels) {
    if (l == "*" || l == label) return true;
  }
  return false;
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
size_t MarkEndAfterList(std::string_view tagged, size_t at, const std::vector<std::string>& marks) {
  if (!HasPrefix(tagged.substr(at), " 등 ")) return std::string_view::npos;
  size_t b = at + std::string_view(" 등 ").size();
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
size_t MarkEndAfterOwned(std::string_view tagged, size_t at,
                         const std::vector<std::string>& marks) {
  size_t b;
  int words = kOwnedWords;
  if (HasPrefix(tagged.substr(at), "의 ")) {
    b = at + std::string_view("의 ").size();
  } else if (HasPrefix(tagged.substr(at), " \x01")) {
    // A name right before another names the owner of a thing: "X Y GPU에" (X's product Y). (Not
    // before an ordinary noun: "X 공장에" is as often where as whose.)
    b = at + 1;
    words = kCompoundWords;
  } else {
    return std::string_view::npos;
  }
  for (int w = 0; w < words && b < tagged.size(); ++w) {
    size_t e = tagged.find(' ', b);
    if (e == std::string_view::npos) e = tagged.size();
    std::string_view word = tagged.substr(b, e - b);
    if (word.find(',') != std::string_view::npos) break;
    for (const std::string& m : marks) {
      if (word.size() > m.size() && word.substr(word.size() - m.size()) == m) return e;
    }
    // Another role's particle closes the phrase: "X의 Y를 수출 허가 대상에" owns only Y.
    for (std::string_view p : {"을", "를", "은", "는"}) {
      if (word.size() > p.size() && word.substr(word.size() - p.size()) == p) {
        return std::string_view::npos;
      }
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
std::vector<size_t> Coordinated(std::string_view tagged, const std::vector<TaggedMention>& mentions,
                                size_t k, const std::vector<std::string>& labels) {
  std::vector<size_t> out = {k};
  while (k > 0) {
    size_t from = AfterName(tagged, mentions[k - 1].end);
    // The previous mention may be the Latin spelling inside a name's definition, "A(A), B와".
    if (from < tagged.size() && tagged[from] == ')') ++from;
    if (from > mentions[k].pos) break;
    std::string_view between = tagged.substr(from, mentions[k].pos - from);
    if (between != "와 " && between != "과 " && between != "·" && between != ", " &&
        between != " 및 ") {
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
    if (mark_end == std::string_view::npos) mark_end = MarkEndAfterList(tagged, after, marks);
    if (mark_end == std::string_view::npos && !LabelFits(table.owner_not, m.label)) {
      mark_end = MarkEndAfterOwned(tagged, after, marks);
    }
    if (mark_end == std::string_view::npos || mark_end > pos) continue;
    if (pos - mark_end > kMaxObjectGap) break;
    // A generic term ("배터리") is no end of these: it becomes an entity only by a rule.
    if (!m.generic && LabelFits(labels, m.label)) return k;
  }
  return std::string_view::npos;
}

bool EndsInParticle(std::string_view word);

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
bool SubjectOfRelativeBefore(std::string_view tagged, const TaggedMention& s,
                             const TaggedMention& object) {
  const size_t from = AfterName(tagged, s.end);
  if (object.pos <= from) return false;
  std::string_view between = tagged.substr(from, object.pos - from);
  bool particle = false;
  for (std::string_view p : {"이 ", "가 "}) {
    if (HasPrefix(between, p)) {
      between.remove_prefix(p.size());
      particle = true;
      break;
    }
  }
  if (!particle) return false;
  RemoveOpeningQuoteAtEnd(&between);
  if (between.empty() || between.back() != ' ') return false;
  between.remove_suffix(1);
  if (between.find_first_of("\x01,") != std::string_view::npos) return false;
  const std::vector<std::string_view> words = Split(between, ' ');
  if (words.empty() || words.size() > 1 + kCompoundWords) return false;
  for (size_t w = 1; w < words.size(); ++w) {
    if (words[w].empty() || EndsInParticle(words[w])) return false;
  }
  for (std::string_view ending : {"는", "한", "된", "던"}) {
    if (words[0].size() > ending.size() &&
        words[0].substr(words[0].size() - ending.size()) == ending) {
      return true;
    }
  }
  return false;
}

// The subject place for a trigger at `pos` whose marked names are `marked`: the nearest other
// name before the trigger followed by a subject particle ("X는 Y에", or "Y와 X가"), in the
// clause or carried over as a topic; npos when none fits.
size_t SubjectPlace(const std::vector<std::string>& labels, std::string_view tagged,
                    const std::vector<TaggedMention>& mentions,
                    const std::vector<size_t>& subject_places,
                    const std::vector<size_t>& topic_places, size_t clause, size_t pos,
                    const std::vector<size_t>& marked) {
  for (auto it = subject_places.rbegin(); it != subject_places.rend(); ++it) {
    const TaggedMention& s = mentions[*it];
    if (s.end > pos || std::find(marked.begin(), marked.end(), *it) != marked.end()) continue;
    if (SubjectOfRelativeBefore(tagged, s, mentions[marked.back()])) continue;
    if (!LabelFits(labels, s.label)) return std::string_view::npos;
    if (s.pos < clause &&
        std::find(topic_places.begin(), topic_places.end(), *it) == topic_places.end()) {
      return std::string_view::npos;
    }
    return *it;
  }
  return std::string_view::npos;
}

// "A는 B와 함께 C에 출자": B, between the subject and the object, shares the subject's part.
void AddCompanions(std::string_view tagged, const std::vector<TaggedMention>& mentions,
                   size_t subject, size_t object, const std::vector<std::string>& labels,
                   std::vector<int>* out) {
  for (size_t k = subject + 1; k < object; ++k) {
    const size_t after = AfterName(tagged, mentions[k].end);
    if (!HasPrefix(tagged.substr(after), "와 함께 ") &&
        !HasPrefix(tagged.substr(after), "과 함께 ")) {
      continue;
    }
    if (LabelFits(labels, mentions[k].label)) out->push_back(mentions[k].entity);
  }
}

// The name a trigger ending at `end` modifies as a relative clause ("주관하는 'Y'", "출자한
// Y", "양산 중인 Y"), or npos.
size_t RelativeHead(std::string_view tagged, const std::vector<TaggedMention>& mentions,
                    size_t end) {
  std::string_view rest = tagged.substr(end);
  bool relative = false;
  for (std::string_view ending : {"한 ", "하는 ", "했던 ", "하던 ", " 중인 "}) {
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
    if (mentions[k].pos == at) return k;
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

// Whether `word` ends in a particle that gives its noun a role of its own ("제품을", "공장에"):
// such a word closes a compound noun phrase.
bool EndsInParticle(std::string_view word) {
  for (std::string_view p :
       {"은", "는", "이", "가", "을", "를", "에", "의", "와", "과", "로", "도"}) {
    if (word.size() > p.size() && word.substr(word.size() - p.size()) == p) return true;
  }
  return false;
}

// Whether the frame's object is the trigger's accusative (을/를): only then is the name before
// the trigger noun in a compound its object ("Y 생산" produces Y; "Y 공급" supplies Y, not to Y).
bool TakesAccusative(const TriggerFrame& f) {
  for (const std::string& m : f.object_marks) {
    if (m == "을" || m == "를") return true;
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
bool HeadsItsPhrase(std::string_view tagged, size_t end) {
  std::string_view rest = tagged.substr(end);
  // (Not 로: "Y 주도로" says by whom, "Y 개발로" because of what.)
  for (std::string_view next : {"을", "를", "에", "이", "가", "은", "는", "도", "하", "한", "해",
                                "했", "할", " 중", "과", "와"}) {
    if (HasPrefix(rest, next)) return true;
  }
  return false;
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
    if (EndsInParticle(word)) break;
    b = e + 1;
  }
  return b == pos && TakesAccusative(f) && HeadsItsPhrase(tagged, end) ? k : std::string_view::npos;
}

// Whether the noun phrase ending at the trigger describes the name right after it ("SMR 개발
// 기업 X-energy에", "모델 개발 프로젝트 'GR00T'를"): at most kCompoundWords words, none with a
// particle, then the name (after an opening quote). The phrase says what that name is; the
// name before the trigger is no object of the clause's verb.
bool DescribesNextName(std::string_view tagged, size_t end) {
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
        EndsInParticle(word)) {
      return false;
    }
  }
  return true;
}

// Whether the trigger ending at `end` modifies the noun after it ("사용하는 삼원계", "개발한
// 모델"): the clause's names are then not its subject.
bool IsRelative(std::string_view tagged, size_t end) {
  for (std::string_view ending :
       {"한 ", "하는 ", "했던 ", "하던 ", " 중인 ", "할 ", "된 ", "되는 "}) {
    if (HasPrefix(tagged.substr(end), ending)) return true;
  }
  return false;
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
size_t UnmarkedSubject(const std::vector<std::string>& labels, std::string_view tagged,
                       const std::vector<TaggedMention>& mentions,
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
    for (std::string_view g : {"정부", "연방정부", "행정부", "당국"}) {
      if (HasPrefix(w, g) && w.size() - g.size() <= std::string_view("은").size())
        government = true;
    }
    if (!government && w.find_first_of("\x01(),") == std::string_view::npos) {
      for (std::string_view p : {"은", "는", "이", "가"}) {
        if (w.size() > p.size() && w.substr(w.size() - p.size()) == p)
          return std::string_view::npos;
      }
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
bool ReceivedBefore(std::string_view tagged, size_t pos) {
  const std::string_view before = tagged.substr(0, pos);
  for (std::string_view w : {"유치한 ", "받은 ", "조달한 "}) {
    if (before.size() >= w.size() && before.substr(before.size() - w.size()) == w) return true;
  }
  return false;
}

// Whether the text right after a trigger receives it ("투자 유치", "투자를 유치", "투자를 받").
bool ReceivedAfter(std::string_view after) {
  for (std::string_view w : {" 유치", "를 유치", "을 유치", "를 받", "을 받", "받"}) {
    if (HasPrefix(after, w)) return true;
  }
  return false;
}

// Words that refer back to companies named before: the first three to two, the others to one.
constexpr std::string_view kBackReferences[] = {"두 회사", "양사", "두 기업",
                                                "이 회사", "동사", "이 기업"};

// The companies a back-reference at the head of the clause stands for: "두 회사는" and "양사는" the
// two last companies named before it in the unit, "이 회사는" and "동사는" the last one; empty
// without such a word (followed by a subject particle) between the clause start and `object`.
std::vector<int> BackReferenced(std::string_view tagged, const std::vector<TaggedMention>& mentions,
                                std::string_view company_label, size_t clause, size_t object) {
  const std::string_view span = tagged.substr(clause, object - clause);
  for (size_t i = 0; i < std::size(kBackReferences); ++i) {
    const std::string_view word = kBackReferences[i];
    const size_t count = i < 3 ? 2 : 1;
    for (size_t at = span.find(word); at != std::string_view::npos; at = span.find(word, at + 1)) {
      if (at > 0 && span[at - 1] != ' ') continue;
      const std::string_view rest = span.substr(at + word.size());
      bool subject = false;
      for (std::string_view p : {"은 ", "는 ", "이 ", "가 ", "도 "}) subject |= HasPrefix(rest, p);
      if (!subject) continue;
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

// One trigger occurrence [pos, end) of frame `f`.
void MatchTrigger(const TriggerTable& table, const TriggerFrame& f, int fi, int ti,
                  std::string_view tagged, const std::vector<TaggedMention>& mentions,
                  const std::vector<size_t>& subject_places,
                  const std::vector<size_t>& topic_places, const std::vector<size_t>& clauses,
                  size_t pos, size_t end, std::vector<TriggerHit>* hits) {
  // A passive ("X에 인수되었다", "X에 인수된 Y") turns the roles round: the marked name is the
  // actor. The rules read passives; the fallback would read them backwards.
  for (std::string_view passive : {"되", "됐", "된"}) {
    if (HasPrefix(tagged.substr(end), passive)) return;
  }
  // The receiving side ("Y가 유치한 투자", "Y가 받은 지원", "Y의 투자 유치", "투자를 받아"): the
  // clause's subject is the recipient, so the frame would read the roles backwards (the `reverse`
  // frames and the rules read these).
  if (!f.reverse && (ReceivedBefore(tagged, pos) || ReceivedAfter(tagged.substr(end)))) return;
  const size_t clause = ClauseStart(clauses, pos);
  const std::vector<std::string>& marked_labels = f.reverse ? f.subjects : f.objects;
  const std::vector<std::string>& subject_labels = f.reverse ? f.objects : f.subjects;
  size_t marked =
      NearestMarked(table, marked_labels, f.object_marks, tagged, mentions, clause, pos);
  TriggerHit::Reading reading = TriggerHit::kMarked;
  if (marked == std::string_view::npos && !f.reverse && table.wide_object_confidence > 0) {
    marked = CompoundObject(table, f, tagged, mentions, clause, pos, end);
    if (DescribesNextName(tagged, end)) marked = std::string_view::npos;
    reading = TriggerHit::kWideObject;
  }
  if (marked == std::string_view::npos) {
    if (f.reverse) return;
    const size_t object = RelativeHead(tagged, mentions, end);
    if (object == std::string_view::npos || !LabelFits(f.objects, mentions[object].label)) return;
    const size_t subject =
        RelativeSubject(f.subjects, tagged, mentions, subject_places, topic_places, clause, pos);
    if (subject == std::string_view::npos || Negated(table, tagged, end)) return;
    AddHits(fi, ti, EntitiesOf(mentions, Coordinated(tagged, mentions, subject, f.subjects)),
            {mentions[object].entity}, hits);
    return;
  }
  const std::vector<size_t> marked_list = Coordinated(tagged, mentions, marked, marked_labels);
  // "Y를 생산하는 X": the name the trigger's relative clause modifies is its subject, not the
  // topic before it.
  const size_t head = f.reverse ? std::string_view::npos : RelativeHead(tagged, mentions, end);
  size_t subject = head != std::string_view::npos && LabelFits(subject_labels, mentions[head].label)
                       ? head
                       : SubjectPlace(subject_labels, tagged, mentions, subject_places,
                                      topic_places, clause, pos, marked_list);
  if (subject == std::string_view::npos && !f.reverse && !table.company_label.empty() &&
      LabelFits(subject_labels, table.company_label)) {
    const std::vector<int> back = BackReferenced(tagged, mentions, table.company_label, clause,
                                                 mentions[marked_list.front()].pos);
    if (!back.empty()) {
      if (!Negated(table, tagged, end,
                   reading == TriggerHit::kMarked ? kNegationWindow : kWideNegationWindow)) {
        AddHits(fi, ti, back, EntitiesOf(mentions, marked_list), hits, reading);
      }
      return;
    }
  }
  if (subject == std::string_view::npos && table.wide_subject_confidence > 0 &&
      RelativeHead(tagged, mentions, end) == std::string_view::npos && !IsRelative(tagged, end)) {
    subject = UnmarkedSubject(subject_labels, tagged, mentions, subject_places, clause, pos,
                              marked_list.back());
    reading = TriggerHit::kWideSubject;
  }
  if (subject == std::string_view::npos) return;
  if (Negated(table, tagged, end,
              reading == TriggerHit::kMarked ? kNegationWindow : kWideNegationWindow)) {
    return;
  }
  std::vector<int> subjects =
      EntitiesOf(mentions, Coordinated(tagged, mentions, subject, subject_labels));
  AddCompanions(tagged, mentions, subject, marked_list.back(), subject_labels, &subjects);
  const std::vector<int> objects = EntitiesOf(mentions, marked_list);
  if (f.reverse) {
    AddHits(fi, ti, objects, subjects, hits, reading);
  } else {
    AddHits(fi, ti, subjects, objects, hits, reading);
  }
}

}  // namespace

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
                          const std::vector<size_t>& topic_places, std::vector<TriggerHit>* hits) {
  if (mentions.size() < 2 || table.first_bits.empty()) return;
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
    for (std::string_view w : kBackReferences) from = std::min(from, tagged.find(w));
  }
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
                       topic_places, clauses, pos, pos + t.size(), hits);
        }
      }
    }
    pos += static_cast<size_t>(len);
  }
}

}  // namespace kg::ingest
