#include "graph/codec.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "graph/layout.h"
#include "graph/normalize.h"

namespace kg::graph {
namespace {

using codec::EncodeIndexValue;

std::string Enc(const Value& v, Value::Type t) {
  absl::StatusOr<std::string> s = EncodeIndexValue(v, t);
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? *s : "";
}

TEST(CodecTest, Int64OrderMatchesByteOrder) {
  std::vector<int64_t> values = {std::numeric_limits<int64_t>::min(), -1000, -1, 0, 1, 7, 1000,
                                 std::numeric_limits<int64_t>::max()};
  for (size_t i = 1; i < values.size(); ++i) {
    EXPECT_LT(Enc(values[i - 1], Value::Type::kInt64), Enc(values[i], Value::Type::kInt64))
        << values[i - 1] << " vs " << values[i];
  }
  for (int64_t v : values) {
    std::string s = Enc(v, Value::Type::kInt64);
    std::string_view in = s;
    int64_t back;
    ASSERT_TRUE(codec::GetI64Ordered(&in, &back));
    EXPECT_EQ(back, v);
  }
}

TEST(CodecTest, DoubleOrderMatchesByteOrderWithNaNLast) {
  std::vector<double> values = {-std::numeric_limits<double>::infinity(), -1e300, -2.5, -1e-300,
                                0.0, 1e-300, 2.5, 1e300, std::numeric_limits<double>::infinity()};
  for (size_t i = 1; i < values.size(); ++i) {
    EXPECT_LT(Enc(values[i - 1], Value::Type::kDouble), Enc(values[i], Value::Type::kDouble));
  }
  EXPECT_EQ(Enc(-0.0, Value::Type::kDouble), Enc(0.0, Value::Type::kDouble));
  EXPECT_GT(Enc(std::nan(""), Value::Type::kDouble),
            Enc(std::numeric_limits<double>::infinity(), Value::Type::kDouble));
  for (double v : values) {
    std::string s = Enc(v, Value::Type::kDouble);
    std::string_view in = s;
    double back;
    ASSERT_TRUE(codec::GetDoubleOrdered(&in, &back));
    EXPECT_EQ(back, v);
  }
}

TEST(CodecTest, IntegersConvertToDoubleIndex) {
  EXPECT_EQ(Enc(int32_t{3}, Value::Type::kDouble), Enc(3.0, Value::Type::kDouble));
  EXPECT_EQ(Enc(int32_t{3}, Value::Type::kInt64), Enc(int64_t{3}, Value::Type::kInt64));
  absl::StatusOr<std::string> bad = EncodeIndexValue(Value("x"), Value::Type::kInt64);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message(), "value \"x\" does not convert to index type int64");
}

TEST(CodecTest, EscapedStringsSortAsStringsAndRoundTrip) {
  std::vector<std::string> values = {"", std::string("\0", 1), std::string("a\0", 2),
                                     std::string("a\0b", 3), "a", "ab", "abc", "b", "\xff"};
  std::vector<std::string> encoded;
  for (const std::string& v : values) encoded.push_back(Enc(v, Value::Type::kString));
  std::vector<std::string> sorted_values = values;
  std::sort(sorted_values.begin(), sorted_values.end());
  std::vector<std::string> sorted_encoded = encoded;
  std::sort(sorted_encoded.begin(), sorted_encoded.end());
  for (size_t i = 0; i < values.size(); ++i) {
    std::string_view in = sorted_encoded[i];
    std::string back;
    ASSERT_TRUE(codec::GetEscapedString(&in, &back));
    EXPECT_TRUE(in.empty());
    EXPECT_EQ(back, sorted_values[i]);
  }
}

TEST(CodecTest, PrefixOfEscapedStringSelectsExactlyTheStringsWithThatPrefix) {
  std::string prefix;
  codec::PutEscapedPrefix(&prefix, "ab");
  for (const char* s : {"ab", "abc", "ab\xff"}) {
    EXPECT_EQ(Enc(s, Value::Type::kString).compare(0, prefix.size(), prefix), 0) << s;
  }
  for (const char* s : {"a", "b", "aa"}) {
    EXPECT_NE(Enc(s, Value::Type::kString).compare(0, prefix.size(), prefix), 0) << s;
  }
}

TEST(CodecTest, PrimitivesWriteTheirExactBytes) {
  // The on-disk format: big-endian fixed widths, little-endian base-128 varints, and strings
  // with each NUL escaped as NUL 0xFF and a NUL terminator.
  std::string out = "x";
  codec::PutU32BE(&out, 0x01020304u);
  codec::PutU64BE(&out, 0x0A0B0C0D0E0F1011ull);
  EXPECT_EQ(out, std::string("x\x01\x02\x03\x04\x0A\x0B\x0C\x0D\x0E\x0F\x10\x11"));
  out.clear();
  codec::PutVarint(&out, 0);
  codec::PutVarint(&out, 127);
  codec::PutVarint(&out, 300);
  codec::PutVarint(&out, ~uint64_t{0});
  EXPECT_EQ(out, std::string("\x00\x7F\xAC\x02", 4) + std::string(9, '\xFF') + "\x01");
  out.clear();
  codec::PutEscapedString(&out, std::string_view("a\0b\0\0", 5));
  EXPECT_EQ(out, std::string("a\0\xFF" "b\0\xFF\0\xFF\0", 9));
  out.clear();
  codec::PutEscapedString(&out, "");
  EXPECT_EQ(out, std::string(1, '\0'));
}

TEST(CodecTest, PrefixSuccessor) {
  EXPECT_EQ(codec::PrefixSuccessor("ab"), "ac");
  EXPECT_EQ(codec::PrefixSuccessor(std::string("a\xff", 2)), "b");
  EXPECT_EQ(codec::PrefixSuccessor(std::string("\xff\xff", 2)), "");
}

TEST(CodecTest, ValuesRoundTripWithTheirTypes) {
  std::vector<Value> values = {
      Value(),         Value(true),         Value(false),       Value(int32_t{-7}),
      Value(int64_t{1} << 40), Value(1.5f), Value(-2.25),       Value("미국"),
      Value(Timestamp{1736899200000000}), Value::List({Value(1), Value("a"), Value::List({})}),
      Value::Map({{"k", Value(2.0)}, {"z", Value()}})};
  for (const Value& v : values) {
    std::string bytes;
    codec::PutValue(&bytes, v);
    std::string_view in = bytes;
    Value back;
    ASSERT_TRUE(codec::GetValue(&in, &back)) << v.DebugString();
    EXPECT_TRUE(in.empty());
    EXPECT_EQ(back, v) << v.DebugString() << " came back as " << back.DebugString();
    EXPECT_EQ(back.type(), v.type());
  }
}

TEST(CodecTest, TruncatedOrGarbageRowsAreRejected) {
  codec::VertexRow row;
  row.labels = {1, 2};
  row.key = "united states";
  row.external_id = Value("x1");
  row.properties = {{"name", Value("United States"), {}},
                    {"aliases", Value::List({"미국", "美"}), {{"since", Value(1776)}}}};
  std::string bytes = codec::EncodeVertexRow(row);
  codec::VertexRow back;
  ASSERT_TRUE(codec::DecodeVertexRow(bytes, &back));
  EXPECT_EQ(back.labels, row.labels);
  EXPECT_EQ(back.key, row.key);
  EXPECT_EQ(back.external_id, row.external_id);
  EXPECT_EQ(back.properties, row.properties);
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    EXPECT_FALSE(codec::DecodeVertexRow(std::string_view(bytes).substr(0, cut), &back)) << cut;
  }
  std::mt19937 rng(7);
  for (int i = 0; i < 2000; ++i) {  // random bytes must never crash the decoder
    std::string junk(rng() % 64, '\0');
    for (char& c : junk) c = static_cast<char>(rng());
    codec::DecodeVertexRow(junk, &back);
  }
}

// A row whose properties have no user-supplied ids is encoded without the ids trailer: byte for
// byte what rows were before it existed, so those read back with null ids. Ids round-trip, and a
// trailer cut short is rejected.
TEST(CodecTest, VertexPropertyIdsAreATrailerThatRowsWithoutIdsLack) {
  codec::VertexRow row;
  row.labels = {3};
  row.key = "marko";
  row.properties = {{"name", Value("marko"), {}}, {"age", Value(29), {}}};
  std::string without = codec::EncodeVertexRow(row);
  codec::VertexRow back;
  ASSERT_TRUE(codec::DecodeVertexRow(without, &back));
  EXPECT_TRUE(back.properties[0].id.is_null());
  EXPECT_TRUE(back.properties[1].id.is_null());

  row.properties[1].id = Value(int64_t{7});
  std::string with = codec::EncodeVertexRow(row);
  ASSERT_GT(with.size(), without.size());
  EXPECT_EQ(with.substr(0, without.size()), without);  // the old encoding, then the trailer
  ASSERT_TRUE(codec::DecodeVertexRow(with, &back));
  EXPECT_EQ(back.properties, row.properties);
  EXPECT_TRUE(back.properties[0].id.is_null());
  EXPECT_EQ(back.properties[1].id, Value(int64_t{7}));

  // Decoding a row without ids into a row that held some clears them.
  ASSERT_TRUE(codec::DecodeVertexRow(without, &back));
  EXPECT_TRUE(back.properties[1].id.is_null());
  for (size_t cut = without.size() + 1; cut < with.size(); ++cut) {
    EXPECT_FALSE(codec::DecodeVertexRow(std::string_view(with).substr(0, cut), &back)) << cut;
  }
}

TEST(CodecTest, DeeplyNestedValueIsRejectedNotRecursedWithoutBound) {
  std::string bytes;
  for (int i = 0; i < 100000; ++i) bytes.append("\x09\x01");  // list of one list of ...
  std::string_view in = bytes;
  Value v;
  EXPECT_FALSE(codec::GetValue(&in, &v));
}

TEST(LayoutTest, EdgeKeysRoundTripFromBothTwins) {
  EdgeKey e{42, 7, 1ull << 40, 99};
  for (Direction d : {Direction::kOut, Direction::kIn}) {
    EdgeKey back;
    Direction back_dir;
    ASSERT_TRUE(layout::DecodeAdjKey(layout::AdjKey(e, d), &back, &back_dir));
    EXPECT_EQ(back, e);
    EXPECT_EQ(back_dir, d);
  }
  EXPECT_EQ(layout::OutEdgeKey(e).size(), 29u);
}

TEST(LayoutTest, OutKeysPutRankBeforeDstAndInKeysSrcBeforeRank) {
  EdgeKey e{0x0102, 0x03, 0x0405, 0x0607};
  auto bytes = [](std::initializer_list<int> b) { return std::string(b.begin(), b.end()); };
  const std::string src = bytes({0, 0, 0, 0, 0, 0, 1, 2}), lid = bytes({0, 0, 0, 3}),
                    dst = bytes({0, 0, 0, 0, 0, 0, 4, 5}), rank = bytes({0, 0, 0, 0, 0, 0, 6, 7});
  EXPECT_EQ(layout::OutEdgeKey(e), "\x03" + src + lid + rank + dst);
  EXPECT_EQ(layout::InEdgeKey(e), "\x02" + dst + lid + src + rank);
  EXPECT_EQ(layout::Format3OutEdgeKey(e), "\x01" + src + lid + dst + rank);
  EdgeKey back;
  ASSERT_TRUE(layout::DecodeFormat3OutEdgeKey(layout::Format3OutEdgeKey(e), &back));
  EXPECT_EQ(back, e);
  Direction d;
  EXPECT_FALSE(layout::DecodeAdjKey(layout::Format3OutEdgeKey(e), &back, &d));
  // AdjKeyTo writes the same bytes into a buffer (ids past 32 bits, all 64 bits used).
  for (const EdgeKey& k : {e, EdgeKey{0xfedcba9876543210ull, 0x89abcdef, 1ull << 40, ~0ull}}) {
    for (Direction dir : {Direction::kOut, Direction::kIn}) {
      char out[layout::kAdjKeyBytes];
      layout::AdjKeyTo(k, dir, out);
      EXPECT_EQ(std::string(out, sizeof(out)), layout::AdjKey(k, dir));
    }
  }
}

TEST(LayoutTest, AdjacencyOfOneVertexAndLabelIsOneContiguousPrefix) {
  // Keys of vertex 5's out-edges with label 3 all start with AdjPrefix(out, 5, 3) and sort
  // between the other labels' edges; within the label by rank (creation order), then dst.
  std::string p3 = layout::AdjPrefix(Direction::kOut, 5, 3);
  std::vector<std::string> keys = {
      layout::OutEdgeKey({5, 2, 100, 0}), layout::OutEdgeKey({5, 3, 1, 0}),
      layout::OutEdgeKey({5, 3, 900, 0}), layout::OutEdgeKey({5, 3, 1, 1}),
      layout::OutEdgeKey({5, 4, 0, 0}),   layout::OutEdgeKey({6, 3, 1, 0})};
  EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end()));
  int in_prefix = 0;
  for (const std::string& k : keys) in_prefix += k.compare(0, p3.size(), p3) == 0;
  EXPECT_EQ(in_prefix, 3);
}

TEST(EdgeKeyTest, StringFormRoundTrips) {
  EdgeKey e{1, 2, 3, 4}, back;
  EXPECT_EQ(e.ToString(), "1:2:3:4");
  ASSERT_TRUE(EdgeKey::Parse("1:2:3:4", &back));
  EXPECT_EQ(back, e);
  EXPECT_FALSE(EdgeKey::Parse("1:2:3", &back));
  EXPECT_FALSE(EdgeKey::Parse("a:2:3:4", &back));
}

}  // namespace
}  // namespace kg::graph

namespace kg::graph {
namespace {

TEST(NormalizeTest, CanonicalKeyFoldsWidthCaseAndWhitespace) {
  EXPECT_EQ(*CanonicalKey("  Ｎｖｉｄｉａ \t Corp "), "nvidia corp");
  EXPECT_EQ(*CanonicalKey("Straße"), "strasse");
  EXPECT_EQ(*CanonicalKey("㈜삼성"), "(주)삼성");
  EXPECT_EQ(*CanonicalKey("A\tB\r\nC"), "a b c");
  EXPECT_EQ(*CanonicalKey("x\x1fy"), "x\x1fy");  // not White_Space: kept, as ICU keeps it
  EXPECT_EQ(*NormalizeNfkc("  Ｎｖｉｄｉａ  "), "Nvidia");
  EXPECT_EQ(CanonicalKey("caf\xC3").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(NormalizeTest, AsciiFastPathAgreesWithIcu) {
  // Every printable ASCII character next to a non-ASCII one goes through ICU; alone it takes
  // the fast path. Both must give the same result.
  for (int c = 0x20; c < 0x7F; ++c) {
    std::string ascii = std::string("a") + static_cast<char>(c) + "B";
    std::string mixed = ascii + "é";
    absl::StatusOr<std::string> fast = CanonicalKey(ascii);
    absl::StatusOr<std::string> icu = CanonicalKey(mixed);
    ASSERT_TRUE(fast.ok() && icu.ok());
    EXPECT_EQ(*fast + "é", *icu) << "character " << c;
  }
}

TEST(NormalizeTest, HangulSyllablesTakeTheFastPathAndAgreeWithIcu) {
  // Precomposed syllables (the first, the last, and others) with ASCII around them: the fast
  // path keeps them as they are; the same text with a non-ASCII, non-Hangul character after it
  // goes through ICU, which must give the same result.
  for (const std::string text :
       {"가", "힣", "  삼성전자 \t Co", "SK하이닉스", "한국 수출입 은행", "엔비디아(NVIDIA)"}) {
    absl::StatusOr<std::string> fast = CanonicalKey(text);
    absl::StatusOr<std::string> icu = CanonicalKey(text + "é");
    ASSERT_TRUE(fast.ok() && icu.ok()) << text;
    EXPECT_EQ(*fast + "é", *icu) << text;
  }
  EXPECT_EQ(*CanonicalKey("  삼성전자 \t Co "), "삼성전자 co");
  // A conjoining final jamo (U+11A8) composes with the syllable before it; a compatibility jamo
  // (U+3131) becomes a conjoining one: neither is a syllable, so both go through ICU.
  EXPECT_EQ(*CanonicalKey("가\xE1\x86\xA8"), "각");
  EXPECT_EQ(*CanonicalKey("\xE3\x84\xB1"), "\xE1\x84\x80");
  // A syllable cut short is broken UTF-8, whichever path sees it.
  EXPECT_EQ(CanonicalKey("가\xEA\xB0").status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace kg::graph
