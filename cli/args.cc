#include "cli/args.h"

#include <cstdlib>

namespace kg::cli {

std::string Args::Get(const std::string& name, const std::string& fallback) const {
  auto it = flags.find(name);
  if (it == flags.end() || it->second.empty()) return fallback;
  return it->second.back();
}

const std::vector<std::string>& Args::All(const std::string& name) const {
  static const std::vector<std::string> kNone;
  auto it = flags.find(name);
  return it == flags.end() ? kNone : it->second;
}

bool ParseArgs(const std::vector<std::string>& argv, std::vector<FlagSpec> specs, Args* out,
               std::string* error) {
  for (const char* global : {"server", "token", "ca_cert", "timeout_ms"}) {
    specs.push_back({global, true});
  }
  bool only_positional = false;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (only_positional || arg.size() < 2 || arg.compare(0, 2, "--") != 0) {
      out->positional.push_back(arg);
      continue;
    }
    if (arg == "--") {
      only_positional = true;
      continue;
    }
    std::string name = arg.substr(2);
    std::string value;
    bool has_value = false;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    for (char& c : name) {
      if (c == '-') c = '_';  // --dry-run and --dry_run alike
    }
    const FlagSpec* spec = nullptr;
    for (const FlagSpec& s : specs) {
      if (s.name == name) spec = &s;
    }
    if (spec == nullptr) {
      *error = "unknown flag --" + name;
      return false;
    }
    if (spec->takes_value && !has_value) {
      if (i + 1 == argv.size()) {
        *error = "--" + name + " needs a value";
        return false;
      }
      value = argv[++i];
    } else if (!spec->takes_value && has_value) {
      if (value != "true" && value != "false") {
        *error = "--" + name + " takes no value";
        return false;
      }
      if (value == "false") continue;
    }
    out->flags[name].push_back(value);
  }
  return true;
}

bool ParseCount(const std::string& text, long long* out) {
  if (text.empty()) return false;
  char* end = nullptr;
  long long v = std::strtoll(text.c_str(), &end, 10);
  if (*end != '\0' || v < 0) return false;
  *out = v;
  return true;
}

}  // namespace kg::cli
