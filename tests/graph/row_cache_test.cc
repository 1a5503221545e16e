// The Graph's cache of committed vertex rows (graph/row_cache.h): a cached row never outlives a
// change (commit, abort, delete, retraction, bulk load), readers never see it, and a cache too
// small to hold everything only costs reads. RowCache's own bookkeeping is tested directly.
#include "graph/row_cache.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "graph/bulk_loader.h"
#include "graph/graph.h"
#include "graph/layout.h"
#include "tests/graph/test_dir.h"

namespace kg::graph {
namespace {

std::shared_ptr<const codec::VertexRow> Row(LabelId label, std::string key, std::string name) {
  auto row = std::make_shared<codec::VertexRow>();
  row->labels = {label};
  row->key = std::move(key);
  row->properties.push_back(VertexProperty{"name", Value(std::move(name)), {}});
  return row;
}

TEST(RowCacheTest, FindsARowAndItsUniqueKeyUntilErased) {
  RowCache cache(1 << 20);
  cache.Put(7, Row(1, "acme", "Acme"), 20);
  ASSERT_NE(cache.FindRow(7), nullptr);
  EXPECT_EQ(cache.FindRow(7)->key, "acme");
  EXPECT_EQ(cache.FindUnique(layout::UniqueKey(1, "acme")), std::optional<VertexId>(7));
  EXPECT_EQ(cache.FindUnique(layout::UniqueKey(2, "acme")), std::nullopt);
  cache.Erase(7);
  EXPECT_EQ(cache.FindRow(7), nullptr);
  EXPECT_EQ(cache.FindUnique(layout::UniqueKey(1, "acme")), std::nullopt);
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.bytes(), 0u);
}

TEST(RowCacheTest, ErasingAnOldVertexKeepsTheNewOwnerOfItsKey) {
  RowCache cache(1 << 20);
  cache.Put(7, Row(1, "acme", "old"), 20);
  cache.Put(9, Row(1, "acme", "new"), 20);  // 7 was deleted, 9 took its key
  cache.Erase(7);
  EXPECT_EQ(cache.FindUnique(layout::UniqueKey(1, "acme")), std::optional<VertexId>(9));
}

TEST(RowCacheTest, EvictsTheLeastRecentlyUsedRowsBeyondItsBudget) {
  RowCache probe(1 << 20);
  probe.Put(1, Row(1, "a", "a"), 20);
  const size_t one = probe.bytes();
  RowCache cache(3 * one);
  cache.Put(1, Row(1, "a", "a"), 20);
  cache.Put(2, Row(1, "b", "b"), 20);
  cache.Put(3, Row(1, "c", "c"), 20);
  ASSERT_NE(cache.FindRow(1), nullptr);  // 1 is now the most recent; 2 the least
  cache.Put(4, Row(1, "d", "d"), 20);
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_LE(cache.bytes(), 3 * one);
  EXPECT_EQ(cache.FindRow(2), nullptr);
  EXPECT_EQ(cache.FindUnique(layout::UniqueKey(1, "b")), std::nullopt);
  EXPECT_NE(cache.FindRow(1), nullptr);
  EXPECT_NE(cache.FindRow(4), nullptr);
}

TEST(RowCacheTest, AZeroBudgetHoldsNothingAndAnOversizedRowReplacesNothing) {
  RowCache off(0);
  off.Put(1, Row(1, "a", "a"), 20);
  EXPECT_EQ(off.FindRow(1), nullptr);
  RowCache small(1000);
  small.Put(1, Row(1, "a", "a"), 20);
  ASSERT_NE(small.FindRow(1), nullptr);
  small.Put(1, Row(1, "a", "huge"), 100000);  // the older version must not stay behind
  EXPECT_EQ(small.FindRow(1), nullptr);
  EXPECT_EQ(small.bytes(), 0u);
}

class GraphRowCacheTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(GraphOptions().row_cache_bytes); }
  void TearDown() override {
    graph_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Open(size_t cache_bytes) {
    graph_.reset();
    if (dir_.empty()) dir_ = kg::testing::FreshTestDir("kg_row_cache");
    GraphOptions options;
    options.sync_writes = false;
    options.row_cache_bytes = cache_bytes;
    auto g = Graph::Open(dir_, options);
    ASSERT_TRUE(g.ok()) << g.status();
    graph_ = *std::move(g);
  }
  // Upserts C/k with a name; returns the id and whether it was created.
  UpsertResult Upsert(const std::string& key, const std::string& name) {
    UpsertResult result{0, false};
    absl::Status s = graph_->Write([&](GraphTxn& txn) {
      absl::StatusOr<UpsertResult> u = txn.UpsertVertex("C", key, {{"name", Value(name)}});
      if (!u.ok()) return u.status();
      result = *u;
      return absl::OkStatus();
    });
    EXPECT_TRUE(s.ok()) << s;
    return result;
  }
  std::string NameOf(VertexId id) {
    auto v = graph_->Snapshot()->GetVertex(id);
    if (!v.ok() || !v->has_value()) return "<none>";
    for (const VertexProperty& p : (*v)->properties) {
      if (p.key == "name") return p.value.DebugString();
    }
    return "<no name>";
  }

  std::string dir_;
  std::unique_ptr<Graph> graph_;
};

TEST_F(GraphRowCacheTest, ACommittedChangeIsWhatTheNextUpsertCompares) {
  VertexId id = Upsert("k", "a").id;  // the row enters the cache
  ASSERT_TRUE(
      graph_->Write([&](GraphTxn& txn) {
              return txn.SetVertexProperty(id, {"name", Value("b")});
            })
          .ok());
  // A stale cached "a" would make this upsert look like a no-op and leave "b" stored.
  UpsertResult again = Upsert("k", "a");
  EXPECT_EQ(again.id, id);
  EXPECT_FALSE(again.created);
  EXPECT_EQ(NameOf(id), Value("a").DebugString());
  EXPECT_TRUE(graph_->Verify().ok());
}

TEST_F(GraphRowCacheTest, AnAbortedWriteLeavesNothingInTheCache) {
  VertexId id = Upsert("k", "a").id;
  absl::Status s = graph_->Write([&](GraphTxn& txn) {
    EXPECT_TRUE(txn.UpsertVertex("C", "k", {{"name", Value("b")}}).ok());
    EXPECT_TRUE(txn.UpsertVertex("C", "fresh", {{"name", Value("f")}}).ok());
    return absl::InternalError("changed my mind");
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kInternal);
  // A cached "b" would make this a no-op; a cached "fresh" would hand out an id never written.
  EXPECT_EQ(Upsert("k", "b").id, id);
  EXPECT_EQ(NameOf(id), Value("b").DebugString());
  UpsertResult fresh = Upsert("fresh", "f");
  EXPECT_TRUE(fresh.created);
  EXPECT_EQ(NameOf(fresh.id), Value("f").DebugString());
  EXPECT_TRUE(graph_->Verify().ok());
}

TEST_F(GraphRowCacheTest, ADeletedVertexIsNotFoundThroughItsKeyOrId) {
  VertexId id = Upsert("k", "a").id;
  ASSERT_TRUE(graph_->Write([&](GraphTxn& txn) { return txn.DeleteVertex(id); }).ok());
  UpsertResult again = Upsert("k", "a");
  EXPECT_TRUE(again.created);
  EXPECT_NE(again.id, id);
  absl::Status edge = graph_->Write(
      [&](GraphTxn& txn) { return txn.UpsertEdge(again.id, "E", id, 0, {}).status(); });
  EXPECT_EQ(edge.code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(graph_->Verify().ok());
}

TEST_F(GraphRowCacheTest, ARetractedDocumentsVertexIsGone) {
  VertexId id = 0;
  ASSERT_TRUE(
      graph_
          ->Write([&](GraphTxn& txn) {
            Document d;
            d.id = "doc";
            if (absl::Status s = txn.PutDocument(d); !s.ok()) return s;
            absl::StatusOr<UpsertResult> u = txn.UpsertVertex("C", "k", {{"name", Value("a")}});
            if (!u.ok()) return u.status();
            id = u->id;
            Evidence ev;
            ev.doc_id = "doc";
            ev.rule = "r";
            return txn.AddEvidence(id, ev);
          })
          .ok());
  ASSERT_TRUE(
      graph_->Write([&](GraphTxn& txn) { return txn.RetractDocument("doc").status(); }).ok());
  EXPECT_EQ(NameOf(id), "<none>");
  UpsertResult again = Upsert("k", "a");
  EXPECT_TRUE(again.created);
  EXPECT_NE(again.id, id);
  EXPECT_TRUE(graph_->Verify().ok());
}

TEST_F(GraphRowCacheTest, ABulkLoadThatChangesACachedVertexIsSeenByTheNextUpsert) {
  VertexId id = Upsert("k", "a").id;
  {
    auto loader = graph_->StartBulkLoad({});
    ASSERT_TRUE(loader.ok()) << loader.status();
    absl::StatusOr<VertexId> merged = (*loader)->UpsertVertex({"C"}, "k", {{"name", Value("b")}});
    ASSERT_TRUE(merged.ok()) << merged.status();
    EXPECT_EQ(*merged, id);
    ASSERT_TRUE((*loader)->Commit().ok());
  }
  ASSERT_EQ(NameOf(id), Value("b").DebugString());
  EXPECT_EQ(Upsert("k", "a").id, id);  // not a no-op against a stale "a"
  EXPECT_EQ(NameOf(id), Value("a").DebugString());
  EXPECT_TRUE(graph_->Verify().ok());
}

TEST_F(GraphRowCacheTest, AReaderAtAnOlderSnapshotNeverSeesANewerRow) {
  VertexId id = Upsert("k", "a").id;
  std::unique_ptr<GraphReader> before = graph_->Snapshot();
  Upsert("k", "b");  // the cache now holds "b"
  auto v = before->GetVertex(id);
  ASSERT_TRUE(v.ok() && v->has_value());
  EXPECT_EQ((*v)->properties.at(0).value, Value("a"));
  EXPECT_EQ(NameOf(id), Value("b").DebugString());
}

TEST_F(GraphRowCacheTest, ACacheTooSmallForTheGraphOnlyCostsReads) {
  Open(600);  // a row or two
  std::vector<VertexId> ids;
  for (int i = 0; i < 20; ++i) ids.push_back(Upsert("k" + std::to_string(i), "a").id);
  for (int i = 0; i < 20; ++i) {
    UpsertResult again = Upsert("k" + std::to_string(i), "b" + std::to_string(i));
    EXPECT_FALSE(again.created);
    EXPECT_EQ(again.id, ids[static_cast<size_t>(i)]);
  }
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(NameOf(ids[static_cast<size_t>(i)]), Value("b" + std::to_string(i)).DebugString());
  }
  EXPECT_EQ(*graph_->Snapshot()->CountVertices(), 20);
  EXPECT_TRUE(graph_->Verify().ok());
}

TEST_F(GraphRowCacheTest, AReopenedGraphStartsFromTheStore) {
  VertexId id = Upsert("k", "a").id;
  Open(GraphOptions().row_cache_bytes);
  EXPECT_EQ(Upsert("k", "a").id, id);
  EXPECT_FALSE(Upsert("k", "a").created);
}

TEST_F(GraphRowCacheTest, AnUpsertThatRepeatsTheRowWritesNothingButOneThatCollapsesValuesDoes) {
  VertexId id = 0;
  ASSERT_TRUE(graph_
                  ->Write([&](GraphTxn& txn) {
                    absl::StatusOr<UpsertResult> u =
                        txn.UpsertVertex("C", "k",
                                         {{"tag", Value("x"), Cardinality::kList},
                                          {"tag", Value("x"), Cardinality::kList},
                                          {"alias", Value("y"), Cardinality::kSet}});
                    if (!u.ok()) return u.status();
                    id = u->id;
                    return absl::OkStatus();
                  })
                  .ok());
  // Repeats: the set value is there; a single write of a key holding two values replaces both.
  ASSERT_TRUE(graph_
                  ->Write([&](GraphTxn& txn) {
                    return txn
                        .UpsertVertex(
                            "C", "k",
                            {{"alias", Value("y"), Cardinality::kSet}, {"tag", Value("x")}})
                        .status();
                  })
                  .ok());
  auto v = graph_->Snapshot()->GetVertex(id);
  ASSERT_TRUE(v.ok() && v->has_value());
  int tags = 0, aliases = 0;
  for (const VertexProperty& p : (*v)->properties) {
    tags += p.key == "tag";
    aliases += p.key == "alias";
  }
  EXPECT_EQ(tags, 1);
  EXPECT_EQ(aliases, 1);
  EXPECT_TRUE(graph_->Verify().ok());
}

TEST_F(GraphRowCacheTest, ConcurrentWritersAndReadersAgreeOnTheLastCommittedRow) {
  // Two writers upsert the same keys in turn while a reader walks snapshots: the cache is
  // touched only under the write lock (ThreadSanitizer checks that in build-*-tsan).
  constexpr int kRounds = 40;
  auto writer = [&](const std::string& tag) {
    for (int i = 0; i < kRounds; ++i) {
      absl::Status s = graph_->Write([&](GraphTxn& txn) {
        for (const char* key : {"a", "b", "c"}) {
          absl::StatusOr<UpsertResult> u =
              txn.UpsertVertex("C", key, {{"name", Value(tag + std::to_string(i))}});
          if (!u.ok()) return u.status();
        }
        return absl::OkStatus();
      });
      EXPECT_TRUE(s.ok()) << s;
    }
  };
  std::thread reader([&] {
    for (int i = 0; i < kRounds; ++i) {
      std::unique_ptr<GraphReader> r = graph_->Snapshot();
      absl::StatusOr<int64_t> n = r->CountVertices();
      EXPECT_TRUE(n.ok() && *n <= 3);
    }
  });
  std::thread w1(writer, "x"), w2(writer, "y");
  w1.join();
  w2.join();
  reader.join();
  EXPECT_EQ(*graph_->Snapshot()->CountVertices(), 3);
  // Whatever the last writer stored, an upsert of one more value is compared against it.
  for (const char* key : {"a", "b", "c"}) {
    UpsertResult u = Upsert(key, "final");
    EXPECT_FALSE(u.created);
    EXPECT_EQ(NameOf(u.id), Value("final").DebugString());
  }
  EXPECT_TRUE(graph_->Verify().ok());
}

}  // namespace
}  // namespace kg::graph
