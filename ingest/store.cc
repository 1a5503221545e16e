// Writing extractions into the graph: each document atomic (several per Graph::Write), idempotent
// by hash.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "ingest/internal.h"

namespace kg::ingest {
namespace {

// FNV-1a 64, twice with different offsets: a stable 128-bit identity of the content (not a
// security digest; it only decides whether a re-ingest can be skipped). Fed piece by piece, it
// hashes exactly what it would hash over the concatenation, without copying the text.
struct Fnv1a128 {
  uint64_t a = 0xcbf29ce484222325ULL, b = 0x84222325cbf29ce4ULL;
  void Add(std::string_view s) {
    for (unsigned char c : s) {
      a = (a ^ c) * 0x100000001b3ULL;
      b = (b ^ c) * 0x100000001b3ULL;
    }
  }
};

std::string EvidenceSentence(const Extraction& x, Span s) {
  std::string t(x.Text(s));
  if (t.size() > 1000) {
    size_t cut = 1000;
    while (cut > 0 && (static_cast<unsigned char>(t[cut]) & 0xC0) == 0x80) --cut;
    t = t.substr(0, cut);
  }
  return t;
}

// The line around a mention: the evidence recorded for a vertex.
Span LineAround(const Extraction& x, Span m) {
  const std::string& t = x.document.text;
  size_t b = t.rfind('\n', m.begin == 0 ? 0 : m.begin - 1);
  b = (b == std::string::npos || m.begin == 0) ? 0 : b + 1;
  size_t e = t.find('\n', m.end);
  if (e == std::string::npos) e = t.size();
  if (b > m.begin) b = m.begin;
  return {static_cast<uint32_t>(b), static_cast<uint32_t>(e)};
}

absl::Status IngestOne(graph::GraphTxn& txn, const Extraction& x, IngestReport* report) {
  const Document& d = x.document;
  const std::string hash = ContentHash(d);
  absl::StatusOr<std::optional<graph::Document>> existing = txn.GetDocument(d.id);
  if (!existing.ok()) return existing.status();
  if (existing->has_value() && (*existing)->content_hash == hash) {
    ++report->documents_unchanged;
    return absl::OkStatus();
  }
  if (existing->has_value()) {
    absl::StatusOr<graph::RetractReport> r = txn.RetractDocument(d.id);
    if (!r.ok()) return r.status();
    report->vertices_retracted += r->vertices_removed;
    report->edges_retracted += r->edges_removed;
    ++report->documents_replaced;
  } else {
    ++report->documents_added;
  }
  if (!d.container.empty()) {
    absl::StatusOr<std::optional<graph::Document>> c = txn.GetDocument(d.container);
    if (!c.ok()) return c.status();
    if (!c->has_value()) {
      graph::Document brief;
      brief.id = d.container;
      brief.title = d.container;
      if (absl::Status s = txn.PutDocument(brief); !s.ok()) return s;
    }
  }
  graph::Document gd;
  gd.id = d.id;
  gd.title = d.title;
  gd.source = d.source;
  gd.published = d.published;
  gd.content_hash = hash;
  gd.container = d.container;
  if (!d.lang.empty()) gd.properties.emplace_back("lang", graph::Value(d.lang));
  if (absl::Status s = txn.PutDocument(gd); !s.ok()) return s;

  // Vertices. The document's own vertex is keyed by its id (titles need not be unique).
  std::vector<graph::VertexId> ids(x.entities.size(), 0);
  std::vector<graph::Evidence> evidence(x.entities.size());  // each entity's, for its MENTIONS
  for (size_t i = 0; i < x.entities.size(); ++i) {
    const Entity& e = x.entities[i];
    bool is_doc = x.document_entity && i == 0;
    std::string key = is_doc ? d.id : e.name;
    if (!is_doc && e.rule.rfind("dict:", 0) != 0 && e.rule.rfind("icu:", 0) != 0) {
      // A name found in the text may be an alias of a vertex an earlier ingest created.
      std::optional<graph::LabelId> label = txn.FindLabel(e.label);
      for (const std::string& a : e.aliases) {
        if (!label.has_value()) break;
        auto hits = txn.FindByAlias(a, label);
        graph::VertexId hit = 0;
        if (hits->Next(&hit)) {
          absl::StatusOr<std::optional<graph::Vertex>> v = txn.GetVertex(hit);
          if (v.ok() && v->has_value() && !(*v)->key.empty()) {
            key = (*v)->key;
            break;
          }
        }
        if (!hits->status().ok()) return hits->status();
      }
    }
    std::vector<graph::PropertyWrite> props;
    props.emplace_back("name", graph::Value(e.name));
    for (const std::string& a : e.aliases) {
      props.emplace_back("aliases", graph::Value(a), graph::Cardinality::kSet);
    }
    absl::StatusOr<graph::UpsertResult> u = txn.UpsertVertex(e.label, key, props);
    if (!u.ok()) return u.status();
    ids[i] = u->id;
    if (u->created) ++report->vertices_created;
    else ++report->vertices_merged;
    graph::Evidence& ev = evidence[i];
    ev.doc_id = d.id;
    ev.rule = e.rule;
    ev.confidence = e.confidence;
    if (!e.mentions.empty()) {
      Span line = LineAround(x, e.mentions[0]);
      ev.begin = e.mentions[0].begin;
      ev.end = e.mentions[0].end;
      ev.sentence = EvidenceSentence(x, line);
    }
    if (absl::Status s = txn.AddEvidence(u->id, ev); !s.ok()) return s;
  }

  auto add_edge = [&](graph::VertexId s, const std::string& label, graph::VertexId o,
                      const std::vector<graph::PropertyWrite>& props, const graph::Evidence& ev) {
    absl::StatusOr<graph::EdgeUpsertResult> r = txn.UpsertEdge(s, label, o, 0, props);
    if (!r.ok()) return r.status();
    if (r->created) ++report->edges_created;
    else ++report->edges_merged;
    return txn.AddEvidence(r->key, ev);
  };

  // MENTIONS from the document to everything it names.
  if (x.document_entity && !x.entities.empty()) {
    for (size_t i = 1; i < x.entities.size(); ++i) {
      const Entity& e = x.entities[i];
      // The line that is the entity's own evidence, recorded under the rule "mentions".
      graph::Evidence& ev = evidence[i];
      ev.rule = "mentions";
      std::vector<graph::PropertyWrite> props;
      props.emplace_back("count", graph::Value(static_cast<int64_t>(std::max<size_t>(1, e.mentions.size()))));
      if (absl::Status s = add_edge(ids[0], x.mentions_edge, ids[i], props, ev); !s.ok()) return s;
    }
  }
  for (const Relation& r : x.relations) {
    if (r.subject < 0 || r.object < 0) continue;
    std::vector<graph::PropertyWrite> props;
    for (const auto& [k, v] : r.props) props.emplace_back(k, v);
    graph::Evidence ev;
    ev.doc_id = d.id;
    ev.begin = r.evidence.begin;
    ev.end = r.evidence.end;
    ev.sentence = EvidenceSentence(x, r.evidence);
    ev.rule = r.rule;
    ev.confidence = r.confidence;
    if (absl::Status s = add_edge(ids[r.subject], r.edge, ids[r.object], props, ev); !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

// Writes extractions [first, last) in one Graph::Write; `*part` gets their counts. On error
// nothing is written and `*failed_id` names the document that failed.
absl::Status WriteDocuments(graph::Graph& graph, const std::vector<Extraction>& extractions,
                            size_t first, size_t last, IngestReport* part,
                            std::string* failed_id) {
  return graph.Write([&](graph::GraphTxn& txn) {
    *part = IngestReport();  // a retried closure starts over
    for (size_t i = first; i < last; ++i) {
      absl::Status st = IngestOne(txn, extractions[i], part);
      if (!st.ok()) {
        *failed_id = extractions[i].document.id;
        return st;
      }
    }
    return absl::OkStatus();
  });
}

void Accumulate(const IngestReport& part, IngestReport* report) {
  report->documents_added += part.documents_added;
  report->documents_unchanged += part.documents_unchanged;
  report->documents_replaced += part.documents_replaced;
  report->vertices_created += part.vertices_created;
  report->vertices_merged += part.vertices_merged;
  report->edges_created += part.edges_created;
  report->edges_merged += part.edges_merged;
  report->vertices_retracted += part.vertices_retracted;
  report->edges_retracted += part.edges_retracted;
}

}  // namespace

std::string ContentHash(const Document& d) {
  Fnv1a128 h;
  for (const std::string* field : {&d.id, &d.title, &d.source, &d.source_country, &d.published,
                                   &d.lang, &d.container}) {
    h.Add(*field);
    h.Add("\x1f");
  }
  h.Add(d.text);
  // Only when there is one, so that the hashes of documents stored before it existed hold.
  if (!d.input_digest.empty()) {
    h.Add("\x1f");
    h.Add(d.input_digest);
  }
  return absl::StrFormat("%016x%016x", h.a, h.b);
}

absl::StatusOr<IngestReport> Ingest(graph::Graph& graph, const std::vector<Extraction>& extractions) {
  IngestReport report;
  for (const Extraction& x : extractions) {
    if (x.document.id.empty()) return absl::InvalidArgumentError("document without an id");
    for (const Relation& r : x.relations) {
      if (r.subject >= static_cast<int>(x.entities.size()) ||
          r.object >= static_cast<int>(x.entities.size())) {
        return absl::InvalidArgumentError(
            absl::StrCat("document ", x.document.id, ": relation end out of range"));
      }
    }
  }
  // Group commit: up to kBatch documents per Graph::Write, so that a synced store pays one WAL
  // sync per group, not per document, and an entity or counter that several documents of the
  // group share is read and written once per group (64 rather than 16: 1.2x on the store side,
  // bench/README.md). Every document is still all-or-nothing. If a group fails, it is written again one document per Write, so
  // the documents before the failing one stay written and the failing one writes nothing,
  // exactly as with one Write per document.
  constexpr size_t kBatch = 64;
  for (size_t first = 0; first < extractions.size(); first += kBatch) {
    const size_t last = std::min(extractions.size(), first + kBatch);
    IngestReport part;
    std::string failed_id;
    absl::Status s = WriteDocuments(graph, extractions, first, last, &part, &failed_id);
    if (!s.ok() && last - first > 1) {
      s = absl::OkStatus();
      for (size_t i = first; i < last && s.ok(); ++i) {
        IngestReport one;
        s = WriteDocuments(graph, extractions, i, i + 1, &one, &failed_id);
        if (s.ok()) Accumulate(one, &report);
      }
    } else if (s.ok()) {
      Accumulate(part, &report);
    }
    if (!s.ok()) {
      return absl::Status(s.code(), absl::StrCat("document ", failed_id, ": ", s.message()));
    }
  }
  return report;
}

}  // namespace kg::ingest
