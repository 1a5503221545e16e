// any(P), all(P) and none(P): filters that test a predicate against the elements of a list.
//
// TinkerPop: the incoming object must be iterable (a list or a set here); anything else,
// null included, is filtered out. all() and none() of an empty list are true, any() is false.
#include <utility>

#include "query/ops.h"
#include "query/steps/steps.h"

namespace kg::query::steps {
namespace {

enum class Quantifier { kAny, kAll, kNone };

// Whether `items` satisfy the quantified predicate; false (with the context's status) on error.
bool Quantify(Context* ctx, Quantifier q, const Predicate& p, const Traverser& t,
              const ValueList& items, bool* keep) {
  for (const auto& item : items) {
    bool match = false;
    if (!TestPredicate(ctx, p, t, item, &match)) return false;
    if (q == Quantifier::kAny && match) return *keep = true, true;
    if (q == Quantifier::kAll && !match) return *keep = false, true;
    if (q == Quantifier::kNone && match) return *keep = false, true;
  }
  *keep = q != Quantifier::kAny;
  return true;
}

}  // namespace

std::unique_ptr<Op> ListPredicate(Context* ctx, const std::string& name, Predicate p) {
  Quantifier q = name == "any"   ? Quantifier::kAny
                 : name == "all" ? Quantifier::kAll
                                 : Quantifier::kNone;
  auto pred = std::make_shared<Predicate>(std::move(p));
  return std::make_unique<FilterOp>(ctx, name, [ctx, q, pred](const Traverser& t, bool* keep) {
    *keep = false;
    if (!t.obj.is_collection()) return true;
    return Quantify(ctx, q, *pred, t, t.obj.as_list(), keep);
  });
}

}  // namespace kg::query::steps
