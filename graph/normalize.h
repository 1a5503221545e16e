// Text normalisation shared by keys, aliases and ingestion.
//
//   CanonicalKey("  Ｎｖｉｄｉａ  Corp ") -> "nvidia corp"
//
// NFKC folds full-width forms and compatibility characters; case folding makes "NVIDIA" and
// "Nvidia" one key; runs of whitespace collapse to one space and the ends are trimmed. Broken
// UTF-8 is INVALID_ARGUMENT, never silently repaired: a key is an identity.
#ifndef KG_GRAPH_NORMALIZE_H_
#define KG_GRAPH_NORMALIZE_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace kg::graph {

// NFKC + case fold + whitespace collapse.
absl::StatusOr<std::string> CanonicalKey(std::string_view text);

// NFKC only (no case folding), with whitespace collapsed: for display forms.
absl::StatusOr<std::string> NormalizeNfkc(std::string_view text);

// True when `text` is well-formed UTF-8.
bool IsValidUtf8(std::string_view text);

}  // namespace kg::graph

#endif  // KG_GRAPH_NORMALIZE_H_
