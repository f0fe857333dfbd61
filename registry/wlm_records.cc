// Typed views of WLM server and system records; see wlm_records.h.
#include "registry/wlm_records.h"

#include <algorithm>

namespace drdaplex::registry {

namespace {

using nlohmann::ordered_json;

std::string StringAttribute(const ordered_json& attributes, const char* key) {
  const auto it = attributes.find(key);
  return it != attributes.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<int64_t> IntegerAttribute(const ordered_json& attributes, const char* key) {
  const auto it = attributes.find(key);
  if (it == attributes.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<int64_t>();
}

}  // namespace

std::optional<WlmServer> WlmServerFromRecord(const MemberRecord& record) {
  if (record.kind != kKindServer) return std::nullopt;
  const ordered_json& attributes =
      record.attributes.is_object() ? record.attributes : ordered_json::object();
  WlmServer server;
  server.system = record.system;
  server.triplet = record.name;
  server.host_name = StringAttribute(attributes, wlm_attr::kHostName);
  server.user_data = StringAttribute(attributes, wlm_attr::kUserData);
  server.health = record.health;
  server.status = record.status;
  server.active = IntegerAttribute(attributes, wlm_attr::kActive);
  server.max_sockets = IntegerAttribute(attributes, wlm_attr::kMaxSockets);
  server.address = record.address;
  server.drda = StringAttribute(attributes, wlm_attr::kDrda);
  server.handoff = StringAttribute(attributes, wlm_attr::kHandoff);
  server.agent = StringAttribute(attributes, wlm_attr::kAgent);
  server.since = record.since;
  server.peer = record.peer;
  return server;
}

std::optional<WlmSystem> WlmSystemFromRecord(const MemberRecord& record) {
  if (record.kind != kKindSystem) return std::nullopt;
  WlmSystem system;
  system.name = record.name;
  if (record.attributes.is_object()) {
    const auto capacity = record.attributes.find(wlm_attr::kCapacity);
    if (capacity != record.attributes.end() && capacity->is_number()) {
      system.capacity = std::max(0.0, capacity->get<double>());
    }
    const std::string mode = StringAttribute(record.attributes, wlm_attr::kMode);
    if (!mode.empty()) system.mode = mode;
  }
  return system;
}

MemberRecord WlmServerRecord(const WlmServer& server, const ordered_json& extra) {
  MemberRecord record;
  record.kind = kKindServer;
  record.name = server.triplet;
  record.system = server.system;
  record.address = server.address;
  record.health = server.health;
  record.status = server.status;
  ordered_json attributes = ordered_json::object();
  auto put = [&](const char* key, const std::string& value) {
    if (!value.empty()) attributes[key] = value;
  };
  put(wlm_attr::kHostName, server.host_name);
  put(wlm_attr::kUserData, server.user_data);
  if (server.max_sockets) attributes[wlm_attr::kMaxSockets] = *server.max_sockets;
  if (server.active) attributes[wlm_attr::kActive] = *server.active;
  put(wlm_attr::kDrda, server.drda);
  put(wlm_attr::kHandoff, server.handoff);
  put(wlm_attr::kAgent, server.agent);
  if (extra.is_object()) {
    for (const auto& [key, value] : extra.items()) attributes[key] = value;
  }
  record.attributes = std::move(attributes);
  return record;
}

MemberRecord WlmSystemRecord(const WlmSystem& system) {
  MemberRecord record;
  record.kind = kKindSystem;
  record.name = system.name;
  record.system = system.name;
  record.attributes =
      ordered_json{{wlm_attr::kCapacity, system.capacity}, {wlm_attr::kMode, system.mode}};
  return record;
}

std::string WlmTriplet(const std::string& location, const std::string& network_id,
                       const std::string& luname) {
  return location + "." + network_id + "." + luname;
}

}  // namespace drdaplex::registry
