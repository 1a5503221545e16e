// kg's ingestion: text in, entities and relations with provenance out, and into the graph.
// This header is the whole public interface of ingest/.
//
//   // 1. The schema bundle: labels, edge labels, dictionaries and rules, all data files.
//   absl::StatusOr<std::shared_ptr<const kg::ingest::Bundle>> bundle =
//       kg::ingest::Bundle::Load(kg::ingest::DefaultBundleDir());
//   if (!bundle.ok()) return bundle.status();
//   kg::ingest::Extractor extractor(*bundle);
//
//   // 2. Inputs: a brief becomes one Document per article (its container is the brief).
//   absl::StatusOr<std::vector<kg::ingest::Document>> docs =
//       kg::ingest::ReadTextFile("../shared/seed/000_9bcd69e6ea19a6da.txt");
//
//   // 3. Extraction (no store needed) and, optionally, the store.
//   std::vector<kg::ingest::Extraction> out;
//   for (const auto& d : *docs) {
//     absl::StatusOr<kg::ingest::Extraction> x = extractor.Extract(d);
//     if (!x.ok()) return x.status();
//     std::cout << kg::ingest::Explain(*x);          // what `kg ingest --dry-run --explain` prints
//     out.push_back(*std::move(x));
//   }
//   absl::StatusOr<kg::ingest::IngestReport> r = kg::ingest::Ingest(graph, out);
//
// Choices, and why:
//  - Nothing in C++ names a label or knows an article. The bundle directory holds labels.tsv,
//    edges.tsv, dictionaries (dict/*.tsv), rules (rules/*.json) and the cleaning/particle lists;
//    countries come from ICU's locale data (ko and en display names), not from a hand list.
//  - Extraction is deterministic: a gazetteer compiled from the dictionaries plus signals in the
//    text itself ("X(Y)" definitions, "* (Full Name)" footnotes, "X社", Latin-script names,
//    "Name (Country)" table rows), then relation rules (regular expressions over a sentence in
//    which every mention has been replaced by a typed placeholder). The README in the bundle
//    directory documents the formats.
//  - An Extraction is plain data: an external extractor (the gRPC plug-in) fills the same struct
//    and `Resolve` maps its names onto the bundle's canonical entities, so its output is merged
//    exactly like the built-in one.
//  - Ingest writes each document atomically (group commit: up to 16 documents share one
//    Graph::Write, hence one WAL sync): a document whose content hash is already stored is
//    skipped; a changed document (same id, new text) is retracted and re-added in the same
//    transaction, so readers see the old facts or the new ones, never a mix.
//  - Offsets are byte offsets into Document::text after cleaning (the text the store keeps).
#ifndef KG_INGEST_INGEST_H_
#define KG_INGEST_INGEST_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "graph/graph.h"
#include "graph/value.h"

namespace kg::ingest {

// ----------------------------------------------------------------------------------------------
// Documents
// ----------------------------------------------------------------------------------------------

// One unit of text to extract from: an article. Field names follow the JSONL input format
// {id, title, source, published, lang, text}.
struct Document {
  std::string id;
  std::string title;
  std::string source;          // publisher as written ("Counterpoint", "미쓰이물산전략연구소")
  std::string source_country;  // country marker of the publisher as written ("美"), may be empty
  std::string published;       // date as written ("1.23", "1月", "2025-01-30")
  std::string lang;            // "ko", "en", ... ; empty when unknown
  std::string text;            // cleaned text (see CleanText); offsets refer to it
  std::string container;       // id of the brief this article was split from, or empty
  // Byte offset of the title line inside `text` (the title is part of the article's text), or
  // -1 when the title was given separately (JSONL).
  int64_t title_offset = -1;
  // Digest of the extraction that came with the document (ExtractionFromInput), or empty. Part
  // of ContentHash: the same text with another extraction is a changed document.
  std::string input_digest;
};

// Cleans raw text: validates UTF-8 (INVALID_ARGUMENT with the byte offset otherwise), strips
// leftover HTML tags and decodes entities, applies NFKC (full-width forms), removes Markdown
// emphasis markers and normalises line ends. Tabs are kept: they separate table cells. Other
// ASCII control characters become spaces (the relation rules' placeholders are made of two).
absl::StatusOr<std::string> CleanText(std::string_view raw);

// Splits a cleaned brief into articles. An article starts at a title line ending in
// "(source, date)" (optionally "(美 source, date)") and ends at its closing "(참고 : ...)" line;
// title lines with no body before the next title (tables of contents) and summary tables make no
// article. Text with no such structure is one article whose title is its first line. `id_prefix`
// names the articles "<id_prefix>#<n>" (1-based) when there is more than one.
std::vector<Document> SplitBrief(std::string_view cleaned_text, std::string_view id_prefix);

// Reads a plain-text or Markdown file and splits it (SplitBrief). The brief's id is the file's
// base name; every article's container is that id. NOT_FOUND / INVALID_ARGUMENT on an unreadable
// file or broken UTF-8.
absl::StatusOr<std::vector<Document>> ReadTextFile(const std::string& path);

// Reads JSON Lines of documents {id, title, source, published, lang, text}; each line is one
// article (a text that itself holds a brief is split like ReadTextFile). Errors name the line.
absl::StatusOr<std::vector<Document>> ReadJsonlDocuments(const std::string& path);

// ----------------------------------------------------------------------------------------------
// Extractions
// ----------------------------------------------------------------------------------------------

struct Span {
  uint32_t begin = 0;  // byte offsets into Document::text
  uint32_t end = 0;
  friend bool operator==(const Span&, const Span&) = default;
};

// One resolved entity of a document: every mention of it, under one canonical name.
struct Entity {
  std::string label;                 // a vertex label of the bundle ("Company")
  std::string name;                  // canonical: English where the dictionary knows one
  std::vector<std::string> aliases;  // every surface form seen in the document, as written
  double confidence = 1.0;
  std::string rule;                  // "dict:companies", "signal:paren-definition", ...
  std::vector<Span> mentions;
};

// One relation between two entities of the same Extraction (by index into `entities`).
struct Relation {
  int subject = -1;
  std::string edge;  // an edge label of the bundle ("PARTICIPATES_IN")
  int object = -1;
  std::vector<std::pair<std::string, graph::Value>> props;  // role, share_pct, amount, ...
  Span evidence;                                            // the sentence or clause
  std::string rule;
  double confidence = 1.0;
};

// What one document yields. The document itself is entity 0 when `document_entity` is true
// (label "Document", name = title); its PUBLISHED_BY relation is among `relations`.
struct Extraction {
  Document document;
  std::vector<Entity> entities;
  std::vector<Relation> relations;
  bool document_entity = true;
  // The edge from the document to each entity it names (the bundle's; set by the extractor).
  std::string mentions_edge = "MENTIONS";

  // Text of a span of the document.
  std::string_view Text(Span s) const {
    return std::string_view(document.text).substr(s.begin, s.end - s.begin);
  }
};

// An extraction made outside kg (a user's own extractor), as it arrives: names as written,
// relation ends named rather than indexed. `kg ingest` reads it from JSON Lines, kgd from
// Document.extraction; ExtractionFromInput checks it against the bundle.
struct InputEntity {
  std::string label;  // a vertex label of the bundle
  std::string name;
  std::vector<std::string> aliases;  // surface forms; where they occur in the text are mentions
  double confidence = 1.0;
};

struct InputRelation {
  std::string subject;  // a name or alias of one of the entities, else the document's title
  std::string edge;     // an edge label of the bundle
  std::string object;
  std::vector<std::pair<std::string, graph::Value>> props;
  std::string evidence;  // a sentence of the text (before or after cleaning), or empty
  double confidence = 1.0;
};

struct ExtractionInput {
  Document document;  // text already cleaned (CleanText)
  std::vector<InputEntity> entities;
  std::vector<InputRelation> relations;
};

// Reads JSON Lines of already extracted documents, one document per line:
//   {"document": {"id": ..., "title": ..., "source": ..., "published": ..., "lang": ...,
//                 "text": ...},
//    "entities": [{"label": ..., "name": ..., "aliases": [...], "confidence": 0.9}, ...],
//    "relations": [{"s": NAME, "p": EDGE, "o": NAME, "props": {...}, "evidence": SENTENCE,
//                   "confidence": 0.8}, ...]}
// "id" and "text" are required, the rest optional. Errors (INVALID_ARGUMENT) are "PATH:LINE:
// what", for what can be told without the bundle: not JSON, a field of the wrong type, a prop
// that is not a string, number or boolean, broken UTF-8.
absl::StatusOr<std::vector<ExtractionInput>> ReadJsonlExtractions(const std::string& path);

// Checks an ExtractionInput against the extractor's bundle and turns it into an Extraction as
// if the built-in extractor had made it: entity 0 is the document, every item's rule is "input"
// with the given confidence, mentions are where the aliases occur in the text (a Latin alias at
// word boundaries), a relation's evidence is the span of its sentence, then Extractor::Resolve
// maps names onto the dictionary's canonical entities. The extraction's digest goes into
// document.input_digest. INVALID_ARGUMENT naming the item ("entity 2 (Nvidia): unknown vertex
// label 'Compny'", "relation 0: ...") for an empty label or name, an unknown vertex or edge label,
// a relation end that names no entity (or several), a relation whose ends break edges.tsv's
// endpoint types, broken UTF-8, a confidence outside (0, 1], evidence not in the text.
class Extractor;
absl::StatusOr<Extraction> ExtractionFromInput(const Extractor& extractor, ExtractionInput input);

// ----------------------------------------------------------------------------------------------
// The bundle: ontology, dictionaries, rules
// ----------------------------------------------------------------------------------------------

// The shipped bundle: $KG_INGEST_DATA when set, else the compiled-in <source>/ingest/data.
std::string DefaultBundleDir();

// Compiled data files; the implementation (Impl, in ingest/internal.h) is private to ingest/.
class Bundle {
 public:
  // Loads and compiles every file of the directory. Errors name the file and line.
  static absl::StatusOr<std::shared_ptr<const Bundle>> Load(const std::string& dir);

  ~Bundle();
  Bundle(const Bundle&) = delete;
  Bundle& operator=(const Bundle&) = delete;

  bool HasVertexLabel(std::string_view label) const;
  bool HasEdgeLabel(std::string_view edge) const;
  size_t DictionaryEntries() const;
  size_t RuleCount() const;
  // The edge labels edges.tsv marks symmetric (PARTNERS_WITH in the default schema), sorted.
  std::vector<std::string> SymmetricEdges() const;

  // What each rule costs to try, for whoever writes rules: the instructions of the RE2 program
  // tried first at each candidate position (the relaxed program when the rule has one, see
  // ingest/rule_match.cc) and of the exact one. Past 512 instructions RE2 no longer uses its
  // BitState engine for a match with captures: an attempt runs its DFA and then its NFA, ~40x
  // a small program's cost per match (bench/README.md, session 13). Relation rules first, then
  // entity rules, each in file order.
  struct RuleCost {
    std::string id;
    std::string kind;  // "relation" or "entity"
    int program_size = 0;
    int exact_program_size = 0;
  };
  std::vector<RuleCost> RuleCosts() const;

  struct Impl;
  const Impl& impl() const { return *impl_; }

 private:
  explicit Bundle(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The built-in extractor. Thread-compatible and cheap: it holds only the shared bundle.
class Extractor {
 public:
  explicit Extractor(std::shared_ptr<const Bundle> bundle) : bundle_(std::move(bundle)) {}

  // Entities and relations of one document. INVALID_ARGUMENT on broken UTF-8.
  absl::StatusOr<Extraction> Extract(const Document& document) const;

  // Maps an Extraction produced elsewhere (JSONL, an external extractor) onto the bundle: names
  // that are aliases of a dictionary entity take its canonical name and label, duplicate
  // entities merge, unknown labels and edges are INVALID_ARGUMENT.
  absl::StatusOr<Extraction> Resolve(Extraction external) const;

  const Bundle& bundle() const { return *bundle_; }

 private:
  std::shared_ptr<const Bundle> bundle_;
};

// What `kg_extract --explain` prints: every entity with its aliases, label, rule and
// confidence, and every relation with its props, rule and evidence sentence.
std::string Explain(const Extraction& extraction);

// The evidence of an entity: the sentence of its first mention (the line it is on, narrowed to
// the sentence when the line holds several), at most about `max_bytes` bytes (cut at a code
// point boundary, with "..." when cut). Empty when the entity has no mention in the text.
std::string EntityEvidence(const Extraction& extraction, const Entity& entity,
                           size_t max_bytes = 300);

// ----------------------------------------------------------------------------------------------
// Into the store
// ----------------------------------------------------------------------------------------------

struct IngestReport {
  int64_t documents_added = 0;
  int64_t documents_unchanged = 0;  // same id and content hash: nothing written
  int64_t documents_replaced = 0;   // same id, new text: old contributions retracted first
  int64_t vertices_created = 0;
  int64_t vertices_merged = 0;  // upserts onto an existing vertex (another alias, another doc)
  int64_t edges_created = 0;
  int64_t edges_merged = 0;
  int64_t vertices_retracted = 0;
  int64_t edges_retracted = 0;
};

// Writes the extractions, each document all-or-nothing, up to 16 per Graph::Write (on error,
// that document and the ones after it write nothing; the ones before it stay written).
// Vertices are upserted by (label, canonical name) with name/aliases (set cardinality) and every
// edge gets evidence (document, offsets, sentence, rule, confidence); each document gets
// MENTIONS edges (count) to what it names. A container (brief) is stored as its own Document.
// Idempotent by content hash.
absl::StatusOr<IngestReport> Ingest(graph::Graph& graph, const std::vector<Extraction>& extractions);

// Hex digest of what identifies a document's contribution (its fields and text).
std::string ContentHash(const Document& document);

// ----------------------------------------------------------------------------------------------
// Evaluation against gold files
// ----------------------------------------------------------------------------------------------

// Precision/recall counts of one article or of all.
struct Score {
  int64_t tp = 0, fp = 0, fn = 0;
  double precision() const { return tp + fp == 0 ? 0.0 : double(tp) / double(tp + fp); }
  double recall() const { return tp + fn == 0 ? 0.0 : double(tp) / double(tp + fn); }
  double f1() const {
    double p = precision(), r = recall();
    return p + r == 0 ? 0.0 : 2 * p * r / (p + r);
  }
};

// Agreement on one qualifier (a relation property: "date", "amount", "role"...) over the
// relations that matched a gold relation. Of the matched relations whose gold gives `key`, the
// extraction gives the same value (`right`), another value (`wrong`) or none (`missing`);
// `extra` counts matched relations that carry `key` where the gold gives none. Values agree
// when:
//  - date: a gold date in ISO form (2025, 2025-02, 2025-02-01) is matched by an extracted date
//    that starts with it, at the gold's precision ("2025-02" by "2025-02" and "2025-02-01",
//    not by "2025"); any other gold date ("1.23", a brief's publication date) by the same string;
//  - amount: numbers within 0.5% of the gold's, and the same currency when the gold gives one
//    ("currency" is part of this key, not a key of its own);
//  - any other number (share_pct, rate_pct, year): within 0.01 of the gold's;
//  - strings (role, product): equal after NFKC and case folding (NameKey).
struct QualifierScore {
  std::string key;
  int64_t gold = 0, right = 0, wrong = 0, missing = 0, extra = 0;
};

struct ArticleScore {
  std::string doc_id;  // the gold's id
  std::string title;
  Score entities;
  Score relations;
  std::vector<std::string> missed;    // "E Company OpenAI", "R OpenAI PARTICIPATES_IN ..."
  std::vector<std::string> spurious;  // likewise, for predictions with no gold match
  // Qualifiers of matched relations that are wrong or missing:
  // "date R Japan ENACTS CCS Business Act: gold 2024-05, extracted 2024-06" ("extracted -" when
  // missing).
  std::vector<std::string> qualifier_errors;
};

struct EvalReport {
  std::vector<ArticleScore> articles;
  Score entities;   // micro-averaged over articles
  Score relations;
  // Summed over articles: one row per key that a matched relation's gold or extraction gives,
  // in the order date, amount, share_pct, year, rate_pct, role, product, then others by name.
  std::vector<QualifierScore> qualifiers;
  // One line per article and one overall: P/R/F1 of entities and relations; with `details`,
  // the missed and spurious items and the qualifier errors too. Under the overall line, a block
  // with one line per qualifier key: gold / right / wrong / missing / extra.
  std::string Render(bool details = false) const;
};

// Scores extractions against gold files (`../shared/seed/gold.json`: {"articles": [...]}, or
// `dev-*.gold.json`: one article). Articles are paired by title. An entity matches when its
// label matches and any of its names/aliases equals one of the gold entity's (after NFKC and
// case folding); a relation when its edge label matches and both ends match, either way round
// for an edge in `symmetric_edges` (the bundle's, Bundle::SymmetricEdges(): the gold format
// marks no edge). Gold articles with no extraction count all their items as missed.
absl::StatusOr<EvalReport> Evaluate(const std::vector<Extraction>& extractions,
                                    const std::vector<std::string>& gold_paths,
                                    const std::vector<std::string>& symmetric_edges);

// A gold file's contents, for callers that do not read files themselves (kgd's Evaluate RPC).
struct GoldFile {
  std::string name;     // names the file in errors
  std::string content;  // JSON, as in the gold files
};

// Evaluate over gold files' contents. INVALID_ARGUMENT (naming the file) for content that is not
// in the gold format.
absl::StatusOr<EvalReport> EvaluateGold(const std::vector<Extraction>& extractions,
                                        const std::vector<GoldFile>& gold,
                                        const std::vector<std::string>& symmetric_edges);

}  // namespace kg::ingest

#endif  // KG_INGEST_INGEST_H_
