// Runs TinkerPop's Gherkin scenarios (the .feature files) against kg's query engine.
//
// Directory: $KG_FEATURES_DIR, else tinkerpop/features of the shared material (KG_SHARED_DIR). Graphs
// come from the sibling data/ directory (GraphSON 3.0). Prints one line per failing scenario and
// a last line "N passed, N failed, N skipped"; a scenario is skipped only when it uses a lambda
// (or is marked unsupported by the suite itself), and the reason is printed.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "graph/graph.h"
#include "gtest/gtest.h"
#include "query/executor.h"
#include "query/graphson.h"
#include "query/parser.h"
#include "query/query.h"
#include "tests/query/notation.h"

namespace kg::query {
namespace {

namespace fs = std::filesystem;

// Scenarios passing when the floor was last raised. It must only go up, to all of them.
constexpr int kPassingFloor = KG_FEATURE_PASS_FLOOR;

struct Scenario {
  std::string file, name;
  std::string graph;  // "modern", "empty", ...
  std::vector<std::pair<std::string, std::string>> params, side_effects;
  std::string initializer, traversal;
  bool next_only = false;
  std::string skip_reason;
  std::vector<std::string> tags;  // @Tags above the scenario (provider options it assumes)
  // Expectations.
  std::string result_kind;  // "ordered", "unordered", "of", "empty", "count", "error", "nothing"
  std::vector<std::string> rows;
  int64_t count = -1;
  std::string error_text;
  bool expect_error = false;
  std::vector<std::pair<int64_t, std::string>> graph_counts;
};

std::string Unquote(absl::string_view s) {
  // "..." with \" escapes.
  std::string out;
  for (size_t i = 1; i + 1 < s.size(); ++i) {
    if (s[i] == '\\' && i + 2 < s.size()) {
      out += s[++i];
    } else {
      out += s[i];
    }
  }
  return out;
}

std::vector<Scenario> ParseFeature(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  std::vector<Scenario> out;
  Scenario* cur = nullptr;
  std::string* docstring_target = nullptr;
  bool in_doc = false;
  bool in_table = false;
  std::vector<std::string> pending_tags;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string t(absl::StripAsciiWhitespace(lines[i]));
    if (in_doc) {
      if (t == "\"\"\"") {
        in_doc = false;
        continue;
      }
      std::string scratch;  // a docstring no step asked for ("nothing should happen because")
      std::string* target = docstring_target ? docstring_target : &scratch;
      absl::StrAppend(target, target->empty() ? "" : "\n", lines[i]);
      continue;
    }
    if (absl::StartsWith(t, "@")) {
      for (absl::string_view tag : absl::StrSplit(t, ' ', absl::SkipEmpty())) pending_tags.emplace_back(tag);
      continue;
    }
    if (absl::StartsWith(t, "Scenario:")) {
      out.emplace_back();
      cur = &out.back();
      cur->tags = std::move(pending_tags);
      pending_tags.clear();
      docstring_target = nullptr;  // pointers into the previous scenario may dangle now
      cur->file = fs::path(path).filename().string();
      cur->name = std::string(absl::StripAsciiWhitespace(t.substr(9)));
      in_table = false;
      continue;
    }
    if (cur == nullptr) continue;
    if (t == "\"\"\"") {
      in_doc = true;
      continue;
    }
    if (absl::StartsWith(t, "|")) {
      if (!in_table) continue;
      std::string raw(absl::StripAsciiWhitespace(t.substr(1, t.rfind('|') - 1)));
      // Gherkin table cells escape '\\', '\|' and '\n'.
      std::string cell;
      for (size_t k = 0; k < raw.size(); ++k) {
        if (raw[k] == '\\' && k + 1 < raw.size()) {
          char e = raw[++k];
          cell += e == 'n' ? '\n' : e;
        } else {
          cell += raw[k];
        }
      }
      if (cell == "result") continue;
      cur->rows.push_back(cell);
      continue;
    }
    in_table = false;
    absl::string_view rest = t;
    if (!absl::ConsumePrefix(&rest, "Given ") && !absl::ConsumePrefix(&rest, "And ") &&
        !absl::ConsumePrefix(&rest, "When ") && !absl::ConsumePrefix(&rest, "Then ")) {
      continue;
    }
    std::string r(rest);
    if (absl::StartsWith(r, "the ") && absl::EndsWith(r, " graph") && !absl::StartsWith(r, "the graph")) {
      cur->graph = r.substr(4, r.size() - 10);
    } else if (r == "an unsupported test") {
      cur->skip_reason = "marked unsupported by the suite";
    } else if (absl::StartsWith(r, "using the parameter ") || absl::StartsWith(r, "using the side effect ")) {
      bool side = absl::StartsWith(r, "using the side effect ");
      absl::string_view x = r;
      absl::ConsumePrefix(&x, side ? "using the side effect " : "using the parameter ");
      size_t sp = x.find(" defined as ");
      std::string name(x.substr(0, sp));
      std::string value = Unquote(x.substr(sp + 12));
      if (absl::StartsWith(value, "c[")) cur->skip_reason = "uses a lambda parameter";
      (side ? cur->side_effects : cur->params).emplace_back(name, value);
    } else if (r == "the graph initializer of") {
      docstring_target = &cur->initializer;
    } else if (r == "the traversal of") {
      docstring_target = &cur->traversal;
    } else if (r == "iterated next") {
      cur->next_only = true;
    } else if (r == "iterated to list") {
    } else if (absl::StartsWith(r, "the result should be ")) {
      std::string kind = r.substr(21);
      cur->result_kind = kind;
      in_table = kind != "empty";
    } else if (absl::StartsWith(r, "the result should have a count of ")) {
      if (!absl::SimpleAtoi(r.substr(34), &cur->count)) cur->count = -2;  // never matches
      if (cur->result_kind.empty()) cur->result_kind = "count";
    } else if (absl::StartsWith(r, "the traversal will raise an error")) {
      cur->expect_error = true;
      cur->result_kind = "error";
      size_t q = r.find('"');
      if (q != std::string::npos) cur->error_text = Unquote(r.substr(q));
    } else if (absl::StartsWith(r, "the graph should return ")) {
      absl::string_view x = r;
      absl::ConsumePrefix(&x, "the graph should return ");
      size_t sp = x.find(' ');
      int64_t n = 0;
      if (!absl::SimpleAtoi(x.substr(0, sp), &n)) n = -1;
      size_t q = x.find('"');
      cur->graph_counts.emplace_back(n, Unquote(x.substr(q)));
    } else if (absl::StartsWith(r, "nothing should happen")) {
      cur->result_kind = "nothing";
      docstring_target = nullptr;
    }
  }
  return out;
}

std::string GraphFile(const std::string& name) {
  static const std::map<std::string, std::string> files = {
      {"modern", "tinkerpop-modern.json"}, {"crew", "tinkerpop-crew.json"},
      {"grateful", "grateful-dead.json"},  {"sink", "tinkerpop-sink.json"},
      {"zoo", "tinkerpop-zoo.json"}};
  auto it = files.find(name);
  return it == files.end() ? "" : it->second;
}

class Runner {
 public:
  Runner(fs::path data_dir, fs::path tmp) : data_dir_(std::move(data_dir)), tmp_(std::move(tmp)) {}

  absl::StatusOr<graph::Graph*> OpenGraph(const std::string& name, bool fresh) {
    if (!fresh) {
      auto it = shared_.find(name);
      if (it != shared_.end()) return it->second.get();
    }
    fs::path dir = tmp_ / absl::StrCat("g", counter_++);
    fs::remove_all(dir);
    graph::GraphOptions opts;
    opts.sync_writes = false;
    opts.write_buffer_bytes = 4 << 20;
    opts.block_cache_bytes = 8 << 20;
    auto g = graph::Graph::Open(dir.string(), opts);
    if (!g.ok()) return g.status();
    if (name != "empty") {
      std::string file = GraphFile(name);
      if (file.empty()) return absl::NotFoundError(absl::StrCat("unknown graph ", name));
      auto st = ImportGraphsonFile(**g, (data_dir_ / file).string());
      if (!st.ok()) return st.status();
    }
    graph::Graph* raw = g->get();
    if (fresh) {
      fresh_ = std::move(*g);
    } else {
      shared_[name] = std::move(*g);
    }
    return raw;
  }

  void CloseFresh() {
    if (fresh_) {
      std::string dir = fresh_->dir();
      fresh_.reset();
      std::error_code ec;
      fs::remove_all(dir, ec);
    }
  }

 private:
  fs::path data_dir_, tmp_;
  int counter_ = 0;
  std::map<std::string, std::unique_ptr<graph::Graph>> shared_;
  std::unique_ptr<graph::Graph> fresh_;
};

absl::StatusOr<std::vector<Value>> RunQuery(graph::Graph& g, const std::string& q,
                                            const QueryOptions& opts) {
  auto c = Execute(g, q, opts);
  if (!c.ok()) return c.status();
  std::vector<Value> out;
  for (Value v; (*c)->Next(&v);) out.push_back(v);
  if (!(*c)->status().ok()) return (*c)->status();
  return out;
}

testing::Resolver MakeResolver(graph::Graph& g) {
  testing::Resolver r;
  QueryOptions opts;
  r.vertex = [&g, opts](const std::string& name) -> absl::StatusOr<Value> {
    QueryOptions o = opts;
    o.params["n"] = Value(name);
    auto vs = RunQuery(g, "g.V().has('name', n)", o);
    if (!vs.ok()) return vs.status();
    if (vs->empty()) return absl::NotFoundError(absl::StrCat("no vertex named ", name));
    return (*vs)[0];
  };
  r.edge = [&g, opts](const std::string& a, const std::string& l, const std::string& b) -> absl::StatusOr<Value> {
    QueryOptions o = opts;
    o.params["a"] = Value(a);
    o.params["b"] = Value(b);
    o.params["l"] = Value(l);
    auto es = RunQuery(g, "g.V().has('name', a).outE(l).where(inV().has('name', b))", o);
    if (!es.ok()) return es.status();
    if (es->empty()) return absl::NotFoundError(absl::StrCat("no edge ", a, "-", l, "->", b));
    return (*es)[0];
  };
  r.id = [](const Value& e) -> absl::StatusOr<Value> {
    if (e.is_vertex() && e.vertex().info) return Value::FromGraph(e.vertex().info->id);
    if (e.is_edge() && e.edge().info) return Value::FromGraph(e.edge().info->id);
    return absl::InvalidArgumentError("not an element");
  };
  return r;
}

std::function<std::string(const Value&)> Namer(graph::Graph& g) {
  return [&g](const Value& v) -> std::string {
    auto reader = g.Snapshot();
    auto name = [&](graph::VertexId id) -> std::string {
      auto x = reader->GetVertex(id);
      if (x.ok() && x->has_value()) {
        auto vals = (**x).Values("name");
        if (!vals.empty() && vals[0].is_string()) return vals[0].as_string();
      }
      return absl::StrCat("#", id);
    };
    if (v.is_vertex()) return absl::StrCat("v[", name(v.vertex().id), "]");
    const auto& k = v.edge().key;
    return absl::StrCat("e[", name(k.src), "-", reader->LabelName(k.label), "->", name(k.dst), "]");
  };
}

bool HasTag(const Scenario& sc, absl::string_view tag) {
  return std::find(sc.tags.begin(), sc.tags.end(), tag) != sc.tags.end();
}

// The engine configured as the provider the scenario's tags describe. Untagged scenarios assume
// TinkerPop's reference graph: one label per vertex shown as a string, and property(k, null)
// removing k.
QueryOptions ProviderOptions(const Scenario& sc) {
  QueryOptions o;
  o.multi_label = HasTag(sc, "@MultiLabelDefault");
  o.allow_null_property_values = HasTag(sc, "@AllowNullPropertyValues");
  // A multi-label provider's vertices may have any number of labels, none included.
  o.vertex_label_cardinality =
      HasTag(sc, "@MultiLabel") ? LabelCardinality::kZeroOrMore : LabelCardinality::kOne;
  return o;
}

// Returns "" on success, else why the scenario failed.
std::string RunScenario(Runner& runner, const Scenario& sc) {
  std::string q = sc.traversal;
  auto parsed = Parse(q);
  bool mutating = !sc.initializer.empty() || (parsed.ok() && IsMutating(*parsed));
  if (!sc.graph_counts.empty()) mutating = true;
  runner.CloseFresh();
  auto g = runner.OpenGraph(sc.graph.empty() ? "empty" : sc.graph, mutating || sc.graph == "empty");
  if (!g.ok()) return absl::StrCat("cannot open graph: ", g.status().ToString());
  graph::Graph& graph = **g;
  QueryOptions opts = ProviderOptions(sc);
  // A guard against hangs, not a limit under test (engine_test covers limits): the sanitizer
  // build runs some scenarios (repeat(out()).times(8) on the grateful-dead graph) 5-10x slower.
  opts.limits.timeout = absl::Minutes(5);
  if (!sc.initializer.empty()) {
    auto r = RunQuery(graph, sc.initializer, opts);
    if (!r.ok()) return absl::StrCat("initializer failed: ", r.status().ToString());
  }
  testing::Resolver resolver = MakeResolver(graph);
  auto namer = Namer(graph);
  for (const auto& [name, text] : sc.params) {
    auto v = testing::ParseNotation(text, resolver);
    if (!v.ok()) return absl::StrCat("parameter ", name, ": ", v.status().ToString());
    opts.params[name] = *v;
  }
  if (!sc.side_effects.empty()) {
    std::string prefix = "g";
    for (const auto& [name, text] : sc.side_effects) {
      auto v = testing::ParseNotation(text, resolver);
      if (!v.ok()) return absl::StrCat("side effect ", name, ": ", v.status().ToString());
      opts.params["__se_" + name] = *v;
      absl::StrAppend(&prefix, ".withSideEffect(\"", name, "\", __se_", name, ")");
    }
    size_t g0 = q.find('g');
    q = q.substr(0, g0) + prefix + q.substr(g0 + 1);
  }
  auto result = RunQuery(graph, q, opts);
  if (sc.expect_error) {
    if (result.ok()) return "expected an error, got results";
    if (!sc.error_text.empty() && !absl::StrContains(result.status().message(), sc.error_text)) {
      return absl::StrCat("error message lacks \"", sc.error_text, "\": ", result.status().ToString());
    }
    return "";
  }
  if (!result.ok()) return absl::StrCat("query failed: ", result.status().ToString());
  std::vector<Value> values = *result;
  if (sc.next_only) {
    if (values.empty()) return "iterated next on an empty result";
    Value first = values[0];
    values.clear();
    if (first.is_collection()) {
      values = first.as_list();
    } else if (first.kind() == Value::Kind::kPath) {  // a Path is Iterable over its objects
      values = first.path().objects;
    } else if (first.kind() == Value::Kind::kMap) {
      for (const auto& e : first.as_map()) values.push_back(Value::Map({e}));
    } else {
      values.push_back(first);
    }
  }
  std::vector<std::string> actual;
  for (const auto& v : values) actual.push_back(testing::Canonical(v, namer));
  std::vector<std::string> expected;
  for (const auto& row : sc.rows) {
    auto v = testing::ParseNotation(row, resolver);
    if (!v.ok()) return absl::StrCat("expected row ", row, ": ", v.status().ToString());
    expected.push_back(testing::Canonical(*v, namer));
  }
  auto show = [](const std::vector<std::string>& v) { return absl::StrCat("[", absl::StrJoin(v, ", "), "]"); };
  const std::string& kind = sc.result_kind;
  if (kind == "empty") {
    if (!actual.empty()) return absl::StrCat("expected empty, got ", show(actual));
  } else if (kind == "ordered") {
    if (actual != expected) return absl::StrCat("expected ", show(expected), " got ", show(actual));
  } else if (kind == "unordered") {
    auto a = actual, e = expected;
    std::sort(a.begin(), a.end());
    std::sort(e.begin(), e.end());
    if (a != e) return absl::StrCat("expected (any order) ", show(e), " got ", show(a));
  } else if (kind == "of") {
    for (const auto& a : actual) {
      if (std::find(expected.begin(), expected.end(), a) == expected.end()) {
        return absl::StrCat("result ", a, " is not one of ", show(expected));
      }
    }
  }
  if (sc.count != -1 && static_cast<int64_t>(actual.size()) != sc.count) {
    return absl::StrCat("expected ", sc.count, " results, got ", actual.size(), ": ", show(actual));
  }
  for (const auto& [n, cq] : sc.graph_counts) {
    QueryOptions co = ProviderOptions(sc);
    co.params = opts.params;
    auto r = RunQuery(graph, cq, co);
    if (!r.ok()) return absl::StrCat("count query ", cq, " failed: ", r.status().ToString());
    if (static_cast<int64_t>(r->size()) != n) {
      return absl::StrCat("graph count of ", cq, " is ", r->size(), ", expected ", n);
    }
  }
  return "";
}

TEST(FeatureRunner, TinkerPopScenarios) {
  const char* env = std::getenv("KG_FEATURES_DIR");
  fs::path features = env && *env ? fs::path(env) : fs::path(KG_SHARED_DIR) / "tinkerpop" / "features";
  const char* data_env = std::getenv("KG_TINKERPOP_DATA");
  fs::path data = data_env && *data_env ? fs::path(data_env) : features / ".." / "data";
  ASSERT_TRUE(fs::is_directory(features)) << features;
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(features)) {
    if (e.path().extension() == ".feature") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  fs::path tmp = fs::temp_directory_path() / absl::StrCat("kg_features_", getpid());
  fs::create_directories(tmp);
  int passed = 0, failed = 0, skipped = 0;
  const char* filter = std::getenv("KG_FEATURE_FILTER");
  {
    Runner runner(data, tmp);
    for (const auto& f : files) {
      for (const auto& sc : ParseFeature(f.string())) {
        if (filter && *filter && !absl::StrContains(sc.name, filter) && !absl::StrContains(sc.file, filter)) continue;
        std::string skip = sc.skip_reason;
        if (skip.empty() && (absl::StrContains(sc.traversal, "Lambda") || absl::StrContains(sc.traversal, "{it") ||
                             absl::StrContains(sc.traversal, "->"))) {
          skip = "uses a lambda";
        }
        if (!skip.empty()) {
          ++skipped;
          std::cout << "SKIP " << sc.file << ": " << sc.name << ": " << skip << "\n";
          continue;
        }
        std::string why = RunScenario(runner, sc);
        if (why.empty()) {
          ++passed;
        } else {
          ++failed;
          std::string oneline = why;
          std::replace(oneline.begin(), oneline.end(), '\n', ' ');
          if (oneline.size() > 400) oneline = oneline.substr(0, 400) + "...";
          std::cout << "FAIL " << sc.file << ": " << sc.name << ": " << oneline << "\n";
        }
      }
      runner.CloseFresh();
    }
  }
  std::error_code ec;
  fs::remove_all(tmp, ec);
  std::cout << passed << " passed, " << failed << " failed, " << skipped << " skipped" << std::endl;
  EXPECT_GE(passed, kPassingFloor) << "fewer scenarios pass than the recorded floor";
}

}  // namespace
}  // namespace kg::query
