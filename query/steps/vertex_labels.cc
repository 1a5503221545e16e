// The vertex label cardinality (QueryOptions::vertex_label_cardinality) applied to the steps
// that create vertices or change their labels: addV(), mergeV(), addLabel().
#include <algorithm>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "query/steps/steps.h"

namespace kg::query::steps {

bool CreationLabels(Context* ctx, std::vector<std::string>* labels) {
  std::vector<std::string> distinct;
  for (const std::string& l : *labels) {
    if (std::find(distinct.begin(), distinct.end(), l) == distinct.end()) distinct.push_back(l);
  }
  *labels = std::move(distinct);
  if (ctx->options.vertex_label_cardinality == LabelCardinality::kZeroOrMore) return true;
  if (labels->empty()) {
    labels->push_back("vertex");
    return true;
  }
  if (labels->size() == 1) return true;
  return ctx->Fail(absl::InvalidArgumentError(absl::StrCat(
      "Element creation allows at most one label when the vertex label cardinality is ONE, got ",
      labels->size(), ": [", absl::StrJoin(*labels, ", "), "]")));
}

bool LabelsMayChange(Context* ctx, const std::string& step) {
  if (ctx->options.vertex_label_cardinality != LabelCardinality::kOne) return true;
  return ctx->Fail(absl::InvalidArgumentError(absl::StrCat(
      step, " cannot change the labels of a vertex when the vertex label cardinality is ONE")));
}

}  // namespace kg::query::steps
