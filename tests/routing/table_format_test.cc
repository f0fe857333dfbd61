// drdaplex-ctl's text rendering: tables from rows, cells, whole replies.
#include <gtest/gtest.h>

#include "router/ctl/table_format.h"

namespace drdaplex::router::ctl {
namespace {

using nlohmann::ordered_json;

TEST(TableFormatTest, AlignsColumnsUnderCapitalHeaders) {
  ordered_json rows = ordered_json::parse(R"([
    {"name":"ODBMB1","status":"ACTIVE","connections":12,"stopped":false},
    {"name":"B2","status":"DISCONNECTED","connections":3,"stopped":true}
  ])");
  EXPECT_EQ(FormatTable(rows),
            "NAME    STATUS        CONNECTIONS  STOPPED\n"
            "ODBMB1  ACTIVE                 12  false\n"
            "B2      DISCONNECTED            3  true\n");
}

TEST(TableFormatTest, CellsOfEveryKind) {
  EXPECT_EQ(FormatCell(nullptr), "-");
  EXPECT_EQ(FormatCell("text"), "text");
  EXPECT_EQ(FormatCell(true), "true");
  EXPECT_EQ(FormatCell(1.5), "1.5");
  EXPECT_EQ(FormatCell(ordered_json::parse(R"(["IMS1","IMS2"])")), R"(["IMS1","IMS2"])");
  EXPECT_EQ(FormatCell(ordered_json::parse(R"({"b":1,"a":[2]})")), R"({"b":1,"a":[2]})");
  EXPECT_EQ(FormatCell("two\nlines\tand\x1b"), "two lines and ");
}

TEST(TableFormatTest, RaggedRowsAndEmptyTables) {
  ordered_json rows = ordered_json::parse(R"([{"a":"x"},{"b":"y"},7])");
  EXPECT_EQ(FormatTable(rows),
            "A  B  VALUE\n"
            "x  -  -\n"
            "-  y  -\n"
            "-  -  7\n");  // not every row has a number there: left-aligned
  EXPECT_EQ(FormatTable(ordered_json::array()), "(no rows)\n");
  EXPECT_EQ(FormatTable(ordered_json::object()), "(no rows)\n");
}

TEST(TableFormatTest, WidthCountsCharactersNotBytes) {
  ordered_json rows =
      ordered_json::parse(R"([{"user":"J\u00fcrgen","n":"x"},{"user":"Bob","n":"y"}])");
  EXPECT_EQ(FormatTable(rows),
            "USER    N\n"
            "J\xC3\xBCrgen  x\n"
            "Bob     y\n");
}

TEST(TableFormatTest, WholeReplies) {
  EXPECT_EQ(FormatResponse(ordered_json::parse(R"({"ok":true,"type":"odbm","rows":[]})")),
            "(no rows)\n");
  EXPECT_EQ(FormatResponse(ordered_json::parse(R"({"ok":true,"message":"routing exit reloaded"})")),
            "routing exit reloaded\n");
  EXPECT_EQ(FormatResponse(ordered_json::parse(R"({"ok":true,"matched":2,"message":"done"})")),
            "matched: 2\nmessage: done\n");
}

}  // namespace
}  // namespace drdaplex::router::ctl
