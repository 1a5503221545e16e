// What `kg import` shows while kgd imports: a progress line (rows, rows/s, %, ETA) and the
// summary, from the ImportFiles events.
//
//   ImportProgressView view(/*terminal=*/isatty(2), /*plain_lines=*/flag_progress);
//   view.Update(event.progress());  // a redrawn line on a terminal, else a line now and then
//   view.Clear();
//   std::cout << ImportSummaryText(summary);
#ifndef KG_CLI_IMPORT_PROGRESS_H_
#define KG_CLI_IMPORT_PROGRESS_H_

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

#include "kg/v1/kg.pb.h"

namespace kg::cli {

// One line without a newline; the bar only when `width` leaves room for it:
//   "[###.......]  validate  12345 rows read  41234 rows/s  18%  ETA 0:12"
//   "[######....]  write  10000 rows committed  20000 rows/s  60%  ETA 0:05"
// `rows_per_second` is the current phase's rate (the view measures it).
std::string ImportProgressLine(const v1::ImportFilesProgress& progress, double rows_per_second,
                               int width);

// The summary printed at the end (the wording of `kgd import`).
std::string ImportSummaryText(const v1::ImportFilesSummary& summary);

class ImportProgressView {
 public:
  // On a terminal one line is redrawn (at most ten times a second); otherwise, with
  // `plain_lines`, a line is printed every `plain_interval`; else nothing is shown.
  ImportProgressView(std::FILE* out, bool terminal, bool plain_lines,
                     std::chrono::milliseconds plain_interval = std::chrono::seconds(2));

  void Update(const v1::ImportFilesProgress& progress);
  // Erases the redrawn line (before the summary or an error is printed).
  void Clear();

 private:
  std::FILE* out_;
  bool terminal_;
  bool plain_;
  std::chrono::milliseconds interval_;
  std::chrono::steady_clock::time_point last_{};
  bool drawn_ = false;
  // The first commit seen: the write rate is measured from it.
  double write_start_seconds_ = -1;
  int64_t write_start_rows_ = 0;
};

}  // namespace kg::cli

#endif  // KG_CLI_IMPORT_PROGRESS_H_
