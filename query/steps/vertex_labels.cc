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

bool LabelsFromTraversal(Context* ctx, const Value& v, bool several,
                         std::vector<std::string>* labels) {
  auto fail = [ctx](std::string message) {
    return ctx->Fail(absl::InvalidArgumentError(std::move(message)));
  };
  if (v.is_null())
    return fail(several ? "Label traversal must not produce null" : "Label can not be null");
  if (v.is_collection()) {
    if (several) {
      return fail(
          "Label traversal must produce a scalar String when multiple traversals are provided, "
          "but got a Collection");
    }
    for (const Value& l : v.as_list()) {
      if (!l.is_string()) {
        return fail(
            absl::StrCat("Label traversal must produce Strings, but got ", l.DebugString()));
      }
      if (!ValidLabel(ctx, l.as_string())) return false;
      labels->push_back(l.as_string());
    }
    return true;
  }
  if (!v.is_string()) {
    return fail(absl::StrCat("Label traversal must produce a String, but got ", v.DebugString()));
  }
  if (!ValidLabel(ctx, v.as_string())) return false;
  labels->push_back(v.as_string());
  return true;
}

bool ValidLabel(Context* ctx, const std::string& label) {
  if (label.empty()) return ctx->Fail(absl::InvalidArgumentError("Label can not be empty"));
  if (label[0] == '~') {
    return ctx->Fail(
        absl::InvalidArgumentError(absl::StrCat("Label can not be a hidden key: ", label)));
  }
  return true;
}

bool LabelsMayChange(Context* ctx, const std::string& step) {
  if (ctx->options.vertex_label_cardinality != LabelCardinality::kOne) return true;
  // TinkerPop's LabelCardinalityValidator wording, after the step that tried.
  return ctx->Fail(absl::InvalidArgumentError(absl::StrCat(
      step,
      ": Label mutation is not supported with cardinality ONE. Labels are immutable once "
      "assigned.")));
}

}  // namespace kg::query::steps
