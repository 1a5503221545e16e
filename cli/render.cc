#include "cli/render.h"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <limits>
#include <map>

namespace kg::cli {
namespace {

nlohmann::json Number(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  return d;
}

std::string IsoTime(int64_t micros) {
  std::time_t secs = static_cast<std::time_t>(micros / 1'000'000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char frac[16];
  std::snprintf(frac, sizeof frac, ".%06lldZ", static_cast<long long>(micros % 1'000'000));
  return std::string(buf) + frac;
}

std::string Name(const v1::Vertex& v) {
  for (const v1::VertexProperty& p : v.properties()) {
    if (p.key() == "name" && p.value().kind_case() == v1::Value::kStringValue) {
      return p.value().string_value();
    }
  }
  return "";
}

}  // namespace

nlohmann::json VertexToJson(const v1::Vertex& v) {
  nlohmann::json j = nlohmann::json::object();
  j["id"] = v.has_external_id() ? ValueToJson(v.external_id()) : nlohmann::json(v.id());
  if (v.labels_size() == 1) {
    j["label"] = v.labels(0);
  } else {
    j["label"] = nlohmann::json(std::vector<std::string>(v.labels().begin(), v.labels().end()));
  }
  if (v.properties_size() > 0) {
    // Keys in first-seen order would need an ordered object; nlohmann sorts keys, which keeps
    // the output stable, and that is what scripts want.
    std::map<std::string, std::vector<nlohmann::json>> props;
    for (const v1::VertexProperty& p : v.properties()) {
      props[p.key()].push_back(ValueToJson(p.value()));
    }
    nlohmann::json& out = j["properties"] = nlohmann::json::object();
    for (auto& [key, values] : props) {
      out[key] = values.size() == 1 ? values[0] : nlohmann::json(values);
    }
  }
  return j;
}

nlohmann::json EdgeToJson(const v1::Edge& e) {
  nlohmann::json j = nlohmann::json::object();
  j["id"] = e.id();
  j["label"] = e.label();
  j["outV"] =
      e.has_out_external_id() ? ValueToJson(e.out_external_id()) : nlohmann::json(e.out_id());
  j["inV"] = e.has_in_external_id() ? ValueToJson(e.in_external_id()) : nlohmann::json(e.in_id());
  if (e.properties_size() > 0) {
    nlohmann::json& props = j["properties"] = nlohmann::json::object();
    for (const v1::Property& p : e.properties()) props[p.key()] = ValueToJson(p.value());
  }
  return j;
}

nlohmann::json ValueToJson(const v1::Value& value) {
  switch (value.kind_case()) {
    case v1::Value::KIND_NOT_SET:
    case v1::Value::kNull:
      return nullptr;
    case v1::Value::kBoolValue:
      return value.bool_value();
    case v1::Value::kInt32Value:
      return value.int32_value();
    case v1::Value::kInt64Value:
      return value.int64_value();
    case v1::Value::kFloatValue:
      return Number(value.float_value());
    case v1::Value::kDoubleValue:
      return Number(value.double_value());
    case v1::Value::kStringValue:
      return value.string_value();
    case v1::Value::kTimestampMicros:
      return IsoTime(value.timestamp_micros());
    case v1::Value::kVertex:
      return VertexToJson(value.vertex());
    case v1::Value::kEdge:
      return EdgeToJson(value.edge());
    case v1::Value::kVertexProperty: {
      nlohmann::json j = {{"key", value.vertex_property().key()},
                          {"value", ValueToJson(value.vertex_property().value())}};
      return j;
    }
    case v1::Value::kProperty:
      return {{"key", value.property().key()}, {"value", ValueToJson(value.property().value())}};
    case v1::Value::kPath: {
      nlohmann::json labels = nlohmann::json::array(), objects = nlohmann::json::array();
      for (const v1::PathLabels& l : value.path().labels()) {
        labels.push_back(std::vector<std::string>(l.labels().begin(), l.labels().end()));
      }
      for (const v1::Value& o : value.path().objects()) objects.push_back(ValueToJson(o));
      return {{"labels", labels}, {"objects", objects}};
    }
    case v1::Value::kList:
    case v1::Value::kSet: {
      const v1::ValueList& list =
          value.kind_case() == v1::Value::kList ? value.list() : value.set();
      nlohmann::json j = nlohmann::json::array();
      for (const v1::Value& item : list.values()) j.push_back(ValueToJson(item));
      return j;
    }
    case v1::Value::kMap: {
      bool string_keys = std::all_of(
          value.map().entries().begin(), value.map().entries().end(),
          [](const v1::MapEntry& e) { return e.key().kind_case() == v1::Value::kStringValue; });
      if (string_keys) {
        nlohmann::json j = nlohmann::json::object();
        for (const v1::MapEntry& e : value.map().entries()) {
          j[e.key().string_value()] = ValueToJson(e.value());
        }
        return j;
      }
      nlohmann::json j = nlohmann::json::array();
      for (const v1::MapEntry& e : value.map().entries()) {
        j.push_back({ValueToJson(e.key()), ValueToJson(e.value())});
      }
      return j;
    }
    case v1::Value::kToken:
      return value.token();
  }
  return nullptr;
}

std::string ValueToText(const v1::Value& value) {
  switch (value.kind_case()) {
    case v1::Value::kStringValue:
      return value.string_value();
    case v1::Value::kVertex: {
      const v1::Vertex& v = value.vertex();
      std::string name = Name(v);
      std::string label = v.labels_size() > 0 ? v.labels(0) : "?";
      std::string id = v.has_external_id() ? ValueToText(v.external_id()) : std::to_string(v.id());
      if (name.empty()) return "v[" + id + "]";
      return name + " (" + label + " #" + id + ")";
    }
    case v1::Value::kEdge: {
      const v1::Edge& e = value.edge();
      return "e[" + e.id() + "][" + std::to_string(e.out_id()) + "-" + e.label() + "->" +
             std::to_string(e.in_id()) + "]";
    }
    case v1::Value::kVertexProperty:
      return "vp[" + value.vertex_property().key() + "->" +
             ValueToText(value.vertex_property().value()) + "]";
    case v1::Value::kProperty:
      return "p[" + value.property().key() + "->" + ValueToText(value.property().value()) + "]";
    case v1::Value::kToken:
      return value.token();
    default:
      return ValueToJson(value).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
}

void PrintTable(const std::vector<v1::Value>& values, std::ostream& out) {
  bool maps = !values.empty() && std::all_of(values.begin(), values.end(), [](const v1::Value& v) {
    if (v.kind_case() != v1::Value::kMap) return false;
    for (const v1::MapEntry& e : v.map().entries()) {
      if (e.key().kind_case() != v1::Value::kStringValue) return false;
    }
    return true;
  });
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
  if (maps) {
    for (const v1::Value& v : values) {
      for (const v1::MapEntry& e : v.map().entries()) {
        if (std::find(columns.begin(), columns.end(), e.key().string_value()) == columns.end()) {
          columns.push_back(e.key().string_value());
        }
      }
    }
    for (const v1::Value& v : values) {
      std::vector<std::string> row(columns.size());
      for (const v1::MapEntry& e : v.map().entries()) {
        size_t c =
            std::find(columns.begin(), columns.end(), e.key().string_value()) - columns.begin();
        row[c] = ValueToText(e.value());
      }
      rows.push_back(std::move(row));
    }
  } else {
    columns.push_back("result");
    for (const v1::Value& v : values) rows.push_back({ValueToText(v)});
  }
  // Display width: count code points, with East Asian wide characters (Hangul, CJK) as two.
  auto width = [](const std::string& s) {
    size_t w = 0;
    for (size_t i = 0; i < s.size();) {
      unsigned char c = static_cast<unsigned char>(s[i]);
      int len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
      w += len >= 3 ? 2 : 1;
      i += len;
    }
    return w;
  };
  std::vector<size_t> widths(columns.size());
  for (size_t c = 0; c < columns.size(); ++c) widths[c] = width(columns[c]);
  for (const auto& row : rows) {
    for (size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], width(row[c]));
  }
  auto print_row = [&](const std::vector<std::string>& row) {
    for (size_t c = 0; c < row.size(); ++c) {
      out << row[c];
      if (c + 1 < row.size()) out << std::string(widths[c] - width(row[c]) + 2, ' ');
    }
    out << "\n";
  };
  print_row(columns);
  std::vector<std::string> rule;
  for (size_t w : widths) rule.push_back(std::string(w, '-'));
  print_row(rule);
  for (const auto& row : rows) print_row(row);
  out << "(" << rows.size() << (rows.size() == 1 ? " row)\n" : " rows)\n");
}

void JsonToValue(const nlohmann::json& j, v1::Value* out) {
  if (j.is_null()) {
    out->set_null(v1::NULL_VALUE);
  } else if (j.is_boolean()) {
    out->set_bool_value(j.get<bool>());
  } else if (j.is_number_integer()) {
    int64_t i = j.is_number_unsigned() ? static_cast<int64_t>(j.get<uint64_t>()) : j.get<int64_t>();
    if (i >= std::numeric_limits<int32_t>::min() && i <= std::numeric_limits<int32_t>::max()) {
      out->set_int32_value(static_cast<int32_t>(i));
    } else {
      out->set_int64_value(i);
    }
  } else if (j.is_number()) {
    out->set_double_value(j.get<double>());
  } else if (j.is_string()) {
    out->set_string_value(j.get<std::string>());
  } else if (j.is_array()) {
    v1::ValueList* list = out->mutable_list();
    for (const nlohmann::json& item : j) JsonToValue(item, list->add_values());
  } else if (j.is_object()) {
    v1::ValueMap* map = out->mutable_map();
    for (auto it = j.begin(); it != j.end(); ++it) {
      v1::MapEntry* e = map->add_entries();
      e->mutable_key()->set_string_value(it.key());
      JsonToValue(it.value(), e->mutable_value());
    }
  }
}

bool ParseParam(const std::string& text, std::string* name, v1::Value* value, std::string* error) {
  size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    *error = "--param needs NAME=VALUE, got '" + text + "'";
    return false;
  }
  *name = text.substr(0, eq);
  std::string raw = text.substr(eq + 1);
  nlohmann::json j = nlohmann::json::parse(raw, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    value->set_string_value(raw);
  } else {
    JsonToValue(j, value);
  }
  return true;
}

}  // namespace kg::cli
