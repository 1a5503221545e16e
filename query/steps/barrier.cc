// barrier() and barrier(Barrier.normSack): hold every traverser, merge the equal ones when sacks
// merge (TinkerPop's TraverserSet: bulks add up, sacks merge with withSack()'s Operator), then
// let them go in the order they first came. normSack then divides each sack by the
// bulk-weighted sum of all sacks, so that they add up to one.
#include <memory>
#include <utility>
#include <vector>

#include "query/exec_helpers.h"
#include "query/ops.h"
#include "query/steps/steps.h"

namespace kg::query::steps {
namespace {

bool HasPaths(const std::vector<Traverser>& ts) {
  for (const auto& t : ts) {
    if (t.path) return true;
  }
  return false;
}

// SackFunctions.Barrier.normSack; a sack that is not a number is an error naming it.
bool NormalizeSacks(Context* ctx, std::vector<Traverser>* ts) {
  double total = 0;
  for (const auto& t : *ts) {
    if (!t.sack.is_number()) {
      return ctx->Fail(absl::InvalidArgumentError(absl::StrCat(
          "barrier(normSack) needs numeric sacks, encountered ", t.sack.DebugString())));
    }
    total += t.sack.ToDouble() * static_cast<double>(t.bulk);
  }
  for (auto& t : *ts) t.sack = Value(t.sack.ToDouble() / total);
  return true;
}

}  // namespace

std::unique_ptr<Op> Barrier(Context* ctx, bool norm_sack) {
  auto held = std::make_shared<std::vector<Traverser>>();
  return std::make_unique<BarrierOp>(
      ctx, norm_sack ? "barrier(normSack)" : "barrier", [held] { held->clear(); },
      [ctx, held](Traverser&& t) {
        held->push_back(std::move(t));
        return ctx->Hold(1);
      },
      [ctx, held, norm_sack](std::vector<Traverser>* out) {
        ctx->Release(held->size());
        // Merging shows only in sacks: local() and map() run once per traverser of a merged
        // bulk, as TinkerPop's do, so without sacks to merge the traversers stay apart.
        // Traversers with paths stay apart too: theirs might differ, and paths are observable.
        const bool merge_shows = !ctx->sack_merge.empty() || !ctx->bulk;
        if (merge_shows && !HasPaths(*held)) MergeEqualTraversers(ctx, held.get());
        if (norm_sack && !NormalizeSacks(ctx, held.get())) return false;
        *out = std::move(*held);
        held->clear();
        return true;
      });
}

}  // namespace kg::query::steps
