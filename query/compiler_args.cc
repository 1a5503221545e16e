// The compiler's argument evaluation: step arguments (literals, lists, maps, parameters, enum
// names) to values, P/TextP predicates, child traversals, and the typed argument accessors the
// step files use.
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "query/compiler.h"

namespace kg::query {

std::string Compiler::EnumName(const Expr& e) {
  if (e.kind == Expr::Kind::kEnum) {
    std::string n = e.name;
    if (absl::StartsWith(n, "WithOptions.")) return n;
    return n;
  }
  if (e.kind == Expr::Kind::kParam && !ctx_->options.params.count(e.name)) return BareEnum(e.name);
  return "";
}

absl::StatusOr<Value> Compiler::Eval(const Expr& e) {
  switch (e.kind) {
    case Expr::Kind::kLiteral: return e.literal;
    case Expr::Kind::kList:
    case Expr::Kind::kSet: {
      ValueList l;
      for (const auto& x : e.items) {
        auto v = Eval(x);
        if (!v.ok()) return v.status();
        if (e.kind == Expr::Kind::kSet &&
            std::find(l.begin(), l.end(), *v) != l.end()) {
          continue;
        }
        l.push_back(std::move(*v));
      }
      return e.kind == Expr::Kind::kSet ? Value::Set(std::move(l)) : Value::List(std::move(l));
    }
    case Expr::Kind::kMap: {
      ValueMap m;
      for (const auto& [k, v] : e.entries) {
        auto kv = Eval(k);
        if (!kv.ok()) return kv.status();
        auto vv = Eval(v);
        if (!vv.ok()) return vv.status();
        m.emplace_back(std::move(*kv), std::move(*vv));
      }
      return Value::Map(std::move(m));
    }
    case Expr::Kind::kParam: {
      auto it = ctx_->options.params.find(e.name);
      if (it != ctx_->options.params.end()) return it->second;
      std::string en = BareEnum(e.name);
      if (!en.empty()) {
        Expr x = e;
        x.kind = Expr::Kind::kEnum;
        x.name = en;
        return Eval(x);
      }
      return Err(e.pos, absl::StrCat("unbound parameter '", e.name,
                                     "': pass it in the request's parameters"));
    }
    case Expr::Kind::kEnum: {
      static const auto* tokens = new std::map<std::string, Token>{
          {"T.id", Token::kId}, {"T.label", Token::kLabel}, {"T.key", Token::kKey},
          {"T.value", Token::kValue}, {"Direction.OUT", Token::kOut},
          {"Direction.IN", Token::kIn}, {"Direction.BOTH", Token::kBoth},
          {"Direction.from", Token::kOut}, {"Direction.to", Token::kIn},
          {"Merge.outV", Token::kOut}, {"Merge.inV", Token::kIn}};
      auto it = tokens->find(e.name);
      if (it != tokens->end()) return Value(it->second);
      return Value(absl::StrCat("\x01", e.name));  // other enums: a marked string
    }
    case Expr::Kind::kCall: {
      if (absl::StartsWith(e.name, "Cardinality.") && e.items.size() == 1) {
        // Cardinality.set(33) inside a mergeV option map: value with cardinality.
        auto v = Eval(e.items[0]);
        if (!v.ok()) return v.status();
        return Value::Map({{Value(absl::StrCat("\x01", e.name)), *v}});
      }
      return Err(e.pos, absl::StrCat("a predicate (", e.name, ") is not allowed here"));
    }
    case Expr::Kind::kTraversal:
      return Err(e.pos, "a traversal is not allowed here; a value is expected");
  }
  return Value();
}

// A bare predicate written as a call: eq("a") parses as an anonymous traversal of one step.
bool Compiler::IsPredicateName(const std::string& n) {
  static const std::set<std::string> names = {
      "eq", "neq", "lt", "lte", "gt", "gte", "inside", "outside", "between", "within",
      "without", "containing", "notContaining", "startingWith", "notStartingWith",
      "endingWith", "notEndingWith", "regex", "notRegex"};
  return names.count(n) > 0;
}

bool Compiler::IsBarePredicate(const Expr& e) {
  return e.kind == Expr::Kind::kTraversal && e.traversal && e.traversal->anonymous &&
         e.traversal->steps.size() == 1 && e.traversal->pos.line == e.traversal->steps[0].pos.line &&
         e.traversal->pos.column == e.traversal->steps[0].pos.column &&
         IsPredicateName(e.traversal->steps[0].name);
}

bool Compiler::IsPredicate(const Expr& e) {
  if (IsBarePredicate(e)) return true;
  return e.kind == Expr::Kind::kCall &&
         (absl::StartsWith(e.name, "P.") || absl::StartsWith(e.name, "TextP.") || e.name == ".and" ||
          e.name == ".or");
}

absl::StatusOr<Predicate> Compiler::EvalPred(const Expr& in) {
  Predicate p;
  Expr bare;
  const Expr* ep = &in;
  if (IsBarePredicate(in)) {
    const Step& st = in.traversal->steps[0];
    bare.kind = Expr::Kind::kCall;
    bare.pos = st.pos;
    bare.name = "P." + st.name;
    bare.items = st.args;
    ep = &bare;
  }
  const Expr& e = *ep;
  if (e.kind == Expr::Kind::kTraversal) {
    auto c = ReadOnlyChild(e);
    if (!c.ok()) return c.status();
    p.op = Predicate::kEq;
    p.traversal_args.emplace_back(0, *c);
    return p;
  }
  if (!IsPredicate(e)) {
    auto v = Eval(e);
    if (!v.ok()) return v.status();
    p.op = Predicate::kEq;
    p.args.push_back(std::move(*v));
    return p;
  }
  std::string n = e.name.substr(e.name.find('.') + 1);
  static const auto* ops = new std::map<std::string, Predicate::Op>{
      {"eq", Predicate::kEq}, {"neq", Predicate::kNeq}, {"lt", Predicate::kLt},
      {"lte", Predicate::kLte}, {"gt", Predicate::kGt}, {"gte", Predicate::kGte},
      {"inside", Predicate::kInside}, {"outside", Predicate::kOutside},
      {"between", Predicate::kBetween}, {"within", Predicate::kWithin},
      {"without", Predicate::kWithout}, {"not", Predicate::kNot}, {"and", Predicate::kAnd},
      {"or", Predicate::kOr}, {"containing", Predicate::kContaining},
      {"notContaining", Predicate::kNotContaining}, {"startingWith", Predicate::kStartingWith},
      {"notStartingWith", Predicate::kNotStartingWith}, {"endingWith", Predicate::kEndingWith},
      {"notEndingWith", Predicate::kNotEndingWith}, {"regex", Predicate::kRegex},
      {"notRegex", Predicate::kNotRegex}};
  auto it = ops->find(n);
  if (it == ops->end()) return Err(e.pos, absl::StrCat("unknown predicate ", e.name));
  p.op = it->second;
  if (p.op == Predicate::kNot || p.op == Predicate::kAnd || p.op == Predicate::kOr) {
    for (const auto& c : e.items) {
      auto cp = EvalPred(c);
      if (!cp.ok()) return cp.status();
      p.children.push_back(std::move(*cp));
    }
    size_t want = p.op == Predicate::kNot ? 1 : 2;
    if (p.children.size() != want) {
      return Err(e.pos, absl::StrCat(e.name, "() takes ", want, " predicate(s)"));
    }
    return p;
  }
  for (const auto& a : e.items) {
    if (a.kind == Expr::Kind::kTraversal) {
      auto c = ReadOnlyChild(a);
      if (!c.ok()) return c.status();
      p.traversal_args.emplace_back(p.args.size() + p.traversal_args.size(), *c);
      continue;
    }
    auto v = Eval(a);
    if (!v.ok()) return v.status();
    if ((p.op == Predicate::kWithin || p.op == Predicate::kWithout) && v->is_collection()) {
      for (const auto& x : v->as_list()) p.args.push_back(x);
    } else {
      p.args.push_back(std::move(*v));
    }
  }
  size_t want = (p.op == Predicate::kInside || p.op == Predicate::kOutside ||
                 p.op == Predicate::kBetween)
                    ? 2
                : (p.op == Predicate::kWithin || p.op == Predicate::kWithout) ? p.args.size()
                                                                              : 1;
  if (p.args.size() + p.traversal_args.size() != want &&
      !((p.op == Predicate::kWithin || p.op == Predicate::kWithout))) {
    return Err(e.pos, absl::StrCat(e.name, "() takes ", want, " argument(s), got ", p.args.size()));
  }
  if (p.op == Predicate::kRegex || p.op == Predicate::kNotRegex) {
    if (!p.args[0].is_string()) return Err(e.pos, "regex() takes a string");
    p.regex = std::make_shared<RE2>(p.args[0].as_string(), RE2::Quiet);
    if (!p.regex->ok()) {
      return Err(e.pos, absl::StrCat("invalid regular expression: ", p.regex->error()));
    }
  }
  return p;
}

absl::StatusOr<std::shared_ptr<Pipeline>> Compiler::Child(const Expr& e) {
  if (e.kind != Expr::Kind::kTraversal) {
    return Err(e.pos, "expected a traversal such as __.out()");
  }
  Compiler sub(text_, ctx_);
  sub.loop_names_ = loop_names_;
  auto p = sub.Compile(*e.traversal, /*child=*/true);
  if (!p.ok()) return p.status();
  for (auto& n : sub.notes) notes.push_back(std::move(n));
  (*p)->runs_differ = RunsDiffer(*e.traversal);
  return std::shared_ptr<Pipeline>(std::move(*p));
}

absl::StatusOr<std::shared_ptr<Pipeline>> Compiler::ReadOnlyChild(const Expr& e) {
  const Step* mutating =
      e.kind == Expr::Kind::kTraversal && e.traversal ? FirstMutatingStep(*e.traversal) : nullptr;
  if (mutating != nullptr) {
    return Err(mutating->pos,
               absl::StrCat("Child traversal contains a mutating step ", mutating->name,
                            "(): the traversals given to predicates, has(), is(), V(), E() and "
                            "property() must be read-only"));
  }
  return Child(e);
}

absl::StatusOr<std::string> Compiler::StringArg(const Step& s, size_t i) {
  if (i >= s.args.size()) return Err(s.pos, absl::StrCat(s.name, "() needs a string argument"));
  auto v = Eval(s.args[i]);
  if (!v.ok()) return v.status();
  if (!v->is_string() || absl::StartsWith(v->as_string(), "\x01")) {
    return Err(s.args[i].pos, absl::StrCat(s.name, "() expects a string here, got ",
                                           v->DebugString()));
  }
  return v->as_string();
}

absl::StatusOr<std::vector<std::string>> Compiler::StringArgs(const Step& s, size_t from) {
  std::vector<std::string> out;
  for (size_t i = from; i < s.args.size(); ++i) {
    auto v = Eval(s.args[i]);
    if (!v.ok()) return v.status();
    if (v->is_collection()) {
      for (const auto& x : v->as_list()) {
        if (!x.is_string()) return Err(s.args[i].pos, absl::StrCat(s.name, "() expects strings"));
        out.push_back(x.as_string());
      }
      continue;
    }
    if (v->is_null() && (s.name == "values" || s.name == "properties")) continue;  // a null key matches nothing
    if (!v->is_string()) {
      return Err(s.args[i].pos, absl::StrCat(s.name, "() expects a string, got ", v->DebugString()));
    }
    out.push_back(v->as_string());
  }
  return out;
}

absl::StatusOr<int64_t> Compiler::IntArg(const Step& s, size_t i) {
  if (i >= s.args.size()) return Err(s.pos, absl::StrCat(s.name, "() needs a number"));
  auto v = Eval(s.args[i]);
  if (!v.ok()) return v.status();
  if (!v->is_integer()) {
    return Err(s.args[i].pos, absl::StrCat(s.name, "() expects an integer, got ", v->DebugString()));
  }
  return v->ToInt64();
}

// to(d, ...)/toE(d, ...)/toV(d) as the out/in/both step of direction d, with the remaining
// arguments (an empty name for an unknown direction).
Step Compiler::DirectionStep(const Step& s) {
  std::string d = EnumName(s.args[0]);
  std::string base = d == "Direction.OUT" || d == "Direction.from" ? "out"
                     : d == "Direction.IN" || d == "Direction.to"  ? "in"
                     : d == "Direction.BOTH"                       ? "both"
                                                                   : "";
  Step r;
  r.pos = s.pos;
  if (base.empty()) return r;
  r.name = s.name == "toE" ? base + "E" : s.name == "toV" ? base + "V" : base;
  r.args.assign(s.args.begin() + 1, s.args.end());
  return r;
}
}  // namespace kg::query
