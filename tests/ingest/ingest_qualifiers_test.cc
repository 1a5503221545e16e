// Qualifiers a relation takes from its clause (ingest/qualifiers.h): the dates the briefs write,
// which clause is a relation's, and which of several dates or amounts it takes.
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "ingest/ingest.h"
#include "ingest/qualifiers.h"
#include "shipped_bundle_test.h"

namespace kg::ingest {
namespace {

std::vector<std::string> IsoDates(std::string_view text) {
  std::vector<std::string> out;
  for (const TextDate& d : FindDates(text)) out.push_back(d.iso);
  return out;
}

TEST(FindDatesTest, ReadsTheBriefsDateFormsIntoIso) {
  EXPECT_EQ(IsoDates("'25.3.12일부터, '24.10월, 서명('25.2.1), '22.6"),
            (std::vector<std::string>{"2025-03-12", "2024-10", "2025-02-01", "2022-06"}));
  EXPECT_EQ(IsoDates("(Reuters, 2025.01.30.) 2024.9.3 발표"),
            (std::vector<std::string>{"2025-01-30", "2024-09-03"}));
  EXPECT_EQ(IsoDates("2025년 3월 발표, 2024년 11월 5일 시행, ’23.7월"),
            (std::vector<std::string>{"2025-03", "2024-11-05", "2023-07"}));
  // A bare year, a version number, a decimal, a month out of range, a three-digit "year" and a
  // range of months are no dates.
  EXPECT_EQ(IsoDates("'23년 기준, Zentra 2.0, 3.5%, 1.21%, '24.13월, '123.4, '24년 1~10월"),
            std::vector<std::string>{});
  // The span covers the unit word, so what follows it can be read.
  std::vector<TextDate> d = FindDates("x '25.2.4일부터");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(std::string_view("x '25.2.4일부터").substr(d[0].end), "부터");
}

// A hand-made bundle part and extraction: the edges, clause endings and date words the pass
// reads, and entities whose mentions sit where the text names them.
class ClauseQualifiersTest : public ::testing::Test {
 protected:
  ClauseQualifiersTest() {
    EdgeSignature enacts;
    enacts.takes_date = true;
    EdgeSignature funds;
    funds.takes_year = funds.takes_amount = true;
    b_.edges["ENACTS"] = enacts;
    b_.edges["FUNDS"] = funds;
    b_.edges["LEADS"] = EdgeSignature();
    b_.clause_qualifier_edges = {"ENACTS", "FUNDS"};
    b_.clause_amount_re = std::make_unique<re2::RE2>(kAmountPattern);
    b_.triggers.clause_ends = {"고 ", "며 ", ", "};
    b_.date_skip_words = {"까지", "기준"};
    b_.date_start_words = {"부터"};
  }

  // Sets the text; each name becomes an entity with a mention at each of its occurrences.
  void SetText(const std::string& text, const std::vector<std::string>& names) {
    x_ = Extraction();
    x_.document.text = text;
    for (const std::string& n : names) {
      Entity e;
      e.name = n;
      for (size_t at = text.find(n); at != std::string::npos; at = text.find(n, at + 1)) {
        e.mentions.push_back({static_cast<uint32_t>(at), static_cast<uint32_t>(at + n.size())});
      }
      x_.entities.push_back(e);
    }
  }

  // Relates entities s and o (indices) with the whole text as evidence.
  void Relate(int s, const std::string& edge, int o) {
    Relation r;
    r.subject = s;
    r.edge = edge;
    r.object = o;
    r.evidence = {0, static_cast<uint32_t>(x_.document.text.size())};
    x_.relations.push_back(r);
  }

  // "key=value" of each relation's props, after the pass.
  std::vector<std::string> Props() {
    AttachClauseQualifiers(b_, &x_);
    std::vector<std::string> out;
    for (const Relation& r : x_.relations) {
      std::string s;
      for (const auto& [k, v] : r.props) {
        s += (s.empty() ? "" : " ") + k + "=" +
             (v.is_string()   ? v.as_string()
              : v.is_double() ? std::to_string(v.as_double())
                              : std::to_string(v.ToInt64()));
      }
      out.push_back(s);
    }
    return out;
  }

  Bundle::Impl b_;
  Extraction x_;
};

TEST_F(ClauseQualifiersTest, OneDateInTheClauseIsTheRelations) {
  SetText("- 일본은 '24.5월 「수소법」을 제정해 '30년까지 보급을 확대", {"일본", "수소법"});
  Relate(0, "ENACTS", 1);
  EXPECT_EQ(Props(), std::vector<std::string>{"date=2024-05"});
}

TEST_F(ClauseQualifiersTest, TheObjectsClauseNotAnotherClausesDate) {
  // Split at "고 ": the measure announced on 7.3, in force from 8.1.
  SetText("상무부는 '26.7.3일 수출 허가제를 발표하고 '26.8.1일부터 시행",
          {"상무부", "수출 허가제"});
  Relate(0, "ENACTS", 1);
  EXPECT_EQ(Props(), std::vector<std::string>{"date=2026-07-03"});
}

TEST_F(ClauseQualifiersTest, AStartDateYieldsToTheDateTheMeasureWasMade) {
  SetText("한국은 '25.3월부터 인증제를 시행", {"한국", "인증제"});  // alone, it is the date
  Relate(0, "ENACTS", 1);
  EXPECT_EQ(Props(), std::vector<std::string>{"date=2025-03"});
  SetText("총리는 '26.3.4일부터 관세를 부과하는 행정명령에 서명('26.3.1)", {"총리", "관세"});
  Relate(0, "ENACTS", 1);
  EXPECT_EQ(Props(), std::vector<std::string>{"date=2026-03-01"});
}

TEST_F(ClauseQualifiersTest, OfTwoDatesTheLastBeforeTheAnchorAndNoneAfterIt) {
  SetText("정부는 '24.8월 화재를 계기로 '24.9월 안전대책을 발표", {"정부", "안전대책"});
  Relate(0, "ENACTS", 1);
  EXPECT_EQ(Props(), std::vector<std::string>{"date=2024-09"});
  SetText("정부는 안전대책을 '24.8월 발표한 뒤 '24.9월 개정", {"정부", "안전대책"});
  Relate(0, "ENACTS", 1);
  EXPECT_EQ(Props(), std::vector<std::string>{""});  // both after it, in one clause
  SetText("정부는 안전대책을 '24.8월 발표하고 '24.9월 개정", {"정부", "안전대책"});
  Relate(0, "ENACTS", 1);
  EXPECT_EQ(Props(), std::vector<std::string>{"date=2024-08"});  // "고 " ends its clause
}

TEST_F(ClauseQualifiersTest, SkippedDatesAndUnflaggedEdgesTakeNothing) {
  SetText("정부는 '24.9월 기준 안전대책을 유지", {"정부", "안전대책"});
  Relate(0, "ENACTS", 1);
  Relate(0, "LEADS", 1);  // edges.tsv gives LEADS no qualifier
  EXPECT_EQ(Props(), (std::vector<std::string>{"", ""}));
  // A date the rule gave stays.
  SetText("정부는 '24.9월 안전대책을 발표", {"정부", "안전대책"});
  Relate(0, "ENACTS", 1);
  x_.relations[0].props.emplace_back("date", graph::Value("2024-10"));
  EXPECT_EQ(Props(), std::vector<std::string>{"date=2024-10"});
}

TEST_F(ClauseQualifiersTest, EachObjectTakesTheYearAndAmountOfItsOwnClause) {
  SetText(
      "- 에너지부는 '22.12월 알파셀에 25억 달러, '23.6월 베타온에 75억 4,000만 달러를 각각 승인",
      {"에너지부", "알파셀", "베타온"});
  Relate(0, "FUNDS", 1);
  Relate(0, "FUNDS", 2);
  EXPECT_EQ(Props(), (std::vector<std::string>{"year=2022 amount=2500000000.000000 currency=USD",
                                               "year=2023 amount=7540000000.000000 currency=USD"}));
}

TEST_F(ClauseQualifiersTest, TheLaterEndPicksTheClauseAndTwoAmountsGiveNone) {
  // "A에는 X가 80억 달러를, Y가 30억 달러를": each investor's amount is in its own clause.
  SetText("노바랩에는 케이텍이 80억 달러를, 제타가 30억 유로 안팎을 투자",
          {"노바랩", "케이텍", "제타"});
  Relate(1, "FUNDS", 0);
  Relate(2, "FUNDS", 0);
  EXPECT_EQ(Props(), (std::vector<std::string>{"amount=8000000000.000000 currency=USD",
                                               "amount=3000000000.000000 currency=EUR"}));
  SetText("상무부는 감마칩에 보조금 66억 달러와 대출 50억 달러를 지원", {"상무부", "감마칩"});
  Relate(0, "FUNDS", 1);
  EXPECT_EQ(Props(), std::vector<std::string>{""});
}

// The shipped bundle: ENACTS takes its clause's date whichever rule or frame found it.
class ShippedClauseDatesTest : public ShippedBundleTest {};

TEST_F(ShippedClauseDatesTest, AnEnactedLawTakesTheDateOfItsClause) {
  Extraction x = Run("- (독일) 독일은 '23.7월 「수소가속법」을 제정하고, '24.1월부터 시행\n");
  const Relation* found = nullptr;
  for (const Relation& r : x.relations) {
    if (r.edge == "ENACTS" && x.entities[r.subject].name == "Germany") found = &r;
  }
  ASSERT_NE(found, nullptr) << Explain(x);
  EXPECT_NE(Explain(x).find("-ENACTS-> 수소가속법 date=\"2023-07\""), std::string::npos)
      << Explain(x);
}

TEST(EdgeFlagsTest, AnUnknownEdgeFlagIsAnErrorNamingTheLine) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(::testing::TempDir()) / "edge_flag_bundle";
  fs::remove_all(dir);
  fs::copy(KG_INGEST_TEST_DATA, dir, fs::copy_options::recursive);
  std::ofstream(dir / "edges.tsv", std::ios::app) << "SELLS\tCompany\tProduct\tdate,price\n";
  auto bundle = Bundle::Load(dir.string());
  const int lines = [&] {
    std::ifstream in(dir / "edges.tsv");
    int n = 0;
    for (std::string l; std::getline(in, l);) ++n;
    return n;
  }();
  fs::remove_all(dir);
  ASSERT_FALSE(bundle.ok());
  EXPECT_NE(bundle.status().message().find("edges.tsv:" + std::to_string(lines) +
                                           ": unknown edge flag price"),
            std::string::npos)
      << bundle.status();
}

}  // namespace
}  // namespace kg::ingest
