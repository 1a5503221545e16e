// `kgd import`: the offline import, as a command. kgd's main() hands it its arguments.
//
//   kgd import --data_dir ./kg-data [--memory_mb 512] [--skip_bad_rows N]
//              [--bad_rows_report FILE] [--dry_run] FILE...
//
// The database must not be open in a running kgd (its lock is checked before any work). A
// progress bar goes to stderr when it is a terminal; the summary goes to stdout. Exit codes: 0
// success, 1 an input or database error (the message on stderr), 2 usage.
#ifndef KG_IMPORT_COMMAND_H_
#define KG_IMPORT_COMMAND_H_

#include <iosfwd>
#include <string>
#include <vector>

#include "import/import.h"

namespace kg::import {

int RunImportCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

// "12,345 rows  41,234 rows/s  37%  ETA 0:12" (with a bar when width allows): one line, no newline.
std::string ProgressLine(const ImportProgress& progress, int width);

// The summary printed at the end of an import.
std::string SummaryText(const ImportSummary& summary, bool dry_run);

}  // namespace kg::import

#endif  // KG_IMPORT_COMMAND_H_
