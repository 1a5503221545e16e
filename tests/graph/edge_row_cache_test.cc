// The Graph's cache of committed edge rows (graph/edge_row_cache.h): a cached edge never
// outlives a change (commit, abort, delete, vertex delete, retraction, bulk load), readers never
// see it, and a cache too small to hold everything only costs reads. EdgeRowCache's own
// bookkeeping is tested directly.
#include "graph/edge_row_cache.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "graph/bulk_loader.h"
#include "graph/graph.h"
#include "tests/graph/test_dir.h"

namespace kg::graph {
namespace {

std::shared_ptr<const codec::EdgeRow> Row(int64_t p) {
  auto row = std::make_shared<codec::EdgeRow>();
  row->properties.emplace_back("p", Value(p));
  return row;
}

EdgeKey Key(VertexId src, VertexId dst) { return EdgeKey{src, 1, dst, 0}; }

TEST(EdgeRowCacheTest, FindsARowUntilErasedOrReplaced) {
  EdgeRowCache cache(1 << 20);
  EXPECT_EQ(cache.Find(Key(1, 2)), nullptr);
  cache.Put(Key(1, 2), Row(1), 10);
  ASSERT_NE(cache.Find(Key(1, 2)), nullptr);
  EXPECT_EQ(cache.Find(Key(1, 2))->properties.at(0).second, Value(int64_t{1}));
  EXPECT_EQ(cache.Find(Key(2, 1)), nullptr);
  EXPECT_EQ(cache.Find(EdgeKey{1, 1, 2, 7}), nullptr);  // another rank
  const size_t one = cache.bytes();
  cache.Put(Key(1, 2), Row(2), 10);
  EXPECT_EQ(cache.Find(Key(1, 2))->properties.at(0).second, Value(int64_t{2}));
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.bytes(), one);
  cache.Erase(Key(1, 2));
  EXPECT_EQ(cache.Find(Key(1, 2)), nullptr);
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.bytes(), 0u);
}

TEST(EdgeRowCacheTest, AppliesACommittedTransactionsPutsAndErases) {
  EdgeRowCache cache(1 << 20);
  cache.Put(Key(1, 2), Row(1), 10);
  cache.Apply({EdgeRowUpdate{Key(1, 2), nullptr, 0}, EdgeRowUpdate{Key(3, 4), Row(5), 10}});
  EXPECT_EQ(cache.Find(Key(1, 2)), nullptr);
  ASSERT_NE(cache.Find(Key(3, 4)), nullptr);
  cache.Clear();
  EXPECT_EQ(cache.Find(Key(3, 4)), nullptr);
  EXPECT_EQ(cache.bytes(), 0u);
}

TEST(EdgeRowCacheTest, EvictsTheLeastRecentlyUsedRowsBeyondItsBudget) {
  EdgeRowCache probe(1 << 20);
  probe.Put(Key(1, 2), Row(1), 10);
  const size_t one = probe.bytes();
  EdgeRowCache cache(3 * one);
  cache.Put(Key(1, 1), Row(1), 10);
  cache.Put(Key(1, 2), Row(1), 10);
  cache.Put(Key(1, 3), Row(1), 10);
  ASSERT_NE(cache.Find(Key(1, 1)), nullptr);  // now the most recent; (1, 2) the least
  cache.Put(Key(1, 4), Row(1), 10);
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_LE(cache.bytes(), 3 * one);
  EXPECT_EQ(cache.Find(Key(1, 2)), nullptr);
  EXPECT_NE(cache.Find(Key(1, 1)), nullptr);
  EXPECT_NE(cache.Find(Key(1, 4)), nullptr);
}

TEST(EdgeRowCacheTest, AZeroBudgetHoldsNothingAndAnOversizedRowReplacesNothing) {
  EdgeRowCache off(0);
  off.Put(Key(1, 2), Row(1), 10);
  EXPECT_EQ(off.Find(Key(1, 2)), nullptr);
  EdgeRowCache small(1000);
  small.Put(Key(1, 2), Row(1), 10);
  ASSERT_NE(small.Find(Key(1, 2)), nullptr);
  small.Put(Key(1, 2), Row(2), 100000);  // the older version must not stay behind
  EXPECT_EQ(small.Find(Key(1, 2)), nullptr);
  EXPECT_EQ(small.bytes(), 0u);
}

class GraphEdgeRowCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Open(GraphOptions().edge_row_cache_bytes);
    // The ends exist before the edges' transactions: only such edges are cached.
    ASSERT_TRUE(graph_
                    ->Write([&](GraphTxn& txn) {
                      for (const char* k : {"a", "b", "c"}) {
                        absl::StatusOr<UpsertResult> u = txn.UpsertVertex("C", k, {});
                        if (!u.ok()) return u.status();
                        ids_.push_back(u->id);
                      }
                      return absl::OkStatus();
                    })
                    .ok());
    a_ = ids_[0];
    b_ = ids_[1];
    c_ = ids_[2];
  }
  void TearDown() override {
    graph_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Open(size_t cache_bytes) {
    graph_.reset();
    if (dir_.empty()) dir_ = kg::testing::FreshTestDir("kg_edge_row_cache");
    GraphOptions options;
    options.sync_writes = false;
    options.edge_row_cache_bytes = cache_bytes;
    auto g = Graph::Open(dir_, options);
    ASSERT_TRUE(g.ok()) << g.status();
    graph_ = *std::move(g);
  }
  // Upserts src -E-> dst with p = `p`; returns the result.
  EdgeUpsertResult Upsert(VertexId src, VertexId dst, int64_t p, const char* label = "E") {
    EdgeUpsertResult result{EdgeKey{}, false};
    absl::Status s = graph_->Write([&](GraphTxn& txn) {
      absl::StatusOr<EdgeUpsertResult> u = txn.UpsertEdge(src, label, dst, 0, {{"p", Value(p)}});
      if (!u.ok()) return u.status();
      result = *u;
      return absl::OkStatus();
    });
    EXPECT_TRUE(s.ok()) << s;
    return result;
  }
  // The stored p of the edge, as a fresh snapshot reads it ("<none>": no such edge).
  std::string StoredP(const EdgeKey& key) { return PIn(*graph_->Snapshot(), key); }
  static std::string PIn(GraphReader& reader, const EdgeKey& key) {
    absl::StatusOr<std::optional<Edge>> e = reader.GetEdge(key);
    if (!e.ok() || !e->has_value()) return "<none>";
    const Value* p = (*e)->Find("p");
    return p == nullptr ? "<no p>" : p->DebugString();
  }

  std::string dir_;
  std::unique_ptr<Graph> graph_;
  std::vector<VertexId> ids_;
  VertexId a_ = 0, b_ = 0, c_ = 0;
};

TEST_F(GraphEdgeRowCacheTest, ACommittedChangeIsWhatTheNextUpsertCompares) {
  EdgeKey key = Upsert(a_, b_, 1).key;  // the row enters the cache
  ASSERT_TRUE(
      graph_->Write([&](GraphTxn& txn) { return txn.SetEdgeProperty(key, "p", Value(int64_t{2})); })
          .ok());
  // A stale cached p=1 would make this upsert look like a no-op and leave p=2 stored.
  EdgeUpsertResult again = Upsert(a_, b_, 1);
  EXPECT_FALSE(again.created);
  EXPECT_EQ(StoredP(key), Value(int64_t{1}).DebugString());
  ASSERT_TRUE(graph_->Write([&](GraphTxn& txn) { return txn.RemoveEdgeProperty(key, "p"); }).ok());
  EXPECT_EQ(StoredP(key), "<no p>");
  Upsert(a_, b_, 1);  // against a stale p=1 this would write nothing
  EXPECT_EQ(StoredP(key), Value(int64_t{1}).DebugString());
  EXPECT_TRUE(graph_->Verify().ok());
}

TEST_F(GraphEdgeRowCacheTest, AnAbortedWriteLeavesNothingInTheCache) {
  EdgeKey key = Upsert(a_, b_, 1).key;
  absl::Status s = graph_->Write([&](GraphTxn& txn) {
    EXPECT_TRUE(txn.UpsertEdge(a_, "E", b_, 0, {{"p", Value(int64_t{2})}}).ok());
    EXPECT_TRUE(txn.UpsertEdge(a_, "F", c_, 0, {}).ok());
    return absl::InternalError("changed my mind");
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(StoredP(key), Value(int64_t{1}).DebugString());
  // A cached p=2 would make this a no-op; a cached F edge would say it exists.
  EXPECT_FALSE(Upsert(a_, b_, 2).created);
  EXPECT_EQ(StoredP(key), Value(int64_t{2}).DebugString());
  EXPECT_TRUE(Upsert(a_, c_, 0, "F").created);
  EXPECT_EQ(*graph_->Snapshot()->CountEdges(), 2);
  EXPECT_TRUE(graph_->Verify().ok());
}

TEST_F(GraphEdgeRowCacheTest, ADeletedEdgeIsCreatedAgain) {
  EdgeKey key = Upsert(a_, b_, 1).key;
  ASSERT_TRUE(graph_->Write([&](GraphTxn& txn) { return txn.DeleteEdge(key); }).ok());
  EXPECT_EQ(StoredP(key), "<none>");
  absl::Status missing = graph_->Write(
      [&](GraphTxn& txn) { return txn.SetEdgeProperty(key, "p", Value(int64_t{3})); });
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound);
  EdgeUpsertResult again = Upsert(a_, b_, 1);
  EXPECT_TRUE(again.created);
  EXPECT_EQ(*graph_->Snapshot()->CountEdges(), 1);
  EXPECT_TRUE(graph_->Verify().ok());
}

TEST_F(GraphEdgeRowCacheTest, TheEdgesOfADeletedVertexAreGone) {
  EdgeKey key = Upsert(a_, c_, 1).key;
  ASSERT_TRUE(graph_->Write([&](GraphTxn& txn) { return txn.DeleteVertex(c_); }).ok());
  absl::Status s = graph_->Write(
      [&](GraphTxn& txn) { return txn.SetEdgeProperty(key, "p", Value(int64_t{3})); });
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(s.message(), "edge " + key.ToString() + " does not exist");
  EXPECT_EQ(*graph_->Snapshot()->CountEdges(), 0);
  EXPECT_TRUE(graph_->Verify().ok());
}

TEST_F(GraphEdgeRowCacheTest, AnEdgeARetractionRemovedIsCreatedAgain) {
  EdgeKey key;
  ASSERT_TRUE(graph_
                  ->Write([&](GraphTxn& txn) {
                    Document d;
                    d.id = "doc";
                    if (absl::Status s = txn.PutDocument(d); !s.ok()) return s;
                    absl::StatusOr<EdgeUpsertResult> u =
                        txn.UpsertEdge(a_, "E", b_, 0, {{"p", Value(int64_t{1})}});
                    if (!u.ok()) return u.status();
                    key = u->key;
                    Evidence ev;
                    ev.doc_id = "doc";
                    ev.rule = "r";
                    return txn.AddEvidence(key, ev);
                  })
                  .ok());
  ASSERT_TRUE(Upsert(a_, b_, 1).key == key);  // read by a later transaction: now cached
  ASSERT_TRUE(
      graph_->Write([&](GraphTxn& txn) { return txn.RetractDocument("doc").status(); }).ok());
  EXPECT_EQ(StoredP(key), "<none>");
  EXPECT_TRUE(Upsert(a_, b_, 1).created);
  EXPECT_EQ(*graph_->Snapshot()->CountEdges(), 1);
  EXPECT_TRUE(graph_->Verify().ok());
}

TEST_F(GraphEdgeRowCacheTest, ABulkLoadThatChangesACachedEdgeIsSeenByTheNextUpsert) {
  EdgeKey key = Upsert(a_, b_, 1).key;
  {
    auto loader = graph_->StartBulkLoad({});
    ASSERT_TRUE(loader.ok()) << loader.status();
    ASSERT_TRUE((*loader)->UpsertEdge(a_, "E", b_, {{"p", Value(int64_t{2})}}).ok());
    ASSERT_TRUE((*loader)->Commit().ok());
  }
  ASSERT_EQ(StoredP(key), Value(int64_t{2}).DebugString());
  EXPECT_FALSE(Upsert(a_, b_, 1).created);  // not a no-op against a stale p=1
  EXPECT_EQ(StoredP(key), Value(int64_t{1}).DebugString());
  EXPECT_TRUE(graph_->Verify().ok());
}

TEST_F(GraphEdgeRowCacheTest, AReaderAtAnOlderSnapshotNeverSeesANewerRow) {
  EdgeKey key = Upsert(a_, b_, 1).key;
  std::unique_ptr<GraphReader> before = graph_->Snapshot();
  Upsert(a_, b_, 2);  // the cache now holds p=2
  EXPECT_EQ(PIn(*before, key), Value(int64_t{1}).DebugString());
  EXPECT_EQ(StoredP(key), Value(int64_t{2}).DebugString());
}

TEST_F(GraphEdgeRowCacheTest, ACacheTooSmallForTheGraphOnlyCostsReads) {
  Open(400);  // an edge or two
  std::vector<EdgeKey> keys;
  for (int round = 0; round < 3; ++round) {
    for (VertexId src : ids_) {
      for (VertexId dst : ids_) {
        EdgeUpsertResult u = Upsert(src, dst, round);
        EXPECT_EQ(u.created, round == 0);
        if (round == 0) keys.push_back(u.key);
      }
    }
  }
  for (const EdgeKey& key : keys) EXPECT_EQ(StoredP(key), Value(int64_t{2}).DebugString());
  EXPECT_EQ(*graph_->Snapshot()->CountEdges(), 9);
  EXPECT_TRUE(graph_->Verify().ok());
}

TEST_F(GraphEdgeRowCacheTest, ConcurrentWritersAndReadersAgreeOnTheLastCommittedRow) {
  // Two writers upsert the same edges in turn while a reader walks snapshots: the cache is
  // touched only under the write lock (ThreadSanitizer checks that in build-*-tsan).
  constexpr int kRounds = 40;
  auto writer = [&](int64_t base) {
    for (int i = 0; i < kRounds; ++i) {
      absl::Status s = graph_->Write([&](GraphTxn& txn) {
        for (VertexId dst : ids_) {
          absl::StatusOr<EdgeUpsertResult> u =
              txn.UpsertEdge(a_, "E", dst, 0, {{"p", Value(base + i)}});
          if (!u.ok()) return u.status();
        }
        return absl::OkStatus();
      });
      EXPECT_TRUE(s.ok()) << s;
    }
  };
  std::thread reader([&] {
    for (int i = 0; i < kRounds; ++i) {
      absl::StatusOr<int64_t> n = graph_->Snapshot()->CountEdges();
      EXPECT_TRUE(n.ok() && *n <= 3);
    }
  });
  std::thread w1(writer, 1000), w2(writer, 2000);
  w1.join();
  w2.join();
  reader.join();
  EXPECT_EQ(*graph_->Snapshot()->CountEdges(), 3);
  for (VertexId dst : ids_) {
    EdgeUpsertResult u = Upsert(a_, dst, 7);
    EXPECT_FALSE(u.created);
    EXPECT_EQ(StoredP(u.key), Value(int64_t{7}).DebugString());
  }
  EXPECT_TRUE(graph_->Verify().ok());
}

}  // namespace
}  // namespace kg::graph
