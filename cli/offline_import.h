// `kg import --offline`: kg never links the storage engine, so it runs `kgd import` with the
// same arguments, in its place (exec). kgd is looked for next to the kg binary, then on PATH.
#ifndef KG_CLI_OFFLINE_IMPORT_H_
#define KG_CLI_OFFLINE_IMPORT_H_

#include <string>
#include <vector>

#include "cli/args.h"

namespace kg::cli {

// The kgd to run: next to `kg_path`'s binary, else the first executable kgd on `path_env`
// (PATH's value); "" when neither.
std::string FindKgd(const std::string& kg_path, const std::string& path_env);

// The arguments of `kgd import` for `kg import --offline ...` (after the program name).
std::vector<std::string> KgdImportArgs(const Args& args);

// Replaces this process with `kgd import ...`; returns (an exit code) only when it cannot.
int RunOfflineImport(const Args& args);

}  // namespace kg::cli

#endif  // KG_CLI_OFFLINE_IMPORT_H_
