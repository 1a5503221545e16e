// by() modulators: what a step that takes by() stores, and how a by() is evaluated. Internal
// to query/ (the executor and the step files under query/steps/).
#ifndef KG_QUERY_BY_H_
#define KG_QUERY_BY_H_

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "query/engine.h"

namespace kg::query {

struct By {
  enum Kind { kIdentity, kKey, kToken, kTraversal, kColumnKeys, kColumnValues };
  Kind kind = kIdentity;
  std::string key;
  Token token = Token::kId;
  std::shared_ptr<Pipeline> child;
  int order = 0;  // 0 asc, 1 desc, 2 shuffle
  StepSource source;  // the by() in the query, for errors
};

// A step that takes by() modulators (a mix-in of its operator).
class ByOwner {
 public:
  virtual ~ByOwner() = default;
  virtual absl::Status AddBy(By by) {
    if (max_by_ >= 0 && static_cast<int>(bys_.size()) >= max_by_) {
      return absl::InvalidArgumentError(
          absl::StrCat(by_step_, " step can only have one by modulator"));
    }
    bys_.push_back(std::move(by));
    return absl::OkStatus();
  }
  std::vector<By> bys_;
  int max_by_ = -1;
  std::string by_step_;
};

// The value of `by` for `t`: nullopt when the by() is unproductive (a missing key, a child
// traversal without results), unless ProductiveByStrategy turns that into null. False (with
// the context's status) on error.
bool EvalBy(Context* ctx, const By& by, const Traverser& t, std::optional<Value>* out);

}  // namespace kg::query

#endif  // KG_QUERY_BY_H_
