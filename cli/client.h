// `kg`'s connection to kgd and its exit codes.
//
//   Client client(args);                        // --server, --token, --ca_cert, --timeout_ms
//   if (int rc = client.Connect(); rc != kExitOk) return rc;   // 3 when kgd is unreachable
//   auto ctx = client.NewContext();             // carries the token and the deadline
//   grpc::Status s = client.stub().Stats(ctx.get(), request, &response);
//   if (!s.ok()) return client.Fail(s);         // message on stderr, exit 1 (or 3)
#ifndef KG_CLI_CLIENT_H_
#define KG_CLI_CLIENT_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "cli/args.h"
#include "kg/v1/kg.grpc.pb.h"

namespace kg::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;  // a query or input error
inline constexpr int kExitUsage = 2;
inline constexpr int kExitUnreachable = 3;  // kgd not reachable

class Client {
 public:
  explicit Client(const Args& args);

  // Opens the channel and waits (up to 3 s) for kgd; kExitUnreachable when it does not answer.
  int Connect();

  // A context with the bearer token and, when --timeout_ms was given (or `default_timeout_ms`
  // is positive), a deadline.
  std::unique_ptr<grpc::ClientContext> NewContext(long long default_timeout_ms = 0) const;

  v1::KnowledgeGraph::Stub& stub() { return *stub_; }

  // Prints "kg: <CODE>: <message>" plus the position or limit from the ErrorDetail on stderr;
  // returns the exit code for the status.
  int Fail(const grpc::Status& status) const;

 private:
  std::string server_;
  std::string token_;
  std::string ca_cert_;
  long long timeout_ms_ = 0;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::KnowledgeGraph::Stub> stub_;
};


}  // namespace kg::cli

#endif  // KG_CLI_CLIENT_H_
