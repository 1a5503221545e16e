// R-MAT graph generator (Chakrabarti, Zhan, Faloutsos 2004) with Graph500's parameters, as a
// stream of edges: deterministic by seed, O(1) memory, seekable.
//
//   kg::bench::RmatOptions o;            // 2^20 vertices, 16 edges per vertex, a/b/c = .57/.19/.19
//   o.scale = 16;
//   kg::bench::RmatStream edges(o);
//   for (kg::bench::RmatEdge e; edges.Next(&e);) load(e.src, e.dst);  // ids in [0, 2^scale)
//
// Why a stream: the graph benchmark, the query benchmark and the bulk importer's CSV files all
// consume the same edges, and 2^24 edges do not need to sit in memory to be loaded. Edge i
// depends only on (seed, i), so the same options always give the same edges in the same order,
// and Seek(i) restarts anywhere.
//
// Each edge picks one quadrant per bit of the ids (a: top-left, b: top-right, c: bottom-left,
// d = 1 - a - b - c: bottom-right), which yields the skewed degrees of real graphs. As in the
// Graph500 generator, vertex ids are then scrambled by a seeded bijection, so that the hubs are
// not simply the smallest ids. Self-loops and repeated edges are kept (Graph500 keeps them too).
#ifndef KG_BENCH_RMAT_H_
#define KG_BENCH_RMAT_H_

#include <cstdint>
#include <ostream>

#include "absl/status/status.h"

namespace kg::bench {

struct RmatOptions {
  int scale = 20;        // 2^scale vertices
  int edge_factor = 16;  // edge_factor * 2^scale edges
  double a = 0.57, b = 0.19, c = 0.19;
  uint64_t seed = 1;
  bool scramble_ids = true;

  uint64_t num_vertices() const { return uint64_t{1} << scale; }
  uint64_t num_edges() const { return num_vertices() * static_cast<uint64_t>(edge_factor); }
  // INVALID_ARGUMENT unless 1 <= scale <= 40, edge_factor >= 1, a, b, c >= 0 and a + b + c <= 1.
  absl::Status Validate() const;
};

struct RmatEdge {
  uint64_t src = 0;
  uint64_t dst = 0;
};

class RmatStream {
 public:
  explicit RmatStream(const RmatOptions& options);  // options must Validate()

  // The next edge; false after the last one.
  bool Next(RmatEdge* edge);
  // Positions the stream before edge `index` (0-based).
  void Seek(uint64_t index) { next_ = index; }
  uint64_t position() const { return next_; }
  const RmatOptions& options() const { return options_; }

  // Edge `index` without moving the stream.
  RmatEdge EdgeAt(uint64_t index) const;
  // The scrambled id of vertex `v` (the identity when scramble_ids is false).
  uint64_t Scramble(uint64_t v) const;

 private:
  RmatOptions options_;
  uint64_t next_ = 0;
  uint64_t mask_;
  uint64_t threshold_a_, threshold_ab_, threshold_abc_;  // cumulative probabilities * 2^64
  uint64_t scramble_mul_[2], scramble_add_[2];
};

// CSV files of the whole graph, for importers. Vertices: a header "id", then one id per line,
// 0 .. 2^scale - 1. Edges: a header "src,dst", then one edge per line, in stream order.
void WriteVertexCsv(const RmatOptions& options, std::ostream& out);
void WriteEdgeCsv(const RmatOptions& options, std::ostream& out);

}  // namespace kg::bench

#endif  // KG_BENCH_RMAT_H_
