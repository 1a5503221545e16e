// Qualifiers a relation takes from its clause rather than from its rule: date, year, amount.
//
// A rule's {DATE} or {AMOUNT} captures a qualifier where its pattern has room for one, but the
// sentences that state a dated or costed fact put it where their verb's adverbs and objects go,
// whatever rule or trigger frame finds the relation:
//
//   일본은 '24.5월 「수소사회추진법」을 제정            (the clause's date, then the object)
//   (Inflation Reduction Act) '22.8월 바이든 대통령이 서명한 법   (a relative clause)
//   ... 행정명령에 서명('25.2.1)                         (a bracketed date after the verb)
//   DOE는 '22.12월 A에 25억 달러, '23.6월 B에 92억 달러를 각각 승인   (one clause per object)
//
// So edges.tsv names, per edge, the qualifiers it takes from its clause (`date`, `year`,
// `amount`; ENACTS takes a date in the default schema, FUNDS a year and an amount), and a
// relation of such an edge that does not carry one yet takes the one written in its own clause:
//
//  - its clause: the relation's *anchor* is the later of its object's first mention in the
//    evidence and its subject's mention nearest to that (Korean puts a clause's adverbs and
//    amounts with the argument they go with: "A에는 X가 80억 달러를, Y가 30억 달러를 투자"),
//    or the one of them that is there; its clause is the part of the evidence around the
//    anchor between two of triggers.tsv's `@clause` endings ("고 ", "며 ", ", "...); with
//    neither end in the evidence, the whole evidence;
//  - date: the dates of the clause, without those followed by a lexicon `date_skip` word
//    ("'30년까지", "'24.9월 기준": a deadline, a reference date). One date is the relation's;
//    of several, those followed by a `date_start` word ("'25.2.4일부터 부과하는 ... 서명
//    ('25.2.1)": when a measure takes effect, not when it was made) yield to the others, and of
//    several still, the last one before the anchor is the relation's ("'24.8월 화재를 계기로
//    '24.9월 「대책」을 발표"), else none;
//  - year: the year of the date chosen so (a bare year, "'30년 ... 목표", is more often a target
//    than the date of the clause's event);
//  - amount: the clause's amount ({AMOUNT}: "75억 4,000만 달러") when it has exactly one.
//
// Dates are read as the issue writes them, into ISO: '25.3.12 -> 2025-03-12, '24.10(월) ->
// 2024-10, 2025.01.30 -> 2025-01-30, 2025년 3월 (12일) -> 2025-03(-12).
#ifndef KG_INGEST_QUALIFIERS_H_
#define KG_INGEST_QUALIFIERS_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/internal.h"

namespace kg::ingest {

// An amount and its currency, as the {AMOUNT} macro of relation rules and the amount qualifier
// read them: groups "amount" (digits with 만/억/조/천) and "currency" (a currency word).
inline constexpr char kAmountPattern[] =
    "(?:약 |총 )?(?P<amount>\\d[\\d,]*(?:\\.\\d+)?(?: ?[조억만천] ?(?:\\d[\\d,]*(?:\\.\\d+)?)?)*)"
    " ?(?P<currency>달러|호주달러|캐나다달러|유로|엔|위안|원|파운드|루피|덴마크크로네"
    "|USD|EUR|JPY)";

// Korean amounts: "5,000억" -> 5e11, "75억 4,000만" -> 7.54e9, "1억 8,350만" -> 1.835e8.
std::optional<double> ParseKoreanAmount(std::string_view s);

// The ISO code of a currency word of kAmountPattern ("달러" -> "USD"); other words as they are.
std::string CurrencyCode(std::string_view s);

// A date written in text: [begin, end) covers the date and its unit word (월, 일), if any.
struct TextDate {
  size_t begin = 0;
  size_t end = 0;
  std::string iso;  // 2025-03-12, 2024-10
};

// Every date of `text` with at least a month, in text order.
std::vector<TextDate> FindDates(std::string_view text);

// Gives each relation of `x` the qualifiers its edge takes from its clause (edges.tsv) that it
// does not carry yet (see above). Relations of other edges are left as they are.
void AttachClauseQualifiers(const Bundle::Impl& bundle, Extraction* x);

}  // namespace kg::ingest

#endif  // KG_INGEST_QUALIFIERS_H_
