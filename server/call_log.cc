#include "server/call_log.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "proto/status_names.h"

namespace kg::server {
namespace {

class CallLogInterceptor : public grpc::experimental::Interceptor {
 public:
  CallLogInterceptor(grpc::experimental::ServerRpcInfo* info, const LogSink* sink)
      : info_(info),
        method_(info->method()),
        sink_(sink),
        start_(std::chrono::steady_clock::now()) {}

  ~CallLogInterceptor() override {
    if (!logged_) Log(grpc::StatusCode::CANCELLED);
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    // The peer is known once the call has arrived (not yet when the interceptor is created).
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::POST_RECV_INITIAL_METADATA) &&
        info_->server_context() != nullptr) {
      peer_ = info_->server_context()->peer();
    }
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_STATUS)) {
      grpc::Status status = methods->GetSendStatus();
      if (status.error_code() == grpc::StatusCode::INTERNAL && status.error_message().empty()) {
        // gRPC's own answer to a request that does not parse (e.g. a string field holding
        // broken UTF-8): the client's mistake, so never INTERNAL.
        status = grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                              "the request is not a valid message of this method (strings must "
                              "be UTF-8)");
        methods->ModifySendStatus(status);
      }
      Log(status.error_code());
    }
    methods->Proceed();
  }

 private:
  void Log(grpc::StatusCode code) {
    logged_ = true;
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_)
                    .count();
    (*sink_)(absl::StrFormat("%s call method=%s status=%s duration_ms=%.3f peer=%s", NowUtc(),
                             method_, StatusCodeName(code), ms, peer_));
  }

  grpc::experimental::ServerRpcInfo* info_;
  std::string method_;
  std::string peer_;
  const LogSink* sink_;
  std::chrono::steady_clock::time_point start_;
  bool logged_ = false;
};

class CallLogFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit CallLogFactory(LogSink sink) : sink_(std::move(sink)) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new CallLogInterceptor(info, &sink_);
  }

 private:
  LogSink sink_;
};

}  // namespace

std::string NowUtc() {
  auto now = std::chrono::system_clock::now();
  std::time_t secs = std::chrono::system_clock::to_time_t(now);
  auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return absl::StrFormat("%s.%03dZ", buf, static_cast<int>(millis));
}

void LogToStderr(const std::string& line) {
  std::string out = line + "\n";
  // One write() per line: lines from concurrent calls never interleave.
  ssize_t ignored = ::write(STDERR_FILENO, out.data(), out.size());
  (void)ignored;
}

std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
MakeCallLogInterceptors(LogSink sink) {
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> out;
  out.push_back(std::make_unique<CallLogFactory>(std::move(sink)));
  return out;
}

}  // namespace kg::server
