// WLM weights for sysplex routing: from the system and server records in
// the registry, a weight 0..64 per system and per server, as WLM's
// IWMSRSRS (and the Sysplex Distributor's BASEWLM/SERVERWLM) give them.
// Pure functions over MemberRecords: the registry answers its "wlm" query
// with them, and a distributor that watches kinds "server" and "system"
// computes the same weights itself from the records it is pushed.
//
// The arithmetic (WLM's, research brief §4.3-4.4; where IBM leaves a step
// open, the choice made is marked CHOICE):
//
//  1. A server is eligible (in the weighted list) unless
//       - its status is "inactive"                     (reason "inactive"),
//       - its health is 0                              (reason "health-0"),
//       - it publishes max_sockets and active >= max_sockets
//                                                     (reason "no-free-slot"):
//     WLM leaves a server too busy or unhealthy to take work out of the
//     list it returns.
//  2. The systems in play are those with at least one eligible server.
//     CHOICE: eligible rather than merely registered, so that a system
//     whose servers all left the list does not keep a share of the 64 that
//     nobody can use (the ratios among the others are the same either way;
//     their weights keep more resolution).
//  3. Each system in play has a capacity c: the "capacity" of its system
//     record (spare CPU, or configured units in simulation mode).
//     CHOICE: a system in play without a system record is given the mean
//     capacity of the systems in play that have one (an equal share: it is
//     neither favoured nor starved while its agent is missing); when none
//     has a record, or all capacities are 0, every system in play gets
//     c = 1 (equal weights: the Sysplex Distributor routes round-robin when
//     WLM has no weights).
//  4. System weight  SW = round(c × 64 / Σ c over the systems in play),
//     rounded half away from zero; a system with c > 0 whose SW rounds to 0
//     gets 1. Systems not in play have SW = 0.
//       Capacities 12 : 4        -> 48 : 16.
//       Capacities 4 : 8 : 16    -> 9 : 18 : 37 (ratio ≈ 4 : 8 : 16).
//  5. Server weight  w = round(SW / n × health / 100 × load), where n is the
//     number of eligible servers on its system (WLM: system weight / number
//     of registered servers), health / 100 is the health factor (IWMSRSRG
//     HEALTH=, 100 when never set) and
//       load = 1 − active / max_sockets   (CHOICE: the share of its
//              connection slots still free; 1 when it publishes neither),
//     then clamped to 1..64 for an eligible server (a server in the list
//     always gets some work: IWMSRSRS returns weights 1-64), 0 otherwise.
//
// The weights are relative: a client (or HAProxy, or the distributor) sends
// each server w / Σ w of the new connections.
// Thread-safety: pure functions; results are plain values.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "registry/record.h"
#include "registry/wlm_records.h"

namespace drdaplex::registry {

inline constexpr int kWlmMaxWeight = 64;

// Why a server is not eligible ("" when it is).
inline constexpr char kWlmReasonInactive[] = "inactive";
inline constexpr char kWlmReasonHealth0[] = "health-0";
inline constexpr char kWlmReasonNoFreeSlot[] = "no-free-slot";

struct WlmSystemWeight {
  std::string system;
  bool has_record = false;        // a system record was registered
  double capacity = 0;            // from the record (0 without one)
  std::string mode;               // from the record ("" without one)
  double effective_capacity = 0;  // what step 3 used (0 when not in play)
  size_t servers = 0;             // registered servers on the system
  size_t eligible_servers = 0;
  int weight = 0;  // 0..64

  bool operator==(const WlmSystemWeight&) const = default;
};

struct WlmServerWeight {
  WlmServer server;
  bool eligible = false;
  std::string reason;        // kWlmReason*, "" when eligible
  int system_weight = 0;     // its system's weight
  double health_factor = 1;  // health / 100
  double load_factor = 1;    // 1 − active / max_sockets, or 1
  int weight = 0;            // 1..64 when eligible, else 0

  bool operator==(const WlmServerWeight&) const = default;
};

struct WlmWeights {
  std::vector<WlmSystemWeight> systems;  // ordered by name
  std::vector<WlmServerWeight> servers;  // ordered by (system, triplet)

  // The weighted list: the eligible servers only, in the order above.
  std::vector<WlmServerWeight> Weighted() const;
  const WlmServerWeight* FindServer(const std::string& system, const std::string& triplet) const;
  const WlmSystemWeight* FindSystem(const std::string& system) const;
};

// Steps 1-5 over every record of kind "server" and "system" in `members`
// (other kinds are ignored; so is a second record of the same system or of
// the same (system, triplet), which the registry never holds).
WlmWeights ComputeWlmWeights(const std::vector<MemberRecord>& members);

// Step 1 alone: "" when eligible, else the reason.
std::string WlmIneligibility(const WlmServer& server);

// Rows of the registry's "wlm" reply. A server row:
//   {"system","server","host_name","user_data","address","drda","handoff",
//    "agent","health","active","max_sockets","system_weight","server_weight"
//    [,"eligible","reason" when with_eligibility]}
// (active and max_sockets null when not published); a system row:
//   {"system","capacity","mode","effective_capacity","servers",
//    "eligible_servers","weight"} (capacity and mode null without a record).
nlohmann::ordered_json WlmServerRow(const WlmServerWeight& server, bool with_eligibility);
nlohmann::ordered_json WlmSystemRow(const WlmSystemWeight& system);

}  // namespace drdaplex::registry
