#include "server/mutation_check.h"

#include <cctype>

namespace kg::server {
namespace {

bool IsIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

bool IsMutatingStep(std::string_view name) {
  for (std::string_view step : {"addV", "addE", "property", "drop", "mergeV", "mergeE"}) {
    if (name == step) return true;
  }
  return false;
}

}  // namespace

bool MayWrite(std::string_view q) {
  size_t i = 0;
  while (i < q.size()) {
    char c = q[i];
    if (c == '\'' || c == '"') {  // skip a string literal, honouring backslash escapes
      char quote = c;
      for (++i; i < q.size() && q[i] != quote; ++i) {
        if (q[i] == '\\') ++i;
      }
      ++i;
      continue;
    }
    if (IsIdentChar(c)) {
      size_t start = i;
      while (i < q.size() && IsIdentChar(q[i])) ++i;
      std::string_view name = q.substr(start, i - start);
      size_t j = i;
      while (j < q.size() && std::isspace(static_cast<unsigned char>(q[j]))) ++j;
      if (j < q.size() && q[j] == '(' && IsMutatingStep(name)) return true;
      continue;
    }
    ++i;
  }
  return false;
}

}  // namespace kg::server
