// An RFC 4180 reader that knows where it is: every field carries the line and column it starts
// at, so a bad value can be reported as file:line:column.
//
//   CsvReader reader(text, ',');
//   std::vector<CsvField> row;
//   while (reader.Next(&row)) { ... row[i].text, row[i].line, row[i].column ... }
//   if (!reader.status().ok()) ...   // e.g. "line 7, column 12: unterminated quoted field"
//
// Quoted fields may contain the delimiter, doubled quotes and newlines. A trailing newline does
// not make an empty row; empty lines are skipped. Columns count Unicode characters, from 1.
#ifndef KG_IMPORT_CSV_H_
#define KG_IMPORT_CSV_H_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"

namespace kg::import {

struct CsvField {
  std::string text;
  int64_t line = 0;    // 1-based line where the field starts
  int64_t column = 0;  // 1-based, in characters
  bool quoted = false;
};

class CsvReader {
 public:
  CsvReader(std::string_view text, char delimiter);
  // Starts at byte `start` of `text` (a row boundary), on line `line`; a byte-order mark is
  // skipped only at the start of the text.
  CsvReader(std::string_view text, char delimiter, size_t start, int64_t line);

  // Reads the next row; false at the end or on a syntax error (see status()).
  bool Next(std::vector<CsvField>* row);
  absl::Status status() const { return status_; }
  // The line on which the last row returned started.
  int64_t row_line() const { return row_line_; }
  // Bytes consumed so far (for progress).
  size_t offset() const { return pos_; }
  // The line the reader is on (after the last row returned: the line that follows it).
  int64_t line() const { return line_; }

 private:
  bool ReadField(CsvField* field, bool* end_of_row);
  void Advance();  // one character, tracking line and column

  std::string_view text_;
  char delimiter_;
  size_t pos_ = 0;
  int64_t line_ = 1, column_ = 1;
  int64_t row_line_ = 0;
  absl::Status status_;
};

// A row with where it is in the text.
struct CsvRow {
  std::vector<CsvField> fields;
  int64_t line = 0;           // where the row starts (CsvReader::row_line)
  size_t start = 0, end = 0;  // byte offsets of its text (with the blank lines before it)
};

// A CsvReader on a thread of its own, running a few batches of rows ahead of the caller, so that
// splitting the text into fields overlaps whatever the caller does with the rows. The same rows
// and the same syntax error as CsvReader.
//
//   CsvReadAhead rows(text, ',', /*skip_rows=*/1);
//   for (absl::Span<const CsvRow> batch; !(batch = rows.NextBatch()).empty();) ...
//   if (!rows.status().ok()) ...
class CsvReadAhead {
 public:
  CsvReadAhead(std::string_view text, char delimiter, size_t skip_rows);
  // From byte `start` of `text` (a row boundary) on line `line`, as CsvReader's.
  CsvReadAhead(std::string_view text, char delimiter, size_t skip_rows, size_t start, int64_t line);
  ~CsvReadAhead();  // stops the thread, wherever it is
  CsvReadAhead(const CsvReadAhead&) = delete;
  CsvReadAhead& operator=(const CsvReadAhead&) = delete;

  // The next rows in order, valid until the next call; empty at the end or at a syntax error.
  absl::Span<const CsvRow> NextBatch();
  // The reader's status once NextBatch() returned empty.
  absl::Status status() const;

 private:
  struct Batch {
    std::vector<CsvRow> rows;  // reused: fields keep their capacity
    size_t count = 0;
  };
  // The reading thread.
  void Run();
  // Records the reader's end; with mu_ held.
  void Finish(const absl::Status& status);

  std::string_view text_;
  char delimiter_;
  size_t skip_rows_;
  size_t start_ = 0;
  int64_t line_ = 1;
  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::vector<std::unique_ptr<Batch>> free_;  // for the reader to fill
  std::deque<std::unique_ptr<Batch>> full_;   // for the caller, in order
  std::unique_ptr<Batch> current_;            // the caller's
  bool finished_ = false;                     // the reader put its last batch
  bool stop_ = false;
  absl::Status status_;
  std::thread thread_;  // last: starts once the rest is ready
};

}  // namespace kg::import

#endif  // KG_IMPORT_CSV_H_
