// TSR in the engine: a server that stops accepting drops to 0 within a few
// ticks, then gets exactly one probe per probe interval and nothing else,
// and recovers once a probe is accepted; TSR scales the WLM weights.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "engine_fixture.h"

namespace drdaplex::distributor {
namespace {

using namespace testing;

constexpr int64_t kIntervalMs = 60000;

DistributorPolicy TsrPolicy(DistMethod method, int64_t probe_ms = 0) {
  DistributorPolicy p = Policy(method);
  p.tsr_interval = milliseconds(kIntervalMs);
  p.probe_interval = milliseconds(probe_ms);
  return p;
}

// One second of fake time per connection. Servers in `silent` never
// acknowledge; the others do. Ticks as the distributor's timer would.
struct Simulation {
  explicit Simulation(DistributionEngine& e) : engine(e) {}

  DistributionEngine& engine;
  std::set<std::string> silent;
  int64_t now_ms = 0;
  int next_key = 0;
  int ticks = 0;

  // Runs `seconds` connections; returns them by server, probes apart.
  Tally Run(int seconds, std::map<int64_t, int>* probes_per_window = nullptr,
            int64_t window_ms = kIntervalMs) {
    Tally t;
    for (int i = 0; i < seconds; ++i, now_ms += 1000) {
      if (engine.Tick(At(now_ms))) ++ticks;
      std::optional<Choice> c = engine.Pick(KeyFor(next_key++), At(now_ms));
      if (!c) {
        ++t.none;
        continue;
      }
      if (c->probe) {
        ++t.probes;
        if (probes_per_window) ++(*probes_per_window)[now_ms / window_ms];
      } else {
        ++t.by_server[c->server_id];
      }
      engine.Sent(c->server_id);
      if (!silent.count(c->server_id)) engine.Accepted(c->server_id);
    }
    return t;
  }
};

void TwoSystems(DistributionEngine& e) {
  e.SetSystems({System("SYS1", 8), System("SYS2", 8)});
  e.UpsertServer(Server("SYS1/HWS1", "SYS1"));
  e.UpsertServer(Server("SYS2/HWS1", "SYS2"));
}

TEST(TsrTest, SilentServerDropsToZeroGetsOneProbePerIntervalAndRecovers) {
  DistributionEngine e(TsrPolicy(DistMethod::kBaseWlm));
  TwoSystems(e);
  Simulation sim(e);
  sim.Run(60);
  EXPECT_EQ(RowOf(e, "SYS1/HWS1").tsr, 100);

  sim.silent.insert("SYS1/HWS1");  // stops accepting
  int ticks_to_zero = 0;
  while (RowOf(e, "SYS1/HWS1").tsr > 0) {
    const int before = sim.ticks;
    sim.Run(60);
    ticks_to_zero += sim.ticks - before;
    ASSERT_LE(ticks_to_zero, 3) << "TSR " << RowOf(e, "SYS1/HWS1").tsr;
  }
  // The first of these ticks closes the last interval it still answered in.
  std::printf("TSR of a silent server reached 0 at tick %d after it went silent\n",
              ticks_to_zero);
  EXPECT_EQ(RowOf(e, "SYS1/HWS1").weight, 0);
  EXPECT_EQ(RowOf(e, "SYS2/HWS1").weight, 1);

  // Five intervals: nothing but one probe per interval for the silent one.
  std::map<int64_t, int> probes;
  const uint64_t probes_before = RowOf(e, "SYS1/HWS1").probes;  // one went out already
  const int64_t first_window = sim.now_ms / kIntervalMs;
  const Tally t = sim.Run(5 * 60, &probes);
  EXPECT_EQ(t.by_server.count("SYS1/HWS1"), 0u);
  EXPECT_EQ(t.probes, 5);
  for (int64_t w = first_window; w < first_window + 5; ++w) EXPECT_EQ(probes[w], 1) << w;
  EXPECT_EQ(RowOf(e, "SYS1/HWS1").probes - probes_before, 5u);
  EXPECT_EQ(RowOf(e, "SYS1/HWS1").tsr, 0);

  // It answers again: the next probe is accepted, TSR lifts at the next
  // tick and it gets regular connections again.
  sim.silent.clear();
  sim.Run(60);  // the probe
  sim.Run(60);  // TSR 75 from this interval's start
  EXPECT_GE(RowOf(e, "SYS1/HWS1").tsr, 75);
  const Tally back = sim.Run(120);
  EXPECT_GT(back.by_server.at("SYS1/HWS1"), 40);
  EXPECT_EQ(RowOf(e, "SYS1/HWS1").tsr, 100);
}

TEST(TsrTest, ProbeIntervalShorterThanTheTsrInterval) {
  DistributionEngine e(TsrPolicy(DistMethod::kRoundRobin, /*probe_ms=*/10000));
  TwoSystems(e);
  Simulation sim(e);
  sim.silent.insert("SYS1/HWS1");
  while (RowOf(e, "SYS1/HWS1").tsr > 0) {
    sim.Run(60);
    ASSERT_LT(sim.ticks, 5);
  }
  std::map<int64_t, int> probes;
  const int64_t first = sim.now_ms / 10000;
  const Tally t = sim.Run(120, &probes, 10000);
  EXPECT_EQ(t.by_server.count("SYS1/HWS1"), 0u);  // ROUNDROBIN skips TSR 0
  EXPECT_EQ(t.probes, 12);
  for (int64_t w = first; w < first + 12; ++w) EXPECT_EQ(probes[w], 1) << w;
}

TEST(TsrTest, FailedHandOverDropsTsrToZeroAtTheNextTick) {
  DistributionEngine e(TsrPolicy(DistMethod::kWeightedActive));
  TwoSystems(e);
  EXPECT_FALSE(e.Tick(At(0)));  // starts the clock
  e.Sent("SYS1/HWS1");
  e.Failed("SYS1/HWS1");  // the channel to it broke
  EXPECT_FALSE(e.Tick(At(kIntervalMs - 1)));
  EXPECT_EQ(RowOf(e, "SYS1/HWS1").tsr, 100);
  EXPECT_TRUE(e.Tick(At(kIntervalMs)));
  EXPECT_EQ(RowOf(e, "SYS1/HWS1").tsr, 0);
  EXPECT_EQ(RowOf(e, "SYS1/HWS1").active, 0u);
  // First a probe (due at once), then only the other system.
  std::optional<Choice> c = e.Pick(KeyFor(1), At(kIntervalMs));
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(*c, (Choice{"SYS1", "SYS1/HWS1", true}));
  e.Sent(c->server_id);
  e.Failed(c->server_id);
  const Tally t = Drive(e, 30, At(kIntervalMs + 1000));
  EXPECT_EQ(t.by_system.at("SYS2"), 30);
  EXPECT_EQ(t.probes, 0);
}

TEST(TsrTest, TsrScalesTheWlmWeights) {
  DistributionEngine e(TsrPolicy(DistMethod::kBaseWlm));
  e.SetSystems({System("SYS1", 12), System("SYS2", 4)});
  e.UpsertServer(Server("SYS1/HWS1", "SYS1"));
  e.UpsertServer(Server("SYS2/HWS1", "SYS2"));
  e.Tick(At(0));
  e.Sent("SYS1/HWS1");  // one unanswered hand-over: TSR 25
  ASSERT_TRUE(e.Tick(At(kIntervalMs)));
  EXPECT_EQ(RowOf(e, "SYS1/HWS1").tsr, 25);
  // 12 * 25 : 4 * 100 = 3 : 4
  EXPECT_EQ(RowOf(e, "SYS1/HWS1").weight, 3);
  EXPECT_EQ(RowOf(e, "SYS2/HWS1").weight, 4);
  const Tally t = Drive(e, 700, At(kIntervalMs));
  EXPECT_EQ(t.by_system.at("SYS1"), 300);
  EXPECT_EQ(t.by_system.at("SYS2"), 400);
}

TEST(TsrTest, TsrScalesWeightedActiveAndOneDeadListenerHalvesItsSystem) {
  DistributionEngine e(TsrPolicy(DistMethod::kWeightedActive));
  e.UpsertServer(Server("SYS1/HWS1", "SYS1"));
  e.UpsertServer(Server("SYS1/HWS2", "SYS1"));
  e.UpsertServer(Server("SYS2/HWS1", "SYS2"));
  e.Tick(At(0));
  e.Sent("SYS1/HWS2");
  e.Failed("SYS1/HWS2");
  ASSERT_TRUE(e.Tick(At(kIntervalMs)));
  // SYS1's TSR is the mean over its ready servers: (0 + 100) / 2.
  EXPECT_EQ(RowOf(e, "SYS1/HWS1").weight, 5);
  EXPECT_EQ(RowOf(e, "SYS2/HWS1").weight, 10);
  // A not-ready server does not count in the mean.
  e.SetServerReady("SYS1/HWS2", false);
  EXPECT_EQ(RowOf(e, "SYS1/HWS1").weight, 10);
}

TEST(TsrTest, TickWaitsForTheInterval) {
  DistributionEngine e(TsrPolicy(DistMethod::kRoundRobin));
  EXPECT_FALSE(e.Tick(At(5000)));
  EXPECT_FALSE(e.Tick(At(5000 + kIntervalMs - 1)));
  EXPECT_TRUE(e.Tick(At(5000 + kIntervalMs)));
  EXPECT_FALSE(e.Tick(At(5000 + kIntervalMs + 1)));
  EXPECT_TRUE(e.Tick(At(5000 + 3 * kIntervalMs)));  // a late timer closes one interval
}

}  // namespace
}  // namespace drdaplex::distributor
