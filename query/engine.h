// Internals of the executor: traversers, the per-query context and the operator interface.
// Not part of the public interface (query.h is).
//
// The executor is a pull pipeline of operators (one per step, after planning). Each operator
// pulls bulked traversers from its input. A traversal with child traversals (by(), where(),
// repeat()...) compiles each child into a Pipeline with a queue at its head, which the parent
// feeds.
#ifndef KG_QUERY_ENGINE_H_
#define KG_QUERY_ENGINE_H_

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "graph/graph.h"
#include "query/ast.h"
#include "query/loop_counters.h"
#include "query/query.h"
#include "query/value.h"

namespace kg::query {

// A step in a path: the object and the labels as() gave it.
struct PathNode {
  Value obj;
  std::vector<std::string> labels;
  std::shared_ptr<const PathNode> prev;
};

// The step of the query an operator was compiled from, for positioned runtime errors.
struct StepSource {
  std::string step;  // the step's name as written ("sum"); empty: no step of the query
  Pos pos;
};

struct Traverser {
  Value obj;
  int64_t bulk = 1;
  std::shared_ptr<const PathNode> path;  // newest first; null when the query needs no path
  LoopCounters loops;  // one counter per enclosing repeat()
  bool root = false;  // the single empty traverser that start steps (V(), inject()) expand
  Value sack;         // g.withSack(): the traverser's local value (null without withSack())
};

// Per-query state shared by every operator.
class Context {
 public:
  graph::GraphReader* reader = nullptr;
  graph::GraphTxn* txn = nullptr;  // non-null when the query may write
  // The keys whose values the graph's name/alias index holds (GraphOptions::alias_properties,
  // set by Execute from the graph queried): has(k, v) on one of them is an index lookup, and
  // has(first key, v) also passes a vertex whose other alias keys hold v.
  std::vector<std::string> alias_properties = {"name", "aliases"};
  QueryOptions options;
  absl::Time deadline = absl::InfiniteFuture();
  bool track_path = false;
  bool path_objects_read = false;  // some step reads path objects, not only as() labels
  bool productive_by = false;  // withStrategies(ProductiveByStrategy)
  // ConnectiveStrategy (on unless withoutStrategies(ConnectiveStrategy)): a.or().b is or(a, b).
  // Without it a bare or() is a filter with no children (it passes nothing), a bare and() one
  // that passes everything.
  bool connective_strategy = true;
  // How elementMap()/valueMap() show labels: multi-label (TinkerPop 4), a set of every label,
  // or one string (QueryOptions::multi_label, overridden by g.with("singlelabel"/"multilabel")).
  bool multi_label = true;
  // property(k, null) stores a null rather than removing k (QueryOptions).
  bool allow_null_properties = false;
  // g.withSack(initial[, Operator]): every new traverser's sack, and how merged traversers
  // combine theirs (empty: only traversers with equal sacks merge).
  std::optional<Value> sack_initial;
  std::string sack_merge;
  bool sack_written = false;  // some sack(Operator) step gives traversers a sack without withSack()
  bool bulk = true;           // g.withBulk(false): merged traversers keep a bulk of one
  std::string query_text;     // for positioned runtime errors
  absl::Status status;  // the first error; operators stop once it is set
  std::map<std::string, Value, std::less<>> side_effects;
  std::map<std::string, std::vector<Value>, std::less<>> aggregates;
  std::map<std::string, std::string, std::less<>> side_effect_ops;  // withSideEffect(k, v, Operator)
  std::map<std::string, size_t, std::less<>> aggregate_flush;  // where the last aggregate() began

  bool ok() const { return status.ok(); }
  bool Fail(absl::Status s) {
    if (status.ok()) status = std::move(s);
    return false;
  }
  // After a failure, positions the error at the step `src` as parse errors are ("line 1,
  // column 22: sum() expects numbers...", the query line and a caret), once. Errors travel
  // downstream and out of child traversals as operators stop, so the first operator that
  // stops with an error and has a step (the innermost) names it; operators without one leave
  // it to the next.
  void Locate(const StepSource& src);
  // Deadline and cancellation, polled cheaply.
  bool Tick();
  // Traversers buffered by barriers and queues; fails with RESOURCE_EXHAUSTED past the limit.
  bool Hold(uint64_t n);
  void Release(uint64_t n) { held_ = n > held_ ? 0 : held_ - n; }

  // Element access, cached for the query (cleared by writes).
  std::shared_ptr<const graph::Vertex> GetVertex(graph::VertexId id);
  std::shared_ptr<const graph::Edge> GetEdge(const graph::EdgeKey& key);
  void InvalidateCache() {
    vertex_cache_.clear();
    edge_cache_.clear();
  }
  // The id users see: the external id, else the internal id (vertices) / key string (edges).
  Value VertexId(graph::VertexId id);
  Value EdgeId(const graph::EdgeKey& key);
  // Fills in ids and labels of every element inside `v` (recursively).
  Value Detach(const Value& v);

  Traverser Extend(const Traverser& t, Value obj) const {
    Traverser n;
    ExtendInto(t, std::move(obj), &n);
    return n;
  }
  // Extend() into an existing traverser (no temporary: this runs once per edge followed).
  void ExtendInto(const Traverser& t, Value obj, Traverser* out) const {
    out->obj = std::move(obj);
    ExtendAround(t, out);
  }
  // Extend() when out->obj already holds the new object.
  void ExtendAround(const Traverser& t, Traverser* out) const {
    out->bulk = t.bulk;
    out->loops = t.loops;
    out->root = false;
    if (!out->sack.is_null() || !t.sack.is_null()) out->sack = t.sack;  // no sack: nothing to copy
    if (track_path) {
      out->path = std::make_shared<PathNode>(PathNode{out->obj, {}, t.path});
    } else {
      out->path.reset();
    }
  }
  // A traverser that starts a fresh path (after a reducing barrier).
  Traverser Fresh(Value obj, int64_t bulk) const {
    Traverser n;
    n.obj = std::move(obj);
    n.bulk = bulk;
    if (sack_initial) n.sack = *sack_initial;
    if (track_path) n.path = std::make_shared<PathNode>(PathNode{n.obj, {}, nullptr});
    return n;
  }

 private:
  uint64_t ticks_ = 0;
  uint64_t held_ = 0;
  bool located_ = false;  // the error already names its step
  absl::flat_hash_map<graph::VertexId, std::shared_ptr<const graph::Vertex>> vertex_cache_;
  std::map<graph::EdgeKey, std::shared_ptr<const graph::Edge>> edge_cache_;
};

class Op {
 public:
  explicit Op(Context* ctx, std::string name) : ctx_(ctx), name_(std::move(name)) {}
  virtual ~Op() = default;
  // The next traverser; false when the input is exhausted for now, or on error (ctx status).
  // Operators are re-entrant: after returning false they may be pulled again when more input
  // has been fed to their pipeline.
  virtual bool Next(Traverser* out) = 0;
  // Forgets all state (a child traversal run for a new parent traverser).
  virtual void Reset() {
    if (input_) input_->Reset();
  }
  virtual std::string Describe() const { return name_; }
  // Whether the operator consumes all its input before emitting (a barrier).
  virtual bool IsBarrier() const { return false; }

  void set_input(Op* in) { input_ = in; }
  Op* input() const { return input_; }
  const std::string& name() const { return name_; }

  // Profile counters.
  uint64_t out_count = 0;
  absl::Duration time;
  // The step this operator was compiled from (set by the compiler for every step).
  StepSource source;

 protected:
  // The input's next traverser; when the input stops on an error, names its step in the error.
  bool Pull(Traverser* t) {
    if (input_ == nullptr) return false;
    if (input_->Next(t)) return true;
    if (!ctx_->ok()) ctx_->Locate(input_->source);
    return false;
  }
  Context* ctx_;
  Op* input_ = nullptr;
  std::string name_;
};

// A compiled traversal: a queue at the head, operators, and the last operator to pull from.
class Pipeline {
 public:
  explicit Pipeline(Context* ctx);
  void Add(std::unique_ptr<Op> op);
  void Feed(Traverser t);
  bool Next(Traverser* out);
  void Reset();
  bool HasBarrier() const;
  bool empty() const { return ops_.size() <= 1; }
  Op* tail() const { return tail_; }
  // The operator the last Add() added (tail() may be the profiler's timing wrapper around it).
  Op* last_step() const { return last_step_; }
  const std::vector<std::unique_ptr<Op>>& ops() const { return ops_; }

  // Running the pipeline as the child traversal of one traverser `t` (after a Reset). A
  // traverser of bulk n stands for n equal traversers; how a child treats them is TinkerPop's:
  //  - RunAll(), Any() and First() run it once for one of them (bulk 1, as TraversalUtil's
  //    apply/test do): by() keys, where()/filter() tests, predicate arguments, map() values.
  //    So map(count()) is 1 for every traverser however many a bulk stands for.
  //  - RunPerUnit() runs it for each of the n (LocalStep splits the bulk): local(), flatMap()
  //    and coalesce() results come n times, and local(count()) counts one traverser's objects.
  //    Unless runs_differ, the n runs are alike, so it runs once with the results' bulks
  //    multiplied by n.
  //  - RunKeepingBulk() feeds `t` whole: optional() and sideEffect() pass the bulk on (a side
  //    effect counts every traverser the bulk stands for).
  bool RunAll(const Traverser& t, std::vector<Traverser>* out);
  bool RunPerUnit(const Traverser& t, std::vector<Traverser>* out);
  bool RunKeepingBulk(const Traverser& t, std::vector<Traverser>* out);
  // Does the child produce anything for `t`?
  bool Any(const Traverser& t, bool* any);
  // The first result's object, or nullopt when the child is unproductive.
  bool First(const Traverser& t, std::optional<Value>* out);

  bool profile = false;
  // Running the traversal n times may differ from running it once n-fold: it writes side
  // effects (aggregate(), groupCount("x"), a mutation...) or draws random numbers (coin(),
  // sample()). Set by the compiler for child traversals.
  bool runs_differ = false;

 private:
  // tail_->Next(), naming the failing step in an error.
  bool PullTail(Traverser* out);
  // Feeds `t` (after a Reset) with the given bulk and collects every result.
  bool Collect(const Traverser& t, int64_t bulk, std::vector<Traverser>* out);
  Context* ctx_;
  std::vector<std::unique_ptr<Op>> ops_;
  Op* tail_ = nullptr;
  Op* last_step_ = nullptr;
  class QueueOp* queue_ = nullptr;
};

}  // namespace kg::query

#endif  // KG_QUERY_ENGINE_H_
