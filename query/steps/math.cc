// math(expression): evaluates an arithmetic expression per traverser, as TinkerPop's MathStep.
//
// The expression has numbers, + - * / % ^ (^ binds tightest and to the right; unary minus binds
// looser than ^, so -2^2 is -4), parentheses, one-argument functions (abs, acos, asin, atan,
// cbrt, ceil, cos, cosh, exp, floor, log, log10, log2, signum, sin, sinh, sqrt, tan, tanh; the
// parentheses may be left out: "sin _") and variables. `_` is the traverser's object; any other
// variable is the last path object with that as() label, a map key of the object or a side
// effect. Each variable, in order of first appearance, takes the next by() modulator round
// robin (none: the value itself). The result is always a double. A by() without a result drops
// the traverser; a value that is not a number, a variable without a value and a division by
// zero are errors.
#include <cmath>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "query/by.h"
#include "query/filters.h"
#include "query/steps/steps.h"

namespace kg::query::steps {
namespace {

using MathFn = double (*)(double);

double Signum(double x) { return x > 0 ? 1.0 : x < 0 ? -1.0 : x; }

struct NamedFn {
  const char* name;
  MathFn fn;
};

// Wrapped in lambdas: taking the address of a <cmath> overload set is ambiguous.
const NamedFn kFunctions[] = {
    {"abs", [](double x) { return std::fabs(x); }},
    {"acos", [](double x) { return std::acos(x); }},
    {"asin", [](double x) { return std::asin(x); }},
    {"atan", [](double x) { return std::atan(x); }},
    {"cbrt", [](double x) { return std::cbrt(x); }},
    {"ceil", [](double x) { return std::ceil(x); }},
    {"cos", [](double x) { return std::cos(x); }},
    {"cosh", [](double x) { return std::cosh(x); }},
    {"exp", [](double x) { return std::exp(x); }},
    {"floor", [](double x) { return std::floor(x); }},
    {"log", [](double x) { return std::log(x); }},
    {"log10", [](double x) { return std::log10(x); }},
    {"log2", [](double x) { return std::log2(x); }},
    {"signum", Signum},
    {"sin", [](double x) { return std::sin(x); }},
    {"sinh", [](double x) { return std::sinh(x); }},
    {"sqrt", [](double x) { return std::sqrt(x); }},
    {"tan", [](double x) { return std::tan(x); }},
    {"tanh", [](double x) { return std::tanh(x); }},
};

const NamedFn* FindFunction(const std::string& name) {
  for (const NamedFn& f : kFunctions) {
    if (name == f.name) return &f;
  }
  return nullptr;
}

struct Node {
  enum Kind { kNumber, kVariable, kNegate, kBinary, kCall };
  Kind kind = kNumber;
  double number = 0;                  // kNumber
  size_t variable = 0;                // kVariable: index into the step's variables
  char op = 0;                        // kBinary
  const NamedFn* fn = nullptr;        // kCall
  std::unique_ptr<Node> left, right;  // kNegate and kCall use left
};

// Recursive descent over the expression text; positions in errors are 1-based characters.
class Parser {
 public:
  explicit Parser(const std::string& text) : text_(text) {}

  absl::StatusOr<std::unique_ptr<Node>> Parse(std::vector<std::string>* variables) {
    variables_ = variables;
    std::unique_ptr<Node> n = Sum();
    if (n && Peek() != '\0') Error(absl::StrCat("unexpected '", std::string(1, Peek()), "'"));
    if (!error_.empty()) return absl::InvalidArgumentError(error_);
    return n;
  }

 private:
  char Peek() {
    while (i_ < text_.size() && absl::ascii_isspace(static_cast<unsigned char>(text_[i_]))) ++i_;
    return i_ < text_.size() ? text_[i_] : '\0';
  }
  std::nullptr_t Error(const std::string& what) {
    if (error_.empty()) {
      error_ = absl::StrCat("math() cannot parse '", text_, "' at position ", i_ + 1, ": ", what);
    }
    return nullptr;
  }
  static std::unique_ptr<Node> Binary(char op, std::unique_ptr<Node> l, std::unique_ptr<Node> r) {
    auto n = std::make_unique<Node>();
    n->kind = Node::kBinary;
    n->op = op;
    n->left = std::move(l);
    n->right = std::move(r);
    return n;
  }

  // sum := product (('+' | '-') product)*
  std::unique_ptr<Node> Sum() {
    std::unique_ptr<Node> l = Product();
    while (l && (Peek() == '+' || Peek() == '-')) {
      char op = text_[i_++];
      std::unique_ptr<Node> r = Product();
      if (!r) return nullptr;
      l = Binary(op, std::move(l), std::move(r));
    }
    return l;
  }
  // product := unary (('*' | '/' | '%') unary)*
  std::unique_ptr<Node> Product() {
    std::unique_ptr<Node> l = Unary();
    while (l && (Peek() == '*' || Peek() == '/' || Peek() == '%')) {
      char op = text_[i_++];
      std::unique_ptr<Node> r = Unary();
      if (!r) return nullptr;
      l = Binary(op, std::move(l), std::move(r));
    }
    return l;
  }
  // unary := ('-' | '+') unary | power
  std::unique_ptr<Node> Unary() {
    if (Peek() == '+') {
      ++i_;
      return Unary();
    }
    if (Peek() == '-') {
      ++i_;
      std::unique_ptr<Node> operand = Unary();
      if (!operand) return nullptr;
      auto n = std::make_unique<Node>();
      n->kind = Node::kNegate;
      n->left = std::move(operand);
      return n;
    }
    return Power();
  }
  // power := primary ('^' unary)?   (right associative)
  std::unique_ptr<Node> Power() {
    std::unique_ptr<Node> base = Primary();
    if (!base || Peek() != '^') return base;
    ++i_;
    std::unique_ptr<Node> exponent = Unary();
    if (!exponent) return nullptr;
    return Binary('^', std::move(base), std::move(exponent));
  }
  // primary := number | '(' sum ')' | function ('(' sum ')' | power) | variable
  std::unique_ptr<Node> Primary() {
    char c = Peek();
    if (c == '(') {
      ++i_;
      std::unique_ptr<Node> inner = Sum();
      if (!inner) return nullptr;
      if (Peek() != ')') return Error("expected ')'");
      ++i_;
      return inner;
    }
    if (absl::ascii_isdigit(static_cast<unsigned char>(c)) || c == '.') return Number();
    if (absl::ascii_isalpha(static_cast<unsigned char>(c)) || c == '_') return Identifier();
    return Error(c == '\0' ? "expected a number, a variable, a function or '(' at the end"
                           : "expected a number, a variable, a function or '('");
  }
  std::unique_ptr<Node> Number() {
    size_t start = i_;
    while (i_ < text_.size() &&
           (absl::ascii_isdigit(static_cast<unsigned char>(text_[i_])) || text_[i_] == '.'))
      ++i_;
    if (i_ < text_.size() && (text_[i_] == 'e' || text_[i_] == 'E')) {
      size_t exp = i_ + 1;
      if (exp < text_.size() && (text_[exp] == '+' || text_[exp] == '-')) ++exp;
      if (exp < text_.size() && absl::ascii_isdigit(static_cast<unsigned char>(text_[exp]))) {
        i_ = exp;
        while (i_ < text_.size() && absl::ascii_isdigit(static_cast<unsigned char>(text_[i_])))
          ++i_;
      }
    }
    std::string digits = text_.substr(start, i_ - start);
    char* end = nullptr;
    double d = std::strtod(digits.c_str(), &end);
    if (end != digits.c_str() + digits.size()) {
      i_ = start;
      return Error(absl::StrCat("'", digits, "' is not a number"));
    }
    auto n = std::make_unique<Node>();
    n->number = d;
    return n;
  }
  std::unique_ptr<Node> Identifier() {
    size_t start = i_;
    while (i_ < text_.size() &&
           (absl::ascii_isalnum(static_cast<unsigned char>(text_[i_])) || text_[i_] == '_'))
      ++i_;
    std::string name = text_.substr(start, i_ - start);
    if (const NamedFn* fn = FindFunction(name)) {
      std::unique_ptr<Node> arg = Peek() == '(' ? Primary() : Power();
      if (!arg) return nullptr;
      auto n = std::make_unique<Node>();
      n->kind = Node::kCall;
      n->fn = fn;
      n->left = std::move(arg);
      return n;
    }
    if (Peek() == '(') {
      i_ = start;
      return Error(absl::StrCat("unknown function '", name, "'"));
    }
    auto n = std::make_unique<Node>();
    n->kind = Node::kVariable;
    n->variable = VariableIndex(name);
    return n;
  }
  size_t VariableIndex(const std::string& name) {
    for (size_t v = 0; v < variables_->size(); ++v) {
      if ((*variables_)[v] == name) return v;
    }
    variables_->push_back(name);
    return variables_->size() - 1;
  }

  const std::string& text_;
  size_t i_ = 0;
  std::string error_;
  std::vector<std::string>* variables_ = nullptr;
};

bool Evaluate(Context* ctx, const Node& n, const std::vector<double>& vars, double* out) {
  double l = 0, r = 0;
  switch (n.kind) {
    case Node::kNumber:
      *out = n.number;
      return true;
    case Node::kVariable:
      *out = vars[n.variable];
      return true;
    case Node::kNegate:
      if (!Evaluate(ctx, *n.left, vars, &l)) return false;
      *out = -l;
      return true;
    case Node::kCall:
      if (!Evaluate(ctx, *n.left, vars, &l)) return false;
      *out = n.fn->fn(l);
      return true;
    case Node::kBinary:
      break;
  }
  if (!Evaluate(ctx, *n.left, vars, &l) || !Evaluate(ctx, *n.right, vars, &r)) return false;
  switch (n.op) {
    case '+':
      *out = l + r;
      return true;
    case '-':
      *out = l - r;
      return true;
    case '*':
      *out = l * r;
      return true;
    case '^':
      *out = std::pow(l, r);
      return true;
    default:
      break;
  }
  if (r == 0) return ctx->Fail(absl::InvalidArgumentError("math() division by zero"));
  *out = n.op == '/' ? l / r : std::fmod(l, r);
  return true;
}

class MathOp : public Op, public ByOwner {
 public:
  MathOp(Context* ctx, std::unique_ptr<Node> root, std::vector<std::string> variables)
      : Op(ctx, "math"), root_(std::move(root)), variables_(std::move(variables)) {
    by_step_ = "math";
  }
  bool Next(Traverser* out) override {
    for (Traverser t; Pull(&t);) {
      if (!ctx_->Tick()) return false;
      std::optional<double> result;
      if (!Compute(t, &result)) return false;
      if (!result) continue;  // a by() without a result
      ctx_->ExtendInto(t, Value(*result), out);
      ++out_count;
      return true;
    }
    return false;
  }

 private:
  // The traverser's result; nullopt when a by() modulator has no value for it.
  bool Compute(const Traverser& t, std::optional<double>* result) {
    std::vector<double> values(variables_.size());
    for (size_t v = 0; v < variables_.size(); ++v) {
      std::optional<Value> value;
      if (!VariableValue(t, v, &value)) return false;
      if (!value) return true;
      if (!value->is_number()) {
        return ctx_->Fail(absl::InvalidArgumentError(absl::StrCat(
            "math() expects a number for '", variables_[v], "' but got ", value->DebugString())));
      }
      values[v] = value->ToDouble();
    }
    double d = 0;
    if (!Evaluate(ctx_, *root_, values, &d)) return false;
    *result = d;
    return true;
  }
  // Variable `v` of the expression for `t`, after its by() modulator.
  bool VariableValue(const Traverser& t, size_t v, std::optional<Value>* out) {
    const std::string& name = variables_[v];
    std::optional<Value> raw;
    if (name == "_") {
      raw = t.obj;
    } else if (!ScopeValue(ctx_, t, name, Pop::kLast, &raw)) {
      return false;
    }
    if (!raw) {
      return ctx_->Fail(absl::InvalidArgumentError(absl::StrCat(
          "math() variable '", name, "' is not _, an as() label, a map key or a side effect")));
    }
    if (bys_.empty()) {
      *out = std::move(raw);
      return true;
    }
    Traverser at = t;
    at.obj = *raw;
    return EvalBy(ctx_, bys_[v % bys_.size()], at, out);
  }

  std::unique_ptr<Node> root_;
  std::vector<std::string> variables_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Op>> Math(Context* ctx, const std::string& expression) {
  std::vector<std::string> variables;
  Parser parser(expression);
  absl::StatusOr<std::unique_ptr<Node>> root = parser.Parse(&variables);
  if (!root.ok()) return root.status();
  return std::unique_ptr<Op>(std::make_unique<MathOp>(ctx, *std::move(root), std::move(variables)));
}

}  // namespace kg::query::steps
