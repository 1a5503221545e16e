// String steps: concat(), length(), split(), conjoin(), toUpper(), toLower(), trim(), lTrim(),
// rTrim(), substring(), replace(). Each maps one traverser to one value, as TinkerPop's
// reference defines them: a null object maps to null (concat() appends to nothing instead),
// anything that is not a string is an error naming the step and the value. The Scope.local
// forms apply the operation to each element of a list instead (nulls stay null).
#include <algorithm>
#include <cctype>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "query/ops.h"
#include "query/steps/steps.h"
#include "unicode/locid.h"
#include "unicode/uchar.h"
#include "unicode/unistr.h"
#include "unicode/utf8.h"

namespace kg::query::steps {
namespace {

// TinkerPop's wording (clients match on it): "The length() step can only take string as
// argument, encountered [a, b]", and concat()'s own.
bool NotAString(Context* ctx, const std::string& step, const Value& v) {
  return ctx->Fail(absl::InvalidArgumentError(
      absl::StrCat(step == "concat" ? "String concat()" : absl::StrCat("The ", step, "() step"),
                   " can only take string as argument, encountered ", v.DebugString())));
}

// trim()/lTrim()/rTrim() strip what Java's String.strip() strips: code points for which
// Character.isWhitespace holds (ICU's u_isWhitespace is that definition), so the ideographic
// space U+3000 goes but the no-break spaces stay.
std::string Trimmed(const std::string& s, bool left, bool right) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const int32_t n = static_cast<int32_t>(s.size());
  int32_t b = 0, e = n;
  while (left && b < e) {
    int32_t next = b;
    UChar32 c;
    U8_NEXT(p, next, e, c);
    if (c < 0 || !u_isWhitespace(c)) break;
    b = next;
  }
  while (right && e > b) {
    int32_t prev = e;
    UChar32 c;
    U8_PREV(p, b, prev, c);
    if (c < 0 || !u_isWhitespace(c)) break;
    e = prev;
  }
  return s.substr(b, e - b);
}

// split(): around every occurrence of the separator, empty pieces dropped (commons-lang's
// splitByWholeSeparator, as TinkerPop does); null splits on whitespace, "" into characters.
ValueList Split(const std::string& s, const Value& separator) {
  ValueList out;
  if (separator.is_null()) {
    for (absl::string_view piece :
         absl::StrSplit(s, absl::ByAnyChar(" \t\n\r\f\v"), absl::SkipEmpty())) {
      out.push_back(Value(std::string(piece.data(), piece.size())));
    }
  } else if (separator.as_string().empty()) {
    for (char c : s) out.push_back(Value(std::string(1, c)));
  } else {
    for (absl::string_view piece : absl::StrSplit(s, separator.as_string(), absl::SkipEmpty())) {
      out.push_back(Value(std::string(piece.data(), piece.size())));
    }
  }
  return out;
}

// conjoin(): the list's elements (nulls skipped) as strings, joined with the delimiter.
std::string Conjoin(const ValueList& items, const std::string& delimiter) {
  std::vector<std::string> parts;
  for (const auto& v : items) {
    if (v.is_null()) continue;
    parts.push_back(v.is_string() ? v.as_string() : v.DebugString());
  }
  return absl::StrJoin(parts, delimiter);
}

}  // namespace

std::unique_ptr<Op> Concat(Context* ctx, ValueList strings,
                           std::vector<std::shared_ptr<Pipeline>> children) {
  return std::make_unique<FlatMapOp>(
      ctx, "concat", [ctx, strings, children](const Traverser& t, std::vector<Value>* out) {
        if (!t.obj.is_null() && !t.obj.is_string()) return NotAString(ctx, "concat", t.obj);
        bool any = !t.obj.is_null();
        std::string s = any ? t.obj.as_string() : "";
        for (const auto& v : strings) {
          if (v.is_null()) continue;
          absl::StrAppend(&s, v.is_string() ? v.as_string() : v.DebugString());
          any = true;
        }
        for (const auto& c : children) {
          std::optional<Value> v;
          if (!c->First(t, &v)) return false;
          if (!v || v->is_null()) continue;
          absl::StrAppend(&s, v->is_string() ? v->as_string() : v->DebugString());
          any = true;
        }
        out->push_back(any ? Value(std::move(s)) : Value());
        return true;
      });
}

namespace {

// Lengths and indices count UTF-16 code units, as Java's String does (TinkerPop's reference
// implementation), not bytes: "한국".length() is 2, and substring() never cuts a character.
// Bytes of a UTF-8 sequence: from its lead byte (a stray byte counts as one).
size_t SequenceBytes(unsigned char lead) {
  if (lead >= 0xF0) return 4;
  if (lead >= 0xE0) return 3;
  if (lead >= 0xC0) return 2;
  return 1;
}

size_t Utf16Length(const std::string& s) {
  size_t units = 0;
  for (size_t i = 0; i < s.size();) {
    const size_t n = SequenceBytes(static_cast<unsigned char>(s[i]));
    units += n == 4 ? 2 : 1;  // four bytes: a supplementary character, a surrogate pair
    i += n;
  }
  return units;
}

// The byte offset of UTF-16 index `units`; an index inside a surrogate pair moves past it.
size_t ByteOffset(const std::string& s, size_t units) {
  size_t i = 0;
  while (i < s.size() && units > 0) {
    const size_t n = SequenceBytes(static_cast<unsigned char>(s[i]));
    units -= std::min<size_t>(units, n == 4 ? 2 : 1);
    i = std::min(i + n, s.size());
  }
  return i;
}

// A string index as TinkerPop's substring() reads it: negative counts from the end (clamped
// at 0), past the end means the end.
size_t StringIndex(size_t len, int64_t index) {
  if (index < 0) {
    int64_t from_end = static_cast<int64_t>(len) + index;
    return from_end < 0 ? 0 : static_cast<size_t>(from_end);
  }
  return std::min(static_cast<size_t>(index), len);
}

std::string Substring(const std::string& s, const std::vector<Value>& args) {
  const size_t len = Utf16Length(s);
  const size_t start = ByteOffset(s, StringIndex(len, args[0].ToInt64()));
  if (args.size() < 2 || args[1].is_null()) return s.substr(start);
  const size_t end = ByteOffset(s, StringIndex(len, args[1].ToInt64()));
  return end <= start ? "" : s.substr(start, end - start);
}

// Every occurrence of `from` replaced by `to` (commons-lang's StringUtils.replace: a null or
// empty `from` changes nothing, a null `to` too).
std::string Replace(const std::string& s, const std::vector<Value>& args) {
  if (!args[0].is_string() || args[0].as_string().empty() || !args[1].is_string()) return s;
  return absl::StrReplaceAll(s, {{args[0].as_string(), args[1].as_string()}});
}

// Full Unicode case mapping in the root locale, as Java's String.toUpperCase(Locale.ROOT):
// "ß" becomes "SS", final sigma lowers to "ς", no Turkish dotless i rules.
std::string CaseMapped(const std::string& s, bool upper) {
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), s.size()));
  if (upper) {
    u.toUpper(icu::Locale::getRoot());
  } else {
    u.toLower(icu::Locale::getRoot());
  }
  std::string out;
  u.toUTF8String(out);
  return out;
}

// The operation `name` on one string.
Value OnString(const std::string& name, const std::string& s, const std::vector<Value>& args) {
  if (name == "length") return Value(static_cast<int32_t>(Utf16Length(s)));
  if (name == "split") return Value::List(Split(s, args[0]));
  if (name == "toUpper" || name == "toLower") return Value(CaseMapped(s, name == "toUpper"));
  if (name == "substring") return Value(Substring(s, args));
  if (name == "replace") return Value(Replace(s, args));
  return Value(Trimmed(s, name != "rTrim", name != "lTrim"));
}

// The Scope.local form: the operation on each element of a list (a string alone is taken as
// is), nulls kept as nulls.
bool OnEach(Context* ctx, const std::string& name, const Value& obj, const std::vector<Value>& args,
            Value* out) {
  if (!obj.is_collection()) {
    if (!obj.is_string()) {
      return ctx->Fail(absl::InvalidArgumentError(absl::StrCat(
          "The ", name, "(local) step can only take string or list of strings, encountered ",
          obj.DebugString())));
    }
    *out = OnString(name, obj.as_string(), args);
    return true;
  }
  ValueList results;
  for (const auto& item : obj.as_list()) {
    if (item.is_null()) {
      results.push_back(Value());
    } else if (item.is_string()) {
      results.push_back(OnString(name, item.as_string(), args));
    } else {
      return ctx->Fail(absl::InvalidArgumentError(absl::StrCat(
          "The ", name, "(local) step can only take string or list of strings, encountered ",
          item.DebugString(), " in list")));
    }
  }
  *out = Value::List(std::move(results));
  return true;
}

}  // namespace

namespace {

// The arguments `name` takes: how many, and of what type.
absl::Status CheckStringArgs(const std::string& name, const std::vector<Value>& args) {
  auto count = [&](size_t lo, size_t hi) {
    if (args.size() >= lo && args.size() <= hi) return absl::OkStatus();
    return absl::InvalidArgumentError(
        lo == hi
            ? absl::StrCat(name, "() takes ", lo, " argument(s), got ", args.size())
            : absl::StrCat(name, "() takes ", lo, " to ", hi, " arguments, got ", args.size()));
  };
  if (name == "split" || name == "conjoin") {
    if (absl::Status st = count(1, 1); !st.ok()) return st;
    if (!args[0].is_string() && !(name == "split" && args[0].is_null())) {
      return absl::InvalidArgumentError(absl::StrCat(name, "() expects a string"));
    }
    return absl::OkStatus();
  }
  if (name == "substring") {
    if (absl::Status st = count(1, 2); !st.ok()) return st;
    if (!args[0].is_integer() ||
        (args.size() == 2 && !args[1].is_integer() && !args[1].is_null())) {
      return absl::InvalidArgumentError("substring() expects integer start and end indices");
    }
    return absl::OkStatus();
  }
  if (name == "replace") {
    if (absl::Status st = count(2, 2); !st.ok()) return st;
    for (const auto& a : args) {
      if (!a.is_string() && !a.is_null()) {
        return absl::InvalidArgumentError("replace() expects two strings (or nulls)");
      }
    }
    return absl::OkStatus();
  }
  return count(0, 0);
}

}  // namespace

absl::StatusOr<std::unique_ptr<Op>> StringStep(Context* ctx, const std::string& name,
                                               std::vector<Value> args, bool local) {
  if (absl::Status st = CheckStringArgs(name, args); !st.ok()) return st;
  if (local && name == "conjoin")
    return absl::InvalidArgumentError("conjoin() has no Scope.local form");
  return std::unique_ptr<Op>(std::make_unique<FlatMapOp>(
      ctx, local ? name + "(local)" : name,
      [ctx, name, args, local](const Traverser& t, std::vector<Value>* out) {
        if (name == "conjoin") {
          // A path is an Iterable of its objects in TinkerPop, so it conjoins like a list.
          if (t.obj.kind() == Value::Kind::kPath) {
            out->push_back(Value(Conjoin(t.obj.path().objects, args[0].as_string())));
            return true;
          }
          if (t.obj.is_null()) {
            return ctx->Fail(
                absl::InvalidArgumentError("Incoming traverser for conjoin step can't be null"));
          }
          if (!t.obj.is_collection()) {
            return ctx->Fail(absl::InvalidArgumentError(
                absl::StrCat("conjoin step can only take an array or an Iterable type for incoming "
                             "traversers, encountered ",
                             t.obj.DebugString())));
          }
          out->push_back(Value(Conjoin(t.obj.as_list(), args[0].as_string())));
          return true;
        }
        if (t.obj.is_null()) {
          out->push_back(Value());
          return true;
        }
        if (local) {
          Value v;
          if (!OnEach(ctx, name, t.obj, args, &v)) return false;
          out->push_back(std::move(v));
          return true;
        }
        if (!t.obj.is_string()) return NotAString(ctx, name, t.obj);
        out->push_back(OnString(name, t.obj.as_string(), args));
        return true;
      }));
}

}  // namespace kg::query::steps
