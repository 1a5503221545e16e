// The typed-trigger fallback (ingest/trigger_frames.cc, data/triggers.tsv) and the dictionary
// flag that keeps government bodies out of "based in" readings. Every name here is made up.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "ingest/ingest.h"
#include "ingest/internal.h"
#include "tests/ingest/shipped_bundle_test.h"

namespace kg::ingest {
namespace {

// ---- FindTriggerRelations on hand-tagged text -----------------------------------------------

// A tagged unit built piece by piece: text, and names that become placeholders.
class Tagged {
 public:
  Tagged& Text(const std::string& s) {
    text_ += s;
    return *this;
  }
  // A name of `label`; `subject` when a subject particle follows it, `topic` when that is 은/는.
  Tagged& Name(int entity, const std::string& label, bool subject = false, bool topic = false) {
    TaggedMention m;
    m.pos = text_.size();
    labels_.push_back(label);
    text_ += absl::StrCat("\x01", entity, ":", label, "\x02");
    m.end = text_.size();
    m.entity = entity;
    if (subject) subject_places_.push_back(mentions_.size());
    if (topic) topic_places_.push_back(mentions_.size());
    mentions_.push_back(m);
    return *this;
  }
  // `row`: the row's head, for a table cell.
  std::vector<TriggerHit> Find(const TriggerTable& table, const TaggedMention* row = nullptr) {
    for (size_t i = 0; i < mentions_.size(); ++i) mentions_[i].label = labels_[i];
    std::vector<TriggerHit> hits;
    FindTriggerRelations(table, text_, mentions_, subject_places_, topic_places_, &hits, row);
    return hits;
  }

 private:
  std::string text_;
  std::vector<std::string> labels_;
  std::vector<TaggedMention> mentions_;
  std::vector<size_t> subject_places_, topic_places_;
};

// The shipped triggers.tsv's word lists (particles, endings, back-references...), which the
// hand-made tables below read roles with.
const TriggerWords& ShippedWords() {
  static const TriggerWords* words = [] {
    auto b = Bundle::Load(KG_INGEST_TEST_DATA);
    EXPECT_TRUE(b.ok()) << b.status();
    return new TriggerWords(b.ok() ? (*b)->impl().triggers.words : TriggerWords());
  }();
  return *words;
}

TriggerTable Table() {
  TriggerTable t;
  t.words = ShippedWords();
  t.negations = {"않", "필요"};
  t.clause_ends = {"고 ", ", "};
  t.frames.push_back({"INVESTS_IN", {"투자"}, {"에", "의"}, {"Company"}, {"Company"}, false});
  t.frames.push_back({"SUPPLIES", {"공급"}, {"로부터"}, {"Company"}, {"Company"}, true});
  t.frames.push_back({"LEADS", {"주관"}, {"을"}, {"Company"}, {"Program"}, false});
  t.frames.push_back({"PARTNERS_WITH", {"협력"}, {"와", "과의"}, {"Company"}, {"Company"}, false});
  t.frames.push_back(
      {"SUPPLIES", {"공급"}, {"에"}, {"Company"}, {"Company", "Country"}, false});  // frame 4
  t.owner_not = {"Country"};
  IndexTriggers(&t);
  return t;
}

std::vector<std::vector<int>> Pairs(const std::vector<TriggerHit>& hits) {
  std::vector<std::vector<int>> out;
  for (const TriggerHit& h : hits) out.push_back({h.frame, h.subject, h.object});
  return out;
}

TEST(TriggerFramesTest, MarkedObjectAndSubjectBeforeIt) {
  auto hits = Tagged()
                  .Name(1, "Company", true, true)
                  .Text("는 올해 ")
                  .Name(2, "Company")
                  .Text("에 대규모 투자를 했다")
                  .Find(Table());
  EXPECT_EQ(Pairs(hits), (std::vector<std::vector<int>>{{0, 1, 2}}));
}

TEST(TriggerFramesTest, ObjectOfAnotherLabelOrWithoutTheMarkIsNoEnd) {
  EXPECT_TRUE(Tagged()
                  .Name(1, "Company", true, true)
                  .Text("는 ")
                  .Name(2, "Program")
                  .Text("에 투자했다")
                  .Find(Table())
                  .empty());
  EXPECT_TRUE(Tagged()
                  .Name(1, "Company", true, true)
                  .Text("는 ")
                  .Name(2, "Company")
                  .Text("를 보고 투자했다")
                  .Find(Table())
                  .empty());
}

TEST(TriggerFramesTest, NegationOrRecommendationAfterTheTriggerSuppressesIt) {
  EXPECT_TRUE(Tagged()
                  .Name(1, "Company", true, true)
                  .Text("는 ")
                  .Name(2, "Company")
                  .Text("에 투자하지 않았다")
                  .Find(Table())
                  .empty());
  EXPECT_TRUE(Tagged()
                  .Name(1, "Company", true, true)
                  .Text("는 ")
                  .Name(2, "Company")
                  .Text("과의 협력을 늘릴 필요가 있다")
                  .Find(Table())
                  .empty());
}

TEST(TriggerFramesTest, OnlyATopicCarriesOverAClauseBoundary) {
  auto across = [](bool topic) {
    return Tagged()
        .Name(1, "Company", true, topic)
        .Text(topic ? "는 성장했고 " : "가 성장했고 ")
        .Name(2, "Company")
        .Text("에 투자했다")
        .Find(Table());
  };
  EXPECT_EQ(Pairs(across(true)), (std::vector<std::vector<int>>{{0, 1, 2}}));
  EXPECT_TRUE(across(false).empty());
}

// "A는 X에 투자했고, 버라이즌은 Y에 투자": a clause that opens with a subject the text did not
// recognise is not A's; an adverbial topic ("최근에는") or another clause is no such subject.
TEST(TriggerFramesTest, UnrecognisedSubjectOfALaterClauseEndsTheTopicsPart) {
  auto after = [](const std::string& clause_start) {
    return Tagged()
        .Name(1, "Company", true, true)
        .Text("는 ")
        .Name(2, "Company")
        .Text("에 투자했고, " + clause_start)
        .Name(3, "Company")
        .Text("에 투자했다")
        .Find(Table());
  };
  EXPECT_EQ(Pairs(after("버라이즌은 ")), (std::vector<std::vector<int>>{{0, 1, 2}}));
  EXPECT_EQ(Pairs(after("최근에는 ")), (std::vector<std::vector<int>>{{0, 1, 2}, {0, 1, 3}}));
  EXPECT_EQ(Pairs(after("지난해 ")), (std::vector<std::vector<int>>{{0, 1, 2}, {0, 1, 3}}));
  // Without "@topic_not", the adverbial topic reads as a subject too.
  TriggerTable t = Table();
  t.words.topic_not.clear();
  EXPECT_EQ(Pairs(Tagged()
                      .Name(1, "Company", true, true)
                      .Text("는 성장했고, 최근에는 ")
                      .Name(3, "Company")
                      .Text("에 투자했다")
                      .Find(t)),
            (std::vector<std::vector<int>>{}));
}

TEST(TriggerFramesTest, CoordinatedObjectsAndListsBeforeACategory) {
  auto listed = Tagged()
                    .Name(1, "Company", true, true)
                    .Text("는 ")
                    .Name(2, "Company")
                    .Text(", ")
                    .Name(3, "Company")
                    .Text(" 등 주요 부품 기업과의 협력을 늘렸다")
                    .Find(Table());
  EXPECT_EQ(Pairs(listed), (std::vector<std::vector<int>>{{3, 1, 3}, {3, 1, 2}}));
}

TEST(TriggerFramesTest, CompanionSharesTheSubjectsPart) {
  auto hits = Tagged()
                  .Name(1, "Company", true, true)
                  .Text("는 ")
                  .Name(2, "Company")
                  .Text("와 함께 ")
                  .Name(3, "Company")
                  .Text("에 투자했다")
                  .Find(Table());
  EXPECT_EQ(Pairs(hits), (std::vector<std::vector<int>>{{0, 1, 3}, {0, 2, 3}}));
}

TEST(TriggerFramesTest, RelativeClauseRelatesItsSubjectToTheNameAfterIt) {
  auto hits = Tagged()
                  .Name(1, "Company", true, false)
                  .Text("가 주관하는 '")
                  .Name(2, "Program")
                  .Text("에는 여러 기업이 모였다")
                  .Find(Table());
  EXPECT_EQ(Pairs(hits), (std::vector<std::vector<int>>{{2, 1, 2}}));
}

// "X가 생산한 텐서 G5(Tensor G5)를": the relative clause's head is words the text did not
// recognise, spelled out in the bracket after them; not a name's definition, nor a head with a
// particle of its own.
TEST(TriggerFramesTest, RelativeClauseHeadSpelledOutInABracket) {
  auto head = [](const std::string& words) {
    return Tagged()
        .Name(1, "Company", true, false)
        .Text("가 주관하는 " + words + "(")
        .Name(2, "Program")
        .Text(")에 참여")
        .Find(Table());
  };
  EXPECT_EQ(Pairs(head("차세대 반도체")), (std::vector<std::vector<int>>{{2, 1, 2}}));
  EXPECT_TRUE(head("사업에 과제").empty());
  EXPECT_TRUE(head("여러 신규 국제 공동").empty());  // more than two words
}

TEST(TriggerFramesTest, ReverseFrameTakesTheMarkedNameAsSubject) {
  auto hits = Tagged()
                  .Name(1, "Company", true, true)
                  .Text("는 ")
                  .Name(2, "Company")
                  .Text("로부터 부품을 공급받는다")
                  .Find(Table());
  EXPECT_EQ(Pairs(hits), (std::vector<std::vector<int>>{{1, 2, 1}}));
}

TEST(TriggerFramesTest, OwnerOfTheMarkedPhraseIsTheObject) {
  // "X의 ... Y에": X owns the phrase the mark closes, Y (a product) fits no object label.
  auto owned = Tagged()
                   .Name(1, "Company", true, true)
                   .Text("는 ")
                   .Name(2, "Company")
                   .Text("의 신형 장비 ")
                   .Name(3, "Product")
                   .Text("에 부품을 공급한다")
                   .Find(Table());
  EXPECT_EQ(Pairs(owned), (std::vector<std::vector<int>>{{4, 1, 2}}));
  // A name right before another: X's product Y.
  auto compound = Tagged()
                      .Name(1, "Company", true, true)
                      .Text("는 ")
                      .Name(2, "Company")
                      .Text(" ")
                      .Name(3, "Product")
                      .Text(" 라인에 부품을 공급한다")
                      .Find(Table());
  EXPECT_EQ(Pairs(compound), (std::vector<std::vector<int>>{{4, 1, 2}}));
}

TEST(TriggerFramesTest, OwnedPhraseEndsAtAnotherParticleAndCountriesOwnNothing) {
  // "X의 장비를 ... 거점에": X owns only "장비를".
  auto other_role = Tagged()
                        .Name(1, "Company", true, true)
                        .Text("는 ")
                        .Name(2, "Company")
                        .Text("의 장비를 수리 거점에 공급한다")
                        .Find(Table());
  EXPECT_TRUE(other_role.empty());
  // "미국의 공장에": where, not whose.
  auto country = Tagged()
                     .Name(1, "Company", true, true)
                     .Text("는 ")
                     .Name(2, "Country")
                     .Text("의 조립 공장에 부품을 공급한다")
                     .Find(Table());
  EXPECT_TRUE(country.empty());
}

TEST(TriggerFramesTest, FootnoteMarkAfterAClosingQuoteStillLeavesTheParticle) {
  auto hits = Tagged()
                  .Name(1, "Company", true, true)
                  .Text("는 「")
                  .Name(2, "Program")
                  .Text("(ZQP)」*을 주관한다")
                  .Find(Table());
  EXPECT_EQ(Pairs(hits), (std::vector<std::vector<int>>{{2, 1, 2}}));
}

// A passive turns the roles round ("X는 Y에 투자되었다": Y is no investee of X): no reading.
TEST(TriggerFramesTest, PassiveTriggerIsNotRead) {
  auto invest = [](const std::string& verb) {
    return Tagged()
        .Name(1, "Company", true, true)
        .Text("는 ")
        .Name(2, "Company")
        .Text("에 " + verb)
        .Find(Table());
  };
  EXPECT_EQ(Pairs(invest("투자했다")), (std::vector<std::vector<int>>{{0, 1, 2}}));
  EXPECT_TRUE(invest("투자되었다").empty());
  EXPECT_TRUE(invest("투자된 바 있다").empty());
}

// The passive endings are the table's words, not the code's: without "@passive" the frame reads
// the passive as it reads the active voice.
TEST(TriggerFramesTest, PassiveEndingsComeFromTheTable) {
  TriggerTable t = Table();
  t.words.passive.clear();
  EXPECT_EQ(Pairs(Tagged()
                      .Name(1, "Company", true, true)
                      .Text("는 ")
                      .Name(2, "Company")
                      .Text("에 투자되었다")
                      .Find(t)),
            (std::vector<std::vector<int>>{{0, 1, 2}}));
}

TEST(TriggerFramesTest, ReceivingATriggerTurnsNoRolesRound) {
  // "Y는 X의 투자를 유치": Y receives; an ordinary frame would read Y as the investor in X.
  EXPECT_TRUE(Tagged()
                  .Name(1, "Company", true, true)
                  .Text("는 ")
                  .Name(2, "Company")
                  .Text("의 투자를 유치했다")
                  .Find(Table())
                  .empty());
  // "Y가 유치한 투자에는 X의": the relative clause's subject received it.
  EXPECT_TRUE(Tagged()
                  .Name(1, "Company", true)
                  .Text("가 유치한 투자에는 ")
                  .Name(2, "Company")
                  .Text("의 자금이 들어갔다")
                  .Find(Table())
                  .empty());
  // Giving it is still read.
  EXPECT_EQ(Pairs(Tagged()
                      .Name(1, "Company", true, true)
                      .Text("는 ")
                      .Name(2, "Company")
                      .Text("에 투자를 늘렸다")
                      .Find(Table())),
            (std::vector<std::vector<int>>{{0, 1, 2}}));
}

// ---- the wider readings (@wide_object, @wide_subject) -----------------------------------

// Table() with an accusative frame and both wider readings on.
TriggerTable WideTable() {
  TriggerTable t = Table();
  t.frames.push_back(
      {"PRODUCES", {"생산"}, {"을", "를"}, {"Company"}, {"Product"}, false});  // frame 5
  t.wide_object_confidence = 0.40;
  t.wide_subject_confidence = 0.35;
  IndexTriggers(&t);
  return t;
}

std::vector<int> Readings(const std::vector<TriggerHit>& hits) {
  std::vector<int> out;
  for (const TriggerHit& h : hits) out.push_back(h.reading);
  return out;
}

TEST(TriggerFramesTest, NameHeadingACompoundBeforeAnAccusativeTriggerIsTheWideObject) {
  auto produce = [](const TriggerTable& t) {
    return Tagged()
        .Name(1, "Company", true, true)
        .Text("는 올해 ")
        .Name(2, "Product")
        .Text(" 생산을 늘렸다")
        .Find(t);
  };
  auto hits = produce(WideTable());
  EXPECT_EQ(Pairs(hits), (std::vector<std::vector<int>>{{5, 1, 2}}));
  EXPECT_EQ(Readings(hits), (std::vector<int>{TriggerHit::kWideObject}));
  TriggerTable off = WideTable();
  off.wide_object_confidence = 0;
  EXPECT_TRUE(produce(off).empty());
  // "Y 공급" supplies Y; it does not supply to Y: no compound object for a frame marked by 에.
  EXPECT_TRUE(Tagged()
                  .Name(1, "Company", true, true)
                  .Text("는 ")
                  .Name(2, "Company")
                  .Text(" 공급을 늘렸다")
                  .Find(WideTable())
                  .empty());
}

TEST(TriggerFramesTest, CompoundPhraseCarriesTheMarkButNotForACountry) {
  auto invest = [](const std::string& label) {
    return Tagged()
        .Name(1, "Company", true, true)
        .Text("는 ")
        .Name(2, label)
        .Text(" 설비 구축에 10억 달러를 투자했다")
        .Find(WideTable());
  };
  EXPECT_EQ(Pairs(invest("Company")), (std::vector<std::vector<int>>{{0, 1, 2}}));
  EXPECT_TRUE(invest("Country").empty());
  // A particle inside the phrase ends it: "Y의 설비를 ... 구축에" is no compound.
  EXPECT_TRUE(Tagged()
                  .Name(1, "Company", true, true)
                  .Text("는 ")
                  .Name(2, "Company")
                  .Text(" 설비를 옮겨 구축에 투자했다")
                  .Find(WideTable())
                  .empty());
}

// "Y 생산 업체 Z와": the phrase ending at the trigger says what Z is, so Y is no object of the
// clause; with a particle on the trigger ("Y 생산을 늘리며 Z와") Y is.
TEST(TriggerFramesTest, CompoundDescribingTheNextNameIsNoWideObject) {
  auto with = [](const std::string& after_trigger) {
    return Tagged()
        .Name(1, "Company", true, true)
        .Text("는 ")
        .Name(2, "Product")
        .Text(" 생산" + after_trigger)
        .Name(3, "Company")
        .Text("와 협력했다")
        .Find(WideTable());
  };
  EXPECT_EQ(Pairs(with(" 업체 ")), (std::vector<std::vector<int>>{{3, 1, 3}}));
  EXPECT_EQ(Pairs(with(" 업체 '")), (std::vector<std::vector<int>>{{3, 1, 3}}));
  EXPECT_EQ(Pairs(with("을 늘리며 ")), (std::vector<std::vector<int>>{{5, 1, 2}, {3, 1, 3}}));
}

// "Y 생산 시설을 지었다": the phrase ending at the trigger only modifies the noun after it, so Y
// is no object; a particle or verb ending on the trigger makes it the phrase's head. A trigger
// that ends a longer word ("대량생산") is no trigger of the wide reading.
// In a table cell, a name right before a trigger that ends its item makes the row's head:
// "M4 | 애플 설계, TSMC 3nm 생산". Not when the trigger goes on ("X 주관 400억 달러 조달"), a
// word between has a particle, or the row's head does not fit the frame.
TEST(TriggerFramesTest, TableCellsMakerMakesTheRowsHead) {
  TaggedMention row;
  row.entity = 9;
  row.label = "Program";
  auto cell = [](const std::string& between, const std::string& after, TaggedMention* head) {
    Tagged t;
    t.Text("• ").Name(1, "Company").Text(" " + between + "주관" + after);
    return t.Find(Table(), head);
  };
  EXPECT_EQ(Pairs(cell("", ", 40TOPS", &row)), (std::vector<std::vector<int>>{{2, 1, 9}}));
  EXPECT_EQ(Pairs(cell("3nm ", "", &row)), (std::vector<std::vector<int>>{{2, 1, 9}}));
  EXPECT_TRUE(cell("", " 400억 달러 조달", &row).empty());
  EXPECT_TRUE(cell("공장에 ", "", &row).empty());
  EXPECT_TRUE(cell("", "", nullptr).empty());
  TaggedMention company = row;
  company.label = "Company";
  EXPECT_TRUE(cell("", "", &company).empty());
}

// "Y 지분 24.9%를 보유": a share after the trigger leaves it the head of its phrase.
TEST(TriggerFramesTest, ShareAfterTheTriggerKeepsTheCompoundObject) {
  TriggerTable t = WideTable();
  t.frames.push_back(
      {"INVESTS_IN", {"지분"}, {"을", "를"}, {"Company"}, {"Company"}, false});  // frame 6
  IndexTriggers(&t);
  auto stake = [&t](const std::string& rest) {
    return Tagged()
        .Name(1, "Company", true, true)
        .Text("은 ")
        .Name(2, "Company")
        .Text(" 지분" + rest)
        .Find(t);
  };
  EXPECT_EQ(Pairs(stake(" 24.9%를 보유")), (std::vector<std::vector<int>>{{6, 1, 2}}));
  EXPECT_EQ(Readings(stake(" 24.9%를 보유")), (std::vector<int>{TriggerHit::kWideObject}));
  EXPECT_EQ(Pairs(stake("을 보유")), (std::vector<std::vector<int>>{{6, 1, 2}}));
  EXPECT_TRUE(stake(" 24.9% 매각 계획").empty());
  EXPECT_TRUE(stake(" 구조 개편").empty());
}

TEST(TriggerFramesTest, WideObjectNeedsATriggerThatHeadsItsPhraseAndStartsAWord) {
  auto produce = [](const std::string& after_name) {
    return Tagged()
        .Name(1, "Company", true, true)
        .Text("는 ")
        .Name(2, "Product")
        .Text(after_name)
        .Find(WideTable());
  };
  EXPECT_TRUE(produce(" 생산 시설을 지었다").empty());
  EXPECT_TRUE(produce(" 생산체제를 갖췄다").empty());
  EXPECT_EQ(Pairs(produce(" 생산에 나섰다")), (std::vector<std::vector<int>>{{5, 1, 2}}));
  EXPECT_EQ(Pairs(produce(" 생산 중이다")), (std::vector<std::vector<int>>{{5, 1, 2}}));
  EXPECT_EQ(Pairs(produce(" 설비를 늘려 생산했다")), (std::vector<std::vector<int>>{{5, 1, 2}}));
  EXPECT_TRUE(produce(" 설비를 늘려 대량생산했다").empty());
}

// "A가 주관하는 P에 투자": A is the subject of the relative clause that names P, not of 투자.
TEST(TriggerFramesTest, SubjectOfARelativeClauseBeforeTheObjectIsNotTheSubject) {
  auto invest = [](bool topic) {
    Tagged t;
    if (topic) t.Name(1, "Company", true, true).Text("는 ");
    return t.Name(2, "Company", true)
        .Text("가 주관하는 신규 ")
        .Name(3, "Company")
        .Text("에 투자했다")
        .Find(Table());
  };
  EXPECT_EQ(Pairs(invest(true)), (std::vector<std::vector<int>>{{0, 1, 3}}));
  EXPECT_TRUE(invest(false).empty());
  // "A가 올해 B에 투자": no adnominal ending, A is the subject.
  EXPECT_EQ(Pairs(Tagged()
                      .Name(2, "Company", true)
                      .Text("가 올해 ")
                      .Name(3, "Company")
                      .Text("에 투자했다")
                      .Find(Table())),
            (std::vector<std::vector<int>>{{0, 2, 3}}));
}

// "A가 생산 중인 Y": the relative clause in 중인 relates A to the name it modifies.
TEST(TriggerFramesTest, ProgressiveRelativeClauseRelatesItsSubjectToTheNameAfterIt) {
  auto produce = [](const std::string& after) {
    Tagged t;
    t.Name(1, "Company", true).Text("가 생산 중인 ");
    if (after.empty())
      t.Name(2, "Product").Text("는 성능이 높다");
    else
      t.Text(after);
    return t.Find(WideTable());
  };
  EXPECT_EQ(Pairs(produce("")), (std::vector<std::vector<int>>{{5, 1, 2}}));
  EXPECT_TRUE(produce("공장은 크다").empty());
}

// "A는 B(B'), C(C')과 협력": a Latin spelling in a definition does not break the list.
TEST(TriggerFramesTest, ListedNamesWithDefinitionsAreAllObjects) {
  auto hits = Tagged()
                  .Name(1, "Company", true, true)
                  .Text("는 ")
                  .Name(2, "Company")
                  .Text("(")
                  .Name(2, "Company")
                  .Text("), ")
                  .Name(3, "Company")
                  .Text("(")
                  .Name(3, "Company")
                  .Text(")와 3자 협력을 발표했다")
                  .Find(Table());
  EXPECT_EQ(Pairs(hits), (std::vector<std::vector<int>>{{3, 1, 3}, {3, 1, 2}}));
}

TEST(TriggerFramesTest, ClauseWithoutASubjectParticleTakesItsFirstNameAsTheWideSubject) {
  auto hits = Tagged()
                  .Text("(")
                  .Name(1, "Company")
                  .Text(") '24년 ")
                  .Name(2, "Product")
                  .Text("을 생산했다")
                  .Find(WideTable());
  EXPECT_EQ(Pairs(hits), (std::vector<std::vector<int>>{{5, 1, 2}}));
  EXPECT_EQ(Readings(hits), (std::vector<int>{TriggerHit::kWideSubject}));
  // Not when a subject particle names the subject, a country heads the clause, or the trigger
  // modifies the noun after it.
  auto marked = Tagged()
                    .Name(1, "Company")
                    .Text(" 공장에서 ")
                    .Name(3, "Company", true)
                    .Text("가 ")
                    .Name(2, "Product")
                    .Text("을 생산했다")
                    .Find(WideTable());
  EXPECT_EQ(Pairs(marked), (std::vector<std::vector<int>>{{5, 3, 2}}));
  EXPECT_EQ(Readings(marked), (std::vector<int>{TriggerHit::kMarked}));
  EXPECT_TRUE(Tagged()
                  .Name(1, "Country")
                  .Text(" ")
                  .Name(2, "Product")
                  .Text("을 생산했다")
                  .Find(WideTable())
                  .empty());
  EXPECT_TRUE(Tagged()
                  .Name(1, "Company")
                  .Text(" ")
                  .Name(2, "Product")
                  .Text("을 생산하는 공장")
                  .Find(WideTable())
                  .empty());
}

// "(X) W은 Y를 생산": W, a name the text did not recognise, is the clause's subject; the head is
// not. "(X) 정부는" is X's own government.
TEST(TriggerFramesTest, UnrecognisedSubjectAfterTheHeadBlocksTheWideSubject) {
  auto after_head = [](const std::string& word) {
    return Tagged()
        .Text("(")
        .Name(1, "Company")
        .Text(") " + word + " ")
        .Name(2, "Product")
        .Text("을 생산했다")
        .Find(WideTable());
  };
  EXPECT_TRUE(after_head("노바텍은").empty());
  EXPECT_TRUE(after_head("노바텍이").empty());
  EXPECT_EQ(Pairs(after_head("정부는")), (std::vector<std::vector<int>>{{5, 1, 2}}));
  EXPECT_EQ(Pairs(after_head("'24년")), (std::vector<std::vector<int>>{{5, 1, 2}}));
}

TEST(TriggerFramesTest, EachReadingHasItsConfidence) {
  const TriggerTable t = WideTable();
  EXPECT_DOUBLE_EQ(TriggerConfidence(t, TriggerHit::kMarked), 0.45);
  EXPECT_DOUBLE_EQ(TriggerConfidence(t, TriggerHit::kWideObject), 0.40);
  EXPECT_DOUBLE_EQ(TriggerConfidence(t, TriggerHit::kWideSubject), 0.35);
}

// ---- the shipped bundle -------------------------------------------------------------------

// ---- USES: a user, and a host that takes the user's place ---------------------------------

// A table with a verb of use (사용) and a verb that puts a thing into a host (탑재, a `host`
// frame), users of Company|Product, used things of Technology|Product.
TriggerTable UsesTable() {
  TriggerTable t;
  t.words = ShippedWords();
  t.negations = {"않", "계획"};
  t.clause_ends = {"고 ", ", "};
  t.frames.push_back({"USES",
                      {"사용"},
                      {"을", "를"},
                      {"Company", "Product"},
                      {"Technology", "Product"},
                      false,
                      false});
  t.frames.push_back({"USES",
                      {"탑재"},
                      {"을", "를"},
                      {"Company", "Product"},
                      {"Technology", "Product"},
                      false,
                      true});  // frame 1
  IndexTriggers(&t);
  return t;
}

// "A는 B를 C에 탑재": C, the host, uses B; A only puts it there.
TEST(TriggerFramesTest, HostOfAPlacingVerbIsTheUser) {
  auto hits = Tagged()
                  .Name(1, "Company", true, true)
                  .Text("는 ")
                  .Name(2, "Product")
                  .Text("를 ")
                  .Name(3, "Product")
                  .Text("에 기본 탑재했다")
                  .Find(UsesTable());
  EXPECT_EQ(Pairs(hits), (std::vector<std::vector<int>>{{1, 3, 2}}));
  // A host that heads a compound ("C 전 모델에"), and no accusative: the clause's subject, a
  // topic carried over from an earlier clause, is what the host uses.
  hits = Tagged()
             .Name(2, "Product", true, true)
             .Text("는 대만에서 생산되며, ")
             .Name(3, "Product")
             .Text(" 전 모델에 탑재")
             .Find(UsesTable());
  EXPECT_EQ(Pairs(hits), (std::vector<std::vector<int>>{{1, 3, 2}}));
}

TEST(TriggerFramesTest, UnrecognisedHostOrAPlanLeavesNoUser) {
  // "태블릿에": a host the text did not recognise; the clause's subject is no user.
  EXPECT_TRUE(Tagged()
                  .Name(1, "Company", true, true)
                  .Text("는 ")
                  .Name(2, "Product")
                  .Text("를 태블릿에 먼저 탑재한 뒤 확대")
                  .Find(UsesTable())
                  .empty());
  EXPECT_TRUE(Tagged()
                  .Name(1, "Company", true, true)
                  .Text("는 ")
                  .Name(2, "Product")
                  .Text("를 ")
                  .Name(3, "Product")
                  .Text("에 탑재할 계획이다")
                  .Find(UsesTable())
                  .empty());
  // A host of a label that uses nothing (a technology here) says nothing either.
  EXPECT_TRUE(Tagged()
                  .Name(1, "Company", true, true)
                  .Text("는 ")
                  .Name(2, "Product")
                  .Text("를 ")
                  .Name(3, "Technology")
                  .Text("에 탑재했다")
                  .Find(UsesTable())
                  .empty());
}

// Without a host the placing verb reads as a verb of use; a date in 에 is no host.
TEST(TriggerFramesTest, NoHostIsTheUsualReading) {
  auto hits = Tagged()
                  .Name(1, "Company", true, true)
                  .Text("는 '24.5월에 ")
                  .Name(2, "Product")
                  .Text("를 탑재했다")
                  .Find(UsesTable());
  EXPECT_EQ(Pairs(hits), (std::vector<std::vector<int>>{{1, 1, 2}}));
  // A verb of use: a place in 에 leaves the subject the user ("공장에 ... 사용").
  hits = Tagged()
             .Name(1, "Company", true, true)
             .Text("는 새 공장에 ")
             .Name(2, "Product")
             .Text("를 사용")
             .Find(UsesTable());
  EXPECT_EQ(Pairs(hits), (std::vector<std::vector<int>>{{0, 1, 2}}));
}

// "X가 [Z를 사용한] Y": the relative clause has an object of its own, so its head is its user
// and X the subject of another verb; "X가 사용한 Y" makes Y what X uses.
TEST(TriggerFramesTest, RelativeClauseWithItsOwnObjectMakesItsHeadNoObject) {
  EXPECT_TRUE(Tagged()
                  .Name(1, "Company", true)
                  .Text("가 신형 소재를 사용한 ")
                  .Name(2, "Product")
                  .Text("의 특징을 점검")
                  .Find(UsesTable())
                  .empty());
  auto hits = Tagged()
                  .Name(1, "Company", true)
                  .Text("가 사용한 ")
                  .Name(2, "Product")
                  .Text("는 저렴하다")
                  .Find(UsesTable());
  EXPECT_EQ(Pairs(hits), (std::vector<std::vector<int>>{{0, 1, 2}}));
}

// "사용한 A 기술(B)": the bracket spells out the name and the noun after it, one phrase whose
// head is B.
TEST(TriggerFramesTest, RelativeHeadSpelledOutInABracketAfterANameAndANoun) {
  auto hits = Tagged()
                  .Name(1, "Company", true)
                  .Text("가 사용한 ")
                  .Name(2, "Technology")
                  .Text(" 기술(")
                  .Name(3, "Product")
                  .Text(")의 특징")
                  .Find(UsesTable());
  EXPECT_EQ(Pairs(hits), (std::vector<std::vector<int>>{{0, 1, 3}}));
}

// A later clause that opens with a subject of two words the text did not recognise ("새
// 연료는") is not the earlier topic's; one that opens with an adverb is.
TEST(TriggerFramesTest, TwoWordSubjectOfALaterClauseEndsTheTopic) {
  EXPECT_TRUE(Tagged()
                  .Name(1, "Product", true, true)
                  .Text("는 신형 노형으로, 새 연료는 ")
                  .Name(2, "Technology")
                  .Text("를 사용")
                  .Find(UsesTable())
                  .empty());
  auto hits = Tagged()
                  .Name(1, "Product", true, true)
                  .Text("는 신형 노형으로, 연료로 ")
                  .Name(2, "Technology")
                  .Text("를 사용")
                  .Find(UsesTable());
  EXPECT_EQ(Pairs(hits), (std::vector<std::vector<int>>{{0, 1, 2}}));
}

// A table cell "B 연료 사용" on a product's row: B may be the verb's own object, so it is read
// as one, never as the row's maker.
TEST(TriggerFramesTest, NameThatMayBeTheObjectIsNoRowMaker) {
  TriggerTable t = UsesTable();
  t.frames[0].subjects.push_back("Technology");
  IndexTriggers(&t);
  TaggedMention row;
  row.entity = 9;
  row.label = "Product";
  auto hits = Tagged().Name(1, "Technology").Text(" 연료 사용").Find(t, &row);
  EXPECT_TRUE(hits.empty());
}

class RelationFramesTest : public ShippedBundleTest {
 protected:
  static const Relation* FindRel(const Extraction& x, const std::string& s, const std::string& p,
                                 const std::string& o) {
    for (const Relation& r : x.relations) {
      if (x.entities[r.subject].name == s && r.edge == p && x.entities[r.object].name == o) {
        return &r;
      }
    }
    return nullptr;
  }
  static int RelationsBetween(const Extraction& x, const std::string& a, const std::string& b) {
    int n = 0;
    for (const Relation& r : x.relations) {
      const std::string& s = x.entities[r.subject].name;
      const std::string& o = x.entities[r.object].name;
      if ((s == a && o == b) || (s == b && o == a)) ++n;
    }
    return n;
  }
};

TEST_F(RelationFramesTest, FallbackStatesAnInvestmentNoRuleSpellsOut) {
  Extraction x = Run("- Zorvex社는 지난해 Quillan社에 대규모 투자를 단행했다.\n");
  const Relation* r = FindRel(x, "Zorvex", "INVESTS_IN", "Quillan");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->rule, "trigger.INVESTS_IN.투자");
  EXPECT_DOUBLE_EQ(r->confidence, 0.45);
}

TEST_F(RelationFramesTest, FallbackKeepsQuietOnNegationAndAcrossAClauseSubject) {
  EXPECT_EQ(RelationsBetween(Run("- Zorvex社는 Quillan社에 투자하지 않기로 했다.\n"), "Zorvex",
                             "Quillan"),
            0);
  EXPECT_EQ(RelationsBetween(Run("- Zorvex社가 매출이 늘었고, Quillan社에 대규모 투자를 "
                                 "단행했다.\n"),
                             "Zorvex", "Quillan"),
            0);
  EXPECT_NE(FindRel(Run("- Zorvex社는 매출이 늘었고, Quillan社에 대규모 투자를 단행했다.\n"),
                    "Zorvex", "INVESTS_IN", "Quillan"),
            nullptr);
}

TEST_F(RelationFramesTest, SupplyToTheOwnerOfAProductAndProductionOnAnothersLine) {
  Extraction x = Run("- Zorvex社는 Quillan社의 차세대 조립 설비에 부품을 공급했다.\n");
  const Relation* to_owner = FindRel(x, "Zorvex", "SUPPLIES", "Quillan");
  ASSERT_NE(to_owner, nullptr);
  EXPECT_EQ(to_owner->rule, "trigger.SUPPLIES.공급");
  // "Y는 칩을 X의 공정으로 생산": X makes Y's chips, X supplies Y.
  Extraction y = Run("- Zorvex社는 신형 칩을 Quillan社의 5나노 공정으로 생산한다.\n");
  const Relation* foundry = FindRel(y, "Quillan", "SUPPLIES", "Zorvex");
  ASSERT_NE(foundry, nullptr);
  EXPECT_EQ(foundry->rule, "trigger.SUPPLIES.생산");
  EXPECT_EQ(RelationsBetween(y, "Zorvex", "Quillan"), 1);
}

TEST_F(RelationFramesTest, WideReadingsCarryTheirLevelInRuleAndConfidence) {
  // (A form no specific rule reads: the wide object of the 인수 frame.)
  Extraction x = Run("- Zorvex社는 올해 Quillan社 지분 인수에 나섰다.\n");
  const Relation* r = FindRel(x, "Zorvex", "INVESTS_IN", "Quillan");
  ASSERT_NE(r, nullptr);
  // (지분 only modifies 인수, the head of "지분 인수에 나섰다".)
  EXPECT_EQ(r->rule, "trigger.INVESTS_IN.인수.wide_object");
  EXPECT_DOUBLE_EQ(r->confidence, 0.40);
  Extraction y = Run("- (Zorvex社) '24.2월 Quillan社 설비 구축에 10억 달러를 투자했다.\n");
  const Relation* s = FindRel(y, "Zorvex", "INVESTS_IN", "Quillan");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->rule, "trigger.INVESTS_IN.투자.wide_subject");
  EXPECT_DOUBLE_EQ(s->confidence, 0.35);
}

TEST_F(RelationFramesTest, AdditiveDoMarksASubject) {
  // "X도 Y에 투자": 도 ("also") stands where the subject particle would.
  Extraction x = Run("- Zorvex社도 지난해 Quillan社에 대규모 투자를 단행했다.\n");
  const Relation* r = FindRel(x, "Zorvex", "INVESTS_IN", "Quillan");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->rule, "trigger.INVESTS_IN.투자");
  // "Y에도 투자": 에도 marks the object, and without a subject there is no relation.
  EXPECT_EQ(RelationsBetween(Run("- 올해 Zorvex社 공장과 Quillan社에도 투자가 몰렸다.\n"), "Zorvex",
                             "Quillan"),
            0);
}

TEST_F(RelationFramesTest, ComitativeWithTopicOrAdditiveMarksAPartner) {
  Extraction x = Run("- Zorvex社는 Quillan社와는 수소 재활용 분야에서 협력하기로 했다.\n");
  const Relation* r = FindRel(x, "Zorvex", "PARTNERS_WITH", "Quillan");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->rule, "trigger.PARTNERS_WITH.협력");
  EXPECT_EQ(RelationsBetween(Run("- Zorvex社는 Quillan社와는 협력하지 않기로 했다.\n"), "Zorvex",
                             "Quillan"),
            0);
}

TEST_F(RelationFramesTest, MakerOfAPartMountedInAHostSuppliesTheHostsOwner) {
  // "P에는 A의 X와 B의 Y가 탑재": both makers supply the host's owner, the clause's subject.
  Extraction x =
      Run("- Zorvex社가 양산 중인 전차에는 Quillan社의 엔진과 Morrow社의 변속기가 탑재된다.\n");
  const Relation* first = FindRel(x, "Quillan", "SUPPLIES", "Zorvex");
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->rule, "supplies.part-in-host");
  const Relation* second = FindRel(x, "Morrow", "SUPPLIES", "Zorvex");
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(second->rule, "supplies.part-in-host-second");
  // "X는 P에 B의 Y를 적용", and "B의 Y는 X의 P에도 탑재".
  EXPECT_NE(FindRel(Run("- Zorvex社는 신형 차량에 Quillan社의 배터리를 적용했다.\n"), "Quillan",
                    "SUPPLIES", "Zorvex"),
            nullptr);
  Extraction y = Run("- Quillan社의 배터리는 Zorvex社의 신형 차량에도 탑재됐다.\n");
  const Relation* mounted = FindRel(y, "Quillan", "SUPPLIES", "Zorvex");
  ASSERT_NE(mounted, nullptr);
  EXPECT_EQ(mounted->rule, "supplies.part-mounted-in");
  // No mounting verb: the part is only tested, nobody supplies anybody.
  EXPECT_EQ(RelationsBetween(Run("- Zorvex社는 신형 차량에 Quillan社의 배터리를 시험했다.\n"),
                             "Zorvex", "Quillan"),
            0);
}

TEST_F(RelationFramesTest, ExportContractWithACountrysMinistrySuppliesTheCountry) {
  Extraction x =
      Run("- Zorvex社는 폴란드 군비청과 전차 180대를 공급하는 2차 이행계약을 체결했다.\n");
  const Relation* r = FindRel(x, "Zorvex", "SUPPLIES", "Poland");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->rule, "supplies.export-contract");
  // A contract to buy is no supply by the buyer.
  EXPECT_EQ(FindRel(Run("- Zorvex社는 폴란드 군비청과 전차 180대를 구매하는 계약을 체결했다.\n"),
                    "Zorvex", "SUPPLIES", "Poland"),
            nullptr);
}

TEST_F(RelationFramesTest, AffiliateUnderAParentAndRoundLeaders) {
  Extraction x = Run("- Zorvex社 그룹 산하 Quillan社와 협력해 트럭을 개발한다.\n");
  const Relation* r = FindRel(x, "Zorvex", "INVESTS_IN", "Quillan");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->rule, "invests.parent-of");
  // "X 산하 연구소와 Y가": Y is no affiliate of X, the word after 산하 is.
  EXPECT_EQ(FindRel(Run("- Zorvex社 산하 연구소와 Quillan社가 협력한다.\n"), "Zorvex", "INVESTS_IN",
                    "Quillan"),
            nullptr);
  Extraction y = Run("- Quillan社는 지난해 Zorvex社 주도로 5억 달러를 조달했다.\n");
  const Relation* led = FindRel(y, "Zorvex", "INVESTS_IN", "Quillan");
  ASSERT_NE(led, nullptr);
  EXPECT_EQ(led->rule, "invests.led-round");
  // Led, but no money raised: no investment, and "X 주도로" makes X no object of 주도.
  Extraction z = Run("- Quillan社는 Zorvex社 주도로 공장을 지었다.\n");
  EXPECT_EQ(RelationsBetween(z, "Zorvex", "Quillan"), 0);
}

TEST_F(RelationFramesTest, ListedCompaniesSelectedUnderAProgrammeTakePartInIt) {
  Extraction x =
      Run("- 「Nexa 프로그램」에 따라 Quillan社, Morrow社 등 2개 기업이 지원 대상으로 선정됐다.\n");
  for (const char* name : {"Quillan", "Morrow"}) {
    const Relation* r = FindRel(x, name, "PARTICIPATES_IN", "Nexa 프로그램");
    ASSERT_NE(r, nullptr) << name;
    EXPECT_EQ(r->rule, "participates.list-selected");
  }
  // Listed, but neither selected nor joining: nothing.
  EXPECT_EQ(FindRel(Run("- 「Nexa 프로그램」에 따라 Quillan社, Morrow社 등 2개 기업이 공장을 "
                        "지었다.\n"),
                    "Quillan", "PARTICIPATES_IN", "Nexa 프로그램"),
            nullptr);
}

TEST_F(RelationFramesTest, ContractOfAPartnershipButNotOfAServiceBought) {
  Extraction x = Run("- Zorvex社는 Quillan社와 20년 전력구매계약(PPA)을 체결했다.\n");
  const Relation* r = FindRel(x, "Zorvex", "PARTNERS_WITH", "Quillan");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->rule, "partners.contract");
  // A contract manufacturing deal is a supply, not a partnership.
  Extraction y = Run("- Zorvex社는 Quillan社와 위탁생산 계약을 맺었다.\n");
  EXPECT_EQ(FindRel(y, "Zorvex", "PARTNERS_WITH", "Quillan"), nullptr);
  EXPECT_NE(FindRel(y, "Zorvex", "SUPPLIES", "Quillan"), nullptr);
}

TEST_F(RelationFramesTest, UserIsTheNearestSubjectNotTheRelativeClausesSubject) {
  // "X가 개발하는 P는 Y를 사용": P uses Y; X only develops P.
  Extraction x = Run("- Zorvex社가 개발한 소형 원자로는 리튬인산철(LFP)을 사용한다.\n");
  EXPECT_EQ(FindRel(x, "Zorvex", "USES", "Lithium iron phosphate"), nullptr);
  EXPECT_NE(FindRel(x, "소형 원자로", "USES", "Lithium iron phosphate"), nullptr);
}

TEST_F(RelationFramesTest, InvestorsJoinACompanysFundingRound) {
  Extraction x = Run("- Quillan社의 시리즈 B 투자에 Zorvex社와 Morrow社가 참여했다.\n");
  for (const char* name : {"Zorvex", "Morrow"}) {
    const Relation* r = FindRel(x, name, "INVESTS_IN", "Quillan");
    ASSERT_NE(r, nullptr) << name;
    EXPECT_EQ(r->rule, "invests.funding-event");
  }
  Extraction y = Run("- Quillan社의 5억 유로 규모 증자를 Zorvex社가 주도했다.\n");
  const Relation* led = FindRel(y, "Zorvex", "INVESTS_IN", "Quillan");
  ASSERT_NE(led, nullptr);
  EXPECT_EQ(led->rule, "invests.funding-event");
  EXPECT_EQ(RelationsBetween(y, "Zorvex", "Quillan"), 1);  // no LEADS from the trigger 주도
  // An investor's arm joins for it; the recipient invests in nobody.
  Extraction z = Run(
      "- Quillan社가 3억 달러를 새로 유치한 투자 라운드에는 Zorvex社의 벤처투자 부문과 Morrow社가 "
      "참여했다.\n");
  const Relation* arm = FindRel(z, "Zorvex", "INVESTS_IN", "Quillan");
  ASSERT_NE(arm, nullptr);
  EXPECT_EQ(arm->rule, "invests.funding-event-arm");
  EXPECT_NE(FindRel(z, "Morrow", "INVESTS_IN", "Quillan"), nullptr);
  EXPECT_EQ(FindRel(z, "Quillan", "INVESTS_IN", "Zorvex"), nullptr);
  // Planned or refused: nothing.
  EXPECT_EQ(RelationsBetween(Run("- Quillan社의 시리즈 B 투자에 Zorvex社가 참여할 계획이다.\n"),
                             "Zorvex", "Quillan"),
            0);
  EXPECT_EQ(RelationsBetween(Run("- Quillan社의 증자에 Zorvex社가 참여하지 않기로 했다.\n"),
                             "Zorvex", "Quillan"),
            0);
}

TEST_F(RelationFramesTest, ReceivingAnInvestmentFromAnOwnerNamesTheInvestor) {
  Extraction x = Run("- Quillan社는 Zorvex社의 투자를 유치했다.\n");
  const Relation* r = FindRel(x, "Zorvex", "INVESTS_IN", "Quillan");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->rule, "trigger.INVESTS_IN.투자를 유치");
  EXPECT_EQ(FindRel(x, "Quillan", "INVESTS_IN", "Zorvex"), nullptr);
}

TEST_F(RelationFramesTest, GappedAmountsRelateEveryListedParty) {
  // "Y에는 A가 N을, B가 M을 투자": each investor.
  Extraction x =
      Run("- Quillan社에는 Zorvex社가 총 80억 달러를, Morrow社가 30억 달러를 투자했다.\n");
  const Relation* first = FindRel(x, "Zorvex", "INVESTS_IN", "Quillan");
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->rule, "invests.gapped-amounts");
  EXPECT_NE(FindRel(x, "Morrow", "INVESTS_IN", "Quillan"), nullptr);
  // "X는 A에 N개, B에 M개 등 ... 공급": each customer.
  Extraction y = Run(
      "- Zorvex社는 Quillan社와 Morrow社에 각각 5만 개, Tarnell社에 6만 개 등 총 16만 개의 칩을 "
      "공급하기로 했다.\n");
  for (const char* name : {"Quillan", "Morrow"}) {
    const Relation* r = FindRel(y, "Zorvex", "SUPPLIES", name);
    ASSERT_NE(r, nullptr) << name;
    EXPECT_EQ(r->rule, "supplies.gapped-amounts");
  }
  EXPECT_NE(FindRel(y, "Zorvex", "SUPPLIES", "Tarnell"), nullptr);
  // Amounts ordered from them: no supply to them.
  EXPECT_EQ(FindRel(Run("- Zorvex社는 Quillan社에 5만 개, Morrow社에 6만 개의 칩을 주문했다.\n"),
                    "Zorvex", "SUPPLIES", "Quillan"),
            nullptr);
}

TEST_F(RelationFramesTest, BackReferenceSubjectStandsForTheCompaniesNamedBefore) {
  // "두 회사는" = the two last companies named before it; the frame's trigger relates both.
  Extraction x =
      Run("- 체계에는 Quillan社의 레이더와 Zorvex社의 발사대가 들어가며, 두 회사는 Morrow社에 해당 "
          "장비를 공급하는 협력업체로 참여한다.\n");
  for (const char* name : {"Quillan", "Zorvex"}) {
    const Relation* r = FindRel(x, name, "SUPPLIES", "Morrow");
    ASSERT_NE(r, nullptr) << name;
    EXPECT_EQ(r->rule, "trigger.SUPPLIES.공급");
  }
  // "이 회사는": the last one only.
  Extraction y =
      Run("- Quillan社와 Zorvex社의 협력이 늘었으며, 이 회사는 Morrow社에 배터리를 공급한다.\n");
  EXPECT_NE(FindRel(y, "Zorvex", "SUPPLIES", "Morrow"), nullptr);
  EXPECT_EQ(FindRel(y, "Quillan", "SUPPLIES", "Morrow"), nullptr);
  // A plan is no supply.
  EXPECT_EQ(RelationsBetween(Run("- Quillan社와 Zorvex社의 협력이 늘었으며, 양사는 Morrow社에 "
                                 "배터리를 공급할 계획이다.\n"),
                             "Zorvex", "Morrow"),
            0);
}

// A table row whose cell names its maker and producer ("애플 설계, TSMC 3nm 생산"): the row's
// head is what they make. In running text the same words relate nothing.
TEST_F(RelationFramesTest, MakerAndProducerInATableRowsCell) {
  Extraction x = Run("모델\t특징\nZorpak X9\t• Zorvex社 설계, NPU 40TOPS, Quillan社 3nm 생산\n");
  const Relation* d = FindRel(x, "Zorvex", "DEVELOPS", "Zorpak X9");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->rule, "trigger.DEVELOPS.설계");
  const Relation* p = FindRel(x, "Quillan", "PRODUCES", "Zorpak X9");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->rule, "trigger.PRODUCES.생산");
  EXPECT_EQ(FindRel(x, "Zorvex", "PRODUCES", "Zorpak X9"), nullptr);
  // A company's row: its cell's maker makes no company.
  Extraction y = Run("기업\t특징\nMorrow社\t• Zorvex社 설계, Quillan社 생산\n");
  EXPECT_EQ(RelationsBetween(y, "Zorvex", "Morrow"), 0);
  EXPECT_EQ(RelationsBetween(y, "Quillan", "Morrow"), 0);
}

// The rules' nearest subject too: a later clause that opens with a subject the text did not
// recognise ("버라이즌은") is not the earlier subject's; an adverbial topic is no subject.
TEST_F(RelationFramesTest, UnrecognisedSubjectOfALaterClauseIsNoRulesSubject) {
  Extraction x =
      Run("- Zorvex社는 '24.9월 Zorpak X9을 공개했고, 버라이즌은 Zorpak X10을 개발했다.\n");
  EXPECT_NE(FindRel(x, "Zorvex", "DEVELOPS", "Zorpak X9"), nullptr);
  EXPECT_EQ(FindRel(x, "Zorvex", "DEVELOPS", "Zorpak X10"), nullptr);
  Extraction y =
      Run("- Zorvex社는 '24.9월 Zorpak X9을 공개했고, 최근에는 Zorpak X10을 개발했다.\n");
  const Relation* r = FindRel(y, "Zorvex", "DEVELOPS", "Zorpak X10");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->rule, "develops.verb");
}

// "X가 설계한 Y": a designer develops what it designed.
TEST_F(RelationFramesTest, DesignerOfARelativeClausesHeadDevelopsIt) {
  Extraction x = Run("- 신형 모델에는 Zorvex社가 설계한 Zorpak X9이 들어갔다.\n");
  const Relation* r = FindRel(x, "Zorvex", "DEVELOPS", "Zorpak X9");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->rule, "trigger.DEVELOPS.설계");
}

TEST_F(RelationFramesTest, ARuleInTheSameSentenceWins) {
  Extraction x = Run("- Zorvex社는 Quillan社와 파트너십을 체결했다.\n");
  const Relation* r = FindRel(x, "Zorvex", "PARTNERS_WITH", "Quillan");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->rule, "partners.agreement");
  EXPECT_EQ(RelationsBetween(x, "Zorvex", "Quillan"), 1);
}

TEST_F(RelationFramesTest, GovernmentBodyIsNotBasedInTheCountryBeforeIt) {
  Extraction x = Run("- 미국 국토안보부와 미국 Morrow社가 회의를 열었다.\n");
  EXPECT_NE(FindRel(x, "Morrow", "BASED_IN", "United States"), nullptr);
  EXPECT_EQ(FindRel(x, "U.S. Department of Homeland Security", "BASED_IN", "United States"),
            nullptr);
}

// The shipped host frame: a host in 에 uses what goes into it, not the relative clause's
// designer.
TEST_F(RelationFramesTest, ShippedHostFrameReadsTheHostAsTheUser) {
  Extraction x = Run("- Tarvo T5 일부 모델에는 Zorvex社가 설계한 Zorpak X9이 들어갔다.\n");
  const Relation* r = FindRel(x, "Tarvo T5", "USES", "Zorpak X9");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->rule, "trigger.USES.들어갔");
  EXPECT_EQ(FindRel(x, "Zorvex", "USES", "Zorpak X9"), nullptr);
}

// ---- loading triggers.tsv -----------------------------------------------------------------

// A copy of the shipped bundle whose triggers.tsv is `triggers`.
std::string BundleWithTriggers(const std::string& name, const std::string& triggers) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(::testing::TempDir()) / name;
  fs::remove_all(dir);
  fs::copy(KG_INGEST_TEST_DATA, dir, fs::copy_options::recursive);
  std::ofstream(dir / "triggers.tsv", std::ios::trunc) << triggers;
  return dir.string();
}

TEST(TriggerTableLoadTest, UnknownEdgeIsAnErrorNamingFileAndLine) {
  auto b = Bundle::Load(BundleWithTriggers("kg_triggers_bad_edge", "# c\nHOSTS\t투자\t에\n"));
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(b.status().message().find("triggers.tsv:2: unknown edge label HOSTS"),
            absl::string_view::npos)
      << b.status();
}

TEST(TriggerTableLoadTest, UnknownFrameReadingIsAnError) {
  auto b = Bundle::Load(
      BundleWithTriggers("kg_triggers_bad_reading", "USES\t탑재\t을\tCompany\tProduct\thosted\n"));
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.status().message().find(
                "triggers.tsv:1: unknown frame reading hosted (want reverse or host)"),
            absl::string_view::npos)
      << b.status();
}

TEST(TriggerTableLoadTest, FrameWithoutMarksAndBadConfidenceAreErrors) {
  auto no_marks = Bundle::Load(BundleWithTriggers("kg_triggers_no_marks", "SUPPLIES\t공급\n"));
  ASSERT_FALSE(no_marks.ok());
  EXPECT_NE(no_marks.status().message().find("triggers.tsv:1: want EDGE<TAB>TRIGGERS<TAB>MARKS"),
            absl::string_view::npos)
      << no_marks.status();
  auto bad = Bundle::Load(BundleWithTriggers("kg_triggers_bad_conf", "@confidence\thigh\n"));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("triggers.tsv:1: confidence must be a number"),
            absl::string_view::npos)
      << bad.status();
  auto wide = Bundle::Load(BundleWithTriggers("kg_triggers_bad_wide", "# c\n@wide_subject\tlow\n"));
  ASSERT_FALSE(wide.ok());
  EXPECT_NE(wide.status().message().find("triggers.tsv:2: confidence must be a number"),
            absl::string_view::npos)
      << wide.status();
}

TEST(TriggerTableLoadTest, BackReferenceWithoutAPositiveCountIsAnError) {
  for (const char* line :
       {"@back_reference\t양사\n", "@back_reference\t양사\tzwei\n", "@back_reference\t양사\t0\n"}) {
    auto b =
        Bundle::Load(BundleWithTriggers("kg_triggers_bad_backref", std::string("# c\n") + line));
    ASSERT_FALSE(b.ok()) << line;
    EXPECT_NE(b.status().message().find(
                  "triggers.tsv:2: want @back_reference<TAB>WORDS<TAB>COUNT (1 or more)"),
              absl::string_view::npos)
        << b.status();
  }
}

// The shipped triggers.tsv with `from` replaced by `to` (which must occur).
std::string ShippedTriggersWith(const std::string& from, const std::string& to) {
  std::ifstream in(std::string(KG_INGEST_TEST_DATA) + "/triggers.tsv");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

// A user's triggers.tsv brings its own words: its back-reference word, its receiving word and
// its list closer are what the frames read, and the shipped ones are no longer.
TEST(TriggerTableLoadTest, TheFramesWordsAreTheFilesWords) {
  auto load = [](const std::string& name, const std::string& from, const std::string& to) {
    auto b = Bundle::Load(BundleWithTriggers(name, ShippedTriggersWith(from, to)));
    EXPECT_TRUE(b.ok()) << b.status();
    return b.ok() ? *b : nullptr;
  };
  auto supplies = [](const std::shared_ptr<const Bundle>& b, const std::string& text,
                     const std::string& s, const std::string& o) {
    Document d;
    d.id = "t";
    d.text = text;
    auto x = Extractor(b).Extract(d);
    EXPECT_TRUE(x.ok()) << x.status();
    for (const Relation& r : x->relations) {
      if (r.edge == "SUPPLIES" && x->entities[r.subject].name == s &&
          x->entities[r.object].name == o) {
        return true;
      }
    }
    return false;
  };
  auto shipped = Bundle::Load(KG_INGEST_TEST_DATA);
  ASSERT_TRUE(shipped.ok()) << shipped.status();

  // "그 회사는" is no back-reference of the shipped bundle; a user's line makes it one.
  const std::string other =
      "- Quillan社와 Zorvex社의 협력이 늘었으며, 그 회사는 Morrow社에 배터리를 공급한다.\n";
  auto own = load("kg_triggers_own_backref", "@back_reference\t이_회사|동사|이_기업\t1",
                  "@back_reference\t그_회사\t1");
  ASSERT_NE(own, nullptr);
  EXPECT_FALSE(supplies(*shipped, other, "Zorvex", "Morrow"));
  EXPECT_TRUE(supplies(own, other, "Zorvex", "Morrow"));
  const std::string shipped_word =
      "- Quillan社와 Zorvex社의 협력이 늘었으며, 이 회사는 Morrow社에 배터리를 공급한다.\n";
  EXPECT_TRUE(supplies(*shipped, shipped_word, "Zorvex", "Morrow"));
  EXPECT_FALSE(supplies(own, shipped_word, "Zorvex", "Morrow"));

  // A list closed by "외" rather than "등" before its category.
  const std::string listed =
      "- Zorvex社는 Quillan社, Morrow社 외 주요 완성차에 배터리를 공급한다.\n";
  auto own_list = load("kg_triggers_own_list", "@list_end\t_등_", "@list_end\t_등_|_외_");
  ASSERT_NE(own_list, nullptr);
  EXPECT_FALSE(supplies(*shipped, listed, "Zorvex", "Morrow"));
  EXPECT_TRUE(supplies(own_list, listed, "Zorvex", "Morrow"));
  EXPECT_TRUE(supplies(own_list, listed, "Zorvex", "Quillan"));
}

TEST(TriggerTableLoadTest, WithoutTheFileThereIsNoFallback) {
  namespace fs = std::filesystem;
  const std::string dir = BundleWithTriggers("kg_triggers_none", "");
  fs::remove(fs::path(dir) / "triggers.tsv");
  auto b = Bundle::Load(dir);
  ASSERT_TRUE(b.ok()) << b.status();
  Document d;
  d.id = "t";
  d.text = "- Zorvex社는 지난해 Quillan社에 대규모 투자를 단행했다.\n";
  auto x = Extractor(*b).Extract(d);
  ASSERT_TRUE(x.ok()) << x.status();
  for (const Relation& r : x->relations) EXPECT_NE(r.edge, "INVESTS_IN");
}

}  // namespace
}  // namespace kg::ingest
