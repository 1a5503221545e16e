// kg entity, kg search, kg stats, kg docs.
#include <iomanip>
#include <iostream>

#include "cli/client.h"
#include "cli/commands.h"
#include "cli/render.h"

namespace kg::cli {
namespace {

constexpr char kEntityUsage[] =
    "usage: kg entity NAME [--label LABEL] [--id] [--page_size N] [--page_token T] [--json]";
constexpr char kSearchUsage[] =
    "usage: kg search PREFIX [--substring] [--label LABEL]... [--limit N] [--json]";
constexpr char kStatsUsage[] = "usage: kg stats [--json]";
constexpr char kDocsUsage[] = "usage: kg docs [--elements]";

std::string Dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string Summary(const v1::EntitySummary& s) {
  return s.name() + " (" + s.label() + " #" + std::to_string(s.id()) + ")";
}

nlohmann::json SummaryJson(const v1::EntitySummary& s) {
  nlohmann::json j = {{"id", s.id()}, {"label", s.label()}, {"name", s.name()}};
  if (!s.matched_alias().empty()) j["matched_alias"] = s.matched_alias();
  if (s.degree() > 0) j["degree"] = s.degree();
  return j;
}

// Prints the result of a paged call and the page token, or returns an error code.
template <typename Fn>
int WithClient(const Args& args, Fn fn) {
  Client client(args);
  if (int rc = client.Connect(); rc != kExitOk) return rc;
  auto context = client.NewContext(30'000);
  grpc::Status status = fn(client, context.get());
  if (!status.ok()) return client.Fail(status);
  return kExitOk;
}

}  // namespace

int Entity(const std::vector<std::string>& argv) {
  Args args;
  std::string error;
  if (!ParseArgs(argv,
                 {{"label", true},
                  {"id", false},
                  {"page_size", true},
                  {"page_token", true},
                  {"json", false},
                  {"help", false}},
                 &args, &error)) {
    return UsageError(error, kEntityUsage);
  }
  if (args.Has("help")) {
    std::cout << kEntityUsage << "\n";
    return kExitOk;
  }
  if (args.positional.size() != 1) return UsageError("expected one NAME", kEntityUsage);
  v1::GetEntityRequest request;
  if (args.Has("id")) {
    long long id = 0;
    if (!ParseCount(args.positional[0], &id))
      return UsageError("--id needs a number", kEntityUsage);
    request.set_id(static_cast<uint64_t>(id));
  } else {
    request.set_name(args.positional[0]);
  }
  request.set_label(args.Get("label"));
  request.set_page_token(args.Get("page_token"));
  long long page = 0;
  if (args.Has("page_size")) {
    if (!ParseCount(args.Get("page_size"), &page))
      return UsageError("bad --page_size", kEntityUsage);
    request.set_page_size(static_cast<uint32_t>(page));
  }
  return WithClient(args, [&](Client& client, grpc::ClientContext* context) {
    v1::Entity entity;
    grpc::Status status = client.stub().GetEntity(context, request, &entity);
    if (status.error_code() == grpc::StatusCode::NOT_FOUND && request.has_name()) {
      // Names must match exactly (after normalisation); offer what starts like it.
      v1::SearchRequest search;
      search.set_query(request.name());
      search.set_limit(5);
      if (!request.label().empty()) search.add_labels(request.label());
      v1::SearchResponse hits;
      auto ctx = client.NewContext(10'000);
      if (client.stub().SearchEntities(ctx.get(), search, &hits).ok() && hits.hits_size() > 0) {
        std::cerr << "kg: did you mean:\n";
        for (const v1::EntitySummary& h : hits.hits()) std::cerr << "  " << Summary(h) << "\n";
      }
    }
    if (!status.ok()) return status;
    if (args.Has("json")) {
      nlohmann::json j = {{"vertex", VertexToJson(entity.vertex())}, {"degree", entity.degree()}};
      nlohmann::json groups = nlohmann::json::array();
      for (const v1::EdgeGroup& g : entity.groups()) {
        nlohmann::json edges = nlohmann::json::array();
        for (const v1::Neighbor& n : g.edges()) {
          edges.push_back({{"edge", EdgeToJson(n.edge())}, {"other", SummaryJson(n.other())}});
        }
        groups.push_back({{"label", g.label()},
                          {"direction", g.direction() == v1::OUT ? "out" : "in"},
                          {"total", g.total()},
                          {"edges", edges}});
      }
      j["groups"] = groups;
      if (!entity.next_page_token().empty()) j["next_page_token"] = entity.next_page_token();
      nlohmann::json others = nlohmann::json::array();
      for (const v1::EntitySummary& o : entity.other_matches()) others.push_back(SummaryJson(o));
      if (!others.empty()) j["other_matches"] = others;
      std::cout << Dump(j) << "\n";
      return status;
    }
    const v1::Vertex& v = entity.vertex();
    v1::Value as_value;
    *as_value.mutable_vertex() = v;
    std::cout << ValueToText(as_value) << "  degree " << entity.degree() << "\n";
    for (const v1::VertexProperty& p : v.properties()) {
      std::cout << "  " << p.key() << ": " << ValueToText(p.value()) << "\n";
    }
    for (const v1::EdgeGroup& g : entity.groups()) {
      bool out = g.direction() == v1::OUT;
      std::cout << (out ? "out " : "in  ") << g.label() << " (" << g.total() << ")\n";
      for (const v1::Neighbor& n : g.edges()) {
        std::cout << "  " << (out ? "-> " : "<- ") << Summary(n.other());
        for (const v1::Property& p : n.edge().properties()) {
          std::cout << "  " << p.key() << "=" << ValueToText(p.value());
        }
        std::cout << "\n";
      }
    }
    if (!entity.next_page_token().empty()) {
      std::cout << "(more edges: --page_token " << entity.next_page_token() << ")\n";
    }
    for (const v1::EntitySummary& o : entity.other_matches()) {
      std::cout << "also matches: " << Summary(o) << "\n";
    }
    return status;
  });
}

int Search(const std::vector<std::string>& argv) {
  Args args;
  std::string error;
  if (!ParseArgs(argv,
                 {{"substring", false},
                  {"label", true},
                  {"limit", true},
                  {"page_token", true},
                  {"json", false},
                  {"help", false}},
                 &args, &error)) {
    return UsageError(error, kSearchUsage);
  }
  if (args.Has("help")) {
    std::cout << kSearchUsage << "\n";
    return kExitOk;
  }
  if (args.positional.size() != 1) return UsageError("expected one PREFIX", kSearchUsage);
  v1::SearchRequest request;
  request.set_query(args.positional[0]);
  request.set_mode(args.Has("substring") ? v1::SearchRequest::SUBSTRING
                                         : v1::SearchRequest::PREFIX);
  for (const std::string& l : args.All("label")) request.add_labels(l);
  request.set_page_token(args.Get("page_token"));
  long long limit = 0;
  if (args.Has("limit")) {
    if (!ParseCount(args.Get("limit"), &limit)) return UsageError("bad --limit", kSearchUsage);
    request.set_limit(static_cast<uint32_t>(limit));
  }
  return WithClient(args, [&](Client& client, grpc::ClientContext* context) {
    v1::SearchResponse response;
    grpc::Status status = client.stub().SearchEntities(context, request, &response);
    if (!status.ok()) return status;
    for (const v1::EntitySummary& hit : response.hits()) {
      if (args.Has("json")) {
        std::cout << Dump(SummaryJson(hit)) << "\n";
      } else {
        std::cout << Summary(hit) << "  degree " << hit.degree() << "  [" << hit.matched_alias()
                  << "]\n";
      }
    }
    if (!response.next_page_token().empty() && !args.Has("json")) {
      std::cout << "(more: --page_token " << response.next_page_token() << ")\n";
    }
    return status;
  });
}

int Stats(const std::vector<std::string>& argv) {
  Args args;
  std::string error;
  if (!ParseArgs(argv, {{"json", false}, {"help", false}}, &args, &error)) {
    return UsageError(error, kStatsUsage);
  }
  if (args.Has("help")) {
    std::cout << kStatsUsage << "\n";
    return kExitOk;
  }
  if (!args.positional.empty()) return UsageError("stats takes no arguments", kStatsUsage);
  return WithClient(args, [&](Client& client, grpc::ClientContext* context) {
    v1::StatsResponse stats;
    grpc::Status status = client.stub().Stats(context, v1::StatsRequest(), &stats);
    if (!status.ok()) return status;
    if (args.Has("json")) {
      nlohmann::json v = nlohmann::json::object(), e = nlohmann::json::object();
      for (const v1::LabelCount& c : stats.vertices_by_label()) v[c.label()] = c.count();
      for (const v1::LabelCount& c : stats.edges_by_label()) e[c.label()] = c.count();
      std::cout << Dump({{"vertices", stats.vertices()},
                         {"edges", stats.edges()},
                         {"documents", stats.documents()},
                         {"disk_bytes", stats.disk_bytes()},
                         {"vertices_by_label", v},
                         {"edges_by_label", e}})
                << "\n";
      return status;
    }
    std::cout << "vertices " << stats.vertices() << "  edges " << stats.edges() << "  documents "
              << stats.documents() << "  disk " << std::fixed << std::setprecision(1)
              << stats.disk_bytes() / 1048576.0 << " MiB\n";
    std::cout << "vertex labels:\n";
    for (const v1::LabelCount& c : stats.vertices_by_label()) {
      std::cout << "  " << std::left << std::setw(24) << c.label() << c.count() << "\n";
    }
    std::cout << "edge labels:\n";
    for (const v1::LabelCount& c : stats.edges_by_label()) {
      std::cout << "  " << std::left << std::setw(24) << c.label() << c.count() << "\n";
    }
    return status;
  });
}

int Docs(const std::vector<std::string>& argv) {
  Args args;
  std::string error;
  if (!ParseArgs(argv, {{"elements", false}, {"help", false}}, &args, &error)) {
    return UsageError(error, kDocsUsage);
  }
  if (args.Has("help")) {
    std::cout << kDocsUsage << "\n";
    return kExitOk;
  }
  Client client(args);
  if (int rc = client.Connect(); rc != kExitOk) return rc;
  std::string token;
  do {
    auto context = client.NewContext(60'000);
    v1::ListDocumentsRequest request;
    request.set_page_token(token);
    request.set_include_elements(args.Has("elements"));
    v1::ListDocumentsResponse response;
    grpc::Status status = client.stub().ListDocuments(context.get(), request, &response);
    if (!status.ok()) return client.Fail(status);
    for (const v1::DocumentInfo& d : response.documents()) {
      nlohmann::json j = {{"id", d.id()},
                          {"title", d.title()},
                          {"source", d.source()},
                          {"published", d.published()},
                          {"container", d.container()},
                          {"content_hash", d.content_hash()},
                          {"supported_elements", d.supported_elements()}};
      if (args.Has("elements")) {
        j["elements"] = std::vector<std::string>(d.elements().begin(), d.elements().end());
      }
      std::cout << Dump(j) << "\n";
    }
    token = response.next_page_token();
  } while (!token.empty());
  return kExitOk;
}

}  // namespace kg::cli
