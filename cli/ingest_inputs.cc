#include "cli/ingest_inputs.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>

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

namespace {

// The checks that need no bundle; kgd checks labels, ends, endpoint types and evidence.
class ExtractedLine {
 public:
  explicit ExtractedLine(const nlohmann::json& j) : j_(j) {}

  // Fills `*d` (text, header fields, extraction); false with `error()` set otherwise.
  bool ToDocument(v1::Document* d) {
    if (!OnlyKeys(j_, {"document", "entities", "relations"}, "the line")) return false;
    const nlohmann::json& doc = j_["document"];
    if (!OnlyKeys(doc, {"id", "title", "source", "published", "lang", "text"}, "\"document\"")) {
      return false;
    }
    if (!doc.contains("text") || !doc["text"].is_string()) {
      return Fail("\"document\" needs a \"text\" string");
    }
    d->set_text(doc["text"].get<std::string>());
    std::string id, title, source, published, lang;
    if (!String(doc, "id", "\"document\"", &id) || !String(doc, "title", "\"document\"", &title) ||
        !String(doc, "source", "\"document\"", &source) ||
        !String(doc, "published", "\"document\"", &published) ||
        !String(doc, "lang", "\"document\"", &lang)) {
      return false;
    }
    d->set_id(id);
    d->set_title(title);
    d->set_source(source);
    d->set_published(published);
    v1::DocumentExtraction* x = d->mutable_extraction();
    const nlohmann::json* entities = Array("entities");
    const nlohmann::json* relations = Array("relations");
    if (!error_.empty()) return false;
    for (size_t i = 0; entities != nullptr && i < entities->size(); ++i) {
      if (!Entity((*entities)[i], "entity " + std::to_string(i), x->add_entities())) return false;
    }
    for (size_t i = 0; relations != nullptr && i < relations->size(); ++i) {
      if (!Relation((*relations)[i], "relation " + std::to_string(i), x->add_relations())) {
        return false;
      }
    }
    return true;
  }

  const std::string& error() const { return error_; }

 private:
  bool Fail(std::string message) {
    error_ = std::move(message);
    return false;
  }

  bool OnlyKeys(const nlohmann::json& j, std::initializer_list<const char*> keys,
                const std::string& what) {
    if (!j.is_object()) return Fail(what + " must be an object");
    for (auto it = j.begin(); it != j.end(); ++it) {
      bool known = false;
      for (const char* k : keys) known = known || it.key() == k;
      if (!known) return Fail("unknown field \"" + it.key() + "\" in " + what);
    }
    return true;
  }

  bool String(const nlohmann::json& j, const char* key, const std::string& what, std::string* out) {
    if (!j.contains(key) || j[key].is_null()) return true;
    if (!j[key].is_string()) return Fail(what + ": \"" + key + "\" must be a string");
    *out = j[key].get<std::string>();
    return true;
  }

  // Checked here because the wire cannot tell a given 0 from none (which means 1.0).
  bool Confidence(const nlohmann::json& j, const std::string& what, double* out) {
    if (!j.contains("confidence") || j["confidence"].is_null()) return true;
    if (!j["confidence"].is_number()) return Fail(what + ": \"confidence\" must be a number");
    *out = j["confidence"].get<double>();
    if (!(*out > 0 && *out <= 1)) {
      return Fail(what + ": confidence " + j["confidence"].dump() + " is outside (0, 1]");
    }
    return true;
  }

  const nlohmann::json* Array(const char* key) {
    if (!j_.contains(key) || j_[key].is_null()) return nullptr;
    if (!j_[key].is_array()) {
      Fail(std::string("\"") + key + "\" must be an array");
      return nullptr;
    }
    return &j_[key];
  }

  bool Entity(const nlohmann::json& e, const std::string& what, v1::ExplainedEntity* out) {
    if (!OnlyKeys(e, {"label", "name", "aliases", "confidence"}, what)) return false;
    std::string label, name;
    double confidence = 1.0;
    if (!String(e, "label", what, &label) || !String(e, "name", what, &name) ||
        !Confidence(e, what, &confidence)) {
      return false;
    }
    out->set_label(label);
    out->set_name(name);
    out->set_confidence(confidence);
    if (e.contains("aliases") && !e["aliases"].is_null()) {
      if (!e["aliases"].is_array()) return Fail(what + ": \"aliases\" must be an array");
      for (const nlohmann::json& a : e["aliases"]) {
        if (!a.is_string()) return Fail(what + ": \"aliases\" must hold strings only");
        out->add_aliases(a.get<std::string>());
      }
    }
    return true;
  }

  bool Relation(const nlohmann::json& r, const std::string& what, v1::ExplainedRelation* out) {
    if (!OnlyKeys(r, {"s", "p", "o", "props", "evidence", "confidence"}, what)) return false;
    std::string s, p, o, evidence;
    double confidence = 1.0;
    if (!String(r, "s", what, &s) || !String(r, "p", what, &p) || !String(r, "o", what, &o) ||
        !String(r, "evidence", what, &evidence) || !Confidence(r, what, &confidence)) {
      return false;
    }
    out->set_subject_name(s);
    out->set_edge(p);
    out->set_object_name(o);
    out->set_evidence(evidence);
    out->set_confidence(confidence);
    if (r.contains("props") && !r["props"].is_null()) {
      if (!r["props"].is_object()) return Fail(what + ": \"props\" must be an object");
      for (auto it = r["props"].begin(); it != r["props"].end(); ++it) {
        const nlohmann::json& v = it.value();
        v1::Property* q = out->add_qualifiers();
        q->set_key(it.key());
        if (!Scalar(v, q->mutable_value())) {
          return Fail(what + ": prop \"" + it.key() + "\" must be a string, a number or a boolean");
        }
      }
    }
    return true;
  }

  // As the library reads a prop (ingest/text.cc): integers are int64 (past INT64_MAX, double).
  static bool Scalar(const nlohmann::json& v, v1::Value* out) {
    if (v.is_string()) {
      out->set_string_value(v.get<std::string>());
    } else if (v.is_boolean()) {
      out->set_bool_value(v.get<bool>());
    } else if (v.is_number_integer() &&
               (!v.is_number_unsigned() || v.get<uint64_t>() <= INT64_MAX)) {
      out->set_int64_value(v.get<int64_t>());
    } else if (v.is_number()) {
      out->set_double_value(v.get<double>());
    } else {
      return false;
    }
    return true;
  }

  const nlohmann::json& j_;
  std::string error_;
};

// True when `s` is well-formed UTF-8 (no overlong forms, surrogates or values past U+10FFFF).
bool IsUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    int n = c < 0x80 ? 0 : (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xE ? 2 : (c >> 3) == 0x1E ? 3 : -1;
    if (n < 0 || i + n >= s.size() + (n == 0 ? 1 : 0)) return false;
    uint32_t cp = n == 0 ? c : c & (0x3F >> n);
    for (int k = 1; k <= n; ++k) {
      const unsigned char t = static_cast<unsigned char>(s[i + k]);
      if ((t & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (t & 0x3F);
    }
    static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n + 1;
  }
  return true;
}

bool IsExtractedLine(const nlohmann::json& j) {
  return j.is_object() && j.contains("document") && j["document"].is_object();
}

}  // namespace

bool ReadDocuments(const std::string& path, std::vector<v1::Document>* out, std::string* error,
                   JsonlKind kind) {
  std::string text;
  if (!ReadWholeFile(path, &text, error)) return false;
  if (std::filesystem::path(path).extension() != ".jsonl") {
    if (kind == JsonlKind::kExtracted) {
      *error = path + ": --extracted reads JSON Lines (.jsonl) only";
      return false;
    }
    v1::Document& d = out->emplace_back();
    d.set_path(path);
    d.set_text(std::move(text));
    return true;
  }
  std::istringstream lines(text);
  std::string line;
  int first_line = 0;  // the line that decided the file's kind under kDetect
  for (int n = 1; std::getline(lines, line); ++n) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const std::string at = path + ":" + std::to_string(n) + ": ";
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded()) {
      *error = at + (IsUtf8(line) ? "not valid JSON" : "invalid UTF-8");
      return false;
    }
    const bool extracted = IsExtractedLine(j);
    if (kind == JsonlKind::kDetect) {
      kind = extracted ? JsonlKind::kExtracted : JsonlKind::kDocuments;
      first_line = n;
    } else if (first_line > 0 && extracted != (kind == JsonlKind::kExtracted)) {
      *error = at +
               (extracted ? "already extracted entities and relations ({\"document\": ...})"
                          : "a document to extract ({\"text\": ...})") +
               ", but line " + std::to_string(first_line) + " is " +
               (extracted ? "a document to extract" : "already extracted") +
               ": a file holds one kind";
      return false;
    }
    if (kind == JsonlKind::kExtracted) {
      if (!extracted) {
        *error = at +
                 "expected already extracted entities and relations: {\"document\": {...}, "
                 "\"entities\": [...], \"relations\": [...]}";
        return false;
      }
      v1::Document& d = out->emplace_back();
      d.set_path(path + ":" + std::to_string(n));
      ExtractedLine x(j);
      if (!x.ToDocument(&d)) {
        *error = at + x.error();
        return false;
      }
      continue;
    }
    if (!j.is_object() || !j.contains("text") || !j["text"].is_string()) {
      *error = at + "expected a JSON object with a \"text\" string";
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
