// The content hash decides whether a re-ingest is skipped, and stores keep it: it must stay the
// FNV-1a pair over the fields joined by 0x1f, whatever way it is computed.
#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "ingest/ingest.h"

namespace kg::ingest {
namespace {

uint64_t Fnv1a(const std::string& s, uint64_t h) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

// The definition, written the plain way: hash the concatenation.
std::string ReferenceHash(const Document& d) {
  std::string all =
      absl::StrCat(d.id, "\x1f", d.title, "\x1f", d.source, "\x1f", d.source_country, "\x1f",
                   d.published, "\x1f", d.lang, "\x1f", d.container, "\x1f", d.text);
  return absl::StrFormat("%016x%016x", Fnv1a(all, 0xcbf29ce484222325ULL),
                         Fnv1a(all, 0x84222325cbf29ce4ULL));
}

TEST(ContentHashTest, IsTheFnvPairOfTheJoinedFields) {
  Document d;
  EXPECT_EQ(ContentHash(d), ReferenceHash(d));
  d.id = "doc-1";
  d.title = "핵심광물 공급망";
  d.source = "KOTRA";
  d.published = "2025-03-12";
  d.lang = "ko";
  d.text = "美 상무부는 '25.3.12 ...\n두 번째 줄";
  EXPECT_EQ(ContentHash(d), ReferenceHash(d));
  d.container = "brief";
  d.source_country = "KR";
  EXPECT_EQ(ContentHash(d), ReferenceHash(d));
  EXPECT_EQ(ContentHash(d).size(), 32u);
}

TEST(ContentHashTest, MovingTextBetweenFieldsChangesIt) {
  Document a, b;
  a.id = "x";
  a.title = "ab";
  b.id = "x";
  b.title = "a";
  b.source = "b";
  EXPECT_NE(ContentHash(a), ContentHash(b));
}

}  // namespace
}  // namespace kg::ingest
