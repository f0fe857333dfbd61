// DistributionEngine: the Sysplex Distributor's decision for each NEW
// connection: which system (target stack), and which server (router) on
// it, by DISTMETHOD, and what the operator display shows. Pure: no
// sockets, no clocks of its own (the caller passes the time), no logging.
// Established connections are never moved; the engine only decides where
// new ones go.
//
// The caller feeds it: systems (SetSystems, SetSystemWeight), servers as
// they join, change and leave (UpsertServer, SetServerReady, SetHealth,
// SetServerWeight, RemoveServer), what became of each hand-over (Sent,
// then Accepted, Failed, Ended), and the time (Tick).
//
// Usable server: ready, on a target system (any system; with all_systems
// false only those given to SetSystems), TSR above 0 (unless HOTSTANDBY
// with NOHEALTHSWITCH), and health above 0 (HOTSTANDBY with HEALTHSWITCH).
// A system is available when it has a usable server; others get nothing.
//
// System-level choice, per method. "TSR of a system" and "health of a
// system" are the means (rounded down) over its ready servers, so one dead
// listener of two halves its system's share.
//  * ROUNDROBIN: each available system in turn, weights and health
//    ignored (smooth WRR with every weight 1: exact turns).
//  * BASEWLM: smooth weighted round-robin over
//      weight = system_weight * TSR,
//    Systems with weight 0 get nothing, unless every available system is
//    at 0: then all get 1 (forced round-robin). If an available system has
//    no WLM weight (-1), the whole group goes plain round-robin (flag R*):
//    a system that has not reported yet would otherwise be starved or
//    flood the others.
//  * SERVERWLM: as BASEWLM with
//      weight = sum over the system's usable servers of server_weight * TSR.
//    If any ready server has no server weight, the group falls back to
//    BASEWLM (flag B*), as z/OS shows BASEWLM*.
//  * WEIGHTEDACTIVE: effective weight
//      w = max(1, round(configured * health * TSR / 10000))
//    (round half up; floor 1 while the system is available). Each new
//    connection goes to the system furthest below its share:
//      argmin (active + 1) / w    (exact, by cross-multiplication),
//    ties in turn (the first tied system after the last chosen, by name).
//    "active" counts every connection Sent to the system's servers and not
//    yet Ended or Failed.
//  * HOTSTANDBY: HotStandbySelector (hot_standby.h); every connection goes
//    to the active system. With HEALTHSWITCH a system is available only
//    with a server that is ready, health > 0 and TSR > 0; without it, only
//    readiness counts (TSR 0 and health 0 are ignored, no probes).
// The weights shown (TargetRow::weight) are divided by the greatest common
// divisor of the positive ones (12 and 4 show as 3 and 1; the sequence of
// picks does not depend on the scale); WEIGHTEDACTIVE shows w itself.
//
// Inside the chosen system, over its usable servers:
//  * SHAREPORT (shareport_wlm false): rendezvous hash of the client's
//    4-tuple (shareport_hash.h): the same key stays on the same server.
//  * SHAREPORTWLM: smooth WRR over server_weight * TSR (a server without a
//    weight counts as weight 1); if all are 0, all count 1.
//
// TSR (tsr_meter.h): every tsr_interval, Tick closes each server's
// interval. A usable-but-for-TSR server (ready, TSR 0) gets no regular
// connections, only probes: before any regular choice, Pick returns a
// probe (Choice::probe) for the first such server (by id) whose probe is
// due; one per probe_interval per server.
//
// The caller's contract, per connection: Pick, then Sent(server) when the
// connection is handed over; then either Failed(server) (it never got
// there), or Accepted(server) if acknowledged and in any case Ended(server)
// when it closes. Calls naming an unknown server are ignored (it may have
// left meanwhile) and return false.
//
// Out-of-range inputs are clamped (health to 0..100, weights to 0..64 or
// -1, WEIGHT to 1..99, ranks to 0..254); CheckServer/CheckSystem
// (dist_types.h) give the caller a message to log or reject with.
//
// Ownership: owns copies of everything it is given.
// Thread-safety: not thread-safe; one distributor thread calls everything
// (or the caller serialises).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "distributor/core/dist_types.h"
#include "distributor/core/hot_standby.h"
#include "distributor/core/smooth_wrr.h"
#include "distributor/core/tsr_meter.h"

namespace drdaplex::distributor {

class DistributionEngine {
 public:
  explicit DistributionEngine(DistributorPolicy policy);

  const DistributorPolicy& policy() const { return policy_; }

  // Replaces every system's configuration; systems not listed get the
  // defaults (no WLM weight, WEIGHT 10, no HOTSTANDBY role).
  void SetSystems(std::vector<TargetSystem> systems);
  // Sets one system's WLM weight (creating its entry with defaults).
  void SetSystemWeight(std::string_view system, int weight);

  // Adds a server, or updates system/ready/health/server_weight of a known
  // one (its counts and TSR are kept). False (and nothing changes) when the
  // id or system is empty.
  bool UpsertServer(TargetServer server);
  bool RemoveServer(std::string_view id);
  bool SetServerReady(std::string_view id, bool ready);
  bool SetHealth(std::string_view id, int health);
  bool SetServerWeight(std::string_view id, int weight);

  // The target for one new connection; nullopt when nothing is available.
  std::optional<Choice> Pick(const ClientKey& key, TimePoint now);

  bool Sent(std::string_view id);
  bool Accepted(std::string_view id);
  bool Failed(std::string_view id);
  bool Ended(std::string_view id);

  // Closes the TSR interval when tsr_interval has passed since the last
  // close (or since the first Tick or Pick); true when it did.
  bool Tick(TimePoint now);

  // One row per server, by system then server id.
  std::vector<TargetRow> Rows() const;
  std::optional<TargetRow> Row(std::string_view id) const;

  // HOTSTANDBY: the active system now; nullopt for other methods or when
  // no system is available.
  std::optional<std::string> ActiveHotStandbySystem() const;
  // HOTSTANDBY: how often the active system changed.
  uint64_t HotStandbySwitches() const { return standby_.switches(); }

 private:
  struct ServerState {
    TargetServer info;
    TsrMeter tsr;
  };
  struct SystemView;
  struct GroupWeights;

  ServerState* Find(std::string_view id);
  TargetSystem SystemConfig(const std::string& name) const;
  bool TsrGates() const;
  bool OnTarget(const ServerState& server) const;
  bool Usable(const ServerState& server) const;
  std::vector<SystemView> BuildViews() const;
  GroupWeights ComputeWeights(const std::vector<SystemView>& views) const;
  GroupWeights SystemWeightsOrRoundRobin(const std::vector<SystemView>& views,
                                         const char* flag) const;
  void UpdateStandby();
  void UpdateStandby(const std::vector<SystemView>& views);
  std::optional<size_t> PickWeightedActive(const std::vector<SystemView>& views,
                                           const GroupWeights& weights);
  const ServerState* PickInSystem(const SystemView& view, const ClientKey& key);
  std::optional<Choice> PickProbe(TimePoint now);
  void StartClock(TimePoint now);

  DistributorPolicy policy_;
  std::map<std::string, ServerState, std::less<>> servers_;
  std::map<std::string, TargetSystem, std::less<>> systems_;
  SmoothWrr system_wrr_;
  std::map<std::string, SmoothWrr, std::less<>> server_wrr_;  // by system
  HotStandbySelector standby_;
  std::string last_weighted_active_;  // WEIGHTEDACTIVE tie rotation
  std::optional<TimePoint> interval_start_;
};

}  // namespace drdaplex::distributor
