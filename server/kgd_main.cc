// kgd: the kg knowledge-graph server. `kgd --help` lists the flags.
//
// Lifecycle: open the database (an embedded RocksDB in --data_dir), load the extraction bundle,
// listen, serve; on SIGTERM or SIGINT mark health NOT_SERVING, stop accepting calls, let in-flight
// calls finish within --shutdown_grace_ms, close the database (flushing it) and exit 0.
#include <grpcpp/security/server_credentials.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "graph/graph.h"
#include "import/command.h"
#include "ingest/ingest.h"
#include "server/server.h"

ABSL_FLAG(std::string, data_dir, "./kg-data", "Database directory (created when missing).");
ABSL_FLAG(std::string, listen, "127.0.0.1:50051",
          "Address to listen on, HOST:PORT; port 0 picks a free port (see --port_file).");
ABSL_FLAG(std::string, tls_cert, "", "PEM certificate chain; with --tls_key, serve TLS.");
ABSL_FLAG(std::string, tls_key, "", "PEM private key for --tls_cert.");
ABSL_FLAG(std::string, auth_token_file, "",
          "When set, every call needs `authorization: Bearer <token>`. One token per line: "
          "`<token> read-only|read-write`.");
ABSL_FLAG(int32_t, max_message_bytes, 16 << 20, "Largest message received or sent.");
ABSL_FLAG(int32_t, query_timeout_ms, 30'000,
          "Longest a query may run (0: no server cap; clients' deadlines still apply).");
ABSL_FLAG(int32_t, max_concurrent_queries, 4,
          "Queries run at once; more are rejected with RESOURCE_EXHAUSTED.");
ABSL_FLAG(std::string, extractor, "",
          "HOST:PORT of a kg.v1.Extractor service whose output is merged into ingestion.");
ABSL_FLAG(std::string, ingest_bundle, "",
          "Ontology, dictionaries and rules for ingestion (default: the shipped bundle).");
ABSL_FLAG(int32_t, shutdown_grace_ms, 10'000,
          "On SIGTERM/SIGINT, how long in-flight calls may take to finish.");
ABSL_FLAG(std::string, port_file, "", "Write the bound port to this file once serving.");
ABSL_FLAG(uint64_t, max_import_bytes, uint64_t{16} << 30,
          "Largest total size of the files one `kg import` may send (spooled in the data dir).");

namespace {

constexpr char kUsage[] =
    "kgd: the kg knowledge-graph server (gRPC service kg.v1.KnowledgeGraph, health, "
    "reflection).\n\n"
    "usage: kgd [--data_dir=./kg-data] [--listen=127.0.0.1:50051] [flags]\n"
    "       kgd import --data_dir=DIR [--dry_run] FILE...   (offline bulk import; "
    "`kgd import --help`)\n\n"
    "flags:\n"
    "  --data_dir=DIR              database directory (default ./kg-data)\n"
    "  --listen=HOST:PORT          address (default 127.0.0.1:50051; port 0 = any free port)\n"
    "  --tls_cert=FILE --tls_key=FILE   serve TLS with this PEM certificate and key\n"
    "  --auth_token_file=FILE      require `authorization: Bearer <token>`; lines are\n"
    "                              `<token> read-only` or `<token> read-write`\n"
    "  --max_message_bytes=N       largest message (default 16777216)\n"
    "  --query_timeout_ms=N        query time cap (default 30000; 0 = none)\n"
    "  --max_concurrent_queries=N  queries at once, more get RESOURCE_EXHAUSTED (default 4)\n"
    "  --extractor=HOST:PORT       external kg.v1.Extractor merged into ingestion\n"
    "  --ingest_bundle=DIR         ingestion ontology/dictionaries/rules (default: shipped)\n"
    "  --shutdown_grace_ms=N       grace period for in-flight calls on SIGTERM (default 10000)\n"
    "  --port_file=FILE            write the bound port here once serving\n"
    "  --max_import_bytes=N        largest `kg import` (its files are spooled in the data\n"
    "                              directory; default 17179869184)\n"
    "  --help                      this text\n\n"
    "SIGTERM or SIGINT shuts down gracefully (exit 0). One log line per call on stderr.\n";

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

int Fail(const std::string& message) {
  std::cerr << "kgd: " << message << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  // `kgd import ...`: the offline bulk import, on a database no kgd is serving.
  if (argc > 1 && std::strcmp(argv[1], "import") == 0) {
    return kg::import::RunImportCommand(std::vector<std::string>(argv + 2, argv + argc),
                                        std::cout, std::cerr);
  }
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0 ||
        std::strcmp(argv[i], "-help") == 0) {
      std::cout << kUsage;
      return 0;
    }
  }
  absl::SetProgramUsageMessage(kUsage);
  std::vector<char*> rest = absl::ParseCommandLine(argc, argv);
  if (rest.size() > 1) {
    std::cerr << "kgd: unexpected argument '" << rest[1] << "'\n\n" << kUsage;
    return 2;
  }

  // Block the shutdown signals before any library starts a thread, so that only the waiter
  // thread below receives them (toolchain.md §2).
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  kg::server::ServerOptions options;
  options.listen = absl::GetFlag(FLAGS_listen);
  options.max_message_bytes = absl::GetFlag(FLAGS_max_message_bytes);
  options.query_timeout_ms = absl::GetFlag(FLAGS_query_timeout_ms);
  options.max_concurrent_queries = absl::GetFlag(FLAGS_max_concurrent_queries);
  options.extractor_address = absl::GetFlag(FLAGS_extractor);
  options.max_import_bytes = absl::GetFlag(FLAGS_max_import_bytes);
  if (options.max_message_bytes < 4096) return Fail("--max_message_bytes must be at least 4096");
  if (options.query_timeout_ms < 0) return Fail("--query_timeout_ms must not be negative");
  if (options.max_concurrent_queries < 1) return Fail("--max_concurrent_queries must be >= 1");

  const std::string cert = absl::GetFlag(FLAGS_tls_cert), key = absl::GetFlag(FLAGS_tls_key);
  if (cert.empty() != key.empty()) return Fail("--tls_cert and --tls_key go together");
  if (!cert.empty()) {
    absl::StatusOr<std::string> cert_pem = ReadFile(cert);
    if (!cert_pem.ok()) return Fail(std::string(cert_pem.status().message()));
    absl::StatusOr<std::string> key_pem = ReadFile(key);
    if (!key_pem.ok()) return Fail(std::string(key_pem.status().message()));
    grpc::SslServerCredentialsOptions ssl;
    ssl.pem_key_cert_pairs.push_back({*key_pem, *cert_pem});
    options.credentials = grpc::SslServerCredentials(ssl);
  }
  if (const std::string path = absl::GetFlag(FLAGS_auth_token_file); !path.empty()) {
    absl::StatusOr<kg::server::TokenTable> tokens = kg::server::TokenTable::Load(path);
    if (!tokens.ok()) return Fail(std::string(tokens.status().message()));
    options.tokens = std::make_shared<const kg::server::TokenTable>(*std::move(tokens));
  }
  std::string bundle_dir = absl::GetFlag(FLAGS_ingest_bundle);
  if (bundle_dir.empty()) bundle_dir = kg::ingest::DefaultBundleDir();
  absl::StatusOr<std::shared_ptr<const kg::ingest::Bundle>> bundle =
      kg::ingest::Bundle::Load(bundle_dir);
  if (!bundle.ok()) {
    return Fail(absl::StrCat("cannot load the ingestion bundle: ", bundle.status().message()));
  }
  options.bundle = *bundle;

  const std::string data_dir = absl::GetFlag(FLAGS_data_dir);
  absl::StatusOr<std::unique_ptr<kg::graph::Graph>> graph = kg::graph::Graph::Open(data_dir);
  if (!graph.ok()) {
    return Fail(absl::StrCat("cannot open ", data_dir, ": ", graph.status().message()));
  }

  absl::StatusOr<std::unique_ptr<kg::server::KgServer>> server =
      kg::server::KgServer::Start(graph->get(), options);
  if (!server.ok()) return Fail(std::string(server.status().message()));
  const int port = (*server)->port();
  if (const std::string path = absl::GetFlag(FLAGS_port_file); !path.empty()) {
    // Write then rename: a reader never sees a half-written port.
    std::string tmp = path + ".tmp";
    std::ofstream(tmp) << port << "\n";
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
      return Fail(absl::StrCat("cannot write --port_file ", path));
    }
  }
  kg::server::LogToStderr(absl::StrCat(kg::server::NowUtc(), " kgd serving data_dir=", data_dir,
                                       " port=", port, " tls=", cert.empty() ? "off" : "on",
                                       " auth=", options.tokens ? "on" : "off"));

  const absl::Duration grace = absl::Milliseconds(absl::GetFlag(FLAGS_shutdown_grace_ms));
  kg::server::KgServer* running = server->get();
  std::thread waiter([&signals, running, grace] {
    int sig = 0;
    sigwait(&signals, &sig);
    kg::server::LogToStderr(absl::StrCat(kg::server::NowUtc(), " kgd shutting down on ",
                                         sig == SIGTERM ? "SIGTERM" : "SIGINT"));
    running->Shutdown(grace);
  });
  (*server)->Wait();
  waiter.join();
  server->reset();
  graph->reset();  // closes RocksDB: memtables flushed, files synced
  kg::server::LogToStderr(absl::StrCat(kg::server::NowUtc(), " kgd stopped"));
  return 0;
}
