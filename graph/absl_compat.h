// Debian 12's Abseil (20220623) is built with its own absl::string_view, which std::string_view
// does not convert to: absl::StrCat(std_sv) does not compile. Sv() converts explicitly.
#ifndef KG_GRAPH_ABSL_COMPAT_H_
#define KG_GRAPH_ABSL_COMPAT_H_

#include <string_view>

#include "absl/hash/hash.h"
#include "absl/strings/string_view.h"

namespace kg {

inline absl::string_view Sv(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// The hash for std::string_view keys of Abseil's hash containers. Abseil's default does not know
// std::string_view here and falls back to std::hash (libstdc++'s byte-at-a-time Murmur); this is
// Abseil's own string hash, several times faster on the long keys (evidence sentences) the write
// path interns.
struct StringViewHash {
  size_t operator()(std::string_view s) const { return absl::Hash<absl::string_view>()(Sv(s)); }
};

}  // namespace kg

#endif  // KG_GRAPH_ABSL_COMPAT_H_
