#include "cli/import_progress.h"

#include <algorithm>
#include <cinttypes>
#include <cstdarg>

namespace kg::cli {
namespace {

std::string Format(const char* format, ...) __attribute__((format(printf, 1, 2)));

std::string Format(const char* format, ...) {
  char buffer[512];
  va_list args;
  va_start(args, format);
  std::vsnprintf(buffer, sizeof buffer, format, args);
  va_end(args);
  return buffer;
}

std::string Duration(double seconds) {
  int64_t s = static_cast<int64_t>(seconds + 0.5);
  return Format("%" PRId64 ":%02d", s / 60, static_cast<int>(s % 60));
}

const char* PhaseName(v1::ImportFilesProgress::Phase phase) {
  switch (phase) {
    case v1::ImportFilesProgress::UPLOAD:
      return "upload";
    case v1::ImportFilesProgress::VALIDATE:
      return "validate";
    case v1::ImportFilesProgress::WRITE:
      return "write";
    default:
      return "";
  }
}

double Fraction(const v1::ImportFilesProgress& p) {
  if (p.bytes_total() == 0) return 0;
  return std::min(1.0, static_cast<double>(p.bytes_done()) / static_cast<double>(p.bytes_total()));
}

std::string Text(const v1::ImportFilesProgress& p, double rate) {
  const double fraction = Fraction(p);
  if (p.phase() == v1::ImportFilesProgress::UPLOAD) {
    return Format("upload  %.1f of %.1f MiB  %3.0f%%", p.bytes_done() / 1048576.0,
                  p.bytes_total() / 1048576.0, fraction * 100);
  }
  const std::string eta =
      fraction > 0.01 ? Duration(p.seconds() * (1 - fraction) / fraction) : std::string("?");
  const bool writing = p.phase() == v1::ImportFilesProgress::WRITE;
  return Format("%s  %" PRId64 " rows %s  %.0f rows/s  %3.0f%%  ETA %s", PhaseName(p.phase()),
                writing ? p.rows_committed() : p.rows_read(), writing ? "committed" : "read", rate,
                fraction * 100, eta.c_str());
}

}  // namespace

std::string ImportProgressLine(const v1::ImportFilesProgress& p, double rows_per_second,
                               int width) {
  std::string text = Text(p, rows_per_second);
  int bar = width - static_cast<int>(text.size()) - 4;
  if (bar < 10) return text;
  bar = std::min(bar, 30);
  int filled = static_cast<int>(Fraction(p) * bar);
  return "[" + std::string(filled, '#') + std::string(bar - filled, '.') + "]  " + text;
}

std::string ImportSummaryText(const v1::ImportFilesSummary& s) {
  if (s.dry_run()) {
    return Format("dry run: %" PRId64 " vertex rows and %" PRId64 " edge rows are valid, %" PRId64
                  " bad rows; nothing was written (%.1f s)\n",
                  s.vertex_rows(), s.edge_rows(), s.bad_rows(), s.seconds());
  }
  return Format("imported %" PRId64 " vertex rows and %" PRId64
                " edge rows in %.1f s: vertices %" PRId64 " created, %" PRId64
                " merged; edges %" PRId64 " created, %" PRId64 " merged; %" PRId64
                " bad rows skipped\n",
                s.vertex_rows(), s.edge_rows(), s.seconds(), s.vertices_created(),
                s.vertices_merged(), s.edges_created(), s.edges_merged(), s.bad_rows());
}

ImportProgressView::ImportProgressView(std::FILE* out, bool terminal, bool plain_lines,
                                       std::chrono::milliseconds plain_interval)
    : out_(out), terminal_(terminal), plain_(plain_lines), interval_(plain_interval) {}

void ImportProgressView::Update(const v1::ImportFilesProgress& progress) {
  if (!terminal_ && !plain_) return;
  const bool writing = progress.phase() == v1::ImportFilesProgress::WRITE;
  if (writing && write_start_seconds_ < 0) {
    write_start_seconds_ = progress.seconds();
    write_start_rows_ = progress.rows_committed();
  }
  auto now = std::chrono::steady_clock::now();
  auto every = terminal_ ? std::chrono::milliseconds(100) : interval_;
  if (drawn_ && now - last_ < every) return;
  last_ = now;
  drawn_ = true;
  // Writing: rows committed since the first commit seen, over the time since.
  const double elapsed = writing ? progress.seconds() - write_start_seconds_ : progress.seconds();
  const double rows = writing ? static_cast<double>(progress.rows_committed() - write_start_rows_)
                              : static_cast<double>(progress.rows_read());
  const double rate = elapsed > 0 ? rows / elapsed : 0;
  if (terminal_) {
    std::fprintf(out_, "\r\033[K%s", ImportProgressLine(progress, rate, 100).c_str());
  } else {
    std::fprintf(out_, "kg import: %s\n", ImportProgressLine(progress, rate, 0).c_str());
  }
  std::fflush(out_);
}

void ImportProgressView::Clear() {
  if (terminal_ && drawn_) {
    std::fprintf(out_, "\r\033[K");
    std::fflush(out_);
  }
}

}  // namespace kg::cli
