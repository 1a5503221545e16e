// IngestDocuments: documents stream in; each article is extracted and committed in its own
// atomic, durable write (ingest::Ingest with one extraction = one Graph::Write), then
// acknowledged with its report, so a client knows exactly which documents are stored. With
// IngestOptions.explain the report also carries what was extracted and which rule made each item.
// A document that carries its own extraction (Document.extraction) is checked and written as
// given, with no extractor run; an invalid one fails that document only, like any other.
#include <chrono>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/convert.h"
#include "server/errors.h"
#include "server/remote_extractor.h"
#include "server/service.h"

namespace kg::server {
namespace {

// The id a request's text goes by: the given id, else the file's base name, else a digest.
std::string RequestId(const v1::Document& doc) {
  if (!doc.id().empty()) return doc.id();
  std::string path = doc.path();
  while (!path.empty() && path.back() == '/') path.pop_back();
  size_t slash = path.rfind('/');
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  if (!base.empty()) return base;
  ingest::Document d;
  d.text = doc.text();
  return absl::StrCat("doc-", ingest::ContentHash(d).substr(0, 16));
}

void SpanToProto(ingest::Span span, v1::TextSpan* out) {
  out->set_begin(span.begin);
  out->set_end(span.end);
}

// What IngestOptions.explain returns: the extraction with each item's rule and evidence.
void ExtractionToProto(const ingest::Extraction& x, v1::DocumentExtraction* out) {
  out->set_source(x.document.source);
  out->set_source_country(x.document.source_country);
  out->set_published(x.document.published);
  out->set_container(x.document.container);
  for (const ingest::Entity& e : x.entities) {
    v1::ExplainedEntity* pe = out->add_entities();
    pe->set_label(e.label);
    pe->set_name(e.name);
    for (const std::string& a : e.aliases) pe->add_aliases(a);
    pe->set_rule(e.rule);
    pe->set_confidence(e.confidence);
    for (const ingest::Span& m : e.mentions) SpanToProto(m, pe->add_mentions());
    pe->set_evidence(ingest::EntityEvidence(x, e));
  }
  auto name_of = [&](int i) {
    return i >= 0 && static_cast<size_t>(i) < x.entities.size() ? x.entities[i].name
                                                                : std::string();
  };
  for (const ingest::Relation& r : x.relations) {
    v1::ExplainedRelation* pr = out->add_relations();
    pr->set_subject(r.subject);
    pr->set_edge(r.edge);
    pr->set_object(r.object);
    pr->set_subject_name(name_of(r.subject));
    pr->set_object_name(name_of(r.object));
    for (const auto& [key, value] : r.props) {
      v1::Property* q = pr->add_qualifiers();
      q->set_key(key);
      GraphValueToProto(value, q->mutable_value());
    }
    pr->set_rule(r.rule);
    pr->set_confidence(r.confidence);
    SpanToProto(r.evidence, pr->mutable_evidence_span());
    if (r.evidence.begin <= r.evidence.end && r.evidence.end <= x.document.text.size()) {
      pr->set_evidence(std::string(x.Text(r.evidence)));
    }
  }
}

void Fail(const absl::Status& status, v1::DocumentReport* report) {
  report->set_status(v1::DocumentReport::FAILED);
  report->set_error(std::string(status.message()));
  report->set_error_code(static_cast<int32_t>(status.code()));
}

// Writes one extracted article (unless `dry_run`) and fills its report.
void CommitArticle(graph::Graph* graph, bool dry_run, ingest::Extraction x, v1::DocumentReport* r) {
  if (dry_run) {
    r->set_status(v1::DocumentReport::DRY_RUN);
    r->set_entities_added(static_cast<int64_t>(x.entities.size()));
    r->set_relations_added(static_cast<int64_t>(x.relations.size()));
    return;
  }
  absl::StatusOr<ingest::IngestReport> written = ingest::Ingest(*graph, {std::move(x)});
  if (!written.ok()) {
    Fail(written.status(), r);
    return;
  }
  r->set_status(written->documents_unchanged > 0 ? v1::DocumentReport::UNCHANGED
                                                 : v1::DocumentReport::COMMITTED);
  r->set_entities_added(written->vertices_created);
  r->set_entities_merged(written->vertices_merged);
  r->set_entities_retracted(written->vertices_retracted);
  r->set_relations_added(written->edges_created);
  r->set_relations_merged(written->edges_merged);
  r->set_relations_retracted(written->edges_retracted);
}

// A document that comes with its extraction is one article, whatever its text looks like: the
// extraction is of the whole text.
absl::StatusOr<ingest::Extraction> GivenExtraction(const ingest::Extractor& extractor,
                                                   const v1::Document& doc) {
  ingest::Document article;
  article.id = RequestId(doc);
  absl::StatusOr<std::string> cleaned = ingest::CleanText(doc.text());
  if (!cleaned.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("document ", article.id, ": ", cleaned.status().message()));
  }
  article.text = *std::move(cleaned);
  article.title = doc.title();
  article.source = doc.source();
  article.published = doc.published();
  absl::StatusOr<ingest::ExtractionInput> input =
      ExtractionInputFromProto(doc.extraction(), std::move(article));
  if (!input.ok()) return input.status();
  return ingest::ExtractionFromInput(extractor, *std::move(input));
}

}  // namespace

absl::StatusOr<std::vector<ingest::Document>> ArticlesOf(const v1::Document& doc) {
  absl::StatusOr<std::string> cleaned = ingest::CleanText(doc.text());
  if (!cleaned.ok()) return cleaned.status();
  const std::string id = RequestId(doc);
  if (!doc.title().empty()) {
    ingest::Document article;
    article.id = id;
    article.title = doc.title();
    article.source = doc.source();
    article.published = doc.published();
    article.text = *std::move(cleaned);
    return std::vector<ingest::Document>{std::move(article)};
  }
  std::vector<ingest::Document> articles = ingest::SplitBrief(*cleaned, id);
  if (articles.size() > 1) {
    for (ingest::Document& a : articles) {
      if (a.container.empty()) a.container = id;
    }
  }
  if (articles.empty()) return absl::InvalidArgumentError("the document has no text");
  return articles;
}

namespace {

void AddToSummary(const v1::DocumentReport& r, v1::IngestSummary* s) {
  s->set_documents(s->documents() + 1);
  switch (r.status()) {
    case v1::DocumentReport::COMMITTED:
      s->set_committed(s->committed() + 1);
      break;
    case v1::DocumentReport::UNCHANGED:
      s->set_unchanged(s->unchanged() + 1);
      break;
    case v1::DocumentReport::FAILED:
      s->set_failed(s->failed() + 1);
      break;
    default:
      break;
  }
  s->set_entities_added(s->entities_added() + r.entities_added());
  s->set_entities_merged(s->entities_merged() + r.entities_merged());
  s->set_entities_retracted(s->entities_retracted() + r.entities_retracted());
  s->set_relations_added(s->relations_added() + r.relations_added());
  s->set_relations_merged(s->relations_merged() + r.relations_merged());
  s->set_relations_retracted(s->relations_retracted() + r.relations_retracted());
}

}  // namespace

absl::StatusOr<ingest::Extraction> KnowledgeGraphService::ExtractArticle(
    const ingest::Extractor& extractor, const ingest::Document& article) const {
  absl::StatusOr<ingest::Extraction> x = extractor.Extract(article);
  if (x.ok() && remote_extractor_ != nullptr) {
    x = MergeRemoteExtraction(remote_extractor_.get(), extractor, *std::move(x), absl::Seconds(30));
  }
  return x;
}

grpc::Status KnowledgeGraphService::IngestDocuments(
    grpc::ServerContext* context,
    grpc::ServerReaderWriter<v1::IngestEvent, v1::IngestRequest>* stream) {
  if (grpc::Status auth = Check(*context, Access::kRead); !auth.ok()) return auth;
  const ingest::Extractor extractor(options_.bundle);
  auto start = std::chrono::steady_clock::now();
  v1::IngestSummary summary;
  bool dry_run = false, explain = false;
  bool write_checked = false;
  uint32_t sequence = 0;

  for (v1::IngestRequest request; stream->Read(&request); ++sequence) {
    if (request.has_options()) {
      if (sequence != 0) {
        return MakeStatus(grpc::StatusCode::INVALID_ARGUMENT,
                          "IngestOptions must be the first message of the stream");
      }
      dry_run = request.options().dry_run();
      explain = request.options().explain();
      continue;
    }
    if (!request.has_document()) {
      return MakeStatus(grpc::StatusCode::INVALID_ARGUMENT,
                        absl::StrCat("message ", sequence, " carries no document"));
    }
    if (!dry_run && !write_checked) {
      if (grpc::Status auth = Check(*context, Access::kWrite); !auth.ok()) return auth;
      write_checked = true;
    }
    if (options_.bundle == nullptr) {
      return MakeStatus(grpc::StatusCode::FAILED_PRECONDITION,
                        "kgd was started without an extraction bundle");
    }
    summary.set_requests(summary.requests() + 1);
    const v1::Document& doc = request.document();
    std::vector<v1::DocumentReport> reports;
    absl::StatusOr<std::vector<ingest::Document>> articles;  // unless it comes extracted
    if (!doc.has_extraction()) articles = ArticlesOf(doc);
    if (doc.has_extraction()) {
      // The user's own extraction: checked and written as given, no extractor runs.
      v1::DocumentReport& r = reports.emplace_back();
      r.set_doc_id(RequestId(doc));
      r.set_title(doc.title());
      absl::StatusOr<ingest::Extraction> x = GivenExtraction(extractor, doc);
      if (!x.ok()) {
        Fail(x.status(), &r);
      } else {
        r.set_title(x->document.title);
        if (explain) ExtractionToProto(*x, r.mutable_extraction());
        CommitArticle(graph_, dry_run, *std::move(x), &r);
        if (r.status() == v1::DocumentReport::FAILED) r.clear_extraction();
      }
    } else if (!articles.ok()) {
      v1::DocumentReport& r = reports.emplace_back();
      r.set_doc_id(RequestId(doc));
      Fail(articles.status(), &r);
    } else {
      for (const ingest::Document& article : *articles) {
        if (context->IsCancelled()) {
          return MakeStatus(grpc::StatusCode::CANCELLED, "the client cancelled the ingest");
        }
        v1::DocumentReport& r = reports.emplace_back();
        r.set_doc_id(article.id);
        r.set_title(article.title);
        absl::StatusOr<ingest::Extraction> x = ExtractArticle(extractor, article);
        if (!x.ok()) {
          Fail(x.status(), &r);
          continue;
        }
        // Explained before the write, which consumes the extraction; dropped again if it fails.
        if (explain) ExtractionToProto(*x, r.mutable_extraction());
        CommitArticle(graph_, dry_run, *std::move(x), &r);
        if (r.status() == v1::DocumentReport::FAILED) r.clear_extraction();
      }
    }
    for (size_t i = 0; i < reports.size(); ++i) {
      v1::DocumentReport& r = reports[i];
      r.set_path(doc.path());
      r.set_sequence(sequence);
      r.set_last_for_request(i + 1 == reports.size());
      AddToSummary(r, &summary);
      v1::IngestEvent event;
      *event.mutable_report() = std::move(r);
      if (!stream->Write(event)) {
        return MakeStatus(grpc::StatusCode::CANCELLED, "the client went away");
      }
    }
  }
  if (context->IsCancelled()) {
    return MakeStatus(grpc::StatusCode::CANCELLED, "the client cancelled the ingest");
  }
  summary.set_elapsed_ms(std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::steady_clock::now() - start)
                             .count());
  v1::IngestEvent event;
  *event.mutable_summary() = summary;
  stream->Write(event);
  return grpc::Status::OK;
}

}  // namespace kg::server
