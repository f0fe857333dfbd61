// The sysplex under faults: a hung (SIGSTOPped) router loses its TSR and
// gets only probe connections, a killed one gets no new connection, a
// restarted one gets new connections while the old ones stay where they
// are, and a backup distributor takes the DVIPA over when the primary is
// killed and gives it back when the primary returns — connections made
// before keep working throughout. Each test has a sysplex of its own.
#include <gtest/gtest.h>

#include <cstdio>

#include "client/sql_error.h"
#include "tests/support/polling.h"
#include "tests/sysplex/sysplex_fixture.h"

namespace drdaplex::testing {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

long long MillisSince(Clock::time_point start) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - start).count();
}

class SysplexFaultTest : public ::testing::TestWithParam<SimSystems::Mode> {
 protected:
  void SetUp() override {
    std::string why;
    if (GetParam() == SimSystems::Mode::kNamespaces &&
        SimSystems::Available(&why) != SimSystems::Mode::kNamespaces) {
      GTEST_SKIP() << "network namespaces unavailable here: " << why;
    }
    std::string error;
    plex_ = Sysplex::Start(GetParam(), &error);
    ASSERT_NE(plex_, nullptr) << error;
  }

  std::unique_ptr<ServiceProcess> Distributor(const std::string& name, const std::string& statements,
                                              int backup_rank = 0) {
    std::string error;
    auto d = plex_->StartDistributor(name, statements, &error, backup_rank);
    if (!d) ADD_FAILURE() << error;
    return d;
  }

  nlohmann::json Row(ServiceProcess& d, const std::string& server) {
    for (const auto& row : plex_->Ctl(d, R"({"command":"vdpt"})").value("rows", nlohmann::json::array())) {
      if (row.value("server", "").find(server) != std::string::npos) return row;
    }
    return nlohmann::json::object();
  }

  bool Works(client::Connection& c) {
    try {
      c.QueryScalar("VALUES 1");
      return true;
    } catch (const std::exception&) {
      return false;
    }
  }

  std::unique_ptr<Sysplex> plex_;
};

constexpr char kRoundRobin[] =
    "VIPADISTRIBUTE(PORT=1, DISTMETHOD=ROUNDROBIN, TSRINTERVAL=1, PROBEINTERVAL=2, "
    "HANDOFFTMOT=500)\n";

TEST_P(SysplexFaultTest, HungRouterLosesTsrThenGetsOnlyProbes) {
  auto d = Distributor("SD1", kRoundRobin);
  ASSERT_NE(d, nullptr);
  ASSERT_TRUE(plex_->WaitForTargets(*d, 4, ""));
  ASSERT_TRUE(plex_->router("HWS4")->Pause());
  const auto paused = Clock::now();
  int failed = 0;
  bool noticed = false;
  while (MillisSince(paused) < 20000) {
    try {
      plex_->Connect(milliseconds(500));
    } catch (const std::exception&) {
      ++failed;  // handed to the hung router: no answer
    }
    if (Row(*d, "HWS4").value("tsr", 100) == 0) {
      noticed = true;
      break;
    }
  }
  ASSERT_TRUE(noticed) << plex_->Ctl(*d, R"({"command":"vdpt"})").dump(1);
  std::printf("hung router's TSR reached 0 after %lld ms (%d connections lost to it meanwhile)\n",
              MillisSince(paused), failed);

  // From now on it gets only probes: one per PROBEINTERVAL (2 s).
  const auto before = Row(*d, "HWS4");
  const auto start = Clock::now();
  int ok = 0;
  for (int i = 0; i < 60; ++i) {
    try {
      plex_->Connect(milliseconds(500));
      ++ok;
    } catch (const std::exception&) {
    }
  }
  const auto after = Row(*d, "HWS4");
  ASSERT_FALSE(after.empty()) << "the hung router left the distributor's targets";
  const uint64_t sent = after.value("totalconn", 0u) - before.value("totalconn", 0u);
  const uint64_t probes = after.value("probes", 0u) - before.value("probes", 0u);
  EXPECT_EQ(sent, probes) << "the hung router got more than probes";
  EXPECT_LE(probes, static_cast<uint64_t>(MillisSince(start) / 2000 + 1));
  EXPECT_GE(ok, 60 - static_cast<int>(probes));
  ASSERT_TRUE(plex_->router("HWS4")->Resume());
}

TEST_P(SysplexFaultTest, KilledRouterGetsNoNewConnections) {
  auto d = Distributor("SD1", kRoundRobin);
  ASSERT_NE(d, nullptr);
  ASSERT_TRUE(plex_->WaitForTargets(*d, 4, ""));
  const auto before = plex_->TotalsBySystem(*d, "totalconn");
  ASSERT_TRUE(plex_->router("HWS3")->Kill());
  // At once: no waiting for the registry or a TSR interval.
  for (int i = 0; i < 30; ++i) EXPECT_NO_THROW(plex_->Connect()) << "connection " << i;
  const auto after = plex_->TotalsBySystem(*d, "totalconn");
  EXPECT_EQ(after.count("SYS2") ? after.at("SYS2") : 0, before.count("SYS2") ? before.at("SYS2") : 0)
      << plex_->Ctl(*d, R"({"command":"vdpt"})").dump(1);
}

TEST_P(SysplexFaultTest, RestartedRouterGetsNewConnectionsOldOnesStay) {
  auto d = Distributor("SD1", kRoundRobin);
  ASSERT_NE(d, nullptr);
  ASSERT_TRUE(plex_->WaitForTargets(*d, 4, ""));
  ASSERT_TRUE(plex_->router("HWS3")->Kill());
  ASSERT_TRUE(PollUntil([&] { return plex_->Ctl(*d, R"({"command":"vdpt"})")["rows"].size() == 3; },
                        seconds(5)));
  std::vector<client::Connection> held;
  for (int i = 0; i < 24; ++i) held.push_back(plex_->Connect());
  ASSERT_TRUE(PollUntil([&] { return plex_->TotalsBySystem(*d, "actconn")["SYS1"] > 0; }, seconds(5)));
  const auto active_before = plex_->TotalsBySystem(*d, "actconn");

  std::string error;
  ASSERT_TRUE(plex_->StartRouter("HWS3", &error)) << error;
  ASSERT_TRUE(plex_->WaitForTargets(*d, 4, ""));
  const auto before = plex_->TotalsBySystem(*d, "totalconn");
  for (int i = 0; i < 12; ++i) plex_->Connect();
  const auto after = plex_->TotalsBySystem(*d, "totalconn");
  EXPECT_GE(after.at("SYS2") - before.at("SYS2"), 3u) << "the restarted router got no connection";
  // Nothing moved: the held connections all work, on the systems they had.
  for (auto& c : held) EXPECT_TRUE(Works(c));
  const auto active_after = plex_->TotalsBySystem(*d, "actconn");
  for (const char* system : {"SYS1", "SYS3"}) {
    EXPECT_EQ(active_after.at(system), active_before.at(system)) << system;
  }
}

TEST_P(SysplexFaultTest, BackupDistributorTakesTheDvipaOverAndGivesItBack) {
  auto primary = Distributor("SD1", kRoundRobin);
  auto backup = Distributor("SD2", kRoundRobin, 100);
  ASSERT_NE(primary, nullptr);
  ASSERT_NE(backup, nullptr);
  ASSERT_TRUE(plex_->WaitForTargets(*primary, 4, ""));
  client::Connection before_kill = plex_->Connect();

  ASSERT_TRUE(primary->Kill());
  const auto killed = Clock::now();
  bool reconnected = false;
  while (MillisSince(killed) < 10000 && !reconnected) {
    try {
      plex_->Connect(milliseconds(500));
      reconnected = true;
    } catch (const std::exception&) {
    }
  }
  ASSERT_TRUE(reconnected);
  const long long takeover_ms = MillisSince(killed);
  std::printf("backup distributor served the DVIPA %lld ms after the primary's SIGKILL\n",
              takeover_ms);
  EXPECT_TRUE(plex_->Ctl(*backup, R"({"command":"vdpt"})").value("owner", false));
  EXPECT_TRUE(Works(before_kill)) << "a connection made before the takeover broke";

  // The primary returns: MOVEABLE IMMEDIATE gives it the DVIPA back.
  primary = Distributor("SD1", kRoundRobin);
  ASSERT_NE(primary, nullptr);
  ASSERT_TRUE(PollUntil(
      [&] { return plex_->Ctl(*primary, R"({"command":"vdpt"})").value("owner", false); },
      seconds(10)));
  EXPECT_FALSE(plex_->Ctl(*backup, R"({"command":"vdpt"})").value("owner", true));
  ASSERT_TRUE(plex_->WaitForTargets(*primary, 4, ""));
  EXPECT_NO_THROW(plex_->Connect());
  EXPECT_TRUE(Works(before_kill));
}

TEST_P(SysplexFaultTest, WhenIdleBackupKeepsTheDvipaUntilItsConnectionsEnd) {
  // The primary publishes MOVEABLE WHENIDLE; it dies, the backup takes
  // over and distributes a connection; the primary returns, but the backup
  // keeps the DVIPA while that connection is open and yields once it ends.
  const std::string statements = kRoundRobin;
  std::string error;
  auto primary = plex_->StartDistributor("SD1", statements, &error, 0, /*when_idle=*/true);
  ASSERT_NE(primary, nullptr) << error;
  auto backup = Distributor("SD2", kRoundRobin, 100);
  ASSERT_NE(backup, nullptr);
  ASSERT_TRUE(plex_->WaitForTargets(*primary, 4, ""));
  ASSERT_TRUE(primary->Kill());
  ASSERT_TRUE(PollUntil([&] { return plex_->Ctl(*backup, R"({"command":"vdpt"})").value("owner", false); },
                        seconds(10)));
  ASSERT_TRUE(plex_->WaitForTargets(*backup, 4, ""));
  auto held = std::make_unique<client::Connection>(plex_->Connect());

  primary = plex_->StartDistributor("SD1", statements, &error, 0, /*when_idle=*/true);
  ASSERT_NE(primary, nullptr) << error;
  // The returning primary is registered, but the backup is not idle.
  ASSERT_TRUE(PollUntil(
      [&] {
        const auto vipa = plex_->Ctl(*backup, R"({"command":"vipa"})");
        for (const auto& row : vipa.value("rows", nlohmann::json::array())) {
          if (row.value("distributor", "") == "SD1") return true;
        }
        return false;
      },
      seconds(10)))
      << plex_->Ctl(*backup, R"({"command":"vipa"})").dump() << "\n"
      << primary->LogTail(20);
  EXPECT_FALSE(PollUntil(
      [&] { return plex_->Ctl(*primary, R"({"command":"vdpt"})").value("owner", false); },
      milliseconds(1500)))
      << "the backup gave the DVIPA back while its connection was open";
  EXPECT_TRUE(Works(*held));
  held.reset();  // idle now
  EXPECT_TRUE(PollUntil(
      [&] { return plex_->Ctl(*primary, R"({"command":"vdpt"})").value("owner", false); },
      seconds(10)))
      << plex_->Ctl(*backup, R"({"command":"vdpt"})").dump() << "\n"
      << plex_->Ctl(*backup, R"({"command":"vipa"})").dump() << "\n"
      << backup->LogTail(20) << "\n" << primary->LogTail(20);
}

INSTANTIATE_TEST_SUITE_P(Modes, SysplexFaultTest,
                         ::testing::Values(SimSystems::Mode::kNamespaces,
                                           SimSystems::Mode::kLoopback),
                         [](const auto& info) { return std::string(ModeName(info.param)); });

}  // namespace
}  // namespace drdaplex::testing
