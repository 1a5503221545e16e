// Steps that compute a new value from the object: math() and the string steps
// (concat(), format(), asString(), length(), toUpper()...).
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

std::optional<absl::Status> Compiler::AddScalarStep(Pipeline* p, const Step& s,
    const StepList& /*steps*/, size_t* /*index*/) {
  Context* ctx = ctx_;
  const std::string& n = s.name;
  if (n == "math") {
    if (s.args.size() != 1) return Err(s.pos, "math() takes one expression");
    KG_ASSIGN(expression, StringArg(s, 0));
    auto op = steps::Math(ctx, expression);
    if (!op.ok()) return Err(s.pos, op.status().message());
    p->Add(*std::move(op));
    return absl::OkStatus();
  }

  if (n == "concat") {
    ValueList strings;
    std::vector<std::shared_ptr<Pipeline>> children;
    for (const auto& a : s.args) {
      if (a.kind == Expr::Kind::kTraversal) {
        KG_ASSIGN(c, Child(a));
        children.push_back(c);
        continue;
      }
      KG_ASSIGN(v, Eval(a));
      if (!v.is_null() && !v.is_string()) return Err(a.pos, "concat() expects strings or traversals");
      strings.push_back(v);
    }
    p->Add(steps::Concat(ctx, std::move(strings), std::move(children)));
    return absl::OkStatus();
  }

  if (n == "format") {
    KG_RETURN_IF_ERROR(NArgs(s, 1, 1));
    KG_ASSIGN(format, Eval(s.args[0]));
    if (format.is_null()) return Err(s.args[0].pos, "Format string for Format step can't be null.");
    if (!format.is_string()) {
      return Err(s.args[0].pos, absl::StrCat("format() expects a string, got ", format.DebugString()));
    }
    p->Add(steps::Format(ctx, format.as_string()));
    return absl::OkStatus();
  }

  if (n == "asString") {
    KG_RETURN_IF_ERROR(NArgs(s, 0, 1));
    if (s.args.size() == 1 && !absl::StartsWith(EnumName(s.args[0]), "Scope.")) {
      return Err(s.args[0].pos, "asString() takes only a Scope");
    }
    p->Add(steps::AsString(ctx, ScopeLocal(s)));
    return absl::OkStatus();
  }

  if (n == "length" || n == "toUpper" || n == "toLower" || n == "trim" || n == "lTrim" ||
      n == "rTrim" || n == "split" || n == "conjoin" || n == "substring" || n == "replace") {
    size_t off = ScopeSkip(s);
    ValueList args;
    for (size_t i = off; i < s.args.size(); ++i) {
      KG_ASSIGN(v, Eval(s.args[i]));
      args.push_back(v);
    }
    auto op = steps::StringStep(ctx, n, std::move(args), ScopeLocal(s));
    if (!op.ok()) return Err(s.pos, op.status().message());
    p->Add(*std::move(op));
    return absl::OkStatus();
  }
  return std::nullopt;
}

}  // namespace kg::query
