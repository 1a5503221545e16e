// Gremlin over kg's graph store: the whole public interface of query/.
//
//   kg::query::QueryOptions opts;
//   opts.limits.timeout = absl::Seconds(30);
//   opts.params["who"] = kg::query::Value("marko");
//   opts.is_cancelled = [&] { return rpc_context->IsCancelled(); };
//   auto cursor = kg::query::Execute(*graph, "g.V().has('name', who).out('knows').values('name')",
//                                    opts);
//   if (!cursor.ok()) return cursor.status();         // parse or validation error
//   for (kg::query::Value v; (*cursor)->Next(&v);) Send(v);
//   if (!(*cursor)->status().ok()) return (*cursor)->status();  // limit, deadline, runtime error
//
// Choices, and why:
//  - Results stream: Next() pulls one result at a time through the pipeline, so a client that
//    stops early (or a limit()) stops the storage scans too. Results are bulk-expanded: a
//    traverser with bulk 3 is returned three times.
//  - A read-only query runs on one snapshot (Graph::Snapshot()). A query with a mutating step
//    (addV, addE, property, drop, mergeV, mergeE) runs entirely inside Execute(), in one
//    Graph::Write(), and commits only if the whole traversal succeeded: a failing query writes
//    nothing. Its results are buffered (they are needed before commit anyway).
//  - Limits are checked while the traversal runs (every step, every few storage keys), so a
//    runaway repeat() ends with an error rather than exhausting memory.
//  - has("name", v) on a vertex also passes when v is one of its "aliases" (the names an
//    extractor found for the entity): V().has("name", "Samsung") finds the vertex named
//    "Samsung Electronics" with that alias. It is answered from the name/alias index.
//  - Error codes: INVALID_ARGUMENT for a malformed query ("line L, column C: expected ...", then
//    the line and a caret), an unknown step (with the nearest known one) or a type error (naming
//    the step and the value); RESOURCE_EXHAUSTED when max_traversers or max_results is passed
//    (the message names the limit and its value); DEADLINE_EXCEEDED after limits.timeout;
//    CANCELLED when is_cancelled() returns true; FAILED_PRECONDITION for TinkerPop's "illegal
//    state" errors (e.g. addE() without a from vertex).
#ifndef KG_QUERY_QUERY_H_
#define KG_QUERY_QUERY_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "graph/graph.h"
#include "query/value.h"

namespace kg::query {

struct QueryLimits {
  absl::Duration timeout = absl::Seconds(30);  // absl::InfiniteDuration() for none
  // Traversers held at once by the pipeline (barriers, buffers, repeat frontiers), counted by
  // bulk-free entries.
  uint64_t max_traversers = 1'000'000;
  // Results returned to the caller (bulk-expanded).
  uint64_t max_results = 1'000'000;
};

// TinkerPop's vertex label cardinality: how many labels a vertex that a query creates may have.
enum class LabelCardinality {
  kOne,         // exactly one (TinkerPop 3's graphs): "vertex" when none is given
  kZeroOrMore,  // any number, none included (this store)
};

struct QueryOptions {
  QueryLimits limits;
  // Values for the free identifiers of the query (gremlin-lang parameters): has("name", xx1).
  std::map<std::string, Value, std::less<>> params;
  // Polled while the query runs; returning true ends it with CANCELLED.
  std::function<bool()> is_cancelled;
  // Collect per-step counts and times; Cursor::Profile() reports them after the end.
  bool profile = false;
  // How elementMap()/valueMap() show a vertex's T.label when the query does not say
  // (g.with("multilabel") / g.with("singlelabel") override it): true gives the set of every
  // label (this store's default: a vertex may have several), false the first label as a string
  // (TinkerPop 3's single-label form, which clients written for it expect).
  bool multi_label = true;
  // What property(k, null) means (TinkerPop's AllowNullPropertyValues feature): false removes
  // the property (TinkerPop's default); true stores k with a null value, which has(k, null)
  // then finds. g.with("allowNullPropertyValues", true|false) overrides it per query.
  bool allow_null_property_values = false;
  // addV()/mergeV() without a label make a vertex without labels (kZeroOrMore) or one labelled
  // "vertex" (kOne); with kOne, creating a vertex with several labels or adding a label fails.
  // g.with("vertexLabelCardinality", "one"|"zeroOrMore") overrides it per query.
  LabelCardinality vertex_label_cardinality = LabelCardinality::kZeroOrMore;
};

// The results of one query. Not thread-safe. Must not outlive the Graph it came from.
class Cursor {
 public:
  virtual ~Cursor() = default;
  // The next result, detached (elements carry their ids and labels); false at the end or on an
  // error (then status() says which).
  virtual bool Next(Value* out) = 0;
  virtual absl::Status status() const = 0;
  // With QueryOptions::profile: one line per step with traversers in/out and time, as text.
  virtual std::string Profile() const = 0;
};

// Parses, plans and starts the query. Parse and validation errors are returned here; runtime
// errors come from the cursor's status(). A mutating query has already committed (or failed,
// writing nothing) when this returns.
absl::StatusOr<std::unique_ptr<Cursor>> Execute(graph::Graph& graph, std::string_view gremlin,
                                                const QueryOptions& options);

// The plan of the query as text: the parsed steps, each strategy's rewrite (index lookups,
// maintained counts, early limits) and the final operator pipeline. Runs nothing.
absl::StatusOr<std::string> Explain(graph::Graph& graph, std::string_view gremlin,
                                    const QueryOptions& options);

}  // namespace kg::query

#endif  // KG_QUERY_QUERY_H_
