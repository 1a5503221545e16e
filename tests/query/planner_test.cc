// What the planner's rewrites read from the store, counted: the graph the queries run on wraps
// every snapshot in a reader that counts the rows each kind of access returns. So "has() is an
// index lookup", "out(L) scans only L's edges", "limit() stops the scans" and "count() of a
// label reads the maintained count" are checked by what was read, not by the plan's text alone.
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "graph/bulk_loader.h"
#include "gtest/gtest.h"
#include "query/query.h"
#include "tests/query/modern_graph_fixture.h"

namespace kg::query {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

// Rows returned, by the reader method that returned them ("ScanEdges(knows)" for a scan of one
// label's edges); calls of the maintained-count methods count one each.
using Reads = std::map<std::string, int64_t>;

template <typename T>
class CountingStream : public graph::Stream<T> {
 public:
  CountingStream(std::unique_ptr<graph::Stream<T>> s, int64_t* rows)
      : s_(std::move(s)), rows_(rows) {}
  bool Next(T* out) override {
    if (!s_->Next(out)) return false;
    ++*rows_;
    return true;
  }
  absl::Status status() const override { return s_->status(); }

 private:
  std::unique_ptr<graph::Stream<T>> s_;
  int64_t* rows_;
};

class CountingReader : public graph::GraphReader {
 public:
  CountingReader(std::unique_ptr<graph::GraphReader> r, Reads* reads)
      : r_(std::move(r)), reads_(reads) {}

  std::optional<graph::LabelId> FindLabel(std::string_view name) const override {
    return r_->FindLabel(name);
  }
  std::string LabelName(graph::LabelId id) const override { return r_->LabelName(id); }
  absl::StatusOr<std::optional<graph::Vertex>> GetVertex(graph::VertexId id) override {
    return r_->GetVertex(id);
  }
  absl::StatusOr<std::optional<graph::VertexId>> FindVertexByKey(std::string_view label,
                                                                 std::string_view key) override {
    return r_->FindVertexByKey(label, key);
  }
  absl::StatusOr<std::optional<graph::VertexId>> FindVertexByExternalId(
      const graph::Value& id) override {
    ++(*reads_)["FindVertexByExternalId"];
    return r_->FindVertexByExternalId(id);
  }
  std::unique_ptr<graph::VertexIdStream> ScanVertices() override {
    return Count("ScanVertices", r_->ScanVertices());
  }
  std::unique_ptr<graph::VertexIdStream> ScanVerticesWithLabel(graph::LabelId label) override {
    return Count("ScanVerticesWithLabel(" + r_->LabelName(label) + ")",
                 r_->ScanVerticesWithLabel(label));
  }
  std::unique_ptr<graph::VertexIdStream> FindByAlias(std::string_view name,
                                                     std::optional<graph::LabelId> label) override {
    return Count("FindByAlias", r_->FindByAlias(name, label));
  }
  std::unique_ptr<graph::Stream<graph::AliasHit>> SearchAliasPrefix(
      std::string_view prefix) override {
    return Count("SearchAliasPrefix", r_->SearchAliasPrefix(prefix));
  }
  std::vector<graph::IndexSpec> Indexes() const override { return r_->Indexes(); }
  std::unique_ptr<graph::VertexIdStream> IndexExact(std::string_view label, std::string_view key,
                                                    const graph::Value& value) override {
    return Count("IndexExact", r_->IndexExact(label, key, value));
  }
  std::unique_ptr<graph::VertexIdStream> IndexRange(std::string_view label, std::string_view key,
                                                    const graph::ValueRange& range) override {
    return Count("IndexRange", r_->IndexRange(label, key, range));
  }
  std::unique_ptr<graph::VertexIdStream> IndexPrefix(std::string_view label, std::string_view key,
                                                     std::string_view prefix) override {
    return Count("IndexPrefix", r_->IndexPrefix(label, key, prefix));
  }
  std::unique_ptr<graph::EdgeStream> ScanEdges(graph::VertexId vertex, graph::Direction direction,
                                               std::optional<graph::LabelId> label) override {
    return Count(label ? "ScanEdges(" + r_->LabelName(*label) + ")" : "ScanEdges(all labels)",
                 r_->ScanEdges(vertex, direction, label));
  }
  std::unique_ptr<graph::EdgeStream> ScanAllEdges() override {
    return Count("ScanAllEdges", r_->ScanAllEdges());
  }
  absl::StatusOr<std::optional<graph::Edge>> GetEdge(const graph::EdgeKey& key) override {
    return r_->GetEdge(key);
  }
  absl::StatusOr<std::optional<graph::EdgeKey>> FindEdgeByExternalId(
      const graph::Value& id) override {
    return r_->FindEdgeByExternalId(id);
  }
  absl::StatusOr<int64_t> CountVertices(std::optional<graph::LabelId> label) override {
    ++(*reads_)["CountVertices"];
    return r_->CountVertices(label);
  }
  absl::StatusOr<int64_t> CountEdges(std::optional<graph::LabelId> label) override {
    ++(*reads_)["CountEdges"];
    return r_->CountEdges(label);
  }
  absl::StatusOr<int64_t> Degree(graph::VertexId vertex, graph::Direction direction,
                                 std::optional<graph::LabelId> label) override {
    ++(*reads_)["Degree"];
    return r_->Degree(vertex, direction, label);
  }
  absl::StatusOr<std::optional<graph::Document>> GetDocument(std::string_view id) override {
    return r_->GetDocument(id);
  }
  std::unique_ptr<graph::Stream<graph::Document>> ScanDocuments() override {
    return r_->ScanDocuments();
  }
  absl::StatusOr<int64_t> CountDocuments() override { return r_->CountDocuments(); }
  absl::StatusOr<std::vector<graph::Evidence>> GetEvidence(
      const graph::ElementRef& element) override {
    return r_->GetEvidence(element);
  }
  std::unique_ptr<graph::Stream<graph::ElementRef>> ScanSupported(
      std::string_view doc_id) override {
    return r_->ScanSupported(doc_id);
  }

 private:
  template <typename T>
  std::unique_ptr<graph::Stream<T>> Count(const std::string& what,
                                          std::unique_ptr<graph::Stream<T>> s) {
    return std::make_unique<CountingStream<T>>(std::move(s), &(*reads_)[what]);
  }
  std::unique_ptr<graph::GraphReader> r_;
  Reads* reads_;
};

// A Graph whose snapshots count their reads into `reads`; everything else goes to `g`.
class CountingGraph : public graph::Graph {
 public:
  CountingGraph(graph::Graph* g, Reads* reads) : g_(g), reads_(reads) {}
  std::unique_ptr<graph::GraphReader> Snapshot() override {
    return std::make_unique<CountingReader>(g_->Snapshot(), reads_);
  }
  absl::Status Write(absl::FunctionRef<absl::Status(graph::GraphTxn&)> fn) override {
    return g_->Write(fn);
  }
  absl::Status DeclareIndex(const graph::IndexSpec& spec) override {
    return g_->DeclareIndex(spec);
  }
  absl::StatusOr<graph::GraphStats> Stats() override { return g_->Stats(); }
  absl::Status Backup(const std::string& dir) override { return g_->Backup(dir); }
  absl::Status Verify() override { return g_->Verify(); }
  const std::string& dir() const override { return g_->dir(); }
  const graph::GraphOptions& options() const override { return g_->options(); }
  absl::StatusOr<std::unique_ptr<graph::BulkLoader>> StartBulkLoad(
      const graph::BulkLoadOptions& options) override {
    return g_->StartBulkLoad(options);
  }

 private:
  graph::Graph* g_;
  Reads* reads_;
};

class PlannerTest : public kg::query::testing::ModernGraphTest {
 protected:
  // Runs `q` on the counting graph; `reads` then holds what it read (and nothing else).
  std::vector<std::string> Counted(const std::string& q, Reads* reads) {
    reads->clear();
    CountingGraph counting(g_.get(), reads);
    auto c = Execute(counting, q, {});
    EXPECT_TRUE(c.ok()) << q << ": " << c.status();
    if (!c.ok()) return {};
    std::vector<std::string> out;
    for (Value v; (*c)->Next(&v);) out.push_back(v.DebugString());
    EXPECT_TRUE((*c)->status().ok()) << q << ": " << (*c)->status();
    for (auto it = reads->begin(); it != reads->end();) {  // streams opened, nothing read
      it = it->second == 0 ? reads->erase(it) : std::next(it);
    }
    return out;
  }
  std::string Plan(const std::string& q) {
    auto plan = Explain(*g_, q, {});
    EXPECT_TRUE(plan.ok()) << q << ": " << plan.status();
    return plan.ok() ? *plan : "";
  }
};

TEST_F(PlannerTest, HasOnAStartStepIsANameIndexLookup) {
  for (const char* q :
       {"g.V().has('person', 'name', 'marko')", "g.V().hasLabel('person').has('name', 'marko')",
        "g.V().has('name', 'marko')", "g.V().has('name', 'marko').hasLabel('person')"}) {
    Reads reads;
    EXPECT_THAT(Counted(q, &reads), ElementsAre("v[1]")) << q;
    EXPECT_EQ(reads, (Reads{{"FindByAlias", 1}})) << q;
    EXPECT_THAT(Plan(q), HasSubstr("V() [name/alias index: marko")) << q;
  }
  // A label the vertex does not carry, or another name: nothing, still without a scan.
  Reads reads;
  EXPECT_THAT(Counted("g.V().has('software', 'name', 'marko')", &reads), ElementsAre());
  EXPECT_EQ(reads, (Reads{{"FindByAlias", 1}}));
  EXPECT_THAT(Counted("g.V().has('name', 'nobody')", &reads), ElementsAre());
  EXPECT_EQ(reads, Reads{});
  // An alias is a name: has("name", alias) finds its vertex, from the index as by a scan (the
  // index is normalised; has() still compares exactly).
  ASSERT_TRUE(Run("g.addV('company').property('name', 'Samsung Electronics')."
                  "property(set, 'aliases', 'Samsung').property(set, 'aliases', '삼성전자')")
                  .ok());
  for (const char* q : {"g.V().has('name', 'Samsung').values('name')",
                        "g.V().has('company', 'name', '삼성전자').values('name')"}) {
    EXPECT_THAT(Counted(q, &reads), ElementsAre("Samsung Electronics")) << q;
    EXPECT_EQ(reads, (Reads{{"FindByAlias", 1}})) << q;
  }
  EXPECT_THAT(Ok("g.V().hasLabel('company').has('name', 'Samsung').values('name')"),
              ElementsAre("Samsung Electronics"));
  EXPECT_THAT(Ok("g.V().hasLabel('company').has('name', TextP.startingWith('삼성')).count()"),
              ElementsAre("1"));
  EXPECT_THAT(Ok("g.V().has('name', 'SAMSUNG').count()"), ElementsAre("0"));
  EXPECT_THAT(Ok("g.V().has('name', 'samsung electronics').count()"), ElementsAre("0"));
  // hasLabel() matches any of a vertex's labels, not only the first, with the index too.
  ASSERT_TRUE(Run("g.addV('company', 'person').property('name', 'lee')").ok());
  for (const char* q : {"g.V().has('person', 'name', 'lee').values('name')",
                        "g.V().hasLabel('person').has('name', 'lee').values('name')",
                        "g.V().has('company', 'name', 'lee').values('name')"}) {
    EXPECT_THAT(Counted(q, &reads), ElementsAre("lee")) << q;
    EXPECT_EQ(reads, (Reads{{"FindByAlias", 1}})) << q;
  }
}

// The alias keys are the graph's (GraphOptions::alias_properties), not fixed names: with
// {"title", "also_known_as"}, has("title", v) is the index lookup and matches an alias too, and
// "name" is an ordinary property.
TEST(PlannerAliasKeysTest, TheGraphsAliasKeysDecide) {
  std::filesystem::path dir = kg::testing::FreshTestDir("kg_planner_alias_keys");
  graph::GraphOptions options;
  options.sync_writes = false;
  options.alias_properties = {"title", "also_known_as"};
  auto g = graph::Graph::Open(dir.string(), options);
  ASSERT_TRUE(g.ok()) << g.status();
  auto run = [&](const std::string& q) {
    std::vector<std::string> out;
    auto c = Execute(**g, q, {});
    EXPECT_TRUE(c.ok()) << q << ": " << c.status();
    if (!c.ok()) return out;
    for (Value v; (*c)->Next(&v);) out.push_back(v.DebugString());
    EXPECT_TRUE((*c)->status().ok()) << q << ": " << (*c)->status();
    return out;
  };
  run("g.addV('book').property('title', 'Dune').property('also_known_as', 'Arrakis')."
      "property('name', 'Herbert')");
  EXPECT_THAT(run("g.V().has('title', 'Arrakis').values('title')"), ElementsAre("Dune"));
  EXPECT_THAT(run("g.V().has('book', 'also_known_as', 'Arrakis').values('title')"),
              ElementsAre("Dune"));
  EXPECT_THAT(run("g.V().has('name', 'Arrakis').count()"), ElementsAre("0"));
  EXPECT_THAT(run("g.V().has('name', 'Herbert').values('title')"), ElementsAre("Dune"));
  auto plan = Explain(**g, "g.V().has('title', 'Dune')", {});
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_THAT(*plan, HasSubstr("name/alias index"));
  plan = Explain(**g, "g.V().has('name', 'Herbert')", {});
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_THAT(*plan, ::testing::Not(HasSubstr("name/alias index")));
  g->reset();
  std::filesystem::remove_all(dir);
}

TEST_F(PlannerTest, HasOnADeclaredPropertyIndexSeeksIt) {
  ASSERT_TRUE(g_->DeclareIndex({"person", "age", graph::Value::Type::kInt64}).ok());
  for (const char* q :
       {"g.V().has('person', 'age', 32)", "g.V().hasLabel('person').has('age', 32)"}) {
    Reads reads;
    EXPECT_THAT(Counted(q, &reads), ElementsAre("v[4]")) << q;
    EXPECT_EQ(reads, (Reads{{"IndexExact", 1}})) << q;
    EXPECT_THAT(Plan(q), HasSubstr("V() [property index person.age = 32]")) << q;
  }
  // Without a label no index covers the key: a full scan, the same answer.
  Reads reads;
  EXPECT_THAT(Counted("g.V().has('age', 32)", &reads), ElementsAre("v[4]"));
  EXPECT_EQ(reads, (Reads{{"ScanVertices", 6}}));
}

TEST_F(PlannerTest, HasLabelIsALabelScan) {
  Reads reads;
  EXPECT_THAT(Counted("g.V().hasLabel('software').values('name')", &reads),
              UnorderedElementsAre("lop", "ripple"));
  EXPECT_EQ(reads, (Reads{{"ScanVerticesWithLabel(software)", 2}}));
}

TEST_F(PlannerTest, AnEdgeLabelScansOnlyThatLabelsEdges) {
  // marko has three out-edges: two knows, one created.
  Reads reads;
  EXPECT_THAT(Counted("g.V(1).out('knows').values('name')", &reads),
              UnorderedElementsAre("vadas", "josh"));
  EXPECT_EQ(reads, (Reads{{"FindVertexByExternalId", 1}, {"ScanEdges(knows)", 2}}));
  EXPECT_THAT(Counted("g.V(1).outE('created').inV().values('name')", &reads), ElementsAre("lop"));
  EXPECT_EQ(reads, (Reads{{"FindVertexByExternalId", 1}, {"ScanEdges(created)", 1}}));
  EXPECT_THAT(Counted("g.V(1).out().values('name')", &reads),
              UnorderedElementsAre("vadas", "josh", "lop"));
  EXPECT_EQ(reads, (Reads{{"FindVertexByExternalId", 1}, {"ScanEdges(all labels)", 3}}));
  EXPECT_THAT(Plan("g.V(1).out('knows')"), HasSubstr("out(knows) [label-prefixed edge scan]"));
}

TEST_F(PlannerTest, LimitStopsTheScansUpstream) {
  Reads reads;
  EXPECT_THAT(Counted("g.V().limit(2)", &reads), ElementsAre("v[1]", "v[2]"));
  EXPECT_EQ(reads, (Reads{{"ScanVertices", 2}}));
  // marko's edges are enough: one vertex of six read.
  EXPECT_THAT(Counted("g.V().out().limit(1)", &reads), ElementsAre("v[3]"));
  EXPECT_EQ(reads, (Reads{{"ScanVertices", 1}, {"ScanEdges(all labels)", 3}}));
  EXPECT_THAT(Counted("g.E().range(1, 3).count()", &reads), ElementsAre("2"));
  EXPECT_EQ(reads, (Reads{{"ScanAllEdges", 3}}));
  EXPECT_THAT(Plan("g.V().out().limit(1)"), HasSubstr("limit(0, 1) [stops upstream scans]"));
}

// Edges are read from the store in batches of a few hundred: a limit on a hub's neighbours
// stops within the first batch, however many edges the hub has.
TEST_F(PlannerTest, LimitOnAHubsEdgesReadsOneBatch) {
  constexpr int kSpokes = 5000;
  ASSERT_TRUE(g_->Write([&](graph::GraphTxn& txn) -> absl::Status {
                  auto hub = txn.AddVertex({"hub"}, "", graph::Value(int64_t{100}), {});
                  if (!hub.ok()) return hub.status();
                  for (int i = 0; i < kSpokes; ++i) {
                    auto spoke = txn.AddVertex({"spoke"}, "", graph::Value(), {});
                    if (!spoke.ok()) return spoke.status();
                    auto e = txn.AddEdge(*hub, "links", *spoke, graph::Value(), {});
                    if (!e.ok()) return e.status();
                  }
                  return absl::OkStatus();
                }).ok());
  Reads reads;
  EXPECT_THAT(Counted("g.V(100L).out('links').limit(3).count()", &reads), ElementsAre("3"));
  EXPECT_GE(reads["ScanEdges(links)"], 3);
  EXPECT_LE(reads["ScanEdges(links)"], 256);
  EXPECT_THAT(Counted("g.V(100L).outE().limit(2).count()", &reads), ElementsAre("2"));
  EXPECT_LE(reads["ScanEdges(all labels)"], 256);
  EXPECT_THAT(Counted("g.V(100L).out().count()", &reads), ElementsAre("5000"));
  EXPECT_EQ(reads, (Reads{{"FindVertexByExternalId", 1}, {"Degree", 1}}));
}

TEST_F(PlannerTest, CountOfAWholeLabelReadsTheMaintainedCount) {
  Reads reads;
  EXPECT_THAT(Counted("g.V().hasLabel('person').count()", &reads), ElementsAre("4"));
  EXPECT_EQ(reads, (Reads{{"CountVertices", 1}}));
  EXPECT_THAT(Counted("g.V().count()", &reads), ElementsAre("6"));
  EXPECT_EQ(reads, (Reads{{"CountVertices", 1}}));
  EXPECT_THAT(Counted("g.E().count()", &reads), ElementsAre("6"));
  EXPECT_EQ(reads, (Reads{{"CountEdges", 1}}));
  // A filter that is not a whole label counts by scanning.
  EXPECT_THAT(Counted("g.V().hasLabel('person').has('age', P.gt(30)).count()", &reads),
              ElementsAre("2"));
  EXPECT_EQ(reads, (Reads{{"ScanVerticesWithLabel(person)", 4}}));
}

}  // namespace
}  // namespace kg::query
