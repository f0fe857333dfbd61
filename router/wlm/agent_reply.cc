// HAProxy agent-check replies; see agent_reply.h.
#include "router/wlm/agent_reply.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "router/wlm/slot_health.h"

namespace drdaplex::router_wlm {

namespace {

constexpr int kMaxWlmWeight = 64;

int WeightPercent(const AgentState& state) {
  if (state.server_weight) {
    const int weight = std::clamp(*state.server_weight, 0, kMaxWlmWeight);
    return std::clamp(static_cast<int>(std::lround(weight * 100.0 / kMaxWlmWeight)), 1, 100);
  }
  return std::clamp(state.health, 1, 100);
}

}  // namespace

std::string FormatAgentReply(const AgentState& state) {
  const bool up = state.health > 0;
  std::string reply = up ? "up" : "down";
  reply += state.draining ? " drain" : " ready";
  if (up) reply += fmt::format(" {}%", WeightPercent(state));
  if (state.max_connections > 0) reply += fmt::format(" maxconn:{}", state.max_connections);
  reply += '\n';
  return reply;
}

AgentState AgentStateFromSlots(size_t active, size_t max_sockets, bool draining,
                               std::optional<int> server_weight) {
  AgentState state;
  state.health = ServerHealthFromSlots(active, max_sockets);
  state.server_weight = server_weight;
  state.draining = draining;
  state.max_connections = max_sockets;
  return state;
}

}  // namespace drdaplex::router_wlm
