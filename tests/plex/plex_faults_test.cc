// The seed IMSplex under faults and operator commands: an ODBM killed with
// SIGKILL (its clients get a DRDA error, new connections go to the other
// ODBM, its aliases get a DRDA error naming them), restarted (new
// connections reach it again, old ones stay where they are), an alias
// stopped by command, and a router of the shared port stopped while the
// other keeps serving. Each test has a plex of its own.
#include <gtest/gtest.h>

#include <chrono>
#include <set>

#include "tests/plex/plex_client.h"
#include "tests/support/polling.h"
#include "tests/support/temp_dir.h"

namespace drdaplex::testing {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

class PlexFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    plex_ = SeedPlex::Start(dir_.path(), &error);
    ASSERT_NE(plex_, nullptr) << error;
  }
  void TearDown() override { plex_.reset(); }

  bool AllRoutersShow(const std::string& odbm, const std::string& status) {
    for (size_t r = 0; r < plex_->router_count(); ++r) {
      const auto reply = plex_->Ctl(r, {"query", "odbm", "--name", odbm});
      const auto rows = reply.value("rows", nlohmann::json::array());
      if (rows.empty() || rows[0].value("status", "") != status) return false;
    }
    return true;
  }

  TempDir dir_{"drdaplex-fault-"};
  std::unique_ptr<SeedPlex> plex_;
};

TEST_F(PlexFaultTest, KilledOdbmIsRoutedAroundAndItsClientsGetAnError) {
  client::Connection on_b2 = ConnectTo(*plex_, "IO3A");
  client::Connection on_b1 = ConnectTo(*plex_, "IO1A");
  ASSERT_EQ(OdbmOf(on_b2), "ODBMB2");

  const auto killed = Clock::now();
  ASSERT_TRUE(plex_->odbm("ODBMB2")->Kill());
  ASSERT_TRUE(PollUntil([&] { return AllRoutersShow("ODBMB2", "DISCONNECTED"); }, milliseconds(3000)))
      << plex_->router(0).LogTail();
  const auto noticed = std::chrono::duration_cast<milliseconds>(Clock::now() - killed);
  RecordProperty("kill_noticed_ms", static_cast<int>(noticed.count()));
  std::printf("every router marked ODBMB2 gone %lld ms after SIGKILL\n",
              static_cast<long long>(noticed.count()));

  // Its client gets an error, promptly, not a hang.
  const auto asked = Clock::now();
  try {
    on_b2.QueryScalar("VALUES DRDAPLEX_DATASTORE()");
    ADD_FAILURE() << "a query on a killed ODBM succeeded";
  } catch (const client::SqlError& e) {
    // The router answers for the dead ODBM: CMDCHKRM, session damage, which
    // the client reports as 58009 (a bare close would read as 08006).
    EXPECT_EQ(e.sqlstate(), "58009") << e.what();
    EXPECT_NE(std::string(e.what()).find("CMDCHKRM"), std::string::npos) << e.what();
  }
  EXPECT_LT(Clock::now() - asked, std::chrono::seconds(5));

  // Everything new goes to ODBMB1; its connections were never touched.
  EXPECT_EQ(OdbmOf(on_b1), "ODBMB1");
  for (int i = 0; i < 8; ++i) {
    client::Connection blank = ConnectTo(*plex_, "");
    EXPECT_EQ(OdbmOf(blank), "ODBMB1");
  }
  // Its aliases get a DRDA error naming them.
  for (const char* alias : {"IO3A", "IMS4"}) {
    try {
      ConnectTo(*plex_, alias);
      ADD_FAILURE() << alias << " was routed with ODBMB2 gone";
    } catch (const client::SqlError& e) {
      EXPECT_EQ(e.sqlstate(), "08004");
      EXPECT_NE(std::string(e.what()).find(alias), std::string::npos) << e.what();
    }
  }
}

TEST_F(PlexFaultTest, RestartedOdbmTakesNewConnectionsOldOnesStay) {
  ASSERT_TRUE(plex_->odbm("ODBMB2")->Kill());
  ASSERT_TRUE(PollUntil([&] { return AllRoutersShow("ODBMB2", "DISCONNECTED"); }, milliseconds(3000)));
  // While ODBMB2 is down, blank connections all land on ODBMB1 and stay.
  std::vector<client::Connection> held;
  for (int i = 0; i < 4; ++i) held.push_back(ConnectTo(*plex_, ""));

  std::string error;
  plex_->odbm("ODBMB2") = plex_->StartOdbm(plex_->OdbmB2Config(), &error);
  ASSERT_NE(plex_->odbm("ODBMB2"), nullptr) << error;
  ASSERT_TRUE(plex_->WaitForActiveOdbms({"ODBMB1", "ODBMB2"}));

  EXPECT_EQ(DatastoreThrough(*plex_, "IO3A"), "IMS3");
  EXPECT_EQ(DatastoreThrough(*plex_, "IMS4"), "IMS4");
  for (client::Connection& connection : held) EXPECT_EQ(OdbmOf(connection), "ODBMB1");
}

TEST_F(PlexFaultTest, StoppedAliasGetsNoNewConnections) {
  client::Connection before = ConnectTo(*plex_, "IO1A");
  for (size_t r = 0; r < plex_->router_count(); ++r) {
    const auto reply = plex_->Ctl(r, {"update", "alias", "IO1A", "--stop"});
    ASSERT_TRUE(reply.value("ok", false)) << reply.dump();
  }
  for (int i = 0; i < 4; ++i) {
    try {
      ConnectTo(*plex_, "IO1A");
      ADD_FAILURE() << "a stopped alias was routed";
    } catch (const client::SqlError& e) {
      EXPECT_NE(std::string(e.what()).find("IO1A"), std::string::npos) << e.what();
    }
  }
  // Routing is per connection: the one made before the stop keeps working,
  // and the other aliases of the same datastore and ODBM are untouched.
  EXPECT_EQ(DatastoreOf(before), "IMS1");
  EXPECT_EQ(DatastoreThrough(*plex_, "IO2A"), "IMS2");
  const auto aliases = plex_->Ctl(0, {"query", "alias", "--name", "IO1A"});
  ASSERT_FALSE(aliases.value("rows", nlohmann::json::array()).empty()) << aliases.dump();
  EXPECT_FALSE(aliases["rows"][0].value("in_router", true));

  for (size_t r = 0; r < plex_->router_count(); ++r) {
    ASSERT_TRUE(plex_->Ctl(r, {"update", "alias", "IO1A", "--start"}).value("ok", false));
  }
  EXPECT_EQ(DatastoreThrough(*plex_, "IO1A"), "IMS1");
}

TEST_F(PlexFaultTest, StoppingOneRouterOfTheSharedPortLeavesTheOther) {
  ASSERT_TRUE(plex_->router(1).Stop());
  for (int i = 0; i < 12; ++i) EXPECT_EQ(DatastoreThrough(*plex_, "IO2A"), "IMS2");
  // A router started on the same port joins in.
  std::string error;
  auto third = plex_->StartRouter("HWS3", &error);
  ASSERT_NE(third, nullptr) << error;
  EXPECT_EQ(third->port(), plex_->port());
}

}  // namespace
}  // namespace drdaplex::testing
