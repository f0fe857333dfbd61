// RestartPolicy: back-off doubles up to its cap, the window forgets old
// restarts, and too many restarts within it give the member up.
#include "harness/plex/restart_policy.h"

#include <gtest/gtest.h>

namespace drdaplex::plex {
namespace {

using std::chrono::milliseconds;
using Clock = RestartPolicy::Clock;

TEST(RestartPolicy, BacksOffDoublingUpToTheCapThenGivesUp) {
  RestartPolicy policy({.first_delay = milliseconds(500), .max_delay = milliseconds(1500),
                        .max_restarts = 4, .window = milliseconds(60000)});
  const Clock::time_point t0{};
  EXPECT_EQ(policy.OnUnexpectedExit(t0), t0 + milliseconds(500));
  EXPECT_EQ(policy.OnUnexpectedExit(t0 + milliseconds(600)), t0 + milliseconds(1600));
  EXPECT_EQ(policy.OnUnexpectedExit(t0 + milliseconds(2000)), t0 + milliseconds(3500));
  EXPECT_EQ(policy.OnUnexpectedExit(t0 + milliseconds(4000)), t0 + milliseconds(5500));
  EXPECT_FALSE(policy.OnUnexpectedExit(t0 + milliseconds(6000)));
}

TEST(RestartPolicy, ForgetsRestartsOutsideTheWindow) {
  RestartPolicy policy({.first_delay = milliseconds(100), .max_delay = milliseconds(800),
                        .max_restarts = 2, .window = milliseconds(10000)});
  const Clock::time_point t0{};
  ASSERT_TRUE(policy.OnUnexpectedExit(t0));
  ASSERT_TRUE(policy.OnUnexpectedExit(t0 + milliseconds(1000)));
  EXPECT_FALSE(policy.OnUnexpectedExit(t0 + milliseconds(2000)));
  // Ten seconds after the first, it counts no more: one recent restart.
  EXPECT_EQ(policy.OnUnexpectedExit(t0 + milliseconds(10500)), t0 + milliseconds(10700));
}

TEST(RestartPolicy, ResetStartsAfresh) {
  RestartPolicy policy({.first_delay = milliseconds(100), .max_delay = milliseconds(800),
                        .max_restarts = 1, .window = milliseconds(10000)});
  const Clock::time_point t0{};
  ASSERT_TRUE(policy.OnUnexpectedExit(t0));
  EXPECT_FALSE(policy.OnUnexpectedExit(t0 + milliseconds(1)));
  policy.Reset();  // an operator started it
  EXPECT_EQ(policy.OnUnexpectedExit(t0 + milliseconds(2)), t0 + milliseconds(102));
}

}  // namespace
}  // namespace drdaplex::plex
