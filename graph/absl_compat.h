// Debian 12's Abseil (20220623) is built with its own absl::string_view, which std::string_view
// does not convert to: absl::StrCat(std_sv) does not compile. Sv() converts explicitly.
#ifndef KG_GRAPH_ABSL_COMPAT_H_
#define KG_GRAPH_ABSL_COMPAT_H_

#include <string_view>

#include "absl/strings/string_view.h"

namespace kg {

inline absl::string_view Sv(std::string_view s) { return absl::string_view(s.data(), s.size()); }

}  // namespace kg

#endif  // KG_GRAPH_ABSL_COMPAT_H_
