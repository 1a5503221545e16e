// Tokens of gremlin-lang: identifiers, typed numbers, quoted strings and punctuation.
//
//   Lexer lex(text);
//   for (Token t; (t = lex.Next()).kind != TokenKind::kEnd;) ...
//
// Numbers keep the type their suffix names, as TinkerPop's grammar does: 1 (int, or long when it
// does not fit), 1b/1s/1i (int), 1l/1L/1n (long), 1.5 and 1.5d/1.5m (double), 1.5f (float).
// A malformed token is a kError token whose text says what was wrong; the parser turns it into a
// positioned error.
#ifndef KG_QUERY_LEXER_H_
#define KG_QUERY_LEXER_H_

#include <string>
#include <string_view>

#include "query/ast.h"
#include "query/value.h"

namespace kg::query {

enum class TokenKind {
  kEnd,
  kError,
  kIdent,
  kNumber,
  kString,
  kDot,
  kComma,
  kColon,
  kLParen,
  kRParen,
  kLBracket,
  kRBracket,
  kLBrace,
  kRBrace,
};

struct LexToken {
  TokenKind kind = TokenKind::kEnd;
  std::string text;  // identifier name, decoded string, error message, or the source text
  Value number;      // kNumber
  Pos pos;
};

const char* TokenKindName(TokenKind k);

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}
  LexToken Next();

 private:
  char Peek(size_t ahead = 0) const {
    return i_ + ahead < text_.size() ? text_[i_ + ahead] : '\0';
  }
  void Advance();
  // Whether only whitespace follows the next `ahead` characters.
  bool RestIsBlank(size_t ahead) const;
  LexToken LexNumber(Pos pos);
  LexToken LexString(Pos pos);
  LexToken NextInner(LexToken t, char c);

  std::string_view text_;
  size_t i_ = 0;
  int line_ = 1;
  int column_ = 1;
  TokenKind last_ = TokenKind::kEnd;
};

}  // namespace kg::query

#endif  // KG_QUERY_LEXER_H_
