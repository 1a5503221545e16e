#include "graph/types.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace kg::graph {

std::vector<Value> Vertex::Values(std::string_view k) const {
  std::vector<Value> out;
  for (const VertexProperty& p : properties) {
    if (p.key == k) out.push_back(p.value);
  }
  return out;
}

std::string EdgeKey::ToString() const { return absl::StrCat(src, ":", label, ":", dst, ":", rank); }

bool EdgeKey::Parse(std::string_view text, EdgeKey* out) {
  std::vector<absl::string_view> parts =
      absl::StrSplit(absl::string_view(text.data(), text.size()), ':');
  if (parts.size() != 4) return false;
  EdgeKey k;
  if (!absl::SimpleAtoi(parts[0], &k.src) || !absl::SimpleAtoi(parts[1], &k.label) ||
      !absl::SimpleAtoi(parts[2], &k.dst) || !absl::SimpleAtoi(parts[3], &k.rank)) {
    return false;
  }
  *out = k;
  return true;
}

const Value* Edge::Find(std::string_view k) const {
  for (const auto& [name, value] : properties) {
    if (name == k) return &value;
  }
  return nullptr;
}

}  // namespace kg::graph
