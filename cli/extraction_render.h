// How `kg ingest --explain` shows what kgd extracted from a document (DocumentReport.extraction):
// readable text, or JSON with --json.
//
//   PrintExtraction(report, std::cout);
//   nlohmann::json j = ExtractionToJson(report.extraction());
#ifndef KG_CLI_EXTRACTION_RENDER_H_
#define KG_CLI_EXTRACTION_RENDER_H_

#include <ostream>

#include "kg/v1/kg.pb.h"
#include "nlohmann/json.hpp"

namespace kg::cli {

// The document's header line, then every entity (label, canonical name, aliases, rule,
// confidence, mentions, evidence) and every relation (both ends, edge, qualifiers, rule,
// confidence, evidence).
void PrintExtraction(const v1::DocumentReport& report, std::ostream& out);

// {"source", "source_country", "published", "container", "entities": [{label, name, aliases,
// rule, confidence, mentions: [[begin, end]...], evidence}], "relations": [{subject, edge,
// object, subject_index, object_index, qualifiers: {key: value}, rule, confidence,
// evidence_span: [begin, end], evidence}]}
nlohmann::json ExtractionToJson(const v1::DocumentExtraction& extraction);

}  // namespace kg::cli

#endif  // KG_CLI_EXTRACTION_RENDER_H_
