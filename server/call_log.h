// One log line per call: method, status, duration, peer.
//
//   builder.experimental().SetInterceptorCreators(MakeCallLogInterceptors(sink));
//   // 2026-11-25T08:00:00.123Z call method=/kg.v1.KnowledgeGraph/Query status=OK
//   //   duration_ms=1.234 peer=ipv4:127.0.0.1:51234   (one line)
//
// An interceptor rather than code in each handler, so health and reflection calls are logged the
// same way and no handler can forget. A call whose status is never sent (the client went away)
// is logged when gRPC drops it, with status CANCELLED.
//
// The same interceptor maps gRPC's answer to a request that does not parse (INTERNAL with an
// empty message, from grpc::GenericDeserialize; e.g. a string field with broken UTF-8) to
// INVALID_ARGUMENT: a client's malformed request is never INTERNAL. kg's handlers never return
// INTERNAL without a message.
#ifndef KG_SERVER_CALL_LOG_H_
#define KG_SERVER_CALL_LOG_H_

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_interceptor.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace kg::server {

using LogSink = std::function<void(const std::string& line)>;

// Writes the line to stderr (thread-safe; one write per line).
void LogToStderr(const std::string& line);

// "2026-11-25T08:00:00.123Z" for now.
std::string NowUtc();

std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
MakeCallLogInterceptors(LogSink sink);

}  // namespace kg::server

#endif  // KG_SERVER_CALL_LOG_H_
