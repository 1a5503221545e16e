// A small synthetic article in the shape of the reference briefs, with gold annotations whose
// scores are worked out by hand; shared by the in-process Evaluate tests (tests/server) and the
// end-to-end `kg eval` tests (tests/e2e), so both check the same figures.
#ifndef KG_TESTS_SERVER_STARGATE_SAMPLE_H_
#define KG_TESTS_SERVER_STARGATE_SAMPLE_H_

namespace kg::testing {

// A title line "(source, date)", two bullets in which a company takes part in a program as a
// partner, and the closing "(참고 : ...)".
inline constexpr char kStargateArticle[] =
    "스타게이트 프로젝트 동향 (Counterpoint, 1.23)\n"
    "- 오라클이 기술 파트너로 스타게이트 프로젝트에 참여\n"
    "- 소프트뱅크가 재무 파트너로 스타게이트 프로젝트에 참여\n"
    "(참고 : 예시)\n";
inline constexpr char kStargateTitle[] = "스타게이트 프로젝트 동향";

// Gold article A1 for kStargateArticle: the document, the program, both companies, and a company
// the text never names (Microsoft: one entity and one relation missed). The publisher,
// Counterpoint Research, is not in the gold: its entity and the document's PUBLISHED_BY edge are
// the spurious items.
//   A1       entities tp 4 fp 1 fn 1: P 0.800 R 0.800 F1 0.800
//            relations tp 2 fp 1 fn 1: P 0.667 R 0.667 F1 0.667
//            qualifiers: role gold 2, right 1 (Oracle's "기술 파트너"), wrong 1 (SoftBank's is
//            "재무 파트너" in the text, "financial partner" in this gold)
inline constexpr char kStargateGoldA1[] = R"(
  {"doc_id": "A1", "title": "스타게이트 프로젝트 동향",
   "entities": [
     {"label": "Document", "name": "스타게이트 프로젝트 동향"},
     {"label": "Program", "name": "Stargate Project", "aliases": ["스타게이트 프로젝트"]},
     {"label": "Company", "name": "Oracle", "aliases": ["오라클"]},
     {"label": "Company", "name": "SoftBank", "aliases": ["소프트뱅크"]},
     {"label": "Company", "name": "Microsoft"}],
   "relations": [
     {"s": "Oracle", "p": "PARTICIPATES_IN", "o": "Stargate Project",
      "props": {"role": "기술 파트너"}},
     {"s": "SoftBank", "p": "PARTICIPATES_IN", "o": "Stargate Project",
      "props": {"role": "financial partner"}},
     {"s": "Microsoft", "p": "PARTICIPATES_IN", "o": "Stargate Project"}]})";

// Gold article A2, which nobody sends: its one entity is missed.
//   A2       entities tp 0 fp 0 fn 1: P 0 R 0 F1 0
//   overall  entities tp 4 fp 1 fn 2: P 0.800 R 0.667 F1 0.727; relations as A1
inline constexpr char kStargateGoldA2[] = R"(
  {"doc_id": "A2", "title": "없는 기사",
   "entities": [{"label": "Company", "name": "Nvidia"}], "relations": []})";

}  // namespace kg::testing

#endif  // KG_TESTS_SERVER_STARGATE_SAMPLE_H_
