// What `kg import` shows: the progress line and the summary (cli/import_progress.h).
#include "cli/import_progress.h"

#include <unistd.h>

#include <cstdio>
#include <functional>
#include <string>

#include "gtest/gtest.h"

namespace kg::cli {
namespace {

v1::ImportFilesProgress Progress(v1::ImportFilesProgress::Phase phase, int64_t read,
                                 int64_t committed, uint64_t done, uint64_t total, double seconds) {
  v1::ImportFilesProgress p;
  p.set_phase(phase);
  p.set_rows_read(read);
  p.set_rows_committed(committed);
  p.set_bytes_done(done);
  p.set_bytes_total(total);
  p.set_seconds(seconds);
  return p;
}

// What `write` prints to a stdio stream (a real file: the view writes with stdio calls).
std::string Printed(const std::function<void(std::FILE*)>& write) {
  char path[] = "/tmp/kg-progress-XXXXXX";
  int fd = mkstemp(path);
  EXPECT_GE(fd, 0);
  if (fd < 0) return "";
  std::FILE* out = fdopen(fd, "w+");
  write(out);
  std::fflush(out);
  std::rewind(out);
  char buffer[512] = {};
  size_t n = std::fread(buffer, 1, sizeof buffer - 1, out);
  std::fclose(out);
  unlink(path);
  return std::string(buffer, n);
}

TEST(ImportProgressTest, LinesShowRowsRatePercentAndEta) {
  EXPECT_EQ(ImportProgressLine(Progress(v1::ImportFilesProgress::VALIDATE, 5000, 0, 250, 1000, 1),
                               5000, 0),
            "validate  5000 rows read  5000 rows/s   25%  ETA 0:03");
  EXPECT_EQ(ImportProgressLine(Progress(v1::ImportFilesProgress::WRITE, 30000, 10000, 600, 1000, 6),
                               2500, 100),
            "[##################............]  write  10000 rows committed  2500 rows/s   60%  "
            "ETA 0:04");
  EXPECT_EQ(ImportProgressLine(
                Progress(v1::ImportFilesProgress::UPLOAD, 0, 0, 3 << 20, 12 << 20, 0), 0, 0),
            "upload  3.0 of 12.0 MiB   25%");
  EXPECT_EQ(
      ImportProgressLine(Progress(v1::ImportFilesProgress::VALIDATE, 10, 0, 0, 1000, 1), 10, 0),
      "validate  10 rows read  10 rows/s    0%  ETA ?");
}

TEST(ImportProgressTest, SummaryUsesTheWordingOfKgdImport) {
  v1::ImportFilesSummary s;
  s.set_vertex_rows(5);
  s.set_edge_rows(4);
  s.set_vertices_created(3);
  s.set_vertices_merged(2);
  s.set_edges_created(4);
  s.set_bad_rows(1);
  s.set_seconds(1.25);
  EXPECT_EQ(
      ImportSummaryText(s),
      "imported 5 vertex rows and 4 edge rows in 1.2 s: vertices 3 created, 2 merged; edges 4 "
      "created, 0 merged; 1 bad rows skipped\n");
  s.set_dry_run(true);
  EXPECT_EQ(ImportSummaryText(s),
            "dry run: 5 vertex rows and 4 edge rows are valid, 1 bad rows; nothing was written "
            "(1.2 s)\n");
}

TEST(ImportProgressTest, PlainLinesOnlyWhenAskedAndNotMoreOftenThanTheInterval) {
  auto p = Progress(v1::ImportFilesProgress::VALIDATE, 100, 0, 10, 100, 1);
  EXPECT_EQ(Printed([&](std::FILE* out) {
              ImportProgressView quiet(out, /*terminal=*/false, /*plain_lines=*/false);
              quiet.Update(p);
              ImportProgressView plain(out, false, true, std::chrono::hours(1));
              plain.Update(p);
              plain.Update(p);  // within the interval: not printed
              plain.Clear();    // nothing to erase on a non-terminal
            }),
            "kg import: validate  100 rows read  100 rows/s   10%  ETA 0:09\n");
}

TEST(ImportProgressTest, ATerminalGetsOneRedrawnLineThatIsErasedAtTheEnd) {
  EXPECT_EQ(Printed([](std::FILE* out) {
              ImportProgressView view(out, /*terminal=*/true, /*plain_lines=*/false);
              view.Update(Progress(v1::ImportFilesProgress::UPLOAD, 0, 0, 1 << 20, 2 << 20, 0));
              view.Clear();
            }),
            "\r\033[K[###############...............]  upload  1.0 of 2.0 MiB   50%\r\033[K");
}

}  // namespace
}  // namespace kg::cli
