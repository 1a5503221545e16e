// Scoring extractions against gold annotations.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "ingest/internal.h"
#include "nlohmann/json.hpp"

namespace kg::ingest {
namespace {

struct GoldEntity {
  std::string label, name;
  std::vector<std::string> keys;  // NameKey of name and aliases
};
struct GoldRelation {
  std::string s, p, o;
  nlohmann::json props;  // an object, or null when the gold gives none
};
struct GoldArticle {
  std::string doc_id, title;
  std::vector<GoldEntity> entities;
  std::vector<GoldRelation> relations;
};

absl::StatusOr<std::string> ReadGoldFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The string member `key` of `obj` into `*out`; false when `obj` is not an object or the member
// is there but not a string. A missing member is "" unless `required`.
bool StringMember(const nlohmann::json& obj, const char* key, bool required, std::string* out) {
  if (!obj.is_object()) return false;
  auto it = obj.find(key);
  if (it == obj.end()) {
    out->clear();
    return !required;
  }
  if (!it->is_string()) return false;
  *out = it->get<std::string>();
  return true;
}

absl::Status GoldError(const std::string& path, size_t article, const std::string& what) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": article ", article + 1, ": ", what));
}

absl::StatusOr<GoldArticle> ParseGoldArticle(const std::string& path, size_t index,
                                             const nlohmann::json& a) {
  GoldArticle g;
  if (!StringMember(a, "doc_id", false, &g.doc_id) || !StringMember(a, "title", false, &g.title)) {
    return GoldError(path, index, "doc_id and title must be strings");
  }
  if (!a.contains("entities") || !a["entities"].is_array()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": article without entities"));
  }
  for (const auto& e : a["entities"]) {
    GoldEntity ge;
    if (!StringMember(e, "label", true, &ge.label) || !StringMember(e, "name", true, &ge.name)) {
      return GoldError(path, index, "every entity needs a string label and name");
    }
    ge.keys.push_back(NameKey(ge.name));
    if (e.contains("aliases") && e["aliases"].is_array()) {
      for (const auto& al : e["aliases"]) {
        if (al.is_string()) ge.keys.push_back(NameKey(al.get<std::string>()));
      }
    }
    g.entities.push_back(std::move(ge));
  }
  if (a.contains("relations")) {
    if (!a["relations"].is_array()) return GoldError(path, index, "relations must be an array");
    for (const auto& r : a["relations"]) {
      GoldRelation gr;
      if (!StringMember(r, "s", true, &gr.s) || !StringMember(r, "p", true, &gr.p) ||
          !StringMember(r, "o", true, &gr.o)) {
        return GoldError(path, index, "every relation needs strings s, p and o");
      }
      if (r.contains("props") && !r["props"].is_null()) {
        if (!r["props"].is_object()) return GoldError(path, index, "props must be an object");
        gr.props = r["props"];
      }
      g.relations.push_back(std::move(gr));
    }
  }
  return g;
}

// `path` names the file in errors; `content` is its JSON.
absl::StatusOr<std::vector<GoldArticle>> ParseGold(const std::string& path,
                                                   const std::string& content) {
  nlohmann::json j = nlohmann::json::parse(content, nullptr, false);
  if (j.is_discarded()) return absl::InvalidArgumentError(absl::StrCat(path, ": not valid JSON"));
  std::vector<nlohmann::json> articles;
  if (j.is_object() && j.contains("articles") && j["articles"].is_array()) {
    for (const auto& a : j["articles"]) articles.push_back(a);
  } else if (j.is_object() && j.contains("entities")) {
    articles.push_back(j);
  } else {
    return absl::InvalidArgumentError(absl::StrCat(path, ": no articles"));
  }
  std::vector<GoldArticle> out;
  for (size_t i = 0; i < articles.size(); ++i) {
    absl::StatusOr<GoldArticle> g = ParseGoldArticle(path, i, articles[i]);
    if (!g.ok()) return g.status();
    out.push_back(*std::move(g));
  }
  return out;
}

bool Intersects(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  for (const auto& x : a) {
    for (const auto& y : b) {
      if (x == y) return true;
    }
  }
  return false;
}

// ---- Qualifiers: the rules are in ingest.h (QualifierScore) --------------------------------

// The keys a report lists first, in this order; others follow by name.
constexpr const char* kQualifierOrder[] = {"date",     "amount", "share_pct", "year",
                                           "rate_pct", "role",   "product"};

std::optional<double> NumberOf(const nlohmann::json& v) {
  if (v.is_number()) return v.get<double>();
  double d = 0;
  if (v.is_string() && absl::SimpleAtod(v.get<std::string>(), &d)) return d;
  return std::nullopt;
}

std::optional<double> NumberOf(const graph::Value& v) {
  if (v.is_number()) return v.ToDouble();
  double d = 0;
  if (v.is_string() && absl::SimpleAtod(v.as_string(), &d)) return d;
  return std::nullopt;
}

std::string NumberText(double d) {
  if (std::fabs(d) < 1e15 && d == std::floor(d)) return absl::StrCat(static_cast<int64_t>(d));
  return absl::StrCat(d);
}

std::string TextOf(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number()) return NumberText(v.get<double>());
  return v.dump();
}

std::string TextOf(const graph::Value& v) {
  if (v.is_string()) return v.as_string();
  if (v.is_number()) return NumberText(v.ToDouble());
  return v.DebugString();
}

// 2025, 2025-02 or 2025-02-01.
bool IsIsoDate(std::string_view s) {
  auto digits = [&](size_t from, size_t n) {
    if (s.size() < from + n) return false;
    for (size_t i = from; i < from + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
    }
    return true;
  };
  if (!digits(0, 4)) return false;
  if (s.size() == 4) return true;
  if (s.size() != 7 && s.size() != 10) return false;
  if (s[4] != '-' || !digits(5, 2)) return false;
  return s.size() == 7 || (s[7] == '-' && digits(8, 2));
}

const graph::Value* PropOf(const Relation& r, std::string_view key) {
  for (const auto& [k, v] : r.props) {
    if (k == key) return &v;
  }
  return nullptr;
}

// Whether the extraction's value of `key` agrees with the gold's (`gold_props[key]`).
bool QualifierAgrees(const std::string& key, const nlohmann::json& gold_props, const Relation& r,
                     const graph::Value& got) {
  const nlohmann::json& want = gold_props.at(key);
  if (key == "date") {
    const std::string w = TextOf(want), g = TextOf(got);
    if (!IsIsoDate(w)) return NameKey(w) == NameKey(g);
    return g.compare(0, w.size(), w) == 0 && (g.size() == w.size() || g[w.size()] == '-');
  }
  const std::optional<double> w = NumberOf(want);
  if (w.has_value()) {
    const std::optional<double> g = NumberOf(got);
    if (!g.has_value()) return false;
    if (key != "amount") return std::fabs(*g - *w) <= 0.01;
    if (std::fabs(*g - *w) > 0.005 * std::fabs(*w)) return false;
    if (!gold_props.contains("currency")) return true;
    const graph::Value* currency = PropOf(r, "currency");
    return currency != nullptr &&
           NameKey(TextOf(*currency)) == NameKey(TextOf(gold_props.at("currency")));
  }
  return NameKey(TextOf(want)) == NameKey(TextOf(got));
}

// "currency" is part of "amount" when there is one.
bool FoldedIntoAmount(std::string_view key, bool has_amount) {
  return key == "currency" && has_amount;
}

// How many of the gold's qualifiers the extraction gives with the same value.
int QualifiersAgreeing(const nlohmann::json& gold_props, const Relation& r) {
  if (!gold_props.is_object()) return 0;
  int n = 0;
  for (const auto& [key, value] : gold_props.items()) {
    const graph::Value* got = PropOf(r, key);
    if (got != nullptr && QualifierAgrees(key, gold_props, r, *got)) ++n;
  }
  return n;
}

using QualifierTally = std::map<std::string, QualifierScore>;

// Counts the qualifiers of a matched pair into `tally`; wrong and missing ones into `errors`.
void ScoreQualifiers(const GoldRelation& gold, const Relation& r, QualifierTally* tally,
                     std::vector<std::string>* errors) {
  const std::string what = absl::StrCat("R ", gold.s, " ", gold.p, " ", gold.o);
  const bool gold_amount = gold.props.is_object() && gold.props.contains("amount");
  if (gold.props.is_object()) {
    for (const auto& [key, value] : gold.props.items()) {
      if (FoldedIntoAmount(key, gold_amount)) continue;
      QualifierScore& q = (*tally)[key];
      ++q.gold;
      const graph::Value* got = PropOf(r, key);
      std::string want = TextOf(value), have = got == nullptr ? "-" : TextOf(*got);
      if (key == "amount") {
        if (gold.props.contains("currency")) {
          absl::StrAppend(&want, " ", TextOf(gold.props.at("currency")));
        }
        if (const graph::Value* c = PropOf(r, "currency"); got != nullptr && c != nullptr) {
          absl::StrAppend(&have, " ", TextOf(*c));
        }
      }
      if (got == nullptr) {
        ++q.missing;
      } else if (QualifierAgrees(key, gold.props, r, *got)) {
        ++q.right;
        continue;
      } else {
        ++q.wrong;
      }
      errors->push_back(absl::StrCat(key, " ", what, ": gold ", want, ", extracted ", have));
    }
  }
  const bool got_amount = PropOf(r, "amount") != nullptr;
  for (size_t i = 0; i < r.props.size(); ++i) {
    const std::string& key = r.props[i].first;
    if (FoldedIntoAmount(key, got_amount || gold_amount)) continue;
    if (PropOf(r, key) != &r.props[i].second) continue;  // a repeated key counts once
    if (gold.props.is_object() && gold.props.contains(key)) continue;
    ++(*tally)[key].extra;
  }
}

ArticleScore ScoreArticle(const GoldArticle& gold, const Extraction* x,
                          const std::vector<std::string>& symmetric_edges, QualifierTally* tally) {
  ArticleScore s;
  s.doc_id = gold.doc_id;
  s.title = gold.title;
  std::vector<int> gold_of(x ? x->entities.size() : 0, -1);  // predicted entity -> gold entity
  std::vector<bool> gold_hit(gold.entities.size(), false);
  if (x != nullptr) {
    for (size_t i = 0; i < x->entities.size(); ++i) {
      const Entity& e = x->entities[i];
      std::vector<std::string> keys = {NameKey(e.name)};
      for (const auto& a : e.aliases) keys.push_back(NameKey(a));
      int match = -1;
      for (size_t g = 0; g < gold.entities.size(); ++g) {
        if (gold.entities[g].label != e.label || !Intersects(keys, gold.entities[g].keys)) continue;
        if (match < 0 || (gold_hit[match] && !gold_hit[g])) match = static_cast<int>(g);
      }
      if (match >= 0 && !gold_hit[match]) {
        gold_hit[match] = true;
        gold_of[i] = match;
        ++s.entities.tp;
      } else {
        if (match >= 0) gold_of[i] = match;  // a duplicate of a matched entity
        ++s.entities.fp;
        s.spurious.push_back(absl::StrCat("E ", e.label, " ", e.name, " [",
                                          absl::StrJoin(e.aliases, "|"), "] ", e.rule));
      }
    }
  }
  for (size_t g = 0; g < gold.entities.size(); ++g) {
    if (!gold_hit[g]) {
      ++s.entities.fn;
      s.missed.push_back(absl::StrCat("E ", gold.entities[g].label, " ", gold.entities[g].name));
    }
  }
  std::vector<bool> rel_hit(gold.relations.size(), false);
  if (x != nullptr) {
    for (const Relation& r : x->relations) {
      if (r.subject < 0 || r.object < 0) continue;
      int gs = gold_of[r.subject], go = gold_of[r.object];
      bool symmetric = std::find(symmetric_edges.begin(), symmetric_edges.end(), r.edge) !=
                       symmetric_edges.end();
      int match = -1, agreeing = -1;
      if (gs >= 0 && go >= 0) {
        const std::string& sn = gold.entities[gs].name;
        const std::string& on = gold.entities[go].name;
        // Of several gold relations between the same ends (a yearly amount, say), the one whose
        // qualifiers agree most: which one matches changes no count but the qualifiers'.
        for (size_t k = 0; k < gold.relations.size(); ++k) {
          const GoldRelation& gr = gold.relations[k];
          if (gr.p != r.edge || rel_hit[k]) continue;
          if ((gr.s == sn && gr.o == on) || (symmetric && gr.s == on && gr.o == sn)) {
            const int n = QualifiersAgreeing(gr.props, r);
            if (n > agreeing) {
              match = static_cast<int>(k);
              agreeing = n;
            }
          }
        }
      }
      if (match >= 0) {
        rel_hit[match] = true;
        ++s.relations.tp;
        ScoreQualifiers(gold.relations[match], r, tally, &s.qualifier_errors);
      } else {
        ++s.relations.fp;
        s.spurious.push_back(absl::StrCat("R ", x->entities[r.subject].name, " ", r.edge, " ",
                                          x->entities[r.object].name, "  (", r.rule, ")"));
      }
    }
  }
  for (size_t k = 0; k < gold.relations.size(); ++k) {
    if (!rel_hit[k]) {
      ++s.relations.fn;
      s.missed.push_back(absl::StrCat("R ", gold.relations[k].s, " ", gold.relations[k].p, " ",
                                      gold.relations[k].o));
    }
  }
  return s;
}

void AddScore(Score* into, const Score& s) {
  into->tp += s.tp;
  into->fp += s.fp;
  into->fn += s.fn;
}

}  // namespace

absl::StatusOr<EvalReport> Evaluate(const std::vector<Extraction>& extractions,
                                    const std::vector<std::string>& gold_paths,
                                    const std::vector<std::string>& symmetric_edges) {
  std::vector<GoldFile> gold;
  for (const std::string& path : gold_paths) {
    absl::StatusOr<std::string> content = ReadGoldFile(path);
    if (!content.ok()) return content.status();
    gold.push_back({path, *std::move(content)});
  }
  return EvaluateGold(extractions, gold, symmetric_edges);
}

absl::StatusOr<EvalReport> EvaluateGold(const std::vector<Extraction>& extractions,
                                        const std::vector<GoldFile>& gold_files,
                                        const std::vector<std::string>& symmetric_edges) {
  EvalReport report;
  QualifierTally tally;
  for (const GoldFile& file : gold_files) {
    absl::StatusOr<std::vector<GoldArticle>> gold = ParseGold(file.name, file.content);
    if (!gold.ok()) return gold.status();
    for (const GoldArticle& g : *gold) {
      const Extraction* match = nullptr;
      std::string key = NameKey(g.title);
      for (const Extraction& x : extractions) {
        if (NameKey(x.document.title) == key) match = &x;
      }
      ArticleScore s = ScoreArticle(g, match, symmetric_edges, &tally);
      AddScore(&report.entities, s.entities);
      AddScore(&report.relations, s.relations);
      report.articles.push_back(std::move(s));
    }
  }
  for (const char* key : kQualifierOrder) {
    auto it = tally.find(key);
    if (it == tally.end()) continue;
    it->second.key = key;
    report.qualifiers.push_back(it->second);
    tally.erase(it);
  }
  for (auto& [key, q] : tally) {
    q.key = key;
    report.qualifiers.push_back(q);
  }
  return report;
}

std::string EvalReport::Render(bool details) const {
  // Titles are padded by display width (Hangul takes two columns), so the columns line up.
  constexpr int kTitleWidth = 44;
  std::string out = absl::StrFormat("%-10s %s %7s %7s %7s   %7s %7s %7s\n", "doc",
                                    PadToWidth("title", kTitleWidth), "ent P", "ent R", "ent F1",
                                    "rel P", "rel R", "rel F1");
  auto row = [&](const std::string& id, const std::string& title, const Score& e, const Score& r) {
    absl::StrAppendFormat(&out, "%-10s %s %7.3f %7.3f %7.3f   %7.3f %7.3f %7.3f\n", id,
                          PadToWidth(title, kTitleWidth), e.precision(), e.recall(), e.f1(),
                          r.precision(), r.recall(), r.f1());
  };
  for (const ArticleScore& a : articles) {
    row(a.doc_id, a.title, a.entities, a.relations);
    if (details) {
      for (const auto& m : a.missed) absl::StrAppend(&out, "    missed   ", m, "\n");
      for (const auto& m : a.spurious) absl::StrAppend(&out, "    spurious ", m, "\n");
      for (const auto& m : a.qualifier_errors) absl::StrAppend(&out, "    qualifier ", m, "\n");
    }
  }
  row("overall", absl::StrFormat("(%d articles)", articles.size()), entities, relations);
  if (!qualifiers.empty()) {
    absl::StrAppendFormat(&out, "%-32s %7s %7s %7s %7s %7s\n", "qualifiers of matched relations",
                          "gold", "right", "wrong", "missing", "extra");
    for (const QualifierScore& q : qualifiers) {
      absl::StrAppendFormat(&out, "  %-30s %7d %7d %7d %7d %7d\n", q.key, q.gold, q.right, q.wrong,
                            q.missing, q.extra);
    }
  }
  return out;
}

}  // namespace kg::ingest
