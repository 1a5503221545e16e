// What an extraction holds and why, for people: kg_extract --explain, and the evidence kgd
// reports with each explained entity (IngestOptions.explain).
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "ingest/internal.h"

namespace kg::ingest {
namespace {

// `s` cut to at most `max_bytes` at a code point boundary, with "..." when cut.
std::string Clip(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return std::string(s);
  size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return absl::StrCat(AV(s.substr(0, cut)), "...");
}

// The sentence of `line` around byte `at` (relative to the line), bounded by ". " on either side
// (Korean sentences end "다. " too); the whole line when it holds one sentence. A cheap cut, not
// ICU's: this is shown to people, never matched by rules.
std::string_view SentenceAround(std::string_view line, size_t at) {
  size_t begin = line.rfind(". ", at);
  begin = begin == std::string_view::npos ? 0 : begin + 2;
  size_t end = line.find(". ", at);
  end = end == std::string_view::npos ? line.size() : end + 1;
  return line.substr(begin, end - begin);
}

}  // namespace

std::string EntityEvidence(const Extraction& x, const Entity& e, size_t max_bytes) {
  std::string_view text = x.document.text;
  if (e.mentions.empty() || e.mentions[0].begin >= text.size()) return "";
  size_t at = e.mentions[0].begin;
  size_t line_begin = text.rfind('\n', at);
  line_begin = line_begin == std::string_view::npos ? 0 : line_begin + 1;
  size_t line_end = text.find('\n', at);
  if (line_end == std::string_view::npos) line_end = text.size();
  std::string_view line = text.substr(line_begin, line_end - line_begin);
  std::string_view sentence = SentenceAround(line, at - line_begin);
  return Clip(Trim(sentence), max_bytes);
}

std::string Explain(const Extraction& x) {
  std::string out = absl::StrCat("document ", x.document.id, ": ", x.document.title, "\n");
  if (!x.document.source.empty()) {
    absl::StrAppend(&out, "  source ", x.document.source, " ", x.document.source_country,
                    " published ", x.document.published, "\n");
  }
  if (!x.document.container.empty())
    absl::StrAppend(&out, "  container ", x.document.container, "\n");
  absl::StrAppend(&out, "  entities (", x.entities.size(), "):\n");
  for (size_t i = 0; i < x.entities.size(); ++i) {
    const Entity& e = x.entities[i];
    absl::StrAppendFormat(&out, "    [%d] %s %s  aliases=%s  rule=%s conf=%.2f mentions=%d\n", i,
                          e.label, e.name, absl::StrJoin(e.aliases, "|"), e.rule, e.confidence,
                          e.mentions.size());
  }
  absl::StrAppend(&out, "  relations (", x.relations.size(), "):\n");
  for (const Relation& r : x.relations) {
    std::string props;
    for (const auto& [k, v] : r.props) absl::StrAppend(&props, " ", k, "=", v.DebugString());
    std::string ev = Clip(x.Text(r.evidence), 160);
    absl::StrAppendFormat(&out, "    %s -%s-> %s%s  rule=%s conf=%.2f\n      evidence [%d,%d) %s\n",
                          r.subject >= 0 ? x.entities[r.subject].name : "?", r.edge,
                          r.object >= 0 ? x.entities[r.object].name : "?", props, r.rule,
                          r.confidence, r.evidence.begin, r.evidence.end, ev);
  }
  return out;
}

}  // namespace kg::ingest
