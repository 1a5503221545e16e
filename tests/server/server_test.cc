// In-process tests of every kg.v1.KnowledgeGraph RPC and its error mapping.
#include <fstream>
#include <set>
#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kg/v1/extractor.grpc.pb.h"
#include "tests/server/test_server.h"

namespace kg::server::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

// A small graph: two companies take part in a program; a country with a Korean alias.
void AddSmallGraph(graph::Graph& g) {
  absl::Status s = g.Write([](graph::GraphTxn& txn) -> absl::Status {
    auto openai = txn.UpsertVertex("Company", "OpenAI", {{"name", "OpenAI"}});
    if (!openai.ok()) return openai.status();
    auto softbank =
        txn.UpsertVertex("Company", "SoftBank",
                         {{"name", "SoftBank"}, {"aliases", graph::Value::List({"소프트뱅크"})}});
    if (!softbank.ok()) return softbank.status();
    auto stargate = txn.UpsertVertex(
        "Program", "Stargate Project",
        {{"name", "Stargate Project"}, {"aliases", graph::Value::List({"스타게이트 프로젝트"})}});
    if (!stargate.ok()) return stargate.status();
    auto us =
        txn.UpsertVertex("Country", "United States",
                         {{"name", "United States"}, {"aliases", graph::Value::List({"미국"})}});
    if (!us.ok()) return us.status();
    for (graph::VertexId c : {openai->id, softbank->id}) {
      auto e = txn.UpsertEdge(c, "PARTICIPATES_IN", stargate->id, 0, {{"role", "partner"}});
      if (!e.ok()) return e.status();
    }
    return txn.UpsertEdge(openai->id, "BASED_IN", us->id, 0, {}).status();
  });
  ASSERT_TRUE(s.ok()) << s;
}

std::vector<v1::Value> RunQuery(v1::KnowledgeGraph::Stub& stub, const v1::QueryRequest& request,
                                grpc::Status* status, int* messages = nullptr,
                                const std::string& token = "") {
  auto ctx = Ctx(token);
  auto reader = stub.Query(ctx.get(), request);
  std::vector<v1::Value> out;
  int n = 0;
  for (v1::QueryResponse r; reader->Read(&r); ++n) {
    for (const v1::Value& v : r.results()) out.push_back(v);
  }
  *status = reader->Finish();
  if (messages) *messages = n;
  return out;
}

std::vector<std::string> Strings(const std::vector<v1::Value>& values) {
  std::vector<std::string> out;
  for (const v1::Value& v : values) out.push_back(v.string_value());
  return out;
}

v1::ErrorDetail Detail(const grpc::Status& s) {
  v1::ErrorDetail d;
  d.ParseFromString(s.error_details());
  return d;
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ts_.Start();
    AddSmallGraph(*ts_.graph);
  }
  v1::KnowledgeGraph::Stub& stub() { return *ts_.stub; }
  TestServer ts_;
};

TEST_F(ServerTest, HealthIsServingForTheServerAndTheService) {
  EXPECT_EQ(HealthCheck(ts_.channel, ""), 1);
  EXPECT_EQ(HealthCheck(ts_.channel, "kg.v1.KnowledgeGraph"), 1);
  EXPECT_EQ(HealthCheck(ts_.channel, "no.such.Service"), -static_cast<int>(grpc::NOT_FOUND));
}

TEST_F(ServerTest, StatsCountsPerLabel) {
  v1::StatsResponse stats;
  ASSERT_TRUE(stub().Stats(Ctx().get(), v1::StatsRequest(), &stats).ok());
  EXPECT_EQ(stats.vertices(), 4);
  EXPECT_EQ(stats.edges(), 3);
  std::map<std::string, int64_t> v, e;
  for (const auto& c : stats.vertices_by_label()) v[c.label()] = c.count();
  for (const auto& c : stats.edges_by_label()) e[c.label()] = c.count();
  EXPECT_EQ(v["Company"], 2);
  EXPECT_EQ(v["Program"], 1);
  EXPECT_EQ(v["Country"], 1);
  EXPECT_EQ(e["PARTICIPATES_IN"], 2);
  EXPECT_EQ(e["BASED_IN"], 1);
  EXPECT_GT(stats.disk_bytes(), 0u);
}

TEST_F(ServerTest, QueryStreamsBatchesWithParameters) {
  v1::QueryRequest q;
  q.set_gremlin("g.V().has('name', who).in('PARTICIPATES_IN').values('name')");
  (*q.mutable_params())["who"].set_string_value("Stargate Project");
  q.set_batch_size(1);
  grpc::Status status;
  int messages = 0;
  auto values = RunQuery(stub(), q, &status, &messages);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_THAT(Strings(values), UnorderedElementsAre("OpenAI", "SoftBank"));
  EXPECT_EQ(messages, 3);  // two batches of one, then the last (empty) with stats
  // An alias is a name to has(): the Korean name finds the same program.
  (*q.mutable_params())["who"].set_string_value("스타게이트 프로젝트");
  values = RunQuery(stub(), q, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_THAT(Strings(values), UnorderedElementsAre("OpenAI", "SoftBank"));
}

TEST_F(ServerTest, QueryKeepsTypesAndFillsVertices) {
  v1::QueryRequest q;
  q.set_gremlin("g.V().hasLabel('Company').count()");
  grpc::Status status;
  auto count = RunQuery(stub(), q, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(count.size(), 1u);
  EXPECT_EQ(count[0].kind_case(), v1::Value::kInt64Value);  // Gremlin's count() is a long
  EXPECT_EQ(count[0].int64_value(), 2);

  q.set_gremlin("g.V().has('Program', 'name', 'Stargate Project')");
  q.set_include_properties(true);
  auto vertices = RunQuery(stub(), q, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(vertices.size(), 1u);
  ASSERT_TRUE(vertices[0].has_vertex());
  EXPECT_THAT(vertices[0].vertex().labels(), ElementsAre("Program"));
  bool has_name = false;
  for (const auto& p : vertices[0].vertex().properties()) {
    if (p.key() == "name") has_name = p.value().string_value() == "Stargate Project";
  }
  EXPECT_TRUE(has_name);
}

TEST_F(ServerTest, ParseErrorIsInvalidArgumentWithPosition) {
  v1::QueryRequest q;
  q.set_gremlin("g.V().has('name',");
  grpc::Status status;
  RunQuery(stub(), q, &status);
  EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
  v1::ErrorDetail d = Detail(status);
  EXPECT_EQ(d.line(), 1);
  EXPECT_GT(d.column(), 0);

  q.set_gremlin("g.V().outt('x')");
  RunQuery(stub(), q, &status);
  EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);

  q.set_gremlin("");
  RunQuery(stub(), q, &status);
  EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
}

TEST_F(ServerTest, BadParameterIsInvalidArgument) {
  v1::QueryRequest q;
  q.set_gremlin("g.V().has('name', x)");
  (*q.mutable_params())["x"].mutable_vertex()->set_id(1);
  grpc::Status status;
  RunQuery(stub(), q, &status);
  EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("'x'"));
}

TEST_F(ServerTest, ResultLimitIsResourceExhausted) {
  v1::QueryRequest q;
  q.set_gremlin("g.V()");
  q.mutable_limits()->set_max_results(2);
  grpc::Status status;
  RunQuery(stub(), q, &status);
  EXPECT_EQ(status.error_code(), grpc::RESOURCE_EXHAUSTED);
  EXPECT_EQ(status.error_message(), "query exceeded max_results = 2 (results returned)");
  EXPECT_EQ(Detail(status).limit_name(), "max_results");
  EXPECT_EQ(Detail(status).limit_value(), 2);
}

TEST_F(ServerTest, TraverserLimitIsResourceExhaustedForReadsAndWrites) {
  for (const char* gremlin :
       {"g.V().order().by('name')", "g.V().property('seen', true).order().by('name')"}) {
    v1::QueryRequest q;
    q.set_gremlin(gremlin);
    q.mutable_limits()->set_max_traversers(2);
    grpc::Status status;
    RunQuery(stub(), q, &status);
    EXPECT_EQ(status.error_code(), grpc::RESOURCE_EXHAUSTED) << gremlin;
    EXPECT_THAT(status.error_message(), ::testing::HasSubstr("max_traversers = 2")) << gremlin;
    EXPECT_EQ(Detail(status).limit_name(), "max_traversers") << gremlin;
    EXPECT_EQ(Detail(status).limit_value(), 2) << gremlin;
  }
  v1::QueryRequest written;
  written.set_gremlin("g.V().has('seen').count()");
  grpc::Status status;
  auto count = RunQuery(stub(), written, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(count.size(), 1u);
  EXPECT_EQ(count[0].int64_value(), 0);  // the failed write wrote nothing
}

// A traversal that runs for minutes in constant memory: walks of length 40 stream one by one
// (about 10^8 of them on the small graph), so only a limit, a deadline or a cancellation ends it.
const std::string kEndless = [] {
  std::string q = "g.V()";
  for (int i = 0; i < 40; ++i) q += ".both()";
  return q;
}();

TEST_F(ServerTest, TimeoutIsDeadlineExceeded) {
  v1::QueryRequest q;
  q.set_gremlin(kEndless);
  q.mutable_limits()->set_timeout_ms(200);
  q.mutable_limits()->set_max_results(uint64_t{1} << 40);
  auto start = std::chrono::steady_clock::now();
  grpc::Status status;
  RunQuery(stub(), q, &status);
  EXPECT_EQ(status.error_code(), grpc::DEADLINE_EXCEEDED) << status.error_message();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  EXPECT_THAT(status.error_message(),
              ::testing::HasSubstr("query exceeded its deadline (timeout 200ms)"));
  EXPECT_EQ(Detail(status).limit_name(), "timeout_ms");
  EXPECT_EQ(Detail(status).limit_value(), 200);
}

TEST_F(ServerTest, ClientCancellationStopsTheQueryOnTheServer) {
  v1::QueryRequest q;
  q.set_gremlin(kEndless);
  q.mutable_limits()->set_max_results(uint64_t{1} << 40);
  q.mutable_limits()->set_timeout_ms(60'000);
  auto ctx = Ctx();
  auto reader = stub().Query(ctx.get(), q);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ctx->TryCancel();
  v1::QueryResponse r;
  while (reader->Read(&r)) {
  }
  EXPECT_EQ(reader->Finish().error_code(), grpc::CANCELLED);
  // The handler returned (its log line is written when the call ends), long before the 60 s.
  EXPECT_TRUE(ts_.log.WaitFor({"method=/kg.v1.KnowledgeGraph/Query", "status=CANCELLED"},
                              std::chrono::seconds(10)));
}

TEST_F(ServerTest, ExplainShowsAPlanAndRejectsBadQueries) {
  v1::QueryRequest q;
  q.set_gremlin("g.V().hasLabel('Company').values('name')");
  v1::ExplainResponse plan;
  grpc::Status s = stub().Explain(Ctx().get(), q, &plan);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_FALSE(plan.plan().empty());
  q.set_gremlin("g.V(.");
  EXPECT_EQ(stub().Explain(Ctx().get(), q, &plan).error_code(), grpc::INVALID_ARGUMENT);
}

TEST_F(ServerTest, GetEntityByAliasWithGroupedEdges) {
  v1::GetEntityRequest req;
  req.set_name("스타게이트 프로젝트");
  v1::Entity e;
  grpc::Status s = stub().GetEntity(Ctx().get(), req, &e);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_THAT(e.vertex().labels(), ElementsAre("Program"));
  EXPECT_EQ(e.degree(), 2);
  ASSERT_EQ(e.groups_size(), 1);
  EXPECT_EQ(e.groups(0).label(), "PARTICIPATES_IN");
  EXPECT_EQ(e.groups(0).direction(), v1::IN);
  EXPECT_EQ(e.groups(0).total(), 2);
  std::set<std::string> partners;
  for (const auto& n : e.groups(0).edges()) partners.insert(n.other().name());
  EXPECT_EQ(partners, (std::set<std::string>{"OpenAI", "SoftBank"}));

  // By id, paged one edge at a time.
  v1::GetEntityRequest by_id;
  by_id.set_id(e.vertex().id());
  by_id.set_page_size(1);
  v1::Entity page1, page2;
  ASSERT_TRUE(stub().GetEntity(Ctx().get(), by_id, &page1).ok());
  ASSERT_EQ(page1.groups_size(), 1);
  EXPECT_EQ(page1.groups(0).edges_size(), 1);
  ASSERT_FALSE(page1.next_page_token().empty());
  by_id.set_page_token(page1.next_page_token());
  ASSERT_TRUE(stub().GetEntity(Ctx().get(), by_id, &page2).ok());
  ASSERT_EQ(page2.groups_size(), 1);
  EXPECT_EQ(page2.groups(0).edges_size(), 1);
  EXPECT_TRUE(page2.next_page_token().empty());
  EXPECT_NE(page1.groups(0).edges(0).other().id(), page2.groups(0).edges(0).other().id());
}

TEST_F(ServerTest, GetEntityErrors) {
  v1::GetEntityRequest req;
  req.set_name("Nobody Inc");
  v1::Entity e;
  grpc::Status s = stub().GetEntity(Ctx().get(), req, &e);
  EXPECT_EQ(s.error_code(), grpc::NOT_FOUND);
  EXPECT_EQ(Detail(s).not_found(), "Nobody Inc");
  req.set_id(999999);
  EXPECT_EQ(stub().GetEntity(Ctx().get(), req, &e).error_code(), grpc::NOT_FOUND);
  req.set_name("OpenAI");
  req.set_label("Country");
  EXPECT_EQ(stub().GetEntity(Ctx().get(), req, &e).error_code(), grpc::NOT_FOUND);
  req.set_label("");
  req.set_page_token("not-a-number");
  EXPECT_EQ(stub().GetEntity(Ctx().get(), req, &e).error_code(), grpc::INVALID_ARGUMENT);
  v1::GetEntityRequest empty;
  EXPECT_EQ(stub().GetEntity(Ctx().get(), empty, &e).error_code(), grpc::INVALID_ARGUMENT);
  v1::GetEntityRequest broken;
  broken.set_name(std::string("\xff\xfe", 2));
  EXPECT_EQ(stub().GetEntity(Ctx().get(), broken, &e).error_code(), grpc::INVALID_ARGUMENT);
}

TEST_F(ServerTest, SearchByPrefixAndSubstring) {
  v1::SearchRequest req;
  req.set_query("sta");
  v1::SearchResponse r;
  ASSERT_TRUE(stub().SearchEntities(Ctx().get(), req, &r).ok());
  ASSERT_EQ(r.hits_size(), 1);
  EXPECT_EQ(r.hits(0).name(), "Stargate Project");
  EXPECT_EQ(r.hits(0).degree(), 2);

  req.set_query("소프트");
  ASSERT_TRUE(stub().SearchEntities(Ctx().get(), req, &r).ok());
  ASSERT_EQ(r.hits_size(), 1);
  EXPECT_EQ(r.hits(0).name(), "SoftBank");

  req.set_query("");
  req.add_labels("Company");
  req.set_limit(1);
  ASSERT_TRUE(stub().SearchEntities(Ctx().get(), req, &r).ok());
  ASSERT_EQ(r.hits_size(), 1);
  ASSERT_FALSE(r.next_page_token().empty());
  std::string first = r.hits(0).name();
  req.set_page_token(r.next_page_token());
  ASSERT_TRUE(stub().SearchEntities(Ctx().get(), req, &r).ok());
  ASSERT_EQ(r.hits_size(), 1);
  EXPECT_NE(r.hits(0).name(), first);
  EXPECT_EQ(r.hits(0).label(), "Company");

  v1::SearchRequest sub;
  sub.set_query("GATE");
  sub.set_mode(v1::SearchRequest::SUBSTRING);
  ASSERT_TRUE(stub().SearchEntities(Ctx().get(), sub, &r).ok());
  ASSERT_EQ(r.hits_size(), 1);
  EXPECT_EQ(r.hits(0).name(), "Stargate Project");
  sub.set_query("");
  EXPECT_EQ(stub().SearchEntities(Ctx().get(), sub, &r).error_code(), grpc::INVALID_ARGUMENT);
}

std::string ReadSeed() {
  std::ifstream in(std::string(KG_SHARED_DIR) + "/seed/000_9bcd69e6ea19a6da.txt");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct IngestResult {
  std::vector<v1::DocumentReport> reports;
  v1::IngestSummary summary;
  grpc::Status status;
};

IngestResult RunIngest(v1::KnowledgeGraph::Stub& stub, const std::vector<v1::Document>& docs,
                       bool dry_run = false, const std::string& token = "") {
  IngestResult out;
  auto ctx = Ctx(token, 120'000);
  auto stream = stub.IngestDocuments(ctx.get());
  if (dry_run) {
    v1::IngestRequest o;
    o.mutable_options()->set_dry_run(true);
    stream->Write(o);
  }
  for (const v1::Document& d : docs) {
    v1::IngestRequest r;
    *r.mutable_document() = d;
    if (!stream->Write(r)) break;
  }
  stream->WritesDone();
  for (v1::IngestEvent e; stream->Read(&e);) {
    if (e.has_report()) out.reports.push_back(e.report());
    if (e.has_summary()) out.summary = e.summary();
  }
  out.status = stream->Finish();
  return out;
}

TEST_F(ServerTest, IngestReportsEachDocumentThenTheSummary) {
  ASSERT_TRUE(ts_.bundle_status.ok()) << ts_.bundle_status;
  v1::Document brief;
  brief.set_path("seed/000_9bcd69e6ea19a6da.txt");
  brief.set_text(ReadSeed());
  ASSERT_GT(brief.text().size(), 1000u);

  v1::StatsResponse before, after;
  ASSERT_TRUE(stub().Stats(Ctx().get(), v1::StatsRequest(), &before).ok());
  IngestResult dry = RunIngest(stub(), {brief}, /*dry_run=*/true);
  ASSERT_TRUE(dry.status.ok()) << dry.status.error_message();
  ASSERT_GT(dry.reports.size(), 1u);  // the brief holds several articles
  for (const auto& r : dry.reports) EXPECT_EQ(r.status(), v1::DocumentReport::DRY_RUN);
  ASSERT_TRUE(stub().Stats(Ctx().get(), v1::StatsRequest(), &after).ok());
  EXPECT_EQ(after.vertices(), before.vertices());  // a dry run writes nothing
  EXPECT_EQ(after.documents(), before.documents());

  IngestResult first = RunIngest(stub(), {brief});
  ASSERT_TRUE(first.status.ok()) << first.status.error_message();
  EXPECT_EQ(first.reports.size(), dry.reports.size());
  int64_t added = 0;
  for (const auto& r : first.reports) {
    EXPECT_EQ(r.status(), v1::DocumentReport::COMMITTED) << r.doc_id() << ": " << r.error();
    EXPECT_EQ(r.path(), brief.path());
    EXPECT_EQ(r.sequence(), 0u);
    added += r.entities_added();
  }
  EXPECT_TRUE(first.reports.back().last_for_request());
  EXPECT_GT(added, 10);
  EXPECT_EQ(first.summary.committed(), static_cast<int64_t>(first.reports.size()));
  EXPECT_EQ(first.summary.entities_added(), added);
  EXPECT_EQ(first.summary.requests(), 1);

  // The same text again changes nothing.
  IngestResult again = RunIngest(stub(), {brief});
  ASSERT_TRUE(again.status.ok());
  for (const auto& r : again.reports) EXPECT_EQ(r.status(), v1::DocumentReport::UNCHANGED);
  EXPECT_EQ(again.summary.entities_added(), 0);

  // What was ingested is there for queries.
  v1::QueryRequest q;
  q.set_gremlin("g.V().hasLabel('Company').values('name').dedup()");
  grpc::Status status;
  auto companies = RunQuery(stub(), q, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_THAT(Strings(companies), ::testing::IsSupersetOf({"OpenAI", "SoftBank", "Oracle"}));

  // Documents are listed with what they support.
  v1::ListDocumentsRequest list;
  list.set_include_elements(true);
  v1::ListDocumentsResponse docs;
  ASSERT_TRUE(stub().ListDocuments(Ctx().get(), list, &docs).ok());
  ASSERT_GE(docs.documents_size(), static_cast<int>(first.reports.size()));
  int64_t supported = 0;
  for (const auto& d : docs.documents()) {
    supported += d.supported_elements();
    EXPECT_EQ(d.elements_size(), d.supported_elements());
  }
  EXPECT_GT(supported, 0);
}

TEST_F(ServerTest, BrokenUtf8FailsThatDocumentOnlyAndWritesNothing) {
  ASSERT_TRUE(ts_.bundle_status.ok()) << ts_.bundle_status;
  v1::Document bad;
  bad.set_path("bad.txt");
  bad.set_text(std::string("OpenAI and SoftBank \xff\xfe joined."));
  v1::StatsResponse before, after;
  ASSERT_TRUE(stub().Stats(Ctx().get(), v1::StatsRequest(), &before).ok());
  IngestResult r = RunIngest(stub(), {bad});
  ASSERT_TRUE(r.status.ok()) << r.status.error_message();
  ASSERT_EQ(r.reports.size(), 1u);
  EXPECT_EQ(r.reports[0].status(), v1::DocumentReport::FAILED);
  EXPECT_EQ(r.reports[0].error_code(), static_cast<int>(grpc::INVALID_ARGUMENT));
  EXPECT_EQ(r.summary.failed(), 1);
  ASSERT_TRUE(stub().Stats(Ctx().get(), v1::StatsRequest(), &after).ok());
  EXPECT_EQ(after.vertices(), before.vertices());
  EXPECT_EQ(after.documents(), before.documents());
}

TEST_F(ServerTest, ExportStreamsEveryElement) {
  auto ctx = Ctx();
  v1::ExportRequest req;
  req.set_batch_size(2);
  auto reader = stub().ExportGraph(ctx.get(), req);
  int vertices = 0, edges = 0, messages = 0;
  bool edges_started = false;
  for (v1::ExportChunk c; reader->Read(&c); ++messages) {
    if (c.vertices_size() > 0) {
      EXPECT_FALSE(edges_started) << "vertices come first";
    }
    vertices += c.vertices_size();
    edges += c.edges_size();
    if (c.edges_size() > 0) edges_started = true;
    for (const auto& e : c.edges()) EXPECT_FALSE(e.label().empty());
  }
  ASSERT_TRUE(reader->Finish().ok());
  EXPECT_EQ(vertices, 4);
  EXPECT_EQ(edges, 3);
  EXPECT_GE(messages, 4);
}

TEST_F(ServerTest, BackupMakesAnOpenableCopy) {
  v1::BackupRequest req;
  req.set_dir(ts_.dir.path() + "/backup");
  v1::BackupResponse resp;
  grpc::Status s = stub().Backup(Ctx().get(), req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  graph::GraphOptions ro;
  ro.read_only = true;
  ro.create_if_missing = false;
  auto copy = graph::Graph::Open(req.dir(), ro);
  ASSERT_TRUE(copy.ok()) << copy.status();
  auto stats = (*copy)->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->vertices, 4);
  EXPECT_EQ(stats->edges, 3);

  req.set_dir("relative/dir");
  EXPECT_EQ(stub().Backup(Ctx().get(), req, &resp).error_code(), grpc::INVALID_ARGUMENT);
}

TEST_F(ServerTest, EveryCallIsLoggedOnce) {
  v1::StatsResponse stats;
  ASSERT_TRUE(stub().Stats(Ctx().get(), v1::StatsRequest(), &stats).ok());
  v1::GetEntityRequest req;
  req.set_name("nobody");
  v1::Entity e;
  stub().GetEntity(Ctx().get(), req, &e);
  ASSERT_TRUE(ts_.log.WaitFor(
      {"method=/kg.v1.KnowledgeGraph/GetEntity", "status=NOT_FOUND", "duration_ms="},
      std::chrono::seconds(5)));
  int stats_lines = 0;
  for (const std::string& line : ts_.log.Lines()) {
    if (line.find("method=/kg.v1.KnowledgeGraph/Stats status=OK") != std::string::npos) {
      ++stats_lines;
    }
  }
  EXPECT_EQ(stats_lines, 1);
}

// --- limits configured on the server -------------------------------------------------------

TEST(ServerLimitsTest, TooManyConcurrentQueriesIsResourceExhausted) {
  TestServer ts;
  ts.Start([](ServerOptions* o) { o->max_concurrent_queries = 1; });
  AddSmallGraph(*ts.graph);
  v1::QueryRequest slow;
  slow.set_gremlin(kEndless);
  slow.mutable_limits()->set_max_results(uint64_t{1} << 40);
  slow.mutable_limits()->set_timeout_ms(3'000);
  auto slow_ctx = Ctx();
  auto slow_reader = ts.stub->Query(slow_ctx.get(), slow);
  // Wait until the slow query holds the only slot (its log line is not there yet; poll).
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  v1::QueryRequest q;
  q.set_gremlin("g.V().count()");
  grpc::Status status;
  RunQuery(*ts.stub, q, &status);
  EXPECT_EQ(status.error_code(), grpc::RESOURCE_EXHAUSTED);
  EXPECT_EQ(Detail(status).limit_name(), "max_concurrent_queries");
  slow_ctx->TryCancel();
  for (v1::QueryResponse r; slow_reader->Read(&r);) {
  }
  slow_reader->Finish();
  // The slot is released: the next query runs.
  ASSERT_TRUE(ts.log.WaitFor({"status=CANCELLED"}, std::chrono::seconds(10)));
  RunQuery(*ts.stub, q, &status);
  EXPECT_TRUE(status.ok()) << status.error_message();
}

TEST(ServerLimitsTest, ServerQueryTimeoutCapsTheClients) {
  TestServer ts;
  ts.Start([](ServerOptions* o) { o->query_timeout_ms = 200; });
  AddSmallGraph(*ts.graph);
  v1::QueryRequest q;
  q.set_gremlin(kEndless);
  q.mutable_limits()->set_max_results(uint64_t{1} << 40);
  q.mutable_limits()->set_timeout_ms(60'000);
  grpc::Status status;
  RunQuery(*ts.stub, q, &status);
  EXPECT_EQ(status.error_code(), grpc::DEADLINE_EXCEEDED);
}

TEST(ServerLimitsTest, OversizedMessageIsResourceExhausted) {
  TestServer ts;
  ts.Start([](ServerOptions* o) { o->max_message_bytes = 64 * 1024; });
  v1::QueryRequest q;
  q.set_gremlin("g.V().has('name', '" + std::string(100 * 1024, 'x') + "')");
  grpc::Status status;
  RunQuery(*ts.stub, q, &status);
  EXPECT_EQ(status.error_code(), grpc::RESOURCE_EXHAUSTED);
}

TEST(ServerLifecycleTest, ShutdownEndsInFlightQueriesWithinTheGrace) {
  TestServer ts;
  ts.Start();
  AddSmallGraph(*ts.graph);
  v1::QueryRequest slow;
  slow.set_gremlin(kEndless);
  slow.mutable_limits()->set_max_results(uint64_t{1} << 40);
  slow.mutable_limits()->set_timeout_ms(60'000);
  auto ctx = Ctx();
  auto reader = ts.stub->Query(ctx.get(), slow);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  auto start = std::chrono::steady_clock::now();
  ts.server->Shutdown(absl::Milliseconds(300));
  ts.server->Wait();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  for (v1::QueryResponse r; reader->Read(&r);) {
  }
  EXPECT_FALSE(reader->Finish().ok());
  EXPECT_EQ(HealthCheck(ts.channel, "kg.v1.KnowledgeGraph") > 0 ? 1 : 0, 0);  // not serving
}

}  // namespace
}  // namespace kg::server::testing

namespace kg::server::testing {
namespace {

// A stand-in for a user's extractor: finds "Zyxcorp" and "Qwerty Labs" and says they partner.
class FakeExtractor final : public v1::Extractor::Service {
 public:
  grpc::Status Extract(grpc::ServerContext*, const v1::ExtractRequest* request,
                       v1::ExtractResponse* response) override {
    ++calls;
    response->set_extractor("fake-extractor/1");
    for (const char* name : {"Zyxcorp", "Qwerty Labs"}) {
      size_t at = request->text().find(name);
      if (at == std::string::npos) continue;
      v1::ExtractedEntity* e = response->add_entities();
      e->set_ref(name);
      e->set_label("Company");
      e->set_name(name);
      e->add_aliases(name);
      v1::Span* m = e->add_mentions();
      m->set_begin(static_cast<uint32_t>(at));
      m->set_end(static_cast<uint32_t>(at + std::string(name).size()));
    }
    if (response->entities_size() == 2) {
      v1::ExtractedRelation* r = response->add_relations();
      r->set_subject("Zyxcorp");
      r->set_label("PARTNERS_WITH");
      r->set_object("Qwerty Labs");
      r->set_confidence(0.9);
    }
    return grpc::Status::OK;
  }
  std::atomic<int> calls{0};
};

// Serves `service` on a free local port, set in *port (0 when it could not start).
std::unique_ptr<grpc::Server> StartExtractor(v1::Extractor::Service* service, int* port) {
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), port);
  builder.RegisterService(service);
  return builder.BuildAndStart();
}

TEST(PluggableExtractorTest, ItsEntitiesAndRelationsAreMergedIntoIngestion) {
  FakeExtractor fake;
  int port = 0;
  std::unique_ptr<grpc::Server> extractor = StartExtractor(&fake, &port);
  ASSERT_NE(port, 0);

  TestServer ts;
  ts.Start(
      [port](ServerOptions* o) { o->extractor_address = "127.0.0.1:" + std::to_string(port); });
  ASSERT_TRUE(ts.bundle_status.ok()) << ts.bundle_status;
  v1::Document doc;
  doc.set_path("partners.txt");
  doc.set_title("Zyxcorp and Qwerty Labs sign a chip partnership");
  doc.set_text("Zyxcorp and Qwerty Labs signed a partnership on chip packaging.");
  IngestResult r = RunIngest(*ts.stub, {doc});
  ASSERT_TRUE(r.status.ok()) << r.status.error_message();
  ASSERT_EQ(r.reports.size(), 1u);
  EXPECT_EQ(r.reports[0].status(), v1::DocumentReport::COMMITTED) << r.reports[0].error();
  EXPECT_EQ(fake.calls.load(), 1);

  v1::QueryRequest q;
  q.set_gremlin("g.V().has('Company', 'name', 'Zyxcorp').both('PARTNERS_WITH').values('name')");
  grpc::Status status;
  EXPECT_THAT(Strings(RunQuery(*ts.stub, q, &status)), ElementsAre("Qwerty Labs"));
  EXPECT_TRUE(status.ok()) << status.error_message();
  extractor->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
}

// An extractor that names entities the way the text writes them: "엔비디아" and "대만", and a
// relation between them (or, when `bad_ref`, a relation naming an entity it did not return).
class AliasExtractor final : public v1::Extractor::Service {
 public:
  grpc::Status Extract(grpc::ServerContext*, const v1::ExtractRequest*,
                       v1::ExtractResponse* response) override {
    for (const auto& [name, label] : {std::pair{"엔비디아", "Company"}, {"대만", "Country"}}) {
      v1::ExtractedEntity* e = response->add_entities();
      e->set_ref(name);
      e->set_label(label);
      e->set_name(name);
    }
    v1::ExtractedRelation* r = response->add_relations();
    r->set_subject("엔비디아");
    r->set_label("BASED_IN");
    r->set_object(bad_ref ? "타이완" : "대만");
    return grpc::Status::OK;
  }
  bool bad_ref = false;
};

// What the extractor returns is resolved like the built-in extraction: its "엔비디아" is the
// dictionary's NVIDIA, the vertex the built-in extractor made of "NVIDIA" in the same document,
// and its "대만" is ICU's Taiwan. A reply that names an unknown entity fails that document only,
// writing nothing of it.
TEST(PluggableExtractorTest, ItsNamesResolveOntoTheBuiltInEntitiesAndBadRepliesWriteNothing) {
  AliasExtractor fake;
  int port = 0;
  std::unique_ptr<grpc::Server> extractor = StartExtractor(&fake, &port);
  ASSERT_NE(port, 0);
  TestServer ts;
  ts.Start(
      [port](ServerOptions* o) { o->extractor_address = "127.0.0.1:" + std::to_string(port); });
  ASSERT_TRUE(ts.bundle_status.ok()) << ts.bundle_status;
  v1::Document doc;
  doc.set_path("nvidia.txt");
  doc.set_title("NVIDIA 동향");
  doc.set_text("- NVIDIA는 신규 칩을 공개");
  IngestResult r = RunIngest(*ts.stub, {doc});
  ASSERT_TRUE(r.status.ok()) << r.status.error_message();
  ASSERT_EQ(r.reports.size(), 1u);
  EXPECT_EQ(r.reports[0].status(), v1::DocumentReport::COMMITTED) << r.reports[0].error();
  grpc::Status status;
  v1::QueryRequest q;
  q.set_gremlin("g.V().hasLabel('Company').values('name')");
  EXPECT_THAT(Strings(RunQuery(*ts.stub, q, &status)), ElementsAre("NVIDIA"));
  q.set_gremlin("g.V().has('Company', 'name', '엔비디아').out('BASED_IN').values('name')");
  EXPECT_THAT(Strings(RunQuery(*ts.stub, q, &status)), ElementsAre("Taiwan"));
  EXPECT_TRUE(status.ok()) << status.error_message();

  fake.bad_ref = true;
  doc.set_path("other.txt");
  doc.set_title("다른 기사");
  doc.set_text("- 인텔은 신규 칩을 공개");
  r = RunIngest(*ts.stub, {doc});
  ASSERT_TRUE(r.status.ok()) << r.status.error_message();
  ASSERT_EQ(r.reports.size(), 1u);
  EXPECT_EQ(r.reports[0].status(), v1::DocumentReport::FAILED);
  EXPECT_EQ(r.reports[0].error_code(), static_cast<int>(grpc::INVALID_ARGUMENT));
  EXPECT_THAT(r.reports[0].error(), HasSubstr("unknown entity ref '타이완'"));
  q.set_gremlin("g.V().hasLabel('Company').values('name')");
  EXPECT_THAT(Strings(RunQuery(*ts.stub, q, &status)), ElementsAre("NVIDIA"));  // no Intel
  auto stats = ts.graph->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->documents, 1);
  extractor->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
}

TEST(PluggableExtractorTest, AnUnreachableExtractorFailsTheDocumentNotTheServer) {
  TestServer ts;
  ts.Start([](ServerOptions* o) { o->extractor_address = "127.0.0.1:1"; });
  ASSERT_TRUE(ts.bundle_status.ok()) << ts.bundle_status;
  v1::Document doc;
  doc.set_path("a.txt");
  doc.set_title("A title");
  doc.set_text("OpenAI and SoftBank signed.");
  IngestResult r = RunIngest(*ts.stub, {doc});
  ASSERT_TRUE(r.status.ok()) << r.status.error_message();
  ASSERT_EQ(r.reports.size(), 1u);
  EXPECT_EQ(r.reports[0].status(), v1::DocumentReport::FAILED);
  EXPECT_EQ(r.reports[0].error_code(), static_cast<int>(grpc::UNAVAILABLE));
  auto stats = ts.graph->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->documents, 0);
}

}  // namespace
}  // namespace kg::server::testing
