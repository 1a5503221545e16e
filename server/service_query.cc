// Query and Explain: Gremlin through query::Execute, streamed in batches.
#include <algorithm>
#include <chrono>

#include "absl/strings/str_cat.h"
#include "query/query.h"
#include "server/convert.h"
#include "server/errors.h"
#include "server/mutation_check.h"
#include "server/service.h"

namespace kg::server {
namespace {

constexpr uint32_t kDefaultBatchSize = 64;
constexpr uint32_t kMaxBatchSize = 10'000;
constexpr uint32_t kDefaultBatchBytes = 1 << 20;

// The effective timeout: the smallest of the client's deadline, the request's timeout_ms and
// kgd's --query_timeout_ms (each when set). InfiniteDuration when none is.
absl::Duration EffectiveTimeout(const grpc::ServerContext& context, const v1::QueryRequest& req,
                                int server_timeout_ms) {
  absl::Duration timeout = absl::InfiniteDuration();
  if (server_timeout_ms > 0) timeout = absl::Milliseconds(server_timeout_ms);
  if (req.limits().timeout_ms() > 0) {
    timeout = std::min(timeout, absl::Milliseconds(req.limits().timeout_ms()));
  }
  auto deadline = context.deadline();
  if (deadline != std::chrono::system_clock::time_point::max()) {
    auto left = std::chrono::duration_cast<std::chrono::microseconds>(
        deadline - std::chrono::system_clock::now());
    timeout = std::min(timeout, absl::Microseconds(std::max<int64_t>(0, left.count())));
  }
  return timeout;
}

// Builds the engine's options from the request; INVALID_ARGUMENT for a bad parameter.
absl::StatusOr<query::QueryOptions> MakeOptions(grpc::ServerContext* context,
                                                const v1::QueryRequest& req,
                                                int server_timeout_ms) {
  query::QueryOptions opts;
  opts.limits.timeout = EffectiveTimeout(*context, req, server_timeout_ms);
  if (req.limits().max_traversers() > 0) opts.limits.max_traversers = req.limits().max_traversers();
  if (req.limits().max_results() > 0) opts.limits.max_results = req.limits().max_results();
  for (const auto& [name, value] : req.params()) {
    absl::StatusOr<query::Value> v = QueryParamFromProto(value);
    if (!v.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("parameter '", name, "': ", v.status().message()));
    }
    opts.params.emplace(name, *std::move(v));
  }
  opts.is_cancelled = [context] { return context->IsCancelled(); };
  opts.profile = req.profile();
  return opts;
}

// The engine's deadline error names the timeout for people ("timeout 200ms"); the detail
// gives it to programs in the request's own unit, as the other limits are given.
void AddDeadlineDetail(const absl::Status& status, const query::QueryOptions& opts,
                       v1::ErrorDetail* detail) {
  if (status.code() != absl::StatusCode::kDeadlineExceeded) return;
  if (opts.limits.timeout == absl::InfiniteDuration()) return;
  detail->set_limit_name("timeout_ms");
  detail->set_limit_value(absl::ToInt64Milliseconds(opts.limits.timeout));
}

grpc::Status CheckQueryText(const v1::QueryRequest& req) {
  if (req.gremlin().empty()) {
    return MakeStatus(grpc::StatusCode::INVALID_ARGUMENT, "the query is empty");
  }
  return grpc::Status::OK;
}

}  // namespace

grpc::Status KnowledgeGraphService::Query(grpc::ServerContext* context,
                                          const v1::QueryRequest* request,
                                          grpc::ServerWriter<v1::QueryResponse>* writer) {
  grpc::Status auth =
      Check(*context, MayWrite(request->gremlin()) ? Access::kWrite : Access::kRead);
  if (!auth.ok()) return auth;
  if (grpc::Status s = CheckQueryText(*request); !s.ok()) return s;
  QuerySlot slot(&queries_in_flight_, options_.max_concurrent_queries);
  if (!slot.ok()) {
    v1::ErrorDetail detail;
    detail.set_limit_name("max_concurrent_queries");
    detail.set_limit_value(options_.max_concurrent_queries);
    return MakeStatus(grpc::StatusCode::RESOURCE_EXHAUSTED,
                      absl::StrCat("too many concurrent queries (max_concurrent_queries = ",
                                   options_.max_concurrent_queries, "); retry later"),
                      detail);
  }
  auto start = std::chrono::steady_clock::now();
  auto elapsed_ms = [&] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 start)
        .count();
  };

  absl::StatusOr<query::QueryOptions> opts =
      MakeOptions(context, *request, options_.query_timeout_ms);
  if (!opts.ok()) return ToGrpcStatus(opts.status());
  if (opts->limits.timeout <= absl::ZeroDuration()) {
    return MakeStatus(grpc::StatusCode::DEADLINE_EXCEEDED,
                      "the deadline passed before the query started");
  }
  absl::StatusOr<std::unique_ptr<query::Cursor>> cursor =
      query::Execute(*graph_, request->gremlin(), *opts);
  if (!cursor.ok()) {
    v1::ErrorDetail detail;
    AddDeadlineDetail(cursor.status(), *opts, &detail);
    return ToGrpcStatus(cursor.status(), detail);
  }

  std::unique_ptr<graph::GraphReader> reader;
  std::unique_ptr<VertexFiller> filler;
  if (request->include_properties()) {
    reader = graph_->Snapshot();
    filler = std::make_unique<VertexFiller>(reader.get());
  }
  const uint32_t batch_size = std::min(
      request->batch_size() == 0 ? kDefaultBatchSize : request->batch_size(), kMaxBatchSize);
  // Leave room for the message's own framing under the receive limit of the client.
  const size_t max_message = static_cast<size_t>(std::max(options_.max_message_bytes, 1 << 16));
  const size_t batch_bytes = std::min<size_t>(
      request->max_batch_bytes() == 0 ? kDefaultBatchBytes : request->max_batch_bytes(),
      max_message / 2);

  v1::QueryResponse batch;
  size_t bytes = 0;
  uint64_t sent = 0;
  for (query::Value value; (*cursor)->Next(&value);) {
    v1::Value* wire = batch.add_results();
    QueryValueToProto(value, wire, filler.get());
    size_t size = wire->ByteSizeLong() + 8;
    if (size > max_message - 1024) {
      v1::ErrorDetail detail;
      detail.set_limit_name("max_message_bytes");
      detail.set_limit_value(options_.max_message_bytes);
      detail.set_partial_results(static_cast<int64_t>(sent));
      return MakeStatus(
          grpc::StatusCode::RESOURCE_EXHAUSTED,
          absl::StrCat("result ", sent + batch.results_size(), " is ", size,
                       " bytes, more than max_message_bytes = ", options_.max_message_bytes),
          detail);
    }
    bytes += size;
    if (static_cast<uint32_t>(batch.results_size()) >= batch_size || bytes >= batch_bytes) {
      sent += batch.results_size();
      if (!writer->Write(batch)) {
        return MakeStatus(grpc::StatusCode::CANCELLED, "the client went away");
      }
      batch.Clear();
      bytes = 0;
    }
  }
  absl::Status status = (*cursor)->status();
  if (!status.ok()) {
    v1::ErrorDetail detail;
    AddDeadlineDetail(status, *opts, &detail);
    detail.set_elapsed_ms(elapsed_ms());
    detail.set_partial_results(static_cast<int64_t>(sent));
    // Results computed before the error still reach the client; the status says why it ended.
    if (batch.results_size() > 0) {
      detail.set_partial_results(static_cast<int64_t>(sent + batch.results_size()));
      writer->Write(batch);
    }
    return ToGrpcStatus(status, detail);
  }
  sent += batch.results_size();
  batch.set_last(true);
  batch.mutable_stats()->set_results(sent);
  batch.mutable_stats()->set_elapsed_us(std::chrono::duration_cast<std::chrono::microseconds>(
                                            std::chrono::steady_clock::now() - start)
                                            .count());
  if (request->profile()) batch.mutable_stats()->set_profile((*cursor)->Profile());
  if (!writer->Write(batch)) return MakeStatus(grpc::StatusCode::CANCELLED, "the client went away");
  return grpc::Status::OK;
}

grpc::Status KnowledgeGraphService::Explain(grpc::ServerContext* context,
                                            const v1::QueryRequest* request,
                                            v1::ExplainResponse* response) {
  // Explain runs nothing, so a read token is enough even for a mutating traversal.
  if (grpc::Status auth = Check(*context, Access::kRead); !auth.ok()) return auth;
  if (grpc::Status s = CheckQueryText(*request); !s.ok()) return s;
  absl::StatusOr<query::QueryOptions> opts =
      MakeOptions(context, *request, options_.query_timeout_ms);
  if (!opts.ok()) return ToGrpcStatus(opts.status());
  absl::StatusOr<std::string> plan = query::Explain(*graph_, request->gremlin(), *opts);
  if (!plan.ok()) return ToGrpcStatus(plan.status());
  response->set_plan(*std::move(plan));
  return grpc::Status::OK;
}

}  // namespace kg::server
