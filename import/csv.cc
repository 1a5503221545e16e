#include "import/csv.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace kg::import {

CsvReader::CsvReader(std::string_view text, char delimiter) : text_(text), delimiter_(delimiter) {
  if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;  // a UTF-8 byte-order mark
}

CsvReader::CsvReader(std::string_view text, char delimiter, size_t start, int64_t line)
    : CsvReader(text, delimiter) {
  if (start > 0) pos_ = std::min(start, text_.size());
  line_ = line;
}

void CsvReader::Advance() {
  char c = text_[pos_++];
  if (c == '\n') {
    ++line_;
    column_ = 1;
  } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
    ++column_;  // count characters, not UTF-8 continuation bytes
  }
}

bool CsvReader::ReadField(CsvField* field, bool* end_of_row) {
  field->text.clear();
  field->line = line_;
  field->column = column_;
  field->quoted = pos_ < text_.size() && text_[pos_] == '"';
  if (field->quoted) {
    Advance();
    while (true) {
      if (pos_ >= text_.size()) {
        status_ = absl::InvalidArgumentError(absl::StrCat("line ", field->line, ", column ",
                                                          field->column,
                                                          ": unterminated quoted field"));
        return false;
      }
      char c = text_[pos_];
      if (c == '"') {
        if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '"') {
          field->text.push_back('"');
          Advance();
          Advance();
          continue;
        }
        Advance();
        break;
      }
      field->text.push_back(c);
      Advance();
    }
    if (pos_ < text_.size() && text_[pos_] != delimiter_ && text_[pos_] != '\n' &&
        text_[pos_] != '\r') {
      status_ = absl::InvalidArgumentError(
          absl::StrCat("line ", line_, ", column ", column_,
                       ": expected a delimiter or the end of the line after a quoted field"));
      return false;
    }
  } else {
    // The hot path: scan to the delimiter or the end of the line, then copy once.
    size_t end = pos_;
    while (end < text_.size() && text_[end] != delimiter_ && text_[end] != '\n') {
      if (text_[end] == '\r' && (end + 1 == text_.size() || text_[end + 1] == '\n')) break;
      if ((static_cast<unsigned char>(text_[end]) & 0xC0) != 0x80) ++column_;
      ++end;
    }
    field->text.assign(text_.data() + pos_, end - pos_);
    pos_ = end;
  }
  if (pos_ < text_.size() && text_[pos_] == delimiter_) {
    Advance();
    *end_of_row = false;
    return true;
  }
  if (pos_ < text_.size() && text_[pos_] == '\r') Advance();
  if (pos_ < text_.size() && text_[pos_] == '\n') Advance();
  *end_of_row = true;
  return true;
}

// Fields are reused from row to row (their strings keep their capacity): rows of one file have
// the same width, so a steady-state row allocates nothing.
bool CsvReader::Next(std::vector<CsvField>* row) {
  if (!status_.ok()) {
    row->clear();
    return false;
  }
  // Skip empty lines.
  while (pos_ < text_.size() && (text_[pos_] == '\n' || text_[pos_] == '\r')) Advance();
  if (pos_ >= text_.size()) {
    row->clear();
    return false;
  }
  row_line_ = line_;
  size_t fields = 0;
  auto next_field = [&]() -> CsvField& {
    if (fields == row->size()) row->emplace_back();
    return (*row)[fields++];
  };
  bool end_of_row = false;
  while (!end_of_row) {
    bool ok = ReadField(&next_field(), &end_of_row);
    if (!ok) {
      row->resize(fields);
      return false;
    }
    if (!end_of_row && pos_ >= text_.size()) {  // "a,b," ends with an empty field
      CsvField& last = next_field();
      last.text.clear();
      last.line = line_;
      last.column = column_;
      last.quoted = false;
      end_of_row = true;
    }
  }
  row->resize(fields);
  return true;
}

namespace {

// Rows per batch, and batches in all (one with the caller, the others read ahead): a hand-off per
// few hundred rows, a few hundred KiB at most.
constexpr size_t kBatchRows = 512;
constexpr size_t kBatches = 4;

}  // namespace

CsvReadAhead::CsvReadAhead(std::string_view text, char delimiter, size_t skip_rows)
    : CsvReadAhead(text, delimiter, skip_rows, 0, 1) {}

CsvReadAhead::CsvReadAhead(std::string_view text, char delimiter, size_t skip_rows, size_t start,
                           int64_t line)
    : text_(text), delimiter_(delimiter), skip_rows_(skip_rows), start_(start), line_(line) {
  for (size_t i = 0; i < kBatches; ++i) free_.push_back(std::make_unique<Batch>());
  thread_ = std::thread(&CsvReadAhead::Run, this);
}

CsvReadAhead::~CsvReadAhead() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void CsvReadAhead::Run() {
  CsvReader reader(text_, delimiter_, start_, line_);
  std::vector<CsvField> skipped;
  for (size_t i = 0; i < skip_rows_ && reader.Next(&skipped); ++i) {
  }
  bool more = reader.status().ok();
  while (more) {
    std::unique_ptr<Batch> batch;
    {
      std::unique_lock<std::mutex> lock(mu_);
      changed_.wait(lock, [this] { return stop_ || !free_.empty(); });
      if (stop_) return;
      batch = std::move(free_.back());
      free_.pop_back();
    }
    batch->count = 0;
    while (batch->count < kBatchRows) {
      if (batch->rows.size() == batch->count) batch->rows.emplace_back();
      CsvRow& row = batch->rows[batch->count];
      row.start = reader.offset();
      more = reader.Next(&row.fields);
      if (!more) break;
      row.line = reader.row_line();
      row.end = reader.offset();
      ++batch->count;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (batch->count > 0) {
        full_.push_back(std::move(batch));
      } else {
        free_.push_back(std::move(batch));
      }
      if (!more) Finish(reader.status());  // with the last rows: the caller sees both at once
    }
    changed_.notify_all();
  }
  std::lock_guard<std::mutex> lock(mu_);
  Finish(reader.status());  // a header that failed
  changed_.notify_all();
}

void CsvReadAhead::Finish(const absl::Status& status) {
  if (finished_) return;
  status_ = status;
  finished_ = true;
}

absl::Span<const CsvRow> CsvReadAhead::NextBatch() {
  std::unique_lock<std::mutex> lock(mu_);
  if (current_) free_.push_back(std::move(current_));
  changed_.notify_all();
  changed_.wait(lock, [this] { return !full_.empty() || finished_; });
  if (full_.empty()) return {};
  current_ = std::move(full_.front());
  full_.pop_front();
  return absl::Span<const CsvRow>(current_->rows.data(), current_->count);
}

absl::Status CsvReadAhead::status() const {
  std::lock_guard<std::mutex> lock(mu_);
  return status_;
}

}  // namespace kg::import
