// The generic operators most steps are made of: a flat map, a filter, an in-place change and a
// barrier, each parameterised by a function. Internal to query/ (the executor and the step
// files under query/steps/ build on them).
#ifndef KG_QUERY_OPS_H_
#define KG_QUERY_OPS_H_

#include <algorithm>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "query/engine.h"

namespace kg::query {

// Maps each traverser to zero or more objects (each extends the path).
using FlatFn = std::function<bool(const Traverser&, std::vector<Value>*)>;
class FlatMapOp : public Op {
 public:
  FlatMapOp(Context* ctx, std::string name, FlatFn fn)
      : Op(ctx, std::move(name)), fn_(std::move(fn)) {}
  bool Next(Traverser* out) override {
    for (;;) {
      if (i_ < buf_.size()) {
        ctx_->ExtendInto(cur_, std::move(buf_[i_++]), out);
        ++out_count;
        return true;
      }
      buf_.clear();
      i_ = 0;
      if (!Pull(&cur_)) return false;
      if (!ctx_->Tick() || !fn_(cur_, &buf_)) return false;
    }
  }
  void Reset() override {
    buf_.clear();
    i_ = 0;
    Op::Reset();
  }

 protected:
  FlatFn fn_;
  Traverser cur_;
  std::vector<Value> buf_;
  size_t i_ = 0;
};

// Per-traverser child traversals whose results replace the traverser (local, coalesce, choose,
// optional, flatMap, match): the results keep the child's paths.
using BranchFn = std::function<bool(const Traverser&, std::vector<Traverser>*)>;
class BranchOp : public Op {
 public:
  BranchOp(Context* ctx, std::string name, BranchFn fn)
      : Op(ctx, std::move(name)), fn_(std::move(fn)) {}
  std::string describe;
  std::string Describe() const override { return describe.empty() ? name_ : describe; }
  bool Next(Traverser* out) override {
    for (;;) {
      if (i_ < buf_.size()) {
        *out = std::move(buf_[i_++]);
        ++out_count;
        return true;
      }
      buf_.clear();
      i_ = 0;
      Traverser t;
      if (!Pull(&t)) return false;
      if (!ctx_->Tick() || !fn_(t, &buf_)) return false;
    }
  }
  void Reset() override {
    buf_.clear();
    i_ = 0;
    Op::Reset();
  }

 private:
  BranchFn fn_;
  std::vector<Traverser> buf_;
  size_t i_ = 0;
};

// Keeps the traversers for which the function says true.
using FilterFn = std::function<bool(const Traverser&, bool*)>;
class FilterOp : public Op {
 public:
  FilterOp(Context* ctx, std::string name, FilterFn fn)
      : Op(ctx, std::move(name)), fn_(std::move(fn)) {}
  bool Next(Traverser* out) override {
    while (Pull(out)) {
      bool keep = false;
      if (!ctx_->Tick() || !fn_(*out, &keep)) return false;
      if (keep) {
        ++out_count;
        return true;
      }
    }
    return false;
  }

 private:
  FilterFn fn_;
};

// Changes each traverser in place (labels, side effects); one out per one in.
using SideFn = std::function<bool(Traverser*)>;
class SideOp : public Op {
 public:
  SideOp(Context* ctx, std::string name, SideFn fn)
      : Op(ctx, std::move(name)), fn_(std::move(fn)) {}
  bool Next(Traverser* out) override {
    if (!Pull(out)) return false;
    if (!ctx_->Tick() || !fn_(out)) return false;
    ++out_count;
    return true;
  }

 private:
  SideFn fn_;
};

// Consumes every input, then emits what `finish` produces. Re-entrant: after the last output it
// returns false once and starts collecting again.
class BarrierOp : public Op {
 public:
  using AddFn = std::function<bool(Traverser&&)>;
  using FinishFn = std::function<bool(std::vector<Traverser>*)>;
  BarrierOp(Context* ctx, std::string name, std::function<void()> init, AddFn add, FinishFn finish)
      : Op(ctx, std::move(name)),
        init_(std::move(init)),
        add_(std::move(add)),
        finish_(std::move(finish)) {}
  bool IsBarrier() const override { return true; }
  bool Next(Traverser* out) override {
    if (!emitting_) {
      init_();
      for (Traverser t; Pull(&t);) {
        if (!ctx_->Tick() || !add_(std::move(t))) return false;
      }
      if (!ctx_->ok()) return false;
      out_.clear();
      if (!finish_(&out_)) return false;
      std::reverse(out_.begin(), out_.end());
      emitting_ = true;
    }
    if (out_.empty()) {
      emitting_ = false;
      return false;
    }
    *out = std::move(out_.back());
    out_.pop_back();
    ++out_count;
    return true;
  }
  void Reset() override {
    emitting_ = false;
    out_.clear();
    init_();
    Op::Reset();
  }

 private:
  std::function<void()> init_;
  AddFn add_;
  FinishFn finish_;
  bool emitting_ = false;
  std::vector<Traverser> out_;
};

}  // namespace kg::query

#endif  // KG_QUERY_OPS_H_
