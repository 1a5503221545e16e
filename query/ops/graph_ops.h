// The operators that read the graph: V()/E() (with the index plans the compiler chooses),
// the vertex and edge moves, and inject(). Internal to query/; the compiler configures them
// through their public members, so the classes live here rather than in one .cc.
#ifndef KG_QUERY_OPS_GRAPH_OPS_H_
#define KG_QUERY_OPS_GRAPH_OPS_H_

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

// V(...) / E(...): every element, the given ids, or (after planning) an index lookup.
class GraphStartOp : public Op {
 public:
  enum class Plan { kAll, kIds, kLabel, kAlias, kIndexExact };
  GraphStartOp(Context* ctx, bool vertices) : Op(ctx, vertices ? "V" : "E"), vertices_(vertices) {}

  bool vertices_;
  Plan plan = Plan::kAll;
  std::vector<Value> ids;
  std::vector<std::shared_ptr<Pipeline>> id_children;  // V(__.select('x')): ids per traverser
  std::string label, key;
  Value value;

  std::string Describe() const override {
    switch (plan) {
      case Plan::kAll: return absl::StrCat(name_, "() [full scan]");
      case Plan::kIds: return absl::StrCat(name_, "(ids) [id lookup]");
      case Plan::kLabel: return absl::StrCat(name_, "() [label scan: ", label, "]");
      case Plan::kAlias:
        return absl::StrCat(name_, "() [name/alias index: ", value.DebugString(),
                            label.empty() ? "" : absl::StrCat(" label ", label), "]");
      case Plan::kIndexExact:
        return absl::StrCat(name_, "() [property index ", label, ".", key, " = ",
                            value.DebugString(), "]");
    }
    return name_;
  }

  bool Next(Traverser* out) override {
    for (;;) {
      if (stream_ || estream_) {
        if (!ctx_->Tick()) return false;
        if (stream_) {
          graph::VertexId id;
          if (stream_->Next(&id)) {
            ctx_->ExtendInto(cur_, Value::Vertex(id), out);
            ++out_count;
            return true;
          }
          if (!stream_->status().ok()) return ctx_->Fail(stream_->status());
          stream_.reset();
        } else {
          graph::EdgeKey k;
          if (estream_->Next(&k)) {
            ctx_->ExtendInto(cur_, Value::Edge(k), out);
            ++out_count;
            return true;
          }
          if (!estream_->status().ok()) return ctx_->Fail(estream_->status());
          estream_.reset();
        }
        continue;
      }
      if (i_ < buf_.size()) {
        ctx_->ExtendInto(cur_, std::move(buf_[i_++]), out);
        ++out_count;
        return true;
      }
      if (!Pull(&cur_)) return false;
      buf_.clear();
      i_ = 0;
      if (!Open()) return false;
    }
  }

  void Reset() override {
    stream_.reset();
    estream_.reset();
    buf_.clear();
    i_ = 0;
    Op::Reset();
  }

 private:
  bool Open() {
    graph::GraphReader* r = ctx_->reader;
    switch (plan) {
      case Plan::kAll:
        if (vertices_) stream_ = r->ScanVertices();
        else estream_ = r->ScanAllEdges();
        return true;
      case Plan::kLabel: {
        auto l = r->FindLabel(label);
        if (l) stream_ = r->ScanVerticesWithLabel(*l);
        return true;
      }
      case Plan::kAlias:
        // Not narrowed to `label`: the store narrows by primary label only, and hasLabel()
        // matches any of a vertex's labels. The has()/hasLabel() filters after this step stay.
        if (!label.empty() && !r->FindLabel(label)) return true;
        stream_ = r->FindByAlias(value.as_string());
        return true;
      case Plan::kIndexExact: {
        graph::Value gv;
        value.ToGraph(&gv);
        stream_ = r->IndexExact(label, key, gv);
        return true;
      }
      case Plan::kIds: return ResolveIds();
    }
    return true;
  }

  bool ResolveIds() {
    std::vector<Value> flat;
    std::vector<Value> all = ids;
    for (const auto& c : id_children) {
      std::vector<Traverser> rs;
      if (!c->RunAll(cur_, &rs)) return false;
      for (auto& r : rs) all.push_back(std::move(r.obj));
    }
    for (const auto& id : all) {
      if (id.is_collection()) {
        for (const auto& x : id.as_list()) flat.push_back(x);
      } else {
        flat.push_back(id);
      }
    }
    for (const auto& id : flat) {
      if (vertices_) {
        std::optional<graph::VertexId> vid;
        if (!FindVertex(id, &vid)) return false;
        if (vid) buf_.push_back(Value::Vertex(*vid));
      } else {
        std::optional<graph::EdgeKey> key;
        if (!FindEdge(id, &key)) return false;
        if (key) buf_.push_back(Value::Edge(*key));
      }
    }
    return true;
  }

  // The stored forms a user id may have: the value itself, and, since a user may write 1, 1L or
  // "1" for the same element, its int64 and (when it fits) int32 forms. False when the value
  // cannot be a stored id at all.
  static bool ExternalIdCandidates(const Value& id, std::vector<graph::Value>* out) {
    graph::Value g;
    if (!id.ToGraph(&g)) return false;
    out->push_back(g);
    int64_t n;
    bool numeric = id.is_integer() ? (n = id.ToInt64(), true)
                                   : id.is_string() && absl::SimpleAtoi(id.as_string(), &n);
    if (numeric) {
      out->push_back(graph::Value(n));
      if (n >= std::numeric_limits<int32_t>::min() && n <= std::numeric_limits<int32_t>::max()) {
        out->push_back(graph::Value(static_cast<int32_t>(n)));
      }
    }
    return true;
  }

  bool FindVertex(const Value& id, std::optional<graph::VertexId>* out) {
    if (id.is_vertex()) {
      *out = id.vertex().id;
      return true;
    }
    if (id.is_null()) return true;
    std::vector<graph::Value> candidates;
    if (!ExternalIdCandidates(id, &candidates)) return true;
    for (const auto& c : candidates) {
      auto r = ctx_->reader->FindVertexByExternalId(c);
      if (!r.ok()) return ctx_->Fail(r.status());
      if (r->has_value()) {
        *out = **r;
        return true;
      }
    }
    // An internal id (vertices created without a user id show it as their id).
    int64_t n = -1;
    if (id.is_integer()) n = id.ToInt64();
    if (id.is_string()) {
      if (!absl::SimpleAtoi(id.as_string(), &n)) n = -1;
    }
    if (n > 0) {
      auto v = ctx_->GetVertex(static_cast<graph::VertexId>(n));
      if (v && v->external_id.is_null()) *out = v->id;
    }
    return ctx_->ok();
  }

  bool FindEdge(const Value& id, std::optional<graph::EdgeKey>* out) {
    if (id.is_edge()) {
      *out = id.edge().key;
      return true;
    }
    if (id.is_null()) return true;
    std::vector<graph::Value> candidates;
    if (!ExternalIdCandidates(id, &candidates)) return true;
    for (const auto& c : candidates) {
      auto r = ctx_->reader->FindEdgeByExternalId(c);
      if (!r.ok()) return ctx_->Fail(r.status());
      if (r->has_value()) {
        *out = **r;
        return true;
      }
    }
    graph::EdgeKey k;
    if (id.is_string() && graph::EdgeKey::Parse(id.as_string(), &k)) {
      auto e = ctx_->GetEdge(k);
      if (e) *out = k;
    }
    return ctx_->ok();
  }

  Traverser cur_;
  std::unique_ptr<graph::VertexIdStream> stream_;
  std::unique_ptr<graph::EdgeStream> estream_;
  std::vector<Value> buf_;
  size_t i_ = 0;
};

// out/in/both and outE/inE/bothE: streams the adjacency scans of each input vertex.
class AdjacentOp : public Op {
 public:
  AdjacentOp(Context* ctx, std::string name, int dirs, bool edges, std::vector<std::string> labels)
      : Op(ctx, std::move(name)), dirs_(dirs), edges_(edges), labels_(std::move(labels)) {}
  std::string Describe() const override {
    return absl::StrCat(name_, "(", absl::StrJoin(labels_, ","), ")",
                        labels_.empty() ? " [all edges]" : " [label-prefixed edge scan]");
  }
  bool Next(Traverser* out) override {
    for (;;) {
      if (i_ < batch_.size()) {
        if (!ctx_->Tick()) return false;
        const graph::EdgeKey& k = batch_[i_++];
        if (edges_) {
          out->obj = Value::Edge(k);
        } else {
          out->obj.SetVertex(cur_dir_ == graph::Direction::kOut ? k.dst : k.src);
        }
        ctx_->ExtendAround(cur_, out);
        ++out_count;
        return true;
      }
      if (stream_) {
        if (!Refill()) return false;
        continue;
      }
      if (!OpenNext()) {
        if (!ctx_->ok()) return false;
        if (!Pull(&cur_)) return false;
        if (!cur_.obj.is_vertex()) {
          return ctx_->Fail(TypeError(name_, cur_.obj, "a vertex"));
        }
        scan_ = 0;
      }
    }
  }
  void Reset() override {
    stream_.reset();
    batch_.clear();
    i_ = 0;
    scan_ = kDone;
    Op::Reset();
  }

 private:
  static constexpr size_t kDone = ~size_t{0};
  // Edges are read kBatch at a time in a tight loop: interleaving the storage's iterator with
  // the whole pipeline for every edge costs a third more time in the iterator itself (caches).
  static constexpr size_t kBatch = 256;
  bool Refill() {
    batch_.clear();
    batch_.reserve(kBatch);
    i_ = 0;
    graph::EdgeKey k;
    while (batch_.size() < kBatch && stream_->Next(&k)) batch_.push_back(k);
    if (batch_.size() < kBatch) {
      if (!stream_->status().ok()) return ctx_->Fail(stream_->status());
      stream_.reset();
    }
    return true;
  }
  // Opens the next (direction, label) scan of the current vertex; false when there is none.
  bool OpenNext() {
    if (scan_ == kDone) return false;
    size_t per_dir = labels_.empty() ? 1 : labels_.size();
    size_t total = per_dir * (dirs_ == 3 ? 2 : 1);
    while (scan_ < total) {
      size_t d = scan_ / per_dir, l = scan_ % per_dir;
      ++scan_;
      cur_dir_ = dirs_ == 2 || (dirs_ == 3 && d == 1) ? graph::Direction::kIn : graph::Direction::kOut;
      std::optional<graph::LabelId> label;
      if (!labels_.empty()) {
        label = LabelIdOf(l);
        if (!label) continue;
      }
      stream_ = ctx_->reader->ScanEdges(cur_.obj.vertex().id, cur_dir_, label);
      return true;
    }
    scan_ = kDone;
    return false;
  }

  // The id of labels_[i], looked up once it exists (a miss is looked up again: a write later in
  // the query may create the label).
  std::optional<graph::LabelId> LabelIdOf(size_t i) {
    if (label_ids_.size() != labels_.size()) label_ids_.resize(labels_.size());
    if (!label_ids_[i]) label_ids_[i] = ctx_->reader->FindLabel(labels_[i]);
    return label_ids_[i];
  }

  int dirs_;  // 1 out, 2 in, 3 both
  bool edges_;
  std::vector<std::string> labels_;
  std::vector<std::optional<graph::LabelId>> label_ids_;
  Traverser cur_;
  std::unique_ptr<graph::EdgeStream> stream_;
  std::vector<graph::EdgeKey> batch_;  // read from stream_, not yet passed on
  size_t i_ = 0;                       // the next of batch_ to pass on
  graph::Direction cur_dir_ = graph::Direction::kOut;
  size_t scan_ = kDone;
};

// inject(): the values first (once), then the input traversers (a start step's root is dropped).
class InjectOp : public Op {
 public:
  // feed_first: the first step of a child traversal, whose fed traverser is already waiting when
  // inject() starts and so comes out before the injected values (TinkerPop's InjectStep appends
  // them to its starts); elsewhere the injected values come first.
  InjectOp(Context* ctx, ValueList values, bool feed_first)
      : Op(ctx, "inject"), values_(std::move(values)), feed_first_(feed_first) {}
  bool Next(Traverser* out) override {
    if (!started_) {
      // A start step: inject once the root has arrived (so children run per feed).
      Traverser t;
      started_ = true;
      if (Pull(&t) && !t.root) pending_ = std::move(t), has_pending_ = true;
      if (!ctx_->ok()) return false;
    }
    if (feed_first_ && has_pending_) {
      has_pending_ = false;
      *out = std::move(pending_);
      ++out_count;
      return true;
    }
    if (i_ < values_.size()) {
      *out = ctx_->Fresh(values_[i_++], 1);
      ++out_count;
      return true;
    }
    if (has_pending_) {
      has_pending_ = false;
      *out = std::move(pending_);
      ++out_count;
      return true;
    }
    while (Pull(out)) {
      if (out->root) continue;
      ++out_count;
      return true;
    }
    return false;
  }
  void Reset() override {
    started_ = false;
    has_pending_ = false;
    i_ = 0;
    Op::Reset();
  }

 private:
  ValueList values_;
  bool feed_first_;
  bool started_ = false, has_pending_ = false;
  Traverser pending_;
  size_t i_ = 0;
};

}  // namespace kg::query

#endif  // KG_QUERY_OPS_GRAPH_OPS_H_
