// Availability under every method: servers that are not ready or gone are
// never picked, targets join and leave mid-stream, calls about unknown
// servers are harmless, out-of-range inputs are clamped.
#include <gtest/gtest.h>

#include <chrono>

#include "engine_fixture.h"

namespace drdaplex::distributor {
namespace {

using namespace testing;

class EveryMethodTest : public ::testing::TestWithParam<DistMethod> {};

TEST_P(EveryMethodTest, NotReadyAndRemovedServersAreNeverPicked) {
  DistributionEngine e(Policy(GetParam()));
  e.SetSystems({Preferred("SYS1"), Backup("SYS2", 20), Backup("SYS3", 10)});
  for (const char* id : {"SYS1/HWS1", "SYS1/HWS2", "SYS2/HWS1", "SYS3/HWS1"}) {
    TargetServer s = Server(id, std::string(id).substr(0, 4), 10);
    e.UpsertServer(s);
  }
  e.SetSystemWeight("SYS1", 10);
  e.SetSystemWeight("SYS2", 10);
  e.SetSystemWeight("SYS3", 10);
  e.SetServerReady("SYS1/HWS2", false);
  e.RemoveServer("SYS2/HWS1");
  Tally t = Drive(e, 500);
  EXPECT_EQ(t.none, 0);
  EXPECT_EQ(t.by_server.count("SYS1/HWS2"), 0u);
  EXPECT_EQ(t.by_server.count("SYS2/HWS1"), 0u);
  EXPECT_EQ(t.by_system.count("SYS2"), 0u);  // its only server left

  // Ready again / back: picked again (HOTSTANDBY keeps SYS1 active).
  e.SetServerReady("SYS1/HWS2", true);
  e.UpsertServer(Server("SYS2/HWS1", "SYS2", 10));
  t = Drive(e, 600, At(0), 500);
  EXPECT_GT(t.by_server["SYS1/HWS2"], 0);
  if (GetParam() != DistMethod::kHotStandby) {
    EXPECT_GT(t.by_server["SYS2/HWS1"], 0);
  }
}

INSTANTIATE_TEST_SUITE_P(Methods, EveryMethodTest,
                         ::testing::Values(DistMethod::kRoundRobin, DistMethod::kBaseWlm,
                                           DistMethod::kServerWlm, DistMethod::kWeightedActive,
                                           DistMethod::kHotStandby),
                         [](const auto& info) { return std::string(DistMethodName(info.param)); });

TEST(AvailabilityTest, TargetsAddedAndRemovedMidStream) {
  DistributionEngine e(Policy(DistMethod::kRoundRobin));
  e.UpsertServer(Server("SYS1/HWS1", "SYS1"));
  e.UpsertServer(Server("SYS2/HWS1", "SYS2"));
  Tally t = Drive(e, 100);
  EXPECT_EQ(t.by_system.at("SYS1"), 50);

  e.UpsertServer(Server("SYS3/HWS1", "SYS3"));  // joins
  t = Drive(e, 300, At(0), 100);
  for (const char* s : {"SYS1", "SYS2", "SYS3"}) EXPECT_NEAR(t.by_system.at(s), 100, 1) << s;

  e.RemoveServer("SYS1/HWS1");  // leaves
  t = Drive(e, 200, At(0), 400);
  EXPECT_EQ(t.by_system.count("SYS1"), 0u);
  EXPECT_NEAR(t.by_system.at("SYS2"), 100, 1);
  EXPECT_EQ(e.Rows().size(), 2u);

  // A server moving to another system (its router restarted elsewhere
  // under the same name) is counted there.
  e.UpsertServer(Server("SYS2/HWS1", "SYS3"));
  t = Drive(e, 50, At(0), 600);
  EXPECT_EQ(t.by_system.at("SYS3"), 50);
}

TEST(AvailabilityTest, OnlyListedSystemsWhenNotDestipAll) {
  DistributorPolicy p = Policy(DistMethod::kRoundRobin);
  p.all_systems = false;
  DistributionEngine e(p);
  e.SetSystems({System("SYS1"), System("SYS2")});
  e.UpsertServer(Server("SYS1/HWS1", "SYS1"));
  e.UpsertServer(Server("SYS2/HWS1", "SYS2"));
  e.UpsertServer(Server("SYS9/HWS1", "SYS9"));  // not a DESTIP
  Tally t = Drive(e, 100);
  EXPECT_EQ(t.by_system.count("SYS9"), 0u);
  EXPECT_EQ(t.by_system.at("SYS1"), 50);
  EXPECT_EQ(RowOf(e, "SYS9/HWS1").weight, 0);  // shown, gets nothing
  // Not even probes once its TSR is 0.
  e.Tick(At(0));
  e.Sent("SYS9/HWS1");
  e.Failed("SYS9/HWS1");
  ASSERT_TRUE(e.Tick(At(60000)));
  EXPECT_EQ(Drive(e, 10, At(60000), 1000).by_system.count("SYS9"), 0u);
  e.SetSystems({System("SYS1"), System("SYS9")});
  t = Drive(e, 100, At(60000), 100);
  EXPECT_EQ(t.by_system.count("SYS2"), 0u);
  EXPECT_EQ(t.probes, 1);  // SYS9 is a target now: its TSR is 0, so a probe
  EXPECT_EQ(t.by_system.at("SYS1"), 99);
}

TEST(AvailabilityTest, UnknownServersAreIgnored) {
  DistributionEngine e(Policy(DistMethod::kBaseWlm));
  EXPECT_FALSE(e.Sent("nobody"));
  EXPECT_FALSE(e.Accepted("nobody"));
  EXPECT_FALSE(e.Failed("nobody"));
  EXPECT_FALSE(e.Ended("nobody"));
  EXPECT_FALSE(e.SetHealth("nobody", 5));
  EXPECT_FALSE(e.SetServerReady("nobody", true));
  EXPECT_FALSE(e.SetServerWeight("nobody", 5));
  EXPECT_FALSE(e.RemoveServer("nobody"));
  EXPECT_FALSE(e.UpsertServer(Server("", "SYS1")));
  EXPECT_FALSE(e.UpsertServer(Server("SYS1/HWS1", "")));
  EXPECT_TRUE(e.Rows().empty());
}

TEST(AvailabilityTest, OutOfRangeInputsAreClamped) {
  DistributionEngine e(Policy(DistMethod::kWeightedActive));
  TargetServer s = Server("SYS1/HWS1", "SYS1", 900);
  s.health = 250;
  e.UpsertServer(s);
  TargetSystem sys = Weighted("SYS1", 500);
  sys.system_weight = -7;
  e.SetSystems({sys});
  const TargetRow row = RowOf(e, "SYS1/HWS1");
  EXPECT_EQ(row.health, 100);
  EXPECT_EQ(row.server_weight, kMaxWlmWeight);
  EXPECT_EQ(row.system_weight, kNoWeight);
  EXPECT_EQ(row.weight, kMaxConfiguredWeight);
  e.SetHealth("SYS1/HWS1", -3);
  EXPECT_EQ(RowOf(e, "SYS1/HWS1").health, 0);
}

TEST(AvailabilityTest, RowsAreOrderedAndComplete) {
  DistributionEngine e(Policy(DistMethod::kBaseWlm));
  e.UpsertServer(Server("SYS2/HWS1", "SYS2"));
  e.UpsertServer(Server("SYS1/HWS2", "SYS1"));
  e.UpsertServer(Server("SYS1/HWS1", "SYS1"));
  e.SetServerReady("SYS2/HWS1", false);
  const std::vector<TargetRow> rows = e.Rows();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].server_id, "SYS1/HWS1");
  EXPECT_EQ(rows[1].server_id, "SYS1/HWS2");
  EXPECT_EQ(rows[2].server_id, "SYS2/HWS1");
  EXPECT_FALSE(rows[2].ready);
  EXPECT_EQ(rows[2].weight, 0);
  EXPECT_EQ(rows[0].method, "BASEWLM");
  EXPECT_EQ(e.ActiveHotStandbySystem(), std::nullopt);  // not HOTSTANDBY
}

// Not a pass/fail goal: prints what one decision costs with 8 systems of 4
// servers each, so that the distributor's per-connection budget is known.
TEST(AvailabilityTest, PrintsTheCostOfAPick) {
  for (DistMethod m : {DistMethod::kBaseWlm, DistMethod::kWeightedActive}) {
    DistributorPolicy p = Policy(m);
    p.shareport_wlm = true;
    DistributionEngine e(p);
    for (int s = 0; s < 8; ++s) {
      const std::string system = "SYS" + std::to_string(s);
      e.SetSystemWeight(system, 8 + s);
      for (int h = 0; h < 4; ++h) {
        e.UpsertServer(Server(system + "/HWS" + std::to_string(h), system, 4 + h));
      }
    }
    constexpr int kPicks = 20000;
    std::vector<ClientKey> keys;
    for (int n = 0; n < kPicks; ++n) keys.push_back(KeyFor(n));
    int none = 0;
    const auto start = std::chrono::steady_clock::now();
    for (const ClientKey& key : keys) {
      std::optional<Choice> c = e.Pick(key, At(0));
      if (!c) {
        ++none;
        continue;
      }
      e.Sent(c->server_id);
      e.Accepted(c->server_id);
    }
    const auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(none, 0);
    std::printf("%s, 8 systems x 4 servers: %.2f us per Pick+Sent+Accepted\n",
                std::string(DistMethodName(m)).c_str(),
                std::chrono::duration<double, std::micro>(elapsed).count() / kPicks);
  }
}

}  // namespace
}  // namespace drdaplex::distributor
