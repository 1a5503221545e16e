#include "query/parser.h"

#include <limits>
#include <memory>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "query/lexer.h"

namespace kg::query {

std::string PositionedMessage(std::string_view text, Pos pos, std::string_view message) {
  // Find the line.
  size_t begin = 0;
  for (int line = 1; line < pos.line && begin < text.size(); ++line) {
    size_t nl = text.find('\n', begin);
    if (nl == std::string_view::npos) {
      begin = text.size();
      break;
    }
    begin = nl + 1;
  }
  size_t end = text.find('\n', begin);
  if (end == std::string_view::npos) end = text.size();
  std::string_view line = text.substr(begin, end - begin);
  if (line.size() > 200) line = line.substr(0, 200);
  std::string caret(pos.column > 1 ? static_cast<size_t>(pos.column - 1) : 0, ' ');
  if (caret.size() > 200) caret.resize(200);
  return absl::StrCat("line ", pos.line, ", column ", pos.column, ": ", std::string(message),
                      "\n  ", std::string(line), "\n  ", caret, "^");
}

namespace {

constexpr int kMaxDepth = 200;

bool IsSourceStep(std::string_view name) {
  return name == "with" || name == "withSideEffect" || name == "withStrategies" ||
         name == "withoutStrategies" || name == "withSack" || name == "withBulk" ||
         name == "withPath" || name == "withComputer";
}

bool IsCapitalized(const std::string& s) { return !s.empty() && s[0] >= 'A' && s[0] <= 'Z'; }

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text), lexer_(text) { Shift(); }

  absl::StatusOr<Traversal> ParseQuery() {
    Traversal t;
    if (!ParseTraversal(&t, /*top=*/true)) return status_;
    if (tok_.kind != TokenKind::kEnd) {
      Fail(tok_.pos, "expected '.' and a step or the end of the query");
      return status_;
    }
    return t;
  }

 private:
  void Shift() {
    tok_ = lexer_.Next();
    if (tok_.kind != TokenKind::kError) {
      // Peek one token ahead for identifier decisions.
    }
  }

  std::string Describe(const LexToken& t) {
    switch (t.kind) {
      case TokenKind::kEnd: return "the end of the query";
      case TokenKind::kIdent: return absl::StrCat("'", t.text, "'");
      case TokenKind::kNumber: return absl::StrCat("number ", t.text);
      case TokenKind::kString: return "a string";
      case TokenKind::kError: return t.text;
      default: return t.text.empty() ? TokenKindName(t.kind) : absl::StrCat("'", t.text, "'");
    }
  }

  bool Fail(Pos pos, absl::string_view message) {
    if (status_.ok()) {
      status_ = absl::InvalidArgumentError(
          PositionedMessage(text_, pos, std::string_view(message.data(), message.size())));
    }
    return false;
  }
  bool Expected(const std::string& what) {
    if (tok_.kind == TokenKind::kError) return Fail(tok_.pos, tok_.text);
    return Fail(tok_.pos, absl::StrCat("expected ", what, ", found ", Describe(tok_)));
  }
  bool Expect(TokenKind k, const std::string& what) {
    if (tok_.kind != k) return Expected(what);
    Shift();
    return true;
  }

  // traversal := 'g' ('.' call)+ | '__' ('.' call)+ | call ('.' call)*
  bool ParseTraversal(Traversal* t, bool top) {
    t->pos = tok_.pos;
    if (tok_.kind != TokenKind::kIdent) return Expected(top ? "'g'" : "a traversal");
    bool need_dot = true;
    if (tok_.text == "g") {
      t->anonymous = false;
      Shift();
    } else if (tok_.text == "__") {
      if (top) return Expected("'g'");
      t->anonymous = true;
      Shift();
    } else {
      if (top) return Expected("'g'");
      t->anonymous = true;
      need_dot = false;
    }
    bool in_source = !t->anonymous;
    bool first = true;
    for (;;) {
      if (need_dot) {
        if (tok_.kind != TokenKind::kDot) {
          if (first) return Expected("'.' and a step");
          return true;
        }
        Shift();
      }
      need_dot = true;
      Step step;
      if (!ParseCall(&step)) return false;
      if (in_source && IsSourceStep(step.name)) {
        t->source.push_back(std::move(step));
      } else {
        in_source = false;
        t->steps.push_back(std::move(step));
      }
      first = false;
    }
  }

  // call := IDENT '(' [expr (',' expr)*] ')'
  bool ParseCall(Step* step) {
    if (tok_.kind != TokenKind::kIdent) return Expected("a step name");
    step->name = tok_.text;
    step->pos = tok_.pos;
    Shift();
    if (tok_.kind != TokenKind::kLParen) {
      return Expected(absl::StrCat("'(' after '", step->name, "'"));
    }
    Shift();
    return ParseArgs(&step->args, TokenKind::kRParen, "')'");
  }

  bool ParseArgs(std::vector<Expr>* args, TokenKind close, const std::string& close_name) {
    if (tok_.kind == close) {
      Shift();
      return true;
    }
    for (;;) {
      Expr e;
      if (!ParseExpr(&e)) return false;
      args->push_back(std::move(e));
      if (tok_.kind == TokenKind::kComma) {
        Shift();
        continue;
      }
      if (tok_.kind == close) {
        Shift();
        return true;
      }
      return Expected(absl::StrCat("',' or ", close_name));
    }
  }

  bool ParseExpr(Expr* e) {
    if (++depth_ > kMaxDepth) return Fail(tok_.pos, "query nested too deeply");
    bool ok = ParseExprInner(e);
    --depth_;
    return ok;
  }

  bool ParseExprInner(Expr* e) {
    e->pos = tok_.pos;
    switch (tok_.kind) {
      case TokenKind::kNumber:
        e->kind = Expr::Kind::kLiteral;
        e->literal = tok_.number;
        Shift();
        return true;
      case TokenKind::kString:
        e->kind = Expr::Kind::kLiteral;
        e->literal = Value(tok_.text);
        Shift();
        return true;
      case TokenKind::kLParen:
        Shift();
        if (!ParseExpr(e)) return false;
        return Expect(TokenKind::kRParen, "')'");
      case TokenKind::kLBrace:
        Shift();
        e->kind = Expr::Kind::kSet;
        return ParseArgs(&e->items, TokenKind::kRBrace, "'}'");
      case TokenKind::kLBracket:
        return ParseListOrMap(e);
      case TokenKind::kIdent:
        return ParseIdentExpr(e);
      default:
        return Expected("a value, a traversal or a predicate");
    }
  }

  bool ParseListOrMap(Expr* e) {
    Shift();  // '['
    if (tok_.kind == TokenKind::kColon) {  // [:]
      Shift();
      e->kind = Expr::Kind::kMap;
      return Expect(TokenKind::kRBracket, "']' to close the empty map '[:'");
    }
    if (tok_.kind == TokenKind::kRBracket) {
      Shift();
      e->kind = Expr::Kind::kList;
      return true;
    }
    Expr first;
    if (!ParseMapKeyOrExpr(&first)) return false;
    if (tok_.kind == TokenKind::kColon) {
      e->kind = Expr::Kind::kMap;
      for (;;) {
        if (!Expect(TokenKind::kColon, "':' between a map key and its value")) return false;
        Expr value;
        if (!ParseExpr(&value)) return false;
        e->entries.push_back(MapEntry{std::move(first), std::move(value)});
        if (tok_.kind == TokenKind::kRBracket) {
          Shift();
          return true;
        }
        if (!Expect(TokenKind::kComma, "',' or ']' in a map")) return false;
        first = Expr();
        if (!ParseMapKeyOrExpr(&first)) return false;
      }
    }
    e->kind = Expr::Kind::kList;
    if (first.kind == Expr::Kind::kParam && first.name.empty()) return false;
    e->items.push_back(std::move(first));
    if (tok_.kind == TokenKind::kRBracket) {
      Shift();
      return true;
    }
    if (!Expect(TokenKind::kComma, "',' or ']' in a list")) return false;
    return ParseArgs(&e->items, TokenKind::kRBracket, "']'");
  }

  // A bare identifier before ':' is a string key ([name: 'x']); anything else is an expression.
  bool ParseMapKeyOrExpr(Expr* e) {
    if (tok_.kind == TokenKind::kIdent && !IsCapitalized(tok_.text) && tok_.text != "true" &&
        tok_.text != "false" && tok_.text != "null") {
      // Lookahead: need the token after the identifier.
      Lexer probe = lexer_;
      LexToken next = probe.Next();
      if (next.kind == TokenKind::kColon) {
        e->kind = Expr::Kind::kLiteral;
        e->pos = tok_.pos;
        e->literal = Value(tok_.text);
        Shift();
        return true;
      }
    }
    return ParseExpr(e);
  }

  bool ParseIdentExpr(Expr* e) {
    const std::string name = tok_.text;
    if (name == "true" || name == "false") {
      e->kind = Expr::Kind::kLiteral;
      e->literal = Value(name == "true");
      Shift();
      return true;
    }
    if (name == "null") {
      e->kind = Expr::Kind::kLiteral;
      Shift();
      return true;
    }
    if (name == "NaN" || name == "Infinity" || name == "+Infinity" || name == "-Infinity") {
      constexpr double kInf = std::numeric_limits<double>::infinity();
      e->kind = Expr::Kind::kLiteral;
      e->literal = Value(name == "NaN" ? std::numeric_limits<double>::quiet_NaN()
                                       : name == "-Infinity" ? -kInf : kInf);
      Shift();
      return true;
    }
    Lexer probe = lexer_;
    LexToken next = probe.Next();
    if (name == "g" || name == "__" || next.kind == TokenKind::kLParen) {
      if (IsCapitalized(name) && next.kind == TokenKind::kLParen && name != "V" && name != "E") {
        return Expected("a value, a traversal or a predicate");
      }
      auto t = std::make_shared<Traversal>();
      if (!ParseTraversal(t.get(), /*top=*/false)) return false;
      e->kind = Expr::Kind::kTraversal;
      e->traversal = std::move(t);
      return true;
    }
    Shift();
    if (IsCapitalized(name) && tok_.kind == TokenKind::kDot) {
      Shift();
      if (tok_.kind != TokenKind::kIdent) {
        return Expected(absl::StrCat("a name after '", name, ".'"));
      }
      std::string member = tok_.text;
      Shift();
      if (tok_.kind == TokenKind::kLParen) {
        Shift();
        e->kind = Expr::Kind::kCall;
        e->name = absl::StrCat(name, ".", member);
        if (!ParseArgs(&e->items, TokenKind::kRParen, "')'")) return false;
        // Chained predicate combinators: P.gt(1).and(P.lt(3)).
        while (tok_.kind == TokenKind::kDot) {
          Pos pos = tok_.pos;
          Shift();
          if (tok_.kind != TokenKind::kIdent || (tok_.text != "and" && tok_.text != "or")) {
            return Expected("'and' or 'or' after a predicate");
          }
          Expr chained;
          chained.kind = Expr::Kind::kCall;
          chained.pos = pos;
          chained.name = "." + tok_.text;
          Shift();
          if (!Expect(TokenKind::kLParen, "'('")) return false;
          chained.items.push_back(std::move(*e));
          if (!ParseArgs(&chained.items, TokenKind::kRParen, "')'")) return false;
          *e = std::move(chained);
        }
        return true;
      }
      e->kind = Expr::Kind::kEnum;
      e->name = absl::StrCat(name, ".", member);
      return true;
    }
    e->kind = Expr::Kind::kParam;
    e->name = name;
    return true;
  }

  std::string_view text_;
  Lexer lexer_;
  LexToken tok_;
  int depth_ = 0;
  absl::Status status_;
};

}  // namespace

absl::StatusOr<Traversal> Parse(std::string_view text) {
  Parser p(text);
  return p.ParseQuery();
}

}  // namespace kg::query
