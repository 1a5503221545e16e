// import_bench: the bulk import of issue 7 on an R-MAT graph, with its baselines, in one run.
//
//   import_bench --scale=20 --edge_factor=16 [--memory_mb=512] [--online_edges=1000000]
//
// 1. Writes the graph as CSV files in the import format (nodes.csv, edges.csv).
// 2. Offline import (kgd import's path: CSV -> bulk loader -> SST files -> one atomic ingest):
//    edges/s, bytes on disk, peak RSS.
// 3. Raw SST baseline: the same number of key/values, of the same total size, written as SST
//    files straight into RocksDB (same options, same ingest call), with no parsing, sorting or
//    graph layout: the limit of this design on this disk. Reported with the ratio.
// 4. Online path (batched transactions, what kgd does for `kg import`): edges/s on the first
//    --online_edges edges.
// Each phase runs in its own child process so its peak RSS and CPU time are its own.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "bench/rmat.h"
#include "graph/graph.h"
#include "graph/kv/rocksdb_store.h"
#include "import/import.h"

ABSL_FLAG(int, scale, 20, "R-MAT scale: 2^scale vertices");
ABSL_FLAG(int, edge_factor, 16, "edges per vertex");
ABSL_FLAG(uint64_t, seed, 1, "R-MAT seed");
ABSL_FLAG(int, memory_mb, 512, "sort memory of the offline import");
ABSL_FLAG(int64_t, online_edges, 1000000, "edges for the online path (0: skip it)");
ABSL_FLAG(bool, raw_baseline, true,
          "run the raw SST baseline (off: the offline import only, for profiling)");
ABSL_FLAG(int, parse_threads, kg::import::ImportOptions().parse_threads,
          "threads parsing the edge file (0: one reader thread and all checks on the caller's)");
ABSL_FLAG(std::string, dir, "", "work directory (default: a fresh one under /tmp, removed after)");

namespace kg::bench {
namespace {

using Clock = std::chrono::steady_clock;

struct PhaseResult {
  double wall = 0, cpu = 0;
  // Offline import: until the sink's Finish() (parsing, with sorting beside it), the CPU the
  // process and the parsing thread had used by then.
  double parse_wall = 0, parse_cpu = 0, parse_thread_cpu = 0;
  int64_t peak_rss_kb = 0;
  uint64_t edges = 0, entries = 0, raw_bytes = 0, file_bytes = 0, dir_bytes = 0;
  bool ok = false;
};

uint64_t DirectoryBytes(const std::string& dir) {
  uint64_t total = 0;
  std::error_code ec;
  for (const auto& f : std::filesystem::recursive_directory_iterator(dir, ec)) {
    if (f.is_regular_file(ec)) total += f.file_size(ec);
  }
  return total;
}

// Runs `phase` in a child process and returns what it reported, with the child's own CPU time
// and peak RSS.
template <typename Phase>
PhaseResult RunInChild(Phase phase) {
  int fds[2];
  if (pipe(fds) != 0) std::abort();
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    PhaseResult r = phase();
    if (write(fds[1], &r, sizeof(r)) != sizeof(r)) _exit(2);
    _exit(r.ok ? 0 : 1);
  }
  close(fds[1]);
  PhaseResult r;
  if (read(fds[0], &r, sizeof(r)) != sizeof(r)) r.ok = false;
  close(fds[0]);
  int status;
  rusage usage;
  wait4(pid, &status, 0, &usage);
  r.cpu = usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec +
          usage.ru_stime.tv_usec / 1e6;
  r.peak_rss_kb = usage.ru_maxrss;
  return r;
}

double CpuSeconds(int who) {
  rusage usage;
  getrusage(who, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec +
         usage.ru_stime.tv_usec / 1e6;
}

// Passes rows through, noting when and at what CPU cost the rows ended and Finish() began.
class TimedSink : public import::RowSink {
 public:
  TimedSink(import::RowSink& inner, Clock::time_point start, PhaseResult* result)
      : inner_(inner), start_(start), result_(result) {}
  bool atomic() const override { return inner_.atomic(); }
  absl::StatusOr<bool> Exists(std::string_view label, std::string_view key) override {
    return inner_.Exists(label, key);
  }
  absl::StatusOr<graph::VertexId> Vertex(const std::vector<std::string>& labels,
                                         std::string_view key,
                                         const std::vector<graph::PropertyWrite>& props) override {
    return inner_.Vertex(labels, key, props);
  }
  absl::Status Edge(const import::Endpoint& from, std::string_view label,
                    const import::Endpoint& to,
                    const std::vector<graph::PropertyWrite>& props) override {
    return inner_.Edge(from, label, to, props);
  }
  absl::Status NoMoreVertices() override { return inner_.NoMoreVertices(); }
  absl::Status Finish(import::ImportSummary* summary) override {
    result_->parse_wall = std::chrono::duration<double>(Clock::now() - start_).count();
    result_->parse_cpu = CpuSeconds(RUSAGE_SELF);
    result_->parse_thread_cpu = CpuSeconds(RUSAGE_THREAD);
    return inner_.Finish(summary);
  }

 private:
  import::RowSink& inner_;
  Clock::time_point start_;
  PhaseResult* result_;
};

void WriteCsv(const RmatOptions& rmat, const std::string& nodes, const std::string& edges,
              int64_t edge_limit) {
  std::ofstream n(nodes), e(edges);
  n << "id:ID(N),:LABEL\n";
  for (uint64_t v = 0; v < rmat.num_vertices(); ++v) n << v << ",N\n";
  e << ":START_ID(N),:END_ID(N),:TYPE\n";
  RmatStream stream(rmat);
  int64_t written = 0;
  for (RmatEdge edge; (edge_limit < 0 || written < edge_limit) && stream.Next(&edge); ++written) {
    e << edge.src << ',' << edge.dst << ",LINKS\n";
  }
}

PhaseResult Import(const std::string& db, const std::vector<std::string>& files, bool offline,
                   int memory_mb) {
  PhaseResult r;
  auto graph = graph::Graph::Open(db);
  if (!graph.ok()) {
    std::cerr << graph.status() << "\n";
    return r;
  }
  auto start = Clock::now();
  std::unique_ptr<import::RowSink> sink;
  if (offline) {
    graph::BulkLoadOptions bulk;
    bulk.memory_bytes = static_cast<size_t>(memory_mb) << 20;
    auto s = import::NewBulkLoadSink(**graph, bulk);
    if (!s.ok()) {
      std::cerr << s.status() << "\n";
      return r;
    }
    sink = *std::move(s);
  } else {
    sink = import::NewTransactionSink(**graph, 10000);
  }
  TimedSink timed(*sink, start, &r);
  import::ImportOptions options;
  options.parse_threads = absl::GetFlag(FLAGS_parse_threads);
  auto summary = import::ImportFiles(files, timed, options);
  r.wall = std::chrono::duration<double>(Clock::now() - start).count();
  if (!summary.ok()) {
    std::cerr << summary.status() << "\n";
    return r;
  }
  r.edges = summary->edge_rows;
  r.entries = summary->stored_entries;
  r.raw_bytes = summary->stored_raw_bytes;
  r.file_bytes = summary->stored_file_bytes;
  sink.reset();
  graph->reset();
  r.dir_bytes = DirectoryBytes(db);
  r.ok = true;
  return r;
}

// The same number of key/values with the same total size, sorted, as SST files into RocksDB.
PhaseResult RawSst(const std::string& db, uint64_t entries, uint64_t raw_bytes) {
  PhaseResult r;
  auto store = kv::OpenRocksDbStore(db, {});
  if (!store.ok()) return r;
  auto start = Clock::now();
  auto writer = (*store)->StartBulkWrite(db + "/.raw");
  if (!writer.ok()) return r;
  const size_t key_size = 29;  // the size of an adjacency key
  size_t value_size = entries > 0 && raw_bytes / entries > key_size ? raw_bytes / entries - key_size : 0;
  std::mt19937_64 rng(1);
  std::string key(key_size, '\0'), value(value_size, '\0');
  for (uint64_t i = 0; i < entries; ++i) {
    for (int b = 0; b < 8; ++b) key[b] = static_cast<char>(i >> (56 - 8 * b));  // ascending
    for (size_t b = 8; b < key_size; b += 8) {
      uint64_t x = rng();
      std::memcpy(key.data() + b, &x, std::min<size_t>(8, key_size - b));
    }
    if (!(*writer)->Put(kv::Space::kAdj, key, value).ok()) return r;
  }
  if (!(*writer)->Commit().ok()) return r;
  r.wall = std::chrono::duration<double>(Clock::now() - start).count();
  r.file_bytes = (*writer)->BytesWritten();
  r.entries = entries;
  r.ok = true;
  return r;
}

int Main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Writes an R-MAT graph as CSV files and times the offline import (kgd import) against raw "
      "SST files of the same size, and the online path.\nExample: import_bench --scale=20 "
      "--edge_factor=16 --memory_mb=512 --online_edges=1000000");
  absl::ParseCommandLine(argc, argv);
  RmatOptions rmat;
  rmat.scale = absl::GetFlag(FLAGS_scale);
  rmat.edge_factor = absl::GetFlag(FLAGS_edge_factor);
  rmat.seed = absl::GetFlag(FLAGS_seed);
  if (absl::Status s = rmat.Validate(); !s.ok()) {
    std::cerr << s << "\n";
    return 2;
  }
  std::string dir = absl::GetFlag(FLAGS_dir);
  bool own_dir = dir.empty();
  if (own_dir) dir = absl::StrCat("/tmp/kg_import_bench_", getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  int memory_mb = absl::GetFlag(FLAGS_memory_mb);

  std::cout << absl::StrFormat("R-MAT scale %d, %d edges per vertex: %d vertices, %d edges\n",
                               rmat.scale, rmat.edge_factor, rmat.num_vertices(), rmat.num_edges());
  std::string nodes = dir + "/nodes.csv", edges = dir + "/edges.csv";
  WriteCsv(rmat, nodes, edges, -1);
  std::cout << absl::StrFormat("CSV: %.1f MiB\n",
                               (DirectoryBytes(dir)) / double(1 << 20));

  PhaseResult offline = RunInChild([&] { return Import(dir + "/offline", {nodes, edges}, true, memory_mb); });
  if (!offline.ok) {
    std::cerr << "offline import failed\n";
    return 1;
  }
  std::cout << absl::StrFormat(
      "offline import: %.2f s, %.0f edges/s (%.0f per CPU-second), %.1f MiB on disk, peak RSS "
      "%.0f MiB; wrote %d key/values, %.1f MiB raw\n",
      offline.wall, offline.edges / offline.wall, offline.edges / offline.cpu,
      offline.dir_bytes / double(1 << 20), offline.peak_rss_kb / 1024.0, offline.entries,
      offline.raw_bytes / double(1 << 20));
  std::cout << absl::StrFormat(
      "  rows read: %.2f s (%.2f CPU-s, %.2f of them the parsing thread's); commit: %.2f s (%.2f "
      "CPU-s)\n",
      offline.parse_wall, offline.parse_cpu, offline.parse_thread_cpu,
      offline.wall - offline.parse_wall, offline.cpu - offline.parse_cpu);

  PhaseResult raw;
  if (absl::GetFlag(FLAGS_raw_baseline)) {
    raw = RunInChild([&] { return RawSst(dir + "/raw", offline.entries, offline.raw_bytes); });
  }
  if (raw.ok) {
    std::cout << absl::StrFormat(
        "raw SST baseline: %.2f s for %d key/values (%.0f key/values/s, %.0f per CPU-second)\n"
        "offline import / raw SST rate: %.2f\n",
        raw.wall, raw.entries, raw.entries / raw.wall, raw.entries / raw.cpu,
        raw.wall / offline.wall);
  }

  int64_t online_edges = absl::GetFlag(FLAGS_online_edges);
  if (online_edges > 0) {
    std::string online_nodes = dir + "/online_nodes.csv", online_csv = dir + "/online_edges.csv";
    WriteCsv(rmat, online_nodes, online_csv, online_edges);
    PhaseResult online = RunInChild(
        [&] { return Import(dir + "/online", {online_nodes, online_csv}, false, memory_mb); });
    if (online.ok) {
      std::cout << absl::StrFormat(
          "online import (transactions of 10,000 rows, synced): %d edges in %.2f s, %.0f edges/s\n",
          online.edges, online.wall, online.edges / online.wall);
    }
  }
  if (own_dir) std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace kg::bench

int main(int argc, char** argv) { return kg::bench::Main(argc, argv); }
