// Failing tests for bugs found in graph/ by the stress tests and the benchmark. They are
// DISABLED_ so the suite stays green; run them with --gtest_also_run_disabled_tests, and enable
// each one with its fix.
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "absl/strings/str_cat.h"
#include "graph/graph.h"

namespace kg::graph {
namespace {

class TempDir {
 public:
  TempDir()
      : path_(std::filesystem::temp_directory_path() /
              absl::StrCat("kg_known_bugs_test_", ::getpid(), "_", counter_++)) {
    std::filesystem::remove_all(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string path() const { return path_.string(); }

 private:
  static inline int counter_ = 0;
  std::filesystem::path path_;
};

double SecondsSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// Seconds one Write takes to add `edges` leaves and edges at `hub`.
double TimeOneWrite(Graph& g, VertexId hub, int64_t edges) {
  auto t = std::chrono::steady_clock::now();
  absl::Status s = g.Write([&](GraphTxn& txn) -> absl::Status {
    for (int64_t i = 0; i < edges; ++i) {
      absl::StatusOr<VertexId> leaf = txn.AddVertex({"Leaf"}, "", Value(), {});
      if (!leaf.ok()) return leaf.status();
      if (absl::Status e = txn.AddEdge(hub, "LINKS", *leaf, Value(), {}).status(); !e.ok()) return e;
    }
    return absl::OkStatus();
  });
  EXPECT_TRUE(s.ok()) << s;
  return SecondsSince(t);
}

// KNOWN BUG (graph/kv/rocksdb_store.cc, RocksTxn::AddInt64): the transaction's
// WriteBatchWithIndex is built with overwrite_key=true, and for every Merge RocksDB 7.8 walks all
// the entries the batch already holds for that key (WriteBatchWithIndex::Rep::
// UpdateExistingEntryWithCfId -> WBWIIteratorImpl::AdvanceKey). k updates of one counter in one
// Write therefore cost O(k^2): measured here, one Write of 20,000 edges at one vertex (5 counters
// updated per edge) took 105 s, 20 Writes of 1,000 edges 5 s. The ratio below does not depend on
// the machine's speed: ~1 when writes are linear, ~10 today. Enable when fixed.
TEST(KnownBugs, DISABLED_WritesAreLinearInTheirSize) {
  TempDir dir;
  GraphOptions o;
  o.sync_writes = false;
  absl::StatusOr<std::unique_ptr<Graph>> g = Graph::Open(dir.path(), o);
  ASSERT_TRUE(g.ok()) << g.status();
  VertexId hub = 0;
  ASSERT_TRUE((*g)->Write([&](GraphTxn& txn) -> absl::Status {
                    absl::StatusOr<UpsertResult> h = txn.UpsertVertex("Company", "hub", {});
                    if (!h.ok()) return h.status();
                    hub = h->id;
                    return absl::OkStatus();
                  }).ok());
  double small = 0;
  for (int i = 0; i < 10; ++i) small += TimeOneWrite(**g, hub, 1000);
  double large = TimeOneWrite(**g, hub, 10000);
  std::printf("10 writes of 1,000 edges: %.2f s; one write of 10,000 edges: %.2f s\n", small,
              large);
  EXPECT_LT(large, 4 * small) << "one large write is much slower than the same work in small ones";
}

// KNOWN BUG (graph/kv/rocksdb_store.cc, RocksStore::ApproximateDiskBytes): it reads
// kTotalSstFilesSize / kLiveSstFilesSize with DB::GetIntProperty(property, &v), which answers for
// the default column family only -- and kg keeps nothing there. So Graph::Stats().disk_bytes
// counts just the WAL files: after a reopen has flushed the data to tables it is ~0 however big the
// database is. Fix: DB::GetAggregatedIntProperty(kLiveSstFilesSize, &v) (sums every column
// family), plus the .log files as today.
TEST(KnownBugs, DISABLED_StatsDiskBytesCountsEveryColumnFamily) {
  TempDir dir;
  {
    absl::StatusOr<std::unique_ptr<Graph>> g = Graph::Open(dir.path());
    ASSERT_TRUE(g.ok()) << g.status();
    ASSERT_TRUE((*g)->Write([&](GraphTxn& txn) -> absl::Status {
                      for (int i = 0; i < 20000; ++i) {
                        absl::StatusOr<UpsertResult> v = txn.UpsertVertex(
                            "Company", absl::StrCat("company ", i), {{"name", absl::StrCat("c", i)}});
                        if (!v.ok()) return v.status();
                      }
                      return absl::OkStatus();
                    }).ok());
  }
  absl::StatusOr<std::unique_ptr<Graph>> g = Graph::Open(dir.path());  // recovery flushes
  ASSERT_TRUE(g.ok()) << g.status();
  uint64_t sst_bytes = 0;
  for (const auto& f : std::filesystem::directory_iterator(dir.path())) {
    if (f.path().extension() == ".sst") sst_bytes += f.file_size();
  }
  ASSERT_GT(sst_bytes, 100u << 10);
  absl::StatusOr<GraphStats> stats = (*g)->Stats();
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_GE(stats->disk_bytes, sst_bytes);
}

}  // namespace
}  // namespace kg::graph
