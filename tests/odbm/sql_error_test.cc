#include "odbm/sql_error.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

namespace drdaplex::odbm {
namespace {

// Runs `sql` on a fresh in-memory database prepared with `setup` and
// returns the translated error of the statement.
SqlError ErrorOf(const char* setup, const char* sql) {
  sqlite3* db = nullptr;
  sqlite3_open(":memory:", &db);
  sqlite3_extended_result_codes(db, 1);
  sqlite3_exec(db, setup, nullptr, nullptr, nullptr);
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  EXPECT_NE(rc, SQLITE_OK) << sql;
  SqlError e = TranslateSqliteError(db, rc);
  sqlite3_close(db);
  return e;
}

TEST(SqlError, MissingTableIs42X05NamingTheTable) {
  SqlError e = ErrorOf("", "SELECT * FROM NOPE");
  EXPECT_EQ(e.sqlstate, "42X05");
  EXPECT_EQ(e.message, "Table/View 'NOPE' does not exist.");
  EXPECT_EQ(e.sqlcode, -20001);
}

TEST(SqlError, SyntaxErrorIs42X01) { EXPECT_EQ(ErrorOf("", "SELEC 1").sqlstate, "42X01"); }

TEST(SqlError, MissingColumnIs42X04) {
  EXPECT_EQ(ErrorOf("CREATE TABLE T (A INT)", "SELECT B FROM T").sqlstate, "42X04");
}

TEST(SqlError, DuplicateKeyIs23505WithConstraintAndTable) {
  SqlError e = ErrorOf("CREATE TABLE T (A INT PRIMARY KEY); INSERT INTO T VALUES (1);", "INSERT INTO T VALUES (1)");
  EXPECT_EQ(e.sqlstate, "23505");
  EXPECT_EQ(e.arguments, (std::vector<std::string>{"T.A", "T"}));
  EXPECT_NE(e.message.find("'T.A' defined on 'T'"), std::string::npos) << e.message;
}

TEST(SqlError, NullIntoNotNullIs23502) {
  EXPECT_EQ(ErrorOf("CREATE TABLE T (A INT NOT NULL)", "INSERT INTO T VALUES (NULL)").sqlstate, "23502");
}

TEST(SqlError, ExistingTableIsX0Y32) {
  EXPECT_EQ(ErrorOf("CREATE TABLE T (A INT)", "CREATE TABLE T (A INT)").sqlstate, "X0Y32");
}

TEST(SqlError, SqlerrmcRoundTripsThroughSqlcaMessage) {
  SqlError dup = MakeSqlError("23505", {}, {"T.A", "T"});
  EXPECT_EQ(MessageFromSqlerrmc("23505", dup.ToSqlca().message), dup.message);
  SqlError plain = MakeSqlError("42X05", "Table/View 'X' does not exist.");
  EXPECT_EQ(plain.ToSqlca().message, "Table/View 'X' does not exist.\x14" "42X05");
  EXPECT_EQ(MessageFromSqlerrmc("42X05", plain.ToSqlca().message), plain.message);
}

TEST(SqlError, SeveritiesFollowDerby) {
  EXPECT_EQ(MakeSqlError("40XL1", "x").sqlcode, -30001);
  EXPECT_EQ(MakeSqlError("08004", "x").sqlcode, -40001);
  EXPECT_EQ(MakeSqlError("42X05", "x").sqlcode, -20001);
}

}  // namespace
}  // namespace drdaplex::odbm
