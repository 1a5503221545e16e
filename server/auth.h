// Bearer-token authorization for kgd.
//
//   absl::StatusOr<TokenTable> tokens = TokenTable::Load("/etc/kg/tokens");
//   grpc::Status s = CheckAccess(&*tokens, *context, Access::kWrite);
//
// The token file has one token per line: `<token> <access>`, access being `read-only` (or `ro`)
// or `read-write` (or `rw`); blank lines and lines starting with '#' are ignored. The access is
// required, so a file cannot grant writes by omission.
//
// Why a handler prologue rather than grpc::AuthMetadataProcessor: gRPC C++ runs metadata
// processors only on TLS credentials, and kgd must also enforce tokens on plaintext loopback.
// Tokens are compared in constant time.
#ifndef KG_SERVER_AUTH_H_
#define KG_SERVER_AUTH_H_

#include <grpcpp/server_context.h>

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace kg::server {

enum class Access { kRead, kWrite };

class TokenTable {
 public:
  static absl::StatusOr<TokenTable> Load(const std::string& path);
  static absl::StatusOr<TokenTable> Parse(std::string_view text);

  // The access `token` grants; NOT_FOUND for an unknown token.
  absl::StatusOr<Access> Lookup(std::string_view token) const;
  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::string token;
    Access access;
  };
  std::vector<Entry> entries_;
};

// OK when `tokens` is null (no --auth_token_file) or the call's `authorization: Bearer <token>`
// grants `needed`. UNAUTHENTICATED for a missing or unknown token, PERMISSION_DENIED for a
// read-only token on a write.
grpc::Status CheckAccess(const TokenTable* tokens, const grpc::ServerContext& context,
                         Access needed);

}  // namespace kg::server

#endif  // KG_SERVER_AUTH_H_
