// Entity discovery from the text's own signals (names no dictionary lists) and the product
// relations they carry. Every name here is made up.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ingest/ingest.h"
#include "tests/ingest/shipped_bundle_test.h"

namespace kg::ingest {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Not;

class EntitiesTest : public ShippedBundleTest {
 protected:
  // The entity with that label one of whose aliases is `alias`.
  static const Entity* Find(const Extraction& x, const std::string& label,
                            const std::string& alias) {
    for (const Entity& e : x.entities) {
      if (e.label == label &&
          std::find(e.aliases.begin(), e.aliases.end(), alias) != e.aliases.end()) {
        return &e;
      }
    }
    return nullptr;
  }

  // Extracts "TITLE (英 SOURCE, 1.30)" and `body` as a document whose publisher is `source`.
  Extraction RunWithSource(const std::string& title, const std::string& source,
                           const std::string& body) {
    Document d;
    d.id = "t";
    d.title = title;
    d.source = source;
    d.source_country = "英";
    d.published = "1.30";
    d.title_offset = 0;
    d.text = title + " (英 " + source + ", 1.30)\n\n" + body;
    auto x = Extractor(*bundle_).Extract(d);
    EXPECT_TRUE(x.ok()) << x.status();
    return x.ok() ? *std::move(x) : Extraction{};
  }

  static bool HasAlias(const Entity& e, const std::string& alias) {
    return std::find(e.aliases.begin(), e.aliases.end(), alias) != e.aliases.end();
  }

  // The labels of the entities one of whose aliases is `alias` (empty: no such entity).
  static std::vector<std::string> LabelsOf(const Extraction& x, const std::string& alias) {
    std::vector<std::string> labels;
    for (const Entity& e : x.entities) {
      if (HasAlias(e, alias)) labels.push_back(e.label);
    }
    return labels;
  }

  // Whether a relation links the entities holding those aliases.
  static bool Related(const Extraction& x, const std::string& s, const std::string& edge,
                      const std::string& o) {
    for (const Relation& r : x.relations) {
      if (r.subject >= 0 && r.object >= 0 && r.edge == edge && HasAlias(x.entities[r.subject], s) &&
          HasAlias(x.entities[r.object], o)) {
        return true;
      }
    }
    return false;
  }

};

constexpr char kModelTable[] =
    "■ 주요 제조사와 주력 모델 ■\n"
    "\n"
    "기업\t국가\t주력 모델\n"
    "블루파인테크(미국)\t미국\tQX-700(12MW)\n"
    "Norvik Labs\t독일\t노바 프라임(Nova Prime)<br>차세대 개발 중\n"
    "Talvo Works\t일본\t• TX-5(3MW)\n"
    "\n"
    "- 시장은 성장세\n";

TEST_F(EntitiesTest, TableColumnHeaderNamesTheMakerAndItsModels) {
  Extraction x = Run(kModelTable);
  const Entity* maker = Find(x, "Company", "블루파인테크");
  ASSERT_NE(maker, nullptr);
  // "(미국)" after a row head is its country, not another name of it.
  EXPECT_FALSE(HasAlias(*maker, "미국"));
  const Entity* model = Find(x, "Product", "QX-700");
  ASSERT_NE(model, nullptr);
  EXPECT_EQ(model->rule, "signal:table-column");
  EXPECT_NE(Find(x, "Company", "Norvik Labs"), nullptr);
  const Entity* prime = Find(x, "Product", "노바 프라임");
  ASSERT_NE(prime, nullptr);
  EXPECT_TRUE(HasAlias(*prime, "Nova Prime"));
  EXPECT_TRUE(Related(x, "블루파인테크", "DEVELOPS", "QX-700"));
  EXPECT_TRUE(Related(x, "Norvik Labs", "DEVELOPS", "노바 프라임"));
  EXPECT_FALSE(Related(x, "블루파인테크", "DEVELOPS", "노바 프라임"));
  // A bullet before the name is structure, not part of it.
  EXPECT_TRUE(Related(x, "Talvo Works", "DEVELOPS", "TX-5"));
}

TEST_F(EntitiesTest, AMeasureInParenthesesIsNotAnAlias) {
  Extraction x = Run(kModelTable);
  const Entity* model = Find(x, "Product", "QX-700");
  ASSERT_NE(model, nullptr);
  EXPECT_FALSE(HasAlias(*model, "12MW"));
  EXPECT_EQ(Find(x, "Product", "12MW"), nullptr);
}

TEST_F(EntitiesTest, ATableWithoutAKindOfThingInItsHeaderNamesNothing) {
  Extraction x =
      Run("구분\t주요 내용\n"
          "QX-700\t신형 설비 도입\n"
          "노바 프라임\t시범 운영\n");
  EXPECT_EQ(Find(x, "Product", "QX-700"), nullptr);
  EXPECT_EQ(Find(x, "Product", "노바 프라임"), nullptr);
}

TEST_F(EntitiesTest, ReleaseVerbsMakeTheSubjectTheDeveloper) {
  Extraction x =
      Run("- 스타트업 젠트로바(Zentrova)가 '25.3월 신형 칩 '카리브 9(Karib 9)'을 발표했고, 같은 달 "
          "Ostrel社도 시제품 칩 '페넥(Fennec)'을 내놓음\n");
  EXPECT_TRUE(Related(x, "Zentrova", "DEVELOPS", "Karib 9"));
  EXPECT_TRUE(Related(x, "Ostrel", "DEVELOPS", "Fennec"));
  // The second clause has its own subject.
  EXPECT_FALSE(Related(x, "Zentrova", "DEVELOPS", "Fennec"));
}

// In a table row, "Y 탑재" says the row's head mounts Y; "X·Z에 탑재" says X and Z mount it.
TEST_F(EntitiesTest, MountedInATableRowRelatesTheRowHead) {
  Extraction x =
      Run("제품\t주요 내용\n"
          "Zorbin X2\t• '24.8월 공개, 자체 칩 '뉴로닉 5' 탑재\n"
          "QM-4(3세대)\t• 적층 8단, Zorbin X2 등에 탑재\n");
  ASSERT_NE(Find(x, "Product", "Zorbin X2"), nullptr);
  ASSERT_NE(Find(x, "Product", "QM-4"), nullptr);
  EXPECT_TRUE(Related(x, "Zorbin X2", "USES", "뉴로닉 5"));
  EXPECT_TRUE(Related(x, "Zorbin X2", "USES", "QM-4"));
  EXPECT_FALSE(Related(x, "QM-4", "USES", "Zorbin X2"));
}

// A table row headed "Product(Company)" says who makes the product: the head cell is matched as a
// whole line, not as one of the row's items.
TEST_F(EntitiesTest, ProductRowHeadNamesItsMaker) {
  Extraction x =
      Run("제품\t주요 내용\n"
          "노바 X9(Kelvar社)\t• '24.5월 공개, 물류 특화 로봇\n");
  ASSERT_NE(Find(x, "Product", "노바 X9"), nullptr);
  ASSERT_NE(Find(x, "Company", "Kelvar"), nullptr);
  EXPECT_TRUE(Related(x, "Kelvar", "DEVELOPS", "노바 X9"));
}

// "N MW급 X를 개발": equipment named by what it is, rated in a power unit, is a product.
TEST_F(EntitiesTest, RatedEquipmentThatACompanyDevelopsIsAProduct) {
  Extraction x =
      Run("- 스타트업 벨로란트(Velorant)는 최대 350kW급 수랭식 급속 충전기를 개발해 보급\n");
  const Entity* charger = Find(x, "Product", "수랭식 급속 충전기");
  ASSERT_NE(charger, nullptr);
  EXPECT_EQ(charger->rule, "entity.rated-equipment");
  EXPECT_TRUE(Related(x, "Velorant", "DEVELOPS", "수랭식 급속 충전기"));
}

// "Y 양산을 시작": mass production started; the producer is the clause's subject or the item's
// "(X)" head.
TEST_F(EntitiesTest, MassProductionStartedMakesTheSubjectTheProducer) {
  Extraction x =
      Run("- 스타트업 Kelvar는 '24.3월 신형 칩 QX-700 양산을 시작해 공급\n"
          "- (Ostrel社) '24.5월 칩 NX-9 양산에 돌입\n"
          "- (Ostrel社) 칩 NX-10 양산 준비\n");
  EXPECT_TRUE(Related(x, "Kelvar", "PRODUCES", "QX-700"));
  EXPECT_TRUE(Related(x, "Ostrel", "PRODUCES", "NX-9"));
  // Preparing is not producing.
  EXPECT_FALSE(Related(x, "Ostrel", "PRODUCES", "NX-10"));
}

// "Y를 생산하는 X", "X는 ... Y를 생산해": X makes Y in volume.
TEST_F(EntitiesTest, MakingVerbsMakeTheCompanyTheProducer) {
  Extraction x =
      Run("- 스타트업 Kelvar는 신형 칩 'QX-700'을 생산하는 Ostrel社의 최대주주\n"
          "- 스타트업 Norvik는 신형 모델 NX-9를 생산해 공급\n"
          "- Telmor社는 공장에서 NX-7 모델을 생산하며 공급\n");
  EXPECT_TRUE(Related(x, "Ostrel", "PRODUCES", "QX-700"));
  EXPECT_FALSE(Related(x, "Kelvar", "PRODUCES", "QX-700"));
  EXPECT_TRUE(Related(x, "Norvik", "PRODUCES", "NX-9"));
  EXPECT_TRUE(Related(x, "Telmor", "PRODUCES", "NX-7"));
}

// "스타트업 Brenlo와 Qorvane는": a name coordinated with a typed name shares its label.
TEST_F(EntitiesTest, ACoordinatedNameTakesTheLabelOfItsNeighbour) {
  Extraction x =
      Run("- 스타트업 Brenlo와 Qorvane는 '24.3월 새 연구소를 열었다\n"
          "- 스타트업 Tesmar, Ulvane, Virdo가 협의체를 구성\n");
  EXPECT_NE(Find(x, "Company", "Qorvane"), nullptr);
  EXPECT_NE(Find(x, "Company", "Ulvane"), nullptr);
  EXPECT_NE(Find(x, "Company", "Virdo"), nullptr);
}

// A country says nothing of what is coordinated with it, nor does the owner in "X와 Y의 Z".
TEST_F(EntitiesTest, ACountryOrAPossessorTypesNoCoordinate) {
  Extraction x =
      Run("- 미국과 Qorvane의 협의체가 출범\n"
          "- 스타트업 Brenlo가 성장하는 가운데 Qelta와 Brenlo의 경쟁이 심화\n");
  EXPECT_NE(Find(x, "Company", "Brenlo"), nullptr);
  EXPECT_THAT(LabelsOf(x, "Qorvane"), IsEmpty());
  EXPECT_THAT(LabelsOf(x, "Qelta"), IsEmpty());
}

// "(참고 : Publisher, Title, date)" and "Transport & Harbor": a title or the rest of an English
// name is not a list member.
TEST_F(EntitiesTest, ATitleOrTheRestOfAnEnglishNameIsNoCoordinate) {
  Extraction x =
      Run("- 스타트업 Brenlo, Quiet Harbor Outlook, 2025.3.1 발표\n"
          "- 스타트업 Brenlo, Still Water, our next step 발표\n"
          "- 스타트업 Qelta & Marrow, 새 공장 준공\n");
  EXPECT_NE(Find(x, "Company", "Brenlo"), nullptr);
  EXPECT_THAT(LabelsOf(x, "Quiet Harbor Outlook"), IsEmpty());
  EXPECT_THAT(LabelsOf(x, "Still Water"), IsEmpty());
  EXPECT_THAT(LabelsOf(x, "Marrow"), IsEmpty());
}

// "X가 '23.10월에 생산을 개시": a making or dealing verb of the clause whose subject is an
// unknown Latin name makes it a company; a verb past the clause's comma does not.
TEST_F(EntitiesTest, AMakingVerbOfItsClauseMakesTheSubjectACompany) {
  Extraction x =
      Run("- Qorvane는 '23.10월 고순도 소재 생산을 시작\n"
          "- Tesmar*가 '24.5월 현지 기업과 합작을 발표\n"
          "- Ulvane는 내년 회의를 열 예정이며, 생산 확대를 논의\n");
  const Entity* qorvane = Find(x, "Company", "Qorvane");
  ASSERT_NE(qorvane, nullptr);
  EXPECT_EQ(qorvane->rule, "signal:latin-name");
  EXPECT_NE(Find(x, "Company", "Tesmar"), nullptr);
  // Ulvane is a company only as the subject of its clause (config actor_label), not by the verb.
  const Entity* ulvane = Find(x, "Company", "Ulvane");
  ASSERT_NE(ulvane, nullptr);
  EXPECT_EQ(ulvane->rule, "signal:actor");
}

// "- 벨로닉스는 ... 생산을 중단": an unknown Korean word that opens a bullet as the subject of a
// making or dealing verb is a company; after modifiers, or with another verb, it is not.
TEST_F(EntitiesTest, AKoreanSubjectOfAMakingVerbAtALinesStartIsACompany) {
  Extraction x =
      Run("- 벨로닉스는 '24.5월 소형 모터 생산을 중단\n"
          "- (독일) 카르덴트는 현지 기업에 부품을 공급\n"
          "- 주요 시장은 부품 공급이 부족\n"
          "- 타르미온은 새 연구 계획을 발표\n"
          "※ 세르반텍은 부품 생산을 확대\n"
          "- 국내에서는 부품 생산이 증가\n");
  EXPECT_NE(Find(x, "Company", "벨로닉스"), nullptr);
  EXPECT_NE(Find(x, "Company", "카르덴트"), nullptr);
  EXPECT_NE(Find(x, "Company", "세르반텍"), nullptr);
  // A word and its case particle ("국내에서") are no name.
  EXPECT_THAT(LabelsOf(x, "국내에서"), IsEmpty());
  EXPECT_THAT(LabelsOf(x, "국내"), IsEmpty());
  EXPECT_THAT(LabelsOf(x, "주요 시장"), IsEmpty());
  EXPECT_THAT(LabelsOf(x, "시장"), IsEmpty());
  EXPECT_THAT(LabelsOf(x, "타르미온"), IsEmpty());
}

// "Qelvo X9를 공급", "벨카(Velka)를 양산": what a company supplies or mass-produces is a product.
TEST_F(EntitiesTest, WhatIsSuppliedOrMassProducedIsAProduct) {
  Extraction x =
      Run("- 스타트업 Brenlo는 현지 기업에 Qelvo X9를 공급\n"
          "- 스타트업 Tesmar는 '24년부터 벨카(Velka)를 양산\n"
          "- 스타트업 Ulvane는 Virdo와 협력\n");
  EXPECT_NE(Find(x, "Product", "Qelvo X9"), nullptr);
  EXPECT_NE(Find(x, "Product", "Velka"), nullptr);
  // A partner is no product: the company it works with.
  EXPECT_THAT(LabelsOf(x, "Virdo"), ElementsAre("Company"));
}

// "벨로르(Vellordyne)는 ... 출시": a transliteration with its Latin spelling takes the label
// of the clause it is the subject of; a measure in the brackets spells no name.
TEST_F(EntitiesTest, ASpelledOutSubjectOfAMakingVerbIsACompany) {
  Extraction x =
      Run("- 벨로르(Vellordyne)는 '24.5월 신형 모터를 출시\n"
          "- 적층형 스택(192GB)은 내년 양산\n");
  const Entity* c = Find(x, "Company", "Vellordyne");
  ASSERT_NE(c, nullptr);
  EXPECT_TRUE(HasAlias(*c, "벨로르"));
  EXPECT_THAT(LabelsOf(x, "192GB"), IsEmpty());
}

// "벨로(Vello)·타르센(Tarsen) 케이블": the members of a "·" list share the head noun after
// the last one; a bare Korean member with a particle ends the list.
TEST_F(EntitiesTest, MembersOfADotListShareTheHeadNounsLabel) {
  Extraction x =
      Run("- 스타트업 Brenlo는 벨로(Vello)·타르센(Tarsen) 케이블을 완공\n"
          "- 스타트업 Tesmar는 Qorvax·Ulmeno 칩을 공개\n"
          "- 스타트업 Virdo는 미르텔(Mirtel)·정부는 칩을 검토\n");
  EXPECT_NE(Find(x, "Product", "Vello"), nullptr);
  EXPECT_NE(Find(x, "Product", "Tarsen"), nullptr);
  EXPECT_NE(Find(x, "Product", "Qorvax"), nullptr);
  EXPECT_NE(Find(x, "Product", "Ulmeno"), nullptr);
  EXPECT_THAT(LabelsOf(x, "Mirtel"), IsEmpty());
}

// "카르노(Karno) 구리 프로젝트": a known topic between a name and a head noun leaves the head
// noun the name's category; a verb after the topic types nothing.
TEST_F(EntitiesTest, AHeadNounPastAKnownTopicTypesTheName) {
  Extraction x =
      Run("- 잠비아의 카르노(Karno) 구리 프로젝트는 '24년 생산을 시작\n"
          "- 잠비아의 벨모(Belmo) 구리 생산이 감소\n");
  EXPECT_NE(Find(x, "Program", "Karno"), nullptr);
  EXPECT_THAT(LabelsOf(x, "Belmo"), Not(Contains("Program")));
}

// "포르투갈 건설사 벨모르(Velmor)", "사모펀드 Quenta": a role word of three or more syllables
// ending in 사, 기업 or 펀드 right before a name makes it a company; a two-syllable word does not.
TEST_F(EntitiesTest, ARoleWordEndingInACompanyNounMakesTheNameACompany) {
  Extraction x =
      Run("- 포르투갈 건설사 벨모르(Velmor), 벨기에 운영사 카스텐(Kasten)이 철도를 건설\n"
          "- 미국 사모펀드 Quenta에 사업부를 매각\n"
          "- 정부는 조사 타르벤(Tarven)을 시작\n");
  EXPECT_NE(Find(x, "Company", "Velmor"), nullptr);
  EXPECT_NE(Find(x, "Company", "Kasten"), nullptr);
  EXPECT_NE(Find(x, "Company", "Quenta"), nullptr);
  EXPECT_THAT(LabelsOf(x, "Tarven"), Not(Contains("Company")));
}

// "X(Y) 등이 협력 기업으로", "X 등 주요 로봇 기업과": the kind a list ends in, past up to two
// words that narrow it, types the names before "등".
TEST_F(EntitiesTest, TheKindAListEndsInPastItsModifiersTypesTheList) {
  Extraction x =
      Run("- 벨로닉(Velonic) 등이 협력 기업으로 참여\n"
          "- Qorvane 등 주요 로봇 기업과 협약\n"
          "- Tesmar 등 세 가지 새로운 공정 기술을 도입\n");
  EXPECT_NE(Find(x, "Company", "Velonic"), nullptr);
  EXPECT_NE(Find(x, "Company", "Qorvane"), nullptr);
  EXPECT_THAT(LabelsOf(x, "Tesmar"), Not(Contains("Company")));
}

// "벨로나 4(Vellona 4) 프로젝트": a number ending both spellings is the name's last word.
TEST_F(EntitiesTest, ANumberEndingBothSpellingsBelongsToTheName) {
  Extraction x = Run("- 영국 정부는 벨로나 4(Vellona 4) 프로젝트의 개발을 승인\n");
  const Entity* p = Find(x, "Program", "Vellona 4");
  ASSERT_NE(p, nullptr);
  EXPECT_TRUE(HasAlias(*p, "벨로나 4"));
  EXPECT_THAT(LabelsOf(x, "4"), IsEmpty());
}

// "Zentra S25", "Long Varen 6A": a brand spelled out as a name, then a word with a digit, is a
// model (config model_label) with no other cue, also spelled out in brackets ("벨로리 7(Velori
// 7)"); a code ("KX-44A") only before a head noun (lexicon model_head); after a known maker the
// model is its own name and the maker stays a company. A reference ("Article 5"), a year
// ("Vision 2030"), an acronym before a number ("COP 28"), a code with no head and a number a
// Korean counter ends ("카이룬 5호(Kairun 5)") are no model.
TEST_F(EntitiesTest, ABrandAndANumberOrACodeBeforeAHeadNounIsAModel) {
  Extraction x =
      Run("- Zentra S25의 판매량은 전년 대비 20% 증가\n"
          "- Long Varen 6A는 올해 두 차례 발사되었다\n"
          "- 공군은 KX-44A 드론의 시험 비행을 마쳤다\n"
          "- NVIDIA QZ90의 출하가 늘었다\n"
          "- Article 5에 따라 Vision 2030의 목표와 COP 28 합의를 점검\n"
          "- March 2025 이후 TQ7 수요와 DKK 60 규모의 거래가 늘었다\n"
          "- 벨로리 7(Velori 7)을 발사했고 화물선 카이룬 5호(Kairun 5)가 입항\n"
          "- 자사가 개발한 유도탄 KX-480의 현지 생산 기반을 마련\n");
  EXPECT_THAT(LabelsOf(x, "Zentra S25"), ElementsAre("Product"));
  EXPECT_THAT(LabelsOf(x, "Long Varen 6A"), ElementsAre("Product"));
  EXPECT_THAT(LabelsOf(x, "KX-44A"), ElementsAre("Product"));
  EXPECT_THAT(LabelsOf(x, "KX-480"), ElementsAre("Product"));  // a head noun before it
  EXPECT_THAT(LabelsOf(x, "QZ90"), ElementsAre("Product"));
  EXPECT_THAT(LabelsOf(x, "NVIDIA"), ElementsAre("Company"));
  const Entity* spelled = Find(x, "Product", "Velori 7");
  ASSERT_NE(spelled, nullptr);
  EXPECT_TRUE(HasAlias(*spelled, "벨로리 7"));
  for (const char* none :
       {"Article 5", "Vision 2030", "COP 28", "March 2025", "TQ7", "DKK 60", "Kairun 5"}) {
    EXPECT_THAT(LabelsOf(x, none), IsEmpty()) << none;
  }
}

// "Halvard Capital Partners(미국)는": a name spelled out in Latin words with a country note in
// brackets is an organisation of that country, typed as config actor_label, whose last word
// alone ("Partners") is no name; an acronym before the note is not typed so.
TEST_F(EntitiesTest, ASpelledNameBeforeACountryNoteIsACompany) {
  Extraction x =
      Run("- Halvard Capital Partners(미국)는 배터리 기업에 투자했고 QXR(미국)도 참여\n"
          "- 이 회사는 Torvik Blue Lines(노르웨이)와 협력\n");
  EXPECT_THAT(LabelsOf(x, "Halvard Capital Partners"), ElementsAre("Company"));
  EXPECT_THAT(LabelsOf(x, "Torvik Blue Lines"), ElementsAre("Company"));
  EXPECT_TRUE(Related(x, "Torvik Blue Lines", "BASED_IN", "노르웨이"));
  EXPECT_THAT(LabelsOf(x, "Partners"), IsEmpty());
  EXPECT_THAT(LabelsOf(x, "QXR"), IsEmpty());
}

// "자국산 고체전해질 배터리를 개발": where a thing is made (lexicon phrase_stop) is no part of
// the phrase that names it.
TEST_F(EntitiesTest, AnOriginModifierIsNoPartOfAnObjectPhrase) {
  Extraction x = Run("- Qorvane社는 자국산 고체전해질 배터리를 개발\n");
  EXPECT_TRUE(Related(x, "Qorvane", "DEVELOPS", "고체전해질 배터리"));
  EXPECT_THAT(LabelsOf(x, "자국산 고체전해질 배터리"), IsEmpty());
}

// "로비글루타이드", "테라펜티닙", "카르벨리주맙": a word ending in an INN stem as Korean writes it
// (lexicon suffix: 타이드, 닙, 맙...) is a drug, a product; a short word ending so is not.
TEST_F(EntitiesTest, AWordEndingInADrugStemIsAProduct) {
  Extraction x =
      Run("- Qorvane社는 로비글루타이드와 테라펜티닙의 임상을 마쳤고 카르벨리주맙을 출시\n"
          "- 정부는 펩타이드 연구를 지원\n");
  EXPECT_THAT(LabelsOf(x, "로비글루타이드"), ElementsAre("Product"));
  EXPECT_THAT(LabelsOf(x, "테라펜티닙"), ElementsAre("Product"));
  EXPECT_THAT(LabelsOf(x, "카르벨리주맙"), ElementsAre("Product"));
  EXPECT_THAT(LabelsOf(x, "펩타이드"), IsEmpty());
}

// "X는 아연공기 배터리를 개발", "X는 액체냉각 시스템을 도입", "X는 산업용 로봇 개발을 시작":
// a noun phrase no dictionary lists that a phrase verb takes as its object and that ends in a
// head noun (lexicon phrase_head) is a technology or product of the head's label, and the end of
// the relation its clause states; its modifiers stop at a particle, an adnominal ending or a
// stop word, and a phrase named by a general head ("기술") is also known without it.
TEST_F(EntitiesTest, AnUnknownPhraseAVerbTakesIsATechnologyOrProductEnd) {
  Extraction x =
      Run("- Qorvane社는 아연공기 배터리를 개발\n"
          "- Brenlo社는 데이터센터에 액체냉각 시스템을 도입\n"
          "- Velonic社는 '24년부터 산업용 로봇 개발을 시작\n"
          "- Talvo社는 저가의 폐열 회수 기술도 개발 중\n");
  EXPECT_THAT(LabelsOf(x, "아연공기 배터리"), ElementsAre("Product"));
  EXPECT_TRUE(Related(x, "Qorvane", "DEVELOPS", "아연공기 배터리"));
  EXPECT_THAT(LabelsOf(x, "액체냉각 시스템"), ElementsAre("Technology"));
  EXPECT_TRUE(Related(x, "Brenlo", "USES", "액체냉각 시스템"));
  EXPECT_THAT(LabelsOf(x, "산업용 로봇"), ElementsAre("Technology"));
  EXPECT_TRUE(Related(x, "Velonic", "DEVELOPS", "산업용 로봇"));
  const Entity* t = Find(x, "Technology", "폐열 회수 기술");
  ASSERT_NE(t, nullptr);
  EXPECT_TRUE(HasAlias(*t, "폐열 회수"));
  EXPECT_TRUE(Related(x, "Talvo", "DEVELOPS", "폐열 회수 기술"));
  EXPECT_THAT(LabelsOf(x, "저가의 폐열 회수 기술"), IsEmpty());
}

// "X社가 개발한 고체전해질 배터리는": the phrase a relative clause of a phrase verb modifies is
// its object too, up to the first word with a particle.
TEST_F(EntitiesTest, ThePhraseARelativeClauseModifiesIsItsObject) {
  Extraction x = Run("- Qorvane社가 자체 개발한 고체전해질 배터리는 '26년 출시 예정\n");
  EXPECT_THAT(LabelsOf(x, "고체전해질 배터리"), ElementsAre("Product"));
  EXPECT_TRUE(Related(x, "Qorvane", "DEVELOPS", "고체전해질 배터리"));
}

// A table whose header names a method column ("방식") types its cells as technologies, which the
// row's company uses; "X 기반 Y": a product built on a technology uses it.
TEST_F(EntitiesTest, AMethodColumnAndABasedOnPhraseStateWhatIsUsed) {
  Extraction x =
      Run("■ 주요 기업의 구현 방식 ■\n"
          "\n"
          "기업\t방식\t비고\n"
          "Qorvane(미국)\t광자 얽힘\t'25년 시제품\n"
          "\n"
          "- Brenlo社는 광자 얽힘 기반 양자칩 '텔미라(Telmira)'를 공개\n");
  EXPECT_THAT(LabelsOf(x, "광자 얽힘"), ElementsAre("Technology"));
  EXPECT_TRUE(Related(x, "Qorvane", "USES", "광자 얽힘"));
  EXPECT_TRUE(Related(x, "Telmira", "USES", "광자 얽힘"));
}

// A phrase no relation takes is no entity; a general head alone ("기술을 개발"), a phrase after
// an adnominal ending ("효율적"), one whose owner qualifies it ("X의 AI 가속기") and a verb that is
// part of a longer noun ("개발자") name nothing.
TEST_F(EntitiesTest, APhraseWithoutARelationOrAHeadOfItsOwnIsNoEntity) {
  Extraction x =
      Run("- 아연공기 배터리를 개발하는 것이 과제\n"
          "- Qorvane社는 효율적 기술을 개발\n"
          "- Brenlo社는 Qorvane社의 AI 가속기를 생산\n"
          "- Velonic社는 로봇 차량 개발자를 채용\n");
  EXPECT_THAT(LabelsOf(x, "아연공기 배터리"), IsEmpty());
  EXPECT_THAT(LabelsOf(x, "기술"), IsEmpty());
  EXPECT_THAT(LabelsOf(x, "효율적 기술"), IsEmpty());
  EXPECT_THAT(LabelsOf(x, "AI 가속기"), IsEmpty());
  EXPECT_THAT(LabelsOf(x, "로봇 차량"), IsEmpty());
}

// "독일은 로봇 기술 개발에 주력": a generic dictionary term that is a phrase verb's object is an
// end of the relation its clause states (and an entity then); elsewhere it stays generic.
TEST_F(EntitiesTest, AGenericTermAVerbTakesIsAnEnd) {
  Extraction x = Run("- (독일) 독일은 제조 분야의 로봇 기술 개발에 주력\n");
  EXPECT_TRUE(Related(x, "독일", "DEVELOPS", "로봇 기술"));
  Extraction y = Run("- (독일) 독일은 로봇 기술 분야의 인력이 부족\n");
  EXPECT_THAT(LabelsOf(y, "로봇 기술"), IsEmpty());
}

// "X(Y)를 미국 사모펀드 Z에 매각", "'X'를 개시", "Qorvane를 8억 3,000만 달러에 인수": the verb
// whose object a spelled name is types it (lexicon object_verb), a few words on; a verb after a
// second object is that object's, and before an acronym X is a common noun.
TEST_F(EntitiesTest, TheVerbANameIsTheObjectOfTypesIt) {
  Extraction x =
      Run("- 벨트라는 자회사인 카르벤 테라피스(Karven Therapies)를 미국 투자사에 매각\n"
          "- 북해 감시 작전 '노르 실드(Nor Shield)'를 개시하고 함정을 투입\n"
          "- 獨 Brenlo는 Qorvane를 8억 3,000만 달러에 인수\n"
          "- 정부는 합동본부(JHQ)를 설립\n"
          "- 연구진은 텔미라(Telmira)를 활용해 새 소재를 개발\n");
  EXPECT_NE(Find(x, "Company", "Karven Therapies"), nullptr);
  EXPECT_NE(Find(x, "Program", "Nor Shield"), nullptr);
  EXPECT_NE(Find(x, "Company", "Qorvane"), nullptr);
  EXPECT_THAT(LabelsOf(x, "합동본부"), IsEmpty());
  EXPECT_THAT(LabelsOf(x, "Telmira"), Not(Contains("Product")));
}

// "A가 설립한 X(Y)", "A가 세운 X(Y)": who founded a name makes it a company.
TEST_F(EntitiesTest, AFoundedNameIsACompany) {
  Extraction x =
      Run("- 벨기에 운영사가 세운 카렌 대서양 철도(Karen Atlantic Rail)가 운영권을 확보\n"
          "- 세 회사가 합작 설립한 벨토라(Veltora)에 Qorvane가 합류\n");
  EXPECT_NE(Find(x, "Company", "Karen Atlantic Rail"), nullptr);
  EXPECT_NE(Find(x, "Company", "Veltora"), nullptr);
}

// "A(a)와 X(Y)가": the member before the joint is found past its own definition; an untyped
// one types nothing.
TEST_F(EntitiesTest, ACoordinateIsFoundPastItsDefinition) {
  Extraction x =
      Run("- 스타트업 벨로닉(Velonic)과 벨마르파트너스(VMP)가 지분을 50%씩 보유\n"
          "- 텔미라(Telmira)·카스텐인프라(KIP)가 지분을 보유\n");
  EXPECT_NE(Find(x, "Company", "VMP"), nullptr);
  EXPECT_THAT(LabelsOf(x, "KIP"), IsEmpty());
}

// "A, B, C 등 15개 이상의 기업을": the kind a comma list of three or more names ends in types
// its Korean members; a two-item list may start with a clause's verb and types nothing.
TEST_F(EntitiesTest, AListOfThreeOrMoreNamesTakesTheKindItEndsIn) {
  Extraction x =
      Run("- 벨로닉, 카스텐, 텔미라 등 15개 이상의 기업을 선정\n"
          "- 조직을 정리하고, 마르벤 등 해외 기업의 진출이 늘어남\n");
  EXPECT_NE(Find(x, "Company", "벨로닉"), nullptr);
  EXPECT_NE(Find(x, "Company", "카스텐"), nullptr);
  EXPECT_NE(Find(x, "Company", "텔미라"), nullptr);
  EXPECT_THAT(LabelsOf(x, "정리하고"), IsEmpty());
  EXPECT_THAT(LabelsOf(x, "마르벤"), IsEmpty());
}

// "X는 ... A와 B를 회수", "X는 아연 제련 부산물로 A, B 등 희소금속을 회수": a company that
// recovers minerals produces them; a mineral it only works with (아연 제련) is not among them.
TEST_F(EntitiesTest, RecoveredMineralsAreProducedByTheCompany) {
  Extraction x =
      Run("- Qorvane社는 폴란드에 공장을 가동하고 있으며, 재활용 공정에서 코발트와 니켈을 회수\n"
          "- Brenlo社는 아연 제련 부산물로 인듐, 비스무트 등 희소금속을 회수\n");
  EXPECT_TRUE(Related(x, "Qorvane", "PRODUCES", "코발트"));
  EXPECT_TRUE(Related(x, "Qorvane", "PRODUCES", "니켈"));
  EXPECT_TRUE(Related(x, "Brenlo", "PRODUCES", "인듐"));
  EXPECT_TRUE(Related(x, "Brenlo", "PRODUCES", "비스무트"));
  EXPECT_FALSE(Related(x, "Brenlo", "PRODUCES", "아연"));
}

// "X는 베트남에 A 생산 공장을 건설": a company that builds or runs a plant named for what it
// makes produces that; a plant that is only near a mention of it says nothing.
TEST_F(EntitiesTest, APlantNamedForAProductMakesItsOperatorTheProducer) {
  Extraction x =
      Run("- Qorvane社는 베트남에 니켈 생산 공장을 건설\n"
          "- Brenlo社는 니켈 가격 하락에도 새 공장을 건설\n");
  EXPECT_TRUE(Related(x, "Qorvane", "PRODUCES", "니켈"));
  EXPECT_FALSE(Related(x, "Brenlo", "PRODUCES", "니켈"));
}

// "일본 X(Y), 태국 Z社와", "미국 X(Y)에 투자": a spelled-out name right after its country is a
// company; one a head noun follows ("대만 X(Y) 해상풍력 프로젝트에"), a place ("잠비아 X(Y)에서")
// and a word dated in parentheses ("앙골라 방문('24.12)에") are not.
TEST_F(EntitiesTest, ASpelledNameAfterACountryIsACompanyUnlessAHeadOrPlaceFollows) {
  Extraction x =
      Run("- 인도 기업은 일본 텔미라(Telmira), 태국 Qorvane社와 합작\n"
          "- 한국 기업은 미국 벨마르(Velmar)에 1억 달러를 투자\n"
          "- 한국 기업은 대만 벨로나(Vellona) 해상풍력 프로젝트에 설비를 공급\n"
          "- 호주 기업은 잠비아 카르벤(Karven)에서 구리 광체를 발견\n"
          "- 대통령의 앙골라 방문('24.12)에 맞춰 발표\n");
  EXPECT_NE(Find(x, "Company", "Telmira"), nullptr);
  EXPECT_NE(Find(x, "Company", "Velmar"), nullptr);
  EXPECT_THAT(LabelsOf(x, "Vellona"), Not(Contains("Company")));
  EXPECT_THAT(LabelsOf(x, "Karven"), Not(Contains("Company")));
  EXPECT_THAT(LabelsOf(x, "방문"), IsEmpty());
}

// "Qorvane는", "텔미라(Telmira)와 합작", "Brenlo로부터 인수", "- (Tesmar) ...": a name spelled
// out in Latin that acts in its clause, with no other cue, is a company (config actor_label);
// an acronym, a model number, a lower-case word, a quoted name or a name joined to another
// name is not typed by it.
TEST_F(EntitiesTest, ASpelledOutNameThatActsInItsClauseIsACompany) {
  Extraction x =
      Run("- Qorvane는 '24.3월 새 데이터센터를 열었다\n"
          "- 텔미라(Telmira)와 합작해 공장을 세움\n"
          "- 벨로닉스는 Brenlo로부터 지분을 넘겨받음\n"
          "- (Tesmar) 현지 공장을 가동\n"
          "- QRX는 내년 회의를 연다\n"
          "- Xe-200은 내년 가동 예정\n"
          "- 토포소재(topomaterial)는 새로운 소재\n"
          "- 'Quillon'은 새로운 구조\n"
          "- Marrow와 Kestel의 경쟁이 심화\n");
  for (const char* name : {"Qorvane", "Telmira", "Brenlo", "Tesmar"}) {
    const Entity* e = Find(x, "Company", name);
    ASSERT_NE(e, nullptr) << name;
    EXPECT_EQ(e->rule, "signal:actor") << name;
  }
  for (const char* name : {"QRX", "Xe-200", "topomaterial", "Quillon", "Marrow"}) {
    EXPECT_THAT(LabelsOf(x, name), IsEmpty()) << name;
  }
}

// "(美 Trendline, 1.30)": a publisher no dictionary knows is a company when its name is spelled
// out, an organisation (config publisher_default_label) when it is an acronym.
TEST_F(EntitiesTest, ASpelledOutPublisherIsACompany) {
  Extraction firm = RunWithSource("신형 모터 시장 점검", "Trendline", "- 시장은 성장세\n");
  EXPECT_NE(Find(firm, "Company", "Trendline"), nullptr);
  Extraction body = RunWithSource("신형 모터 시장 점검", "QRXI", "- 시장은 성장세\n");
  EXPECT_NE(Find(body, "Organization", "QRXI"), nullptr);
}

// "KX오션텍은", "QT전선": a business group's initials written onto a Hangul word name one of its
// companies, typed by the word's suffix or as the subject of its clause; "AI반도체" (a stop
// name's initials) and "D램" (one letter) are none.
TEST_F(EntitiesTest, AGroupsInitialsOnAHangulWordNameACompany) {
  Extraction x =
      Run("- KX오션텍은 해상 구조물을 수출\n"
          "- QT전선의 공장이 가동\n"
          "- AI반도체는 수요가 증가\n"
          "- D램은 가격이 하락\n");
  const Entity* ocean = Find(x, "Company", "KX오션텍");
  ASSERT_NE(ocean, nullptr);
  EXPECT_EQ(ocean->rule, "signal:prefixed-name");
  EXPECT_NE(Find(x, "Company", "QT전선"), nullptr);
  EXPECT_THAT(LabelsOf(x, "AI반도체"), IsEmpty());
  EXPECT_THAT(LabelsOf(x, "D램"), IsEmpty());
}

// "풍력타워 기업인 씨에스윈드(CS Wind)": a transliteration does not reach back over the role word
// before it, so the bare Korean name is its alias and is found again where it recurs.
TEST_F(EntitiesTest, ATransliterationStopsAtTheRoleWordBeforeIt) {
  Extraction x =
      Run("- 세계 1위 타워 기업인 씨에스텔(CS Tel)은 해외 공장을 인수\n"
          "- 씨에스텔은 '25년 증설을 발표\n");
  const Entity* e = Find(x, "Company", "CS Tel");
  ASSERT_NE(e, nullptr);
  EXPECT_TRUE(HasAlias(*e, "씨에스텔"));
  EXPECT_FALSE(HasAlias(*e, "기업인 씨에스텔"));
  EXPECT_EQ(e->mentions.size(), 3u);
}

// "유니트리(Unitree Robotics) ... Unitree는", "(英 Financial Times)" over "FT는": a short form of
// a name found in full is the same entity, unless two full names share it.
TEST_F(EntitiesTest, AShortFormIsTheEntityOfItsOnlyFullName) {
  Extraction x =
      RunWithSource("신형 모터 시장 점검", "Norvo Daily",
                    "- 벨로닉(Velonic Labs)은 '24.5월 로봇을 출시\n"
                    "- Velonic은 내년 증산 예정\n"
                    "- 영국 언론사 ND는 보고서에서 성장을 전망\n"
                    "- 텔마 에너지(Telma Energy)와 텔마 그리드(Telma Grid)는 합병을 논의\n"
                    "- Telma는 지주회사로 전환\n");
  const Entity* labs = Find(x, "Company", "Velonic Labs");
  ASSERT_NE(labs, nullptr);
  EXPECT_TRUE(HasAlias(*labs, "Velonic"));
  const Entity* daily = Find(x, "Company", "ND");
  ASSERT_NE(daily, nullptr);
  EXPECT_TRUE(Related(x, "신형 모터 시장 점검", "PUBLISHED_BY", "ND"));
  EXPECT_EQ(Find(x, "Company", "Norvo Daily"), daily);
  const Entity* telma = Find(x, "Company", "Telma");
  ASSERT_NE(telma, nullptr);
  EXPECT_FALSE(HasAlias(*telma, "Telma Energy"));
  EXPECT_FALSE(HasAlias(*telma, "Telma Grid"));
}

// "혼다(Honda), 벨로닉(Velonic), 카스텐(Kasten)이": a spelled-out member left untyped when it was
// scanned takes the label of the members typed after it.
TEST_F(EntitiesTest, AnUntypedListMemberTakesTheLabelOfALaterMember) {
  Extraction x = Run("- 혼도(Hondo), 벨로닉(Velonic), 카스텐(Kasten)이 공동 충전망을 구축\n");
  EXPECT_NE(Find(x, "Company", "Kasten"), nullptr);
  EXPECT_NE(Find(x, "Company", "Velonic"), nullptr);
  EXPECT_NE(Find(x, "Company", "Hondo"), nullptr);
}

// "벨로전자는": a short word ending in a naming suffix is a name when it carries its particle; two
// syllables and a short suffix before another word are a common compound ("전력공사 Velmar",
// "석유화학 공장"), unless the word ends a longer name before it, of which it is the short form.
TEST_F(EntitiesTest, AShortSuffixWordIsANameOnlyWithItsParticleOrAsAShortForm) {
  Extraction x =
      Run("- 캐나다 전력공사 Velmar는 석유화학 공장을 세웠고, 벨로전자는 새 공장을 가동\n"
          "- 정부는 '23.11월 「벨로닉스 혁신발전 지도의견」을 발표\n"
          " - ※ 지도의견은 소형 모터를 핵심 제품으로 규정\n");
  EXPECT_THAT(LabelsOf(x, "벨로전자"), ElementsAre("Company"));
  EXPECT_THAT(LabelsOf(x, "전력공사"), IsEmpty());
  EXPECT_THAT(LabelsOf(x, "석유화학"), IsEmpty());
  const Entity* policy = Find(x, "Policy", "벨로닉스 혁신발전 지도의견");
  ASSERT_NE(policy, nullptr);
  EXPECT_TRUE(HasAlias(*policy, "지도의견"));
  EXPECT_THAT(LabelsOf(x, "지도의견"), ElementsAre("Policy"));
}

// "토포변환(topoconversion) 사업자": a lower-case spelling translates a common noun, which no
// cue after it makes a name; a capitalised one, "카르벤(Karven) 사업자", is one.
TEST_F(EntitiesTest, ALowerCaseSpellingMakesNoName) {
  Extraction x = Run("- 토포변환(topoconversion) 사업자 6곳과 카르벤(Karven) 사업자 2곳을 선정\n");
  EXPECT_THAT(LabelsOf(x, "토포변환"), IsEmpty());
  EXPECT_THAT(LabelsOf(x, "topoconversion"), IsEmpty());
  EXPECT_NE(Find(x, "Company", "Karven"), nullptr);
}

// "코르벤 로보틱스(Korven Robotics)": a dictionary word inside the spelling ("Robotics") is part of
// the name, which is the alias of the Korean one.
TEST_F(EntitiesTest, AKnownWordInsideASpellingIsPartOfTheName) {
  Extraction x = Run("- 코르벤 로보틱스(Korven Robotics)는 무인 트럭을 공급\n");
  const Entity* e = Find(x, "Company", "Korven Robotics");
  ASSERT_NE(e, nullptr);
  EXPECT_TRUE(HasAlias(*e, "코르벤 로보틱스"));
  EXPECT_THAT(LabelsOf(x, "Robotics"), IsEmpty());
}

// "영국 Cobalt Technologies": a known word ("Cobalt", a mineral) and capitalised words ending in a
// company's suffix are a company; before a programme's suffix ("Lithium Mission") they are not.
TEST_F(EntitiesTest, AKnownWordBeforeACompanySuffixIsACompany) {
  Extraction x = Run("- 영국 Cobalt Technologies와 Lithium Mission이 협력\n");
  EXPECT_THAT(LabelsOf(x, "Cobalt Technologies"), ElementsAre("Company"));
  EXPECT_THAT(LabelsOf(x, "Cobalt"), IsEmpty());
  EXPECT_THAT(LabelsOf(x, "Lithium Mission"), IsEmpty());
}

// "오르벤(Orven) 위성을 발사": a cue after a name types it when it ends its word, alone or with
// particles; the start of a compound, "벨마르(Belmar) 위성인터넷", does not.
TEST_F(EntitiesTest, ACueStartingACompoundTypesNothing) {
  Extraction x = Run("- 벨마르(Belmar) 위성인터넷 구축이 진행되고, 오르벤(Orven) 위성을 발사\n");
  EXPECT_THAT(LabelsOf(x, "Belmar"), IsEmpty());
  EXPECT_THAT(LabelsOf(x, "Orven"), ElementsAre("Product"));
}

// "폴란드에 인도가 시작되어", "장비를 인도받아", "멕시코만 연안": a name inside a lexicon
// `common_sense` phrase is the common word (a delivery, the Gulf's coast), not the country;
// elsewhere, with another particle or verb, it is the country.
TEST_F(EntitiesTest, ANameInsideACommonSensePhraseIsNoName) {
  EXPECT_THAT(LabelsOf(Run("- 전차는 '23년부터 폴란드에 인도가 시작되어 배치\n"), "인도"),
              IsEmpty());
  EXPECT_THAT(LabelsOf(Run("- 한빛기계는 새 장비를 인도받아 설치했다\n"), "인도"), IsEmpty());
  EXPECT_THAT(LabelsOf(Run("- 멕시코만 연안의 정유소가 가동을 멈췄다\n"), "멕시코"), IsEmpty());
  EXPECT_THAT(LabelsOf(Run("- 인도가 반도체 공장 건설을 시작\n"), "인도"), ElementsAre("Country"));
  EXPECT_THAT(LabelsOf(Run("- 인도 정부는 보조금을 늘렸다\n"), "인도"), ElementsAre("Country"));
  EXPECT_THAT(LabelsOf(Run("- 캐나다와 멕시코만 관세를 면제받았다\n"), "멕시코"),
              ElementsAre("Country"));
}

// "포스코 Q&T는": a dictionary company, then initials joined by "&", names a company of its
// group (the whole name, the known company not named there); "R&D" is no such initials, and
// initials after no company make no name.
TEST_F(EntitiesTest, AmpersandInitialsAfterACompanyNameAGroupCompany) {
  Extraction x =
      Run("- 포스코 Q&T는 '24년 해외 공장을 인수\n"
          "- 포스코 R&D 조직은 신소재를 개발\n"
          "- 정부 Z&K 예산이 늘었다\n");
  const Entity* e = Find(x, "Company", "포스코 Q&T");
  ASSERT_NE(e, nullptr) << Explain(x);
  EXPECT_EQ(e->rule, "signal:group-company");
  EXPECT_EQ(e->mentions.size(), 1u);
  const Entity* posco = Find(x, "Company", "포스코");
  ASSERT_NE(posco, nullptr);
  EXPECT_EQ(posco->mentions.size(), 1u);  // in "포스코 R&D" only
  EXPECT_THAT(LabelsOf(x, "포스코 R&D"), IsEmpty());
  EXPECT_THAT(LabelsOf(x, "Z&K"), IsEmpty());
}

// "중국 Travix 등은": a Latin name after its country that heads a list of subjects or partners
// is a company, as it is with the particle on itself; before "등의" a list modifies a noun.
TEST_F(EntitiesTest, ANameAfterItsCountryHeadingAListIsACompany) {
  Extraction x =
      Run("- 중국 Travix 등은 가격 경쟁력을 앞세워 점유율을 늘림\n"
          "- 미국 Qelmo 등의 수요가 늘었다\n");
  EXPECT_THAT(LabelsOf(x, "Travix"), ElementsAre("Company")) << Explain(x);
  EXPECT_THAT(LabelsOf(x, "Qelmo"), IsEmpty());
}

// "캐나다 벨비(Velbi)는 ... 시뮬레이터 '벨비 월드(Velbi World)'": a short form that spells a
// company is not the entity of a product whose full name starts with it.
TEST_F(EntitiesTest, AShortFormOfAnotherLabelStaysItsOwnEntity) {
  Extraction x = Run("- 캐나다 벨비(Velbi)는 시뮬레이터 '벨비 월드(Velbi World)'를 활용해 학습\n");
  const Entity* firm = Find(x, "Company", "Velbi");
  ASSERT_NE(firm, nullptr) << Explain(x);
  EXPECT_FALSE(HasAlias(*firm, "Velbi World"));
  EXPECT_THAT(LabelsOf(x, "Velbi World"), ElementsAre("Product"));
}

// Head nouns before a name: "배터리 브랜드 'X'" and "양자컴퓨터 'X'" are products, "미국 법인
// X(Y)" and "공기업 'X'" companies, "A와 B가 공동 추진하는 X(Y)" and "CCS 사업 'X'" programmes;
// "X, Y 등 통신사가" lists carriers, companies; "소형 고속로 'X'" and "X 실험로" are reactors,
// products, and "스팩 X" a listed shell, a company. Without a head "'X'를 발표" types none.
TEST_F(EntitiesTest, HeadNounsBeforeAndAfterANameTypeIt) {
  Extraction x =
      Run("- 한빛배터리는 배터리 브랜드 '벨트라(Veltra)'를 발표\n"
          "- 한빛대는 양자컴퓨터 '큐몬 원(Qumon One)'을 가동\n"
          "- 한빛전선은 미국 법인 한빛링크(Hanbit Link)를 통해 공장을 건설\n"
          "- 영국 정부는 공기업 '브리튼 그리드(Briton Grid)'를 세웠다\n"
          "- 한빛에너지와 두리에너지가 공동 추진하는 노바 티스(Nova Tees)는 착공을 결정\n"
          "- 노르웨이 CCS 사업 '롱보트(Longboat)'의 저장소가 가동\n"
          "- 벨라존(Velazon), 토르넷(Tornet) 등 통신사가 위성 서비스를 제공\n"
          "- 한빛원자력은 소형 고속로 '벨로라(Velora)'를 개발\n"
          "- 연구소는 QBR-II 실험로의 연료를 회수\n"
          "- 한빛모터스는 스팩 Orvell Capital Corp IX와 합병\n"
          "- 한빛은 '코르벤(Korven)'을 발표\n");
  EXPECT_THAT(LabelsOf(x, "Veltra"), ElementsAre("Product")) << Explain(x);
  EXPECT_THAT(LabelsOf(x, "Qumon One"), ElementsAre("Product"));
  EXPECT_THAT(LabelsOf(x, "Hanbit Link"), ElementsAre("Company"));
  EXPECT_THAT(LabelsOf(x, "Briton Grid"), ElementsAre("Company"));
  EXPECT_THAT(LabelsOf(x, "Nova Tees"), ElementsAre("Program"));
  EXPECT_THAT(LabelsOf(x, "Longboat"), ElementsAre("Program"));
  EXPECT_THAT(LabelsOf(x, "Velazon"), ElementsAre("Company"));
  EXPECT_THAT(LabelsOf(x, "Tornet"), ElementsAre("Company"));
  EXPECT_THAT(LabelsOf(x, "Velora"), ElementsAre("Product"));
  EXPECT_THAT(LabelsOf(x, "QBR-II"), ElementsAre("Product"));
  EXPECT_THAT(LabelsOf(x, "Orvell Capital Corp IX"), ElementsAre("Company"));
  EXPECT_THAT(LabelsOf(x, "Korven"), IsEmpty());
}

TEST_F(EntitiesTest, ACountrysNameAfterAStateIsNoCountry) {
  EXPECT_THAT(LabelsOf(Run("- 인디애나 주 레바논 공장에 투자\n"), "레바논"), IsEmpty());
  EXPECT_THAT(LabelsOf(Run("- 레바논 정부는 투자를 환영\n"), "레바논"), ElementsAre("Country"));
}

// "라델 코르미(Radel Kormi)가 창업한 벨마르(Velmar)": whoever founds a company is a person
// (lexicon subject_verb 창업), not the company that acts in its clause.
TEST_F(EntitiesTest, TheFounderOfACompanyIsAPerson) {
  Extraction x =
      Run("- 라델 코르미(Radel Kormi)가 창업한 캐나다 벨마르(Velmar)는 새 모델을 공개\n");
  EXPECT_THAT(LabelsOf(x, "Radel Kormi"), ElementsAre("Person"));
  EXPECT_THAT(LabelsOf(x, "Velmar"), ElementsAre("Company"));
}

// "미국 CDMO 기업 카탈런트(Catalent)": a head noun right before another name heads that name's
// apposition; the word before it is the sector, no company. With a particle, or with nothing
// after it, the cue still types the name before it; "X의 자회사 Y" still says what X is.
TEST_F(EntitiesTest, AHeadNounBeforeANameTypesThatNameNotTheWordBeforeIt) {
  Extraction x =
      Run("- 노보 홀딩스는 미국 QRX 기업 벨로탄(Velotan)을 인수했다.\n"
          "- 또한 PLZ 기업 Dravik Labs와 협력했다.\n"
          "- Zorvex 기업은 공장을 지었다. 카렌토(Karento)의 자회사 Mirelo는 새 모델을 공개했다.\n");
  EXPECT_THAT(LabelsOf(x, "QRX"), IsEmpty()) << Explain(x);
  EXPECT_THAT(LabelsOf(x, "PLZ"), IsEmpty());
  EXPECT_THAT(LabelsOf(x, "Zorvex"), ElementsAre("Company"));
  EXPECT_THAT(LabelsOf(x, "Karento"), ElementsAre("Company"));
}

// "수소환원 기술 'Flarex 3.0'의": the head noun 기술 before a name makes it a technology.
TEST_F(EntitiesTest, ATechnologyHeadNounBeforeANameMakesATechnology) {
  Extraction x = Run("- 한빛제철은 수소환원 기술 'Flarex 3.0'의 실증을 마쳤다.\n");
  EXPECT_THAT(LabelsOf(x, "Flarex 3.0"), ElementsAre("Technology")) << Explain(x);
}

// "비만치료제 '벨로비(Velovy)'": a drug's head noun before a name makes it a product.
TEST_F(EntitiesTest, ADrugHeadNounBeforeANameMakesAProduct) {
  Extraction x = Run("- 노보노디스크는 비만치료제 '벨로비(Velovy)'의 공급을 늘렸다.\n");
  EXPECT_THAT(LabelsOf(x, "Velovy"), ElementsAre("Product")) << Explain(x);
}

// "카이퍼(Project Kuiper)": with no cue around it, the spelling's own naming word (lexicon prefix
// or suffix) types the name rather than its acting in the clause.
TEST_F(EntitiesTest, TheSpellingsNamingWordTypesADefinedName) {
  Extraction x = Run("- 오르비아(Project Orbia)는 '24년 첫 위성 발사를 마쳤다.\n");
  EXPECT_THAT(LabelsOf(x, "Project Orbia"), ElementsAre("Program")) << Explain(x);
}

// A footnote that defines a kind, "* (X) ... 사용하는 발사체", makes a technology (lexicon
// definition_head), before an after-cue at the same place ("발사체" alone would say Product);
// one whose head is a company's ("... 설립된 기업") still makes a company.
TEST_F(EntitiesTest, AFootnoteThatDefinesAKindMakesATechnology) {
  Extraction x =
      Run("- 벨트란은 '24년 라피온* 개발을 시작했고 카노바** 와 협력했다\n"
          "* (Returnable Lift Vehicle) 발사 후 1단을 회수해 다시 사용하는 발사체로, 비용을 낮춤\n"
          "** (Canova Works) 2019년 설립된 기업\n");
  EXPECT_THAT(LabelsOf(x, "Returnable Lift Vehicle"), ElementsAre("Technology")) << Explain(x);
  EXPECT_THAT(LabelsOf(x, "Canova Works"), ElementsAre("Company"));
}

// config passing_labels: a dictionary name of a passing label (Technology) that an article names
// once and relates to nothing is a passing mention, not one of its entities; named twice, or
// related, it is one. The shipped bundle leaves the key unset: every name is an entity.
TEST_F(EntitiesTest, ADictionaryTermNamedOnceInPassingIsNoEntityWhenTheBundleSaysSo) {
  const std::string once = "- 생성형 AI 등 신기술의 확산으로 규제 논의가 늘었다.\n";
  const std::string twice = "- 생성형 AI 시장이 커졌고, 생성형 AI 수요도 늘었다.\n";
  EXPECT_THAT(LabelsOf(Run(once), "생성형 AI"), ElementsAre("Technology"));

  namespace fs = std::filesystem;
  const fs::path dir = fs::path(::testing::TempDir()) / "passing_labels_bundle";
  fs::remove_all(dir);
  fs::copy(KG_INGEST_TEST_DATA, dir, fs::copy_options::recursive);
  std::ofstream(dir / "config.tsv", std::ios::app) << "passing_labels\tTechnology|Product\n";
  auto bundle = Bundle::Load(dir.string());
  fs::remove_all(dir);
  ASSERT_TRUE(bundle.ok()) << bundle.status();
  auto run = [&](const std::string& text) {
    Document d;
    d.id = "t";
    d.text = text;
    auto x = Extractor(*bundle).Extract(d);
    EXPECT_TRUE(x.ok()) << x.status();
    return x.ok() ? *std::move(x) : Extraction{};
  };
  EXPECT_THAT(LabelsOf(run(once), "생성형 AI"), IsEmpty());
  EXPECT_THAT(LabelsOf(run(twice), "생성형 AI"), ElementsAre("Technology"));
}

}  // namespace
}  // namespace kg::ingest
