#include "cli/extraction_render.h"

#include <cstdio>
#include <string>

#include "cli/render.h"

namespace kg::cli {
namespace {

std::string JoinAliases(const google::protobuf::RepeatedPtrField<std::string>& items,
                        const std::string& sep) {
  std::string out;
  for (const std::string& s : items) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

std::string Confidence(double c) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%.2f", c);
  return buf;
}

// Qualifiers as key=value, strings quoted so that a role reads apart from a number.
std::string Qualifiers(const v1::ExplainedRelation& r) {
  std::string out;
  for (const v1::Property& q : r.qualifiers()) {
    out += "  " + q.key() + "=" + ValueToJson(q.value()).dump();
  }
  return out;
}

nlohmann::json SpanJson(const v1::TextSpan& s) { return {s.begin(), s.end()}; }

}  // namespace

void PrintExtraction(const v1::DocumentReport& report, std::ostream& out) {
  const v1::DocumentExtraction& x = report.extraction();
  out << "document " << report.doc_id() << ": " << report.title() << "  ["
      << v1::DocumentReport::Status_Name(report.status()) << "]\n";
  if (!x.source().empty() || !x.published().empty()) {
    out << "  source: " << x.source();
    if (!x.source_country().empty()) out << " (" << x.source_country() << ")";
    out << ", published " << x.published() << "\n";
  }
  if (!x.container().empty()) out << "  container: " << x.container() << "\n";
  out << "  entities (" << x.entities_size() << "):\n";
  for (int i = 0; i < x.entities_size(); ++i) {
    const v1::ExplainedEntity& e = x.entities(i);
    out << "    [" << i << "] " << e.label() << " \"" << e.name() << "\"  rule " << e.rule()
        << ", confidence " << Confidence(e.confidence()) << ", " << e.mentions_size() << " mention"
        << (e.mentions_size() == 1 ? "" : "s") << "\n";
    if (e.aliases_size() > 0) out << "        aliases: " << JoinAliases(e.aliases(), " | ") << "\n";
    if (!e.evidence().empty()) out << "        evidence: " << e.evidence() << "\n";
  }
  out << "  relations (" << x.relations_size() << "):\n";
  for (const v1::ExplainedRelation& r : x.relations()) {
    out << "    " << r.subject_name() << " -" << r.edge() << "-> " << r.object_name()
        << Qualifiers(r) << "\n"
        << "        rule " << r.rule() << ", confidence " << Confidence(r.confidence())
        << ", evidence [" << r.evidence_span().begin() << "," << r.evidence_span().end()
        << "): " << r.evidence() << "\n";
  }
}

nlohmann::json ExtractionToJson(const v1::DocumentExtraction& x) {
  nlohmann::json entities = nlohmann::json::array();
  for (const v1::ExplainedEntity& e : x.entities()) {
    nlohmann::json mentions = nlohmann::json::array();
    for (const v1::TextSpan& m : e.mentions()) mentions.push_back(SpanJson(m));
    entities.push_back(
        {{"label", e.label()},
         {"name", e.name()},
         {"aliases", std::vector<std::string>(e.aliases().begin(), e.aliases().end())},
         {"rule", e.rule()},
         {"confidence", e.confidence()},
         {"mentions", mentions},
         {"evidence", e.evidence()}});
  }
  nlohmann::json relations = nlohmann::json::array();
  for (const v1::ExplainedRelation& r : x.relations()) {
    nlohmann::json qualifiers = nlohmann::json::object();
    for (const v1::Property& q : r.qualifiers()) qualifiers[q.key()] = ValueToJson(q.value());
    relations.push_back({{"subject", r.subject_name()},
                         {"edge", r.edge()},
                         {"object", r.object_name()},
                         {"subject_index", r.subject()},
                         {"object_index", r.object()},
                         {"qualifiers", qualifiers},
                         {"rule", r.rule()},
                         {"confidence", r.confidence()},
                         {"evidence_span", SpanJson(r.evidence_span())},
                         {"evidence", r.evidence()}});
  }
  return {{"source", x.source()},       {"source_country", x.source_country()},
          {"published", x.published()}, {"container", x.container()},
          {"entities", entities},       {"relations", relations}};
}

}  // namespace kg::cli
