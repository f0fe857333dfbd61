// Routing exits in a running plex: a sample exit loaded by the routers from
// their configuration (EXIT MODULE=...), its decisions reaching real
// clients as DRDA errors, per-alias authorization (AUTH), and an operator
// reload of the exit that drops no connection.
#include <gtest/gtest.h>

#include "tests/plex/plex_client.h"
#include "tests/support/temp_dir.h"

namespace drdaplex::testing {
namespace {

std::string ExitStatement(const std::string& module, const std::string& config) {
  return "EXIT(MODULE='" + module + "', CONFIG='" + config + "', DEADLINE=200, ONFAIL=REJECT)\n";
}

// The SQLSTATE and message of a connection attempt that must fail.
std::string RefusalOf(SeedPlex& plex, const std::string& alias, const std::string& user,
                      const std::string& password) {
  try {
    ConnectTo(plex, alias, user, password);
  } catch (const client::SqlError& e) {
    return e.sqlstate() + " " + e.what();
  }
  return "connected";
}

TEST(PlexExitTest, DenyListExitAndAliasAuthorization) {
  TempDir dir("drdaplex-exit-");
  SeedPlexOptions options;
  options.router_extra_config = ExitStatement(HWSR_DENYLIST_EXIT_PATH, "deny=CLERK") +
                                "AUTH(ALIAS=IO3A, USERS=(CLERK))\n";
  std::string error;
  auto plex = SeedPlex::Start(dir.path(), &error, options);
  ASSERT_NE(plex, nullptr) << error;

  // The exit refuses clerk everywhere, with its message.
  const std::string denied = RefusalOf(*plex, "IO1A", "clerk", "clerkpw");
  EXPECT_EQ(denied.rfind("08004", 0), 0u) << denied;
  // AUTH: only clerk may use IO3A, so app is not authorised (RDBATHRM).
  const std::string unauthorised = RefusalOf(*plex, "IO3A", "app", "secret");
  EXPECT_EQ(unauthorised.rfind("08004", 0), 0u) << unauthorised;
  EXPECT_NE(unauthorised.find("IO3A"), std::string::npos) << unauthorised;
  // Everyone else routes as before.
  EXPECT_EQ(DatastoreThrough(*plex, "IO1A"), "IMS1");
  EXPECT_EQ(DatastoreThrough(*plex, "IMS4"), "IMS4");

  // The decisions say why.
  const auto history = plex->Ctl(0, {"query", "history"});
  bool saw_rejected = false, saw_unauthorised = false;
  for (const auto& row : history.value("rows", nlohmann::json::array())) {
    saw_rejected |= row.value("outcome", "") == "rejected";
    saw_unauthorised |= row.value("outcome", "") == "not-authorized";
  }
  const auto history2 = plex->Ctl(1, {"query", "history"});
  for (const auto& row : history2.value("rows", nlohmann::json::array())) {
    saw_rejected |= row.value("outcome", "") == "rejected";
    saw_unauthorised |= row.value("outcome", "") == "not-authorized";
  }
  EXPECT_TRUE(saw_rejected) << history.dump() << history2.dump();
  EXPECT_TRUE(saw_unauthorised) << history.dump() << history2.dump();
}

TEST(PlexExitTest, ReloadingTheExitDropsNoConnection) {
  TempDir dir("drdaplex-exit-");
  SeedPlexOptions options;
  options.router_extra_config = ExitStatement(HWSR_AFFINITY_EXIT_PATH, "");
  std::string error;
  auto plex = SeedPlex::Start(dir.path(), &error, options);
  ASSERT_NE(plex, nullptr) << error;

  // User affinity: one user's IM1A connections stay on one ODBM.
  std::vector<client::Connection> held;
  for (int i = 0; i < 4; ++i) held.push_back(ConnectTo(*plex, "IM1A"));
  for (auto& connection : held) EXPECT_EQ(OdbmOf(connection), "ODBMB1");

  for (size_t r = 0; r < plex->router_count(); ++r) {
    const auto reply = plex->Ctl(r, {"reload-exit"});
    EXPECT_TRUE(reply.value("ok", false)) << reply.dump();
  }
  // Connections made before the reload keep working on their ODBM...
  for (auto& connection : held) {
    EXPECT_EQ(OdbmOf(connection), "ODBMB1");
    EXPECT_EQ(Text(connection.QueryScalar("VALUES 'still here'")), "still here");
  }
  // ...and new ones are routed by the reloaded exit.
  EXPECT_EQ(DatastoreThrough(*plex, "IO3A"), "IMS3");
  const auto router = plex->Ctl(0, {"query", "router"});
  EXPECT_NE(router.dump().find("affinity"), std::string::npos) << router.dump();
}

}  // namespace
}  // namespace drdaplex::testing
