#include "import/command.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace kg::import {
namespace {

using ::testing::HasSubstr;

class ImportCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() /
            ("kg_import_command_" + std::to_string(::getpid()));
    std::filesystem::remove_all(root_);
    std::filesystem::create_directories(root_);
    std::ofstream(root_ / "n.csv") << "id:ID(N),name\na,Alpha\nb,Beta\n";
    std::ofstream(root_ / "e.csv") << ":START_ID(N),:END_ID(N),:TYPE\na,b,KNOWS\n";
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  int Run(std::vector<std::string> args) {
    out_.str("");
    err_.str("");
    return RunImportCommand(args, out_, err_);
  }
  std::string db() const { return (root_ / "db").string(); }
  std::string file(const char* name) const { return (root_ / name).string(); }

  std::filesystem::path root_;
  std::ostringstream out_, err_;
};

TEST_F(ImportCommandTest, ImportsAndPrintsASummary) {
  EXPECT_EQ(Run({"--data_dir", db(), file("n.csv"), file("e.csv")}), 0) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("imported 2 vertex rows and 1 edge rows"));
  EXPECT_THAT(out_.str(), HasSubstr("vertices 2 created, 0 merged; edges 1 created, 0 merged"));
  auto g = graph::Graph::Open(db());
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(*(*g)->Snapshot()->CountEdges(), 1);
}

TEST_F(ImportCommandTest, UsageErrorsExitTwo) {
  EXPECT_EQ(Run({file("n.csv")}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("kgd import: --data_dir is required"));
  EXPECT_EQ(Run({"--data_dir", db()}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("no files to import"));
  EXPECT_EQ(Run({"--data_dir=" + db(), "--memory_mb=lots", file("n.csv")}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("--memory_mb needs a number, not 'lots'"));
  EXPECT_EQ(Run({"--help"}), 0);
  EXPECT_THAT(out_.str(), HasSubstr("usage: kgd import"));
}

TEST_F(ImportCommandTest, ADatabaseOpenElsewhereIsRefusedBeforeAnyWork) {
  auto held = graph::Graph::Open(db());
  ASSERT_TRUE(held.ok());
  EXPECT_EQ(Run({"--data_dir", db(), file("n.csv")}), 1);
  EXPECT_THAT(err_.str(), HasSubstr("the database is locked by another process"));
  EXPECT_THAT(err_.str(), HasSubstr("stop the kgd serving"));
}

TEST_F(ImportCommandTest, NotAKgDatabaseAndMissingFiles) {
  std::filesystem::create_directories(root_ / "junk");
  std::ofstream(root_ / "junk" / "x.txt") << "x";
  EXPECT_EQ(Run({"--data_dir", (root_ / "junk").string(), file("n.csv")}), 1);
  EXPECT_THAT(err_.str(), HasSubstr("is not a kg database"));
  EXPECT_EQ(Run({"--data_dir", db(), file("missing.csv")}), 1);
  EXPECT_THAT(err_.str(), HasSubstr("missing.csv: No such file or directory"));
}

TEST_F(ImportCommandTest, DryRunCreatesAndWritesNothing) {
  EXPECT_EQ(Run({"--dry_run", "--data_dir", db(), file("n.csv"), file("e.csv")}), 0) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("dry run: 2 vertex rows and 1 edge rows are valid"));
  EXPECT_FALSE(std::filesystem::exists(db()));
}

TEST(ImportProgressTest, ProgressLineShowsRowsRateAndEta) {
  ImportProgress p;
  p.rows = 5000;
  p.bytes_done = 250;
  p.bytes_total = 1000;
  p.seconds = 10;
  EXPECT_EQ(ProgressLine(p, 40), "5000 rows  500 rows/s   25%  ETA 0:30");
  EXPECT_EQ(ProgressLine(p, 100), "[##########..............................]  5000 rows  500 rows/s   25%  ETA 0:30");
}

}  // namespace
}  // namespace kg::import
