// Loading and compiling a bundle directory: labels, edges, dictionaries, lexicon, rules.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "ingest/internal.h"
#include "ingest/qualifiers.h"
#include "nlohmann/json.hpp"
#include "unicode/locid.h"
#include "unicode/uchar.h"
#include "unicode/unistr.h"

#ifndef KG_INGEST_DATA_DIR
#define KG_INGEST_DATA_DIR "ingest/data"
#endif

namespace kg::ingest {

std::string DefaultBundleDir() {
  if (const char* env = std::getenv("KG_INGEST_DATA"); env != nullptr && *env != '\0') return env;
  return KG_INGEST_DATA_DIR;
}

// ---- trie ----------------------------------------------------------------------------------------

int AliasTrie::Child(int node, unsigned char b) const {
  if (!frozen_.empty()) return FrozenChild(node, b);
  if (nodes_[node].dense >= 0) return dense_[nodes_[node].dense + b];
  const auto& kids = nodes_[node].kids;
  auto it = std::lower_bound(kids.begin(), kids.end(), b,
                             [](const std::pair<unsigned char, int32_t>& k, unsigned char v) {
                               return k.first < v;
                             });
  return it != kids.end() && it->first == b ? it->second : -1;
}

void AliasTrie::Freeze() {
  constexpr size_t kDenseFrom = 8;  // children; below that a short scan is as fast
  for (Node& n : nodes_) {
    if (n.kids.size() < kDenseFrom || n.dense >= 0) continue;
    n.dense = static_cast<int32_t>(dense_.size());
    dense_.resize(dense_.size() + 256, -1);
    for (const auto& [b, child] : n.kids) dense_[n.dense + b] = child;
  }
  frozen_.clear();
  flat_kids_.clear();
  for (const Node& n : nodes_) {
    FrozenNode f;
    f.entry = n.entry;
    f.dense = n.dense;
    f.kids_begin = static_cast<uint32_t>(flat_kids_.size());
    flat_kids_.insert(flat_kids_.end(), n.kids.begin(), n.kids.end());
    f.kids_end = static_cast<uint32_t>(flat_kids_.size());
    frozen_.push_back(f);
  }
  BuildStarts();
}

// Walks the trie to depth kStartBytes: the path to each node there is an alias's first bytes; an
// entry above it ends a shorter alias.
void AliasTrie::BuildStarts() {
  starts_.assign((size_t{1} << kStartBits) / 64, 0);
  std::fill(std::begin(short_lengths_), std::end(short_lengths_), 0);
  auto set = [&](const std::string& bytes) {
    const uint32_t h = StartHash(bytes.data(), bytes.size());
    starts_[h >> 6] |= uint64_t{1} << (h & 63);
  };
  std::string path;
  auto walk = [&](auto&& self, int node) -> void {
    if (path.size() == kStartBytes) {
      set(path);
      return;
    }
    if (!path.empty() && nodes_[node].entry >= 0) {
      set(path);
      short_lengths_[static_cast<unsigned char>(path[0])] |= 1u << path.size();
    }
    for (const auto& [b, child] : nodes_[node].kids) {
      path.push_back(static_cast<char>(b));
      self(self, child);
      path.pop_back();
    }
  };
  walk(walk, 0);
}

void AliasTrie::Insert(std::string_view alias, int entry) {
  if (!frozen_.empty()) {  // inserted after Freeze: back to the per-node lists
    frozen_.clear();
    flat_kids_.clear();
    for (Node& n : nodes_) n.dense = -1;
    dense_.clear();
  }
  int node = 0;
  starts_.clear();
  for (unsigned char b : alias) {
    int next = Child(node, b);
    if (next < 0) {
      next = static_cast<int>(nodes_.size());
      nodes_.emplace_back();
      auto& kids = nodes_[node].kids;
      auto it = std::lower_bound(kids.begin(), kids.end(), b,
                                 [](const std::pair<unsigned char, int32_t>& k, unsigned char v) {
                                   return k.first < v;
                                 });
      kids.insert(it, {b, next});
    }
    node = next;
  }
  if (nodes_[node].entry < 0) nodes_[node].entry = entry;  // the first file listing it wins
}

// ---- Bundle --------------------------------------------------------------------------------------

Bundle::Bundle(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Bundle::~Bundle() = default;

bool Bundle::HasVertexLabel(std::string_view label) const {
  return std::find(impl_->vertex_labels.begin(), impl_->vertex_labels.end(), label) !=
         impl_->vertex_labels.end();
}
bool Bundle::HasEdgeLabel(std::string_view edge) const {
  return impl_->edges.contains(std::string(edge));
}
size_t Bundle::DictionaryEntries() const { return impl_->entries.size(); }
size_t Bundle::RuleCount() const { return impl_->rules.size(); }

std::vector<std::string> Bundle::SymmetricEdges() const {
  std::vector<std::string> edges;
  for (const auto& [edge, signature] : impl_->edges) {
    if (signature.symmetric) edges.push_back(edge);
  }
  std::sort(edges.begin(), edges.end());
  return edges;
}

std::vector<Bundle::RuleCost> Bundle::RuleCosts() const {
  std::vector<RuleCost> costs;
  for (const Rule& rule : impl_->rules) {
    const int exact = rule.re->ProgramSize();
    costs.push_back(
        {rule.id, "relation", rule.relaxed ? rule.relaxed->ProgramSize() : exact, exact});
  }
  for (const EntityRule& rule : impl_->entity_rules) {
    const int size = rule.re->ProgramSize();
    costs.push_back({rule.id, "entity", size, size});
  }
  return costs;
}

int Bundle::Impl::FindByName(std::string_view surface) const {
  auto it = by_name_key.find(NameKey(surface));
  return it == by_name_key.end() ? -1 : it->second;
}

bool Bundle::Impl::IsStopName(std::string_view surface) const {
  if (stop_names.empty() || surface.size() > 40) return false;
  // Text is NFKC already: ASCII case folding is all that is needed for the Latin entries.
  std::string k(surface);
  for (char& c : k) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return stop_names.contains(k);
}

namespace {

struct TsvLine {
  int number;
  std::vector<std::string> fields;
};

absl::StatusOr<std::vector<TsvLine>> ReadTsv(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path.string()));
  std::vector<TsvLine> out;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (FindInvalidUtf8(line) >= 0) {
      return absl::InvalidArgumentError(absl::StrCat(path.string(), ":", n, ": invalid UTF-8"));
    }
    std::string t = Trim(line);
    if (t.empty() || t[0] == '#') continue;
    TsvLine l{n, {}};
    for (std::string_view f : Split(line, '\t')) l.fields.push_back(std::string(f));
    out.push_back(std::move(l));
  }
  return out;
}

absl::Status LineError(const std::filesystem::path& p, int line, std::string_view msg) {
  return absl::InvalidArgumentError(absl::StrCat(p.string(), ":", line, ": ", AV(msg)));
}

std::vector<std::string> SplitList(std::string_view s, char sep) {
  std::vector<std::string> out;
  for (std::string_view part : Split(s, sep)) {
    std::string t = Trim(part);
    if (!t.empty()) out.push_back(t);
  }
  return out;
}

class Loader {
 public:
  explicit Loader(Bundle::Impl* b) : b_(b) {}

  absl::Status LoadLabels(const std::filesystem::path& p) {
    auto lines = ReadTsv(p);
    if (!lines.ok()) return lines.status();
    for (const TsvLine& l : *lines) b_->vertex_labels.push_back(Trim(l.fields[0]));
    return absl::OkStatus();
  }

  absl::Status LoadEdges(const std::filesystem::path& p) {
    auto lines = ReadTsv(p);
    if (!lines.ok()) return lines.status();
    for (const TsvLine& l : *lines) {
      if (l.fields.size() < 3) return LineError(p, l.number, "want EDGE<TAB>subjects<TAB>objects");
      EdgeSignature sig;
      sig.subjects = SplitList(l.fields[1], ',');
      sig.objects = SplitList(l.fields[2], ',');
      for (const std::string& flag :
           l.fields.size() > 3 ? SplitList(l.fields[3], ',') : std::vector<std::string>{}) {
        if (flag == "symmetric") {
          sig.symmetric = true;
        } else if (flag == "date") {
          sig.takes_date = true;
        } else if (flag == "year") {
          sig.takes_year = true;
        } else if (flag == "amount") {
          sig.takes_amount = true;
        } else {
          return LineError(p, l.number, absl::StrCat("unknown edge flag ", flag));
        }
      }
      for (const auto* v : {&sig.subjects, &sig.objects}) {
        for (const std::string& lab : *v) {
          if (lab != "*" && !HasLabel(lab)) {
            return LineError(p, l.number, absl::StrCat("unknown vertex label ", lab));
          }
        }
      }
      if (sig.takes_date || sig.takes_year || sig.takes_amount) {
        b_->clause_qualifier_edges.push_back(Trim(l.fields[0]));
      }
      if (sig.takes_amount && b_->clause_amount_re == nullptr) {
        b_->clause_amount_re = std::make_unique<re2::RE2>(kAmountPattern);
      }
      b_->edges[Trim(l.fields[0])] = std::move(sig);
    }
    return absl::OkStatus();
  }

  absl::Status LoadConfig(const std::filesystem::path& p) {
    auto lines = ReadTsv(p);
    if (!lines.ok()) return lines.status();
    for (const TsvLine& l : *lines) {
      if (l.fields.size() < 2) return LineError(p, l.number, "want KEY<TAB>VALUE");
      std::string k = Trim(l.fields[0]), v = Trim(l.fields[1]);
      if (k == "passing_labels") {
        b_->passing_labels = absl::StrSplit(v, '|', absl::SkipEmpty());
        for (const std::string& label : b_->passing_labels) {
          if (!HasLabel(label)) {
            return LineError(p, l.number, absl::StrCat("unknown vertex label ", label));
          }
        }
        continue;
      }
      if (k == "country_label") b_->country_label = v;
      else if (k == "document_label") b_->document_label = v;
      else if (k == "mentions_edge") b_->mentions_edge = v;
      else if (k == "published_by_edge") b_->published_by_edge = v;
      else if (k == "based_in_edge") b_->based_in_edge = v;
      else if (k == "publisher_default_label") b_->publisher_default_label = v;
      else if (k == "company_label") b_->company_label = v;
      else if (k == "model_label") b_->model_label = v;
      else if (k == "actor_label") b_->actor_label = v;
      else return LineError(p, l.number, absl::StrCat("unknown key ", k));
    }
    return absl::OkStatus();
  }

  // lexicon.tsv: KIND<TAB>TEXT[<TAB>LABEL]. Spaces at the ends of TEXT are written as "_".
  absl::Status LoadLexicon(const std::filesystem::path& p) {
    auto lines = ReadTsv(p);
    if (!lines.ok()) return lines.status();
    for (const TsvLine& l : *lines) {
      if (l.fields.size() < 2) return LineError(p, l.number, "want KIND<TAB>TEXT");
      std::string kind = Trim(l.fields[0]);
      std::string text = absl::StrReplaceAll(Trim(l.fields[1]), {{"_", " "}});
      std::string label = l.fields.size() > 2 ? Trim(l.fields[2]) : "";
      if (!label.empty() && !HasLabel(label)) {
        return LineError(p, l.number, absl::StrCat("unknown vertex label ", label));
      }
      // Technology and product phrases (PhraseLexicon): a head gives its label.
      if ((kind == "phrase_head" || kind == "model_head" || kind == "definition_head") &&
          label.empty()) {
        return LineError(p, l.number, absl::StrCat(kind, " needs a LABEL"));
      }
      if (kind == "phrase_verb") {
        b_->phrases.verbs.push_back(text);
        continue;
      }
      if (kind == "phrase_head") {
        b_->phrases.heads.push_back({text, label});
        continue;
      }
      if (kind == "phrase_stop") {
        b_->phrases.stops.insert(text);
        continue;
      }
      if (kind == "phrase_general") {
        b_->phrases.generals.insert(text);
        continue;
      }
      // Names ending in a bound noun (IsClassCompound) and footnotes' definitions.
      if (kind == "class_stem") {
        b_->class_stems.push_back(text);
        continue;
      }
      if (kind == "definition_head") {
        b_->definition_heads.push_back({text, label});
        continue;
      }
      // Model names (ModelNameShape): what makes a number no model, what makes a code one.
      if (kind == "reference_word") {
        b_->reference_words.insert(text);
        continue;
      }
      if (kind == "common_sense") {
        b_->common_senses.push_back(text);
        continue;
      }
      if (kind == "model_head") {
        b_->model_heads.push_back({text, label});
        continue;
      }
      if (kind == "particle") b_->particles.push_back(text);
      else if (kind == "attached") b_->attached_suffixes.push_back(text);
      else if (kind == "company_form") AddCompanyForm(text);
      else if (kind == "ambiguous") b_->ambiguous.insert(text);
      else if (kind == "stop") b_->stop_names.insert(NameKey(text));
      else if (kind == "subnational") b_->subnational_markers.push_back(text);
      else if (kind == "date_skip") b_->date_skip_words.push_back(text);
      else if (kind == "date_start") b_->date_start_words.push_back(text);
      else if (kind == "suffix") b_->name_suffixes.push_back({text, label});
      else if (kind == "prefix") b_->name_prefixes.push_back({text, label});
      else if (kind == "before") b_->before_cues.push_back({text, label});
      else if (kind == "after") b_->after_cues.push_back({text, label});
      else if (kind == "column") b_->column_cues.push_back({text, label});
      else if (kind == "subject_verb") b_->subject_verbs.push_back({text, label});
      else if (kind == "role_ending") b_->role_endings.push_back({text, label});
      else if (kind == "object_verb") b_->object_verbs.push_back({text, label});
      else return LineError(p, l.number, absl::StrCat("unknown kind ", kind));
    }
    auto longest_first = [](const std::string& a, const std::string& b) {
      return a.size() > b.size();
    };
    std::stable_sort(b_->particles.begin(), b_->particles.end(), longest_first);
    std::stable_sort(
        b_->model_heads.begin(), b_->model_heads.end(),
        [](const LabelCue& a, const LabelCue& b) { return a.text.size() > b.text.size(); });
    std::stable_sort(b_->attached_suffixes.begin(), b_->attached_suffixes.end(), longest_first);
    b_->suffixes_by_first.clear();
    for (const auto* list : {&b_->attached_suffixes, &b_->particles}) {
      for (const std::string& p : *list) {
        int len = 0;
        b_->suffixes_by_first[CodePointAt(p, 0, &len)].push_back(p);
      }
    }
    for (auto& [cp, v] : b_->suffixes_by_first) std::stable_sort(v.begin(), v.end(), longest_first);
    b_->particles_by_last.clear();
    for (const std::string& p : b_->particles) {
      b_->particles_by_last[CodePointBefore(p, p.size())].push_back(p);  // already longest first
    }
    b_->suffixes_by_last.clear();
    for (const LabelCue& c : b_->name_suffixes) {
      b_->suffixes_by_last[CodePointBefore(c.text, c.text.size())].push_back(c);
    }
    auto cue_longest = [](const LabelCue& a, const LabelCue& b) {
      return a.text.size() > b.text.size();
    };
    std::stable_sort(b_->name_suffixes.begin(), b_->name_suffixes.end(), cue_longest);
    std::stable_sort(b_->before_cues.begin(), b_->before_cues.end(), cue_longest);
    std::stable_sort(b_->after_cues.begin(), b_->after_cues.end(), cue_longest);
    std::stable_sort(b_->phrases.heads.begin(), b_->phrases.heads.end(), cue_longest);
    return absl::OkStatus();
  }

  // dict/*.tsv: LABEL<TAB>CANONICAL<TAB>alias|alias...[<TAB>flags]
  absl::Status LoadDictionary(const std::filesystem::path& p) {
    auto lines = ReadTsv(p);
    if (!lines.ok()) return lines.status();
    std::string source = absl::StrCat("dict:", p.stem().string());
    for (const TsvLine& l : *lines) {
      if (l.fields.size() < 2) return LineError(p, l.number, "want LABEL<TAB>NAME<TAB>ALIASES");
      DictEntry e;
      e.label = Trim(l.fields[0]);
      if (!HasLabel(e.label)) {
        return LineError(p, l.number, absl::StrCat("unknown vertex label ", e.label));
      }
      e.name = Trim(l.fields[1]);
      e.aliases.push_back(e.name);
      if (l.fields.size() > 2) {
        for (std::string& a : SplitList(l.fields[2], '|')) e.aliases.push_back(std::move(a));
      }
      if (l.fields.size() > 3) e.flags = SplitList(l.fields[3], ',');
      e.generic = std::find(e.flags.begin(), e.flags.end(), "generic") != e.flags.end();
      e.source = source;
      Add(std::move(e));
    }
    return absl::OkStatus();
  }

  // Every ISO country ICU knows, with its Korean and English display names; countries.tsv adds
  // aliases (Hanja abbreviations, short forms) and may override the canonical English name.
  absl::Status LoadCountries(const std::filesystem::path& overrides) {
    absl::flat_hash_map<std::string, std::pair<std::string, std::vector<std::string>>> extra;
    if (std::filesystem::exists(overrides)) {
      auto lines = ReadTsv(overrides);
      if (!lines.ok()) return lines.status();
      for (const TsvLine& l : *lines) {
        if (l.fields.size() < 2) return LineError(overrides, l.number, "want CODE<TAB>NAME");
        extra[Trim(l.fields[0])] = {Trim(l.fields[1]),
                                    l.fields.size() > 2 ? SplitList(l.fields[2], '|')
                                                        : std::vector<std::string>{}};
      }
    }
    const icu::Locale ko("ko"), en("en");
    for (const char* const* c = icu::Locale::getISOCountries(); *c != nullptr; ++c) {
      icu::Locale region("", *c);
      icu::UnicodeString uko, uen;
      region.getDisplayCountry(ko, uko);
      region.getDisplayCountry(en, uen);
      std::string sko, sen;
      uko.toUTF8String(sko);
      uen.toUTF8String(sen);
      if (sen.empty() || sen == *c) continue;  // ICU has no name for it
      DictEntry e;
      e.label = b_->country_label;
      e.source = "icu:countries";
      auto it = extra.find(*c);
      e.name = it != extra.end() && !it->second.first.empty() ? it->second.first : sen;
      e.aliases = {e.name, sen};
      if (!sko.empty() && sko != *c) e.aliases.push_back(sko);
      if (it != extra.end()) {
        for (const std::string& a : it->second.second) e.aliases.push_back(a);
      }
      Add(std::move(e));
    }
    return absl::OkStatus();
  }

  absl::Status LoadRules(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", p.string()));
    std::stringstream ss;
    ss << in.rdbuf();
    nlohmann::json j = nlohmann::json::parse(ss.str(), nullptr, false);
    if (j.is_discarded() || !j.is_array()) {
      return absl::InvalidArgumentError(absl::StrCat(p.string(), ": want a JSON array of rules"));
    }
    for (const auto& r : j) {
      Rule rule;
      rule.id = r.value("id", "");
      rule.edge = r.value("edge", "");
      std::string pattern = r.value("pattern", "");
      auto fail = [&](std::string_view msg) {
        return absl::InvalidArgumentError(
            absl::StrCat(p.string(), ": rule ", rule.id.empty() ? "?" : rule.id, ": ", AV(msg)));
      };
      if (rule.id.empty() || pattern.empty()) return fail("needs \"id\" and \"pattern\"");
      if (r.contains("entity")) {
        // An entity rule: {"id", "entity": LABEL, "pattern", "links": [{edge, from, to}]}.
        EntityRule er;
        er.id = rule.id;
        er.label = r.value("entity", "");
        if (!HasLabel(er.label)) return fail(absl::StrCat("unknown label ", er.label));
        er.confidence = r.value("confidence", 0.6);
        if (r.contains("links") && r["links"].is_array()) {
          for (const auto& l : r["links"]) {
            EntityRule::Link link{l.value("edge", ""), l.value("from", ""), l.value("to", "")};
            if (!b_->edges.contains(link.edge)) {
              return fail(absl::StrCat("unknown edge ", link.edge));
            }
            er.links.push_back(std::move(link));
          }
        }
        RE2::Options opt;
        opt.set_log_errors(false);
        er.re = std::make_unique<RE2>(pattern, opt);
        if (!er.re->ok()) return fail(absl::StrCat("bad pattern: ", er.re->error()));
        if (!er.re->NamedCapturingGroups().contains("name")) return fail("needs a group \"name\"");
        b_->entity_rules.push_back(std::move(er));
        continue;
      }
      if (!b_->edges.contains(rule.edge)) return fail(absl::StrCat("unknown edge ", rule.edge));
      rule.confidence = r.value("confidence", 0.8);
      rule.subject_fixed = r.value("subject", "");
      rule.object_fixed = r.value("object", "");
      rule.symmetric_pairs = r.value("pairs", false);
      rule.subject_not_flag = r.value("subject_not", "");
      rule.scope = r.value("scope", "unit");
      rule.line_scope = rule.scope == "line";
      if (r.contains("props") && r["props"].is_object()) {
        for (const auto& [k, v] : r["props"].items()) {
          if (v.is_string()) rule.const_props.emplace_back(k, v.get<std::string>());
        }
      }
      absl::StatusOr<std::string> expanded = ExpandMacros(pattern);
      if (!expanded.ok()) return fail(Str(expanded.status().message()));
      rule.pattern = *expanded;
      // Each mention macro needs one mention in the unit (literal placeholders may be optional,
      // so they are not counted).
      for (size_t at = 0; (at = pattern.find('{', at)) != std::string::npos; ++at) {
        if (pattern.compare(at, 3, "{S:") == 0 || pattern.compare(at, 3, "{O:") == 0 ||
            pattern.compare(at, 3, "{X:") == 0 || pattern.compare(at, 4, "{S*:") == 0 ||
            pattern.compare(at, 4, "{O*:") == 0) {
          ++rule.min_mentions;
        }
      }
      RE2::Options opt;
      opt.set_log_errors(false);
      rule.re = std::make_unique<RE2>(rule.pattern, opt);
      if (!rule.re->ok()) return fail(absl::StrCat("bad pattern: ", rule.re->error()));
      RelaxRule(&rule);
      // Past a lead character ("(?:^|[\s•])(?:{O:Country})"), the mention the match starts with.
      std::string_view body = std::string_view(pattern).substr(rule.lead_size);
      while (rule.lead_size > 0 && body.substr(0, 3) == "(?:") body.remove_prefix(3);
      rule.first_tags = FirstTags(body, rule.first_byte);
      if (rule.first_byte == 0x01 && LeadsWithMentionMacro(body)) {
        rule.follow = LeadingFollowSet(std::string_view(rule.pattern).substr(rule.lead_size));
      }
      b_->rules.push_back(std::move(rule));
    }
    return absl::OkStatus();
  }

 private:
  bool HasLabel(std::string_view l) const {
    return std::find(b_->vertex_labels.begin(), b_->vertex_labels.end(), l) !=
           b_->vertex_labels.end();
  }

  void AddCompanyForm(const std::string& form) {
    b_->company_forms.push_back(form);
    b_->company_form_rules.push_back(absl::StrCat("signal:", form));
  }

  void Add(DictEntry e) {
    int id = static_cast<int>(b_->entries.size());
    std::vector<std::string> uniq;
    for (std::string& a : e.aliases) {
      if (std::find(uniq.begin(), uniq.end(), a) == uniq.end()) uniq.push_back(std::move(a));
    }
    e.aliases = std::move(uniq);
    for (const std::string& a : e.aliases) {
      // The text is matched after NFKC, so is the alias ("SK㈜" is found as "SK(주)").
      b_->trie.Insert(Nfkc(a), id);
      b_->by_name_key.emplace(NameKey(a), id);
    }
    b_->entries.push_back(std::move(e));
  }

  static bool LeadsWithMentionMacro(std::string_view pattern) {
    for (std::string_view open : {"{S:", "{O:", "{X:", "{S*:", "{O*:"}) {
      if (pattern.substr(0, open.size()) == open) return true;
    }
    return false;
  }

  // The tags of the placeholders a rule's matches can start with (Rule::first_tags): those of
  // the mention macro the pattern starts with, when every match starts with its first byte
  // (FirstByteOfEveryMatch found no alternative that starts otherwise).
  uint64_t FirstTags(std::string_view pattern, int first_byte) const {
    if (first_byte != 0x01) return Rule::kAnyTag;
    std::string_view macro;
    for (std::string_view open : {"{S:", "{O:", "{X:", "{S*:", "{O*:"}) {
      if (pattern.substr(0, open.size()) == open) macro = pattern.substr(open.size());
    }
    const size_t close = macro.find('}');
    if (close == std::string_view::npos) return Rule::kAnyTag;
    const std::string labels(macro.substr(0, close));
    if (labels == "*") return Rule::kAnyTag;
    uint64_t tags = 0;
    for (const std::string& l : SplitList(labels, '|')) {
      const bool generic = !l.empty() && l.back() == '~';
      const std::string base = generic ? l.substr(0, l.size() - 1) : l;
      const auto it = std::find(b_->vertex_labels.begin(), b_->vertex_labels.end(), base);
      const int index =
          it == b_->vertex_labels.end() ? -1 : static_cast<int>(it - b_->vertex_labels.begin());
      const uint64_t bit = PlaceholderTagBit(index, generic);
      if (bit == Rule::kAnyTag) return Rule::kAnyTag;
      tags |= bit;
    }
    return tags;
  }

  // {S:Company|Organization} one mention as group S; {S*:...} a coordinated list; {X:...} a
  // mention not captured; label "*" is any label. Other macros: see data/README.md.
  absl::StatusOr<std::string> ExpandMacros(const std::string& p) {
    static const std::pair<const char*, const char*> kFixed[] = {
        {"{ANY}", "[^\\x01\\n]*?"},
        {"{GAP}", "[^\\x01\\n]{0,60}?"},
        {"{FAR}", "[^\\n]*?"},
        {"{JS}", "(?:은|는|이|가|도|에서|에서는|께서)"},
        {"{JO}", "(?:을|를)"},
        {"{JG}", "(?:의)"},
        {"{JW}", "(?:와|과|와의|과의|와는|과는)"},
        // "(" and ")" stand around each alternative (the same matches as around the group) so
        // that rule_match.cc finds the bounded run between literal parentheses.
        {"{DEF}", "(?:\\(\\x01\\d+:[A-Za-z~]+\\x02\\)|\\([^()\\n]{1,60}\\))?\\*?社?"},
        {"{HEAD}", "(?: ?(?:기술|방식|소재|연료|배터리|모델|칩|제품|로켓|발사체|원자로|실증로|설비|플랫폼|서비스))?"},
        {"{PCT}", "(?:약 |약|최대 )?(?P<share_pct>\\d+(?:\\.\\d+)?) ?%"},
        {"{RATE}", "(?P<rate_pct>\\d+(?:\\.\\d+)?) ?%"},
        {"{AMOUNT}", kAmountPattern},
        {"{YEAR}", "'(?P<year>\\d{2})년"},
        // '25.3.12, '24.10 and 2025.01.30: the date group keeps the apostrophe of a short year.
        {"{DATE}", "(?P<date>(?:'\\d{2}|(?:19|20)\\d{2})\\.\\d{1,2}(?:\\.\\d{1,2})?)"},
    };
    std::string out;
    for (size_t i = 0; i < p.size();) {
      if (p[i] != '{') {
        out.push_back(p[i++]);
        continue;
      }
      size_t close = p.find('}', i);
      if (close == std::string::npos) return absl::InvalidArgumentError("unclosed {");
      std::string macro = p.substr(i, close + 1 - i);
      bool done = false;
      for (const auto& [name, text] : kFixed) {
        if (macro == name) {
          out += text;
          done = true;
          break;
        }
      }
      if (!done) {
        size_t colon = macro.find(':');
        if (colon == std::string::npos) {
          // A regex repetition such as {0,40}: copy as is.
          out += macro;
          i = close + 1;
          continue;
        }
        std::string group = macro.substr(1, colon - 1);
        bool list = !group.empty() && group.back() == '*';
        if (list) group.pop_back();
        std::string labels = macro.substr(colon + 1, macro.size() - colon - 2);
        std::string alt;
        // "Product" matches specific products; "Product~" the generic terms ("반도체").
        if (labels == "*") {
          alt = "[A-Za-z_]+~?";
        } else {
          for (const std::string& l : SplitList(labels, '|')) {
            std::string base = !l.empty() && l.back() == '~' ? l.substr(0, l.size() - 1) : l;
            if (!HasLabel(base)) return absl::InvalidArgumentError("unknown label " + l);
            alt += alt.empty() ? l : "|" + l;
          }
          alt = "(?:" + alt + ")";
        }
        std::string one = "\\x01\\d+:" + alt + "\\x02";
        // A mention may be followed by its definition "(Y)" and a footnote mark.
        std::string def = "(?:\\(\\x01\\d+:[A-Za-z~]+\\x02\\)|\\([^()\\n]{1,60}\\))?\\*?社?";
        // A later member of a list may be preceded by its country ("일본 A, 태국 B와").
        std::string country = "(?:\\x01\\d+:" + b_->country_label + "\\x02 )?";
        std::string body = list ? one + def +
                                      "(?:(?:, ?| ?· ?|/| 및 |과 |와 |, 그리고 |과|와|,? and )" +
                                      country + one + def + ")*"
                                : one;
        if (group == "X") out += "(?:" + body + ")";
        else if (group == "S" || group == "O") out += "(?P<" + group + ">" + body + ")";
        else return absl::InvalidArgumentError("mention groups are S, O or X: " + macro);
      }
      i = close + 1;
    }
    return out;
  }

  Bundle::Impl* b_;
};

}  // namespace

// The rule prefilter (see Bundle::Impl::rule_filter). Atoms are lowercased by RE2; the unit
// text is lowercased in ASCII only (extract.cc), so a rule whose atoms hold a non-ASCII letter
// that has case, or a case-insensitive rule, could be filtered out wrongly: then no filter is
// built and every rule runs (slower, same results).
static bool AtomSafe(std::string_view atom) {
  for (size_t i = 0; i < atom.size();) {
    int len = 1;
    uint32_t c = CodePointAt(atom, i, &len);
    if (c >= 0x80 && (u_tolower(static_cast<UChar32>(c)) != static_cast<UChar32>(c) ||
                      u_toupper(static_cast<UChar32>(c)) != static_cast<UChar32>(c))) {
      return false;
    }
    i += len;
  }
  return true;
}

// The clauses of atoms of `patterns` (regexp i == rule i) and their atom scanner; false when
// there is no safe filter (a case-insensitive pattern, an atom with a cased letter).
static bool BuildPrefilter(const std::vector<std::string>& patterns,
                           std::unique_ptr<re2::FilteredRE2>* filter_out, RulePrefilter* prefilter,
                           std::unique_ptr<AtomMatcher>* atom_matcher) {
  if (patterns.empty()) return false;
  // Atoms of 2 bytes and more (a Hangul syllable is 3): measured the most selective here.
  constexpr int kMinAtomLen = 2;
  auto filter = std::make_unique<re2::FilteredRE2>(kMinAtomLen);
  RE2::Options opt;
  opt.set_log_errors(false);
  for (const std::string& pattern : patterns) {
    if (pattern.find("(?i") != std::string::npos) return false;
    int id = -1;
    if (filter->Add(pattern, opt, &id) != RE2::NoError ||
        id != static_cast<int>(&pattern - patterns.data())) {
      return false;
    }
  }
  std::vector<std::string> atoms;
  filter->Compile(&atoms);
  for (const std::string& a : atoms) {
    if (!AtomSafe(a)) return false;
  }
  *prefilter = RulePrefilter::Build(patterns, atoms, kMinAtomLen);
  *atom_matcher = std::make_unique<AtomMatcher>(prefilter->atoms());
  *filter_out = std::move(filter);
  return true;
}

static void BuildRuleFilter(Bundle::Impl* b) {
  std::vector<std::string> patterns;
  for (const Rule& rule : b->rules) patterns.push_back(rule.pattern);
  BuildPrefilter(patterns, &b->rule_filter, &b->rule_prefilter, &b->rule_atoms);
  std::vector<std::string> entity_patterns;
  for (const EntityRule& rule : b->entity_rules) entity_patterns.push_back(rule.re->pattern());
  std::unique_ptr<re2::FilteredRE2> entity_filter;
  BuildPrefilter(entity_patterns, &entity_filter, &b->entity_rule_prefilter, &b->entity_rule_atoms);
}

// The country a qualified alias names and the bare alias it qualifies: "중국 상무부" and
// "상무부(중국)" give {China's entry, "상무부"}; {-1, ""} for any other alias.
static std::pair<int, std::string_view> SplitCountryQualifier(const Bundle::Impl& b,
                                                              std::string_view alias) {
  auto country_entry = [&](std::string_view name) {
    const int e = b.FindByName(name);
    return e >= 0 && b.entries[e].label == b.country_label ? e : -1;
  };
  if (const size_t space = alias.find(' '); space != std::string_view::npos) {
    if (int c = country_entry(alias.substr(0, space)); c >= 0) return {c, alias.substr(space + 1)};
  }
  if (const size_t open = alias.rfind('(');
      open != std::string_view::npos && open > 0 && alias.back() == ')') {
    std::string_view inside = alias.substr(open + 1, alias.size() - open - 2);
    if (int c = country_entry(inside); c >= 0) return {c, alias.substr(0, open)};
  }
  return {-1, {}};
}

// Fills Impl::country_variants from every alias "<country> <bare alias>" or "<bare>(<country>)"
// whose bare form the dictionaries also know on its own, as an entity of the same label.
static void IndexCountryVariants(Bundle::Impl* b) {
  for (size_t id = 0; id < b->entries.size(); ++id) {
    if (b->entries[id].label == b->country_label) continue;
    for (const std::string& alias : b->entries[id].aliases) {
      auto [country, bare] = SplitCountryQualifier(*b, alias);
      if (country < 0 || bare.empty()) continue;
      // Same label: "Korea Zinc" does not make zinc a company in a Korean sentence.
      const int bare_entry = b->FindByName(bare);
      if (bare_entry < 0 || bare_entry == static_cast<int>(id) ||
          b->entries[bare_entry].label != b->entries[id].label) {
        continue;  // no other entity to choose, or one of another kind
      }
      b->country_variants[bare_entry].push_back({NameKey(bare), country, static_cast<int>(id)});
    }
  }
}

// The word lists of triggers.tsv's "@" lines that fill TriggerWords (see internal.h).
static const std::pair<std::string_view, std::vector<std::string> TriggerWords::*>
    kTriggerWordLists[] = {{"@passive", &TriggerWords::passive},
                           {"@received_before", &TriggerWords::received_before},
                           {"@received_after", &TriggerWords::received_after},
                           {"@topic", &TriggerWords::topic},
                           {"@topic_not", &TriggerWords::topic_not},
                           {"@nominative", &TriggerWords::nominative},
                           {"@additive", &TriggerWords::additive},
                           {"@accusative", &TriggerWords::accusative},
                           {"@particle", &TriggerWords::particles},
                           {"@genitive", &TriggerWords::genitive},
                           {"@coordinator", &TriggerWords::coordinators},
                           {"@companion", &TriggerWords::companions},
                           {"@list_end", &TriggerWords::list_ends},
                           {"@relative", &TriggerWords::relative},
                           {"@modifier", &TriggerWords::modifier},
                           {"@adnominal", &TriggerWords::adnominal},
                           {"@heads_phrase", &TriggerWords::heads_phrase},
                           {"@government", &TriggerWords::government},
                           {"@host", &TriggerWords::host}};

// triggers.tsv (optional): EDGE<TAB>trigger|trigger<TAB>object mark|mark[<TAB>subject labels
// <TAB>object labels[<TAB>reverse|host]] (labels comma-separated; empty: the edge's signature), and
// the settings "@negation", "@clause", the word lists of kTriggerWordLists (lists, "_" = space),
// "@back_reference" (words and a count), "@confidence", "@wide_object" and "@wide_subject". See
// data/README.md.
static absl::Status LoadTriggerFrames(const std::filesystem::path& p, Bundle::Impl* b) {
  auto lines = ReadTsv(p);
  if (!lines.ok()) return lines.status();
  auto list = [](const std::string& field) {
    std::vector<std::string> out;
    for (std::string& w : SplitList(field, '|')) {
      out.push_back(absl::StrReplaceAll(w, {{"_", " "}}));
    }
    return out;
  };
  TriggerTable& t = b->triggers;
  t.company_label = b->company_label;  // config.tsv is read first
  for (const TsvLine& l : *lines) {
    if (l.fields.size() < 2) return LineError(p, l.number, "want EDGE<TAB>TRIGGERS<TAB>MARKS");
    const std::string key = Trim(l.fields[0]);
    auto word_list = std::find_if(std::begin(kTriggerWordLists), std::end(kTriggerWordLists),
                                  [&key](const auto& w) { return w.first == key; });
    if (word_list != std::end(kTriggerWordLists)) {
      t.words.*(word_list->second) = list(l.fields[1]);
    } else if (key == "@back_reference") {
      int count = 0;
      if (l.fields.size() < 3 || !absl::SimpleAtoi(Trim(l.fields[2]), &count) || count < 1) {
        return LineError(p, l.number, "want @back_reference<TAB>WORDS<TAB>COUNT (1 or more)");
      }
      for (std::string& w : list(l.fields[1])) {
        t.words.back_references.push_back({std::move(w), static_cast<size_t>(count)});
      }
    } else if (key == "@negation") {
      t.negations = list(l.fields[1]);
    } else if (key == "@clause") {
      t.clause_ends = list(l.fields[1]);
    } else if (key == "@owner_not") {
      t.owner_not = SplitList(l.fields[1], ',');
    } else if (key == "@confidence") {
      if (!absl::SimpleAtod(Trim(l.fields[1]), &t.confidence)) {
        return LineError(p, l.number, "confidence must be a number");
      }
    } else if (key == "@wide_object" || key == "@wide_subject") {
      double& c = key == "@wide_object" ? t.wide_object_confidence : t.wide_subject_confidence;
      if (!absl::SimpleAtod(Trim(l.fields[1]), &c)) {
        return LineError(p, l.number, "confidence must be a number");
      }
    } else {
      auto sig = b->edges.find(key);
      if (sig == b->edges.end()) {
        return LineError(p, l.number, absl::StrCat("unknown edge label ", key));
      }
      if (l.fields.size() < 3) return LineError(p, l.number, "want EDGE<TAB>TRIGGERS<TAB>MARKS");
      TriggerFrame f;
      f.edge = key;
      f.triggers = list(l.fields[1]);
      f.object_marks = list(l.fields[2]);
      std::stable_sort(
          f.object_marks.begin(), f.object_marks.end(),
          [](const std::string& x, const std::string& y) { return x.size() > y.size(); });
      f.subjects = l.fields.size() > 3 && !Trim(l.fields[3]).empty() ? SplitList(l.fields[3], ',')
                                                                     : sig->second.subjects;
      f.objects = l.fields.size() > 4 && !Trim(l.fields[4]).empty() ? SplitList(l.fields[4], ',')
                                                                    : sig->second.objects;
      const std::string reading = l.fields.size() > 5 ? Trim(l.fields[5]) : "";
      if (!reading.empty() && reading != "reverse" && reading != "host") {
        return LineError(
            p, l.number,
            absl::StrCat("unknown frame reading ", reading, " (want reverse or host)"));
      }
      f.reverse = reading == "reverse";
      f.host = reading == "host";
      if (f.triggers.empty() || f.object_marks.empty()) {
        return LineError(p, l.number, "a frame needs triggers and object marks");
      }
      t.frames.push_back(std::move(f));
    }
  }
  IndexTriggers(&t);
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<const Bundle>> Bundle::Load(const std::string& dir) {
  namespace fs = std::filesystem;
  auto impl = std::make_unique<Impl>();
  impl->dir = dir;
  fs::path root(dir);
  if (!fs::is_directory(root)) {
    return absl::NotFoundError(absl::StrCat("bundle directory not found: ", dir));
  }
  Loader loader(impl.get());
  if (auto s = loader.LoadLabels(root / "labels.tsv"); !s.ok()) return s;
  if (auto s = loader.LoadEdges(root / "edges.tsv"); !s.ok()) return s;
  if (fs::exists(root / "config.tsv")) {
    if (auto s = loader.LoadConfig(root / "config.tsv"); !s.ok()) return s;
  }
  if (auto s = loader.LoadLexicon(root / "lexicon.tsv"); !s.ok()) return s;
  // Dictionaries in name order, so that "first file wins" for a shared alias is stable.
  std::vector<fs::path> dicts, rules;
  if (fs::is_directory(root / "dict")) {
    for (const auto& e : fs::directory_iterator(root / "dict")) {
      if (e.path().extension() == ".tsv") dicts.push_back(e.path());
    }
  }
  if (fs::is_directory(root / "rules")) {
    for (const auto& e : fs::directory_iterator(root / "rules")) {
      if (e.path().extension() == ".json") rules.push_back(e.path());
    }
  }
  std::sort(dicts.begin(), dicts.end());
  std::sort(rules.begin(), rules.end());
  for (const fs::path& p : dicts) {
    if (auto s = loader.LoadDictionary(p); !s.ok()) return s;
  }
  if (auto s = loader.LoadCountries(root / "countries.tsv"); !s.ok()) return s;
  for (const fs::path& p : rules) {
    if (auto s = loader.LoadRules(p); !s.ok()) return s;
  }
  if (fs::exists(root / "triggers.tsv")) {
    if (auto s = LoadTriggerFrames(root / "triggers.tsv", impl.get()); !s.ok()) return s;
  }
  impl->trie.Freeze();
  IndexCountryVariants(impl.get());
  for (size_t i = 0; i < impl->rules.size(); ++i) {
    if (impl->rules[i].scope == "line") impl->line_rules.push_back(static_cast<int>(i));
  }
  BuildRuleFilter(impl.get());
  return std::shared_ptr<const Bundle>(new Bundle(std::move(impl)));
}

}  // namespace kg::ingest
