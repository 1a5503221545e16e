// The store side of ingestion alone (issue 5): extractions written into a new store by
// kg::ingest::Ingest, without the extraction that ingest_bench's end-to-end figure includes.
//
//   ingest_store_bench [--mb=20] [--rounds=3] [--batch=64] [--write_buffer_mb=N] [--keep=DIR]
//
// The corpus is ingest_bench's (the seed brief and the dev set repeated with new document ids
// up to --mb megabytes of text). Everything is extracted first, untimed; then each round opens
// an empty store (not synced) and ingests the extractions --batch at a time, as a server does.
// Prints per round the main thread's CPU seconds (Ingest itself), the whole process's (RocksDB's
// background flushes and compactions too, as ingest_bench's end to end counts them) and MB/s of
// article text per main-thread CPU-s, then checks the store (graph::Verify) and that ingesting
// everything again changes nothing.
#include <time.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "graph/graph.h"
#include "ingest/ingest.h"

#ifndef KG_SHARED_DIR
#define KG_SHARED_DIR "../shared"
#endif

ABSL_FLAG(int64_t, mb, 20, "megabytes of article text");
ABSL_FLAG(int, rounds, 3, "measured rounds, each into a new store");
ABSL_FLAG(int, batch, 64, "extractions per Ingest call");
ABSL_FLAG(int64_t, write_buffer_mb, 0,
          "memtable size per column family in MB (0: GraphOptions' default)");
ABSL_FLAG(std::string, keep, "", "leave the last round's store in this directory (replaced)");

namespace {

double ThreadCpuSeconds() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

double ProcessCpuSeconds() {
  timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

double WallSeconds() {
  timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

// The base articles repeated with new ids up to `target` bytes of text.
std::vector<kg::ingest::Document> Corpus(int64_t target, int64_t* bytes) {
  std::string shared = KG_SHARED_DIR;
  std::vector<std::string> files = {shared + "/seed/000_9bcd69e6ea19a6da.txt"};
  for (const char* d : {"D1", "D2", "D3", "D4"})
    files.push_back(shared + "/devset/dev-" + d + ".txt");
  std::vector<kg::ingest::Document> base, out;
  for (const std::string& f : files) {
    auto docs = kg::ingest::ReadTextFile(f);
    if (docs.ok()) base.insert(base.end(), docs->begin(), docs->end());
  }
  *bytes = 0;
  for (int round = 0; !base.empty() && *bytes < target; ++round) {
    for (const kg::ingest::Document& d : base) {
      out.push_back(d);
      out.back().id = d.id + "@" + std::to_string(round);
      *bytes += static_cast<int64_t>(d.text.size());
    }
  }
  return out;
}

absl::Status IngestAll(kg::graph::Graph& g, const std::vector<kg::ingest::Extraction>& all,
                       size_t batch) {
  for (size_t first = 0; first < all.size(); first += batch) {
    size_t last = std::min(all.size(), first + batch);
    std::vector<kg::ingest::Extraction> part(all.begin() + static_cast<ptrdiff_t>(first),
                                             all.begin() + static_cast<ptrdiff_t>(last));
    absl::StatusOr<kg::ingest::IngestReport> r = kg::ingest::Ingest(g, part);
    if (!r.ok()) return r.status();
  }
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Times the store side of ingestion alone: the corpus is extracted first (untimed), then "
      "written by Ingest into a fresh store.\nExample: ingest_store_bench --mb=20 --rounds=1");
  absl::ParseCommandLine(argc, argv);
  int64_t bytes = 0;
  std::vector<kg::ingest::Document> docs = Corpus(absl::GetFlag(FLAGS_mb) << 20, &bytes);
  auto bundle = kg::ingest::Bundle::Load(kg::ingest::DefaultBundleDir());
  if (docs.empty() || !bundle.ok()) {
    std::fprintf(stderr, "no corpus under %s or no bundle\n", KG_SHARED_DIR);
    return 1;
  }
  kg::ingest::Extractor extractor(*bundle);
  std::vector<kg::ingest::Extraction> extractions;
  for (const kg::ingest::Document& d : docs) {
    auto x = extractor.Extract(d);
    if (x.ok()) extractions.push_back(*std::move(x));
  }
  std::printf("corpus: %zu documents, %.1f MB of text\n", docs.size(), bytes / 1048576.0);
  const std::string keep = absl::GetFlag(FLAGS_keep);
  const std::string dir = !keep.empty() ? keep
                                        : (std::filesystem::temp_directory_path() /
                                           ("kg_ingest_store_bench_" + std::to_string(::getpid())))
                                              .string();
  const size_t batch = static_cast<size_t>(std::max(1, absl::GetFlag(FLAGS_batch)));
  std::unique_ptr<kg::graph::Graph> g;
  for (int round = 0; round < absl::GetFlag(FLAGS_rounds); ++round) {
    g.reset();
    std::filesystem::remove_all(dir);
    kg::graph::GraphOptions options;
    options.sync_writes = false;
    if (int64_t mb = absl::GetFlag(FLAGS_write_buffer_mb); mb > 0) {
      options.write_buffer_bytes = static_cast<size_t>(mb) << 20;
    }
    auto opened = kg::graph::Graph::Open(dir, options);
    if (!opened.ok()) {
      std::fprintf(stderr, "open: %s\n", std::string(opened.status().message()).c_str());
      return 1;
    }
    g = *std::move(opened);
    double cpu = ThreadCpuSeconds(), process = ProcessCpuSeconds(), wall = WallSeconds();
    if (absl::Status s = IngestAll(*g, extractions, batch); !s.ok()) {
      std::fprintf(stderr, "ingest: %s\n", std::string(s.message()).c_str());
      return 1;
    }
    cpu = ThreadCpuSeconds() - cpu;
    process = ProcessCpuSeconds() - process;
    wall = WallSeconds() - wall;
    std::printf(
        "round %d: store %.2f CPU-s (process %.2f CPU-s, %.2f s wall), %.2f MB/s of text per "
        "CPU-s\n",
        round, cpu, process, wall, bytes / 1048576.0 / cpu);
  }
  // What was written, so that two binaries compared side by side can be seen to do the same work.
  if (absl::StatusOr<kg::graph::GraphStats> st = g->Stats(); st.ok()) {
    std::printf("graph: %lld vertices, %lld edges, %lld documents\n",
                static_cast<long long>(st->vertices), static_cast<long long>(st->edges),
                static_cast<long long>(st->documents));
  }
  absl::Status verified = g->Verify();
  std::printf("verify: %s\n", verified.ok() ? "ok" : std::string(verified.message()).c_str());
  absl::StatusOr<kg::ingest::IngestReport> again = kg::ingest::Ingest(*g, extractions);
  bool unchanged =
      again.ok() && again->documents_unchanged == static_cast<int64_t>(extractions.size());
  std::printf("re-ingest: %s\n", unchanged ? "unchanged" : "CHANGED");
  g.reset();
  if (keep.empty()) std::filesystem::remove_all(dir);
  return verified.ok() && unchanged ? 0 : 1;
}
