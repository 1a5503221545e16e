#include "query/graphson.h"

#include <fstream>
#include <map>
#include <sstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace kg::query {
namespace {

// Ordered: a vertex's properties are written in the order the file lists them.
using json = nlohmann::ordered_json;

absl::Status Bad(int line, std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("GraphSON line ", line, ": ", std::string(what)));
}

// A GraphSON 3.0 typed value to a stored value.
absl::Status Decode(const json& j, int line, graph::Value* out) {
  if (j.is_null()) {
    *out = graph::Value();
    return absl::OkStatus();
  }
  if (j.is_boolean()) {
    *out = graph::Value(j.get<bool>());
    return absl::OkStatus();
  }
  if (j.is_string()) {
    *out = graph::Value(j.get<std::string>());
    return absl::OkStatus();
  }
  if (j.is_number_integer()) {
    int64_t v = j.get<int64_t>();
    if (v >= INT32_MIN && v <= INT32_MAX) *out = graph::Value(static_cast<int32_t>(v));
    else *out = graph::Value(v);
    return absl::OkStatus();
  }
  if (j.is_number()) {
    *out = graph::Value(j.get<double>());
    return absl::OkStatus();
  }
  if (j.is_array()) {
    graph::ValueList l;
    for (const auto& x : j) {
      graph::Value v;
      if (auto s = Decode(x, line, &v); !s.ok()) return s;
      l.push_back(std::move(v));
    }
    *out = graph::Value(std::move(l));
    return absl::OkStatus();
  }
  if (!j.is_object() || !j.contains("@type") || !j.contains("@value")) {
    return Bad(line, absl::StrCat("expected a typed value, got ", j.dump()));
  }
  const std::string type = j["@type"].is_string() ? j["@type"].get<std::string>() : "";
  const json& v = j["@value"];
  try {
    if (type == "g:Int32" || type == "gx:Byte" || type == "gx:Int16") {
      *out = graph::Value(v.get<int32_t>());
    } else if (type == "g:Int64" || type == "gx:BigInteger") {
      *out = graph::Value(v.get<int64_t>());
    } else if (type == "g:Double" || type == "gx:BigDecimal") {
      if (v.is_string()) {
        std::string s = v.get<std::string>();
        *out = graph::Value(s == "NaN" ? std::numeric_limits<double>::quiet_NaN()
                            : s == "Infinity" ? std::numeric_limits<double>::infinity()
                                              : -std::numeric_limits<double>::infinity());
      } else {
        *out = graph::Value(v.get<double>());
      }
    } else if (type == "g:Float") {
      *out = graph::Value(v.get<float>());
    } else if (type == "g:List" || type == "g:Set") {
      return Decode(v, line, out);
    } else if (type == "g:Map") {
      graph::ValueMap m;
      if (!v.is_array() || v.size() % 2 != 0) return Bad(line, "g:Map needs key/value pairs");
      for (size_t i = 0; i < v.size(); i += 2) {
        graph::Value k, x;
        if (auto s = Decode(v[i], line, &k); !s.ok()) return s;
        if (auto s = Decode(v[i + 1], line, &x); !s.ok()) return s;
        if (!k.is_string()) return Bad(line, "only string map keys can be stored");
        m.emplace_back(k.as_string(), std::move(x));
      }
      *out = graph::Value(std::move(m));
    } else if (type == "g:Date" || type == "g:Timestamp") {
      *out = graph::Value(graph::Timestamp{v.get<int64_t>() * 1000});
    } else if (type == "g:UUID" || type == "g:String") {
      *out = graph::Value(v.get<std::string>());
    } else {
      return Bad(line, absl::StrCat("unsupported GraphSON type ", type));
    }
  } catch (const json::exception& e) {
    return Bad(line, absl::StrCat("bad ", type, " value: ", e.what()));
  }
  return absl::OkStatus();
}

std::string IdKey(const graph::Value& v) {
  // Numeric ids of any width identify the same element.
  if (v.is_integer()) return absl::StrCat("n", v.ToInt64());
  if (v.is_string()) return absl::StrCat("s", v.as_string());
  return absl::StrCat("x", v.is_double() ? std::to_string(v.as_double()) : "?");
}

}  // namespace

absl::StatusOr<GraphsonStats> ImportGraphson(graph::GraphTxn& txn, std::string_view text) {
  std::vector<json> lines;
  std::vector<int> line_numbers;
  int line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) return Bad(line_no, "not a JSON object");
    lines.push_back(std::move(j));
    line_numbers.push_back(line_no);
  }
  GraphsonStats stats;
  std::map<std::string, graph::VertexId> ids;
  // Vertices first, so edges can refer to any of them.
  for (size_t i = 0; i < lines.size(); ++i) {
    const json& j = lines[i];
    int ln = line_numbers[i];
    graph::Value id;
    if (j.contains("id")) {
      if (auto s = Decode(j["id"], ln, &id); !s.ok()) return s;
    }
    std::vector<std::string> labels;
    if (j.contains("label") && j["label"].is_string()) {
      labels.push_back(j["label"].get<std::string>());
    } else if (j.contains("label") && j["label"].is_array()) {
      for (const auto& l : j["label"]) {
        if (!l.is_string()) return Bad(ln, "labels must be strings");
        labels.push_back(l.get<std::string>());
      }
    }
    if (labels.empty()) labels.push_back("vertex");
    std::vector<graph::PropertyWrite> props;
    if (j.contains("properties")) {
      if (!j["properties"].is_object()) return Bad(ln, "properties must be an object");
      for (const auto& [key, vals] : j["properties"].items()) {
        if (!vals.is_array()) return Bad(ln, "vertex property values must be a list");
        for (const auto& vp : vals) {
          graph::Value v;
          if (!vp.is_object() || !vp.contains("value")) return Bad(ln, "vertex property without value");
          if (auto s = Decode(vp["value"], ln, &v); !s.ok()) return s;
          graph::PropertyWrite w(key, std::move(v),
                                 vals.size() > 1 ? graph::Cardinality::kList : graph::Cardinality::kSingle);
          if (vp.contains("id")) {  // kept: properties().id() reads it
            if (auto s = Decode(vp["id"], ln, &w.id); !s.ok()) return s;
          }
          if (vp.contains("properties") && vp["properties"].is_object()) {
            for (const auto& [mk, mv] : vp["properties"].items()) {
              graph::Value m;
              if (auto s = Decode(mv, ln, &m); !s.ok()) return s;
              w.meta.emplace_back(mk, std::move(m));
            }
          }
          props.push_back(std::move(w));
        }
      }
    }
    auto vid = txn.AddVertex(labels, "", id, props);
    if (!vid.ok()) return Bad(ln, vid.status().ToString());
    ids[IdKey(id)] = *vid;
    ++stats.vertices;
  }
  for (size_t i = 0; i < lines.size(); ++i) {
    const json& j = lines[i];
    int ln = line_numbers[i];
    if (!j.contains("outE")) continue;
    graph::Value id;
    if (auto s = Decode(j["id"], ln, &id); !s.ok()) return s;
    graph::VertexId src = ids[IdKey(id)];
    for (const auto& [label, edges] : j["outE"].items()) {
      if (!edges.is_array()) return Bad(ln, "outE entries must be lists");
      for (const auto& e : edges) {
        graph::Value eid, in;
        if (e.contains("id")) {
          if (auto s = Decode(e["id"], ln, &eid); !s.ok()) return s;
        }
        if (!e.contains("inV")) return Bad(ln, "edge without inV");
        if (auto s = Decode(e["inV"], ln, &in); !s.ok()) return s;
        auto it = ids.find(IdKey(in));
        if (it == ids.end()) return Bad(ln, absl::StrCat("edge to unknown vertex ", IdKey(in)));
        std::vector<graph::PropertyWrite> props;
        if (e.contains("properties") && e["properties"].is_object()) {
          for (const auto& [k, v] : e["properties"].items()) {
            graph::Value pv;
            if (auto s = Decode(v, ln, &pv); !s.ok()) return s;
            props.emplace_back(k, std::move(pv));
          }
        }
        auto r = txn.AddEdge(src, label, it->second, eid, props);
        if (!r.ok()) return Bad(ln, r.status().ToString());
        ++stats.edges;
      }
    }
  }
  return stats;
}

absl::StatusOr<GraphsonStats> ImportGraphsonFile(graph::Graph& graph, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open GraphSON file ", path));
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  GraphsonStats stats;
  absl::Status s = graph.Write([&](graph::GraphTxn& txn) -> absl::Status {
    auto r = ImportGraphson(txn, text);
    if (!r.ok()) return r.status();
    stats = *r;
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return stats;
}

}  // namespace kg::query
