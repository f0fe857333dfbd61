// The reply of HAProxy's agent check (HAProxy 2.6, configuration manual
// "agent-check"): one line of words separated by spaces, which HAProxy reads
// up to the first '\r' or '\n'. A router answers it so that HAProxy weights,
// drains and downs the router from the same health and WLM weight the
// sysplex routing uses:
//   "up ready 75% maxconn:2000\n"    serving; weight 75 % of the configured one
//   "up drain 75% maxconn:2000\n"    an operator drains it: no new connections
//   "down ready maxconn:2000\n"      health 0: no free slot, marked DOWN
// Every reply says both the operational state (up/down) and the
// administrative one (ready/drain), because HAProxy keeps whatever the agent
// last set and only the agent can undo it.
//
// The weight percentage (CHOICE): the router's WLM server weight × 100 / 64
// when it knows it (it watches the registry: registry/wlm_weights.h), so
// HAProxy spreads connections over routers as the Sysplex Distributor
// would; otherwise its health, which is 100 until few slots are left. At
// least 1 % while up (0 % would read as DRAIN); left out when down, so the
// weight HAProxy holds is the one to come back with.
//
// maxconn (CHOICE): the router's MAXSOC, not its free slots. HAProxy counts
// its own connections against maxconn, and those are among the router's
// active ones: advertising free slots would count each of them twice and
// shrink the limit as HAProxy fills it. Left out when 0 (HAProxy reads
// maxconn:0 as "no limit").
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace drdaplex::router_wlm {

struct AgentState {
  int health = 100;                  // 0..100 (ServerHealthFromSlots)
  std::optional<int> server_weight;  // the router's WLM server weight 1..64, when known
  bool draining = false;             // an operator asked for no new connections
  size_t max_connections = 0;        // the maxconn to advertise; 0: none

  bool operator==(const AgentState&) const = default;
};

// The line to send, '\n' included.
std::string FormatAgentReply(const AgentState& state);

// The state of a router with `active` of `max_sockets` slots in use.
AgentState AgentStateFromSlots(size_t active, size_t max_sockets, bool draining,
                               std::optional<int> server_weight = std::nullopt);

}  // namespace drdaplex::router_wlm
