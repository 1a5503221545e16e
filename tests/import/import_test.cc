#include "import/import.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "tests/graph/test_dir.h"

namespace kg::import {
namespace {

using graph::Direction;
using graph::Value;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

class ImportTest : public ::testing::TestWithParam<bool /*offline*/> {
 protected:
  void SetUp() override {
    root_ = kg::testing::FreshTestDir("kg_import_test");
    std::filesystem::create_directories(root_);
    auto g = kg::testing::OpenUnsyncedGraph((root_ / "db").string());
    ASSERT_TRUE(g.ok()) << g.status();
    graph_ = *std::move(g);
    options_.bad_rows_report = (root_ / "bad.txt").string();
  }
  void TearDown() override {
    graph_.reset();
    std::filesystem::remove_all(root_);
  }

  std::string File(const std::string& name, const std::string& content) {
    std::string path = (root_ / name).string();
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  absl::StatusOr<ImportSummary> Import(const std::vector<std::string>& files) {
    std::unique_ptr<RowSink> sink;
    if (GetParam()) {
      graph::BulkLoadOptions bulk;
      bulk.memory_bytes = 1 << 20;
      absl::StatusOr<std::unique_ptr<RowSink>> s = NewBulkLoadSink(*graph_, bulk);
      if (!s.ok()) return s.status();
      sink = *std::move(s);
    } else {
      sink = NewTransactionSink(*graph_, 2);
    }
    return ImportFiles(files, *sink, options_);
  }

  std::vector<std::string> Names(Direction d, std::string_view label, std::string_view key,
                                 std::string_view edge) {
    std::unique_ptr<graph::GraphReader> r = graph_->Snapshot();
    std::optional<graph::VertexId> v = *r->FindVertexByKey(label, key);
    if (!v) return {"<missing>"};
    std::vector<std::string> out;
    auto s = r->ScanEdges(*v, d, r->FindLabel(edge));
    for (graph::EdgeKey e; s->Next(&e);) {
      auto other = *r->GetVertex(d == Direction::kOut ? e.dst : e.src);
      out.push_back((*other).key);
    }
    return out;
  }

  int64_t Vertices() { return *graph_->Snapshot()->CountVertices(); }
  int64_t Edges() { return *graph_->Snapshot()->CountEdges(); }

  std::filesystem::path root_;
  std::unique_ptr<graph::Graph> graph_;
  ImportOptions options_;
};

const char kCompanies[] =
    "companyId:ID(Company),name,founded:int,revenue:double,public:boolean,tags:string[],:LABEL\n"
    "nv,NVIDIA,1993,60.9,true,gpu;ai,Company\n"
    "tsmc,\"Taiwan Semiconductor Manufacturing Company, Limited\",1987,,true,foundry,Company;Foundry\n"
    "ayar,Ayar Labs,2015,,false,,Company\n";
const char kCountries[] = "code:ID(Country),name\nUS,United States\nTW,Taiwan\n";
const char kBasedIn[] =
    ":START_ID(Company),:END_ID(Country),:TYPE,since:datetime\n"
    "nv,US,BASED_IN,1993-04-05\n"
    "tsmc,TW,BASED_IN,\n"
    "ayar,US,BASED_IN,\n";
const char kSupplies[] = ":START_ID(Company),:END_ID(Company),:TYPE,share:double\ntsmc,nv,SUPPLIES,0.9\n";

TEST_P(ImportTest, ImportsTypedVerticesAndEdgesFromCsv) {
  absl::StatusOr<ImportSummary> summary =
      Import({File("based_in.csv", kBasedIn), File("companies.csv", kCompanies),
              File("countries.csv", kCountries), File("supplies.csv", kSupplies)});
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->vertex_rows, 5);
  EXPECT_EQ(summary->edge_rows, 4);
  EXPECT_EQ(summary->vertices_created, 5);
  EXPECT_EQ(summary->edges_created, 4);
  EXPECT_EQ(summary->bad_rows, 0);
  EXPECT_TRUE(graph_->Verify().ok()) << graph_->Verify();

  std::unique_ptr<graph::GraphReader> r = graph_->Snapshot();
  graph::VertexId tsmc = **r->FindVertexByKey("Company", "tsmc");
  auto v = **r->GetVertex(tsmc);
  EXPECT_THAT(v.labels, ElementsAre("Company", "Foundry"));
  EXPECT_THAT(v.Values("name"), ElementsAre(Value("Taiwan Semiconductor Manufacturing Company, Limited")));
  EXPECT_THAT(v.Values("founded"), ElementsAre(Value(1987)));
  EXPECT_THAT(v.Values("public"), ElementsAre(Value(true)));
  EXPECT_THAT(v.Values("tags"), ElementsAre(Value::List({"foundry"})));
  EXPECT_THAT(v.Values("revenue"), ElementsAre());  // empty field: absent
  EXPECT_THAT(v.Values("companyId"), ElementsAre(Value("tsmc")));
  EXPECT_THAT(Names(Direction::kIn, "Country", "US", "BASED_IN"), UnorderedElementsAre("nv", "ayar"));
  EXPECT_THAT(Names(Direction::kOut, "Company", "tsmc", "SUPPLIES"), ElementsAre("nv"));
  graph::VertexId nv = **r->FindVertexByKey("Company", "nv");
  graph::VertexId us = **r->FindVertexByKey("Country", "US");
  auto edge = **r->GetEdge({nv, *r->FindLabel("BASED_IN"), us, 0});
  EXPECT_EQ(*edge.Find("since"), Value(graph::Timestamp{733968000000000}));
  std::vector<graph::VertexId> found;
  auto hits = r->FindByAlias("nvidia");
  for (graph::VertexId id; hits->Next(&id);) found.push_back(id);
  EXPECT_THAT(found, ElementsAre(nv));
}

TEST_P(ImportTest, NumericAndTextIdsResolvePerIdSpace) {
  // Small numbers, a number far past them, numbers with leading zeros (text, not the number),
  // words, and the same numbers in a second ID space: each names its own vertex.
  std::string people = "id:ID(P),:LABEL\n0,P\n1,P\n2,P\n900000000,P\n007,P\n7,P\nann,P\n";
  std::string places = "id:ID(Q),:LABEL\n1,Q\n2,Q\n";
  std::string knows =
      ":START_ID(P),:END_ID(P),:TYPE\n"
      "0,1,KNOWS\n1,900000000,KNOWS\n007,ann,KNOWS\n7,2,KNOWS\n900000000,007,KNOWS\n";
  std::string lives = ":START_ID(P),:END_ID(Q),:TYPE\n1,2,LIVES_IN\n2,1,LIVES_IN\n";
  absl::StatusOr<ImportSummary> summary =
      Import({File("people.csv", people), File("places.csv", places), File("knows.csv", knows),
              File("lives.csv", lives)});
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->vertices_created, 9);
  EXPECT_EQ(summary->edges_created, 7);
  EXPECT_THAT(Names(Direction::kOut, "P", "0", "KNOWS"), ElementsAre("1"));
  EXPECT_THAT(Names(Direction::kOut, "P", "1", "KNOWS"), ElementsAre("900000000"));
  EXPECT_THAT(Names(Direction::kOut, "P", "900000000", "KNOWS"), ElementsAre("007"));
  EXPECT_THAT(Names(Direction::kOut, "P", "007", "KNOWS"), ElementsAre("ann"));
  EXPECT_THAT(Names(Direction::kOut, "P", "7", "KNOWS"), ElementsAre("2"));
  EXPECT_THAT(Names(Direction::kOut, "P", "1", "LIVES_IN"), ElementsAre("2"));
  EXPECT_THAT(Names(Direction::kIn, "Q", "2", "LIVES_IN"), ElementsAre("1"));
  EXPECT_THAT(Names(Direction::kIn, "Q", "1", "LIVES_IN"), ElementsAre("2"));
  EXPECT_EQ(Names(Direction::kOut, "P", "2", "LIVES_IN"), std::vector<std::string>{"1"});

  std::string bad = ":START_ID(P),:END_ID(P),:TYPE\n3,1,KNOWS\n";
  absl::StatusOr<ImportSummary> failed = Import({File("bad.csv", bad)});
  EXPECT_EQ(failed.status().message(),
            (root_ / "bad.csv").string() +
                ":2:1: unknown :START_ID '3' (ID space P): no vertex of the import has this id");
}

TEST_P(ImportTest, MergesIntoAnExistingGraphByLabelAndKey) {
  ASSERT_TRUE(graph_->Write([](graph::GraphTxn& txn) -> absl::Status {
                      auto nv = txn.UpsertVertex("Company", "nv", {{"ceo", Value("Jensen Huang")},
                                                                  {"founded", Value(1900)}});
                      auto us = txn.UpsertVertex("Country", "US", {});
                      return txn.UpsertEdge(nv->id, "BASED_IN", us->id, 0, {}).status();
                    })
                  .ok());
  absl::StatusOr<ImportSummary> summary =
      Import({File("companies.csv", kCompanies), File("countries.csv", kCountries),
              File("based_in.csv", kBasedIn)});
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->vertices_created, 3);
  EXPECT_EQ(summary->vertices_merged, 2);
  EXPECT_EQ(summary->edges_created, 2);
  EXPECT_EQ(summary->edges_merged, 1);
  EXPECT_EQ(Vertices(), 5);
  EXPECT_EQ(Edges(), 3);
  auto v = **graph_->Snapshot()->GetVertex(**graph_->Snapshot()->FindVertexByKey("Company", "NV"));
  EXPECT_THAT(v.Values("ceo"), ElementsAre(Value("Jensen Huang")));
  EXPECT_THAT(v.Values("founded"), ElementsAre(Value(1993)));
  EXPECT_TRUE(graph_->Verify().ok()) << graph_->Verify();
}

// An edge file of several read-ahead batches, with a bad row deep inside and a row naming a
// vertex that only the database has (looked up after the vertex files were closed).
TEST_P(ImportTest, LongEdgeFilesKeepLinesAndNameDatabaseVertices) {
  graph::VertexId db = 0;
  ASSERT_TRUE(graph_->Write([&](graph::GraphTxn& txn) -> absl::Status {
                      auto v = txn.UpsertVertex("P", "db1", {});
                      db = v->id;
                      return v.status();
                    })
                  .ok());
  std::string nodes = "id:ID(P),:LABEL\n";
  for (int i = 0; i < 2000; ++i) nodes += std::to_string(i) + ",P\n";
  std::string edges = ":START_ID(P),:END_ID(P),:TYPE\n";
  std::set<std::pair<int, int>> distinct;
  for (int i = 0; i < 3000; ++i) {
    if (i == 1500) {
      edges += "1500,nosuch,L\n";  // line 1502
      continue;
    }
    edges += std::to_string(i % 2000) + "," + std::to_string(i * 7 % 2000) + ",L\n";
    distinct.insert({i % 2000, i * 7 % 2000});
  }
  edges += "5,db1,L\n";
  options_.max_bad_rows = 1;
  std::string edges_path = File("edges.csv", edges);
  absl::StatusOr<ImportSummary> summary = Import({File("nodes.csv", nodes), edges_path});
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->bad_rows, 1);
  EXPECT_EQ(summary->edge_rows, 3000);
  EXPECT_EQ(Vertices(), 2001);
  EXPECT_EQ(Edges(), static_cast<int64_t>(distinct.size()) + 1);
  EXPECT_EQ(*graph_->Snapshot()->Degree(db, graph::Direction::kIn), 1);
  std::ifstream report(options_.bad_rows_report);
  std::string text((std::istreambuf_iterator<char>(report)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, edges_path +
                      ":1502:6: unknown :END_ID 'nosuch' (ID space P): no vertex of the import "
                      "has this id\n\t1500,nosuch,L\n");
  EXPECT_TRUE(graph_->Verify().ok()) << graph_->Verify();
}

TEST_P(ImportTest, JsonLinesNameEndpointsByLabelAndKeyOrByEarlierId) {
  std::string path = File("graph.jsonl",
                          "{\"label\": \"Company\", \"key\": \"OpenAI\", \"id\": 1, \"props\": "
                          "{\"name\": \"OpenAI\", \"founded\": 2015, \"tags\": [\"ai\"]}}\n"
                          "{\"label\": [\"Program\", \"Initiative\"], \"key\": \"Stargate\", "
                          "\"props\": {\"budget_usd\": 5e11}}\n"
                          "\n"
                          "{\"from\": 1, \"to\": [\"Program\", \"stargate\"], \"label\": "
                          "\"PARTICIPATES_IN\", \"props\": {\"role\": \"operations\"}}\n");
  absl::StatusOr<ImportSummary> summary = Import({path});
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->vertex_rows, 2);
  EXPECT_EQ(summary->edge_rows, 1);
  EXPECT_THAT(Names(Direction::kIn, "Program", "Stargate", "PARTICIPATES_IN"), ElementsAre("openai"));
  std::unique_ptr<graph::GraphReader> r = graph_->Snapshot();
  auto openai = **r->GetVertex(**r->FindVertexByKey("Company", "openai"));
  EXPECT_THAT(openai.Values("founded"), ElementsAre(Value(int64_t{2015})));
  EXPECT_THAT(openai.Values("tags"), ElementsAre(Value::List({"ai"})));
  auto stargate = **r->GetVertex(**r->FindVertexByKey("Program", "stargate"));
  EXPECT_THAT(stargate.labels, ElementsAre("Program", "Initiative"));
  EXPECT_TRUE(graph_->Verify().ok()) << graph_->Verify();
}

TEST_P(ImportTest, JsonLinesEdgesNameCsvVerticesOfTheSameImport) {
  std::string people = File("people.jsonl",
                            "{\"label\": \"Person\", \"key\": \"Jensen Huang\", \"id\": \"p1\"}\n"
                            "{\"from\": \"p1\", \"to\": [\"Company\", \"nv\"], \"label\": \"FOUNDED\"}\n"
                            "{\"from\": \"p1\", \"to\": [\"Country\", \"TW\"], \"label\": \"VISITED\"}\n");
  absl::StatusOr<ImportSummary> summary =
      Import({File("companies.csv", kCompanies), File("countries.csv", kCountries), people});
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->edge_rows, 2);
  EXPECT_THAT(Names(Direction::kIn, "Company", "nv", "FOUNDED"), ElementsAre("jensen huang"));
  EXPECT_THAT(Names(Direction::kIn, "Country", "TW", "VISITED"), ElementsAre("jensen huang"));
  // The label must match: a Country named "nv" does not exist.
  std::string wrong = File("wrong.jsonl", "{\"from\": [\"Company\", \"nv\"], \"to\": [\"Country\", \"nv\"], \"label\": \"X\"}\n");
  EXPECT_EQ(Import({File("companies.csv", kCompanies), wrong}).status().message(),
            wrong + ":1:1: unknown \"to\" vertex [Country, nv]: not in the import or the database");
}

TEST_P(ImportTest, ACancelledImportStopsWithCancelledAndWritesNothing) {
  std::string rows = "id:ID(N)\tname\n";
  for (int i = 0; i < 5000; ++i) rows += "n" + std::to_string(i) + "\tname\n";
  int asked = 0;
  options_.cancelled = [&] { return ++asked == 2; };
  absl::StatusOr<ImportSummary> summary = Import({File("n.tsv", rows)});
  EXPECT_EQ(summary.status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(summary.status().message(), "the import was cancelled after 2048 rows");
  EXPECT_EQ(Vertices(), 0);  // cancelled in the validation pass (online) or before the ingest
}

// --- bad input: the exact message, and nothing written ---------------------------------------

struct BadCase {
  const char* name;
  const char* file_name;
  const char* content;
  const char* message;  // after "<path>:"
};

TEST_P(ImportTest, EveryKindOfBadRowFailsWithItsPositionAndWritesNothing) {
  const std::string companies = File("companies.csv", kCompanies);
  const BadCase cases[] = {
      {"wrong column count", "c1.csv", "code:ID(Country),name\nUS,United States,extra\n",
       "2:1: expected 2 fields, found 3"},
      {"unparsable number", "c2.csv", "id:ID(X),n:int,:LABEL\na,1,X\nb,12z,X\n",
       "3:3: column 'n' (int): expected an int, found '12z'"},
      {"unknown id in an edge row", "e1.csv",
       ":START_ID(Company),:END_ID(Company),:TYPE\nnv,amd,SUPPLIES\n",
       "2:4: unknown :END_ID 'amd' (ID space Company): no vertex of the import has this id"},
      {"broken UTF-8", "c3.csv", "id:ID(X),name,:LABEL\na,caf\xC3,X\n", "2:3: broken UTF-8"},
      {"unterminated quote", "c4.csv", "id:ID(X),name,:LABEL\na,\"open,X\n",
       "line 2, column 3: unterminated quoted field"},
      {"bad json", "j1.jsonl", "{\"label\": \"X\", \"key\": \"a\"}\n{\"label\": \"X\", key}\n",
       "2:16: invalid JSON: syntax error while parsing object key - invalid literal; last read: "
       "'\"X\", k'; expected string literal"},
      {"unknown json reference", "j2.jsonl", "{\"from\": 7, \"to\": 8, \"label\": \"L\"}\n",
       "1:1: unknown \"from\" id '7': no earlier line has this id"},
  };
  for (const BadCase& c : cases) {
    std::string path = File(c.file_name, c.content);
    absl::StatusOr<ImportSummary> summary = Import({companies, path});
    EXPECT_EQ(summary.status().code(), absl::StatusCode::kInvalidArgument) << c.name;
    EXPECT_EQ(summary.status().message(), path + ":" + c.message) << c.name;
    EXPECT_EQ(Vertices(), 0) << c.name;
  }
  EXPECT_EQ(Import({(root_ / "missing.csv").string()}).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Import({File("x.xml", "<a/>")}).status().message(),
            (root_ / "x.xml").string() +
                ": unknown format; expected a .csv, .tsv, .jsonl (JSON Lines) or .json (GraphSON) file");
  EXPECT_EQ(Vertices(), 0);
  EXPECT_TRUE(graph_->Verify().ok());
}

TEST_P(ImportTest, SkipBadRowsWritesTheGoodRowsAndReportsTheRest) {
  std::string path = File("c.csv", "id:ID(X),n:int,:LABEL\na,1,X\nb,oops,X\nc,3,X\nd,4\n");
  options_.max_bad_rows = 1;
  EXPECT_EQ(Import({path}).status().message(), path + ":5:1: expected 3 fields, found 2");
  EXPECT_EQ(Vertices(), 0);
  options_.max_bad_rows = 2;
  absl::StatusOr<ImportSummary> summary = Import({path});
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->bad_rows, 2);
  EXPECT_EQ(summary->vertices_created, 2);
  EXPECT_EQ(Vertices(), 2);
  std::ifstream report(options_.bad_rows_report);
  std::string text((std::istreambuf_iterator<char>(report)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, path + ":3:3: column 'n' (int): expected an int, found 'oops'\n\tb,oops,X\n" +
                      path + ":5:1: expected 3 fields, found 2\n\td,4\n");
}

TEST_P(ImportTest, DryRunValidatesEverythingAndWritesNothing) {
  options_.dry_run = true;
  absl::StatusOr<ImportSummary> summary =
      Import({File("companies.csv", kCompanies), File("countries.csv", kCountries),
              File("based_in.csv", kBasedIn)});
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->vertex_rows, 5);
  EXPECT_EQ(summary->edge_rows, 3);
  EXPECT_EQ(Vertices(), 0);
  EXPECT_FALSE(graph_->Snapshot()->FindLabel("Company").has_value());
}

TEST_P(ImportTest, TsvAndProgressReports) {
  std::string rows = "id:ID(N)\tname\n";
  for (int i = 0; i < 5000; ++i) rows += "n" + std::to_string(i) + "\tname " + std::to_string(i) + "\n";
  int calls = 0;
  options_.on_progress = [&](const ImportProgress& p) {
    ++calls;
    EXPECT_LE(p.bytes_done, p.bytes_total);
  };
  absl::StatusOr<ImportSummary> summary = Import({File("n.tsv", rows)});
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->vertices_created, 5000);
  EXPECT_EQ(*graph_->Snapshot()->CountVertices(graph_->Snapshot()->FindLabel("N")), 5000);
}

// --- GraphSON 3.0 -----------------------------------------------------------------------------

// Vertex 1 names vertex 3 before its line; line 2 lists its in-edge again under inE (ignored);
// vertex 3 has two labels and a list property with meta-properties.
const char kGraphson[] =
    R"({"id":{"@type":"g:Int32","@value":1},"label":"person","outE":{"knows":[{"id":{"@type":"g:Int32","@value":7},"inV":{"@type":"g:Int32","@value":3},"properties":{"weight":{"@type":"g:Double","@value":0.5}}}],"created":[{"id":9,"inV":"lop"}]},"properties":{"name":[{"id":0,"value":"marko"}],"age":[{"id":1,"value":{"@type":"g:Int32","@value":29}}]}})"
    "\n"
    R"({"id":"lop","label":"software","inE":{"created":[{"id":9,"outV":{"@type":"g:Int32","@value":1}}]},"properties":{"lang":[{"id":2,"value":"java"}]}})"
    "\n\n"
    R"({"id":{"@type":"g:Int64","@value":3},"label":["person","employee"],"properties":{"name":[{"id":3,"value":"vadas"}],"location":[{"id":4,"value":"santa fe","properties":{"startTime":{"@type":"g:Int32","@value":2004}}},{"id":5,"value":"brussels"}]}})"
    "\n";

TEST_P(ImportTest, GraphsonIdsBecomeKeysAndEdgesAreReadFromOutE) {
  absl::StatusOr<ImportSummary> summary = Import({File("modern.json", kGraphson)});
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->vertex_rows, 3);
  EXPECT_EQ(summary->edge_rows, 2);
  EXPECT_EQ(Vertices(), 3);
  EXPECT_EQ(Edges(), 2);
  EXPECT_THAT(Names(Direction::kOut, "person", "1", "knows"), ElementsAre("3"));
  EXPECT_THAT(Names(Direction::kIn, "software", "lop", "created"), ElementsAre("1"));
  std::unique_ptr<graph::GraphReader> r = graph_->Snapshot();
  auto marko = **r->GetVertex(**r->FindVertexByKey("person", "1"));
  EXPECT_THAT(marko.Values("age"), ElementsAre(Value(int32_t{29})));
  auto vadas = **r->GetVertex(**r->FindVertexByKey("person", "3"));
  EXPECT_THAT(vadas.labels, ElementsAre("person", "employee"));
  EXPECT_THAT(vadas.Values("location"), UnorderedElementsAre(Value("santa fe"), Value("brussels")));
  // Vertex property ids are kept with their values (properties().id() reads them).
  std::vector<std::pair<Value, Value>> ids;
  for (const graph::VertexProperty& p : vadas.properties) ids.emplace_back(p.value, p.id);
  EXPECT_THAT(ids, UnorderedElementsAre(std::pair(Value("vadas"), Value(int32_t{3})),
                                        std::pair(Value("santa fe"), Value(int32_t{4})),
                                        std::pair(Value("brussels"), Value(int32_t{5}))));
  EXPECT_TRUE(graph_->Verify().ok()) << graph_->Verify();

  // The same file again merges: ids are keys.
  summary = Import({File("modern.json", kGraphson)});
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->vertices_merged, 3);
  EXPECT_EQ(Vertices(), 3);
  EXPECT_EQ(Edges(), 2);
}

TEST_P(ImportTest, BadGraphsonFailsWithItsPositionAndWritesNothing) {
  const BadCase cases[] = {
      {"edge to an unknown id", "g1.json",
       "{\"id\":1,\"label\":\"a\",\"outE\":{\"e\":[{\"id\":5,\"inV\":9}]}}\n",
       "1:1: an edge names vertex id '9', which no vertex line of the file has"},
      {"unknown type", "g2.json",
       "{\"id\":1}\n{\"id\":2,\"properties\":{\"p\":[{\"value\":{\"@type\":\"g:Foo\",\"@value\":1}}]}}\n",
       "2:1: unsupported GraphSON type g:Foo"},
      {"no id", "g3.json", "{\"label\":\"a\"}\n", "1:1: a vertex needs an \"id\""},
      {"bad json", "g4.json", "{\"id\":1}\n{\"id\" 2}\n", "2:7: invalid JSON"},
      {"broken UTF-8", "g5.json", "{\"id\":\"caf\xC3\"}\n", "1:1: broken UTF-8"},
  };
  for (const BadCase& c : cases) {
    std::string path = File(c.file_name, c.content);
    absl::StatusOr<ImportSummary> summary = Import({path});
    EXPECT_EQ(summary.status().code(), absl::StatusCode::kInvalidArgument) << c.name;
    EXPECT_EQ(summary.status().message(), path + ":" + c.message) << c.name;
    EXPECT_EQ(Vertices(), 0) << c.name;
  }
}

TEST_P(ImportTest, SkippedGraphsonLineIsReportedOnceAndItsEdgesAreSkipped) {
  std::string path = File("g.json",
                          "{\"id\":1,\"outE\":{\"e\":[{\"inV\":2}]}}\n"
                          "{\"id\":2,\"label\":7,\"outE\":{\"e\":[{\"inV\":1}]}}\n"
                          "{\"id\":3,\"outE\":{\"e\":[{\"inV\":1}]}}\n");
  options_.max_bad_rows = 2;
  absl::StatusOr<ImportSummary> summary = Import({path});
  ASSERT_TRUE(summary.ok()) << summary.status();
  // Line 2 is bad as a vertex (a numeric label); line 1's edge then names a skipped vertex.
  EXPECT_EQ(summary->bad_rows, 2);
  EXPECT_EQ(Vertices(), 2);
  EXPECT_EQ(Edges(), 1);
  EXPECT_THAT(Names(Direction::kOut, "vertex", "3", "e"), ElementsAre("1"));
  std::ifstream report(options_.bad_rows_report);
  std::string text((std::istreambuf_iterator<char>(report)), std::istreambuf_iterator<char>());
  EXPECT_THAT(text, HasSubstr(path + ":2:1: \"label\" must be a non-empty string or list of strings\n"));
  EXPECT_THAT(text, HasSubstr(path + ":1:1: an edge names vertex id '2', which no vertex line of the file has\n"));
}

INSTANTIATE_TEST_SUITE_P(Paths, ImportTest, ::testing::Values(true, false),
                         [](const auto& info) { return info.param ? "Offline" : "Online"; });

}  // namespace
}  // namespace kg::import
