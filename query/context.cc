// Operators of the pull executor: the query context (element caches, limits) and the
// pipeline of operators with its feeding queue and profiling.
#include "query/executor.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "query/exec_helpers.h"
#include "query/ops.h"
#include "query/parser.h"

namespace kg::query {

// ---------------------------------------------------------------------------------------------
// Context
// ---------------------------------------------------------------------------------------------

bool Context::Tick() {
  if (!status.ok()) return false;
  if ((++ticks_ & 255) != 0) return true;
  if (options.is_cancelled && options.is_cancelled()) {
    return Fail(absl::CancelledError("query cancelled"));
  }
  if (absl::Now() > deadline) {
    return Fail(absl::DeadlineExceededError(
        absl::StrCat("query exceeded its deadline (timeout ",
                     absl::FormatDuration(options.limits.timeout), ")")));
  }
  return true;
}

void Context::Locate(const StepSource& src) {
  if (located_ || status.ok() || src.step.empty()) return;
  located_ = true;
  // Messages that already name the step ("sum() expects...", "The toUpper(local) step...")
  // only get the position.
  absl::string_view message = status.message();
  std::string text(message);
  if (!absl::StrContains(message, absl::StrCat(src.step, "("))) {
    text = absl::StrCat(src.step, "(): ", message);
  }
  absl::Status located(status.code(), PositionedMessage(query_text, src.pos, text));
  status.ForEachPayload([&located](absl::string_view url, const absl::Cord& payload) {
    located.SetPayload(url, payload);
  });
  status = std::move(located);
}

bool Context::Hold(uint64_t n) {
  held_ += n;
  if (held_ > options.limits.max_traversers) {
    return Fail(absl::ResourceExhaustedError(
        absl::StrCat("query exceeded max_traversers = ", options.limits.max_traversers,
                     " (traversers held at once by barriers and buffers)")));
  }
  return Tick();
}

namespace {

// Elements read once stay cached for the rest of the query; past this many the cache is emptied
// rather than evicted (a query that touches more elements reads them again).
constexpr size_t kMaxCachedElements = 100000;

// `cache`'s element for `key`, read with `read` (a StatusOr<optional<T>>) on a miss; null when
// there is no such element or the read failed (then `ctx` holds the error).
template <typename Cache, typename Key, typename Read>
typename Cache::mapped_type CachedRead(Context* ctx, Cache* cache, const Key& key, Read read) {
  using Element = typename Cache::mapped_type::element_type;  // const graph::Vertex / Edge
  auto it = cache->find(key);
  if (it != cache->end()) return it->second;
  auto r = read(key);
  if (!r.ok()) {
    ctx->Fail(r.status());
    return nullptr;
  }
  typename Cache::mapped_type p;
  if (r->has_value()) p = std::make_shared<Element>(std::move(**r));
  if (cache->size() > kMaxCachedElements) cache->clear();
  (*cache)[key] = p;
  return p;
}

}  // namespace

std::shared_ptr<const graph::Vertex> Context::GetVertex(graph::VertexId id) {
  return CachedRead(this, &vertex_cache_, id,
                    [this](graph::VertexId v) { return reader->GetVertex(v); });
}

std::shared_ptr<const graph::Edge> Context::GetEdge(const graph::EdgeKey& key) {
  return CachedRead(this, &edge_cache_, key,
                    [this](const graph::EdgeKey& k) { return reader->GetEdge(k); });
}

Value Context::VertexId(graph::VertexId id) {
  auto v = GetVertex(id);
  if (v && !v->external_id.is_null()) return Value::FromGraph(v->external_id);
  return Value(static_cast<int64_t>(id));
}

Value Context::EdgeId(const graph::EdgeKey& key) {
  auto e = GetEdge(key);
  if (e && !e->external_id.is_null()) return Value::FromGraph(e->external_id);
  return Value(key.ToString());
}

Value Context::Detach(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kVertex: {
      if (v.vertex().info) return v;
      auto info = std::make_shared<ElementInfo>();
      auto vx = GetVertex(v.vertex().id);
      if (vx) {
        info->labels = vx->labels;
        vx->external_id.is_null() ? void(info->id = graph::Value(int64_t(vx->id)))
                                  : void(info->id = vx->external_id);
      } else {
        info->id = graph::Value(static_cast<int64_t>(v.vertex().id));
      }
      return Value(VertexRef{v.vertex().id, std::move(info)});
    }
    case Value::Kind::kEdge: {
      if (v.edge().info) return v;
      const auto& k = v.edge().key;
      auto info = std::make_shared<ElementInfo>();
      auto e = GetEdge(k);
      info->labels.push_back(e ? e->label : reader->LabelName(k.label));
      if (e && !e->external_id.is_null()) {
        info->id = e->external_id;
        info->id_given = true;
      } else {
        info->id = graph::Value(k.ToString());
      }
      for (int side = 0; side < 2; ++side) {
        graph::VertexId vid = side == 0 ? k.src : k.dst;
        auto vx = GetVertex(vid);
        graph::Value id = vx && !vx->external_id.is_null() ? vx->external_id
                                                            : graph::Value(int64_t(vid));
        std::string label = vx && !vx->labels.empty() ? vx->labels[0] : "";
        (side == 0 ? info->out_id : info->in_id) = id;
        (side == 0 ? info->out_label : info->in_label) = label;
      }
      return Value(EdgeRef{k, std::move(info)});
    }
    case Value::Kind::kList:
    case Value::Kind::kSet: {
      ValueList l;
      for (const auto& x : v.as_list()) l.push_back(Detach(x));
      return v.kind() == Value::Kind::kSet ? Value::Set(std::move(l)) : Value::List(std::move(l));
    }
    case Value::Kind::kMap: {
      ValueMap m;
      for (const auto& [k, x] : v.as_map()) m.emplace_back(Detach(k), Detach(x));
      return Value::Map(std::move(m));
    }
    case Value::Kind::kPath: {
      PathValue p = v.path();
      for (auto& o : p.objects) o = Detach(o);
      return Value(std::move(p));
    }
    default: return v;
  }
}

// ---------------------------------------------------------------------------------------------
// Pipeline and the queue at its head
// ---------------------------------------------------------------------------------------------

class QueueOp : public Op {
 public:
  explicit QueueOp(Context* ctx) : Op(ctx, "start") {}
  bool Next(Traverser* out) override {
    if (q_.empty()) return false;
    *out = std::move(q_.front());
    q_.pop_front();
    ctx_->Release(1);
    return true;
  }
  void Reset() override {
    ctx_->Release(q_.size());
    q_.clear();
  }
  void Push(Traverser t) {
    ctx_->Hold(1);
    q_.push_back(std::move(t));
  }

 private:
  std::deque<Traverser> q_;
};

Pipeline::Pipeline(Context* ctx) : ctx_(ctx) {
  auto q = std::make_unique<QueueOp>(ctx);
  queue_ = q.get();
  last_step_ = q.get();
  tail_ = q.get();
  ops_.push_back(std::move(q));
}

namespace {
// With profiling on, follows every operator and charges the time spent in its Next() to it.
class TimingOp : public Op {
 public:
  TimingOp(Context* ctx, Op* timed) : Op(ctx, ""), timed_(timed) { set_input(timed); }
  bool Next(Traverser* out) override {
    absl::Time start = absl::Now();
    bool ok = timed_->Next(out);
    timed_->time += absl::Now() - start;
    if (!ok && !ctx_->ok()) ctx_->Locate(timed_->source);
    return ok;
  }
  bool IsBarrier() const override { return timed_->IsBarrier(); }

 private:
  Op* timed_;
};
}  // namespace

void Pipeline::Add(std::unique_ptr<Op> op) {
  op->set_input(tail_);
  tail_ = op.get();
  last_step_ = op.get();
  ops_.push_back(std::move(op));
  if (profile) {
    auto timing = std::make_unique<TimingOp>(ctx_, tail_);
    tail_ = timing.get();
    ops_.push_back(std::move(timing));
  }
}

void Pipeline::Feed(Traverser t) { queue_->Push(std::move(t)); }

bool Pipeline::PullTail(Traverser* out) {
  if (tail_->Next(out)) return true;
  if (!ctx_->ok()) ctx_->Locate(tail_->source);
  return false;
}

bool Pipeline::Next(Traverser* out) {
  if (!ctx_->ok()) return false;
  return PullTail(out) && ctx_->ok();
}

void Pipeline::Reset() { tail_->Reset(); }

bool Pipeline::HasBarrier() const {
  for (const auto& op : ops_) {
    if (op->IsBarrier()) return true;
  }
  return false;
}

bool Pipeline::Collect(const Traverser& t, int64_t bulk, std::vector<Traverser>* out) {
  Reset();
  Traverser in = t;
  in.bulk = bulk;
  Feed(std::move(in));
  const size_t before = out->size();
  for (Traverser r; PullTail(&r);) {
    out->push_back(std::move(r));
    if (!ctx_->Hold(1)) return false;
  }
  ctx_->Release(out->size() - before);
  return ctx_->ok();
}

bool Pipeline::RunAll(const Traverser& t, std::vector<Traverser>* out) {
  return Collect(t, 1, out);
}

bool Pipeline::RunKeepingBulk(const Traverser& t, std::vector<Traverser>* out) {
  return Collect(t, t.bulk, out);
}

bool Pipeline::RunPerUnit(const Traverser& t, std::vector<Traverser>* out) {
  if (t.bulk == 1) return Collect(t, 1, out);
  if (runs_differ) {
    for (int64_t i = 0; i < t.bulk; ++i) {
      if (!ctx_->Tick() || !Collect(t, 1, out)) return false;
    }
    return true;
  }
  const size_t before = out->size();
  if (!Collect(t, 1, out)) return false;
  for (size_t i = before; i < out->size(); ++i) (*out)[i].bulk = SatMul((*out)[i].bulk, t.bulk);
  return true;
}

bool Pipeline::Any(const Traverser& t, bool* any) {
  Reset();
  Traverser in = t;
  in.bulk = 1;
  Feed(std::move(in));
  Traverser r;
  *any = PullTail(&r);
  return ctx_->ok();
}

bool Pipeline::First(const Traverser& t, std::optional<Value>* out) {
  Reset();
  Traverser in = t;
  in.bulk = 1;
  Feed(std::move(in));
  Traverser r;
  if (PullTail(&r)) {
    *out = std::move(r.obj);
  } else {
    out->reset();
  }
  return ctx_->ok();
}

}  // namespace kg::query
