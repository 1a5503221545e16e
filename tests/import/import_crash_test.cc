// Kills the offline importer with SIGKILL at random moments and checks that the database then
// holds either the whole import or none of it, with every invariant intact.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "graph/graph.h"

namespace kg::import {
namespace {

constexpr int kVertices = 20000;
constexpr int kEdges = 120000;
constexpr int kRounds = 20;

// Runs the child; kills it after `delay` unless it exits first. True when it completed.
bool RunChild(const std::string& dir, const std::vector<std::string>& files,
              std::chrono::microseconds delay) {
  pid_t pid = fork();
  if (pid == 0) {
    std::vector<char*> argv;
    std::string child = IMPORT_CRASH_CHILD;
    argv.push_back(child.data());
    std::string d = dir;
    argv.push_back(d.data());
    std::vector<std::string> copies = files;
    for (std::string& f : copies) argv.push_back(f.data());
    argv.push_back(nullptr);
    int devnull = ::open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    execv(argv[0], argv.data());
    _exit(127);
  }
  auto deadline = std::chrono::steady_clock::now() + delay;
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    if (waitpid(pid, &status, WNOHANG) == pid) return WIFEXITED(status) && WEXITSTATUS(status) == 0;
    std::this_thread::sleep_for(std::chrono::microseconds(500));
  }
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

TEST(ImportCrashTest, AKilledOfflineImportLeavesAllOrNothing) {
  std::filesystem::path root = std::filesystem::temp_directory_path() /
                               ("kg_import_crash_" + std::to_string(::getpid()));
  std::filesystem::remove_all(root);
  std::filesystem::create_directories(root);
  std::string nodes = (root / "nodes.csv").string(), edges = (root / "edges.csv").string();
  {
    std::ofstream n(nodes), e(edges);
    n << "id:ID(N),name,rank:int,:LABEL\n";
    for (int i = 0; i < kVertices; ++i) n << "v" << i << ",Vertex " << i << "," << i << ",N\n";
    e << ":START_ID(N),:END_ID(N),:TYPE,w:double\n";
    std::mt19937 rng(7);
    for (int i = 0; i < kEdges; ++i) {
      e << "v" << rng() % kVertices << ",v" << rng() % kVertices << ",L" << rng() % 3 << ","
        << i * 0.5 << "\n";
    }
  }
  // Time one complete import to spread the kills over it.
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(RunChild((root / "timing").string(), {nodes, edges}, std::chrono::seconds(300)));
  auto full = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - start);
  int64_t complete_edges = 0;
  {
    auto g = graph::Graph::Open((root / "timing").string());
    ASSERT_TRUE(g.ok());
    complete_edges = *(*g)->Snapshot()->CountEdges();
    ASSERT_GT(complete_edges, kEdges * 9 / 10);  // repeats merge
  }

  unsigned seed = static_cast<unsigned>(std::random_device{}());
  std::mt19937 rng(seed);
  std::string dir = (root / "db").string();
  int none = 0, all = 0;
  for (int round = 0; round < kRounds; ++round) {
    std::filesystem::remove_all(dir);
    // Spread over the whole import and a little beyond, so some rounds complete.
    auto delay = std::chrono::microseconds(rng() % (full.count() * 13 / 10 + 1));
    RunChild(dir, {nodes, edges}, delay);
    auto g = graph::Graph::Open(dir);
    if (!g.ok() && g.status().code() == absl::StatusCode::kNotFound) {
      ++none;  // killed before the database was even created
      continue;
    }
    ASSERT_TRUE(g.ok()) << g.status() << " (seed " << seed << ", round " << round << ")";
    absl::Status verified = (*g)->Verify();
    ASSERT_TRUE(verified.ok()) << verified << " (seed " << seed << ", round " << round << ")";
    int64_t v = *(*g)->Snapshot()->CountVertices();
    int64_t e = *(*g)->Snapshot()->CountEdges();
    if (v == 0 && e == 0) {
      ++none;
    } else {
      EXPECT_EQ(v, kVertices) << "partial import (seed " << seed << ", round " << round << ")";
      EXPECT_EQ(e, complete_edges) << "partial import (seed " << seed << ", round " << round << ")";
      ++all;
    }
  }
  std::cout << "import crash test: " << kRounds << " kills, " << all << " found the whole import, "
            << none << " found none (seed " << seed << ")\n";
  std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace kg::import
