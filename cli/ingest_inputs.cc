#include "cli/ingest_inputs.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "nlohmann/json.hpp"

namespace kg::cli {
namespace {

bool HasExtension(const std::filesystem::path& p, const std::vector<std::string>& extensions) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
  return std::find(extensions.begin(), extensions.end(), ext) != extensions.end();
}

}  // namespace

const std::vector<std::string>& DocumentExtensions() {
  static const std::vector<std::string> kExtensions = {".txt", ".md", ".markdown", ".text",
                                                       ".jsonl"};
  return kExtensions;
}

bool CollectFiles(const std::vector<std::string>& args, const std::vector<std::string>& extensions,
                  std::vector<std::string>* files, std::string* error) {
  namespace fs = std::filesystem;
  for (const std::string& arg : args) {
    std::error_code ec;
    fs::file_status st = fs::status(arg, ec);
    if (ec || !fs::exists(st)) {
      *error = "no such file or directory: " + arg;
      return false;
    }
    if (!fs::is_directory(st)) {
      files->push_back(arg);
      continue;
    }
    std::vector<std::string> found;
    for (auto it = fs::recursive_directory_iterator(arg, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_regular_file() && HasExtension(it->path(), extensions)) {
        found.push_back(it->path().string());
      }
    }
    if (ec) {
      *error = "cannot read directory " + arg + ": " + ec.message();
      return false;
    }
    std::sort(found.begin(), found.end());
    files->insert(files->end(), found.begin(), found.end());
  }
  return true;
}

bool ReadWholeFile(const std::string& path, std::string* out, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = "cannot read " + path;
    return false;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  *out = buf.str();
  return true;
}

bool ReadDocuments(const std::string& path, std::vector<v1::Document>* out, std::string* error) {
  std::string text;
  if (!ReadWholeFile(path, &text, error)) return false;
  if (std::filesystem::path(path).extension() != ".jsonl") {
    v1::Document& d = out->emplace_back();
    d.set_path(path);
    d.set_text(std::move(text));
    return true;
  }
  std::istringstream lines(text);
  std::string line;
  for (int n = 1; std::getline(lines, line); ++n) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("text") || !j["text"].is_string()) {
      *error = path + ":" + std::to_string(n) + ": expected a JSON object with a \"text\" string";
      return false;
    }
    v1::Document& d = out->emplace_back();
    d.set_path(path + ":" + std::to_string(n));
    d.set_text(j["text"].get<std::string>());
    auto field = [&](const char* name) {
      return j.contains(name) && j[name].is_string() ? j[name].get<std::string>() : std::string();
    };
    d.set_id(field("id"));
    d.set_title(field("title"));
    d.set_source(field("source"));
    d.set_published(field("published"));
  }
  return true;
}

}  // namespace kg::cli
