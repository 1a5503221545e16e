// kg ingest FILE|DIR...: streams documents to IngestDocuments and shows the acknowledgements.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "cli/client.h"
#include "cli/commands.h"
#include "nlohmann/json.hpp"

namespace kg::cli {
namespace {

constexpr char kIngestUsage[] = "usage: kg ingest FILE|DIR... [--dry-run] [--json]";

bool IsDocumentFile(const std::filesystem::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
  return ext == ".txt" || ext == ".md" || ext == ".markdown" || ext == ".text" || ext == ".jsonl";
}

// Files named on the command line are taken as given; directories contribute their document
// files (by extension), recursively, in name order.
bool CollectFiles(const std::vector<std::string>& args, std::vector<std::string>* files,
                  std::string* error) {
  namespace fs = std::filesystem;
  for (const std::string& arg : args) {
    std::error_code ec;
    fs::file_status st = fs::status(arg, ec);
    if (ec || !fs::exists(st)) {
      *error = "no such file or directory: " + arg;
      return false;
    }
    if (fs::is_directory(st)) {
      std::vector<std::string> found;
      for (auto it = fs::recursive_directory_iterator(arg, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_regular_file() && IsDocumentFile(it->path()))
          found.push_back(it->path().string());
      }
      if (ec) {
        *error = "cannot read directory " + arg + ": " + ec.message();
        return false;
      }
      std::sort(found.begin(), found.end());
      files->insert(files->end(), found.begin(), found.end());
    } else {
      files->push_back(arg);
    }
  }
  return true;
}

// One request per text file; one per line of a JSON Lines file ({id, title, source, published,
// text}).
bool ReadRequests(const std::string& path, std::vector<v1::IngestRequest>* out,
                  std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = "cannot read " + path;
    return false;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  std::string text = buf.str();
  if (std::filesystem::path(path).extension() != ".jsonl") {
    v1::IngestRequest r;
    r.mutable_document()->set_path(path);
    r.mutable_document()->set_text(std::move(text));
    out->push_back(std::move(r));
    return true;
  }
  std::istringstream lines(text);
  std::string line;
  for (int n = 1; std::getline(lines, line); ++n) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("text") || !j["text"].is_string()) {
      *error = path + ":" + std::to_string(n) + ": expected a JSON object with a \"text\" string";
      return false;
    }
    v1::IngestRequest r;
    v1::Document* d = r.mutable_document();
    d->set_path(path + ":" + std::to_string(n));
    d->set_text(j["text"].get<std::string>());
    auto field = [&](const char* name) {
      return j.contains(name) && j[name].is_string() ? j[name].get<std::string>() : std::string();
    };
    d->set_id(field("id"));
    d->set_title(field("title"));
    d->set_source(field("source"));
    d->set_published(field("published"));
    out->push_back(std::move(r));
  }
  return true;
}

nlohmann::json ReportJson(const v1::DocumentReport& r) {
  return {{"doc_id", r.doc_id()},
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
  if (!ParseArgs(argv, {{"dry_run", false}, {"json", false}, {"help", false}}, &args, &error)) {
    return UsageError(error, kIngestUsage);
  }
  if (args.Has("help")) {
    std::cout << kIngestUsage << "\n";
    return kExitOk;
  }
  if (args.positional.empty()) return UsageError("ingest needs files or directories", kIngestUsage);
  std::vector<std::string> files;
  if (!CollectFiles(args.positional, &files, &error)) {
    std::cerr << "kg: " << error << "\n";
    return kExitError;
  }
  if (files.empty()) {
    std::cerr << "kg: no document files (.txt, .md, .jsonl) found\n";
    return kExitError;
  }
  // Read every input before sending anything: a bad input fails the command with nothing written.
  std::vector<v1::IngestRequest> requests;
  for (const std::string& f : files) {
    if (!ReadRequests(f, &requests, &error)) {
      std::cerr << "kg: " << error << "\n";
      return kExitError;
    }
  }

  Client client(args);
  if (int rc = client.Connect(); rc != kExitOk) return rc;
  auto context = client.NewContext();
  auto stream = client.stub().IngestDocuments(context.get());
  const bool dry_run = args.Has("dry_run"), json = args.Has("json");
  std::thread writer([&] {
    if (dry_run) {
      v1::IngestRequest options;
      options.mutable_options()->set_dry_run(true);
      stream->Write(options);
    }
    for (const v1::IngestRequest& r : requests) {
      if (!stream->Write(r)) break;  // the server ended the call; Finish() says why
    }
    stream->WritesDone();
  });

  ProgressBar bar(requests.size());
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
    }
    bar.Update(acknowledged, r.path());
  }
  writer.join();
  grpc::Status status = stream->Finish();
  bar.Clear();
  if (!status.ok()) {
    std::cerr << "kg: the ingest stopped after " << acknowledged << " of " << requests.size()
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
