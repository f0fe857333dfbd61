// Inside the chosen system: SHAREPORT (a hash of the client's 4-tuple,
// stable per key) and SHAREPORTWLM (server weights).
#include <gtest/gtest.h>

#include "engine_fixture.h"

namespace drdaplex::distributor {
namespace {

using namespace testing;

TEST(ShareportTest, SpreadsByKeyAndIsStablePerKey) {
  DistributionEngine e(Policy(DistMethod::kRoundRobin));
  e.UpsertServer(Server("SYS1/HWS1", "SYS1"));
  e.UpsertServer(Server("SYS1/HWS2", "SYS1"));
  std::map<int, std::string> first;
  std::map<std::string, int> count;
  for (int n = 0; n < 2000; ++n) {
    std::optional<Choice> c = e.Pick(KeyFor(n), At(0));
    ASSERT_TRUE(c.has_value());
    first[n] = c->server_id;
    ++count[c->server_id];
  }
  std::printf("SHAREPORT over 2000 keys: HWS1 %d, HWS2 %d\n", count["SYS1/HWS1"],
              count["SYS1/HWS2"]);
  EXPECT_GT(count["SYS1/HWS1"], 800);
  EXPECT_GT(count["SYS1/HWS2"], 800);
  // The same key lands on the same server every time.
  for (int n = 0; n < 200; ++n) {
    for (int again = 0; again < 3; ++again) {
      EXPECT_EQ(e.Pick(KeyFor(n), At(0))->server_id, first[n]) << "key " << n;
    }
  }
  // A third server takes only its share; keys move only onto it.
  e.UpsertServer(Server("SYS1/HWS3", "SYS1"));
  int moved = 0;
  for (int n = 0; n < 2000; ++n) {
    const std::string now = e.Pick(KeyFor(n), At(0))->server_id;
    if (now != first[n]) {
      EXPECT_EQ(now, "SYS1/HWS3");
      ++moved;
    }
  }
  std::printf("SHAREPORT: %d of 2000 keys moved to the new server\n", moved);
  EXPECT_GT(moved, 500);
  EXPECT_LT(moved, 850);
}

TEST(ShareportTest, ANotReadyServerIsLeftOutAndKeysOnTheOtherStay) {
  DistributionEngine e(Policy(DistMethod::kBaseWlm));
  e.UpsertServer(Server("SYS1/HWS1", "SYS1"));
  e.UpsertServer(Server("SYS1/HWS2", "SYS1"));
  std::map<int, std::string> first;
  for (int n = 0; n < 500; ++n) first[n] = e.Pick(KeyFor(n), At(0))->server_id;
  e.SetServerReady("SYS1/HWS2", false);
  for (int n = 0; n < 500; ++n) EXPECT_EQ(e.Pick(KeyFor(n), At(0))->server_id, "SYS1/HWS1");
  e.SetServerReady("SYS1/HWS2", true);
  for (int n = 0; n < 500; ++n) EXPECT_EQ(e.Pick(KeyFor(n), At(0))->server_id, first[n]);
}

TEST(ShareportWlmTest, FollowsServerWeights) {
  DistributorPolicy p = Policy(DistMethod::kRoundRobin);
  p.shareport_wlm = true;
  DistributionEngine e(p);
  e.UpsertServer(Server("SYS1/HWS1", "SYS1", 16));
  e.UpsertServer(Server("SYS1/HWS2", "SYS1", 48));
  e.UpsertServer(Server("SYS2/HWS1", "SYS2"));
  const Tally t = Drive(e, 2000);
  EXPECT_EQ(t.by_system.at("SYS1"), 1000);  // the systems still take turns
  std::printf("SHAREPORTWLM 1:3 over 1000: %d:%d\n", t.by_server.at("SYS1/HWS1"),
              t.by_server.at("SYS1/HWS2"));
  EXPECT_NEAR(t.by_server.at("SYS1/HWS1"), 250, 10);
  EXPECT_NEAR(t.by_server.at("SYS1/HWS2"), 750, 10);
}

TEST(ShareportWlmTest, ServersWithoutWeightsCountOne) {
  DistributorPolicy p = Policy(DistMethod::kRoundRobin);
  p.shareport_wlm = true;
  DistributionEngine e(p);
  e.UpsertServer(Server("SYS1/HWS1", "SYS1"));
  e.UpsertServer(Server("SYS1/HWS2", "SYS1", 3));
  const Tally t = Drive(e, 400);
  EXPECT_EQ(t.by_server.at("SYS1/HWS1"), 100);
  EXPECT_EQ(t.by_server.at("SYS1/HWS2"), 300);
  // Weight 0 gets nothing while another has weight; all 0: turns.
  e.SetServerWeight("SYS1/HWS2", 0);
  Tally z = Drive(e, 40, At(0), 400);
  EXPECT_EQ(z.by_server.at("SYS1/HWS1"), 40);
  e.UpsertServer(Server("SYS1/HWS1", "SYS1", 0));
  z = Drive(e, 40, At(0), 440);
  EXPECT_EQ(z.by_server.at("SYS1/HWS1"), 20);
  EXPECT_EQ(z.by_server.at("SYS1/HWS2"), 20);
}

}  // namespace
}  // namespace drdaplex::distributor
