#include "query/value.h"

#include <cmath>
#include <functional>

#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace kg::query {

const char* TokenName(Token t) {
  switch (t) {
    case Token::kId: return "id";
    case Token::kLabel: return "label";
    case Token::kKey: return "key";
    case Token::kValue: return "value";
    case Token::kOut: return "OUT";
    case Token::kIn: return "IN";
    case Token::kBoth: return "BOTH";
  }
  return "?";
}

namespace {
const std::string& EmptyString() {
  static const std::string* s = new std::string();
  return *s;
}
}  // namespace

const std::string& VertexRef::label() const {
  return info && !info->labels.empty() ? info->labels[0] : EmptyString();
}
const std::string& EdgeRef::label() const {
  return info && !info->labels.empty() ? info->labels[0] : EmptyString();
}

Value Value::List(ValueList l) {
  Value v;
  v.v_ = std::make_shared<const ListBox>(ListBox{std::move(l), false});
  return v;
}
Value Value::Set(ValueList l) {
  Value v;
  v.v_ = std::make_shared<const ListBox>(ListBox{std::move(l), true});
  return v;
}
Value Value::Map(ValueMap m) {
  Value v;
  v.v_ = std::make_shared<const MapBox>(MapBox{std::move(m), false});
  return v;
}
Value Value::Entry(Value key, Value value) {
  Value v;
  ValueMap m;
  m.emplace_back(std::move(key), std::move(value));
  v.v_ = std::make_shared<const MapBox>(MapBox{std::move(m), true});
  return v;
}

Value Value::FromGraph(const graph::Value& g) {
  switch (g.type()) {
    case graph::Value::Type::kNull: return Value();
    case graph::Value::Type::kBool: return Value(g.as_bool());
    case graph::Value::Type::kInt32: return Value(g.as_int32());
    case graph::Value::Type::kInt64: return Value(g.as_int64());
    case graph::Value::Type::kFloat: return Value(g.as_float());
    case graph::Value::Type::kDouble: return Value(g.as_double());
    case graph::Value::Type::kString: return Value(g.as_string());
    case graph::Value::Type::kTimestamp: return Value(g.as_timestamp());
    case graph::Value::Type::kList: {
      ValueList l;
      for (const auto& x : g.as_list()) l.push_back(FromGraph(x));
      return List(std::move(l));
    }
    case graph::Value::Type::kMap: {
      ValueMap m;
      for (const auto& [k, x] : g.as_map()) m.emplace_back(Value(k), FromGraph(x));
      return Map(std::move(m));
    }
  }
  return Value();
}

bool Value::ToGraph(graph::Value* out) const {
  switch (kind()) {
    case Kind::kNull: *out = graph::Value(); return true;
    case Kind::kBool: *out = graph::Value(as_bool()); return true;
    case Kind::kInt32: *out = graph::Value(as_int32()); return true;
    case Kind::kInt64: *out = graph::Value(as_int64()); return true;
    case Kind::kFloat: *out = graph::Value(as_float()); return true;
    case Kind::kDouble: *out = graph::Value(as_double()); return true;
    case Kind::kString: *out = graph::Value(as_string()); return true;
    case Kind::kTimestamp: *out = graph::Value(as_timestamp()); return true;
    case Kind::kList:
    case Kind::kSet: {
      graph::ValueList l;
      for (const auto& x : as_list()) {
        graph::Value g;
        if (!x.ToGraph(&g)) return false;
        l.push_back(std::move(g));
      }
      *out = graph::Value(std::move(l));
      return true;
    }
    case Kind::kMap: {
      graph::ValueMap m;
      for (const auto& [k, x] : as_map()) {
        if (!k.is_string()) return false;
        graph::Value g;
        if (!x.ToGraph(&g)) return false;
        m.emplace_back(k.as_string(), std::move(g));
      }
      *out = graph::Value(std::move(m));
      return true;
    }
    default: return false;
  }
}

Value::Kind Value::kind_() const {
  switch (v_.index()) {
    case 0: return Kind::kNull;
    case 1: return Kind::kBool;
    case 2: return Kind::kInt32;
    case 3: return Kind::kInt64;
    case 4: return Kind::kFloat;
    case 5: return Kind::kDouble;
    case 6: return Kind::kString;
    case 7: return Kind::kTimestamp;
    case 8: return Kind::kVertex;
    case 9: return Kind::kEdge;
    case 10: return Kind::kVertexProperty;
    case 11: return Kind::kProperty;
    case 12: return Kind::kPath;
    case 13: return std::get<ListPtr>(v_)->is_set ? Kind::kSet : Kind::kList;
    case 14: return Kind::kMap;
    default: return Kind::kToken;
  }
}

const ValueList& Value::as_list() const { return std::get<ListPtr>(v_)->items; }

int64_t Value::ToInt64() const {
  switch (kind()) {
    case Kind::kInt32: return as_int32();
    case Kind::kInt64: return as_int64();
    case Kind::kFloat: return static_cast<int64_t>(as_float());
    case Kind::kDouble: return static_cast<int64_t>(as_double());
    default: return 0;
  }
}
double Value::ToDouble() const {
  switch (kind()) {
    case Kind::kInt32: return as_int32();
    case Kind::kInt64: return static_cast<double>(as_int64());
    case Kind::kFloat: return as_float();
    case Kind::kDouble: return as_double();
    default: return 0;
  }
}

bool operator==(const Value& a, const Value& b) {
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case Value::Kind::kNull: return true;
    case Value::Kind::kBool: return a.as_bool() == b.as_bool();
    case Value::Kind::kInt32: return a.as_int32() == b.as_int32();
    case Value::Kind::kInt64: return a.as_int64() == b.as_int64();
    case Value::Kind::kFloat:
      return a.as_float() == b.as_float() || (std::isnan(a.as_float()) && std::isnan(b.as_float()));
    case Value::Kind::kDouble:
      return a.as_double() == b.as_double() ||
             (std::isnan(a.as_double()) && std::isnan(b.as_double()));
    case Value::Kind::kString: return a.as_string() == b.as_string();
    case Value::Kind::kTimestamp: return a.as_timestamp() == b.as_timestamp();
    case Value::Kind::kVertex: return a.vertex().id == b.vertex().id;
    case Value::Kind::kEdge: return a.edge().key == b.edge().key;
    case Value::Kind::kVertexProperty: {
      const auto& x = a.vertex_property();
      const auto& y = b.vertex_property();
      return x.vertex == y.vertex && x.key == y.key && x.index == y.index && x.value == y.value;
    }
    case Value::Kind::kProperty: {
      const auto& x = a.property();
      const auto& y = b.property();
      return x.key == y.key && x.value == y.value;  // TinkerPop: properties equal by key and value
    }
    case Value::Kind::kPath: return a.path().objects == b.path().objects;
    case Value::Kind::kList: return a.as_list() == b.as_list();
    case Value::Kind::kSet: {
      const auto& x = a.as_list();
      const auto& y = b.as_list();
      if (x.size() != y.size()) return false;
      for (const auto& e : x) {
        bool found = false;
        for (const auto& f : y) {
          if (e == f) {
            found = true;
            break;
          }
        }
        if (!found) return false;
      }
      return true;
    }
    case Value::Kind::kMap: {
      const auto& x = a.as_map();
      const auto& y = b.as_map();
      if (x.size() != y.size()) return false;
      for (const auto& [k, v] : x) {
        bool found = false;
        for (const auto& [k2, v2] : y) {
          if (k == k2) {
            found = v == v2;
            break;
          }
        }
        if (!found) return false;
      }
      return true;
    }
    case Value::Kind::kToken: return a.token() == b.token();
  }
  return false;
}

size_t Value::Hash() const {
  size_t h = static_cast<size_t>(kind()) * 0x9e3779b97f4a7c15ULL;
  switch (kind()) {
    case Kind::kNull: return h;
    case Kind::kBool: return h ^ as_bool();
    case Kind::kInt32: return absl::HashOf(h, as_int32());
    case Kind::kInt64: return absl::HashOf(h, as_int64());
    case Kind::kFloat: return std::isnan(as_float()) ? h + 1 : absl::HashOf(h, as_float() + 0.0f);
    case Kind::kDouble:
      return std::isnan(as_double()) ? h + 1 : absl::HashOf(h, as_double() + 0.0);
    case Kind::kString: return absl::HashOf(h, as_string());
    case Kind::kTimestamp: return absl::HashOf(h, as_timestamp().micros);
    case Kind::kVertex: return absl::HashOf(h, vertex().id);
    case Kind::kEdge:
      return absl::HashOf(h, edge().key.src, edge().key.dst, edge().key.label, edge().key.rank);
    case Kind::kVertexProperty:
      return absl::HashOf(h, vertex_property().vertex, vertex_property().key,
                          vertex_property().index);
    case Kind::kProperty: return absl::HashOf(h, property().key);
    case Kind::kPath: {
      for (const auto& o : path().objects) h = absl::HashOf(h, o.Hash());
      return h;
    }
    case Kind::kList: {
      for (const auto& o : as_list()) h = absl::HashOf(h, o.Hash());
      return h;
    }
    case Kind::kSet: {
      size_t s = 0;
      for (const auto& o : as_list()) s += o.Hash();
      return absl::HashOf(h, s);
    }
    case Kind::kMap: {
      size_t s = 0;
      for (const auto& [k, v] : as_map()) s += absl::HashOf(k.Hash(), v.Hash());
      return absl::HashOf(h, s);
    }
    case Kind::kToken: return absl::HashOf(h, static_cast<int>(token()));
  }
  return h;
}

namespace {
std::string IdString(const graph::Value& v) {
  if (v.is_string()) return v.as_string();
  return Value::FromGraph(v).DebugString();
}
}  // namespace

std::string Value::DebugString() const {
  switch (kind()) {
    case Kind::kNull: return "null";
    case Kind::kBool: return as_bool() ? "true" : "false";
    case Kind::kInt32: return absl::StrCat(as_int32());
    case Kind::kInt64: return absl::StrCat(as_int64());
    case Kind::kFloat: return absl::StrCat(as_float());
    case Kind::kDouble: return absl::StrCat(as_double());
    case Kind::kString: return as_string();
    case Kind::kTimestamp: return absl::StrCat("ts(", as_timestamp().micros, ")");
    case Kind::kVertex:
      return vertex().info ? absl::StrCat("v[", IdString(vertex().info->id), "]")
                           : absl::StrCat("v[#", vertex().id, "]");
    case Kind::kEdge:
      return edge().info ? absl::StrCat("e[", IdString(edge().info->id), "][",
                                        IdString(edge().info->out_id), "-", edge().label(), "->",
                                        IdString(edge().info->in_id), "]")
                         : absl::StrCat("e[#", edge().key.ToString(), "]");
    case Kind::kVertexProperty:
      return absl::StrCat("vp[", vertex_property().key, "->",
                          Value::FromGraph(vertex_property().value).DebugString(), "]");
    case Kind::kProperty:
      return absl::StrCat("p[", property().key, "->",
                          Value::FromGraph(property().value).DebugString(), "]");
    case Kind::kPath: {
      std::vector<std::string> parts;
      for (const auto& o : path().objects) parts.push_back(o.DebugString());
      return absl::StrCat("path[", absl::StrJoin(parts, ", "), "]");
    }
    case Kind::kList:
    case Kind::kSet: {
      std::vector<std::string> parts;
      for (const auto& o : as_list()) parts.push_back(o.DebugString());
      return absl::StrCat(kind() == Kind::kSet ? "{" : "[", absl::StrJoin(parts, ", "),
                          kind() == Kind::kSet ? "}" : "]");
    }
    case Kind::kMap: {
      std::vector<std::string> parts;
      for (const auto& [k, v] : as_map()) {
        parts.push_back(absl::StrCat(k.DebugString(), "=", v.DebugString()));
      }
      return absl::StrCat("{", absl::StrJoin(parts, ", "), "}");
    }
    case Kind::kToken: return TokenName(token());
  }
  return "?";
}

}  // namespace kg::query
