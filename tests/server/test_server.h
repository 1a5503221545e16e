// An in-process kgd for tests: a fresh database in a temporary directory, the real service on a
// free loopback port, a stub, and the call log captured.
#ifndef KG_TESTS_SERVER_TEST_SERVER_H_
#define KG_TESTS_SERVER_TEST_SERVER_H_

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "graph/graph.h"
#include "gtest/gtest.h"
#include "ingest/ingest.h"
#include "kg/v1/kg.grpc.pb.h"
#include "server/server.h"

namespace kg::server::testing {

class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "kg-server-test-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Captures the call log lines.
class LogCapture {
 public:
  LogSink Sink() {
    return [this](const std::string& line) {
      std::lock_guard<std::mutex> lock(mu_);
      lines_.push_back(line);
    };
  }
  std::vector<std::string> Lines() {
    std::lock_guard<std::mutex> lock(mu_);
    return lines_;
  }
  // Waits (bounded) for a line containing every one of `parts`.
  bool WaitFor(const std::vector<std::string>& parts, std::chrono::milliseconds timeout) {
    auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
      for (const std::string& line : Lines()) {
        bool all = true;
        for (const std::string& p : parts) all = all && line.find(p) != std::string::npos;
        if (all) return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

 private:
  std::mutex mu_;
  std::vector<std::string> lines_;
};

struct TestServer {
  TempDir dir;
  LogCapture log;
  std::unique_ptr<graph::Graph> graph;
  std::unique_ptr<KgServer> server;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::KnowledgeGraph::Stub> stub;
  absl::Status bundle_status;

  // Opens the database and starts the server; `configure` may change the options first.
  void Start(const std::function<void(ServerOptions*)>& configure = nullptr) {
    auto g = graph::Graph::Open(dir.path() + "/db");
    ASSERT_TRUE(g.ok()) << g.status();
    graph = *std::move(g);
    ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.log = log.Sink();
    // Only the ingestion tests need the bundle; they check bundle_status themselves.
    auto bundle = ingest::Bundle::Load(ingest::DefaultBundleDir());
    bundle_status = bundle.status();
    if (bundle.ok()) options.bundle = *bundle;
    if (configure) configure(&options);
    auto s = KgServer::Start(graph.get(), options);
    ASSERT_TRUE(s.ok()) << s.status();
    server = *std::move(s);
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(64 << 20);
    args.SetMaxSendMessageSize(64 << 20);
    channel = grpc::CreateCustomChannel("127.0.0.1:" + std::to_string(server->port()),
                                        grpc::InsecureChannelCredentials(), args);
    stub = v1::KnowledgeGraph::NewStub(channel);
  }

  ~TestServer() {
    if (server) server->Shutdown(absl::Seconds(2));
    server.reset();
    graph.reset();
  }
};

// A context with a bounded deadline (tests never hang) and, optionally, a bearer token.
inline std::unique_ptr<grpc::ClientContext> Ctx(const std::string& token = "",
                                                int timeout_ms = 20'000) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(timeout_ms));
  if (!token.empty()) ctx->AddMetadata("authorization", "Bearer " + token);
  return ctx;
}

// What one IngestDocuments stream answered: a report per document, then the call's status.
struct IngestRun {
  std::vector<v1::DocumentReport> reports;
  grpc::Status status;
};

// Streams `docs` through IngestDocuments, after an options message (explain on unless asked
// otherwise), and collects every report.
inline IngestRun Ingest(v1::KnowledgeGraph::Stub& stub, const std::vector<v1::Document>& docs,
                        bool dry_run = false, bool explain = true) {
  IngestRun out;
  auto ctx = Ctx("", 120'000);
  auto stream = stub.IngestDocuments(ctx.get());
  v1::IngestRequest options;
  options.mutable_options()->set_dry_run(dry_run);
  options.mutable_options()->set_explain(explain);
  stream->Write(options);
  for (const v1::Document& d : docs) {
    v1::IngestRequest r;
    *r.mutable_document() = d;
    stream->Write(r);
  }
  stream->WritesDone();
  for (v1::IngestEvent e; stream->Read(&e);) {
    if (e.has_report()) out.reports.push_back(e.report());
  }
  out.status = stream->Finish();
  return out;
}

// grpc.health.v1.Health/Check through the generic stub (Debian ships no C++ health stubs):
// returns the ServingStatus number (1 = SERVING, 2 = NOT_SERVING) or -code on an RPC error.
inline int HealthCheck(const std::shared_ptr<grpc::Channel>& channel, const std::string& service) {
  grpc::GenericStub stub(channel);
  std::string request;
  if (!service.empty()) {
    request.push_back('\x0a');
    request.push_back(static_cast<char>(service.size()));
    request += service;
  }
  grpc::Slice slice(request);
  grpc::ByteBuffer in(&slice, 1), out;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  std::promise<grpc::Status> done;
  stub.UnaryCall(&ctx, "/grpc.health.v1.Health/Check", grpc::StubOptions(), &in, &out,
                 [&](grpc::Status s) { done.set_value(s); });
  grpc::Status status = done.get_future().get();
  if (!status.ok()) return -static_cast<int>(status.error_code());
  std::vector<grpc::Slice> slices;
  out.Dump(&slices);
  std::string bytes;
  for (const grpc::Slice& s : slices)
    bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  if (bytes.size() == 2 && bytes[0] == '\x08') return bytes[1];
  return 0;  // UNKNOWN (field absent)
}

}  // namespace kg::server::testing

#endif  // KG_TESTS_SERVER_TEST_SERVER_H_
