// graph_bench: bulk-loads an R-MAT graph through the graph API, writes the same key/values
// straight into RocksDB as a baseline, and times 1-hop and 2-hop neighbourhoods. One run, one
// machine, figures reported side by side (bench/README.md has the command and the results).
//
//   graph_bench --scale=20 --edge_factor=16 --batch=10000
//
// Load: vertices first (UpsertVertex("Node", "<index>"), the way an importer keys entities), then
// edges (AddEdge(src, "LINK", dst)), `--batch` of them per Graph::Write, with the WAL fsynced per
// write only under --sync.
//
// Baseline: a RocksDB database with the graph store's options (the column families, block cache,
// bloom filters, compression and merge operator of graph/kv/rocksdb_store.cc, mirrored below),
// written with plain WriteBatches of the key/values the graph writes for the same vertices and
// edges -- the same puts, the same counter merges (summed per key within a write, as the graph
// does), the same key and value bytes (built with graph/layout.h and graph/codec.h), the same
// batch boundaries and the same sync setting -- but none of the graph's work: no reads, no
// write-batch index, no validation. The ratio graph/raw is
// therefore what the graph layer costs on top of the storage writes it cannot avoid.
//
// Queries: from --seeds random vertices with at least one out-edge, the number of distinct
// vertices reached in one hop and in at most two hops (out-direction, seed excluded), timed per
// seed; median and p99 in microseconds.
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/merge_operator.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/table_properties_collectors.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "bench/rmat.h"
#include "graph/codec.h"
#include "graph/graph.h"
#include "graph/kv/kv.h"
#include "graph/layout.h"

ABSL_FLAG(int, scale, 20, "R-MAT scale: 2^scale vertices");
ABSL_FLAG(int, edge_factor, 16, "edges per vertex");
ABSL_FLAG(uint64_t, seed, 1, "R-MAT and query seed");
ABSL_FLAG(int, batch, 10000, "vertices or edges per Graph::Write (and per baseline WriteBatch)");
ABSL_FLAG(bool, sync, false, "fsync the WAL on every write (graph and baseline alike)");
ABSL_FLAG(int, seeds, 1000, "random seeds for the 1-hop and 2-hop queries");
ABSL_FLAG(std::string, dir, "", "work directory (default: a fresh one under /tmp, removed after)");
ABSL_FLAG(bool, skip_raw, false, "skip the raw RocksDB baseline");
ABSL_FLAG(bool, skip_queries, false, "skip the neighbourhood queries");

namespace kg::bench {
namespace {

using graph::Direction;
using graph::EdgeKey;
using graph::GraphTxn;
using graph::VertexId;
using Clock = std::chrono::steady_clock;

constexpr char kVertexLabel[] = "Node";
constexpr char kEdgeLabel[] = "LINK";

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

int64_t PeakRssBytes() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<int64_t>(u.ru_maxrss) * 1024;
}

uint64_t DirectoryBytes(const std::string& dir) {
  uint64_t total = 0;
  std::error_code ec;
  for (const auto& f : std::filesystem::recursive_directory_iterator(dir, ec)) {
    if (f.is_regular_file(ec)) total += f.file_size(ec);
  }
  return total;
}

void Die(const absl::Status& s, const char* what) {
  std::fprintf(stderr, "graph_bench: %s: %s\n", what, s.ToString().c_str());
  std::exit(1);
}

struct LoadResult {
  double vertex_seconds = 0, edge_seconds = 0;
  uint64_t disk_bytes = 0;       // Graph::Stats (graph) / live SST files (raw), after reopening
  uint64_t directory_bytes = 0;  // everything in the directory
  int64_t peak_rss = 0;
  double seconds() const { return vertex_seconds + edge_seconds; }
};

// ---- the graph load -----------------------------------------------------------------------

LoadResult LoadGraph(const RmatOptions& rmat, const std::string& dir, int batch, bool sync,
                     std::vector<VertexId>* ids) {
  graph::GraphOptions options;
  options.sync_writes = sync;
  LoadResult result;
  const uint64_t n = rmat.num_vertices();
  ids->assign(n, 0);
  {
    absl::StatusOr<std::unique_ptr<graph::Graph>> g = graph::Graph::Open(dir, options);
    if (!g.ok()) Die(g.status(), "open graph");
    auto t = Clock::now();
    for (uint64_t first = 0; first < n; first += batch) {
      uint64_t last = std::min<uint64_t>(n, first + batch);
      absl::Status s = (*g)->Write([&](GraphTxn& txn) -> absl::Status {
        for (uint64_t v = first; v < last; ++v) {
          absl::StatusOr<graph::UpsertResult> r =
              txn.UpsertVertex(kVertexLabel, absl::StrCat(v), {});
          if (!r.ok()) return r.status();
          (*ids)[v] = r->id;
        }
        return absl::OkStatus();
      });
      if (!s.ok()) Die(s, "load vertices");
    }
    result.vertex_seconds = Seconds(t);
    t = Clock::now();
    RmatStream edges(rmat);
    bool more = true;
    while (more) {
      absl::Status s = (*g)->Write([&](GraphTxn& txn) -> absl::Status {
        RmatEdge e;
        for (int i = 0; i < batch && (more = edges.Next(&e)); ++i) {
          absl::Status added =
              txn.AddEdge((*ids)[e.src], kEdgeLabel, (*ids)[e.dst], graph::Value(), {}).status();
          if (!added.ok()) return added;
        }
        return absl::OkStatus();
      });
      if (!s.ok()) Die(s, "load edges");
    }
    result.edge_seconds = Seconds(t);
  }
  result.peak_rss = PeakRssBytes();
  // Reopen (recovery writes the WAL's tail to tables) and check the counts.
  absl::StatusOr<std::unique_ptr<graph::Graph>> g = graph::Graph::Open(dir, options);
  if (!g.ok()) Die(g.status(), "reopen graph");
  absl::StatusOr<graph::GraphStats> stats = (*g)->Stats();
  if (!stats.ok()) Die(stats.status(), "stats");
  if (static_cast<uint64_t>(stats->vertices) != n ||
      static_cast<uint64_t>(stats->edges) != rmat.num_edges()) {
    Die(absl::InternalError(absl::StrCat("the graph holds ", stats->vertices, " vertices and ",
                                         stats->edges, " edges, expected ", n, " and ",
                                         rmat.num_edges())),
        "check");
  }
  result.disk_bytes = stats->disk_bytes;
  result.directory_bytes = DirectoryBytes(dir);
  return result;
}

// ---- the raw RocksDB baseline ---------------------------------------------------------------

// The graph store's counter merge: 8-byte little-endian signed add (graph/kv/kv.h).
class AddInt64 : public rocksdb::AssociativeMergeOperator {
 public:
  bool Merge(const rocksdb::Slice&, const rocksdb::Slice* existing, const rocksdb::Slice& value,
             std::string* new_value, rocksdb::Logger*) const override {
    absl::StatusOr<int64_t> base =
        existing ? kv::DecodeCounter(std::string_view(existing->data(), existing->size())) : 0;
    absl::StatusOr<int64_t> delta = kv::DecodeCounter(std::string_view(value.data(), value.size()));
    if (!base.ok() || !delta.ok()) return false;
    *new_value = kv::EncodeCounter(
        static_cast<int64_t>(static_cast<uint64_t>(*base) + static_cast<uint64_t>(*delta)));
    return true;
  }
  const char* Name() const override { return "kg.AddInt64"; }
};

// Mirrors ColumnFamilyOptionsFor() and OpenRocksDbStore() in graph/kv/rocksdb_store.cc with the
// graph's default GraphOptions (64 MiB write buffers, 256 MiB block cache).
class RawStore {
 public:
  explicit RawStore(const std::string& dir) {
    rocksdb::DBOptions db_options;
    db_options.create_if_missing = true;
    db_options.create_missing_column_families = true;
    db_options.paranoid_checks = true;
    db_options.max_background_jobs = 2;
    db_options.keep_log_file_num = 4;
    graph::GraphOptions defaults;
    std::shared_ptr<rocksdb::Cache> cache = rocksdb::NewLRUCache(defaults.block_cache_bytes);
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    for (int i = 0; i < kv::kNumSpaces; ++i) {
      kv::Space space = static_cast<kv::Space>(i);
      rocksdb::ColumnFamilyOptions cf;
      cf.write_buffer_size = defaults.write_buffer_bytes;
      rocksdb::BlockBasedTableOptions table;
      table.block_cache = cache;
      table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
      if (space == kv::Space::kCount) cf.merge_operator = std::make_shared<AddInt64>();
      if (space == kv::Space::kAdj) {
        cf.prefix_extractor.reset(rocksdb::NewCappedPrefixTransform(9));
        table.whole_key_filtering = false;
      }
      if (space == kv::Space::kAdj || space == kv::Space::kIndex) {
        cf.table_properties_collector_factories.push_back(
            rocksdb::NewCompactOnDeletionCollectorFactory(128 * 1024, 16 * 1024));
      }
      cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
      cf.compression = rocksdb::kLZ4Compression;
      cf.bottommost_compression = rocksdb::kZSTD;
      descriptors.emplace_back(kv::SpaceName(space), cf);
    }
    descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions());
    rocksdb::DB* raw = nullptr;
    rocksdb::Status s = rocksdb::DB::Open(db_options, dir, descriptors, &handles_, &raw);
    if (!s.ok()) Die(absl::InternalError(s.ToString()), "open raw RocksDB");
    db_.reset(raw);
  }
  ~RawStore() {
    for (rocksdb::ColumnFamilyHandle* h : handles_) db_->DestroyColumnFamilyHandle(h);
    db_->Close().PermitUncheckedError();
  }
  rocksdb::ColumnFamilyHandle* cf(kv::Space s) { return handles_[static_cast<int>(s)]; }
  rocksdb::DB* db() { return db_.get(); }

 private:
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
};

struct WriteCount {
  uint64_t entries = 0;
  uint64_t bytes = 0;  // keys + values
};

// A WriteBatch that counts what it holds. Counter additions are summed per key and written as
// one merge per key when the batch commits, as the graph's transactions do
// (graph/kv/rocksdb_store.cc, RocksTxn::AddInt64).
class RawBatch {
 public:
  RawBatch(RawStore* store, WriteCount* count) : store_(store), count_(count) {}
  void Put(kv::Space space, const std::string& key, const std::string& value) {
    batch_.Put(store_->cf(space), key, value).PermitUncheckedError();
    Count(key, value);
  }
  void Merge(kv::Space space, const std::string& key, int64_t delta) {
    pending_[{space, key}] += delta;
  }
  void Commit(bool sync) {
    for (const auto& [where, delta] : pending_) {
      if (delta == 0) continue;
      std::string value = kv::EncodeCounter(delta);
      batch_.Merge(store_->cf(where.first), where.second, value).PermitUncheckedError();
      Count(where.second, value);
    }
    pending_.clear();
    rocksdb::WriteOptions wo;
    wo.sync = sync;
    rocksdb::Status s = store_->db()->Write(wo, &batch_);
    if (!s.ok()) Die(absl::InternalError(s.ToString()), "raw write");
    batch_.Clear();
  }

 private:
  void Count(const std::string& key, const std::string& value) {
    ++count_->entries;
    count_->bytes += key.size() + value.size();
  }
  RawStore* store_;
  WriteCount* count_;
  rocksdb::WriteBatch batch_;
  std::map<std::pair<kv::Space, std::string>, int64_t> pending_;
};

// What the graph writes for an UpsertVertex that creates a keyed vertex with no properties, and
// for an AddEdge without properties (graph/graph_txn.cc: AddVertex/WriteRow, CreateEdge), plus
// the id high-water mark each Write ends with (TxnImpl::Finish).
LoadResult LoadRaw(const RmatOptions& rmat, const std::string& dir, int batch, bool sync,
                   WriteCount* count) {
  using namespace graph::layout;  // NOLINT: a dozen key builders
  const graph::LabelId vertex_label = 1, edge_label = 2;
  const uint64_t n = rmat.num_vertices();
  LoadResult result;
  {
    RawStore store(dir);
    RawBatch b(&store, count);
    uint64_t next_id = 1;
    auto t = Clock::now();
    for (uint64_t first = 0; first < n; first += batch) {
      uint64_t last = std::min<uint64_t>(n, first + batch);
      for (uint64_t v = first; v < last; ++v) {
        VertexId id = next_id++;
        graph::codec::VertexRow row;
        row.labels = {vertex_label};
        row.key = absl::StrCat(v);
        b.Put(kv::Space::kIndex, LabelMemberKey(vertex_label, id), "");
        b.Merge(kv::Space::kCount, VertexCountKey(vertex_label), +1);
        b.Merge(kv::Space::kCount, TotalVerticesKey(), +1);
        b.Put(kv::Space::kKey, UniqueKey(vertex_label, row.key), VertexKey(id));
        b.Put(kv::Space::kVertex, VertexKey(id), graph::codec::EncodeVertexRow(row));
      }
      b.Put(kv::Space::kMeta, std::string(kNextIdKey), kv::EncodeCounter(next_id));
      b.Commit(sync);
    }
    result.vertex_seconds = Seconds(t);
    t = Clock::now();
    const std::string empty_edge_row = graph::codec::EncodeEdgeRow({});
    RmatStream edges(rmat);
    bool more = true;
    while (more) {
      RmatEdge e;
      for (int i = 0; i < batch && (more = edges.Next(&e)); ++i) {
        EdgeKey key{e.src + 1, edge_label, e.dst + 1, next_id++};
        b.Put(kv::Space::kAdj, OutEdgeKey(key), empty_edge_row);
        b.Put(kv::Space::kAdj, InEdgeKey(key), "");
        b.Merge(kv::Space::kCount, EdgeCountKey(edge_label), +1);
        b.Merge(kv::Space::kCount, TotalEdgesKey(), +1);
        b.Merge(kv::Space::kCount, DegreeKey(key.src, Direction::kOut, edge_label), +1);
        b.Merge(kv::Space::kCount, DegreeKey(key.dst, Direction::kIn, edge_label), +1);
      }
      b.Put(kv::Space::kMeta, std::string(kNextIdKey), kv::EncodeCounter(next_id));
      b.Commit(sync);
    }
    result.edge_seconds = Seconds(t);
  }
  {
    RawStore reopened(dir);  // as for the graph: recovery writes the WAL's tail to tables
    uint64_t v = 0;
    if (reopened.db()->GetAggregatedIntProperty(rocksdb::DB::Properties::kLiveSstFilesSize, &v)) {
      result.disk_bytes = v;
    }
  }
  result.directory_bytes = DirectoryBytes(dir);
  return result;
}

// ---- queries --------------------------------------------------------------------------------

struct Percentiles {
  double median = 0, p99 = 0, mean_size = 0;
};

Percentiles Summarise(std::vector<double> micros, const std::vector<uint64_t>& sizes) {
  Percentiles p;
  if (micros.empty()) return p;
  std::sort(micros.begin(), micros.end());
  p.median = micros[micros.size() / 2];
  p.p99 = micros[std::min(micros.size() - 1, micros.size() * 99 / 100)];
  double total = 0;
  for (uint64_t s : sizes) total += static_cast<double>(s);
  p.mean_size = total / static_cast<double>(sizes.size());
  return p;
}

// The highest out-degree vertex's edges scanned whole (out, then in), and point reads of single
// edges by full key (GetEdge) in random order: the two access paths the adjacency key's field
// order decides.
void RunHubAndLookups(graph::GraphReader& r, const std::vector<VertexId>& ids, uint64_t seed) {
  VertexId hub = 0;
  int64_t hub_degree = -1;
  for (VertexId v : ids) {
    absl::StatusOr<int64_t> d = r.Degree(v, Direction::kOut);
    if (!d.ok()) Die(d.status(), "degree");
    if (*d > hub_degree) hub_degree = *d, hub = v;
  }
  std::vector<EdgeKey> sample;
  std::vector<double> out_us, in_us;
  for (int round = 0; round < 21; ++round) {
    auto t = Clock::now();
    std::unique_ptr<graph::EdgeStream> s = r.ScanEdges(hub, Direction::kOut);
    for (EdgeKey e; s->Next(&e);) {
      if (round == 0) sample.push_back(e);
    }
    if (!s->status().ok()) Die(s->status(), "hub scan");
    out_us.push_back(Seconds(t) * 1e6);
    t = Clock::now();
    s = r.ScanEdges(hub, Direction::kIn);
    for (EdgeKey e; s->Next(&e);) {
    }
    if (!s->status().ok()) Die(s->status(), "hub in-scan");
    in_us.push_back(Seconds(t) * 1e6);
  }
  std::sort(out_us.begin(), out_us.end());
  std::sort(in_us.begin(), in_us.end());
  std::printf("hub %llu (out-degree %lld): full out scan median %.0f us, in scan median %.0f us\n",
              static_cast<unsigned long long>(hub), static_cast<long long>(hub_degree),
              out_us[out_us.size() / 2], in_us[in_us.size() / 2]);
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<size_t> pick(0, ids.size() - 1);
  while (sample.size() < 200000) {  // plus edges of random vertices, beyond the hub's
    std::unique_ptr<graph::EdgeStream> s = r.ScanEdges(ids[pick(rng)], Direction::kOut);
    for (EdgeKey e; s->Next(&e);) sample.push_back(e);
  }
  std::shuffle(sample.begin(), sample.end(), rng);
  sample.resize(100000);
  auto t = Clock::now();
  for (const EdgeKey& e : sample) {
    absl::StatusOr<std::optional<graph::Edge>> edge = r.GetEdge(e);
    if (!edge.ok() || !edge->has_value()) Die(edge.status(), "edge lookup");
  }
  std::printf("edge lookups: %zu GetEdge by full key in random order, %.2f us each\n",
              sample.size(), Seconds(t) * 1e6 / static_cast<double>(sample.size()));
}

void RunQueries(const std::string& dir, const std::vector<VertexId>& ids, int seeds,
                uint64_t seed) {
  absl::StatusOr<std::unique_ptr<graph::Graph>> g = graph::Graph::Open(dir, {});
  if (!g.ok()) Die(g.status(), "open graph for queries");
  std::unique_ptr<graph::GraphReader> r = (*g)->Snapshot();
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<size_t> pick(0, ids.size() - 1);
  std::vector<VertexId> starts;
  for (int tries = 0; static_cast<int>(starts.size()) < seeds && tries < 100 * seeds; ++tries) {
    VertexId v = ids[pick(rng)];
    absl::StatusOr<int64_t> degree = r->Degree(v, Direction::kOut);
    if (!degree.ok()) Die(degree.status(), "degree");
    if (*degree > 0) starts.push_back(v);
  }
  std::vector<double> one_us, two_us;
  std::vector<uint64_t> one_sizes, two_sizes;
  absl::flat_hash_set<VertexId> first, reached;
  for (VertexId start : starts) {
    auto t = Clock::now();
    first.clear();
    std::unique_ptr<graph::EdgeStream> out = r->ScanEdges(start, Direction::kOut);
    for (EdgeKey e; out->Next(&e);) {
      if (e.dst != start) first.insert(e.dst);
    }
    if (!out->status().ok()) Die(out->status(), "1-hop");
    one_us.push_back(Seconds(t) * 1e6);
    one_sizes.push_back(first.size());

    t = Clock::now();
    reached.clear();
    std::vector<VertexId> frontier;
    out = r->ScanEdges(start, Direction::kOut);
    for (EdgeKey e; out->Next(&e);) {
      if (e.dst != start && reached.insert(e.dst).second) frontier.push_back(e.dst);
    }
    for (VertexId v : frontier) {
      out = r->ScanEdges(v, Direction::kOut);
      for (EdgeKey e; out->Next(&e);) {
        if (e.dst != start) reached.insert(e.dst);
      }
      if (!out->status().ok()) Die(out->status(), "2-hop");
    }
    two_us.push_back(Seconds(t) * 1e6);
    two_sizes.push_back(reached.size());
  }
  Percentiles one = Summarise(one_us, one_sizes), two = Summarise(two_us, two_sizes);
  std::printf("queries: %zu seeds with out-degree >= 1\n", starts.size());
  std::printf("  1-hop: median %.1f us, p99 %.1f us per seed (mean %.1f vertices reached)\n",
              one.median, one.p99, one.mean_size);
  std::printf("  2-hop: median %.1f us, p99 %.1f us per seed (mean %.1f vertices reached)\n",
              two.median, two.p99, two.mean_size);
  RunHubAndLookups(*r, ids, seed);
}

double MiB(double bytes) { return bytes / (1 << 20); }

int Main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Loads an R-MAT graph through the graph API and into raw RocksDB, and times 1-hop and "
      "2-hop neighbourhoods.\nExample: graph_bench --scale=20 --edge_factor=16 --batch=10000");
  absl::ParseCommandLine(argc, argv);
  RmatOptions rmat;
  rmat.scale = absl::GetFlag(FLAGS_scale);
  rmat.edge_factor = absl::GetFlag(FLAGS_edge_factor);
  rmat.seed = absl::GetFlag(FLAGS_seed);
  if (absl::Status s = rmat.Validate(); !s.ok()) Die(s, "flags");
  const int batch = absl::GetFlag(FLAGS_batch);
  if (batch < 1) Die(absl::InvalidArgumentError("--batch must be >= 1"), "flags");
  const bool sync = absl::GetFlag(FLAGS_sync);
  std::string dir = absl::GetFlag(FLAGS_dir);
  const bool own_dir = dir.empty();
  if (own_dir) dir = absl::StrCat("/tmp/kg_graph_bench_", ::getpid());
  if (std::filesystem::exists(dir) && !std::filesystem::is_empty(dir)) {
    Die(absl::FailedPreconditionError(absl::StrCat(dir, " exists and is not empty")), "flags");
  }
  std::filesystem::create_directories(dir);

  std::printf(
      "R-MAT scale %d, edge factor %d (a=%.2f b=%.2f c=%.2f, seed %llu): %llu vertices, "
      "%llu edges; %d per write, sync %s\n",
      rmat.scale, rmat.edge_factor, rmat.a, rmat.b, rmat.c,
      static_cast<unsigned long long>(rmat.seed),
      static_cast<unsigned long long>(rmat.num_vertices()),
      static_cast<unsigned long long>(rmat.num_edges()), batch, sync ? "on" : "off");
  std::fflush(stdout);

  const double edges = static_cast<double>(rmat.num_edges());
  std::vector<VertexId> ids;
  LoadResult g = LoadGraph(rmat, dir + "/graph", batch, sync, &ids);
  std::printf(
      "graph load: %.1f s (vertices %.1f s, edges %.1f s): %.0f edges/s overall, "
      "%.0f edges/s in the edge phase\n",
      g.seconds(), g.vertex_seconds, g.edge_seconds, edges / g.seconds(), edges / g.edge_seconds);
  // Graph::Stats().disk_bytes reads the default column family's SST size only (a bug, see
  // bench/README.md), so the directory's size is the figure to use.
  std::printf("  on disk: %.1f MiB directory (Graph::Stats says %.1f MiB); peak RSS %.1f MiB\n",
              MiB(g.directory_bytes), MiB(g.disk_bytes), MiB(g.peak_rss));
  std::fflush(stdout);

  if (!absl::GetFlag(FLAGS_skip_raw)) {
    WriteCount count;
    LoadResult raw = LoadRaw(rmat, dir + "/raw", batch, sync, &count);
    std::printf(
        "raw RocksDB: %.1f s (vertices %.1f s, edges %.1f s): %.0f edges/s overall; "
        "%llu key/values, %.1f MiB of keys+values, %.0f key/values/s\n",
        raw.seconds(), raw.vertex_seconds, raw.edge_seconds, edges / raw.seconds(),
        static_cast<unsigned long long>(count.entries), MiB(count.bytes),
        count.entries / raw.seconds());
    std::printf("  on disk: %.1f MiB directory (%.1f MiB live SST files)\n",
                MiB(raw.directory_bytes), MiB(raw.disk_bytes));
    std::printf(
        "ratio graph/raw load rate: %.2f overall, %.2f vertex phase, %.2f edge phase "
        "(target >= 0.50)\n",
        raw.seconds() / g.seconds(), raw.vertex_seconds / g.vertex_seconds,
        raw.edge_seconds / g.edge_seconds);
    std::fflush(stdout);
  }
  if (!absl::GetFlag(FLAGS_skip_queries)) {
    RunQueries(dir + "/graph", ids, absl::GetFlag(FLAGS_seeds), rmat.seed);
  }
  std::printf("peak RSS of the whole run: %.1f MiB\n", MiB(PeakRssBytes()));
  if (own_dir) std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace kg::bench

int main(int argc, char** argv) { return kg::bench::Main(argc, argv); }
