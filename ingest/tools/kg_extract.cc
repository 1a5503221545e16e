// kg_extract: runs the built-in extractor over files and scores it against gold annotations.
//
//   kg_extract [--data=DIR] [--explain] [--mentions] [--gold=GOLD.json]... [--details] FILE...
//   kg_extract [--data=DIR] --rule-costs
//
// FILEs are text/Markdown briefs (split into articles) or .jsonl documents. With --gold, prints
// entity and relation precision, recall and F1 per article and overall, and the agreement on
// the qualifiers of matched relations (EvalReport::Render).
#include <algorithm>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "ingest/ingest.h"

namespace {

constexpr char kUsage[] =
    "usage: kg_extract [--data=DIR] [--explain] [--mentions] [--gold=GOLD.json]... [--details] "
    "FILE...\n"
    "       kg_extract [--data=DIR] --rule-costs\n"
    "  Extracts entities and relations from FILEs (text/Markdown briefs or .jsonl documents).\n"
    "  --data=DIR     bundle directory (default: $KG_INGEST_DATA or the built-in ingest/data)\n"
    "  --explain      print every entity and relation with the rule that produced it\n"
    "  --mentions     with --explain, also every mention's byte offsets (to diff extractors)\n"
    "  --gold=FILE    score against a gold file (repeatable): P/R/F1 per article and overall,\n"
    "                 then the qualifiers of matched relations (gold/right/wrong/missing/extra)\n"
    "  --details      with --gold, list missed and spurious items and qualifier errors\n"
    "  --rule-costs   list the bundle's rules by the size of the regex program tried first,\n"
    "                 largest first; '*' marks one past RE2's BitState limit (slow per try)\n";

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Every entity's mention spans, one line per entity: with Explain, the whole of an Extraction.
void PrintMentions(const kg::ingest::Extraction& x) {
  for (size_t i = 0; i < x.entities.size(); ++i) {
    std::cout << "    mentions [" << i << "]";
    for (const kg::ingest::Span& m : x.entities[i].mentions)
      std::cout << " [" << m.begin << "," << m.end << ")";
    std::cout << "\n";
  }
}

// RE2 runs a program of at most this many instructions with BitState (ingest/rule_match.cc).
constexpr int kBitStateLimit = 512;

void PrintRuleCosts(const kg::ingest::Bundle& bundle) {
  std::vector<kg::ingest::Bundle::RuleCost> costs = bundle.RuleCosts();
  std::stable_sort(costs.begin(), costs.end(),
                   [](const auto& a, const auto& b) { return a.program_size > b.program_size; });
  std::cout << "program  exact    kind      rule\n";
  for (const auto& c : costs) {
    std::string program = std::to_string(c.program_size);
    if (c.program_size > kBitStateLimit) program += "*";
    program.resize(std::max<size_t>(program.size(), 8), ' ');
    std::string exact = std::to_string(c.exact_program_size);
    exact.resize(std::max<size_t>(exact.size(), 8), ' ');
    std::string kind = c.kind;
    kind.resize(std::max<size_t>(kind.size(), 9), ' ');
    std::cout << program << " " << exact << " " << kind << " " << c.id << "\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string data = kg::ingest::DefaultBundleDir();
  bool explain = false, details = false, mentions = false, rule_costs = false;
  std::vector<std::string> gold, files;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      std::cout << kUsage;
      return 0;
    } else if (a.rfind("--data=", 0) == 0) {
      data = a.substr(7);
    } else if (a == "--explain") {
      explain = true;
    } else if (a == "--mentions") {
      mentions = true;
    } else if (a == "--rule-costs") {
      rule_costs = true;
    } else if (a == "--details") {
      details = true;
    } else if (a.rfind("--gold=", 0) == 0) {
      gold.push_back(a.substr(7));
    } else if (a.rfind("--", 0) == 0) {
      std::cerr << "unknown flag " << a << "\n" << kUsage;
      return 2;
    } else {
      files.push_back(a);
    }
  }
  if (files.empty() && !rule_costs) {
    std::cerr << kUsage;
    return 2;
  }
  auto bundle = kg::ingest::Bundle::Load(data);
  if (!bundle.ok()) {
    std::cerr << "error: " << bundle.status().message() << "\n";
    return 1;
  }
  if (rule_costs) {
    PrintRuleCosts(**bundle);
    if (files.empty()) return 0;
  }
  kg::ingest::Extractor extractor(*bundle);
  std::vector<kg::ingest::Extraction> all;
  for (const std::string& f : files) {
    auto docs = EndsWith(f, ".jsonl") ? kg::ingest::ReadJsonlDocuments(f)
                                      : kg::ingest::ReadTextFile(f);
    if (!docs.ok()) {
      std::cerr << "error: " << docs.status().message() << "\n";
      return 1;
    }
    for (const auto& d : *docs) {
      auto x = extractor.Extract(d);
      if (!x.ok()) {
        std::cerr << "error: " << x.status().message() << "\n";
        return 1;
      }
      if (explain) std::cout << kg::ingest::Explain(*x);
      if (explain && mentions) PrintMentions(*x);
      if (explain) std::cout << "\n";
      all.push_back(*std::move(x));
    }
  }
  if (!gold.empty()) {
    auto report = kg::ingest::Evaluate(all, gold, (*bundle)->SymmetricEdges());
    if (!report.ok()) {
      std::cerr << "error: " << report.status().message() << "\n";
      return 1;
    }
    std::cout << report->Render(details);
  } else if (!explain) {
    size_t entities = 0, relations = 0;
    for (const auto& x : all) {
      entities += x.entities.size();
      relations += x.relations.size();
    }
    std::cout << all.size() << " documents, " << entities << " entities, " << relations
              << " relations\n";
  }
  return 0;
}
