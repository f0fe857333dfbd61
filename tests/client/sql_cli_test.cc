// drdaplex-sql: the script splitter and table formats on their own, then the
// real binary run against both servers.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "client/sql_script.h"
#include "client/table_printer.h"
#include "tests/client/test_servers.h"
#include "tests/support/child_process.h"
#include "tests/support/paths.h"
#include "tests/support/temp_dir.h"

namespace drdaplex::client {
namespace {

using drdaplex::testing::BinaryPath;
using drdaplex::testing::CommandResult;
using drdaplex::testing::RunCommand;
using drdaplex::testing::TempDir;
using testing::ServerKind;

TEST(SqlScriptTest, SplitsOnSemicolonsOutsideQuotesAndComments) {
  const auto statements = SplitSqlScript(
      "-- leading comment; not a separator\n"
      "CREATE TABLE t (a INT);\n"
      "INSERT INTO t VALUES ('x;y', 'it''s; fine');  -- trailing; comment\n"
      "SELECT \"odd;name\" FROM t /* block; comment */ WHERE a = 1;\n"
      " ;  ; \n"
      "VALUES 1");
  ASSERT_EQ(statements.size(), 4u);
  EXPECT_EQ(statements[0], "CREATE TABLE t (a INT)");
  EXPECT_EQ(statements[1], "INSERT INTO t VALUES ('x;y', 'it''s; fine')");
  EXPECT_EQ(statements[2], "SELECT \"odd;name\" FROM t   WHERE a = 1");
  EXPECT_EQ(statements[3], "VALUES 1");
  EXPECT_TRUE(SplitSqlScript("  -- only a comment").empty());
  EXPECT_TRUE(SplitSqlScript("").empty());
}

ColumnInfo Column(std::string name, int16_t sqltype, uint16_t ccsid = 0, int64_t length = 0) {
  ColumnInfo c;
  c.name = std::move(name);
  c.sqltype = sqltype;
  c.ccsid = ccsid;
  c.length = length;
  return c;
}

TEST(TablePrinterTest, AlignedLikePsql) {
  const ColumnInfo id = Column("ID", 496);
  const ColumnInfo name = Column("NAME", 448, 1208);
  const auto table = MakeTextTable({id, name}, {{int64_t{1}, std::string("one")},
                                                {int64_t{22}, Null{}},
                                                {int64_t{333}, std::string("h\xC3\xA9")}});
  EXPECT_EQ(FormatAligned(table),
            "  ID | NAME\n"
            "-----+------\n"
            "   1 | one\n"
            "  22 |\n"
            " 333 | h\xC3\xA9\n"
            "(3 rows)\n");
  EXPECT_EQ(FormatAligned(MakeTextTable({id}, {{int64_t{5}}})), " ID\n----\n  5\n(1 row)\n");
  EXPECT_EQ(FormatAligned(MakeTextTable({id}, {})), " ID\n----\n(0 rows)\n");
}

TEST(TablePrinterTest, CsvQuotesWhatNeedsIt) {
  const ColumnInfo a = Column("A", 448, 1208);
  const ColumnInfo b = Column("B", 480, 0, 8);
  const auto table = MakeTextTable({a, b}, {{std::string("x,y"), 1.5}, {std::string("say \"hi\""), Null{}}});
  EXPECT_EQ(FormatCsv(table), "A,B\n\"x,y\",1.5\n\"say \"\"hi\"\"\",\n");
}

class SqlCliTest : public ::testing::TestWithParam<ServerKind> {
 protected:
  void SetUp() override {
    std::string error;
    server_ = testing::GetServer(GetParam(), &error);
    ASSERT_NE(server_, nullptr) << ServerName(GetParam()) << " is not available: " << error;
  }

  std::vector<std::string> Base() const {
    return {BinaryPath("drdaplex-sql"), "--host", server_->host, "--port", std::to_string(server_->port),
            "--database", server_->database, "--user", "app"};
  }
  CommandResult Run(std::vector<std::string> args) const {
    std::vector<std::string> argv = Base();
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv, std::chrono::seconds(120));
  }

  const testing::TestServer* server_ = nullptr;
  TempDir dir_{"drdaplex-sql-test-"};
};

std::string ParamName(const ::testing::TestParamInfo<ServerKind>& info) { return testing::ServerName(info.param); }

INSTANTIATE_TEST_SUITE_P(Servers, SqlCliTest, ::testing::Values(ServerKind::kDerby, ServerKind::kOdbm), ParamName);

TEST_P(SqlCliTest, RunsAScriptAndPrintsATable) {
  const std::string script = dir_.WriteFile("script.sql",
      "-- a comment; with a semicolon\n"
      "CREATE TABLE cli_t (id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(20), amount DOUBLE);\n"
      "INSERT INTO cli_t VALUES (1, 'one', 1.5), (2, 'two; not a separator', NULL);\n"
      "INSERT INTO cli_t VALUES (3, 'it''s', 2);\n"
      "SELECT id AS \"ID\", name AS \"NAME\", amount AS \"AMOUNT\" FROM cli_t ORDER BY id;\n"
      "SELECT * FROM no_such_table;\n"
      "UPDATE cli_t SET amount = 0 WHERE id = 1;\n");
  const CommandResult r = Run({"--password", "secret", "-f", script});
  ASSERT_TRUE(r.start_error.empty()) << r.Describe();
  EXPECT_FALSE(r.timed_out);
  EXPECT_TRUE(r.status.exited && r.status.code == 1) << r.Describe();  // one statement failed
  EXPECT_EQ(r.stdout_text,
            "0 rows affected\n"
            "2 rows affected\n"
            "1 row affected\n"
            " ID | NAME                 | AMOUNT\n"
            "----+----------------------+--------\n"
            "  1 | one                  |    1.5\n"
            "  2 | two; not a separator |\n"
            "  3 | it's                 |      2\n"
            "(3 rows)\n"
            "1 row affected\n")
      << r.Describe();
  EXPECT_EQ(r.stderr_text.rfind("ERROR 42X05: ", 0), 0u) << r.Describe();
}

TEST_P(SqlCliTest, CommandsCsvPasswordFromStdinAndStopOnError) {
  const std::vector<std::string> base = Base();
  std::string command;
  for (const std::string& a : base) command += "'" + a + "' ";
  command += "--password-stdin --csv -c \"CREATE TABLE cli_csv (a INTEGER, b VARCHAR(10))\" "
             "-c \"INSERT INTO cli_csv VALUES (1, 'x,y'); INSERT INTO cli_csv VALUES (2, NULL)\" "
             "-c \"SELECT a AS \\\"A\\\", b AS \\\"B\\\" FROM cli_csv ORDER BY a\"";
  const CommandResult r = RunCommand({"/bin/sh", "-c", "printf 'secret\\n' | " + command}, std::chrono::seconds(120));
  EXPECT_TRUE(r.Success()) << r.Describe();
  EXPECT_EQ(r.stdout_text, "0 rows affected\n1 row affected\n1 row affected\nA,B\n1,\"x,y\"\n2,\n") << r.Describe();

  const CommandResult stop = Run({"--password", "secret", "--stop-on-error", "-c", "SELECT * FROM no_such_table",
                                  "-c", "VALUES 1"});
  EXPECT_EQ(stop.status.code, 1) << stop.Describe();
  EXPECT_EQ(stop.stdout_text, "") << stop.Describe();
}

TEST_P(SqlCliTest, AutocommitOffRollsBackUncommittedWorkAtExit) {
  EXPECT_TRUE(Run({"--password", "secret", "-c", "CREATE TABLE cli_tx (a INTEGER)"}).Success());
  const CommandResult off = Run({"--password", "secret", "--autocommit", "off", "-c",
                                 "INSERT INTO cli_tx VALUES (1)", "-c", "COMMIT", "-c", "INSERT INTO cli_tx VALUES (2)"});
  EXPECT_TRUE(off.Success()) << off.Describe();
  EXPECT_EQ(off.stdout_text, "1 row affected\nCOMMIT\n1 row affected\n");
  const CommandResult count =
      Run({"--password", "secret", "--csv", "-c", "SELECT COUNT(*) AS \"N\" FROM cli_tx"});
  EXPECT_TRUE(count.Success()) << count.Describe();
  EXPECT_EQ(count.stdout_text, "N\n1\n") << count.Describe();
}

TEST_P(SqlCliTest, ConnectFailureExitsWithAnError) {
  const CommandResult r = Run({"--password", "wrong", "-c", "VALUES 1"});
  EXPECT_EQ(r.status.code, 1) << r.Describe();
  EXPECT_EQ(r.stderr_text.rfind("ERROR 08004: ", 0), 0u) << r.Describe();
}

}  // namespace
}  // namespace drdaplex::client
