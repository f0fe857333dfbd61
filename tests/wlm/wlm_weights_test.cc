// The WLM weight arithmetic (registry/wlm_weights.h): the seed examples,
// the health and load factors, eligibility, systems without a record, and
// the corners (all capacities 0, a tiny capacity, clamping).
#include "registry/wlm_weights.h"

#include <gtest/gtest.h>

namespace drdaplex::registry {
namespace {

MemberRecord System(const std::string& name, double capacity) {
  return WlmSystemRecord(WlmSystem{name, capacity, kModeConfigured});
}

MemberRecord Server(const std::string& system, const std::string& luname, int health = 100,
                    std::optional<int64_t> active = std::nullopt,
                    std::optional<int64_t> max_sockets = std::nullopt) {
  WlmServer server;
  server.system = system;
  server.triplet = WlmTriplet("DRDAPLEX", "NET", luname);
  server.health = health;
  server.active = active;
  server.max_sockets = max_sockets;
  return WlmServerRecord(server);
}

int SystemWeight(const WlmWeights& weights, const std::string& system) {
  const WlmSystemWeight* found = weights.FindSystem(system);
  EXPECT_NE(found, nullptr) << system;
  return found ? found->weight : -1;
}

int ServerWeight(const WlmWeights& weights, const std::string& system, const std::string& luname) {
  const WlmServerWeight* found = weights.FindServer(system, "DRDAPLEX.NET." + luname);
  EXPECT_NE(found, nullptr) << system << " " << luname;
  return found ? found->weight : -1;
}

TEST(WlmWeightsTest, SeedBaseWlmCapacities12And4Give48And16) {
  const WlmWeights weights = ComputeWlmWeights(
      {System("SYS1", 12), System("SYS2", 4), Server("SYS1", "HWS1"), Server("SYS2", "HWS2")});
  EXPECT_EQ(SystemWeight(weights, "SYS1"), 48);
  EXPECT_EQ(SystemWeight(weights, "SYS2"), 16);
  // One server per system (as the stack registers once): server = system weight.
  EXPECT_EQ(ServerWeight(weights, "SYS1", "HWS1"), 48);
  EXPECT_EQ(ServerWeight(weights, "SYS2", "HWS2"), 16);
}

TEST(WlmWeightsTest, SeedServerWlmCapacities4To8To16Give9To18To37) {
  const WlmWeights weights =
      ComputeWlmWeights({System("SYS1", 4), System("SYS2", 8), System("SYS3", 16),
                         Server("SYS1", "A"), Server("SYS2", "B"), Server("SYS3", "C")});
  EXPECT_EQ(ServerWeight(weights, "SYS1", "A"), 9);   // 4 × 64 / 28 = 9.14
  EXPECT_EQ(ServerWeight(weights, "SYS2", "B"), 18);  // 18.29
  EXPECT_EQ(ServerWeight(weights, "SYS3", "C"), 37);  // 36.57
}

TEST(WlmWeightsTest, ServersOfOneSystemShareItsWeight) {
  // WLM: server weight = system weight / number of servers on the system.
  const WlmWeights weights =
      ComputeWlmWeights({System("SYS1", 12), System("SYS2", 4), Server("SYS1", "A"),
                         Server("SYS1", "B"), Server("SYS2", "C")});
  EXPECT_EQ(ServerWeight(weights, "SYS1", "A"), 24);
  EXPECT_EQ(ServerWeight(weights, "SYS1", "B"), 24);
  EXPECT_EQ(ServerWeight(weights, "SYS2", "C"), 16);
  EXPECT_EQ(weights.FindSystem("SYS1")->eligible_servers, 2u);
}

TEST(WlmWeightsTest, HealthAndFreeSlotsScaleTheServerWeight) {
  const WlmWeights weights = ComputeWlmWeights({
      Server("SYS1", "HALF", 50),            // 64 / 4 × 0.5
      Server("SYS1", "BUSY", 100, 75, 100),  // 64 / 4 × (1 − 75/100)
      Server("SYS1", "BOTH", 40, 50, 100),   // 64 / 4 × 0.4 × 0.5
      Server("SYS1", "WELL", 100, 0, 100),   // 64 / 4
  });
  EXPECT_EQ(ServerWeight(weights, "SYS1", "HALF"), 8);
  EXPECT_EQ(ServerWeight(weights, "SYS1", "BUSY"), 4);
  EXPECT_EQ(ServerWeight(weights, "SYS1", "BOTH"), 3);  // 3.2
  EXPECT_EQ(ServerWeight(weights, "SYS1", "WELL"), 16);
  const WlmServerWeight* busy = weights.FindServer("SYS1", "DRDAPLEX.NET.BUSY");
  EXPECT_DOUBLE_EQ(busy->load_factor, 0.25);
  EXPECT_DOUBLE_EQ(busy->health_factor, 1.0);
}

TEST(WlmWeightsTest, IneligibleServersAreLeftOutWithTheirReason) {
  MemberRecord inactive = Server("SYS1", "OFF");
  inactive.status = kStatusInactive;
  const WlmWeights weights =
      ComputeWlmWeights({Server("SYS1", "SICK", 0), Server("SYS1", "FULL", 100, 20, 20),
                         Server("SYS1", "OVER", 100, 25, 20), inactive, Server("SYS1", "OK")});
  const std::vector<WlmServerWeight> list = weights.Weighted();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].server.triplet, "DRDAPLEX.NET.OK");
  EXPECT_EQ(list[0].weight, 64);  // the one eligible server gets the system's whole weight
  EXPECT_EQ(weights.FindServer("SYS1", "DRDAPLEX.NET.SICK")->reason, kWlmReasonHealth0);
  EXPECT_EQ(weights.FindServer("SYS1", "DRDAPLEX.NET.FULL")->reason, kWlmReasonNoFreeSlot);
  EXPECT_EQ(weights.FindServer("SYS1", "DRDAPLEX.NET.OVER")->reason, kWlmReasonNoFreeSlot);
  EXPECT_EQ(weights.FindServer("SYS1", "DRDAPLEX.NET.OFF")->reason, kWlmReasonInactive);
  EXPECT_EQ(weights.FindServer("SYS1", "DRDAPLEX.NET.SICK")->weight, 0);
  EXPECT_EQ(weights.servers.size(), 5u);
}

TEST(WlmWeightsTest, ASystemWithoutEligibleServersIsOutOfPlay) {
  const WlmWeights weights =
      ComputeWlmWeights({System("SYS1", 12), System("SYS2", 4), System("SYS3", 100),
                         Server("SYS1", "A"), Server("SYS2", "B", 0)});
  EXPECT_EQ(SystemWeight(weights, "SYS1"), 64);  // alone in play
  EXPECT_EQ(SystemWeight(weights, "SYS2"), 0);   // its only server has health 0
  EXPECT_EQ(SystemWeight(weights, "SYS3"), 0);   // no server at all
  EXPECT_EQ(weights.FindSystem("SYS3")->servers, 0u);
  EXPECT_TRUE(weights.FindSystem("SYS3")->has_record);
}

TEST(WlmWeightsTest, ASystemWithoutARecordGetsTheMeanCapacity) {
  const WlmWeights weights =
      ComputeWlmWeights({System("SYS1", 12), System("SYS2", 4), Server("SYS1", "A"),
                         Server("SYS2", "B"), Server("SYS3", "C")});
  // SYS3 counts as (12 + 4) / 2 = 8: 12 : 4 : 8 of 24.
  EXPECT_EQ(SystemWeight(weights, "SYS1"), 32);
  EXPECT_EQ(SystemWeight(weights, "SYS2"), 11);  // 10.67
  EXPECT_EQ(SystemWeight(weights, "SYS3"), 21);  // 21.33
  EXPECT_FALSE(weights.FindSystem("SYS3")->has_record);
  EXPECT_DOUBLE_EQ(weights.FindSystem("SYS3")->effective_capacity, 8.0);
}

TEST(WlmWeightsTest, NoCapacitiesAtAllMeanEqualWeights) {
  const WlmWeights none = ComputeWlmWeights({Server("SYS1", "A"), Server("SYS2", "B")});
  EXPECT_EQ(SystemWeight(none, "SYS1"), 32);
  EXPECT_EQ(SystemWeight(none, "SYS2"), 32);
  const WlmWeights zero = ComputeWlmWeights(
      {System("SYS1", 0), System("SYS2", 0), Server("SYS1", "A"), Server("SYS2", "B")});
  EXPECT_EQ(SystemWeight(zero, "SYS1"), 32);
  EXPECT_EQ(SystemWeight(zero, "SYS2"), 32);
}

TEST(WlmWeightsTest, SmallWeightsAreKeptAboveZero) {
  const WlmWeights weights =
      ComputeWlmWeights({System("SYS1", 1000), System("SYS2", 1), System("SYS3", 0),
                         Server("SYS1", "A"), Server("SYS2", "B"), Server("SYS3", "C")});
  EXPECT_EQ(SystemWeight(weights, "SYS1"), 64);  // 63.94
  EXPECT_EQ(SystemWeight(weights, "SYS2"), 1);   // 0.06 rounds to 0, but capacity > 0
  EXPECT_EQ(SystemWeight(weights, "SYS3"), 0);   // no spare capacity at all
  // Every eligible server is in the list with at least 1.
  EXPECT_EQ(ServerWeight(weights, "SYS2", "B"), 1);
  EXPECT_EQ(ServerWeight(weights, "SYS3", "C"), 1);
  EXPECT_EQ(weights.Weighted().size(), 3u);
}

TEST(WlmWeightsTest, OtherKindsAndDuplicatesAreIgnored) {
  MemberRecord odbm;
  odbm.name = "ODBMB1";
  odbm.address = "127.0.0.1:1";
  const WlmWeights weights = ComputeWlmWeights(
      {odbm, System("SYS1", 5), System("SYS1", 50), Server("SYS1", "A"), Server("SYS1", "A", 10)});
  ASSERT_EQ(weights.systems.size(), 1u);
  EXPECT_DOUBLE_EQ(weights.systems[0].capacity, 5);
  ASSERT_EQ(weights.servers.size(), 1u);
  EXPECT_EQ(weights.servers[0].server.health, 100);
  EXPECT_TRUE(ComputeWlmWeights({}).servers.empty());
}

TEST(WlmWeightsTest, RowsCarryWhatTheRegistryAnswers) {
  const WlmWeights weights =
      ComputeWlmWeights({System("SYS1", 3), Server("SYS1", "A", 100, 1, 10)});
  const nlohmann::ordered_json row = WlmServerRow(weights.servers[0], true);
  EXPECT_EQ(row["server"], "DRDAPLEX.NET.A");
  EXPECT_EQ(row["system"], "SYS1");
  EXPECT_EQ(row["active"], 1);
  EXPECT_EQ(row["max_sockets"], 10);
  EXPECT_EQ(row["system_weight"], 64);
  EXPECT_EQ(row["server_weight"], 58);  // 64 × 0.9 = 57.6
  EXPECT_EQ(row["eligible"], true);
  EXPECT_FALSE(WlmServerRow(weights.servers[0], false).contains("eligible"));
  const nlohmann::ordered_json system = WlmSystemRow(weights.systems[0]);
  EXPECT_EQ(system["capacity"], 3.0);
  EXPECT_EQ(system["weight"], 64);
  EXPECT_EQ(system["servers"], 1);
}

}  // namespace
}  // namespace drdaplex::registry
