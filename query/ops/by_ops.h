// The generic operators of ops.h with the modulator state a later by(), from() or to() or
// with() fills in: the compiler finds the previous step's operator by type. Internal.
#ifndef KG_QUERY_OPS_BY_OPS_H_
#define KG_QUERY_OPS_BY_OPS_H_

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "query/by.h"
#include "query/engine.h"
#include "query/executor.h"
#include "query/filters.h"
#include "query/loop_counters.h"
#include "query/ops.h"

namespace kg::query {

class ByFlatMapOp : public FlatMapOp, public ByOwner {
 public:
  using FlatMapOp::FlatMapOp;
};

// path(), simplePath() and cyclicPath() modulated by from(label) / to(label): they look at the
// part of the path from the first object with the `from` label to the first with the `to`
// label (either end open when not given), as TinkerPop's Path.subPath().
struct PathRange {
  std::string from, to;
};
class PathRangeOwner {
 public:
  virtual ~PathRangeOwner() = default;
  PathRange range;
};

bool SubPath(Context* ctx, const PathRange& r, PathValue* path);

// simplePath(), cyclicPath(): from()/to() narrow the path, by()s (round robin) map its objects.
class PathFilterOp : public FilterOp, public PathRangeOwner, public ByOwner {
 public:
  using FilterOp::FilterOp;
};
class PathMapOp : public ByFlatMapOp, public PathRangeOwner {
 public:
  using ByFlatMapOp::ByFlatMapOp;
};
class ByBarrierOp : public BarrierOp, public ByOwner {
 public:
  using BarrierOp::BarrierOp;
};
class ByFilterOp : public FilterOp, public ByOwner {
 public:
  using FilterOp::FilterOp;
};
class ByBranchOp : public BranchOp, public ByOwner {
 public:
  using BranchOp::BranchOp;
};

class ValueMapOp : public ByFlatMapOp {
 public:
  using ByFlatMapOp::ByFlatMapOp;
  int tokens = 0;  // TokenBits
};

}  // namespace kg::query

#endif  // KG_QUERY_OPS_BY_OPS_H_
