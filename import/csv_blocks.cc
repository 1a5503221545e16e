#include "import/csv_blocks.h"

namespace kg::import {

bool IsSimpleCsvBlock(std::string_view block) {
  if (block.empty()) return true;
  if (std::memchr(block.data(), '"', block.size()) != nullptr) return false;
  for (size_t pos = 0;;) {
    const void* cr = std::memchr(block.data() + pos, '\r', block.size() - pos);
    if (cr == nullptr) return true;
    pos = static_cast<size_t>(static_cast<const char*>(cr) - block.data()) + 1;
    if (pos >= block.size() || block[pos] != '\n') return false;
  }
}

size_t CsvBlockStart(std::string_view text, size_t data_begin, size_t block_bytes, size_t k) {
  if (k == 0) return std::min(data_begin, text.size());
  size_t from = data_begin + k * block_bytes - 1;
  if (from >= text.size()) return text.size();
  const void* newline = std::memchr(text.data() + from, '\n', text.size() - from);
  if (newline == nullptr) return text.size();
  return static_cast<size_t>(static_cast<const char*>(newline) - text.data()) + 1;
}

void SplitSimpleCsvLine(std::string_view line, char delimiter,
                        std::vector<std::string_view>* fields) {
  fields->clear();
  for (size_t pos = 0;;) {
    if (pos == line.size()) {  // "a," ends with an empty field
      fields->push_back(std::string_view());
      return;
    }
    const void* at = std::memchr(line.data() + pos, delimiter, line.size() - pos);
    if (at == nullptr) {
      fields->push_back(line.substr(pos));
      return;
    }
    size_t end = static_cast<size_t>(static_cast<const char*>(at) - line.data());
    fields->push_back(line.substr(pos, end - pos));
    pos = end + 1;
  }
}

}  // namespace kg::import
