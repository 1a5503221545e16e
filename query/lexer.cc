#include "query/lexer.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace kg::query {

const char* TokenKindName(TokenKind k) {
  switch (k) {
    case TokenKind::kEnd: return "end of query";
    case TokenKind::kError: return "invalid token";
    case TokenKind::kIdent: return "identifier";
    case TokenKind::kNumber: return "number";
    case TokenKind::kString: return "string";
    case TokenKind::kDot: return "'.'";
    case TokenKind::kComma: return "','";
    case TokenKind::kColon: return "':'";
    case TokenKind::kLParen: return "'('";
    case TokenKind::kRParen: return "')'";
    case TokenKind::kLBracket: return "'['";
    case TokenKind::kRBracket: return "']'";
    case TokenKind::kLBrace: return "'{'";
    case TokenKind::kRBrace: return "'}'";
  }
  return "?";
}

namespace {
bool IsIdentStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
}  // namespace

void Lexer::Advance() {
  if (i_ >= text_.size()) return;
  if (text_[i_] == '\n') {
    ++line_;
    column_ = 1;
  } else if ((static_cast<unsigned char>(text_[i_]) & 0xC0) != 0x80) {
    ++column_;  // count code points, not UTF-8 continuation bytes
  }
  ++i_;
}

bool Lexer::RestIsBlank(size_t ahead) const {
  for (size_t k = i_ + ahead; k < text_.size(); ++k) {
    char c = text_[k];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return false;
  }
  return true;
}

LexToken Lexer::Next() {
  // Whitespace and // comments.
  for (;;) {
    char c = Peek();
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      Advance();
    } else if (c == '/' && Peek(1) == '/') {
      while (i_ < text_.size() && Peek() != '\n') Advance();
    } else {
      break;
    }
  }
  LexToken t;
  t.pos = Pos{line_, column_};
  if (i_ >= text_.size()) return t;
  char c = Peek();
  // ".5" is a number where a value may start (after '(', ',', '[', '{' or ':').
  if (c == '.' && IsDigit(Peek(1)) &&
      (last_ == TokenKind::kLParen || last_ == TokenKind::kComma || last_ == TokenKind::kLBracket ||
       last_ == TokenKind::kLBrace || last_ == TokenKind::kColon)) {
    LexToken n = LexNumber(t.pos);
    last_ = n.kind;
    return n;
  }
  LexToken r = NextInner(t, c);
  last_ = r.kind;
  return r;
}

LexToken Lexer::NextInner(LexToken t, char c) {
  auto punct = [&](TokenKind k) {
    t.kind = k;
    t.text = std::string(1, c);
    Advance();
    return t;
  };
  switch (c) {
    case '.': return punct(TokenKind::kDot);
    case ',': return punct(TokenKind::kComma);
    case ':': return punct(TokenKind::kColon);
    case '(': return punct(TokenKind::kLParen);
    case ')': return punct(TokenKind::kRParen);
    case '[': return punct(TokenKind::kLBracket);
    case ']': return punct(TokenKind::kRBracket);
    case '{': return punct(TokenKind::kLBrace);
    case '}': return punct(TokenKind::kRBrace);
    case '"':
    case '\'': return LexString(t.pos);
    default: break;
  }
  if (c == ';' && RestIsBlank(1)) {  // gremlin-lang allows a query to end with ';'
    while (i_ < text_.size()) Advance();
    t.kind = TokenKind::kEnd;
    return t;
  }
  if ((c == '-' || c == '+') && text_.substr(i_ + 1, 8) == "Infinity") {  // signed Infinity literal
    t.kind = TokenKind::kIdent;
    t.text = std::string(text_.substr(i_, 9));
    for (int k = 0; k < 9; ++k) Advance();
    return t;
  }
  if (IsDigit(c) || ((c == '-' || c == '+') && (IsDigit(Peek(1)) || (Peek(1) == '.' && IsDigit(Peek(2)))))) {
    return LexNumber(t.pos);
  }
  if (IsIdentStart(c)) {
    size_t start = i_;
    while (IsIdentStart(Peek()) || IsDigit(Peek())) Advance();
    t.kind = TokenKind::kIdent;
    t.text = std::string(text_.substr(start, i_ - start));
    return t;
  }
  t.kind = TokenKind::kError;
  if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
    t.text = "unexpected character (byte 0x" +
             std::string(1, "0123456789abcdef"[(static_cast<unsigned char>(c) >> 4) & 15]) +
             std::string(1, "0123456789abcdef"[static_cast<unsigned char>(c) & 15]) + ")";
  } else {
    t.text = std::string("unexpected character '") + c + "'";
  }
  Advance();
  return t;
}

LexToken Lexer::LexNumber(Pos pos) {
  LexToken t;
  t.pos = pos;
  size_t start = i_;
  if (Peek() == '-' || Peek() == '+') Advance();
  bool is_float = false;
  while (IsDigit(Peek())) Advance();
  if (Peek() == '.' && IsDigit(Peek(1))) {
    is_float = true;
    Advance();
    while (IsDigit(Peek())) Advance();
  }
  if ((Peek() == 'e' || Peek() == 'E') &&
      (IsDigit(Peek(1)) || ((Peek(1) == '-' || Peek(1) == '+') && IsDigit(Peek(2))))) {
    is_float = true;
    Advance();
    Advance();
    while (IsDigit(Peek())) Advance();
  }
  std::string digits(text_.substr(start, i_ - start));
  char suffix = 0;
  if (IsIdentStart(Peek())) {
    suffix = Peek();
    Advance();
    if (IsIdentStart(Peek()) || IsDigit(Peek())) {
      t.kind = TokenKind::kError;
      t.text = "malformed number '" + std::string(text_.substr(start, i_ - start + 1)) + "'";
      return t;
    }
  }
  t.text = std::string(text_.substr(start, i_ - start));
  t.kind = TokenKind::kNumber;
  auto error = [&](const std::string& why) {
    t.kind = TokenKind::kError;
    t.text = why + " '" + t.text + "'";
    return t;
  };
  switch (suffix) {
    case 0:
    case 'b': case 'B': case 's': case 'S': case 'i': case 'I':
    case 'l': case 'L': case 'n': case 'N': {
      if (is_float) {
        if (suffix != 0) return error("integer suffix on a decimal number");
        t.number = Value(std::strtod(digits.c_str(), nullptr));
        return t;
      }
      errno = 0;
      long long v = std::strtoll(digits.c_str(), nullptr, 10);
      if (errno == ERANGE) return error("integer out of range");
      bool want_long = suffix == 'l' || suffix == 'L' || suffix == 'n' || suffix == 'N';
      bool fits32 = v >= std::numeric_limits<int32_t>::min() &&
                    v <= std::numeric_limits<int32_t>::max();
      if (!want_long && suffix != 0 && !fits32) return error("integer does not fit in an int");
      if (want_long || !fits32) {
        t.number = Value(static_cast<int64_t>(v));
      } else {
        t.number = Value(static_cast<int32_t>(v));
      }
      return t;
    }
    case 'f': case 'F':
      t.number = Value(std::strtof(digits.c_str(), nullptr));
      return t;
    case 'd': case 'D': case 'm': case 'M':
      t.number = Value(std::strtod(digits.c_str(), nullptr));
      return t;
    default:
      return error("unknown number suffix");
  }
}

LexToken Lexer::LexString(Pos pos) {
  LexToken t;
  t.pos = pos;
  char quote = Peek();
  Advance();
  std::string out;
  for (;;) {
    if (i_ >= text_.size()) {
      t.kind = TokenKind::kError;
      t.text = "unterminated string";
      return t;
    }
    char c = Peek();
    if (c == quote) {
      Advance();
      break;
    }
    if (c == '\\') {
      Advance();
      char e = Peek();
      if (i_ >= text_.size()) continue;
      Advance();
      switch (e) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'u': {
          unsigned cp = 0;
          for (int k = 0; k < 4; ++k) {
            char h = Peek();
            int d = IsDigit(h) ? h - '0'
                    : (h >= 'a' && h <= 'f') ? h - 'a' + 10
                    : (h >= 'A' && h <= 'F') ? h - 'A' + 10
                                              : -1;
            if (d < 0) {
              t.kind = TokenKind::kError;
              t.text = "malformed \\u escape";
              return t;
            }
            cp = cp * 16 + static_cast<unsigned>(d);
            Advance();
          }
          if (cp < 0x80) {
            out += static_cast<char>(cp);
          } else if (cp < 0x800) {
            out += static_cast<char>(0xC0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3F));
          } else {
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
          }
          break;
        }
        default: out += e; break;
      }
      continue;
    }
    out += c;
    Advance();
  }
  t.kind = TokenKind::kString;
  t.text = std::move(out);
  return t;
}

}  // namespace kg::query
