#include "import/columns.h"

#include <cmath>
#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "graph/absl_compat.h"

namespace kg::import {
namespace {

struct TypeNameEntry {
  const char* name;
  ScalarType type;
};
constexpr TypeNameEntry kTypes[] = {
    {"string", ScalarType::kString},     {"int", ScalarType::kInt},
    {"long", ScalarType::kLong},         {"float", ScalarType::kFloat},
    {"double", ScalarType::kDouble},     {"boolean", ScalarType::kBoolean},
    {"datetime", ScalarType::kDatetime}, {"date", ScalarType::kDate},
};

const char* ScalarName(ScalarType t) {
  for (const TypeNameEntry& e : kTypes) {
    if (e.type == t) return e.name;
  }
  return "?";
}

absl::StatusOr<ColumnType> ParseType(std::string_view text) {
  ColumnType type;
  std::string t = absl::AsciiStrToLower(Sv(text));
  if (t.size() > 2 && t.substr(t.size() - 2) == "[]") {
    type.array = true;
    t.resize(t.size() - 2);
  }
  for (const TypeNameEntry& e : kTypes) {
    if (t == e.name) {
      type.scalar = e.type;
      return type;
    }
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown type '", Sv(text),
      "'; expected one of string, int, long, float, double, boolean, datetime, date"));
}

// "name:ID(space)" -> role ID, name "name", space "space".
bool ParseSpecial(std::string_view spec, std::string_view keyword, std::string* space) {
  if (spec.substr(0, keyword.size()) != keyword) return false;
  std::string_view rest = spec.substr(keyword.size());
  if (rest.empty()) return true;
  if (rest.front() != '(' || rest.back() != ')') return false;
  *space = std::string(rest.substr(1, rest.size() - 2));
  return true;
}

absl::StatusOr<Column> ParseColumn(std::string_view text) {
  Column c;
  size_t colon = text.rfind(':');
  // A colon inside "(...)" belongs to an ID space name.
  size_t paren = text.find('(');
  if (paren != std::string_view::npos && colon != std::string_view::npos && colon > paren) {
    colon = text.rfind(':', paren);
  }
  if (colon == std::string_view::npos) {
    c.name = std::string(text);
    if (c.name.empty()) return absl::InvalidArgumentError("empty column name");
    return c;
  }
  std::string_view name = text.substr(0, colon), spec = text.substr(colon + 1);
  std::string upper = absl::AsciiStrToUpper(Sv(spec.substr(0, spec.find('('))));
  std::string_view space_part = spec.substr(std::min(spec.find('('), spec.size()));
  std::string normalized = upper + std::string(space_part);
  c.name = std::string(name);
  if (ParseSpecial(normalized, "ID", &c.id_space)) {
    c.role = ColumnRole::kId;
  } else if (ParseSpecial(normalized, "START_ID", &c.id_space)) {
    c.role = ColumnRole::kStartId;
  } else if (ParseSpecial(normalized, "END_ID", &c.id_space)) {
    c.role = ColumnRole::kEndId;
  } else if (normalized == "LABEL") {
    c.role = ColumnRole::kLabel;
  } else if (normalized == "TYPE") {
    c.role = ColumnRole::kType;
  } else if (normalized == "IGNORE") {
    c.role = ColumnRole::kIgnore;
  } else {
    if (name.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "unknown field ':", Sv(spec),
          "'; expected :ID, :LABEL, :START_ID, :END_ID, :TYPE or :IGNORE"));
    }
    absl::StatusOr<ColumnType> type = ParseType(spec);
    if (!type.ok()) return type.status();
    c.type = *type;
  }
  return c;
}

absl::StatusOr<graph::Value> ParseScalar(std::string_view text, ScalarType type) {
  absl::string_view t = absl::StripAsciiWhitespace(Sv(text));
  auto fail = [&](const char* what) {
    return absl::InvalidArgumentError(absl::StrCat("expected ", what, ", found '", Sv(text), "'"));
  };
  switch (type) {
    case ScalarType::kString:
      return graph::Value(std::string(text));
    case ScalarType::kInt: {
      int32_t v;
      if (!absl::SimpleAtoi(t, &v)) return fail("an int");
      return graph::Value(v);
    }
    case ScalarType::kLong: {
      int64_t v;
      if (!absl::SimpleAtoi(t, &v)) return fail("a long");
      return graph::Value(v);
    }
    case ScalarType::kFloat: {
      float v;
      if (!absl::SimpleAtof(t, &v)) return fail("a float");
      return graph::Value(v);
    }
    case ScalarType::kDouble: {
      double v;
      if (!absl::SimpleAtod(t, &v)) return fail("a double");
      return graph::Value(v);
    }
    case ScalarType::kBoolean: {
      std::string lower = absl::AsciiStrToLower(t);
      if (lower == "true") return graph::Value(true);
      if (lower == "false") return graph::Value(false);
      return fail("true or false");
    }
    case ScalarType::kDatetime:
    case ScalarType::kDate: {
      absl::Time when;
      std::string err;
      bool ok = absl::ParseTime(absl::RFC3339_full, t, &when, &err) ||
                absl::ParseTime("%Y-%m-%dT%H:%M:%S", t, absl::UTCTimeZone(), &when, &err) ||
                absl::ParseTime("%Y-%m-%d", t, absl::UTCTimeZone(), &when, &err);
      if (!ok) return fail("a date or datetime (ISO 8601, e.g. 2025-01-30 or 2025-01-30T12:00:00Z)");
      return graph::Value(graph::Timestamp{absl::ToUnixMicros(when)});
    }
  }
  return fail("a value");
}

}  // namespace

std::string TypeName(const ColumnType& type) {
  return absl::StrCat(ScalarName(type.scalar), type.array ? "[]" : "");
}

absl::StatusOr<FileSchema> ParseHeader(const std::vector<CsvField>& header) {
  FileSchema schema;
  for (size_t i = 0; i < header.size(); ++i) {
    absl::StatusOr<Column> c = ParseColumn(header[i].text);
    if (!c.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("column ", i + 1, " ('", header[i].text,
                                                     "'): ", c.status().message()));
    }
    int* slot = nullptr;
    switch (c->role) {
      case ColumnRole::kId:
        slot = &schema.id;
        break;
      case ColumnRole::kLabel:
        slot = &schema.label;
        break;
      case ColumnRole::kStartId:
        slot = &schema.start;
        break;
      case ColumnRole::kEndId:
        slot = &schema.end;
        break;
      case ColumnRole::kType:
        slot = &schema.type;
        break;
      default:
        break;
    }
    if (slot) {
      if (*slot >= 0) {
        return absl::InvalidArgumentError(
            absl::StrCat("column ", i + 1, " ('", header[i].text, "'): a second ",
                         header[i].text.substr(header[i].text.rfind(':')), " column"));
      }
      *slot = static_cast<int>(i);
    }
    schema.columns.push_back(*std::move(c));
  }
  schema.edges = schema.start >= 0 || schema.end >= 0;
  if (schema.edges) {
    if (schema.start < 0 || schema.end < 0 || schema.type < 0) {
      return absl::InvalidArgumentError(
          "an edge file needs :START_ID, :END_ID and :TYPE columns");
    }
    if (schema.id >= 0 || schema.label >= 0) {
      return absl::InvalidArgumentError("a file cannot hold both vertices (:ID) and edges (:START_ID)");
    }
    return schema;
  }
  if (schema.id < 0) return absl::InvalidArgumentError("a vertex file needs an :ID column");
  if (schema.label < 0 && schema.columns[schema.id].id_space.empty()) {
    return absl::InvalidArgumentError(
        "a vertex file needs a :LABEL column or an ID space to take the label from (:ID(Label))");
  }
  return schema;
}

absl::StatusOr<graph::Value> ParseTypedValue(std::string_view text, const ColumnType& type) {
  if (!type.array) return ParseScalar(text, type.scalar);
  graph::ValueList list;
  if (text.empty()) return graph::Value(std::move(list));
  for (absl::string_view part : absl::StrSplit(Sv(text), ';')) {
    absl::StatusOr<graph::Value> v = ParseScalar(std::string_view(part.data(), part.size()), type.scalar);
    if (!v.ok()) return v.status();
    list.push_back(*std::move(v));
  }
  return graph::Value(std::move(list));
}

}  // namespace kg::import
