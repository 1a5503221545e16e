#include "server/remote_extractor.h"

#include <chrono>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "server/convert.h"

namespace kg::server {
namespace {

absl::StatusOr<ingest::Span> SpanFromProto(const v1::Span& span, size_t text_size) {
  if (span.begin() > span.end() || span.end() > text_size) {
    return absl::InvalidArgumentError(absl::StrCat(
        "span [", span.begin(), ", ", span.end(), ") is outside the text (", text_size, " bytes)"));
  }
  return ingest::Span{span.begin(), span.end()};
}

}  // namespace

absl::StatusOr<ingest::Extraction> ExtractionFromProto(const v1::ExtractResponse& response,
                                                       const ingest::Document& document) {
  ingest::Extraction out;
  out.document = document;
  out.document_entity = false;
  const std::string rule = response.extractor().empty() ? "remote" : response.extractor();
  absl::flat_hash_map<std::string, int> index;
  for (const v1::ExtractedEntity& e : response.entities()) {
    if (e.label().empty() || e.name().empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("extractor entity '", e.ref(), "' has no label or no name"));
    }
    ingest::Entity entity;
    entity.label = e.label();
    entity.name = e.name();
    entity.aliases.assign(e.aliases().begin(), e.aliases().end());
    entity.confidence = e.confidence() > 0 ? e.confidence() : 1.0;
    entity.rule = rule;
    for (const v1::Span& s : e.mentions()) {
      absl::StatusOr<ingest::Span> span = SpanFromProto(s, document.text.size());
      if (!span.ok()) return span.status();
      entity.mentions.push_back(*span);
    }
    index[e.ref()] = static_cast<int>(out.entities.size());
    out.entities.push_back(std::move(entity));
  }
  for (const v1::ExtractedRelation& r : response.relations()) {
    auto s = index.find(r.subject());
    auto o = index.find(r.object());
    if (s == index.end() || o == index.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("extractor relation ", r.label(), " names an unknown entity ref '",
                       s == index.end() ? r.subject() : r.object(), "'"));
    }
    ingest::Relation relation;
    relation.subject = s->second;
    relation.edge = r.label();
    relation.object = o->second;
    for (const v1::Property& p : r.properties()) {
      absl::StatusOr<graph::Value> v = GraphValueFromProto(p.value());
      if (!v.ok()) return v.status();
      relation.props.emplace_back(p.key(), *std::move(v));
    }
    if (r.has_evidence()) {
      absl::StatusOr<ingest::Span> span = SpanFromProto(r.evidence(), document.text.size());
      if (!span.ok()) return span.status();
      relation.evidence = *span;
    }
    relation.rule = rule;
    relation.confidence = r.confidence() > 0 ? r.confidence() : 1.0;
    out.relations.push_back(std::move(relation));
  }
  return out;
}

absl::StatusOr<ingest::Extraction> MergeRemoteExtraction(v1::Extractor::StubInterface* stub,
                                                         const ingest::Extractor& extractor,
                                                         ingest::Extraction builtin,
                                                         absl::Duration timeout) {
  v1::ExtractRequest request;
  request.set_doc_id(builtin.document.id);
  request.set_text(builtin.document.text);
  request.set_language(builtin.document.lang);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::milliseconds(absl::ToInt64Milliseconds(timeout)));
  v1::ExtractResponse response;
  grpc::Status status = stub->Extract(&context, request, &response);
  if (!status.ok()) {
    // The extractor is a dependency of kgd: its failure is UNAVAILABLE for the document.
    return absl::UnavailableError(
        absl::StrCat("the external extractor failed: ", status.error_message()));
  }
  absl::StatusOr<ingest::Extraction> remote = ExtractionFromProto(response, builtin.document);
  if (!remote.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the external extractor's output: ", remote.status().message()));
  }
  const int offset = static_cast<int>(builtin.entities.size());
  for (ingest::Entity& e : remote->entities) builtin.entities.push_back(std::move(e));
  for (ingest::Relation& r : remote->relations) {
    r.subject += offset;
    r.object += offset;
    builtin.relations.push_back(std::move(r));
  }
  return extractor.Resolve(std::move(builtin));
}

}  // namespace kg::server
