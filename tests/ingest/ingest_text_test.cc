// Reading inputs: cleaning, UTF-8 errors, splitting a brief into articles, JSON Lines.
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "gtest/gtest.h"
#include "ingest/ingest.h"

namespace kg::ingest {
namespace {

std::string WriteTemp(const std::string& name, const std::string& content) {
  std::string path = (std::filesystem::temp_directory_path() / name).string();
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

TEST(CleanTextTest, StripsHtmlEntitiesAndFullWidthForms) {
  auto c = CleanText("구분\t<ul style=\"list-style-type: none\"> • Ｎｖｉｄｉａ &amp; AMD&nbsp;칩</ul>");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(*c, "구분\t• Nvidia & AMD 칩");
}

TEST(CleanTextTest, MarkdownBoldAndEscapesRemovedFootnoteStarsKept) {
  auto c = CleanText(" - **(자국 기술 투자)** 투자 \\$500 Billion, MGX*가 참여");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(*c, "- (자국 기술 투자) 투자 $500 Billion, MGX*가 참여");
}

TEST(CleanTextTest, BrokenUtf8IsAnErrorWithItsOffset) {
  std::string bad = "미국\xC3\x28 text";
  auto c = CleanText(bad);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(c.status().message().find("byte offset 6"), absl::string_view::npos) << c.status();
}

// Control characters other than tab and newline mean nothing in prose; two of them delimit the
// relation rules' placeholders, so a document must not be able to write one.
TEST(CleanTextTest, ControlCharactersBecomeSpaces) {
  auto c = CleanText(std::string("A\x01" "12:Company\x02\x00\x1B[1m B\x7F\tC\r\nD", 26));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(*c, "A 12:Company [1m B\tC\nD");
}

TEST(ReadTextFileTest, MissingFileIsNotFound) {
  auto d = ReadTextFile("/nonexistent/brief.txt");
  EXPECT_EQ(d.status().code(), absl::StatusCode::kNotFound);
}

TEST(ReadTextFileTest, BrokenUtf8FileIsInvalidArgument) {
  std::string path = WriteTemp("kg_ingest_bad.txt", "제목 (美 CSIS, 1.2)\n\xFF\xFE\n");
  auto d = ReadTextFile(path);
  EXPECT_EQ(d.status().code(), absl::StatusCode::kInvalidArgument);
  std::remove(path.c_str());
}

TEST(SplitBriefTest, TableOfContentsMakesNoArticleAndEachArticleIsClosedByReference) {
  const std::string text =
      "목차\n"
      "첫 번째 기사 제목 (美 CSIS, 1.28)\n"
      "두 번째 기사 제목 (PwC, 2.10)\n"
      "구분\t주요 내용\n"
      "첫 번째 기사 제목 (美 CSIS, 1.28)\n"
      "- 본문 하나\n"
      "(참고 : CSIS, Report, 2025.01.28.)\n"
      "두 번째 기사 제목 (PwC, 2.10)\n"
      "● 본문 둘\n"
      "(참고 : PwC, Report, 2025.02.10.)\n";
  std::vector<Document> docs = SplitBrief(text, "brief");
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_EQ(docs[0].id, "brief#1");
  EXPECT_EQ(docs[0].title, "첫 번째 기사 제목");
  EXPECT_EQ(docs[0].source, "CSIS");
  EXPECT_EQ(docs[0].source_country, "美");
  EXPECT_EQ(docs[0].published, "1.28");
  EXPECT_EQ(docs[0].container, "brief");
  EXPECT_EQ(docs[0].text,
            "첫 번째 기사 제목 (美 CSIS, 1.28)\n- 본문 하나\n(참고 : CSIS, Report, 2025.01.28.)");
  EXPECT_EQ(docs[1].title, "두 번째 기사 제목");
  EXPECT_EQ(docs[1].source, "PwC");
  EXPECT_EQ(docs[1].source_country, "");
}

TEST(SplitBriefTest, SeedBriefHasNineArticles) {
  auto docs = ReadTextFile(std::string(KG_SHARED_DIR) + "/seed/000_9bcd69e6ea19a6da.txt");
  ASSERT_TRUE(docs.ok()) << docs.status();
  ASSERT_EQ(docs->size(), 9u);
  EXPECT_EQ((*docs)[0].title, "미국 AI 인프라 확충을 위한 스타게이트 프로젝트");
  EXPECT_EQ((*docs)[5].published, "1月");
  EXPECT_EQ((*docs)[8].source, "CSIS");
  for (const Document& d : *docs) EXPECT_EQ(d.container, "000_9bcd69e6ea19a6da");
}

TEST(ReadJsonlDocumentsTest, ReadsDocumentsAndNamesTheBadLine) {
  std::string ok = WriteTemp("kg_ingest_docs.jsonl",
                             "{\"id\":\"a\",\"title\":\"T\",\"source\":\"S\",\"published\":\"2025-01-02\","
                             "\"lang\":\"ko\",\"text\":\"미국과 중국\"}\n\n");
  auto docs = ReadJsonlDocuments(ok);
  ASSERT_TRUE(docs.ok()) << docs.status();
  ASSERT_EQ(docs->size(), 1u);
  EXPECT_EQ((*docs)[0].id, "a");
  EXPECT_EQ((*docs)[0].text, "미국과 중국");
  std::string bad = WriteTemp("kg_ingest_bad.jsonl", "{\"id\":\"a\",\"text\":\"x\"}\n{oops\n");
  auto err = ReadJsonlDocuments(bad);
  ASSERT_FALSE(err.ok());
  EXPECT_NE(err.status().message().find(":2:"), absl::string_view::npos) << err.status();
  std::remove(ok.c_str());
  std::remove(bad.c_str());
}

}  // namespace
}  // namespace kg::ingest
