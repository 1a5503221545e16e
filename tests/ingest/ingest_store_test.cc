// Ingesting into the graph store: provenance, idempotence, atomic replacement, and every
// question of the seed's questions.json answered exactly by walking the graph.
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "graph/graph.h"
#include "gtest/gtest.h"
#include "ingest/ingest.h"
#include "nlohmann/json.hpp"
#include "tests/graph/test_dir.h"

namespace kg::ingest {
namespace {

const std::string kShared = KG_SHARED_DIR;

class StoreTest : public kg::testing::FreshGraphTest {
 protected:
  void SetUp() override {
    FreshGraphTest::SetUp();
    if (HasFatalFailure()) return;
    auto b = Bundle::Load(KG_INGEST_TEST_DATA);
    ASSERT_TRUE(b.ok()) << b.status();
    extractor_ = std::make_unique<Extractor>(*b);
  }
  std::vector<Extraction> ExtractFile(const std::string& path) {
    auto docs = ReadTextFile(path);
    EXPECT_TRUE(docs.ok()) << docs.status();
    std::vector<Extraction> out;
    for (const Document& d : *docs) {
      auto x = extractor_->Extract(d);
      EXPECT_TRUE(x.ok()) << x.status();
      out.push_back(*std::move(x));
    }
    return out;
  }

  std::string NameOf(graph::GraphReader& r, graph::VertexId id) {
    auto v = r.GetVertex(id);
    if (!v.ok() || !v->has_value()) return "";
    for (const graph::VertexProperty& p : (*v)->properties) {
      if (p.key == "name" && p.value.is_string()) return p.value.as_string();
    }
    return "";
  }

  // Vertices whose name is exactly `name` (the alias index finds candidates).
  std::set<graph::VertexId> Start(graph::GraphReader& r, const std::string& name) {
    std::set<graph::VertexId> out;
    auto hits = r.FindByAlias(name);
    for (graph::VertexId id; hits->Next(&id);) {
      if (NameOf(r, id) == name) out.insert(id);
    }
    return out;
  }

  std::set<graph::VertexId> Step(graph::GraphReader& r, const std::set<graph::VertexId>& from,
                                 const std::string& dir, const std::string& edge) {
    std::set<graph::VertexId> out;
    auto label = r.FindLabel(edge);
    if (!label.has_value()) return out;
    const bool symmetric = edge == "PARTNERS_WITH";
    for (graph::VertexId v : from) {
      for (graph::Direction d : {graph::Direction::kOut, graph::Direction::kIn}) {
        bool wanted = (dir == "out") == (d == graph::Direction::kOut);
        if (!wanted && !symmetric) continue;
        auto edges = r.ScanEdges(v, d, label);
        for (graph::EdgeKey e; edges->Next(&e);) out.insert(e.src == v ? e.dst : e.src);
        EXPECT_TRUE(edges->status().ok()) << edges->status();
      }
    }
    return out;
  }

  std::unique_ptr<Extractor> extractor_;
};

TEST_F(StoreTest, EveryQuestionOfTheSeedIsAnsweredExactly) {
  auto report = Ingest(*graph_, ExtractFile(kShared + "/seed/000_9bcd69e6ea19a6da.txt"));
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->documents_added, 9);

  std::ifstream in(kShared + "/seed/questions.json");
  std::stringstream ss;
  ss << in.rdbuf();
  nlohmann::json q = nlohmann::json::parse(ss.str());
  auto r = graph_->Snapshot();
  int answered = 0;
  for (const auto& question : q["questions"]) {
    std::set<graph::VertexId> at = Start(*r, question["start"].get<std::string>());
    EXPECT_FALSE(at.empty()) << "no vertex named " << question["start"];
    for (const auto& step : question["path"]) {
      at = Step(*r, at, step[0].get<std::string>(), step[1].get<std::string>());
    }
    std::set<std::string> got, want;
    for (graph::VertexId v : at) got.insert(NameOf(*r, v));
    for (const auto& a : question["answers"]) want.insert(a.get<std::string>());
    EXPECT_EQ(got, want) << question["q"];
    if (got == want) ++answered;
  }
  std::cout << answered << " of " << q["questions"].size() << " questions answered exactly\n";
}

TEST_F(StoreTest, ProvenanceOnVerticesAndEdges) {
  ASSERT_TRUE(Ingest(*graph_, ExtractFile(kShared + "/seed/000_9bcd69e6ea19a6da.txt")).ok());
  auto r = graph_->Snapshot();
  std::set<graph::VertexId> indonesia = Start(*r, "Indonesia");
  ASSERT_EQ(indonesia.size(), 1u);
  graph::VertexId id = *indonesia.begin();
  auto label = r->FindLabel("HAS_RESERVES");
  ASSERT_TRUE(label.has_value());
  auto edges = r->ScanEdges(id, graph::Direction::kOut, label);
  graph::EdgeKey e;
  ASSERT_TRUE(edges->Next(&e));
  auto edge = r->GetEdge(e);
  ASSERT_TRUE(edge.ok() && edge->has_value());
  ASSERT_NE((*edge)->Find("share_pct"), nullptr);
  auto ev = r->GetEvidence(e);
  ASSERT_TRUE(ev.ok()) << ev.status();
  ASSERT_FALSE(ev->empty());
  EXPECT_EQ((*ev)[0].doc_id, "000_9bcd69e6ea19a6da#9");
  EXPECT_EQ((*ev)[0].rule, "reserves.share");
  EXPECT_NE((*ev)[0].sentence.find("인도네시아"), std::string::npos);
  EXPECT_LT((*ev)[0].begin, (*ev)[0].end);
  // The document names Indonesia: a MENTIONS edge with a count.
  auto mentions = r->ScanEdges(id, graph::Direction::kIn, r->FindLabel("MENTIONS"));
  graph::EdgeKey m;
  ASSERT_TRUE(mentions->Next(&m));
  auto doc = r->GetDocument("000_9bcd69e6ea19a6da#9");
  ASSERT_TRUE(doc.ok() && doc->has_value());
  EXPECT_EQ((*doc)->container, "000_9bcd69e6ea19a6da");
  EXPECT_EQ((*doc)->source, "CSIS");
}

TEST_F(StoreTest, SameDocumentTwiceChangesNothing) {
  std::vector<Extraction> xs = ExtractFile(kShared + "/seed/000_9bcd69e6ea19a6da.txt");
  ASSERT_TRUE(Ingest(*graph_, xs).ok());
  auto before = graph_->Stats();
  ASSERT_TRUE(before.ok());
  auto again = Ingest(*graph_, xs);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->documents_unchanged, 9);
  EXPECT_EQ(again->vertices_created + again->edges_created, 0);
  auto after = graph_->Stats();
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(before->vertices, after->vertices);
  EXPECT_EQ(before->edges, after->edges);
}

TEST_F(StoreTest, ChangedDocumentReplacesItsContributions) {
  Document d;
  d.id = "doc-1";
  d.title = "테스트 기사";
  d.text = "※ ▲(칠레) 세계 리튬 매장량의 약 33% 보유";
  auto x1 = extractor_->Extract(d);
  ASSERT_TRUE(x1.ok());
  ASSERT_TRUE(Ingest(*graph_, {*x1}).ok());
  {
    auto r = graph_->Snapshot();
    EXPECT_EQ(Start(*r, "Chile").size(), 1u);
  }
  d.text = "※ ▲(페루) 세계 구리 매장량의 약 10% 보유";
  auto x2 = extractor_->Extract(d);
  ASSERT_TRUE(x2.ok());
  auto rep = Ingest(*graph_, {*x2});
  ASSERT_TRUE(rep.ok()) << rep.status();
  EXPECT_EQ(rep->documents_replaced, 1);
  auto r = graph_->Snapshot();
  EXPECT_TRUE(Start(*r, "Chile").empty());  // only the old text supported it
  EXPECT_EQ(Start(*r, "Peru").size(), 1u);
  auto copper = Step(*r, Start(*r, "Peru"), "out", "HAS_RESERVES");
  ASSERT_EQ(copper.size(), 1u);
  EXPECT_EQ(NameOf(*r, *copper.begin()), "Copper");
}

TEST_F(StoreTest, AliasesMergeAcrossIngests) {
  Document a;
  a.id = "a";
  a.title = "A";
  a.text = "- 엔비디아는 신규 칩을 공개";
  Document b;
  b.id = "b";
  b.title = "B";
  b.text = "- NVIDIA announced a chip";
  auto xa = extractor_->Extract(a);
  auto xb = extractor_->Extract(b);
  ASSERT_TRUE(xa.ok() && xb.ok());
  ASSERT_TRUE(Ingest(*graph_, {*xa, *xb}).ok());
  auto r = graph_->Snapshot();
  std::set<graph::VertexId> by_ko, by_en;
  auto h1 = r->FindByAlias("엔비디아");
  for (graph::VertexId v; h1->Next(&v);) by_ko.insert(v);
  auto h2 = r->FindByAlias("NVIDIA");
  for (graph::VertexId v; h2->Next(&v);) by_en.insert(v);
  EXPECT_EQ(by_ko.size(), 1u);
  EXPECT_EQ(by_ko, by_en);
}

TEST_F(StoreTest, PreExtractedJsonlIsResolvedAndMergedLikeBuiltInExtraction) {
  // What a user's own extractor (or the pluggable gRPC extractor) hands over: names as written.
  std::string path = dir_ + ".jsonl";
  std::ofstream(path)
      << R"({"document": {"id": "ext-1", "title": "외부 기사", "text": "엔비디아는 대만 기업이다."},)"
      << R"( "entities": [{"label": "Company", "name": "엔비디아", "aliases": ["엔비디아"]},)"
      << R"( {"label": "Country", "name": "대만"}],)"
      << R"( "relations": [{"s": "엔비디아", "p": "BASED_IN", "o": "대만",)"
      << R"( "props": {"since": 1993, "share": 0.5},)"
      << R"( "evidence": "엔비디아는 대만 기업이다."}]})"
      << "\n";
  auto ext = ReadJsonlExtractions(path);
  std::filesystem::remove(path);
  ASSERT_TRUE(ext.ok()) << ext.status();
  ASSERT_EQ(ext->size(), 1u);
  ASSERT_EQ((*ext)[0].relations.size(), 1u);
  const auto& props = (*ext)[0].relations[0].props;
  ASSERT_EQ(props.size(), 2u);
  EXPECT_EQ(props[0].first, "share");  // in key order
  EXPECT_TRUE(props[0].second.is_double());
  EXPECT_EQ(props[1].first, "since");
  EXPECT_TRUE(props[1].second.is_int64());  // JSON integers are int64, as in kgd's input
  auto resolved = ExtractionFromInput(*extractor_, (*ext)[0]);
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  ASSERT_EQ(resolved->entities.size(), 3u);  // the document, NVIDIA, Taiwan
  EXPECT_EQ(resolved->entities[1].name, "NVIDIA");
  EXPECT_EQ(resolved->entities[1].rule, "input");
  EXPECT_EQ(resolved->entities[1].mentions, (std::vector<Span>{{0, 12}}));  // "엔비디아"
  Document d;
  d.id = "builtin";
  d.title = "기사";
  d.text = "- NVIDIA는 신규 칩을 공개";
  auto builtin = extractor_->Extract(d);
  ASSERT_TRUE(builtin.ok());
  ASSERT_TRUE(Ingest(*graph_, {*resolved, *builtin}).ok());
  auto r = graph_->Snapshot();
  std::set<graph::VertexId> nvidia = Start(*r, "NVIDIA");
  ASSERT_EQ(nvidia.size(), 1u);  // one vertex for both sources
  auto where = Step(*r, nvidia, "out", "BASED_IN");
  ASSERT_EQ(where.size(), 1u);
  EXPECT_EQ(NameOf(*r, *where.begin()), "Taiwan");
  auto ev = r->GetEvidence(graph::EdgeKey{*nvidia.begin(), *r->FindLabel("BASED_IN"), *where.begin(), 0});
  ASSERT_TRUE(ev.ok() && !ev->empty());
  EXPECT_EQ((*ev)[0].rule, "input");
  EXPECT_EQ((*ev)[0].sentence, "엔비디아는 대만 기업이다.");
}

// What can be told without the bundle is told by the reader, with the file and line.
TEST_F(StoreTest, PreExtractedJsonlErrorsNameTheLine) {
  const std::string path = dir_ + ".jsonl";
  auto error_of = [&](const std::string& second_line) {
    std::ofstream(path) << R"({"document": {"id": "a", "text": "x"}})"
                        << "\n"
                        << second_line << "\n";
    auto ext = ReadJsonlExtractions(path);
    std::filesystem::remove(path);
    return ext.ok() ? std::string("ok") : std::string(ext.status().message());
  };
  const std::string at = path + ":2: ";
  EXPECT_EQ(error_of(R"({"document": {"id": "b"}})"), at + "\"document\" needs a \"text\" string");
  EXPECT_EQ(error_of(R"({"id": "b", "text": "x"})"), at + "unknown field \"id\" in the line");
  EXPECT_EQ(error_of(R"({"document": {"id": "b", "text": "x"}, "entities": {}})"),
            at + "\"entities\" must be an array");
  EXPECT_EQ(error_of(R"({"document": {"id": "b", "text": "x"}, "entities": [{"label": "L",)"
                     R"( "name": "n", "alias": ["m"]}]})"),
            at + "unknown field \"alias\" in entity 0");
  EXPECT_EQ(error_of(R"({"document": {"id": "b", "text": "x"}, "relations": [{"s": "a", "p": "E",)"
                     R"( "o": "b", "props": {"k": [1]}}]})"),
            at + "relation 0: prop \"k\" must be a string, a number or a boolean");
  EXPECT_EQ(error_of(R"({"document": {"id": "b", "text": "x"}, "entities": [{"name": 3}]})"),
            at + "entity 0: \"name\" must be a string");
  EXPECT_EQ(error_of("{\"document\": {\"id\": \"b\", \"text\": \"\xff\"}}"), at + "invalid UTF-8");
  EXPECT_EQ(error_of("not json"), at + "not valid JSON");
}

// The bundle's checks, each naming the document and the item.
TEST_F(StoreTest, PreExtractionIsCheckedAgainstTheBundle) {
  auto error_of = [&](std::vector<InputEntity> entities, std::vector<InputRelation> relations) {
    ExtractionInput in;
    in.document.id = "d1";
    in.document.title = "제목";
    in.document.text = "엔비디아는 대만 기업이다.";
    in.entities = std::move(entities);
    in.relations = std::move(relations);
    auto x = ExtractionFromInput(*extractor_, std::move(in));
    return x.ok() ? std::string("ok") : std::string(x.status().message());
  };
  const InputEntity nvidia{"Company", "엔비디아", {}, 0.9};
  const InputEntity taiwan{"Country", "대만", {}, 1.0};
  auto rel = [](std::string s, std::string p, std::string o, std::string evidence = "") {
    InputRelation r;
    r.subject = std::move(s);
    r.edge = std::move(p);
    r.object = std::move(o);
    r.evidence = std::move(evidence);
    return r;
  };
  EXPECT_EQ(error_of({nvidia, taiwan}, {rel("엔비디아", "BASED_IN", "대만", "대만 기업이다")}),
            "ok");
  EXPECT_EQ(error_of({nvidia, {"Compny", "대만", {}, 1.0}}, {}),
            "document d1: entity 1 (대만): unknown vertex label 'Compny'");
  EXPECT_EQ(error_of({nvidia, {"Country", " ", {}, 1.0}}, {}), "document d1: entity 1: empty name");
  EXPECT_EQ(error_of({{"Company", "엔비디아", {}, 1.5}}, {}),
            "document d1: entity 0 (엔비디아): confidence 1.5 is outside (0, 1]");
  EXPECT_EQ(error_of({nvidia, taiwan}, {rel("엔비디아", "BASED_IN", "일본")}),
            "document d1: relation 0: object '일본' is not the name or an alias of any entity of "
            "the document");
  EXPECT_EQ(error_of({nvidia, taiwan}, {rel("엔비디아", "LOCATED", "대만")}),
            "document d1: relation 0 (엔비디아 LOCATED 대만): unknown edge label 'LOCATED'");
  EXPECT_EQ(error_of({nvidia, taiwan}, {rel("대만", "BASED_IN", "엔비디아")}),
            "document d1: relation 0 (대만 BASED_IN 엔비디아): BASED_IN goes from "
            "Company,Organization to Country, not from Country to Company (edges.tsv)");
  EXPECT_EQ(error_of({nvidia, taiwan}, {rel("엔비디아", "BASED_IN", "대만", "일본 기업이다")}),
            "document d1: relation 0 (엔비디아 BASED_IN 대만): evidence not found in the text: "
            "\"일본 기업이다\"");
  EXPECT_EQ(error_of({nvidia, {"Country", "Nvidia Land", {"엔비디아"}, 1.0}},
                     {rel("엔비디아", "BASED_IN", "Nvidia Land")}),
            "ok");  // a name before an alias
  // The title names the document, unless an entity has that name ("제목" is the title).
  EXPECT_EQ(error_of({{"Organization", "Wire", {}, 1.0}}, {rel("제목", "PUBLISHED_BY", "Wire")}),
            "ok");
  EXPECT_EQ(error_of({{"Company", "제목", {}, 1.0}, {"Organization", "Wire", {}, 1.0}},
                     {rel("제목", "PUBLISHED_BY", "Wire")}),
            "document d1: relation 0 (제목 PUBLISHED_BY Wire): PUBLISHED_BY goes from Document "
            "to Organization,Company, not from Company to Organization (edges.tsv)");
  EXPECT_EQ(error_of({{"Company", "A", {"X"}, 1.0}, {"Country", "B", {"X"}, 1.0}},
                     {rel("X", "BASED_IN", "B")}),
            "document d1: relation 0: subject 'X' names several entities: entity 0 (Company), "
            "entity 1 (Country)");
}

TEST_F(StoreTest, InvalidExtractionWritesNothing) {
  Extraction x;
  x.document.id = "bad";
  x.entities = {{"Document", "bad", {}, 1, "", {}}};
  Relation r;
  r.subject = 0;
  r.edge = "MENTIONS";
  r.object = 5;  // out of range
  x.relations = {r};
  auto rep = Ingest(*graph_, {x});
  EXPECT_EQ(rep.status().code(), absl::StatusCode::kInvalidArgument);
  auto stats = graph_->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->vertices, 0);
  EXPECT_EQ(stats->documents, 0);
}

// Several documents share one Graph::Write (group commit), yet each stays all-or-nothing: a
// document that fails inside the store keeps the ones before it and writes nothing of its own
// or of the ones after it.
TEST_F(StoreTest, FailingDocumentInAGroupKeepsTheOnesBeforeIt) {
  std::vector<Extraction> xs;
  for (int i = 0; i < 5; ++i) {
    Document d;
    d.id = "doc-" + std::to_string(i);
    d.title = "기사 " + std::to_string(i);
    d.text = "※ ▲(칠레) 세계 리튬 매장량의 약 33% 보유";
    auto x = extractor_->Extract(d);
    ASSERT_TRUE(x.ok()) << x.status();
    xs.push_back(*std::move(x));
  }
  // An entity without a name cannot be upserted: the store rejects document 2.
  xs[2].entities.push_back({"Company", "", {}, 1, "dict:companies", {}});
  auto rep = Ingest(*graph_, xs);
  EXPECT_EQ(rep.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(rep.status().message().find("document doc-2:"), std::string::npos) << rep.status();
  auto r = graph_->Snapshot();
  for (int i = 0; i < 5; ++i) {
    auto d = r->GetDocument("doc-" + std::to_string(i));
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d->has_value(), i < 2) << i;
  }
  auto stats = graph_->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->documents, 2);
  EXPECT_TRUE(graph_->Verify().ok());
  // Without the bad document, the rest goes in and the first two are unchanged.
  xs.erase(xs.begin() + 2);
  auto again = Ingest(*graph_, xs);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->documents_unchanged, 2);
  EXPECT_EQ(again->documents_added, 2);
}

// One call that holds a document and then its new version ends like two calls.
TEST_F(StoreTest, NewVersionInTheSameCallReplacesTheOld) {
  Document d;
  d.id = "doc-1";
  d.title = "테스트 기사";
  d.text = "※ ▲(칠레) 세계 리튬 매장량의 약 33% 보유";
  auto x1 = extractor_->Extract(d);
  d.text = "※ ▲(페루) 세계 구리 매장량의 약 10% 보유";
  auto x2 = extractor_->Extract(d);
  ASSERT_TRUE(x1.ok() && x2.ok());
  auto rep = Ingest(*graph_, {*x1, *x2});
  ASSERT_TRUE(rep.ok()) << rep.status();
  EXPECT_EQ(rep->documents_added, 1);
  EXPECT_EQ(rep->documents_replaced, 1);
  auto r = graph_->Snapshot();
  EXPECT_TRUE(Start(*r, "Chile").empty());
  EXPECT_EQ(Start(*r, "Peru").size(), 1u);
  EXPECT_TRUE(graph_->Verify().ok());
}

}  // namespace
}  // namespace kg::ingest
