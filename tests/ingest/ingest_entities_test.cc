// Entity discovery from the text's own signals (names no dictionary lists) and the product
// relations they carry. Every name here is made up.
#include <algorithm>
#include <string>

#include "gtest/gtest.h"
#include "ingest/ingest.h"
#include "tests/ingest/shipped_bundle_test.h"

namespace kg::ingest {
namespace {

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

  static bool HasAlias(const Entity& e, const std::string& alias) {
    return std::find(e.aliases.begin(), e.aliases.end(), alias) != e.aliases.end();
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

}  // namespace
}  // namespace kg::ingest
