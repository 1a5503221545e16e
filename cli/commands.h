// The subcommands of `kg`. Each takes the parsed arguments (after the subcommand's name) and
// returns the process's exit code (client.h: 0 ok, 1 error, 2 usage, 3 unreachable).
#ifndef KG_CLI_COMMANDS_H_
#define KG_CLI_COMMANDS_H_

#include <string>
#include <vector>

namespace kg::cli {

int Ingest(const std::vector<std::string>& argv);   // cmd_ingest.cc
int Eval(const std::vector<std::string>& argv);     // cmd_eval.cc
int Query(const std::vector<std::string>& argv);    // cmd_query.cc
int Explain(const std::vector<std::string>& argv);  // cmd_query.cc
int Entity(const std::vector<std::string>& argv);   // cmd_lookup.cc
int Search(const std::vector<std::string>& argv);   // cmd_lookup.cc
int Stats(const std::vector<std::string>& argv);    // cmd_lookup.cc
int Docs(const std::vector<std::string>& argv);     // cmd_lookup.cc
int Export(const std::vector<std::string>& argv);   // cmd_graph_io.cc
int Import(const std::vector<std::string>& argv);   // cmd_import.cc
int Backup(const std::vector<std::string>& argv);   // cmd_graph_io.cc

// Prints "kg: <message>" and the subcommand's usage line on stderr; returns kExitUsage.
int UsageError(const std::string& message, const std::string& usage);

}  // namespace kg::cli

#endif  // KG_CLI_COMMANDS_H_
