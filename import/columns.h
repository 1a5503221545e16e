// The header conventions of graph-database CSV exports (Neo4j's admin import format), typed.
//
// Node files:  personId:ID(Person),name,born:int,tags:string[],:LABEL
// Edge files:  :START_ID(Person),:END_ID(Movie),:TYPE,role,since:datetime
//
// A column is `name[:type]` (a property; type string by default), `[name]:ID[(space)]` (the
// vertex's id within an ID space; with a name it is also stored as that property), `:LABEL` (one
// or more labels separated by `;`), `:START_ID[(space)]`, `:END_ID[(space)]`, `:TYPE`, or
// `:IGNORE`. Types: string, int, long, float, double, boolean, datetime, date; `[]` makes an
// array whose elements are separated by `;`.
#ifndef KG_IMPORT_COLUMNS_H_
#define KG_IMPORT_COLUMNS_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "graph/value.h"
#include "import/csv.h"

namespace kg::import {

enum class ColumnRole { kProperty, kId, kLabel, kStartId, kEndId, kType, kIgnore };

enum class ScalarType { kString, kInt, kLong, kFloat, kDouble, kBoolean, kDatetime, kDate };

struct ColumnType {
  ScalarType scalar = ScalarType::kString;
  bool array = false;
};

struct Column {
  ColumnRole role = ColumnRole::kProperty;
  std::string name;      // property name (for kId: the property to store the id in, or empty)
  std::string id_space;  // for kId, kStartId, kEndId
  ColumnType type;
};

struct FileSchema {
  bool edges = false;  // has :START_ID and :END_ID
  std::vector<Column> columns;
  int id = -1, label = -1, start = -1, end = -1, type = -1;  // column indexes, -1 when absent
};

// Parses a header row. Errors name the column: "column 3 ('born:integer'): unknown type
// 'integer'; expected one of string, int, long, float, double, boolean, datetime, date".
absl::StatusOr<FileSchema> ParseHeader(const std::vector<CsvField>& header);

// Converts a field to its column's type. Errors say what was expected: "expected an int, found
// 'abc'".
absl::StatusOr<graph::Value> ParseTypedValue(std::string_view text, const ColumnType& type);

std::string TypeName(const ColumnType& type);

}  // namespace kg::import

#endif  // KG_IMPORT_COLUMNS_H_
