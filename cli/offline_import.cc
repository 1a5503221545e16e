#include "cli/offline_import.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <sstream>

#include "cli/client.h"

namespace kg::cli {
namespace {

bool IsExecutable(const std::string& path) {
  return !path.empty() && access(path.c_str(), X_OK) == 0;
}

// The directory of the running kg binary (its real path, so that kg found through a symlink
// still finds the kgd installed beside it).
std::string SelfPath() {
  char buffer[4096];
  ssize_t n = readlink("/proc/self/exe", buffer, sizeof buffer - 1);
  return n > 0 ? std::string(buffer, static_cast<size_t>(n)) : std::string();
}

}  // namespace

std::string FindKgd(const std::string& kg_path, const std::string& path_env) {
  size_t slash = kg_path.find_last_of('/');
  if (slash != std::string::npos) {
    std::string beside = kg_path.substr(0, slash + 1) + "kgd";
    if (IsExecutable(beside)) return beside;
  }
  std::stringstream dirs(path_env);
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (dir.empty()) continue;  // the current directory is not searched
    std::string candidate = dir + "/kgd";
    if (IsExecutable(candidate)) return candidate;
  }
  return "";
}

std::vector<std::string> KgdImportArgs(const Args& args) {
  std::vector<std::string> out = {"import", "--data_dir=" + args.Get("data_dir")};
  if (args.Has("dry_run")) out.push_back("--dry_run");
  for (const char* flag : {"memory_mb", "skip_bad_rows", "bad_rows_report"}) {
    if (args.Has(flag)) out.push_back(std::string("--") + flag + "=" + args.Get(flag));
  }
  // kgd import reads every argument starting with "--" as a flag, and has no "--" marker.
  for (const std::string& file : args.positional) {
    out.push_back(file.rfind('-', 0) == 0 ? "./" + file : file);
  }
  return out;
}

int RunOfflineImport(const Args& args) {
  const char* path_env = std::getenv("PATH");
  const std::string self = SelfPath();
  const std::string kgd = FindKgd(self, path_env == nullptr ? "" : path_env);
  if (kgd.empty()) {
    std::cerr << "kg: --offline runs `kgd import`, but there is no kgd next to " << self
              << " nor on PATH\n";
    return kExitError;
  }
  std::vector<std::string> argv = {kgd};
  for (std::string& a : KgdImportArgs(args)) argv.push_back(std::move(a));
  std::vector<char*> pointers;
  for (std::string& a : argv) pointers.push_back(a.data());
  pointers.push_back(nullptr);
  std::cout.flush();
  execv(kgd.c_str(), pointers.data());
  std::cerr << "kg: cannot run " << kgd << ": " << std::strerror(errno) << "\n";
  return kExitError;
}

}  // namespace kg::cli
