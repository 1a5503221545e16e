// query_bench: the traversal engine against the same walks written directly against graph/.
//
//   query_bench --scale=20 --edge_factor=16 --seeds=1000
//
// Loads the R-MAT graph of graph_bench (with the bulk loader, the fast path), picks --seeds
// random vertices with out-edges, and for each computes the number of distinct vertices reached
// in 1..k hops along out-edges, for k = 2 and 3, twice:
//   - through the engine: g.V(vid).repeat(out('LINKS')).emit().times(k).dedup().count()
//   - hand-written: a breadth-first walk with ScanEdges and a visited set, on one snapshot.
// Every seed's two counts must agree (the run fails otherwise). Reported per k: total seconds of
// each side, median and p99 per seed, and the ratio engine/hand-written (issue 3's target: <= 1.3).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <random>
#include <unistd.h>

#include "absl/container/flat_hash_set.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "bench/rmat.h"
#include "graph/bulk_loader.h"
#include "graph/graph.h"
#include "query/query.h"

ABSL_FLAG(int, scale, 20, "R-MAT scale: 2^scale vertices");
ABSL_FLAG(int, edge_factor, 16, "edges per vertex");
ABSL_FLAG(uint64_t, seed, 1, "R-MAT and seed-choice seed");
ABSL_FLAG(int, seeds, 1000, "random start vertices");
ABSL_FLAG(std::string, hops, "2,3", "neighbourhood depths to measure");
ABSL_FLAG(bool, profile, false, "print the engine's profile() of the first seed's query per depth");

namespace kg::bench {
namespace {

using Clock = std::chrono::steady_clock;
using graph::VertexId;

double Micros(Clock::time_point since) {
  return std::chrono::duration<double, std::micro>(Clock::now() - since).count();
}

// Distinct vertices reached in 1..hops steps along out-edges of `label` (the seed counts only if
// a cycle leads back to it), exactly what the engine's repeat/emit/dedup computes.
absl::StatusOr<int64_t> HandWrittenWalk(graph::GraphReader& r, VertexId seed, graph::LabelId label,
                                        int hops) {
  absl::flat_hash_set<VertexId> reached;
  std::vector<VertexId> frontier = {seed}, next;
  absl::flat_hash_set<VertexId> expanded;  // a vertex's edges are scanned once per depth at most
  for (int depth = 0; depth < hops && !frontier.empty(); ++depth) {
    next.clear();
    expanded.clear();
    for (VertexId v : frontier) {
      if (!expanded.insert(v).second) continue;
      auto edges = r.ScanEdges(v, graph::Direction::kOut, label);
      for (graph::EdgeKey e; edges->Next(&e);) {
        reached.insert(e.dst);
        next.push_back(e.dst);
      }
      if (!edges->status().ok()) return edges->status();
    }
    std::swap(frontier, next);
  }
  return static_cast<int64_t>(reached.size());
}

// The engine's count for one seed (-1 on error); the cursor is destroyed inside, so its
// teardown is timed too.
int64_t EngineWalk(graph::Graph& graph, const std::string& gremlin, VertexId seed) {
  query::QueryOptions options;
  options.limits.timeout = absl::InfiniteDuration();
  options.limits.max_traversers = uint64_t{1} << 40;
  options.params["vid"] = query::Value(static_cast<int64_t>(seed));
  auto cursor = query::Execute(graph, gremlin, options);
  query::Value v;
  if (!cursor.ok() || !(*cursor)->Next(&v) || !v.is_integer()) return -1;
  return v.as_int64();
}

// The plan and per-step counts of one seed's query, to see where the engine's time goes.
void PrintProfile(graph::Graph& graph, const std::string& gremlin, VertexId seed) {
  query::QueryOptions options;
  options.limits.timeout = absl::InfiniteDuration();
  options.params["vid"] = query::Value(static_cast<int64_t>(seed));
  auto cursor = query::Execute(graph, absl::StrCat(gremlin, ".profile()"), options);
  query::Value v;
  if (!cursor.ok()) {
    std::cerr << cursor.status() << "\n";
  } else if ((*cursor)->Next(&v) && v.is_string()) {
    std::cout << v.as_string() << "\n";
  }
}

struct Side {
  std::vector<double> micros;
  double total = 0;
};

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

int Main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Times 2- and 3-hop neighbourhood counts through the Gremlin engine against the same walks "
      "written against graph/.\nExample: query_bench --scale=16 --seeds=1000 --hops=2,3");
  absl::ParseCommandLine(argc, argv);
  RmatOptions rmat;
  rmat.scale = absl::GetFlag(FLAGS_scale);
  rmat.edge_factor = absl::GetFlag(FLAGS_edge_factor);
  rmat.seed = absl::GetFlag(FLAGS_seed);
  if (absl::Status s = rmat.Validate(); !s.ok()) {
    std::cerr << s << "\n";
    return 2;
  }
  std::vector<int> depths;
  for (char c : absl::GetFlag(FLAGS_hops)) {
    if (c >= '1' && c <= '9') depths.push_back(c - '0');
  }
  std::string dir = absl::StrCat("/tmp/kg_query_bench_", getpid());
  std::filesystem::remove_all(dir);
  int rc = 0;
  {
    auto graph = graph::Graph::Open(dir);
    if (!graph.ok()) {
      std::cerr << graph.status() << "\n";
      return 1;
    }
    auto load_start = Clock::now();
    {
      auto loader = (*graph)->StartBulkLoad({});
      if (!loader.ok()) {
        std::cerr << loader.status() << "\n";
        return 1;
      }
      std::vector<VertexId> ids(rmat.num_vertices());
      for (uint64_t v = 0; v < rmat.num_vertices(); ++v) {
        ids[v] = *(*loader)->UpsertVertex({"Node"}, absl::StrCat(v), {});
      }
      RmatStream edges(rmat);
      for (RmatEdge e; edges.Next(&e);) {
        if (absl::Status s = (*loader)->UpsertEdge(ids[e.src], "LINKS", ids[e.dst], {}); !s.ok()) {
          std::cerr << s << "\n";
          return 1;
        }
      }
      auto report = (*loader)->Commit();
      if (!report.ok()) {
        std::cerr << report.status() << "\n";
        return 1;
      }
    }
    std::cout << absl::StrFormat("R-MAT scale %d x %d: %d vertices, %d edges, bulk-loaded in %.1f s\n",
                                 rmat.scale, rmat.edge_factor, rmat.num_vertices(),
                                 rmat.num_edges(), Micros(load_start) / 1e6);

    std::unique_ptr<graph::GraphReader> reader = (*graph)->Snapshot();
    graph::LabelId links = *reader->FindLabel("LINKS");
    std::mt19937_64 rng(absl::GetFlag(FLAGS_seed));
    std::vector<VertexId> seeds;
    auto node = reader->FindLabel("Node");
    int64_t vertices = *reader->CountVertices(node);
    while (static_cast<int>(seeds.size()) < absl::GetFlag(FLAGS_seeds)) {
      auto id = reader->FindVertexByKey("Node", absl::StrCat(rng() % vertices));
      if (id.ok() && id->has_value() && *reader->Degree(**id, graph::Direction::kOut, links) > 0) {
        seeds.push_back(**id);
      }
    }

    std::printf("%5s | %12s %10s %10s | %12s %10s %10s | %12s\n", "hops", "engine s", "p50 us",
                "p99 us", "by hand s", "p50 us", "p99 us", "engine/hand");
    for (int hops : depths) {
      std::string gremlin = absl::StrCat("g.V(vid).repeat(out('LINKS')).emit().times(", hops,
                                         ").dedup().count()");
      if (absl::GetFlag(FLAGS_profile)) PrintProfile(**graph, gremlin, seeds.front());
      Side engine, hand;
      int64_t mismatches = 0;
      for (size_t i = 0; i < seeds.size(); ++i) {
        // The two sides alternate which goes first, so that neither always finds the blocks the
        // other just read in the CPU caches.
        int64_t engine_count = -1;
        absl::StatusOr<int64_t> hand_count;
        auto run_engine = [&] {
          auto t0 = Clock::now();
          engine_count = EngineWalk(**graph, gremlin, seeds[i]);
          engine.micros.push_back(Micros(t0));
        };
        auto run_hand = [&] {
          auto t1 = Clock::now();
          hand_count = HandWrittenWalk(*reader, seeds[i], links, hops);
          hand.micros.push_back(Micros(t1));
        };
        if (i % 2 == 0) {
          run_engine();
          run_hand();
        } else {
          run_hand();
          run_engine();
        }
        if (!hand_count.ok() || *hand_count != engine_count) ++mismatches;
      }
      for (Side* side : {&engine, &hand}) {
        for (double m : side->micros) side->total += m / 1e6;
      }
      std::printf("%5d | %12.2f %10.0f %10.0f | %12.2f %10.0f %10.0f | %12.2f\n", hops,
                  engine.total, Percentile(engine.micros, 0.5), Percentile(engine.micros, 0.99),
                  hand.total, Percentile(hand.micros, 0.5), Percentile(hand.micros, 0.99),
                  hand.total > 0 ? engine.total / hand.total : 0);
      if (mismatches > 0) {
        std::printf("      %lld seeds where the engine's count differs from the walk's\n",
                    static_cast<long long>(mismatches));
        rc = 1;
      }
    }
  }
  std::filesystem::remove_all(dir);
  return rc;
}

}  // namespace
}  // namespace kg::bench

int main(int argc, char** argv) { return kg::bench::Main(argc, argv); }
