// The in-place upgrade from on-disk format 3 (out-key `01 src lid dst rank`) to format 4
// (`03 src lid rank dst`): every edge, property and edge id survives, edges then list in
// creation order, and an upgrade cut short (returned early, or the process killed) resumes at
// the next open. A format-3 database is made by writing a format-4 one and rewriting its
// out-keys and edge id entries back into format 3's layout, byte for byte.
#include "graph/upgrade.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "graph/graph.h"
#include "graph/kv/rocksdb_store.h"
#include "graph/layout.h"
#include "tests/graph/test_dir.h"

namespace kg::graph {
namespace {

using ::testing::ElementsAreArray;

constexpr int kSpokes = 300;

struct Fixture {
  VertexId hub = 0;
  std::vector<EdgeKey> out;  // the hub's out-edges, in creation order
};

// A hub with out-edges to vertices created in reverse id order, each with a property and an
// external id, and in-edges from each spoke.
Fixture Populate(Graph& graph) {
  Fixture f;
  std::vector<VertexId> spokes;
  EXPECT_TRUE(
      graph
          .Write([&](GraphTxn& txn) -> absl::Status {
            f.hub = txn.UpsertVertex("Hub", "h", {})->id;
            for (int i = 0; i < kSpokes; ++i) {
              spokes.push_back(txn.UpsertVertex("S", std::to_string(i), {})->id);
            }
            for (int i = kSpokes - 1; i >= 0; --i) {
              absl::StatusOr<EdgeKey> k = txn.AddEdge(
                  f.hub, "L", spokes[i], Value(int64_t{1000 + i}), {{"i", Value(int64_t{i})}});
              if (!k.ok()) return k.status();
              f.out.push_back(*k);
              if (absl::Status s = txn.UpsertEdge(spokes[i], "M", f.hub, 0, {}).status(); !s.ok()) {
                return s;
              }
            }
            return absl::OkStatus();
          })
          .ok());
  return f;
}

// Rewrites a format-4 store into format 3's layout.
void Downgrade(const std::string& dir) {
  absl::StatusOr<std::unique_ptr<kv::Store>> store = kv::OpenRocksDbStore(dir, {});
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_TRUE((*store)
                  ->RunTxn([](kv::Txn& txn) -> absl::Status {
                    std::string out(1, layout::kOutTag);
                    std::vector<std::pair<std::string, std::string>> rows;
                    std::unique_ptr<kv::Cursor> c =
                        txn.Scan(kv::Space::kAdj, out, codec::PrefixSuccessor(out));
                    std::string_view k, v;
                    while (c->Next(&k, &v)) rows.emplace_back(k, v);
                    for (const auto& [key, value] : rows) {
                      EdgeKey e;
                      Direction d;
                      if (!layout::DecodeAdjKey(key, &e, &d)) return absl::InternalError("key");
                      txn.Delete(kv::Space::kAdj, key);
                      txn.Put(kv::Space::kAdj, layout::Format3OutEdgeKey(e), value);
                    }
                    std::string ids(1, layout::kEdgeExternalIdTag);
                    rows.clear();
                    c = txn.Scan(kv::Space::kKey, ids, codec::PrefixSuccessor(ids));
                    while (c->Next(&k, &v)) rows.emplace_back(k, v);
                    for (const auto& [key, value] : rows) {
                      EdgeKey e;
                      Direction d;
                      if (!layout::DecodeAdjKey(value, &e, &d)) return absl::InternalError("id");
                      txn.Put(kv::Space::kKey, key, layout::Format3OutEdgeKey(e));
                    }
                    txn.Put(kv::Space::kMeta, layout::kFormatKey, "3");
                    return absl::OkStatus();
                  })
                  .ok());
}

class UpgradeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = kg::testing::FreshTestDir("kg_upgrade_test");
    {
      absl::StatusOr<std::unique_ptr<Graph>> g = kg::testing::OpenUnsyncedGraph(dir_);
      ASSERT_TRUE(g.ok()) << g.status();
      fixture_ = Populate(**g);
    }
    Downgrade(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Opens (upgrading) and checks that everything is there, in format 4's order.
  void ExpectUpgraded() {
    absl::StatusOr<std::unique_ptr<Graph>> g = kg::testing::OpenUnsyncedGraph(dir_);
    ASSERT_TRUE(g.ok()) << g.status();
    EXPECT_TRUE((*g)->Verify().ok()) << (*g)->Verify();
    ExpectEdges(*(*g)->Snapshot());
    g->reset();
    // Format 4 is stamped: the next open has nothing to do.
    absl::StatusOr<std::unique_ptr<kv::Store>> store = kv::OpenRocksDbStore(dir_, {});
    ASSERT_TRUE(store.ok());
    absl::StatusOr<std::unique_ptr<kv::ReadView>> view = (*store)->Snapshot();
    EXPECT_EQ(**(*view)->Get(kv::Space::kMeta, layout::kFormatKey), "4");
  }

  void ExpectEdges(GraphReader& reader) {
    GraphReader* r = &reader;
    EXPECT_THAT(kg::testing::Drain(r->ScanEdges(fixture_.hub, Direction::kOut)),
                ElementsAreArray(fixture_.out));
    EXPECT_EQ(kg::testing::Drain(r->ScanEdges(fixture_.hub, Direction::kIn)).size(),
              size_t{kSpokes});
    for (int n : {0, 17, kSpokes - 1}) {
      const EdgeKey& e = fixture_.out[n];
      absl::StatusOr<std::optional<Edge>> edge = r->GetEdge(e);
      ASSERT_TRUE(edge.ok() && edge->has_value()) << n;
      int64_t i = kSpokes - 1 - n;
      EXPECT_EQ(*(*edge)->Find("i"), Value(i));
      absl::StatusOr<std::optional<EdgeKey>> by_id = r->FindEdgeByExternalId(Value(1000 + i));
      ASSERT_TRUE(by_id.ok() && by_id->has_value());
      EXPECT_EQ(**by_id, e);
    }
    EXPECT_EQ(*r->CountEdges(), 2 * kSpokes);
  }

  std::string dir_;
  Fixture fixture_;
};

TEST_F(UpgradeTest, TheDowngradedStoreIsFormat3) {
  {
    absl::StatusOr<std::unique_ptr<kv::Store>> store = kv::OpenRocksDbStore(dir_, {});
    ASSERT_TRUE(store.ok());
    absl::StatusOr<std::unique_ptr<kv::ReadView>> view = (*store)->Snapshot();
    const EdgeKey& e = fixture_.out[0];
    std::string old_key = std::string(1, '\x01') + layout::VertexKey(e.src) +
                          std::string{0, 0, 0, static_cast<char>(e.label)} +
                          layout::VertexKey(e.dst) + layout::VertexKey(e.rank);
    EXPECT_EQ(old_key, layout::Format3OutEdgeKey(e));
    EXPECT_TRUE((**(*view)->Get(kv::Space::kAdj, old_key)).size() > 0);
    EXPECT_FALSE((*(*view)->Get(kv::Space::kAdj, layout::OutEdgeKey(e))).has_value());
  }
  ExpectUpgraded();
}

TEST_F(UpgradeTest, OpenUpgradesAFormat3Database) { ExpectUpgraded(); }

TEST_F(UpgradeTest, ReadOnlyOpenOfFormat3IsRefused) {
  GraphOptions options;
  options.read_only = true;
  absl::StatusOr<std::unique_ptr<Graph>> g = Graph::Open(dir_, options);
  EXPECT_EQ(g.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(g.status().message(), dir_ +
                                      " was written in on-disk format 3; open it once without "
                                      "read-only to upgrade it to format 4");
  ExpectUpgraded();
}

TEST_F(UpgradeTest, AnUpgradeStoppedAfterAnyBatchResumesAtTheNextOpen) {
  // 300 out-keys and 300 edge ids in batches of 64, two batches per attempt: the first two
  // attempts stop among the out-keys, the third crosses into the edge ids, the fourth among them.
  for (int attempt = 0; attempt < 4; ++attempt) {
    absl::StatusOr<std::unique_ptr<kv::Store>> store = kv::OpenRocksDbStore(dir_, {});
    ASSERT_TRUE(store.ok());
    UpgradeOptions options;
    options.batch_entries = 64;
    options.max_batches = 2;
    absl::Status s = UpgradeFormat3To4(**store, options);
    EXPECT_EQ(s.code(), absl::StatusCode::kAborted) << s;
    absl::StatusOr<std::unique_ptr<kv::ReadView>> view = (*store)->Snapshot();
    EXPECT_EQ(**(*view)->Get(kv::Space::kMeta, layout::kFormatKey), "3");
  }
  ExpectUpgraded();
}

// The upgrading process is killed with SIGKILL (no clean close) after k synced batches.
TEST_F(UpgradeTest, AnUpgradeKilledMidWayResumesAtTheNextOpen) {
  for (int64_t k : {2, 6}) {
    pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      kv::RocksDbOptions o;
      o.sync = true;
      absl::StatusOr<std::unique_ptr<kv::Store>> store = kv::OpenRocksDbStore(dir_, o);
      if (!store.ok()) _exit(2);
      UpgradeOptions options;
      options.batch_entries = 64;
      options.max_batches = k;
      if (UpgradeFormat3To4(**store, options).code() != absl::StatusCode::kAborted) _exit(3);
      raise(SIGKILL);
      _exit(4);
    }
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
  }
  {  // Stamped format 3 still: the next open resumes.
    absl::StatusOr<std::unique_ptr<kv::Store>> store = kv::OpenRocksDbStore(dir_, {});
    absl::StatusOr<std::unique_ptr<kv::ReadView>> view = (*store)->Snapshot();
    EXPECT_EQ(**(*view)->Get(kv::Space::kMeta, layout::kFormatKey), "3");
  }
  ExpectUpgraded();
}

TEST_F(UpgradeTest, VerifyReportsAFormat3KeyLeftInAFormat4Database) {
  ExpectUpgraded();
  {
    absl::StatusOr<std::unique_ptr<kv::Store>> store = kv::OpenRocksDbStore(dir_, {});
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)
                    ->RunTxn([&](kv::Txn& txn) {
                      txn.Put(kv::Space::kAdj, layout::Format3OutEdgeKey(fixture_.out[0]), "");
                      return absl::OkStatus();
                    })
                    .ok());
  }
  absl::StatusOr<std::unique_ptr<Graph>> g = kg::testing::OpenUnsyncedGraph(dir_);
  ASSERT_TRUE(g.ok()) << g.status();
  absl::Status s = (*g)->Verify();
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(s.message()),
              ::testing::HasSubstr("a format-3 out-edge key (an unfinished upgrade)"));
}

}  // namespace
}  // namespace kg::graph
