// The built-in extractor: mentions (gazetteer + textual signals), resolution, relation rules.
//
// Pipeline for one document:
//   1. Gazetteer: leftmost-longest dictionary matches with script-aware boundaries (Latin names
//      need word boundaries; a Korean name may be followed by particles or attached suffixes).
//   2. Signals for names the dictionaries do not know: quoted and 「bracketed」 names, "X(Y)"
//      definitions, "* (Full Name)" footnotes, "X社", "Name (Country)" table rows, Latin-script
//      names next to a typing cue. Each signal carries a label cue or none; names without any
//      label are dropped (they are most often common nouns).
//   3. Resolution: mentions linked by a definition or footnote, or sharing a dictionary entry or
//      a surface form, become one entity; its canonical name is the dictionary's, else the Latin
//      form.
//   4. Rules: each unit (a bullet, a table cell with its row head, a sentence from ICU's
//      BreakIterator) is rewritten with typed placeholders and every rule's regex runs on it.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <numeric>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/types/span.h"
#include "ingest/internal.h"
#include "ingest/mention_index.h"
#include "ingest/qualifiers.h"
#include "unicode/brkiter.h"
#include "unicode/uchar.h"
#include "unicode/unistr.h"
#include "unicode/utext.h"

namespace kg::ingest {
namespace {

constexpr double kDictConfidence = 0.95;
// A name typed config actor_label only because it acts in its clause ("Glencore는", "- (Tesla)"):
// the weakest of the discovered labels, one cue and a frequent one.
constexpr double kActorConfidence = 0.55;

struct Mention {
  Span span;
  int dict = -1;          // dictionary entry, or -1 for a discovered name
  std::string label;      // label cue of a discovered name ("" = unknown yet)
  double confidence = 0;  // of the label cue
  // The rule or dictionary that found it: a literal or a string of the bundle (a mention is
  // copied often, and a dictionary source does not fit a short string).
  std::string_view rule;
  std::string name;  // canonical name chosen by the signal (compounds), else empty
  bool nested = false;  // may contain other mentions (entity rules)
  bool dead = false;    // superseded by a longer name around it
  // A technology or product phrase read from its verb (ScanObjectPhrases): an entity only when
  // it takes part in a relation, as a generic dictionary term is.
  bool relation_only = false;
  // Of such a phrase headed by a general noun ("해수 탈염 기술"): where the phrase ends without
  // it, a name of the same thing ("해수 탈염"); 0 when none.
  uint32_t short_end = 0;
  // A generic term ("로봇 기술") that is such a verb's object: its entity is no generic term in
  // this document, and is kept only when related.
  bool verb_object = false;
  int parent = -1;  // union-find
};

// A relation an entity rule asserts between mentions, resolved after entities are known.
struct PendingLink {
  int from, to;  // mentions
  std::string edge;
  std::string rule;
  double confidence;
  std::vector<std::pair<std::string, graph::Value>> props;
};

// A byte loop rather than memcmp: the prefixes here are a few bytes and most differ at the first
// byte, where the call costs more than the comparison (RunRulesOnUnit tries ~20 per placeholder).
bool StartsWith(std::string_view s, std::string_view p) {
  if (s.size() < p.size()) return false;
  for (size_t i = 0; i < p.size(); ++i) {
    if (s[i] != p[i]) return false;
  }
  return true;
}
bool EndsWith(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

// Trim's view: `s` without the spaces, tabs and line ends around it.
std::string_view TrimView(std::string_view s) {
  constexpr std::string_view kSpace = " \t\n\r";
  const size_t b = s.find_first_not_of(kSpace);
  if (b == std::string_view::npos) return s.substr(s.size());
  return s.substr(b, s.find_last_not_of(kSpace) - b + 1);
}

// "ISM", "iCET", "MeitY": short, no space, two or more capitals.
bool IsAcronym(std::string_view s) {
  if (s.empty() || s.size() > 10 || s.find(' ') != std::string_view::npos) return false;
  int upper = 0;
  for (char c : s) {
    if (c >= 'A' && c <= 'Z') ++upper;
    else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return upper >= 2;
}

// Latin script only (accented letters included: "Ørsted"), with at least one letter.
bool IsLatinName(std::string_view s) {
  bool letter = false;
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    int len = 1;
    if (c >= 0x80) {
      if (!IsAccentedLatinLetter(CodePointAt(s, i, &len))) return false;
      letter = true;
    } else if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) {
      letter = true;
    }
    i += static_cast<size_t>(len);
  }
  return letter;
}

// Whether `s` is a short form of the Latin name `full`: its first words ("Unitree" of "Unitree
// Robotics", "McKinsey" of "McKinsey & Company") or, for an acronym, the initials of its
// capitalised words ("FT" of "Financial Times").
bool IsShortFormOf(std::string_view s, std::string_view full) {
  if (s.empty() || s.size() >= full.size()) return false;
  if (StartsWith(full, s) && full[s.size()] == ' ') return true;
  if (!IsAcronym(s) ||
      s.find_first_of("abcdefghijklmnopqrstuvwxyz0123456789-") != std::string_view::npos) {
    return false;
  }
  std::string initials;
  for (size_t at = 0; at < full.size();) {
    const size_t end = std::min(full.find(' ', at), full.size());
    if (full[at] >= 'A' && full[at] <= 'Z') initials.push_back(full[at]);
    at = end + 1;
  }
  return initials == s;
}

bool IsLatinCapital(uint32_t c) {
  return (c >= 'A' && c <= 'Z') || (IsAccentedLatinLetter(c) && u_isupper(static_cast<UChar32>(c)));
}

// Whether `s` holds a capital (ASCII or accented: "Ørsted") or a digit.
bool HasUpperOrDigit(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const char c = s[i];
    if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    int len = 1;
    if (static_cast<unsigned char>(c) >= 0xC3 && IsLatinCapital(CodePointAt(s, i, &len))) {
      return true;
    }
    i += static_cast<size_t>(len);
  }
  return false;
}

class DocExtractor {
 public:
  DocExtractor(const Bundle::Impl& b, const Document& d) : b_(b), d_(d), text_(d.text) {}

  Extraction Run();

 private:
  // ---- mentions ----
  void ScanGazetteer();
  // "(중국) 상무부는": a bare alias takes the country-qualified variant of the country it is said
  // of (Bundle::Impl::country_variants). Runs on the gazetteer's mentions, in text order.
  void ResolveByCountryContext();
  // The country a mention at `m` (a gazetteer mention) is said of: its line's "(X)" head, else
  // the nearest country named before it on the line; -1 when none.
  int ContextCountry(int m) const;
  bool AcceptDictMatch(size_t begin, size_t end, int entry) const;
  size_t ParticleEnd(size_t end) const;  // end of particles/suffixes after a Korean name
  void ScanQuotes();
  void ScanParenDefinitions();
  bool IsMeasure(std::string_view s) const;
  bool IsRowHead(size_t open, size_t close) const;
  void ScanFootnotes();
  std::string FootnoteHeadLabel(std::string_view def) const;
  void ScanCompanySuffix();
  size_t NameStartBefore(size_t end) const;
  size_t NameEndAfter(size_t begin) const;
  void ScanTableRows();
  // A table column whose header names a kind of thing (lexicon `column`: "주력 모델") types the
  // leading name of each of its cells.
  void ScanTableColumns();
  std::string ColumnCueLabel(std::string_view header_cell) const;
  void NameColumnCell(size_t cell_begin, size_t cell_end, const std::string& label);
  void ScanLatinNames();
  // Whether `s` is a group company's initials joined by "&" ("E&S"), not a stop name ("R&D").
  bool IsAmpersandInitials(std::string_view s) const;
  // "SK오션플랜트는", "LS전선": a business group's Latin initials on a Hangul word.
  void ScanPrefixedNames();
  void ScanSuffixNames();
  // "- 스즈키는 소형차 ... 생산을 중단": an unknown Korean word that opens a line's sentence as
  // its subject, in a clause with a verb of lexicon `subject_verb`, is a name of that label.
  // Only at the sentence's start, where a Korean name stands alone, not after modifiers.
  void ScanKoreanSubjects();
  // "A, B, C 등 N개 기업": the Korean members of a list of three or more names take the
  // label of the kind it ends in.
  void ScanListMembers();
  // "X는 네오디뮴 자석을 개발", "산업용 로봇 개발을 시작": a noun phrase no dictionary lists that
  // is the object of a verb of lexicon `phrase_verb` and ends in a `phrase_head` noun is a
  // technology or product of the head's label (FindObjectPhrases), kept when a relation takes it.
  void ScanObjectPhrases();
  // Whether mention `m` may be a modifier inside such a phrase of `label`: a generic dictionary
  // term ("반도체 패키징 기술"), or a term of another label than the phrase's and no company or
  // country ("네오디뮴 자석"). A term of the phrase's own label is the thing ("해수 탈염 기술").
  bool IsPhraseModifier(const Mention& m, const std::string& label) const;
  // "혼다(Honda), 현대차, 메르세데스-벤츠(Mercedes-Benz), 스텔란티스(Stellantis)가": a spelled-out
  // name left without a label takes that of a list member typed after it was scanned.
  void LabelListedDefinitions();
  size_t ListMemberStart(size_t end) const;
  void ScanEntityRules();
  void ScanCompounds();
  // "갤럭시 S25", "엑시노스 2400", "라마 3.2", "스냅드래곤 8 엘리트(Snapdragon 8 Elite)": a
  // dictionary brand of config model_label (no generic term) followed by a model of it
  // (BrandModelEnd, SpelledModelEnd) is that model, a name of its own. Runs on the gazetteer's
  // mentions, before anything indexes them.
  void ExtendBrandModels();
  // Whether the model part [begin, end) of a brand's name measures rather than names: a
  // number and a unit ("Hermes 50 MW", "45TOPS"), or a counter written onto it ("1공장").
  bool IsBrandModelTail(size_t begin, size_t end) const;
  void PropagateAliases();
  // "유니트리(Unitree Robotics)는 ... Unitree는", "파이낸셜타임스(FT)": a Latin name found once in
  // full is the same entity where its short form recurs (IsShortFormOf), when only one full
  // name has that short form.
  void UnionShortForms();
  // The label of the group of names mention `m` is resolved with (its own or a name it spells):
  // the first dictionary or cue label in it; "" when none has one.
  std::string GroupLabel(int m);
  bool BoundaryOk(size_t begin, size_t end) const;
  // Marks the mentions strictly inside [begin, end) dead: a longer name supersedes them.
  void KillInside(size_t begin, size_t end);

  // ms_ by offset: brought up to date with ms_ here, since some scanners push to ms_ directly.
  const MentionIndex& Index() const;
  int MentionAt(size_t begin, size_t end) const;  // exact span, or -1
  int MentionEndingAt(size_t end) const;
  int MentionCovering(size_t pos) const;
  bool Overlaps(size_t begin, size_t end) const;
  int AddMention(size_t begin, size_t end, std::string label, double conf, std::string_view rule);
  void SetCue(int m, const std::string& label, double conf);
  // The label of the naming suffix `name` ends in ("토요타연구소"), or of the head noun it starts
  // with ("Project Cypress"); `suffix_size`, when given, gets the suffix's size (0 for a head).
  std::string LabelFromSuffix(std::string_view name, size_t* suffix_size = nullptr) const;
  // The live mention before `before` whose name ends in the separate word `word` ("인형로봇
  // 혁신발전 지도의견" for "지도의견"); -1 when none, or when two different names do.
  int NameEndingInWord(std::string_view word, size_t before) const;
  // Whether entity `e` is a dictionary name of a passing label named once (config passing_labels).
  bool IsPassingMention(const Entity& e) const;
  // Whether a name starts at `at` (a capitalised Latin word, "카탈런트(Catalent)").
  bool NameStartsAt(size_t at) const;
  // Whether `head` + `suffix` is a class noun, not a name ("물류" + "기업").
  bool IsClassCompound(std::string_view head, std::string_view suffix) const;
  // Whether a naming suffix is also an attached bound noun, written onto any noun (기업).
  bool IsBoundSuffix(std::string_view suffix) const;
  // The label of a naming suffix when `word` is that suffix and nothing more ("미션").
  std::string LabelOfSuffixWord(std::string_view word) const;
  std::string LabelFromContext(size_t begin, size_t end, double* conf) const;
  // "A, B 등의 프로그램": the category after a list of Latin names types each of them.
  std::string LabelFromListContext(size_t end, double* conf) const;
  // Where the word after the space at `at` ends (at the next space), when it is one short word
  // of a noun phrase; npos otherwise.
  size_t ModifierEnd(size_t at) const;
  // Whether the word after the space at `at`, ending at `word_end` (npos: at punctuation),
  // ends its noun phrase: punctuation follows it or a particle ends it.
  bool EndsNounPhrase(size_t at, size_t word_end) const;
  // "독일 BASF는", "대만 PSMC와": a Latin name right after a country and before a subject or
  // conjunction particle is an organisation of that country, typed as a company.
  std::string LabelAfterCountry(size_t begin, size_t end, double* conf) const;
  // Whether `word` is a role word that says what the name after it is ("자회사", "기업인"): a
  // lexicon `before` cue, also with the copula's 인; a transliteration does not extend over it.
  bool IsRoleWord(std::string_view word) const;
  // Whether [begin, end) is a bullet's "(head)" ("- (Figure AI) ...", "▲(Oracle) ..."), which
  // names whom the bullet is about; a footnote's "* (Full Name)" is none.
  bool IsBulletHead(size_t begin, size_t end) const;
  // "비거 마린 그룹(Vigor Marine Group)": a transliteration has as many words as the Latin name
  // it spells. From `begin`, the start of the last Hangul word before "(", the start of the
  // whole transliteration: one more Hangul word per further Latin word, never over a name
  // already found or a word that ends in a particle.
  size_t ExtendTransliteration(size_t begin, const std::string& latin) const;
  // "AMD의 MI308", "엔비디아 H800": a model number (Latin with a digit) right after a company,
  // with or without 의, is that company's product.
  std::string LabelAfterMaker(size_t begin, size_t end, double* conf) const;
  // "Galaxy S25", "Long March 6A" (ModelShape::kBrandModel) are config model_label's, or of the
  // label of a phrase head right after them ("X 1.0 표준"); a code, "YFQ-44A", only before such
  // a head ("YFQ-44A 드론"). "" otherwise.
  // `name` is the run or a spelling in brackets ("팰컨 9(Falcon 9)"); `end` is where it ends.
  std::string LabelOfModelName(std::string_view name, size_t end, double* conf) const;
  // The label of the `model_head` that ends the word after the space at `at` (before its
  // particle), alone or as the last part of a Korean compound: "드론을" -> Product, "GPU에" ->
  // Product, "공정" -> Technology; "" when none does.
  std::string LabelOfHeadWord(size_t at) const;
  // "EUV 장비 NXE:3800E를", "첫 EUV 장비인 EXE:5000을", "개량 모델인 K2PL로": a code of letters
  // and digits (ModelShape::kCode) right after a `model_head` word, itself or with the copula's
  // 인, is a model of the head's label; "" otherwise.
  std::string LabelOfHeadBefore(std::string_view name, size_t begin, double* conf) const;
  // "NVIDIA H20", "Samsung Galaxy S25": where the model after a company already found in the
  // Latin run [begin, end) starts (it is then typed on its own), or npos when the name there is
  // no company or the rest of the run overlaps another name or holds no digit.
  size_t ModelAfterName(size_t begin, size_t end) const;
  // "Halvard Capital Partners(미국)는": whether a "(Country)" note follows `end`, which says
  // where the name before it is from (an organisation's, in running text most often a company's).
  bool HasCountryNote(size_t end) const;
  // "Helvar의 Modul 7", "Qorvik의 QX-9": a name whose 의 owns a model name is its maker, a
  // company; "" otherwise.
  std::string LabelOfMaker(size_t end, double* conf) const;
  // "Oracle과 X", "X, Arm", "A·X": a name coordinated with a name of a known label (not a
  // country, not a generic term) has that label.
  std::string LabelFromCoordination(size_t begin, size_t end, double* conf) const;
  // The label a mention has before Resolve: its dictionary entry's, else its cue's; "" for a
  // country or a generic term, which say nothing of what they are coordinated with.
  std::string CoordinateLabel(int m) const;
  int MemberEndingAt(size_t end) const;  // a mention ending at `end` or before its "(...)"
  // "A(a)·B(b) 케이블", "A·B 칩": the members of a "·" list share the head noun after the
  // last one, so the head's cue labels each member. `end` is where the member ends (past its
  // definition).
  std::string LabelFromSharedHead(size_t end, double* conf) const;
  // "X(Latin) 구리 프로젝트", "X 해상풍력 프로젝트": a name, then a known topic (a dictionary
  // term that is no country or company), then a head noun: the head types the name.
  std::string LabelFromTopicHead(size_t end, double* conf) const;
  int Find(int m);
  void Union(int a, int b);

  // ---- entities and relations ----
  void Resolve(Extraction* x);
  void ApplyRules(Extraction* x);
  // Which rules a unit gets: those of scope "line" (a whole line), of scope "unit" (a clause or
  // bullet), or both when a line is a single unit (tagged and prefiltered once, not twice).
  enum Scopes { kLineScope = 1, kUnitScope = 2 };
  void RunRulesOnUnit(Extraction* x, Span unit, int row_head, int scopes);
  void AddCoordinatedNames(size_t place, std::vector<int>* out) const;
  // by_begin_: the mentions with an entity in the order RunRulesOnUnit tags them.
  void IndexMentionsForRules();
  void AddRelation(Extraction* x, int s, const std::string& edge, int o, Span evidence,
                   const Rule& rule, const std::vector<std::pair<std::string, graph::Value>>& p);
  // The typed-trigger fallback (trigger_frames.cc) on the unit RunRulesOnUnit has tagged: its
  // relations wait in pending_triggers_ until every rule has run on the document...
  void CollectTriggerRelations(const Extraction& x, Span unit, int row_head);
  // ...and are added for the pairs no rule related.
  void AddTriggerRelations(Extraction* x);
  // Whether entity `i` comes from a dictionary entry with that flag ("government").
  bool HasDictFlag(const Extraction& x, int i, const std::string& flag);

  const Bundle::Impl& b_;
  const Document& d_;
  std::string_view text_;
  std::vector<Mention> ms_;
  mutable MentionIndex index_;          // see Index()
  std::vector<int> entity_of_mention_;  // after Resolve
  std::vector<bool> generic_entity_;    // after Resolve: a generic dictionary term
  std::vector<bool> relation_only_entity_;  // after Resolve: only relation_only mentions
  std::vector<PendingLink> links_;
  // Of each union-find root: the dictionary entry of its group, or -1 (a group holds at most
  // one, since Union never merges two). Kept by Union, so that it need not scan every mention.
  std::vector<int> group_dict_;
  int topic_line_end_ = 0;
  absl::flat_hash_map<std::string, int> relation_index_;

  // ---- RunRulesOnUnit's state, kept across units so that its buffers are reused ----
  struct Placeholder {
    size_t pos, end;  // in tagged_
    int entity;
  };
  std::vector<int> by_begin_;  // mentions with an entity: begin ascending, then end descending
  std::string tagged_;
  std::vector<Placeholder> places_;
  std::vector<size_t> subject_places_;
  std::vector<size_t> topic_places_;  // the subject places whose particle is the topic 은/는
  std::vector<int> atoms_;
  std::vector<uint32_t> atom_last_start_;  // of each atom in atoms_: where it last starts
  RulePrefilter::Scratch prefilter_scratch_;
  std::vector<int> candidates_;
  std::vector<uint32_t> candidate_last_start_;  // no match of candidates_[i] starts after it
  std::vector<re2::StringPiece> groups_;
  PlaceholderStarts starts_;              // places_ as MatchRule takes them
  std::vector<uint64_t> entity_tag_bit_;  // of each entity's placeholders (PlaceholderTagBit)
  // The typed-trigger fallback's buffers and what it found.
  struct PendingTrigger {
    int subject, object, frame, trigger;
    Span evidence;
    TriggerHit::Reading reading;
  };
  std::vector<TaggedMention> trigger_mentions_;
  std::vector<TriggerHit> trigger_hits_;
  std::vector<PendingTrigger> pending_triggers_;
  std::vector<int> entity_dict_;  // HasDictFlag's lookups
};

// ---- gazetteer ---------------------------------------------------------------------------------

size_t DocExtractor::ParticleEnd(size_t end) const {
  size_t at = end;
  for (int round = 0; round < 2 && at < text_.size(); ++round) {
    int len = 0;
    auto it = b_.suffixes_by_first.find(CodePointAt(text_, at, &len));
    if (it == b_.suffixes_by_first.end()) break;
    bool found = false;
    for (const std::string& p : it->second) {
      if (StartsWith(text_.substr(at), p)) {
        at += p.size();
        found = true;
        break;
      }
    }
    if (!found) break;
  }
  return at;
}

bool DocExtractor::AcceptDictMatch(size_t begin, size_t end, int entry) const {
  if (!BoundaryOk(begin, end)) return false;
  int len = 0;
  std::string_view surface = text_.substr(begin, end - begin);
  if (b_.ambiguous.contains(AV(surface))) return false;  // no copy: the set hashes views
  // "인도가 시작되어": the name inside a lexicon `common_sense` phrase is the common word.
  for (const std::string& phrase : b_.common_senses) {
    for (size_t at = phrase.find(surface); at != std::string::npos && at <= begin;
         at = phrase.find(surface, at + 1)) {
      if (text_.substr(begin - at, phrase.size()) == phrase) return false;
    }
  }
  if (b_.entries[entry].label == b_.country_label) {
    // "인디애나 주 레바논": a name right after a state is a place inside it.
    const std::string_view before = text_.substr(0, begin);
    for (const std::string& m : b_.subnational_markers) {
      if (m.size() > 1 && m[0] == ' ' && EndsWith(before, m + " ")) return false;
    }
    std::string_view rest = text_.substr(end);
    for (const std::string& m : b_.subnational_markers) {
      if (StartsWith(rest, m)) {
        size_t at = end + m.size();
        uint32_t c = at < text_.size() ? CodePointAt(text_, at, &len) : 0;
        if (!IsHangul(c) || ParticleEnd(at) > at) return false;
      }
    }
  }
  return true;
}

// A name starting with `first` right after `prev` would start inside a word of its script.
bool StartsInsideWord(uint32_t prev, uint32_t first) {
  return (IsLatinAlnum(first) && IsLatinAlnum(prev)) || (IsHangul(first) && IsHangul(prev)) ||
         (IsHan(first) && (IsHan(prev) || IsKana(prev)));
}

// Script-aware word boundaries: a Latin name needs non-alphanumerics around it; a Korean name
// must start a word and may end one or be followed by particles.
bool DocExtractor::BoundaryOk(size_t begin, size_t end) const {
  int len = 0;
  uint32_t first = CodePointAt(text_, begin, &len);
  uint32_t last = CodePointBefore(text_, end);
  uint32_t prev = CodePointBefore(text_, begin);
  uint32_t next = end < text_.size() ? CodePointAt(text_, end, &len) : 0;
  if (StartsInsideWord(prev, first)) return false;
  if (IsLatinAlnum(last) && IsLatinAlnum(next)) return false;
  if (IsHan(last) && (IsHan(next) || IsKana(next))) return false;
  if (IsHangul(last) && IsHangul(next)) {
    size_t pe = ParticleEnd(end);
    if (pe == end) return false;
    uint32_t after = pe < text_.size() ? CodePointAt(text_, pe, &len) : 0;
    if (IsHangul(after)) return false;
  }
  return true;
}

void DocExtractor::ScanGazetteer() {
  std::vector<std::pair<size_t, int>> hits;  // {end, entry} of the aliases at a position
  uint32_t prev = 0;  // the code point before `pos`, carried instead of decoded backwards
  for (size_t pos = 0; pos < text_.size();) {
    int len = 1;
    const uint32_t c = CodePointAt(text_, pos, &len);
    // Inside a word no name can start (BoundaryOk): the trie walk is skipped there. Inside a
    // Hangul word, the most common place, that is said before StartsInsideWord's call.
    if ((IsHangul(c) && IsHangul(prev)) || !IsWordChar(c) || StartsInsideWord(prev, c) ||
        !b_.trie.MayStartAt(text_, pos)) {
      pos += len;
      prev = c;
      continue;
    }
    // The longest alias starting here that is accepted: tried longest first.
    hits.clear();
    b_.trie.MatchAt(text_, pos, [&](size_t end, int entry) { hits.emplace_back(end, entry); });
    size_t best_end = 0;
    int best_entry = -1;
    for (auto it = hits.rbegin(); it != hits.rend(); ++it) {
      if (AcceptDictMatch(pos, it->first, it->second)) {
        best_end = it->first;
        best_entry = it->second;
        break;
      }
    }
    if (best_entry >= 0) {
      Mention m;
      m.span = {static_cast<uint32_t>(pos), static_cast<uint32_t>(best_end)};
      m.dict = best_entry;
      m.confidence = kDictConfidence;
      m.rule = b_.entries[best_entry].source;
      m.parent = static_cast<int>(ms_.size());
      ms_.push_back(std::move(m));
      pos = best_end;
      prev = CodePointBefore(text_, pos);
    } else {
      pos += len;
      prev = c;
    }
  }
}

int DocExtractor::ContextCountry(int m) const {
  const size_t line_begin = [&] {
    const size_t nl = text_.rfind('\n', ms_[m].span.begin);
    return nl == std::string_view::npos ? size_t{0} : nl + 1;
  }();
  // The head: "(X)" after the bullet marks at the start of the line.
  size_t at = line_begin;
  for (bool skipped = true; skipped;) {
    skipped = false;
    for (std::string_view mark : {" ", "-", "•", "●", "▪", "▲", "※", "*"}) {
      if (StartsWith(text_.substr(at), mark)) {
        at += mark.size();
        skipped = true;
      }
    }
  }
  for (int j = m - 1; j >= 0 && ms_[j].span.begin >= line_begin; --j) {
    if (ms_[j].span.begin == at + 1 && text_[at] == '(' && ms_[j].span.end < text_.size() &&
        text_[ms_[j].span.end] == ')' && b_.entries[ms_[j].dict].label == b_.country_label) {
      return ms_[j].dict;
    }
  }
  for (int j = m - 1; j >= 0 && ms_[j].span.begin >= line_begin; --j) {
    if (b_.entries[ms_[j].dict].label == b_.country_label) return ms_[j].dict;
  }
  return -1;
}

void DocExtractor::ResolveByCountryContext() {
  if (b_.country_variants.empty()) return;
  for (size_t i = 0; i < ms_.size(); ++i) {
    const auto it = b_.country_variants.find(ms_[i].dict);
    if (it == b_.country_variants.end()) continue;
    const Span span = ms_[i].span;
    const std::string key = NameKey(text_.substr(span.begin, span.end - span.begin));
    const int country = ContextCountry(static_cast<int>(i));
    for (const Bundle::Impl::CountryVariant& v : it->second) {
      if (v.country == country && v.bare_key == key) {
        ms_[i].dict = v.entry;
        ms_[i].rule = b_.entries[v.entry].source;
        break;
      }
    }
  }
}

// ---- mention bookkeeping -------------------------------------------------------------------------

const MentionIndex& DocExtractor::Index() const {
  for (size_t i = index_.size(); i < ms_.size(); ++i) {
    index_.Add(static_cast<int>(i), ms_[i].span.begin, ms_[i].span.end);
  }
  return index_;
}

// Offsets past uint32_t (the type of a Span) hold no mention.
int DocExtractor::MentionAt(size_t begin, size_t end) const {
  if (end > UINT32_MAX) return -1;
  return Index().At(static_cast<uint32_t>(begin), static_cast<uint32_t>(end),
                    [&](int i) { return !ms_[i].dead; });
}
int DocExtractor::MentionEndingAt(size_t end) const {
  if (end > UINT32_MAX) return -1;
  return Index().EndingAt(static_cast<uint32_t>(end), [&](int i) { return !ms_[i].dead; });
}
int DocExtractor::MentionCovering(size_t pos) const {
  if (pos > UINT32_MAX) return -1;
  return Index().Covering(static_cast<uint32_t>(pos), [&](int i) { return !ms_[i].dead; });
}
bool DocExtractor::Overlaps(size_t begin, size_t end) const {
  if (begin > UINT32_MAX) return false;
  return Index().Overlaps(static_cast<uint32_t>(begin),
                          static_cast<uint32_t>(std::min<size_t>(end, UINT32_MAX)),
                          [&](int i) { return !ms_[i].nested && !ms_[i].dead; });
}

int DocExtractor::AddMention(size_t begin, size_t end, std::string label, double conf,
                             std::string_view rule) {
  std::string surface = Trim(text_.substr(begin, end - begin));
  if (surface.empty() || b_.IsStopName(surface)) return -1;
  if (int m = MentionAt(begin, end); m >= 0) {
    SetCue(m, label, conf);
    return m;
  }
  if (Overlaps(begin, end)) return -1;
  // A surface the dictionary knows resolves to its entry even when found by a signal.
  int dict = b_.FindByName(surface);
  Mention m;
  m.span = {static_cast<uint32_t>(begin), static_cast<uint32_t>(end)};
  m.dict = dict;
  m.label = dict >= 0 ? "" : std::move(label);
  m.confidence = dict >= 0 ? kDictConfidence : conf;
  m.rule = dict >= 0 ? std::string_view(b_.entries[dict].source) : rule;
  m.parent = static_cast<int>(ms_.size());
  ms_.push_back(std::move(m));
  return static_cast<int>(ms_.size()) - 1;
}

void DocExtractor::KillInside(size_t begin, size_t end) {
  if (begin > UINT32_MAX) return;
  Index().ForEachInside(static_cast<uint32_t>(begin),
                        static_cast<uint32_t>(std::min<size_t>(end, UINT32_MAX)), [&](int i) {
                          Mention& m = ms_[i];
                          if (!m.nested && (m.span.end - m.span.begin) < (end - begin)) {
                            m.dead = true;
                          }
                        });
}

void DocExtractor::SetCue(int m, const std::string& label, double conf) {
  if (m < 0 || label.empty() || ms_[m].dict >= 0) return;
  if (ms_[m].label.empty() || conf > ms_[m].confidence) {
    ms_[m].label = label;
    ms_[m].confidence = conf;
  }
}

std::string DocExtractor::LabelFromSuffix(std::string_view name, size_t* suffix_size) const {
  if (suffix_size != nullptr) *suffix_size = 0;
  if (auto it = b_.suffixes_by_last.find(CodePointBefore(name, name.size()));
      it != b_.suffixes_by_last.end()) {
    for (const LabelCue& c : it->second) {
      if (EndsWith(name, c.text) && name.size() > c.text.size() + 3) {
        if (IsClassCompound(name.substr(0, name.size() - c.text.size()), c.text)) return "";
        if (suffix_size != nullptr) *suffix_size = c.text.size();
        return c.label;
      }
    }
  }
  // "Project Cypress", "프로젝트 IKE": a head noun that English and its transliterations put
  // first (lexicon `prefix`, which ends in its space), then the name.
  for (const LabelCue& c : b_.name_prefixes) {
    if (StartsWith(name, c.text) && name.size() > c.text.size()) return c.label;
  }
  return "";
}

bool DocExtractor::IsBoundSuffix(std::string_view suffix) const {
  return std::find(b_.attached_suffixes.begin(), b_.attached_suffixes.end(), suffix) !=
         b_.attached_suffixes.end();
}

// A bound noun that also names ("한빛기업") makes a class noun of a sector, activity or role
// word ("물류기업", "위탁생산기업", "중소기업", "국영 광산기업"): those are lexicon `class_stem`s.
bool DocExtractor::IsClassCompound(std::string_view head, std::string_view suffix) const {
  if (!IsBoundSuffix(suffix)) return false;
  head = TrimView(head);
  for (const std::string& stem : b_.class_stems) {
    if (EndsWith(head, stem)) return true;
  }
  return false;
}

std::string DocExtractor::LabelOfSuffixWord(std::string_view word) const {
  auto it = b_.suffixes_by_last.find(CodePointBefore(word, word.size()));
  if (it == b_.suffixes_by_last.end()) return "";
  for (const LabelCue& c : it->second) {
    if (word == c.text) return c.label;
  }
  return "";
}

// Whether a name starts at `at`: a capitalised Latin word, or Hangul words that a Latin
// spelling of as many capitalised words or more defines ("카탈런트(Catalent)", "카본
// 엔지니어링(Carbon Engineering)"; not "산하 인터내셔널(International)"). It reads the text
// only: ExtendBrandModels asks it while it moves mentions' ends.
bool DocExtractor::NameStartsAt(size_t at) const {
  if (at >= text_.size()) return false;
  int len = 0;
  if (IsLatinCapital(CodePointAt(text_, at, &len))) return true;
  size_t e = at;
  for (int words = 1; words <= 3; ++words) {
    const size_t word = e;
    while (e < text_.size() && IsHangul(CodePointAt(text_, e, &len))) e += len;
    if (e == word || e + 1 >= text_.size()) return false;
    if (text_[e] == '(') {
      int capitals = 0;
      for (size_t i = e + 1; i < text_.size() && text_[i] != ')' && text_[i] != '\n'; ++i) {
        if ((i == e + 1 || text_[i - 1] == ' ') && IsLatinCapital(CodePointAt(text_, i, &len))) {
          ++capitals;
        }
      }
      return capitals >= words;
    }
    if (text_[e] != ' ') return false;
    ++e;
  }
  return false;
}

// A dictionary name of a config passing label, named once and (the caller checks) in no
// relation: "생성형 AI 등 신기술의 확산" mentions generative AI in passing.
bool DocExtractor::IsPassingMention(const Entity& e) const {
  if (e.mentions.size() != 1 || std::find(b_.passing_labels.begin(), b_.passing_labels.end(),
                                          e.label) == b_.passing_labels.end()) {
    return false;
  }
  const int dict = b_.FindByName(e.name);
  return dict >= 0 && b_.entries[dict].label == e.label;
}

// Cues right before the name ("스타트업 X") or right after it ("X 기업", "X社", "X 로켓").
std::string DocExtractor::LabelFromContext(size_t begin, size_t end, double* conf) const {
  std::string_view before = text_.substr(0, begin);
  // Skip an opening quote so that "칩렛 'X'" reads like "칩렛 X".
  for (std::string_view q : {"'", "‘", "「", "\""}) {
    if (EndsWith(before, q)) before.remove_suffix(q.size());
  }
  size_t after_begin = end;
  for (std::string_view q : {"'", "’", "」", "\"", "*"}) {
    if (StartsWith(text_.substr(after_begin), q)) after_begin += q.size();
  }
  if (StartsWith(text_.substr(after_begin), "(")) {  // "X(Y) 기업": look past the definition
    size_t close = text_.find(')', after_begin);
    if (close != std::string_view::npos && close - after_begin < 100) after_begin = close + 1;
    for (std::string_view q : {"'", "’", "」", "\"", "*"}) {
      if (StartsWith(text_.substr(after_begin), q)) after_begin += q.size();
    }
  }
  std::string_view after = text_.substr(after_begin);
  for (const LabelCue& c : b_.after_cues) {
    // A cue ending in "+" is a prefix of a verb or phrase: no word boundary after it.
    bool prefix = !c.text.empty() && c.text.back() == '+';
    std::string_view cue = prefix ? std::string_view(c.text).substr(0, c.text.size() - 1)
                                  : std::string_view(c.text);
    if (StartsWith(after, cue)) {
      size_t at = after_begin + cue.size();
      // The cue ends its word, alone or with particles: "X 위성을" is a satellite, "X
      // 위성인터넷" (a compound the cue only starts, 인 read as the copula) says nothing of X.
      int len = 0;
      uint32_t nx = at < text_.size() ? CodePointAt(text_, at, &len) : 0;
      const size_t pe = ParticleEnd(at);
      const uint32_t after_particles = pe < text_.size() ? CodePointAt(text_, pe, &len) : 0;
      if (prefix || !IsHangul(nx) || (pe > at && !IsHangul(after_particles))) {
        // "CDMO 기업 카탈런트(Catalent)", "DAC 기업 Acme": a head noun with no particle before
        // a name heads that name's apposition; what comes before it is its sector ("X의 자회사
        // Y" still says what X is).
        if (!prefix && cue[0] == ' ' && nx == ' ' && NameStartsAt(at + 1)) continue;
        *conf = 0.7;
        return c.label;
      }
    }
  }
  for (const LabelCue& c : b_.before_cues) {
    if (EndsWith(before, c.text)) {
      *conf = 0.65;
      return c.label;
    }
  }
  return "";
}

std::string DocExtractor::LabelAfterCountry(size_t begin, size_t end, double* conf) const {
  if (begin < 2 || text_[begin - 1] != ' ') return "";
  const int m = MentionEndingAt(begin - 1);
  if (m < 0 || ms_[m].dict < 0 || b_.entries[ms_[m].dict].label != b_.country_label) return "";
  // Only before the particles that end a noun phrase used as a subject or a partner: a
  // country's "X에" or "X의" is as often a programme, a standard or a market.
  static constexpr std::string_view kParticles[] = {"는", "은", "가", "이", "와", "과", "("};
  std::string_view after = text_.substr(end);
  // "일본 X(Y), 태국 Z社와", "미국 X(Y)에 투자": a company spelled out; but a place or
  // a project follows its country as closely: "잠비아 X(Y)에서", "대만 X(Y) 해상풍력 프로젝트에"
  // (a head noun after the definition names what X is), and "앙골라 방문('24.12)" is no name.
  if (StartsWith(after, "(")) {
    const size_t close = after.find(')');
    int len = 0;
    if (close == std::string_view::npos || close < 2 || !IsWordChar(CodePointAt(after, 1, &len)) ||
        (after[1] >= '0' && after[1] <= '9') ||
        after.substr(0, close).find('\n') != std::string_view::npos) {
      return "";
    }
    after.remove_prefix(close + 1);
    if (StartsWith(after, "*")) after.remove_prefix(1);
    if (after.empty() || after[0] == ' ' || after[0] == '(' || StartsWith(after, "에서")) return "";
    *conf = 0.6;
    return b_.company_label;
  }
  // "중국 TBEA 등은": the name heads a list that is the subject or a partner.
  if (StartsWith(after, " 등")) after.remove_prefix(std::string_view(" 등").size());
  for (std::string_view p : kParticles) {
    if (p != "(" && StartsWith(after, p)) {
      *conf = 0.6;
      return b_.company_label;
    }
  }
  return "";
}

std::string DocExtractor::LabelAfterMaker(size_t begin, size_t end, double* conf) const {
  std::string_view name = text_.substr(begin, end - begin);
  if (b_.model_label.empty() || name.find_first_of("0123456789") == std::string_view::npos) {
    return "";
  }
  if (begin < 2 || text_[begin - 1] != ' ') return "";
  size_t owner_end = begin - 1;
  if (EndsWith(text_.substr(0, owner_end), "의")) owner_end -= std::string_view("의").size();
  const int m = MentionEndingAt(owner_end);
  if (m < 0) return "";
  const std::string& owner_label = ms_[m].dict >= 0 ? b_.entries[ms_[m].dict].label : ms_[m].label;
  if (owner_label != b_.company_label) return "";
  *conf = 0.6;
  return b_.model_label;
}

std::string DocExtractor::LabelOfHeadWord(size_t at) const {
  if (at >= text_.size() || text_[at] != ' ') return "";
  size_t word_end = at + 1;
  int len = 0;
  while (word_end < text_.size() && IsWordChar(CodePointAt(text_, word_end, &len))) {
    word_end += len;
  }
  const std::string_view word = text_.substr(at + 1, word_end - at - 1);
  for (const LabelCue& h : b_.model_heads) {  // longest first
    for (size_t cut = word.find(h.text); cut != std::string_view::npos;
         cut = word.find(h.text, cut + 1)) {
      // "공격드론": a Korean compound may end in the head; "CAP" does not end in "AP".
      if (cut > 0 && !IsHangul(CodePointBefore(word, cut))) continue;
      const size_t head_end = at + 1 + cut + h.text.size();
      if (head_end == word_end || ParticleEnd(head_end) == word_end) return h.label;
    }
  }
  return "";
}

std::string DocExtractor::LabelOfHeadBefore(std::string_view name, size_t begin,
                                            double* conf) const {
  // "시리즈 C-1": a short code after a word is as often a round or a grade as a model.
  constexpr size_t kMinCode = 4;
  if (begin < 2 || text_[begin - 1] != ' ' || name.size() < kMinCode ||
      ModelNameShape(name, b_.reference_words) != ModelShape::kCode) {
    return "";
  }
  const size_t space = text_.find_last_of(" \t\n", begin - 2);
  const size_t word_begin = space == std::string_view::npos ? 0 : space + 1;
  std::string_view word = text_.substr(word_begin, begin - 1 - word_begin);
  if (EndsWith(word, "인")) word.remove_suffix(std::string_view("인").size());
  for (const LabelCue& h : b_.model_heads) {  // longest first
    // "장비", "검사장비": the head itself or the last part of a Korean compound.
    if (!EndsWith(word, h.text)) continue;
    const size_t cut = word.size() - h.text.size();
    if (cut > 0 && !IsHangul(CodePointBefore(word, cut))) continue;
    *conf = 0.6;
    return h.label;
  }
  return "";
}

std::string DocExtractor::LabelOfModelName(std::string_view name, size_t end, double* conf) const {
  if (b_.model_label.empty()) return "";
  const ModelShape shape = ModelNameShape(name, b_.reference_words);
  if (shape == ModelShape::kNone) return "";
  // "JASM 1공장", "2호기": a number written onto a Korean noun counts what it names; "Reach
  // Nearly 60%" is a share.
  if (end < text_.size() && text_[end] == '%') return "";
  const size_t tail = ParticleEnd(end);
  int len = 0;
  if (tail < text_.size() && IsHangul(CodePointAt(text_, tail, &len))) return "";
  std::string label = LabelOfHeadWord(end);
  if (label.empty() && shape == ModelShape::kBrandModel) label = b_.model_label;
  *conf = 0.6;
  return label;
}

std::string DocExtractor::LabelOfMaker(size_t end, double* conf) const {
  const std::string_view of = "의 ";
  if (b_.model_label.empty() || text_.substr(end, of.size()) != of) return "";
  const size_t model = end + of.size();
  // A model starts with a capital ("Modul 7", "QX-9"); FindLatinRun would look past the rest.
  if (model >= text_.size() || text_[model] < 'A' || text_[model] > 'Z') return "";
  const std::pair<size_t, size_t> run = FindLatinRun(text_, model);
  if (run.first != model || ModelNameShape(text_.substr(model, run.second - model),
                                           b_.reference_words) == ModelShape::kNone) {
    return "";
  }
  *conf = 0.6;
  return b_.company_label;
}

bool DocExtractor::HasCountryNote(size_t end) const {
  if (end >= text_.size() || text_[end] != '(') return false;
  const int m = MentionAt(end + 1, text_.find(')', end));
  return m >= 0 && ms_[m].dict >= 0 && b_.entries[ms_[m].dict].label == b_.country_label;
}

size_t DocExtractor::ModelAfterName(size_t begin, size_t end) const {
  const int m = MentionCovering(begin);
  if (m < 0) return std::string_view::npos;
  const std::string& maker = ms_[m].dict >= 0 ? b_.entries[ms_[m].dict].label : ms_[m].label;
  if (maker != b_.company_label) return std::string_view::npos;  // "Horizon Europe Cluster 4"
  const size_t model = ms_[m].span.end + 1;
  if (model >= end || text_[model - 1] != ' ' || Overlaps(model, end)) {
    return std::string_view::npos;
  }
  const std::string_view rest = text_.substr(model, end - model);
  if (rest.find_first_of("0123456789") == std::string_view::npos) {
    return std::string_view::npos;
  }
  // "JASM 1공장", "X 2024년": a number after a name counts or dates; "Intel 18A" is a model.
  const size_t tail = ParticleEnd(end);
  int len = 0;
  if (rest.find_first_not_of("0123456789.") == std::string_view::npos ||
      (tail < text_.size() && IsHangul(CodePointAt(text_, tail, &len)))) {
    return std::string_view::npos;
  }
  return model;
}

std::string DocExtractor::CoordinateLabel(int m) const {
  if (m < 0 || ms_[m].dead) return "";
  if (ms_[m].dict < 0) return ms_[m].label;
  const DictEntry& e = b_.entries[ms_[m].dict];
  return e.generic || e.label == b_.country_label ? "" : e.label;
}

std::string DocExtractor::LabelFromCoordination(size_t begin, size_t end, double* conf) const {
  static constexpr std::string_view kJoints[] = {"와 ", "과 ", ", ", "·"};
  // A member of a list in Korean prose ends where Hangul, a joint or a footnote mark follows; a
  // Latin run followed by " of", " in" or ":" is the head of an English title ("(참고 : White
  // House, Fact Sheet: ...)"), which a publisher before it does not type.
  int len = 0;
  const uint32_t next_char = end < text_.size() ? CodePointAt(text_, end, &len) : 0;
  if (end - begin < 2 || !(IsHangul(next_char) || next_char == ',' || next_char == '*' ||
                           StartsWith(text_.substr(end), "·"))) {
    return "";
  }
  // "QX900과 Helvar의 Modul 7": a possessor is the owner of what follows, not a list member.
  if (StartsWith(text_.substr(end), "의")) return "";
  // Nor is a title in a reference list, which a date or the title's lower-case rest follows
  // ("Google, Meet Willow, 2024.12.", "Google, Meet Willow, our new chip"): in a list of names
  // a comma is followed by another name.
  if (next_char == ',' && end + 2 < text_.size() && text_[end + 1] == ' ' &&
      ((text_[end + 2] >= '0' && text_[end + 2] <= '9') ||
       (text_[end + 2] >= 'a' && text_[end + 2] <= 'z'))) {
    return "";
  }
  // Nor is a run that continues an English phrase ("Transport & Environment").
  if (begin >= 2 && text_[begin - 1] == ' ' && !IsHangul(CodePointBefore(text_, begin - 1)) &&
      text_[begin - 2] != ',' && !IsHangul(CodePointAt(text_, begin, &len))) {
    return "";
  }
  std::string label;
  for (std::string_view j : kJoints) {
    const size_t next = end + j.size();
    if (label.empty() && next < text_.size() && text_.substr(end, j.size()) == j) {
      const int m = MentionCovering(next);
      // "H20과 AMD의 MI308": a possessor is not the next member but the owner of it.
      if (m >= 0 && ms_[m].span.begin == next && !StartsWith(text_.substr(ms_[m].span.end), "의")) {
        label = CoordinateLabel(m);
      }
    }
    if (label.empty() && begin > j.size() && text_.substr(begin - j.size(), j.size()) == j) {
      label = CoordinateLabel(MemberEndingAt(begin - j.size()));
    }
  }
  if (!label.empty()) *conf = 0.6;
  return label;
}

// The list member that ends at `end`: a mention ending there, or one ending right before a
// "(definition)" that ends there ("외르스테드(Ørsted)와 X(GIP)가": Ørsted's name types X).
int DocExtractor::MemberEndingAt(size_t end) const {
  const int m = MentionEndingAt(end);
  if (m >= 0 || end == 0 || text_[end - 1] != ')') return m;
  constexpr size_t kMaxDefinition = 90;
  const size_t open = text_.rfind('(', end - 1);
  if (open == std::string_view::npos || end - open > kMaxDefinition ||
      text_.substr(open, end - open).find('\n') != std::string_view::npos) {
    return -1;
  }
  return MentionEndingAt(open);
}

std::string DocExtractor::LabelFromSharedHead(size_t end, double* conf) const {
  static constexpr std::string_view kJoint = "·";
  constexpr int kMaxMembers = 4;
  constexpr size_t kMaxDefinition = 60;
  size_t at = end;
  for (int member = 0; member < kMaxMembers; ++member) {
    if (!StartsWith(text_.substr(at), kJoint)) return "";
    const size_t b = at + kJoint.size();
    size_t e = b;
    int len = 0;
    bool latin = true;
    while (e < text_.size()) {
      const uint32_t c = CodePointAt(text_, e, &len);
      if (!(IsWordChar(c) || c == '-')) break;
      latin = latin && IsLatinAlnum(c);
      e += len;
    }
    if (e == b) return "";
    // A Korean member is a name only with its Latin spelling: "타이헤이(Taihei)"; a bare Korean
    // word may carry particles ("A·B는 칩을") and so end a list that shares no head.
    const bool defined = e < text_.size() && text_[e] == '(';
    if (!latin && !defined) return "";
    std::string label = LabelFromContext(b, e, conf);
    if (!label.empty()) return label;
    at = e;
    if (defined) {
      const size_t close = text_.find(')', at);
      if (close == std::string_view::npos || close - at > kMaxDefinition) return "";
      at = close + 1;
    }
  }
  return "";
}

std::string DocExtractor::LabelFromTopicHead(size_t end, double* conf) const {
  if (end + 1 >= text_.size() || text_[end] != ' ') return "";
  const int m = MentionCovering(end + 1);
  if (m < 0 || ms_[m].dead || ms_[m].span.begin != end + 1 || ms_[m].dict < 0) return "";
  const std::string& topic = b_.entries[ms_[m].dict].label;
  if (topic == b_.country_label || topic == b_.company_label) return "";
  // Only a head noun right after the topic: "구리 프로젝트", not a verb or a particle.
  const size_t head = ms_[m].span.end;
  if (head >= text_.size() || text_[head] != ' ') return "";
  for (const LabelCue& c : b_.after_cues) {
    if (c.text.empty() || c.text[0] != ' ' || c.text.back() == '+') continue;
    const std::string_view noun = std::string_view(c.text).substr(1);
    if (!StartsWith(text_.substr(head + 1), noun)) continue;
    const size_t at = head + 1 + noun.size();
    int len = 0;
    if (at == text_.size() || !IsHangul(CodePointAt(text_, at, &len)) || ParticleEnd(at) > at) {
      *conf = 0.6;
      return c.label;
    }
  }
  return "";
}

size_t DocExtractor::ExtendTransliteration(size_t begin, const std::string& latin) const {
  int len = 0;
  // "혼시 4(Hornsea 4)", "마요라나 1(Majorana 1)": a number that ends both spellings is the
  // last word of the name, not a name of its own.
  size_t digits = begin;
  while (digits < text_.size() && text_[digits] >= '0' && text_[digits] <= '9') ++digits;
  const std::string_view number = text_.substr(begin, digits - begin);
  const bool numbered = !number.empty() && digits < text_.size() && text_[digits] == '(' &&
                        EndsWith(latin, " " + std::string(number));
  if (!IsLatinName(latin) || (!numbered && !IsHangul(CodePointAt(text_, begin, &len)))) {
    return begin;
  }
  static constexpr std::string_view kParticles[] = {"는", "은", "의", "를", "을", "에", "와", "과"};
  int words = 1;
  for (size_t i = 1; i < latin.size(); ++i) {
    if (latin[i - 1] == ' ' && latin[i] >= 'A' && latin[i] <= 'Z') ++words;
  }
  if (numbered) ++words;
  while (--words > 0 && begin >= 2 && text_[begin - 1] == ' ') {
    size_t wb = begin - 1;
    while (wb > 0 && IsHangul(CodePointBefore(text_, wb))) wb -= 3;
    if (wb == begin - 1 || (wb > 0 && IsWordChar(CodePointBefore(text_, wb)))) break;
    const std::string_view word = text_.substr(wb, begin - 1 - wb);
    if (MentionEndingAt(begin - 1) >= 0 || b_.IsStopName(word) || IsRoleWord(word)) break;
    bool particle = false;
    for (std::string_view p : kParticles) particle = particle || EndsWith(word, p);
    if (particle) break;
    begin = wb;
  }
  return begin;
}

bool DocExtractor::IsRoleWord(std::string_view word) const {
  // "기업인 X": the role word with the copula's adnominal 인 ("a company that is X").
  if (EndsWith(word, "인")) word.remove_suffix(std::string_view("인").size());
  for (const LabelCue& c : b_.before_cues) {
    if (c.text.size() == word.size() + 1 && StartsWith(c.text, word) && c.text.back() == ' ') {
      return true;
    }
  }
  // "건설사", "환경단체": a compound of three or more syllables with a role ending.
  constexpr size_t kMinRole = 9;  // bytes: three syllables
  if (word.size() < kMinRole) return false;
  for (const LabelCue& c : b_.role_endings) {
    if (EndsWith(word, c.text)) return true;
  }
  return false;
}

std::string DocExtractor::LabelFromListContext(size_t end, double* conf) const {
  static const RE2 kNext(R"(^(, [A-Za-z][A-Za-z0-9.&-]*(?: [A-Z0-9][A-Za-z0-9.&-]*)*))");
  size_t at = end;
  for (int i = 0; i < 8; ++i) {
    re2::StringPiece rest(text_.data() + at, text_.size() - at);
    re2::StringPiece next;
    if (!RE2::PartialMatch(rest, kNext, &next)) break;
    at += next.size();
  }
  for (std::string_view etc : {" 등의", " 등이", " 등"}) {
    if (!StartsWith(text_.substr(at), etc)) continue;
    // "X 등 기업", and past the words that narrow the kind: "X 등 주요 휴머노이드 기업과",
    // "X(Y) 등이 협력 기업으로", "X(Y) 등 자국 AI 칩 기업".
    constexpr int kMaxModifiers = 3;
    size_t head = at + etc.size();
    for (int skipped = 0; skipped <= kMaxModifiers; ++skipped) {
      double c = 0;
      const size_t next = ModifierEnd(head);
      // A kind noun followed by another noun modifies it ("로봇 기업"): the phrase's head is
      // the word that ends it, before punctuation or with its particle attached.
      std::string label = EndsNounPhrase(head, next) ? LabelFromContext(head, head, &c) : "";
      if (!label.empty()) {
        *conf = c * 0.9;
        return label;
      }
      head = next;
      if (head == std::string_view::npos) break;
    }
    break;
  }
  return "";
}

bool DocExtractor::EndsNounPhrase(size_t at, size_t word_end) const {
  if (word_end == std::string_view::npos) return true;  // punctuation or the line's end
  static constexpr std::string_view kParticles[] = {"과", "와", "의", "이", "가", "은",
                                                    "는", "을", "를", "에", "로", "도"};
  const std::string_view word = text_.substr(at + 1, word_end - at - 1);
  for (std::string_view p : kParticles) {
    if (EndsWith(word, p)) return true;
  }
  return false;
}

size_t DocExtractor::ModifierEnd(size_t at) const {
  constexpr size_t kMaxWord = 18;  // bytes: six syllables
  if (at >= text_.size() || text_[at] != ' ') return std::string_view::npos;
  const size_t end = text_.find_first_of(" ,.\n()", at + 1);
  if (end == std::string_view::npos || text_[end] != ' ' || end == at + 1 ||
      end - at - 1 > kMaxWord) {
    return std::string_view::npos;
  }
  return end;
}

int DocExtractor::Find(int m) {
  while (ms_[m].parent != m) {
    ms_[m].parent = ms_[ms_[m].parent].parent;
    m = ms_[m].parent;
  }
  return m;
}

void DocExtractor::Union(int a, int b) {
  if (a < 0 || b < 0) return;
  // Mentions added since the last call are groups of their own (their dict no longer changes
  // once unions begin: ScanCompounds runs before the first).
  for (size_t i = group_dict_.size(); i < ms_.size(); ++i) group_dict_.push_back(ms_[i].dict);
  a = Find(a);
  b = Find(b);
  if (a == b) return;
  // Two different dictionary entities never merge; nor do two different labels.
  const int da = group_dict_[a], db = group_dict_[b];
  if (da >= 0 && db >= 0 && da != db) return;
  ms_[b].parent = a;
  if (da < 0) group_dict_[a] = db;
}

// ---- signals -------------------------------------------------------------------------------------

// 「X」, ‘X’, 'X', "X": a name; its label from its suffix or the word after the closing mark.
void DocExtractor::ScanQuotes() {
  static const std::pair<std::string_view, std::string_view> kPairs[] = {
      {"「", "」"}, {"‘", "’"}, {"'", "'"}, {"“", "”"}};
  for (const auto& [open, close] : kPairs) {
    for (size_t at = text_.find(open); at != std::string_view::npos;
         at = text_.find(open, at + open.size())) {
      size_t b = at + open.size();
      size_t e = text_.find(close, b);
      if (e == std::string_view::npos) break;
      std::string_view inner = text_.substr(b, e - b);
      if (inner.empty() || inner.size() > 120 || inner.find('\n') != std::string_view::npos) {
        continue;
      }
      // 'NN or '25.3: a year, not a quote.
      int len = 0;
      if (open == "'" && IsLatinAlnum(CodePointAt(text_, b, &len)) && inner[0] >= '0' &&
          inner[0] <= '9' && (inner.size() < 3 || inner.find(' ') == std::string_view::npos)) {
        continue;
      }
      // "A(B)" inside: the name is A, B its alias (the definition scan links them).
      size_t name_end = e;
      if (size_t p = inner.find('('); p != std::string_view::npos && inner.back() == ')') {
        name_end = b + p;
      }
      std::string name = std::string(text_.substr(b, name_end - b));
      if (Trim(name).empty()) continue;
      double conf = 0;
      std::string label = LabelFromSuffix(name);
      if (label.empty()) label = LabelFromContext(b, e, &conf);
      else conf = 0.7;
      if (label.empty()) label = LabelFromObjectVerb(text_, e, b_.object_verbs, &conf);
      if (label.empty() && b_.FindByName(name) < 0) continue;
      // A typed quoted name supersedes shorter names inside it ('K-휴머노이드 연합').
      if (!label.empty() && MentionAt(b, name_end) < 0) KillInside(b, name_end);
      int m = AddMention(b, name_end, label, conf, "signal:quoted");
      SetCue(m, label, conf);
      if (open == "'") at = e;  // the closing quote is not an opening one
    }
  }
}

// "14MW", "2 nm": a number and a unit (a stop name), which says how big X is, not what it is.
bool DocExtractor::IsMeasure(std::string_view s) const {
  const size_t unit = s.find_first_not_of("0123456789.,~ ");
  return unit > 0 && unit != std::string_view::npos && b_.IsStopName(s.substr(unit));
}

// Whether "(...)" at [open, close] ends the first cell of a table row.
bool DocExtractor::IsRowHead(size_t open, size_t close) const {
  size_t line_begin = text_.rfind('\n', open);
  line_begin = line_begin == std::string_view::npos ? 0 : line_begin + 1;
  return text_.substr(line_begin, close - line_begin).find('\t') == std::string_view::npos &&
         text_.find('\t', close) < text_.find('\n', close);
}

// X(Y): Y defines or translates X ("딥시크(DeepSeek)", "소형모듈원자로(SMR)").
void DocExtractor::ScanParenDefinitions() {
  for (size_t open = text_.find('('); open != std::string_view::npos;
       open = text_.find('(', open + 1)) {
    size_t close = text_.find(')', open);
    if (close == std::string_view::npos) break;
    std::string_view inner = text_.substr(open + 1, close - open - 1);
    if (inner.empty() || inner.size() > 90 || inner.find('\n') != std::string_view::npos ||
        inner.find('(') != std::string_view::npos) {
      continue;
    }
    std::string y = Trim(inner);
    const size_t lead = inner.find_first_not_of(' ');
    const size_t yb = open + 1 + (lead == std::string_view::npos ? 0 : lead);
    size_t ye = yb + y.size();
    uint32_t prev = CodePointBefore(text_, open);
    bool attached = prev != 0 && prev != ' ' && prev != '\t' && prev != '\n';
    // X: a mention ending at "(", else the word before it.
    int x = -1;
    if (attached) {
      x = MentionEndingAt(open);
      if (x < 0) {
        size_t xb = open;
        while (xb > 0) {
          uint32_t c = CodePointBefore(text_, xb);
          if (!(IsWordChar(c) || c == '-' || c == '.' || c == '&')) break;
          size_t step = 1;  // back over one UTF-8 sequence
          while (xb - step > 0 && (static_cast<unsigned char>(text_[xb - step]) & 0xC0) == 0x80)
            ++step;
          xb -= step;
        }
        xb = ExtendTransliteration(xb, y);
        std::string_view xs = text_.substr(xb, open - xb);
        bool digits_only = xs.find_first_not_of("0123456789.") == std::string_view::npos;
        if (!xs.empty() && !digits_only && xs.size() >= 3 && !IsRowHead(open, close)) {
          std::string label = LabelFromSuffix(xs);
          double conf = label.empty() ? 0 : 0.7;
          // "반도체 미션(ISM)": the word before an acronym is the naming suffix itself, the head
          // noun of a longer name; it types the name better than the words before it. Before a
          // spelled-out word ("포고령(Proclamation)") it is a common noun, not a name.
          if (label.empty() && IsAcronym(y) && !(label = LabelOfSuffixWord(xs)).empty()) {
            conf = 0.65;
          }
          // "재변환(deconversion) 사업자": a lower-case spelling translates a common noun; only
          // a naming suffix of X itself makes it a name ("세마글루타이드(semaglutide)").
          const bool common_noun = IsLatinName(y) && !HasUpperOrDigit(y);
          if (label.empty() && !common_noun) label = LabelFromContext(xb, open, &conf);
          if (label.empty() && IsLatinName(y)) {
            label = LabelFromRoleWord(text_, xb, b_.role_endings, &conf);
          }
          if (label.empty() && IsLatinName(y)) label = LabelFromTopicHead(close + 1, &conf);
          if (label.empty()) label = LabelAfterCountry(xb, open, &conf);
          // "유니트리(Unitree Robotics)는 ... 출시", "소지쓰(Sojitz)와 JOGMEC": what the
          // whole "X(Y)" is the subject of or coordinated with, when Y spells a name ("스택
          // (192GB)은" is a measure).
          const bool spelled = IsLatinName(y) && !(y[0] >= '0' && y[0] <= '9');
          if (label.empty() && spelled) {
            label = LabelFromSubjectVerb(text_, close + 1, b_.subject_verbs, &conf);
          }
          // "우시어드밴스드테라피스(WuXi Advanced Therapies)를 ... 매각": what it is the object of,
          // when Y spells X out; before an acronym X may be a common noun ("합작법인(JV)을 설립").
          if (label.empty() && spelled && !IsAcronym(y)) {
            label = LabelFromObjectVerb(text_, close + 1, b_.object_verbs, &conf);
          }
          if (label.empty() && spelled) label = LabelFromCoordination(xb, close + 1, &conf);
          if (label.empty() && spelled) label = LabelFromSharedHead(close + 1, &conf);
          // "큐에라(QuEra) 등이 협력 기업으로": the kind a list ends in.
          if (label.empty() && spelled) label = LabelFromListContext(close + 1, &conf);
          // "팰컨 9(Falcon 9)을 발사", "에스트링크 2(Estlink 2)가": a model spelled out, its
          // number ending both spellings ("이펑 3호(Yi Peng 3)" counts: a ship's name).
          if (label.empty() && spelled && IsLatinAlnum(prev)) {
            label = LabelOfModelName(y, close + 1, &conf);
          }
          // "카이퍼(Project Kuiper)": the spelling's own naming word, when no cue of the context
          // types the name.
          if (label.empty() && spelled && !(label = LabelFromSuffix(y)).empty()) conf = 0.6;
          // "유니트리(Unitree Robotics)는", "포드(Ford)와": a spelled-out name that acts in its
          // clause with no other cue is most often a company (config actor_label).
          const bool actor = label.empty() && spelled && !b_.actor_label.empty() &&
                             IsSpelledName(y) && ActsInClause(text_, close + 1);
          if (actor) {
            label = b_.actor_label;
            conf = kActorConfidence;
          }
          x = AddMention(xb, open, label, conf, actor ? "signal:actor" : "signal:definition");
        }
      }
    }
    // Y: a known name, or a Latin expansion/acronym of X.
    int ym = MentionAt(yb, ye);
    if (ym < 0 && MentionCovering(yb) < 0) {
      bool latin = IsLatinName(y) && HasUpperOrDigit(y) && y.find(',') == std::string::npos;
      bool date_like = y.find_first_not_of("0123456789.'~-월년 ") == std::string::npos;
      if (latin && !date_like && !IsMeasure(y) && x >= 0) {
        // A known word inside the spelling is part of the name: "(Kodiak Robotics)".
        KillInside(yb, ye);
        ym = AddMention(yb, ye, "", 0, "signal:definition");
      } else if (b_.FindByName(y) >= 0) {
        ym = AddMention(yb, ye, "", 0, "signal:definition");
      }
    }
    // A table row head "Product(Company)", "Company(Country)" is not a definition; nor is a
    // country in brackets after a name in running text, "Halvard Capital(미국)": it says where
    // the name is from (the rules read it as based_in_edge), it is no alias of it.
    const bool country_note =
        ym >= 0 && ms_[ym].dict >= 0 && b_.entries[ms_[ym].dict].label == b_.country_label;
    if (x >= 0 && ym >= 0 && !IsRowHead(open, close) && !country_note) Union(x, ym);
  }
}

// The label of the earliest after-cue of `def` that is its head: followed by the end, "으로",
// "로 ", "로,", "이며", "(", "," or "이다" (the first such cue of the bundle's list on a tie).
// The places a head can end are found once, then each cue is compared there: not a search of
// `def` per cue.
std::string DocExtractor::FootnoteHeadLabel(std::string_view def) const {
  std::vector<size_t> head_ends;  // ascending
  for (size_t p = 0; p <= def.size(); ++p) {
    std::string_view rest = def.substr(p);
    bool head = rest.empty() || StartsWith(rest, "으로") || StartsWith(rest, "로 ") ||
                StartsWith(rest, "로,") || StartsWith(rest, "이며") || StartsWith(rest, "(") ||
                StartsWith(rest, ",") || StartsWith(rest, "이다");
    if (head) head_ends.push_back(p);
  }
  // The earliest head; a kind's own head noun ("~하는 발사체" defines a kind of launcher, a
  // technology) before an after-cue that types a name at the same place.
  size_t best = std::string_view::npos;
  std::string label;
  for (const std::vector<LabelCue>* cues : {&b_.definition_heads, &b_.after_cues}) {
    for (const LabelCue& c : *cues) {
      std::string cue = Trim(c.text);
      if (cue.size() < 3 || c.label.empty()) continue;
      for (size_t p : head_ends) {
        if (p < cue.size()) continue;
        const size_t at = p - cue.size();
        if (at >= best) break;  // later ones start later still
        if (def.compare(at, cue.size(), cue) == 0) {
          best = at;
          label = c.label;
          break;
        }
      }
    }
  }
  return label;
}

// A footnote line "* (Full Name) definition" names the entity marked "X*" just above it.
void DocExtractor::ScanFootnotes() {
  size_t line_begin = 0;
  std::vector<std::pair<size_t, size_t>> lines;
  while (line_begin <= text_.size()) {
    size_t e = text_.find('\n', line_begin);
    if (e == std::string_view::npos) e = text_.size();
    lines.push_back({line_begin, e});
    if (e == text_.size()) break;
    line_begin = e + 1;
  }
  for (size_t li = 0; li < lines.size(); ++li) {
    std::string_view line = text_.substr(lines[li].first, lines[li].second - lines[li].first);
    size_t i = 0;
    while (i < line.size() && (line[i] == ' ' || line[i] == '-' || line[i] == '\t')) ++i;
    size_t stars = 0;
    while (i < line.size() && line[i] == '*') ++stars, ++i;
    if (stars == 0) continue;
    while (i < line.size() && line[i] == ' ') ++i;
    if (i >= line.size() || line[i] != '(') continue;
    size_t close = line.find(')', i);
    if (close == std::string_view::npos) continue;
    size_t yb = lines[li].first + i + 1, ye = lines[li].first + close;
    std::string y = Trim(text_.substr(yb, ye - yb));
    if (y.empty() || !IsLatinName(y)) continue;
    // The marked name: the nearest earlier line with "X" + exactly `stars` asterisks.
    int target = -1;
    for (size_t back = li; back-- > 0 && li - back <= 8 && target < 0;) {
      std::string_view prev = text_.substr(lines[back].first, lines[back].second - lines[back].first);
      for (size_t s = prev.find('*'); s != std::string_view::npos; s = prev.find('*', s + 1)) {
        size_t n = 0;
        while (s + n < prev.size() && prev[s + n] == '*') ++n;
        size_t abs = lines[back].first + s;
        if (n == stars && s > 0 && prev[s - 1] != ' ' && prev[s - 1] != '-') {
          size_t end = abs;
          if (text_[end - 1] == ')') {  // "기술(AV 2.0)*": the defined name inside
            size_t ob = text_.rfind('(', end);
            if (ob != std::string_view::npos) {
              int in = MentionCovering(ob + 1);
              target = in >= 0 ? in : MentionEndingAt(ob);
            }
          } else {
            target = MentionEndingAt(end);
            if (target < 0) {
              size_t xb = end;
              while (xb > lines[back].first) {
                uint32_t c = CodePointBefore(text_, xb);
                if (!(IsWordChar(c) || c == '-' || c == '.')) break;
                size_t step = 1;
                while ((static_cast<unsigned char>(text_[xb - step]) & 0xC0) == 0x80) ++step;
                xb -= step;
              }
              std::string_view xs = text_.substr(xb, end - xb);
              if (xs.size() >= 2 && xs.find_first_not_of("0123456789,.") != std::string_view::npos) {
                target = AddMention(xb, end, LabelFromSuffix(xs), 0.6, "signal:footnote");
              }
            }
          }
          if (target >= 0) break;
        }
        s += n - 1;
      }
    }
    if (target < 0) continue;
    int ym = MentionAt(yb, ye);
    if (ym < 0) {
      KillInside(yb, ye);
      ym = AddMention(yb, ye, "", 0, "signal:footnote");
    }
    Union(target, ym);
    // The definition's head noun types the name: "... 국영 투자 회사" -> Company.
    std::string_view def = text_.substr(ye + 1, lines[li].second - ye - 1);
    const std::string label = FootnoteHeadLabel(def);
    if (!label.empty()) {
      SetCue(target, label, 0.6);
      SetCue(ym, label, 0.6);
    }
  }
}

// "Kairos Power社", "한화(주)", "(주)한화" (NFKC of "㈜"): a company, named by a legal-form mark
// (lexicon company_form) right after its name or, for a bracketed mark with no word before it,
// right before it.
void DocExtractor::ScanCompanySuffix() {
  for (size_t f = 0; f < b_.company_forms.size(); ++f) {
    const std::string& form = b_.company_forms[f];
    const std::string& rule = b_.company_form_rules[f];
    for (size_t at = text_.find(form); at != std::string_view::npos;
         at = text_.find(form, at + form.size())) {
      if (int m = MentionEndingAt(at); m >= 0) {
        SetCue(m, b_.company_label, 0.8);
        continue;
      }
      if (const size_t b = NameStartBefore(at); b < at) {
        AddMention(b, at, b_.company_label, 0.8, rule);
        continue;
      }
      // Only a bracketed mark ("(주)") may also lead its name: "社" never does.
      const size_t after = at + form.size();
      if (form[0] != '(' || IsWordChar(CodePointBefore(text_, at)) || after >= text_.size()) {
        continue;
      }
      if (int m = MentionCovering(after); m >= 0) {
        if (ms_[m].span.begin == after) SetCue(m, b_.company_label, 0.8);
        continue;
      }
      if (const size_t e = NameEndAfter(after); e > after) {
        AddMention(after, e, b_.company_label, 0.8, rule);
      }
    }
  }
}

// The start of the name that ends at `end`: capitalised Latin words, else a Hangul word; `end`
// when there is none.
size_t DocExtractor::NameStartBefore(size_t end) const {
  size_t b = end;
  if (!IsLatinAlnum(CodePointBefore(text_, b))) {
    while (b > 0 && IsHangul(CodePointBefore(text_, b))) b -= 3;
    return b;
  }
  // A Latin name may hold spaces: extend over capitalised words.
  while (b > 0) {
    uint32_t p = CodePointBefore(text_, b);
    if (IsLatinAlnum(p) || p == '-' || p == '.' || p == '&') {
      b -= Utf8Length(p);
    } else if (p == ' ' && b >= 2 && IsLatinAlnum(CodePointBefore(text_, b - 1))) {
      size_t wb = b - 1;
      for (uint32_t q = CodePointBefore(text_, wb); wb > 0 && IsLatinAlnum(q);
           q = CodePointBefore(text_, wb)) {
        wb -= Utf8Length(q);
      }
      int len = 0;
      if (!IsLatinCapital(CodePointAt(text_, wb, &len))) break;
      b = wb;
    } else {
      break;
    }
  }
  return b;
}

// The end of the name that starts at `begin`: a Latin run, else a Hangul word of at least two
// syllables without the particles that end it ("퀀텀베일은" -> "퀀텀베일"); `begin` when none.
size_t DocExtractor::NameEndAfter(size_t begin) const {
  const std::pair<size_t, size_t> run = FindLatinRun(text_, begin);
  if (run.first == begin) return run.second;
  size_t word_end = begin;
  int len = 0;
  while (word_end < text_.size() && IsHangul(CodePointAt(text_, word_end, &len))) word_end += 3;
  constexpr size_t kMinName = 6;  // two syllables
  for (size_t cut = begin + kMinName; cut < word_end; cut += 3) {
    if (ParticleEnd(cut) == word_end) return cut;
  }
  return word_end - begin >= kMinName ? word_end : begin;
}

// "Name (Country)<TAB>...": a table of companies with their home country.
void DocExtractor::ScanTableRows() {
  static const RE2 kRow(R"((?m)^[-•* ]*([^\t()\n]{2,60}?) \(([^()\t\n]{2,30})\)\t)");
  // A row holds ")<TAB>": only lines holding one are searched (the regex over the whole text cost
  // more than the rest of this scan). As over the whole text, each search starts where the last
  // match ended, and "^" matches there too.
  // ")<TAB>" at or after `pos`: a memchr for the tab (rare in text), then the byte before it.
  auto find_row_cue = [&](size_t pos) {
    for (size_t tab = text_.find('\t', pos); tab != std::string_view::npos;
         tab = text_.find('\t', tab + 1)) {
      if (tab > pos && text_[tab - 1] == ')') return tab - 1;
    }
    return std::string_view::npos;
  };
  // `in` holds no newline, so "^" matches only at its start: the anchored Consume finds what
  // FindAndConsume would, without RE2's unanchored search.
  re2::StringPiece name, country;
  for (size_t at = find_row_cue(0); at != std::string_view::npos;) {
    const size_t newline = text_.rfind('\n', at);
    const size_t line_begin = newline == std::string_view::npos ? 0 : newline + 1;
    const size_t line_end = std::min(text_.find('\n', at), text_.size());
    at = line_end < text_.size() ? find_row_cue(line_end + 1) : std::string_view::npos;
    re2::StringPiece in(text_.data() + line_begin, line_end - line_begin);
    while (RE2::Consume(&in, kRow, &name, &country)) {
      int c = b_.FindByName(std::string(country.data(), country.size()));
      if (c < 0 || b_.entries[c].label != b_.country_label) continue;
      size_t b = name.data() - text_.data();
      int m = AddMention(b, b + name.size(), b_.company_label, 0.7, "signal:table-row");
      SetCue(m, b_.company_label, 0.7);
    }
  }
}

// The label of the first column cue that is a word of its own in a header cell ("주요 칩·시스템"
// holds "칩"); "" when none.
std::string DocExtractor::ColumnCueLabel(std::string_view header_cell) const {
  for (const LabelCue& c : b_.column_cues) {
    for (size_t at = header_cell.find(c.text); at != std::string_view::npos;
         at = header_cell.find(c.text, at + 1)) {
      const size_t end = at + c.text.size();
      int len = 0;
      if (!IsWordChar(CodePointBefore(header_cell, at)) &&
          (end == header_cell.size() || !IsWordChar(CodePointAt(header_cell, end, &len)))) {
        return c.label;
      }
    }
  }
  return "";
}

// The cell of a table row starting at `cell_begin`: its leading name, up to "(" or the cell's
// end ("SG 14-236 DD(14MW)", "포르테 엔터프라이즈(Forte Enterprise)"), gets `label`.
void DocExtractor::NameColumnCell(size_t cell_begin, size_t cell_end, const std::string& label) {
  size_t b = cell_begin;
  constexpr std::string_view kBullet = "•";
  while (b < cell_end) {
    if (text_[b] == ' ' || text_[b] == '-') {
      ++b;
    } else if (StartsWith(text_.substr(b, cell_end - b), kBullet)) {
      b += kBullet.size();
    } else {
      break;
    }
  }
  size_t e = std::min(text_.find('(', b), cell_end);
  while (e > b && text_[e - 1] == ' ') --e;
  constexpr size_t kMaxName = 60;
  if (e - b < 2 || e - b > kMaxName) return;
  if (int m = MentionAt(b, e); m >= 0) {
    SetCue(m, label, 0.6);
    return;
  }
  if (Overlaps(b, e) || b_.IsStopName(text_.substr(b, e - b))) return;
  AddMention(b, e, label, 0.6, "signal:table-column");
}

// A table is a run of lines holding tabs; its first line is the header. A column whose header
// names a kind of thing (lexicon `column`: "기업", "주력 모델", "주요 칩·시스템") names one in
// each cell.
void DocExtractor::ScanTableColumns() {
  if (b_.column_cues.empty()) return;
  std::vector<std::string> column_labels;  // of the current table, by column; "" = none
  bool in_table = false;
  for (size_t lb = 0; lb < text_.size();) {
    size_t le = text_.find('\n', lb);
    if (le == std::string_view::npos) le = text_.size();
    if (text_.substr(lb, le - lb).find('\t') == std::string_view::npos) {
      in_table = false;
      lb = le + 1;
      continue;
    }
    const bool header = !in_table;
    in_table = true;
    if (header) column_labels.clear();
    size_t column = 0;
    for (size_t cb = lb; cb <= le; ++column) {
      const size_t ce = std::min(text_.find('\t', cb), le);
      if (header) {
        column_labels.push_back(ColumnCueLabel(text_.substr(cb, ce - cb)));
      } else if (column < column_labels.size() && !column_labels[column].empty()) {
        NameColumnCell(cb, ce, column_labels[column]);
      }
      cb = ce + 1;
    }
    lb = le + 1;
  }
}

// The first word in [b, e) that is not all lower-case ASCII letters, or e.
size_t SkipLowerCaseWords(std::string_view text, size_t b, size_t e) {
  for (size_t at = b; at < e;) {
    size_t end = at;
    while (end < e && text[end] >= 'a' && text[end] <= 'z') ++end;
    if (end == e || text[end] != ' ') return at;
    at = end + 1;
  }
  return e;
}

// "E&S", "C&T": two to four capitals joined by one "&", not a stop name ("R&D", "M&A").
bool DocExtractor::IsAmpersandInitials(std::string_view s) const {
  constexpr size_t kMin = 3, kMax = 5;
  if (s.size() < kMin || s.size() > kMax || std::count(s.begin(), s.end(), '&') != 1 ||
      s.front() == '&' || s.back() == '&' || b_.IsStopName(s)) {
    return false;
  }
  for (char c : s) {
    if (c != '&' && (c < 'A' || c > 'Z')) return false;
  }
  return true;
}

// Latin-script names inside Korean text, typed by a cue next to them.
void DocExtractor::ScanLatinNames() {
  for (std::pair<size_t, size_t> run = FindLatinRun(text_, 0); run.first != std::string_view::npos;
       run = FindLatinRun(text_, run.second)) {
    if (IsLatinAlnum(CodePointBefore(text_, run.first))) continue;
    // A leading word in lower case is prose, not part of a name ("announces DKK 60").
    size_t b = SkipLowerCaseWords(text_, run.first, run.second);
    if (b >= run.second) continue;
    size_t e = run.second;
    // Trailing descriptors ("BlueLynx D2D IP") are not part of the name.
    while (true) {
      size_t sp = text_.rfind(' ', e - 1);
      if (sp == std::string_view::npos || sp <= b) break;
      // ... nor is a measure: "NPU 48TOPS", "TSMC 3nm".
      const std::string_view last = text_.substr(sp + 1, e - sp - 1);
      if (!b_.IsStopName(last) && !IsMeasure(last)) break;
      e = sp;
    }
    // "Torvik Blue Systems(노르웨이)": before a country note the definition scan took the last
    // word alone, a stub with no label; the run is the name.
    const int stub = MentionEndingAt(e);
    if (stub >= 0 && HasCountryNote(e) && ms_[stub].dict < 0 && ms_[stub].label.empty() &&
        ms_[stub].span.begin > b && !Overlaps(b, ms_[stub].span.begin)) {
      KillInside(b, e);
    }
    // "GaN Systems", "Tokamak Energy", "Indium Corporation": a known word, then capitalised
    // words that end in a company's suffix, is a company of its own named after that word (a
    // programme's, "EU Action Plan", is as often the known body's own and spells out a term).
    std::string suffix_label;
    if (const int first = MentionCovering(b); first >= 0 && ms_[first].span.begin == b &&
                                              ms_[first].span.end < e &&
                                              text_[ms_[first].span.end] == ' ') {
      suffix_label = LabelFromSuffix(text_.substr(b, e - b));
      const int dict = ms_[first].dict;
      bool capitalised = true;
      for (size_t w = ms_[first].span.end; w != std::string_view::npos && w < e;
           w = text_.find(' ', w + 1)) {
        capitalised = capitalised && w + 1 < e && text_[w + 1] >= 'A' && text_[w + 1] <= 'Z';
      }
      if (suffix_label == b_.company_label && capitalised && !IsBulletHead(b, e) &&
          (dict < 0 || b_.entries[dict].label != b_.country_label)) {
        KillInside(b, e);
      } else {
        suffix_label.clear();
      }
    }
    // "SK이노베이션 E&S", "GS E&C": a dictionary company, then initials joined by "&", names a
    // company of its group, a name of its own that takes the company's name in.
    if (const int owner = b >= 2 && text_[b - 1] == ' ' ? MentionEndingAt(b - 1) : -1;
        owner >= 0 && IsAmpersandInitials(text_.substr(b, e - b)) && ms_[owner].dict >= 0 &&
        b_.entries[ms_[owner].dict].label == b_.company_label) {
      const size_t ob = ms_[owner].span.begin;
      KillInside(ob, e);
      AddMention(ob, e, b_.company_label, 0.6, "signal:group-company");
      continue;
    }
    if (Overlaps(b, e)) {  // "NVIDIA H20": a known name, then its model
      b = ModelAfterName(b, e);
      if (b == std::string_view::npos) continue;
    }
    const size_t run_size = run.second - b;
    std::string s(text_.substr(b, e - b));
    if (!HasUpperOrDigit(s) || Overlaps(b, e) || b_.IsStopName(s) || IsMeasure(s)) continue;
    double conf = 0;
    std::string label = LabelFromContext(b, e, &conf);
    if (label.empty() && !suffix_label.empty()) {
      label = suffix_label;
      conf = 0.7;
    }
    if (label.empty() && e != b + run_size) label = LabelFromContext(b, b + run_size, &conf);
    if (label.empty()) label = LabelFromListContext(b + run_size, &conf);
    if (label.empty()) label = LabelFromTopicHead(e, &conf);
    if (label.empty()) label = LabelFromRoleWord(text_, b, b_.role_endings, &conf);
    if (label.empty()) label = LabelAfterCountry(b, e, &conf);
    if (label.empty()) label = LabelAfterMaker(b, e, &conf);
    if (label.empty()) label = LabelFromCoordination(b, e, &conf);
    if (label.empty()) label = LabelFromSharedHead(e, &conf);
    if (label.empty()) label = LabelFromSubjectVerb(text_, e, b_.subject_verbs, &conf);
    if (label.empty()) label = LabelFromObjectVerb(text_, e, b_.object_verbs, &conf);
    if (label.empty()) label = LabelOfMaker(e, &conf);
    bool model = false;
    if (label.empty()) {
      label = LabelOfModelName(text_.substr(b, e - b), e, &conf);
      if (label.empty()) label = LabelOfHeadBefore(text_.substr(b, e - b), b, &conf);
      model = !label.empty();
    }
    const bool actor = label.empty() && !b_.actor_label.empty() && IsSpelledName(s) &&
                       (ActsInClause(text_, e) || IsBulletHead(b, e) || HasCountryNote(e));
    if (actor) {
      label = b_.actor_label;
      conf = kActorConfidence;
    }
    if (label.empty()) continue;
    AddMention(b, e, label, conf * 0.9,
               actor   ? "signal:actor"
               : model ? "signal:model-name"
                       : "signal:latin-name");
  }
}

bool DocExtractor::IsBulletHead(size_t begin, size_t end) const {
  if (begin == 0 || text_[begin - 1] != '(' || end >= text_.size() || text_[end] != ')') {
    return false;
  }
  const size_t open = begin - 1;
  if (EndsWith(text_.substr(0, open), "▲")) return true;
  const size_t line_begin = open == 0 ? 0 : text_.rfind('\n', open - 1) + 1;  // npos + 1 == 0
  const std::string_view marks = text_.substr(line_begin, open - line_begin);
  // Bullet marks and spaces only; "* (Full Name)" opens a footnote, which spells a name out.
  return marks.find('*') == std::string_view::npos && LineSubjectStart(text_, line_begin) > open;
}

// "SK오션플랜트는", "LS전선은", "HD현대중공업": a Korean business group's Latin initials written
// onto a Hangul word name one of its companies; the word's suffix, its context or, as the
// subject or partner of its clause, config actor_label types it. Initials that are a stop name
// ("AI반도체") or a single letter ("D램") are no group's.
void DocExtractor::ScanPrefixedNames() {
  constexpr size_t kMinInitials = 2, kMaxInitials = 4;
  constexpr size_t kMinWord = 6;  // bytes: two syllables
  for (size_t at = 0; at < text_.size();) {
    const size_t b = at;
    if (text_[b] < 'A' || text_[b] > 'Z' || (b > 0 && IsWordChar(CodePointBefore(text_, b)))) {
      ++at;
      continue;
    }
    size_t h = b;
    while (h < text_.size() && text_[h] >= 'A' && text_[h] <= 'Z') ++h;
    at = h;
    int len = 0;
    if (h - b < kMinInitials || h - b > kMaxInitials || h >= text_.size() ||
        !IsHangul(CodePointAt(text_, h, &len)) || b_.IsStopName(text_.substr(b, h - b))) {
      continue;
    }
    size_t word_end = h;
    while (word_end < text_.size() && IsHangul(CodePointAt(text_, word_end, &len))) word_end += 3;
    at = word_end;
    // The name ends where the word's trailing particles begin.
    size_t e = h + kMinWord;
    while (e < word_end && ParticleEnd(e) != word_end) e += 3;
    if (e > word_end || b_.FindByName(text_.substr(h, e - h)) >= 0 || Overlaps(b, e)) continue;
    double conf = 0.6;
    // "QT전선": the word may be the suffix itself, the initials being the rest of the name.
    std::string label = LabelFromSuffix(text_.substr(b, e - b));
    if (label.empty()) label = LabelOfSuffixWord(text_.substr(h, e - h));
    if (label.empty()) label = LabelFromContext(b, e, &conf);
    if (label.empty()) label = LabelFromSubjectVerb(text_, e, b_.subject_verbs, &conf);
    if (label.empty()) label = LabelFromObjectVerb(text_, e, b_.object_verbs, &conf);
    if (label.empty()) label = LabelFromCoordination(b, e, &conf);
    if (label.empty() && (ActsInClause(text_, e) || IsBulletHead(b, e))) {
      label = b_.actor_label;
      conf = kActorConfidence;
    }
    if (!label.empty()) AddMention(b, e, label, conf * 0.9, "signal:prefixed-name");
  }
}

void DocExtractor::LabelListedDefinitions() {
  constexpr size_t kMaxDefinition = 90;
  // Each round types the members next to a member typed in the round before; a list is short.
  constexpr int kMaxRounds = 4;
  for (int round = 0; round < kMaxRounds; ++round) {
    bool changed = false;
    for (size_t i = 0; i < ms_.size(); ++i) {
      const Mention& m = ms_[i];
      if (m.dead || m.dict >= 0 || !m.label.empty() || m.rule != "signal:definition" ||
          m.span.end >= text_.size() || text_[m.span.end] != '(') {
        continue;
      }
      const size_t close = text_.find(')', m.span.end);
      if (close == std::string_view::npos || close - m.span.end > kMaxDefinition) continue;
      double conf = 0;
      const std::string label = LabelFromCoordination(m.span.begin, close + 1, &conf);
      if (label.empty()) continue;
      SetCue(static_cast<int>(i), label, conf * 0.9);
      changed = true;
    }
    if (!changed) break;
  }
}

int DocExtractor::NameEndingInWord(std::string_view word, size_t before) const {
  int found = -1;
  for (size_t i = 0; i < ms_.size(); ++i) {
    const Mention& m = ms_[i];
    if (m.dead || m.span.end > before || m.span.end - m.span.begin <= word.size()) continue;
    const std::string_view s = text_.substr(m.span.begin, m.span.end - m.span.begin);
    if (!EndsWith(s, word) || s[s.size() - word.size() - 1] != ' ') continue;
    if (found >= 0 &&
        s != text_.substr(ms_[found].span.begin, ms_[found].span.end - ms_[found].span.begin)) {
      return -1;  // two names end in it: ambiguous
    }
    found = static_cast<int>(i);
  }
  return found;
}

// Korean names ending in a naming suffix: "국가리튬전략", "토요타연구소".
void DocExtractor::ScanSuffixNames() {
  std::vector<size_t> cuts;  // reused: one allocation, not one per word
  for (size_t pos = 0; pos < text_.size();) {
    int len = 0;
    uint32_t c = CodePointAt(text_, pos, &len);
    if (!IsHangul(c) || IsHangul(CodePointBefore(text_, pos))) {
      pos += len;
      continue;
    }
    size_t e = pos;
    while (e < text_.size() && IsHangul(CodePointAt(text_, e, &len))) e += len;
    std::string_view word = text_.substr(pos, e - pos);
    constexpr size_t kMinStem = 12;  // bytes: four syllables
    if (word.size() < kMinStem) {    // no stem of it is long enough
      pos = e;
      continue;
    }
    // The stem ends where the word ends or where its trailing particles begin.
    cuts.assign(1, word.size());
    if (auto it = b_.particles_by_last.find(CodePointBefore(word, word.size()));
        it != b_.particles_by_last.end()) {
      for (const std::string& p : it->second) {
        if (p.size() < word.size() && EndsWith(word, p)) cuts.push_back(word.size() - p.size());
      }
    }
    for (size_t cut : cuts) {
      std::string_view stem = word.substr(0, cut);
      if (stem.size() < kMinStem) continue;
      size_t suffix_size = 0;
      std::string label = LabelFromSuffix(stem, &suffix_size);
      if (label.empty()) continue;
      // Two syllables before a suffix of two or fewer, with no particle, are most often a
      // common compound that modifies the next word, "전력공사 OPG", "사모펀드 알타리스",
      // "석유화학 공장"; a name that short carries its particle ("삼성전자는", "대우건설은"),
      // starts with a known name ("삼성그룹"), or is the last word of a longer name before it,
      // its short form ("「인형로봇 혁신발전 지도의견」을 발표 ... 지도의견"). A longer suffix
      // is itself distinctive ("마리타이드").
      constexpr size_t kShortPart = 6;  // bytes: two syllables
      const size_t head_size = stem.size() - suffix_size;
      const bool short_word = head_size <= kShortPart && suffix_size <= kShortPart &&
                              b_.FindByName(stem.substr(0, head_size)) < 0;
      const int full = short_word ? NameEndingInWord(stem, pos) : -1;
      if (short_word && full < 0 && cut == word.size()) break;
      // A bound noun's compound with no particle before another word modifies it, "물류기업
      // GXO", "협력기업 대표": a name of one carries its particle or ends its phrase, "한빛기업은",
      // "(한빛기업)".
      if (cut == word.size() && e < text_.size() && text_[e] == ' ' &&
          IsBoundSuffix(stem.substr(head_size))) {
        break;
      }
      size_t stem_end = pos + cut;
      if (Overlaps(pos, stem_end)) break;
      const int m = AddMention(pos, stem_end, label, 0.6, "signal:suffix");
      if (full >= 0 && m >= 0) Union(full, m);
      break;
    }
    pos = e;
  }
}

void DocExtractor::ScanKoreanSubjects() {
  if (b_.subject_verbs.empty()) return;
  for (size_t lb = 0; lb < text_.size();) {
    const size_t le = std::min(text_.find('\n', lb), text_.size());
    const size_t b = LineSubjectStart(text_, lb);
    size_t run_end = b;
    int len = 0;
    while (run_end < le && IsHangul(CodePointAt(text_, run_end, &len))) run_end += 3;
    constexpr size_t kMinName = 6, kParticle = 3;  // two syllables; 는 은 이 가 are one
    // The name ends where the word's particles begin; they must be the subject particle alone
    // ("국내에서는" is a place and its particles, not a name).
    size_t cut = b + kMinName;
    while (cut < run_end && ParticleEnd(cut) != run_end) cut += 3;
    if (cut + kParticle == run_end) {
      const size_t e = cut;
      double conf = 0;
      std::string label = LabelFromSubjectVerb(text_, e, b_.subject_verbs, &conf);
      if (!label.empty() && !Overlaps(b, e) && !b_.IsStopName(text_.substr(b, e - b))) {
        AddMention(b, e, label, conf * 0.9, "signal:korean-subject");
      }
    }
    lb = le + 1;
  }
}

// Where the list member ending at `end` starts: back over word characters (and "-", "&", ".")
// and one "(definition)" right before `end`; `end` itself when there is no such word.
size_t DocExtractor::ListMemberStart(size_t end) const {
  constexpr size_t kMaxDefinition = 60;
  size_t at = end;
  if (at > 0 && text_[at - 1] == ')') {
    const size_t open = text_.rfind('(', at - 1);
    if (open == std::string_view::npos || at - open > kMaxDefinition) return end;
    at = open;
  }
  const size_t word_end = at;
  while (at > 0) {
    const uint32_t c = CodePointBefore(text_, at);
    if (!(IsWordChar(c) || c == '-' || c == '&' || c == '.')) break;
    size_t step = 1;  // back over one UTF-8 sequence
    while (at - step > 0 && (static_cast<unsigned char>(text_[at - step]) & 0xC0) == 0x80) ++step;
    at -= step;
  }
  return at == word_end ? end : at;
}

// "도요타, 소니, NTT, 키옥시아 등 일본 대기업 8개사가", "IBM, 아이온큐, 퀀티뉴엄 등 15개 이상의
// 기업을": the kind a comma list of three or more names ends in types its Korean members too
// (ScanLatinNames types the Latin ones); with fewer members the first word may be a clause's
// verb ("...을 정리하고, 화웨이 등 중국 기업의").
void DocExtractor::ScanListMembers() {
  static constexpr std::string_view kEtc = " 등";
  static constexpr std::string_view kJoint = ", ";
  constexpr size_t kMinMembers = 3;
  constexpr size_t kMaxMembers = 10;
  for (size_t etc = text_.find(kEtc); etc != std::string_view::npos;
       etc = text_.find(kEtc, etc + kEtc.size())) {
    std::vector<std::pair<size_t, size_t>> members;
    size_t end = etc;
    while (members.size() < kMaxMembers) {
      const size_t begin = ListMemberStart(end);
      if (begin == end) break;
      members.push_back({begin, end});
      if (begin < kJoint.size() || text_.substr(begin - kJoint.size(), kJoint.size()) != kJoint) {
        break;
      }
      end = begin - kJoint.size();
    }
    // The first member is a word of its own, after a space or at a line's start.
    const size_t first = members.empty() ? 0 : members.back().first;
    if (members.size() < kMinMembers ||
        (first > 0 && text_[first - 1] != ' ' && text_[first - 1] != '\n')) {
      continue;
    }
    double conf = 0;
    const std::string label = LabelFromListContext(etc, &conf);
    if (label.empty()) continue;
    for (const auto& [b, e] : members) {
      // The Korean name of a member, not its "(Latin)" definition, which that scan links.
      const size_t name_end = text_[e - 1] == ')' ? text_.rfind('(', e - 1) : e;
      if (name_end <= b || Overlaps(b, name_end)) continue;
      if (b_.IsStopName(text_.substr(b, name_end - b))) continue;
      AddMention(b, name_end, label, conf * 0.9, "signal:list");
    }
  }
}

bool DocExtractor::IsPhraseModifier(const Mention& m, const std::string& label) const {
  if (m.dict < 0) return false;
  const DictEntry& e = b_.entries[m.dict];
  return e.generic || (e.label != label && e.label != b_.company_label &&
                       e.label != b_.country_label && e.label != b_.actor_label);
}

void DocExtractor::ScanObjectPhrases() {
  // Below the cues of names: a phrase is read from its verb and head alone.
  constexpr double kPhraseConfidence = 0.45;
  for (const ObjectPhrase& p : FindObjectPhrases(text_, b_.phrases)) {
    // "로봇 기술 개발에 주력": a generic term that ends the phrase at a word's start is this
    // verb's object here, an end of its relation.
    if (const int g = MentionEndingAt(p.end);
        g >= 0 && ms_[g].dict >= 0 && b_.entries[ms_[g].dict].generic &&
        std::find(p.word_begins.begin(), p.word_begins.end(), ms_[g].span.begin) !=
            p.word_begins.end()) {
      ms_[g].verb_object = true;
      continue;
    }
    // The phrase starts after the last name in it ("HVDC 해저 전력케이블"); a generic term in
    // it ("반도체") is part of it. A name or term at its head leaves it to that mention.
    size_t begin = std::string_view::npos;
    for (size_t w = p.word_begins.size(); w-- > 0;) {
      const size_t wb = p.word_begins[w];
      const size_t we = w + 1 < p.word_begins.size() ? p.word_begins[w + 1] - 1 : p.end;
      bool name = false;
      for (size_t at = wb; at < we && !name; ++at) {
        const int m = MentionCovering(at);
        name = m >= 0 && !ms_[m].nested &&
               (w + 1 == p.word_begins.size() || !IsPhraseModifier(ms_[m], p.label));
      }
      if (name) break;
      begin = wb;
    }
    if (begin == std::string_view::npos) continue;
    // "엔비디아의 AI 가속기를 생산": a phrase its owner's name qualifies is that owner's thing,
    // which the rules read from the owner.
    if (begin >= 2 && text_[begin - 1] == ' ') {
      const size_t owner = text_.find_last_of(" \t\n", begin - 2);
      const size_t ob = owner == std::string_view::npos ? 0 : owner + 1;
      if (EndsWith(text_.substr(ob, begin - 1 - ob), "의") && MentionCovering(ob) >= 0) continue;
    }
    // After the cut at a name, the head alone must still name something.
    if (begin == p.word_begins.back() &&
        b_.phrases.IsBareStop(text_.substr(begin, p.end - begin))) {
      continue;
    }
    // "AI 기술": a general head after a common token names nothing more than the token.
    const size_t head = p.word_begins.back();
    const bool general_head = b_.phrases.generals.contains(AV(text_.substr(head, p.end - head)));
    if (general_head && head > begin && b_.IsStopName(text_.substr(begin, head - 1 - begin))) {
      continue;
    }
    bool crossed = false;  // a mention that starts before the phrase or ends after it
    for (size_t at = begin; at < p.end && !crossed; ++at) {
      const int m = MentionCovering(at);
      crossed = m >= 0 && (ms_[m].span.begin < begin || ms_[m].span.end > p.end);
    }
    if (crossed) continue;
    KillInside(begin, p.end);
    const int m = AddMention(begin, p.end, p.label, kPhraseConfidence, "signal:object-phrase");
    if (m < 0 || ms_[m].rule != "signal:object-phrase") continue;
    ms_[m].relation_only = true;
    if (general_head && head > begin) ms_[m].short_end = static_cast<uint32_t>(head - 1);
  }
}

// Entity rules: phrases that name a policy or measure, with the relations the phrase states.
void DocExtractor::ScanEntityRules() {
  // Names made by an earlier entity rule: a later rule's name may not overlap one ("25% 관세"
  // inside "철강 수입품에 대한 25% 관세"), so the first rule that names a measure wins.
  std::vector<Span> made;
  // The rules whose atoms the text holds (all when there is no prefilter), in order.
  std::vector<int> rules;
  if (b_.entity_rule_atoms != nullptr) {
    std::vector<int> atoms;
    std::vector<uint32_t> last_start, latest;
    RulePrefilter::Scratch scratch;
    b_.entity_rule_atoms->Match(text_, &atoms, &last_start);
    b_.entity_rule_prefilter.Candidates(atoms, last_start, &scratch, &rules, &latest);
  } else {
    for (size_t i = 0; i < b_.entity_rules.size(); ++i) rules.push_back(static_cast<int>(i));
  }
  for (const int rule_index : rules) {
    const EntityRule& rule = b_.entity_rules[rule_index];
    const RE2& re = *rule.re;
    int n = re.NumberOfCapturingGroups();
    std::vector<re2::StringPiece> g(n + 1);
    const auto& names = re.NamedCapturingGroups();
    re2::StringPiece input(text_.data(), text_.size());
    size_t start = 0;
    while (start < text_.size() &&
           re.Match(input, start, text_.size(), RE2::UNANCHORED, g.data(), n + 1)) {
      start = (g[0].data() - text_.data()) + std::max<size_t>(g[0].size(), 1);
      const re2::StringPiece& name = g[names.at("name")];
      size_t nb = name.data() - text_.data(), ne = nb + name.size();
      if (name.empty() || MentionAt(nb, ne) >= 0) continue;
      if (std::any_of(made.begin(), made.end(),
                      [&](const Span& s) { return nb < s.end && s.begin < ne; })) {
        continue;
      }
      made.push_back({static_cast<uint32_t>(nb), static_cast<uint32_t>(ne)});
      Mention m;
      m.span = {static_cast<uint32_t>(nb), static_cast<uint32_t>(ne)};
      m.label = rule.label;
      m.confidence = rule.confidence;
      m.rule = rule.id;
      m.nested = true;
      m.parent = static_cast<int>(ms_.size());
      ms_.push_back(std::move(m));
      int self = static_cast<int>(ms_.size()) - 1;
      std::vector<std::pair<std::string, graph::Value>> props;
      for (const auto& [gname, idx] : names) {
        if ((gname == "rate_pct" || gname == "share_pct") && g[idx].data() != nullptr) {
          double v = 0;
          if (absl::SimpleAtod(absl::string_view(g[idx].data(), g[idx].size()), &v)) {
            props.emplace_back(gname, graph::Value(v));
          }
        }
      }
      auto mentions_in = [&](const std::string& group) {
        std::vector<int> out;
        if (group == "name") return std::vector<int>{self};
        auto it = names.find(group);
        if (it == names.end() || g[it->second].data() == nullptr) return out;
        size_t b = g[it->second].data() - text_.data(), e = b + g[it->second].size();
        for (size_t i = 0; i < ms_.size(); ++i) {
          if (static_cast<int>(i) != self && !ms_[i].nested && ms_[i].span.begin >= b &&
              ms_[i].span.end <= e) {
            out.push_back(static_cast<int>(i));
          }
        }
        return out;
      };
      for (const EntityRule::Link& l : rule.links) {
        for (int from : mentions_in(l.from)) {
          for (int to : mentions_in(l.to)) {
            links_.push_back({from, to, l.edge, rule.id, rule.confidence, props});
          }
        }
      }
    }
  }
}

// "NVIDIA 저사양 칩": a company name before a generic product term makes a specific product,
// named "<company> <term>".
void DocExtractor::ScanCompounds() {
  for (size_t i = 0; i + 1 < ms_.size(); ++i) {
    Mention& a = ms_[i];
    if (a.dict < 0 || b_.entries[a.dict].label != b_.company_label) continue;
    for (size_t j = 0; j < ms_.size(); ++j) {
      Mention& g = ms_[j];
      if (g.dict < 0 || !b_.entries[g.dict].generic || g.span.begin != a.span.end + 1 ||
          text_[a.span.end] != ' ') {
        continue;
      }
      std::string term = b_.entries[g.dict].name;
      if (!term.empty() && term[0] >= 'A' && term[0] <= 'Z') term[0] = static_cast<char>(term[0] - 'A' + 'a');
      g.name = absl::StrCat(b_.entries[a.dict].name, " ", term);
      g.label = b_.entries[g.dict].label;
      g.dict = -1;
      g.confidence = 0.7;
      g.rule = "signal:possessor-compound";
    }
  }
}

bool DocExtractor::IsBrandModelTail(size_t begin, size_t end) const {
  std::string_view prev;
  for (size_t at = begin; at < end;) {
    size_t e = text_.find_first_of(" (", at);
    if (e == std::string_view::npos || e > end) e = end;
    const std::string_view word = text_.substr(at, e - at);
    const bool number =
        !prev.empty() && prev.find_first_not_of("0123456789.,") == std::string_view::npos;
    if (!word.empty() && (IsMeasure(word) || (number && b_.IsStopName(word)))) return false;
    prev = word;
    at = e + 1;
  }
  if (end >= text_.size()) return true;
  int len = 0;
  if (!IsHangul(CodePointAt(text_, end, &len))) return true;
  // "S25는", "2400이": a particle; "1공장", "3종": a counter.
  const size_t particles = ParticleEnd(end);
  return particles > end &&
         (particles >= text_.size() || !IsHangul(CodePointAt(text_, particles, &len)));
}

void DocExtractor::ExtendBrandModels() {
  for (size_t i = 0; i < ms_.size(); ++i) {
    Mention& m = ms_[i];
    if (m.dead || m.dict < 0) continue;
    const DictEntry& brand = b_.entries[m.dict];
    const bool model = !b_.model_label.empty() && brand.label == b_.model_label;
    if (brand.generic || (!model && brand.label != b_.company_label)) continue;
    // "칼자이스 SMT(Carl Zeiss SMT)", "스냅드래곤 8 엘리트(Snapdragon 8 Elite)": the brackets
    // spell out a longer name that starts with the dictionary's.
    size_t end = m.span.end;
    for (const std::string& alias : brand.aliases) {
      if (end == m.span.end && IsLatinName(alias)) end = SpelledModelEnd(text_, m.span.end, alias);
    }
    const bool spelled = end != m.span.end;
    if (!spelled && model) end = BrandModelEnd(text_, m.span.end);
    if (end == m.span.end || !IsBrandModelTail(m.span.end, end)) continue;
    // "에너지 물류기업 아틀라스 에너지 솔루션스(Atlas Energy Solutions)": its suffix or a cue
    // types the longer name; a model number after a brand that they type otherwise is none.
    double conf = 0;
    std::string label = LabelFromSuffix(text_.substr(m.span.begin, end - m.span.begin));
    if (label.empty()) label = LabelFromContext(m.span.begin, end, &conf);
    if (!spelled && !label.empty() && label != b_.model_label) continue;
    if (label.empty()) label = brand.label;
    // A word the dictionary also lists ("Kimi K2": "K2" a tank's) is part of the longer name.
    for (size_t j = i + 1; j < ms_.size() && ms_[j].span.begin < end; ++j) ms_[j].dead = true;
    // "EXAONE 4.0", "라마 3" + ".2": a dotted version is a release of the brand's product, the
    // same entity; a model number ("갤럭시 S25") names a product of its own.
    const std::string tail = Trim(text_.substr(m.span.end, end - m.span.end));
    m.span.end = static_cast<uint32_t>(end);
    if (tail.find('.') != std::string::npos &&
        tail.find_first_not_of("0123456789.") == std::string::npos) {
      continue;
    }
    m.dict = -1;
    m.label = label;
    m.confidence = 0.7;
    m.rule = "signal:brand-model";
    if (!spelled) continue;
    // The brand found inside the brackets ("(Carl Zeiss SMT)") is the spelling's start: the
    // spelling is the same longer name, which the definition scan then joins to it.
    const size_t close = text_.find(')', end);
    for (size_t j = i + 1; j < ms_.size() && ms_[j].span.begin < close; ++j) {
      Mention& in = ms_[j];
      if (in.dead || in.span.begin != end + 1 || in.span.end >= close) continue;
      for (size_t k = j + 1; k < ms_.size() && ms_[k].span.begin < close; ++k) ms_[k].dead = true;
      in.span.end = static_cast<uint32_t>(close);
      in.dict = -1;
      in.label = label;
      in.confidence = m.confidence;
      in.rule = m.rule;
      break;
    }
  }
}

std::string DocExtractor::GroupLabel(int m) {
  const int root = Find(m);
  for (size_t i = 0; i < ms_.size(); ++i) {
    if (ms_[i].dead || Find(static_cast<int>(i)) != root) continue;
    const std::string& label = ms_[i].dict >= 0 ? b_.entries[ms_[i].dict].label : ms_[i].label;
    if (!label.empty()) return label;
  }
  return "";
}

void DocExtractor::UnionShortForms() {
  // The Latin surfaces of the live mentions, one mention each, in text order.
  std::vector<std::pair<std::string_view, int>> latin;
  for (size_t i = 0; i < ms_.size(); ++i) {
    if (ms_[i].dead) continue;
    const std::string_view s = text_.substr(ms_[i].span.begin, ms_[i].span.end - ms_[i].span.begin);
    if (!IsLatinName(s)) continue;
    bool seen = false;
    for (const auto& [t, m] : latin) seen = seen || t == s;
    if (!seen) latin.push_back({s, static_cast<int>(i)});
  }
  for (const auto& [s, m] : latin) {
    if (ms_[m].dict >= 0) continue;  // a dictionary name is its own entity
    int full = -1;
    bool ambiguous = false;
    for (const auto& [t, n] : latin) {
      if (!IsShortFormOf(s, t)) continue;
      ambiguous = ambiguous || full >= 0;  // "Siemens": "Siemens Energy" or "Siemens Gamesa"
      full = n;
    }
    if (full < 0 || ambiguous) continue;
    // A short form typed otherwise names something else ("Figure" Company, "Figure 02"), also
    // when a name it spells is ("와비(Waabi)는" a company, "'와비 월드(Waabi World)'" its product).
    const std::string sl = GroupLabel(m);
    const std::string fl = GroupLabel(full);
    if (!sl.empty() && !fl.empty() && sl != fl) continue;
    Union(full, m);
  }
}

// A name found once (by a definition, a footnote, a quote) is found again wherever it recurs.
void DocExtractor::PropagateAliases() {
  // The surfaces in the order of their first mention: that order decides which claims a span.
  std::vector<std::string_view> surfaces;
  std::vector<int> mention_of_surface;
  absl::flat_hash_set<std::string_view> done;
  for (size_t i = 0; i < ms_.size(); ++i) {
    // Dictionary names were found everywhere by the gazetteer already; a phrase read from its
    // verb is an end there, not a name wherever its words recur.
    if (ms_[i].nested || ms_[i].dead || !ms_[i].name.empty() || ms_[i].relation_only) continue;
    std::string_view surface = text_.substr(ms_[i].span.begin, ms_[i].span.end - ms_[i].span.begin);
    if (surface.size() < 4 || !done.insert(surface).second || b_.IsStopName(surface)) continue;
    surfaces.push_back(surface);
    mention_of_surface.push_back(static_cast<int>(i));
  }
  if (surfaces.empty()) return;
  for (const auto& [s, at] : FindEach(text_, surfaces)) {
    const int i = mention_of_surface[s];
    size_t end = at + surfaces[s].size();
    if (Overlaps(at, end) || !BoundaryOk(at, end)) continue;
    Mention m = ms_[i];
    m.span = {at, static_cast<uint32_t>(end)};
    m.parent = static_cast<int>(ms_.size());
    ms_.push_back(std::move(m));
    Union(i, static_cast<int>(ms_.size()) - 1);
  }
}

// ---- resolution ----------------------------------------------------------------------------------

void DocExtractor::Resolve(Extraction* x) {
  // Same surface, same entity (within the document); keys are views of the text.
  absl::flat_hash_map<std::string_view, int> by_surface;
  absl::flat_hash_map<int, int> by_dict;
  for (size_t i = 0; i < ms_.size(); ++i) {
    if (ms_[i].dead) continue;
    std::string_view key = text_.substr(ms_[i].span.begin, ms_[i].span.end - ms_[i].span.begin);
    auto [it, fresh] = by_surface.emplace(key, static_cast<int>(i));
    if (!fresh) Union(it->second, static_cast<int>(i));
    if (ms_[i].dict >= 0) {
      // Same dictionary entry, same entity.
      auto [jt, fresh2] = by_dict.emplace(ms_[i].dict, static_cast<int>(i));
      if (!fresh2) Union(jt->second, static_cast<int>(i));
    }
  }
  // Each group's mentions in text order, the groups in the order of their roots: the groups of
  // live mentions, counted, then filled into one array (not a vector per mention).
  std::vector<int> root(ms_.size(), -1);
  std::vector<uint32_t> group_begin(ms_.size() + 1, 0);
  for (size_t i = 0; i < ms_.size(); ++i) {
    if (ms_[i].dead) continue;
    root[i] = Find(static_cast<int>(i));
    ++group_begin[root[i] + 1];
  }
  for (size_t r = 0; r < ms_.size(); ++r) group_begin[r + 1] += group_begin[r];
  std::vector<int> grouped(group_begin.back());
  std::vector<uint32_t> fill(group_begin.begin(), group_begin.end() - 1);
  for (size_t i = 0; i < ms_.size(); ++i) {
    if (root[i] >= 0) grouped[fill[root[i]]++] = static_cast<int>(i);
  }
  // Each mention's surface without surrounding spaces: a view of the text.
  std::vector<std::string_view> trimmed(ms_.size());
  for (size_t i = 0; i < ms_.size(); ++i) {
    const Span span = ms_[i].span;
    if (!ms_[i].dead) trimmed[i] = TrimView(text_.substr(span.begin, span.end - span.begin));
  }
  entity_of_mention_.assign(ms_.size(), -1);
  // {label, NameKey(name)} -> entity (the last one when entities before Resolve share one)
  absl::flat_hash_map<std::pair<std::string, std::string>, int> by_label_key;
  for (size_t k = 0; k < x->entities.size(); ++k) {
    by_label_key[{x->entities[k].label, NameKey(x->entities[k].name)}] = static_cast<int>(k);
  }
  for (size_t r = 0; r < ms_.size(); ++r) {
    if (group_begin[r] == group_begin[r + 1]) continue;
    const absl::Span<const int> members(grouped.data() + group_begin[r],
                                        group_begin[r + 1] - group_begin[r]);
    Entity e;
    int dict = -1;
    std::string label;
    double label_conf = 0;
    std::string_view rule;
    for (int m : members) {
      if (ms_[m].dict >= 0 && dict < 0) dict = ms_[m].dict;
      if (!ms_[m].label.empty() && ms_[m].confidence > label_conf) {
        label = ms_[m].label;
        label_conf = ms_[m].confidence;
        rule = ms_[m].rule;
      }
    }
    std::string override_name;
    for (int m : members) {
      if (!ms_[m].name.empty()) override_name = ms_[m].name;
    }
    if (dict >= 0) {
      const DictEntry& de = b_.entries[dict];
      e.label = de.label;
      e.name = de.name;
      e.confidence = kDictConfidence;
      e.rule = de.source;
    } else {
      if (label.empty()) continue;  // no label cue: most likely a common noun
      e.label = label;
      e.confidence = label_conf;
      e.rule = std::string(rule);
      // Canonical: the longest Latin form, else the first surface.
      for (int m : members) {
        const std::string_view s = trimmed[m];
        if (IsLatinName(s) && s.size() > e.name.size()) e.name = s;
      }
      if (e.name.empty()) e.name = trimmed[members[0]];
      if (!override_name.empty()) e.name = override_name;
    }
    for (int m : members) {
      const std::string_view s = trimmed[m];
      if (std::find(e.aliases.begin(), e.aliases.end(), s) == e.aliases.end()) {
        e.aliases.emplace_back(s);
      }
      if (const Mention& mm = ms_[m]; mm.short_end > mm.span.begin) {
        std::string short_name = Trim(text_.substr(mm.span.begin, mm.short_end - mm.span.begin));
        if (std::find(e.aliases.begin(), e.aliases.end(), short_name) == e.aliases.end()) {
          e.aliases.push_back(std::move(short_name));
        }
      }
      e.mentions.push_back(ms_[m].span);
    }
    // The same canonical entity may come from two groups (an alias pair and a bare mention).
    std::pair<std::string, std::string> label_key(e.label, NameKey(e.name));
    auto found = by_label_key.find(label_key);
    int idx = found == by_label_key.end() ? -1 : found->second;
    if (idx < 0) {
      idx = static_cast<int>(x->entities.size());
      x->entities.push_back(std::move(e));
      by_label_key.emplace(std::move(label_key), idx);
    } else {
      Entity& t = x->entities[idx];
      for (auto& a : e.aliases) {
        if (std::find(t.aliases.begin(), t.aliases.end(), a) == t.aliases.end()) t.aliases.push_back(a);
      }
      for (auto& s : e.mentions) t.mentions.push_back(s);
    }
    for (int m : members) entity_of_mention_[m] = idx;
  }
  relation_only_entity_.assign(x->entities.size(), false);
  for (size_t i = 0; i < ms_.size(); ++i) {
    const int e = entity_of_mention_[i];
    if (e >= 0 && ms_[i].relation_only) relation_only_entity_[e] = true;
  }
  for (size_t i = 0; i < ms_.size(); ++i) {
    const int e = entity_of_mention_[i];
    if (e >= 0 && !ms_[i].relation_only) relation_only_entity_[e] = false;
  }
  generic_entity_.assign(x->entities.size(), false);
  for (size_t i = 0; i < x->entities.size(); ++i) {
    int dict = b_.FindByName(x->entities[i].name);
    generic_entity_[i] = dict >= 0 && b_.entries[dict].generic &&
                         b_.entries[dict].label == x->entities[i].label;
  }
  for (size_t i = 0; i < ms_.size(); ++i) {
    const int e = entity_of_mention_[i];
    if (e >= 0 && ms_[i].verb_object && generic_entity_[e]) {
      generic_entity_[e] = false;
      relation_only_entity_[e] = true;
    }
  }
}

// ---- relation rules ------------------------------------------------------------------------------

// The entities of the placeholders in a captured group. A country placeholder right before
// another name ("일본 르네사스, 태국 Stars社와") says where that name is from: it is not a member
// of the list. Nor is a name inside the definition "(...)" right after a specific name: "행동계획
// (EU Action Plan)" names the plan, not the EU (after a generic term the parenthesis lists what it
// means, "핵심광물(리튬, 코발트)", and those are members).
// `entity_count` bounds the indices read: CleanText keeps "\x01" out of documents, but a
// caller of Extract may pass text it did not clean.
std::vector<int> EntitiesIn(std::string_view group, std::string_view country_label,
                            size_t entity_count) {
  const std::string country_tag = absl::StrCat(":", AV(country_label), "\x02 \x01");
  std::vector<int> out;
  size_t definition_end = 0;  // the ")" closing the current definition; 0: none
  for (size_t at = group.find('\x01'); at != std::string_view::npos;
       at = group.find('\x01', at + 1)) {
    size_t v = 0;
    size_t i = at + 1;
    while (i < group.size() && group[i] >= '0' && group[i] <= '9') {
      if (v <= entity_count) v = v * 10 + static_cast<size_t>(group[i] - '0');
      ++i;
    }
    if (v >= entity_count) continue;
    const size_t close = group.find('\x02', i);
    if (close == std::string_view::npos) break;
    if (at < definition_end) continue;
    const bool generic = close > 0 && group[close - 1] == '~';
    if (!generic && close + 1 < group.size() && group[close + 1] == '(') {
      const size_t end = group.find(')', close + 1);
      definition_end = end == std::string_view::npos ? group.size() : end;
    }
    if (group.substr(i, country_tag.size()) == country_tag) continue;
    out.push_back(static_cast<int>(v));
  }
  return out;
}

// Whether entity `i` is a dictionary entity (same name and label) whose entry carries `flag`.
// Its entry is looked up once per document (entity_dict_, -2: not yet).
bool DocExtractor::HasDictFlag(const Extraction& x, int i, const std::string& flag) {
  if (entity_dict_.size() < x.entities.size()) entity_dict_.resize(x.entities.size(), -2);
  int& dict = entity_dict_[i];
  if (dict == -2) {
    const Entity& e = x.entities[i];
    dict = b_.FindByName(e.name);
    if (dict >= 0 && b_.entries[dict].label != e.label) dict = -1;
  }
  if (dict < 0) return false;
  const std::vector<std::string>& flags = b_.entries[dict].flags;
  return std::find(flags.begin(), flags.end(), flag) != flags.end();
}

void DocExtractor::AddRelation(Extraction* x, int s, const std::string& edge, int o, Span evidence,
                               const Rule& rule,
                               const std::vector<std::pair<std::string, graph::Value>>& props) {
  if (s < 0 || o < 0 || s == o) return;
  auto sig = b_.edges.find(edge);
  if (sig == b_.edges.end()) return;
  auto allowed = [](const std::vector<std::string>& labels, const std::string& l) {
    return std::find(labels.begin(), labels.end(), "*") != labels.end() ||
           std::find(labels.begin(), labels.end(), l) != labels.end();
  };
  if (!allowed(sig->second.subjects, x->entities[s].label) ||
      !allowed(sig->second.objects, x->entities[o].label)) {
    return;
  }
  if (!rule.subject_not_flag.empty() && HasDictFlag(*x, s, rule.subject_not_flag)) return;
  int a = s, c = o;
  if (sig->second.symmetric && a > c) std::swap(a, c);
  std::string key = absl::StrCat(a, "|", edge, "|", c);
  if (relation_index_.contains(key)) return;
  relation_index_[key] = static_cast<int>(x->relations.size());
  Relation r;
  r.subject = s;
  r.edge = edge;
  r.object = o;
  r.props = props;
  r.evidence = evidence;
  r.rule = rule.id;
  r.confidence = std::min(rule.confidence, std::min(x->entities[s].confidence,
                                                    x->entities[o].confidence));
  x->relations.push_back(std::move(r));
}

namespace {

bool LabelIn(const std::string& label, std::string_view set) {
  for (std::string_view l : Split(set, '|')) {
    if (l == label) return true;
  }
  return false;
}

}  // namespace

// The name at `place` in tagged_ with the names coordinated right before it by "와/과", "·",
// ", " or "및" ("미국과 EU는" -> both): a subject a rule takes from the unit is each of them.
void DocExtractor::AddCoordinatedNames(size_t place, std::vector<int>* out) const {
  size_t first = place;
  while (first > 0) {
    std::string_view between = std::string_view(tagged_).substr(
        places_[first - 1].end, places_[first].pos - places_[first - 1].end);
    if (StartsWith(between, ")")) between.remove_prefix(1);  // after a definition "(Name)"
    while (StartsWith(between, "*")) between.remove_prefix(1);
    if (between != "와 " && between != "과 " && between != "·" && between != ", " &&
        between != " 및 ") {
      break;
    }
    --first;
  }
  for (size_t k = first; k <= place; ++k) {
    if (std::find(out->begin(), out->end(), places_[k].entity) == out->end()) {
      out->push_back(places_[k].entity);
    }
  }
}

// What RunRulesOnUnit reads around a unit's names, as constant views: a braced list of string
// literals built its views (a strlen each) for every placeholder of every unit.
constexpr std::string_view kHeadMarks[] = {" ", "-", "•", "▲", "●", "▪", "※", "*", "\t"};
constexpr std::string_view kNameTails[] = {" CEO",        " 대통령",   " 정부",     " 행정부",
                                           " 이니셔티브", " 프로젝트", " 프로그램", " 사업",
                                           " 연합",       " 컨소시엄", " 그룹",     " 연구진"};
constexpr std::string_view kTopicParticles[] = {"은 ", "는 ", "은,", "는,"};
constexpr std::string_view kSubjectParticles[] = {"이 ", "가 ", "께서 ", "도 "};

void DocExtractor::RunRulesOnUnit(Extraction* x, Span unit, int row_head, int scopes) {
  // The unit with typed placeholders; "*" footnote marks and a company form ("社") after a name
  // are dropped.
  if (scopes == kLineScope && b_.line_rules.empty()) return;
  std::string& tagged = tagged_;
  std::vector<Placeholder>& places = places_;
  tagged.clear();
  places.clear();
  starts_.pos.clear();
  starts_.tag_bit.clear();
  starts_.next.clear();
  size_t pos = unit.begin;
  auto first = std::partition_point(by_begin_.begin(), by_begin_.end(),
                                    [&](int m) { return ms_[m].span.begin < unit.begin; });
  auto last = first;
  while (last != by_begin_.end() && ms_[*last].span.begin <= unit.end) ++last;
  bool any = false;
  for (auto it = first; it != last; ++it) {
    const int m = *it;
    if (ms_[m].span.end > unit.end) continue;
    any = true;
    if (ms_[m].span.begin < pos) continue;
    tagged.append(text_.substr(pos, ms_[m].span.begin - pos));
    const Entity& e = x->entities[entity_of_mention_[m]];
    size_t at = tagged.size();
    absl::StrAppend(&tagged, "\x01", entity_of_mention_[m], ":", e.label,
                    generic_entity_[entity_of_mention_[m]] ? "~" : "", "\x02");
    places.push_back({at, tagged.size(), entity_of_mention_[m]});
    starts_.pos.push_back(at);
    starts_.tag_bit.push_back(entity_tag_bit_[entity_of_mention_[m]]);
    pos = ms_[m].span.end;
    while (pos < unit.end && text_[pos] == '*') ++pos;
    for (const std::string& form : b_.company_forms) {
      if (StartsWith(text_.substr(pos), form)) {
        pos += form.size();
        break;
      }
    }
  }
  if (!any) return;
  tagged.append(text_.substr(pos, unit.end - pos));
  for (const Placeholder& p : places) {
    int len = 0;
    starts_.next.push_back(p.end < tagged.size() ? CodePointAt(tagged, p.end, &len)
                                                 : FollowSet::kEndOfText);
  }

  // The unit's head "(X) ..." and its subject (the first name followed by a subject particle).
  int head = -1, subject = -1;
  size_t subject_place = places.size();  // the subject's place; none: the head or nothing
  std::vector<size_t>& subject_places = subject_places_;  // followed by a subject particle
  std::vector<size_t>& topic_places = topic_places_;
  subject_places.clear();
  topic_places.clear();
  {
    size_t i = 0;
    while (i < tagged.size()) {
      std::string_view rest = std::string_view(tagged).substr(i);
      bool skipped = false;
      for (std::string_view mark : kHeadMarks) {
        if (StartsWith(rest, mark)) {
          i += mark.size();
          skipped = true;
          break;
        }
      }
      if (!skipped) break;
    }
    if (i < tagged.size() && tagged[i] == '(' && !places.empty()) {
      for (const Placeholder& p : places) {
        if (p.pos == i + 1 && p.end < tagged.size() && tagged[p.end] == ')') head = p.entity;
      }
    }
    for (const Placeholder& p : places) {
      std::string_view rest = std::string_view(tagged).substr(p.end);
      // Skip a definition "(...)" right after the name.
      if (StartsWith(rest, "(")) {
        size_t close = rest.find(')');
        if (close != std::string_view::npos && close < 80) rest.remove_prefix(close + 1);
      }
      // A footnote mark after the definition, "X(Y)*는" (one right after the name is dropped).
      while (StartsWith(rest, "*")) rest.remove_prefix(1);
      if (StartsWith(rest, "社")) rest.remove_prefix(std::string_view("社").size());
      for (std::string_view tail : kNameTails) {
        if (StartsWith(rest, tail)) rest.remove_prefix(tail.size());
      }
      bool subj = false, topic = false;
      for (std::string_view j : kTopicParticles) {
        if (StartsWith(rest, j)) subj = topic = true;
      }
      for (std::string_view j : kSubjectParticles) {
        if (StartsWith(rest, j)) subj = true;
      }
      if (subj) {
        if (subject < 0) {
          subject = p.entity;
          subject_place = &p - places.data();
        }
        subject_places.push_back(&p - places.data());
        if (topic) topic_places.push_back(&p - places.data());
      }
    }
    if (subject < 0) subject = head;
  }

  static const bool debug = std::getenv("KG_INGEST_DEBUG") != nullptr;
  if (debug) {
    std::string shown = absl::StrReplaceAll(tagged, {{"\x01", "<"}, {"\x02", ">"}});
    std::fprintf(stderr, "unit[%s%s] head=%d subj=%d: %s\n",
                 (scopes & kLineScope) != 0 ? "line" : "", (scopes & kUnitScope) != 0 ? "unit" : "",
                 head, subject, shown.c_str());
  }
  // Which rules can match at all: the atoms present in the unit (ASCII case ignored), then the
  // filter; every rule if there is no filter.
  std::vector<int>& candidates = candidates_;
  std::vector<uint32_t>& last_starts = candidate_last_start_;
  candidates.clear();
  last_starts.clear();
  // A whole line with only a few line rules to try: trying them costs less than the atom scan.
  // Not a cliff: the threshold is where the two cost about the same (session 8, the bench
  // corpus under callgrind, today's 4 line rules: 902M instructions per MB trying them, 909M
  // with the scan), so a fifth rule tips the choice without a jump in cost.
  constexpr size_t kFewLineRules = 4;
  if (scopes == kLineScope && b_.line_rules.size() <= kFewLineRules) {
    candidates = b_.line_rules;
  } else if (b_.rule_filter != nullptr) {
    std::vector<int>& atoms = atoms_;
    atoms.clear();
    b_.rule_atoms->Match(tagged, &atoms, &atom_last_start_);
    b_.rule_prefilter.Candidates(atoms, atom_last_start_, &prefilter_scratch_, &candidates,
                                 &last_starts);
  } else {
    for (size_t i = 0; i < b_.rules.size(); ++i) candidates.push_back(static_cast<int>(i));
  }
  // Line rules first, then unit rules: the order in which separate line and unit calls ran them.
  for (const bool line_pass : {true, false}) {
    if ((scopes & (line_pass ? kLineScope : kUnitScope)) == 0) continue;
    for (size_t c = 0; c < candidates.size(); ++c) {
      const int rule_index = candidates[c];
      const Rule& rule = b_.rules[rule_index];
      // Where the atoms say its last match can start (none known: anywhere).
      const size_t last_start = c < last_starts.size() && last_starts[c] != UINT32_MAX
                                    ? last_starts[c]
                                    : std::string::npos;
      if (rule.line_scope != line_pass) continue;
      if (rule.min_mentions > static_cast<int>(places.size())) continue;
      const RE2& re = *rule.re;
      int ngroups = re.NumberOfCapturingGroups();
      std::vector<re2::StringPiece>& groups = groups_;
      groups.assign(ngroups + 1, re2::StringPiece());
      re2::StringPiece input(tagged);
      size_t start = 0;
      while (start <= tagged.size() &&
             MatchRule(rule, input, start, groups.data(), ngroups + 1, &starts_, last_start)) {
        // Asked only on a match: most candidate rules match nowhere in the unit.
        const auto& names = re.NamedCapturingGroups();
        std::vector<int> subjects, objects;
        std::vector<std::pair<std::string, graph::Value>> props;
        for (const auto& [k, v] : rule.const_props) props.emplace_back(k, graph::Value(v));
        std::string amount, currency;
        for (const auto& [name, idx] : names) {
          const re2::StringPiece& g = groups[idx];
          if (g.data() == nullptr) continue;
          std::string_view gv(g.data(), g.size());
          if (name == "S") subjects = EntitiesIn(gv, b_.country_label, x->entities.size());
          else if (name == "O") objects = EntitiesIn(gv, b_.country_label, x->entities.size());
          else if (name == "amount") amount = std::string(gv);
          else if (name == "currency") currency = std::string(gv);
          else if (name == "share_pct" || name == "rate_pct") {
            double v = 0;
            if (absl::SimpleAtod(AV(gv), &v)) props.emplace_back(name, graph::Value(v));
          } else if (name == "year") {
            int64_t v = 0;
            if (absl::SimpleAtoi(AV(gv), &v)) props.emplace_back(name, graph::Value(2000 + v));
          } else if (name == "date") {
            // '25.3.12 -> 2025-03-12, 2025.01.30 -> 2025-01-30, '24.10 -> 2024-10.
            std::vector<std::string> parts;
            for (std::string_view p : Split(gv, '.')) parts.emplace_back(p);
            std::string iso = parts[0][0] == '\'' ? parts[0].substr(1) : parts[0];
            if (iso.size() == 2) iso.insert(0, "20");
            for (size_t i = 1; i < parts.size(); ++i) {
              absl::StrAppend(&iso, "-", parts[i].size() == 1 ? "0" : "", parts[i]);
            }
            props.emplace_back(name, graph::Value(iso));
          } else {
            props.emplace_back(name, graph::Value(Trim(gv)));
          }
        }
        if (!amount.empty()) {
          if (auto v = ParseKoreanAmount(amount)) {
            props.emplace_back("amount", graph::Value(*v));
            props.emplace_back("currency", graph::Value(CurrencyCode(currency)));
          }
        }
        const size_t match_begin = groups[0].data() - tagged.data();
        const size_t match_end = match_begin + groups[0].size();
        // A fixed end: alternatives separated by ";", the first that names an entity wins.
        auto fixed = [&](const std::string& spec, std::vector<int>* out) {
          if (spec.empty()) return;
          out->clear();
          bool unknown_subject = false;  // a subject the text did not recognise: no end
          for (std::string_view alt : Split(spec, ';')) {
            if (!out->empty() || unknown_subject) break;
            if (alt == "row" && row_head >= 0) out->push_back(row_head);
            else if (alt == "head" && head >= 0) out->push_back(head);
            else if (alt == "unitsubj" && subject_place < places.size())
              AddCoordinatedNames(subject_place, out);
            else if (alt == "unitsubj" && subject >= 0) out->push_back(subject);
            else if (alt == "nearsubj" || alt == "topic") {
              // The nearest name before the match that is followed by a subject particle, or by
              // the topic particle 은/는: the subject a later clause carries over ("X는 A를
              // 인수하고, Y가 주관하는 B에도 참여" -> X takes part in B, not Y).
              const std::vector<size_t>& before = alt == "topic" ? topic_places : subject_places;
              for (auto it = before.rbegin(); it != before.rend(); ++it) {
                if (places[*it].end <= match_begin) {
                  // "X는 A를 개발했고, 네이버는 B를 개발": a clause between opens with a
                  // subject of its own that is no name here, and X is not B's subject.
                  unknown_subject =
                      UnknownTopicBetween(b_.triggers, tagged, places[*it].end, match_begin);
                  if (!unknown_subject) AddCoordinatedNames(*it, out);
                  break;
                }
              }
            }
            else if (StartsWith(alt, "prev:")) {
              for (auto it = places.rbegin(); it != places.rend(); ++it) {
                if (it->end <= match_begin &&
                    LabelIn(x->entities[it->entity].label, alt.substr(5))) {
                  out->push_back(it->entity);
                  break;
                }
              }
            } else if (StartsWith(alt, "next:")) {
              for (const Placeholder& p : places) {
                if (p.pos >= match_end && LabelIn(x->entities[p.entity].label, alt.substr(5))) {
                  out->push_back(p.entity);
                  break;
                }
              }
            } else if (StartsWith(alt, "topic:")) {
              std::string_view labels = alt.substr(6);
              for (size_t i = 0; i < ms_.size(); ++i) {
                if (ms_[i].span.end <= static_cast<uint32_t>(topic_line_end_) &&
                    entity_of_mention_[i] >= 0 &&
                    LabelIn(x->entities[entity_of_mention_[i]].label, labels)) {
                  out->push_back(entity_of_mention_[i]);
                  break;
                }
              }
            }
          }
        };
        fixed(rule.subject_fixed, &subjects);
        fixed(rule.object_fixed, &objects);
        if (rule.symmetric_pairs) {
          for (size_t i = 0; i < subjects.size(); ++i) {
            for (size_t j = i + 1; j < subjects.size(); ++j) {
              AddRelation(x, subjects[i], rule.edge, subjects[j], unit, rule, props);
            }
          }
        } else {
          for (int s : subjects) {
            for (int o : objects) AddRelation(x, s, rule.edge, o, unit, rule, props);
          }
        }
        // Move past the first mention of the match only, so overlapping matches are found too.
        size_t next = match_end > match_begin ? match_end : match_begin + 1;
        size_t first_close = tagged.find('\x02', match_begin);
        if (first_close != std::string::npos && first_close + 1 < next) next = first_close + 1;
        start = next;
      }
    }
  }
  if ((scopes & kUnitScope) != 0) CollectTriggerRelations(*x, unit, row_head);
}

void DocExtractor::CollectTriggerRelations(const Extraction& x, Span unit, int row_head) {
  // Two names, one of them a subject (or a table cell's name and its row's head): less holds no
  // relation the fallback could read.
  const bool row = row_head >= 0 && !places_.empty();
  if (b_.triggers.frames.empty() || (places_.size() < 2 && !row)) return;
  if (subject_places_.empty() && b_.triggers.wide_subject_confidence == 0 && !row) return;
  trigger_mentions_.clear();
  for (const Placeholder& p : places_) {
    trigger_mentions_.push_back(
        {p.pos, p.end, p.entity, x.entities[p.entity].label, generic_entity_[p.entity]});
  }
  trigger_hits_.clear();
  TaggedMention row_mention;
  if (row) {
    row_mention.entity = row_head;
    row_mention.label = x.entities[row_head].label;
    row_mention.generic = generic_entity_[row_head];
  }
  FindTriggerRelations(b_.triggers, tagged_, trigger_mentions_, subject_places_, topic_places_,
                       &trigger_hits_, row && !row_mention.generic ? &row_mention : nullptr);
  for (const TriggerHit& h : trigger_hits_) {
    pending_triggers_.push_back({h.subject, h.object, h.frame, h.trigger, unit, h.reading});
  }
}

// A pair a rule related keeps that edge, and the unit where a rule related it keeps that reading
// (the fallback's guess would only add a second edge for the same words); the pair may still
// take another edge from another sentence ("A는 B와 협력했다. ... A는 B에 투자했다").
void DocExtractor::AddTriggerRelations(Extraction* x) {
  auto pair_of = [](int a, int b) { return std::make_pair(std::min(a, b), std::max(a, b)); };
  absl::flat_hash_set<std::pair<std::pair<int, int>, std::string>> related;  // {pair, edge}
  absl::flat_hash_set<std::pair<std::pair<int, int>, uint32_t>> related_in;  // {pair, unit}
  for (const Relation& r : x->relations) {
    related.insert({pair_of(r.subject, r.object), r.edge});
    // Where a name is based is read off the noun phrase ("일본 X"), not off the clause's verb:
    // it leaves the verb's reading free ("일본 X는 ..., 일본 정부는 X에 ... 지원").
    if (r.edge != b_.based_in_edge)
      related_in.insert({pair_of(r.subject, r.object), r.evidence.begin});
  }
  Rule rule;
  rule.confidence = b_.triggers.confidence;
  for (const PendingTrigger& p : pending_triggers_) {
    const TriggerFrame& f = b_.triggers.frames[p.frame];
    const std::pair<int, int> pair = pair_of(p.subject, p.object);
    if (related.contains({pair, f.edge}) || related_in.contains({pair, p.evidence.begin})) {
      continue;
    }
    rule.id = absl::StrCat("trigger.", f.edge, ".", f.triggers[p.trigger]);
    rule.confidence = TriggerConfidence(b_.triggers, p.reading);
    if (p.reading != TriggerHit::kMarked) {
      absl::StrAppend(&rule.id,
                      p.reading == TriggerHit::kWideObject ? ".wide_object" : ".wide_subject");
    }
    const size_t before = x->relations.size();
    AddRelation(x, p.subject, f.edge, p.object, p.evidence, rule, {});
    if (x->relations.size() == before) continue;
    // One reading per pair and unit: the first frame that related them.
    related.insert({pair, f.edge});
    related_in.insert({pair, p.evidence.begin});
  }
  pending_triggers_.clear();
}

// Sorted once per document, so that each unit finds its mentions by a binary search instead of a
// pass over all of them. Equal spans keep the mention order. What is sorted is {begin, end
// reversed, mention} keys: comparing them reads no mention.
void DocExtractor::IndexMentionsForRules() {
  std::vector<std::pair<uint64_t, int>> keys;
  for (size_t i = 0; i < ms_.size(); ++i) {
    if (entity_of_mention_[i] < 0) continue;
    const Span span = ms_[i].span;
    keys.emplace_back(uint64_t{span.begin} << 32 | (UINT32_MAX - span.end), static_cast<int>(i));
  }
  std::sort(keys.begin(), keys.end());
  by_begin_.clear();
  for (const auto& key : keys) by_begin_.push_back(key.second);
}

// Units: a line; inside a table row, each bullet item with the row's head cell; inside a line,
// each "▲" item and each sentence (ICU BreakIterator).
void DocExtractor::ApplyRules(Extraction* x) {
  IndexMentionsForRules();
  // Each entity's placeholder tag (its label, "~" when generic) as the bit rules test.
  entity_tag_bit_.assign(x->entities.size(), Rule::kAnyTag);
  for (size_t i = 0; i < x->entities.size(); ++i) {
    const auto& labels = b_.vertex_labels;
    const auto it = std::find(labels.begin(), labels.end(), x->entities[i].label);
    const int index = it == labels.end() ? -1 : static_cast<int>(it - labels.begin());
    entity_tag_bit_[i] = PlaceholderTagBit(index, i < generic_entity_.size() && generic_entity_[i]);
  }
  UErrorCode err = U_ZERO_ERROR;
  static std::once_flag once;
  static icu::BreakIterator* proto = nullptr;
  std::call_once(once, [] {
    UErrorCode e = U_ZERO_ERROR;
    proto = icu::BreakIterator::createSentenceInstance(icu::Locale("ko"), e);
    if (U_FAILURE(e)) proto = nullptr;
  });
  std::unique_ptr<icu::BreakIterator> sentences(proto ? proto->clone() : nullptr);

  // The units of [b, e): items separated by "▲" or "•" or " - " inside a line are units of
  // their own, and each item is cut into sentences.
  std::vector<size_t> cuts;
  auto sentence_units = [&](size_t b, size_t e) {
    std::vector<Span> units;
    cuts.assign(1, b);
    std::string_view seg = text_.substr(b, e - b);
    // The marks found by their rarest byte: "▲" and "•" by their lead byte, " - " by its "-"
    // (string_view::find stops at each first byte, a space every few bytes for " - ").
    for (size_t at = seg.find('\xE2'); at != std::string_view::npos;
         at = seg.find('\xE2', at + 1)) {
      const std::string_view rest = seg.substr(at);
      if (at > 0 && (StartsWith(rest, "▲") || StartsWith(rest, "•"))) cuts.push_back(b + at);
    }
    for (size_t at = seg.find('-', 1); at != std::string_view::npos; at = seg.find('-', at + 1)) {
      if (at >= 2 && seg[at - 1] == ' ' && at + 1 < seg.size() && seg[at + 1] == ' ') {
        cuts.push_back(b + at - 1);
      }
    }
    std::sort(cuts.begin(), cuts.end());
    cuts.push_back(e);
    for (size_t i = 0; i + 1 < cuts.size(); ++i) {
      size_t ub = cuts[i], ue = cuts[i + 1];
      if (ue <= ub) continue;
      if (!sentences || !MayBreakSentence(text_.substr(ub, ue - ub))) {
        units.push_back({static_cast<uint32_t>(ub), static_cast<uint32_t>(ue)});
        continue;
      }
      // On the stack: the iterator keeps a shallow clone of it, not the UText itself.
      UText ut_storage = UTEXT_INITIALIZER;
      UText* ut =
          utext_openUTF8(&ut_storage, text_.data() + ub, static_cast<int64_t>(ue - ub), &err);
      sentences->setText(ut, err);
      int32_t s = sentences->first();
      for (int32_t n = sentences->next(); n != icu::BreakIterator::DONE; s = n, n = sentences->next()) {
        units.push_back({static_cast<uint32_t>(ub + s), static_cast<uint32_t>(ub + n)});
      }
      utext_close(ut);
    }
    return units;
  };

  size_t lb = 0;
  while (lb < text_.size()) {
    size_t le = text_.find('\n', lb);
    if (le == std::string_view::npos) le = text_.size();
    std::string_view line = text_.substr(lb, le - lb);
    const Span line_span{static_cast<uint32_t>(lb), static_cast<uint32_t>(le)};
    size_t tab = line.find('\t');
    if (tab == std::string_view::npos) {
      std::vector<Span> units = sentence_units(lb, le);
      if (units.size() == 1 && units[0] == line_span) {
        RunRulesOnUnit(x, line_span, -1, kLineScope | kUnitScope);
      } else {
        RunRulesOnUnit(x, line_span, -1, kLineScope);
        for (Span u : units) RunRulesOnUnit(x, u, -1, kUnitScope);
      }
    } else {
      // A table row: its first cell heads every item of the other cells.
      int head = -1;
      uint32_t head_begin = std::numeric_limits<uint32_t>::max();
      for (size_t i = 0; i < ms_.size(); ++i) {
        if (ms_[i].span.begin >= lb && ms_[i].span.end <= lb + tab && entity_of_mention_[i] >= 0 &&
            ms_[i].span.begin < head_begin) {
          head = entity_of_mention_[i];
          head_begin = ms_[i].span.begin;
        }
      }
      RunRulesOnUnit(x, line_span, head, kLineScope);
      for (Span u : sentence_units(lb + tab + 1, le)) RunRulesOnUnit(x, u, head, kUnitScope);
    }
    lb = le + 1;
  }
  AddTriggerRelations(x);
}

// ---- the document --------------------------------------------------------------------------------

Extraction DocExtractor::Run() {
  Extraction x;
  x.document = d_;
  x.mentions_edge = b_.mentions_edge;
  ScanGazetteer();
  ResolveByCountryContext();
  ExtendBrandModels();
  ScanEntityRules();
  ScanCompounds();
  ScanQuotes();
  ScanCompanySuffix();
  ScanTableRows();
  ScanTableColumns();
  ScanParenDefinitions();
  ScanFootnotes();
  ScanLatinNames();
  ScanPrefixedNames();
  ScanSuffixNames();
  ScanKoreanSubjects();
  ScanListMembers();
  ScanObjectPhrases();
  LabelListedDefinitions();
  PropagateAliases();
  UnionShortForms();

  // Entity 0 is the document itself.
  Entity doc;
  doc.label = b_.document_label;
  doc.name = d_.title.empty() ? d_.id : d_.title;
  doc.aliases = {doc.name};
  doc.rule = "document";
  if (d_.title_offset >= 0) {
    doc.mentions.push_back({static_cast<uint32_t>(d_.title_offset),
                            static_cast<uint32_t>(d_.title_offset + d_.title.size())});
    size_t e = text_.find('\n', d_.title_offset);
    topic_line_end_ = static_cast<int>(e == std::string_view::npos ? text_.size() : e);
  }
  x.entities.push_back(std::move(doc));
  Resolve(&x);

  // The publisher and its country marker, from the title line.
  static const Rule kPublisherRule = [] {
    Rule r;
    r.id = "structure:title-line";
    r.confidence = 0.9;
    return r;
  }();
  if (!d_.source.empty()) {
    int pub = -1;
    size_t at = d_.title_offset >= 0 ? text_.find(d_.source, d_.title_offset) : std::string::npos;
    for (size_t i = 0; i < ms_.size() && at != std::string::npos; ++i) {
      if (ms_[i].span.begin == at && entity_of_mention_[i] >= 0) pub = entity_of_mention_[i];
    }
    if (pub < 0) {
      int dict = b_.FindByName(d_.source);
      Entity e;
      if (dict >= 0) {
        e.label = b_.entries[dict].label;
        e.name = b_.entries[dict].name;
        e.rule = b_.entries[dict].source;
        e.confidence = kDictConfidence;
      } else {
        // A publisher no dictionary knows and no suffix types: a name spelled out ("TrendForce",
        // "Counterpoint") is most often a firm (research, consulting, a newspaper); an acronym
        // most often a public body or an institute.
        std::string l = LabelFromSuffix(d_.source);
        if (l.empty() && IsSpelledName(d_.source)) l = b_.actor_label;
        e.label = l.empty() ? b_.publisher_default_label : l;
        e.name = d_.source;
        e.rule = "structure:publisher";
        e.confidence = 0.7;
      }
      for (size_t k = 0; k < x.entities.size(); ++k) {
        if (x.entities[k].name == e.name && x.entities[k].label == e.label) pub = static_cast<int>(k);
      }
      // "(英 Financial Times)" over "FT는 ...", "(McKinsey)" over "맥킨지(McKinsey & Company)":
      // the body's entity, when exactly one of its Latin aliases is a short or a full form of it.
      for (size_t k = 1; k < x.entities.size() && pub < 0 && dict < 0; ++k) {
        if (x.entities[k].label != e.label) continue;
        for (const std::string& a : x.entities[k].aliases) {
          if (IsShortFormOf(a, d_.source) || IsShortFormOf(d_.source, a)) {
            pub = static_cast<int>(k);
            break;
          }
        }
        if (pub >= 0) x.entities[k].aliases.push_back(d_.source);
      }
      if (pub < 0) {
        e.aliases = {d_.source};
        if (at != std::string::npos) {
          e.mentions.push_back({static_cast<uint32_t>(at), static_cast<uint32_t>(at + d_.source.size())});
        }
        pub = static_cast<int>(x.entities.size());
        x.entities.push_back(std::move(e));
      }
    }
    Span title_span = x.entities[0].mentions.empty() ? Span{} : x.entities[0].mentions[0];
    if (title_span.end > 0) title_span.end = static_cast<uint32_t>(topic_line_end_);
    std::vector<std::pair<std::string, graph::Value>> props;
    if (!d_.published.empty()) props.emplace_back("date", graph::Value(d_.published));
    AddRelation(&x, 0, b_.published_by_edge, pub, title_span, kPublisherRule, props);
    if (!d_.source_country.empty()) {
      int country = -1;
      for (size_t i = 0; i < ms_.size(); ++i) {
        if (ms_[i].span.end <= static_cast<uint32_t>(topic_line_end_) && entity_of_mention_[i] >= 0 &&
            text_.substr(ms_[i].span.begin, ms_[i].span.end - ms_[i].span.begin) == d_.source_country) {
          country = entity_of_mention_[i];
        }
      }
      if (country < 0) {
        int dict = b_.FindByName(d_.source_country);
        if (dict >= 0) {
          for (size_t k = 0; k < x.entities.size(); ++k) {
            if (x.entities[k].name == b_.entries[dict].name) country = static_cast<int>(k);
          }
          if (country < 0) {
            Entity e;
            e.label = b_.entries[dict].label;
            e.name = b_.entries[dict].name;
            e.aliases = {d_.source_country};
            e.rule = b_.entries[dict].source;
            e.confidence = kDictConfidence;
            country = static_cast<int>(x.entities.size());
            x.entities.push_back(std::move(e));
          }
        }
      }
      AddRelation(&x, pub, b_.based_in_edge, country, title_span, kPublisherRule, {});
    }
  }
  ApplyRules(&x);
  for (const PendingLink& l : links_) {
    Rule r;
    r.id = l.rule;
    r.confidence = l.confidence;
    int from = entity_of_mention_[l.from], to = entity_of_mention_[l.to];
    Span ev = ms_[l.from].span;
    size_t lb = text_.rfind('\n', ev.begin);
    size_t le = text_.find('\n', ev.end);
    ev = {static_cast<uint32_t>(lb == std::string_view::npos ? 0 : lb + 1),
          static_cast<uint32_t>(le == std::string_view::npos ? text_.size() : le)};
    if (from >= 0 && to >= 0) AddRelation(&x, from, l.edge, to, ev, r, l.props);
  }
  AttachClauseQualifiers(b_, &x);

  // Generic dictionary terms ("반도체") are entities only when they take part in a relation.
  std::vector<bool> used(x.entities.size(), false);
  for (const Relation& r : x.relations) used[r.subject] = used[r.object] = true;
  std::vector<int> remap(x.entities.size(), -1);
  std::vector<Entity> kept;
  for (size_t i = 0; i < x.entities.size(); ++i) {
    // Entities are not changed after Resolve; the ones added since (publisher, country) are
    // looked up here.
    bool generic;
    if (i < generic_entity_.size()) {
      generic = generic_entity_[i] || relation_only_entity_[i];
    } else {
      int dict = b_.FindByName(x.entities[i].name);
      generic = dict >= 0 && b_.entries[dict].generic &&
                b_.entries[dict].label == x.entities[i].label;
    }
    if (generic && !used[i]) continue;
    if (!used[i] && IsPassingMention(x.entities[i])) continue;
    remap[i] = static_cast<int>(kept.size());
    kept.push_back(std::move(x.entities[i]));
  }
  x.entities = std::move(kept);
  for (Relation& r : x.relations) {
    r.subject = remap[r.subject];
    r.object = remap[r.object];
  }
  return x;
}

}  // namespace

absl::StatusOr<Extraction> Extractor::Extract(const Document& document) const {
  if (int64_t bad = FindInvalidUtf8(document.text); bad >= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("document ", document.id, ": invalid UTF-8 at byte offset ", bad));
  }
  if (document.text.size() > std::numeric_limits<uint32_t>::max()) {
    return absl::InvalidArgumentError(absl::StrCat("document ", document.id, " is too large"));
  }
  DocExtractor ex(bundle_->impl(), document);
  return ex.Run();
}

absl::StatusOr<Extraction> Extractor::Resolve(Extraction external) const {
  const Bundle::Impl& b = bundle_->impl();
  std::vector<Entity> out;
  std::vector<int> remap(external.entities.size(), -1);
  for (size_t i = 0; i < external.entities.size(); ++i) {
    Entity e = std::move(external.entities[i]);
    const bool is_doc = external.document_entity && i == 0;
    if (!is_doc && !bundle_->HasVertexLabel(e.label)) {
      return absl::InvalidArgumentError(absl::StrCat("unknown vertex label ", e.label));
    }
    if (std::find(e.aliases.begin(), e.aliases.end(), e.name) == e.aliases.end()) {
      e.aliases.insert(e.aliases.begin(), e.name);
    }
    if (!is_doc) {
      for (const std::string& a : e.aliases) {
        int dict = b.FindByName(a);
        if (dict >= 0 && b.entries[dict].label == e.label) {
          e.name = b.entries[dict].name;
          break;
        }
      }
    }
    int idx = -1;
    for (size_t k = 0; k < out.size(); ++k) {
      if (out[k].label == e.label && NameKey(out[k].name) == NameKey(e.name)) idx = static_cast<int>(k);
    }
    if (idx < 0) {
      idx = static_cast<int>(out.size());
      out.push_back(std::move(e));
    } else {
      for (auto& a : e.aliases) {
        if (std::find(out[idx].aliases.begin(), out[idx].aliases.end(), a) == out[idx].aliases.end()) {
          out[idx].aliases.push_back(a);
        }
      }
    }
    remap[i] = idx;
  }
  external.entities = std::move(out);
  external.mentions_edge = b.mentions_edge;
  if (external.document_entity && !external.entities.empty()) {
    external.entities[0].label = b.document_label;
  }
  for (Relation& r : external.relations) {
    if (r.subject < 0 || r.object < 0 || r.subject >= static_cast<int>(remap.size()) ||
        r.object >= static_cast<int>(remap.size())) {
      return absl::InvalidArgumentError("relation end out of range");
    }
    if (!bundle_->HasEdgeLabel(r.edge)) {
      return absl::InvalidArgumentError(absl::StrCat("unknown edge label ", r.edge));
    }
    r.subject = remap[r.subject];
    r.object = remap[r.object];
  }
  return external;
}

}  // namespace kg::ingest
