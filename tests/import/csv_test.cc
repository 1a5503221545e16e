#include "import/csv.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "import/columns.h"

namespace kg::import {
namespace {

std::vector<std::vector<std::string>> ReadAll(std::string_view text, char delimiter = ',') {
  CsvReader reader(text, delimiter);
  std::vector<std::vector<std::string>> rows;
  std::vector<CsvField> row;
  while (reader.Next(&row)) {
    rows.emplace_back();
    for (const CsvField& f : row) rows.back().push_back(f.text);
  }
  EXPECT_TRUE(reader.status().ok()) << reader.status();
  return rows;
}

using Rows = std::vector<std::vector<std::string>>;

TEST(CsvReaderTest, ReadsRfc4180QuotingAndEmbeddedNewlines) {
  EXPECT_EQ(ReadAll("a,b,c\n1,\"x,y\",\"say \"\"hi\"\"\"\n"),
            (Rows{{"a", "b", "c"}, {"1", "x,y", "say \"hi\""}}));
  EXPECT_EQ(ReadAll("a,b\r\n\"multi\nline\",2\r\n"), (Rows{{"a", "b"}, {"multi\nline", "2"}}));
  EXPECT_EQ(ReadAll("a,,\n\n,b,\n"), (Rows{{"a", "", ""}, {"", "b", ""}}));
  EXPECT_EQ(ReadAll("x\ty\n1\t2"), (Rows{{"x\ty"}, {"1\t2"}}));
  EXPECT_EQ(ReadAll("x\ty\n1\t2", '\t'), (Rows{{"x", "y"}, {"1", "2"}}));
  EXPECT_EQ(ReadAll("\xEF\xBB\xBFid\n1\n"), (Rows{{"id"}, {"1"}}));  // BOM
}

TEST(CsvReaderTest, FieldsKnowTheirLineAndCharacterColumn) {
  CsvReader reader("id,name\n\"a\nb\",미국,x\n", ',');
  std::vector<CsvField> row;
  ASSERT_TRUE(reader.Next(&row));
  ASSERT_TRUE(reader.Next(&row));
  EXPECT_EQ(reader.row_line(), 2);
  ASSERT_EQ(row.size(), 3u);
  EXPECT_EQ(row[1].line, 3);
  EXPECT_EQ(row[1].column, 4);
  EXPECT_EQ(row[2].column, 7);  // two Hangul characters count as two columns
}

TEST(CsvReaderTest, SyntaxErrorsHavePositions) {
  CsvReader reader("a,b\n1,\"open\n", ',');
  std::vector<CsvField> row;
  ASSERT_TRUE(reader.Next(&row));
  EXPECT_FALSE(reader.Next(&row));
  EXPECT_EQ(reader.status().message(), "line 2, column 3: unterminated quoted field");
  CsvReader junk("\"a\"b,c\n", ',');
  EXPECT_FALSE(junk.Next(&row));
  EXPECT_EQ(junk.status().message(),
            "line 1, column 4: expected a delimiter or the end of the line after a quoted field");
}

// Many batches' worth of rows, some quoted across lines, blank lines between, and a syntax error
// near the end: the same rows, lines, offsets and error as CsvReader's, in order.
TEST(CsvReadAheadTest, GivesCsvReadersRowsAndErrorAcrossBatches) {
  std::string text = "id,name\n";
  for (int i = 0; i < 3000; ++i) {
    text += i % 7 == 0 ? "\"" + std::to_string(i) + "\nx\",n\n\n" : std::to_string(i) + ",n\n";
  }
  text += "last,\"open\n";
  CsvReader reader(text, ',');
  std::vector<CsvField> expected;
  ASSERT_TRUE(reader.Next(&expected));  // the header
  CsvReadAhead ahead(text, ',', /*skip_rows=*/1);
  size_t rows = 0, batches = 0;
  for (absl::Span<const CsvRow> batch; !(batch = ahead.NextBatch()).empty(); ++batches) {
    for (const CsvRow& row : batch) {
      size_t start = reader.offset();
      ASSERT_TRUE(reader.Next(&expected));
      EXPECT_EQ(row.line, reader.row_line());
      EXPECT_EQ(row.start, start);
      EXPECT_EQ(row.end, reader.offset());
      ASSERT_EQ(row.fields.size(), expected.size());
      for (size_t i = 0; i < expected.size(); ++i) {
        EXPECT_EQ(row.fields[i].text, expected[i].text);
        EXPECT_EQ(row.fields[i].line, expected[i].line);
        EXPECT_EQ(row.fields[i].column, expected[i].column);
      }
      ++rows;
    }
  }
  EXPECT_FALSE(reader.Next(&expected));
  EXPECT_EQ(rows, 3000u);
  EXPECT_GT(batches, 2u);
  EXPECT_EQ(ahead.status().message(), "line 3860, column 6: unterminated quoted field");
  EXPECT_EQ(ahead.status(), reader.status());
}

TEST(CsvReadAheadTest, StopsWhenLeftEarlyAndReadsAnEmptyTail) {
  std::string text = "id\n";
  for (int i = 0; i < 100000; ++i) text += std::to_string(i) + "\n";
  {
    CsvReadAhead ahead(text, ',', 1);
    EXPECT_EQ(ahead.NextBatch()[0].fields[0].text, "0");
  }  // the reader is still ahead: the destructor stops it
  CsvReadAhead header_only("id\n", ',', 1);
  EXPECT_TRUE(header_only.NextBatch().empty());
  EXPECT_TRUE(header_only.status().ok());
}

std::vector<CsvField> Header(std::vector<std::string> names) {
  std::vector<CsvField> h;
  for (std::string& n : names) {
    CsvField f;
    f.text = std::move(n);
    h.push_back(std::move(f));
  }
  return h;
}

TEST(ColumnsTest, ParsesNodeAndEdgeHeaders) {
  absl::StatusOr<FileSchema> nodes =
      ParseHeader(Header({"companyId:ID(Company)", "name", "founded:int", "tags:string[]", ":LABEL"}));
  ASSERT_TRUE(nodes.ok()) << nodes.status();
  EXPECT_FALSE(nodes->edges);
  EXPECT_EQ(nodes->id, 0);
  EXPECT_EQ(nodes->label, 4);
  EXPECT_EQ(nodes->columns[0].id_space, "Company");
  EXPECT_EQ(nodes->columns[0].name, "companyId");
  EXPECT_EQ(nodes->columns[2].type.scalar, ScalarType::kInt);
  EXPECT_TRUE(nodes->columns[3].type.array);
  absl::StatusOr<FileSchema> edges =
      ParseHeader(Header({":START_ID(Company)", ":END_ID(Country)", ":TYPE", "share:double"}));
  ASSERT_TRUE(edges.ok()) << edges.status();
  EXPECT_TRUE(edges->edges);
  EXPECT_EQ(edges->columns[1].id_space, "Country");
}

TEST(ColumnsTest, HeaderErrorsNameTheColumn) {
  EXPECT_EQ(ParseHeader(Header({":ID", "born:integer", ":LABEL"})).status().message(),
            "column 2 ('born:integer'): unknown type 'integer'; expected one of string, int, long, "
            "float, double, boolean, datetime, date");
  EXPECT_EQ(ParseHeader(Header({"name"})).status().message(), "a vertex file needs an :ID column");
  EXPECT_EQ(ParseHeader(Header({":START_ID", ":END_ID"})).status().message(),
            "an edge file needs :START_ID, :END_ID and :TYPE columns");
  EXPECT_EQ(ParseHeader(Header({":ID", ":FOO"})).status().message(),
            "column 2 (':FOO'): unknown field ':FOO'; expected :ID, :LABEL, :START_ID, :END_ID, "
            ":TYPE or :IGNORE");
}

TEST(ColumnsTest, TypedValues) {
  using graph::Value;
  EXPECT_EQ(*ParseTypedValue("42", {ScalarType::kInt, false}), Value(42));
  EXPECT_EQ(*ParseTypedValue("42", {ScalarType::kLong, false}), Value(int64_t{42}));
  EXPECT_EQ(*ParseTypedValue("0.5", {ScalarType::kDouble, false}), Value(0.5));
  EXPECT_EQ(*ParseTypedValue("TRUE", {ScalarType::kBoolean, false}), Value(true));
  EXPECT_EQ(*ParseTypedValue("a;b", {ScalarType::kString, true}), Value::List({"a", "b"}));
  EXPECT_EQ(*ParseTypedValue("1970-01-02", {ScalarType::kDate, false}),
            Value(graph::Timestamp{86400000000}));
  EXPECT_EQ(*ParseTypedValue("1970-01-01T00:00:01Z", {ScalarType::kDatetime, false}),
            Value(graph::Timestamp{1000000}));
  EXPECT_EQ(ParseTypedValue("4x2", {ScalarType::kInt, false}).status().message(),
            "expected an int, found '4x2'");
  EXPECT_EQ(ParseTypedValue("99999999999", {ScalarType::kInt, false}).status().message(),
            "expected an int, found '99999999999'");
  EXPECT_EQ(ParseTypedValue("1;x", {ScalarType::kLong, true}).status().message(),
            "expected a long, found 'x'");
}

}  // namespace
}  // namespace kg::import
