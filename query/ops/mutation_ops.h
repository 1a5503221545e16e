// The state of addE() and mergeV()/mergeE() that their modulators (from()/to(), option())
// fill in after the step. Internal to query/.
#ifndef KG_QUERY_OPS_MUTATION_OPS_H_
#define KG_QUERY_OPS_MUTATION_OPS_H_

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

// Mutation state shared by addE and its from()/to() modulators.
struct EndSpec {
  enum Kind { kNone, kLabel, kTraversal, kValue } kind = kNone;
  std::string label;
  std::shared_ptr<Pipeline> child;
  Value value;
};
class AddEdgeOp : public BranchOp {
 public:
  AddEdgeOp(Context* ctx, BranchFn fn) : BranchOp(ctx, "addE", std::move(fn)) {}
  EndSpec from, to;
};

struct MergeState {
  std::shared_ptr<Pipeline> on_create, on_match, out_v, in_v;
  Value on_create_v, on_match_v, out_v_v, in_v_v;
  bool has_create = false, has_match = false, has_out = false, has_in = false;
};
class MergeOp : public BranchOp {
 public:
  MergeOp(Context* ctx, std::string name, std::shared_ptr<MergeState> st, BranchFn fn)
      : BranchOp(ctx, std::move(name), std::move(fn)), state(std::move(st)) {}
  std::shared_ptr<MergeState> state;
};

}  // namespace kg::query

#endif  // KG_QUERY_OPS_MUTATION_OPS_H_
