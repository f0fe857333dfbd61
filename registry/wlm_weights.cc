// WLM weight arithmetic; see wlm_weights.h for the rules.
#include "registry/wlm_weights.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace drdaplex::registry {

namespace {

using nlohmann::ordered_json;

int RoundWeight(double value) { return static_cast<int>(std::lround(value)); }

ordered_json OptionalInteger(const std::optional<int64_t>& value) {
  return value ? ordered_json(*value) : ordered_json(nullptr);
}

}  // namespace

std::string WlmIneligibility(const WlmServer& server) {
  if (server.status == kStatusInactive) return kWlmReasonInactive;
  if (server.health <= 0) return kWlmReasonHealth0;
  if (server.max_sockets && *server.max_sockets > 0 && server.active &&
      *server.active >= *server.max_sockets) {
    return kWlmReasonNoFreeSlot;
  }
  return "";
}

WlmWeights ComputeWlmWeights(const std::vector<MemberRecord>& members) {
  std::map<std::string, WlmSystemWeight> systems;
  std::map<std::pair<std::string, std::string>, WlmServerWeight> servers;
  for (const MemberRecord& record : members) {
    if (auto system = WlmSystemFromRecord(record)) {
      WlmSystemWeight& entry = systems[system->name];
      if (entry.has_record) continue;
      entry.system = system->name;
      entry.has_record = true;
      entry.capacity = system->capacity;
      entry.mode = system->mode;
    } else if (auto server = WlmServerFromRecord(record)) {
      const auto key = std::make_pair(server->system, server->triplet);
      if (servers.count(key)) continue;
      WlmServerWeight& entry = servers[key];
      entry.server = std::move(*server);
      entry.reason = WlmIneligibility(entry.server);
      entry.eligible = entry.reason.empty();
    }
  }

  // Step 1-2: count servers per system; the systems in play.
  for (auto& [key, server] : servers) {
    WlmSystemWeight& system = systems[key.first];
    system.system = key.first;
    ++system.servers;
    if (server.eligible) ++system.eligible_servers;
  }
  std::vector<WlmSystemWeight*> in_play;
  for (auto& [name, system] : systems) {
    if (system.eligible_servers > 0) in_play.push_back(&system);
  }

  // Step 3: capacities.
  double recorded_sum = 0;
  size_t recorded = 0;
  for (const WlmSystemWeight* system : in_play) {
    if (system->has_record) {
      recorded_sum += system->capacity;
      ++recorded;
    }
  }
  const double mean = recorded > 0 ? recorded_sum / static_cast<double>(recorded) : 0;
  double total = 0;
  for (WlmSystemWeight* system : in_play) {
    system->effective_capacity = system->has_record ? system->capacity : mean;
    total += system->effective_capacity;
  }
  if (!(total > 0)) {
    for (WlmSystemWeight* system : in_play) system->effective_capacity = 1;
    total = static_cast<double>(in_play.size());
  }

  // Step 4: system weights.
  for (WlmSystemWeight* system : in_play) {
    int weight = RoundWeight(system->effective_capacity * kWlmMaxWeight / total);
    if (weight == 0 && system->effective_capacity > 0) weight = 1;
    system->weight = std::clamp(weight, 0, kWlmMaxWeight);
  }

  // Step 5: server weights.
  for (auto& [key, server] : servers) {
    const WlmSystemWeight& system = systems.at(key.first);
    server.system_weight = system.weight;
    server.health_factor = std::clamp(server.server.health, 0, 100) / 100.0;
    const auto& max = server.server.max_sockets;
    const auto& active = server.server.active;
    server.load_factor =
        max && *max > 0
            ? std::clamp(1.0 - static_cast<double>(active.value_or(0)) / static_cast<double>(*max),
                         0.0, 1.0)
            : 1.0;
    if (!server.eligible) {
      server.weight = 0;
      continue;
    }
    const double raw = static_cast<double>(system.weight) /
                       static_cast<double>(system.eligible_servers) * server.health_factor *
                       server.load_factor;
    server.weight = std::clamp(RoundWeight(raw), 1, kWlmMaxWeight);
  }

  WlmWeights result;
  for (auto& [name, system] : systems) result.systems.push_back(std::move(system));
  for (auto& [key, server] : servers) result.servers.push_back(std::move(server));
  return result;
}

std::vector<WlmServerWeight> WlmWeights::Weighted() const {
  std::vector<WlmServerWeight> list;
  std::copy_if(servers.begin(), servers.end(), std::back_inserter(list),
               [](const WlmServerWeight& server) { return server.eligible; });
  return list;
}

const WlmServerWeight* WlmWeights::FindServer(const std::string& system,
                                              const std::string& triplet) const {
  for (const WlmServerWeight& server : servers) {
    if (server.server.system == system && server.server.triplet == triplet) return &server;
  }
  return nullptr;
}

const WlmSystemWeight* WlmWeights::FindSystem(const std::string& system) const {
  for (const WlmSystemWeight& entry : systems) {
    if (entry.system == system) return &entry;
  }
  return nullptr;
}

ordered_json WlmServerRow(const WlmServerWeight& server, bool with_eligibility) {
  const WlmServer& s = server.server;
  ordered_json row{{"system", s.system},
                   {"server", s.triplet},
                   {"host_name", s.host_name},
                   {"user_data", s.user_data},
                   {"address", s.address},
                   {"drda", s.drda},
                   {"handoff", s.handoff},
                   {"agent", s.agent},
                   {"health", s.health},
                   {"active", OptionalInteger(s.active)},
                   {"max_sockets", OptionalInteger(s.max_sockets)},
                   {"system_weight", server.system_weight},
                   {"server_weight", server.weight}};
  if (with_eligibility) {
    row["eligible"] = server.eligible;
    row["reason"] = server.reason;
  }
  return row;
}

ordered_json WlmSystemRow(const WlmSystemWeight& system) {
  return {{"system", system.system},
          {"capacity", system.has_record ? ordered_json(system.capacity) : ordered_json(nullptr)},
          {"mode", system.has_record ? ordered_json(system.mode) : ordered_json(nullptr)},
          {"effective_capacity", system.effective_capacity},
          {"servers", system.servers},
          {"eligible_servers", system.eligible_servers},
          {"weight", system.weight}};
}

}  // namespace drdaplex::registry
