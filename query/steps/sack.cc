// sack() and sack(Operator).by(...): a value each traverser carries (g.withSack(initial)).
//
// sack() maps a traverser to its sack; sack(op) folds a value into it with the Operator: the
// by() value when there is a by() (an unproductive by() removes the traverser, as by() does
// elsewhere), else the traverser's object. Child traversals (where(), by(), P arguments) see
// the sack of the traverser they run for, and local() results keep the sack the child gave.
#include <utility>

#include "query/by.h"
#include "query/ops.h"
#include "query/steps/steps.h"

namespace kg::query::steps {
namespace {

class SackUpdateOp : public Op, public ByOwner {
 public:
  SackUpdateOp(Context* ctx, std::string op) : Op(ctx, "sack"), op_(std::move(op)) {
    max_by_ = 1;
    by_step_ = "Sack";
  }
  std::string Describe() const override { return absl::StrCat("sack(", op_, ")"); }
  bool Next(Traverser* out) override {
    while (Pull(out)) {
      if (!ctx_->Tick()) return false;
      std::optional<Value> v = out->obj;
      if (!bys_.empty() && !EvalBy(ctx_, bys_[0], *out, &v)) return false;
      if (!v) continue;
      out->sack = ApplyOperator(std::move(out->sack), *v, op_);
      ++out_count;
      return true;
    }
    return false;
  }

 private:
  std::string op_;
};

}  // namespace

std::unique_ptr<Op> SackValue(Context* ctx) {
  return std::make_unique<SideOp>(ctx, "sack", [](Traverser* t) {
    t->obj = t->sack;
    return true;
  });
}

std::unique_ptr<Op> SackUpdate(Context* ctx, std::string op) {
  return std::make_unique<SackUpdateOp>(ctx, std::move(op));
}

}  // namespace kg::query::steps
