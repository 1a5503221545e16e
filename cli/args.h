// Command-line parsing for `kg`: positional arguments and --flags, per subcommand.
//
//   Args args;
//   std::string error;
//   if (!ParseArgs(argv_tail, {{"format", true}, {"param", true}, {"json", false}}, &args, &error))
//     return Usage(error);                       // exit code 2
//   std::string fmt = args.Get("format", "table");
//
// Flags are `--name=value` or `--name value`; a boolean flag takes no value. The global flags
// (--server, --token, --ca_cert, --timeout_ms) are accepted by every subcommand.
#ifndef KG_CLI_ARGS_H_
#define KG_CLI_ARGS_H_

#include <map>
#include <string>
#include <vector>

namespace kg::cli {

struct FlagSpec {
  std::string name;
  bool takes_value;
};

struct Args {
  std::vector<std::string> positional;
  std::map<std::string, std::vector<std::string>> flags;  // every value, in order

  bool Has(const std::string& name) const { return flags.count(name) > 0; }
  // The last value given, or `fallback`.
  std::string Get(const std::string& name, const std::string& fallback = "") const;
  const std::vector<std::string>& All(const std::string& name) const;
};

// False (with a message) for an unknown flag or a missing value.
bool ParseArgs(const std::vector<std::string>& argv, std::vector<FlagSpec> specs, Args* out,
               std::string* error);

// Parses a non-negative integer flag value; false when it is not one.
bool ParseCount(const std::string& text, long long* out);

}  // namespace kg::cli

#endif  // KG_CLI_ARGS_H_
