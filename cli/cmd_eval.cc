// kg eval GOLD... -- ARTICLE...: scores the extractor kgd runs against gold annotations through
// the Evaluate RPC. The scoring is the server's (ingest::EvaluateGold): this file only reads the
// inputs and prints the table.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "cli/client.h"
#include "cli/commands.h"
#include "cli/ingest_inputs.h"
#include "nlohmann/json.hpp"

namespace kg::cli {
namespace {

constexpr char kEvalUsage[] =
    "usage: kg eval GOLD... -- ARTICLE... [--details] [--json] [--min_entity_f1=X]\n"
    "               [--min_relation_f1=X]\n"
    "  Extracts the ARTICLEs with the extractor kgd runs (nothing is written) and prints entity\n"
    "  and relation precision, recall and F1 per gold article and overall (micro-averaged).\n"
    "  GOLD     gold files in the format of seed/gold.json ({\"articles\": [...]}) or\n"
    "           devset/*.gold.json (one article); a directory contributes its .json files\n"
    "  --       separates the gold files from the articles (required)\n"
    "  ARTICLE  .txt .md .markdown .text (a brief is split into articles) or .jsonl documents;\n"
    "           a directory contributes its article files. Gold and extracted articles are\n"
    "           paired by title; a gold article with no extracted article scores recall 0.\n"
    "  An entity matches when its label and any of its names/aliases match; a relation when its\n"
    "  edge label and both ends match. A last block counts, per qualifier the gold gives a\n"
    "  matched relation (date, amount with currency, share_pct, year, rate_pct, role, product),\n"
    "  how many the extraction gives right, wrong or not at all, and how many it adds.\n"
    "  --details            list each article's missed and spurious items and qualifier errors\n"
    "  --json               the whole report as one JSON object\n"
    "  --min_entity_f1=X    exit 1 when the overall entity F1 is below X\n"
    "  --min_relation_f1=X  exit 1 when the overall relation F1 is below X\n"
    "  exit codes: 0 scored (and thresholds met), 1 an input or server error or a threshold\n"
    "  missed, 2 usage";

// Display columns of a UTF-8 string: East Asian wide characters (Hangul, CJK, full-width
// forms) take two, everything else one.
int Columns(const std::string& s, size_t end) {
  int cols = 0;
  for (size_t i = 0; i < end && i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    int len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    uint32_t cp = c;
    if (len > 1 && i + len <= s.size()) {
      cp = c & (0xFF >> (len + 1));
      for (int k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    }
    bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6);
    cols += wide ? 2 : 1;
    i += len;
  }
  return cols;
}

// `s` cut to at most `width` display columns (at a character boundary) and padded to it.
std::string Fit(const std::string& s, int width) {
  size_t end = 0;
  while (end < s.size()) {
    size_t next = end + 1;
    while (next < s.size() && (static_cast<unsigned char>(s[next]) & 0xC0) == 0x80) ++next;
    if (Columns(s, next) > width) break;
    end = next;
  }
  return s.substr(0, end) + std::string(width - Columns(s, end), ' ');
}

std::string Row(const std::string& id, const std::string& title, const v1::PrfScore& e,
                const v1::PrfScore& r) {
  char nums[96];
  std::snprintf(nums, sizeof(nums), "%7.3f %7.3f %7.3f   %7.3f %7.3f %7.3f", e.precision(),
                e.recall(), e.f1(), r.precision(), r.recall(), r.f1());
  return Fit(id, 12) + " " + Fit(title, 40) + " " + nums + "\n";
}

void PrintTable(const v1::EvaluateResponse& report, std::ostream& out) {
  char header[96];
  std::snprintf(header, sizeof(header), "%7s %7s %7s   %7s %7s %7s", "ent P", "ent R", "ent F1",
                "rel P", "rel R", "rel F1");
  out << Fit("doc", 12) << " " << Fit("title", 40) << " " << header << "\n";
  for (const v1::ArticleScore& a : report.articles()) {
    out << Row(a.doc_id(), a.title(), a.entities(), a.relations());
    for (const std::string& m : a.missed()) out << "    missed   " << m << "\n";
    for (const std::string& m : a.spurious()) out << "    spurious " << m << "\n";
    for (const std::string& m : a.qualifier_errors()) out << "    qualifier " << m << "\n";
  }
  out << Row("overall", std::to_string(report.articles_size()) + " gold articles",
             report.entities(), report.relations());
  const v1::PrfScore& e = report.entities();
  const v1::PrfScore& r = report.relations();
  out << "entities:  " << e.true_positives() << " matched, " << e.false_positives() << " spurious, "
      << e.false_negatives() << " missed\n"
      << "relations: " << r.true_positives() << " matched, " << r.false_positives() << " spurious, "
      << r.false_negatives() << " missed\n"
      << "(" << report.documents() << " articles extracted)\n";
  if (report.qualifiers_size() == 0) return;
  char line[128];
  std::snprintf(line, sizeof(line), "%-32s %7s %7s %7s %7s %7s\n",
                "qualifiers of matched relations", "gold", "right", "wrong", "missing", "extra");
  out << line;
  for (const v1::QualifierScore& q : report.qualifiers()) {
    std::snprintf(line, sizeof(line), "  %-30s %7lld %7lld %7lld %7lld %7lld\n", q.key().c_str(),
                  static_cast<long long>(q.gold()), static_cast<long long>(q.right()),
                  static_cast<long long>(q.wrong()), static_cast<long long>(q.missing()),
                  static_cast<long long>(q.extra()));
    out << line;
  }
}

nlohmann::json ScoreJson(const v1::PrfScore& s) {
  return {{"tp", s.true_positives()},   {"fp", s.false_positives()}, {"fn", s.false_negatives()},
          {"precision", s.precision()}, {"recall", s.recall()},      {"f1", s.f1()}};
}

nlohmann::json ReportJson(const v1::EvaluateResponse& report) {
  nlohmann::json articles = nlohmann::json::array();
  for (const v1::ArticleScore& a : report.articles()) {
    articles.push_back(
        {{"doc_id", a.doc_id()},
         {"title", a.title()},
         {"entities", ScoreJson(a.entities())},
         {"relations", ScoreJson(a.relations())},
         {"missed", std::vector<std::string>(a.missed().begin(), a.missed().end())},
         {"spurious", std::vector<std::string>(a.spurious().begin(), a.spurious().end())},
         {"qualifier_errors",
          std::vector<std::string>(a.qualifier_errors().begin(), a.qualifier_errors().end())}});
  }
  nlohmann::json qualifiers = nlohmann::json::array();
  for (const v1::QualifierScore& q : report.qualifiers()) {
    qualifiers.push_back({{"key", q.key()},
                          {"gold", q.gold()},
                          {"right", q.right()},
                          {"wrong", q.wrong()},
                          {"missing", q.missing()},
                          {"extra", q.extra()}});
  }
  return {{"articles", articles},
          {"entities", ScoreJson(report.entities())},
          {"relations", ScoreJson(report.relations())},
          {"qualifiers", qualifiers},
          {"documents", report.documents()}};
}

// Splits argv at the first "--": gold files (and flags) before it, articles (and flags) after.
bool SplitAtSeparator(const std::vector<std::string>& argv, std::vector<std::string>* before,
                      std::vector<std::string>* after) {
  for (size_t i = 0; i < argv.size(); ++i) {
    if (argv[i] == "--") {
      before->assign(argv.begin(), argv.begin() + static_cast<long>(i));
      after->assign(argv.begin() + static_cast<long>(i) + 1, argv.end());
      return true;
    }
  }
  before->assign(argv.begin(), argv.end());
  return false;
}

// Reads `--name=X` as a fraction in [0, 1] into `*out` (left alone when the flag is absent).
bool ParseThreshold(const Args& args, const std::string& name, double* out, std::string* error) {
  if (!args.Has(name)) return true;
  const std::string text = args.Get(name);
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !(v >= 0.0 && v <= 1.0)) {
    *error = "--" + name + " needs a number between 0 and 1, not '" + text + "'";
    return false;
  }
  *out = v;
  return true;
}

// Builds the request from the command line's files; false (with a message) on an unreadable one.
bool BuildRequest(const std::vector<std::string>& gold_args,
                  const std::vector<std::string>& article_args, v1::EvaluateRequest* request,
                  std::string* error) {
  std::vector<std::string> gold_files, article_files;
  if (!CollectFiles(gold_args, {".json"}, &gold_files, error) ||
      !CollectFiles(article_args, DocumentExtensions(), &article_files, error)) {
    return false;
  }
  if (gold_files.empty()) {
    *error = "no gold files (.json) found";
    return false;
  }
  if (article_files.empty()) {
    *error = "no article files (.txt, .md, .jsonl) found";
    return false;
  }
  for (const std::string& path : gold_files) {
    v1::GoldFile* g = request->add_gold();
    g->set_name(path);
    if (!ReadWholeFile(path, g->mutable_content(), error)) return false;
  }
  std::vector<v1::Document> documents;
  for (const std::string& path : article_files) {
    if (!ReadDocuments(path, &documents, error)) return false;
  }
  for (v1::Document& d : documents) *request->add_documents() = std::move(d);
  return true;
}

}  // namespace

int Eval(const std::vector<std::string>& argv) {
  std::vector<std::string> before, after;
  const bool separated = SplitAtSeparator(argv, &before, &after);
  const std::vector<FlagSpec> specs = {{"details", false},
                                       {"json", false},
                                       {"min_entity_f1", true},
                                       {"min_relation_f1", true},
                                       {"help", false}};
  Args args, article_args;
  std::string error;
  if (!ParseArgs(before, specs, &args, &error) || !ParseArgs(after, specs, &article_args, &error)) {
    return UsageError(error, kEvalUsage);
  }
  for (const auto& [name, values] : article_args.flags) {
    auto& into = args.flags[name];
    into.insert(into.end(), values.begin(), values.end());
  }
  if (args.Has("help")) {
    std::cout << kEvalUsage << "\n";
    return kExitOk;
  }
  if (!separated) return UsageError("eval needs GOLD... -- ARTICLE...", kEvalUsage);
  if (args.positional.empty()) return UsageError("eval needs gold files before --", kEvalUsage);
  if (article_args.positional.empty()) {
    return UsageError("eval needs article files after --", kEvalUsage);
  }
  double min_entity_f1 = -1, min_relation_f1 = -1;
  if (!ParseThreshold(args, "min_entity_f1", &min_entity_f1, &error) ||
      !ParseThreshold(args, "min_relation_f1", &min_relation_f1, &error)) {
    return UsageError(error, kEvalUsage);
  }
  v1::EvaluateRequest request;
  if (!BuildRequest(args.positional, article_args.positional, &request, &error)) {
    std::cerr << "kg: " << error << "\n";
    return kExitError;
  }
  request.set_details(args.Has("details"));

  Client client(args);
  if (int rc = client.Connect(); rc != kExitOk) return rc;
  auto context = client.NewContext();
  v1::EvaluateResponse report;
  grpc::Status status = client.stub().Evaluate(context.get(), request, &report);
  if (!status.ok()) return client.Fail(status);
  if (args.Has("json")) {
    std::cout << ReportJson(report).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
              << "\n";
  } else {
    PrintTable(report, std::cout);
  }
  int rc = kExitOk;
  auto check = [&](const char* what, double f1, double min, const char* flag) {
    if (min < 0 || f1 >= min) return;
    std::fprintf(stderr, "kg: %s F1 %.3f is below --%s=%g\n", what, f1, flag, min);
    rc = kExitError;
  };
  check("entity", report.entities().f1(), min_entity_f1, "min_entity_f1");
  check("relation", report.relations().f1(), min_relation_f1, "min_relation_f1");
  return rc;
}

}  // namespace kg::cli
