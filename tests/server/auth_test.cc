// Authorization: tokens, their access, and the helpers that decide what a call needs.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/errors.h"
#include "server/mutation_check.h"
#include "tests/server/test_server.h"

namespace kg::server::testing {
namespace {

TEST(TokenTableTest, ParsesAccessAndRejectsMalformedLines) {
  auto t = TokenTable::Parse("# comment\n\nreader read-only\nwriter rw\n");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->size(), 2u);
  EXPECT_EQ(*t->Lookup("reader"), Access::kRead);
  EXPECT_EQ(*t->Lookup("writer"), Access::kWrite);
  EXPECT_EQ(t->Lookup("writer2").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(t->Lookup("").status().code(), absl::StatusCode::kNotFound);

  auto missing_access = TokenTable::Parse("just-a-token\n");
  EXPECT_EQ(missing_access.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(missing_access.status().message()), ::testing::HasSubstr("line 1"));
  EXPECT_EQ(TokenTable::Parse("t admin\n").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(TokenTable::Parse("# nothing\n").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(MayWriteTest, FindsMutatingStepsOutsideStrings) {
  EXPECT_FALSE(MayWrite("g.V().has('name', 'drop').values('name')"));
  EXPECT_FALSE(MayWrite("g.V().properties('name')"));
  EXPECT_FALSE(MayWrite("g.V().has(\"x\", \"addV(\")"));
  EXPECT_FALSE(MayWrite("g.V().has('it\\'s', 'property(')"));
  EXPECT_TRUE(MayWrite("g.addV('person')"));
  EXPECT_TRUE(MayWrite("g.V(1).property('age', 3)"));
  EXPECT_TRUE(MayWrite("g.V().drop ()"));
  EXPECT_TRUE(MayWrite("g.mergeV([name: 'x'])"));
  EXPECT_TRUE(MayWrite("g.V(1).addE('knows').to(__.V(2))"));
}

TEST(ErrorDetailTest, TakesPositionAndLimitFromMessages) {
  v1::ErrorDetail d;
  FillDetailFromMessage("line 2, column 14: expected ')'\n  g.V().has('a'\n             ^", &d);
  EXPECT_EQ(d.line(), 2);
  EXPECT_EQ(d.column(), 14);
  EXPECT_THAT(d.excerpt(), ::testing::HasSubstr("^"));
  v1::ErrorDetail l;
  FillDetailFromMessage("max_results (1000) exceeded", &l);
  EXPECT_EQ(l.limit_name(), "max_results");
  EXPECT_EQ(l.limit_value(), 1000);
  grpc::Status s = ToGrpcStatus(absl::NotFoundError("gone"));
  EXPECT_EQ(s.error_code(), grpc::NOT_FOUND);
  v1::ErrorDetail parsed;
  ASSERT_TRUE(parsed.ParseFromString(s.error_details()));
  EXPECT_EQ(parsed.message(), "gone");
}

class AuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ts_.Start([](ServerOptions* o) {
      auto tokens = TokenTable::Parse("ro-token read-only\nrw-token read-write\n");
      o->tokens = std::make_shared<const TokenTable>(*tokens);
    });
  }
  grpc::Status CallStats(const std::string& token) {
    v1::StatsResponse r;
    return ts_.stub->Stats(Ctx(token).get(), v1::StatsRequest(), &r);
  }
  grpc::Status Ingest(const std::string& token) {
    auto ctx = Ctx(token, 60'000);
    auto stream = ts_.stub->IngestDocuments(ctx.get());
    v1::IngestRequest r;
    r.mutable_document()->set_path("a.txt");
    r.mutable_document()->set_text("OpenAI와 SoftBank가 스타게이트 프로젝트에 참여한다.");
    stream->Write(r);
    stream->WritesDone();
    for (v1::IngestEvent e; stream->Read(&e);) {
    }
    return stream->Finish();
  }
  grpc::Status MutatingQuery(const std::string& token) {
    v1::QueryRequest q;
    q.set_gremlin("g.addV('person').property('name', 'mallory')");
    auto ctx = Ctx(token);
    auto reader = ts_.stub->Query(ctx.get(), q);
    for (v1::QueryResponse r; reader->Read(&r);) {
    }
    return reader->Finish();
  }
  int64_t Vertices() {
    auto stats = ts_.graph->Stats();
    return stats.ok() ? stats->vertices : -1;
  }
  TestServer ts_;
};

TEST_F(AuthTest, NoTokenOrWrongTokenIsUnauthenticated) {
  EXPECT_EQ(CallStats("").error_code(), grpc::UNAUTHENTICATED);
  EXPECT_EQ(CallStats("wrong").error_code(), grpc::UNAUTHENTICATED);
  EXPECT_EQ(CallStats("ro-token-but-longer").error_code(), grpc::UNAUTHENTICATED);
  // Not "Bearer <token>".
  v1::StatsResponse r;
  auto ctx = Ctx();
  ctx->AddMetadata("authorization", "Basic ro-token");
  EXPECT_EQ(ts_.stub->Stats(ctx.get(), v1::StatsRequest(), &r).error_code(), grpc::UNAUTHENTICATED);
  EXPECT_EQ(Ingest("").error_code(), grpc::UNAUTHENTICATED);
  EXPECT_EQ(MutatingQuery("").error_code(), grpc::UNAUTHENTICATED);
}

TEST_F(AuthTest, ReadOnlyTokenReadsButCannotWrite) {
  EXPECT_TRUE(CallStats("ro-token").ok());
  const int64_t before = Vertices();
  EXPECT_EQ(Ingest("ro-token").error_code(), grpc::PERMISSION_DENIED);
  EXPECT_EQ(MutatingQuery("ro-token").error_code(), grpc::PERMISSION_DENIED);
  auto ctx = Ctx("ro-token");
  auto import = ts_.stub->ImportFiles(ctx.get());
  const std::string csv = "id:ID(X),:LABEL\na,X\n";
  v1::ImportFilesRequest header, chunk;
  header.mutable_file()->set_name("x.csv");
  header.mutable_file()->set_size(csv.size());
  chunk.set_chunk(csv);
  import->Write(header);
  import->Write(chunk);
  import->WritesDone();
  for (v1::ImportFilesEvent e; import->Read(&e);) {
  }
  EXPECT_EQ(import->Finish().error_code(), grpc::PERMISSION_DENIED);
  v1::BackupRequest b;
  b.set_dir(ts_.dir.path() + "/backup");
  v1::BackupResponse br;
  EXPECT_EQ(ts_.stub->Backup(Ctx("ro-token").get(), b, &br).error_code(), grpc::PERMISSION_DENIED);
  EXPECT_EQ(Vertices(), before);  // nothing was written
}

TEST_F(AuthTest, ReadWriteTokenWrites) {
  ASSERT_TRUE(ts_.bundle_status.ok()) << ts_.bundle_status;
  EXPECT_TRUE(CallStats("rw-token").ok());
  grpc::Status s = MutatingQuery("rw-token");
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(Vertices(), 1);
  grpc::Status ingest = Ingest("rw-token");
  EXPECT_TRUE(ingest.ok()) << ingest.error_message();
}

TEST_F(AuthTest, HealthNeedsNoToken) {
  EXPECT_EQ(HealthCheck(ts_.channel, "kg.v1.KnowledgeGraph"), 1);
}

}  // namespace
}  // namespace kg::server::testing
