#include "server/errors.h"

#include <cctype>
#include <cstdlib>
#include <string>

namespace kg::server {
namespace {

// The integer right after `pos` in `text` (skipping spaces, '=' and '('), or -1.
int64_t NumberAfter(std::string_view text, size_t pos) {
  while (pos < text.size() &&
         (text[pos] == ' ' || text[pos] == '=' || text[pos] == '(' || text[pos] == ':')) {
    ++pos;
  }
  if (pos >= text.size() || !std::isdigit(static_cast<unsigned char>(text[pos]))) return -1;
  int64_t n = 0;
  while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos])) &&
         n < (int64_t{1} << 55)) {
    n = n * 10 + (text[pos++] - '0');
  }
  return n;
}

}  // namespace

void FillDetailFromMessage(std::string_view message, v1::ErrorDetail* detail) {
  if (detail->message().empty()) detail->set_message(std::string(message));
  size_t line = message.find("line ");
  size_t column = message.find("column ");
  if (line != std::string_view::npos && column != std::string_view::npos && detail->line() == 0) {
    int64_t l = NumberAfter(message, line + 5);
    int64_t c = NumberAfter(message, column + 7);
    if (l > 0 && c > 0) {
      detail->set_line(static_cast<int32_t>(l));
      detail->set_column(static_cast<int32_t>(c));
      // The engine appends the offending line and a caret on the following lines.
      size_t nl = message.find('\n');
      if (nl != std::string_view::npos) detail->set_excerpt(std::string(message.substr(nl + 1)));
    }
  }
  if (detail->limit_name().empty()) {
    for (const char* name : {"max_traversers", "max_results", "max_concurrent_queries",
                             "max_message_bytes", "max_import_bytes", "max_concurrent_imports",
                             "timeout"}) {
      size_t at = message.find(name);
      if (at == std::string_view::npos) continue;
      detail->set_limit_name(name);
      int64_t value = NumberAfter(message, at + std::string_view(name).size());
      if (value >= 0) detail->set_limit_value(value);
      break;
    }
  }
}

grpc::Status MakeStatus(grpc::StatusCode code, const std::string& message, v1::ErrorDetail detail) {
  if (detail.message().empty()) detail.set_message(message);
  return grpc::Status(code, message, detail.SerializeAsString());
}

grpc::Status ToGrpcStatus(const absl::Status& status, v1::ErrorDetail detail) {
  if (status.ok()) return grpc::Status::OK;
  std::string message(status.message());
  FillDetailFromMessage(message, &detail);
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), message,
                      detail.SerializeAsString());
}

}  // namespace kg::server
