// GetEntity and SearchEntities: lookups for people and dashboards, served from one snapshot.
#include <algorithm>
#include <chrono>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "graph/normalize.h"
#include "server/convert.h"
#include "server/errors.h"
#include "server/service.h"

namespace kg::server {
namespace {

constexpr uint32_t kDefaultEdgePage = 100;
constexpr uint32_t kMaxEdgePage = 10'000;
constexpr uint32_t kDefaultSearchLimit = 20;
constexpr uint32_t kMaxSearchLimit = 1000;

// Page tokens are offsets, in decimal: simple, and stable on an unchanged graph.
absl::StatusOr<uint64_t> ParsePageToken(const std::string& token) {
  if (token.empty()) return 0;
  uint64_t offset = 0;
  if (!absl::SimpleAtoi(token, &offset)) {
    return absl::InvalidArgumentError(absl::StrCat("bad page_token '", token, "'"));
  }
  return offset;
}

absl::StatusOr<int64_t> TotalDegree(graph::GraphReader& reader, graph::VertexId id) {
  absl::StatusOr<int64_t> out = reader.Degree(id, graph::Direction::kOut);
  if (!out.ok()) return out.status();
  absl::StatusOr<int64_t> in = reader.Degree(id, graph::Direction::kIn);
  if (!in.ok()) return in.status();
  return *out + *in;
}

absl::Status Summarize(graph::GraphReader& reader, graph::VertexId id, bool with_degree,
                       v1::EntitySummary* out) {
  out->set_id(id);
  absl::StatusOr<std::optional<graph::Vertex>> v = reader.GetVertex(id);
  if (!v.ok()) return v.status();
  if (v->has_value()) {
    const graph::Vertex& vertex = **v;
    if (!vertex.labels.empty()) out->set_label(vertex.labels.front());
    out->set_name(DisplayName(vertex));
  }
  if (with_degree) {
    absl::StatusOr<int64_t> degree = TotalDegree(reader, id);
    if (!degree.ok()) return degree.status();
    out->set_degree(*degree);
  }
  return absl::OkStatus();
}

// The vertex a GetEntityRequest names; NOT_FOUND (with the name in the detail) when none.
absl::StatusOr<graph::Vertex> ResolveEntity(graph::GraphReader& reader,
                                            const v1::GetEntityRequest& req, v1::Entity* response) {
  std::optional<graph::VertexId> id;
  std::string what;
  if (req.ref_case() == v1::GetEntityRequest::kId) {
    id = req.id();
    what = absl::StrCat("vertex ", req.id());
  } else if (req.ref_case() == v1::GetEntityRequest::kName) {
    if (req.name().empty()) return absl::InvalidArgumentError("the entity name is empty");
    if (!graph::IsValidUtf8(req.name())) {
      return absl::InvalidArgumentError("the entity name is not valid UTF-8");
    }
    what = absl::StrCat("'", req.name(), "'");
    std::optional<graph::LabelId> label;
    if (!req.label().empty()) {
      label = reader.FindLabel(req.label());
      if (!label.has_value()) {
        return absl::NotFoundError(absl::StrCat("no entity named ", what, " with label ",
                                                req.label(), " (unknown label)"));
      }
    }
    std::unique_ptr<graph::VertexIdStream> hits = reader.FindByAlias(req.name(), label);
    int extra = 0;
    for (graph::VertexId hit; hits->Next(&hit);) {
      if (!id.has_value()) {
        id = hit;
      } else if (extra++ < 20) {
        absl::Status s = Summarize(reader, hit, false, response->add_other_matches());
        if (!s.ok()) return s;
      }
    }
    if (!hits->status().ok()) return hits->status();
  } else {
    return absl::InvalidArgumentError("GetEntity needs an id or a name");
  }
  if (id.has_value()) {
    absl::StatusOr<std::optional<graph::Vertex>> v = reader.GetVertex(*id);
    if (!v.ok()) return v.status();
    if (v->has_value()) {
      if (req.ref_case() == v1::GetEntityRequest::kId && !req.label().empty() &&
          ((*v)->labels.empty() || (*v)->labels.front() != req.label())) {
        return absl::NotFoundError(absl::StrCat("no entity ", what, " with label ", req.label()));
      }
      return **std::move(v);
    }
  }
  return absl::NotFoundError(absl::StrCat("no entity ", what));
}

// Adds the page [offset, offset + page) of the vertex's edges (out edges first, then in edges;
// each by label) to `response`, grouped by (direction, label).
absl::Status AddEdgePage(graph::GraphReader& reader, graph::VertexId vertex, uint64_t offset,
                         uint32_t page, v1::Entity* response) {
  uint64_t position = 0;
  uint32_t taken = 0;
  for (graph::Direction dir : {graph::Direction::kOut, graph::Direction::kIn}) {
    std::unique_ptr<graph::EdgeStream> edges = reader.ScanEdges(vertex, dir);
    v1::EdgeGroup* group = nullptr;
    for (graph::EdgeKey key; edges->Next(&key); ++position) {
      if (position < offset) continue;
      if (taken == page) {
        response->set_next_page_token(absl::StrCat(position));
        return absl::OkStatus();
      }
      ++taken;
      std::string label = reader.LabelName(key.label);
      v1::Direction wire_dir = dir == graph::Direction::kOut ? v1::OUT : v1::IN;
      if (group == nullptr || group->label() != label || group->direction() != wire_dir) {
        group = response->add_groups();
        group->set_label(label);
        group->set_direction(wire_dir);
        absl::StatusOr<int64_t> total = reader.Degree(vertex, dir, key.label);
        if (!total.ok()) return total.status();
        group->set_total(*total);
      }
      v1::Neighbor* n = group->add_edges();
      absl::StatusOr<std::optional<graph::Edge>> edge = reader.GetEdge(key);
      if (!edge.ok()) return edge.status();
      if (edge->has_value()) {
        EdgeToProto(**edge, &reader, n->mutable_edge());
      } else {
        n->mutable_edge()->set_id(key.ToString());
        n->mutable_edge()->set_label(label);
      }
      graph::VertexId other = dir == graph::Direction::kOut ? key.dst : key.src;
      absl::Status s = Summarize(reader, other, false, n->mutable_other());
      if (!s.ok()) return s;
    }
    if (!edges->status().ok()) return edges->status();
  }
  return absl::OkStatus();
}

// The normalised names and aliases of a vertex (what the alias index holds).
std::vector<std::string> NamesOf(const graph::Vertex& v) {
  std::vector<std::string> out;
  auto add = [&](const graph::Value& value) {
    if (!value.is_string()) return;
    absl::StatusOr<std::string> key = graph::CanonicalKey(value.as_string());
    if (key.ok()) out.push_back(*std::move(key));
  };
  for (const graph::VertexProperty& p : v.properties) {
    if (p.key != "name" && p.key != "aliases") continue;
    if (p.value.is_list()) {
      for (const graph::Value& item : p.value.as_list()) add(item);
    } else {
      add(p.value);
    }
  }
  return out;
}

}  // namespace

grpc::Status KnowledgeGraphService::GetEntity(grpc::ServerContext* context,
                                              const v1::GetEntityRequest* request,
                                              v1::Entity* response) {
  if (grpc::Status auth = Check(*context, Access::kRead); !auth.ok()) return auth;
  absl::StatusOr<uint64_t> offset = ParsePageToken(request->page_token());
  if (!offset.ok()) return ToGrpcStatus(offset.status());
  const uint32_t page =
      std::min(request->page_size() == 0 ? kDefaultEdgePage : request->page_size(), kMaxEdgePage);

  std::unique_ptr<graph::GraphReader> reader = graph_->Snapshot();
  absl::StatusOr<graph::Vertex> vertex = ResolveEntity(*reader, *request, response);
  if (!vertex.ok()) {
    v1::ErrorDetail detail;
    if (vertex.status().code() == absl::StatusCode::kNotFound) {
      detail.set_not_found(request->ref_case() == v1::GetEntityRequest::kId
                               ? absl::StrCat(request->id())
                               : request->name());
    }
    return ToGrpcStatus(vertex.status(), detail);
  }
  VertexToProto(*vertex, /*with_properties=*/true, response->mutable_vertex());
  absl::StatusOr<int64_t> degree = TotalDegree(*reader, vertex->id);
  if (!degree.ok()) return ToGrpcStatus(degree.status());
  response->set_degree(*degree);
  absl::Status s = AddEdgePage(*reader, vertex->id, *offset, page, response);
  if (!s.ok()) return ToGrpcStatus(s);
  if (request->include_evidence()) {
    absl::StatusOr<std::vector<graph::Evidence>> evidence =
        reader->GetEvidence(graph::ElementRef(vertex->id));
    if (!evidence.ok()) return ToGrpcStatus(evidence.status());
    for (const graph::Evidence& e : *evidence) {
      v1::EvidenceInfo* info = response->add_evidence();
      info->set_doc_id(e.doc_id);
      info->set_sentence(e.sentence);
      info->set_rule(e.rule);
      info->set_confidence(e.confidence);
    }
  }
  return grpc::Status::OK;
}

grpc::Status KnowledgeGraphService::SearchEntities(grpc::ServerContext* context,
                                                   const v1::SearchRequest* request,
                                                   v1::SearchResponse* response) {
  if (grpc::Status auth = Check(*context, Access::kRead); !auth.ok()) return auth;
  absl::StatusOr<uint64_t> offset = ParsePageToken(request->page_token());
  if (!offset.ok()) return ToGrpcStatus(offset.status());
  const uint32_t limit =
      std::min(request->limit() == 0 ? kDefaultSearchLimit : request->limit(), kMaxSearchLimit);
  absl::StatusOr<std::string> needle = graph::CanonicalKey(request->query());
  if (!needle.ok()) return ToGrpcStatus(needle.status());
  if (request->mode() == v1::SearchRequest::SUBSTRING && needle->empty()) {
    return MakeStatus(grpc::StatusCode::INVALID_ARGUMENT, "a substring search needs a query");
  }

  std::unique_ptr<graph::GraphReader> reader = graph_->Snapshot();
  absl::flat_hash_set<std::string> labels(request->labels().begin(), request->labels().end());
  absl::flat_hash_set<graph::VertexId> seen;
  uint64_t matched = 0;  // distinct matching vertices so far, for paging
  // Returns false when the page is full (and sets the next token).
  auto offer = [&](graph::VertexId id, graph::LabelId label, const std::string& alias) -> bool {
    if (!labels.empty() && !labels.contains(reader->LabelName(label))) return true;
    if (!seen.insert(id).second) return true;
    if (matched++ < *offset) return true;
    if (static_cast<uint32_t>(response->hits_size()) == limit) {
      response->set_next_page_token(absl::StrCat(matched - 1));
      return false;
    }
    v1::EntitySummary* hit = response->add_hits();
    hit->set_matched_alias(alias);
    absl::Status s = Summarize(*reader, id, /*with_degree=*/true, hit);
    (void)s;  // a vertex deleted under the snapshot cannot happen; keep the id regardless
    return true;
  };

  if (request->mode() == v1::SearchRequest::PREFIX) {
    std::unique_ptr<graph::Stream<graph::AliasHit>> hits = reader->SearchAliasPrefix(*needle);
    for (graph::AliasHit hit; hits->Next(&hit);) {
      if (!offer(hit.id, hit.label, hit.normalized_alias)) break;
      if (context->IsCancelled()) return MakeStatus(grpc::StatusCode::CANCELLED, "cancelled");
    }
    if (!hits->status().ok()) return ToGrpcStatus(hits->status());
    return grpc::Status::OK;
  }
  // Substring: no index answers it, so scan the vertices (bounded by the call's deadline).
  std::unique_ptr<graph::VertexIdStream> ids = reader->ScanVertices();
  uint64_t scanned = 0;
  for (graph::VertexId id; ids->Next(&id);) {
    if ((++scanned & 255) == 0 && context->IsCancelled()) {
      return MakeStatus(grpc::StatusCode::CANCELLED, "cancelled");
    }
    absl::StatusOr<std::optional<graph::Vertex>> v = reader->GetVertex(id);
    if (!v.ok()) return ToGrpcStatus(v.status());
    if (!v->has_value() || (*v)->labels.empty()) continue;
    for (const std::string& name : NamesOf(**v)) {
      if (name.find(*needle) == std::string::npos) continue;
      std::optional<graph::LabelId> label = reader->FindLabel((*v)->labels.front());
      if (!offer(id, label.value_or(0), name)) return grpc::Status::OK;
      break;
    }
  }
  if (!ids->status().ok()) return ToGrpcStatus(ids->status());
  return grpc::Status::OK;
}

}  // namespace kg::server
