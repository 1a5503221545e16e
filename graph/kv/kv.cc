#include "graph/kv/kv.h"

#include <cstring>

#include "absl/strings/str_cat.h"

namespace kg::kv {

const char* SpaceName(Space space) {
  switch (space) {
    case Space::kMeta:
      return "meta";
    case Space::kVertex:
      return "vertex";
    case Space::kKey:
      return "key";
    case Space::kAdj:
      return "adj";
    case Space::kIndex:
      return "index";
    case Space::kCount:
      return "count";
    case Space::kProv:
      return "prov";
    case Space::kDoc:
      return "doc";
  }
  return "unknown";
}

std::string EncodeCounter(int64_t value) {
  std::string out(8, '\0');
  uint64_t u = static_cast<uint64_t>(value);
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>(u >> (8 * i));
  return out;
}

absl::StatusOr<int64_t> DecodeCounter(std::string_view bytes) {
  if (bytes.size() != 8) {
    return absl::DataLossError(absl::StrCat("counter value has ", bytes.size(), " bytes, not 8"));
  }
  uint64_t u = 0;
  for (int i = 7; i >= 0; --i) u = (u << 8) | static_cast<uint8_t>(bytes[i]);
  return static_cast<int64_t>(u);
}

}  // namespace kg::kv
