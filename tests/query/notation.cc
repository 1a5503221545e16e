#include "tests/query/notation.h"

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "nlohmann/json.hpp"

namespace kg::query::testing {
namespace {

// Splits "a,b[c,d],e" at top-level commas.
std::vector<std::string> SplitTop(std::string_view s) {
  std::vector<std::string> out;
  if (s.empty()) return out;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '[' || c == '{') ++depth;
    if (c == ']' || c == '}') --depth;
    if (c == ',' && depth == 0) {
      out.emplace_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  out.emplace_back(s.substr(start));
  return out;
}

absl::StatusOr<Value> FromJson(const nlohmann::json& j, const Resolver& r) {
  if (j.is_string()) return ParseNotation(j.get<std::string>(), r);
  if (j.is_null()) return Value();
  if (j.is_boolean()) return Value(j.get<bool>());
  if (j.is_number_integer()) {
    int64_t v = j.get<int64_t>();
    if (v >= INT32_MIN && v <= INT32_MAX) return Value(static_cast<int32_t>(v));
    return Value(v);
  }
  if (j.is_number()) return Value(j.get<double>());
  if (j.is_array()) {
    ValueList l;
    for (const auto& x : j) {
      auto v = FromJson(x, r);
      if (!v.ok()) return v.status();
      l.push_back(*v);
    }
    return Value::List(std::move(l));
  }
  ValueMap m;
  for (const auto& [k, x] : j.items()) {
    auto kv = ParseNotation(k, r);
    if (!kv.ok()) return kv.status();
    auto vv = FromJson(x, r);
    if (!vv.ok()) return vv.status();
    m.emplace_back(*kv, *vv);
  }
  return Value::Map(std::move(m));
}

}  // namespace

absl::StatusOr<Value> ParseNotation(std::string_view text, const Resolver& r) {
  std::string s(text);
  auto inner = [&](size_t prefix) { return s.substr(prefix, s.size() - prefix - 1); };
  if (s == "null") return Value();
  if (s == "true") return Value(true);
  if (s == "false") return Value(false);
  if (absl::EndsWith(s, ".sid") && (absl::StartsWith(s, "v[") || absl::StartsWith(s, "e["))) {
    auto el = ParseNotation(s.substr(0, s.size() - 4), r);
    if (!el.ok()) return el.status();
    auto id = r.id(*el);
    if (!id.ok()) return id.status();
    return id->is_string() ? *id : Value(id->DebugString());
  }
  if (absl::EndsWith(s, ".id") && (absl::StartsWith(s, "v[") || absl::StartsWith(s, "e["))) {
    auto el = ParseNotation(s.substr(0, s.size() - 3), r);
    if (!el.ok()) return el.status();
    return r.id(*el);
  }
  if (absl::StartsWith(s, "v[") && absl::EndsWith(s, "]")) return r.vertex(inner(2));
  if (absl::StartsWith(s, "e[") && absl::EndsWith(s, "]")) {
    std::string body = inner(2);
    size_t arrow = body.find("->");
    size_t dash = body.find('-');
    if (arrow == std::string::npos || dash == std::string::npos || dash >= arrow) {
      return absl::InvalidArgumentError(absl::StrCat("bad edge notation ", s));
    }
    return r.edge(body.substr(0, dash), body.substr(dash + 1, arrow - dash - 1), body.substr(arrow + 2));
  }
  // str[...] keeps a string's surrounding whitespace, which a table cell would lose.
  if (absl::StartsWith(s, "str[") && absl::EndsWith(s, "]")) return Value(inner(4));
  if (absl::StartsWith(s, "d[")) {
    size_t close = s.rfind("].");
    bool untyped = close == std::string::npos && absl::EndsWith(s, "]");  // d[NaN], d[Infinity]
    if (close == std::string::npos && !untyped) {
      return absl::InvalidArgumentError(absl::StrCat("bad number ", s));
    }
    if (untyped) close = s.size() - 1;
    std::string num = s.substr(2, close - 2);
    char type = untyped ? 'd' : s[close + 2];
    double d;
    if (num == "NaN") d = std::numeric_limits<double>::quiet_NaN();
    else if (num == "Infinity") d = std::numeric_limits<double>::infinity();
    else if (num == "-Infinity") d = -std::numeric_limits<double>::infinity();
    else d = std::strtod(num.c_str(), nullptr);
    switch (type) {
      case 'i': case 'b': case 's': return Value(static_cast<int32_t>(std::strtoll(num.c_str(), nullptr, 10)));
      case 'l': case 'n': return Value(static_cast<int64_t>(std::strtoll(num.c_str(), nullptr, 10)));
      case 'f': return Value(static_cast<float>(d));
      default: return Value(d);
    }
  }
  if ((absl::StartsWith(s, "l[") || absl::StartsWith(s, "s[") || absl::StartsWith(s, "p[")) &&
      absl::EndsWith(s, "]")) {
    ValueList l;
    for (const auto& part : SplitTop(inner(2))) {
      auto v = ParseNotation(part, r);
      if (!v.ok()) return v.status();
      l.push_back(*v);
    }
    if (s[0] == 's') return Value::Set(std::move(l));
    if (s[0] == 'p') {
      PathValue p;
      p.objects = std::move(l);
      p.labels.resize(p.objects.size());
      return Value(std::move(p));
    }
    return Value::List(std::move(l));
  }
  if (absl::StartsWith(s, "m[") && absl::EndsWith(s, "]")) {
    auto j = nlohmann::json::parse(inner(2), nullptr, false);
    if (j.is_discarded() || !j.is_object()) return absl::InvalidArgumentError(absl::StrCat("bad map ", s));
    return FromJson(j, r);
  }
  if (s == "t[id]") return Value(Token::kId);
  if (s == "t[label]") return Value(Token::kLabel);
  if (s == "t[key]") return Value(Token::kKey);
  if (s == "t[value]") return Value(Token::kValue);
  if (s == "D[OUT]" || s == "D[from]" || s == "M[outV]") return Value(Token::kOut);
  if (s == "D[IN]" || s == "D[to]" || s == "M[inV]") return Value(Token::kIn);
  if (s == "D[BOTH]") return Value(Token::kBoth);
  if (absl::StartsWith(s, "prop[") && absl::EndsWith(s, "]")) {
    auto parts = SplitTop(inner(5));
    if (parts.size() != 2) return absl::InvalidArgumentError(absl::StrCat("bad property ", s));
    auto v = ParseNotation(parts[1], r);
    if (!v.ok()) return v.status();
    graph::Value g;
    v->ToGraph(&g);
    return Value(PropertyRef{parts[0], g, {}});
  }
  if (absl::StartsWith(s, "vp[") && absl::EndsWith(s, "]")) {
    std::string body = inner(3);
    size_t arrow = body.find("->");
    if (arrow == std::string::npos) return absl::InvalidArgumentError(absl::StrCat("bad vertex property ", s));
    auto v = ParseNotation(body.substr(arrow + 2), r);
    if (!v.ok()) return v.status();
    graph::Value g;
    v->ToGraph(&g);
    return Value(VertexPropertyRef{0, body.substr(0, arrow), g, 0, {}});
  }
  return Value(s);
}

std::string Canonical(const Value& v, const std::function<std::string(const Value&)>& name_of) {
  auto num = [](double d) {
    if (std::isnan(d)) return std::string("NaN");
    if (std::isinf(d)) return std::string(d > 0 ? "Infinity" : "-Infinity");
    char buf[64];
    snprintf(buf, sizeof buf, "%.12g", d);
    return std::string(buf);
  };
  switch (v.kind()) {
    case Value::Kind::kNull: return "null";
    case Value::Kind::kBool: return v.as_bool() ? "true" : "false";
    case Value::Kind::kInt32: return absl::StrCat("d[", v.as_int32(), "].i");
    case Value::Kind::kInt64: return absl::StrCat("d[", v.as_int64(), "].l");
    case Value::Kind::kFloat: return absl::StrCat("d[", num(v.as_float()), "].f");
    case Value::Kind::kDouble: return absl::StrCat("d[", num(v.as_double()), "].d");
    case Value::Kind::kString: return absl::StrCat("'", v.as_string(), "'");
    case Value::Kind::kTimestamp: return absl::StrCat("ts[", v.as_timestamp().micros, "]");
    case Value::Kind::kVertex:
    case Value::Kind::kEdge: return name_of(v);
    case Value::Kind::kVertexProperty: {
      // TinkerPop's vp[owner-key->value]. A parsed expectation has no owner (vertex 0): its
      // "owner-key" text is all in the key.
      const VertexPropertyRef& vp = v.vertex_property();
      std::string owner;
      if (vp.vertex != 0) {
        owner = name_of(Value::Vertex(vp.vertex));
        if (absl::StartsWith(owner, "v[") && absl::EndsWith(owner, "]")) {
          owner = absl::StrCat(owner.substr(2, owner.size() - 3), "-");
        }
      }
      return absl::StrCat("vp[", owner, vp.key, "->",
                          Canonical(Value::FromGraph(vp.value), name_of), "]");
    }
    case Value::Kind::kProperty:
      return absl::StrCat("prop[", v.property().key, ",",
                          Canonical(Value::FromGraph(v.property().value), name_of), "]");
    case Value::Kind::kPath: {
      std::vector<std::string> parts;
      for (const auto& o : v.path().objects) parts.push_back(Canonical(o, name_of));
      return absl::StrCat("p[", absl::StrJoin(parts, ","), "]");
    }
    case Value::Kind::kList:
    case Value::Kind::kSet: {
      std::vector<std::string> parts;
      for (const auto& o : v.as_list()) parts.push_back(Canonical(o, name_of));
      if (v.kind() == Value::Kind::kSet) std::sort(parts.begin(), parts.end());
      return absl::StrCat(v.kind() == Value::Kind::kSet ? "s[" : "l[", absl::StrJoin(parts, ","), "]");
    }
    case Value::Kind::kMap: {
      std::vector<std::string> parts;
      for (const auto& [k, x] : v.as_map()) {
        parts.push_back(absl::StrCat(Canonical(k, name_of), ":", Canonical(x, name_of)));
      }
      std::sort(parts.begin(), parts.end());
      return absl::StrCat("m{", absl::StrJoin(parts, ","), "}");
    }
    case Value::Kind::kToken: return absl::StrCat("t[", TokenName(v.token()), "]");
  }
  return "?";
}

}  // namespace kg::query::testing
