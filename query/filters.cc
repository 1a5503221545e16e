// range()/limit()/skip() and dedup(): filters with state (counts, seen keys).
#include "query/filters.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "query/by.h"

namespace kg::query {
namespace {

// range()/limit()/skip(): counts bulk; stops pulling its input once past the high bound, which
// is what stops the scans upstream early.
class RangeOp : public Op {
 public:
  RangeOp(Context* ctx, std::string name, int64_t lo, int64_t hi)
      : Op(ctx, std::move(name)), lo_(lo), hi_(hi) {}
  std::string Describe() const override {
    return absl::StrCat(name_, "(", lo_, ", ", hi_, ") [stops upstream scans]");
  }
  // Inside repeat() the range applies per iteration, so counts are kept per loop number; outside
  // (no loop) reaching the high bound stops pulling, which ends the scans upstream.
  bool Next(Traverser* out) override {
    for (;;) {
      if (hi_ >= 0 && !in_loop_ && seen_ >= hi_) return false;
      if (!Pull(out)) return false;
      int64_t& seen = out->loops.empty() ? seen_ : per_loop_[out->loops.back()];
      in_loop_ = !out->loops.empty();
      int64_t start = seen, end = SatAdd(seen, out->bulk);
      seen = end;
      int64_t from = std::max(start, lo_);
      int64_t to = hi_ >= 0 ? std::min(end, hi_) : end;
      if (to <= from) continue;
      out->bulk = to - from;
      ++out_count;
      return true;
    }
  }
  void Reset() override {
    seen_ = 0;
    per_loop_.clear();
    in_loop_ = false;
    Op::Reset();
  }

 private:
  int64_t lo_, hi_;
  int64_t seen_ = 0;
  bool in_loop_ = false;
  std::map<int32_t, int64_t> per_loop_;
};

// dedup(), dedup("a", "b"), dedup().by(...): keeps the first traverser of each key, bulk 1.
class DedupOp : public Op, public ByOwner {
 public:
  DedupOp(Context* ctx, std::vector<std::string> labels)
      : Op(ctx, "dedup"), labels_(std::move(labels)) {}
  bool Next(Traverser* out) override {
    while (Pull(out)) {
      if (labels_.empty() && bys_.empty()) {
        if (FirstSeen(out->obj)) return Keep(out);
        continue;
      }
      std::optional<Value> key;
      if (!KeyOf(*out, &key)) return false;
      if (key && seen_.insert(std::move(*key)).second) return Keep(out);
    }
    return false;
  }
  void Reset() override {
    ctx_->Release(seen_.size() + seen_vertices_.size());
    seen_.clear();
    seen_vertices_.clear();
    Op::Reset();
  }

 private:
  // Vertices are equal exactly when their ids are (Value's operator==), and a vertex never
  // equals a value of another kind, so they are remembered by id alone: an 8-byte set entry
  // instead of a whole Value, which keeps a large dedup() set in the CPU caches.
  bool FirstSeen(const Value& v) {
    if (v.is_vertex()) return seen_vertices_.insert(v.vertex().id).second;
    return seen_.insert(v).second;
  }
  // dedup("a", "b"): the labelled objects; dedup().by(...): the by() value; both: the by()
  // value of each labelled object. None when a by() is unproductive, which removes the
  // traverser.
  bool KeyOf(const Traverser& t, std::optional<Value>* key) {
    key->reset();
    if (labels_.empty()) return EvalBy(ctx_, bys_[0], t, key);
    ValueList l;
    for (size_t i = 0; i < labels_.size(); ++i) {
      std::optional<Value> v;
      if (!ScopeValue(ctx_, t, labels_[i], Pop::kLast, &v)) return false;
      if (v && !bys_.empty()) {
        std::optional<Value> by;
        if (!EvalBy(ctx_, bys_[i % bys_.size()], ctx_->Fresh(*v, 1), &by)) return false;
        if (!by) return true;
        v = std::move(by);
      }
      l.push_back(v.value_or(Value()));
    }
    *key = Value::List(std::move(l));
    return true;
  }
  // The first traverser of its key: passed on once, bulk 1.
  bool Keep(Traverser* out) {
    if (!ctx_->Hold(1)) return false;
    out->bulk = 1;
    ++out_count;
    return true;
  }

  std::vector<std::string> labels_;
  absl::flat_hash_set<Value> seen_;                      // keys that are not vertices
  absl::flat_hash_set<graph::VertexId> seen_vertices_;  // plain dedup(): vertices by id
};

}  // namespace

std::unique_ptr<Op> Range(Context* ctx, std::string name, int64_t lo, int64_t hi) {
  return std::make_unique<RangeOp>(ctx, std::move(name), lo, hi);
}

std::unique_ptr<Op> Dedup(Context* ctx, std::vector<std::string> labels) {
  auto op = std::make_unique<DedupOp>(ctx, std::move(labels));
  op->max_by_ = 1;
  op->by_step_ = "Dedup";
  return op;
}

}  // namespace kg::query
