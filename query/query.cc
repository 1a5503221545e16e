#include "query/query.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "query/engine.h"
#include "query/executor.h"
#include "query/parser.h"

namespace kg::query {
namespace {

absl::Status ResultLimit(uint64_t max) {
  return absl::ResourceExhaustedError(
      absl::StrCat("query exceeded max_results = ", max, " (results returned)"));
}

// Streams results of a read-only query from its snapshot.
class StreamingCursor : public Cursor {
 public:
  StreamingCursor(std::unique_ptr<graph::GraphReader> reader, std::unique_ptr<Context> ctx)
      : reader_(std::move(reader)), ctx_(std::move(ctx)) {}

  absl::Status Start(const Traversal& t, std::string_view text) {
    ctx_->reader = reader_.get();
    auto q = CompileQuery(t, text, ctx_.get());
    if (!q.ok()) return q.status();
    compiled_ = std::move(*q);
    Traverser root;
    root.root = true;
    if (ctx_->sack_initial) root.sack = *ctx_->sack_initial;
    compiled_.pipeline->Feed(std::move(root));
    return absl::OkStatus();
  }

  bool Next(Value* out) override {
    if (done_) return false;
    if (remaining_ == 0) {
      Traverser t;
      if (!compiled_.pipeline->Next(&t)) {
        done_ = true;
        return false;
      }
      current_ = ctx_->Detach(t.obj);
      remaining_ = t.bulk;
      if (!ctx_->ok()) {
        done_ = true;
        return false;
      }
    }
    if (++returned_ > ctx_->options.limits.max_results) {
      ctx_->Fail(ResultLimit(ctx_->options.limits.max_results));
      done_ = true;
      return false;
    }
    --remaining_;
    *out = current_;
    return true;
  }
  absl::Status status() const override { return ctx_->status; }
  std::string Profile() const override {
    return compiled_.pipeline ? DescribePipeline(*compiled_.pipeline, true) : "";
  }

 private:
  std::unique_ptr<graph::GraphReader> reader_;
  std::unique_ptr<Context> ctx_;
  CompiledQuery compiled_;
  Value current_;
  int64_t remaining_ = 0;
  uint64_t returned_ = 0;
  bool done_ = false;
};

// Results computed ahead (mutating queries, explain, profile).
class BufferedCursor : public Cursor {
 public:
  BufferedCursor(std::vector<Value> values, absl::Status status, std::string profile)
      : values_(std::move(values)), status_(std::move(status)), profile_(std::move(profile)) {}
  bool Next(Value* out) override {
    if (i_ >= values_.size()) return false;
    *out = values_[i_++];
    return true;
  }
  absl::Status status() const override { return status_; }
  std::string Profile() const override { return profile_; }

 private:
  std::vector<Value> values_;
  size_t i_ = 0;
  absl::Status status_;
  std::string profile_;
};

std::unique_ptr<Context> NewContext(const graph::Graph& graph, const QueryOptions& options,
                                    const Traversal& t) {
  auto ctx = std::make_unique<Context>();
  ctx->options = options;
  ctx->alias_properties = graph.options().alias_properties;
  ctx->multi_label = options.multi_label;
  ctx->allow_null_properties = options.allow_null_property_values;
  if (options.limits.timeout != absl::InfiniteDuration()) {
    ctx->deadline = absl::Now() + options.limits.timeout;
  }
  ctx->track_path = NeedsPath(t);
  ctx->path_objects_read = ReadsPathObjects(t);
  return ctx;
}

// Drains a compiled pipeline into detached values, enforcing max_results.
absl::Status Drain(Context* ctx, Pipeline* p, std::vector<Value>* out) {
  Traverser root;
  root.root = true;
  if (ctx->sack_initial) root.sack = *ctx->sack_initial;
  p->Feed(std::move(root));
  for (Traverser t; p->Next(&t);) {
    Value v = ctx->Detach(t.obj);
    for (int64_t i = 0; i < t.bulk; ++i) {
      if (out->size() >= ctx->options.limits.max_results) return ResultLimit(ctx->options.limits.max_results);
      out->push_back(v);
    }
  }
  return ctx->status;
}

// Splits a trailing explain()/profile() off the traversal.
std::string TrailingMode(Traversal* t) {
  if (!t->steps.empty() && t->steps.back().args.empty() &&
      (t->steps.back().name == "explain" || t->steps.back().name == "profile")) {
    std::string m = t->steps.back().name;
    t->steps.pop_back();
    return m;
  }
  return "";
}

absl::StatusOr<std::string> ExplainParsed(graph::Graph& graph, const Traversal& t, std::string_view text,
                                          const QueryOptions& options) {
  auto reader = graph.Snapshot();
  auto ctx = NewContext(graph, options, t);
  ctx->reader = reader.get();
  auto q = CompileQuery(t, text, ctx.get());
  if (!q.ok()) return q.status();
  std::string out = absl::StrCat("query: ", std::string(text), "\n");
  absl::StrAppend(&out, "mode: ", IsMutating(t) ? "read-write (one atomic write)" : "read-only (snapshot)",
                  ctx->track_path ? ", paths tracked" : ", no path tracking", "\n");
  for (const auto& n : q->plan_notes) absl::StrAppend(&out, "strategy: ", n, "\n");
  absl::StrAppend(&out, "plan: ", DescribePipeline(*q->pipeline, false));
  return out;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Cursor>> Execute(graph::Graph& graph, std::string_view gremlin,
                                                const QueryOptions& options) {
  auto parsed = Parse(gremlin);
  if (!parsed.ok()) return parsed.status();
  Traversal t = std::move(*parsed);
  std::string mode = TrailingMode(&t);
  if (mode == "explain") {
    auto plan = ExplainParsed(graph, t, gremlin, options);
    if (!plan.ok()) return plan.status();
    return std::unique_ptr<Cursor>(new BufferedCursor({Value(*plan)}, absl::OkStatus(), ""));
  }
  QueryOptions opts = options;
  if (mode == "profile") opts.profile = true;

  if (!IsMutating(t)) {
    auto ctx = NewContext(graph, opts, t);
    auto cursor = std::make_unique<StreamingCursor>(graph.Snapshot(), std::move(ctx));
    if (absl::Status s = cursor->Start(t, gremlin); !s.ok()) return s;
    if (mode != "profile") return std::unique_ptr<Cursor>(std::move(cursor));
    for (Value v; cursor->Next(&v);) {
    }
    if (!cursor->status().ok()) return cursor->status();
    std::string prof = cursor->Profile();
    return std::unique_ptr<Cursor>(new BufferedCursor({Value(prof)}, absl::OkStatus(), prof));
  }

  // A mutating query: all of it inside one write; commit only on success.
  std::vector<Value> results;
  std::string profile;
  absl::Status compile_status;
  absl::Status run = graph.Write([&](graph::GraphTxn& txn) -> absl::Status {
    auto ctx = NewContext(graph, opts, t);
    ctx->reader = &txn;
    ctx->txn = &txn;
    auto q = CompileQuery(t, gremlin, ctx.get());
    if (!q.ok()) {
      compile_status = q.status();
      return q.status();
    }
    absl::Status s = Drain(ctx.get(), q->pipeline.get(), &results);
    if (opts.profile) profile = DescribePipeline(*q->pipeline, true);
    return s;
  });
  if (!compile_status.ok()) return compile_status;
  if (!run.ok()) results.clear();
  if (mode == "profile" && run.ok()) results = {Value(profile)};
  return std::unique_ptr<Cursor>(new BufferedCursor(std::move(results), run, profile));
}

absl::StatusOr<std::string> Explain(graph::Graph& graph, std::string_view gremlin,
                                    const QueryOptions& options) {
  auto parsed = Parse(gremlin);
  if (!parsed.ok()) return parsed.status();
  Traversal t = std::move(*parsed);
  TrailingMode(&t);
  return ExplainParsed(graph, t, gremlin, options);
}

}  // namespace kg::query
