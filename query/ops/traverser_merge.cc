// Merging equal traversers (TinkerPop's TraverserSet): what repeat()'s frontier and barrier()
// do so that a traverser reached many ways is carried once, with the summed bulk.
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "query/exec_helpers.h"
#include "query/filters.h"

namespace kg::query {

void MergeEqualTraversers(Context* ctx, std::vector<Traverser>* ts) {
  if (ts->size() < 2) return;
  bool merge_sacks = !ctx->sack_merge.empty();
  const LoopCounters common_loops = ts->front().loops;
  absl::flat_hash_map<graph::VertexId, size_t> seen_vertices;
  absl::flat_hash_map<std::tuple<Value, LoopCounters, Value>, size_t> seen;
  std::vector<Traverser> out;
  out.reserve(ts->size());
  for (auto& t : *ts) {
    bool by_id = t.obj.is_vertex() && (merge_sacks || t.sack.is_null()) && t.loops == common_loops;
    size_t first =
        by_id ? seen_vertices.emplace(t.obj.vertex().id, out.size()).first->second
              : seen.emplace(std::make_tuple(t.obj, t.loops, merge_sacks ? Value() : t.sack),
                             out.size())
                    .first->second;
    if (first == out.size()) {
      out.push_back(std::move(t));
      continue;
    }
    Traverser& into = out[first];
    // g.withBulk(false): a merged traverser still stands for one (only its sack grows).
    if (ctx->bulk) into.bulk = SatAdd(into.bulk, t.bulk);
    if (merge_sacks) into.sack = ApplyOperator(std::move(into.sack), t.sack, ctx->sack_merge);
  }
  ts->swap(out);
}

}  // namespace kg::query
