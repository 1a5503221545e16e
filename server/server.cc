#include "server/server.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/resource_quota.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/server_builder.h>

#include <chrono>
#include <utility>

#include "absl/strings/str_cat.h"
#include "server/import_spool.h"
#include "server/service.h"

namespace kg::server {

KnowledgeGraphService::QuerySlot::QuerySlot(std::atomic<int>* in_flight, int max)
    : in_flight_(in_flight) {
  int now = in_flight_->fetch_add(1) + 1;
  ok_ = max <= 0 || now <= max;
}

KnowledgeGraphService::QuerySlot::~QuerySlot() { in_flight_->fetch_sub(1); }

KnowledgeGraphService::KnowledgeGraphService(graph::Graph* graph, const ServerOptions& options)
    : graph_(graph), options_(options) {
  if (graph_ != nullptr) RemoveStaleImportSpools(graph_->dir());  // left by a crash
  if (!options_.extractor_address.empty()) {
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(options_.max_message_bytes);
    args.SetMaxSendMessageSize(options_.max_message_bytes);
    remote_extractor_ = v1::Extractor::NewStub(grpc::CreateCustomChannel(
        options_.extractor_address, grpc::InsecureChannelCredentials(), args));
  }
}

absl::StatusOr<std::unique_ptr<KgServer>> KgServer::Start(graph::Graph* graph,
                                                          ServerOptions options) {
  // Both must happen before the builder is created: the default health service and the
  // reflection plugin are picked up at build time. Calling the reflection init explicitly also
  // keeps g++'s --as-needed from dropping libgrpc++_reflection (toolchain.md §2).
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  std::unique_ptr<KgServer> server(new KgServer());
  server->service_ = std::make_unique<KnowledgeGraphService>(graph, options);

  grpc::ServerBuilder builder;
  std::shared_ptr<grpc::ServerCredentials> creds =
      options.credentials != nullptr ? options.credentials : grpc::InsecureServerCredentials();
  builder.AddListeningPort(options.listen, creds, &server->port_);
  builder.RegisterService(server->service_.get());
  builder.SetMaxReceiveMessageSize(options.max_message_bytes);
  builder.SetMaxSendMessageSize(options.max_message_bytes);
  // Hardening (reliability-brief.md): bounded streams per connection, keepalive that notices
  // dead clients, metadata small enough for tokens but not for abuse.
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, 64);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 60'000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 20'000);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10'000);
  builder.AddChannelArgument(GRPC_ARG_MAX_METADATA_SIZE, 16 * 1024);
  builder.experimental().SetInterceptorCreators(MakeCallLogInterceptors(options.log));

  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options.listen, " (address in use or invalid?)"));
  }
  grpc::HealthCheckServiceInterface* health = server->server_->GetHealthCheckService();
  if (health != nullptr) {
    health->SetServingStatus(true);
    health->SetServingStatus(kServiceName, true);
  }
  return server;
}

KgServer::~KgServer() { Shutdown(absl::ZeroDuration()); }

void KgServer::Shutdown(absl::Duration grace) {
  if (shut_down_ || server_ == nullptr) return;
  shut_down_ = true;
  grpc::HealthCheckServiceInterface* health = server_->GetHealthCheckService();
  if (health != nullptr) health->SetServingStatus(false);
  auto deadline = std::chrono::system_clock::now() +
                  std::chrono::milliseconds(absl::ToInt64Milliseconds(grace));
  server_->Shutdown(deadline);
}

void KgServer::Wait() {
  if (server_ != nullptr) server_->Wait();
}

}  // namespace kg::server
