// Numeric helpers with TinkerPop's promotion rules, P/TextP predicates and Operator
// (fold(seed, op), withSideEffect(k, v, op), sack()).
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

int64_t SatAdd(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r)) return b > 0 ? INT64_MAX : INT64_MIN;
  return r;
}

int64_t SatMul(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_mul_overflow(a, b, &r)) return (a > 0) == (b > 0) ? INT64_MAX : INT64_MIN;
  return r;
}

// Whether `bulk` copies of a value may be materialised (fold(), aggregate(), group()).
bool ExpandOk(Context* ctx, int64_t bulk) {
  if (bulk <= 0 || static_cast<uint64_t>(bulk) <= ctx->options.limits.max_traversers) return true;
  return ctx->Fail(absl::ResourceExhaustedError(
      absl::StrCat("query exceeded max_traversers = ", ctx->options.limits.max_traversers,
                   " (a traverser with bulk ", bulk, " was expanded)")));
}

absl::Status TypeError(const std::string& step, const Value& v, const std::string& wanted) {
  // "by(Column)" already has its parentheses.
  const char* parens = absl::StrContains(step, "(") ? "" : "()";
  return absl::InvalidArgumentError(
      absl::StrCat(step, parens, " expects ", wanted, " but got ", v.DebugString()));
}

namespace {

// A float result that overflowed: TinkerPop computes it again as a double.
Value FloatOrDouble(double exact) {
  float f = static_cast<float>(exact);
  return std::isinf(f) ? Value(exact) : Value(f);
}

// An integer result: an int while both inputs were ints and it fits, else a long.
Value IntOrLong(const Value& a, const Value& b, int64_t r) {
  if (a.kind() == Value::Kind::kInt32 && b.kind() == Value::Kind::kInt32 &&
      r >= std::numeric_limits<int32_t>::min() && r <= std::numeric_limits<int32_t>::max()) {
    return Value(static_cast<int32_t>(r));
  }
  return Value(r);
}

}  // namespace

Value Add(const Value& a, const Value& b, bool* long_overflow) {
  if (a.is_null()) return b;
  if (a.kind() == Value::Kind::kDouble || b.kind() == Value::Kind::kDouble) {
    return Value(a.ToDouble() + b.ToDouble());
  }
  if (a.kind() == Value::Kind::kFloat || b.kind() == Value::Kind::kFloat) {
    return FloatOrDouble(a.ToDouble() + b.ToDouble());
  }
  int64_t x = a.ToInt64(), y = b.ToInt64(), r;
  if (__builtin_add_overflow(x, y, &r)) {
    if (long_overflow != nullptr) *long_overflow = true;
    return Value(static_cast<double>(x) + static_cast<double>(y));
  }
  return IntOrLong(a, b, r);
}

Value Multiply(const Value& a, int64_t bulk, bool* long_overflow) {
  if (bulk == 1) return a;
  if (a.kind() == Value::Kind::kDouble) return Value(a.as_double() * static_cast<double>(bulk));
  if (a.kind() == Value::Kind::kFloat) {
    return FloatOrDouble(static_cast<double>(a.as_float()) * static_cast<double>(bulk));
  }
  int64_t r;
  if (__builtin_mul_overflow(a.ToInt64(), bulk, &r)) {
    if (long_overflow != nullptr) *long_overflow = true;
    return Value(a.ToDouble() * static_cast<double>(bulk));
  }
  return IntOrLong(a, a, r);
}

bool IsIterable(const Value& v) {
  return v.is_collection() || v.kind() == Value::Kind::kPath || v.kind() == Value::Kind::kMap;
}

// The items of a collection as a list (a map's are its entries).
ValueList Items(const Value& v) {
  if (v.is_collection()) return v.as_list();
  if (v.kind() == Value::Kind::kPath) return v.path().objects;
  if (v.kind() == Value::Kind::kMap) {
    ValueList out;
    for (const auto& [key, value] : v.as_map()) out.push_back(Value::Entry(key, value));
    return out;
  }
  return {v};
}

bool Predicate::Test(const Value& v) const {
  switch (op) {
    case kEq: return Equals(v, args[0]);
    case kNeq: return !Equals(v, args[0]);
    case kLt: { auto c = Compare(v, args[0]); return c && *c < 0; }
    case kLte: { auto c = Compare(v, args[0]); return c && *c <= 0; }
    case kGt: { auto c = Compare(v, args[0]); return c && *c > 0; }
    case kGte: { auto c = Compare(v, args[0]); return c && *c >= 0; }
    case kInside: {
      auto a = Compare(v, args[0]), b = Compare(v, args[1]);
      return a && b && *a > 0 && *b < 0;
    }
    case kOutside: {
      auto a = Compare(v, args[0]), b = Compare(v, args[1]);
      return (a && *a < 0) || (b && *b > 0);
    }
    case kBetween: {
      auto a = Compare(v, args[0]), b = Compare(v, args[1]);
      return a && b && *a >= 0 && *b < 0;
    }
    case kWithin:
      for (const auto& a : args) {
        if (Equals(v, a)) return true;
      }
      return false;
    case kWithout:
      for (const auto& a : args) {
        if (Equals(v, a)) return false;
      }
      return true;
    case kNot: return !children[0].Test(v);
    case kAnd: return children[0].Test(v) && children[1].Test(v);
    case kOr: return children[0].Test(v) || children[1].Test(v);
    case kContaining:
    case kNotContaining:
    case kStartingWith:
    case kNotStartingWith:
    case kEndingWith:
    case kNotEndingWith:
    case kRegex:
    case kNotRegex: {
      if (!v.is_string() || !args[0].is_string()) return false;
      const std::string& s = v.as_string();
      const std::string& p = args[0].as_string();
      switch (op) {
        case kContaining: return absl::StrContains(s, p);
        case kNotContaining: return !absl::StrContains(s, p);
        case kStartingWith: return absl::StartsWith(s, p);
        case kNotStartingWith: return !absl::StartsWith(s, p);
        case kEndingWith: return absl::EndsWith(s, p);
        case kNotEndingWith: return !absl::EndsWith(s, p);
        case kRegex: return regex && RE2::PartialMatch(s, *regex);
        default: return regex && !RE2::PartialMatch(s, *regex);
      }
    }
  }
  return false;
}

bool Predicate::HasTraversals() const {
  if (!traversal_args.empty()) return true;
  for (const auto& c : children) {
    if (c.HasTraversals()) return true;
  }
  return false;
}

// Replaces traversal arguments by their values for `t`; false when one is unproductive.
bool Bind(Context* ctx, const Predicate& p, const Traverser& t, Predicate* out, bool* productive) {
  *out = p;
  out->traversal_args.clear();
  out->children.clear();
  for (const auto& c : p.children) {
    Predicate b;
    if (!Bind(ctx, c, t, &b, productive)) return false;
    if (!*productive) return true;
    out->children.push_back(std::move(b));
  }
  if (p.traversal_args.empty()) return true;
  bool multi = p.op == Predicate::kWithin || p.op == Predicate::kWithout;
  std::vector<Value> args;
  size_t next = 0;
  for (size_t i = 0; i < p.args.size() || next < p.traversal_args.size(); ++i) {
    if (next < p.traversal_args.size() && p.traversal_args[next].first == i) {
      std::vector<Traverser> rs;
      if (!p.traversal_args[next].second->RunAll(t, &rs)) return false;
      ++next;
      if (multi) {
        for (auto& r : rs) {
          if (r.obj.is_collection()) {
            for (const auto& x : r.obj.as_list()) args.push_back(x);
          } else {
            args.push_back(std::move(r.obj));
          }
        }
        continue;
      }
      if (rs.empty()) {
        *productive = false;
        return true;
      }
      args.push_back(std::move(rs[0].obj));
      continue;
    }
    if (i < p.args.size()) args.push_back(p.args[i]);
  }
  out->args = std::move(args);
  return true;
}

bool TestPredicate(Context* ctx, const Predicate& p, const Traverser& t, const Value& v, bool* result) {
  if (!p.HasTraversals()) {
    *result = p.Test(v);
    return true;
  }
  Predicate bound;
  bool productive = true;
  if (!Bind(ctx, p, t, &bound, &productive)) return false;
  *result = productive && bound.Test(v);
  return true;
}

std::string Predicate::Describe() const {
  static const char* names[] = {"eq", "neq", "lt", "lte", "gt", "gte", "inside", "outside",
                                "between", "within", "without", "not", "and", "or",
                                "containing", "notContaining", "startingWith",
                                "notStartingWith", "endingWith", "notEndingWith", "regex",
                                "notRegex"};
  std::vector<std::string> parts;
  for (const auto& a : args) parts.push_back(a.DebugString());
  for (const auto& c : children) parts.push_back(c.Describe());
  return absl::StrCat(names[op], "(", absl::StrJoin(parts, ", "), ")");
}

// TinkerPop's Operator: how fold(seed, op) and withSideEffect(k, v, op) combine values.

namespace {

// Operator.mult / Operator.div with TinkerPop 3.8's promotion: two ints stay an int while the
// result fits, else a long (a double past a long); a float and an integer give a float; a
// double anything gives a double. Integer division by zero follows IEEE (a double infinity).
Value MultiplyOrDivide(const Value& a, const Value& b, bool divide) {
  if (a.is_integer() && b.is_integer() && !(divide && b.ToInt64() == 0)) {
    int64_t x = a.ToInt64(), y = b.ToInt64(), r;
    bool overflow = divide ? (x == std::numeric_limits<int64_t>::min() && y == -1)
                           : __builtin_mul_overflow(x, y, &r);
    if (overflow) return Value(divide ? -static_cast<double>(x) : a.ToDouble() * b.ToDouble());
    if (divide) r = x / y;
    if (a.kind() == Value::Kind::kInt32 && b.kind() == Value::Kind::kInt32 &&
        r >= std::numeric_limits<int32_t>::min() && r <= std::numeric_limits<int32_t>::max()) {
      return Value(static_cast<int32_t>(r));
    }
    return Value(r);
  }
  double r = divide ? a.ToDouble() / b.ToDouble() : a.ToDouble() * b.ToDouble();
  if (a.kind() != Value::Kind::kDouble && b.kind() != Value::Kind::kDouble &&
      (a.kind() == Value::Kind::kFloat || b.kind() == Value::Kind::kFloat)) {
    return Value(static_cast<float>(r));
  }
  return Value(r);
}

}  // namespace

Value ApplyOperator(Value acc, const Value& v, const std::string& op) {
  {
    if (op == "assign") {
      acc = v;
    } else if (op == "addAll") {
      if (acc.kind() == Value::Kind::kMap && v.kind() == Value::Kind::kMap) {
        ValueMap m = acc.as_map();
        for (const auto& [k, x] : v.as_map()) {
          auto it = std::find_if(m.begin(), m.end(), [&key = k](const auto& e) { return e.first == key; });
          if (it == m.end()) m.emplace_back(k, x);
          else it->second = x;
        }
        acc = Value::Map(std::move(m));
      } else {
        ValueList l = acc.is_collection() ? acc.as_list() : ValueList{};
        if (v.is_collection()) for (const auto& x : v.as_list()) l.push_back(x);
        else l.push_back(v);
        acc = Value::List(std::move(l));
      }
    } else if (op == "sum") {
      acc = Add(acc, v);
    } else if (op == "minus" && acc.is_number() && v.is_number()) {
      acc = Add(acc, v.is_integer() ? (v.kind() == Value::Kind::kInt32 ? Value(-v.as_int32()) : Value(-v.as_int64()))
                                    : Value(-v.ToDouble()));
    } else if ((op == "mult" || op == "div") && acc.is_number() && v.is_number()) {
      acc = MultiplyOrDivide(acc, v, op == "div");
    } else if (op == "min" || op == "max") {
      auto c = Compare(v, acc);
      if (acc.is_null() || (c && ((op == "min" && *c < 0) || (op == "max" && *c > 0)))) acc = v;
    } else if (op == "and" && acc.kind() == Value::Kind::kBool && v.kind() == Value::Kind::kBool) {
      acc = Value(acc.as_bool() && v.as_bool());
    } else if (op == "or" && acc.kind() == Value::Kind::kBool && v.kind() == Value::Kind::kBool) {
      acc = Value(acc.as_bool() || v.as_bool());
    }
  }
  return acc;
}

}  // namespace kg::query
