// String steps: concat(), length(), split(), conjoin(), toUpper(), toLower(), trim(), lTrim(),
// rTrim(). Each maps one traverser to one value, as TinkerPop's reference defines them:
// a null object maps to null (concat() appends to nothing instead), anything that is not a
// string is an error naming the step and the value.
#include <cctype>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "query/ops.h"
#include "query/steps/steps.h"

namespace kg::query::steps {
namespace {

bool NotAString(Context* ctx, const std::string& step, const Value& v) {
  return ctx->Fail(absl::InvalidArgumentError(
      absl::StrCat(step, "() can only take a string as argument, encountered ", v.DebugString())));
}

std::string Trimmed(const std::string& s, bool left, bool right) {
  size_t b = 0, e = s.size();
  while (left && b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (right && e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

// split(): around every occurrence of the separator, empty pieces dropped (commons-lang's
// splitByWholeSeparator, as TinkerPop does); null splits on whitespace, "" into characters.
ValueList Split(const std::string& s, const Value& separator) {
  ValueList out;
  if (separator.is_null()) {
    for (absl::string_view piece :
         absl::StrSplit(s, absl::ByAnyChar(" \t\n\r\f\v"), absl::SkipEmpty())) {
      out.push_back(Value(std::string(piece.data(), piece.size())));
    }
  } else if (separator.as_string().empty()) {
    for (char c : s) out.push_back(Value(std::string(1, c)));
  } else {
    for (absl::string_view piece : absl::StrSplit(s, separator.as_string(), absl::SkipEmpty())) {
      out.push_back(Value(std::string(piece.data(), piece.size())));
    }
  }
  return out;
}

// conjoin(): the list's elements (nulls skipped) as strings, joined with the delimiter.
std::string Conjoin(const ValueList& items, const std::string& delimiter) {
  std::vector<std::string> parts;
  for (const auto& v : items) {
    if (v.is_null()) continue;
    parts.push_back(v.is_string() ? v.as_string() : v.DebugString());
  }
  return absl::StrJoin(parts, delimiter);
}

}  // namespace

std::unique_ptr<Op> Concat(Context* ctx, ValueList strings,
                           std::vector<std::shared_ptr<Pipeline>> children) {
  return std::make_unique<FlatMapOp>(
      ctx, "concat", [ctx, strings, children](const Traverser& t, std::vector<Value>* out) {
        if (!t.obj.is_null() && !t.obj.is_string()) return NotAString(ctx, "concat", t.obj);
        bool any = !t.obj.is_null();
        std::string s = any ? t.obj.as_string() : "";
        for (const auto& v : strings) {
          if (v.is_null()) continue;
          absl::StrAppend(&s, v.is_string() ? v.as_string() : v.DebugString());
          any = true;
        }
        for (const auto& c : children) {
          std::optional<Value> v;
          if (!c->First(t, &v)) return false;
          if (!v || v->is_null()) continue;
          absl::StrAppend(&s, v->is_string() ? v->as_string() : v->DebugString());
          any = true;
        }
        out->push_back(any ? Value(std::move(s)) : Value());
        return true;
      });
}

std::unique_ptr<Op> StringMap(Context* ctx, const std::string& name, Value arg) {
  return std::make_unique<FlatMapOp>(
      ctx, name, [ctx, name, arg](const Traverser& t, std::vector<Value>* out) {
        if (name == "conjoin") {
          if (!t.obj.is_collection()) {
            return ctx->Fail(absl::InvalidArgumentError(absl::StrCat(
                "conjoin() can only take a list as argument, encountered ", t.obj.DebugString())));
          }
          out->push_back(Value(Conjoin(t.obj.as_list(), arg.as_string())));
          return true;
        }
        if (t.obj.is_null()) {
          out->push_back(Value());
          return true;
        }
        if (!t.obj.is_string()) return NotAString(ctx, name, t.obj);
        const std::string& s = t.obj.as_string();
        if (name == "length") {
          out->push_back(Value(static_cast<int32_t>(s.size())));
        } else if (name == "split") {
          out->push_back(Value::List(Split(s, arg)));
        } else if (name == "toUpper" || name == "toLower") {
          std::string r = s;
          for (char& c : r) {
            c = static_cast<char>(name == "toUpper" ? std::toupper(static_cast<unsigned char>(c))
                                                    : std::tolower(static_cast<unsigned char>(c)));
          }
          out->push_back(Value(std::move(r)));
        } else {
          out->push_back(Value(Trimmed(s, name != "rTrim", name != "lTrim")));
        }
        return true;
      });
}

}  // namespace kg::query::steps
