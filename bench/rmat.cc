#include "bench/rmat.h"

#include <limits>
#include <string>

#include "absl/strings/str_cat.h"

namespace kg::bench {
namespace {

// SplitMix64: a tiny, well-mixed generator; one state per edge keeps edges independent of order.
uint64_t SplitMix(uint64_t* state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

uint64_t Threshold(double p) {
  if (p <= 0) return 0;
  if (p >= 1) return std::numeric_limits<uint64_t>::max();
  return static_cast<uint64_t>(p * 18446744073709551616.0);  // p * 2^64
}

}  // namespace

absl::Status RmatOptions::Validate() const {
  if (scale < 1 || scale > 40) {
    return absl::InvalidArgumentError(absl::StrCat("scale must be in [1, 40], not ", scale));
  }
  if (edge_factor < 1) {
    return absl::InvalidArgumentError(absl::StrCat("edge factor must be >= 1, not ", edge_factor));
  }
  if (a < 0 || b < 0 || c < 0 || a + b + c > 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "R-MAT probabilities need a, b, c >= 0 and a + b + c <= 1; got ", a, ", ", b, ", ", c));
  }
  return absl::OkStatus();
}

RmatStream::RmatStream(const RmatOptions& options)
    : options_(options),
      mask_(options.num_vertices() - 1),
      threshold_a_(Threshold(options.a)),
      threshold_ab_(Threshold(options.a + options.b)),
      threshold_abc_(Threshold(options.a + options.b + options.c)) {
  uint64_t state = options.seed ^ 0x5CA3B1E5EEDull;
  for (int i = 0; i < 2; ++i) {
    scramble_mul_[i] = SplitMix(&state) | 1;  // odd: a bijection modulo 2^scale
    scramble_add_[i] = SplitMix(&state);
  }
}

uint64_t RmatStream::Scramble(uint64_t v) const {
  if (!options_.scramble_ids) return v;
  const int shift = (options_.scale + 1) / 2;
  for (int i = 0; i < 2; ++i) {
    v = (v * scramble_mul_[i] + scramble_add_[i]) & mask_;
    v ^= v >> shift;  // invertible on scale-bit values
  }
  return v;
}

RmatEdge RmatStream::EdgeAt(uint64_t index) const {
  uint64_t state = options_.seed * 0xD1B54A32D192ED03ull + index;
  uint64_t src = 0, dst = 0;
  for (int bit = options_.scale - 1; bit >= 0; --bit) {
    uint64_t r = SplitMix(&state);
    if (r < threshold_a_) {
      // top-left: neither bit set
    } else if (r < threshold_ab_) {
      dst |= uint64_t{1} << bit;
    } else if (r < threshold_abc_) {
      src |= uint64_t{1} << bit;
    } else {
      src |= uint64_t{1} << bit;
      dst |= uint64_t{1} << bit;
    }
  }
  return RmatEdge{Scramble(src), Scramble(dst)};
}

bool RmatStream::Next(RmatEdge* edge) {
  if (next_ >= options_.num_edges()) return false;
  *edge = EdgeAt(next_++);
  return true;
}

void WriteVertexCsv(const RmatOptions& options, std::ostream& out) {
  out << "id\n";
  for (uint64_t v = 0; v < options.num_vertices(); ++v) out << v << '\n';
}

void WriteEdgeCsv(const RmatOptions& options, std::ostream& out) {
  out << "src,dst\n";
  RmatStream edges(options);
  for (RmatEdge e; edges.Next(&e);) out << e.src << ',' << e.dst << '\n';
}

}  // namespace kg::bench
