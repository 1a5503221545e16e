// sample(n) and sample(Scope.local, n): a random sample without replacement; coin(p): a random
// filter.
//
// Global: a barrier that draws n of its input traversers (each unit of bulk is one candidate),
// each draw weighted by the by() value (a number; without by() every unit weighs 1). A
// candidate whose by() is unproductive, not a number or not positive is never drawn. When the
// input holds at most n units and there is no by(), everything passes (TinkerPop's
// SampleGlobalStep). The drawn units of one traverser leave as one traverser with that bulk.
// Local: n elements of a list (or entries of a map) in their original order; fewer when the
// collection is smaller.
#include <algorithm>
#include <cmath>
#include <random>
#include <utility>

#include "query/by.h"
#include "query/ops.h"
#include "query/steps/steps.h"

namespace kg::query::steps {
namespace {

std::mt19937_64& Rng() {
  static thread_local std::mt19937_64 rng(std::random_device{}());
  return rng;
}

class SampleGlobalOp : public Op, public ByOwner {
 public:
  SampleGlobalOp(Context* ctx, int64_t amount) : Op(ctx, "sample"), amount_(amount) {
    max_by_ = 1;
    by_step_ = "Sample";
  }
  std::string Describe() const override { return absl::StrCat("sample(", amount_, ")"); }
  bool IsBarrier() const override { return true; }
  bool Next(Traverser* out) override {
    if (!emitting_) {
      if (!Collect() || !Draw()) return false;
      emitting_ = true;
    }
    while (next_ < picked_.size()) {
      size_t i = next_++;
      if (picked_[i] == 0) continue;
      *out = std::move(in_[i].t);
      out->bulk = picked_[i];
      ++out_count;
      return true;
    }
    Clear();
    return false;
  }
  void Reset() override {
    Clear();
    Op::Reset();
  }

 private:
  struct Candidate {
    Traverser t;
    double weight = 1;  // per unit of bulk
  };

  bool Collect() {
    for (Traverser t; Pull(&t);) {
      if (!ctx_->Tick() || !ctx_->Hold(1)) return false;
      Candidate c{std::move(t), 1};
      if (!bys_.empty()) {
        std::optional<Value> w;
        if (!EvalBy(ctx_, bys_[0], c.t, &w)) return false;
        c.weight = w && w->is_number() ? w->ToDouble() : 0;
      }
      in_.push_back(std::move(c));
    }
    return ctx_->ok();
  }

  // Draws up to amount_ units; picked_[i] counts the units drawn from in_[i].
  bool Draw() {
    picked_.assign(in_.size(), 0);
    std::vector<int64_t> left(in_.size());
    double total = 0;
    int64_t units = 0;
    for (size_t i = 0; i < in_.size(); ++i) {
      left[i] = in_[i].t.bulk;
      units += left[i];
      if (in_[i].weight > 0) total += in_[i].weight * static_cast<double>(left[i]);
    }
    if (bys_.empty() && units <= amount_) {
      picked_ = std::move(left);
      return true;
    }
    for (int64_t n = 0; n < amount_ && total > 0; ++n) {
      double r = std::uniform_real_distribution<double>(0, total)(Rng());
      size_t chosen = in_.size();
      for (size_t i = 0; i < in_.size(); ++i) {
        if (in_[i].weight <= 0 || left[i] == 0) continue;
        chosen = i;  // rounding can leave r just past the last candidate: take it then
        r -= in_[i].weight * static_cast<double>(left[i]);
        if (r < 0) break;
      }
      if (chosen == in_.size()) break;
      ++picked_[chosen];
      --left[chosen];
      total -= in_[chosen].weight;
    }
    return true;
  }

  void Clear() {
    ctx_->Release(in_.size());
    in_.clear();
    picked_.clear();
    next_ = 0;
    emitting_ = false;
  }

  int64_t amount_;
  std::vector<Candidate> in_;
  std::vector<int64_t> picked_;
  size_t next_ = 0;
  bool emitting_ = false;
};

// n distinct positions of [0, size), ascending.
std::vector<size_t> SamplePositions(size_t size, int64_t n) {
  std::vector<size_t> pos(size);
  for (size_t i = 0; i < size; ++i) pos[i] = i;
  if (n < 0 || static_cast<size_t>(n) >= size) return pos;
  std::shuffle(pos.begin(), pos.end(), Rng());
  pos.resize(static_cast<size_t>(n));
  std::sort(pos.begin(), pos.end());
  return pos;
}

// TinkerPop's CoinStep: each unit of a traverser's bulk passes with the probability (a bulk of
// 100 or more keeps its expected share, rounded); a traverser left without bulk is filtered out.
class CoinOp : public Op {
 public:
  CoinOp(Context* ctx, double probability) : Op(ctx, "coin"), probability_(probability) {}
  std::string Describe() const override { return absl::StrCat("coin(", probability_, ")"); }
  bool Next(Traverser* out) override {
    while (Pull(out)) {
      if (!ctx_->Tick()) return false;
      int64_t kept = 0;
      if (out->bulk < 100) {
        std::uniform_real_distribution<double> draw(0.0, 1.0);
        for (int64_t i = 0; i < out->bulk; ++i) {
          if (probability_ >= draw(Rng())) ++kept;
        }
      } else {
        kept = std::llround(probability_ * static_cast<double>(out->bulk));
      }
      if (kept == 0) continue;
      out->bulk = kept;
      ++out_count;
      return true;
    }
    return false;
  }

 private:
  double probability_;
};

}  // namespace

std::unique_ptr<Op> SampleGlobal(Context* ctx, int64_t amount) {
  return std::make_unique<SampleGlobalOp>(ctx, amount);
}

std::unique_ptr<Op> Coin(Context* ctx, double probability) {
  return std::make_unique<CoinOp>(ctx, probability);
}

std::unique_ptr<Op> SampleLocal(Context* ctx, int64_t amount) {
  return std::make_unique<SideOp>(ctx, "sample", [amount](Traverser* t) {
    const Value& v = t->obj;
    if (v.is_collection()) {
      ValueList out;
      for (size_t i : SamplePositions(v.as_list().size(), amount)) out.push_back(v.as_list()[i]);
      t->obj =
          v.kind() == Value::Kind::kSet ? Value::Set(std::move(out)) : Value::List(std::move(out));
    } else if (v.kind() == Value::Kind::kMap) {
      ValueMap out;
      for (size_t i : SamplePositions(v.as_map().size(), amount)) out.push_back(v.as_map()[i]);
      t->obj = Value::Map(std::move(out));
    }
    return true;
  });
}

}  // namespace kg::query::steps
