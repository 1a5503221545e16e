// Files for end-to-end tests: a temporary directory removed with everything in it, whole files
// written in one call, and `kg --format=json` output read back as JSON Lines.
#ifndef KG_TESTS_E2E_FILES_H_
#define KG_TESTS_E2E_FILES_H_

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include "nlohmann/json.hpp"

namespace kg::e2e {

// A fresh directory under the system's temporary directory, named `<prefix>-XXXXXX`.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix) {
    std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

// One value per non-empty line; a line that is not JSON becomes a discarded value (is_discarded()),
// so a test sees it rather than the parser throwing.
inline std::vector<nlohmann::json> JsonLines(const std::string& text) {
  std::vector<nlohmann::json> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(nlohmann::json::parse(line, nullptr, false));
  }
  return out;
}

}  // namespace kg::e2e

#endif  // KG_TESTS_E2E_FILES_H_
