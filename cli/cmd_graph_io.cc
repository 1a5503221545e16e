// kg export, kg backup (kg import: cmd_import.cc).
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/client.h"
#include "cli/commands.h"
#include "cli/graph_formats.h"

namespace kg::cli {
namespace {

constexpr char kExportUsage[] = "usage: kg export [--format graphson|graphml|dot] [--output FILE]";
constexpr char kBackupUsage[] = "usage: kg backup DIR   (DIR must not exist)";

}  // namespace

int Export(const std::vector<std::string>& argv) {
  Args args;
  std::string error;
  if (!ParseArgs(argv, {{"format", true}, {"output", true}, {"help", false}}, &args, &error)) {
    return UsageError(error, kExportUsage);
  }
  if (args.Has("help")) {
    std::cout << kExportUsage << "\n";
    return kExitOk;
  }
  if (!args.positional.empty()) return UsageError("export takes no arguments", kExportUsage);
  std::ofstream file;
  std::ostream* out = &std::cout;
  if (args.Has("output")) {
    file.open(args.Get("output"), std::ios::binary | std::ios::trunc);
    if (!file) {
      std::cerr << "kg: cannot write " << args.Get("output") << "\n";
      return kExitError;
    }
    out = &file;
  }
  std::unique_ptr<GraphWriter> writer = MakeGraphWriter(args.Get("format", "graphson"), *out);
  if (writer == nullptr)
    return UsageError("--format must be graphson, graphml or dot", kExportUsage);
  Client client(args);
  if (int rc = client.Connect(); rc != kExitOk) return rc;
  auto context = client.NewContext();
  auto reader = client.stub().ExportGraph(context.get(), v1::ExportRequest());
  for (v1::ExportChunk chunk; reader->Read(&chunk);) {
    if (chunk.vertices_size() > 0) writer->Vertices(chunk.vertices());
    if (chunk.edges_size() > 0) writer->Edges(chunk.edges());
  }
  grpc::Status status = reader->Finish();
  if (!status.ok()) return client.Fail(status);
  writer->End();
  out->flush();
  if (!*out) {
    std::cerr << "kg: writing the export failed\n";
    return kExitError;
  }
  return kExitOk;
}

int Backup(const std::vector<std::string>& argv) {
  Args args;
  std::string error;
  if (!ParseArgs(argv, {{"help", false}}, &args, &error)) return UsageError(error, kBackupUsage);
  if (args.Has("help")) {
    std::cout << kBackupUsage << "\n";
    return kExitOk;
  }
  if (args.positional.size() != 1) return UsageError("expected one DIR", kBackupUsage);
  // kgd writes the backup; a relative path means relative to where the user is.
  std::error_code ec;
  std::filesystem::path dir = std::filesystem::absolute(args.positional[0], ec);
  if (ec) {
    std::cerr << "kg: bad directory " << args.positional[0] << "\n";
    return kExitError;
  }
  Client client(args);
  if (int rc = client.Connect(); rc != kExitOk) return rc;
  auto context = client.NewContext();
  v1::BackupRequest request;
  request.set_dir(dir.lexically_normal().string());
  v1::BackupResponse response;
  grpc::Status status = client.stub().Backup(context.get(), request, &response);
  if (!status.ok()) return client.Fail(status);
  std::cout << "backup written to " << response.dir() << " in " << response.elapsed_ms() << " ms\n";
  return kExitOk;
}

}  // namespace kg::cli
