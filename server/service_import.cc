// ImportFiles: `kg import` through the running server. The files are spooled first (the
// importer reads its input twice: once to validate every row, once to write), then imported
// with import::ImportFiles into batched transactions; each commit is acknowledged at once.
#include <chrono>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "import/import.h"
#include "server/errors.h"
#include "server/import_spool.h"
#include "server/service.h"

namespace kg::server {
namespace {

using ImportStream = grpc::ServerReaderWriter<v1::ImportFilesEvent, v1::ImportFilesRequest>;
using Phase = v1::ImportFilesProgress::Phase;

constexpr int64_t kDefaultBatchRows = 10'000;
constexpr int64_t kMaxBatchRows = 1'000'000;
constexpr size_t kReportPiece = 1 << 20;
constexpr double kUploadProgressSeconds = 0.25;

// Sends events to the client and remembers when it could not (the client went away).
class EventWriter {
 public:
  explicit EventWriter(ImportStream* stream) : stream_(stream) {}

  void Progress(Phase phase, int64_t rows_read, int64_t rows_committed, uint64_t bytes_done,
                uint64_t bytes_total, double seconds) {
    v1::ImportFilesEvent event;
    v1::ImportFilesProgress* p = event.mutable_progress();
    p->set_phase(phase);
    p->set_rows_read(rows_read);
    p->set_rows_committed(rows_committed);
    p->set_bytes_done(bytes_done);
    p->set_bytes_total(bytes_total);
    p->set_seconds(seconds);
    Send(event);
  }

  void Send(const v1::ImportFilesEvent& event) {
    if (!gone_ && !stream_->Write(event)) gone_ = true;
  }
  bool gone() const { return gone_; }

 private:
  ImportStream* stream_;
  bool gone_ = false;
};

// Forwards rows to the transaction sink until the client goes away; then the rows not yet
// committed are dropped, so the import stops at a batch boundary.
class StopWhenClientGone : public import::RowSink {
 public:
  StopWhenClientGone(import::RowSink& inner, std::function<bool()> gone)
      : inner_(inner), gone_(std::move(gone)) {}

  bool atomic() const override { return inner_.atomic(); }
  bool writing() const { return writing_; }

  absl::StatusOr<bool> Exists(std::string_view label, std::string_view key) override {
    if (gone_()) return Gone();
    return inner_.Exists(label, key);
  }
  absl::StatusOr<graph::VertexId> Vertex(const std::vector<std::string>& labels,
                                         std::string_view key,
                                         const std::vector<graph::PropertyWrite>& props) override {
    writing_ = true;
    if (gone_()) return Gone();
    return inner_.Vertex(labels, key, props);
  }
  absl::Status Edge(const import::Endpoint& from, std::string_view label,
                    const import::Endpoint& to,
                    const std::vector<graph::PropertyWrite>& props) override {
    writing_ = true;
    if (gone_()) return Gone();
    return inner_.Edge(from, label, to, props);
  }
  absl::Status Finish(import::ImportSummary* summary) override {
    if (gone_()) return Gone();
    return inner_.Finish(summary);
  }

 private:
  static absl::Status Gone() {
    return absl::CancelledError("the client went away; the import stopped at a batch boundary");
  }

  import::RowSink& inner_;
  std::function<bool()> gone_;
  bool writing_ = false;
};

// Holds the one import slot for a scope.
class ImportSlot {
 public:
  explicit ImportSlot(std::atomic<bool>* running) : running_(running) {
    bool expected = false;
    ok_ = running_->compare_exchange_strong(expected, true);
  }
  ~ImportSlot() {
    if (ok_) running_->store(false);
  }
  bool ok() const { return ok_; }

 private:
  std::atomic<bool>* running_;
  bool ok_;
};

grpc::Status CheckOptions(const v1::ImportFilesOptions& options) {
  if (options.skip_bad_rows() < 0) {
    return MakeStatus(grpc::StatusCode::INVALID_ARGUMENT, "skip_bad_rows must not be negative");
  }
  if (options.batch_rows() < 0 || options.batch_rows() > kMaxBatchRows) {
    return MakeStatus(grpc::StatusCode::INVALID_ARGUMENT,
                      absl::StrCat("batch_rows must be between 1 and ", kMaxBatchRows));
  }
  return grpc::Status::OK;
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Reads the options and the files into the spool until the client half-closes.
grpc::Status ReceiveFiles(grpc::ServerContext* context, ImportStream* stream, ImportSpool& spool,
                          EventWriter& events, v1::ImportFilesOptions* options) {
  auto start = std::chrono::steady_clock::now();
  double last_progress = 0;
  bool first = true;
  for (v1::ImportFilesRequest request; stream->Read(&request); first = false) {
    absl::Status s;
    switch (request.item_case()) {
      case v1::ImportFilesRequest::kOptions:
        if (!first) {
          return MakeStatus(grpc::StatusCode::INVALID_ARGUMENT,
                            "the options must be the first message");
        }
        *options = request.options();
        if (grpc::Status checked = CheckOptions(*options); !checked.ok()) return checked;
        break;
      case v1::ImportFilesRequest::kFile:
        s = spool.BeginFile(request.file().name(), request.file().size());
        break;
      case v1::ImportFilesRequest::kChunk:
        s = spool.Append(request.chunk());
        break;
      default:
        s = absl::InvalidArgumentError("an empty ImportFilesRequest");
    }
    if (!s.ok()) return ToGrpcStatus(s);
    if (double now = SecondsSince(start); now - last_progress >= kUploadProgressSeconds) {
      last_progress = now;
      events.Progress(v1::ImportFilesProgress::UPLOAD, 0, 0, spool.bytes_received(),
                      spool.bytes_declared(), 0);
    }
  }
  if (context->IsCancelled()) {
    return MakeStatus(grpc::StatusCode::CANCELLED, "the client went away during the upload");
  }
  if (absl::Status s = spool.Close(); !s.ok()) return ToGrpcStatus(s);
  if (spool.paths().empty()) {
    return MakeStatus(grpc::StatusCode::INVALID_ARGUMENT, "no files to import");
  }
  return grpc::Status::OK;
}

// An import error with the client's file names, and its file, line and column in the detail.
grpc::Status ImportError(const absl::Status& status, const ImportSpool& spool) {
  v1::ErrorDetail detail;
  const std::string spooled(status.message());
  detail.set_input(spool.FileOfMessage(spooled));
  std::string message = spool.ClientNames(spooled);
  if (!detail.input().empty()) {
    // "NAME:LINE:COLUMN: what was expected"
    std::vector<std::string> parts;
    size_t at = detail.input().size() + 1;
    for (int i = 0; i < 2; ++i) {
      size_t colon = message.find(':', at);
      if (colon == std::string::npos) break;
      parts.push_back(message.substr(at, colon - at));
      at = colon + 1;
    }
    int line = 0, column = 0;
    if (parts.size() == 2 && absl::SimpleAtoi(parts[0], &line) &&
        absl::SimpleAtoi(parts[1], &column)) {
      detail.set_line(line);
      detail.set_column(column);
    }
  }
  detail.set_message(message);
  return ToGrpcStatus(absl::Status(status.code(), message), detail);
}

// Streams the skipped rows' report (with the client's file names) in pieces.
absl::Status SendBadRowsReport(const std::string& path, const ImportSpool& spool,
                               EventWriter& events) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InternalError("the bad-rows report is missing");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  text = spool.ClientNames(text);
  for (size_t at = 0; at < text.size();) {
    size_t end = std::min(text.size(), at + kReportPiece);
    if (end < text.size()) {  // end a piece at a line's end where possible
      size_t nl = text.rfind('\n', end - 1);
      if (nl != std::string::npos && nl >= at) end = nl + 1;
    }
    v1::ImportFilesEvent event;
    event.set_bad_rows_report(text.substr(at, end - at));
    events.Send(event);
    at = end;
  }
  return absl::OkStatus();
}

void FillSummary(const import::ImportSummary& s, bool dry_run, int64_t committed,
                 v1::ImportFilesSummary* out) {
  out->set_dry_run(dry_run);
  out->set_vertex_rows(s.vertex_rows);
  out->set_edge_rows(s.edge_rows);
  out->set_bad_rows(s.bad_rows);
  out->set_vertices_created(s.vertices_created);
  out->set_vertices_merged(s.vertices_merged);
  out->set_edges_created(s.edges_created);
  out->set_edges_merged(s.edges_merged);
  out->set_seconds(s.seconds);
  out->set_rows_committed(committed);
}

// Validates, then writes in batches (or only validates, for a dry run), then reports.
grpc::Status RunImport(graph::Graph& graph, grpc::ServerContext* context, ImportSpool& spool,
                       const v1::ImportFilesOptions& request, EventWriter& events) {
  int64_t committed = 0;
  import::ImportProgress last;
  auto on_commit = [&](int64_t rows) {  // the acknowledgement: these rows are durable
    committed = rows;
    events.Progress(v1::ImportFilesProgress::WRITE, last.rows, rows, last.bytes_done,
                    last.bytes_total, last.seconds);
  };
  const int64_t batch = request.batch_rows() > 0 ? request.batch_rows() : kDefaultBatchRows;
  std::unique_ptr<import::RowSink> transactions =
      import::NewTransactionSink(graph, batch, on_commit);
  StopWhenClientGone sink(*transactions, [&] { return events.gone() || context->IsCancelled(); });
  import::ImportOptions options;
  options.dry_run = request.dry_run();
  options.max_bad_rows = request.skip_bad_rows();
  options.bad_rows_report = spool.PathFor("bad-rows.txt");
  // Also stops the validation pass, which calls the sink seldom or never.
  options.cancelled = [&] { return events.gone() || context->IsCancelled(); };
  options.on_progress = [&](const import::ImportProgress& p) {
    last = p;
    events.Progress(
        sink.writing() ? v1::ImportFilesProgress::WRITE : v1::ImportFilesProgress::VALIDATE, p.rows,
        committed, p.bytes_done, p.bytes_total, p.seconds);
  };
  absl::StatusOr<import::ImportSummary> summary = import::ImportFiles(spool.paths(), sink, options);
  if (!summary.ok()) return ImportError(summary.status(), spool);
  if (summary->bad_rows > 0) {
    if (absl::Status s = SendBadRowsReport(options.bad_rows_report, spool, events); !s.ok()) {
      return ToGrpcStatus(s);
    }
  }
  v1::ImportFilesEvent done;
  FillSummary(*summary, request.dry_run(), committed, done.mutable_summary());
  events.Send(done);
  if (events.gone()) return MakeStatus(grpc::StatusCode::CANCELLED, "the client went away");
  return grpc::Status::OK;
}

}  // namespace

grpc::Status KnowledgeGraphService::ImportFiles(grpc::ServerContext* context,
                                                ImportStream* stream) {
  if (grpc::Status auth = Check(*context, Access::kWrite); !auth.ok()) return auth;
  ImportSlot slot(&import_running_);
  if (!slot.ok()) {
    return MakeStatus(grpc::StatusCode::RESOURCE_EXHAUSTED,
                      "another import is running; max_concurrent_imports = 1");
  }
  absl::StatusOr<std::unique_ptr<ImportSpool>> spool =
      ImportSpool::Create(graph_->dir(), options_.max_import_bytes);
  if (!spool.ok()) return ToGrpcStatus(spool.status());
  EventWriter events(stream);
  v1::ImportFilesOptions request;
  if (grpc::Status s = ReceiveFiles(context, stream, **spool, events, &request); !s.ok()) return s;
  return RunImport(*graph_, context, **spool, request, events);
}

}  // namespace kg::server
