// `kg import` end to end: the real kg against the real kgd (online), `kg import --offline`
// running kgd import, and the kill test: SIGKILL kgd in the middle of a large online import, then
// check that every acknowledged row is there, that what is there is a prefix of the input made
// of whole batches, and that the store's invariants hold.
#include <grpcpp/grpcpp.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <random>
#include <set>

#include "gmock/gmock.h"
#include "graph/graph.h"
#include "gtest/gtest.h"
#include "kg/v1/kg.grpc.pb.h"
#include "tests/e2e/files.h"
#include "tests/e2e/process.h"
#include "tests/server/graph_dump.h"

namespace kg::e2e {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
namespace fs = std::filesystem;

class ImportE2eTest : public ::testing::Test {
 protected:
  std::string File(const std::string& name, const std::string& content) {
    std::string path = dir_ + "/" + name;
    WriteFile(path, content);
    return path;
  }

  RunResult Kg(const Kgd& kgd, std::vector<std::string> args) {
    args.insert(args.begin(), KG_BIN);
    args.push_back("--server=" + kgd.address());
    return kg::e2e::Run(args, std::chrono::seconds(120));
  }

  // The database's contents, opened after every kgd on it has stopped.
  std::vector<std::string> Dump(const std::string& data_dir) {
    auto graph = graph::Graph::Open(data_dir);
    EXPECT_TRUE(graph.ok()) << graph.status();
    if (!graph.ok()) return {};
    EXPECT_TRUE((*graph)->Verify().ok());
    return kg::testing::DumpGraph(**graph);
  }

  TempDir tmp_{"kg-import-e2e"};
  const std::string dir_ = tmp_.path();
};

// Sets an environment variable for a scope (kg inherits the test's environment).
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = getenv(name)) old_ = old;
    setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_) {
      setenv(name_, old_->c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

const char kCompanies[] =
    "companyId:ID(Company),name,founded:int,:LABEL\n"
    "nv,NVIDIA,1993,Company\n"
    "tsmc,\"Taiwan Semiconductor, Limited\",1987,Company;Foundry\n";
const char kPeople[] =
    "{\"label\": \"Person\", \"key\": \"Jensen Huang\", \"id\": \"p1\"}\n"
    "{\"label\": \"Person\", \"key\": \"Lisa Su\"}\n"
    "{\"from\": \"p1\", \"to\": [\"Person\", \"Lisa Su\"], \"label\": \"KNOWS\"}\n";
const char kSupplies[] =
    ":START_ID(Company),:END_ID(Company),:TYPE,share:double\ntsmc,nv,SUPPLIES,0.9\n";
const std::vector<std::string> kExpected = {
    "E jensen huang KNOWS lisa su {}",
    "E tsmc SUPPLIES nv {share=0.9d}",
    "V Company nv {companyId=\"nv\", founded=1993, name=\"NVIDIA\"}",
    "V Company;Foundry tsmc {companyId=\"tsmc\", founded=1987, name=\"Taiwan Semiconductor, "
    "Limited\"}",
    "V Person jensen huang {}",
    "V Person lisa su {}"};
const char kSummary[] =
    "imported 4 vertex rows and 2 edge rows in [0-9]+\\.[0-9] s: vertices 4 created, 0 merged; "
    "edges 2 created, 0 merged; 0 bad rows skipped\n";

TEST_F(ImportE2eTest, CsvAndJsonLinesThroughKgd) {
  const std::string data = dir_ + "/data";
  Kgd kgd(KGD_BIN, data, dir_);
  ASSERT_TRUE(kgd.Start()) << kgd.log();
  const std::vector<std::string> files = {File("supplies.csv", kSupplies),
                                          File("companies.csv", kCompanies),
                                          File("people.jsonl", kPeople)};

  RunResult dry = Kg(kgd, {"import", "--dry-run", files[0], files[1], files[2]});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_THAT(dry.out, MatchesRegex("dry run: 4 vertex rows and 2 edge rows are valid, 0 bad "
                                    "rows; nothing was written \\([0-9.]+ s\\)\n"));
  RunResult empty = Kg(kgd, {"query", "g.V().count()", "--format=json"});
  EXPECT_EQ(empty.out, "0\n");

  RunResult import = Kg(kgd, {"import", files[0], files[1], files[2], "--batch_rows=2"});
  ASSERT_EQ(import.exit_code, 0) << import.err;
  EXPECT_THAT(import.out, MatchesRegex(kSummary));
  EXPECT_EQ(import.err, "");  // not a terminal and no --progress: nothing on stderr
  RunResult names = Kg(kgd, {"query", "g.V().hasLabel('Company').values('name')", "--format=json"});
  EXPECT_EQ(names.out, "\"NVIDIA\"\n\"Taiwan Semiconductor, Limited\"\n");
  EXPECT_EQ(kgd.Kill(SIGTERM), 0);
  EXPECT_EQ(Dump(data), kExpected);
  EXPECT_FALSE(fs::exists(data + "/import-spool") && !fs::is_empty(data + "/import-spool"));
}

TEST_F(ImportE2eTest, BadInputFailsWithPositionAndWritesNothing) {
  Kgd kgd(KGD_BIN, dir_ + "/data", dir_);
  ASSERT_TRUE(kgd.Start()) << kgd.log();
  const std::string bad = File("c.csv", "id:ID(X),n:int,:LABEL\na,1,X\nb,oops,X\nc,3,X\n");
  RunResult r = Kg(kgd, {"import", bad});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "kg: INVALID_ARGUMENT: " + bad +
                ":3:3: column 'n' (int): expected an int, found 'oops'\n  at line 3, column 3\n"
                "  in " +
                bad + "\n");
  EXPECT_EQ(Kg(kgd, {"query", "g.V().count()", "--format=json"}).out, "0\n");

  // With --skip_bad_rows the good rows go in and the client's report lists the skipped one.
  const std::string report = dir_ + "/skipped.txt";
  RunResult skip = Kg(kgd, {"import", "--skip_bad_rows=1", "--bad_rows_report", report, bad});
  ASSERT_EQ(skip.exit_code, 0) << skip.err;
  EXPECT_THAT(skip.out, HasSubstr("vertices 2 created, 0 merged; edges 0 created, 0 merged; "
                                  "1 bad rows skipped\nskipped rows and reasons: " +
                                  report + "\n"));
  EXPECT_EQ(ReadFileOrEmpty(report),
            bad + ":3:3: column 'n' (int): expected an int, found 'oops'\n\tb,oops,X\n");
  EXPECT_EQ(Kg(kgd, {"query", "g.V().count()", "--format=json"}).out, "2\n");
}

TEST_F(ImportE2eTest, AMissingFileIsAnErrorBeforeAnythingIsSent) {
  Kgd kgd(KGD_BIN, dir_ + "/data", dir_);
  ASSERT_TRUE(kgd.Start()) << kgd.log();
  const std::string good = File("companies.csv", kCompanies);
  const std::string missing = dir_ + "/missing.csv";
  RunResult r = Kg(kgd, {"import", good, missing});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "kg: cannot read " + missing + ": No such file or directory\n");
  EXPECT_THAT(kgd.log(), ::testing::Not(HasSubstr("ImportFiles")));
  EXPECT_EQ(Kg(kgd, {"import"}).exit_code, 2);
  EXPECT_EQ(Kg(kgd, {"import", good, "--batch_rows=0"}).exit_code, 2);
  EXPECT_EQ(Kg(kgd, {"import", good, "--data_dir", dir_}).exit_code, 2);

  RunResult progress = Kg(kgd, {"import", "--progress", good});
  ASSERT_EQ(progress.exit_code, 0) << progress.err;
  EXPECT_THAT(progress.err, HasSubstr("kg import: "));
}

TEST_F(ImportE2eTest, OfflineRunsTheKgdBesideKgOrOnPath) {
  const std::vector<std::string> files = {File("companies.csv", kCompanies),
                                          File("people.jsonl", kPeople),
                                          File("supplies.csv", kSupplies)};
  auto offline = [&](const std::string& kg, const std::string& data) {
    std::vector<std::string> argv = {kg, "import", "--offline", "--data_dir", data};
    argv.insert(argv.end(), files.begin(), files.end());
    return kg::e2e::Run(argv);
  };
  {
    ScopedEnv path("PATH", "/nonexistent");
    RunResult none = offline(KG_BIN, dir_ + "/none");
    EXPECT_EQ(none.exit_code, 1);
    EXPECT_EQ(none.err,
              std::string("kg: --offline runs `kgd import`, but there is no kgd next to ") +
                  fs::canonical(KG_BIN).string() + " nor on PATH\n");
    EXPECT_FALSE(fs::exists(dir_ + "/none"));
  }
  {
    ScopedEnv path("PATH", "/nonexistent:" + fs::path(KGD_BIN).parent_path().string());
    RunResult on_path = offline(KG_BIN, dir_ + "/on-path");
    ASSERT_EQ(on_path.exit_code, 0) << on_path.err;
    EXPECT_THAT(on_path.out, MatchesRegex(kSummary));
    EXPECT_EQ(Dump(dir_ + "/on-path"), kExpected);
  }
  {
    // An installation: kg and kgd in one directory, nothing on PATH.
    const std::string bin = dir_ + "/bin";
    fs::create_directories(bin);
    fs::copy_file(KG_BIN, bin + "/kg");
    fs::create_symlink(KGD_BIN, bin + "/kgd");
    ScopedEnv path("PATH", "/nonexistent");
    RunResult beside = offline(bin + "/kg", dir_ + "/beside");
    ASSERT_EQ(beside.exit_code, 0) << beside.err;
    EXPECT_EQ(Dump(dir_ + "/beside"), kExpected);
  }
  // A database a running kgd serves is refused before any work.
  Kgd kgd(KGD_BIN, dir_ + "/served", dir_);
  ASSERT_TRUE(kgd.Start()) << kgd.log();
  ScopedEnv path("PATH", fs::path(KGD_BIN).parent_path().string());
  RunResult served = offline(KG_BIN, dir_ + "/served");
  EXPECT_EQ(served.exit_code, 1);
  EXPECT_THAT(served.err, HasSubstr("stop the kgd serving " + dir_ + "/served first"));
  EXPECT_EQ(Kg(kgd, {"query", "g.V().count()", "--format=json"}).out, "0\n");
}

// --- the kill test -----------------------------------------------------------------------------

// 75k rows in batches of 500: at 10-20k committed rows/s on a loaded 2-core machine, five rounds
// (each: start kgd, import until the kill, open and verify, restart) take about half a minute.
constexpr int kItems = 60'000;  // vertex rows i0..i59999, then edge rows i(k) -> i(k+1)
constexpr int kLinks = 15'000;
constexpr int kBatch = 500;

using ImportStream = grpc::ClientReaderWriter<v1::ImportFilesRequest, v1::ImportFilesEvent>;

void SendFile(ImportStream& stream, const std::string& name, const std::string& content) {
  v1::ImportFilesRequest header;
  header.mutable_file()->set_name(name);
  header.mutable_file()->set_size(content.size());
  stream.Write(header);
  for (size_t at = 0; at < content.size(); at += 1 << 20) {
    v1::ImportFilesRequest chunk;
    chunk.set_chunk(content.substr(at, 1 << 20));
    if (!stream.Write(chunk)) return;
  }
}

// Streams the import and SIGKILLs kgd once `kill_after` rows are acknowledged; returns the
// rows acknowledged by then.
int64_t ImportUntilKilled(Kgd& kgd, const std::string& items, const std::string& links,
                          int64_t kill_after) {
  auto channel = grpc::CreateChannel(kgd.address(), grpc::InsecureChannelCredentials());
  auto stub = v1::KnowledgeGraph::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
  std::unique_ptr<ImportStream> stream = stub->ImportFiles(&ctx);
  v1::ImportFilesRequest first;
  first.mutable_options()->set_batch_rows(kBatch);
  stream->Write(first);
  SendFile(*stream, "items.csv", items);
  SendFile(*stream, "links.csv", links);
  stream->WritesDone();
  int64_t acked = 0;
  for (v1::ImportFilesEvent e; stream->Read(&e);) {
    acked = std::max(acked, e.progress().rows_committed());
    if (acked >= kill_after) {
      kgd.Kill(SIGKILL);
      break;
    }
  }
  ctx.TryCancel();
  stream->Finish();
  return acked;
}

// What survived: every acknowledged row, in file order, and only whole batches.
void CheckSurvivors(const std::string& data_dir, int64_t acked) {
  auto graph = graph::Graph::Open(data_dir);
  ASSERT_TRUE(graph.ok()) << graph.status();
  ASSERT_TRUE((*graph)->Verify().ok()) << (*graph)->Verify();
  auto reader = (*graph)->Snapshot();
  const int64_t vertices = *reader->CountVertices(), edges = *reader->CountEdges();
  const int64_t rows = vertices + edges;
  EXPECT_GE(rows, acked);
  EXPECT_TRUE(rows % kBatch == 0 || rows == kItems + kLinks) << rows;
  EXPECT_TRUE(edges == 0 || vertices == kItems) << "edges before every vertex: " << vertices;
  for (int64_t k = 0; k < std::min<int64_t>(vertices, kItems); ++k) {  // a prefix, no hole
    auto id = reader->FindVertexByKey("Item", "i" + std::to_string(k));
    ASSERT_TRUE(id.ok() && id->has_value()) << "i" << k << " of " << vertices;
  }
  auto last = reader->FindVertexByKey("Item", "i" + std::to_string(vertices - 1));
  auto v = *reader->GetVertex(**last);
  EXPECT_EQ(v->Values("n"), std::vector<graph::Value>{graph::Value(vertices - 1)});
}

TEST_F(ImportE2eTest, AcknowledgedRowsSurviveSigkillOfKgd) {
  std::string items = "id:ID(Item),n:long,:LABEL\n",
              links = ":START_ID(Item),:END_ID(Item),:TYPE\n";
  for (int k = 0; k < kItems; ++k)
    items += "i" + std::to_string(k) + "," + std::to_string(k) + ",Item\n";
  for (int k = 0; k < kLinks; ++k) {
    links += "i" + std::to_string(k) + ",i" + std::to_string(k + 1) + ",NEXT\n";
  }
  const unsigned seed = std::random_device()();
  std::mt19937 random(seed);
  std::uniform_int_distribution<int64_t> moment(kBatch, (kItems + kLinks) * 9 / 10);
  for (int round = 0; round < 5; ++round) {
    SCOPED_TRACE("seed " + std::to_string(seed) + ", round " + std::to_string(round));
    const std::string data = dir_ + "/kill" + std::to_string(round);
    Kgd kgd(KGD_BIN, data, dir_);
    ASSERT_TRUE(kgd.Start()) << kgd.log();
    const int64_t kill_after = moment(random);
    const int64_t acked = ImportUntilKilled(kgd, items, links, kill_after);
    ASSERT_GE(acked, kill_after) << kgd.log();
    CheckSurvivors(data, acked);
    // kgd serves the same directory again, with the killed import's spool gone.
    ASSERT_TRUE(kgd.Start()) << kgd.log();
    EXPECT_FALSE(fs::exists(data + "/import-spool") && !fs::is_empty(data + "/import-spool"));
    EXPECT_EQ(kgd.Kill(SIGTERM), 0);
  }
}

}  // namespace
}  // namespace kg::e2e
