// match(patterns...): declarative pattern matching, as TinkerPop's MatchStep.
//
// Each pattern runs from the object bound to its start label; its results bind its end label
// (or, when that label is bound already, must equal it; a pattern without an end label only has
// to produce something). The match's start label (the first start label that no pattern ends
// in) is bound to the incoming object unless the incoming path has one of the patterns' start
// labels already; a start label no pattern can bind comes from the
// incoming path (or map keys, side effects). Patterns run in the order given, each as soon as
// its start label is bound, so every way of binding the labels is found (a join on the labels
// bound so far); labels the incoming path already has must agree. Filter patterns (where(),
// not() and the like) and not(pattern) run last, on a traverser whose path carries every
// binding; not(as(a)...as(b)) drops a solution when the pattern leads from a's object to b's
// (or anywhere, when b is not bound); or(...) of patterns keeps a solution when all the
// patterns of one of its alternatives hold on it. Each solution leaves as a map from label to
// object, in the order the labels first appear, and its path carries the bindings, so a
// select() after match() reads them either way. Bulks multiply along a solution.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "query/compare.h"
#include "query/filters.h"
#include "query/ops.h"
#include "query/steps/steps.h"

namespace kg::query::steps {
namespace {

using Bindings = std::vector<std::pair<std::string, Value>>;

const Value* Bound(const Bindings& b, const std::string& label) {
  for (const auto& [l, v] : b) {
    if (l == label) return &v;
  }
  return nullptr;
}

// Each incoming traverser becomes its solutions (a BranchOp: the solutions keep their paths).
class MatchOp : public BranchOp {
 public:
  MatchOp(Context* ctx, std::vector<MatchPattern> patterns, std::vector<MatchPattern> filters)
      : BranchOp(
            ctx, "match",
            [this](const Traverser& t, std::vector<Traverser>* out) { return Solutions(t, out); }),
        patterns_(std::move(patterns)),
        filters_(std::move(filters)) {
    for (const MatchPattern& p : patterns_) {
      AddLabel(p.start);
      AddLabel(p.end);
    }
    for (const MatchPattern& f : filters_) AddAlternativeLabels(f);
    start_ = patterns_.empty() ? "" : patterns_[0].start;
    for (const MatchPattern& p : patterns_) {
      if (!EndsSomePattern(p.start)) {
        start_ = p.start;
        break;
      }
    }
  }

 private:
  // Every solution for the incoming traverser `t` goes to `out`.
  bool Solutions(const Traverser& t, std::vector<Traverser>* out) {
    Bindings b;
    if (!start_.empty() && !PathHasAStartLabel(t)) b.emplace_back(start_, t.obj);
    BindFromPath(t, &b);
    std::vector<bool> done(patterns_.size(), false);
    return Solve(t, &b, &done, t.bulk, out);
  }

  void AddLabel(const std::string& l) {
    if (!l.empty() && std::find(labels_.begin(), labels_.end(), l) == labels_.end()) {
      labels_.push_back(l);
    }
  }
  // The labels an or() of patterns mentions are the match's too (bound from the path, and in
  // the solutions).
  void AddAlternativeLabels(const MatchPattern& f) {
    for (const std::vector<MatchPattern>& alternative : f.alternatives) {
      for (const MatchPattern& p : alternative) {
        AddLabel(p.start);
        AddLabel(p.end);
        AddAlternativeLabels(p);
      }
    }
  }
  bool EndsSomePattern(const std::string& label) const {
    for (const MatchPattern& p : patterns_) {
      if (p.end == label) return true;
    }
    return false;
  }

  // TinkerPop's MatchStep labels the incoming object with the match's start label only when its
  // path has none of the patterns' start labels: V().as('a').out().as('b').match(as('a')...)
  // starts from the a of the path, not from the current object.
  bool PathHasAStartLabel(const Traverser& t) const {
    for (const PathNode* n = t.path.get(); n != nullptr; n = n->prev.get()) {
      for (const MatchPattern& p : patterns_) {
        if (std::find(n->labels.begin(), n->labels.end(), p.start) != n->labels.end()) return true;
      }
    }
    return false;
  }

  // Labels the incoming path has already bound (the newest object with the label): patterns
  // must agree with them.
  void BindFromPath(const Traverser& t, Bindings* b) const {
    for (const std::string& label : labels_) {
      if (Bound(*b, label) != nullptr) continue;
      for (const PathNode* n = t.path.get(); n != nullptr; n = n->prev.get()) {
        if (std::find(n->labels.begin(), n->labels.end(), label) != n->labels.end()) {
          b->emplace_back(label, n->obj);
          break;
        }
      }
    }
  }

  // Whether `results` satisfy a pattern given the bindings: any result at all, or, when the
  // pattern's end label is bound, one equal to its object.
  static bool Satisfied(const MatchPattern& p, const Bindings& b,
                        const std::vector<Traverser>& results) {
    const Value* end = p.end.empty() ? nullptr : Bound(b, p.end);
    if (end == nullptr) return !results.empty();
    for (const Traverser& r : results) {
      if (Equals(*end, r.obj)) return true;
    }
    return false;
  }

  // The traverser a pattern runs on: `obj`, with a path that carries every binding.
  Traverser At(const Traverser& t, const Bindings& b, const Value& obj) const {
    Traverser at = t;
    at.bulk = 1;
    for (const auto& [label, v] : b) {
      at.path = std::make_shared<PathNode>(PathNode{v, {label}, at.path});
    }
    at.obj = obj;
    return at;
  }

  // The next pattern to run: the first not yet done whose start label is bound, after binding
  // it from the incoming traverser's scope when no pattern can; -1 when all are done.
  bool NextPattern(const Traverser& t, Bindings* b, const std::vector<bool>& done, int* next) {
    *next = -1;
    for (size_t p = 0; p < patterns_.size(); ++p) {
      if (!done[p] && Bound(*b, patterns_[p].start) != nullptr) {
        *next = static_cast<int>(p);
        return true;
      }
    }
    for (size_t p = 0; p < patterns_.size(); ++p) {
      if (done[p]) continue;
      std::optional<Value> v;
      if (!ScopeValue(ctx_, t, patterns_[p].start, Pop::kLast, &v)) return false;
      if (v) {
        b->emplace_back(patterns_[p].start, *v);
        *next = static_cast<int>(p);
        return true;
      }
    }
    for (size_t p = 0; p < patterns_.size(); ++p) {
      if (!done[p]) {
        return ctx_->Fail(absl::InvalidArgumentError(absl::StrCat(
            "match() cannot bind the start label '", patterns_[p].start,
            "' of a pattern: no pattern ends in it and the traverser has no such label")));
      }
    }
    return true;
  }

  // Extends the bindings `b` by every remaining pattern; each complete solution goes to `out`.
  bool Solve(const Traverser& t, Bindings* b, std::vector<bool>* done, int64_t bulk,
             std::vector<Traverser>* out) {
    if (!ctx_->Tick()) return false;
    size_t depth = b->size();
    int next = -1;
    if (!NextPattern(t, b, *done, &next)) return false;
    if (next < 0) return Finish(t, *b, bulk, out);
    const MatchPattern& p = patterns_[next];
    std::vector<Traverser> results;
    if (!p.body->RunAll(At(t, *b, *Bound(*b, p.start)), &results)) return false;
    (*done)[next] = true;
    if (p.end.empty()) {
      if (!results.empty() && !Solve(t, b, done, bulk, out)) return false;
    } else {
      for (const Traverser& r : results) {
        const Value* end = Bound(*b, p.end);
        if (end != nullptr) {
          if (Equals(*end, r.obj) && !Solve(t, b, done, SatMul(bulk, r.bulk), out)) return false;
          continue;
        }
        b->emplace_back(p.end, r.obj);
        bool ok = Solve(t, b, done, SatMul(bulk, r.bulk), out);
        b->pop_back();
        if (!ok) return false;
      }
    }
    (*done)[next] = false;
    b->resize(depth);  // a start label NextPattern bound from the traverser's scope
    return true;
  }

  // Runs the filter patterns on a complete solution and adds it to `solutions` when they all pass.
  bool Finish(const Traverser& t, const Bindings& b, int64_t bulk,
              std::vector<Traverser>* solutions) {
    for (const MatchPattern& f : filters_) {
      bool holds = false;
      if (!Holds(t, b, f, &holds)) return false;
      if (!holds) return true;
    }
    ValueMap m;
    for (const std::string& label : labels_) {
      if (const Value* v = Bound(b, label)) m.emplace_back(Value(label), *v);
    }
    Traverser out;
    ctx_->ExtendInto(At(t, b, Value()), Value::Map(std::move(m)), &out);
    out.bulk = bulk;
    solutions->push_back(std::move(out));
    return true;
  }

  // Whether the filter pattern `f` holds on the complete bindings `b`.
  bool Holds(const Traverser& t, const Bindings& b, const MatchPattern& f, bool* holds) {
    if (!f.alternatives.empty()) return AnyAlternativeHolds(t, b, f.alternatives, holds);
    const Value* start = f.start.empty() ? nullptr : Bound(b, f.start);
    std::vector<Traverser> results;
    if (!f.body->RunAll(At(t, b, start != nullptr ? *start : t.obj), &results)) return false;
    *holds = Satisfied(f, b, results) != f.negated;
    return true;
  }

  bool AnyAlternativeHolds(const Traverser& t, const Bindings& b,
                           const std::vector<std::vector<MatchPattern>>& alternatives,
                           bool* holds) {
    for (const std::vector<MatchPattern>& alternative : alternatives) {
      *holds = true;
      for (const MatchPattern& p : alternative) {
        if (!Holds(t, b, p, holds)) return false;
        if (!*holds) break;
      }
      if (*holds) return true;
    }
    *holds = false;
    return true;
  }

  static int64_t SatMul(int64_t a, int64_t b) {
    int64_t r = 0;
    return __builtin_mul_overflow(a, b, &r) ? INT64_MAX : r;
  }

  std::vector<MatchPattern> patterns_;
  std::vector<MatchPattern> filters_;
  std::vector<std::string> labels_;
  std::string start_;
};

}  // namespace

std::unique_ptr<Op> Match(Context* ctx, std::vector<MatchPattern> patterns,
                          std::vector<MatchPattern> filters) {
  return std::make_unique<MatchOp>(ctx, std::move(patterns), std::move(filters));
}

}  // namespace kg::query::steps
