// ROUNDROBIN, BASEWLM and SERVERWLM at the system level, their weight-0 and
// no-weight rules, and the display's weights and flags.
#include <gtest/gtest.h>

#include <cstdlib>

#include "engine_fixture.h"

namespace drdaplex::distributor {
namespace {

using namespace testing;

// Three systems, one server each.
void ThreeSystems(DistributionEngine& e, int w1 = kNoWeight, int w2 = kNoWeight,
                  int w3 = kNoWeight) {
  e.SetSystems({System("SYS1", w1), System("SYS2", w2), System("SYS3", w3)});
  e.UpsertServer(Server("SYS1/HWS1", "SYS1"));
  e.UpsertServer(Server("SYS2/HWS1", "SYS2"));
  e.UpsertServer(Server("SYS3/HWS1", "SYS3"));
}

TEST(RoundRobinTest, ThousandOverThreeSystemsWithinOne) {
  DistributionEngine e(Policy(DistMethod::kRoundRobin));
  ThreeSystems(e, 64, 1, 30);  // WLM weights are ignored
  e.SetHealth("SYS2/HWS1", 10);  // and so is health
  const Tally t = Drive(e, 1000);
  EXPECT_EQ(t.none, 0);
  for (const char* s : {"SYS1", "SYS2", "SYS3"}) {
    EXPECT_LE(std::abs(t.by_system.at(s) - 333), 1) << s << ": " << t.by_system.at(s);
  }
  // Exact turns: every run of three has all three.
  for (size_t i = 0; i + 3 <= t.systems.size(); i += 3) {
    EXPECT_NE(t.systems[i], t.systems[i + 1]);
    EXPECT_NE(t.systems[i + 1], t.systems[i + 2]);
    EXPECT_NE(t.systems[i], t.systems[i + 2]);
  }
  const TargetRow row = RowOf(e, "SYS1/HWS1");
  EXPECT_EQ(row.method, "ROUNDROBIN");
  EXPECT_EQ(row.flag, "-");
  EXPECT_EQ(row.weight, 1);
  EXPECT_EQ(row.total, t.by_server.at("SYS1/HWS1"));
  EXPECT_EQ(row.active, row.total);  // none ended
}

TEST(BaseWlmTest, TwelveToFourIsThreeToOneInEveryWindow) {
  DistributionEngine e(Policy(DistMethod::kBaseWlm));
  e.SetSystems({System("SYS1", 12), System("SYS2", 4)});
  e.UpsertServer(Server("SYS1/HWS1", "SYS1"));
  e.UpsertServer(Server("SYS2/HWS1", "SYS2"));
  const Tally t = Drive(e, 1000);
  std::printf("BASEWLM 12:4 over 1000: %d:%d\n", t.by_system.at("SYS1"), t.by_system.at("SYS2"));
  EXPECT_LE(std::abs(t.by_system.at("SYS1") - 750), 10);
  EXPECT_LE(std::abs(t.by_system.at("SYS2") - 250), 10);
  for (size_t start = 0; start + 16 <= t.systems.size(); ++start) {
    int sys1 = 0;
    for (size_t i = start; i < start + 16; ++i) sys1 += t.systems[i] == "SYS1";
    ASSERT_LE(std::abs(sys1 - 12), 1) << "window at " << start;
  }
  const TargetRow r1 = RowOf(e, "SYS1/HWS1");
  const TargetRow r2 = RowOf(e, "SYS2/HWS1");
  EXPECT_EQ(r1.flag, "B");
  EXPECT_EQ(r1.weight, 3);  // normalised: 12 and 4 by their divisor 4
  EXPECT_EQ(r2.weight, 1);
  EXPECT_EQ(r1.system_weight, 12);
}

TEST(BaseWlmTest, WeightZeroGetsNothingUnlessAllAreZero) {
  DistributionEngine e(Policy(DistMethod::kBaseWlm));
  ThreeSystems(e, 0, 4, 8);
  Tally t = Drive(e, 300);
  EXPECT_EQ(t.by_system.count("SYS1"), 0u);
  EXPECT_EQ(t.by_system.at("SYS2"), 100);
  EXPECT_EQ(t.by_system.at("SYS3"), 200);
  EXPECT_EQ(RowOf(e, "SYS1/HWS1").weight, 0);

  e.SetSystemWeight("SYS2", 0);
  e.SetSystemWeight("SYS3", 0);  // all zero: forced round-robin
  t = Drive(e, 300);
  for (const char* s : {"SYS1", "SYS2", "SYS3"}) EXPECT_EQ(t.by_system.at(s), 100) << s;
  EXPECT_EQ(RowOf(e, "SYS1/HWS1").weight, 1);
  EXPECT_EQ(RowOf(e, "SYS1/HWS1").flag, "B");
}

TEST(BaseWlmTest, NoWlmWeightsMeansPlainRoundRobin) {
  DistributionEngine e(Policy(DistMethod::kBaseWlm));
  ThreeSystems(e);
  Tally t = Drive(e, 300);
  for (const char* s : {"SYS1", "SYS2", "SYS3"}) EXPECT_EQ(t.by_system.at(s), 100) << s;
  EXPECT_EQ(RowOf(e, "SYS1/HWS1").flag, "R*");

  // One system without a weight is enough: the group goes round-robin
  // rather than starve (or flood) the one that has not reported yet.
  e.SetSystemWeight("SYS1", 60);
  e.SetSystemWeight("SYS2", 4);
  t = Drive(e, 300);
  for (const char* s : {"SYS1", "SYS2", "SYS3"}) EXPECT_EQ(t.by_system.at(s), 100) << s;
  e.SetSystemWeight("SYS3", 4);
  t = Drive(e, 680);
  EXPECT_EQ(t.by_system.at("SYS1"), 600);
  EXPECT_EQ(RowOf(e, "SYS1/HWS1").flag, "B");
  EXPECT_EQ(RowOf(e, "SYS1/HWS1").weight, 15);
}

TEST(ServerWlmTest, FourEightSixteen) {
  DistributionEngine e(Policy(DistMethod::kServerWlm));
  e.UpsertServer(Server("SYS1/HWS1", "SYS1", 4));
  e.UpsertServer(Server("SYS2/HWS1", "SYS2", 8));
  e.UpsertServer(Server("SYS3/HWS1", "SYS3", 16));
  const Tally t = Drive(e, 1400);
  std::printf("SERVERWLM 4:8:16 over 1400: %d:%d:%d\n", t.by_system.at("SYS1"),
              t.by_system.at("SYS2"), t.by_system.at("SYS3"));
  EXPECT_NEAR(t.by_system.at("SYS1"), 200, 1400 * 0.02);
  EXPECT_NEAR(t.by_system.at("SYS2"), 400, 1400 * 0.02);
  EXPECT_NEAR(t.by_system.at("SYS3"), 800, 1400 * 0.02);
  EXPECT_EQ(RowOf(e, "SYS1/HWS1").flag, "S");
  EXPECT_EQ(RowOf(e, "SYS1/HWS1").weight, 1);
  EXPECT_EQ(RowOf(e, "SYS3/HWS1").weight, 4);
}

TEST(ServerWlmTest, ASystemsWeightIsTheSumOfItsServers) {
  DistributionEngine e(Policy(DistMethod::kServerWlm));
  e.UpsertServer(Server("SYS1/HWS1", "SYS1", 8));
  e.UpsertServer(Server("SYS1/HWS2", "SYS1", 8));
  e.UpsertServer(Server("SYS2/HWS1", "SYS2", 16));
  const Tally t = Drive(e, 1000);
  EXPECT_EQ(t.by_system.at("SYS1"), 500);
  EXPECT_EQ(t.by_system.at("SYS2"), 500);
  // A server that stops being ready takes its weight with it.
  e.SetServerReady("SYS1/HWS2", false);
  const Tally after = Drive(e, 900, At(0), 1000);
  EXPECT_EQ(after.by_system.at("SYS1"), 300);
  EXPECT_EQ(after.by_server.count("SYS1/HWS2"), 0u);
}

TEST(ServerWlmTest, AServerWithoutWeightsFallsBackToSystemWeights) {
  DistributionEngine e(Policy(DistMethod::kServerWlm));
  e.SetSystems({System("SYS1", 12), System("SYS2", 4)});
  e.UpsertServer(Server("SYS1/HWS1", "SYS1", 4));
  e.UpsertServer(Server("SYS2/HWS1", "SYS2"));  // no server weight
  const Tally t = Drive(e, 400);
  EXPECT_EQ(t.by_system.at("SYS1"), 300);  // 12:4, not 4:?
  EXPECT_EQ(RowOf(e, "SYS1/HWS1").flag, "B*");
  EXPECT_EQ(RowOf(e, "SYS1/HWS1").weight, 3);

  e.SetServerWeight("SYS2/HWS1", 12);  // now every server has one: 4:12
  const Tally s = Drive(e, 400, At(0), 400);
  EXPECT_EQ(s.by_system.at("SYS1"), 100);
  EXPECT_EQ(RowOf(e, "SYS2/HWS1").flag, "S");
}

TEST(ServerWlmTest, ServerWeightZeroAndAllZero) {
  DistributionEngine e(Policy(DistMethod::kServerWlm));
  e.UpsertServer(Server("SYS1/HWS1", "SYS1", 0));
  e.UpsertServer(Server("SYS2/HWS1", "SYS2", 5));
  Tally t = Drive(e, 50);
  EXPECT_EQ(t.by_system.at("SYS2"), 50);
  e.SetServerWeight("SYS2/HWS1", 0);
  t = Drive(e, 50, At(0), 50);
  EXPECT_EQ(t.by_system.at("SYS1"), 25);
  EXPECT_EQ(t.by_system.at("SYS2"), 25);
}

TEST(NothingAvailableTest, EveryMethodReturnsNullopt) {
  for (DistMethod m : {DistMethod::kRoundRobin, DistMethod::kBaseWlm, DistMethod::kServerWlm,
                       DistMethod::kWeightedActive, DistMethod::kHotStandby}) {
    DistributionEngine e(Policy(m));
    EXPECT_EQ(e.Pick(KeyFor(1), At(0)), std::nullopt) << DistMethodName(m);
    e.SetSystems({Preferred("SYS1"), Backup("SYS2", 10)});
    EXPECT_EQ(e.Pick(KeyFor(1), At(0)), std::nullopt) << DistMethodName(m);  // no servers
    e.UpsertServer(Server("SYS1/HWS1", "SYS1", 10));
    e.UpsertServer(Server("SYS2/HWS1", "SYS2", 10));
    e.SetServerReady("SYS1/HWS1", false);
    e.SetServerReady("SYS2/HWS1", false);
    EXPECT_EQ(e.Pick(KeyFor(1), At(0)), std::nullopt) << DistMethodName(m);
    EXPECT_EQ(e.ActiveHotStandbySystem(), std::nullopt);
    e.SetServerReady("SYS2/HWS1", true);
    std::optional<Choice> c = e.Pick(KeyFor(1), At(0));
    ASSERT_TRUE(c.has_value()) << DistMethodName(m);
    EXPECT_EQ(c->server_id, "SYS2/HWS1");
    e.RemoveServer("SYS2/HWS1");
    EXPECT_EQ(e.Pick(KeyFor(1), At(0)), std::nullopt) << DistMethodName(m);
  }
}

}  // namespace
}  // namespace drdaplex::distributor
