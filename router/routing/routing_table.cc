// RoutingTable: registry input, the routing decision, connection accounting
// and operator stops.
#include "router/routing/routing_table.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <utility>

#include "router/routing/routing_key.h"

namespace drdaplex::router {
namespace {

std::string AliasText(const std::string& alias) {
  return alias.empty() ? std::string("a blank alias") : "alias " + alias;
}

std::string_view ExitOutcomeName(ExitOutcome outcome) {
  switch (outcome) {
    case ExitOutcome::kOk:
      return "ok";
    case ExitOutcome::kExitFailed:
      return "failed";
    case ExitOutcome::kTimedOut:
      return "timed out";
    case ExitOutcome::kInvalidDecision:
      return "returned an invalid decision";
    case ExitOutcome::kOverloaded:
      return "is overloaded";
  }
  return "failed";
}

// Trims names, upper-cases and de-duplicates aliases, drops nameless
// datastores and repeated datastore names (the first one wins).
OdbmDescription Normalized(const OdbmDescription& in) {
  OdbmDescription out;
  out.name = TrimBlanks(in.name);
  out.address = TrimBlanks(in.address);
  out.health = in.health;
  out.active = in.active;
  std::set<std::string> seen_datastores;
  for (const DatastoreDescription& ds : in.datastores) {
    const std::string key = NormalizeName(ds.name);
    if (key.empty() || !seen_datastores.insert(key).second) {
      spdlog::warn("ODBM {}: ignoring datastore [{}] (empty or repeated name)", out.name, ds.name);
      continue;
    }
    DatastoreDescription clean;
    clean.name = TrimBlanks(ds.name);
    clean.active = ds.active;
    std::set<std::string> seen_aliases;
    for (const std::string& alias : ds.aliases) {
      std::string name = NormalizeName(alias);
      if (!name.empty() && seen_aliases.insert(name).second) clean.aliases.push_back(name);
    }
    out.datastores.push_back(std::move(clean));
  }
  return out;
}

std::set<std::string> NormalizedSet(const std::set<std::string>& names) {
  std::set<std::string> out;
  for (const std::string& name : names) out.insert(NormalizeName(name));
  return out;
}

// Concrete names for an operator's pattern: the name itself when it has no
// wildcard (remembered even if nothing has it yet), else every name in
// `known` that matches.
std::vector<std::string> Expand(std::string_view pattern, const std::set<std::string>& known) {
  if (!IsWildcard(pattern)) {
    std::string name = NormalizeName(pattern);
    if (name.empty()) return {};
    return {name};
  }
  std::vector<std::string> out;
  for (const std::string& name : known) {
    if (NameMatches(pattern, name)) out.push_back(name);
  }
  return out;
}

}  // namespace

RoutingTable::RoutingTable(ExitHolder& exit, RoutingPolicy policy) : exit_(exit) {
  SetPolicy(std::move(policy));
}

void RoutingTable::SetPolicy(RoutingPolicy policy) {
  // Normalized once here so Route() compares without allocating per entry.
  auto normalized = std::make_shared<RoutingPolicy>();
  normalized->on_exit_failure = policy.on_exit_failure;
  for (const auto& [alias, users] : policy.alias_users) {
    std::set<std::string>& out = normalized->alias_users[NormalizeName(alias)];
    for (const std::string& user : users) out.insert(NormalizeName(user));
  }
  std::lock_guard<std::mutex> lock(mu_);
  policy_ = std::move(normalized);
}

// ---- Registry input ---------------------------------------------------------

void RoutingTable::UpsertLocked(OdbmDescription odbm) {
  odbm = Normalized(odbm);
  std::string key = NormalizeName(odbm.name);
  if (key.empty()) {
    spdlog::warn("ignoring an ODBM description without a name (address [{}])", odbm.address);
    return;
  }
  RegisteredOdbm& reg = odbms_[key];
  reg.description = std::move(odbm);
  reg.connected = true;
  reg.reason.clear();
}

void RoutingTable::Upsert(OdbmDescription odbm) {
  std::lock_guard<std::mutex> lock(mu_);
  UpsertLocked(std::move(odbm));
  ++generation_;
}

void RoutingTable::ReplaceAll(std::vector<OdbmDescription> odbms) {
  std::lock_guard<std::mutex> lock(mu_);
  std::set<std::string> listed;
  for (OdbmDescription& odbm : odbms) {
    listed.insert(NormalizeName(odbm.name));
    UpsertLocked(std::move(odbm));
  }
  for (auto& [key, reg] : odbms_) {
    if (listed.count(key) || !reg.connected) continue;
    reg.connected = false;
    reg.reason = "not in the registry's member list";
  }
  ++generation_;
}

void RoutingTable::MarkGone(std::string_view odbm, std::string_view reason) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = odbms_.find(NormalizeName(odbm));
  if (it == odbms_.end()) return;
  it->second.connected = false;
  it->second.reason = reason.empty() ? "left the plex" : std::string(reason);
  ++generation_;
}

// ---- Models -----------------------------------------------------------------

std::shared_ptr<const RoutingModel> RoutingTable::CurrentModelLocked() const {
  // Read the epoch before the counts: a change racing with the build bumps
  // it again, so the next call rebuilds.
  const uint64_t epoch = epoch_->load(std::memory_order_acquire);
  if (model_ == nullptr || model_->generation != generation_ || model_epoch_ != epoch) {
    model_ = BuildRoutingModel(odbms_, stops_, counters_, {}, generation_);
    model_epoch_ = epoch;
  }
  return model_;
}

std::shared_ptr<const RoutingModel> RoutingTable::CurrentModel() const {
  std::lock_guard<std::mutex> lock(mu_);
  return CurrentModelLocked();
}

std::shared_ptr<const ExitSnapshot> RoutingTable::Snapshot() const {
  return CurrentModel()->snapshot;
}

uint64_t RoutingTable::generation() const {
  std::lock_guard<std::mutex> lock(mu_);
  return generation_;
}

size_t RoutingTable::NextCursor(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<size_t>(cursors_[key]++);
}

// ---- Routing ----------------------------------------------------------------

RouteResult RoutingTable::Route(const RouteRequest& request) {
  const std::string alias = NormalizeName(request.alias);
  const std::set<std::string> exclude = NormalizedSet(request.exclude);
  std::shared_ptr<const RoutingModel> model;
  std::shared_ptr<const RoutingPolicy> policy;
  {
    std::lock_guard<std::mutex> lock(mu_);
    model = exclude.empty() ? CurrentModelLocked()
                            : BuildRoutingModel(odbms_, stops_, counters_, exclude, generation_);
    policy = policy_;
  }

  ExitRequest exit_request;
  exit_request.alias = alias;
  exit_request.psb_name = request.psb_name;
  exit_request.user_id = request.user_id;
  exit_request.client_address = request.client_address;
  exit_request.router_name = request.router_name;
  exit_request.connection_id = request.connection_id;
  const ExitResult exit_result = exit_.Route(exit_request, model->snapshot);

  RouteResult result = Decide(*model, *policy, request, alias, exit_result);
  if (!result.ok) {
    spdlog::debug("connection {}: {} ({})", request.connection_id, result.message,
                  result.log_reason);
  }
  DecisionRecord record;
  record.time = std::chrono::system_clock::now();
  record.connection_id = request.connection_id;
  record.user = request.user_id;
  record.client = request.client_address;
  record.alias = alias;
  record.effective = result.ok ? result.target.alias : alias;
  record.failure = result.failure;
  record.odbm = result.target.odbm;
  record.datastore = result.target.datastore;
  record.reason = result.log_reason;
  log_.Record(std::move(record));
  return result;
}

RouteResult RoutingTable::Decide(const RoutingModel& model, const RoutingPolicy& policy,
                                 const RouteRequest& request, const std::string& alias,
                                 const ExitResult& exit_result) {
  RouteResult result;
  auto fail = [&](RouteFailure kind, std::string message, std::string why) {
    result.failure = kind;
    result.message = std::move(message);
    result.log_reason = std::move(why);
    return result;
  };

  std::string effective = alias;
  const ModelOdbm* only = nullptr;         // the exit chose this ODBM
  const ModelDatastore* chosen = nullptr;  // ... and this datastore of it
  std::string how = "built-in rule";
  if (!exit_result.ok()) {
    std::string why = fmt::format("routing exit {}: {}", ExitOutcomeName(exit_result.outcome),
                                  exit_result.reason);
    if (policy.on_exit_failure == RoutingPolicy::OnExitFailure::kReject) {
      spdlog::warn("connection {} for {}: {}; refusing it", request.connection_id, AliasText(alias),
                   why);
      return fail(RouteFailure::kExitFailed,
                  fmt::format("{}: the routing exit failed; connection refused", AliasText(alias)),
                  std::move(why));
    }
    spdlog::warn("connection {} for {}: {}; using the built-in rule", request.connection_id,
                 AliasText(alias), why);
    how = why + "; built-in rule";
  } else {
    const ExitDecision& decision = exit_result.decision;
    switch (decision.action) {
      case HWSR_REJECT:
        return fail(RouteFailure::kRejected,
                    fmt::format("{}: connection rejected by the routing exit: {}", AliasText(alias),
                                decision.message),
                    "rejected by the routing exit: " + decision.message);
      case HWSR_ROUTE_ALIAS:
        effective = NormalizeName(decision.alias);
        how = fmt::format("exit chose {}", AliasText(effective));
        break;
      case HWSR_ROUTE_ODBM:
        // Validated against this model's snapshot: the ODBM (and datastore)
        // exist and are active there.
        only = model.FindOdbm(NormalizeName(decision.odbm));
        if (only == nullptr) {
          return fail(
              RouteFailure::kExitFailed,
              fmt::format("{}: the routing exit failed; connection refused", AliasText(alias)),
              fmt::format("exit named ODBM [{}], not in the table", decision.odbm));
        }
        for (const ModelDatastore& ds : only->datastores) {
          if (!decision.datastore.empty() && ds.key == NormalizeName(decision.datastore)) {
            chosen = &ds;
          }
        }
        how = fmt::format("exit chose ODBM {}{}", only->name,
                          chosen ? " datastore " + chosen->name : std::string());
        break;
      case HWSR_ROUTE_DEFAULT:
        break;
    }
  }

  if (auto it = policy.alias_users.find(effective);
      it != policy.alias_users.end() && !it->second.count(NormalizeName(request.user_id))) {
    return fail(
        RouteFailure::kNotAuthorized,
        fmt::format("user {} is not authorized for {}", request.user_id, AliasText(effective)),
        fmt::format("{}; user {} not in the alias's user list", how, request.user_id));
  }

  std::vector<Candidate> candidates;
  if (chosen != nullptr) {
    if (chosen->routable) candidates.push_back({only, chosen});
  } else {
    candidates = FindCandidates(model, effective, only);
  }
  if (candidates.empty()) {
    if (!AliasKnown(model, effective)) {
      return fail(RouteFailure::kUnknownAlias,
                  fmt::format("{} is not known to any ODBM in the plex", AliasText(effective)),
                  how + "; unknown alias");
    }
    std::string why = chosen != nullptr ? fmt::format("datastore {} of {} is not active",
                                                      chosen->name, only->name)
                                        : DescribeUnroutable(model, effective, only);
    return fail(RouteFailure::kNotRoutable,
                fmt::format("{} is not routable now: {}", AliasText(effective), why),
                fmt::format("{}; {}", how, why));
  }

  // One cursor per alias (and per chosen ODBM), so a shared alias alternates
  // whatever other aliases do in between.
  std::string cursor_key = effective;
  if (only != nullptr) cursor_key += "\x1f" + only->key;
  const Candidate& pick = candidates.size() == 1
                              ? candidates[0]
                              : candidates[NextCursor(cursor_key) % candidates.size()];
  result.ok = true;
  result.target = {pick.odbm->name, pick.odbm->address, pick.datastore->name, effective};
  result.log_reason = fmt::format("{}: {} -> {}/{} (1 of {})", how, AliasText(effective),
                                  pick.odbm->name, pick.datastore->name, candidates.size());
  return result;
}

ConnectionLease RoutingTable::Acquire(const RouteTarget& target) {
  const std::string odbm = NormalizeName(target.odbm);
  if (odbm.empty()) return {};
  const std::string datastore = NormalizeName(target.datastore);
  const std::string alias = NormalizeName(target.alias);
  std::array<std::shared_ptr<CounterBlock>, ConnectionLease::kMaxBlocks> blocks;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto block = [&](const std::string& key) {
      std::shared_ptr<CounterBlock>& slot = counters_[key];
      if (slot == nullptr) slot = std::make_shared<CounterBlock>();
      return slot;
    };
    blocks[0] = block(CounterKey(odbm));
    if (!datastore.empty()) {
      blocks[1] = block(CounterKey(odbm, datastore));
      if (!alias.empty()) blocks[2] = block(CounterKey(odbm, datastore, alias));
    }
  }
  return ConnectionLease(std::move(blocks), epoch_);
}

// ---- Operator state ---------------------------------------------------------

size_t RoutingTable::UpdateAlias(std::string_view name, const std::vector<std::string>& odbms,
                                 bool stop) {
  std::lock_guard<std::mutex> lock(mu_);
  std::set<std::string> known_aliases;
  std::set<std::string> known_odbms;
  for (const auto& [key, reg] : odbms_) {
    known_odbms.insert(key);
    for (const DatastoreDescription& ds : reg.description.datastores) {
      known_aliases.insert(NormalizeName(ds.name));  // implicit alias
      known_aliases.insert(ds.aliases.begin(), ds.aliases.end());
    }
  }
  for (const std::string& remembered : stops_.StoppedAliasNames()) {
    known_aliases.insert(remembered);
  }
  const std::vector<std::string> names = Expand(name, known_aliases);
  std::vector<std::string> odbm_keys;
  for (const std::string& odbm : odbms) {
    for (std::string& key : Expand(odbm, known_odbms)) odbm_keys.push_back(std::move(key));
  }
  // An ODBM list that expanded to nothing must not turn into "every ODBM".
  if (names.empty() || (!odbms.empty() && odbm_keys.empty())) return 0;
  for (const std::string& alias : names) {
    if (stop) {
      stops_.StopAlias(alias, odbm_keys);
    } else {
      stops_.StartAlias(alias, odbm_keys);
    }
  }
  ++generation_;

  const std::set<std::string> name_set(names.begin(), names.end());
  const std::set<std::string> odbm_set(odbm_keys.begin(), odbm_keys.end());
  size_t matched = 0;
  for (const auto& [key, reg] : odbms_) {
    if (!odbm_set.empty() && !odbm_set.count(key)) continue;
    std::set<std::string> here;
    for (const DatastoreDescription& ds : reg.description.datastores) {
      here.insert(NormalizeName(ds.name));
      here.insert(ds.aliases.begin(), ds.aliases.end());
    }
    for (const std::string& alias : here) matched += name_set.count(alias);
  }
  return matched;
}

size_t RoutingTable::UpdateOdbm(std::string_view name, bool stop) {
  std::lock_guard<std::mutex> lock(mu_);
  std::set<std::string> known(stops_.stopped_odbms());
  for (const auto& [key, reg] : odbms_) known.insert(key);
  const std::vector<std::string> keys = Expand(name, known);
  if (keys.empty()) return 0;
  size_t matched = 0;
  for (const std::string& key : keys) {
    if (stop) {
      stops_.StopOdbm(key);
    } else {
      stops_.StartOdbm(key);
    }
    matched += odbms_.count(key);
  }
  ++generation_;
  return matched;
}

size_t RoutingTable::UpdateDatastore(std::string_view odbm, std::string_view name, bool stop) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string odbm_pattern = NormalizeName(odbm).empty() ? "*" : std::string(odbm);
  std::set<std::pair<std::string, std::string>> present;
  for (const auto& [key, reg] : odbms_) {
    for (const DatastoreDescription& ds : reg.description.datastores) {
      present.insert({key, NormalizeName(ds.name)});
    }
  }
  std::vector<std::pair<std::string, std::string>> pairs;
  if (!IsWildcard(odbm_pattern) && !IsWildcard(name)) {
    std::pair<std::string, std::string> pair{NormalizeName(odbm_pattern), NormalizeName(name)};
    if (!pair.second.empty()) pairs.push_back(std::move(pair));
  } else {
    std::set<std::pair<std::string, std::string>> known(present);
    known.insert(stops_.stopped_datastores().begin(), stops_.stopped_datastores().end());
    for (const auto& pair : known) {
      if (NameMatches(odbm_pattern, pair.first) && NameMatches(name, pair.second)) {
        pairs.push_back(pair);
      }
    }
  }
  if (pairs.empty()) return 0;
  size_t matched = 0;
  for (const auto& [o, d] : pairs) {
    if (stop) {
      stops_.StopDatastore(o, d);
    } else {
      stops_.StartDatastore(o, d);
    }
    matched += present.count({o, d});
  }
  ++generation_;
  return matched;
}

size_t RoutingTable::StopAliasRoute(std::string_view name, const std::vector<std::string>& odbms) {
  return UpdateAlias(name, odbms, true);
}
size_t RoutingTable::StartAliasRoute(std::string_view name, const std::vector<std::string>& odbms) {
  return UpdateAlias(name, odbms, false);
}
size_t RoutingTable::StopOdbm(std::string_view name) { return UpdateOdbm(name, true); }
size_t RoutingTable::StartOdbm(std::string_view name) { return UpdateOdbm(name, false); }
size_t RoutingTable::StopDatastore(std::string_view odbm, std::string_view name) {
  return UpdateDatastore(odbm, name, true);
}
size_t RoutingTable::StartDatastore(std::string_view odbm, std::string_view name) {
  return UpdateDatastore(odbm, name, false);
}

// ---- Display ----------------------------------------------------------------

PlexRows RoutingTable::Rows() const {
  const std::shared_ptr<const RoutingModel> model = CurrentModel();
  PlexRows rows;
  rows.generation = model->generation;
  for (const ModelOdbm& odbm : model->odbms) {
    rows.odbms.push_back({odbm.name, OdbmStatusName(odbm.status), odbm.health, odbm.address,
                          odbm.datastores.size(), odbm.connections, odbm.total, odbm.stopped,
                          odbm.reason});
    for (const ModelDatastore& ds : odbm.datastores) {
      rows.datastores.push_back({odbm.name, ds.name, DatastoreStatusName(ds.status), ds.connections,
                                 ds.total, ds.stopped});
    }
    for (const ModelAlias& alias : odbm.aliases) {
      rows.aliases.push_back({alias.key, odbm.name, odbm.datastores[alias.datastore].name,
                              OdbmStatusName(odbm.status), true, alias.in_router, alias.routable,
                              alias.connections});
    }
  }
  for (const auto& [alias, scope] : model->remembered_alias_stops) {
    rows.aliases.push_back(
        {alias, fmt::format("{}", fmt::join(scope, ",")), "-", "-", false, false, false, 0});
  }
  return rows;
}

}  // namespace drdaplex::router
