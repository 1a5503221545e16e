// Evaluate: scores the extractor kgd runs against gold annotations. The articles go through the
// same splitting and extraction as IngestDocuments (including --extractor), and the scoring is
// ingest::EvaluateGold, so `kg eval` measures exactly what an ingest would write, with no scoring
// code in the client. Nothing is written.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/errors.h"
#include "server/service.h"

namespace kg::server {
namespace {

void ScoreToProto(const ingest::Score& s, v1::PrfScore* out) {
  out->set_true_positives(s.tp);
  out->set_false_positives(s.fp);
  out->set_false_negatives(s.fn);
  out->set_precision(s.precision());
  out->set_recall(s.recall());
  out->set_f1(s.f1());
}

void ReportToProto(const ingest::EvalReport& report, bool details, v1::EvaluateResponse* out) {
  for (const ingest::ArticleScore& a : report.articles) {
    v1::ArticleScore* pa = out->add_articles();
    pa->set_doc_id(a.doc_id);
    pa->set_title(a.title);
    ScoreToProto(a.entities, pa->mutable_entities());
    ScoreToProto(a.relations, pa->mutable_relations());
    if (!details) continue;
    for (const std::string& m : a.missed) pa->add_missed(m);
    for (const std::string& m : a.spurious) pa->add_spurious(m);
    for (const std::string& m : a.qualifier_errors) pa->add_qualifier_errors(m);
  }
  ScoreToProto(report.entities, out->mutable_entities());
  ScoreToProto(report.relations, out->mutable_relations());
  for (const ingest::QualifierScore& q : report.qualifiers) {
    v1::QualifierScore* pq = out->add_qualifiers();
    pq->set_key(q.key);
    pq->set_gold(q.gold);
    pq->set_right(q.right);
    pq->set_wrong(q.wrong);
    pq->set_missing(q.missing);
    pq->set_extra(q.extra);
  }
}

// INVALID_ARGUMENT naming the input at fault in ErrorDetail.input.
grpc::Status BadInput(const std::string& input, const absl::Status& status) {
  v1::ErrorDetail detail;
  detail.set_input(input);
  return MakeStatus(grpc::StatusCode::INVALID_ARGUMENT, absl::StrCat(input, ": ", status.message()),
                    detail);
}

}  // namespace

grpc::Status KnowledgeGraphService::Evaluate(grpc::ServerContext* context,
                                             const v1::EvaluateRequest* request,
                                             v1::EvaluateResponse* response) {
  if (grpc::Status auth = Check(*context, Access::kRead); !auth.ok()) return auth;
  if (options_.bundle == nullptr) {
    return MakeStatus(grpc::StatusCode::FAILED_PRECONDITION,
                      "kgd was started without an extraction bundle");
  }
  if (request->gold_size() == 0) {
    return MakeStatus(grpc::StatusCode::INVALID_ARGUMENT, "Evaluate needs at least one gold file");
  }
  const ingest::Extractor extractor(options_.bundle);
  std::vector<ingest::Extraction> extractions;
  for (const v1::Document& doc : request->documents()) {
    const std::string input = doc.path().empty() ? doc.id() : doc.path();
    absl::StatusOr<std::vector<ingest::Document>> articles = ArticlesOf(doc);
    if (!articles.ok()) return BadInput(input, articles.status());
    for (const ingest::Document& article : *articles) {
      if (context->IsCancelled()) {
        return MakeStatus(grpc::StatusCode::CANCELLED, "the client cancelled the evaluation");
      }
      absl::StatusOr<ingest::Extraction> x = ExtractArticle(extractor, article);
      if (!x.ok()) return BadInput(absl::StrCat(input, " (", article.id, ")"), x.status());
      extractions.push_back(*std::move(x));
    }
  }
  std::vector<ingest::GoldFile> gold;
  for (const v1::GoldFile& g : request->gold()) gold.push_back({g.name(), g.content()});
  absl::StatusOr<ingest::EvalReport> report =
      ingest::EvaluateGold(extractions, gold, options_.bundle->SymmetricEdges());
  if (!report.ok()) return ToGrpcStatus(report.status());
  ReportToProto(*report, request->details(), response);
  response->set_documents(static_cast<int64_t>(extractions.size()));
  return grpc::Status::OK;
}

}  // namespace kg::server
