// What the client puts on the wire, seen through a relay: the command
// chains must have the shapes the Derby network client sends (see
// fixtures/drda-captures/derby-client/README.md), since servers -- Derby's
// among them -- are built and tested against that client.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "client/client.h"
#include "drda/connect.h"
#include "drda/ddm.h"
#include "drda/sql_commands.h"
#include "tests/client/test_servers.h"
#include "tests/client/wire_tap.h"

namespace drdaplex::client {
namespace {

using testing::ServerKind;
using testing::WireTap;
using ::testing::ElementsAre;

class ConformanceTest : public ::testing::TestWithParam<ServerKind> {
 protected:
  void SetUp() override {
    std::string error;
    server_ = testing::GetServer(GetParam(), &error);
    ASSERT_NE(server_, nullptr) << ServerName(GetParam()) << " is not available: " << error;
    tap_ = std::make_unique<WireTap>(server_->port);
  }
  Connection Connect() {
    ConnectOptions o = server_->Options();
    o.port = tap_->port();
    return Connection::Open(o);
  }
  // The chains sent since the last call.
  std::vector<std::string> Take() {
    auto chains = tap_->Chains();
    tap_->Clear();
    return chains;
  }

  const testing::TestServer* server_ = nullptr;
  std::unique_ptr<WireTap> tap_;
};

std::string ParamName(const ::testing::TestParamInfo<ServerKind>& info) { return testing::ServerName(info.param); }

INSTANTIATE_TEST_SUITE_P(Servers, ConformanceTest, ::testing::Values(ServerKind::kDerby, ServerKind::kOdbm),
                         ParamName);

TEST_P(ConformanceTest, ChainsHaveTheDerbyClientsShapes) {
  Connection conn = Connect();
  EXPECT_THAT(Take(), ElementsAre("EXCSAT[1 41] ACCSEC[2 01]", "SECCHK[1 41] ACCRDB[2 01]"));

  conn.Execute("CREATE TABLE conf_t (id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(250))");
  EXPECT_THAT(Take(), ElementsAre("EXCSQLIMM[1 51] SQLSTT[1 43] RDBCMM[2 01]"));

  PreparedStatement insert = conn.Prepare("INSERT INTO conf_t (id, name) VALUES (?, ?)");
  EXPECT_THAT(Take(), ElementsAre("PRPSQLSTT[1 51] SQLATTR[1 53] SQLSTT[1 43] DSCSQLSTT[2 01]"));
  insert.Bind(1, int64_t{1});
  insert.Bind(2, std::string("one"));
  insert.ExecuteUpdate();
  EXPECT_THAT(Take(), ElementsAre("EXCSQLSTT[1 51] SQLDTA[1 43] RDBCMM[2 01]"));

  std::vector<std::vector<Value>> rows;
  for (int id = 2; id <= 200; ++id) rows.push_back({int64_t{id}, std::string(240, 'x')});
  insert.ExecuteBatch({rows[0], rows[1], rows[2]});
  EXPECT_THAT(Take(), ElementsAre("EXCSQLSTT[1 51] SQLDTA[1 43] EXCSQLSTT[2 51] SQLDTA[2 43] "
                                  "EXCSQLSTT[3 51] SQLDTA[3 43] RDBCMM[4 01]"));
  insert.ExecuteBatch(std::vector<std::vector<Value>>(rows.begin() + 3, rows.end()));
  Take();

  // A big query: Statement-style prepare+open in one chain, then CNTQRY
  // until the end-of-data SQLCA, then RDBCMM when it closes (autocommit).
  {
    ResultSet rs = conn.Query("SELECT id, name FROM conf_t ORDER BY id");
    int n = 0;
    while (rs.Next()) ++n;
    EXPECT_EQ(n, 200);
  }
  const auto chains = Take();
  ASSERT_GE(chains.size(), 3u);
  EXPECT_EQ(chains.front(), "PRPSQLSTT[1 51] SQLATTR[1 53] SQLSTT[1 43] OPNQRY[2 01]");
  for (size_t i = 1; i + 1 < chains.size(); ++i) EXPECT_EQ(chains[i], "CNTQRY[1 01]");
  EXPECT_EQ(chains.back(), "RDBCMM[1 01]");

  // Closing early: CLSQRY and the autocommit RDBCMM in one chain.
  {
    ResultSet rs = conn.Query("SELECT id, name FROM conf_t ORDER BY id");
    ASSERT_TRUE(rs.Next());
  }
  EXPECT_THAT(Take(), ElementsAre("PRPSQLSTT[1 51] SQLATTR[1 53] SQLSTT[1 43] OPNQRY[2 01]",
                                  "CLSQRY[1 41] RDBCMM[2 01]"));

  // Autocommit off: no RDBCMM until Commit; Rollback is RDBRLLBCK.
  conn.SetAutoCommit(false);
  conn.Execute("DELETE FROM conf_t WHERE id = 1");
  conn.Commit();
  conn.Execute("DELETE FROM conf_t WHERE id = 2");
  conn.Rollback();
  EXPECT_THAT(Take(), ElementsAre("EXCSQLIMM[1 51] SQLSTT[1 03]", "RDBCMM[1 01]", "EXCSQLIMM[1 51] SQLSTT[1 03]",
                                  "RDBRLLBCK[1 01]"));
  conn.SetAutoCommit(true);
  conn.Close();  // autocommit: a final RDBCMM, as the Derby client does
  EXPECT_THAT(Take(), ElementsAre("RDBCMM[1 01]"));
}

TEST_P(ConformanceTest, CommandParametersAreTheDerbyClients) {
  Connection conn = Connect();
  tap_->Clear();
  conn.Execute("CREATE TABLE conf_p (a INTEGER)");
  PreparedStatement p = conn.Prepare("VALUES CAST(? AS INTEGER)");
  p.Bind(1, int64_t{5});
  EXPECT_EQ(ValueToString([&] {
              ResultSet rs = p.ExecuteQuery();
              EXPECT_TRUE(rs.Next());
              return rs.Get(1);
            }()),
            "5");
  std::vector<std::string> packages;
  for (const drda::Dss& dss : tap_->Dsses()) {
    auto objects = drda::ReadObjects(dss.payload);
    ASSERT_TRUE(objects.has_value());
    ASSERT_EQ(objects->size(), 1u) << "one object per DSS";
    const drda::DdmObject& command = (*objects)[0];
    if (command.code_point == drda::cp::SQLSTT || command.code_point == drda::cp::SQLATTR ||
        command.code_point == drda::cp::SQLDTA || command.code_point == drda::cp::RDBCMM) {
      continue;
    }
    auto params = drda::DdmParams::Parse(command.data);
    ASSERT_TRUE(params.has_value());
    auto pkg = drda::ParsePkgnamcsn(params->Bytes(drda::cp::PKGNAMCSN));
    ASSERT_TRUE(pkg.has_value()) << drda::cp::Name(command.code_point);
    EXPECT_EQ(drda::DatabaseNameFromRdbnam(pkg->rdbnam), drda::DatabaseNameFromRdbnam(server_->database));
    EXPECT_EQ(pkg->collection, "NULLID");
    EXPECT_EQ(pkg->package, "SYSLH000");
    EXPECT_EQ(std::string(pkg->token.begin(), pkg->token.end()), "SYSLVL01");
    EXPECT_GE(pkg->section, 1);
    if (command.code_point == drda::cp::OPNQRY) {
      auto blksz = params->U32(drda::cp::QRYBLKSZ);
      ASSERT_TRUE(blksz && *blksz);
      EXPECT_EQ(**blksz, 32767u);
      auto clsimp = params->U8(drda::cp::QRYCLSIMP);
      ASSERT_TRUE(clsimp && *clsimp);
      EXPECT_EQ(**clsimp, 1);
    }
    if (command.code_point == drda::cp::PRPSQLSTT) {
      auto typsqlda = params->U8(drda::cp::TYPSQLDA);
      ASSERT_TRUE(typsqlda && *typsqlda);
      EXPECT_EQ(**typsqlda, 4);
    }
  }
}

}  // namespace
}  // namespace drdaplex::client
