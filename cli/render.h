// How `kg` shows typed values: JSON (one value per line) and a text table.
//
//   nlohmann::json j = ValueToJson(result);      // {"id":..,"label":"Company","properties":{..}}
//   std::string cell = ValueToText(result);      // OpenAI (Company #12)
//   PrintTable(results, std::cout);
//
// JSON mapping: numbers stay numbers (int32/int64/float/double all become JSON numbers; NaN and
// infinities become the strings "NaN", "Infinity", "-Infinity"); a vertex is
// {"id", "label", "properties"} with single values unwrapped; an edge {"id", "label", "outV",
// "inV", "properties"}; a path {"labels", "objects"}; a map with string keys an object, any other
// map a list of [key, value] pairs; a timestamp an ISO 8601 string.
#ifndef KG_CLI_RENDER_H_
#define KG_CLI_RENDER_H_

#include <ostream>
#include <string>
#include <vector>

#include "kg/v1/kg.pb.h"
#include "nlohmann/json.hpp"

namespace kg::cli {

nlohmann::json ValueToJson(const v1::Value& value);
nlohmann::json VertexToJson(const v1::Vertex& vertex);
nlohmann::json EdgeToJson(const v1::Edge& edge);
std::string ValueToText(const v1::Value& value);

// Rows of maps with string keys become columns; anything else is one column.
void PrintTable(const std::vector<v1::Value>& values, std::ostream& out);

// `--param k=v`: v is read as JSON when it parses (42 -> int32, 3.5 -> double, true, "quoted",
// [1,2]); otherwise it is the string itself. Integers outside int32 become int64.
bool ParseParam(const std::string& text, std::string* name, v1::Value* value, std::string* error);

// JSON to a typed value (the inverse of the scalar and list parts of ValueToJson).
void JsonToValue(const nlohmann::json& j, v1::Value* out);

}  // namespace kg::cli

#endif  // KG_CLI_RENDER_H_
