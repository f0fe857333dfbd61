// Typed views of the WLM records in the plex registry: servers (kind
// "server", a router registered for sysplex routing the way IWMSRSRG
// registers a DDF or IMS Connect: a LOCATION.NETWORK_ID.LUNAME triplet per
// system, health, host name, user data) and systems (kind "system", the
// capacity one system's WLM reports). The records themselves are plain
// MemberRecords (record.h checks their fields); these views read them for
// the weight arithmetic (wlm_weights.h), the registry's "wlm" query and the
// distributor, and build them for the registrants.
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "registry/record.h"

namespace drdaplex::registry {

struct WlmServer {
  std::string system;
  std::string triplet;  // LOCATION.NETWORK_ID.LUNAME, the record's name
  std::string host_name, user_data;
  int health = 100;
  std::string status = kStatusActive;
  std::optional<int64_t> active;       // connections it serves now, when it says
  std::optional<int64_t> max_sockets;  // its MAXSOC, when it says
  std::string address;                 // the record's address ("" when none)
  std::string drda, handoff, agent;    // "" when not published
  std::string since, peer;             // set by the registry

  bool operator==(const WlmServer&) const = default;
};

struct WlmSystem {
  std::string name;
  double capacity = 0;                 // >= 0
  std::string mode = kModeConfigured;  // kModeConfigured | kModeMeasured

  bool operator==(const WlmSystem&) const = default;
};

// nullopt when the record is of another kind. Attributes of the wrong type
// (a record not checked by MemberRecordFromJson) read as absent.
std::optional<WlmServer> WlmServerFromRecord(const MemberRecord& record);
std::optional<WlmSystem> WlmSystemFromRecord(const MemberRecord& record);

// The record a registrant sends. Attributes not set in `server` (empty
// strings, nullopt) are left out; `extra` keys are added after them (and
// may override them).
MemberRecord WlmServerRecord(const WlmServer& server, const nlohmann::ordered_json& extra =
                                                          nlohmann::ordered_json::object());
MemberRecord WlmSystemRecord(const WlmSystem& system);

// "LOC.NET.LU" from its parts (no checks: MemberRecordFromJson does them).
std::string WlmTriplet(const std::string& location, const std::string& network_id,
                       const std::string& luname);

}  // namespace drdaplex::registry
