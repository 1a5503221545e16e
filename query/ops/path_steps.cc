// Path steps: path() with from()/to(), select(), project() and match().
#include "query/compiler.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace kg::query {

bool SubPath(Context* ctx, const PathRange& r, PathValue* path) {
  if (r.from.empty() && r.to.empty()) return true;
  auto first = [&](const std::string& label, size_t* at) {
    for (size_t i = 0; i < path->labels.size(); ++i) {
      const auto& ls = path->labels[i];
      if (std::find(ls.begin(), ls.end(), label) != ls.end()) return *at = i, true;
    }
    return false;
  };
  size_t from = 0, to = path->objects.empty() ? 0 : path->objects.size() - 1;
  if (!r.from.empty() && !first(r.from, &from)) {
    return ctx->Fail(absl::InvalidArgumentError(
        absl::StrCat("Could not locate path from-label: ", r.from)));
  }
  if (!r.to.empty() && !first(r.to, &to)) {
    return ctx->Fail(absl::InvalidArgumentError(absl::StrCat("Could not locate path to-label: ", r.to)));
  }
  if (from > to) {
    return ctx->Fail(absl::InvalidArgumentError(absl::StrCat(
        "Could not isolate path because from comes after to: ", r.from, "->", r.to)));
  }
  PathValue sub;
  for (size_t i = from; i <= to && i < path->objects.size(); ++i) {
    sub.objects.push_back(path->objects[i]);
    sub.labels.push_back(path->labels[i]);
  }
  *path = std::move(sub);
  return true;
}

absl::Status Compiler::AddSelect(Pipeline* p, const Step& s) {
  Context* ctx = ctx_;
  if (s.args.empty()) return Err(s.pos, "select() needs keys");
  std::string en = EnumName(s.args[0]);
  if (en == "Column.keys" || en == "Column.values") {
    bool keys = en == "Column.keys";
    p->Add(std::make_unique<FlatMapOp>(
        ctx, "select", [ctx, keys](const Traverser& t, std::vector<Value>* out) {
          out->emplace_back();
          return ColumnValue(ctx, "select(Column)", keys, t.obj, &out->back());
        }));
    return absl::OkStatus();
  }
  Pop pop = Pop::kLast;
  size_t off = 0;
  if (absl::StartsWith(en, "Pop.")) {
    pop = en == "Pop.first" ? Pop::kFirst : en == "Pop.all" ? Pop::kAll : en == "Pop.mixed" ? Pop::kMixed : Pop::kLast;
    off = 1;
  }
  if (off < s.args.size() && s.args[off].kind == Expr::Kind::kTraversal) {
    auto c = Child(s.args[off]);
    if (!c.ok()) return c.status();
    std::shared_ptr<Pipeline> kid = *c;
    // select(traversal): the traversal's first result is the key (TinkerPop's
    // TraversalSelectStep), looked up in the object when it is a map (any key: a number, null),
    // else among path labels and side effects (a string key); by() modulates the value.
    auto op = std::make_unique<ByFlatMapOp>(ctx, "select", nullptr);
    ByFlatMapOp* raw = op.get();
    *op = ByFlatMapOp(ctx, "select", [ctx, raw, kid, pop](const Traverser& t, std::vector<Value>* out) {
      std::optional<Value> key;
      if (!kid->First(t, &key)) return false;
      if (!key) return true;
      std::optional<Value> v;
      if (t.obj.kind() == Value::Kind::kMap) {
        for (const auto& [k, x] : t.obj.as_map()) {
          if (k == *key) {
            v = x;
            break;
          }
        }
      }
      if (!v && key->is_string() && !ScopeValue(ctx, t, key->as_string(), pop, &v)) return false;
      if (v && !raw->bys_.empty() && !EvalBy(ctx, raw->bys_[0], ctx->Fresh(*v, 1), &v)) return false;
      if (v) out->push_back(*v);
      return true;
    });
    raw->max_by_ = 1;
    raw->by_step_ = "TraversalSelect";
    p->Add(std::move(op));
    return absl::OkStatus();
  }
  auto keys = StringArgs(s, off);
  if (!keys.ok()) return keys.status();
  std::vector<std::string> ks = *keys;
  auto op = std::make_unique<ByFlatMapOp>(ctx, "select", nullptr);
  ByFlatMapOp* raw = op.get();
  *op = ByFlatMapOp(ctx, "select", [ctx, raw, ks, pop](const Traverser& t, std::vector<Value>* out) {
    ValueMap m;
    for (size_t i = 0; i < ks.size(); ++i) {
      std::optional<Value> v;
      if (!ScopeValue(ctx, t, ks[i], pop, &v)) return false;
      if (!v) return true;  // a missing key filters the traverser
      if (!raw->bys_.empty()) {
        std::optional<Value> mv;
        if (!EvalBy(ctx, raw->bys_[i % raw->bys_.size()], ctx->Fresh(*v, 1), &mv)) return false;
        if (!mv) return true;
        v = mv;
      }
      // A key named twice appears once, with its last value (TinkerPop builds a map).
      auto same = std::find_if(m.begin(), m.end(), [&](const auto& e) { return e.first == Value(ks[i]); });
      if (same != m.end()) {
        same->second = *v;
      } else {
        m.emplace_back(Value(ks[i]), *v);
      }
    }
    if (ks.size() == 1) {
      out->push_back(m[0].second);
    } else {
      out->push_back(Value::Map(std::move(m)));
    }
    return true;
  });
  p->Add(std::move(op));
  return absl::OkStatus();
}

namespace {

// The label of an as() step with one label, else "".
std::string SingleAsLabel(const Step& s) {
  if (s.name != "as" || s.args.size() != 1 || s.args[0].kind != Expr::Kind::kLiteral ||
      !s.args[0].literal.is_string()) {
    return "";
  }
  return s.args[0].literal.as_string();
}

// A match() pattern: as(start) ... as(end) binds; not(as(start) ... [as(end)]) must find no
// such path; anything else (where(...)) is a filter on the complete bindings.

}  // namespace

absl::StatusOr<steps::MatchPattern> Compiler::MatchPatternOf(const Expr& e) {
  if (e.kind != Expr::Kind::kTraversal || !e.traversal) {
    return Err(e.pos, "match() takes patterns such as __.as('a').out().as('b')");
  }
  steps::MatchPattern pattern;
  Traversal body = *e.traversal;
  const std::vector<Step>& st = body.steps;
  if (!st.empty() && st[0].name == "not" && st[0].args.size() == 1 &&
      st[0].args[0].kind == Expr::Kind::kTraversal && st[0].args[0].traversal &&
      !st[0].args[0].traversal->steps.empty() &&
      !SingleAsLabel(st[0].args[0].traversal->steps[0]).empty()) {
    pattern.negated = true;
    body = *st[0].args[0].traversal;
  }
  if (body.steps.empty() || SingleAsLabel(body.steps[0]).empty()) {
    if (pattern.negated) return Err(e.pos, "match() patterns must start with as()");
    auto c = Child(e);
    if (!c.ok()) return c.status();
    pattern.body = *c;
    return pattern;  // a filter pattern
  }
  pattern.start = SingleAsLabel(body.steps[0]);
  body.steps.erase(body.steps.begin());
  if (!body.steps.empty() && !SingleAsLabel(body.steps.back()).empty()) {
    pattern.end = SingleAsLabel(body.steps.back());
    body.steps.pop_back();
  }
  body.anonymous = true;
  Expr child;
  child.kind = Expr::Kind::kTraversal;
  child.pos = e.pos;
  child.traversal = std::make_shared<const Traversal>(std::move(body));
  auto c = Child(child);
  if (!c.ok()) return c.status();
  pattern.body = *c;
  return pattern;
}

absl::StatusOr<steps::MatchPattern> Compiler::MatchAlternativesOf(const Step& or_step) {
  steps::MatchPattern filter;
  for (const Expr& alternative : or_step.args) {
    const std::vector<Step>& st = alternative.traversal->steps;
    std::vector<Expr> parts;
    if (st.size() == 1 && st[0].name == "and" && IsConnective(st[0])) {
      parts = st[0].args;  // and(p1, p2...)
    } else {
      std::vector<const Step*> steps;
      for (const Step& x : st) steps.push_back(&x);
      auto begin = steps.cbegin();
      for (auto it = steps.cbegin(); it != steps.cend(); ++it) {  // p1.and().p2...
        if (IsMarker(*it) && (*it)->name == "and") {
          parts.push_back(TraversalOf(begin, it));
          begin = it + 1;
        }
      }
      parts.push_back(TraversalOf(begin, steps.cend()));
    }
    std::vector<steps::MatchPattern> patterns;
    for (const Expr& part : parts) {
      auto pattern = MatchPatternOf(part);
      if (!pattern.ok()) return pattern.status();
      patterns.push_back(*std::move(pattern));
    }
    filter.alternatives.push_back(std::move(patterns));
  }
  return filter;
}

absl::Status Compiler::AddMatch(Pipeline* p, const Step& s) {
  if (s.args.empty()) return Err(s.pos, "match() needs at least one pattern");
  std::vector<steps::MatchPattern> patterns, filters;
  std::vector<const Expr*> args;
  for (const Expr& a : s.args) args.push_back(&a);
  // and(p1, p2...) in a match is a conjunction of patterns, which binds labels as the match's
  // own patterns do: its patterns join the others.
  for (size_t i = 0; i < args.size(); ++i) {
    const Expr& a = *args[i];
    if (a.kind == Expr::Kind::kTraversal && a.traversal && a.traversal->steps.size() == 1 &&
        a.traversal->steps[0].name == "and" && !a.traversal->steps[0].args.empty()) {
      for (const Expr& c : a.traversal->steps[0].args) args.push_back(&c);
      continue;
    }
    if (a.kind == Expr::Kind::kTraversal && a.traversal && a.traversal->steps.size() == 1 &&
        a.traversal->steps[0].name == "or" && IsConnective(a.traversal->steps[0])) {
      auto filter = MatchAlternativesOf(a.traversal->steps[0]);
      if (!filter.ok()) return filter.status();
      filters.push_back(*std::move(filter));
      continue;
    }
    auto pattern = MatchPatternOf(a);
    if (!pattern.ok()) return pattern.status();
    bool filter = pattern->negated || pattern->start.empty();
    (filter ? filters : patterns).push_back(*std::move(pattern));
  }
  if (patterns.empty()) return Err(s.pos, "match() needs a pattern that starts with as()");
  p->Add(steps::Match(ctx_, std::move(patterns), std::move(filters)));
  return absl::OkStatus();
}

std::optional<absl::Status> Compiler::AddPathStep(Pipeline* p, const Step& s,
    const StepList& /*steps*/, size_t* /*index*/) {
  Context* ctx = ctx_;
  const std::string& n = s.name;
  if (n == "path") {
    KG_RETURN_IF_ERROR(NArgs(s, 0, 0));
    auto op = std::make_unique<PathMapOp>(ctx, n, nullptr);
    PathMapOp* raw = op.get();
    *op = PathMapOp(ctx, n, [ctx, raw](const Traverser& t, std::vector<Value>* out) {
      PathValue path = MakePath(t);
      if (!SubPath(ctx, raw->range, &path)) return false;
      if (!raw->bys_.empty()) {
        for (size_t i = 0; i < path.objects.size(); ++i) {
          std::optional<Value> v;
          if (!EvalBy(ctx, raw->bys_[i % raw->bys_.size()], ctx->Fresh(path.objects[i], 1), &v)) return false;
          if (!v) return true;  // an unproductive by() removes the traverser
          path.objects[i] = *v;
        }
      }
      out->push_back(Value(std::move(path)));
      return true;
    });
    p->Add(std::move(op));
    return absl::OkStatus();
  }

  if (n == "select") return AddSelect(p, s);

  if (n == "project") {
    KG_ASSIGN(keys, StringArgs(s));
    if (keys.empty()) return Err(s.pos, "project() needs at least one key");
    auto op = std::make_unique<ByFlatMapOp>(ctx, n, nullptr);
    ByFlatMapOp* raw = op.get();
    *op = ByFlatMapOp(ctx, n, [ctx, raw, keys](const Traverser& t, std::vector<Value>* out) {
      ValueMap m;
      for (size_t i = 0; i < keys.size(); ++i) {
        std::optional<Value> v;
        if (raw->bys_.empty()) {
          v = t.obj;
        } else if (!EvalBy(ctx, raw->bys_[i % raw->bys_.size()], t, &v)) {
          return false;
        }
        if (v) m.emplace_back(Value(keys[i]), *v);
      }
      out->push_back(Value::Map(std::move(m)));
      return true;
    });
    p->Add(std::move(op));
    return absl::OkStatus();
  }

  if (n == "match") return AddMatch(p, s);
  return std::nullopt;
}

}  // namespace kg::query
