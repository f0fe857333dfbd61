// Scenario tests of the client library against real DRDA servers: Apache
// Derby's Network Server and drdaplex-odbm, the same SQL on both where the
// dialects agree. No mocks: every test speaks DRDA over TCP.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "client/client.h"
#include "tests/client/test_servers.h"

namespace drdaplex::client {
namespace {

using testing::GetServer;
using testing::ServerKind;
using testing::TestServer;

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// A 240-character name that differs per row (like the golden capture).
std::string LongName(int id) {
  std::string s = "name-" + std::to_string(id) + "-";
  while (s.size() < 240) s.push_back(static_cast<char>('a' + (s.size() + id) % 26));
  return s;
}

class ClientTest : public ::testing::TestWithParam<ServerKind> {
 protected:
  void SetUp() override {
    std::string error;
    server_ = GetServer(GetParam(), &error);
    ASSERT_NE(server_, nullptr) << ServerName(GetParam()) << " is not available: " << error;
  }

  Connection Connect() { return Connection::Open(server_->Options()); }
  bool derby() const { return GetParam() == ServerKind::kDerby; }

  const TestServer* server_ = nullptr;
};

std::string ParamName(const ::testing::TestParamInfo<ServerKind>& info) { return testing::ServerName(info.param); }

INSTANTIATE_TEST_SUITE_P(Servers, ClientTest, ::testing::Values(ServerKind::kDerby, ServerKind::kOdbm), ParamName);

TEST_P(ClientTest, ConnectReportsServerAndClose) {
  Connection conn = Connect();
  EXPECT_FALSE(conn.is_closed());
  const ServerInfo& info = conn.server();
  EXPECT_EQ(info.product_id.size(), 8u) << info.product_id;
  EXPECT_FALSE(info.server_class.empty());
  EXPECT_FALSE(info.release_level.empty());
  if (derby()) {
    EXPECT_EQ(info.server_class, "Apache Derby");
    EXPECT_EQ(info.product_id, "CSS10140");
    EXPECT_EQ(info.version, 10);
    EXPECT_EQ(info.release, 14);
  }
  EXPECT_TRUE(conn.auto_commit());
  EXPECT_EQ(std::get<int64_t>(conn.QueryScalar("VALUES 1")), 1);
  conn.Close();
  EXPECT_TRUE(conn.is_closed());
  try {
    conn.Execute("VALUES 1");
    FAIL() << "a closed connection executed SQL";
  } catch (const SqlError& e) {
    EXPECT_EQ(e.sqlstate(), "08003") << e.what();
  }
}

TEST_P(ClientTest, WrongPasswordIsAnAuthenticationFailure) {
  ConnectOptions o = server_->Options();
  o.password = "not-the-password";
  try {
    Connection::Open(o);
    FAIL() << "connected with a wrong password";
  } catch (const SqlError& e) {
    EXPECT_EQ(e.sqlstate(), "08004") << e.what();
  }
  // The server is fine afterwards.
  EXPECT_NO_THROW(Connect());
}

TEST_P(ClientTest, UnknownUserIsAnAuthenticationFailure) {
  ConnectOptions o = server_->Options();
  o.user = "nobody";
  try {
    Connection::Open(o);
    FAIL() << "connected as an unknown user";
  } catch (const SqlError& e) {
    EXPECT_EQ(e.sqlstate(), "08004") << e.what();
  }
}

TEST_P(ClientTest, ExecuteReturnsUpdateCounts) {
  Connection conn = Connect();
  EXPECT_EQ(conn.Execute("CREATE TABLE counts_t (id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(20))"), 0);
  EXPECT_EQ(conn.Execute("INSERT INTO counts_t VALUES (1, 'a'), (2, 'b'), (3, 'c')"), 3);
  EXPECT_EQ(conn.Execute("INSERT INTO counts_t VALUES (4, 'd')"), 1);
  EXPECT_EQ(conn.Execute("UPDATE counts_t SET name = 'x' WHERE id >= 2"), 3);
  EXPECT_EQ(conn.Execute("UPDATE counts_t SET name = 'y' WHERE id > 100"), 0);
  EXPECT_EQ(conn.Execute("DELETE FROM counts_t WHERE id = 1"), 1);
  EXPECT_EQ(conn.QueryScalar("SELECT COUNT(*) FROM counts_t"), Value{int64_t{3}});
  EXPECT_EQ(conn.Execute("DROP TABLE counts_t"), 0);
}

TEST_P(ClientTest, PreparedInsertWithEveryValueKind) {
  Connection conn = Connect();
  conn.Execute(
      "CREATE TABLE kinds_t (id INTEGER NOT NULL PRIMARY KEY, big BIGINT, amount DOUBLE, "
      "name VARCHAR(100), note VARCHAR(32))");
  PreparedStatement insert = conn.Prepare("INSERT INTO kinds_t (id, big, amount, name, note) VALUES (?, ?, ?, ?, ?)");
  ASSERT_EQ(insert.parameters().size(), 5u);
  EXPECT_TRUE(insert.columns().empty());
  const std::string unicode = "h\xC3\xA9llo w\xC3\xB6rld \xE2\x9C\x93";  // héllo wörld ✓
  insert.Bind(1, int64_t{1});
  insert.Bind(2, int64_t{9'000'000'000'000});
  insert.Bind(3, 1.25);
  insert.Bind(4, unicode);
  insert.Bind(5, std::string("n1"));
  EXPECT_EQ(insert.ExecuteUpdate(), 1);
  insert.Bind(1, int64_t{2});
  insert.Bind(2, Null{});
  insert.Bind(3, Null{});
  insert.Bind(4, Null{});
  insert.Bind(5, Null{});
  EXPECT_EQ(insert.ExecuteUpdate(), 1);
  insert.Bind(1, int64_t{3});
  insert.Bind(2, int64_t{-42});
  insert.Bind(3, -0.5);
  insert.Bind(4, std::string(""));
  insert.Bind(5, std::string("it's"));
  EXPECT_EQ(insert.ExecuteUpdate(), 1);
  insert.ClearBindings();
  try {
    insert.ExecuteUpdate();
    FAIL() << "executed with unbound parameters";
  } catch (const SqlError& e) {
    EXPECT_EQ(e.sqlstate(), "07000");
  }
  EXPECT_THROW(insert.Bind(6, int64_t{1}), SqlError);

  ResultSet rs = conn.Query("SELECT id, big, amount, name, note FROM kinds_t ORDER BY id");
  ASSERT_TRUE(rs.Next());
  EXPECT_EQ(rs.GetInt64(1), 1);
  EXPECT_EQ(rs.GetInt64(2), 9'000'000'000'000);
  EXPECT_EQ(rs.GetDouble(3), 1.25);
  EXPECT_EQ(rs.GetString(4), unicode);
  EXPECT_EQ(rs.GetString(5), "n1");
  ASSERT_TRUE(rs.Next());
  EXPECT_EQ(rs.GetInt64(1), 2);
  for (int i = 2; i <= 5; ++i) EXPECT_TRUE(rs.IsNull(i)) << "column " << i;
  ASSERT_TRUE(rs.Next());
  EXPECT_EQ(rs.GetInt64(2), -42);
  EXPECT_EQ(rs.GetDouble(3), -0.5);
  EXPECT_EQ(rs.GetString(4), "");
  EXPECT_FALSE(rs.IsNull(4));
  EXPECT_EQ(rs.GetString(5), "it's");
  EXPECT_FALSE(rs.Next());
  EXPECT_TRUE(rs.is_closed());
  EXPECT_FALSE(rs.Next());

  // Parameters in a query, and a string bound where the column is numeric.
  PreparedStatement q = conn.Prepare("SELECT name FROM kinds_t WHERE id = ?");
  q.Bind(1, int64_t{1});
  ResultSet one = q.ExecuteQuery();
  ASSERT_TRUE(one.Next());
  EXPECT_EQ(one.GetString(1), unicode);
  EXPECT_FALSE(one.Next());
}

TEST_P(ClientTest, BatchInsertsInOneChain) {
  Connection conn = Connect();
  conn.Execute("CREATE TABLE batch_t (id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(250), amount DOUBLE)");
  PreparedStatement insert = conn.Prepare("INSERT INTO batch_t (id, name, amount) VALUES (?, ?, ?)");
  std::vector<std::vector<Value>> rows;
  for (int id = 1; id <= 147; ++id) {
    rows.push_back({int64_t{id}, LongName(id), id % 3 == 0 ? Value{Null{}} : Value{id * 1.25}});
  }
  const std::vector<int64_t> counts = insert.ExecuteBatch(rows);
  ASSERT_EQ(counts.size(), 147u);
  for (int64_t c : counts) EXPECT_EQ(c, 1);
  EXPECT_EQ(conn.QueryScalar("SELECT COUNT(*) FROM batch_t"), Value{int64_t{147}});
  EXPECT_EQ(conn.QueryScalar("SELECT name FROM batch_t WHERE id = 100"), Value{LongName(100)});
  EXPECT_TRUE(insert.ExecuteBatch({}).empty());
}

TEST_P(ClientTest, BatchWithAFailingRowReportsIt) {
  Connection conn = Connect();
  conn.Execute("CREATE TABLE batch_err_t (id INTEGER NOT NULL PRIMARY KEY)");
  PreparedStatement insert = conn.Prepare("INSERT INTO batch_err_t (id) VALUES (?)");
  try {
    insert.ExecuteBatch({{int64_t{1}}, {int64_t{2}}, {int64_t{1}}, {int64_t{3}}});
    FAIL() << "a duplicate key in a batch went unnoticed";
  } catch (const BatchError& e) {
    EXPECT_EQ(e.sqlstate(), "23505") << e.what();
    ASSERT_GE(e.update_counts().size(), 3u);
    EXPECT_EQ(e.update_counts()[0], 1);
    EXPECT_EQ(e.update_counts()[1], 1);
    EXPECT_EQ(e.update_counts()[2], BatchError::kExecuteFailed);
  }
  EXPECT_EQ(std::get<int64_t>(conn.QueryScalar("SELECT COUNT(*) FROM batch_err_t WHERE id <= 2")), 2);
}

// 150 rows of about 262 bytes: more than one 32 KiB query block, so the
// client must continue the query (CNTQRY), perhaps across a split row.
TEST_P(ClientTest, LargeResultNeedsSeveralQueryBlocks) {
  Connection conn = Connect();
  conn.Execute(
      "CREATE TABLE big_t (id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(250), amount DOUBLE, note VARCHAR(32))");
  PreparedStatement insert = conn.Prepare("INSERT INTO big_t (id, name, amount, note) VALUES (?, ?, ?, ?)");
  std::vector<std::vector<Value>> rows;
  for (int id = 1; id <= 150; ++id) {
    rows.push_back({int64_t{id}, LongName(id), id * 1.25,
                    id % 3 == 0 ? Value{Null{}} : Value{"n" + std::to_string(id)}});
  }
  insert.ExecuteBatch(rows);

  for (const char* sql : {"SELECT id, name, amount, note FROM big_t ORDER BY id",
                          "SELECT id, name, amount, note FROM big_t WHERE id >= ? ORDER BY id"}) {
    SCOPED_TRACE(sql);
    ResultSet rs = [&] {
      if (std::string(sql).find('?') == std::string::npos) return conn.Query(sql);
      PreparedStatement q = conn.Prepare(sql);
      q.Bind(1, int64_t{1});
      return q.ExecuteQuery();
    }();
    size_t bytes = 0;
    int expected = 1;
    while (rs.Next()) {
      ASSERT_LE(expected, 150);
      EXPECT_EQ(rs.GetInt64(1), expected);
      EXPECT_EQ(rs.GetString(2), LongName(expected));
      EXPECT_EQ(rs.GetDouble(3), expected * 1.25);
      if (expected % 3 == 0) {
        EXPECT_TRUE(rs.IsNull(4));
      } else {
        EXPECT_EQ(rs.GetString(4), "n" + std::to_string(expected));
      }
      bytes += 4 + rs.GetString(2).size() + 8 + rs.GetString(4).size();
      ++expected;
    }
    EXPECT_EQ(expected, 151);
    EXPECT_GT(bytes, 32767u);
  }
}

// Rows wider than a 32 KiB query block: both servers split such a row
// across blocks, and the client has to join the pieces.
TEST_P(ClientTest, RowsWiderThanAQueryBlock) {
  Connection conn = Connect();
  conn.Execute("CREATE TABLE wide_t (id INTEGER NOT NULL PRIMARY KEY, a VARCHAR(20000), b VARCHAR(20000))");
  PreparedStatement insert = conn.Prepare("INSERT INTO wide_t (id, a, b) VALUES (?, ?, ?)");
  auto text = [](int id, char c) { return std::string(19000 + id, c) + std::to_string(id); };
  for (int id = 1; id <= 5; ++id) {
    insert.Bind(1, int64_t{id});
    insert.Bind(2, text(id, 'a'));
    insert.Bind(3, text(id, 'b'));
    insert.ExecuteUpdate();
  }
  ResultSet rs = conn.Query("SELECT id, a, b FROM wide_t ORDER BY id");
  int id = 0;
  while (rs.Next()) {
    ++id;
    EXPECT_EQ(rs.GetInt64(1), id);
    EXPECT_EQ(rs.GetString(2), text(id, 'a'));
    EXPECT_EQ(rs.GetString(3), text(id, 'b'));
  }
  EXPECT_EQ(id, 5);
}

TEST_P(ClientTest, ClosingAResultSetEarlyKeepsTheConnectionUsable) {
  Connection conn = Connect();
  conn.Execute("CREATE TABLE early_t (id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(250))");
  PreparedStatement insert = conn.Prepare("INSERT INTO early_t (id, name) VALUES (?, ?)");
  std::vector<std::vector<Value>> rows;
  for (int id = 1; id <= 300; ++id) rows.push_back({int64_t{id}, LongName(id)});
  insert.ExecuteBatch(rows);

  PreparedStatement q = conn.Prepare("SELECT id, name FROM early_t ORDER BY id");
  for (int round = 0; round < 3; ++round) {
    ResultSet rs = q.ExecuteQuery();
    ASSERT_TRUE(rs.Next());
    EXPECT_EQ(rs.GetInt64(1), 1);
    rs.Close();  // CLSQRY: most rows were never fetched
    EXPECT_TRUE(rs.is_closed());
    EXPECT_THROW(rs.Get(1), SqlError);
  }
  // Two cursors open at once on different sections.
  ResultSet a = conn.Query("SELECT id FROM early_t WHERE id <= 2 ORDER BY id");
  ResultSet b = conn.Query("SELECT id FROM early_t WHERE id > 298 ORDER BY id");
  ASSERT_TRUE(a.Next());
  ASSERT_TRUE(b.Next());
  EXPECT_EQ(a.GetInt64(1), 1);
  EXPECT_EQ(b.GetInt64(1), 299);
  ASSERT_TRUE(a.Next());
  ASSERT_TRUE(b.Next());
  EXPECT_EQ(a.GetInt64(1), 2);
  EXPECT_EQ(b.GetInt64(1), 300);
  EXPECT_FALSE(a.Next());
  EXPECT_FALSE(b.Next());
  // Re-executing a statement whose result set is still open closes it.
  ResultSet first = q.ExecuteQuery();
  ASSERT_TRUE(first.Next());
  ResultSet second = q.ExecuteQuery();
  EXPECT_TRUE(first.is_closed());
  ASSERT_TRUE(second.Next());
  EXPECT_EQ(second.GetInt64(1), 1);
  EXPECT_EQ(conn.QueryScalar("SELECT COUNT(*) FROM early_t"), Value{int64_t{300}});
}

TEST_P(ClientTest, MetadataNamesAndTypes) {
  Connection conn = Connect();
  conn.Execute("CREATE TABLE meta_t (id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(40), amount DOUBLE, big BIGINT)");
  PreparedStatement q = conn.Prepare("SELECT id, name, amount, big FROM meta_t WHERE id > ?");
  const auto& cols = q.columns();
  ASSERT_EQ(cols.size(), 4u);
  const std::vector<std::string> names = {"id", "name", "amount", "big"};
  const std::vector<std::string> types = {"INTEGER", "VARCHAR", "DOUBLE", "BIGINT"};
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(Lower(cols[i].name), names[i]);
    EXPECT_EQ(cols[i].TypeName(), types[i]) << cols[i].name;
  }
  EXPECT_EQ(cols[1].length, 40);
  EXPECT_EQ(cols[1].ccsid, 1208);
  EXPECT_TRUE(cols[1].nullable);
  EXPECT_EQ(cols[2].length, 8);
  if (derby()) {
    EXPECT_FALSE(cols[0].nullable);
    EXPECT_EQ(cols[0].table, "META_T");
    EXPECT_EQ(cols[0].precision, 10);
  }
  ASSERT_EQ(q.parameters().size(), 1u);

  ResultSet rs = conn.Query("SELECT id, name, amount, big FROM meta_t");
  ASSERT_EQ(rs.columns().size(), 4u);
  EXPECT_EQ(rs.FindColumn("AMOUNT"), 3);
  EXPECT_THROW(rs.FindColumn("nope"), SqlError);
  EXPECT_FALSE(rs.Next());
}

TEST_P(ClientTest, CommitAndRollbackWithAutocommitOff) {
  Connection conn = Connect();
  conn.Execute("CREATE TABLE tx_t (id INTEGER NOT NULL PRIMARY KEY)");
  conn.SetAutoCommit(false);
  EXPECT_FALSE(conn.auto_commit());
  conn.Execute("INSERT INTO tx_t VALUES (1)");
  EXPECT_EQ(conn.QueryScalar("SELECT COUNT(*) FROM tx_t"), Value{int64_t{1}});
  conn.Rollback();
  EXPECT_EQ(conn.QueryScalar("SELECT COUNT(*) FROM tx_t"), Value{int64_t{0}});

  PreparedStatement insert = conn.Prepare("INSERT INTO tx_t VALUES (?)");
  insert.Bind(1, int64_t{2});
  insert.ExecuteUpdate();
  conn.Commit();
  insert.Bind(1, int64_t{3});
  insert.ExecuteUpdate();
  conn.Rollback();

  Connection other = Connect();
  EXPECT_EQ(other.QueryScalar("SELECT COUNT(*) FROM tx_t"), Value{int64_t{1}});
  EXPECT_EQ(other.QueryScalar("SELECT id FROM tx_t"), Value{int64_t{2}});

  // Switching autocommit back on commits the open unit of work.
  insert.Bind(1, int64_t{4});
  insert.ExecuteUpdate();
  conn.SetAutoCommit(true);
  EXPECT_EQ(other.QueryScalar("SELECT COUNT(*) FROM tx_t"), Value{int64_t{2}});
  // Autocommit on: each statement is committed by itself.
  conn.Execute("INSERT INTO tx_t VALUES (5)");
  EXPECT_EQ(other.QueryScalar("SELECT COUNT(*) FROM tx_t"), Value{int64_t{3}});
}

TEST_P(ClientTest, MissingTableIsAnSqlErrorAndTheConnectionStaysUsable) {
  Connection conn = Connect();
  for (int attempt = 0; attempt < 2; ++attempt) {
    try {
      conn.Query("SELECT * FROM no_such_table");
      FAIL() << "queried a missing table";
    } catch (const SqlError& e) {
      EXPECT_EQ(e.sqlstate(), "42X05") << e.what();
      EXPECT_LT(e.sqlcode(), 0);
      EXPECT_NE(Lower(e.message()).find("no_such_table"), std::string::npos) << e.message();
      EXPECT_EQ(std::string(e.what()).rfind("SQLSTATE 42X05: ", 0), 0u) << e.what();
    }
    try {
      conn.Execute("INSERT INTO no_such_table VALUES (1)");
      FAIL() << "inserted into a missing table";
    } catch (const SqlError& e) {
      EXPECT_EQ(e.sqlstate(), "42X05") << e.what();
    }
    try {
      conn.Prepare("SELECT * FROM no_such_table WHERE id = ?");
      FAIL() << "prepared a query of a missing table";
    } catch (const SqlError& e) {
      EXPECT_EQ(e.sqlstate(), "42X05") << e.what();
    }
    EXPECT_FALSE(conn.is_closed());
    EXPECT_EQ(conn.QueryScalar("VALUES 7"), Value{int64_t{7}});
  }
}

TEST_P(ClientTest, UniqueViolationIs23505) {
  Connection conn = Connect();
  conn.Execute("CREATE TABLE uniq_t (id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(10))");
  conn.Execute("INSERT INTO uniq_t VALUES (1, 'a')");
  try {
    conn.Execute("INSERT INTO uniq_t VALUES (1, 'b')");
    FAIL() << "inserted a duplicate key";
  } catch (const SqlError& e) {
    EXPECT_EQ(e.sqlstate(), "23505") << e.what();
  }
  PreparedStatement insert = conn.Prepare("INSERT INTO uniq_t VALUES (?, ?)");
  insert.Bind(1, int64_t{1});
  insert.Bind(2, std::string("c"));
  try {
    insert.ExecuteUpdate();
    FAIL() << "inserted a duplicate key";
  } catch (const SqlError& e) {
    EXPECT_EQ(e.sqlstate(), "23505") << e.what();
  }
  insert.Bind(1, int64_t{2});
  EXPECT_EQ(insert.ExecuteUpdate(), 1);
  EXPECT_EQ(conn.QueryScalar("SELECT COUNT(*) FROM uniq_t"), Value{int64_t{2}});
}

TEST_P(ClientTest, SyntaxErrorKeepsTheConnectionUsable) {
  Connection conn = Connect();
  try {
    conn.Execute("THIS IS NOT SQL");
    FAIL();
  } catch (const SqlError& e) {
    EXPECT_EQ(e.sqlstate().substr(0, 2), "42") << e.what();
  }
  EXPECT_EQ(conn.QueryScalar("VALUES 3"), Value{int64_t{3}});
}

TEST_P(ClientTest, QueryScalarOfNoRowsIsNull) {
  Connection conn = Connect();
  conn.Execute("CREATE TABLE empty_t (id INTEGER)");
  EXPECT_TRUE(std::holds_alternative<Null>(conn.QueryScalar("SELECT id FROM empty_t")));
  ResultSet rs = conn.Query("SELECT id FROM empty_t");
  EXPECT_THROW(rs.Get(1), SqlError);  // not on a row
  EXPECT_FALSE(rs.Next());
}

TEST_P(ClientTest, StatementsOutliveTheirConnectionObjectButNotItsClose) {
  std::optional<PreparedStatement> stmt;
  {
    Connection conn = Connect();
    stmt.emplace(conn.Prepare("VALUES 1"));
    ResultSet rs = stmt->ExecuteQuery();
    ASSERT_TRUE(rs.Next());
  }  // ~Connection closes it
  try {
    stmt->ExecuteQuery();
    FAIL() << "used a statement of a closed connection";
  } catch (const SqlError& e) {
    EXPECT_EQ(e.sqlstate(), "08003") << e.what();
  }
}

TEST_P(ClientTest, ManySequentialStatementsReuseSections) {
  Connection conn = Connect();
  for (int i = 0; i < 200; ++i) {
    PreparedStatement s = conn.Prepare("VALUES CAST(? AS INTEGER)");
    s.Bind(1, int64_t{i});
    ResultSet rs = s.ExecuteQuery();
    ASSERT_TRUE(rs.Next());
    ASSERT_EQ(rs.GetInt64(1), i);
  }
}

// drdaplex-odbm specifics: datastore selection by alias.
class OdbmRoutingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    server_ = GetServer(ServerKind::kOdbm, &error);
    ASSERT_NE(server_, nullptr) << "drdaplex-odbm is not available: " << error;
  }
  std::string Datastore(const std::string& database) {
    Connection conn = Connection::Open(server_->Options(database));
    return ValueToString(conn.QueryScalar("VALUES DRDAPLEX_DATASTORE()"));
  }
  const TestServer* server_ = nullptr;
};

TEST_F(OdbmRoutingTest, PinnedAliasesServeTheirDatastore) {
  EXPECT_EQ(Datastore("IO1A"), "IMS1");
  EXPECT_EQ(Datastore("IO2A"), "IMS2");
}

TEST_F(OdbmRoutingTest, BlankAndSharedAliasesRoundRobin) {
  for (const std::string database : {"", "IM1A"}) {
    SCOPED_TRACE("database '" + database + "'");
    std::vector<std::string> seen;
    for (int i = 0; i < 4; ++i) seen.push_back(Datastore(database));
    EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), (std::set<std::string>{"IMS1", "IMS2"}));
    for (size_t i = 1; i < seen.size(); ++i) EXPECT_NE(seen[i], seen[i - 1]) << "not alternating";
  }
}

TEST_F(OdbmRoutingTest, UserOnlySecurityForUsersAllowedIt) {
  ConnectOptions o = server_->Options();
  o.password.reset();  // SECMEC 4: app has USRIDONL=Y, clerk does not
  Connection conn = Connection::Open(o);
  EXPECT_EQ(conn.QueryScalar("VALUES 1"), Value{int64_t{1}});
  o.user = "clerk";
  try {
    Connection::Open(o);
    FAIL() << "clerk connected without a password";
  } catch (const SqlError& e) {
    EXPECT_EQ(e.sqlstate(), "08004") << e.what();
  }
}

TEST_F(OdbmRoutingTest, UnknownAliasIsRefused) {
  try {
    Connection::Open(server_->Options("NOPE"));
    FAIL() << "connected to an unknown alias";
  } catch (const SqlError& e) {
    EXPECT_EQ(e.sqlstate(), "08004") << e.what();
  }
}

TEST(DerbyOnlyTest, UnknownDatabaseIsRefusedWithTheServersReason) {
  std::string error;
  const TestServer* server = GetServer(ServerKind::kDerby, &error);
  ASSERT_NE(server, nullptr) << error;
  try {
    Connection::Open(server->Options("NO_SUCH_DB"));
    FAIL() << "connected to a missing database";
  } catch (const SqlError& e) {
    EXPECT_EQ(e.sqlstate(), "08004") << e.what();
    EXPECT_NE(e.message().find("NO_SUCH_DB"), std::string::npos) << e.what();
    EXPECT_NE(e.message().find("RDBNFNRM"), std::string::npos) << e.what();
  }
}

TEST(DerbyOnlyTest, ResultTypesDecode) {
  std::string error;
  const TestServer* server = GetServer(ServerKind::kDerby, &error);
  ASSERT_NE(server, nullptr) << error;
  Connection conn = Connection::Open(server->Options());
  ResultSet rs = conn.Query(
      "VALUES (CAST(7 AS SMALLINT), CAST(1.5 AS REAL), CAST(-12.50 AS DECIMAL(7,2)), DATE('2024-01-02'), "
      "TIME('03:04:05'), TIMESTAMP('2024-01-02 03:04:05.123456'), CAST('ab' AS CHAR(4)), "
      "CAST(X'00FF10' AS VARCHAR(8) FOR BIT DATA), CAST(NULL AS BIGINT), TRUE)");
  const auto& c = rs.columns();
  ASSERT_EQ(c.size(), 10u);
  const std::vector<std::string> types = {"SMALLINT", "REAL", "DECIMAL", "DATE", "TIME", "TIMESTAMP",
                                          "CHAR", "VARCHAR FOR BIT DATA", "BIGINT", "BOOLEAN"};
  for (size_t i = 0; i < types.size(); ++i) EXPECT_EQ(c[i].TypeName(), types[i]) << "column " << i + 1;
  EXPECT_EQ(c[2].precision, 7);
  EXPECT_EQ(c[2].scale, 2);
  ASSERT_TRUE(rs.Next());
  EXPECT_EQ(rs.Get(1), Value{int64_t{7}});
  EXPECT_EQ(rs.Get(2), Value{1.5});
  EXPECT_EQ(rs.GetString(3), "-12.50");
  EXPECT_EQ(rs.GetDouble(3), -12.5);
  EXPECT_EQ(rs.GetString(4), "2024-01-02");
  EXPECT_EQ(rs.GetString(5), "03:04:05");
  EXPECT_EQ(rs.GetString(6).substr(0, 26), "2024-01-02-03.04.05.123456");
  EXPECT_EQ(rs.GetString(7), "ab  ");
  EXPECT_EQ(rs.Get(8), Value(Bytes({0x00, 0xFF, 0x10})));
  EXPECT_EQ(rs.GetString(8), "00ff10");
  EXPECT_TRUE(rs.IsNull(9));
  EXPECT_EQ(rs.GetInt64(9), 0);
  EXPECT_EQ(rs.GetInt64(10), 1);
  EXPECT_THROW(rs.GetInt64(8), SqlError);
  EXPECT_FALSE(rs.Next());

  // Parameters given as text where the column wants a date or a number.
  conn.Execute("CREATE TABLE dates_t (d DATE, n DECIMAL(9,3))");
  PreparedStatement insert = conn.Prepare("INSERT INTO dates_t VALUES (?, ?)");
  insert.Bind(1, std::string("2023-12-31"));
  insert.Bind(2, std::string("123.456"));
  EXPECT_EQ(insert.ExecuteUpdate(), 1);
  insert.Bind(1, Null{});
  insert.Bind(2, Null{});
  EXPECT_EQ(insert.ExecuteUpdate(), 1);
  EXPECT_EQ(conn.QueryScalar("SELECT d FROM dates_t WHERE d IS NOT NULL"), Value{std::string("2023-12-31")});
  EXPECT_EQ(conn.QueryScalar("SELECT n FROM dates_t WHERE n IS NOT NULL"), Value{std::string("123.456")});
}

TEST(DerbyOnlyTest, LobColumnsAreRefusedCleanly) {
  std::string error;
  const TestServer* server = GetServer(ServerKind::kDerby, &error);
  ASSERT_NE(server, nullptr) << error;
  Connection conn = Connection::Open(server->Options());
  try {
    ResultSet rs = conn.Query("VALUES CAST('text' AS CLOB)");
    rs.Next();
    FAIL() << "a CLOB column decoded";
  } catch (const SqlError& e) {
    EXPECT_EQ(e.sqlstate(), "0A000") << e.what();
  }
  EXPECT_EQ(conn.QueryScalar("VALUES 9"), Value{int64_t{9}});
}

TEST(DerbyOnlyTest, UserOnlySecurityIsRejectedWhenPasswordsAreRequired) {
  std::string error;
  const TestServer* server = GetServer(ServerKind::kDerby, &error);
  ASSERT_NE(server, nullptr) << error;
  ConnectOptions o = server->Options();
  o.password.reset();  // SECMEC 4
  try {
    Connection::Open(o);
    FAIL() << "connected without a password";
  } catch (const SqlError& e) {
    EXPECT_EQ(e.sqlstate(), "08004") << e.what();
  }
}

}  // namespace
}  // namespace drdaplex::client
