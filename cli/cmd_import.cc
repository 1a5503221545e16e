// kg import: files into a running kgd through ImportFiles (online), or, with --offline, by
// running `kgd import` on a database no kgd serves (offline_import.cc).
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <thread>

#include "cli/client.h"
#include "cli/commands.h"
#include "cli/import_progress.h"
#include "cli/offline_import.h"

namespace kg::cli {
namespace {

constexpr char kImportUsage[] =
    "usage: kg import [--dry-run] [--skip_bad_rows=N] [--bad_rows_report FILE] [--batch_rows N]\n"
    "                 [--progress] FILE...\n"
    "       kg import --offline --data_dir DIR [--memory_mb N] [--dry-run] [--skip_bad_rows=N]\n"
    "                 [--bad_rows_report FILE] FILE...\n"
    "Files: .csv/.tsv (typed headers :ID, :LABEL, :START_ID, :END_ID, :TYPE, name:type),\n"
    ".jsonl/.ndjson (JSON Lines) and .json (GraphSON 3.0). Online, kgd validates every row and\n"
    "writes nothing if one is bad, then commits batches of --batch_rows rows (default 10000);\n"
    "committed rows survive a crash. --offline runs `kgd import` (all or nothing).";

constexpr size_t kChunkBytes = 1 << 20;

using ImportStream = grpc::ClientReaderWriter<v1::ImportFilesRequest, v1::ImportFilesEvent>;

struct LocalFile {
  std::string path;
  uint64_t size = 0;
};

// Every file is a readable regular file, with its size; else a message naming the first one
// that is not. Checked before anything is sent.
bool StatFiles(const std::vector<std::string>& paths, std::vector<LocalFile>* out,
               std::string* error) {
  for (const std::string& path : paths) {
    struct stat st;
    if (stat(path.c_str(), &st) != 0 || access(path.c_str(), R_OK) != 0) {
      *error = "cannot read " + path + ": " + std::strerror(errno);
      return false;
    }
    if (!S_ISREG(st.st_mode)) {
      *error = "cannot read " + path + ": not a regular file";
      return false;
    }
    out->push_back({path, static_cast<uint64_t>(st.st_size)});
  }
  return true;
}

// Sends one file's header and exactly its size in chunks. False when the stream broke (the
// server ended the call; its status says why) or, with `error` set, when the file could not be
// read whole.
bool SendFile(ImportStream& stream, const LocalFile& file, std::string* error) {
  v1::ImportFilesRequest header;
  header.mutable_file()->set_name(file.path);
  header.mutable_file()->set_size(file.size);
  if (!stream.Write(header)) return false;
  std::ifstream in(file.path, std::ios::binary);
  std::string buffer(kChunkBytes, '\0');
  for (uint64_t left = file.size; left > 0;) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(left, kChunkBytes));
    in.read(buffer.data(), static_cast<std::streamsize>(want));
    if (static_cast<size_t>(in.gcount()) != want) {
      *error = file.path + " changed while it was being sent";
      return false;
    }
    v1::ImportFilesRequest chunk;
    chunk.set_chunk(buffer.data(), want);
    if (!stream.Write(chunk)) return false;
    left -= want;
  }
  return true;
}

// What the server's events said.
struct Outcome {
  v1::ImportFilesSummary summary;
  bool has_summary = false;
  std::string bad_rows_report;
  int64_t committed = 0;
};

void ReadEvents(ImportStream& stream, ImportProgressView& view, Outcome* out) {
  for (v1::ImportFilesEvent event; stream.Read(&event);) {
    switch (event.event_case()) {
      case v1::ImportFilesEvent::kProgress:
        out->committed = std::max(out->committed, event.progress().rows_committed());
        view.Update(event.progress());
        break;
      case v1::ImportFilesEvent::kBadRowsReport:
        out->bad_rows_report += event.bad_rows_report();
        break;
      case v1::ImportFilesEvent::kSummary:
        out->summary = event.summary();
        out->has_summary = true;
        break;
      default:
        break;
    }
  }
}

bool ParseOptions(const Args& args, v1::ImportFilesOptions* options, std::string* error) {
  long long n = 0;
  options->set_dry_run(args.Has("dry_run"));
  if (args.Has("skip_bad_rows")) {
    if (!ParseCount(args.Get("skip_bad_rows"), &n)) {
      *error = "--skip_bad_rows needs a count";
      return false;
    }
    options->set_skip_bad_rows(n);
  }
  if (args.Has("batch_rows")) {
    if (!ParseCount(args.Get("batch_rows"), &n) || n < 1) {
      *error = "--batch_rows needs a positive count";
      return false;
    }
    options->set_batch_rows(n);
  }
  return true;
}

int Report(const Client& client, const grpc::Status& status, const Outcome& outcome,
           const std::string& report_path) {
  if (!status.ok()) {
    int rc = client.Fail(status);
    if (outcome.committed > 0) {
      std::cerr << "kg: " << outcome.committed
                << " rows were committed before the import stopped; they stay\n";
    }
    return rc;
  }
  if (!outcome.has_summary) {
    std::cerr << "kg: the server ended the import without a summary\n";
    return kExitError;
  }
  std::cout << ImportSummaryText(outcome.summary);
  if (!outcome.bad_rows_report.empty()) {
    std::ofstream report(report_path, std::ios::binary | std::ios::trunc);
    report << outcome.bad_rows_report;
    report.close();
    if (!report) {
      std::cerr << "kg: cannot write the bad-rows report " << report_path << "\n";
      return kExitError;
    }
    std::cout << "skipped rows and reasons: " << report_path << "\n";
  }
  return kExitOk;
}

int ImportOnline(const Args& args, const std::vector<LocalFile>& files,
                 const v1::ImportFilesOptions& options) {
  Client client(args);
  if (int rc = client.Connect(); rc != kExitOk) return rc;
  auto context = client.NewContext();
  std::unique_ptr<ImportStream> stream = client.stub().ImportFiles(context.get());
  ImportProgressView view(stderr, isatty(STDERR_FILENO) == 1, args.Has("progress"));
  Outcome outcome;
  std::thread reader([&] { ReadEvents(*stream, view, &outcome); });
  std::string error;
  v1::ImportFilesRequest first;
  *first.mutable_options() = options;
  bool sent = stream->Write(first);
  for (size_t i = 0; sent && i < files.size(); ++i) sent = SendFile(*stream, files[i], &error);
  if (!error.empty()) context->TryCancel();  // nothing is imported before the upload ends
  stream->WritesDone();
  reader.join();
  grpc::Status status = stream->Finish();
  view.Clear();
  if (!error.empty()) {
    std::cerr << "kg: " << error << "; nothing was imported\n";
    return kExitError;
  }
  return Report(client, status, outcome, args.Get("bad_rows_report", "import-bad-rows.txt"));
}

}  // namespace

int Import(const std::vector<std::string>& argv) {
  Args args;
  std::string error;
  if (!ParseArgs(argv,
                 {{"help", false},
                  {"dry_run", false},
                  {"skip_bad_rows", true},
                  {"bad_rows_report", true},
                  {"batch_rows", true},
                  {"progress", false},
                  {"offline", false},
                  {"data_dir", true},
                  {"memory_mb", true}},
                 &args, &error)) {
    return UsageError(error, kImportUsage);
  }
  if (args.Has("help")) {
    std::cout << kImportUsage << "\n";
    return kExitOk;
  }
  if (args.positional.empty()) return UsageError("expected FILE...", kImportUsage);
  if (args.Has("offline")) {
    if (args.Has("batch_rows"))
      return UsageError("--batch_rows is for the online import", kImportUsage);
    if (!args.Has("data_dir")) return UsageError("--offline needs --data_dir", kImportUsage);
    return RunOfflineImport(args);
  }
  if (args.Has("data_dir") || args.Has("memory_mb")) {
    return UsageError("--data_dir and --memory_mb go with --offline", kImportUsage);
  }
  v1::ImportFilesOptions options;
  if (!ParseOptions(args, &options, &error)) return UsageError(error, kImportUsage);
  std::vector<LocalFile> files;
  if (!StatFiles(args.positional, &files, &error)) {
    std::cerr << "kg: " << error << "\n";
    return kExitError;
  }
  return ImportOnline(args, files, options);
}

}  // namespace kg::cli
