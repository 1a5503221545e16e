// kg: the command-line client of kgd. `kg --help` lists the subcommands.
#include <cstring>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "cli/client.h"
#include "cli/commands.h"

namespace {

constexpr char kUsage[] =
    "kg: command-line client of the kg knowledge-graph server (kgd)\n\n"
    "usage: kg [GLOBAL FLAGS] COMMAND [ARGS] [GLOBAL FLAGS]\n\n"
    "commands:\n"
    "  ingest FILE|DIR... [--dry-run] [--explain] [--json]\n"
    "                                             ingest articles (.txt .md .jsonl); a progress\n"
    "                                             bar on a terminal, a summary at the end;\n"
    "                                             --explain: what was extracted, and why\n"
    "  eval GOLD... -- ARTICLE... [--details] [--json] [--min_entity_f1=X] [--min_relation_f1=X]\n"
    "                                             entity/relation P, R, F1 of kgd's extractor\n"
    "                                             against gold files (kg eval --help)\n"
    "  query 'TRAVERSAL' [--param k=v]... [--format table|json] [--max_results N] [--profile]\n"
    "                                             run Gremlin; json: one JSON value per line\n"
    "  explain 'TRAVERSAL'                        show the plan without running it\n"
    "  entity NAME [--label L] [--id] [--json]    an entity by name, alias or id, with its edges\n"
    "  search PREFIX [--substring] [--label L]... [--limit N] [--json]\n"
    "  stats [--json]                             counts per label, documents, bytes on disk\n"
    "  docs [--elements]                          ingested documents, one JSON object per line\n"
    "  export [--format graphson|graphml|dot] [--output FILE]\n"
    "  import FILE... [--dry-run] [--skip_bad_rows=N] [--bad_rows_report FILE] [--batch_rows N]\n"
    "                                             CSV/TSV (typed headers), JSON Lines, GraphSON\n"
    "                                             (.json) through kgd in committed batches;\n"
    "                                             --offline --data_dir DIR runs `kgd import`\n"
    "  backup DIR                                 online backup into DIR on the server\n\n"
    "global flags (before or after the command):\n"
    "  --server=HOST:PORT   kgd's address (default 127.0.0.1:50051)\n"
    "  --token=TOKEN        bearer token (default: $KG_TOKEN)\n"
    "  --ca_cert=FILE       use TLS, trusting this PEM certificate\n"
    "  --timeout_ms=N       deadline of each call\n\n"
    "exit codes: 0 success, 1 query or input error, 2 usage, 3 server unreachable\n";

// The flags every command reads. They may also come before the command ("kg --server=H:P
// stats"), as most command-line clients allow; main hands them to the command with its own.
constexpr std::string_view kGlobalFlags[] = {"--server", "--token", "--ca_cert", "--timeout_ms"};

// 0 when `arg` is not a global flag; else how many arguments it takes: 1 for "--server=X",
// 2 for "--server X".
int GlobalFlagArity(std::string_view arg) {
  for (std::string_view flag : kGlobalFlags) {
    if (arg == flag) return 2;
    if (arg.size() > flag.size() && arg.substr(0, flag.size()) == flag && arg[flag.size()] == '=') {
      return 1;
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::vector<std::string> leading_flags;
  while (!args.empty()) {
    const int arity = GlobalFlagArity(args.front());
    if (arity == 0 || static_cast<size_t>(arity) > args.size()) break;
    leading_flags.insert(leading_flags.end(), args.begin(), args.begin() + arity);
    args.erase(args.begin(), args.begin() + arity);
  }
  if (args.empty()) {
    std::cerr << kUsage;
    return kg::cli::kExitUsage;
  }
  std::string command = args.front();
  if (command == "--help" || command == "-h" || command == "help") {
    std::cout << kUsage;
    return kg::cli::kExitOk;
  }
  std::vector<std::string> rest(args.begin() + 1, args.end());
  // In front: after a "--" every argument is positional.
  rest.insert(rest.begin(), leading_flags.begin(), leading_flags.end());
  if (command == "ingest") return kg::cli::Ingest(rest);
  if (command == "eval") return kg::cli::Eval(rest);
  if (command == "query") return kg::cli::Query(rest);
  if (command == "explain") return kg::cli::Explain(rest);
  if (command == "entity") return kg::cli::Entity(rest);
  if (command == "search") return kg::cli::Search(rest);
  if (command == "stats") return kg::cli::Stats(rest);
  if (command == "docs") return kg::cli::Docs(rest);
  if (command == "export") return kg::cli::Export(rest);
  if (command == "import") return kg::cli::Import(rest);
  if (command == "backup") return kg::cli::Backup(rest);
  std::cerr << "kg: unknown command '" << command << "'\n\n" << kUsage;
  return kg::cli::kExitUsage;
}
