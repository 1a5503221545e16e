#include "import/graphson_reader.h"

#include <cmath>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "graph/absl_compat.h"
#include "graph/normalize.h"
#include "nlohmann/json.hpp"

namespace kg::import {
namespace {

using graph::Value;
// Ordered: a vertex's properties are written in the order the file lists them.
using json = nlohmann::ordered_json;

absl::Status Bad(int64_t column, std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(column, ": ", Sv(what)));
}

absl::StatusOr<Value> Decode(const json& j);

absl::StatusOr<Value> DecodeList(const json& items) {
  if (!items.is_array()) return Bad(1, "a g:List or g:Set value must be a list");
  graph::ValueList list;
  for (const json& item : items) {
    absl::StatusOr<Value> v = Decode(item);
    if (!v.ok()) return v.status();
    list.push_back(*std::move(v));
  }
  return Value(std::move(list));
}

absl::StatusOr<Value> DecodeMap(const json& pairs) {
  if (!pairs.is_array() || pairs.size() % 2 != 0) return Bad(1, "a g:Map value must be key/value pairs");
  graph::ValueMap map;
  for (size_t i = 0; i < pairs.size(); i += 2) {
    absl::StatusOr<Value> key = Decode(pairs[i]);
    if (!key.ok()) return key.status();
    if (!key->is_string()) return Bad(1, "only string map keys can be stored");
    absl::StatusOr<Value> value = Decode(pairs[i + 1]);
    if (!value.ok()) return value.status();
    map.emplace_back(key->as_string(), *std::move(value));
  }
  return Value(std::move(map));
}

absl::StatusOr<Value> DecodeDouble(const json& v) {
  if (!v.is_string()) return Value(v.get<double>());
  const std::string s = v.get<std::string>();
  if (s == "NaN") return Value(std::numeric_limits<double>::quiet_NaN());
  if (s == "Infinity") return Value(std::numeric_limits<double>::infinity());
  if (s == "-Infinity") return Value(-std::numeric_limits<double>::infinity());
  return Bad(1, absl::StrCat("not a double: \"", s, "\""));
}

// {"@type": T, "@value": V}. json's get<> throws on a type mismatch; the caller turns that into
// an error naming the type.
absl::StatusOr<Value> DecodeTyped(const std::string& type, const json& v) {
  if (type == "g:Int32" || type == "gx:Byte" || type == "gx:Int16") return Value(v.get<int32_t>());
  if (type == "g:Int64" || type == "gx:BigInteger") return Value(v.get<int64_t>());
  if (type == "g:Double" || type == "gx:BigDecimal") return DecodeDouble(v);
  if (type == "g:Float") return Value(v.get<float>());
  if (type == "g:List" || type == "g:Set") return DecodeList(v);
  if (type == "g:Map") return DecodeMap(v);
  if (type == "g:Date" || type == "g:Timestamp") {
    return Value(graph::Timestamp{v.get<int64_t>() * 1000});  // milliseconds on the wire
  }
  if (type == "g:UUID" || type == "g:String") return Value(v.get<std::string>());
  return Bad(1, absl::StrCat("unsupported GraphSON type ", type));
}

absl::StatusOr<Value> Decode(const json& j) {
  switch (j.type()) {
    case json::value_t::null:
      return Value();
    case json::value_t::boolean:
      return Value(j.get<bool>());
    case json::value_t::string:
      return Value(j.get<std::string>());
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: {
      if (j.is_number_unsigned() && j.get<uint64_t>() > uint64_t{INT64_MAX}) {
        return Bad(1, "integer too large");
      }
      int64_t v = j.get<int64_t>();
      if (v >= INT32_MIN && v <= INT32_MAX) return Value(static_cast<int32_t>(v));
      return Value(v);
    }
    case json::value_t::number_float:
      return Value(j.get<double>());
    case json::value_t::array:
      return DecodeList(j);
    default:
      break;
  }
  if (!j.is_object() || !j.contains("@type") || !j.contains("@value") || !j["@type"].is_string()) {
    return Bad(1, absl::StrCat("expected a typed value {\"@type\", \"@value\"}, got ",
                               j.dump().substr(0, 80)));
  }
  const std::string type = j["@type"].get<std::string>();
  try {
    return DecodeTyped(type, j["@value"]);
  } catch (const json::exception&) {
    return Bad(1, absl::StrCat("bad ", type, " value ", j["@value"].dump().substr(0, 80)));
  }
}

int64_t ColumnOfByte(std::string_view raw, size_t byte) {
  int64_t column = 1;
  for (size_t i = 0; i < byte && i < raw.size(); ++i) {
    if ((static_cast<unsigned char>(raw[i]) & 0xC0) != 0x80) ++column;
  }
  return column;
}

absl::Status ReadLabels(const json& v, GraphsonLine* out) {
  if (!v.contains("label")) {
    out->labels.push_back("vertex");
    return absl::OkStatus();
  }
  const json& label = v["label"];
  if (label.is_string()) {
    out->labels.push_back(label.get<std::string>());
  } else if (label.is_array()) {
    for (const json& l : label) {
      if (!l.is_string()) return Bad(1, "a vertex label must be a string");
      out->labels.push_back(l.get<std::string>());
    }
  }
  if (out->labels.empty() || out->labels[0].empty()) {
    return Bad(1, "\"label\" must be a non-empty string or list of strings");
  }
  return absl::OkStatus();
}

// "properties": {"name": [{"id": .., "value": V, "properties": {meta}}], ...}
absl::Status ReadVertexProperties(const json& v, GraphsonLine* out) {
  if (!v.contains("properties")) return absl::OkStatus();
  if (!v["properties"].is_object()) return Bad(1, "\"properties\" must be an object");
  for (const auto& [key, values] : v["properties"].items()) {
    if (!values.is_array()) return Bad(1, absl::StrCat("property '", key, "' must be a list"));
    const graph::Cardinality cardinality =
        values.size() > 1 ? graph::Cardinality::kList : graph::Cardinality::kSingle;
    for (const json& vp : values) {
      if (!vp.is_object() || !vp.contains("value")) {
        return Bad(1, absl::StrCat("property '", key, "' has an entry without \"value\""));
      }
      absl::StatusOr<Value> value = Decode(vp["value"]);
      if (!value.ok()) return value.status();
      if (value->is_null()) continue;
      graph::PropertyWrite write(key, *std::move(value), cardinality);
      if (vp.contains("id")) {  // kept as the vertex property's id (properties().id())
        absl::StatusOr<Value> id = Decode(vp["id"]);
        if (!id.ok()) return id.status();
        write.id = *std::move(id);
      }
      if (vp.contains("properties") && vp["properties"].is_object()) {
        for (const auto& [meta_key, meta_value] : vp["properties"].items()) {
          absl::StatusOr<Value> meta = Decode(meta_value);
          if (!meta.ok()) return meta.status();
          write.meta.emplace_back(meta_key, *std::move(meta));
        }
      }
      out->props.push_back(std::move(write));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> DecodeKey(const json& j, std::string_view what) {
  absl::StatusOr<Value> id = Decode(j);
  if (!id.ok()) return id.status();
  absl::StatusOr<std::string> key = GraphsonKey(*id);
  if (!key.ok()) return Bad(1, absl::StrCat(Sv(what), ": ", key.status().message()));
  return key;
}

// "outE": {"knows": [{"id": .., "inV": ID, "properties": {"weight": V}}], ...}
absl::Status ReadOutEdges(const json& v, GraphsonLine* out) {
  if (!v.contains("outE")) return absl::OkStatus();
  if (!v["outE"].is_object()) return Bad(1, "\"outE\" must be an object");
  for (const auto& [label, edges] : v["outE"].items()) {
    if (!edges.is_array()) return Bad(1, absl::StrCat("outE.", label, " must be a list"));
    for (const json& e : edges) {
      if (!e.is_object() || !e.contains("inV")) {
        return Bad(1, absl::StrCat("an edge in outE.", label, " has no \"inV\""));
      }
      GraphsonEdge edge;
      edge.label = label;
      absl::StatusOr<std::string> in_key = DecodeKey(e["inV"], "inV");
      if (!in_key.ok()) return in_key.status();
      edge.in_key = *std::move(in_key);
      if (e.contains("properties")) {
        if (!e["properties"].is_object()) return Bad(1, "edge \"properties\" must be an object");
        for (const auto& [key, value_json] : e["properties"].items()) {
          absl::StatusOr<Value> value = Decode(value_json);
          if (!value.ok()) return value.status();
          if (!value->is_null()) edge.props.emplace_back(key, *std::move(value));
        }
      }
      out->out_edges.push_back(std::move(edge));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> GraphsonKey(const Value& id) {
  if (id.is_integer()) return std::to_string(id.ToInt64());
  if (id.is_string() && !id.as_string().empty()) return id.as_string();
  return absl::InvalidArgumentError(
      absl::StrCat("an element id must be an integer or a non-empty string, got ", id.DebugString()));
}

absl::StatusOr<GraphsonLine> ParseGraphsonLine(std::string_view raw) {
  if (!graph::IsValidUtf8(raw)) return Bad(1, "broken UTF-8");
  json j = json::parse(raw.begin(), raw.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    // Parse again with exceptions for the position of the error.
    try {
      [[maybe_unused]] json again = json::parse(raw.begin(), raw.end());
    } catch (const json::parse_error& e) {
      return Bad(ColumnOfByte(raw, e.byte > 0 ? e.byte - 1 : 0), "invalid JSON");
    }
    return Bad(1, "invalid JSON");
  }
  // A line may be wrapped as {"@type": "g:Vertex", "@value": {...}}.
  const json& v = j.is_object() && j.contains("@value") && j.contains("@type") ? j["@value"] : j;
  if (!v.is_object()) return Bad(1, "expected a JSON object (one vertex per line)");
  if (!v.contains("id")) return Bad(1, "a vertex needs an \"id\"");
  GraphsonLine line;
  absl::StatusOr<std::string> key = DecodeKey(v["id"], "id");
  if (!key.ok()) return key.status();
  line.key = *std::move(key);
  if (absl::Status s = ReadLabels(v, &line); !s.ok()) return s;
  if (absl::Status s = ReadVertexProperties(v, &line); !s.ok()) return s;
  if (absl::Status s = ReadOutEdges(v, &line); !s.ok()) return s;
  return line;
}

}  // namespace kg::import
