// The operators that run child traversals per traverser: repeat(), union() and choose().
// Internal to query/; the compiler fills in their modulators (times/until/emit, option()).
#ifndef KG_QUERY_OPS_BRANCH_OPS_H_
#define KG_QUERY_OPS_BRANCH_OPS_H_

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
#include "query/exec_helpers.h"
#include "query/executor.h"
#include "query/filters.h"
#include "query/loop_counters.h"
#include "query/ops.h"

namespace kg::query {

// repeat(body) with times/until/emit, before (while-do) or after (do-while) the body.
class RepeatOp : public Op {
 public:
  RepeatOp(Context* ctx, std::shared_ptr<Pipeline> body) : Op(ctx, "repeat"), body_(std::move(body)) {}
  std::shared_ptr<Pipeline> body_, until_, emit_cond_;
  bool emit_ = false, emit_first_ = false, until_first_ = false, times_first_ = false;
  bool body_labels_ = false;  // the body has as() steps
  int64_t times_ = -1;
  std::string loop_name_;  // repeat("name", ...)

  std::string Describe() const override {
    std::string s = absl::StrCat("repeat(", DescribePipeline(*body_, false), ")");
    if (times_ >= 0) absl::StrAppend(&s, ".times(", times_, ")");
    if (until_) absl::StrAppend(&s, ".until(...)");
    if (emit_) absl::StrAppend(&s, ".emit(...)");
    return s;
  }
  bool IsBarrier() const override { return body_->HasBarrier(); }

  // Streams: each body result is looped back, emitted or both before the next one is pulled,
  // so emitted traversers leave as soon as they exist.
  bool Next(Traverser* out) override {
    for (;;) {
      if (!out_.empty()) {
        *out = std::move(out_.front());
        out_.pop_front();
        ctx_->Release(1);
        ++out_count;
        return true;
      }
      if (in_body_) {
        // *out is the scratch traverser: one that leaves the loop now is passed on in place.
        if (body_->Next(out)) {
          bool leave = false;
          if (!AfterIteration(out, &leave)) return false;
          if (!leave) continue;
          out->loops.pop_back();
          ++out_count;
          return true;
        }
        if (!ctx_->ok()) return false;
        in_body_ = false;
      }
      if (!frontier_.empty()) {
        StartIteration();
        continue;
      }
      if (!PullInput()) return false;
    }
  }
  void Reset() override {
    ctx_->Release(out_.size() + frontier_.size());
    out_.clear();
    frontier_.clear();
    in_body_ = false;
    body_->Reset();
    Op::Reset();
  }

 private:
  bool Test(const std::shared_ptr<Pipeline>& p, const Traverser& t, bool* result) {
    if (!p) {
      *result = true;
      return true;
    }
    return p->Any(t, result);
  }
  bool Emit(Traverser t) {
    t.loops.pop_back();
    out_.push_back(std::move(t));
    return ctx_->Hold(1);
  }
  // A traverser about to start an iteration (fresh, or after one).
  bool Enter(Traverser t) {
    if (times_first_ && t.loops.back() >= times_) return Emit(std::move(t));
    if (until_first_) {
      bool stop;
      if (!Test(until_, t, &stop)) return false;
      if (stop) return Emit(std::move(t));
    }
    if (emit_ && emit_first_) {
      bool e;
      if (!Test(emit_cond_, t, &e)) return false;
      if (e && !Emit(t)) return false;
    }
    frontier_.push_back(std::move(t));
    return ctx_->Hold(1);
  }
  // Takes the next input traversers into the loop; false when there are none (or on error).
  bool PullInput() {
    // A body with a barrier sees all input at once. Otherwise up to kBatch traversers enter
    // together, so that equal ones merge before each iteration (LazyBarrierStrategy's
    // bulking); with paths tracked no two are equal, and they enter one at a time.
    size_t batch = body_->HasBarrier() ? SIZE_MAX : ctx_->track_path ? 1 : kBatch;
    size_t pulled = 0;
    for (Traverser t; pulled < batch && Pull(&t); ++pulled) {
      t.loops.push_back(0);
      if (!Enter(std::move(t))) return false;
    }
    return ctx_->ok() && pulled > 0;
  }
  // Feeds the frontier, merged, to the body for one more iteration.
  void StartIteration() {
    std::vector<Traverser> frontier;
    frontier.swap(frontier_);
    ctx_->Release(frontier.size());
    if (!ctx_->track_path || DropUnreadPaths(&frontier)) MergeEqualTraversers(ctx_, &frontier);
    for (auto& t : frontier) body_->Feed(std::move(t));
    in_body_ = true;
  }
  // A traverser the body produced: it leaves the loop (*leave: emitted, or done), and/or goes
  // into the next iteration. Nothing is queued before it (out_ is empty when the body is
  // pulled), so passing it on at once keeps TinkerPop's order.
  bool AfterIteration(Traverser* r, bool* leave) {
    if (r->loops.empty()) r->loops.push_back(0);
    ++r->loops.back();
    *leave = true;
    if (!times_first_ && times_ >= 0 && r->loops.back() >= times_) return true;
    if (until_ && !until_first_) {
      bool stop;
      if (!Test(until_, *r, &stop)) return false;
      if (stop) return true;
    }
    bool emit = false;
    if (emit_ && !emit_first_ && !Test(emit_cond_, *r, &emit)) return false;
    *leave = emit;
    return Enter(emit ? Traverser(*r) : std::move(*r));
  }
  // PathRetractionStrategy, in its simplest case: when nothing in the query reads path objects
  // (only as() labels, for select()/where()/dedup()), and neither the frontier's paths nor the
  // body carry labels, the paths can never be observed: they are dropped so that equal
  // traversers merge. True when they were.
  bool DropUnreadPaths(std::vector<Traverser>* ts) const {
    if (ctx_->path_objects_read || body_labels_) return false;
    for (const auto& t : *ts) {
      for (const PathNode* n = t.path.get(); n != nullptr; n = n->prev.get()) {
        if (!n->labels.empty()) return false;
      }
    }
    for (auto& t : *ts) t.path.reset();
    return true;
  }

  static constexpr size_t kBatch = 2500;  // TinkerPop's default barrier size
  std::deque<Traverser> out_;
  std::vector<Traverser> frontier_;  // the next iteration's traversers
  bool in_body_ = false;             // the body has been fed and may have results
};

// union(a, b, ...): every branch gets every traverser. Branches with a barrier see all input
// before they emit (they are global children); otherwise traversers stream one at a time.
class UnionOp : public Op {
 public:
  UnionOp(Context* ctx, std::vector<std::shared_ptr<Pipeline>> branches)
      : Op(ctx, "union"), branches_(std::move(branches)) {
    for (const auto& b : branches_) global_ = global_ || b->HasBarrier();
  }
  std::string Describe() const override {
    std::vector<std::string> parts;
    for (const auto& b : branches_) parts.push_back(DescribePipeline(*b, false));
    return absl::StrCat("union(", absl::StrJoin(parts, " | "), ")");
  }
  bool IsBarrier() const override { return global_; }
  bool Next(Traverser* out) override {
    for (;;) {
      while (active_ < branches_.size()) {
        if (branches_[active_]->Next(out)) {
          ++out_count;
          return true;
        }
        if (!ctx_->ok()) return false;
        ++active_;
      }
      bool got = false;
      for (Traverser t; Pull(&t);) {
        got = true;
        for (const auto& b : branches_) b->Feed(t);
        if (!global_) break;
      }
      if (!ctx_->ok() || !got) return false;
      active_ = 0;
    }
  }
  void Reset() override {
    for (auto& b : branches_) b->Reset();
    active_ = branches_.size();
    Op::Reset();
  }

 private:
  std::vector<std::shared_ptr<Pipeline>> branches_;
  bool global_ = false;
  size_t active_ = ~size_t{0};
};

// choose() and branch(): if/then/else or option() dispatch.
struct ChooseState {
  std::shared_ptr<Pipeline> cond, then_b, else_b;  // if/then/else form
  bool pred_form = false;
  Predicate pred;
  // option(pick, branch): the choice matches a pick value or predicate, or (branch() only) a
  // traversal that produces something when started at the choice.
  struct Option {
    Predicate pred;
    std::shared_ptr<Pipeline> pick_traversal;  // set: the pick is this traversal, not pred
    std::shared_ptr<Pipeline> branch;
  };
  std::vector<Option> options;
  std::optional<By> selector;  // choose(T.label) / choose("key")
  // option(Pick.none / Pick.unproductive / Pick.any, branch). choose() keeps the first none and
  // unproductive option (a traverser takes one branch) and has no any; branch() keeps all.
  std::vector<std::shared_ptr<Pipeline>> none, unproductive, any;
  // branch(), TinkerPop's BranchStep: a traverser goes down every option its choice matches,
  // and every Pick.any option; without a match, down the Pick.none options or nowhere. Else
  // choose() (ChooseStep): the first match only; without one, Pick.none's first option or on
  // unchanged (its default none and unproductive options are identity()).
  bool every_match = false;
};
// Where choose() or branch() sends a traverser: the branches in output order; a nullptr stands
// for identity() (the traverser passes on unchanged).
using RouteFn = std::function<bool(const Traverser&, std::vector<Pipeline*>* branches)>;

// choose() and branch() run each branch as one traversal over every traverser routed to it, as
// TinkerPop's BranchStep: a limit() or range() in a branch counts across them. Without a barrier
// (order(), count()...) in any branch, each traverser's results follow it, branch after branch
// in routing order. With one, the whole input is routed first, then every branch that got
// traversers emits in option order: the traversers that took identity(), the Pick.none,
// Pick.unproductive and Pick.any options, then the then/else or value options as declared.
class ChooseOp : public Op {
 public:
  ChooseOp(Context* ctx, std::string name, std::shared_ptr<ChooseState> st, RouteFn route)
      : Op(ctx, std::move(name)), state(std::move(st)), route_(std::move(route)) {}
  std::shared_ptr<ChooseState> state;

  bool Next(Traverser* out) override {
    if (has_barrier_ < 0) {
      has_barrier_ = 0;
      for (Pipeline* b : Branches()) has_barrier_ |= b->HasBarrier() ? 1 : 0;
    }
    return has_barrier_ != 0 ? NextAfterInput(out) : NextStreaming(out);
  }
  void Reset() override {
    for (Pipeline* b : Branches()) b->Reset();
    fed_.clear();
    streaming_.clear();
    streaming_pos_ = 0;
    ctx_->Release(passed_.size());
    passed_.clear();
    input_done_ = false;
    drained_ = 0;
    Op::Reset();
  }

 private:
  bool Emit() {
    ++out_count;
    return true;
  }
  // Without barriers: route one traverser, then emit what each of its branches gives.
  bool NextStreaming(Traverser* out) {
    for (;;) {
      for (; streaming_pos_ < streaming_.size(); ++streaming_pos_) {
        Pipeline* branch = streaming_[streaming_pos_];
        if (branch == nullptr) {
          ++streaming_pos_;
          *out = std::move(passing_);
          return Emit();
        }
        if (branch->Next(out)) return Emit();
        if (!ctx_->ok()) return false;
      }
      streaming_.clear();
      streaming_pos_ = 0;
      Traverser t;
      if (!Pull(&t)) return false;
      if (!ctx_->Tick()) return false;
      routed_.clear();
      if (!route_(t, &routed_)) return false;
      for (Pipeline* branch : routed_) {
        if (branch == nullptr) {
          passing_ = t;
        } else {
          branch->Feed(t);  // each branch gets its own copy (TinkerPop's split())
        }
        streaming_.push_back(branch);
      }
    }
  }
  // With a barrier: route the whole input, then drain the branches in option order; false
  // (ready for more input) once all are drained.
  bool NextAfterInput(Traverser* out) {
    if (!input_done_) {
      for (Traverser t; Pull(&t);) {
        if (!ctx_->Tick()) return false;
        routed_.clear();
        if (!route_(t, &routed_)) return false;
        for (Pipeline* branch : routed_) {
          if (branch == nullptr) {
            if (!ctx_->Hold(1)) return false;
            passed_.push_back(t);
          } else {
            branch->Feed(t);
            if (std::find(fed_.begin(), fed_.end(), branch) == fed_.end()) fed_.push_back(branch);
          }
        }
      }
      if (!ctx_->ok()) return false;
      input_done_ = true;
      drained_ = 0;
      // A branch that got nothing emits nothing (its fold() would otherwise give []).
      std::vector<Pipeline*> order;
      for (Pipeline* b : Branches()) {
        if (std::find(fed_.begin(), fed_.end(), b) != fed_.end()) order.push_back(b);
      }
      fed_ = std::move(order);
    }
    if (drained_ < passed_.size()) {
      *out = std::move(passed_[drained_++]);
      return Emit();
    }
    for (; drained_ - passed_.size() < fed_.size(); ++drained_) {
      if (fed_[drained_ - passed_.size()]->Next(out)) return Emit();
      if (!ctx_->ok()) return false;
    }
    fed_.clear();
    ctx_->Release(passed_.size());
    passed_.clear();
    input_done_ = false;
    return false;
  }
  // Every branch, in TinkerPop's option order (BranchStep.getGlobalChildren()).
  std::vector<Pipeline*> Branches() const {
    std::vector<Pipeline*> out;
    auto add = [&](const std::shared_ptr<Pipeline>& b) {
      if (b && std::find(out.begin(), out.end(), b.get()) == out.end()) out.push_back(b.get());
    };
    for (const auto* picks : {&state->none, &state->unproductive, &state->any}) {
      for (const auto& b : *picks) add(b);
    }
    add(state->then_b);
    add(state->else_b);
    for (const auto& o : state->options) add(o.branch);
    return out;
  }

  RouteFn route_;
  int has_barrier_ = -1;              // some branch has a barrier; -1: not yet known
  std::vector<Pipeline*> routed_;     // the current traverser's branches
  std::vector<Pipeline*> streaming_;  // its branches (nullptr: identity), emitting in turn
  size_t streaming_pos_ = 0;
  Traverser passing_;              // the traverser itself, for a nullptr in streaming_
  std::vector<Traverser> passed_;  // with a barrier: the traversers that took identity()
  std::vector<Pipeline*> fed_;     // with a barrier: the branches fed, then in option order
  bool input_done_ = false;
  size_t drained_ = 0;
};

}  // namespace kg::query

#endif  // KG_QUERY_OPS_BRANCH_OPS_H_
