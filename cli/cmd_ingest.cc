// kg ingest FILE|DIR...: streams documents to IngestDocuments and shows the acknowledgements.
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <thread>

#include "cli/client.h"
#include "cli/commands.h"
#include "cli/extraction_render.h"
#include "cli/ingest_inputs.h"
#include "nlohmann/json.hpp"

namespace kg::cli {
namespace {

constexpr char kIngestUsage[] =
    "usage: kg ingest FILE|DIR... [--extracted] [--dry-run] [--explain] [--json]\n"
    "  Sends articles (.txt .md .markdown .text: a brief is split into articles; .jsonl: one\n"
    "  document {id, title, source, published, text} per line; directories: recursively) to kgd.\n"
    "  A .jsonl file may instead hold the entities and relations of your own extractor, one\n"
    "  document per line; kgd checks them against its schema (labels, edges.tsv's endpoint\n"
    "  types, evidence found in the text) and writes them as given, with the rule \"input\" and\n"
    "  without running its extractor. A line:\n"
    "    {\"document\": {\"id\", \"title\", \"source\", \"published\", \"text\"}, \"entities\": "
    "[{\"label\",\n"
    "     \"name\", \"aliases\", \"confidence\"}...], \"relations\": [{\"s\", \"p\", \"o\", "
    "\"props\",\n"
    "     \"evidence\", \"confidence\"}...]}\n"
    "  where s and o are the name or an alias of an entity of the line (else the title: the\n"
    "  document) and only document.text is required. For example (default schema):\n"
    "    {\"document\": {\"id\": \"a1\", \"text\": \"Acme is based in Chile.\"}, \"entities\": "
    "[{\"label\": \"Company\", \"name\": \"Acme\"}, {\"label\": \"Country\", \"name\": "
    "\"Chile\"}], \"relations\": [{\"s\": \"Acme\", \"p\": \"BASED_IN\", \"o\": \"Chile\", "
    "\"evidence\": \"Acme is based in Chile.\"}]}\n"
    "  Such lines are told by their \"document\" object; a file holds one kind.\n"
    "  --extracted every .jsonl line must be already extracted (other files are an error)\n"
    "  --dry-run   extract and report, write nothing\n"
    "  --explain   print every entity and relation extracted from each document, with the rule\n"
    "              that produced it, its confidence and its evidence sentence (with --dry-run:\n"
    "              what would be written; without: what was written)\n"
    "  --json      one JSON object per document report (with \"extraction\" under --explain),\n"
    "              then {\"summary\": ...}";

nlohmann::json ReportJson(const v1::DocumentReport& r) {
  nlohmann::json j = {{"doc_id", r.doc_id()},
                      {"path", r.path()},
                      {"status", v1::DocumentReport::Status_Name(r.status())},
                      {"title", r.title()},
                      {"entities_added", r.entities_added()},
                      {"entities_merged", r.entities_merged()},
                      {"entities_retracted", r.entities_retracted()},
                      {"relations_added", r.relations_added()},
                      {"relations_merged", r.relations_merged()},
                      {"relations_retracted", r.relations_retracted()},
                      {"error", r.error()}};
  if (r.has_extraction()) j["extraction"] = ExtractionToJson(r.extraction());
  return j;
}

class ProgressBar {
 public:
  explicit ProgressBar(size_t total) : total_(total), enabled_(isatty(STDERR_FILENO) == 1) {}
  void Update(size_t done, const std::string& what) {
    if (!enabled_) return;
    constexpr int kWidth = 30;
    int filled = total_ == 0 ? kWidth : static_cast<int>(kWidth * done / total_);
    std::string name = what.size() > 40 ? "..." + what.substr(what.size() - 37) : what;
    std::fprintf(stderr, "\r\033[K[%s%s] %zu/%zu %s", std::string(filled, '#').c_str(),
                 std::string(kWidth - filled, '.').c_str(), done, total_, name.c_str());
    std::fflush(stderr);
  }
  void Clear() {
    if (enabled_) std::fprintf(stderr, "\r\033[K");
  }

 private:
  size_t total_;
  bool enabled_;
};

}  // namespace

int Ingest(const std::vector<std::string>& argv) {
  Args args;
  std::string error;
  if (!ParseArgs(argv,
                 {{"dry_run", false},
                  {"explain", false},
                  {"json", false},
                  {"extracted", false},
                  {"help", false}},
                 &args, &error)) {
    return UsageError(error, kIngestUsage);
  }
  if (args.Has("help")) {
    std::cout << kIngestUsage << "\n";
    return kExitOk;
  }
  if (args.positional.empty()) return UsageError("ingest needs files or directories", kIngestUsage);
  std::vector<std::string> files;
  if (!CollectFiles(args.positional, DocumentExtensions(), &files, &error)) {
    std::cerr << "kg: " << error << "\n";
    return kExitError;
  }
  if (files.empty()) {
    std::cerr << "kg: no document files (.txt, .md, .jsonl) found\n";
    return kExitError;
  }
  // Read every input before sending anything: a bad input fails the command with nothing written.
  std::vector<v1::Document> documents;
  for (const std::string& f : files) {
    if (!ReadDocuments(f, &documents, &error,
                       args.Has("extracted") ? JsonlKind::kExtracted : JsonlKind::kDetect)) {
      std::cerr << "kg: " << error << "\n";
      return kExitError;
    }
  }

  Client client(args);
  if (int rc = client.Connect(); rc != kExitOk) return rc;
  auto context = client.NewContext();
  auto stream = client.stub().IngestDocuments(context.get());
  const bool dry_run = args.Has("dry_run"), json = args.Has("json");
  const bool explain = args.Has("explain");
  std::thread writer([&] {
    if (dry_run || explain) {
      v1::IngestRequest options;
      options.mutable_options()->set_dry_run(dry_run);
      options.mutable_options()->set_explain(explain);
      stream->Write(options);
    }
    for (v1::Document& d : documents) {
      v1::IngestRequest r;
      *r.mutable_document() = std::move(d);
      if (!stream->Write(r)) break;  // the server ended the call; Finish() says why
    }
    stream->WritesDone();
  });

  ProgressBar bar(documents.size());
  size_t acknowledged = 0;
  bool any_failed = false;
  v1::IngestSummary summary;
  bool have_summary = false;
  for (v1::IngestEvent event; stream->Read(&event);) {
    if (event.has_summary()) {
      summary = event.summary();
      have_summary = true;
      continue;
    }
    const v1::DocumentReport& r = event.report();
    if (r.last_for_request()) ++acknowledged;
    if (r.status() == v1::DocumentReport::FAILED) {
      any_failed = true;
      bar.Clear();
      std::cerr << "kg: failed " << r.path() << " (" << r.doc_id() << "): " << r.error() << "\n";
    }
    if (json) {
      // Flushed line by line: a caller sees each acknowledgement as soon as it arrives.
      std::cout << ReportJson(r).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                << std::endl;
    } else if (explain && r.status() != v1::DocumentReport::FAILED) {
      bar.Clear();
      PrintExtraction(r, std::cout);
      std::cout << std::endl;
    }
    bar.Update(acknowledged, r.path());
  }
  writer.join();
  grpc::Status status = stream->Finish();
  bar.Clear();
  if (!status.ok()) {
    std::cerr << "kg: the ingest stopped after " << acknowledged << " of " << documents.size()
              << " inputs were acknowledged\n";
    return client.Fail(status);
  }
  if (have_summary) {
    if (json) {
      nlohmann::json s = {{"summary",
                           {{"documents", summary.documents()},
                            {"committed", summary.committed()},
                            {"unchanged", summary.unchanged()},
                            {"failed", summary.failed()},
                            {"entities_added", summary.entities_added()},
                            {"entities_merged", summary.entities_merged()},
                            {"relations_added", summary.relations_added()},
                            {"relations_merged", summary.relations_merged()},
                            {"elapsed_ms", summary.elapsed_ms()}}}};
      std::cout << s.dump() << std::endl;
    } else {
      std::cout << (dry_run ? "dry run: " : "ingested ") << summary.documents()
                << " documents from " << summary.requests() << " inputs in "
                << summary.elapsed_ms() / 1000.0 << " s: " << summary.committed() << " committed, "
                << summary.unchanged() << " unchanged, " << summary.failed() << " failed\n"
                << "  entities:  " << summary.entities_added() << " added, "
                << summary.entities_merged() << " merged, " << summary.entities_retracted()
                << " retracted\n"
                << "  relations: " << summary.relations_added() << " added, "
                << summary.relations_merged() << " merged, " << summary.relations_retracted()
                << " retracted\n";
    }
  }
  return any_failed ? kExitError : kExitOk;
}

int UsageError(const std::string& message, const std::string& usage) {
  std::cerr << "kg: " << message << "\n" << usage << "\n";
  return kExitUsage;
}

}  // namespace kg::cli
