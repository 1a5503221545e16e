// The pluggable extractor (`kgd --extractor=HOST:PORT`): calls kg.v1.Extractor for a document and
// merges its entities and relations into the built-in extraction.
//
//   absl::StatusOr<ingest::Extraction> merged =
//       MergeRemoteExtraction(stub, extractor, std::move(builtin), absl::Seconds(30));
//
// The remote output is appended to the built-in one and the whole passes through
// ingest::Extractor::Resolve, which maps names onto the bundle's canonical entities and merges
// duplicates: a company both extractors found becomes one entity with the union of aliases.
#ifndef KG_SERVER_REMOTE_EXTRACTOR_H_
#define KG_SERVER_REMOTE_EXTRACTOR_H_

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "ingest/ingest.h"
#include "kg/v1/extractor.grpc.pb.h"

namespace kg::server {

// Converts an Extractor response to an ingest::Extraction of `document`. INVALID_ARGUMENT when a
// relation names an unknown entity ref or a span lies outside the text.
absl::StatusOr<ingest::Extraction> ExtractionFromProto(const v1::ExtractResponse& response,
                                                       const ingest::Document& document);

absl::StatusOr<ingest::Extraction> MergeRemoteExtraction(v1::Extractor::StubInterface* stub,
                                                         const ingest::Extractor& extractor,
                                                         ingest::Extraction builtin,
                                                         absl::Duration timeout);

}  // namespace kg::server

#endif  // KG_SERVER_REMOTE_EXTRACTOR_H_
