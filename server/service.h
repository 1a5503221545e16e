// The handlers of kg.v1.KnowledgeGraph. One file per group of RPCs:
//   service_query.cc     Query, Explain
//   service_ingest.cc    IngestDocuments
//   service_eval.cc      Evaluate
//   service_entities.cc  GetEntity, SearchEntities
//   service_admin.cc     Stats, ListDocuments, ExportGraph, Backup
//   service_import.cc    ImportFiles
// Every handler starts with CheckAccess (auth) and maps absl::Status through ToGrpcStatus.
#ifndef KG_SERVER_SERVICE_H_
#define KG_SERVER_SERVICE_H_

#include <atomic>
#include <memory>
#include <vector>

#include "graph/graph.h"
#include "ingest/ingest.h"
#include "kg/v1/extractor.grpc.pb.h"
#include "kg/v1/kg.grpc.pb.h"
#include "server/server.h"

namespace kg::server {

class KnowledgeGraphService final : public v1::KnowledgeGraph::Service {
 public:
  KnowledgeGraphService(graph::Graph* graph, const ServerOptions& options);

  grpc::Status Query(grpc::ServerContext* context, const v1::QueryRequest* request,
                     grpc::ServerWriter<v1::QueryResponse>* writer) override;
  grpc::Status Explain(grpc::ServerContext* context, const v1::QueryRequest* request,
                       v1::ExplainResponse* response) override;
  grpc::Status IngestDocuments(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<v1::IngestEvent, v1::IngestRequest>* stream) override;
  grpc::Status Evaluate(grpc::ServerContext* context, const v1::EvaluateRequest* request,
                        v1::EvaluateResponse* response) override;
  grpc::Status GetEntity(grpc::ServerContext* context, const v1::GetEntityRequest* request,
                         v1::Entity* response) override;
  grpc::Status SearchEntities(grpc::ServerContext* context, const v1::SearchRequest* request,
                              v1::SearchResponse* response) override;
  grpc::Status Stats(grpc::ServerContext* context, const v1::StatsRequest* request,
                     v1::StatsResponse* response) override;
  grpc::Status ListDocuments(grpc::ServerContext* context, const v1::ListDocumentsRequest* request,
                             v1::ListDocumentsResponse* response) override;
  grpc::Status ExportGraph(grpc::ServerContext* context, const v1::ExportRequest* request,
                           grpc::ServerWriter<v1::ExportChunk>* writer) override;
  grpc::Status ImportFiles(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<v1::ImportFilesEvent, v1::ImportFilesRequest>* stream) override;
  grpc::Status Backup(grpc::ServerContext* context, const v1::BackupRequest* request,
                      v1::BackupResponse* response) override;

 private:
  // Holds one of --max_concurrent_queries slots for a scope; ok() is false when none was free.
  class QuerySlot {
   public:
    QuerySlot(std::atomic<int>* in_flight, int max);
    ~QuerySlot();
    bool ok() const { return ok_; }

   private:
    std::atomic<int>* in_flight_;
    bool ok_;
  };

  // What kgd extracts from one article: the built-in rules, merged with --extractor's output
  // when there is one (service_ingest.cc; IngestDocuments and Evaluate share it).
  absl::StatusOr<ingest::Extraction> ExtractArticle(const ingest::Extractor& extractor,
                                                    const ingest::Document& article) const;

  grpc::Status Check(const grpc::ServerContext& context, Access needed) const {
    return CheckAccess(options_.tokens.get(), context, needed);
  }

  graph::Graph* graph_;
  ServerOptions options_;
  std::atomic<int> queries_in_flight_{0};
  std::atomic<bool> import_running_{false};  // ImportFiles runs one at a time
  std::unique_ptr<v1::Extractor::Stub> remote_extractor_;  // null without --extractor
};

// The articles of one request's document: a brief is split (ingest::SplitBrief), a document
// that comes with its own title (JSONL) is one article (service_ingest.cc).
absl::StatusOr<std::vector<ingest::Document>> ArticlesOf(const v1::Document& doc);

}  // namespace kg::server

#endif  // KG_SERVER_SERVICE_H_
