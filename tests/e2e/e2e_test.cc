// End to end: the real kgd on a free loopback port with a temporary data directory, driven by
// the real kg. Includes the crash test: SIGKILL in the middle of a large ingest, restart, and
// check that every acknowledged document is there and none is there in part.
#include <filesystem>
#include <map>
#include <set>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/e2e/files.h"
#include "tests/e2e/process.h"

namespace kg::e2e {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

const std::string kShared = KG_SHARED_DIR;
const std::string kStargatePartners =
    "g.V().has('Program', 'name', 'Stargate Project').in('PARTICIPATES_IN').values('name').dedup()";

RunResult Kg(const Kgd& kgd, std::vector<std::string> args,
             std::chrono::milliseconds timeout = std::chrono::seconds(120),
             const std::function<bool(const std::string&)>& on_line = nullptr) {
  args.insert(args.begin(), KG_BIN);
  args.push_back("--server=" + kgd.address());
  return Run(args, timeout, on_line);
}

std::set<std::string> JsonStrings(const std::string& text) {
  std::set<std::string> out;
  for (const auto& j : JsonLines(text)) {
    if (j.is_string()) out.insert(j.get<std::string>());
  }
  return out;
}

class E2eTest : public ::testing::Test {
 protected:
  TempDir tmp_{"kg-e2e"};
};

TEST_F(E2eTest, IngestQuerySearchExportThroughTheRealBinaries) {
  Kgd kgd(KGD_BIN, tmp_.path() + "/data", tmp_.path());
  ASSERT_TRUE(kgd.Start()) << kgd.log();

  RunResult ingest = Kg(kgd, {"ingest", kShared + "/seed/"});
  ASSERT_EQ(ingest.exit_code, 0) << ingest.err;
  EXPECT_THAT(ingest.out, HasSubstr("committed"));
  EXPECT_THAT(ingest.out, HasSubstr("0 failed"));

  const std::string companies = "g.V().hasLabel('Company').values('name').dedup()";
  RunResult json = Kg(kgd, {"query", companies, "--format", "json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  std::set<std::string> names = JsonStrings(json.out);
  for (const char* c : {"OpenAI", "SoftBank", "Oracle"}) EXPECT_TRUE(names.count(c)) << c;

  RunResult param = Kg(kgd, {"query", "g.V().hasLabel(l).values('name').dedup()", "--param",
                             "l=Company", "--format=json"});
  ASSERT_EQ(param.exit_code, 0) << param.err;
  EXPECT_EQ(JsonStrings(param.out), names);

  RunResult table = Kg(kgd, {"query", "g.V().hasLabel('Company').limit(3)"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_THAT(table.out, HasSubstr("(Company #"));
  EXPECT_THAT(table.out, HasSubstr("(3 rows)"));

  RunResult search = Kg(kgd, {"search", "Open", "--json"});
  ASSERT_EQ(search.exit_code, 0) << search.err;
  bool found = false;
  for (const auto& j : JsonLines(search.out)) found = found || j.value("name", "") == "OpenAI";
  EXPECT_TRUE(found) << search.out;

  RunResult entity = Kg(kgd, {"entity", "스타게이트 프로젝트", "--json"});
  ASSERT_EQ(entity.exit_code, 0) << entity.err;
  nlohmann::json e = nlohmann::json::parse(entity.out, nullptr, false);
  ASSERT_FALSE(e.is_discarded()) << entity.out;
  EXPECT_EQ(e["vertex"]["label"], "Program");

  RunResult stats = Kg(kgd, {"stats", "--json"});
  ASSERT_EQ(stats.exit_code, 0) << stats.err;
  nlohmann::json s = nlohmann::json::parse(stats.out, nullptr, false);
  ASSERT_TRUE(s.is_object()) << stats.out;
  EXPECT_GT(s["vertices"].get<int64_t>(), 20);
  EXPECT_GT(s["vertices_by_label"]["Company"].get<int64_t>(), 5);

  // Export in each format; GraphSON has one line per vertex and round-trips through import.
  RunResult graphson = Kg(kgd, {"export", "--format", "graphson"});
  ASSERT_EQ(graphson.exit_code, 0) << graphson.err;
  EXPECT_EQ(static_cast<int64_t>(JsonLines(graphson.out).size()), s["vertices"].get<int64_t>());
  RunResult graphml = Kg(kgd, {"export", "--format=graphml"});
  ASSERT_EQ(graphml.exit_code, 0) << graphml.err;
  EXPECT_THAT(graphml.out, HasSubstr("<graphml"));
  EXPECT_THAT(graphml.out, HasSubstr("PARTICIPATES_IN"));
  RunResult dot = Kg(kgd, {"export", "--format=dot"});
  ASSERT_EQ(dot.exit_code, 0) << dot.err;
  EXPECT_THAT(dot.out, HasSubstr("digraph kg {"));

  const std::string exported = tmp_.path() + "/export.json";
  std::ofstream(exported) << graphson.out;
  Kgd copy(KGD_BIN, tmp_.path() + "/copy", tmp_.path());
  ASSERT_TRUE(copy.Start()) << copy.log();
  RunResult import = Kg(copy, {"import", exported});
  ASSERT_EQ(import.exit_code, 0) << import.err;
  RunResult copy_stats = Kg(copy, {"stats", "--json"});
  nlohmann::json cs = nlohmann::json::parse(copy_stats.out, nullptr, false);
  ASSERT_TRUE(cs.is_object()) << copy_stats.out;
  EXPECT_EQ(cs["vertices"], s["vertices"]);
  EXPECT_EQ(cs["edges"], s["edges"]);
  EXPECT_EQ(cs["edges_by_label"], s["edges_by_label"]);

  RunResult backup = Kg(kgd, {"backup", tmp_.path() + "/backup"});
  ASSERT_EQ(backup.exit_code, 0) << backup.err;
  EXPECT_TRUE(fs::exists(tmp_.path() + "/backup"));

  EXPECT_EQ(kgd.Kill(SIGTERM), 0);  // graceful shutdown exits 0
  EXPECT_THAT(kgd.log(), HasSubstr("method=/kg.v1.KnowledgeGraph/Query status=OK"));
  EXPECT_EQ(copy.Kill(SIGINT), 0);
}

// The README's question, end to end: ingest the reference brief, ask for the Stargate partners.
TEST_F(E2eTest, StargatePartnersFromTheReferenceBrief) {
  Kgd kgd(KGD_BIN, tmp_.path() + "/data", tmp_.path());
  ASSERT_TRUE(kgd.Start()) << kgd.log();
  RunResult ingest = Kg(kgd, {"ingest", kShared + "/seed/"});
  ASSERT_EQ(ingest.exit_code, 0) << ingest.err;
  RunResult json = Kg(kgd, {"query", kStargatePartners, "--format", "json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  std::set<std::string> partners = JsonStrings(json.out);
  for (const char* p : {"OpenAI", "SoftBank", "Oracle", "MGX"}) {
    EXPECT_TRUE(partners.count(p)) << p << " missing from " << json.out;
  }
  EXPECT_EQ(kgd.Kill(SIGTERM), 0);
}

TEST_F(E2eTest, ImportTinkerPopGraphAndExitCodes) {
  Kgd kgd(KGD_BIN, tmp_.path() + "/data", tmp_.path());
  ASSERT_TRUE(kgd.Start()) << kgd.log();
  RunResult import = Kg(kgd, {"import", kShared + "/tinkerpop/data/tinkerpop-modern.json"});
  ASSERT_EQ(import.exit_code, 0) << import.err;
  EXPECT_THAT(import.out, HasSubstr("imported 6 vertex rows and 6 edge rows"));
  RunResult knows = Kg(
      kgd, {"query", "g.V().has('name','marko').out('knows').values('name')", "--format", "json"});
  ASSERT_EQ(knows.exit_code, 0) << knows.err;
  EXPECT_EQ(JsonStrings(knows.out), (std::set<std::string>{"vadas", "josh"}));
  RunResult age = Kg(kgd, {"query", "g.V().has('name','marko').values('age')", "--format=json"});
  EXPECT_EQ(age.out, "29\n");

  // 1: a query error, with its position on stderr.
  RunResult bad = Kg(kgd, {"query", "g.V().has('name',"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.err, HasSubstr("INVALID_ARGUMENT"));
  RunResult missing = Kg(kgd, {"entity", "Nobody Such"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err, HasSubstr("NOT_FOUND"));
  RunResult no_file = Kg(kgd, {"ingest", tmp_.path() + "/does-not-exist.txt"});
  EXPECT_EQ(no_file.exit_code, 1);
  // A bad GraphSON line: nothing imported.
  const std::string broken = tmp_.path() + "/broken.json";
  std::ofstream(broken) << "{\"id\":1,\"label\":\"x\"}\n{not json\n";
  RunResult bad_import = Kg(kgd, {"import", broken});
  EXPECT_EQ(bad_import.exit_code, 1);
  EXPECT_THAT(bad_import.err, HasSubstr("line 2"));
  // 2: usage.
  EXPECT_EQ(Kg(kgd, {"query"}).exit_code, 2);
  EXPECT_EQ(Kg(kgd, {"query", "g.V()", "--format", "xml"}).exit_code, 2);
  EXPECT_EQ(Kg(kgd, {"frobnicate"}).exit_code, 2);
  // Global flags may come before the command too, in either form.
  RunResult before = kg::e2e::Run({KG_BIN, "--server", kgd.address(), "query", "g.V().count()"},
                                  std::chrono::seconds(60));
  EXPECT_EQ(before.exit_code, 0) << before.err;
  EXPECT_THAT(before.out, HasSubstr("\n6\n"));
  RunResult before_eq =
      kg::e2e::Run({KG_BIN, "--server=" + kgd.address(), "--timeout_ms=5000", "stats"},
                   std::chrono::seconds(60));
  EXPECT_EQ(before_eq.exit_code, 0) << before_eq.err;
  EXPECT_EQ(kg::e2e::Run({KG_BIN, "--server=" + kgd.address()}, std::chrono::seconds(60)).exit_code,
            2);
  EXPECT_EQ(kg::e2e::Run({KG_BIN, "--help"}).exit_code, 0);
  EXPECT_EQ(kg::e2e::Run({KGD_BIN, "--help"}).exit_code, 0);
  // 3: unreachable.
  EXPECT_EQ(kgd.Kill(SIGTERM), 0);
  RunResult down = Kg(kgd, {"stats"});
  EXPECT_EQ(down.exit_code, 3);
  EXPECT_THAT(down.err, HasSubstr("cannot reach kgd"));
}

// Vertex-property ids a GraphSON file gives survive an import and come back on export; a
// property written without one gets a number of the exporter's own.
TEST_F(E2eTest, GraphSonPropertyIdsRoundTripThroughExport) {
  Kgd kgd(KGD_BIN, tmp_.path() + "/data", tmp_.path());
  ASSERT_TRUE(kgd.Start()) << kgd.log();
  const std::string file = tmp_.path() + "/ids.json";
  std::ofstream(file) << R"({"id":{"@type":"g:Int64","@value":1},"label":"person","properties":)"
                      << R"({"name":[{"id":{"@type":"g:Int64","@value":777},"value":"ada"}],)"
                      << R"("city":[{"id":"city-of-ada","value":"London"}]}})"
                      << "\n";
  RunResult import = Kg(kgd, {"import", file});
  ASSERT_EQ(import.exit_code, 0) << import.err;
  RunResult add = Kg(kgd, {"query", "g.V().has('name','ada').property('born', 1815)"});
  ASSERT_EQ(add.exit_code, 0) << add.err;

  RunResult graphson = Kg(kgd, {"export", "--format", "graphson"});
  ASSERT_EQ(graphson.exit_code, 0) << graphson.err;
  const std::vector<nlohmann::json> lines = JsonLines(graphson.out);
  ASSERT_EQ(lines.size(), 1u) << graphson.out;
  const nlohmann::json& props = lines[0]["properties"];
  EXPECT_EQ(props["name"][0]["id"], nlohmann::json::parse(R"({"@type":"g:Int64","@value":777})"));
  EXPECT_EQ(props["city"][0]["id"], "city-of-ada");
  EXPECT_EQ(props["born"][0]["id"]["@type"], "g:Int64") << props.dump();
  EXPECT_EQ(kgd.Kill(SIGTERM), 0);
}

TEST_F(E2eTest, AuthTokensThroughTheCli) {
  const std::string tokens = tmp_.path() + "/tokens";
  std::ofstream(tokens) << "reader-token read-only\nwriter-token read-write\n";
  Kgd kgd(KGD_BIN, tmp_.path() + "/data", tmp_.path(), {"--auth_token_file=" + tokens});
  ASSERT_TRUE(kgd.Start()) << kgd.log();
  const std::string file = kShared + "/tinkerpop/data/tinkerpop-modern.json";
  EXPECT_EQ(Kg(kgd, {"stats"}).exit_code, 1);
  EXPECT_THAT(Kg(kgd, {"stats"}).err, HasSubstr("UNAUTHENTICATED"));
  EXPECT_EQ(Kg(kgd, {"stats", "--token=reader-token"}).exit_code, 0);
  RunResult denied = Kg(kgd, {"import", file, "--token=reader-token"});
  EXPECT_EQ(denied.exit_code, 1);
  EXPECT_THAT(denied.err, HasSubstr("PERMISSION_DENIED"));
  EXPECT_EQ(Kg(kgd, {"import", file, "--token", "writer-token"}).exit_code, 0);
}

TEST_F(E2eTest, TlsWhenCertificateAndKeyAreGiven) {
  if (access("/usr/bin/openssl", X_OK) != 0) GTEST_SKIP() << "openssl is not installed";
  const std::string cert = tmp_.path() + "/cert.pem", key = tmp_.path() + "/key.pem";
  RunResult made = kg::e2e::Run({"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048",
                                 "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj",
                                 "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  Kgd kgd(KGD_BIN, tmp_.path() + "/data", tmp_.path(), {"--tls_cert=" + cert, "--tls_key=" + key});
  ASSERT_TRUE(kgd.Start()) << kgd.log();
  RunResult secure = Kg(kgd, {"stats", "--ca_cert", cert});
  EXPECT_EQ(secure.exit_code, 0) << secure.err;
  RunResult plain = Kg(kgd, {"stats"});  // plaintext against a TLS port never connects
  EXPECT_EQ(plain.exit_code, 3) << plain.err;
  EXPECT_EQ(kgd.Kill(SIGTERM), 0);
}

// Writes `n` distinct article files (the dev set's articles with a numbered bullet) into `dir`.
std::vector<std::string> MakeCorpus(const std::string& dir, int n) {
  std::vector<std::string> articles;
  for (const char* name : {"dev-D1.txt", "dev-D2.txt", "dev-D3.txt", "dev-D4.txt"}) {
    articles.push_back(ReadFileOrEmpty(kShared + "/devset/" + name));
  }
  fs::create_directories(dir);
  std::vector<std::string> files;
  for (int i = 0; i < n; ++i) {
    std::string text = articles[i % articles.size()];
    // A distinct body: the first bullet gets a case number, so every file is its own document.
    size_t bullet = text.find("●");
    size_t eol = text.find('\n', bullet == std::string::npos ? 0 : bullet);
    std::string mark = " (사례 " + std::to_string(i) + ")";
    if (eol == std::string::npos) {
      text += mark;
    } else {
      text.insert(eol, mark);
    }
    char file[64];
    std::snprintf(file, sizeof file, "/doc-%03d.txt", i);
    std::ofstream(dir + file) << text;
    files.push_back(dir + file);
  }
  return files;
}

// doc id -> its supported elements, from `kg docs --elements`.
std::map<std::string, std::vector<std::string>> Documents(const Kgd& kgd) {
  RunResult docs = Kg(kgd, {"docs", "--elements"});
  EXPECT_EQ(docs.exit_code, 0) << docs.err;
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& j : JsonLines(docs.out)) {
    out[j["id"].get<std::string>()] = j["elements"].get<std::vector<std::string>>();
  }
  return out;
}

TEST_F(E2eTest, KillDuringIngestLosesNothingAcknowledgedAndLeavesNoPartialDocument) {
  constexpr int kDocs = 300;
  const std::string corpus = tmp_.path() + "/corpus";
  MakeCorpus(corpus, kDocs);

  // The reference: the same corpus ingested without a crash.
  Kgd reference(KGD_BIN, tmp_.path() + "/reference", tmp_.path());
  ASSERT_TRUE(reference.Start()) << reference.log();
  RunResult full = Kg(reference, {"ingest", corpus}, std::chrono::seconds(600));
  ASSERT_EQ(full.exit_code, 0) << full.err;
  std::map<std::string, std::vector<std::string>> expected = Documents(reference);
  ASSERT_GE(expected.size(), static_cast<size_t>(kDocs));
  EXPECT_EQ(reference.Kill(SIGTERM), 0);

  Kgd kgd(KGD_BIN, tmp_.path() + "/data", tmp_.path());
  ASSERT_TRUE(kgd.Start()) << kgd.log();
  std::set<std::string> acknowledged;
  bool killed = false;
  RunResult crashed = Kg(kgd, {"ingest", corpus, "--json"}, std::chrono::seconds(600),
                         [&](const std::string& line) {
                           nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
                           if (j.is_object() && j.value("status", "") == "COMMITTED") {
                             acknowledged.insert(j["doc_id"].get<std::string>());
                           }
                           if (acknowledged.size() >= kDocs / 3) {
                             kgd.Kill(SIGKILL);
                             killed = true;
                             return false;
                           }
                           return true;
                         });
  ASSERT_TRUE(killed) << "the ingest ended before the kill";
  EXPECT_EQ(crashed.exit_code, 3) << crashed.err;  // kg saw the server go away
  ASSERT_LT(acknowledged.size(), static_cast<size_t>(kDocs));

  ASSERT_TRUE(kgd.Start()) << kgd.log();
  std::map<std::string, std::vector<std::string>> after = Documents(kgd);
  for (const std::string& id : acknowledged) {
    EXPECT_TRUE(after.count(id)) << "acknowledged document " << id << " is missing";
  }
  // Documents committed after the last acknowledgement the client read may be there too (their
  // acknowledgements were on the wire), but each one entirely.
  EXPECT_GE(after.size(), acknowledged.size());
  for (const auto& [id, elements] : after) {
    ASSERT_TRUE(expected.count(id)) << id;
    EXPECT_EQ(elements, expected[id]) << "document " << id << " is there in part";
  }

  // Resuming the ingest completes the database: the same documents as the reference.
  RunResult resumed = Kg(kgd, {"ingest", corpus}, std::chrono::seconds(600));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  std::map<std::string, std::vector<std::string>> final_docs = Documents(kgd);
  EXPECT_EQ(final_docs, expected);
  EXPECT_EQ(kgd.Kill(SIGTERM), 0);
}

}  // namespace
}  // namespace kg::e2e
