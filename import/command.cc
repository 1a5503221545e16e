#include "import/command.h"

#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "graph/graph.h"

namespace kg::import {
namespace {

constexpr char kUsage[] =
    "usage: kgd import --data_dir DIR [--memory_mb N] [--skip_bad_rows N]\n"
    "                  [--bad_rows_report FILE] [--dry_run] FILE...\n"
    "Imports vertices and edges from CSV/TSV (typed headers: :ID, :LABEL, :START_ID, :END_ID,\n"
    ":TYPE, name:type), JSON Lines (.jsonl) and GraphSON 3.0 (.json) files straight into the\n"
    "database, which must not be open in a running kgd. All or nothing: a crash or a bad row\n"
    "leaves the database as it was.\n"
    "  --data_dir DIR          the database (created when missing)\n"
    "  --memory_mb N           memory for sorting; the rest spills to disk (default 512)\n"
    "  --skip_bad_rows N       skip up to N bad rows instead of failing (default 0)\n"
    "  --bad_rows_report FILE  where skipped rows and their reasons go (default import-bad-rows.txt)\n"
    "  --dry_run               validate everything, write nothing\n";

struct Flags {
  std::string data_dir;
  int64_t memory_mb = 512;
  int64_t skip_bad_rows = 0;
  std::string bad_rows_report = "import-bad-rows.txt";
  bool dry_run = false;
  bool help = false;
  std::vector<std::string> files;
};

// Accepts --name=value and --name value.
absl::StatusOr<Flags> ParseFlags(const std::vector<std::string>& args) {
  Flags flags;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i];
    if (arg.rfind("--", 0) != 0) {
      flags.files.push_back(arg);
      continue;
    }
    std::string name = arg.substr(2), value;
    size_t eq = name.find('=');
    bool has_value = eq != std::string::npos;
    if (has_value) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    if (name == "help" || name == "dry_run") {
      (name == "help" ? flags.help : flags.dry_run) = true;
      continue;
    }
    if (!has_value) {
      if (i + 1 >= args.size()) return absl::InvalidArgumentError(absl::StrCat("--", name, " needs a value"));
      value = args[++i];
    }
    if (name == "data_dir") {
      flags.data_dir = value;
    } else if (name == "bad_rows_report") {
      flags.bad_rows_report = value;
    } else if (name == "memory_mb" || name == "skip_bad_rows") {
      int64_t n;
      if (!absl::SimpleAtoi(value, &n) || n < 0) {
        return absl::InvalidArgumentError(absl::StrCat("--", name, " needs a number, not '", value, "'"));
      }
      (name == "memory_mb" ? flags.memory_mb : flags.skip_bad_rows) = n;
    } else {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag --", name));
    }
  }
  if (flags.help) return flags;
  if (flags.data_dir.empty()) return absl::InvalidArgumentError("--data_dir is required");
  if (flags.files.empty()) return absl::InvalidArgumentError("no files to import");
  if (flags.memory_mb < 16) return absl::InvalidArgumentError("--memory_mb must be at least 16");
  return flags;
}

std::string Duration(double seconds) {
  int64_t s = static_cast<int64_t>(seconds + 0.5);
  return absl::StrFormat("%d:%02d", s / 60, s % 60);
}

}  // namespace

std::string ProgressLine(const ImportProgress& p, int width) {
  double fraction = p.bytes_total > 0 ? static_cast<double>(p.bytes_done) / p.bytes_total : 0;
  double rate = p.seconds > 0 ? p.rows / p.seconds : 0;
  std::string eta = fraction > 0.01 ? Duration(p.seconds * (1 - fraction) / fraction) : "?";
  std::string text = absl::StrFormat("%d rows  %.0f rows/s  %3.0f%%  ETA %s", p.rows, rate,
                                     fraction * 100, eta);
  int bar = width - static_cast<int>(text.size()) - 4;
  if (bar < 10) return text;
  bar = std::min(bar, 40);
  int filled = static_cast<int>(fraction * bar);
  return absl::StrCat("[", std::string(filled, '#'), std::string(bar - filled, '.'), "]  ", text);
}

std::string SummaryText(const ImportSummary& s, bool dry_run) {
  if (dry_run) {
    return absl::StrFormat(
        "dry run: %d vertex rows and %d edge rows are valid, %d bad rows; nothing was written "
        "(%.1f s)\n",
        s.vertex_rows, s.edge_rows, s.bad_rows, s.seconds);
  }
  return absl::StrFormat(
      "imported %d vertex rows and %d edge rows in %.1f s: vertices %d created, %d merged; "
      "edges %d created, %d merged; %d bad rows skipped\n",
      s.vertex_rows, s.edge_rows, s.seconds, s.vertices_created, s.vertices_merged,
      s.edges_created, s.edges_merged, s.bad_rows);
}

int RunImportCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  absl::StatusOr<Flags> flags = ParseFlags(args);
  if (!flags.ok()) {
    err << "kgd import: " << flags.status().message() << "\n" << kUsage;
    return 2;
  }
  if (flags->help) {
    out << kUsage;
    return 0;
  }
  graph::GraphOptions graph_options;
  graph_options.create_if_missing = !flags->dry_run;  // a dry run creates nothing either
  absl::StatusOr<std::unique_ptr<graph::Graph>> graph =
      graph::Graph::Open(flags->data_dir, graph_options);
  bool validate_only = flags->dry_run && graph.status().code() == absl::StatusCode::kNotFound;
  if (!graph.ok() && !validate_only) {
    err << "kgd import: " << graph.status().message() << "\n";
    if (graph.status().code() == absl::StatusCode::kUnavailable) {
      err << "kgd import: stop the kgd serving " << flags->data_dir
          << " first, or import through it with `kg import`\n";
    }
    return 1;
  }
  graph::BulkLoadOptions bulk;
  bulk.memory_bytes = static_cast<size_t>(flags->memory_mb) << 20;
  absl::StatusOr<std::unique_ptr<RowSink>> sink =
      validate_only ? NewValidationSink() : NewBulkLoadSink(**graph, bulk);
  if (!sink.ok()) {
    err << "kgd import: " << sink.status().message() << "\n";
    return 1;
  }
  ImportOptions options;
  options.dry_run = flags->dry_run;
  options.max_bad_rows = flags->skip_bad_rows;
  options.bad_rows_report = flags->bad_rows_report;
  bool terminal = isatty(STDERR_FILENO);
  if (terminal) {
    options.on_progress = [&err](const ImportProgress& p) {
      err << "\r" << ProgressLine(p, 100) << "\x1b[K" << std::flush;
    };
  }
  absl::StatusOr<ImportSummary> summary = ImportFiles(flags->files, **sink, options);
  if (terminal) err << "\r\x1b[K" << std::flush;
  if (!summary.ok()) {
    err << "kgd import: " << summary.status().message() << "\n";
    return 1;
  }
  out << SummaryText(*summary, flags->dry_run);
  if (summary->bad_rows > 0) out << "skipped rows and reasons: " << flags->bad_rows_report << "\n";
  return 0;
}

}  // namespace kg::import
