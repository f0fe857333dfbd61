// FormatAgentReply: the exact lines HAProxy 2.6's agent check reads.
#include "router/wlm/agent_reply.h"

#include <gtest/gtest.h>

namespace drdaplex::router_wlm {
namespace {

AgentState State(int health, std::optional<int> weight = std::nullopt, bool draining = false,
                 size_t maxconn = 0) {
  return AgentState{health, weight, draining, maxconn};
}

TEST(AgentReplyTest, UpAndReadyWithTheHealthAsWeight) {
  EXPECT_EQ(FormatAgentReply(State(100)), "up ready 100%\n");
  EXPECT_EQ(FormatAgentReply(State(75, std::nullopt, false, 2000)), "up ready 75% maxconn:2000\n");
}

TEST(AgentReplyTest, TheWlmWeightWinsWhenKnown) {
  EXPECT_EQ(FormatAgentReply(State(100, 64)), "up ready 100%\n");
  EXPECT_EQ(FormatAgentReply(State(100, 48)), "up ready 75%\n");
  EXPECT_EQ(FormatAgentReply(State(100, 16)), "up ready 25%\n");
  EXPECT_EQ(FormatAgentReply(State(100, 1)), "up ready 2%\n");  // 1.56
  EXPECT_EQ(FormatAgentReply(State(100, 0)), "up ready 1%\n");  // never 0 % while up
}

TEST(AgentReplyTest, DrainAndDown) {
  EXPECT_EQ(FormatAgentReply(State(100, std::nullopt, true, 10)), "up drain 100% maxconn:10\n");
  EXPECT_EQ(FormatAgentReply(State(0, std::nullopt, false, 10)), "down ready maxconn:10\n");
  EXPECT_EQ(FormatAgentReply(State(0, 30, true)), "down drain\n");
}

TEST(AgentReplyTest, HealthOutOfRangeIsClamped) {
  EXPECT_EQ(FormatAgentReply(State(250)), "up ready 100%\n");
  EXPECT_EQ(FormatAgentReply(State(-3)), "down ready\n");
}

TEST(AgentReplyTest, StateFromSlotsUsesImsConnectsHealthAndMaxsoc) {
  EXPECT_EQ(AgentStateFromSlots(0, 2000, false), State(100, std::nullopt, false, 2000));
  EXPECT_EQ(AgentStateFromSlots(1900, 2000, true, 10), State(5, 10, true, 2000));
  EXPECT_EQ(FormatAgentReply(AgentStateFromSlots(1900, 2000, false)), "up ready 5% maxconn:2000\n");
  EXPECT_EQ(FormatAgentReply(AgentStateFromSlots(50, 50, false)), "down ready maxconn:50\n");
}

}  // namespace
}  // namespace drdaplex::router_wlm
