#include "server/auth.h"

#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "server/errors.h"

namespace kg::server {
namespace {

// Equal length and contents, in time independent of where they differ.
bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace

absl::StatusOr<TokenTable> TokenTable::Load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read the token file ", path));
  std::stringstream text;
  text << in.rdbuf();
  absl::StatusOr<TokenTable> table = Parse(text.str());
  if (!table.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", table.status().message()));
  }
  return table;
}

absl::StatusOr<TokenTable> TokenTable::Parse(std::string_view text) {
  TokenTable table;
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(absl::string_view(text.data(), text.size()), '\n')) {
    ++line_no;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    std::vector<absl::string_view> fields =
        absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    if (fields.size() != 2) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", line_no, ": expected `<token> read-only|read-write`, got ",
                       fields.size(), " fields"));
    }
    Access access;
    if (fields[1] == "read-only" || fields[1] == "ro") {
      access = Access::kRead;
    } else if (fields[1] == "read-write" || fields[1] == "rw") {
      access = Access::kWrite;
    } else {
      return absl::InvalidArgumentError(absl::StrCat("line ", line_no, ": unknown access '",
                                                     fields[1],
                                                     "' (expected read-only or read-write)"));
    }
    table.entries_.push_back({std::string(fields[0]), access});
  }
  if (table.entries_.empty()) return absl::InvalidArgumentError("no tokens");
  return table;
}

absl::StatusOr<Access> TokenTable::Lookup(std::string_view token) const {
  const Entry* found = nullptr;
  for (const Entry& e : entries_) {  // no early exit: the time does not depend on the match
    if (ConstantTimeEquals(e.token, token)) found = &e;
  }
  if (found == nullptr) return absl::NotFoundError("unknown token");
  return found->access;
}

grpc::Status CheckAccess(const TokenTable* tokens, const grpc::ServerContext& context,
                         Access needed) {
  if (tokens == nullptr) return grpc::Status::OK;
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("authorization");
  if (it == metadata.end()) {
    return MakeStatus(grpc::StatusCode::UNAUTHENTICATED,
                      "missing `authorization: Bearer <token>` metadata");
  }
  std::string_view value(it->second.data(), it->second.size());
  constexpr std::string_view kBearer = "Bearer ";
  if (value.substr(0, kBearer.size()) != kBearer) {
    return MakeStatus(grpc::StatusCode::UNAUTHENTICATED,
                      "the authorization metadata must be `Bearer <token>`");
  }
  absl::StatusOr<Access> access = tokens->Lookup(value.substr(kBearer.size()));
  if (!access.ok()) return MakeStatus(grpc::StatusCode::UNAUTHENTICATED, "unknown token");
  if (needed == Access::kWrite && *access == Access::kRead) {
    return MakeStatus(grpc::StatusCode::PERMISSION_DENIED,
                      "this call writes, and the token is read-only");
  }
  return grpc::Status::OK;
}

}  // namespace kg::server
