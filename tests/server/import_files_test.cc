// ImportFiles through the real service (in process): round trips, dry runs, every bad input with
// its exact message and nothing written, skipped rows, acknowledgements per batch, limits, one
// import at a time with queries still served, and the spool always cleaned up.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/server/graph_dump.h"
#include "tests/server/test_server.h"

namespace kg::server::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

struct InputFile {
  std::string name;
  std::string content;
};

struct ImportResult {
  grpc::Status status;
  v1::ImportFilesSummary summary;
  bool has_summary = false;
  std::string bad_rows_report;
  std::vector<int64_t> acks;  // rows_committed of each WRITE progress event, in order
};

using ImportStream = grpc::ClientReaderWriter<v1::ImportFilesRequest, v1::ImportFilesEvent>;

void SendFile(ImportStream& stream, const InputFile& file, size_t chunk) {
  v1::ImportFilesRequest header;
  header.mutable_file()->set_name(file.name);
  header.mutable_file()->set_size(file.content.size());
  stream.Write(header);
  for (size_t at = 0; at < file.content.size(); at += chunk) {
    v1::ImportFilesRequest data;
    data.set_chunk(file.content.substr(at, chunk));
    stream.Write(data);
  }
}

ImportResult ReadToEnd(ImportStream& stream) {
  ImportResult r;
  for (v1::ImportFilesEvent e; stream.Read(&e);) {
    if (e.has_progress() && e.progress().phase() == v1::ImportFilesProgress::WRITE &&
        (r.acks.empty() || r.acks.back() != e.progress().rows_committed())) {
      r.acks.push_back(e.progress().rows_committed());
    }
    if (e.event_case() == v1::ImportFilesEvent::kBadRowsReport)
      r.bad_rows_report += e.bad_rows_report();
    if (e.has_summary()) {
      r.summary = e.summary();
      r.has_summary = true;
    }
  }
  r.status = stream.Finish();
  return r;
}

class ImportFilesTest : public ::testing::Test {
 protected:
  void SetUp() override { ts_.Start(); }

  ImportResult Import(const std::vector<InputFile>& files, v1::ImportFilesOptions options = {},
                      const std::string& token = "") {
    auto ctx = Ctx(token, 60'000);
    std::unique_ptr<ImportStream> stream = ts_.stub->ImportFiles(ctx.get());
    v1::ImportFilesRequest first;
    *first.mutable_options() = options;
    stream->Write(first);
    for (const InputFile& f : files) SendFile(*stream, f, 7);  // small chunks: reassembly
    stream->WritesDone();
    return ReadToEnd(*stream);
  }

  std::vector<std::string> Dump() { return kg::testing::DumpGraph(*ts_.graph); }
  int64_t Vertices() { return *ts_.graph->Snapshot()->CountVertices(); }
  bool SpoolIsEmpty() {
    std::error_code ec;
    const std::string root = ts_.graph->dir() + "/import-spool";
    return !std::filesystem::exists(root) || std::filesystem::is_empty(root, ec);
  }

  TestServer ts_;
};

const char kCompanies[] =
    "companyId:ID(Company),name,founded:int,revenue:double,:LABEL\n"
    "nv,NVIDIA,1993,60.9,Company\n"
    "tsmc,\"Taiwan Semiconductor, Limited\",1987,,Company;Foundry\n";
const char kPeople[] =
    "{\"label\": \"Person\", \"key\": \"Jensen Huang\", \"id\": \"p1\", \"props\": {\"born\": "
    "1963}}\n"
    "{\"label\": \"Person\", \"key\": \"Lisa Su\"}\n"
    "{\"from\": \"p1\", \"to\": [\"Person\", \"Lisa Su\"], \"label\": \"KNOWS\", \"props\": "
    "{\"since\": 2010}}\n";
const char kSupplies[] =
    ":START_ID(Company),:END_ID(Company),:TYPE,share:double\ntsmc,nv,SUPPLIES,0.9\n";

TEST_F(ImportFilesTest, CsvAndJsonLinesRoundTripWithExactContents) {
  ImportResult r = Import({{"data/supplies.csv", kSupplies},
                           {"data/companies.csv", kCompanies},
                           {"people.jsonl", kPeople}});
  ASSERT_TRUE(r.status.ok()) << r.status.error_message();
  ASSERT_TRUE(r.has_summary);
  EXPECT_FALSE(r.summary.dry_run());
  EXPECT_EQ(r.summary.vertex_rows(), 4);
  EXPECT_EQ(r.summary.edge_rows(), 2);
  EXPECT_EQ(r.summary.vertices_created(), 4);
  EXPECT_EQ(r.summary.edges_created(), 2);
  EXPECT_EQ(r.summary.bad_rows(), 0);
  EXPECT_EQ(r.summary.rows_committed(), 6);
  EXPECT_EQ(r.bad_rows_report, "");
  EXPECT_THAT(Dump(), ElementsAre("E jensen huang KNOWS lisa su {since=2010L}",
                                  "E tsmc SUPPLIES nv {share=0.9d}",
                                  "V Company nv {companyId=\"nv\", founded=1993, name=\"NVIDIA\", "
                                  "revenue=60.9d}",
                                  "V Company;Foundry tsmc {companyId=\"tsmc\", founded=1987, "
                                  "name=\"Taiwan Semiconductor, Limited\"}",
                                  "V Person jensen huang {born=1963L}", "V Person lisa su {}"));
  EXPECT_TRUE(ts_.graph->Verify().ok());
  EXPECT_TRUE(SpoolIsEmpty());

  // Importing the same files again merges: nothing new.
  ImportResult again = Import({{"companies.csv", kCompanies}, {"supplies.csv", kSupplies}});
  ASSERT_TRUE(again.status.ok()) << again.status.error_message();
  EXPECT_EQ(again.summary.vertices_merged(), 2);
  EXPECT_EQ(again.summary.vertices_created(), 0);
  EXPECT_EQ(again.summary.edges_merged(), 1);
  EXPECT_EQ(Dump().size(), 6u);
}

TEST_F(ImportFilesTest, EachBatchIsAcknowledgedOnceCommitted) {
  std::string csv = "id:ID(X),n:int,:LABEL\n";
  for (int i = 0; i < 7; ++i) csv += "k" + std::to_string(i) + "," + std::to_string(i) + ",X\n";
  v1::ImportFilesOptions options;
  options.set_batch_rows(3);
  ImportResult r = Import({{"x.csv", csv}}, options);
  ASSERT_TRUE(r.status.ok()) << r.status.error_message();
  EXPECT_THAT(r.acks, ElementsAre(3, 6, 7));
  EXPECT_EQ(Vertices(), 7);
}

TEST_F(ImportFilesTest, DryRunValidatesAndWritesNothing) {
  v1::ImportFilesOptions options;
  options.set_dry_run(true);
  ImportResult r = Import({{"companies.csv", kCompanies}, {"supplies.csv", kSupplies}}, options);
  ASSERT_TRUE(r.status.ok()) << r.status.error_message();
  EXPECT_TRUE(r.summary.dry_run());
  EXPECT_EQ(r.summary.vertex_rows(), 2);
  EXPECT_EQ(r.summary.edge_rows(), 1);
  EXPECT_EQ(r.summary.rows_committed(), 0);
  EXPECT_TRUE(r.acks.empty());
  EXPECT_TRUE(Dump().empty());
  EXPECT_TRUE(SpoolIsEmpty());
}

struct BadCase {
  const char* what;
  InputFile file;
  std::string message;
  int line, column;
};

TEST_F(ImportFilesTest, EveryBadInputFailsWithItsPositionAndWritesNothing) {
  const BadCase cases[] = {
      {"wrong column count",
       {"in/c1.csv", "code:ID(Country),name\nUS,United States,extra\n"},
       "in/c1.csv:2:1: expected 2 fields, found 3",
       2,
       1},
      {"unparsable number",
       {"c2.csv", "id:ID(X),n:int,:LABEL\na,1,X\nb,12z,X\n"},
       "c2.csv:3:3: column 'n' (int): expected an int, found '12z'",
       3,
       3},
      {"unknown id",
       {"e1.csv", ":START_ID(Company),:END_ID(Company),:TYPE\nnv,amd,SUPPLIES\n"},
       "e1.csv:2:4: unknown :END_ID 'amd' (ID space Company): no vertex of the import has this id",
       2,
       4},
      {"broken UTF-8",
       {"c3.csv", "id:ID(X),name,:LABEL\na,caf\xC3,X\n"},
       "c3.csv:2:3: broken UTF-8",
       2,
       3},
      {"bad JSON line",
       {"j.jsonl", "{\"label\": \"X\", \"key\": \"a\"}\n[1,\n"},
       "j.jsonl:2:4: invalid JSON: syntax error while parsing value - unexpected end of input; "
       "expected '[', '{', or a literal",
       2,
       4},
  };
  for (const BadCase& c : cases) {
    ImportResult r = Import({{"companies.csv", kCompanies}, c.file});
    EXPECT_EQ(r.status.error_code(), grpc::INVALID_ARGUMENT) << c.what;
    EXPECT_EQ(r.status.error_message(), c.message) << c.what;
    v1::ErrorDetail detail;
    ASSERT_TRUE(detail.ParseFromString(r.status.error_details())) << c.what;
    EXPECT_EQ(detail.input(), c.file.name) << c.what;
    EXPECT_EQ(detail.line(), c.line) << c.what;
    EXPECT_EQ(detail.column(), c.column) << c.what;
    EXPECT_FALSE(r.has_summary) << c.what;
    EXPECT_TRUE(r.acks.empty()) << c.what;
    EXPECT_EQ(Vertices(), 0) << c.what;
  }
  ImportResult unknown = Import({{"notes.xml", "<a/>"}});
  EXPECT_EQ(unknown.status.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_EQ(unknown.status.error_message(),
            "notes.xml: unknown format; expected a .csv, .tsv, .jsonl (JSON Lines) or .json "
            "(GraphSON) file");
  EXPECT_EQ(Import({}).status.error_message(), "no files to import");
  EXPECT_TRUE(Dump().empty());
  EXPECT_TRUE(SpoolIsEmpty());
}

TEST_F(ImportFilesTest, SkippedRowsAreReportedWithTheClientsFileNames) {
  const InputFile file{"../in/c.csv", "id:ID(X),n:int,:LABEL\na,1,X\nb,oops,X\nc,3,X\nd,4\n"};
  v1::ImportFilesOptions options;
  options.set_skip_bad_rows(1);
  ImportResult too_many = Import({file}, options);
  EXPECT_EQ(too_many.status.error_message(), "../in/c.csv:5:1: expected 3 fields, found 2");
  EXPECT_EQ(Vertices(), 0);
  options.set_skip_bad_rows(2);
  ImportResult r = Import({file}, options);
  ASSERT_TRUE(r.status.ok()) << r.status.error_message();
  EXPECT_EQ(r.summary.bad_rows(), 2);
  EXPECT_EQ(r.summary.vertices_created(), 2);
  EXPECT_EQ(r.bad_rows_report,
            "../in/c.csv:3:3: column 'n' (int): expected an int, found 'oops'\n\tb,oops,X\n"
            "../in/c.csv:5:1: expected 3 fields, found 2\n\td,4\n");
  EXPECT_THAT(Dump(), ElementsAre("V X a {id=\"a\", n=1}", "V X c {id=\"c\", n=3}"));
  EXPECT_TRUE(SpoolIsEmpty());
}

TEST_F(ImportFilesTest, BrokenUploadsAreRejected) {
  auto ctx = Ctx();
  std::unique_ptr<ImportStream> stream = ts_.stub->ImportFiles(ctx.get());
  v1::ImportFilesRequest header;
  header.mutable_file()->set_name("short.csv");
  header.mutable_file()->set_size(100);
  stream->Write(header);
  v1::ImportFilesRequest chunk;
  chunk.set_chunk("id:ID(X)\n");
  stream->Write(chunk);
  stream->WritesDone();
  ImportResult r = ReadToEnd(*stream);
  EXPECT_EQ(r.status.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_EQ(r.status.error_message(), "short.csv: 9 bytes arrived of the 100 its header declared");

  v1::ImportFilesOptions bad;
  bad.set_batch_rows(-1);
  EXPECT_EQ(Import({{"a.csv", "x"}}, bad).status.error_message(),
            "batch_rows must be between 1 and 1000000");
  EXPECT_TRUE(Dump().empty());
  EXPECT_TRUE(SpoolIsEmpty());
}

// GraphSON 3.0 goes through the same importer: ids become keys, edges come from outE.
TEST_F(ImportFilesTest, GraphsonFilesGoThroughTheSameMachinery) {
  std::ifstream in(std::string(KG_SHARED_DIR) + "/tinkerpop/data/tinkerpop-modern.json");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_FALSE(text.empty());
  ImportResult r = Import({{"tinkerpop-modern.json", text}});
  ASSERT_TRUE(r.status.ok()) << r.status.error_message();
  EXPECT_EQ(r.summary.vertex_rows(), 6);
  EXPECT_EQ(r.summary.edge_rows(), 6);
  std::vector<std::string> dump = Dump();
  ASSERT_EQ(dump.size(), 12u);
  EXPECT_EQ(dump[0], "E 1 created 3 {weight=0.4d}");
  EXPECT_EQ(dump[6], "V person 1 {age=29, name=\"marko\"}");
  // The file's vertex property ids are kept and go on the wire (VertexProperty.id).
  {
    auto ctx = Ctx();
    v1::QueryRequest q;
    q.set_gremlin("g.V().has('name', 'vadas').properties()");
    auto reader = ts_.stub->Query(ctx.get(), q);
    std::vector<std::string> ids;
    for (v1::QueryResponse resp; reader->Read(&resp);) {
      for (const v1::Value& v : resp.results()) {
        ids.push_back(v.vertex_property().key() + "=" +
                      std::to_string(v.vertex_property().id().int64_value()));
      }
    }
    grpc::Status st = reader->Finish();
    ASSERT_TRUE(st.ok()) << st.error_message();
    EXPECT_THAT(ids, ::testing::UnorderedElementsAre("name=2", "age=3"));
  }
  ImportResult broken = Import({{"broken.json", "{\"id\":1,\"label\":\"x\"}\n{not json\n"}});
  EXPECT_EQ(broken.status.error_code(), grpc::INVALID_ARGUMENT);
  // The reader's own wording is import/'s to test; here: the client's name and the position.
  EXPECT_THAT(broken.status.error_message(), ::testing::StartsWith("broken.json:2:"));
  v1::ErrorDetail detail;
  ASSERT_TRUE(detail.ParseFromString(broken.status.error_details()));
  EXPECT_EQ(detail.input(), "broken.json");
  EXPECT_EQ(detail.line(), 2);
  EXPECT_EQ(Dump().size(), 12u);
}

class ImportLimitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ts_.Start([](ServerOptions* o) { o->max_import_bytes = 64; });
  }
  TestServer ts_;
};

TEST_F(ImportLimitTest, AnImportOverTheSizeLimitIsRefusedNamingTheLimit) {
  auto ctx = Ctx();
  std::unique_ptr<ImportStream> stream = ts_.stub->ImportFiles(ctx.get());
  SendFile(*stream, {"a.csv", std::string(40, 'a')}, 1024);
  SendFile(*stream, {"b.csv", std::string(40, 'b')}, 1024);
  stream->WritesDone();
  ImportResult r = ReadToEnd(*stream);
  EXPECT_EQ(r.status.error_code(), grpc::RESOURCE_EXHAUSTED);
  EXPECT_EQ(r.status.error_message(),
            "the files add up to more than the server's limit of --max_import_bytes=64 bytes (at "
            "b.csv); split the import or raise the limit");
  v1::ErrorDetail detail;
  ASSERT_TRUE(detail.ParseFromString(r.status.error_details()));
  EXPECT_EQ(detail.limit_name(), "max_import_bytes");
  EXPECT_EQ(detail.limit_value(), 64);
  EXPECT_EQ(*ts_.graph->Snapshot()->CountVertices(), 0);
  EXPECT_TRUE(std::filesystem::is_empty(ts_.graph->dir() + "/import-spool"));
}

// While one import is uploading, a second is refused and queries are served.
TEST_F(ImportFilesTest, OneImportAtATimeWhileQueriesGoOn) {
  auto ctx = Ctx();
  std::unique_ptr<ImportStream> first = ts_.stub->ImportFiles(ctx.get());
  v1::ImportFilesRequest header;
  header.mutable_file()->set_name("slow.csv");
  header.mutable_file()->set_size(1000);
  first->Write(header);
  v1::ImportFilesRequest chunk;
  chunk.set_chunk(std::string(10, 'x'));
  first->Write(chunk);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  first->Write(chunk);  // the server answers this one with an upload progress event
  v1::ImportFilesEvent event;
  ASSERT_TRUE(first->Read(&event));
  EXPECT_EQ(event.progress().phase(), v1::ImportFilesProgress::UPLOAD);
  EXPECT_EQ(event.progress().bytes_done(), 20u);
  EXPECT_EQ(event.progress().bytes_total(), 1000u);

  ImportResult second = Import({{"a.csv", kCompanies}});
  EXPECT_EQ(second.status.error_code(), grpc::RESOURCE_EXHAUSTED);
  EXPECT_EQ(second.status.error_message(), "another import is running; max_concurrent_imports = 1");
  v1::StatsResponse stats;
  EXPECT_TRUE(ts_.stub->Stats(Ctx().get(), v1::StatsRequest(), &stats).ok());

  ctx->TryCancel();  // the client goes away mid-upload: the spool is removed
  EXPECT_EQ(ReadToEnd(*first).status.error_code(), grpc::CANCELLED);
  for (int i = 0; i < 200 && !SpoolIsEmpty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(SpoolIsEmpty());
  ImportResult after = Import({{"a.csv", kCompanies}});
  EXPECT_TRUE(after.status.ok()) << after.status.error_message();
}

// A client that goes away mid-import: kgd stops at the next batch boundary, keeping only whole
// batches (a prefix of the input), and removes its spool.
TEST_F(ImportFilesTest, AClientGoneMidImportStopsItAtABatchBoundary) {
  constexpr int kRows = 50'000, kBatch = 100;
  std::string csv = "id:ID(X),:LABEL\n";
  for (int i = 0; i < kRows; ++i) csv += "k" + std::to_string(i) + ",X\n";
  auto ctx = Ctx("", 120'000);
  std::unique_ptr<ImportStream> stream = ts_.stub->ImportFiles(ctx.get());
  v1::ImportFilesRequest first;
  first.mutable_options()->set_batch_rows(kBatch);
  stream->Write(first);
  SendFile(*stream, {"x.csv", csv}, 1 << 20);
  stream->WritesDone();
  for (v1::ImportFilesEvent e; stream->Read(&e);) {
    if (e.progress().rows_committed() > 0) break;  // the first acknowledgement
  }
  ctx->TryCancel();
  stream->Finish();
  ASSERT_TRUE(ts_.log.WaitFor({"method=/kg.v1.KnowledgeGraph/ImportFiles", "status=CANCELLED"},
                              std::chrono::seconds(60)));
  const int64_t vertices = Vertices();
  EXPECT_GT(vertices, 0);
  EXPECT_LT(vertices, kRows);
  EXPECT_EQ(vertices % kBatch, 0);
  auto reader = ts_.graph->Snapshot();
  for (int64_t i = 0; i < vertices; ++i) {
    ASSERT_TRUE(reader->FindVertexByKey("X", "k" + std::to_string(i))->has_value()) << i;
  }
  EXPECT_TRUE(SpoolIsEmpty());
}

TEST_F(ImportFilesTest, SpoolsLeftByACrashAreRemovedAtStart) {
  const std::string stale = ts_.graph->dir() + "/import-spool/abc123";
  std::filesystem::create_directories(stale);
  std::ofstream(stale + "/0.csv") << "left over";
  ts_.server->Shutdown(absl::Seconds(1));
  ts_.server.reset();
  ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.log = ts_.log.Sink();
  auto restarted = KgServer::Start(ts_.graph.get(), options);
  ASSERT_TRUE(restarted.ok()) << restarted.status();
  EXPECT_FALSE(std::filesystem::exists(stale));
}

}  // namespace
}  // namespace kg::server::testing
