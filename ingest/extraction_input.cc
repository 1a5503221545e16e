// Extractions made outside kg (JSON Lines, kgd's Document.extraction): checked against the
// bundle, then shaped like the built-in extractor's output so that Resolve and Ingest treat both
// alike. Every check names the document and the item, because the user who wrote the input has
// to find it.
#include <algorithm>
#include <cstdio>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "ingest/internal.h"

namespace kg::ingest {
namespace {

// The rule recorded on every item of an input extraction.
constexpr char kInputRule[] = "input";

bool IsAsciiAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Where `alias` occurs in `text`; a Latin alias only between word boundaries ("AI" is not in
// "SAID"), as the gazetteer matches Latin names.
void FindMentions(std::string_view text, std::string_view alias, std::vector<Span>* out) {
  constexpr size_t kMaxMentions = 1000;  // per alias: a count, not an index of the text
  if (alias.empty()) return;
  for (size_t at = text.find(alias); at != std::string_view::npos && out->size() < kMaxMentions;
       at = text.find(alias, at + 1)) {
    const size_t end = at + alias.size();
    if (end > UINT32_MAX) break;
    if (IsAsciiAlnum(alias.front()) && at > 0 && IsAsciiAlnum(text[at - 1])) continue;
    if (IsAsciiAlnum(alias.back()) && end < text.size() && IsAsciiAlnum(text[end])) continue;
    out->push_back({static_cast<uint32_t>(at), static_cast<uint32_t>(end)});
  }
}

// Mentions sorted by position, the longest first where two overlap, overlapping ones dropped.
std::vector<Span> Disjoint(std::vector<Span> spans) {
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end > b.end;
  });
  std::vector<Span> out;
  for (const Span& s : spans) {
    if (out.empty() || s.begin >= out.back().end) out.push_back(s);
  }
  return out;
}

std::string Quote(std::string_view s) {
  constexpr size_t kMax = 80;
  if (s.size() <= kMax) return absl::StrCat("\"", AV(s), "\"");
  size_t cut = kMax;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return absl::StrCat("\"", AV(s.substr(0, cut)), "...\"");
}

bool ValidConfidence(double c) { return c > 0 && c <= 1; }  // false for NaN

// A name as the text has it: NFKC like CleanText, spaces trimmed. Empty for broken UTF-8.
std::string CleanName(std::string_view s) {
  if (FindInvalidUtf8(s) >= 0) return "";
  return Trim(Nfkc(s));
}

bool AllowedEnd(const std::vector<std::string>& labels, const std::string& label) {
  return std::find(labels.begin(), labels.end(), label) != labels.end() ||
         std::find(labels.begin(), labels.end(), "*") != labels.end();
}

// What the digest of an input covers, written in order; every string is length-prefixed, so
// that no two different inputs write the same bytes.
class DigestWriter {
 public:
  void Add(std::string_view s) { absl::StrAppend(&out_, s.size(), ":", AV(s), ";"); }
  void Add(double d) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%.17g", d);
    Add(std::string_view(buf));
  }
  std::string Digest() const {
    Document d;
    d.text = out_;
    return ContentHash(d);
  }

 private:
  std::string out_;
};

// The first line of the text, for a document given without a title.
std::string FirstLine(std::string_view text) {
  for (std::string_view line : Split(text, '\n')) {
    std::string t = Trim(line);
    if (!t.empty()) return t;
  }
  return "";
}

}  // namespace

absl::StatusOr<Extraction> ExtractionFromInput(const Extractor& extractor, ExtractionInput input) {
  const Bundle& bundle = extractor.bundle();
  const Bundle::Impl& b = bundle.impl();
  Document& d = input.document;
  const std::string doc_prefix = absl::StrCat("document ", d.id, ": ");
  auto fail = [&](std::string_view item, std::string_view msg) {
    return absl::InvalidArgumentError(absl::StrCat(doc_prefix, AV(item), ": ", AV(msg)));
  };
  if (d.id.empty()) return absl::InvalidArgumentError("document without an id");
  for (const std::string* f : {&d.id, &d.title, &d.source, &d.published, &d.lang, &d.text}) {
    if (FindInvalidUtf8(*f) >= 0) return fail("the document", "invalid UTF-8");
  }
  if (Trim(d.title).empty()) {
    d.title = FirstLine(d.text);
    d.title_offset = d.title.empty() ? -1 : static_cast<int64_t>(d.text.find(d.title));
  }

  Extraction x;
  x.document_entity = true;
  x.mentions_edge = b.mentions_edge;
  Entity doc;
  doc.label = b.document_label;
  doc.name = d.title.empty() ? d.id : d.title;
  doc.aliases = {doc.name};
  doc.rule = kInputRule;
  if (d.title_offset >= 0) {
    doc.mentions.push_back({static_cast<uint32_t>(d.title_offset),
                            static_cast<uint32_t>(d.title_offset + d.title.size())});
  }
  x.entities.push_back(std::move(doc));

  DigestWriter digest;
  // NameKey of each entity's name and aliases -> the entities (index into x.entities) so named.
  absl::flat_hash_map<std::string, std::vector<int>> by_name, by_alias;
  for (size_t i = 0; i < input.entities.size(); ++i) {
    InputEntity& in = input.entities[i];
    const std::string item = absl::StrCat("entity ", i);
    if (FindInvalidUtf8(in.label) >= 0 || FindInvalidUtf8(in.name) >= 0) {
      return fail(item, "invalid UTF-8");
    }
    Entity e;
    e.name = CleanName(in.name);
    if (e.name.empty()) return fail(item, "empty name");
    const std::string named = absl::StrCat(item, " (", e.name, ")");
    if (in.label.empty()) return fail(named, "no label");
    if (!bundle.HasVertexLabel(in.label) || in.label == b.document_label) {
      return fail(named, absl::StrCat("unknown vertex label '", in.label, "'"));
    }
    if (!ValidConfidence(in.confidence)) {
      return fail(named, absl::StrCat("confidence ", in.confidence, " is outside (0, 1]"));
    }
    e.label = in.label;
    e.aliases.push_back(e.name);
    for (const std::string& a : in.aliases) {
      if (FindInvalidUtf8(a) >= 0) return fail(named, "invalid UTF-8 in an alias");
      std::string alias = CleanName(a);
      if (alias.empty()) return fail(named, "empty alias");
      if (std::find(e.aliases.begin(), e.aliases.end(), alias) == e.aliases.end()) {
        e.aliases.push_back(std::move(alias));
      }
    }
    e.confidence = in.confidence;
    e.rule = kInputRule;
    std::vector<Span> mentions;
    for (const std::string& a : e.aliases) FindMentions(d.text, a, &mentions);
    e.mentions = Disjoint(std::move(mentions));

    const int index = static_cast<int>(x.entities.size());
    by_name[NameKey(e.name)].push_back(index);
    for (const std::string& a : e.aliases) by_alias[NameKey(a)].push_back(index);
    digest.Add(e.label);
    for (const std::string& a : e.aliases) digest.Add(a);
    digest.Add(e.confidence);
    x.entities.push_back(std::move(e));
  }

  // A relation end: the entity of that name, else of that alias, else the document when it is
  // the title (a title may well be a name: "Acme"); entities of the same label and name are one
  // (Resolve merges them), so only different ones make a name ambiguous.
  auto end_of = [&](const std::string& raw, int* out) -> std::string {
    const std::string key = NameKey(CleanName(raw));
    for (const auto* index : {&by_name, &by_alias}) {
      auto it = index->find(key);
      if (it == index->end()) continue;
      std::vector<int> distinct;
      for (int k : it->second) {
        bool same = false;
        for (int m : distinct) {
          same = same || (x.entities[m].label == x.entities[k].label &&
                          NameKey(x.entities[m].name) == NameKey(x.entities[k].name));
        }
        if (!same) distinct.push_back(k);
      }
      if (distinct.size() > 1) {
        std::vector<std::string> which;
        for (int k : distinct) {
          which.push_back(absl::StrCat("entity ", k - 1, " (", x.entities[k].label, ")"));
        }
        return absl::StrCat("'", raw, "' names several entities: ", absl::StrJoin(which, ", "));
      }
      *out = distinct[0];
      return "";
    }
    if (key == NameKey(x.entities[0].name)) {
      *out = 0;
      return "";
    }
    return absl::StrCat("'", raw, "' is not the name or an alias of any entity of the document");
  };

  for (size_t i = 0; i < input.relations.size(); ++i) {
    InputRelation& in = input.relations[i];
    const std::string item = absl::StrCat("relation ", i);
    for (const std::string* f : {&in.subject, &in.edge, &in.object, &in.evidence}) {
      if (FindInvalidUtf8(*f) >= 0) return fail(item, "invalid UTF-8");
    }
    if (in.subject.empty() || in.object.empty()) return fail(item, "a relation needs both ends");
    if (in.edge.empty()) return fail(item, "no edge label");
    Relation r;
    r.edge = in.edge;
    if (std::string e = end_of(in.subject, &r.subject); !e.empty()) {
      return fail(item, absl::StrCat("subject ", e));
    }
    if (std::string e = end_of(in.object, &r.object); !e.empty()) {
      return fail(item, absl::StrCat("object ", e));
    }
    const Entity& s = x.entities[r.subject];
    const Entity& o = x.entities[r.object];
    const std::string named = absl::StrCat(item, " (", s.name, " ", r.edge, " ", o.name, ")");
    auto sig = b.edges.find(r.edge);
    if (sig == b.edges.end()) return fail(named, absl::StrCat("unknown edge label '", r.edge, "'"));
    const bool fits =
        AllowedEnd(sig->second.subjects, s.label) && AllowedEnd(sig->second.objects, o.label);
    const bool fits_reversed = sig->second.symmetric && AllowedEnd(sig->second.subjects, o.label) &&
                               AllowedEnd(sig->second.objects, s.label);
    if (!fits && !fits_reversed) {
      return fail(named,
                  absl::StrCat(r.edge, " goes from ", absl::StrJoin(sig->second.subjects, ","),
                               " to ", absl::StrJoin(sig->second.objects, ","), ", not from ",
                               s.label, " to ", o.label, " (edges.tsv)"));
    }
    if (!ValidConfidence(in.confidence)) {
      return fail(named, absl::StrCat("confidence ", in.confidence, " is outside (0, 1]"));
    }
    for (auto& [key, value] : in.props) {
      if (key.empty() || FindInvalidUtf8(key) >= 0) {
        return fail(named, "a prop needs a UTF-8 name");
      }
      if (value.is_string() && FindInvalidUtf8(value.as_string()) >= 0) {
        return fail(named, absl::StrCat("invalid UTF-8 in prop '", key, "'"));
      }
    }
    if (!in.evidence.empty()) {
      // As given, else as CleanText makes it (NFKC, entities decoded), as the text was made.
      size_t at = d.text.find(in.evidence);
      std::string evidence = in.evidence;
      if (at == std::string::npos) {
        absl::StatusOr<std::string> clean = CleanText(in.evidence);
        if (clean.ok()) {
          evidence = Trim(*clean);
          at = evidence.empty() ? std::string::npos : d.text.find(evidence);
        }
      }
      if (at == std::string::npos || at + evidence.size() > UINT32_MAX) {
        return fail(named, absl::StrCat("evidence not found in the text: ", Quote(in.evidence)));
      }
      r.evidence = {static_cast<uint32_t>(at), static_cast<uint32_t>(at + evidence.size())};
    }
    r.props = std::move(in.props);
    r.rule = kInputRule;
    r.confidence = in.confidence;
    digest.Add(std::to_string(r.subject));
    digest.Add(r.edge);
    digest.Add(std::to_string(r.object));
    for (const auto& [key, value] : r.props) {
      digest.Add(key);
      digest.Add(value.DebugString());
    }
    digest.Add(std::to_string(r.evidence.begin));
    digest.Add(std::to_string(r.evidence.end));
    digest.Add(r.confidence);
    x.relations.push_back(std::move(r));
  }
  d.input_digest = digest.Digest();
  x.document = std::move(d);
  absl::StatusOr<Extraction> resolved = extractor.Resolve(std::move(x));
  if (!resolved.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(doc_prefix, resolved.status().message()));
  }
  return resolved;
}

}  // namespace kg::ingest
