// WEIGHTEDACTIVE: active connections kept at the ratio of the configured
// weights while connections come and go; health and TSR cut the weight.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "engine_fixture.h"

namespace drdaplex::distributor {
namespace {

using namespace testing;

std::map<std::string, uint64_t> ActiveBySystem(const DistributionEngine& e) {
  std::map<std::string, uint64_t> active;
  for (const TargetRow& row : e.Rows()) active[row.system] += row.active;
  return active;
}

TEST(WeightedActiveTest, ActiveRatioFollowsWeightsWhileConnectionsEndAtRandom) {
  DistributionEngine e(Policy(DistMethod::kWeightedActive));
  e.SetSystems({Weighted("SYS1", 1), Weighted("SYS2", 2), Weighted("SYS3", 3)});
  e.UpsertServer(Server("SYS1/HWS1", "SYS1"));
  e.UpsertServer(Server("SYS2/HWS1", "SYS2"));
  e.UpsertServer(Server("SYS2/HWS2", "SYS2"));  // instances do not change the share
  e.UpsertServer(Server("SYS3/HWS1", "SYS3"));

  std::mt19937 random(20240601);
  std::vector<std::string> live;  // server of each open connection
  int next_key = 0;
  double worst = 0;
  for (int step = 0; step < 40000; ++step) {
    // Opens get rarer as more are open: the count settles around 600, with
    // as many connections ending as starting.
    const bool open = live.empty() || random() % 1200 >= live.size();
    if (open) {
      std::optional<Choice> c = e.Pick(KeyFor(next_key++), At(step));
      ASSERT_TRUE(c.has_value());
      e.Sent(c->server_id);
      e.Accepted(c->server_id);
      live.push_back(c->server_id);
    } else {
      const size_t victim = random() % live.size();
      e.Ended(live[victim]);
      live[victim] = live.back();
      live.pop_back();
    }
    if (step >= 2000 && step % 500 == 0) {
      const auto active = ActiveBySystem(e);
      const double total = static_cast<double>(live.size());
      const double expect[] = {1.0 / 6, 2.0 / 6, 3.0 / 6};
      const char* names[] = {"SYS1", "SYS2", "SYS3"};
      for (int i = 0; i < 3; ++i) {
        const double share = active.at(names[i]) / total;
        worst = std::max(worst, std::abs(share - expect[i]));
        ASSERT_NEAR(share, expect[i], 0.03) << names[i] << " at step " << step;
      }
    }
  }
  const auto active = ActiveBySystem(e);
  std::printf("WEIGHTEDACTIVE 1:2:3, %zu open at the end: %lu:%lu:%lu; worst share error %.4f\n",
              live.size(), active.at("SYS1"), active.at("SYS2"), active.at("SYS3"), worst);
  EXPECT_EQ(RowOf(e, "SYS3/HWS1").flag, "W");
  EXPECT_EQ(RowOf(e, "SYS3/HWS1").weight, 3);
}

TEST(WeightedActiveTest, HealthFiftyHalvesTheWeight) {
  DistributionEngine e(Policy(DistMethod::kWeightedActive));
  e.UpsertServer(Server("SYS1/HWS1", "SYS1"));  // default WEIGHT 10
  e.UpsertServer(Server("SYS2/HWS1", "SYS2"));
  e.SetHealth("SYS2/HWS1", 50);
  EXPECT_EQ(RowOf(e, "SYS1/HWS1").weight, 10);
  EXPECT_EQ(RowOf(e, "SYS2/HWS1").weight, 5);
  const Tally t = Drive(e, 300);
  EXPECT_NEAR(t.by_system.at("SYS1"), 200, 1);
  EXPECT_NEAR(t.by_system.at("SYS2"), 100, 1);
  // Health 1 would round to 0: the weight stays 1 while the system is usable.
  e.SetHealth("SYS2/HWS1", 1);
  EXPECT_EQ(RowOf(e, "SYS2/HWS1").weight, 1);
  e.SetHealth("SYS2/HWS1", 0);
  EXPECT_EQ(RowOf(e, "SYS2/HWS1").weight, 1);
}

TEST(WeightedActiveTest, FillsTheSystemFurthestBelowItsShareFirst) {
  DistributionEngine e(Policy(DistMethod::kWeightedActive));
  TargetServer busy = Server("SYS1/HWS1", "SYS1");
  busy.active = 40;  // e.g. counts rebuilt by a backup distributor
  busy.total = 90;
  e.UpsertServer(busy);
  e.UpsertServer(Server("SYS2/HWS1", "SYS2"));
  EXPECT_EQ(RowOf(e, "SYS1/HWS1").total, 90u);
  const Tally t = Drive(e, 40);
  EXPECT_EQ(t.by_system.at("SYS2"), 40);  // unlike ROUNDROBIN
  // Level now: ties go in turn.
  const Tally even = Drive(e, 6, At(0), 40);
  EXPECT_EQ(even.systems,
            (std::vector<std::string>{"SYS1", "SYS2", "SYS1", "SYS2", "SYS1", "SYS2"}));
  // An update does not reset the counts.
  e.UpsertServer(Server("SYS1/HWS1", "SYS1"));
  EXPECT_EQ(RowOf(e, "SYS1/HWS1").active, 43u);
}

TEST(WeightedActiveTest, EndedAndFailedLowerActiveButNeverBelowZero) {
  DistributionEngine e(Policy(DistMethod::kWeightedActive));
  e.UpsertServer(Server("SYS1/HWS1", "SYS1"));
  e.Sent("SYS1/HWS1");
  e.Sent("SYS1/HWS1");
  e.Failed("SYS1/HWS1");
  EXPECT_EQ(RowOf(e, "SYS1/HWS1").active, 1u);
  e.Ended("SYS1/HWS1");
  e.Ended("SYS1/HWS1");
  EXPECT_EQ(RowOf(e, "SYS1/HWS1").active, 0u);
  EXPECT_EQ(RowOf(e, "SYS1/HWS1").total, 2u);
}

}  // namespace
}  // namespace drdaplex::distributor
