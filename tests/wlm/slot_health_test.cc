// ServerHealthFromSlots: IMS Connect's health from free sockets (MAXSOC).
#include "router/wlm/slot_health.h"

#include <gtest/gtest.h>

namespace drdaplex::router_wlm {
namespace {

TEST(SlotHealthTest, LargeMaxsocIsHealthyDownTo11PercentFreeThenThePercentage) {
  EXPECT_EQ(ServerHealthFromSlots(0, 2000), 100);
  EXPECT_EQ(ServerHealthFromSlots(1780, 2000), 100);  // 11 % free
  EXPECT_EQ(ServerHealthFromSlots(1781, 2000), 10);   // 10.95 % free: 10
  EXPECT_EQ(ServerHealthFromSlots(1800, 2000), 10);   // 10 %
  EXPECT_EQ(ServerHealthFromSlots(1900, 2000), 5);
  EXPECT_EQ(ServerHealthFromSlots(1990, 1000), 0);  // more active than slots
  EXPECT_EQ(ServerHealthFromSlots(999, 1000), 1);   // 0.1 % free, but a slot is free
  EXPECT_EQ(ServerHealthFromSlots(1000, 1000), 0);  // full
}

TEST(SlotHealthTest, SmallMaxsocIsHealthyDownTo21PercentFreeThenScaled) {
  EXPECT_EQ(ServerHealthFromSlots(0, 100), 100);
  EXPECT_EQ(ServerHealthFromSlots(79, 100), 100);  // 21 % free
  EXPECT_EQ(ServerHealthFromSlots(80, 100), 95);   // 20 % × 100 / 21 = 95.2
  EXPECT_EQ(ServerHealthFromSlots(90, 100), 47);   // 10 % -> 47.6
  EXPECT_EQ(ServerHealthFromSlots(99, 100), 4);    // 1 % -> 4.8
  EXPECT_EQ(ServerHealthFromSlots(100, 100), 0);
  EXPECT_EQ(ServerHealthFromSlots(9, 10), 47);  // 1 of 10 free
  EXPECT_EQ(ServerHealthFromSlots(0, 1), 100);
  EXPECT_EQ(ServerHealthFromSlots(1, 1), 0);
  EXPECT_EQ(ServerHealthFromSlots(998, 999), 1);  // 0.1 % free: scaled 0.48, kept at 1
}

TEST(SlotHealthTest, NoLimitIsFullHealth) { EXPECT_EQ(ServerHealthFromSlots(5000, 0), 100); }

TEST(SlotHealthTest, HealthNeverRisesAsSlotsFillUp) {
  for (size_t max : {1u, 7u, 100u, 999u, 1000u, 2000u}) {
    int previous = 100;
    for (size_t active = 0; active <= max + 2; ++active) {
      const int health = ServerHealthFromSlots(active, max);
      EXPECT_LE(health, previous) << active << " of " << max;
      EXPECT_GE(health, 0);
      EXPECT_EQ(health == 0, active >= max) << active << " of " << max;
      previous = health;
    }
  }
}

}  // namespace
}  // namespace drdaplex::router_wlm
