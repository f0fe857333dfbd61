// RoutingTable: the router's picture of the plex and the routing decision
// for each new connection, the way IMS Connect routes to ODBMs.
//
// Inputs: the registry's reports (ReplaceAll, Upsert, MarkGone), the
// operators' stops, the routing exit (through an ExitHolder) and the
// RoutingPolicy. Output of Route(): a target (ODBM, address, datastore,
// effective alias) or a failure kind with a client-visible message.
//
// The rule, for an alias (the client's, or the one the exit chose):
//   - blank: round-robin over every routable (ODBM, datastore) pair;
//   - otherwise: round-robin over the pairs where the alias is routable
//     (active in its ODBM and in the router, ODBM and datastore active). A
//     datastore name that is not an alias in its ODBM serves as its own
//     alias. One cursor per alias, so a shared alias alternates.
// The exit may instead name an ODBM (optionally a datastore): then that
// datastore, or the rule applied inside that ODBM only (blank: all its
// active datastores; an alias: its datastores serving the alias; one it
// does not serve fails as not routable, as the ODBM would refuse it). A
// datastore the exit names explicitly is used even if the alias is stopped
// there: the exit is the operator's override. Never routes to an inactive
// ODBM or datastore.
//
// Names compare case-insensitively (normalized to upper case); targets keep
// the registry's spelling. The alias passed to the exit is the normalized
// (upper-case, trimmed) routing key, as IMS exits expect.
//
// The exit snapshot: one per table generation and counts change, built on
// demand and shared with every exit call made while it is current; counts
// in it are those at build time. Building is O(size of the plex), cheap
// next to a connection set-up. Retries with RouteRequest::exclude get a
// private snapshot in which the excluded ODBMs are UNREACHABLE (X'10'), so
// exits avoid them and a decision naming one is refused.
//
// Ownership: the table refers to the ExitHolder given to the constructor,
// which must outlive it. Leases share the counters and may outlive the
// table.
// Thread-safety: every public method may be called concurrently. One mutex
// guards the table state and is never held while the exit runs; decision
// history has its own.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "router/exit/routing_exit.h"
#include "router/routing/connection_lease.h"
#include "router/routing/decision_log.h"
#include "router/routing/operator_stops.h"
#include "router/routing/plex_view.h"
#include "router/routing/route_types.h"
#include "router/routing/routing_model.h"
#include "router/routing/routing_policy.h"

namespace drdaplex::router {

// Display rows: a consistent copy of the table (one model) at one moment.
struct OdbmRow {
  std::string name;
  std::string status;  // ACTIVE, INACTIVE, DISCONNECTED, UNREACHABLE
  uint32_t health = 0;
  std::string address;
  size_t datastores = 0;
  uint64_t connections = 0;  // live
  uint64_t total = 0;        // routed connections counted in so far
  bool stopped = false;      // router-side STOP
  std::string reason;        // why not active; empty when active
};

struct DatastoreRow {
  std::string odbm;
  std::string name;
  std::string status;  // ACTIVE, INACTIVE, DISCONNECTED
  uint64_t connections = 0;
  uint64_t total = 0;
  bool stopped = false;
};

struct AliasRow {
  std::string alias;
  std::string odbm;         // "*" etc. for a remembered stop (see below)
  std::string datastore;    // "-" for a remembered stop
  std::string odbm_status;  // "-" for a remembered stop
  bool in_odbm = false;     // false only for a remembered stop
  bool in_router = true;
  bool routable = false;
  uint64_t connections = 0;
};

struct PlexRows {
  uint64_t generation = 0;
  std::vector<OdbmRow> odbms;
  std::vector<DatastoreRow> datastores;
  // Aliases per (ODBM, datastore), implicit ones (datastore names) included,
  // then one row per stop remembered for an alias no ODBM has: odbm is the
  // scope ("*" = all ODBMs, "-NAME" = started again there, or ODBM names).
  std::vector<AliasRow> aliases;
};

class RoutingTable {
 public:
  RoutingTable(ExitHolder& exit, RoutingPolicy policy = {});
  RoutingTable(const RoutingTable&) = delete;
  RoutingTable& operator=(const RoutingTable&) = delete;

  // ---- Registry input; each bumps the generation. ----
  // A full registry snapshot: every listed ODBM as Upsert; ODBMs not listed
  // become DISCONNECTED but stay listed (operators still see them).
  void ReplaceAll(std::vector<OdbmDescription> odbms);
  // An ODBM joined or changed: its description is replaced and it is
  // connected again (ACTIVE unless the registry says inactive or an operator
  // stopped it). A description without a name is ignored (logged).
  void Upsert(OdbmDescription odbm);
  // An ODBM left: DISCONNECTED with `reason`; its counters are kept. An
  // unknown name is ignored.
  void MarkGone(std::string_view odbm, std::string_view reason);

  // ---- Routing ----
  // Decides where a new connection goes; calls the exit (without holding
  // any lock), records the decision. Never throws for bad input.
  RouteResult Route(const RouteRequest& request);
  // Counts a connection to `target` in (live and total for its ODBM,
  // datastore and alias) until the lease is destroyed. An empty target
  // (no ODBM) gives an empty lease.
  ConnectionLease Acquire(const RouteTarget& target);

  // ---- Operator state (UPDATE IMSCON ...) ----
  // Names may end with '*' (IMS wildcard). Each returns how many entries
  // now in the table matched: for aliases the (alias, ODBM) pairs, for
  // ODBMs the ODBMs, for datastores the (ODBM, datastore) pairs. A name
  // without a wildcard that matches nothing is remembered anyway (it applies
  // when an ODBM registers it) and 0 is returned; a wildcard that matches
  // nothing changes nothing. An empty name changes nothing.
  // `odbms` empty = every ODBM, present and future.
  size_t StopAliasRoute(std::string_view name, const std::vector<std::string>& odbms = {});
  size_t StartAliasRoute(std::string_view name, const std::vector<std::string>& odbms = {});
  // STOP(COMM)-like: the ODBM is INACTIVE (X'40') for routing.
  size_t StopOdbm(std::string_view name);
  size_t StartOdbm(std::string_view name);
  // `odbm` empty or "*" = that datastore name in every ODBM (not remembered
  // when none has it: a stop for a future datastore needs its ODBM's name).
  size_t StopDatastore(std::string_view odbm, std::string_view name);
  size_t StartDatastore(std::string_view odbm, std::string_view name);

  void SetPolicy(RoutingPolicy policy);

  // ---- Display ----
  PlexRows Rows() const;
  std::vector<DecisionCount> DecisionCounts() const { return log_.Counts(); }
  std::vector<DecisionRecord> History() const { return log_.History(); }
  // The snapshot an exit called now would see.
  std::shared_ptr<const ExitSnapshot> Snapshot() const;
  uint64_t generation() const;

 private:
  std::shared_ptr<const RoutingModel> CurrentModelLocked() const;
  std::shared_ptr<const RoutingModel> CurrentModel() const;
  // Applies the exit's answer and the rule; needs the cursors (takes mu_).
  RouteResult Decide(const RoutingModel& model, const RoutingPolicy& policy,
                     const RouteRequest& request, const std::string& alias,
                     const ExitResult& exit_result);
  size_t NextCursor(const std::string& key);
  void UpsertLocked(OdbmDescription odbm);
  size_t UpdateAlias(std::string_view name, const std::vector<std::string>& odbms, bool stop);
  size_t UpdateOdbm(std::string_view name, bool stop);
  size_t UpdateDatastore(std::string_view odbm, std::string_view name, bool stop);

  ExitHolder& exit_;
  const std::shared_ptr<CountsEpoch> epoch_ = std::make_shared<CountsEpoch>(0);
  DecisionLog log_;

  mutable std::mutex mu_;
  std::shared_ptr<const RoutingPolicy> policy_;        // guarded by mu_
  std::map<std::string, RegisteredOdbm> odbms_;        // guarded by mu_; key: normalized
  OperatorStops stops_;                                // guarded by mu_
  CounterMap counters_;                                // guarded by mu_ (the map, not the blocks)
  std::map<std::string, uint64_t> cursors_;            // guarded by mu_
  uint64_t generation_ = 1;                            // guarded by mu_
  mutable std::shared_ptr<const RoutingModel> model_;  // guarded by mu_; cache
  mutable uint64_t model_epoch_ = 0;                   // guarded by mu_
};

}  // namespace drdaplex::router
