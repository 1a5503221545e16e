#include "graph/properties.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "graph/absl_compat.h"
#include "graph/normalize.h"

namespace kg::graph {
namespace {

absl::Status ValidateValue(std::string_view key, const Value& v) {
  if (v.is_string()) {
    return ValidateText(absl::StrCat("value of property '", Sv(key), "'"), v.as_string());
  }
  if (v.is_list()) {
    for (const Value& e : v.as_list()) {
      if (absl::Status s = ValidateValue(key, e); !s.ok()) return s;
    }
  }
  if (v.is_map()) {
    for (const auto& [k, e] : v.as_map()) {
      if (absl::Status s = ValidateText("map key", k); !s.ok()) return s;
      if (absl::Status s = ValidateValue(key, e); !s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateText(std::string_view what, std::string_view text) {
  if (!IsValidUtf8(text)) return absl::InvalidArgumentError(absl::StrCat(Sv(what), " is not valid UTF-8"));
  return absl::OkStatus();
}

absl::Status ValidateProperty(const PropertyWrite& p) {
  if (p.key.empty()) return absl::InvalidArgumentError("property key is empty");
  if (absl::Status s = ValidateText("property key", p.key); !s.ok()) return s;
  if (absl::Status s = ValidateValue(p.key, p.value); !s.ok()) return s;
  if (absl::Status s = ValidateValue(p.key, p.id); !s.ok()) return s;
  for (const auto& [k, v] : p.meta) {
    if (absl::Status s = ValidateText("meta-property key", k); !s.ok()) return s;
    if (absl::Status s = ValidateValue(k, v); !s.ok()) return s;
  }
  return absl::OkStatus();
}

// Applies one property write to a vertex row's properties (see Cardinality).
void ApplyVertexProperty(std::vector<VertexProperty>* props, const PropertyWrite& p) {
  VertexProperty added{p.key, p.value, p.meta, p.id};
  if (p.cardinality == Cardinality::kSet) {
    for (const VertexProperty& existing : *props) {
      if (existing.key == p.key && existing.value == p.value) return;
    }
  }
  if (p.cardinality == Cardinality::kSingle) {
    auto first = std::find_if(props->begin(), props->end(),
                              [&](const VertexProperty& e) { return e.key == p.key; });
    if (first != props->end()) {
      *first = std::move(added);
      props->erase(std::remove_if(first + 1, props->end(),
                                  [&](const VertexProperty& e) { return e.key == p.key; }),
                   props->end());
      return;
    }
  }
  // Keep a key's values together: insert after the last value of the same key. A new key goes
  // last, so properties list in the order their keys were first written (as TinkerGraph's do).
  auto last = std::find_if(props->rbegin(), props->rend(),
                           [&](const VertexProperty& e) { return e.key == p.key; });
  props->insert(last == props->rend() ? props->end() : last.base(), std::move(added));
}

void ApplyEdgeProperty(std::vector<std::pair<std::string, Value>>* props, std::string_view key,
                       const Value& value) {
  for (auto& [k, v] : *props) {
    if (k == key) {
      v = value;
      return;
    }
  }
  props->emplace_back(std::string(key), value);
}

}  // namespace kg::graph
