// asString() and asString(Scope.local): the object (or each element of a list) as the string
// Java's String.valueOf gives it in TinkerPop, so that results match other Gremlin servers:
// doubles keep a fraction ("1.0") and switch to "1.0E10" notation outside [1e-3, 1e7), lists
// print as "[a, b]", maps as "{k=v}", elements as "v[1]", "e[7][1-knows->2]", properties as
// "vp[name->marko]" with long values abbreviated as StringFactory does (also inside a path, which
// prints each object as its own toString does: "path[v[1], vp[name->marko], 1.0]"). Null is an
// error, as in TinkerPop.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "query/ops.h"
#include "query/steps/steps.h"
#include "unicode/unistr.h"
#include "unicode/utf16.h"

namespace kg::query::steps {
namespace {

// The shortest "%.Ng" form of `d` that reads back as `d` (Java prints the shortest too).
std::string ShortestDigits(double d, int max_precision) {
  char buf[40];
  for (int p = 1; p <= max_precision; ++p) {
    std::snprintf(buf, sizeof buf, "%.*e", p - 1, d);
    if (std::strtod(buf, nullptr) == d) break;
  }
  return buf;  // d.ddde±XX
}

// Java's Double.toString / Float.toString.
std::string JavaFloating(double d, bool is_float) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  if (d == 0) return std::signbit(d) ? "-0.0" : "0.0";
  std::string sci = ShortestDigits(d, is_float ? 9 : 17);
  size_t e = sci.find('e');
  std::string mantissa = sci.substr(0, e);
  int exponent = std::atoi(sci.c_str() + e + 1);
  bool negative = mantissa[0] == '-';
  std::string digits;
  for (char c : mantissa) {
    if (c >= '0' && c <= '9') digits.push_back(c);
  }
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  std::string sign = negative ? "-" : "";
  double magnitude = std::fabs(d);
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    std::string whole, fraction;
    if (exponent >= 0) {
      digits.resize(std::max(digits.size(), static_cast<size_t>(exponent) + 1), '0');
      whole = digits.substr(0, exponent + 1);
      fraction = digits.substr(exponent + 1);
    } else {
      whole = "0";
      fraction = std::string(-exponent - 1, '0') + digits;
    }
    return absl::StrCat(sign, whole, ".", fraction.empty() ? "0" : fraction);
  }
  std::string rest = digits.size() > 1 ? digits.substr(1) : "0";
  return absl::StrCat(sign, digits.substr(0, 1), ".", rest, "E", exponent);
}

// Commons Lang's StringUtils.abbreviate(s, 20), as StringFactory applies it to property values:
// past 20 UTF-16 units, the first 17 and "...". A cut inside a surrogate pair keeps the pair out
// (Java would keep its first half, which UTF-8 cannot hold).
std::string Abbreviated(const std::string& s) {
  constexpr int32_t kMaxWidth = 20;
  constexpr int32_t kMarker = 3;  // "..."
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), s.size()));
  if (u.length() <= kMaxWidth) return s;
  int32_t keep = kMaxWidth - kMarker;
  if (U16_IS_LEAD(u.charAt(keep - 1))) --keep;
  std::string out;
  u.tempSubString(0, keep).toUTF8String(out);
  return out + "...";
}

// "vp[key->value]" / "p[key->value]", as StringFactory.propertyString writes them.
std::string PropertyString(Context* ctx, const char* prefix, const std::string& key,
                           const graph::Value& value) {
  return absl::StrCat(prefix, "[", key, "->",
                      Abbreviated(JavaString(ctx, Value::FromGraph(value))), "]");
}

}  // namespace

std::string JavaString(Context* ctx, const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kFloat:
      return JavaFloating(v.ToDouble(), true);
    case Value::Kind::kDouble:
      return JavaFloating(v.ToDouble(), false);
    case Value::Kind::kList:
    case Value::Kind::kSet: {
      std::vector<std::string> parts;
      for (const auto& x : v.as_list()) parts.push_back(JavaString(ctx, x));
      return absl::StrCat("[", absl::StrJoin(parts, ", "), "]");
    }
    case Value::Kind::kMap: {
      std::vector<std::string> parts;
      for (const auto& [k, x] : v.as_map()) {
        parts.push_back(absl::StrCat(JavaString(ctx, k), "=", JavaString(ctx, x)));
      }
      return absl::StrCat("{", absl::StrJoin(parts, ", "), "}");
    }
    case Value::Kind::kVertexProperty:
      return PropertyString(ctx, "vp", v.vertex_property().key, v.vertex_property().value);
    case Value::Kind::kProperty:
      return PropertyString(ctx, "p", v.property().key, v.property().value);
    case Value::Kind::kPath: {  // StringFactory.pathString: each object's own toString()
      std::vector<std::string> parts;
      for (const auto& x : v.path().objects) parts.push_back(JavaString(ctx, x));
      return absl::StrCat("path[", absl::StrJoin(parts, ", "), "]");
    }
    case Value::Kind::kVertex:
    case Value::Kind::kEdge:
      return ctx->Detach(v).DebugString();
    default:
      return v.DebugString();
  }
}

namespace {

bool NullError(Context* ctx) {
  return ctx->Fail(absl::InvalidArgumentError("Can't parse null as String."));
}

}  // namespace

std::unique_ptr<Op> AsString(Context* ctx, bool local) {
  return std::make_unique<FlatMapOp>(ctx, local ? "asString(local)" : "asString",
                                     [ctx, local](const Traverser& t, std::vector<Value>* out) {
                                       if (t.obj.is_null()) return NullError(ctx);
                                       if (!local || !t.obj.is_collection()) {
                                         out->push_back(Value(JavaString(ctx, t.obj)));
                                         return true;
                                       }
                                       ValueList strings;
                                       for (const auto& x : t.obj.as_list()) {
                                         if (x.is_null()) return NullError(ctx);
                                         strings.push_back(Value(JavaString(ctx, x)));
                                       }
                                       out->push_back(Value::List(std::move(strings)));
                                       return true;
                                     });
}

}  // namespace kg::query::steps
