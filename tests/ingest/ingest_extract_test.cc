// The built-in extractor on short texts: gazetteer, signals, resolution, rules, qualifiers.
#include <algorithm>
#include <filesystem>
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ingest/ingest.h"
#include "tests/ingest/shipped_bundle_test.h"

namespace kg::ingest {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Not;

class ExtractTest : public ShippedBundleTest {
 protected:
  static const Entity* Find(const Extraction& x, const std::string& label, const std::string& name) {
    for (const Entity& e : x.entities) {
      if (e.label == label && e.name == name) return &e;
    }
    return nullptr;
  }

  static const Relation* FindRel(const Extraction& x, const std::string& s, const std::string& p,
                                 const std::string& o) {
    for (const Relation& r : x.relations) {
      if (r.subject >= 0 && r.object >= 0 && x.entities[r.subject].name == s && r.edge == p &&
          x.entities[r.object].name == o) {
        return &r;
      }
    }
    return nullptr;
  }

  static const graph::Value* Prop(const Relation& r, const std::string& key) {
    for (const auto& [k, v] : r.props) {
      if (k == key) return &v;
    }
    return nullptr;
  }

};

// A dictionary brand and the model after it name the model, a product of its own; a dotted
// version is a release of the brand's product; a spelled-out longer name is its own entity,
// typed by its cues or as the brand is. A year, a measure or a count after a brand is none.
TEST_F(ExtractTest, ABrandAndItsModelNameTheModel) {
  Extraction x =
      Run("- 삼성전자는 갤럭시 S25를 출시했고 엑시노스 2400이 들어갔다\n"
          "- 퀄컴 스냅드래곤 8 엘리트(Snapdragon 8 Elite)는 TSMC가 생산\n"
          "- 독일 칼자이스 SMT(Carl Zeiss SMT)는 반사 광학계를 공급\n"
          "- 메타는 라마 3.2(Llama 3.2) 경량 모델을 공개\n"
          "- 갤럭시 2025년 판매는 늘었고 갤럭시 판매점도 늘었으며 HALEU 20kg을 확보했으며 엔비디아 "
          "H800 "
          "2,048개로 학습\n");
  for (const char* model : {"갤럭시 S25", "엑시노스 2400", "Snapdragon 8 Elite"}) {
    const Entity* e = Find(x, "Product", model);
    ASSERT_NE(e, nullptr) << model;
    EXPECT_EQ(e->rule, "signal:brand-model") << model;
  }
  EXPECT_THAT(Find(x, "Product", "Snapdragon 8 Elite")->aliases, Contains("스냅드래곤 8 엘리트"));
  const Entity* zeiss = Find(x, "Company", "Carl Zeiss SMT");
  ASSERT_NE(zeiss, nullptr);
  EXPECT_THAT(zeiss->aliases, Contains("칼자이스 SMT"));
  EXPECT_EQ(Find(x, "Company", "Carl Zeiss"), nullptr);
  const Entity* llama = Find(x, "Product", "Llama 3");
  ASSERT_NE(llama, nullptr);
  EXPECT_THAT(llama->aliases, Contains("라마 3.2"));
  const Entity* galaxy = Find(x, "Product", "Samsung Galaxy");
  ASSERT_NE(galaxy, nullptr);
  EXPECT_THAT(galaxy->aliases, ElementsAre("갤럭시"));
  for (const Entity& e : x.entities) {
    for (const char* none : {"엘리트", "갤럭시 2025", "HALEU 20kg", "H800 2"}) {
      EXPECT_THAT(e.aliases, Not(Contains(none))) << e.name;
    }
  }
}

// "EUV 장비 NXE:3800E를", "개량 모델인 K2PL로": a code right after a model head is a model;
// a short code there ("시리즈 C-1", a funding round) and a measure ("TSMC 3nm", "NPU
// 48TOPS") or a share ("Reach Nearly 60%") name nothing.
TEST_F(ExtractTest, ACodeAfterAModelHeadIsAModel) {
  Extraction x =
      Run("- 라피더스는 EUV 장비 NXE:3800E를 들여왔고, 현대로템은 개량 모델인 K2PL로 제작\n"
          "- 아마존이 시리즈 C-1 투자를 주도했고 인텔은 48TOPS NPU를, 코어 칩은 TSMC 3nm 생산\n"
          "- 표: 인텔 설계, NPU 48TOPS, TSMC 3nm 생산\n"
          "(참고 : IDC, AI PCs Forecast to Reach Nearly 60% of PC Shipments by 2027)\n");
  EXPECT_NE(Find(x, "Product", "NXE:3800E"), nullptr);
  EXPECT_NE(Find(x, "Product", "K2PL"), nullptr);
  for (const Entity& e : x.entities) {
    for (const char* none : {"C-1", "3nm", "NPU 48TOPS", "48TOPS", "Reach Nearly 60"}) {
      EXPECT_THAT(e.aliases, Not(Contains(none))) << e.name;
    }
  }
}

// "Project Cypress", "프로젝트 사이프러스": a name that starts with a head noun English puts
// first (lexicon prefix) takes its label; a common noun phrase is no name.
TEST_F(ExtractTest, ANameStartingWithAPrefixHeadTakesItsLabel) {
  Extraction x =
      Run("- 에너지부는 '프로젝트 사이프러스(Project Cypress)'를 허브로 선정했고, "
          "CCS 프로젝트 9건을 지원\n");
  const Entity* cypress = Find(x, "Program", "Project Cypress");
  ASSERT_NE(cypress, nullptr);
  EXPECT_THAT(cypress->aliases, Contains("프로젝트 사이프러스"));
  for (const Entity& e : x.entities)
    EXPECT_THAT(e.aliases, Not(Contains("프로젝트 9건"))) << e.name;
}

// Text with the bytes of a placeholder ("\x01INDEX:Label\x02") names no entity it does not
// name: cleaned, they are spaces; given to Extract uncleaned, an index past the document's
// entities is ignored (it once read past the end of the entity list).
TEST_F(ExtractTest, ForgedPlaceholdersNameNothing) {
  const std::string text =
      "- 엔비디아는 \x01" "99999999:Technology\x02 기술을 개발한다.\n"
      "- 엔비디아는 미국 \x01" "123456789012345678901234:Company\x02와 파트너십을 체결했다.\n";
  Extraction cleaned = Run(text);
  for (const Relation& r : cleaned.relations) {
    ASSERT_LT(r.object, static_cast<int>(cleaned.entities.size()));
    EXPECT_EQ(cleaned.entities[r.subject].name, "NVIDIA") << r.edge;
  }
  Document d;
  d.id = "raw";
  d.text = text;
  auto raw = Extractor(*bundle_).Extract(d);
  ASSERT_TRUE(raw.ok()) << raw.status();
  for (const Relation& r : raw->relations) {
    EXPECT_GE(r.subject, 0);
    EXPECT_LT(r.subject, static_cast<int>(raw->entities.size()));
    EXPECT_GE(r.object, 0);
    EXPECT_LT(r.object, static_cast<int>(raw->entities.size()));
  }
}

TEST_F(ExtractTest, BundleLoadsCountriesFromIcuAndRules) {
  EXPECT_GT((*bundle_)->DictionaryEntries(), 700u);  // ~250 ICU regions + the dictionaries
  EXPECT_GT((*bundle_)->RuleCount(), 40u);
  EXPECT_TRUE((*bundle_)->HasEdgeLabel("HAS_RESERVES"));
  EXPECT_FALSE((*bundle_)->HasVertexLabel("Planet"));
}

// Every rule's cost is listed once, relation rules first; a relaxed program is never larger than
// its exact one, and the rules with long bounded gaps are cheaper relaxed.
TEST_F(ExtractTest, RuleCostsListEveryRuleWithItsProgramSizes) {
  const std::vector<Bundle::RuleCost> costs = (*bundle_)->RuleCosts();
  const size_t relations =
      std::count_if(costs.begin(), costs.end(), [](const auto& c) { return c.kind == "relation"; });
  EXPECT_EQ(relations, (*bundle_)->RuleCount());
  ASSERT_GT(costs.size(), relations);  // the entity rules after them
  EXPECT_EQ(costs[relations].kind, "entity");
  size_t cheaper_relaxed = 0;
  for (const Bundle::RuleCost& c : costs) {
    EXPECT_GT(c.program_size, 0) << c.id;
    EXPECT_LE(c.program_size, c.exact_program_size) << c.id;
    if (c.program_size < c.exact_program_size) ++cheaper_relaxed;
  }
  EXPECT_GT(cheaper_relaxed, 10u);
}

// The shipped rules stay cheap to try: past 512 instructions a program leaves RE2's BitState and
// costs its DFA and NFA on every match (bench/README.md, sessions 13 and 14); split a larger rule.
TEST_F(ExtractTest, ShippedRulesStayUnderTheProgramBudget) {
  constexpr int kBudget = 1024;
  for (const Bundle::RuleCost& c : (*bundle_)->RuleCosts())
    EXPECT_LE(c.program_size, kBudget) << c.id << " (kg_extract --rule-costs)";
}

TEST_F(ExtractTest, MissingBundleDirectoryIsNotFound) {
  EXPECT_EQ(Bundle::Load("/nonexistent/bundle").status().code(), absl::StatusCode::kNotFound);
}

// A lexicon phrase head gives a label; one without a label is an error naming its line.
TEST_F(ExtractTest, APhraseHeadWithoutALabelIsAnError) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(::testing::TempDir()) / "phrase_head_bundle";
  fs::remove_all(dir);
  fs::copy(KG_INGEST_TEST_DATA, dir, fs::copy_options::recursive);
  const size_t lines = [&] {
    std::ifstream in(dir / "lexicon.tsv");
    size_t n = 0;
    for (std::string l; std::getline(in, l);) ++n;
    return n;
  }();
  std::ofstream(dir / "lexicon.tsv", std::ios::app) << "phrase_head\t배터리\n";
  auto bad = Bundle::Load(dir.string());
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("lexicon.tsv:" + std::to_string(lines + 1) +
                                        ": phrase_head needs a LABEL"),
            std::string::npos)
      << bad.status();
  fs::remove_all(dir);
}

TEST_F(ExtractTest, AliasesWithParticlesResolveToOneEntity) {
  Extraction x = Run("엔비디아는 신제품을 공개했으며, NVIDIA의 매출과 엔비디아를 둘러싼 전망이 나왔다.");
  const Entity* e = Find(x, "Company", "NVIDIA");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->mentions.size(), 3u);
  EXPECT_NE(std::find(e->aliases.begin(), e->aliases.end(), "엔비디아"), e->aliases.end());
  EXPECT_EQ(std::count_if(x.entities.begin(), x.entities.end(),
                          [](const Entity& en) { return en.label == "Company"; }),
            1);
}

TEST_F(ExtractTest, CountriesFromIcuInKoreanEnglishAndHanja) {
  Extraction x = Run("프랑스와 Brazil, 그리고 美 정부와 獨 기업이 참여했다.");
  EXPECT_NE(Find(x, "Country", "France"), nullptr);
  EXPECT_NE(Find(x, "Country", "Brazil"), nullptr);
  EXPECT_NE(Find(x, "Country", "United States"), nullptr);
  EXPECT_NE(Find(x, "Country", "Germany"), nullptr);
}

// The eight Hanja abbreviations of the briefs, and a country countries.tsv does not list (ICU's
// display names alone: 우루과이 / Uruguay) in both languages, are one entity each.
TEST_F(ExtractTest, EveryHanjaAbbreviationAndIcuOnlyCountries) {
  Extraction x =
      Run("- 美 정부와 日 정부, 中 상무부\n- 臺 TSMC, 英 정부\n- 獨 기업과 佛 기업, 韓 정부\n"
          "- 우루과이는 Uruguay의 한국어 이름\n");
  for (const char* c : {"United States", "Japan", "China", "Taiwan", "United Kingdom", "Germany",
                        "France", "South Korea"}) {
    EXPECT_NE(Find(x, "Country", c), nullptr) << c << "\n" << Explain(x);
  }
  const Entity* uruguay = Find(x, "Country", "Uruguay");
  ASSERT_NE(uruguay, nullptr) << Explain(x);
  EXPECT_EQ(uruguay->mentions.size(), 2u);
  EXPECT_EQ(uruguay->rule, "icu:countries");
}

TEST_F(ExtractTest, LatinNamesNeedWordBoundaries) {
  Extraction x = Run("Armada and ARMS are not Arm; Intelligent systems are everywhere.");
  EXPECT_NE(Find(x, "Company", "Arm"), nullptr);
  EXPECT_EQ(Find(x, "Company", "Intel"), nullptr);
  const Entity* arm = Find(x, "Company", "Arm");
  ASSERT_NE(arm, nullptr);
  EXPECT_EQ(arm->mentions.size(), 1u);
}

TEST_F(ExtractTest, KoreanNameMustStartAWord) {
  // "인도네시아" is Indonesia, not India + suffix; "수단" (means) is not Sudan.
  Extraction x = Run("인도네시아는 정책 수단을 확대했다.");
  EXPECT_NE(Find(x, "Country", "Indonesia"), nullptr);
  EXPECT_EQ(Find(x, "Country", "India"), nullptr);
  EXPECT_EQ(Find(x, "Country", "Sudan"), nullptr);
}

TEST_F(ExtractTest, UnknownNamesFromSignals) {
  Extraction x = Run(
      "- 퀀텀베일(QuantumVale)社가 전고체 배터리를 개발\n"
      "- 미국 스타트업 Voltaris Labs는 신규 공장을 건설\n");
  const Entity* q = Find(x, "Company", "QuantumVale");
  ASSERT_NE(q, nullptr);
  EXPECT_NE(std::find(q->aliases.begin(), q->aliases.end(), "퀀텀베일"), q->aliases.end());
  EXPECT_LT(q->confidence, 0.95);
  EXPECT_NE(Find(x, "Company", "Voltaris Labs"), nullptr);
  EXPECT_NE(FindRel(x, "QuantumVale", "DEVELOPS", "Solid-state battery"), nullptr);
  EXPECT_NE(FindRel(x, "Voltaris Labs", "BASED_IN", "United States"), nullptr);
}

// Names the dictionaries do not know, ending in a word that says what they are (lexicon.tsv's
// suffix list): the label comes from that word, with a lower confidence than a dictionary name.
TEST_F(ExtractTest, NamesEndingInANamingWordTakeItsLabelWithLowerConfidence) {
  Extraction x =
      Run("- 미국은 청정수소파트너십에 참여\n- 한빛재단은 신규 연구를 지원\n"
          "- 노바연구소는 신소재를 개발\n- 한국은 달탐사프로젝트를 추진\n"
          "- 한국은 미래칩프로그램에 참여\n- 미국 의회는 우주자원개발법을 통과\n");
  struct Want {
    const char* label;
    const char* name;
  } wants[] = {{"Program", "청정수소파트너십"}, {"Organization", "한빛재단"},
               {"Organization", "노바연구소"},  {"Program", "달탐사프로젝트"},
               {"Program", "미래칩프로그램"},   {"Policy", "우주자원개발법"}};
  const Entity* us = Find(x, "Country", "United States");
  ASSERT_NE(us, nullptr);
  for (const Want& w : wants) {
    const Entity* e = Find(x, w.label, w.name);
    ASSERT_NE(e, nullptr) << w.name << "\n" << Explain(x);
    EXPECT_EQ(e->rule, "signal:suffix") << w.name;
    EXPECT_LT(e->confidence, us->confidence) << w.name;
  }
  EXPECT_NE(FindRel(x, "United States", "PARTICIPATES_IN", "청정수소파트너십"), nullptr)
      << Explain(x);
}

// "X기업": 기업 is a bound noun written onto any noun, so a word ending in it is a company's name
// only when what comes before is no sector, activity or role word (lexicon `class_stem`:
// "물류기업", "위탁생산기업", "중소기업" are classes) and the word is not a modifier of the next
// one
// ("소부장기업 Zentrix", no particle before a word); "한빛 기업" with a space is no name.
TEST_F(ExtractTest, NamesEndingInGieopAreCompaniesUnlessTheStemIsAClassWord) {
  Extraction x = Run(
      "- 한빛기업은 신규 공장을 건설했다. 삼보기업이 부품을 공급하고 대한기업과 협력한다.\n"
      "- 중소기업은 지원을 받고 대기업은 투자를 늘렸다. 물류기업은 로봇을 도입했다.\n"
      "- 위탁생산기업으로 선정되었고 미국 바이오기업의 주가가 올랐다. 국영 광산기업이 참여했다.\n"
      "- 미국 소부장기업 Zentrix는 공장을 지었다. 한빛 기업은 새 제품을 내놓았다.\n"
      "- 한국은 '우려 바이오기업' 목록을 검토했다.\n");
  for (const char* name : {"한빛기업", "삼보기업", "대한기업"}) {
    const Entity* e = Find(x, "Company", name);
    ASSERT_NE(e, nullptr) << name << "\n" << Explain(x);
    EXPECT_EQ(e->rule, "signal:suffix") << name;
  }
  std::vector<std::string> company_names;
  for (const Entity& e : x.entities) {
    if (e.label == "Company") company_names.push_back(e.name);
  }
  EXPECT_THAT(company_names,
              ::testing::UnorderedElementsAre("한빛기업", "삼보기업", "대한기업", "Zentrix"))
      << Explain(x);
}

// Table rows "Name (Country)<TAB>": every such cell that starts a row or follows a matched cell,
// on the lines that hold one, and none in running text.
TEST_F(ExtractTest, TableRowsNameCompaniesWithTheirCountry) {
  Extraction x =
      Run("기업 목록\n"
          "Beta Motors (일본)\tXyz Corp (독일)\t자동차\n"
          "본문의 Gamma Works (미국) 언급\n"
          "Delta Labs (한국)\t소재\n");
  for (const char* name : {"Beta Motors", "Xyz Corp", "Delta Labs"}) {
    const Entity* e = Find(x, "Company", name);
    ASSERT_NE(e, nullptr) << name;
    EXPECT_EQ(e->rule, "signal:table-row") << name;
  }
  EXPECT_EQ(Find(x, "Company", "Gamma Works"), nullptr);
}

// A line without a sentence terminator is one unit; one with terminators is cut into sentences,
// and a relation's evidence is its sentence.
TEST_F(ExtractTest, SentencesSplitOnlyAtTerminators) {
  auto evidence = [](const Extraction& x, const Relation* r) {
    return x.document.text.substr(r->evidence.begin, r->evidence.end - r->evidence.begin);
  };
  Extraction one = Run("- 미국 스타트업 Voltaris Labs는 신규 공장을 건설\n");
  const Relation* r1 = FindRel(one, "Voltaris Labs", "BASED_IN", "United States");
  ASSERT_NE(r1, nullptr);
  EXPECT_EQ(evidence(one, r1), "- 미국 스타트업 Voltaris Labs는 신규 공장을 건설");
  Extraction two =
      Run("미국 스타트업 Voltaris Labs는 공장을 건설했다. 일본 정부는 지원을 약속했다.\n");
  const Relation* r2 = FindRel(two, "Voltaris Labs", "BASED_IN", "United States");
  ASSERT_NE(r2, nullptr);
  EXPECT_EQ(evidence(two, r2), "미국 스타트업 Voltaris Labs는 공장을 건설했다. ");
}

TEST_F(ExtractTest, FootnoteGivesTheFullNameOfTheMarkedTerm) {
  Extraction x = Run(
      "- 양국은 QXR* 규격을 공동으로 채택\n"
      " - * (Quantum Exchange Rail) 차세대 데이터 전송을 위한 표준\n");
  const Entity* e = Find(x, "Technology", "Quantum Exchange Rail");
  ASSERT_NE(e, nullptr) << Explain(x);
  EXPECT_NE(std::find(e->aliases.begin(), e->aliases.end(), "QXR"), e->aliases.end());
}

TEST_F(ExtractTest, ReservesWithShare) {
  Extraction x = Run("※ ▲(칠레) 세계 리튬 매장량의 약 33% 보유 ▲(호주) 세계 리튬 매장량의 20% 보유");
  const Relation* r = FindRel(x, "Chile", "HAS_RESERVES", "Lithium");
  ASSERT_NE(r, nullptr) << Explain(x);
  ASSERT_NE(Prop(*r, "share_pct"), nullptr);
  EXPECT_DOUBLE_EQ(Prop(*r, "share_pct")->as_double(), 33.0);
  const Relation* au = FindRel(x, "Australia", "HAS_RESERVES", "Lithium");
  ASSERT_NE(au, nullptr);
  EXPECT_DOUBLE_EQ(Prop(*au, "share_pct")->as_double(), 20.0);
  EXPECT_NE(x.Text(r->evidence).find("(칠레) 세계 리튬 매장량의 약 33%"), std::string_view::npos);
}

// Bullets of every kind (①, ②, ▪, ●, -) are structure: each starts a unit whose "(X)" head is
// its subject, and a head does not carry over to the next bullet.
TEST_F(ExtractTest, EveryBulletKindStartsAUnitWithItsOwnHead) {
  Extraction x =
      Run("광물 현황\n"
          "① (칠레) 세계 리튬 매장량의 약 33% 보유\n"
          "② 세계 구리 매장량의 약 10% 보유\n"
          "▪ (호주) 세계 리튬 매장량의 20% 보유\n"
          "● (페루) 세계 구리 매장량의 약 9% 보유\n"
          "- (인도네시아) 세계 니켈 매장량의 약 22% 보유\n");
  struct Want {
    const char* country;
    const char* mineral;
    double pct;
  } wants[] = {{"Chile", "Lithium", 33},
               {"Australia", "Lithium", 20},
               {"Peru", "Copper", 9},
               {"Indonesia", "Nickel", 22}};
  for (const Want& w : wants) {
    const Relation* r = FindRel(x, w.country, "HAS_RESERVES", w.mineral);
    ASSERT_NE(r, nullptr) << w.country << "\n" << Explain(x);
    EXPECT_DOUBLE_EQ(Prop(*r, "share_pct")->as_double(), w.pct) << w.country;
  }
  EXPECT_EQ(FindRel(x, "Chile", "HAS_RESERVES", "Copper"), nullptr) << Explain(x);
  const size_t reserves = std::count_if(x.relations.begin(), x.relations.end(),
                                        [](const Relation& r) { return r.edge == "HAS_RESERVES"; });
  EXPECT_EQ(reserves, 4u) << Explain(x);
}

TEST_F(ExtractTest, FundingAmountInKoreanUnitsWithCurrencyAndYear) {
  Extraction x = Run("- 에너지부(DOE)는 '24.12월 포드에 75억 4,000만 달러 규모의 대출을 승인");
  const Relation* r = FindRel(x, "U.S. Department of Energy", "FUNDS", "Ford");
  ASSERT_NE(r, nullptr) << Explain(x);
  ASSERT_NE(Prop(*r, "amount"), nullptr);
  EXPECT_DOUBLE_EQ(Prop(*r, "amount")->as_double(), 7.54e9);
  EXPECT_EQ(Prop(*r, "currency")->as_string(), "USD");
  EXPECT_EQ(r->rule, "funds.amount-to");
}

TEST_F(ExtractTest, ExportRestrictionOverACoordinatedList) {
  Extraction x = Run("- 텅스텐·안티모니 등 중국의 전략 광물 수출 제한 조치가 강화");
  EXPECT_NE(FindRel(x, "China", "RESTRICTS_EXPORT", "Tungsten"), nullptr) << Explain(x);
  EXPECT_NE(FindRel(x, "China", "RESTRICTS_EXPORT", "Antimony"), nullptr);
}

TEST_F(ExtractTest, PublisherAndItsCountryFromTheTitleLine) {
  Document d;
  d.id = "a";
  d.title = "반도체 공급망 점검";
  d.source = "Brookings";
  d.source_country = "美";
  d.published = "3.4";
  d.title_offset = 0;
  d.text = "반도체 공급망 점검 (美 Brookings, 3.4)\n- 본문";
  auto x = Extractor(*bundle_).Extract(d);
  ASSERT_TRUE(x.ok());
  EXPECT_EQ(x->entities[0].label, "Document");
  const Relation* p = FindRel(*x, "반도체 공급망 점검", "PUBLISHED_BY", "Brookings Institution");
  ASSERT_NE(p, nullptr) << Explain(*x);
  EXPECT_EQ(Prop(*p, "date")->as_string(), "3.4");
  EXPECT_NE(FindRel(*x, "Brookings Institution", "BASED_IN", "United States"), nullptr);
}

TEST_F(ExtractTest, BrokenUtf8DocumentIsRejected) {
  Document d;
  d.id = "bad";
  d.text = "ok \xE2\x82";
  auto x = Extractor(*bundle_).Extract(d);
  EXPECT_EQ(x.status().code(), absl::StatusCode::kInvalidArgument);
}

// A rule file a user adds to the bundle: its {DATE} reads the three date forms of the briefs
// ('25.3.12, 2025.01.30, '24.10) into an ISO "date" property, next to {AMOUNT} and {PCT}.
TEST_F(ExtractTest, AddedRuleFileWithDateAmountAndShareQualifiers) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(::testing::TempDir()) / "dated_rule_bundle";
  fs::remove_all(dir);
  fs::copy(KG_INGEST_TEST_DATA, dir, fs::copy_options::recursive);
  std::ofstream(dir / "rules" / "user_dated.json")
      << R"j([{"id": "user.dated-funding", "edge": "INVESTS_IN", "confidence": 0.5,)j"
      << R"j( "pattern": "{S:Country|Organization}{JS} {DATE}[^\\x01\\n]*? {O:Company}에 )j"
      << R"j({AMOUNT}(?:을|를) 지급\\(지분 {PCT}\\)"}])j";
  auto bundle = Bundle::Load(dir.string());
  fs::remove_all(dir);
  ASSERT_TRUE(bundle.ok()) << bundle.status();
  EXPECT_EQ((*bundle)->RuleCount(), (*bundle_)->RuleCount() + 1);
  struct Case {
    const char* text;
    const char* date;
    double amount;
    const char* currency;
  } cases[] = {
      {"- 일본은 '25.3.12일 소니에 1조 2,000억 엔을 지급(지분 약 12.5%)\n", "2025-03-12", 1.2e12,
       "JPY"},
      {"- 일본은 2025.01.30 소니에 3억 달러를 지급(지분 7%)\n", "2025-01-30", 3e8, "USD"},
      {"- 일본은 '24.10월 소니에 5,000만 유로를 지급(지분 20%)\n", "2024-10", 5e7, "EUR"},
  };
  for (const Case& c : cases) {
    Document d;
    d.id = "t";
    d.text = c.text;
    auto x = Extractor(*bundle).Extract(d);
    ASSERT_TRUE(x.ok()) << x.status();
    const Relation* found = nullptr;
    for (const Relation& r : x->relations) {
      if (r.rule == "user.dated-funding") found = &r;
    }
    ASSERT_NE(found, nullptr) << c.text << Explain(*x);
    EXPECT_EQ(x->entities[found->subject].name, "Japan") << c.text;
    EXPECT_EQ(x->entities[found->object].name, "Sony") << c.text;
    ASSERT_NE(Prop(*found, "date"), nullptr) << c.text;
    EXPECT_EQ(Prop(*found, "date")->as_string(), c.date);
    ASSERT_NE(Prop(*found, "amount"), nullptr) << c.text;
    EXPECT_DOUBLE_EQ(Prop(*found, "amount")->as_double(), c.amount) << c.text;
    EXPECT_EQ(Prop(*found, "currency")->as_string(), c.currency);
    ASSERT_NE(Prop(*found, "share_pct"), nullptr) << c.text;
    EXPECT_FALSE(Explain(*x).find("rule=user.dated-funding") == std::string::npos);
  }
}

TEST_F(ExtractTest, ExplainNamesRulesAndEvidence) {
  Extraction x = Run("※ ▲(칠레) 세계 리튬 매장량의 약 33% 보유");
  std::string e = Explain(x);
  EXPECT_NE(e.find("Chile -HAS_RESERVES-> Lithium share_pct=33"), std::string::npos) << e;
  EXPECT_NE(e.find("rule=reserves.share"), std::string::npos) << e;
  EXPECT_NE(e.find("rule=icu:countries"), std::string::npos) << e;
}

// An entity's evidence is the sentence of its first mention: the line, narrowed at ". ".
TEST(EntityEvidenceTest, SentenceOfTheFirstMention) {
  Extraction x;
  x.document.text = "첫 줄 Oracle\n오라클은 참여했다. 소프트뱅크는 투자했다. 끝\n셋째 줄";
  auto at = [&](const std::string& s) {
    uint32_t b = static_cast<uint32_t>(x.document.text.find(s));
    return Span{b, static_cast<uint32_t>(b + s.size())};
  };
  Entity softbank{"Company", "SoftBank", {"소프트뱅크"}, 1, "", {at("소프트뱅크")}};
  EXPECT_EQ(EntityEvidence(x, softbank), "소프트뱅크는 투자했다.");
  Entity oracle{"Company", "Oracle", {"Oracle", "오라클"}, 1, "", {at("Oracle"), at("오라클")}};
  EXPECT_EQ(EntityEvidence(x, oracle), "첫 줄 Oracle");
  Entity last{"Company", "X", {}, 1, "", {at("셋째")}};
  EXPECT_EQ(EntityEvidence(x, last), "셋째 줄");
  // Cut at a code point boundary: 7 bytes hold two syllables of three bytes each.
  EXPECT_EQ(EntityEvidence(x, softbank, 7), "소프...");
  EXPECT_EQ(EntityEvidence(x, Entity{"Company", "Y", {}, 1, "", {}}), "");
}

TEST_F(ExtractTest, ResolveMapsExternalNamesOntoTheDictionary) {
  Extraction ext;
  ext.document.id = "ext";
  ext.document.title = "외부 추출";
  ext.entities = {{"Document", "외부 추출", {}, 1.0, "input", {}},
                  {"Company", "엔비디아", {"엔비디아"}, 0.9, "ext", {}},
                  {"Company", "Nvidia", {}, 0.9, "ext", {}},
                  {"Country", "대만", {}, 0.9, "ext", {}}};
  Relation r;
  r.subject = 2;
  r.edge = "BASED_IN";
  r.object = 3;
  ext.relations.push_back(r);
  auto x = Extractor(*bundle_).Resolve(ext);
  ASSERT_TRUE(x.ok()) << x.status();
  ASSERT_EQ(x->entities.size(), 3u);  // the two NVIDIA spellings merged
  EXPECT_EQ(x->entities[1].name, "NVIDIA");
  EXPECT_EQ(x->entities[2].name, "Taiwan");
  EXPECT_EQ(x->relations[0].subject, 1);
  EXPECT_EQ(x->relations[0].object, 2);

  ext.entities[3].label = "Planet";
  EXPECT_EQ(Extractor(*bundle_).Resolve(ext).status().code(), absl::StatusCode::kInvalidArgument);
}

// Names the dictionaries do not know, typed by what is around them. The names here are made up so
// that only the signal can find them.
TEST_F(ExtractTest, LatinNameAfterACountryIsACompany) {
  Extraction x = Run(
      "- 독일 Zentrax는 신규 공장을 가동\n"
      "- 대만 QRMC와 기술 협력 계약을 체결\n"
      "- 미국 Volnar에 대한 규제\n");
  const Entity* z = Find(x, "Company", "Zentrax");
  ASSERT_NE(z, nullptr) << Explain(x);
  EXPECT_EQ(z->rule, "signal:latin-name");
  EXPECT_NE(Find(x, "Company", "QRMC"), nullptr);
  EXPECT_NE(FindRel(x, "Zentrax", "BASED_IN", "Germany"), nullptr);
  // Before 에 (a market, a programme, a standard as often as a firm) the country says nothing.
  for (const Entity& e : x.entities) EXPECT_NE(e.name, "Volnar");
}

TEST_F(ExtractTest, ModelNumberAfterItsMakerIsAProduct) {
  Extraction x =
      Run("- 미국은 엔비디아의 QX900과 Helvar의 Modul 7을 수출 통제 대상에 추가\n"
          "- Kestrel의 Lumen 판매가 늘었다\n");
  const Entity* q = Find(x, "Product", "QX900");
  ASSERT_NE(q, nullptr) << Explain(x);
  EXPECT_NE(FindRel(x, "NVIDIA", "DEVELOPS", "QX900"), nullptr);
  // A name whose 의 owns a model name is its maker, a company.
  ASSERT_NE(Find(x, "Company", "Helvar"), nullptr) << Explain(x);
  EXPECT_NE(FindRel(x, "Helvar", "DEVELOPS", "Modul 7"), nullptr);
  // Without a digit it is not a model number, and its owner no maker.
  for (const Entity& e : x.entities) {
    EXPECT_NE(e.name, "Lumen");
    EXPECT_NE(e.name, "Kestrel");
  }
}

TEST_F(ExtractTest, NamingSuffixBeforeAnAcronymTypesTheName) {
  Extraction x = Run(
      "● 정부는 국가 배터리 미션(NBMX)*을 출범\n"
      "* (National Battery Mission) 배터리 산업 육성 계획\n"
      "- 대통령은 포고령(Proclamation)에 서명\n");
  const Entity* m = Find(x, "Program", "National Battery Mission");
  ASSERT_NE(m, nullptr) << Explain(x);
  EXPECT_NE(std::find(m->aliases.begin(), m->aliases.end(), "NBMX"), m->aliases.end());
  // A spelled-out word in the parentheses makes the suffix a common noun, not a name.
  for (const Entity& e : x.entities) EXPECT_NE(e.name, "Proclamation");
}

TEST_F(ExtractTest, ExportControlCoversEveryItemOfTheClause) {
  // An agency acts for the country of the bullet's "(X)" head; dates between the items do not
  // break the list.
  Extraction x = Run(
      "- (중국) 상무부는 '23.8월 갈륨과 게르마늄, '23.12월 흑연의 수출을 제한\n"
      "- 인도네시아 정부는 '24년 니켈 원광, '25년 보크사이트를 수출 허가 대상에 추가\n");
  for (const char* mineral : {"Gallium", "Germanium", "Graphite"}) {
    EXPECT_NE(FindRel(x, "China", "RESTRICTS_EXPORT", mineral), nullptr) << mineral << Explain(x);
  }
  for (const char* mineral : {"Nickel", "Bauxite"}) {
    EXPECT_NE(FindRel(x, "Indonesia", "RESTRICTS_EXPORT", mineral), nullptr) << mineral;
  }
}

TEST_F(ExtractTest, TransliterationTakesAsManyWordsAsTheLatinName) {
  Extraction x = Run(
      "- 삼성중공업은 미국 코르벤 마린 그룹(Corven Marine Group)과 정비 협력 협약을 체결\n"
      "- 한국의 조선소(Shipyard) 투자가 확대\n");
  const Entity* c = Find(x, "Company", "Corven Marine Group");
  ASSERT_NE(c, nullptr) << Explain(x);
  EXPECT_NE(std::find(c->aliases.begin(), c->aliases.end(), "코르벤 마린 그룹"), c->aliases.end());
  EXPECT_NE(FindRel(x, "Samsung Heavy Industries", "PARTNERS_WITH", "Corven Marine Group"), nullptr);
  EXPECT_NE(FindRel(x, "Corven Marine Group", "BASED_IN", "United States"), nullptr);
  // A word that ends in a particle is not part of the name.
  for (const Entity& e : x.entities) {
    for (const std::string& a : e.aliases) EXPECT_EQ(a.find("한국의"), std::string::npos) << a;
  }
}

// Who buys in a transfer of a company or a stake: the subject of 인수 (also with a price "N에"),
// the 에-object of 매각/양도. The seller is not an investor.
TEST_F(ExtractTest, BuyerOfACompanyOrStakeInvestsInIt) {
  Extraction x = Run(
      "- Zorvex社는 '24.3월 Quantel Marine社를 2억 달러에 인수\n"
      "- Nordavik社는 합작사 Ferrolyte社 지분을 노르웨이 Kestrel社에 매각\n");
  const Relation* r = FindRel(x, "Zorvex", "INVESTS_IN", "Quantel Marine");
  ASSERT_NE(r, nullptr) << Explain(x);
  ASSERT_NE(Prop(*r, "amount"), nullptr);
  EXPECT_DOUBLE_EQ(Prop(*r, "amount")->as_double(), 2e8);
  EXPECT_NE(FindRel(x, "Kestrel", "INVESTS_IN", "Ferrolyte"), nullptr);
  EXPECT_EQ(FindRel(x, "Nordavik", "INVESTS_IN", "Ferrolyte"), nullptr);
  EXPECT_EQ(FindRel(x, "Ferrolyte", "INVESTS_IN", "Kestrel"), nullptr);
}

// A bare alias that several countries' bodies share ("상무부", "국방부") is the one of the country
// its line is about: the "(X)" head, else the nearest country before it. The variants come from
// the dictionaries' qualified aliases ("중국 상무부"); without a country the default stays.
TEST_F(ExtractTest, BareAliasTakesTheVariantOfItsLinesCountry) {
  Extraction x = Run(
      "- (중국) 상무부는 '25.4월 갈륨의 수출을 제한\n"
      "- (미국) 상무부는 보조금 지급을 확정\n"
      "- 한국 정부는 국방부를 통해 발주\n"
      "- 국방부는 예산을 배정\n"
      "- 한국 기업은 Zinc 수입을 확대\n");
  const Entity* china = Find(x, "Organization", "Ministry of Commerce of China");
  ASSERT_NE(china, nullptr) << Explain(x);
  EXPECT_EQ(china->aliases, std::vector<std::string>{"상무부"});
  EXPECT_EQ(china->mentions.size(), 1u);
  EXPECT_NE(FindRel(x, "China", "RESTRICTS_EXPORT", "Gallium"), nullptr);
  const Entity* us = Find(x, "Organization", "U.S. Department of Commerce");
  ASSERT_NE(us, nullptr);
  EXPECT_EQ(us->mentions.size(), 1u);
  const Entity* mnd = Find(x, "Organization", "Ministry of National Defense");
  ASSERT_NE(mnd, nullptr);
  EXPECT_EQ(mnd->mentions.size(), 1u);
  const Entity* dod = Find(x, "Organization", "U.S. Department of Defense");
  ASSERT_NE(dod, nullptr);
  EXPECT_EQ(dod->mentions.size(), 1u);
  // Only a variant of the same label: "Korea Zinc" does not make zinc a company.
  EXPECT_NE(Find(x, "Mineral", "Zinc"), nullptr);
  EXPECT_EQ(Find(x, "Company", "Korea Zinc"), nullptr);
}

// "X는 자체 (AI 칩) Y": its own product, so X develops it; a buyer of the same product does not.
TEST_F(ExtractTest, OwnMadeProductIsDevelopedByTheSubject) {
  Extraction x = Run(
      "- Norvexa社는 자체 AI 칩 어센드(Ascend)를 양산\n"
      "- Kelvora社는 AI 칩 어센드를 구매\n");
  EXPECT_NE(FindRel(x, "Norvexa", "DEVELOPS", "Ascend 910"), nullptr) << Explain(x);
  EXPECT_EQ(FindRel(x, "Kelvora", "DEVELOPS", "Ascend 910"), nullptr);
}

// A verbal noun after a programme is its subject's action when used as a verb ("추진"), not as
// the head of a noun phrase ("의 추진 성과", the progress of it) or in the passive ("선정되어").
TEST_F(ExtractTest, VerbalNounLeadsOnlyAsAVerb) {
  Extraction x = Run(
      "- Orbex社는 아르테미스 프로그램을 추진\n"
      "- Veltra社는 아르테미스 프로그램의 추진 성과를 분석\n"
      "- Zentor社는 아르테미스 프로그램의 협력 기업으로 선정되어 부품을 생산\n");
  EXPECT_NE(FindRel(x, "Orbex", "LEADS", "Artemis Program"), nullptr) << Explain(x);
  EXPECT_EQ(FindRel(x, "Veltra", "LEADS", "Artemis Program"), nullptr);
  EXPECT_EQ(FindRel(x, "Zentor", "LEADS", "Artemis Program"), nullptr);
  EXPECT_NE(FindRel(x, "Zentor", "PARTICIPATES_IN", "Artemis Program"), nullptr);
}

// The recipient of 공급 is the 에-phrase nearest the verb: an earlier one is a place ("베트남에
// 공장을 운영하며"), except a price ("10억 달러에 공급").
TEST_F(ExtractTest, SupplyRecipientIsTheNearestDativeBeforeTheVerb) {
  Extraction x = Run(
      "- Norvexa社는 베트남에 자석 공장을 운영하며, Kelvora社에 자석을 공급\n"
      "- Zorvex社는 루마니아에 K9 자주포를 약 10억 달러에 공급하는 계약을 체결\n");
  EXPECT_NE(FindRel(x, "Norvexa", "SUPPLIES", "Kelvora"), nullptr) << Explain(x);
  EXPECT_EQ(FindRel(x, "Norvexa", "SUPPLIES", "Vietnam"), nullptr);
  EXPECT_NE(FindRel(x, "Zorvex", "SUPPLIES", "Romania"), nullptr);
}

// "X를 사용하지 않는": a negated verb of use relates nothing.
TEST_F(ExtractTest, NegatedUseIsNotAUse) {
  Extraction x = Run(
      "- Norvexa社는 코발트를 사용하지 않는 배터리를 개발\n"
      "- Kelvora社는 니켈을 사용하는 배터리를 생산\n");
  EXPECT_EQ(FindRel(x, "Norvexa", "USES", "Cobalt"), nullptr) << Explain(x);
  EXPECT_NE(FindRel(x, "Kelvora", "USES", "Nickel"), nullptr);
}

// "A, B 등 ... 기업과의 협력": the partner of the list is the nearest subject before it, not the
// first one of the unit ("X CEO가 이끄는 Y는": Y, not its leader).
TEST_F(ExtractTest, ListPartnerIsTheNearestSubject) {
  Extraction x = Run(
      "- Jon Avery CEO가 이끄는 Norvexa社는 Kelvora社, Zorvex社 등 주요 배터리 기업과의 협력을 "
      "발표\n");
  EXPECT_NE(FindRel(x, "Norvexa", "PARTNERS_WITH", "Kelvora"), nullptr) << Explain(x);
  EXPECT_NE(FindRel(x, "Norvexa", "PARTNERS_WITH", "Zorvex"), nullptr);
  EXPECT_NE(FindRel(x, "Jon Avery", "LEADS", "Norvexa"), nullptr);
}
// A name may start with an accented Latin letter: it is a Latin word for the dictionary's
// boundaries, for "X社" and for the Latin-name scan, and it is not cut after its first letter.
TEST_F(ExtractTest, NamesStartingWithAnAccentedLetter) {
  Extraction x = Run(
      "- Ølvik Energy社는 해상풍력 단지를 건설\n"
      "- 프랑스 Énergie Nouvelle는 신규 공장을 건설\n"
      "- Ørsted는 사업을 축소했으나 Ørsteds와 XØrsted는 이름이 아니다\n");
  EXPECT_NE(Find(x, "Company", "Ølvik Energy"), nullptr) << Explain(x);
  EXPECT_EQ(Find(x, "Company", "lvik Energy"), nullptr);
  EXPECT_NE(Find(x, "Company", "Énergie Nouvelle"), nullptr);
  EXPECT_NE(FindRel(x, "Énergie Nouvelle", "BASED_IN", "France"), nullptr);
  const Entity* orsted = Find(x, "Company", "Ørsted");
  ASSERT_NE(orsted, nullptr);
  EXPECT_EQ(orsted->mentions.size(), 1u);
}
// "㈜" (NFKC "(주)") after or before a name marks a company, as "社" does, and is dropped before
// the rules run; a dictionary alias written with it matches its NFKC form in the text.
TEST_F(ExtractTest, CompanyFormMarkBeforeOrAfterTheName) {
  Extraction x = Run(
      "- ㈜퀀텀베일은 전고체 배터리를 개발\n"
      "- Norvex㈜는 Kelvora社에 자석을 공급\n"
      "- 벨로테크(주)와 SK㈜가 협력\n");
  const Entity* q = Find(x, "Company", "퀀텀베일");
  ASSERT_NE(q, nullptr) << Explain(x);
  EXPECT_EQ(q->aliases, std::vector<std::string>{"퀀텀베일"});
  EXPECT_NE(FindRel(x, "퀀텀베일", "DEVELOPS", "Solid-state battery"), nullptr);
  EXPECT_NE(FindRel(x, "Norvex", "SUPPLIES", "Kelvora"), nullptr);
  EXPECT_NE(Find(x, "Company", "벨로테크"), nullptr);
  EXPECT_NE(Find(x, "Company", "SK Inc."), nullptr);
}

// A run of Latin words that starts with a word in lower case is prose, not a model or name:
// "NVIDIA announces DX 60" names no product "announces DX 60".
TEST_F(ExtractTest, LowerCaseWordDoesNotStartALatinName) {
  Extraction x = Run("(참고 : NVIDIA, NVIDIA announces DX 60 plan, 2025.08.11.)\n");
  for (const Entity& e : x.entities) EXPECT_EQ(e.name.find("announces"), std::string::npos);
}

// A table row whose cell after the name is a country alone ("Name<TAB>덴마크<TAB>...") gives the
// company's country; a country inside a longer cell does not.
TEST_F(ExtractTest, CountryCellAfterTheNameCell) {
  Extraction x = Run(
      "기업\t국가\t주력 제품\n"
      "Norvexa社\t덴마크\t풍력 터빈\n"
      "Kelvora社\t풍력 터빈\t덴마크 공장\n");
  EXPECT_NE(FindRel(x, "Norvexa", "BASED_IN", "Denmark"), nullptr) << Explain(x);
  EXPECT_EQ(FindRel(x, "Kelvora", "BASED_IN", "Denmark"), nullptr);
}

// "Name(Country)" heading a table row gives the company's country with or without a space before
// "("; a country cell may list several ("독일·스페인").
TEST_F(ExtractTest, TableRowCountryWithoutSpaceOrAsAList) {
  Extraction x = Run(
      "기업\t방식\t제품\n"
      "Norvexa(미국)\t초전도\tNQ-1\n"
      "기업\t국가\t제품\n"
      "Kelvora社\t독일·스페인\t풍력 터빈\n");
  EXPECT_NE(FindRel(x, "Norvexa", "BASED_IN", "United States"), nullptr) << Explain(x);
  EXPECT_NE(FindRel(x, "Kelvora", "BASED_IN", "Germany"), nullptr);
  EXPECT_NE(FindRel(x, "Kelvora", "BASED_IN", "Spain"), nullptr);
}

// In a list, a country right before a later member says where it is from ("일본 A, 태국 B와"): the
// list goes on past it, and the country is no member.
TEST_F(ExtractTest, ListMembersMayCarryTheirCountry) {
  Extraction x = Run("- Norvexa社는 일본 Kelvora社, 태국 Zorvex社와 합작해 공장을 설립\n");
  EXPECT_NE(FindRel(x, "Norvexa", "PARTNERS_WITH", "Kelvora"), nullptr) << Explain(x);
  EXPECT_NE(FindRel(x, "Norvexa", "PARTNERS_WITH", "Zorvex"), nullptr);
  EXPECT_EQ(FindRel(x, "Norvexa", "PARTNERS_WITH", "Thailand"), nullptr);
  EXPECT_EQ(FindRel(x, "Norvexa", "PARTNERS_WITH", "Japan"), nullptr);
}

// A subject the rules take from the unit ("A와 B는 ... 주도") is each of the coordinated names.
TEST_F(ExtractTest, CoordinatedSubjectsEachTakeTheRelation) {
  Extraction x = Run("- Norvexa社와 Kelvora社는 아르테미스 프로그램을 주도\n");
  EXPECT_NE(FindRel(x, "Norvexa", "LEADS", "Artemis Program"), nullptr) << Explain(x);
  EXPECT_NE(FindRel(x, "Kelvora", "LEADS", "Artemis Program"), nullptr);
}

// A later clause carries over the topic ("X는 ...하며, Y가 주관하는 P에도 참여"): X takes part in
// P; Y, the subject inside the relative clause, runs it.
TEST_F(ExtractTest, TopicCarriesOverPastARelativeClause) {
  Extraction x = Run(
      "- Norvexa社는 Kelvora社를 인수했으며, Zorvex社가 주관하는 아르테미스 프로그램에도 참여\n");
  EXPECT_NE(FindRel(x, "Norvexa", "PARTICIPATES_IN", "Artemis Program"), nullptr) << Explain(x);
  EXPECT_NE(FindRel(x, "Zorvex", "LEADS", "Artemis Program"), nullptr);
  EXPECT_EQ(FindRel(x, "Zorvex", "PARTICIPATES_IN", "Artemis Program"), nullptr);
}

// Ownership: "A가 최대주주인 B", "B의 최대주주", "A와 C가 지분을 50%씩 보유", "지분 N%를 가진 D".
TEST_F(ExtractTest, LargestShareholderAndStakeHoldersInvest) {
  Extraction x = Run(
      "- Norvexa社가 최대주주인 Kelvora社는 신규 투자를 유치\n"
      "- Zorvex社는 Quantel社의 최대주주로, 공장을 증설\n"
      "- Ferrolyte社는 Kestrel社와 Brimora社가 지분을 50%씩 보유한 합작사\n"
      "- Talvex社는 증자를 결정했고, 지분 30%를 가진 노르웨이 정부가 참여하기로 함\n");
  EXPECT_NE(FindRel(x, "Norvexa", "INVESTS_IN", "Kelvora"), nullptr) << Explain(x);
  EXPECT_NE(FindRel(x, "Zorvex", "INVESTS_IN", "Quantel"), nullptr);
  const Relation* r = FindRel(x, "Kestrel", "INVESTS_IN", "Ferrolyte");
  ASSERT_NE(r, nullptr);
  ASSERT_NE(Prop(*r, "share_pct"), nullptr);
  EXPECT_DOUBLE_EQ(Prop(*r, "share_pct")->as_double(), 50);
  EXPECT_NE(FindRel(x, "Brimora", "INVESTS_IN", "Ferrolyte"), nullptr);
  EXPECT_NE(FindRel(x, "Norway", "INVESTS_IN", "Talvex"), nullptr);
}

// A government that backs the unit's subject ("X는 ...하며, 호주 정부가 N 호주달러를 지원");
// currencies named by country (호주달러, 루피) get their ISO codes.
TEST_F(ExtractTest, GovernmentBackingTheSubjectFundsIt) {
  Extraction x = Run(
      "- Norvexa社는 브리즈번에 공장을 짓고 있으며, 호주 정부가 '24.4월 총 9억 4,000만 호주달러를 "
      "지원하기로 결정\n"
      "- Kelvora社는 공장을 건설하고 있으며, 인도 정부가 비용의 50%를 지원\n");
  const Relation* r = FindRel(x, "Australia", "FUNDS", "Norvexa");
  ASSERT_NE(r, nullptr) << Explain(x);
  ASSERT_NE(Prop(*r, "amount"), nullptr);
  EXPECT_DOUBLE_EQ(Prop(*r, "amount")->as_double(), 9.4e8);
  ASSERT_NE(Prop(*r, "currency"), nullptr);
  EXPECT_EQ(Prop(*r, "currency")->as_string(), "AUD");
  EXPECT_NE(FindRel(x, "India", "FUNDS", "Kelvora"), nullptr);
}

// Who leads: "P 대표이사가 이끄는 X", "X는 P 창업자가 이끌고 있으며" (the topic), and the founder
// named in a footnote that defines a programme ("* (P) X가 ... 출범시킨 ... 프로그램").
TEST_F(ExtractTest, LeadersAndFoundersOfWhatTheyLead) {
  Extraction x = Run(
      "- Jon Avery 대표이사가 이끄는 Norvexa社는 신제품을 공개\n"
      "- Kelvora社는 Mara Quell 창업자가 이끌고 있으며, 공장을 증설\n"
      "* (아르테미스 프로그램) Zorvex社가 '21.12월 출범시킨 우주 탐사 프로그램\n");
  EXPECT_NE(FindRel(x, "Jon Avery", "LEADS", "Norvexa"), nullptr) << Explain(x);
  EXPECT_NE(FindRel(x, "Mara Quell", "LEADS", "Kelvora"), nullptr);
  EXPECT_NE(FindRel(x, "Zorvex", "LEADS", "Artemis Program"), nullptr);
}

// An export halt is an export restriction ("수출을 4개월간 중단").
TEST_F(ExtractTest, ExportHaltRestrictsExports) {
  Extraction x = Run("- (인도네시아) 인도네시아 정부는 '25.2월 니켈 수출을 4개월간 중단\n");
  EXPECT_NE(FindRel(x, "Indonesia", "RESTRICTS_EXPORT", "Nickel"), nullptr) << Explain(x);
}

// A law in force under a country head ("(X) 「법」이 '24.11월 시행되었으며") is the country's; a
// law passed with its short name after it ("「법」(약칭)을 통과") is its subject's.
TEST_F(ExtractTest, LawInForceUnderAHeadOrPassedWithItsShortName) {
  Extraction x = Run(
      "- (일본) 「해양자원 진흥법」이 '24.11월 시행되었으며, 관련 사업이 확대\n"
      "- 노르웨이는 '25.2.27일 「해상풍력 촉진 특별법」(해상풍력법)을 통과\n");
  EXPECT_NE(FindRel(x, "Japan", "ENACTS", "해양자원 진흥법"), nullptr) << Explain(x);
  EXPECT_NE(FindRel(x, "Norway", "ENACTS", "해상풍력 촉진 특별법"), nullptr);
}

// "이번 X 투자에는 A, B, P의 투자회사 C 등이 참여": every investor, the last one too.
TEST_F(ExtractTest, EveryInvestorOfARound) {
  Extraction x = Run(
      "- 이번 Norvexa社 투자에는 Kelvora社, Zorvex社, Jon Avery의 투자회사 Quantel社 등이 참여\n");
  EXPECT_NE(FindRel(x, "Kelvora", "INVESTS_IN", "Norvexa"), nullptr) << Explain(x);
  EXPECT_NE(FindRel(x, "Zorvex", "INVESTS_IN", "Norvexa"), nullptr);
  EXPECT_NE(FindRel(x, "Quantel", "INVESTS_IN", "Norvexa"), nullptr);
}

// "<Country> [modifiers] <role word> X": the country is X's, the last name of the apposition; a
// role word the text made a name ("CDMO", "사모펀드") is no subject of its own.
TEST_F(ExtractTest, CountryOfTheLastNameOfAnApposition) {
  Extraction x =
      Run("- 덴마크 Kestrel社는 미국 CDMO 기업 Quantel Bio를 인수\n"
          "- Zorvex社는 사업부를 미국 사모펀드 Kelmar Capital에 매각\n"
          "- Halvard社는 칠레 국영 인프라 기업 Valdoria社와 협력\n"
          "- 독일 정부가 지원한 Kelvora社는 공장을 건설\n");
  EXPECT_NE(FindRel(x, "Quantel Bio", "BASED_IN", "United States"), nullptr) << Explain(x);
  EXPECT_NE(FindRel(x, "Kelmar Capital", "BASED_IN", "United States"), nullptr);
  EXPECT_NE(FindRel(x, "Valdoria", "BASED_IN", "Chile"), nullptr);
  EXPECT_NE(FindRel(x, "Kestrel", "BASED_IN", "Denmark"), nullptr);
  EXPECT_EQ(FindRel(x, "CDMO", "BASED_IN", "United States"), nullptr);
  EXPECT_EQ(FindRel(x, "사모펀드", "BASED_IN", "United States"), nullptr);
  EXPECT_EQ(FindRel(x, "Quantel Bio", "BASED_IN", "Denmark"), nullptr);
  // A word with a particle or a verb ending ("정부가 지원한") is a clause, no apposition.
  EXPECT_EQ(FindRel(x, "Kelvora", "BASED_IN", "Germany"), nullptr);
}

// "(Country) X는 ..." heading a bullet gives X's country, unless X is a government body or the
// clause names a country again (then the head is a market: "(말레이시아) X는 말레이시아 정부와").
TEST_F(ExtractTest, CountryHeadOfABulletIsItsSubjectsCountry) {
  Extraction x =
      Run("- (일본) Morvane社는 양자컴퓨터를 개발\n"
          " - (말레이시아) Brixel社는 말레이시아 정부와 수출 계약을 체결\n"
          "- (일본) 경제산업성은 보조금을 지급\n");
  EXPECT_NE(FindRel(x, "Morvane", "BASED_IN", "Japan"), nullptr) << Explain(x);
  EXPECT_EQ(FindRel(x, "Brixel", "BASED_IN", "Malaysia"), nullptr);
  EXPECT_EQ(FindRel(x, "Ministry of Economy, Trade and Industry", "BASED_IN", "Japan"), nullptr);
}

// "A와 B가 각각 40%, C 정부가 20%의 지분을 보유한 Y": each holder invests in Y, with its own share.
TEST_F(ExtractTest, HoldersOfAStakeBeforeTheNameTheyOwn) {
  Extraction x =
      Run("- 캐나다 Norvexa社와 Kelvora社가 각각 40%, 칠레 정부가 20%의 지분을 보유한 Tarvel "
          "Mining社는 "
          "구리를 생산\n");
  for (const char* holder : {"Norvexa", "Kelvora"}) {
    const Relation* r = FindRel(x, holder, "INVESTS_IN", "Tarvel Mining");
    ASSERT_NE(r, nullptr) << holder << "\n" << Explain(x);
    ASSERT_NE(Prop(*r, "share_pct"), nullptr);
    EXPECT_DOUBLE_EQ(Prop(*r, "share_pct")->as_double(), 40);
  }
  const Relation* state = FindRel(x, "Chile", "INVESTS_IN", "Tarvel Mining");
  ASSERT_NE(state, nullptr) << Explain(x);
  ASSERT_NE(Prop(*state, "share_pct"), nullptr);
  EXPECT_DOUBLE_EQ(Prop(*state, "share_pct")->as_double(), 20);
}

// A footnote "(P) X가 ... 출범시킨 <generic term>·... 사업" makes X the leader of P: a generic
// term ("반도체") between the verb and the kind of thing P is does not break the definition.
TEST_F(ExtractTest, FootnoteLauncherOverAGenericTerm) {
  Extraction x =
      Run("* (하이테크 전략) 브라질 정부가 '21년 출범시킨 반도체·디스플레이 지원 사업으로, 팹 건설 "
          "비용을 지원\n");
  EXPECT_NE(FindRel(x, "Brazil", "LEADS", "High-Tech Strategy"), nullptr) << Explain(x);
}

// An agency restricts the exports of its line's country only when no nearer subject stands
// before the verb: "(미국) 상무부는 중국이 X 수출을 금지할 경우" is China's restriction.
TEST_F(ExtractTest, AgencyIsNoRestrictorOfAnEmbeddedSubjectsExports) {
  Extraction quoted =
      Run("- (미국) 상무부는 중국이 갈륨과 게르마늄 수출을 금지할 경우 충격을 분석\n");
  EXPECT_NE(FindRel(quoted, "China", "RESTRICTS_EXPORT", "Gallium"), nullptr) << Explain(quoted);
  EXPECT_EQ(FindRel(quoted, "United States", "RESTRICTS_EXPORT", "Gallium"), nullptr);
  EXPECT_EQ(FindRel(quoted, "United States", "RESTRICTS_EXPORT", "Germanium"), nullptr);
  Extraction own = Run("- (미국) 상무부는 '25.1월 갈륨 수출을 통제\n");
  EXPECT_NE(FindRel(own, "United States", "RESTRICTS_EXPORT", "Gallium"), nullptr) << Explain(own);
}

// "X는 ... Y 제품의 (위탁)생산": X makes Y's products, so X supplies Y; Y's plant is no product.
TEST_F(ExtractTest, MakerOfAnothersProductsSuppliesIt) {
  Extraction x =
      Run("- Kestrel社는 Brixel社의 공장을 인수하고, 인수 후 Brixel社 제품의 위탁생산도 맡기로 함\n"
          "- Zorvex社는 Halvard社의 공장 생산 비중을 확대\n");
  EXPECT_NE(FindRel(x, "Kestrel", "SUPPLIES", "Brixel"), nullptr) << Explain(x);
  EXPECT_EQ(FindRel(x, "Zorvex", "SUPPLIES", "Halvard"), nullptr);
}

// A contract is made ("체결") or entered into ("맺"): either verb makes the two parties partners.
TEST_F(ExtractTest, ContractEnteredIntoMakesPartners) {
  Extraction x = Run("- Kestrel社는 Brixel社와 독점 계약을 맺고 공장을 증설\n");
  EXPECT_NE(FindRel(x, "Kestrel", "PARTNERS_WITH", "Brixel"), nullptr) << Explain(x);
}

// "A, B가 (합작) 설립한 Y": each founder invests in Y; a person who founded Y leads it.
TEST_F(ExtractTest, FoundersOfWhatTheySetUp) {
  Extraction x =
      Run("- Kestrel社, Brixel社가 '23.7월 합작 설립한 Zorvex社는 충전소를 운영\n"
          "- Jon Avery 창업자가 설립한 Quantel社는 광산에 투자\n");
  EXPECT_NE(FindRel(x, "Kestrel", "INVESTS_IN", "Zorvex"), nullptr) << Explain(x);
  EXPECT_NE(FindRel(x, "Brixel", "INVESTS_IN", "Zorvex"), nullptr);
  EXPECT_NE(FindRel(x, "Jon Avery", "LEADS", "Quantel"), nullptr);
}

// "A, B, C 4개국 협의체인 Y": each named member belongs to Y.
TEST_F(ExtractTest, MembersNamedBeforeTheirCoalition) {
  Extraction x = Run("- 미국, 일본, 인도 3개국 협의체인 쿼드(Quad)는 회의를 개최\n");
  for (const char* member : {"United States", "Japan", "India"}) {
    EXPECT_NE(FindRel(x, member, "MEMBER_OF", "Quad"), nullptr) << member << "\n" << Explain(x);
  }
}

// Money raised from investors ("X 등으로부터 3억 달러를 유치") and "Y에는 X 등이 투자": X invests
// in Y, the topic, not in the holder named in Y's relative clause.
TEST_F(ExtractTest, InvestorsARoundWasRaisedFrom) {
  Extraction x =
      Run("- Kelvora社가 최대주주인 Norvexa社는 '24.1월 Zorvex社 등으로부터 3억 달러를 유치\n"
          "- Tarvel社에는 Halvard社 등이 투자\n");
  EXPECT_NE(FindRel(x, "Zorvex", "INVESTS_IN", "Norvexa"), nullptr) << Explain(x);
  EXPECT_EQ(FindRel(x, "Zorvex", "INVESTS_IN", "Kelvora"), nullptr);
  EXPECT_NE(FindRel(x, "Halvard", "INVESTS_IN", "Tarvel"), nullptr);
}

// Producers named by rank, by "뒤를 이음" after a share, and by the tonnes they produced.
TEST_F(ExtractTest, ProducersByRankFollowersAndTonnes) {
  Extraction x = Run(
      "- 안티모니 역시 중국이 세계 채굴량의 약 48%를 차지하며, 타지키스탄과 러시아가 뒤를 이음\n"
      "- 구리는 페루가 칠레(약 23%)에 이은 세계 2위 생산국으로 부상\n"
      "- Morvane社는 '24년 코발트 약 11만 4,000톤, 구리 약 65만 톤을 생산\n");
  EXPECT_NE(FindRel(x, "Tajikistan", "PRODUCES", "Antimony"), nullptr) << Explain(x);
  EXPECT_NE(FindRel(x, "Russia", "PRODUCES", "Antimony"), nullptr);
  EXPECT_NE(FindRel(x, "Peru", "PRODUCES", "Copper"), nullptr);
  EXPECT_NE(FindRel(x, "Chile", "PRODUCES", "Copper"), nullptr);
  EXPECT_NE(FindRel(x, "Morvane", "PRODUCES", "Cobalt"), nullptr);
  EXPECT_NE(FindRel(x, "Morvane", "PRODUCES", "Copper"), nullptr);
}

// A law names its targets ("A, B를 우려 기업으로 명시"); a country is subject to a measure ("X는
// ... CBAM 적용 대상").
TEST_F(ExtractTest, TargetsNamedByALawOrSubjectToIt) {
  Extraction x =
      Run("- 「Quantel 보호법」은 Kestrel社, Brixel社를 우려 기업으로 명시\n"
          "- 인도는 대EU 철강 수출의 약 20%가 CBAM 적용 대상\n");
  EXPECT_NE(FindRel(x, "Quantel 보호법", "TARGETS", "Kestrel"), nullptr) << Explain(x);
  EXPECT_NE(FindRel(x, "Quantel 보호법", "TARGETS", "Brixel"), nullptr);
  EXPECT_NE(FindRel(x, "Carbon Border Adjustment Mechanism", "TARGETS", "India"), nullptr);
}

// A name inside the definition of another ("행동계획(EU Action Plan)") is no list member; a
// footnote mark after the definition ("X(Y)*는") leaves X the subject.
TEST_F(ExtractTest, DefinitionsAndFootnoteMarksAfterAName) {
  Extraction x = Run(
      "- EU 집행위원회는 '25.2월 「해저케이블 보안 행동계획(EU Action Plan on Cable Security)」을 "
      "발표\n"
      "- 미국 국제개발금융공사(DFC)*는 Kelvora社에 5억 달러 규모의 대출을 승인\n");
  EXPECT_NE(FindRel(x, "European Commission", "LEADS", "해저케이블 보안 행동계획"), nullptr)
      << Explain(x);
  EXPECT_EQ(FindRel(x, "European Commission", "LEADS", "European Union"), nullptr);
  EXPECT_NE(FindRel(x, "U.S. International Development Finance Corporation", "FUNDS", "Kelvora"),
            nullptr);
}

// "X가 Y를 활용한 Z": Y is used by Z, the noun the clause modifies, not by X.
TEST_F(ExtractTest, UseInARelativeClauseIsNotTheSubjectsUse) {
  Extraction x = Run("- Kestrel社가 생성형 AI를 활용한 자율주행 기술의 특징을 점검\n");
  EXPECT_EQ(FindRel(x, "Kestrel", "USES", "Generative AI"), nullptr) << Explain(x);
}

// "X는 Y의 ... 정광을 공급받아": Y supplies X; "X는 Y 칩 2,000개로 Z 모델을 학습": X uses Y and
// develops Z.
TEST_F(ExtractTest, SupplierOwnsWhatWasSuppliedAndChipsTrainAModel) {
  Extraction x =
      Run("- Kestrel社는 Zorvex社의 광미에서 나온 게르마늄 정광을 공급받아 정제\n"
          "- Brixel社는 엔비디아 H800 칩 약 2,000개로 Quasar 모델을 학습\n");
  EXPECT_NE(FindRel(x, "Zorvex", "SUPPLIES", "Kestrel"), nullptr) << Explain(x);
  EXPECT_NE(FindRel(x, "Brixel", "USES", "H800"), nullptr);
  EXPECT_NE(FindRel(x, "Brixel", "DEVELOPS", "Quasar"), nullptr);
}

// A passive acquisition ("X는 Y에 인수되었으며") and a nominal one ("Y에 의한 X 인수") make Y the
// investor; the names listed after a program ("P에는 A, B 등이 참여") take part in it.
TEST_F(ExtractTest, PassiveAndNominalAcquisitionsAndParticipantsAfterTheProgram) {
  Extraction x =
      Run("- Zorvex社는 '23년 미국 사모펀드 Halvard Capital에 인수되었으며 본사를 이전\n"
          "- Kestrel社에 의한 Brixel社 인수는 '24년 완료\n"
          "- 아르테미스 프로그램에는 일본, 캐나다 등이 참여\n");
  EXPECT_NE(FindRel(x, "Halvard Capital", "INVESTS_IN", "Zorvex"), nullptr) << Explain(x);
  EXPECT_EQ(FindRel(x, "Zorvex", "INVESTS_IN", "Halvard Capital"), nullptr);
  EXPECT_NE(FindRel(x, "Kestrel", "INVESTS_IN", "Brixel"), nullptr);
  EXPECT_NE(FindRel(x, "Japan", "PARTICIPATES_IN", "Artemis Program"), nullptr);
  EXPECT_NE(FindRel(x, "Canada", "PARTICIPATES_IN", "Artemis Program"), nullptr);
}

// Selected for a program ("P의 발사 사업자로 X가 선정", "P는 A, B 등 기업을 선정") is taking part;
// a strategy or law the subject announced in a relative clause is its own ("X가 발표한 「P」").
TEST_F(ExtractTest, SelectedForAProgramAndAnnouncedInARelativeClause) {
  Extraction x = Run(
      "- 아르테미스 프로그램의 발사 사업자로 Kestrel社가 최종 선정\n"
      "- 아르테미스 프로그램은 '25.4월 1단계 평가 대상으로 Brixel社, Zorvex社 등 15개 기업을 선정\n"
      "- 산업통상자원부는 '23.2월 발표한 「핵심광물 확보전략」에 따라 비축을 확대\n"
      "- 일본 정부가 '23.6월 발표한 「수소기본법」에 따라 보조금을 지급\n");
  EXPECT_NE(FindRel(x, "Kestrel", "PARTICIPATES_IN", "Artemis Program"), nullptr) << Explain(x);
  EXPECT_NE(FindRel(x, "Brixel", "PARTICIPATES_IN", "Artemis Program"), nullptr);
  EXPECT_NE(FindRel(x, "Zorvex", "PARTICIPATES_IN", "Artemis Program"), nullptr);
  EXPECT_NE(FindRel(x, "Ministry of Trade, Industry and Energy", "LEADS",
                    "Critical Minerals Security Strategy (South Korea)"),
            nullptr);
  EXPECT_NE(FindRel(x, "Japan", "ENACTS", "수소기본법"), nullptr);
}

// "Y를 (미국 사모펀드) X에 매각": X buys into Y; "(X) A·B를 조합한 소재": X uses A and B.
TEST_F(ExtractTest, BuyerOfASaleAndIngredientsOfADefinedMaterial) {
  Extraction x =
      Run("- Kestrel社는 '24년 Zorvex社를 미국 사모펀드 Halvard Capital에 매각\n"
          "* (Nickel Cobalt Manganese) 니켈·코발트·망간을 조합한 양극재\n");
  EXPECT_NE(FindRel(x, "Halvard Capital", "INVESTS_IN", "Zorvex"), nullptr) << Explain(x);
  EXPECT_EQ(FindRel(x, "Kestrel", "INVESTS_IN", "Zorvex"), nullptr);
  for (const char* mineral : {"Nickel", "Cobalt", "Manganese"}) {
    EXPECT_NE(FindRel(x, "Nickel cobalt manganese", "USES", mineral), nullptr) << mineral;
  }
}

// A person next to an organization and a role noun leads it, in either order and in English
// ("X社 Y CEO", "Y X社 회장", "X社의 CEO Y", "Y, chief executive of X"); a name joined by 와 is
// no such pair.
TEST_F(ExtractTest, PersonWithCompanyAndRoleLeadsIt) {
  Extraction x =
      Run("- Norvexa社 요한 베르크(Johan Berg) CEO는 '25.3월 새 공장 건설을 발표\n"
          "- 리사 수(Lisa Su) Kelvora社 회장은 투자 확대를 발표\n"
          "- Zorvex社의 CEO 다니엘 오르테가(Daniel Ortega)는 투자를 발표\n"
          "- Brixel社와 젠슨 황(Jensen Huang) CEO는 협력을 논의\n"
          "- Satya Nadella, chief executive of Halvorsen社, said the company would invest.\n");
  const Relation* r = FindRel(x, "Johan Berg", "LEADS", "Norvexa");
  ASSERT_NE(r, nullptr) << Explain(x);
  ASSERT_NE(Prop(*r, "role"), nullptr);
  EXPECT_EQ(Prop(*r, "role")->as_string(), "CEO");
  EXPECT_NE(FindRel(x, "Lisa Su", "LEADS", "Kelvora"), nullptr);
  EXPECT_NE(FindRel(x, "Daniel Ortega", "LEADS", "Zorvex"), nullptr);
  EXPECT_EQ(FindRel(x, "Jensen Huang", "LEADS", "Brixel"), nullptr);
  EXPECT_NE(FindRel(x, "Satya Nadella", "LEADS", "Halvorsen"), nullptr);
}

// Where a company is from: "독일의 X", "X는 미국 텍사스주에 본사를 두고", "X(미국)" in running
// text (the bracketed country is no alias of the name), "(중국) X 연구진은", "미국 법인 X".
TEST_F(ExtractTest, CountryOfACompanyInRunningText) {
  Extraction x =
      Run("- 독일의 Quantel Marine은 새 선박을 건조\n"
          "- Norvexa社는 미국 텍사스주에 본사를 두고 있으며 배터리를 생산\n"
          "- 주요 기업으로는 마이크론(미국), 키옥시아(일본) 등이 있음\n"
          "- 유럽 기업으로는 Halvard Capital(미국)이 참여\n"
          "- (중국) Zorvex社 연구진은 새 양자컴퓨터를 공개\n"
          "- 영국 법인 Brixel社는 공장을 건설\n");
  EXPECT_NE(FindRel(x, "Quantel Marine", "BASED_IN", "Germany"), nullptr) << Explain(x);
  EXPECT_NE(FindRel(x, "Norvexa", "BASED_IN", "United States"), nullptr);
  EXPECT_NE(FindRel(x, "Micron Technology", "BASED_IN", "United States"), nullptr);
  EXPECT_NE(FindRel(x, "Kioxia", "BASED_IN", "Japan"), nullptr);
  EXPECT_NE(FindRel(x, "Zorvex", "BASED_IN", "China"), nullptr);
  EXPECT_NE(FindRel(x, "Brixel", "BASED_IN", "United Kingdom"), nullptr);
  const Entity* us = Find(x, "Country", "United States");
  ASSERT_NE(us, nullptr);
  EXPECT_EQ(std::count(us->aliases.begin(), us->aliases.end(), "Capital"), 0);
}

// Members and participants: "A, B 등 N개국이 P에 참여", "P 회원국인 A와 B" (but "P 회원국으로서
// X와의 협력": X is a partner, not a member), "A와 B는 P의 최종 단계에 진입", a membership stated
// beside a leading role, and English "A and B joined P".
TEST_F(ExtractTest, MembersAndParticipantsOfAProgram) {
  Extraction x =
      Run("- 한국, 일본, 호주 등 14개국이 광물안보파트너십(MSP)에 참여\n"
          "- 아르테미스 프로그램 회원국인 캐나다와 인도는 협력을 강화\n"
          "- 한국은 광물안보파트너십(MSP) 회원국으로서 EU와의 협력을 확대\n"
          "- Norvexa社와 Kelvora社는 아르테미스 프로그램의 최종 단계에 진입\n"
          "- 한국은 '23년 광물안보파트너십에 가입했으며, '24년 의장국으로 MSP를 주도\n"
          "- France and Italy joined the Artemis Program.\n");
  for (const char* c : {"South Korea", "Japan", "Australia"}) {
    EXPECT_NE(FindRel(x, c, "PARTICIPATES_IN", "Mineral Security Partnership"), nullptr)
        << c << Explain(x);
  }
  for (const char* c : {"Canada", "India", "Norvexa", "Kelvora", "France", "Italy"}) {
    EXPECT_NE(FindRel(x, c, "PARTICIPATES_IN", "Artemis Program"), nullptr) << c;
  }
  EXPECT_EQ(FindRel(x, "European Union", "PARTICIPATES_IN", "Mineral Security Partnership"),
            nullptr);
  EXPECT_NE(FindRel(x, "South Korea", "LEADS", "Mineral Security Partnership"), nullptr);
}

// What a measure targets: "P는 A, B 등 N개 품목에 적용", "P의 적용 대상은 A, B", "X를 P에 추가",
// "A와 B를 대상으로 하는 P", "A·B 관련 품목에 대한 수출 허가제" (a measure named by its phrase).
TEST_F(ExtractTest, TargetsOfAMeasure) {
  Extraction x =
      Run("- 「탄소국경조정제도(CBAM)」는 철강, 알루미늄, 시멘트 등 6개 품목에 적용\n"
          "- 「핵심원자재법(CRMA)」의 적용 대상은 리튬, 니켈, 코발트 등 34종 광물\n"
          "- 미국 상무부는 Norvexa社를 거래제한 명단(Entity List)에 추가\n"
          "- 미국은 중국과 홍콩을 대상으로 하는 「AI 확산 규칙」을 발표\n"
          "- 중국은 갈륨·게르마늄 관련 품목에 대한 수출 허가제를 시행\n");
  for (const char* m : {"Steel", "Aluminium"}) {
    EXPECT_NE(FindRel(x, "Carbon Border Adjustment Mechanism", "TARGETS", m), nullptr)
        << m << Explain(x);
  }
  for (const char* m : {"Lithium", "Nickel", "Cobalt"}) {
    EXPECT_NE(FindRel(x, "Critical Raw Materials Act", "TARGETS", m), nullptr) << m;
  }
  EXPECT_NE(FindRel(x, "Entity List", "TARGETS", "Norvexa"), nullptr);
  EXPECT_NE(FindRel(x, "AI Diffusion Rule", "TARGETS", "China"), nullptr);
  EXPECT_NE(FindRel(x, "AI Diffusion Rule", "TARGETS", "Hong Kong"), nullptr);
  ASSERT_NE(Find(x, "Policy", "수출 허가제"), nullptr);
  EXPECT_NE(FindRel(x, "수출 허가제", "TARGETS", "Gallium"), nullptr);
  EXPECT_NE(FindRel(x, "수출 허가제", "TARGETS", "Germanium"), nullptr);
}

// Funding by the size of a programme ("N유로 규모의 'P' 프로그램을 통해", "* (P) X가 N유로 규모의
// 예산으로 출범시킨 프로그램"), investment into a project, and who runs a programme ("X가 운영하는
// P"; "A, B가 공동 추진하는 P" are its participants, not its leaders).
TEST_F(ExtractTest, FundingRunningAndInvestingInAProgramme) {
  Extraction x = Run(
      "- EU는 '21년부터 955억 유로 규모의 '호라이즌 유럽(Horizon Europe)' 프로그램을 통해 연구를 "
      "지원\n"
      "* (Artemis Program) 미국 정부가 '19년 930억 달러 규모의 예산으로 출범시킨 달 탐사 프로그램\n"
      "- Norvexa社는 '24.4월 아르테미스 프로그램 확장에 10억 달러를 투자\n"
      "- NASA가 운영하는 아르테미스 프로그램은 달 착륙을 추진\n"
      "- Kelvora社, Zorvex社가 공동 추진하는 스타게이트 프로젝트는 데이터센터를 건설\n");
  const Relation* eu = FindRel(x, "European Union", "FUNDS", "Horizon Europe");
  ASSERT_NE(eu, nullptr) << Explain(x);
  ASSERT_NE(Prop(*eu, "amount"), nullptr);
  EXPECT_DOUBLE_EQ(Prop(*eu, "amount")->as_double(), 9.55e10);
  EXPECT_NE(FindRel(x, "United States", "FUNDS", "Artemis Program"), nullptr);
  EXPECT_NE(FindRel(x, "Norvexa", "INVESTS_IN", "Artemis Program"), nullptr);
  EXPECT_NE(FindRel(x, "NASA", "LEADS", "Artemis Program"), nullptr);
  EXPECT_NE(FindRel(x, "Kelvora", "PARTICIPATES_IN", "Stargate Project"), nullptr);
  EXPECT_NE(FindRel(x, "Zorvex", "PARTICIPATES_IN", "Stargate Project"), nullptr);
  EXPECT_EQ(FindRel(x, "Zorvex", "LEADS", "Stargate Project"), nullptr);
}

// Who leads a programme, stated around it ("X가 이끄는 P", "P는 A와 B가 공동 주도", "X는 P를
// 이끌고"), a company's country in a predicate ("X는 스웨덴 배터리 기업으로"), and a tariff on a
// country with words between the two ("미국은 '25.4월 중국에 145% 관세를 부과").
TEST_F(ExtractTest, LeadersCountriesAndTariffsAroundTheirClause) {
  Extraction x =
      Run("- Norvexa社가 이끄는 아르테미스 프로그램은 달 착륙을 추진\n"
          "- 스타게이트 프로젝트는 Kelvora社와 Zorvex社가 공동 주도\n"
          "- Brixel社는 광물안보파트너십(MSP)을 이끌고 있음\n"
          "- Quantel社는 스웨덴 배터리 기업으로, 전고체 배터리를 개발\n"
          "- Halvard社는 미국 기업과 협력을 확대\n"
          "- 미국은 '25.4월 중국에 145% 관세를 부과\n"
          "- 캐나다는 멕시코에 대한 관세 부과를 유예\n");
  EXPECT_NE(FindRel(x, "Norvexa", "LEADS", "Artemis Program"), nullptr) << Explain(x);
  EXPECT_NE(FindRel(x, "Kelvora", "LEADS", "Stargate Project"), nullptr);
  EXPECT_NE(FindRel(x, "Zorvex", "LEADS", "Stargate Project"), nullptr);
  EXPECT_NE(FindRel(x, "Brixel", "LEADS", "Mineral Security Partnership"), nullptr);
  EXPECT_NE(FindRel(x, "Quantel", "BASED_IN", "Sweden"), nullptr);
  EXPECT_EQ(FindRel(x, "Halvard", "BASED_IN", "United States"), nullptr);
  const Relation* t = FindRel(x, "United States", "IMPOSES_TARIFF", "China");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->rule, "tariff.on-country-levied");
  EXPECT_EQ(FindRel(x, "Canada", "IMPOSES_TARIFF", "Mexico"), nullptr);
}

// A contract manufacturer's contract supplies its client; money raised from a company ("자금을
// 조달") is an investment, not a supply.
TEST_F(ExtractTest, ContractManufacturingAndMoneyRaisedFromACompany) {
  Extraction x =
      Run("- Kelvora社는 Zorvex社로부터 자금을 조달\n"
          "- Halvex社는 Zorvex社와 위탁생산 계약을 체결\n");
  EXPECT_EQ(FindRel(x, "Zorvex", "SUPPLIES", "Kelvora"), nullptr) << Explain(x);
  EXPECT_NE(FindRel(x, "Zorvex", "INVESTS_IN", "Kelvora"), nullptr);
  EXPECT_NE(FindRel(x, "Halvex", "SUPPLIES", "Zorvex"), nullptr);
}

// An investment received ("X로부터 투자받아"); a grant received ("지원받아") is no investment.
TEST_F(ExtractTest, InvestmentReceivedButNotAGrant) {
  Extraction x =
      Run("- Halvex社는 Norvexa社로부터 5억 달러를 투자받았다\n"
          "- Halvex社는 미국 국방부로부터 2억 달러를 지원받았다\n");
  EXPECT_NE(FindRel(x, "Norvexa", "INVESTS_IN", "Halvex"), nullptr) << Explain(x);
  EXPECT_EQ(FindRel(x, "U.S. Department of Defense", "INVESTS_IN", "Halvex"), nullptr);
}

// "Country X" is X's base only when the words between describe X: not a market or place where
// X acts ("미국 시장에서 X"), a government acting on X ("일본 정부의 X"), or X's plant or
// branch in the country ("헝가리 X 공장").
TEST_F(ExtractTest, CountryBeforeANameIsItsBaseOnlyAsADescription) {
  Extraction x =
      Run("- 미국 최대 방산 조선사 Zorvex社는 협약을 체결\n"
          "- Kelvora社는 독일 시장에서 Halvex社와 경쟁\n"
          "- 일본 정부의 Norvexa社 보조금은 1조 엔\n"
          "- 헝가리 Tarmio社 공장은 가동 중\n");
  EXPECT_NE(FindRel(x, "Zorvex", "BASED_IN", "United States"), nullptr) << Explain(x);
  EXPECT_EQ(FindRel(x, "Halvex", "BASED_IN", "Germany"), nullptr);
  EXPECT_EQ(FindRel(x, "Norvexa", "BASED_IN", "Japan"), nullptr);
  EXPECT_EQ(FindRel(x, "Tarmio", "BASED_IN", "Hungary"), nullptr);
}

// An acquisition done ("Y 인수를 완료"; a review, "검토", is none), and "각각" amounts, which
// belong to no single investor.
TEST_F(ExtractTest, AcquisitionDoneAndRespectiveAmounts) {
  Extraction x =
      Run("- Halvex社는 Zorvex社 인수를 완료\n"
          "- Kelvora社는 Tarmio社 인수를 검토\n"
          "- Norvexa社와 Tarmio社는 Kelvora社에 각각 3억 달러와 5억 달러를 투자\n");
  EXPECT_NE(FindRel(x, "Halvex", "INVESTS_IN", "Zorvex"), nullptr) << Explain(x);
  EXPECT_EQ(FindRel(x, "Kelvora", "INVESTS_IN", "Tarmio"), nullptr);
  const Relation* r = FindRel(x, "Tarmio", "INVESTS_IN", "Kelvora");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(Prop(*r, "amount"), nullptr);
  EXPECT_NE(FindRel(x, "Norvexa", "INVESTS_IN", "Kelvora"), nullptr);
}

// "스위스계 X" is X's base; the country a headquarters move leaves is none.
TEST_F(ExtractTest, CountryOfOriginAndAHeadquartersMove) {
  Extraction x =
      Run("- 스위스계 Zorvex社는 공장을 가동\n"
          "- Tarmio社는 본사를 미국에서 이전할 계획\n");
  EXPECT_NE(FindRel(x, "Zorvex", "BASED_IN", "Switzerland"), nullptr) << Explain(x);
  EXPECT_EQ(FindRel(x, "Tarmio", "BASED_IN", "United States"), nullptr);
}

// A contract makes partners within its clause ("A와 공장을 세우고, B와 계약을 체결" partners
// only B; a thousands comma is no clause break), and never with a ministry (a grant).
TEST_F(ExtractTest, ContractPartnersInItsClauseAndNotAMinistry) {
  Extraction x =
      Run("- Zorvex社는 Kelvora社와 1,200억 원 규모의 공급 계약을 체결\n"
          "- Halvex社는 Tarmio社와 공장을 세우고, Velmora社와 기술 계약을 체결\n"
          "- 상무부는 Norvexa社와 보조금 최종 계약을 맺었다\n");
  const Relation* r = FindRel(x, "Zorvex", "PARTNERS_WITH", "Kelvora");
  ASSERT_NE(r, nullptr) << Explain(x);
  EXPECT_EQ(r->rule, "partners.contract");
  EXPECT_NE(FindRel(x, "Halvex", "PARTNERS_WITH", "Velmora"), nullptr);
  EXPECT_EQ(FindRel(x, "Halvex", "PARTNERS_WITH", "Tarmio"), nullptr);
  EXPECT_EQ(FindRel(x, "U.S. Department of Commerce", "PARTNERS_WITH", "Norvexa"), nullptr);
}

// A country before a topic word ("미국 전력회사들은 X가") or a coordination ("미국 및 X") does
// not describe the name after it.
TEST_F(ExtractTest, CountryBeforeATopicOrACoordinationIsNoBase) {
  Extraction x =
      Run("- 미국 전력회사들은 Corvane社가 운영하는 프로그램에 참여\n"
          "- 미국 및 Quillan社 기업들은 협의를 시작\n"
          "- 미국 Brixel社는 공장을 가동\n");
  EXPECT_NE(FindRel(x, "Brixel", "BASED_IN", "United States"), nullptr) << Explain(x);
  EXPECT_EQ(FindRel(x, "Corvane", "BASED_IN", "United States"), nullptr);
  EXPECT_EQ(FindRel(x, "Quillan", "BASED_IN", "United States"), nullptr);
}

// A verb's subject is the nearest name with a subject particle before its object, not the
// unit's first: "A가 투자한 B는 ... Y를 공개" (A is a relative clause's), "A는 X를, B는 Y를
// 출시" (gapped clauses). Selecting a programme's members ("허브 'P'를 선정") is no leading.
TEST_F(ExtractTest, VerbRulesTakeTheNearestSubject) {
  Extraction x =
      Run("- Dravon社가 투자한 Ostrel社는 '25.7월 모델 Lyra 7을 공개\n"
          "- Merix社는 '24.9월 칩 Sora 200을, Pavlo社는 '24.7월 칩 Vanta 300을 출시하며 반격\n"
          "- Kestrel社는 7개 지역 허브 'Project Amber'를 선정하고 지원 계획을 발표\n"
          "- Fenwick社는 'Project Cobalt'를 출범\n");
  EXPECT_NE(FindRel(x, "Ostrel", "DEVELOPS", "Lyra 7"), nullptr) << Explain(x);
  EXPECT_EQ(FindRel(x, "Dravon", "DEVELOPS", "Lyra 7"), nullptr);
  EXPECT_NE(FindRel(x, "Pavlo", "DEVELOPS", "Vanta 300"), nullptr);
  EXPECT_EQ(FindRel(x, "Merix", "DEVELOPS", "Vanta 300"), nullptr);
  EXPECT_EQ(FindRel(x, "Kestrel", "LEADS", "Project Amber"), nullptr);
  EXPECT_NE(FindRel(x, "Fenwick", "LEADS", "Project Cobalt"), nullptr);
}

// A controlling shareholder ("Y의 지배주주인 X") holds Y as the largest one does.
TEST_F(ExtractTest, ControllingShareholderInvests) {
  Extraction x = Run("- Glenmar社의 지배주주인 Ardent社는 공장을 가동\n");
  const Relation* r = FindRel(x, "Ardent", "INVESTS_IN", "Glenmar");
  ASSERT_NE(r, nullptr) << Explain(x);
  EXPECT_EQ(r->rule, "invests.largest-holder-of");
}

}  // namespace
}  // namespace kg::ingest
