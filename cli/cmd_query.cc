// kg query and kg explain.
#include <iostream>

#include "cli/client.h"
#include "cli/commands.h"
#include "cli/render.h"

namespace kg::cli {
namespace {

constexpr char kQueryUsage[] =
    "usage: kg query 'TRAVERSAL' [--param NAME=VALUE]... [--format table|json] "
    "[--max_results N] [--batch_size N] [--profile]";
constexpr char kExplainUsage[] = "usage: kg explain 'TRAVERSAL' [--param NAME=VALUE]...";

// Fills the request from the arguments; returns kExitOk or the usage exit code.
int BuildRequest(const Args& args, const char* usage, v1::QueryRequest* request) {
  if (args.positional.size() != 1) return UsageError("expected exactly one traversal", usage);
  request->set_gremlin(args.positional[0]);
  for (const std::string& p : args.All("param")) {
    std::string name, error;
    v1::Value value;
    if (!ParseParam(p, &name, &value, &error)) return UsageError(error, usage);
    (*request->mutable_params())[name] = value;
  }
  long long n = 0;
  if (args.Has("max_results")) {
    if (!ParseCount(args.Get("max_results"), &n)) return UsageError("bad --max_results", usage);
    request->mutable_limits()->set_max_results(static_cast<uint64_t>(n));
  }
  if (args.Has("batch_size")) {
    if (!ParseCount(args.Get("batch_size"), &n)) return UsageError("bad --batch_size", usage);
    request->set_batch_size(static_cast<uint32_t>(n));
  }
  return kExitOk;
}

}  // namespace

int Query(const std::vector<std::string>& argv) {
  Args args;
  std::string error;
  if (!ParseArgs(argv,
                 {{"param", true},
                  {"format", true},
                  {"max_results", true},
                  {"batch_size", true},
                  {"profile", false},
                  {"help", false}},
                 &args, &error)) {
    return UsageError(error, kQueryUsage);
  }
  if (args.Has("help")) {
    std::cout << kQueryUsage << "\n";
    return kExitOk;
  }
  const std::string format = args.Get("format", "table");
  if (format != "table" && format != "json") {
    return UsageError("--format must be table or json", kQueryUsage);
  }
  v1::QueryRequest request;
  if (int rc = BuildRequest(args, kQueryUsage, &request); rc != kExitOk) return rc;
  request.set_include_properties(true);
  request.set_profile(args.Has("profile"));

  Client client(args);
  if (int rc = client.Connect(); rc != kExitOk) return rc;
  auto context = client.NewContext();
  auto reader = client.stub().Query(context.get(), request);
  std::vector<v1::Value> rows;
  std::string profile;
  for (v1::QueryResponse response; reader->Read(&response);) {
    for (const v1::Value& v : response.results()) {
      if (format == "json") {
        std::cout << ValueToJson(v).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                  << "\n";
      } else {
        rows.push_back(v);
      }
    }
    if (response.last()) profile = response.stats().profile();
  }
  grpc::Status status = reader->Finish();
  if (format == "table" && (status.ok() || !rows.empty())) PrintTable(rows, std::cout);
  std::cout.flush();
  if (!status.ok()) return client.Fail(status);
  if (!profile.empty()) std::cerr << profile << "\n";
  return kExitOk;
}

int Explain(const std::vector<std::string>& argv) {
  Args args;
  std::string error;
  if (!ParseArgs(argv, {{"param", true}, {"help", false}}, &args, &error)) {
    return UsageError(error, kExplainUsage);
  }
  if (args.Has("help")) {
    std::cout << kExplainUsage << "\n";
    return kExitOk;
  }
  v1::QueryRequest request;
  if (int rc = BuildRequest(args, kExplainUsage, &request); rc != kExitOk) return rc;
  Client client(args);
  if (int rc = client.Connect(); rc != kExitOk) return rc;
  auto context = client.NewContext();
  v1::ExplainResponse response;
  grpc::Status status = client.stub().Explain(context.get(), request, &response);
  if (!status.ok()) return client.Fail(status);
  std::cout << response.plan();
  if (!response.plan().empty() && response.plan().back() != '\n') std::cout << "\n";
  return kExitOk;
}

}  // namespace kg::cli
