// Edge files parsed in blocks on several threads (ImportOptions::parse_threads, csv_blocks.h):
// every outcome (the graph, the summary, the error, the bad-rows report) must be the one of the
// single-threaded reader, whatever the block size.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "import/csv_blocks.h"
#include "import/import.h"
#include "tests/graph/test_dir.h"

namespace kg::import {
namespace {

using ::testing::ElementsAre;

// What an offline import did: its status, summary, bad-rows report and the graph it left.
struct Outcome {
  std::string status;
  int64_t edge_rows = -1, bad_rows = -1, edges_created = -1, edges_merged = -1;
  std::string report;
  std::vector<std::string> graph;  // every vertex and edge with its properties, in id order
};

class BlockParseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = kg::testing::FreshTestDir("kg_block_parse_test");
    std::filesystem::create_directories(root_);
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  std::string File(const std::string& name, const std::string& content) {
    std::string path = (root_ / name).string();
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  // Imports into a fresh database with `threads` parsing threads (0: the single-threaded reader)
  // in blocks of `block_bytes`.
  Outcome Run(const std::vector<std::string>& files, int threads, size_t block_bytes,
              int64_t max_bad_rows) {
    std::string name = absl::StrCat("run", runs_++);
    auto graph = kg::testing::OpenUnsyncedGraph((root_ / name).string());
    EXPECT_TRUE(graph.ok()) << graph.status();
    ImportOptions options;
    options.parse_threads = threads;
    options.parse_block_bytes = block_bytes;
    options.max_bad_rows = max_bad_rows;
    options.bad_rows_report = (root_ / (name + ".bad")).string();
    graph::BulkLoadOptions bulk;
    bulk.memory_bytes = 1 << 20;
    auto sink = NewBulkLoadSink(**graph, bulk);
    EXPECT_TRUE(sink.ok()) << sink.status();
    absl::StatusOr<ImportSummary> summary = ImportFiles(files, **sink, options);
    sink->reset();
    Outcome out;
    out.status = summary.status().ToString();
    if (summary.ok()) {
      out.edge_rows = summary->edge_rows;
      out.bad_rows = summary->bad_rows;
      out.edges_created = summary->edges_created;
      out.edges_merged = summary->edges_merged;
    }
    std::ifstream report(options.bad_rows_report);
    out.report.assign(std::istreambuf_iterator<char>(report), std::istreambuf_iterator<char>());
    out.graph = Dump(**graph);
    EXPECT_TRUE((*graph)->Verify().ok()) << (*graph)->Verify();
    return out;
  }

  static std::vector<std::string> Dump(graph::Graph& graph) {
    std::vector<std::string> out;
    std::unique_ptr<graph::GraphReader> r = graph.Snapshot();
    auto vertices = r->ScanVertices();
    for (graph::VertexId id; vertices->Next(&id);) {
      std::optional<graph::Vertex> v = *r->GetVertex(id);
      std::string line = absl::StrCat("v", id, " ", v->key);
      for (const std::string& l : v->labels) absl::StrAppend(&line, " :", l);
      for (const graph::VertexProperty& p : v->properties) {
        absl::StrAppend(&line, " ", p.key, "=", p.value.DebugString());
      }
      out.push_back(line);
      auto edges = r->ScanEdges(id, graph::Direction::kOut, std::nullopt);
      for (graph::EdgeKey k; edges->Next(&k);) {
        std::optional<graph::Edge> e = *r->GetEdge(k);
        std::string edge = absl::StrCat("  -", e->label, "-> v", k.dst);
        for (const auto& [name, value] : e->properties) {
          absl::StrAppend(&edge, " ", name, "=", value.DebugString());
        }
        out.push_back(edge);
      }
    }
    return out;
  }

  // The single-threaded outcome, and the same from blocks of several sizes (from a line each to
  // the whole file) on 1 to 3 threads.
  void ExpectSameAsOneThread(const std::vector<std::string>& files, int64_t max_bad_rows) {
    Outcome expected = Run(files, 0, 0, max_bad_rows);
    const std::pair<int, size_t> configs[] = {{1, 1},   {1, 100},     {2, 1}, {2, 7},
                                              {2, 100}, {2, 1 << 20}, {3, 30}};
    for (const auto& [threads, block_bytes] : configs) {
      SCOPED_TRACE(absl::StrCat(threads, " threads, blocks of ", block_bytes, " bytes"));
      Outcome got = Run(files, threads, block_bytes, max_bad_rows);
      EXPECT_EQ(got.status, expected.status);
      EXPECT_EQ(got.edge_rows, expected.edge_rows);
      EXPECT_EQ(got.bad_rows, expected.bad_rows);
      EXPECT_EQ(got.edges_created, expected.edges_created);
      EXPECT_EQ(got.edges_merged, expected.edges_merged);
      EXPECT_EQ(got.report, expected.report);
      EXPECT_EQ(got.graph, expected.graph);
    }
    last_ = expected;
  }

  std::string Nodes() {
    std::string nodes = "id:ID(P),:LABEL\n";
    for (int i = 0; i < 60; ++i) absl::StrAppend(&nodes, i, ",P\n");
    nodes += "alpha,P\nbeta,P\n";  // ids that are not numbers
    return File("nodes.csv", nodes);
  }

  std::filesystem::path root_;
  int runs_ = 0;
  Outcome last_;  // the single-threaded outcome of the last ExpectSameAsOneThread
};

TEST_F(BlockParseTest, EdgeFileInManyBlocksGivesTheSameGraphAsOneThread) {
  // Repeated edges whose properties differ (the later row wins, so row order matters), blank
  // lines, CRLF line ends, text ids, an absent property and a file without a final newline.
  std::string edges = ":START_ID(P),:END_ID(P),:TYPE,w:int,note\r\n";
  for (int i = 0; i < 200; ++i) {
    absl::StrAppend(&edges, i % 60, ",", i * 7 % 60, ",", i % 3 == 0 ? "A" : "B", ",", i, ",n", i,
                    "\r\n");
    if (i % 37 == 0) edges += "\r\n\n";
  }
  edges += "alpha,beta,A,,x\r\nbeta,alpha,A,5,y";
  ExpectSameAsOneThread({Nodes(), File("edges.csv", edges)}, 0);
  EXPECT_EQ(last_.status, "OK");
  EXPECT_EQ(last_.edge_rows, 202);
  EXPECT_GT(last_.edges_merged, 0);
}

TEST_F(BlockParseTest, BadRowsInLaterBlocksKeepTheirLinesAndReport) {
  std::string edges = ":START_ID(P),:END_ID(P),:TYPE,w:int\n";
  for (int i = 0; i < 120; ++i) {
    if (i == 70) edges += "\n\n3,nosuch,A,1\n";  // line 74, after two blank lines
    if (i == 100) edges += "4,5,A,12z\n";        // line 105
    if (i == 110) edges += "4,5,A\n";            // line 116
    absl::StrAppend(&edges, i % 60, ",", (i + 1) % 60, ",A,", i, "\n");
  }
  std::string path = File("edges.csv", edges);
  ExpectSameAsOneThread({Nodes(), path}, 3);
  EXPECT_EQ(last_.status, "OK");
  EXPECT_EQ(last_.report,
            path +
                ":74:3: unknown :END_ID 'nosuch' (ID space P): no vertex of the import has "
                "this id\n\t\n\n3,nosuch,A,1\n" +
                path + ":105:7: column 'w' (int): expected an int, found '12z'\n\t4,5,A,12z\n" +
                path + ":116:1: expected 4 fields, found 3\n\t4,5,A\n");
  ExpectSameAsOneThread({Nodes(), path}, 1);
  EXPECT_EQ(last_.status,
            "INVALID_ARGUMENT: " + path + ":105:7: column 'w' (int): expected an int, found '12z'");
  EXPECT_THAT(last_.graph, ElementsAre());  // nothing written
}

TEST_F(BlockParseTest, QuotedFieldAcrossLinesFallsBackToOneThreadAndImportsTheSame) {
  std::string edges = ":START_ID(P),:END_ID(P),:TYPE,note\n";
  for (int i = 0; i < 100; ++i) {
    if (i == 40) edges += "alpha,beta,A,\"two\nlines, \"\"quoted\"\"\"\n";  // lines 42-43
    if (i == 90) edges += "1,2,A,\"x\"y\n";                                 // line 94: bad quote
    absl::StrAppend(&edges, i % 60, ",", (i + 1) % 60, ",A,n", i, "\n");
  }
  std::string path = File("edges.csv", edges);
  ExpectSameAsOneThread({Nodes(), path}, 0);
  EXPECT_EQ(last_.status,
            "INVALID_ARGUMENT: " + path +
                ":line 94, column 10: expected a delimiter or the end of the line after a quoted "
                "field");
  std::string good = edges;
  good.erase(good.find("1,2,A,\"x\"y\n"), 11);
  ExpectSameAsOneThread({Nodes(), File("good.csv", good)}, 0);
  EXPECT_EQ(last_.status, "OK");
  EXPECT_EQ(last_.edge_rows, 101);
  EXPECT_THAT(last_.graph, ::testing::Contains(::testing::HasSubstr("two\nlines, \"quoted\"")));
}

TEST(CsvBlocksTest, BlocksAreWholeLinesThatCoverTheText) {
  std::string text = "h\nab\n\ncdefgh\ni";
  std::vector<size_t> starts;
  for (size_t k = 0; k < 8; ++k) starts.push_back(CsvBlockStart(text, 2, 3, k));
  // Block k starts after the first newline at or after 2 + 3k - 1.
  EXPECT_THAT(starts, ElementsAre(2, 5, 13, 13, 14, 14, 14, 14));
  EXPECT_TRUE(IsSimpleCsvBlock("a,b\r\nc\n"));
  EXPECT_FALSE(IsSimpleCsvBlock("a,\"b\"\n"));
  EXPECT_FALSE(IsSimpleCsvBlock("a\rb\n"));
  EXPECT_FALSE(IsSimpleCsvBlock("a\r"));
  std::vector<std::string_view> fields;
  SplitSimpleCsvLine("a,,b,", ',', &fields);
  EXPECT_THAT(fields, ElementsAre("a", "", "b", ""));
  SplitSimpleCsvLine("", ',', &fields);
  EXPECT_THAT(fields, ElementsAre(""));
}

TEST(CsvBlocksTest, HandsBlocksBackInOrderAndStopsEarly) {
  std::string text;
  for (int i = 0; i < 1000; ++i) absl::StrAppend(&text, i, "\n");
  struct Block {
    size_t begin = 0, end = 0;
  };
  for (int threads : {1, 2, 4}) {
    CsvBlocks<Block> blocks(text, 0, 10, threads, [](size_t begin, size_t end, Block* b) {
      b->begin = begin;
      b->end = end;
    });
    size_t at = 0;
    while (const Block* b = blocks.Next()) {
      ASSERT_EQ(b->begin, at);
      at = b->end;
    }
    EXPECT_EQ(at, text.size());
    EXPECT_EQ(blocks.Next(), nullptr);
    CsvBlocks<Block> abandoned(text, 0, 10, threads, [](size_t, size_t, Block*) {});
    EXPECT_NE(abandoned.Next(), nullptr);  // destroyed with workers waiting: must not hang
  }
}

}  // namespace
}  // namespace kg::import
