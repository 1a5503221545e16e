#include "graph/bulk_loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <thread>
#include <tuple>

#include "graph/bulk/degree_writer.h"
#include "graph/bulk/edge_merger.h"
#include "graph/bulk/edge_sorter.h"
#include "graph/bulk/external_sorter.h"
#include "graph/bulk/radix_sort.h"
#include "graph/bulk/run_file.h"
#include "graph/graph.h"
#include "graph/layout.h"
#include "tests/graph/test_dir.h"

namespace kg::graph {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

std::string TempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("kg_bulk_test_" + std::to_string(::getpid()) + "_" + name))
      .string();
}

using kg::testing::Drain;

TEST(ExternalSorterTest, SortsAcrossSpilledRunsAndKeepsInsertionOrderOfEqualKeys) {
  std::string dir = TempPath("sorter");
  std::filesystem::create_directories(dir);
  for (size_t budget : {size_t{1} << 20, size_t{256}}) {  // in memory, then many runs
    bulk::ExternalSorter sorter(dir, "t", budget);
    std::mt19937 rng(1);
    std::vector<std::pair<std::string, std::string>> expected;
    for (int i = 0; i < 2000; ++i) {
      std::string key = "k" + std::to_string(rng() % 300);
      std::string value = std::to_string(i);
      ASSERT_TRUE(sorter.Add(key, value).ok());
      expected.emplace_back(key, value);
    }
    std::stable_sort(expected.begin(), expected.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    auto sorted = sorter.Finish();
    ASSERT_TRUE(sorted.ok()) << sorted.status();
    std::vector<std::pair<std::string, std::string>> got;
    std::string_view k, v;
    while ((*sorted)->Next(&k, &v)) got.emplace_back(std::string(k), std::string(v));
    EXPECT_TRUE((*sorted)->status().ok());
    EXPECT_EQ(got, expected) << "budget " << budget;
    if (budget == 256) {
      EXPECT_GT(sorter.runs_spilled(), 10);
    }
  }
  std::filesystem::remove_all(dir);
}

struct TestEdge {
  uint64_t first;
  uint32_t label;
  uint64_t second;
  std::string props;
  bool operator==(const TestEdge&) const = default;
};

std::vector<TestEdge> SortedByKey(std::vector<TestEdge> edges) {
  std::stable_sort(edges.begin(), edges.end(), [](const TestEdge& a, const TestEdge& b) {
    return std::tie(a.first, a.label, a.second) < std::tie(b.first, b.label, b.second);
  });
  return edges;
}

std::vector<TestEdge> SortWithEdgeSorter(const std::string& dir, size_t budget,
                                         const std::vector<TestEdge>& edges, int* runs_spilled) {
  bulk::EdgeSorter sorter(dir, "e", budget);
  for (const TestEdge& e : edges) {
    absl::Status s = sorter.Add(e.first, e.label, e.second, e.props);
    EXPECT_TRUE(s.ok()) << s;
  }
  auto sorted = sorter.Finish();
  EXPECT_TRUE(sorted.ok()) << sorted.status();
  std::vector<TestEdge> got;
  if (!sorted.ok()) return got;
  for (bulk::SortedEdge e; (*sorted)->Next(&e);) {
    got.push_back({e.first, e.label, e.second, std::string(e.props)});
  }
  EXPECT_TRUE((*sorted)->status().ok()) << (*sorted)->status();
  *runs_spilled = sorter.runs_spilled();
  return got;
}

TEST(EdgeSorterTest, SortsInMemoryAndAcrossSpilledRunsKeepingInsertionOrderOfEqualKeys) {
  std::string dir = TempPath("edge_sorter");
  std::filesystem::create_directories(dir);
  std::mt19937_64 rng(7);
  std::vector<TestEdge> edges;
  for (int i = 0; i < 20000; ++i) {
    // Few distinct keys, so that equal keys are common; props tell repeats apart (or are empty).
    TestEdge e{rng() % 50, static_cast<uint32_t>(rng() % 3), rng() % 50, ""};
    if (i % 3 != 0) e.props = "p" + std::to_string(i);
    edges.push_back(e);
  }
  std::vector<TestEdge> expected = SortedByKey(edges);
  // One chunk in memory; several chunks kept in memory; chunks spilled to run files.
  for (size_t budget : {size_t{64} << 20, size_t{1} << 20, size_t{4096}}) {
    int spilled = -1;
    EXPECT_EQ(SortWithEdgeSorter(dir, budget, edges, &spilled), expected) << "budget " << budget;
    if (budget == 4096) {
      EXPECT_GT(spilled, 10);
    } else {
      EXPECT_EQ(spilled, 0) << "budget " << budget;
    }
  }
  // Without properties (every in-edge sorter): spilled chunks are written whole.
  for (TestEdge& e : edges) e.props.clear();
  int spilled = -1;
  EXPECT_EQ(SortWithEdgeSorter(dir, 4096, edges, &spilled), SortedByKey(edges));
  EXPECT_GT(spilled, 10);
  EXPECT_TRUE(std::filesystem::is_empty(dir));  // run files are removed with the sorter
  std::filesystem::remove_all(dir);
}

TEST(EdgeSorterTest, OrdersEveryByteOfWideKeys) {
  // Keys that differ in their high bytes as well as their low ones, in all three fields.
  std::string dir = TempPath("edge_sorter_wide");
  std::filesystem::create_directories(dir);
  std::mt19937_64 rng(11);
  std::vector<TestEdge> edges;
  for (int i = 0; i < 5000; ++i) {
    edges.push_back({rng() % 4 == 0 ? rng() : rng() % 1000,
                     static_cast<uint32_t>(rng() % 4 == 0 ? rng() : rng() % 5),
                     rng() % 2 == 0 ? rng() : rng() % 100, std::to_string(i)});
  }
  int spilled = -1;
  EXPECT_EQ(SortWithEdgeSorter(dir, size_t{1} << 20, edges, &spilled), SortedByKey(edges));
  EXPECT_EQ(SortWithEdgeSorter(dir, 4096, edges, &spilled), SortedByKey(edges));
  std::vector<TestEdge> none;
  EXPECT_THAT(SortWithEdgeSorter(dir, 4096, none, &spilled), IsEmpty());
  std::filesystem::remove_all(dir);
}

// A sorted run of the merger tests, from memory.
class VectorRun {
 public:
  explicit VectorRun(std::vector<TestEdge> edges) : edges_(std::move(edges)) {}
  bool Next(absl::Status*) {
    if (next_ >= edges_.size()) return false;
    const TestEdge& e = edges_[next_++];
    item_ = {e.first, e.label, e.second, e.props};
    return true;
  }
  const bulk::SortedEdge& item() const { return item_; }

 private:
  std::vector<TestEdge> edges_;
  size_t next_ = 0;
  bulk::SortedEdge item_;
};

std::vector<TestEdge> MergeRuns(const std::vector<std::vector<TestEdge>>& runs) {
  std::vector<std::unique_ptr<VectorRun>> inputs;
  for (const auto& run : runs) inputs.push_back(std::make_unique<VectorRun>(SortedByKey(run)));
  bulk::EdgeMerger<VectorRun> merger(std::move(inputs));
  std::vector<TestEdge> got;
  while (merger.Next()) {
    const bulk::SortedEdge& e = merger.item();
    got.push_back({e.first, e.label, e.second, std::string(e.props)});
  }
  EXPECT_TRUE(merger.status().ok()) << merger.status();
  return got;
}

// The merge is a stable sort of the runs laid end to end: ties go to the earlier run, whatever
// the number of runs (a power of two or not, one, empty ones), and keys at the top of every
// field's range (all ones, as a finished run's key is inside the merger) are records like any
// other.
TEST(EdgeMergerTest, MergesLikeAStableSortOfTheRunsInOrder) {
  std::mt19937_64 rng(3);
  const uint64_t kTop = UINT64_MAX;
  for (size_t num_runs : {1, 2, 3, 5, 8, 13, 16, 17}) {
    std::vector<std::vector<TestEdge>> runs(num_runs);
    std::vector<TestEdge> all;
    for (size_t r = 0; r < num_runs; ++r) {
      if (r % 4 == 2) continue;  // an empty run
      for (int i = 0; i < 300; ++i) {
        TestEdge e{rng() % 6, static_cast<uint32_t>(rng() % 2), rng() % 6,
                   "r" + std::to_string(r) + "." + std::to_string(i)};
        if (i % 7 == 0) e = {kTop, UINT32_MAX, kTop, e.props};
        if (i % 11 == 0) e = {kTop, UINT32_MAX, kTop - 1, e.props};
        if (i % 13 == 0) e = {rng(), static_cast<uint32_t>(rng()), rng(), e.props};
        runs[r].push_back(e);
      }
      std::vector<TestEdge> sorted = SortedByKey(runs[r]);
      all.insert(all.end(), sorted.begin(), sorted.end());
    }
    EXPECT_EQ(MergeRuns(runs), SortedByKey(all)) << num_runs << " runs";
  }
  EXPECT_THAT(MergeRuns({}), IsEmpty());
  EXPECT_THAT(MergeRuns({{}, {}}), IsEmpty());
}

// A record of the radix sort tests: sorted by (b, a); `order` is its place before the sort.
struct Rec {
  uint64_t a, b;
  int order;
};

// Radix-sorts `records` by (b, a) and expects std::stable_sort's order, record by record.
void ExpectRadixSortedLikeStableSort(std::vector<Rec> records, const std::string& context) {
  std::vector<Rec> expected = records, scratch;
  std::stable_sort(expected.begin(), expected.end(), [](const Rec& x, const Rec& y) {
    return std::tie(x.b, x.a) < std::tie(y.b, y.a);
  });
  bulk::RadixSort<2>(&records, &scratch, [](const Rec& r) {
    return std::array<uint64_t, 2>{r.a, r.b};
  });
  ASSERT_EQ(records.size(), expected.size());
  for (size_t i = 0; i < records.size(); ++i) {
    ASSERT_EQ(records[i].order, expected[i].order) << context;
  }
}

// Keys whose varying bits make digits of every width, at every position: the order and the
// stability must be std::stable_sort's.
TEST(RadixSortTest, SortsLikeAStableSortWhateverBitsVary) {
  std::mt19937_64 rng(7);
  for (int low : {0, 3, 17, 40, 60}) {
    for (int width : {1, 8, 11, 12, 18, 23, 33}) {
      if (low + width > 64) continue;
      std::vector<Rec> records;
      uint64_t mask = (uint64_t{1} << width) - 1;
      for (int i = 0; i < 3000; ++i) {
        // Constant bits outside [low, low + width), random ones inside.
        uint64_t a = (0x5555555555555555ull & ~(mask << low)) | ((rng() & mask) << low);
        records.push_back({a, rng() % 3, i});
      }
      ExpectRadixSortedLikeStableSort(records, "low " + std::to_string(low) + " width " +
                                                   std::to_string(width));
    }
  }
}

// Past kMinMsdRecords the sort splits by its top digit first, then sorts each bucket (some
// empty, some of one record, some insertion sorted, some radix sorted) by the lower digits: the
// order and the stability must still be std::stable_sort's, for an odd and an even number of
// lower digits and for skewed buckets.
TEST(RadixSortTest, SortsLargeInputsByTopDigitThenBucketsLikeAStableSort) {
  std::mt19937_64 rng(11);
  for (int width : {20, 30, 40}) {  // 2, 3, 4 digits of a; one more when b varies
    for (uint64_t b_values : {1, 3}) {
      for (bool skewed : {false, true}) {
        std::vector<Rec> records;
        uint64_t mask = (uint64_t{1} << width) - 1;
        for (int i = 0; i < 3 * static_cast<int>(bulk::kMinMsdRecords); ++i) {
          uint64_t a = rng() & mask;
          if (skewed) a &= rng() & rng();  // most records in the low buckets
          records.push_back({a, rng() % b_values, i});
        }
        ExpectRadixSortedLikeStableSort(records, "width " + std::to_string(width) +
                                                     " b values " + std::to_string(b_values) +
                                                     " skewed " + std::to_string(skewed));
      }
    }
  }
}

TEST(RunFileTest, ReadsBackWhatWasWrittenAndReportsATruncatedRecord) {
  std::string dir = TempPath("run_file");
  std::filesystem::create_directories(dir);
  std::string path = dir + "/run.0";
  bulk::RunFileWriter writer;
  ASSERT_TRUE(writer.Create(path).ok());
  std::string big(3 << 20, 'x');  // larger than the reader's buffer
  for (uint64_t n : {uint64_t{5}, uint64_t{300}, big.size()}) writer.WriteVarint(n);
  writer.Write(big.data(), big.size());
  uint64_t last = 42;
  writer.Write(&last, sizeof(last));
  ASSERT_TRUE(writer.Close().ok());

  bulk::RunFileReader reader;
  ASSERT_TRUE(reader.Open(path).ok());
  absl::Status status;
  uint64_t n;
  for (uint64_t expected : {uint64_t{5}, uint64_t{300}, big.size()}) {
    ASSERT_TRUE(reader.ReadVarint(&n, &status));
    EXPECT_EQ(n, expected);
  }
  std::string back(big.size(), '\0');
  ASSERT_TRUE(reader.ReadRest(back.data(), back.size(), &status));
  EXPECT_EQ(back, big);
  ASSERT_TRUE(reader.Read(&n, sizeof(n), &status));
  EXPECT_EQ(n, 42u);
  EXPECT_FALSE(reader.Read(&n, sizeof(n), &status));  // a clean end
  EXPECT_TRUE(status.ok()) << status;

  std::filesystem::resize_file(path, std::filesystem::file_size(path) - 3);
  bulk::RunFileReader truncated;
  ASSERT_TRUE(truncated.Open(path).ok());
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(truncated.ReadVarint(&n, &status));
  ASSERT_TRUE(truncated.ReadRest(back.data(), back.size(), &status));
  EXPECT_FALSE(truncated.Read(&n, sizeof(n), &status));
  EXPECT_EQ(status, absl::DataLossError("truncated sort run " + path));
  std::filesystem::remove_all(dir);
}

// A bulk file that records the counter deltas it is given, and fails the one numbered `fail_at`.
class RecordingFile : public kv::BulkFile {
 public:
  explicit RecordingFile(size_t fail_at = SIZE_MAX) : fail_at_(fail_at) {}
  absl::Status Put(std::string_view, std::string_view) override {
    return absl::InternalError("Put on a counter file");
  }
  absl::Status AddInt64(std::string_view key, int64_t delta) override {
    if (added.size() == fail_at_) return absl::ResourceExhaustedError("disk full");
    added.emplace_back(std::string(key), delta);
    return absl::OkStatus();
  }
  absl::Status Delete(std::string_view) override {
    return absl::InternalError("Delete on a counter file");
  }
  absl::Status Finish() override {
    ++finished;
    return absl::OkStatus();
  }
  std::vector<std::pair<std::string, int64_t>> added;
  int finished = 0;

 private:
  size_t fail_at_;
};

// Edges of one direction in (vertex, label) order, several per (vertex, label) now and then,
// with vertices the other direction does not have: enough for several batches of degrees.
std::vector<std::pair<VertexId, LabelId>> SortedEdgeEnds(uint32_t seed, size_t n) {
  std::mt19937 random(seed);
  std::vector<std::pair<VertexId, LabelId>> ends;
  for (size_t i = 0; i < n; ++i) ends.emplace_back(random() % 40000, random() % 3);
  std::sort(ends.begin(), ends.end());
  return ends;
}

void CountOnThread(bulk::DegreeWriter* writer, Direction d,
                   const std::vector<std::pair<VertexId, LabelId>>& ends) {
  bulk::DegreeCounter counter(writer, d);
  for (const auto& [v, l] : ends) counter.Count(v, l);
  counter.Close();
}

TEST(DegreeWriterTest, MergesBothDirectionsInKeyOrderWhileTheyArrive) {
  auto out = SortedEdgeEnds(1, 100000), in = SortedEdgeEnds(2, 100000);
  std::map<std::string, int64_t> expected;
  for (const auto& [v, l] : out) ++expected[layout::DegreeKey(v, Direction::kOut, l)];
  for (const auto& [v, l] : in) ++expected[layout::DegreeKey(v, Direction::kIn, l)];
  ASSERT_GT(expected.size(), 4 * bulk::DegreeCounter::kBatch);

  RecordingFile file;
  bulk::DegreeWriter writer(file);
  std::thread in_thread(CountOnThread, &writer, Direction::kIn, std::cref(in));
  CountOnThread(&writer, Direction::kOut, out);
  in_thread.join();
  ASSERT_TRUE(writer.Finish().ok());

  EXPECT_EQ(file.finished, 1);
  std::vector<std::pair<std::string, int64_t>> want(expected.begin(), expected.end());
  EXPECT_TRUE(file.added == want) << file.added.size() << " deltas, " << want.size() << " expected";
}

TEST(DegreeWriterTest, OneDirectionWithoutDegreesAndAFailedWriteEndWithoutWaiting) {
  auto in = SortedEdgeEnds(3, 50000);
  RecordingFile file;
  {
    bulk::DegreeWriter writer(file);
    CountOnThread(&writer, Direction::kIn, in);
    writer.Close(Direction::kOut);  // as when the out-edge file failed before its first edge
    ASSERT_TRUE(writer.Finish().ok());
  }
  std::set<std::pair<VertexId, LabelId>> distinct(in.begin(), in.end());
  ASSERT_EQ(file.added.size(), distinct.size());
  EXPECT_EQ(file.added.front().first,
            layout::DegreeKey(distinct.begin()->first, Direction::kIn, distinct.begin()->second));

  RecordingFile failing(/*fail_at=*/10);
  bulk::DegreeWriter writer(failing);
  std::thread in_thread(CountOnThread, &writer, Direction::kIn, std::cref(in));
  CountOnThread(&writer, Direction::kOut, in);
  in_thread.join();
  EXPECT_EQ(writer.Finish(), absl::ResourceExhaustedError("disk full"));
  EXPECT_EQ(failing.added.size(), 10u);
  EXPECT_EQ(failing.finished, 0);
}

class BulkLoaderTest : public ::testing::TestWithParam<size_t> {
 protected:
  void SetUp() override {
    dir_ = TempPath("db" + std::to_string(GetParam()));
    std::filesystem::remove_all(dir_);
    GraphOptions options;
    options.sync_writes = false;
    auto g = Graph::Open(dir_, options);
    ASSERT_TRUE(g.ok()) << g.status();
    graph_ = *std::move(g);
  }
  void TearDown() override {
    graph_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::unique_ptr<BulkLoader> Start() {
    BulkLoadOptions options;
    options.memory_bytes = GetParam();
    auto loader = graph_->StartBulkLoad(options);
    EXPECT_TRUE(loader.ok()) << loader.status();
    return loader.ok() ? *std::move(loader) : nullptr;
  }

  std::string dir_;
  std::unique_ptr<Graph> graph_;
};

TEST_P(BulkLoaderTest, LoadsVerticesEdgesIndexesAndCountsIntoAnEmptyGraph) {
  std::unique_ptr<BulkLoader> loader = Start();
  ASSERT_NE(loader, nullptr);
  VertexId us = *loader->UpsertVertex({"Country"}, "US", {{"name", Value("United States")},
                                                          {"aliases", Value::List({"미국"})}});
  VertexId ca = *loader->UpsertVertex({"Country"}, "CA", {{"name", Value("Canada")}});
  VertexId acme = *loader->UpsertVertex({"Company", "Startup"}, "acme", {{"name", Value("Acme")}});
  // The same vertex again merges.
  EXPECT_EQ(*loader->UpsertVertex({"Country"}, "us", {{"iso", Value("USA")}}), us);
  ASSERT_TRUE(loader->UpsertEdge(acme, "BASED_IN", us, {{"since", Value(2001)}}).ok());
  ASSERT_TRUE(loader->UpsertEdge(us, "IMPOSES_TARIFF", ca, {{"rate_pct", Value(25.0)}}).ok());
  ASSERT_TRUE(loader->UpsertEdge(us, "IMPOSES_TARIFF", ca, {{"product", Value("steel")}}).ok());
  EXPECT_EQ(loader->UpsertEdge(us, "X", 999999, {}).code(), absl::StatusCode::kNotFound);

  // Nothing is visible before the commit.
  EXPECT_EQ(*graph_->Snapshot()->CountVertices(), 0);
  absl::StatusOr<BulkLoadReport> report = loader->Commit();
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->vertices_created, 3);
  EXPECT_EQ(report->vertices_merged, 1);
  EXPECT_EQ(report->edges_created, 2);
  EXPECT_EQ(report->edges_merged, 1);
  EXPECT_GT(report->bytes_written, 0u);
  loader.reset();

  EXPECT_TRUE(graph_->Verify().ok()) << graph_->Verify();
  std::unique_ptr<GraphReader> r = graph_->Snapshot();
  EXPECT_THAT(Drain(r->FindByAlias("미국")), ElementsAre(us));
  EXPECT_EQ(**r->FindVertexByKey("Country", "US"), us);
  EXPECT_THAT((*r->GetVertex(us))->Values("iso"), ElementsAre(Value("USA")));
  EXPECT_THAT((*r->GetVertex(acme))->labels, ElementsAre("Company", "Startup"));
  EXPECT_THAT(Drain(r->ScanVerticesWithLabel(*r->FindLabel("Startup"))), ElementsAre(acme));
  LabelId tariff = *r->FindLabel("IMPOSES_TARIFF");
  auto edge = r->GetEdge({us, tariff, ca, 0});
  ASSERT_TRUE(edge.ok() && edge->has_value());
  EXPECT_EQ(*(*edge)->Find("rate_pct"), Value(25.0));
  EXPECT_EQ(*(*edge)->Find("product"), Value("steel"));
  EXPECT_EQ(*r->Degree(us, Direction::kOut), 1);
  EXPECT_EQ(*r->Degree(us, Direction::kIn), 1);
  EXPECT_EQ(*r->CountVertices(r->FindLabel("Country")), 2);
  EXPECT_EQ(*r->CountEdges(), 2);

  // The graph takes ordinary writes afterwards, with fresh ids.
  VertexId later = 0;
  ASSERT_TRUE(graph_->Write([&](GraphTxn& txn) {
                      auto v = txn.UpsertVertex("Country", "MX", {});
                      later = v->id;
                      return v.status();
                    })
                  .ok());
  EXPECT_GT(later, acme);
  EXPECT_TRUE(graph_->Verify().ok());
}

// After a load that moved `us` from pop 330 to 335 and created `mx` with 128: the declared index
// holds exactly the new values.
void ExpectPopulationIndex(GraphReader& r, VertexId us, VertexId mx) {
  EXPECT_THAT(Drain(r.IndexExact("Country", "pop", Value(335))), ElementsAre(us));
  EXPECT_THAT(Drain(r.IndexExact("Country", "pop", Value(330))), IsEmpty());
  EXPECT_THAT(Drain(r.IndexExact("Country", "pop", Value(128))), ElementsAre(mx));
}

TEST_P(BulkLoaderTest, MergesIntoExistingDataLikeUpserts) {
  VertexId us = 0, ca = 0;
  ASSERT_TRUE(graph_->DeclareIndex({"Country", "pop", Value::Type::kInt64}).ok());
  ASSERT_TRUE(graph_->Write([&](GraphTxn& txn) -> absl::Status {
                      us = txn.UpsertVertex("Country", "US", {{"name", Value("United States")},
                                                              {"pop", Value(330)}})->id;
                      ca = txn.UpsertVertex("Country", "CA", {})->id;
                      return txn.UpsertEdge(us, "NEIGHBOUR", ca, 0, {{"km", Value(8891)}}).status();
                    })
                  .ok());
  std::unique_ptr<BulkLoader> loader = Start();
  ASSERT_NE(loader, nullptr);
  EXPECT_EQ(*loader->UpsertVertex({"Country"}, "us", {{"pop", Value(335)},
                                                      {"name", Value("USA")}}),
            us);
  VertexId mx = *loader->UpsertVertex({"Country"}, "MX", {{"pop", Value(128)}});
  ASSERT_TRUE(loader->UpsertEdge(us, "NEIGHBOUR", ca, {{"open", Value(true)}}).ok());
  ASSERT_TRUE(loader->UpsertEdge(us, "NEIGHBOUR", mx, {}).ok());
  absl::StatusOr<BulkLoadReport> report = loader->Commit();
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->vertices_created, 1);
  EXPECT_EQ(report->vertices_merged, 1);
  EXPECT_EQ(report->edges_created, 1);
  EXPECT_EQ(report->edges_merged, 1);
  loader.reset();

  EXPECT_TRUE(graph_->Verify().ok()) << graph_->Verify();
  std::unique_ptr<GraphReader> r = graph_->Snapshot();
  ExpectPopulationIndex(*r, us, mx);
  EXPECT_THAT(Drain(r->FindByAlias("USA")), ElementsAre(us));
  EXPECT_THAT(Drain(r->FindByAlias("United States")), IsEmpty());
  auto edge = r->GetEdge({us, *r->FindLabel("NEIGHBOUR"), ca, 0});
  EXPECT_EQ(*(*edge)->Find("km"), Value(8891));
  EXPECT_EQ(*(*edge)->Find("open"), Value(true));
  EXPECT_EQ(*r->CountVertices(), 3);
  EXPECT_EQ(*r->CountEdges(), 2);
  EXPECT_EQ(*r->Degree(us, Direction::kOut), 2);
  EXPECT_EQ(*r->Degree(ca, Direction::kIn), 1);  // the existing edge is not counted again
  EXPECT_EQ(*r->Degree(mx, Direction::kIn), 1);
}

TEST_P(BulkLoaderTest, VerticesAreWrittenBesideTheEdgesAfterNoMoreVertices) {
  VertexId us = 0, ca = 0;
  ASSERT_TRUE(graph_->DeclareIndex({"Country", "pop", Value::Type::kInt64}).ok());
  ASSERT_TRUE(graph_->Write([&](GraphTxn& txn) -> absl::Status {
                      us = txn.UpsertVertex("Country", "US", {{"pop", Value(330)}})->id;
                      ca = txn.UpsertVertex("Country", "CA", {})->id;
                      return absl::OkStatus();
                    })
                  .ok());
  std::unique_ptr<BulkLoader> loader = Start();
  ASSERT_NE(loader, nullptr);
  EXPECT_EQ(*loader->UpsertVertex({"Country"}, "US", {{"pop", Value(335)}}), us);
  VertexId mx = *loader->UpsertVertex({"Country"}, "MX", {{"pop", Value(128)}});
  ASSERT_TRUE(loader->NoMoreVertices().ok());
  ASSERT_TRUE(loader->NoMoreVertices().ok());  // said twice: no harm
  EXPECT_EQ(loader->UpsertVertex({"Country"}, "FR", {}).status().message(),
            "a vertex after NoMoreVertices() in a bulk load");
  // A vertex of the database first named now, and an edge label first used now.
  EXPECT_EQ(**loader->FindVertex("Country", "ca"), ca);
  EXPECT_FALSE(loader->FindVertex("Country", "FR")->has_value());
  ASSERT_TRUE(loader->UpsertEdge(us, "BORDERS", ca, {{"km", Value(8891)}}).ok());
  ASSERT_TRUE(loader->UpsertEdge(mx, "BORDERS", us, {}).ok());
  EXPECT_EQ(loader->UpsertEdge(mx, "BORDERS", 999999, {}).message(),
            "vertex 999999 does not exist");
  absl::StatusOr<BulkLoadReport> report = loader->Commit();
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->vertices_created, 1);
  EXPECT_EQ(report->vertices_merged, 1);
  EXPECT_EQ(report->edges_created, 2);
  EXPECT_EQ(loader->NoMoreVertices().message(), "the bulk load was committed");
  loader.reset();

  EXPECT_TRUE(graph_->Verify().ok()) << graph_->Verify();
  std::unique_ptr<GraphReader> r = graph_->Snapshot();
  ExpectPopulationIndex(*r, us, mx);
  EXPECT_EQ(**r->FindVertexByKey("Country", "MX"), mx);
  auto edge = r->GetEdge({us, *r->FindLabel("BORDERS"), ca, 0});
  ASSERT_TRUE(edge.ok() && edge->has_value());
  EXPECT_EQ(*(*edge)->Find("km"), Value(8891));
  EXPECT_EQ(*r->CountVertices(r->FindLabel("Country")), 3);
  EXPECT_EQ(*r->CountEdges(), 2);
  EXPECT_EQ(*r->Degree(us, Direction::kIn), 1);
  EXPECT_EQ(*r->Degree(ca, Direction::kIn), 1);
}

TEST_P(BulkLoaderTest, AnUncommittedLoadAfterNoMoreVerticesWritesNothing) {
  {
    std::unique_ptr<BulkLoader> loader = Start();
    ASSERT_NE(loader, nullptr);
    for (int i = 0; i < 1000; ++i) {
      ASSERT_TRUE(loader->UpsertVertex({"T"}, std::to_string(i), {{"name", Value("x")}}).ok());
    }
    ASSERT_TRUE(loader->NoMoreVertices().ok());
    VertexId one = **loader->FindVertex("T", "1"), two = **loader->FindVertex("T", "2");
    ASSERT_TRUE(loader->UpsertEdge(one, "L", two, {}).ok());
  }
  std::unique_ptr<GraphReader> r = graph_->Snapshot();
  EXPECT_EQ(*r->CountVertices(), 0);
  EXPECT_FALSE(r->FindLabel("T").has_value());
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/.bulk"));
  EXPECT_TRUE(graph_->Verify().ok());
}

// Enough vertices and index changes that the vertex writer is still at work while edges arrive
// and existing vertices are first looked up on the caller's thread (the case a ThreadSanitizer
// build of this test checks).
TEST_P(BulkLoaderTest, ManyVerticesWrittenWhileEdgesArriveAndExistingOnesAreLookedUp) {
  ASSERT_TRUE(graph_->DeclareIndex({"N", "pop", Value::Type::kInt64}).ok());
  constexpr int kExisting = 100, kNew = 2000, kEdges = 4000;
  std::vector<VertexId> existing;
  absl::Status written = graph_->Write([&](GraphTxn& txn) -> absl::Status {
    for (int i = 0; i < kExisting; ++i) {
      auto v = txn.UpsertVertex("N", "e" + std::to_string(i), {{"pop", Value(100 + i)}});
      if (!v.ok()) return v.status();
      existing.push_back(v->id);
    }
    return absl::OkStatus();
  });
  ASSERT_TRUE(written.ok()) << written;
  std::unique_ptr<BulkLoader> loader = Start();
  ASSERT_NE(loader, nullptr);
  // Half of the existing vertices change their indexed value; the rest are first named later.
  for (int i = 0; i < kExisting / 2; ++i) {
    ASSERT_EQ(*loader->UpsertVertex({"N"}, "e" + std::to_string(i), {{"pop", Value(1000 + i)}}),
              existing[i]);
  }
  std::vector<VertexId> fresh;
  for (int i = 0; i < kNew; ++i) {
    fresh.push_back(*loader->UpsertVertex({"N"}, "n" + std::to_string(i), {{"pop", Value(i % 7)}}));
  }
  ASSERT_TRUE(loader->NoMoreVertices().ok());
  for (int i = 0; i < kExisting; ++i) {
    ASSERT_EQ(**loader->FindVertex("N", "e" + std::to_string(i)), existing[i]);
  }
  std::set<std::tuple<VertexId, VertexId>> distinct;
  std::map<VertexId, int> in_degree;
  for (int i = 0; i < kEdges; ++i) {
    VertexId src = fresh[i % kNew];
    VertexId dst = i % 2 == 0 ? existing[(i / 2) % kExisting] : fresh[(i * 7) % kNew];
    std::vector<PropertyWrite> props;
    if (i % 3 == 0) props.push_back({"w", Value(i)});
    ASSERT_TRUE(loader->UpsertEdge(src, "L", dst, props).ok());
    if (distinct.insert({src, dst}).second) ++in_degree[dst];
  }
  absl::StatusOr<BulkLoadReport> report = loader->Commit();
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->vertices_created, kNew);
  EXPECT_EQ(report->vertices_merged, kExisting / 2);
  EXPECT_EQ(report->edges_created, static_cast<int64_t>(distinct.size()));
  loader.reset();

  EXPECT_TRUE(graph_->Verify().ok()) << graph_->Verify();
  std::unique_ptr<GraphReader> r = graph_->Snapshot();
  EXPECT_EQ(*r->CountVertices(r->FindLabel("N")), kExisting + kNew);
  EXPECT_EQ(*r->CountEdges(), static_cast<int64_t>(distinct.size()));
  EXPECT_THAT(Drain(r->IndexExact("N", "pop", Value(1003))), ElementsAre(existing[3]));
  EXPECT_THAT(Drain(r->IndexExact("N", "pop", Value(103))), IsEmpty());
  EXPECT_THAT(Drain(r->IndexExact("N", "pop", Value(160))), ElementsAre(existing[60]));
  std::vector<VertexId> threes;
  for (int i = 3; i < kNew; i += 7) threes.push_back(fresh[i]);
  EXPECT_EQ(Drain(r->IndexExact("N", "pop", Value(3))), threes);
  for (VertexId v : {existing[0], existing[77], fresh[0], fresh[1999]}) {
    EXPECT_EQ(*r->Degree(v, Direction::kIn), in_degree[v]) << v;
  }
}

TEST_P(BulkLoaderTest, AnUncommittedLoadWritesNothing) {
  {
    std::unique_ptr<BulkLoader> loader = Start();
    ASSERT_NE(loader, nullptr);
    VertexId a = *loader->UpsertVertex({"T"}, "a", {});
    ASSERT_TRUE(loader->UpsertEdge(a, "L", a, {}).ok());
  }
  std::unique_ptr<GraphReader> r = graph_->Snapshot();
  EXPECT_EQ(*r->CountVertices(), 0);
  EXPECT_FALSE(r->FindLabel("T").has_value());
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/.bulk"));
  EXPECT_TRUE(graph_->Write([](GraphTxn& txn) { return txn.UpsertVertex("T", "b", {}).status(); }).ok());
  EXPECT_TRUE(graph_->Verify().ok());
}

TEST_P(BulkLoaderTest, BadInputIsRefusedWithAClearError) {
  std::unique_ptr<BulkLoader> loader = Start();
  ASSERT_NE(loader, nullptr);
  EXPECT_EQ(loader->UpsertVertex({}, "k", {}).status().message(), "a vertex needs at least one label");
  EXPECT_EQ(loader->UpsertVertex({"T"}, "", {}).status().message(), "a bulk-loaded vertex needs a key");
  EXPECT_EQ(loader->UpsertVertex({"T"}, "k", {{"name", Value("bad\xC3")}}).status().message(),
            "value of property 'name' is not valid UTF-8");
}

TEST_P(BulkLoaderTest, ALargerRandomGraphMatchesTheSameGraphWrittenThroughTransactions) {
  // The same multigraph loaded in bulk and through upserts must give identical adjacency.
  std::string other_dir = dir_ + "_txn";
  std::filesystem::remove_all(other_dir);
  GraphOptions options;
  options.sync_writes = false;
  auto other = Graph::Open(other_dir, options);
  ASSERT_TRUE(other.ok());
  std::mt19937 rng(42);
  std::vector<std::tuple<int, int, int>> edges;
  for (int i = 0; i < 3000; ++i) edges.emplace_back(rng() % 200, rng() % 3, rng() % 200);

  std::unique_ptr<BulkLoader> loader = Start();
  std::map<int, VertexId> ids;
  for (int v = 0; v < 200; ++v) {
    ids[v] = *loader->UpsertVertex({"N"}, std::to_string(v), {{"name", Value("n" + std::to_string(v))}});
  }
  for (auto [a, l, b] : edges) {
    ASSERT_TRUE(loader->UpsertEdge(ids[a], "L" + std::to_string(l), ids[b], {}).ok());
  }
  ASSERT_TRUE(loader->Commit().ok());
  loader.reset();
  ASSERT_TRUE((*other)->Write([&](GraphTxn& txn) -> absl::Status {
                        std::map<int, VertexId> tids;
                        for (int v = 0; v < 200; ++v) {
                          tids[v] = txn.UpsertVertex("N", std::to_string(v),
                                                     {{"name", Value("n" + std::to_string(v))}})->id;
                        }
                        for (auto [a, l, b] : edges) {
                          auto e = txn.UpsertEdge(tids[a], "L" + std::to_string(l), tids[b], 0, {});
                          if (!e.ok()) return e.status();
                        }
                        return absl::OkStatus();
                      })
                  .ok());
  EXPECT_TRUE(graph_->Verify().ok()) << graph_->Verify();
  auto a = graph_->Stats();
  auto b = (*other)->Stats();
  EXPECT_EQ(a->vertices, b->vertices);
  EXPECT_EQ(a->edges, b->edges);
  EXPECT_EQ(a->edges_by_label, b->edges_by_label);
  std::unique_ptr<GraphReader> ra = graph_->Snapshot(), rb = (*other)->Snapshot();
  for (int v = 0; v < 200; v += 7) {
    VertexId va = **ra->FindVertexByKey("N", std::to_string(v));
    VertexId vb = **rb->FindVertexByKey("N", std::to_string(v));
    EXPECT_EQ(*ra->Degree(va, Direction::kOut), *rb->Degree(vb, Direction::kOut));
    EXPECT_EQ(*ra->Degree(va, Direction::kIn), *rb->Degree(vb, Direction::kIn));
  }
  ra.reset();
  rb.reset();  // readers must not outlive their graph
  other->reset();
  std::filesystem::remove_all(other_dir);
}

TEST_P(BulkLoaderTest, EdgeFilesOfManyBlocksReadBackByPrefixScansAndPointReads) {
  // 40,000 edges: the adjacency file of each direction spans dozens of data blocks (bulk files
  // have blocks of their own size), so the scans below cross block boundaries, go through the
  // prefix filters and start in the middle of blocks.
  std::unique_ptr<BulkLoader> loader = Start();
  ASSERT_NE(loader, nullptr);
  std::vector<VertexId> ids;
  for (int v = 0; v < 2000; ++v) ids.push_back(*loader->UpsertVertex({"N"}, std::to_string(v), {}));
  std::mt19937 rng(7);
  std::set<std::tuple<VertexId, int, VertexId>> edges;
  while (edges.size() < 40000) {
    VertexId a = ids[rng() % ids.size()], b = ids[rng() % ids.size()];
    int l = static_cast<int>(rng() % 2);
    if (!edges.insert({a, l, b}).second) continue;
    ASSERT_TRUE(loader->UpsertEdge(a, "L" + std::to_string(l), b, {}).ok());
  }
  ASSERT_TRUE(loader->Commit().ok());
  loader.reset();

  std::unique_ptr<GraphReader> reader = graph_->Snapshot();
  LabelId labels[2] = {*reader->FindLabel("L0"), *reader->FindLabel("L1")};
  std::map<VertexId, std::vector<EdgeKey>> out, in;
  for (auto [a, l, b] : edges) {
    EdgeKey key{a, labels[l], b, 0};
    out[a].push_back(key);
    in[b].push_back(key);
  }
  auto scan = [&](VertexId v, Direction d) {
    std::vector<EdgeKey> got;
    std::unique_ptr<EdgeStream> s = reader->ScanEdges(v, d);
    for (EdgeKey k; s->Next(&k);) got.push_back(k);
    EXPECT_TRUE(s->status().ok()) << s->status();
    std::sort(got.begin(), got.end());
    return got;
  };
  for (VertexId v : ids) {
    std::sort(out[v].begin(), out[v].end());
    std::sort(in[v].begin(), in[v].end());
    ASSERT_EQ(scan(v, Direction::kOut), out[v]) << "out-edges of " << v;
    ASSERT_EQ(scan(v, Direction::kIn), in[v]) << "in-edges of " << v;
  }
  for (int i = 0; i < 2000; ++i) {
    VertexId a = ids[rng() % ids.size()], b = ids[rng() % ids.size()];
    int l = static_cast<int>(rng() % 2);
    absl::StatusOr<std::optional<Edge>> e = reader->GetEdge({a, labels[l], b, 0});
    ASSERT_TRUE(e.ok()) << e.status();
    EXPECT_EQ(e->has_value(), edges.count({a, l, b}) == 1) << a << " " << l << " " << b;
  }
  EXPECT_EQ(*reader->CountEdges(), 40000);
  reader.reset();
}

INSTANTIATE_TEST_SUITE_P(MemoryBudgets, BulkLoaderTest,
                         ::testing::Values(size_t{64} << 20, size_t{2048}),
                         [](const auto& info) {
                           return info.param > 4096 ? std::string("InMemory") : std::string("Spilling");
                         });

}  // namespace
}  // namespace kg::graph
