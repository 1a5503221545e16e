// Ingest throughput, on one core: extraction alone and end to end into a store.
//
//   ingest_bench [--benchmark_filter=...]      (corpus size: $KG_BENCH_MB, default 50)
//
// BM_IngestEndToEnd/0 is the CPU cost on one core (store not synced; the CPU time of every thread,
// RocksDB's background flushes included); BM_IngestEndToEnd/1 syncs
// every Graph::Write, as a server does, and is timed on the wall clock.
//
// The corpus is the seed brief and the dev set, repeated with new document ids until it holds
// KG_BENCH_MB megabytes of text. Results are in bytes_per_second of article text. BM_Clean (the
// reading and cleaning every ingest pays) runs in the same process as the baseline for ratios.
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "graph/graph.h"
#include "ingest/ingest.h"

#ifndef KG_SHARED_DIR
#define KG_SHARED_DIR "../shared"
#endif

namespace {

struct Corpus {
  std::vector<kg::ingest::Document> docs;
  int64_t bytes = 0;
};

const Corpus& GetCorpus() {
  static const Corpus corpus = [] {
    Corpus c;
    const char* mb_env = std::getenv("KG_BENCH_MB");
    int64_t target = (mb_env ? std::atoll(mb_env) : 50) << 20;
    std::string shared = KG_SHARED_DIR;
    std::vector<kg::ingest::Document> base;
    std::vector<std::string> files = {shared + "/seed/000_9bcd69e6ea19a6da.txt"};
    for (const char* d : {"D1", "D2", "D3", "D4"}) files.push_back(shared + "/devset/dev-" + d + ".txt");
    for (const std::string& f : files) {
      auto docs = kg::ingest::ReadTextFile(f);
      if (!docs.ok()) continue;
      for (auto& d : *docs) base.push_back(d);
    }
    if (base.empty()) return c;
    for (int round = 0; c.bytes < target; ++round) {
      for (const auto& d : base) {
        kg::ingest::Document copy = d;
        copy.id = d.id + "@" + std::to_string(round);
        c.bytes += static_cast<int64_t>(copy.text.size());
        c.docs.push_back(std::move(copy));
      }
    }
    return c;
  }();
  return corpus;
}

std::shared_ptr<const kg::ingest::Bundle> GetBundle() {
  static auto bundle = kg::ingest::Bundle::Load(kg::ingest::DefaultBundleDir());
  return bundle.ok() ? *bundle : nullptr;
}

void BM_Clean(benchmark::State& state) {
  const Corpus& c = GetCorpus();
  for (auto _ : state) {
    for (const auto& d : c.docs) benchmark::DoNotOptimize(kg::ingest::CleanText(d.text));
  }
  state.SetBytesProcessed(state.iterations() * c.bytes);
}

void BM_Extract(benchmark::State& state) {
  const Corpus& c = GetCorpus();
  kg::ingest::Extractor ex(GetBundle());
  for (auto _ : state) {
    for (const auto& d : c.docs) benchmark::DoNotOptimize(ex.Extract(d));
  }
  state.SetBytesProcessed(state.iterations() * c.bytes);
}

// Argument 0: the store does not sync (CPU cost of ingest). Argument 1: every Graph::Write is
// synced, as GraphOptions' default (run with real time: the cost is waiting for the disk).
void BM_IngestEndToEnd(benchmark::State& state) {
  const Corpus& c = GetCorpus();
  kg::ingest::Extractor ex(GetBundle());
  std::string dir = (std::filesystem::temp_directory_path() / "kg_ingest_bench").string();
  for (auto _ : state) {
    state.PauseTiming();
    std::filesystem::remove_all(dir);
    kg::graph::GraphOptions opt;
    opt.sync_writes = state.range(0) != 0;
    auto g = kg::graph::Graph::Open(dir, opt);
    if (!g.ok()) {
      state.SkipWithError(std::string(g.status().message()).c_str());
      return;
    }
    state.ResumeTiming();
    // As a server would: extract a batch of documents, then write it.
    std::vector<kg::ingest::Extraction> batch;
    for (size_t i = 0; i < c.docs.size(); ++i) {
      auto x = ex.Extract(c.docs[i]);
      if (x.ok()) batch.push_back(*std::move(x));
      if (batch.size() == 64 || i + 1 == c.docs.size()) {
        auto r = kg::ingest::Ingest(**g, batch);
        if (!r.ok()) {
          state.SkipWithError(std::string(r.status().message()).c_str());
          return;
        }
        batch.clear();
      }
    }
  }
  std::filesystem::remove_all(dir);
  state.SetBytesProcessed(state.iterations() * c.bytes);
}

BENCHMARK(BM_Clean)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_Extract)->Unit(benchmark::kMillisecond)->Iterations(1);
// CPU time of the whole process, not only this thread's: RocksDB's flushes and compactions run
// on its background threads, and they are part of the cost of ingesting on one core.
BENCHMARK(BM_IngestEndToEnd)
    ->Arg(0)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->MeasureProcessCPUTime();
BENCHMARK(BM_IngestEndToEnd)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
