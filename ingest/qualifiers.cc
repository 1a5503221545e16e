// Qualifiers a relation takes from its clause: see qualifiers.h.
#include "ingest/qualifiers.h"

#include <algorithm>
#include <tuple>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace kg::ingest {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Up to `max` ASCII digits at `*at` (at least one, and no more after them) as a number;
// advances `*at`.
bool ReadDigits(std::string_view s, size_t* at, size_t max, int* value) {
  size_t i = *at;
  int v = 0;
  while (i < s.size() && i - *at < max && IsDigit(s[i])) v = v * 10 + (s[i++] - '0');
  if (i == *at || (i < s.size() && IsDigit(s[i]))) return false;
  *at = i;
  *value = v;
  return true;
}

bool Consume(std::string_view s, size_t* at, std::string_view word) {
  if (s.substr(*at, word.size()) != word) return false;
  *at += word.size();
  return true;
}

std::string Iso(int year, int month, int day) {
  std::string out = absl::StrCat(year);
  if (month > 0) absl::StrAppend(&out, month < 10 ? "-0" : "-", month);
  if (day > 0) absl::StrAppend(&out, day < 10 ? "-0" : "-", day);
  return out;
}

// What follows a year ending at `*at`: ".10", ".3.12" (with 월 or 일 after them), "년 3월" or
// "년 3월 12일". Advances `*at` past the unit word; false when none of these follows (a bare
// year, "'23년", is no date).
bool ReadMonthDay(std::string_view s, size_t* at, int* month, int* day) {
  size_t i = *at;
  *month = *day = 0;
  if (Consume(s, &i, ".")) {
    if (!ReadDigits(s, &i, 2, month)) return false;
    size_t d = i;
    if (Consume(s, &d, ".") && ReadDigits(s, &d, 2, day)) {
      i = d;
      Consume(s, &i, "일");
    } else {
      *day = 0;
      Consume(s, &i, "월");
    }
  } else if (Consume(s, &i, "년")) {
    Consume(s, &i, " ");
    if (!ReadDigits(s, &i, 2, month) || !Consume(s, &i, "월")) return false;
    size_t d = i;
    Consume(s, &d, " ");
    if (ReadDigits(s, &d, 2, day) && Consume(s, &d, "일"))
      i = d;
    else
      *day = 0;
  } else {
    return false;
  }
  if (*month < 1 || *month > 12 || *day > 31) return false;
  *at = i;
  return true;
}

// Whether one of `words` (lexicon form: "_" at either end is a space) follows `at`, after
// optional spaces.
bool FollowedBy(std::string_view s, size_t at, const std::vector<std::string>& words) {
  while (at < s.size() && s[at] == ' ') ++at;
  for (const std::string& w : words) {
    if (s.substr(at, w.size()) == w) return true;
  }
  return false;
}

// The clause of `text` (split after each of `ends`) that holds [begin, end).
std::pair<size_t, size_t> ClauseOf(std::string_view text, size_t begin, size_t end,
                                   const std::vector<std::string>& ends) {
  size_t from = 0, to = text.size();
  for (const std::string& e : ends) {
    for (size_t at = text.find(e); at != std::string_view::npos; at = text.find(e, at + 1)) {
      if (at + e.size() <= begin) from = std::max(from, at + e.size());
      if (at >= end) {
        to = std::min(to, at);
        break;
      }
    }
  }
  return {from, to};
}

// The mention of `e` inside `evidence` nearest to `near` (the first one when `near` is npos),
// as offsets into the evidence; false when `e` has none there.
bool MentionIn(const Entity& e, Span evidence, size_t near, Span* out) {
  bool found = false;
  size_t best = 0;
  for (const Span& m : e.mentions) {
    if (m.begin < evidence.begin || m.end > evidence.end) continue;
    const size_t b = m.begin - evidence.begin;
    const size_t distance = near == std::string_view::npos ? b : (b > near ? b - near : near - b);
    if (!found || distance < best) {
      found = true;
      best = distance;
      *out = {static_cast<uint32_t>(b), static_cast<uint32_t>(m.end - evidence.begin)};
    }
  }
  return found;
}

// Out of line: inlined into the pass, GCC 12 takes the moved-from variant for uninitialised
// (-Wmaybe-uninitialized).
[[gnu::noinline]] void AddProp(Relation* r, const char* key, graph::Value value) {
  r->props.emplace_back(key, std::move(value));
}

bool HasProp(const Relation& r, std::string_view key) {
  return std::any_of(r.props.begin(), r.props.end(), [&](const auto& p) { return p.first == key; });
}

// The date of a clause [from, to) of `text` whose anchor (npos: none) starts at `anchor`, among
// `dates` (see qualifiers.h), or null.
const TextDate* ClauseDate(const Bundle::Impl& b, std::string_view text,
                           const std::vector<TextDate>& dates, size_t from, size_t to,
                           size_t anchor) {
  std::vector<const TextDate*> in_clause, lasting;
  for (const TextDate& d : dates) {
    if (d.begin < from || d.end > to || FollowedBy(text, d.end, b.date_skip_words)) continue;
    in_clause.push_back(&d);
    if (!FollowedBy(text, d.end, b.date_start_words)) lasting.push_back(&d);
  }
  if (lasting.empty()) lasting = in_clause;
  if (lasting.size() == 1) return lasting[0];
  const TextDate* chosen = nullptr;
  if (anchor != std::string_view::npos) {
    for (const TextDate* d : lasting) {
      if (d->end <= anchor) chosen = d;
    }
  }
  return chosen;
}

}  // namespace

std::optional<double> ParseKoreanAmount(std::string_view s) {
  double total = 0, current = 0;
  bool any = false;
  std::string digits;
  auto flush_digits = [&]() {
    if (digits.empty()) return;
    double v = 0;
    if (absl::SimpleAtod(digits, &v)) current += v;
    digits.clear();
    any = true;
  };
  for (size_t i = 0; i < s.size();) {
    char c = s[i];
    if ((c >= '0' && c <= '9') || c == '.') {
      digits.push_back(c);
      ++i;
      continue;
    }
    if (c == ',' || c == ' ') {
      ++i;
      continue;
    }
    int len = 0;
    uint32_t cp = CodePointAt(s, i, &len);
    flush_digits();
    double unit = cp == U'조'   ? 1e12
                  : cp == U'억' ? 1e8
                  : cp == U'만' ? 1e4
                  : cp == U'천' ? 1e3
                                : 0;
    if (unit > 0) {
      total += (current == 0 ? 1 : current) * unit;
      current = 0;
    }
    i += len;
  }
  flush_digits();
  if (!any) return std::nullopt;
  return total + current;
}

std::string CurrencyCode(std::string_view s) {
  static const std::pair<std::string_view, std::string_view> kCodes[] = {
      {"달러", "USD"},       {"유로", "EUR"},        {"엔", "JPY"},   {"위안", "CNY"},
      {"원", "KRW"},         {"파운드", "GBP"},      {"루피", "INR"}, {"호주달러", "AUD"},
      {"캐나다달러", "CAD"}, {"덴마크크로네", "DKK"}};
  for (const auto& [k, v] : kCodes) {
    if (s == k) return std::string(v);
  }
  return std::string(s);
}

std::vector<TextDate> FindDates(std::string_view s) {
  std::vector<TextDate> out;
  for (size_t i = 0; i < s.size(); ++i) {
    size_t at = i;
    int year = 0, month = 0, day = 0;
    if (s[i] == '\'' || s.substr(i, 3) == "’") {
      // '25.3.12, '24.10월, '25년 3월: a two-digit year after an apostrophe.
      at += s[i] == '\'' ? 1 : 3;
      const size_t digits = at;
      if (!ReadDigits(s, &at, 2, &year) || at - digits != 2) continue;
      year += 2000;
    } else if (IsDigit(s[i]) && (i == 0 || (!IsDigit(s[i - 1]) && s[i - 1] != '.'))) {
      // 2025.01.30, 2025년 3월: a four-digit year of this century or the last.
      if (!ReadDigits(s, &at, 4, &year) || at - i != 4 || year < 1900 || year >= 2100) continue;
    } else {
      continue;
    }
    if (!ReadMonthDay(s, &at, &month, &day)) continue;
    out.push_back({i, at, Iso(year, month, day)});
    i = at - 1;
  }
  return out;
}

void AttachClauseQualifiers(const Bundle::Impl& b, Extraction* x) {
  if (b.clause_qualifier_edges.empty()) return;
  for (Relation& r : x->relations) {
    if (r.evidence.end <= r.evidence.begin ||
        std::find(b.clause_qualifier_edges.begin(), b.clause_qualifier_edges.end(), r.edge) ==
            b.clause_qualifier_edges.end()) {
      continue;
    }
    auto sig = b.edges.find(r.edge);
    if (sig == b.edges.end()) continue;
    const EdgeSignature& edge = sig->second;
    const bool want_date = edge.takes_date && !HasProp(r, "date");
    const bool want_year = edge.takes_year && !HasProp(r, "year");
    const bool want_amount =
        edge.takes_amount && b.clause_amount_re != nullptr && !HasProp(r, "amount");
    if (!want_date && !want_year && !want_amount) continue;
    const std::string_view text = x->Text(r.evidence);
    // The anchor: the later of the object's first mention and the subject's nearest to it.
    Span object{}, subject{};
    const bool has_object =
        MentionIn(x->entities[r.object], r.evidence, std::string_view::npos, &object);
    const bool has_subject =
        MentionIn(x->entities[r.subject], r.evidence,
                  has_object ? object.begin : std::string_view::npos, &subject);
    size_t anchor = std::string_view::npos, from = 0, to = text.size();
    if (has_object || has_subject) {
      const Span a =
          !has_subject || (has_object && object.begin >= subject.begin) ? object : subject;
      anchor = a.begin;
      std::tie(from, to) = ClauseOf(text, a.begin, a.end, b.triggers.clause_ends);
    }
    if (want_date || want_year) {
      std::vector<TextDate> dates = FindDates(text.substr(from, to - from));
      for (TextDate& d : dates) {
        d.begin += from;
        d.end += from;
      }
      const TextDate* d = ClauseDate(b, text, dates, from, to, anchor);
      int64_t year = 0;
      if (d != nullptr && want_date) {
        AddProp(&r, "date", graph::Value(d->iso));
      }
      if (d != nullptr && want_year && absl::SimpleAtoi(d->iso.substr(0, 4), &year)) {
        AddProp(&r, "year", graph::Value(year));
      }
    }
    if (want_amount) {
      // Tried anchored at each number's first digit: an unanchored search with captures would
      // build RE2's reverse program and cost more than the rest of this pass.
      const re2::StringPiece clause(text.data(), to);
      re2::StringPiece groups[3];
      int found = 0;
      std::string amount, currency;
      for (size_t i = from; i < to && found < 2; ++i) {
        if (!IsDigit(text[i]) ||
            (i > from && (IsDigit(text[i - 1]) || text[i - 1] == ',' || text[i - 1] == '.'))) {
          continue;
        }
        if (!b.clause_amount_re->Match(clause, i, to, RE2::ANCHOR_START, groups, 3)) continue;
        ++found;
        amount.assign(groups[1].data(), groups[1].size());
        currency.assign(groups[2].data(), groups[2].size());
        i = groups[0].data() + groups[0].size() - text.data() - 1;
      }
      const std::optional<double> v = found == 1 ? ParseKoreanAmount(amount) : std::nullopt;
      if (v.has_value()) {
        AddProp(&r, "amount", graph::Value(v.value()));
        AddProp(&r, "currency", graph::Value(CurrencyCode(currency)));
      }
    }
  }
}

}  // namespace kg::ingest
