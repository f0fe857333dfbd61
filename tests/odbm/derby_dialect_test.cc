#include "odbm/derby_dialect.h"

#include <gtest/gtest.h>

namespace drdaplex::odbm {
namespace {

std::string Sql(std::string_view in) { return TranslateStatement(in, {"APP", "RR"}).sql; }

TEST(DerbyDialect, ValuesWithoutParenthesesBecomesSelect) {
  EXPECT_EQ(Sql("VALUES 1"), "SELECT 1");
  EXPECT_EQ(Sql("  values drdaplex_datastore()"), "SELECT drdaplex_datastore()");
  // A row constructor is SQLite's own VALUES: untouched.
  EXPECT_EQ(Sql("VALUES (1, 2)"), "VALUES (1, 2)");
}

TEST(DerbyDialect, SpecialRegistersBecomeLiterals) {
  EXPECT_EQ(Sql("VALUES CURRENT ISOLATION"), "SELECT 'RR'");
  EXPECT_EQ(Sql("VALUES CURRENT SCHEMA"), "SELECT 'APP'");
}

TEST(DerbyDialect, FetchFirstBecomesLimit) {
  EXPECT_EQ(Sql("SELECT * FROM T FETCH FIRST 5 ROWS ONLY"), "SELECT * FROM T LIMIT 5");
  EXPECT_EQ(Sql("SELECT * FROM T FETCH NEXT ROW ONLY"), "SELECT * FROM T LIMIT 1");
}

TEST(DerbyDialect, StringLiteralsAreNeverRewritten) {
  EXPECT_EQ(Sql("SELECT 'VALUES CURRENT SCHEMA FETCH FIRST 1 ROW ONLY' FROM T"),
            "SELECT 'VALUES CURRENT SCHEMA FETCH FIRST 1 ROW ONLY' FROM T");
  EXPECT_EQ(Sql("SELECT 'it''s CURRENT SCHEMA', CURRENT SCHEMA FROM T"),
            "SELECT 'it''s CURRENT SCHEMA', 'APP' FROM T");
}

TEST(DerbyDialect, ClientGeneratedStatementsAreRecognised) {
  EXPECT_EQ(TranslateStatement("SET CURRENT ISOLATION = CS", {}).kind, StatementKind::kSetRegister);
  EXPECT_EQ(TranslateStatement("set schema app", {}).kind, StatementKind::kSetRegister);
  EXPECT_EQ(TranslateStatement("call SYSIBM.SQLCAMESSAGE(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", {}).kind,
            StatementKind::kSqlcaMessage);
  EXPECT_EQ(TranslateStatement("CALL MYPROC(1)", {}).kind, StatementKind::kUnknownCall);
  EXPECT_EQ(TranslateStatement("-- comment\nSELECT 1", {}).kind, StatementKind::kSql);
}

}  // namespace
}  // namespace drdaplex::odbm
