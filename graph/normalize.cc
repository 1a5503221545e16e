#include "graph/normalize.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include "absl/status/status.h"

namespace kg::graph {
namespace {

// Collapses runs of Unicode whitespace to one ASCII space and trims both ends.
std::string CollapseWhitespace(const icu::UnicodeString& text) {
  icu::UnicodeString out;
  bool pending_space = false;
  for (int32_t i = 0; i < text.length();) {
    UChar32 c = text.char32At(i);
    i += U16_LENGTH(c);
    if (u_isUWhiteSpace(c)) {
      pending_space = !out.isEmpty();
      continue;
    }
    if (pending_space) out.append(static_cast<UChar>(' '));
    pending_space = false;
    out.append(c);
  }
  std::string utf8;
  out.toUTF8String(utf8);
  return utf8;
}

// The code point of a precomposed Hangul syllable (U+AC00..U+D7A3) encoded at text[i] (3 bytes),
// or 0.
char32_t HangulSyllableAt(std::string_view text, size_t i) {
  if (i + 3 > text.size()) return 0;
  const auto b0 = static_cast<unsigned char>(text[i]);
  const auto b1 = static_cast<unsigned char>(text[i + 1]);
  const auto b2 = static_cast<unsigned char>(text[i + 2]);
  if ((b0 & 0xF0) != 0xE0 || (b1 & 0xC0) != 0x80 || (b2 & 0xC0) != 0x80) return 0;
  const char32_t c = (static_cast<char32_t>(b0 & 0x0F) << 12) |
                     (static_cast<char32_t>(b1 & 0x3F) << 6) | (b2 & 0x3F);
  return c >= 0xAC00 && c <= 0xD7A3 ? c : 0;
}

// Text of ASCII and precomposed Hangul syllables needs no ICU: NFKC leaves both as they are (a
// syllable is its own canonical composition; only a conjoining or compatibility jamo after it
// could compose with it, and those take the ICU path), case folding is lower-casing ASCII, and
// neither holds non-ASCII white space. Most keys of bulk imports are ASCII ids and most names an
// ingest of Korean articles upserts are Hangul and ASCII, so this is the hot path.
bool NormalizeWithoutIcu(std::string_view text, bool fold_case, std::string* out) {
  out->clear();
  bool pending_space = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (static_cast<unsigned char>(c) >= 0x80) {
      if (HangulSyllableAt(text, i) == 0) return false;
      if (pending_space) out->push_back(' ');
      pending_space = false;
      out->append(text.substr(i, 3));
      i += 2;
      continue;
    }
    if (c == ' ' || (c >= '\t' && c <= '\r')) {  // ASCII White_Space
      pending_space = !out->empty();
      continue;
    }
    if (pending_space) out->push_back(' ');
    pending_space = false;
    out->push_back(fold_case && c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return true;
}

absl::StatusOr<std::string> Normalize(std::string_view text, bool fold_case) {
  std::string ascii;
  if (NormalizeWithoutIcu(text, fold_case, &ascii)) return ascii;
  if (!IsValidUtf8(text)) {
    return absl::InvalidArgumentError("text is not valid UTF-8");
  }
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* normalizer = fold_case ? icu::Normalizer2::getNFKCCasefoldInstance(status)
                                                 : icu::Normalizer2::getNFKCInstance(status);
  if (U_FAILURE(status)) {
    return absl::InternalError(std::string("ICU normalizer unavailable: ") + u_errorName(status));
  }
  icu::UnicodeString source = icu::UnicodeString::fromUTF8(
      icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  icu::UnicodeString normalized = normalizer->normalize(source, status);
  if (U_FAILURE(status)) {
    return absl::InvalidArgumentError(std::string("cannot normalise text: ") + u_errorName(status));
  }
  return CollapseWhitespace(normalized);
}

}  // namespace

bool IsValidUtf8(std::string_view text) {
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  int32_t length = static_cast<int32_t>(text.size());
  for (int32_t i = 0; i < length;) {
    UChar32 c;
    U8_NEXT(s, i, length, c);
    if (c < 0) return false;
  }
  return true;
}

absl::StatusOr<std::string> CanonicalKey(std::string_view text) { return Normalize(text, true); }

absl::StatusOr<std::string> NormalizeNfkc(std::string_view text) { return Normalize(text, false); }

}  // namespace kg::graph
