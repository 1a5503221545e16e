// Stats, ListDocuments, ExportGraph, ImportGraph and Backup.
#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
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
// An import is one transaction held in memory: bound it.
constexpr size_t kMaxImportElements = 2'000'000;

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

// Property writes of an imported vertex: a key given several times keeps every value (list
// cardinality), as GraphSON's list-valued "properties" means.
std::vector<graph::PropertyWrite> VertexPropertyWrites(const v1::Vertex& v, absl::Status* error) {
  absl::flat_hash_map<std::string, int> count;
  for (const v1::VertexProperty& p : v.properties()) ++count[p.key()];
  std::vector<graph::PropertyWrite> out;
  for (const v1::VertexProperty& p : v.properties()) {
    absl::StatusOr<graph::Value> value = GraphValueFromProto(p.value());
    if (!value.ok()) {
      *error = absl::InvalidArgumentError(
          absl::StrCat("property '", p.key(), "': ", value.status().message()));
      return {};
    }
    graph::PropertyWrite w(
        p.key(), *std::move(value),
        count[p.key()] > 1 ? graph::Cardinality::kList : graph::Cardinality::kSingle);
    for (const v1::Property& m : p.meta()) {
      absl::StatusOr<graph::Value> mv = GraphValueFromProto(m.value());
      if (!mv.ok()) {
        *error = mv.status();
        return {};
      }
      w.meta.emplace_back(m.key(), *std::move(mv));
    }
    out.push_back(std::move(w));
  }
  return out;
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

grpc::Status KnowledgeGraphService::ImportGraph(grpc::ServerContext* context,
                                                grpc::ServerReader<v1::ImportRequest>* reader,
                                                v1::ImportResponse* response) {
  if (grpc::Status auth = Check(*context, Access::kWrite); !auth.ok()) return auth;
  std::vector<v1::Vertex> vertices;
  std::vector<v1::Edge> edges;
  for (v1::ImportRequest request; reader->Read(&request);) {
    for (v1::Vertex& v : *request.mutable_vertices()) vertices.push_back(std::move(v));
    for (v1::Edge& e : *request.mutable_edges()) edges.push_back(std::move(e));
    if (vertices.size() + edges.size() > kMaxImportElements) {
      v1::ErrorDetail detail;
      detail.set_limit_name("max_import_elements");
      detail.set_limit_value(static_cast<int64_t>(kMaxImportElements));
      return MakeStatus(grpc::StatusCode::RESOURCE_EXHAUSTED,
                        absl::StrCat("an import holds at most ", kMaxImportElements,
                                     " elements (one transaction); split the file"),
                        detail);
    }
  }
  if (context->IsCancelled()) return MakeStatus(grpc::StatusCode::CANCELLED, "cancelled");

  v1::ErrorDetail detail;
  absl::Status status = graph_->Write([&](graph::GraphTxn& txn) -> absl::Status {
    // External ids are compared by their debug rendering, which keeps the type (1 vs "1").
    absl::flat_hash_map<std::string, graph::VertexId> by_external_id;
    for (size_t i = 0; i < vertices.size(); ++i) {
      const v1::Vertex& v = vertices[i];
      detail.set_input(absl::StrCat("vertex ", i + 1));
      if (v.labels().empty()) return absl::InvalidArgumentError("a vertex needs a label");
      absl::StatusOr<graph::Value> external = GraphValueFromProto(v.external_id());
      if (!external.ok()) return external.status();
      absl::Status error;
      std::vector<graph::PropertyWrite> props = VertexPropertyWrites(v, &error);
      if (!error.ok()) return error;
      std::vector<std::string> labels(v.labels().begin(), v.labels().end());
      absl::StatusOr<graph::VertexId> id = txn.AddVertex(labels, v.key(), *external, props);
      if (!id.ok()) return id.status();
      if (!external->is_null()) by_external_id[external->DebugString()] = *id;
    }
    auto resolve = [&](const v1::Value& ref) -> absl::StatusOr<graph::VertexId> {
      absl::StatusOr<graph::Value> external = GraphValueFromProto(ref);
      if (!external.ok()) return external.status();
      if (external->is_null()) return absl::InvalidArgumentError("an edge end has no vertex id");
      auto it = by_external_id.find(external->DebugString());
      if (it != by_external_id.end()) return it->second;
      absl::StatusOr<std::optional<graph::VertexId>> existing =
          txn.FindVertexByExternalId(*external);
      if (!existing.ok()) return existing.status();
      if (!existing->has_value()) {
        return absl::InvalidArgumentError(absl::StrCat("an edge refers to vertex ",
                                                       external->DebugString(),
                                                       ", which is neither "
                                                       "in the import nor in the database"));
      }
      return **existing;
    };
    for (size_t i = 0; i < edges.size(); ++i) {
      const v1::Edge& e = edges[i];
      detail.set_input(absl::StrCat("edge ", i + 1));
      if (e.label().empty()) return absl::InvalidArgumentError("an edge needs a label");
      absl::StatusOr<graph::VertexId> src = resolve(e.out_external_id());
      if (!src.ok()) return src.status();
      absl::StatusOr<graph::VertexId> dst = resolve(e.in_external_id());
      if (!dst.ok()) return dst.status();
      absl::StatusOr<graph::Value> external = GraphValueFromProto(e.external_id());
      if (!external.ok()) return external.status();
      std::vector<graph::PropertyWrite> props;
      for (const v1::Property& p : e.properties()) {
        absl::StatusOr<graph::Value> value = GraphValueFromProto(p.value());
        if (!value.ok()) return value.status();
        props.emplace_back(p.key(), *std::move(value));
      }
      absl::StatusOr<graph::EdgeKey> key = txn.AddEdge(*src, e.label(), *dst, *external, props);
      if (!key.ok()) return key.status();
    }
    detail.clear_input();
    return absl::OkStatus();
  });
  if (!status.ok()) return ToGrpcStatus(status, detail);
  response->set_vertices(static_cast<int64_t>(vertices.size()));
  response->set_edges(static_cast<int64_t>(edges.size()));
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
