// RoutingModel: one immutable picture of the plex as the router routes it,
// built from what the registry reported, the operators' stops and the
// connection counts, together with the ExitSnapshot the routing exit sees
// of the same picture. The built-in rule's questions (who can serve this
// alias? is it known at all? why not?) are pure functions of a model.
//
// Statuses are the effective ones: an ODBM the operator stopped is INACTIVE
// (X'40'), one that left the plex DISCONNECTED (X'20'), one the caller asked
// to exclude for this request (a failed connect) UNREACHABLE (X'10'); a
// stopped or unreported datastore is INACTIVE.
//
// Names: every name keeps the spelling the registry used for display and
// targets, plus a normalized `key` (upper case) that everything compares.
//
// Ownership: a model owns all its data; share it by shared_ptr<const>.
// Thread-safety: immutable after BuildRoutingModel; share freely.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "drdaplex/hwsrout0.h"
#include "router/exit/exit_snapshot.h"
#include "router/routing/connection_lease.h"
#include "router/routing/operator_stops.h"
#include "router/routing/plex_view.h"

namespace drdaplex::router {

// What the registry last said about one ODBM. `description` is normalized
// on the way in (names trimmed, aliases upper-cased and de-duplicated).
struct RegisteredOdbm {
  OdbmDescription description;
  bool connected = true;  // false after MarkGone or absent from ReplaceAll
  std::string reason;     // why it is disconnected
};

struct ModelDatastore {
  std::string name;
  std::string key;
  bool active = true;     // as the ODBM reported it
  bool stopped = false;   // router-side STOP of this datastore
  bool routable = false;  // active, not stopped, and its ODBM routable
  hwsr_datastore_status_t status = HWSR_DATASTORE_ACTIVE;  // effective
  uint64_t connections = 0;
  uint64_t total = 0;
};

struct ModelAlias {
  std::string key;        // the alias name (upper case)
  size_t datastore = 0;   // index into ModelOdbm::datastores
  bool implicit = false;  // a datastore name used as its own alias
  bool in_router = true;  // false after STOP(ROUTE)
  bool routable = false;  // in_router and its datastore routable
  uint64_t connections = 0;
};

struct ModelOdbm {
  std::string name;
  std::string key;
  std::string address;
  hwsr_odbm_status_t status = HWSR_ODBM_ACTIVE;  // effective, see above
  uint32_t health = 100;
  bool stopped = false;  // router-side STOP
  std::string reason;    // why not active, empty when active
  uint64_t connections = 0;
  uint64_t total = 0;
  std::vector<ModelDatastore> datastores;
  // Explicit aliases first, then the implicit ones: a datastore whose name
  // is not already an alias in this ODBM serves as its own alias.
  std::vector<ModelAlias> aliases;

  bool routable() const { return status == HWSR_ODBM_ACTIVE; }
};

struct RoutingModel {
  uint64_t generation = 0;
  std::vector<ModelOdbm> odbms;  // in name order
  // Stops remembered for aliases no ODBM has (for the operator display).
  std::map<std::string, std::vector<std::string>> remembered_alias_stops;
  // The exit's view of the same picture; carries explicit aliases only, as
  // the ODBMs reported them (exits apply the datastore-name rule themselves).
  std::shared_ptr<const ExitSnapshot> snapshot;

  const ModelOdbm* FindOdbm(const std::string& key) const;
};

// Builds a model. `exclude` holds normalized ODBM names to treat as
// UNREACHABLE. Counts come from `counters` as they are during the call.
std::shared_ptr<const RoutingModel> BuildRoutingModel(
    const std::map<std::string, RegisteredOdbm>& odbms, const OperatorStops& stops,
    const CounterMap& counters, const std::set<std::string>& exclude, uint64_t generation);

// One (ODBM, datastore) pair that can take a connection.
struct Candidate {
  const ModelOdbm* odbm = nullptr;
  const ModelDatastore* datastore = nullptr;
};

// The built-in rule's candidates, in model order. Blank alias: every
// routable datastore of every routable ODBM. Otherwise: every routable
// (ODBM, datastore) pair where the alias is routable, explicit or implicit.
// With `only`, just the pairs of that ODBM.
std::vector<Candidate> FindCandidates(const RoutingModel& model, const std::string& alias,
                                      const ModelOdbm* only = nullptr);

// True when some ODBM in the model, in any state, has the alias or a
// datastore of that name. A blank alias is always known.
bool AliasKnown(const RoutingModel& model, const std::string& alias);

// Why no pair can serve `alias` (optionally within `only`): one short
// phrase per owner, e.g. "ODBMB2 is DISCONNECTED (left the plex)",
// "route stopped on ODBMB1", "datastore IMS1 of ODBMB1 is INACTIVE".
std::string DescribeUnroutable(const RoutingModel& model, const std::string& alias,
                               const ModelOdbm* only = nullptr);

// "ACTIVE", "INACTIVE", "DISCONNECTED", "UNREACHABLE" (or "X'nn'").
std::string OdbmStatusName(hwsr_odbm_status_t status);
// "ACTIVE", "INACTIVE", "DISCONNECTED" (or "nn").
std::string DatastoreStatusName(hwsr_datastore_status_t status);

}  // namespace drdaplex::router
