// RoutingModel: building the picture and the rule's pure questions on it.
#include "router/routing/routing_model.h"

#include <fmt/format.h>

#include <set>
#include <utility>

#include "router/routing/routing_key.h"

namespace drdaplex::router {
namespace {

ModelOdbm BuildOdbm(const std::string& key, const RegisteredOdbm& reg, const OperatorStops& stops,
                    const CounterMap& counters, bool excluded) {
  const OdbmDescription& desc = reg.description;
  ModelOdbm odbm;
  odbm.name = desc.name;
  odbm.key = key;
  odbm.address = desc.address;
  odbm.health = desc.health;
  odbm.stopped = stops.OdbmStopped(key);
  // Most telling first: a departed ODBM is gone whatever else is true.
  if (!reg.connected) {
    odbm.status = HWSR_ODBM_DISCONNECTED;
    odbm.reason = reg.reason.empty() ? "left the plex" : reg.reason;
  } else if (excluded) {
    odbm.status = HWSR_ODBM_UNREACHABLE;
    odbm.reason = "excluded for this connection (connect failed)";
  } else if (odbm.stopped) {
    odbm.status = HWSR_ODBM_INACTIVE;
    odbm.reason = "stopped by operator";
  } else if (!desc.active) {
    odbm.status = HWSR_ODBM_INACTIVE;
    odbm.reason = "reported inactive by the registry";
  }
  if (const CounterBlock* c = FindCounters(counters, CounterKey(key))) {
    odbm.connections = c->Live();
    odbm.total = c->Total();
  }

  std::set<std::string> explicit_names;
  for (const DatastoreDescription& ds_desc : desc.datastores) {
    ModelDatastore ds;
    ds.name = ds_desc.name;
    ds.key = NormalizeName(ds_desc.name);
    ds.active = ds_desc.active;
    ds.stopped = stops.DatastoreStopped(key, ds.key);
    ds.routable = odbm.routable() && ds.active && !ds.stopped;
    ds.status = !reg.connected               ? HWSR_DATASTORE_DISCONNECTED
                : (ds.active && !ds.stopped) ? HWSR_DATASTORE_ACTIVE
                                             : HWSR_DATASTORE_INACTIVE;
    if (const CounterBlock* c = FindCounters(counters, CounterKey(key, ds.key))) {
      ds.connections = c->Live();
      ds.total = c->Total();
    }
    for (const std::string& alias : ds_desc.aliases) explicit_names.insert(alias);
    odbm.datastores.push_back(std::move(ds));
  }
  auto add_alias = [&](const std::string& name, size_t index, bool implicit) {
    const ModelDatastore& ds = odbm.datastores[index];
    ModelAlias alias;
    alias.key = name;
    alias.datastore = index;
    alias.implicit = implicit;
    alias.in_router = !stops.AliasStopped(name, key);
    alias.routable = alias.in_router && ds.routable;
    if (const CounterBlock* c = FindCounters(counters, CounterKey(key, ds.key, name))) {
      alias.connections = c->Live();
    }
    odbm.aliases.push_back(std::move(alias));
  };
  for (size_t i = 0; i < desc.datastores.size(); ++i) {
    for (const std::string& alias : desc.datastores[i].aliases) add_alias(alias, i, false);
  }
  for (size_t i = 0; i < odbm.datastores.size(); ++i) {
    if (!explicit_names.count(odbm.datastores[i].key)) {
      add_alias(odbm.datastores[i].key, i, true);
    }
  }
  return odbm;
}

// The exit's view: same statuses and counts, explicit aliases only.
ExitOdbmInfo ToExitInfo(const ModelOdbm& odbm) {
  ExitOdbmInfo info;
  info.name = odbm.name;
  info.status = odbm.status;
  info.health = odbm.health;
  info.connections = static_cast<uint32_t>(odbm.connections);
  for (const ModelDatastore& ds : odbm.datastores) {
    info.datastores.push_back({ds.name, ds.status, static_cast<uint32_t>(ds.connections)});
  }
  for (const ModelAlias& alias : odbm.aliases) {
    if (alias.implicit) continue;
    info.aliases.push_back(
        {alias.key, odbm.datastores[alias.datastore].name, true, alias.in_router});
  }
  return info;
}

}  // namespace

const ModelOdbm* RoutingModel::FindOdbm(const std::string& key) const {
  for (const ModelOdbm& odbm : odbms) {
    if (odbm.key == key) return &odbm;
  }
  return nullptr;
}

std::shared_ptr<const RoutingModel> BuildRoutingModel(
    const std::map<std::string, RegisteredOdbm>& odbms, const OperatorStops& stops,
    const CounterMap& counters, const std::set<std::string>& exclude, uint64_t generation) {
  auto model = std::make_shared<RoutingModel>();
  model->generation = generation;
  std::set<std::string> known_aliases;
  std::vector<ExitOdbmInfo> exit_view;
  for (const auto& [key, reg] : odbms) {
    model->odbms.push_back(BuildOdbm(key, reg, stops, counters, exclude.count(key) > 0));
    for (const ModelAlias& alias : model->odbms.back().aliases) known_aliases.insert(alias.key);
    exit_view.push_back(ToExitInfo(model->odbms.back()));
  }
  for (const std::string& name : stops.StoppedAliasNames()) {
    if (!known_aliases.count(name)) {
      model->remembered_alias_stops[name] = stops.AliasStopScope(name);
    }
  }
  model->snapshot = std::make_shared<const ExitSnapshot>(std::move(exit_view), generation);
  return model;
}

std::vector<Candidate> FindCandidates(const RoutingModel& model, const std::string& alias,
                                      const ModelOdbm* only) {
  std::vector<Candidate> out;
  for (const ModelOdbm& odbm : model.odbms) {
    if ((only != nullptr && &odbm != only) || !odbm.routable()) continue;
    if (alias.empty()) {
      for (const ModelDatastore& ds : odbm.datastores) {
        if (ds.routable) out.push_back({&odbm, &ds});
      }
      continue;
    }
    for (const ModelAlias& a : odbm.aliases) {
      if (a.key == alias && a.routable) out.push_back({&odbm, &odbm.datastores[a.datastore]});
    }
  }
  return out;
}

bool AliasKnown(const RoutingModel& model, const std::string& alias) {
  if (alias.empty()) return true;
  for (const ModelOdbm& odbm : model.odbms) {
    for (const ModelAlias& a : odbm.aliases) {
      if (a.key == alias) return true;
    }
  }
  return false;
}

std::string DescribeUnroutable(const RoutingModel& model, const std::string& alias,
                               const ModelOdbm* only) {
  std::vector<std::string> why;
  for (const ModelOdbm& odbm : model.odbms) {
    if (only != nullptr && &odbm != only) continue;
    bool owner = alias.empty();
    std::vector<std::string> parts;
    for (const ModelAlias& a : odbm.aliases) {
      if (a.key != alias) continue;
      owner = true;
      const ModelDatastore& ds = odbm.datastores[a.datastore];
      if (!a.in_router) {
        parts.push_back(fmt::format("route stopped on {}", odbm.name));
      } else if (odbm.routable() && !ds.routable) {
        parts.push_back(fmt::format("datastore {} of {} is {}{}", ds.name, odbm.name,
                                    DatastoreStatusName(ds.status),
                                    ds.stopped ? " (stopped by operator)" : ""));
      }
    }
    if (!owner) continue;
    if (!odbm.routable()) {
      why.push_back(
          fmt::format("{} is {} ({})", odbm.name, OdbmStatusName(odbm.status), odbm.reason));
    } else if (alias.empty()) {
      why.push_back(fmt::format("{} has no active datastore", odbm.name));
    } else {
      // De-duplicate: an alias on two datastores stopped in one ODBM.
      std::set<std::string> seen;
      for (std::string& part : parts) {
        if (seen.insert(part).second) why.push_back(std::move(part));
      }
    }
  }
  if (why.empty()) {
    return only != nullptr ? fmt::format("{} does not serve it", only->name)
                           : std::string("no ODBM in the plex");
  }
  return fmt::format("{}", fmt::join(why, "; "));
}

std::string OdbmStatusName(hwsr_odbm_status_t status) {
  switch (status) {
    case HWSR_ODBM_ACTIVE:
      return "ACTIVE";
    case HWSR_ODBM_INACTIVE:
      return "INACTIVE";
    case HWSR_ODBM_DISCONNECTED:
      return "DISCONNECTED";
    case HWSR_ODBM_UNREACHABLE:
      return "UNREACHABLE";
  }
  return fmt::format("X'{:02X}'", static_cast<unsigned>(status));
}

std::string DatastoreStatusName(hwsr_datastore_status_t status) {
  switch (status) {
    case HWSR_DATASTORE_ACTIVE:
      return "ACTIVE";
    case HWSR_DATASTORE_INACTIVE:
      return "INACTIVE";
    case HWSR_DATASTORE_DISCONNECTED:
      return "DISCONNECTED";
  }
  return fmt::format("{}", static_cast<unsigned>(status));
}

}  // namespace drdaplex::router
