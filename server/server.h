// kgd's gRPC server: the kg.v1.KnowledgeGraph service over one open graph, plus the standard
// health service, reflection and one log line per call. What kgd_main.cc runs and what the
// in-process tests start.
//
//   auto graph = kg::graph::Graph::Open(dir);
//   kg::server::ServerOptions options;
//   options.listen = "127.0.0.1:0";                       // any free port
//   auto server = kg::server::KgServer::Start(graph->get(), options);
//   int port = (*server)->port();
//   ...
//   (*server)->Shutdown(absl::Seconds(10));              // graceful: in-flight calls finish
//
// Choices, and why:
//  - The synchronous gRPC API, one thread per call: a query is a pull loop over a cursor, so the
//    thread blocks in Write() when the client reads slowly and gRPC's flow control throttles the
//    scan (the job Gremlin Server's write-buffer watermarks do). Concurrency is bounded by
//    --max_concurrent_queries, rejected with RESOURCE_EXHAUSTED rather than queued.
//  - A client's deadline or cancellation reaches the query engine through is_cancelled and the
//    timeout, so abandoned work stops on the server.
//  - Health reports SERVING for "" and "kg.v1.KnowledgeGraph" once started and NOT_SERVING from
//    the start of a shutdown, so load balancers drain before the listener closes.
#ifndef KG_SERVER_SERVER_H_
#define KG_SERVER_SERVER_H_

#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "graph/graph.h"
#include "ingest/ingest.h"
#include "server/auth.h"
#include "server/call_log.h"

namespace kg::server {

inline constexpr char kServiceName[] = "kg.v1.KnowledgeGraph";

struct ServerOptions {
  std::string listen = "127.0.0.1:50051";
  // Null: plaintext. kgd builds SslServerCredentials from --tls_cert/--tls_key.
  std::shared_ptr<grpc::ServerCredentials> credentials;
  // Null: no authorization (every call allowed).
  std::shared_ptr<const TokenTable> tokens;
  int max_message_bytes = 16 << 20;
  int query_timeout_ms = 30'000;  // 0: no server cap
  int max_concurrent_queries = 4;
  // The extraction rules IngestDocuments uses; null makes IngestDocuments FAILED_PRECONDITION.
  std::shared_ptr<const ingest::Bundle> bundle;
  // HOST:PORT of a kg.v1.Extractor whose output is merged with the built-in extractor's.
  std::string extractor_address;
  // ImportFiles: the most bytes one import may spool into <data_dir>/import-spool.
  uint64_t max_import_bytes = uint64_t{16} << 30;
  LogSink log = LogToStderr;
};

class KnowledgeGraphService;

class KgServer {
 public:
  // Binds and starts serving. `graph` must outlive the server. UNAVAILABLE when the address
  // cannot be bound.
  static absl::StatusOr<std::unique_ptr<KgServer>> Start(graph::Graph* graph,
                                                         ServerOptions options);
  ~KgServer();

  int port() const { return port_; }

  // Stops accepting calls, lets in-flight calls finish for up to `grace`, then cancels the rest
  // (their queries stop at the next cancellation check). Idempotent.
  void Shutdown(absl::Duration grace);
  // Blocks until the server has shut down.
  void Wait();

 private:
  KgServer() = default;
  std::unique_ptr<KnowledgeGraphService> service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  bool shut_down_ = false;
};

}  // namespace kg::server

#endif  // KG_SERVER_SERVER_H_
