#include "harness/load/init_databases.h"

#include <fmt/format.h>

#include "client/connection.h"
#include "harness/load/landing_probe.h"

namespace drdaplex::load {

namespace {
// Fills `table` with n rows; `row` is the SELECT list over the counter i.
std::string FillStatement(const char* table, int64_t n, const char* row) {
  return fmt::format(
      "INSERT INTO {} WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {}) "
      "SELECT {} FROM n",
      table, n, row);
}
}  // namespace

std::vector<std::string> InitStatements(int scale) {
  const int64_t s = std::max(scale, 1);
  std::vector<std::string> sql;
  for (const char* table : {"DPX_HISTORY", "DPX_ACCOUNTS", "DPX_TELLERS", "DPX_BRANCHES", "DPX_LEDGER"}) {
    sql.push_back(fmt::format("DROP TABLE IF EXISTS {}", table));
  }
  sql.push_back("CREATE TABLE DPX_BRANCHES (bid INTEGER NOT NULL PRIMARY KEY, bbalance INTEGER NOT NULL, filler CHAR(88))");
  sql.push_back(
      "CREATE TABLE DPX_TELLERS (tid INTEGER NOT NULL PRIMARY KEY, bid INTEGER NOT NULL, tbalance INTEGER NOT NULL, "
      "filler CHAR(84))");
  sql.push_back(
      "CREATE TABLE DPX_ACCOUNTS (aid INTEGER NOT NULL PRIMARY KEY, bid INTEGER NOT NULL, abalance INTEGER NOT NULL, "
      "filler CHAR(84))");
  sql.push_back(
      "CREATE TABLE DPX_HISTORY (tid INTEGER, bid INTEGER, aid INTEGER, delta INTEGER, mtime TIMESTAMP, "
      "filler CHAR(22))");
  sql.push_back(
      "CREATE TABLE DPX_LEDGER (id BIGINT NOT NULL PRIMARY KEY, client INTEGER NOT NULL, seq BIGINT NOT NULL, "
      "datastore VARCHAR(8), created TIMESTAMP)");
  sql.push_back(FillStatement("DPX_BRANCHES", s, "i, 0, ''"));
  sql.push_back(FillStatement("DPX_TELLERS", 10 * s, "i, (i - 1) / 10 + 1, 0, ''"));
  sql.push_back(FillStatement("DPX_ACCOUNTS", 10000 * s, "i, (i - 1) / 10000 + 1, 0, ''"));
  return sql;
}

bool InitDatabases(const BenchOptions& options, const std::vector<std::string>& datastores, std::string* error) {
  std::vector<std::string> targets = datastores;
  if (targets.empty()) targets.push_back(options.target.database);
  const std::vector<std::string> statements = InitStatements(options.scale);
  for (const std::string& database : targets) {
    const std::string where = database.empty() ? "(blank database)" : database;
    try {
      client::ConnectOptions connect = MakeConnectOptions(options, database);
      connect.io_timeout = std::max(connect.io_timeout, std::chrono::milliseconds(120000));
      client::Connection connection = client::Connection::Open(connect);
      connection.SetAutoCommit(false);
      for (const std::string& sql : statements) connection.Execute(sql);
      connection.Commit();
      connection.Close();
    } catch (const client::SqlError& e) {
      *error = where + ": " + e.what();
      return false;
    }
  }
  return true;
}

}  // namespace drdaplex::load
