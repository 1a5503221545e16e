#include "graph/value.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace kg::graph {

int64_t Value::ToInt64() const { return is_int32() ? as_int32() : as_int64(); }

double Value::ToDouble() const {
  switch (type()) {
    case Type::kInt32:
      return as_int32();
    case Type::kInt64:
      return static_cast<double>(as_int64());
    case Type::kFloat:
      return as_float();
    default:
      return as_double();
  }
}

bool operator==(const Value& a, const Value& b) {
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case Value::Type::kNull:
      return true;
    case Value::Type::kFloat:  // NaN equals NaN: a stored value is itself
      return a.as_float() == b.as_float() || (std::isnan(a.as_float()) && std::isnan(b.as_float()));
    case Value::Type::kDouble:
      return a.as_double() == b.as_double() ||
             (std::isnan(a.as_double()) && std::isnan(b.as_double()));
    case Value::Type::kList:
      return a.as_list() == b.as_list();
    case Value::Type::kMap:
      return a.as_map() == b.as_map();
    default:
      return a.v_ == b.v_;
  }
}

const char* Value::TypeName(Type t) {
  switch (t) {
    case Type::kNull:
      return "null";
    case Type::kBool:
      return "bool";
    case Type::kInt32:
      return "int32";
    case Type::kInt64:
      return "int64";
    case Type::kFloat:
      return "float";
    case Type::kDouble:
      return "double";
    case Type::kString:
      return "string";
    case Type::kTimestamp:
      return "timestamp";
    case Type::kList:
      return "list";
    case Type::kMap:
      return "map";
  }
  return "unknown";
}

std::string Value::DebugString() const {
  switch (type()) {
    case Type::kNull:
      return "null";
    case Type::kBool:
      return as_bool() ? "true" : "false";
    case Type::kInt32:
      return absl::StrCat(as_int32());
    case Type::kInt64:
      return absl::StrCat(as_int64(), "L");
    case Type::kFloat:
      return absl::StrCat(as_float(), "f");
    case Type::kDouble:
      return absl::StrCat(as_double(), "d");
    case Type::kString:
      return absl::StrCat("\"", as_string(), "\"");
    case Type::kTimestamp:
      return absl::StrCat("timestamp(", as_timestamp().micros, ")");
    case Type::kList:
      return absl::StrCat(
          "[",
          absl::StrJoin(as_list(), ", ",
                        [](std::string* out, const Value& v) { out->append(v.DebugString()); }),
          "]");
    case Type::kMap:
      return absl::StrCat("{",
                          absl::StrJoin(as_map(), ", ",
                                        [](std::string* out, const auto& kv) {
                                          absl::StrAppend(out, kv.first, ": ",
                                                          kv.second.DebugString());
                                        }),
                          "}");
  }
  return "?";
}

}  // namespace kg::graph
