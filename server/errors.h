// From absl::Status to grpc::Status, with a machine-readable kg.v1.ErrorDetail in the details.
//
//   return ToGrpcStatus(cursor.status());            // codes carry over one to one
//   return ToGrpcStatus(status, detail);             // with fields the caller knows
//
// absl's and gRPC's canonical codes are the same numbers, so the code passes through unchanged:
// the libraries already return INVALID_ARGUMENT for a user's mistake and INTERNAL only for bugs.
// The detail is filled from the message where it follows the libraries' documented forms:
// "line L, column C: ..." (query parse errors) and a limit named by its option name.
#ifndef KG_SERVER_ERRORS_H_
#define KG_SERVER_ERRORS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"
#include "kg/v1/kg.pb.h"

namespace kg::server {

// Extracts what the message says about a position or a limit into `detail`.
void FillDetailFromMessage(std::string_view message, v1::ErrorDetail* detail);

grpc::Status ToGrpcStatus(const absl::Status& status, v1::ErrorDetail detail = {});

// A status built here (auth, admission, validation).
grpc::Status MakeStatus(grpc::StatusCode code, const std::string& message,
                        v1::ErrorDetail detail = {});

}  // namespace kg::server

#endif  // KG_SERVER_ERRORS_H_
