#include "cli/graph_formats.h"

#include <cmath>
#include <limits>
#include <map>
#include <sstream>

#include "cli/render.h"
#include "nlohmann/json.hpp"

namespace kg::cli {
namespace {

using nlohmann::json;

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

json Typed(const char* type, json value) { return {{"@type", type}, {"@value", std::move(value)}}; }

json FloatJson(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  return d;
}

// A value in GraphSON 3.0's typed form.
json ToGraphSon(const v1::Value& v) {
  switch (v.kind_case()) {
    case v1::Value::kBoolValue:
      return v.bool_value();
    case v1::Value::kInt32Value:
      return Typed("g:Int32", v.int32_value());
    case v1::Value::kInt64Value:
      return Typed("g:Int64", v.int64_value());
    case v1::Value::kFloatValue:
      return Typed("g:Float", FloatJson(v.float_value()));
    case v1::Value::kDoubleValue:
      return Typed("g:Double", FloatJson(v.double_value()));
    case v1::Value::kStringValue:
      return v.string_value();
    case v1::Value::kTimestampMicros:
      return Typed("g:Date", v.timestamp_micros() / 1000);
    case v1::Value::kList:
    case v1::Value::kSet: {
      json items = json::array();
      const v1::ValueList& l = v.kind_case() == v1::Value::kList ? v.list() : v.set();
      for (const v1::Value& item : l.values()) items.push_back(ToGraphSon(item));
      return Typed(v.kind_case() == v1::Value::kList ? "g:List" : "g:Set", std::move(items));
    }
    case v1::Value::kMap: {
      json flat = json::array();
      for (const v1::MapEntry& e : v.map().entries()) {
        flat.push_back(ToGraphSon(e.key()));
        flat.push_back(ToGraphSon(e.value()));
      }
      return Typed("g:Map", std::move(flat));
    }
    default:
      return nullptr;
  }
}

// ---- GraphSON ------------------------------------------------------------------------------

class GraphSonWriter : public GraphWriter {
 public:
  explicit GraphSonWriter(std::ostream& out) : out_(out) {}

  void Vertices(const google::protobuf::RepeatedPtrField<v1::Vertex>& vertices) override {
    for (const v1::Vertex& v : vertices) {
      json id = v.has_external_id() ? ToGraphSon(v.external_id())
                                    : Typed("g:Int64", static_cast<int64_t>(v.id()));
      ids_[v.id()] = id;
      json line = {{"id", id}};
      if (v.labels_size() == 1) {
        line["label"] = v.labels(0);
      } else {
        line["label"] = std::vector<std::string>(v.labels().begin(), v.labels().end());
      }
      json props = json::object();
      for (const v1::VertexProperty& p : v.properties()) {
        // The id the property was given (a GraphSON import's), else a number of our own.
        json entry = {
            {"id", p.has_id() ? ToGraphSon(p.id()) : Typed("g:Int64", next_property_id_++)},
            {"value", ToGraphSon(p.value())}};
        if (p.meta_size() > 0) {
          json meta = json::object();
          for (const v1::Property& m : p.meta()) meta[m.key()] = ToGraphSon(m.value());
          entry["properties"] = std::move(meta);
        }
        props[p.key()].push_back(std::move(entry));
      }
      if (!props.empty()) line["properties"] = std::move(props);
      order_.push_back(v.id());
      lines_[v.id()] = std::move(line);
    }
  }

  void Edges(const google::protobuf::RepeatedPtrField<v1::Edge>& edges) override {
    for (const v1::Edge& e : edges) {
      json id = e.has_external_id() ? ToGraphSon(e.external_id()) : json(e.id());
      json props = json::object();
      for (const v1::Property& p : e.properties()) props[p.key()] = ToGraphSon(p.value());
      auto add = [&](uint64_t at, const char* side, const char* other_key, uint64_t other) {
        auto line = lines_.find(at);
        if (line == lines_.end()) return;
        json edge = {{"id", id}, {other_key, ids_[other]}};
        if (!props.empty()) edge["properties"] = props;
        line->second[side][e.label()].push_back(std::move(edge));
      };
      add(e.out_id(), "outE", "inV", e.in_id());
      add(e.in_id(), "inE", "outV", e.out_id());
    }
  }

  void End() override {
    for (uint64_t id : order_) out_ << Dump(lines_[id]) << "\n";
  }

 private:
  std::ostream& out_;
  std::map<uint64_t, json> ids_;
  std::map<uint64_t, json> lines_;
  std::vector<uint64_t> order_;
  int64_t next_property_id_ = 0;
};

// ---- GraphML -------------------------------------------------------------------------------

std::string XmlEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

const char* GraphMlType(const v1::Value& v) {
  switch (v.kind_case()) {
    case v1::Value::kBoolValue:
      return "boolean";
    case v1::Value::kInt32Value:
      return "int";
    case v1::Value::kInt64Value:
      return "long";
    case v1::Value::kFloatValue:
      return "float";
    case v1::Value::kDoubleValue:
      return "double";
    default:
      return "string";
  }
}

std::string GraphMlText(const v1::Value& v) {
  if (v.kind_case() == v1::Value::kStringValue) return v.string_value();
  if (v.kind_case() == v1::Value::kBoolValue) return v.bool_value() ? "true" : "false";
  return Dump(ValueToJson(v));
}

class GraphMlWriter : public GraphWriter {
 public:
  explicit GraphMlWriter(std::ostream& out) : out_(out) {}

  void Vertices(const google::protobuf::RepeatedPtrField<v1::Vertex>& vertices) override {
    for (const v1::Vertex& v : vertices) {
      std::string id = v.has_external_id() ? GraphMlText(v.external_id()) : std::to_string(v.id());
      ids_[v.id()] = id;
      std::ostringstream node;
      std::string labels;
      for (const std::string& l : v.labels()) labels += (labels.empty() ? "" : "::") + l;
      node << "    <node id=\"" << XmlEscape(id) << "\"><data key=\"labelV\">" << XmlEscape(labels)
           << "</data>";
      // GraphML holds one value per key: several values of a key become a JSON list.
      std::map<std::string, std::vector<const v1::Value*>> props;
      std::vector<std::string> order;
      for (const v1::VertexProperty& p : v.properties()) {
        if (props[p.key()].empty()) order.push_back(p.key());
        props[p.key()].push_back(&p.value());
      }
      for (const std::string& key : order) {
        const auto& values = props[key];
        std::string text;
        const char* type = "string";
        if (values.size() == 1) {
          text = GraphMlText(*values[0]);
          type = GraphMlType(*values[0]);
        } else {
          json list = json::array();
          for (const v1::Value* x : values) list.push_back(ValueToJson(*x));
          text = Dump(list);
        }
        Declare(&node_keys_, key, type);
        node << "<data key=\"v_" << XmlEscape(key) << "\">" << XmlEscape(text) << "</data>";
      }
      node << "</node>\n";
      body_ += node.str();
    }
  }

  void Edges(const google::protobuf::RepeatedPtrField<v1::Edge>& edges) override {
    for (const v1::Edge& e : edges) {
      std::ostringstream edge;
      edge << "    <edge id=\"" << XmlEscape(e.id()) << "\" source=\""
           << XmlEscape(ids_[e.out_id()]) << "\" target=\"" << XmlEscape(ids_[e.in_id()])
           << "\"><data key=\"labelE\">" << XmlEscape(e.label()) << "</data>";
      for (const v1::Property& p : e.properties()) {
        Declare(&edge_keys_, p.key(), GraphMlType(p.value()));
        edge << "<data key=\"e_" << XmlEscape(p.key()) << "\">" << XmlEscape(GraphMlText(p.value()))
             << "</data>";
      }
      edge << "</edge>\n";
      body_ += edge.str();
    }
  }

  void End() override {
    out_ << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         << "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n"
         << "  <key id=\"labelV\" for=\"node\" attr.name=\"labelV\" attr.type=\"string\"/>\n"
         << "  <key id=\"labelE\" for=\"edge\" attr.name=\"labelE\" attr.type=\"string\"/>\n";
    for (const auto& [key, type] : node_keys_) {
      out_ << "  <key id=\"v_" << XmlEscape(key) << "\" for=\"node\" attr.name=\"" << XmlEscape(key)
           << "\" attr.type=\"" << type << "\"/>\n";
    }
    for (const auto& [key, type] : edge_keys_) {
      out_ << "  <key id=\"e_" << XmlEscape(key) << "\" for=\"edge\" attr.name=\"" << XmlEscape(key)
           << "\" attr.type=\"" << type << "\"/>\n";
    }
    out_ << "  <graph id=\"G\" edgedefault=\"directed\">\n" << body_ << "  </graph>\n</graphml>\n";
  }

 private:
  // A key seen with two types is declared as string.
  static void Declare(std::map<std::string, std::string>* keys, const std::string& key,
                      const std::string& type) {
    auto [it, inserted] = keys->emplace(key, type);
    if (!inserted && it->second != type) it->second = "string";
  }

  std::ostream& out_;
  std::map<uint64_t, std::string> ids_;
  std::map<std::string, std::string> node_keys_, edge_keys_;
  std::string body_;
};

// ---- DOT -----------------------------------------------------------------------------------

std::string DotQuote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

class DotWriter : public GraphWriter {
 public:
  explicit DotWriter(std::ostream& out) : out_(out) { out_ << "digraph kg {\n"; }

  void Vertices(const google::protobuf::RepeatedPtrField<v1::Vertex>& vertices) override {
    for (const v1::Vertex& v : vertices) {
      std::string name;
      for (const v1::VertexProperty& p : v.properties()) {
        if (p.key() == "name" && name.empty()) name = GraphMlText(p.value());
      }
      if (name.empty()) name = "#" + std::to_string(v.id());
      std::string label = v.labels_size() > 0 ? v.labels(0) : "";
      out_ << "  v" << v.id() << " [label=" << DotQuote(name + "\n" + label) << "];\n";
    }
  }

  void Edges(const google::protobuf::RepeatedPtrField<v1::Edge>& edges) override {
    for (const v1::Edge& e : edges) {
      out_ << "  v" << e.out_id() << " -> v" << e.in_id() << " [label=" << DotQuote(e.label())
           << "];\n";
    }
  }

  void End() override { out_ << "}\n"; }

 private:
  std::ostream& out_;
};

}  // namespace

std::unique_ptr<GraphWriter> MakeGraphWriter(const std::string& format, std::ostream& out) {
  if (format == "graphson") return std::make_unique<GraphSonWriter>(out);
  if (format == "graphml") return std::make_unique<GraphMlWriter>(out);
  if (format == "dot") return std::make_unique<DotWriter>(out);
  return nullptr;
}

}  // namespace kg::cli
