// The seed IMSplex behind two routers sharing one DRDA port, routing as IMS
// Connect does: by alias (one owner: there; several: round-robin), by a
// datastore's own name, blank over every datastore, with data sharing, a
// DRDA error naming an unknown alias, the Derby JDBC client unmodified,
// both routers taking connections, and ODBMs that admit only routers.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "tests/plex/plex_client.h"
#include "tests/support/java_scenario.h"
#include "tests/support/temp_dir.h"

namespace drdaplex::testing {
namespace {

class SeedPlexTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir("drdaplex-plex-");
    std::string error;
    plex_ = SeedPlex::Start(dir_->path(), &error).release();
    start_error_ = new std::string(error);
  }
  static void TearDownTestSuite() {
    delete plex_;
    delete dir_;
    delete start_error_;
  }
  void SetUp() override { ASSERT_NE(plex_, nullptr) << *start_error_; }

  static TempDir* dir_;
  static SeedPlex* plex_;
  static std::string* start_error_;
};
TempDir* SeedPlexTest::dir_ = nullptr;
SeedPlex* SeedPlexTest::plex_ = nullptr;
std::string* SeedPlexTest::start_error_ = nullptr;

TEST_F(SeedPlexTest, AliasWithOneOwnerAlwaysReachesIt) {
  for (int i = 0; i < 6; ++i) EXPECT_EQ(DatastoreThrough(*plex_, "IO1A"), "IMS1");
  EXPECT_EQ(DatastoreThrough(*plex_, "IO2A"), "IMS2");
  EXPECT_EQ(DatastoreThrough(*plex_, "IO3A"), "IMS3");
  // Lower case and the IMS Universal PSBNAME.ALIAS form name the same alias.
  EXPECT_EQ(DatastoreThrough(*plex_, "io1a"), "IMS1");
  EXPECT_EQ(DatastoreThrough(*plex_, "PSB1.IO3A"), "IMS3");
}

TEST_F(SeedPlexTest, DatastoreNameWorksAsItsOwnAlias) {
  EXPECT_EQ(DatastoreThrough(*plex_, "IMS4"), "IMS4");
  EXPECT_EQ(DatastoreThrough(*plex_, "IMS3"), "IMS3");
  client::Connection ims4 = ConnectTo(*plex_, "IMS4");
  EXPECT_EQ(OdbmOf(ims4), "ODBMB2");
}

TEST_F(SeedPlexTest, SharedAliasAlternatesBetweenItsDatastores) {
  std::multiset<std::string> seen;
  for (int i = 0; i < 16; ++i) seen.insert(DatastoreThrough(*plex_, "IM1A"));
  EXPECT_EQ(seen.count("IMS1") + seen.count("IMS2"), 16u);
  EXPECT_GE(seen.count("IMS1"), 2u);
  EXPECT_GE(seen.count("IMS2"), 2u);
  // Each router keeps its own round-robin (as each IMS Connect does): its
  // successive IM1A decisions alternate strictly.
  for (size_t r = 0; r < plex_->router_count(); ++r) {
    const std::vector<std::string> routed = RoutedDatastores(*plex_, r, "IM1A");
    for (size_t i = 1; i < routed.size(); ++i) {
      EXPECT_NE(routed[i], routed[i - 1]) << "router " << r << " did not alternate at decision " << i;
    }
  }
}

TEST_F(SeedPlexTest, BlankAliasSpreadsOverEveryDatastore) {
  std::map<std::string, int> seen;
  for (int i = 0; i < 24; ++i) ++seen[DatastoreThrough(*plex_, "")];
  EXPECT_EQ(seen.size(), 4u);
  for (const char* datastore : {"IMS1", "IMS2", "IMS3", "IMS4"}) {
    EXPECT_GE(seen[datastore], 2) << datastore;
  }
  // Per router: a rotation over all four.
  for (size_t r = 0; r < plex_->router_count(); ++r) {
    const std::vector<std::string> routed = RoutedDatastores(*plex_, r, "");
    for (size_t i = 4; i < routed.size(); ++i) {
      EXPECT_EQ(routed[i], routed[i - 4]) << "router " << r << " decision " << i;
    }
    if (routed.size() >= 4) {
      EXPECT_EQ(std::set<std::string>(routed.begin(), routed.begin() + 4).size(), 4u);
    }
  }
}

TEST_F(SeedPlexTest, DataWrittenThroughIms1IsReadThroughIms2) {
  client::Connection writer = ConnectTo(*plex_, "IO1A");
  client::Connection reader = ConnectTo(*plex_, "IO2A");
  ASSERT_EQ(DatastoreOf(writer), "IMS1");
  ASSERT_EQ(DatastoreOf(reader), "IMS2");
  writer.Execute("CREATE TABLE SHARED_CPP (ID INTEGER NOT NULL PRIMARY KEY, V VARCHAR(20))");
  writer.Execute("INSERT INTO SHARED_CPP VALUES (7, 'from IMS1')");
  EXPECT_EQ(Text(reader.QueryScalar("SELECT V FROM SHARED_CPP WHERE ID = 7")), "from IMS1");
}

TEST_F(SeedPlexTest, UnknownAliasGetsADrdaErrorNamingIt) {
  try {
    ConnectTo(*plex_, "NOPE");
    ADD_FAILURE() << "connected to an alias nobody has";
  } catch (const client::SqlError& e) {
    EXPECT_EQ(e.sqlstate(), "08004") << e.what();
    EXPECT_NE(std::string(e.what()).find("NOPE"), std::string::npos) << e.what();
  }
}

TEST_F(SeedPlexTest, RouterChecksThePassword) {
  EXPECT_THROW(ConnectTo(*plex_, "IO1A", "app", "wrong"), client::SqlError);
  EXPECT_THROW(ConnectTo(*plex_, "IO1A", "nobody", "secret"), client::SqlError);
  client::Connection clerk = ConnectTo(*plex_, "IO1A", "clerk", "clerkpw");
  EXPECT_EQ(DatastoreOf(clerk), "IMS1");
}

TEST_F(SeedPlexTest, OdbmsAdmitOnlyRouters) {
  // Straight to ODBMB1's own port with a valid router user: the ODBM has
  // ROUTERONLY=Y and refuses anything but a router's pass ticket.
  client::ConnectOptions options;
  options.host = "127.0.0.1";
  options.port = static_cast<uint16_t>(plex_->odbm("ODBMB1")->port());
  options.database = "IO1A";
  options.user = "app";
  options.password = "secret";
  EXPECT_THROW(client::Connection::Open(options), client::SqlError);
  EXPECT_NE(plex_->odbm("ODBMB1")->Log().find("ROUTERONLY"), std::string::npos);
}

TEST_F(SeedPlexTest, DerbyJdbcClientThroughTheSharedPort) {
  CommandResult result = RunJavaScenario("PlexScenario", {std::to_string(plex_->port()), "127.0.0.1"});
  EXPECT_TRUE(ScenarioPassed(result, {"io1a", "ims4", "im1a", "data-sharing", "unknown-alias",
                                      "bad-password"}))
      << "router log:\n" << plex_->router(0).LogTail();
}

TEST_F(SeedPlexTest, BothRoutersOfTheSharedPortTakeConnections) {
  for (int i = 0; i < 40; ++i) DatastoreThrough(*plex_, "IO2A");
  for (size_t r = 0; r < plex_->router_count(); ++r) {
    const nlohmann::json info = plex_->Ctl(r, {"query", "router"});
    ASSERT_TRUE(info.value("ok", false)) << info.dump();
    const auto& row = info.at("rows").at(0);
    EXPECT_GT(row.value("total", 0), 0) << "router " << row.value("name", "?")
                                        << " took no connection of 40";
  }
}

TEST_F(SeedPlexTest, OperatorQueriesShowTheTable) {
  const nlohmann::json aliases = plex_->Ctl(0, {"query", "alias", "--name", "IM1A"});
  ASSERT_TRUE(aliases.value("ok", false)) << aliases.dump();
  std::set<std::string> datastores;
  for (const auto& row : aliases.at("rows")) {
    EXPECT_EQ(row.value("odbm", ""), "ODBMB1");
    EXPECT_TRUE(row.value("routable", false));
    datastores.insert(row.value("datastore", ""));
  }
  EXPECT_EQ(datastores, (std::set<std::string>{"IMS1", "IMS2"}));
  const nlohmann::json odbms = plex_->Ctl(0, {"query", "odbm"});
  ASSERT_EQ(odbms.at("rows").size(), 2u) << odbms.dump();
}

}  // namespace
}  // namespace drdaplex::testing
