// HOTSTANDBY: one active target; failover to the highest-ranked backup;
// AUTOSWITCHBACK and NOAUTOSWITCHBACK; HEALTHSWITCH on health 0 and TSR 0.
#include <gtest/gtest.h>

#include "engine_fixture.h"

namespace drdaplex::distributor {
namespace {

using namespace testing;

constexpr std::chrono::milliseconds kInterval{60000};

DistributorPolicy StandbyPolicy(bool autoswitchback, bool healthswitch) {
  DistributorPolicy p = Policy(DistMethod::kHotStandby);
  p.autoswitchback = autoswitchback;
  p.healthswitch = healthswitch;
  p.tsr_interval = kInterval;
  return p;
}

// SYSP preferred, SYS050 and SYS100 backups, one server each.
void Plex(DistributionEngine& e) {
  e.SetSystems({Preferred("SYSP"), Backup("SYS050", 50), Backup("SYS100", 100)});
  e.UpsertServer(Server("SYSP/HWS1", "SYSP"));
  e.UpsertServer(Server("SYS050/HWS1", "SYS050"));
  e.UpsertServer(Server("SYS100/HWS1", "SYS100"));
}

// All of `n` connections went to `system`.
void ExpectAllTo(DistributionEngine& e, const std::string& system, TimePoint now = At(0)) {
  const Tally t = Drive(e, 20, now);
  EXPECT_EQ(t.by_system.size(), 1u);
  EXPECT_EQ(t.by_system.count(system), 1u) << "expected all on " << system;
}

TEST(HotStandbyTest, PreferredFailoverToHighestRankAndAutoSwitchBack) {
  DistributionEngine e(StandbyPolicy(true, true));
  Plex(e);
  EXPECT_EQ(e.ActiveHotStandbySystem(), "SYSP");
  ExpectAllTo(e, "SYSP");
  EXPECT_EQ(RowOf(e, "SYSP/HWS1").flag, "A");
  EXPECT_EQ(RowOf(e, "SYS100/HWS1").flag, "B");
  EXPECT_EQ(RowOf(e, "SYS100/HWS1").backup_rank, 100);
  EXPECT_EQ(RowOf(e, "SYS100/HWS1").weight, 0);

  e.SetServerReady("SYSP/HWS1", false);
  EXPECT_EQ(e.ActiveHotStandbySystem(), "SYS100");  // 100 beats 50
  ExpectAllTo(e, "SYS100");
  EXPECT_EQ(RowOf(e, "SYSP/HWS1").flag, "P");
  EXPECT_EQ(RowOf(e, "SYS100/HWS1").flag, "A");
  EXPECT_EQ(RowOf(e, "SYS100/HWS1").weight, 1);

  e.RemoveServer("SYS100/HWS1");  // its router left the plex
  ExpectAllTo(e, "SYS050");

  e.SetServerReady("SYSP/HWS1", true);  // back at once
  EXPECT_EQ(e.ActiveHotStandbySystem(), "SYSP");
  ExpectAllTo(e, "SYSP");
  EXPECT_EQ(e.HotStandbySwitches(), 3u);
}

TEST(HotStandbyTest, NoAutoSwitchBackStaysUntilTheActiveFails) {
  DistributionEngine e(StandbyPolicy(false, true));
  Plex(e);
  ExpectAllTo(e, "SYSP");
  e.SetServerReady("SYSP/HWS1", false);
  ExpectAllTo(e, "SYS100");
  e.SetServerReady("SYSP/HWS1", true);
  EXPECT_EQ(e.ActiveHotStandbySystem(), "SYS100");  // stays
  ExpectAllTo(e, "SYS100");
  e.SetServerReady("SYS100/HWS1", false);
  EXPECT_EQ(e.ActiveHotStandbySystem(), "SYSP");
  ExpectAllTo(e, "SYSP");
}

TEST(HotStandbyTest, NoAutoSwitchBackTheFirstReadyBecomesActive) {
  DistributionEngine e(StandbyPolicy(false, true));
  e.SetSystems({Preferred("SYSP"), Backup("SYS050", 50), Backup("SYS100", 100)});
  e.UpsertServer(Server("SYS050/HWS1", "SYS050"));  // registers first
  e.UpsertServer(Server("SYSP/HWS1", "SYSP"));
  e.UpsertServer(Server("SYS100/HWS1", "SYS100"));
  EXPECT_EQ(e.ActiveHotStandbySystem(), "SYS050");
  ExpectAllTo(e, "SYS050");

  // With AUTOSWITCHBACK the same order ends on the preferred.
  DistributionEngine a(StandbyPolicy(true, true));
  a.SetSystems({Preferred("SYSP"), Backup("SYS050", 50)});
  a.UpsertServer(Server("SYS050/HWS1", "SYS050"));
  a.UpsertServer(Server("SYSP/HWS1", "SYSP"));
  EXPECT_EQ(a.ActiveHotStandbySystem(), "SYSP");
}

TEST(HotStandbyTest, HealthSwitchOnHealthZero) {
  DistributionEngine e(StandbyPolicy(true, true));
  Plex(e);
  e.SetHealth("SYSP/HWS1", 0);
  ExpectAllTo(e, "SYS100");
  e.SetHealth("SYSP/HWS1", 30);  // healthy again (any health above 0)
  ExpectAllTo(e, "SYSP");

  DistributionEngine no(StandbyPolicy(true, false));
  Plex(no);
  no.SetHealth("SYSP/HWS1", 0);
  ExpectAllTo(no, "SYSP");  // NOHEALTHSWITCH: only unavailability counts
}

// Hands `n` connections to `server` that it never acknowledges.
void Unanswered(DistributionEngine& e, const std::string& server, int n) {
  for (int i = 0; i < n; ++i) e.Sent(server);
}

TEST(HotStandbyTest, HealthSwitchOnTsrZero) {
  DistributionEngine e(StandbyPolicy(true, true));
  Plex(e);
  ASSERT_TRUE(e.Pick(KeyFor(0), At(0)).has_value());  // starts the TSR clock
  Unanswered(e, "SYSP/HWS1", 3);
  ASSERT_TRUE(e.Tick(At(60000)));
  EXPECT_EQ(RowOf(e, "SYSP/HWS1").tsr, 25);
  EXPECT_EQ(e.ActiveHotStandbySystem(), "SYSP");  // slow is not dead
  Unanswered(e, "SYSP/HWS1", 3);
  ASSERT_TRUE(e.Tick(At(120000)));
  EXPECT_EQ(RowOf(e, "SYSP/HWS1").tsr, 0);
  EXPECT_EQ(e.ActiveHotStandbySystem(), "SYS100");
  // The preferred gets one probe; the rest go to the backup.
  const Tally t = Drive(e, 20, At(120000));
  EXPECT_EQ(t.probes, 1);
  EXPECT_EQ(t.by_system.at("SYSP"), 1);
  EXPECT_EQ(t.by_system.at("SYS100"), 19);
  // The probe was accepted (Drive acknowledges): TSR 75 at the next tick,
  // and AUTOSWITCHBACK takes the preferred back.
  ASSERT_TRUE(e.Tick(At(180000)));
  EXPECT_EQ(RowOf(e, "SYSP/HWS1").tsr, 75);
  EXPECT_EQ(e.ActiveHotStandbySystem(), "SYSP");
}

TEST(HotStandbyTest, NoHealthSwitchIgnoresTsrZero) {
  DistributionEngine e(StandbyPolicy(true, false));
  Plex(e);
  ASSERT_TRUE(e.Pick(KeyFor(0), At(0)).has_value());
  e.Sent("SYSP/HWS1");
  e.Failed("SYSP/HWS1");
  ASSERT_TRUE(e.Tick(At(60000)));
  EXPECT_EQ(RowOf(e, "SYSP/HWS1").tsr, 0);
  EXPECT_EQ(e.ActiveHotStandbySystem(), "SYSP");
  const Tally t = Drive(e, 20, At(60000));
  EXPECT_EQ(t.by_system.at("SYSP"), 20);
  EXPECT_EQ(t.probes, 0);  // regular connections, not probes
}

TEST(HotStandbyTest, UnconfiguredSystemsAreTheLastResort) {
  DistributionEngine e(StandbyPolicy(true, true));
  e.SetSystems({Backup("SYSB", 1)});
  e.UpsertServer(Server("SYSX/HWS1", "SYSX"));  // no DESTIP entry
  EXPECT_EQ(e.ActiveHotStandbySystem(), "SYSX");
  e.UpsertServer(Server("SYSB/HWS1", "SYSB"));
  EXPECT_EQ(e.ActiveHotStandbySystem(), "SYSB");
  EXPECT_EQ(RowOf(e, "SYSX/HWS1").flag, "B");
}

TEST(HotStandbyTest, InsideTheActiveSystemServersShareByKey) {
  DistributionEngine e(StandbyPolicy(true, true));
  e.SetSystems({Preferred("SYSP"), Backup("SYSB", 10)});
  e.UpsertServer(Server("SYSP/HWS1", "SYSP"));
  e.UpsertServer(Server("SYSP/HWS2", "SYSP"));
  e.UpsertServer(Server("SYSB/HWS1", "SYSB"));
  const Tally t = Drive(e, 400);
  EXPECT_EQ(t.by_system.at("SYSP"), 400);
  EXPECT_GT(t.by_server.at("SYSP/HWS1"), 120);
  EXPECT_GT(t.by_server.at("SYSP/HWS2"), 120);
  // One of its two servers unhealthy: the system stays active on the other.
  e.SetHealth("SYSP/HWS1", 0);
  const Tally u = Drive(e, 50, At(0), 400);
  EXPECT_EQ(u.by_server.at("SYSP/HWS2"), 50);
}

}  // namespace
}  // namespace drdaplex::distributor
