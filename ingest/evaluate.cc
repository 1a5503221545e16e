// Scoring extractions against gold annotations.
#include <fstream>
#include <sstream>

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

ArticleScore ScoreArticle(const GoldArticle& gold, const Extraction* x,
                          const std::vector<std::string>& symmetric_edges) {
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
      int match = -1;
      if (gs >= 0 && go >= 0) {
        const std::string& sn = gold.entities[gs].name;
        const std::string& on = gold.entities[go].name;
        for (size_t k = 0; k < gold.relations.size(); ++k) {
          const GoldRelation& gr = gold.relations[k];
          if (gr.p != r.edge || rel_hit[k]) continue;
          if ((gr.s == sn && gr.o == on) || (symmetric && gr.s == on && gr.o == sn)) {
            match = static_cast<int>(k);
            break;
          }
        }
      }
      if (match >= 0) {
        rel_hit[match] = true;
        ++s.relations.tp;
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
  for (const GoldFile& file : gold_files) {
    absl::StatusOr<std::vector<GoldArticle>> gold = ParseGold(file.name, file.content);
    if (!gold.ok()) return gold.status();
    for (const GoldArticle& g : *gold) {
      const Extraction* match = nullptr;
      std::string key = NameKey(g.title);
      for (const Extraction& x : extractions) {
        if (NameKey(x.document.title) == key) match = &x;
      }
      ArticleScore s = ScoreArticle(g, match, symmetric_edges);
      AddScore(&report.entities, s.entities);
      AddScore(&report.relations, s.relations);
      report.articles.push_back(std::move(s));
    }
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
    }
  }
  row("overall", absl::StrFormat("(%d articles)", articles.size()), entities, relations);
  return out;
}

}  // namespace kg::ingest
