// Stats, ListDocuments, ExportGraph and Backup.
#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "server/convert.h"
#include "server/errors.h"
#include "server/service.h"

namespace kg::server {
namespace {

constexpr uint32_t kDefaultDocPage = 100;
constexpr uint32_t kMaxDocPage = 10'000;
constexpr uint32_t kDefaultExportBatch = 256;

std::string NameOf(graph::GraphReader& reader, graph::VertexId id) {
  absl::StatusOr<std::optional<graph::Vertex>> v = reader.GetVertex(id);
  if (!v.ok() || !v->has_value()) return absl::StrCat("#", id);
  std::string name = DisplayName(**v);
  return name.empty() ? absl::StrCat("#", id) : name;
}

std::string Describe(graph::GraphReader& reader, const graph::ElementRef& element) {
  if (const graph::VertexId* id = std::get_if<graph::VertexId>(&element)) {
    absl::StatusOr<std::optional<graph::Vertex>> v = reader.GetVertex(*id);
    std::string label = v.ok() && v->has_value() && !(*v)->labels.empty() ? (*v)->labels[0] : "?";
    return absl::StrCat("V ", label, " ", NameOf(reader, *id));
  }
  const graph::EdgeKey& key = std::get<graph::EdgeKey>(element);
  return absl::StrCat("E ", NameOf(reader, key.src), " ", reader.LabelName(key.label), " ",
                      NameOf(reader, key.dst));
}

}  // namespace

grpc::Status KnowledgeGraphService::Stats(grpc::ServerContext* context,
                                          const v1::StatsRequest* /*request*/,
                                          v1::StatsResponse* response) {
  if (grpc::Status auth = Check(*context, Access::kRead); !auth.ok()) return auth;
  absl::StatusOr<graph::GraphStats> stats = graph_->Stats();
  if (!stats.ok()) return ToGrpcStatus(stats.status());
  response->set_vertices(stats->vertices);
  response->set_edges(stats->edges);
  response->set_documents(stats->documents);
  response->set_disk_bytes(stats->disk_bytes);
  for (const auto& [label, n] : stats->vertices_by_label) {
    v1::LabelCount* c = response->add_vertices_by_label();
    c->set_label(label);
    c->set_count(n);
  }
  for (const auto& [label, n] : stats->edges_by_label) {
    v1::LabelCount* c = response->add_edges_by_label();
    c->set_label(label);
    c->set_count(n);
  }
  return grpc::Status::OK;
}

grpc::Status KnowledgeGraphService::ListDocuments(grpc::ServerContext* context,
                                                  const v1::ListDocumentsRequest* request,
                                                  v1::ListDocumentsResponse* response) {
  if (grpc::Status auth = Check(*context, Access::kRead); !auth.ok()) return auth;
  uint64_t offset = 0;
  if (!request->page_token().empty() && !absl::SimpleAtoi(request->page_token(), &offset)) {
    return MakeStatus(grpc::StatusCode::INVALID_ARGUMENT,
                      absl::StrCat("bad page_token '", request->page_token(), "'"));
  }
  const uint32_t page =
      std::min(request->page_size() == 0 ? kDefaultDocPage : request->page_size(), kMaxDocPage);
  std::unique_ptr<graph::GraphReader> reader = graph_->Snapshot();
  std::unique_ptr<graph::Stream<graph::Document>> docs = reader->ScanDocuments();
  uint64_t position = 0;
  for (graph::Document doc; docs->Next(&doc); ++position) {
    if (position < offset) continue;
    if (static_cast<uint32_t>(response->documents_size()) == page) {
      response->set_next_page_token(absl::StrCat(position));
      break;
    }
    v1::DocumentInfo* info = response->add_documents();
    info->set_id(doc.id);
    info->set_title(doc.title);
    info->set_source(doc.source);
    info->set_published(doc.published);
    info->set_content_hash(doc.content_hash);
    info->set_container(doc.container);
    std::vector<std::string> elements;
    std::unique_ptr<graph::Stream<graph::ElementRef>> supported = reader->ScanSupported(doc.id);
    int64_t n = 0;
    for (graph::ElementRef element; supported->Next(&element);) {
      ++n;
      if (request->include_elements()) elements.push_back(Describe(*reader, element));
    }
    if (!supported->status().ok()) return ToGrpcStatus(supported->status());
    info->set_supported_elements(n);
    std::sort(elements.begin(), elements.end());
    for (std::string& e : elements) info->add_elements(std::move(e));
  }
  if (!docs->status().ok()) return ToGrpcStatus(docs->status());
  return grpc::Status::OK;
}

grpc::Status KnowledgeGraphService::ExportGraph(grpc::ServerContext* context,
                                                const v1::ExportRequest* request,
                                                grpc::ServerWriter<v1::ExportChunk>* writer) {
  if (grpc::Status auth = Check(*context, Access::kRead); !auth.ok()) return auth;
  const uint32_t batch = std::min<uint32_t>(
      request->batch_size() == 0 ? kDefaultExportBatch : request->batch_size(), 10'000);
  const size_t max_bytes = static_cast<size_t>(options_.max_message_bytes) / 2;
  std::unique_ptr<graph::GraphReader> reader = graph_->Snapshot();
  v1::ExportChunk chunk;
  size_t bytes = 0;
  auto flush_if = [&](bool force) -> bool {
    int n = chunk.vertices_size() + chunk.edges_size();
    if (n == 0 || (!force && static_cast<uint32_t>(n) < batch && bytes < max_bytes)) return true;
    bool ok = writer->Write(chunk);
    chunk.Clear();
    bytes = 0;
    return ok;
  };
  std::unique_ptr<graph::VertexIdStream> ids = reader->ScanVertices();
  for (graph::VertexId id; ids->Next(&id);) {
    absl::StatusOr<std::optional<graph::Vertex>> v = reader->GetVertex(id);
    if (!v.ok()) return ToGrpcStatus(v.status());
    if (!v->has_value()) continue;
    v1::Vertex* wire = chunk.add_vertices();
    VertexToProto(**v, /*with_properties=*/true, wire);
    bytes += wire->ByteSizeLong();
    if (!flush_if(false)) return MakeStatus(grpc::StatusCode::CANCELLED, "the client went away");
  }
  if (!ids->status().ok()) return ToGrpcStatus(ids->status());
  if (!flush_if(true)) return MakeStatus(grpc::StatusCode::CANCELLED, "the client went away");
  std::unique_ptr<graph::EdgeStream> edges = reader->ScanAllEdges();
  for (graph::EdgeKey key; edges->Next(&key);) {
    absl::StatusOr<std::optional<graph::Edge>> e = reader->GetEdge(key);
    if (!e.ok()) return ToGrpcStatus(e.status());
    if (!e->has_value()) continue;
    v1::Edge* wire = chunk.add_edges();
    EdgeToProto(**e, reader.get(), wire);
    bytes += wire->ByteSizeLong();
    if (!flush_if(false)) return MakeStatus(grpc::StatusCode::CANCELLED, "the client went away");
  }
  if (!edges->status().ok()) return ToGrpcStatus(edges->status());
  if (!flush_if(true)) return MakeStatus(grpc::StatusCode::CANCELLED, "the client went away");
  return grpc::Status::OK;
}

grpc::Status KnowledgeGraphService::Backup(grpc::ServerContext* context,
                                           const v1::BackupRequest* request,
                                           v1::BackupResponse* response) {
  // A backup writes files on the server's machine: a read-write token is required.
  if (grpc::Status auth = Check(*context, Access::kWrite); !auth.ok()) return auth;
  if (request->dir().empty() || request->dir()[0] != '/') {
    return MakeStatus(grpc::StatusCode::INVALID_ARGUMENT,
                      "the backup directory must be an absolute path on the server");
  }
  auto start = std::chrono::steady_clock::now();
  absl::Status s = graph_->Backup(request->dir());
  if (!s.ok()) return ToGrpcStatus(s);
  response->set_dir(request->dir());
  response->set_elapsed_ms(std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::steady_clock::now() - start)
                               .count());
  return grpc::Status::OK;
}

}  // namespace kg::server
