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

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

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

  // Reads the next row; false at the end or on a syntax error (see status()).
  bool Next(std::vector<CsvField>* row);
  absl::Status status() const { return status_; }
  // The line on which the last row returned started.
  int64_t row_line() const { return row_line_; }
  // Bytes consumed so far (for progress).
  size_t offset() const { return pos_; }

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

}  // namespace kg::import

#endif  // KG_IMPORT_CSV_H_
