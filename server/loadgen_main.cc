// kg_loadgen: closed-loop load on kgd's Query RPC, side by side with the same queries run
// in-process, reported as ratios (DEVELOPERS.md: performance claims come from benchmarks run
// against a baseline in one run).
//
//   kg_loadgen [--queries=2000] [--streams=1,4,16] [--companies=2000] [--programs=200]
//
// It builds a synthetic graph in a temporary directory (companies, each PARTICIPATES_IN a few
// programs), starts the real kgd on it on a free loopback port (--kgd, default the kgd beside
// this program), opens a checkpoint copy of it in-process, and for each
// N sends the same fixed list of 1-hop queries `g.V(id).out('PARTICIPATES_IN').values('name')`
// from N threads over one channel (N concurrent HTTP/2 streams), each thread waiting for its
// answer before sending the next. Then it runs the same list through query::Execute from N
// threads. Output: QPS and p50/p99 latency for both, and gRPC/in-process ratios.
#include <grpcpp/grpcpp.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "graph/graph.h"
#include "kg/v1/kg.grpc.pb.h"
#include "query/query.h"
#include "server/server.h"

ABSL_FLAG(int32_t, queries, 2000, "Queries per run (the same list for every run).");
ABSL_FLAG(std::string, streams, "1,4,16", "Concurrent streams (threads) to run with.");
ABSL_FLAG(int32_t, companies, 2000, "Company vertices in the synthetic graph.");
ABSL_FLAG(int32_t, programs, 200, "Program vertices in the synthetic graph.");
ABSL_FLAG(int32_t, edges_per_company, 5, "PARTICIPATES_IN edges per company.");
ABSL_FLAG(std::string, kgd, "", "The kgd binary to start (default: kgd beside this program).");

namespace {

using Clock = std::chrono::steady_clock;
constexpr char kQuery[] = "g.V(vid).out('PARTICIPATES_IN').values('name')";

struct RunStats {
  double qps = 0;
  double p50_us = 0;
  double p99_us = 0;
  int errors = 0;
};

RunStats Summarize(std::vector<double> latencies_us, double seconds, int errors) {
  RunStats s;
  s.errors = errors;
  if (latencies_us.empty()) return s;
  std::sort(latencies_us.begin(), latencies_us.end());
  s.qps = latencies_us.size() / seconds;
  s.p50_us = latencies_us[latencies_us.size() / 2];
  s.p99_us = latencies_us[std::min(latencies_us.size() - 1, latencies_us.size() * 99 / 100)];
  return s;
}

// Runs `one(i)` for every query index from `threads` threads (each takes the next index); the
// callback returns false on an error.
template <typename Fn>
RunStats RunClosedLoop(int queries, int threads, Fn one) {
  std::atomic<int> next{0};
  std::atomic<int> errors{0};
  std::vector<std::vector<double>> per_thread(threads);
  auto start = Clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (int i; (i = next.fetch_add(1)) < queries;) {
        auto q0 = Clock::now();
        if (!one(i)) ++errors;
        per_thread[t].push_back(
            std::chrono::duration<double, std::micro>(Clock::now() - q0).count());
      }
    });
  }
  for (auto& th : pool) th.join();
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  for (auto& v : per_thread) all.insert(all.end(), v.begin(), v.end());
  return Summarize(std::move(all), seconds, errors.load());
}

absl::Status BuildGraph(kg::graph::Graph& g, std::vector<kg::graph::VertexId>* companies) {
  const int n_companies = absl::GetFlag(FLAGS_companies);
  const int n_programs = absl::GetFlag(FLAGS_programs);
  const int per_company = absl::GetFlag(FLAGS_edges_per_company);
  std::vector<kg::graph::VertexId> programs;
  absl::Status s = g.Write([&](kg::graph::GraphTxn& txn) -> absl::Status {
    for (int p = 0; p < n_programs; ++p) {
      std::string name = "Program " + std::to_string(p);
      auto v = txn.UpsertVertex("Program", name, {{"name", name}});
      if (!v.ok()) return v.status();
      programs.push_back(v->id);
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  std::mt19937 rng(42);
  // Batches of companies per transaction: realistic write sizes, bounded memory.
  for (int start = 0; start < n_companies; start += 500) {
    s = g.Write([&](kg::graph::GraphTxn& txn) -> absl::Status {
      for (int c = start; c < std::min(n_companies, start + 500); ++c) {
        std::string name = "Company " + std::to_string(c);
        auto v = txn.UpsertVertex("Company", name, {{"name", name}});
        if (!v.ok()) return v.status();
        companies->push_back(v->id);
        for (int e = 0; e < per_company; ++e) {
          auto edge = txn.UpsertEdge(v->id, "PARTICIPATES_IN", programs[rng() % programs.size()],
                                     static_cast<uint64_t>(e), {});
          if (!edge.ok()) return edge.status();
        }
      }
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace

// Starts the real kgd on `data_dir` on a free loopback port; returns its pid and port.
absl::Status StartKgd(const std::string& kgd, const std::string& data_dir, const std::string& run_dir,
                      pid_t* pid, int* port) {
  std::string port_file = run_dir + "/port";
  *pid = fork();
  if (*pid == 0) {
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 2);  // the per-call log would measure stderr
    execl(kgd.c_str(), kgd.c_str(), ("--data_dir=" + data_dir).c_str(),
          "--listen=127.0.0.1:0", ("--port_file=" + port_file).c_str(),
          "--max_concurrent_queries=1024", static_cast<char*>(nullptr));
    _exit(127);
  }
  for (int i = 0; i < 600; ++i) {
    std::ifstream in(port_file);
    if (in >> *port) return absl::OkStatus();
    int status;
    if (waitpid(*pid, &status, WNOHANG) == *pid) return absl::UnavailableError("kgd exited");
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  kill(*pid, SIGKILL);
  return absl::DeadlineExceededError("kgd did not start within 60 s");
}

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Sends gRPC Query load to a real kgd and runs the same queries in process, for the cost of "
      "the service layer.\nExample: kg_loadgen --queries=2000 --streams=1,4,16");
  absl::ParseCommandLine(argc, argv);
  std::vector<int> stream_counts;
  for (absl::string_view part : absl::StrSplit(absl::GetFlag(FLAGS_streams), ',')) {
    int n = 0;
    if (!absl::SimpleAtoi(part, &n) || n < 1) {
      std::fprintf(stderr, "kg_loadgen: bad --streams\n");
      return 2;
    }
    stream_counts.push_back(n);
  }
  const int queries = absl::GetFlag(FLAGS_queries);
  std::string kgd = absl::GetFlag(FLAGS_kgd);
  if (kgd.empty()) {
    kgd = (std::filesystem::read_symlink("/proc/self/exe").parent_path() / "kgd").string();
  }

  std::string dir = (std::filesystem::temp_directory_path() / "kg-loadgen-XXXXXX").string();
  if (mkdtemp(dir.data()) == nullptr) return 1;
  int rc = 0;
  std::vector<int64_t> ids(queries);
  {  // Build the graph, then close it: kgd will own the directory.
    auto graph = kg::graph::Graph::Open(dir + "/db");
    if (!graph.ok()) {
      std::fprintf(stderr, "kg_loadgen: %s\n", graph.status().ToString().c_str());
      return 1;
    }
    std::vector<kg::graph::VertexId> companies;
    if (absl::Status s = BuildGraph(**graph, &companies); !s.ok()) {
      std::fprintf(stderr, "kg_loadgen: %s\n", s.ToString().c_str());
      return 1;
    }
    // The fixed query list: random companies, the same for every run.
    std::mt19937 rng(7);
    for (int64_t& id : ids) id = static_cast<int64_t>(companies[rng() % companies.size()]);
    // The in-process side gets its own copy (a checkpoint: same files, hard-linked).
    if (absl::Status s = (*graph)->Backup(dir + "/copy"); !s.ok()) {
      std::fprintf(stderr, "kg_loadgen: %s\n", s.ToString().c_str());
      return 1;
    }
  }
  pid_t kgd_pid = 0;
  int port = 0;
  if (absl::Status s = StartKgd(kgd, dir + "/db", dir, &kgd_pid, &port); !s.ok()) {
    std::fprintf(stderr, "kg_loadgen: cannot start %s: %s\n", kgd.c_str(), s.ToString().c_str());
    return 1;
  }
  {
    auto graph = kg::graph::Graph::Open(dir + "/copy");
    if (!graph.ok()) {
      std::fprintf(stderr, "kg_loadgen: %s\n", graph.status().ToString().c_str());
      kill(kgd_pid, SIGKILL);
      return 1;
    }
    auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                       grpc::InsecureChannelCredentials());
    auto stub = kg::v1::KnowledgeGraph::NewStub(channel);
    auto over_grpc = [&](int i) {
      kg::v1::QueryRequest request;
      request.set_gremlin(kQuery);
      (*request.mutable_params())["vid"].set_int64_value(ids[i]);
      grpc::ClientContext ctx;
      ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
      auto reader = stub->Query(&ctx, request);
      int results = 0;
      for (kg::v1::QueryResponse r; reader->Read(&r);) results += r.results_size();
      return reader->Finish().ok() && results > 0;
    };
    auto in_process = [&](int i) {
      kg::query::QueryOptions opts;
      opts.params["vid"] = kg::query::Value(ids[i]);
      auto cursor = kg::query::Execute(**graph, kQuery, opts);
      if (!cursor.ok()) return false;
      int results = 0;
      for (kg::query::Value v; (*cursor)->Next(&v);) ++results;
      return (*cursor)->status().ok() && results > 0;
    };
    // Warm-up: caches and connections.
    RunClosedLoop(std::min(queries, 200), 4, over_grpc);
    RunClosedLoop(std::min(queries, 200), 4, in_process);

    std::printf("kg_loadgen: kgd on 127.0.0.1:%d, in-process on a copy of its data\n", port);
    std::printf("kg_loadgen: %d queries of %s; %d companies x %d edges, %d programs\n", queries,
                kQuery, absl::GetFlag(FLAGS_companies), absl::GetFlag(FLAGS_edges_per_company),
                absl::GetFlag(FLAGS_programs));
    std::printf("%4s | %10s %9s %9s | %10s %9s %9s | %9s %9s %9s\n", "N", "grpc qps", "p50 us",
                "p99 us", "inproc qps", "p50 us", "p99 us", "qps ratio", "p50 x", "p99 x");
    for (int n : stream_counts) {
      RunStats g = RunClosedLoop(queries, n, over_grpc);
      RunStats p = RunClosedLoop(queries, n, in_process);
      std::printf("%4d | %10.0f %9.0f %9.0f | %10.0f %9.0f %9.0f | %9.2f %9.2f %9.2f\n", n, g.qps,
                  g.p50_us, g.p99_us, p.qps, p.p50_us, p.p99_us, p.qps > 0 ? g.qps / p.qps : 0,
                  p.p50_us > 0 ? g.p50_us / p.p50_us : 0, p.p99_us > 0 ? g.p99_us / p.p99_us : 0);
      if (g.errors + p.errors > 0) {
        std::printf("     errors: grpc %d, in-process %d\n", g.errors, p.errors);
        rc = 1;
      }
    }
  }
  kill(kgd_pid, SIGTERM);
  int status = 0;
  waitpid(kgd_pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "kg_loadgen: kgd did not shut down cleanly\n");
    rc = 1;
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return rc;
}
