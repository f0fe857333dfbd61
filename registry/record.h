// MemberRecord: what one member of the plex publishes in the registry, and
// its JSON form on the wire. The record is generic so that one registry
// serves every kind of member: ODBMs (kind "odbm", the SCI registration of
// IMS), WLM servers (kind "server", IWMSRSRG: routers registering for
// sysplex routing) and systems (kind "system", the capacity WLM knows of
// each LPAR). What is specific to a kind lives in `attributes`; for ODBMs
// that is the datastore list, with a typed view below (OdbmDatastores /
// OdbmAttributes); for servers and systems see registry/wlm_records.h.
//
// Validation rules (MemberRecordFromJson, ApplyMemberUpdate):
//  - kind: 1-16 of a-z, 0-9, '-', starting with a letter;
//  - name: for kinds "odbm" and "system" an IMS name (1-8 of A-Z 0-9 @ # $,
//    not starting with a digit; upper-cased); for "server" the triplet
//    LOCATION.NETWORK_ID.LUNAME (LOCATION 1-18, the others 1-8 of
//    A-Z 0-9 @ # $; upper-cased); other kinds 1-64 of A-Z a-z 0-9 @ # $ . _ -;
//  - system: an IMS-style name, upper-cased; "LOCAL" when absent; a
//    "system" record's system is its own name (absent or LOCAL: set to it);
//  - address: "HOST:PORT" with a numeric host and a port other than 0
//    (rewritten in canonical form); required for "odbm", optional ("") for
//    other kinds (a system agent serves nothing);
//  - health: an integer 0..100; status: "active" or "inactive";
//  - attributes: an object; for "odbm", {"datastores":[...]} whose entries
//    are {name, status, aliases} with IMS names, no duplicates; for
//    "server" and "system" the keys of wlm_attr below are checked when
//    present (types and bounds), others are passed on untouched.
// Uniqueness in the registry is per (kind, name), and for servers per
// (kind, system, name): IWMSRSRG checks the triplet per MVS image only, so
// the same triplet may be registered on two systems (RegistrationScope).
// Thread-safety: plain values and pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace drdaplex::registry {

inline constexpr char kKindOdbm[] = "odbm";
inline constexpr char kKindServer[] = "server";
inline constexpr char kKindSystem[] = "system";
inline constexpr char kStatusActive[] = "active";
inline constexpr char kStatusInactive[] = "inactive";
inline constexpr char kDefaultSystem[] = "LOCAL";

// Attribute keys of WLM server and system records.
namespace wlm_attr {
// server
inline constexpr char kHostName[] = "host_name";      // string, <= 64 (IWMSRSRG HOST=)
inline constexpr char kUserData[] = "user_data";      // string, <= 64 (USERDATA=)
inline constexpr char kActive[] = "active";           // integer >= 0: connections now
inline constexpr char kMaxSockets[] = "max_sockets";  // integer >= 1: MAXSOC
inline constexpr char kDrda[] = "drda";               // "HOST:PORT" clients connect to
inline constexpr char kHandoff[] = "handoff";         // Unix socket path for handed-over conns
inline constexpr char kAgent[] = "agent";             // "HOST:PORT" of its HAProxy agent check
// system
inline constexpr char kCapacity[] = "capacity";  // number >= 0
inline constexpr char kMode[] = "mode";          // kModeConfigured | kModeMeasured
}  // namespace wlm_attr
inline constexpr char kModeConfigured[] = "configured";
inline constexpr char kModeMeasured[] = "measured";

struct MemberRecord {
  std::string kind = kKindOdbm;
  std::string name;
  std::string system = kDefaultSystem;
  std::string address;  // where the member serves, "HOST:PORT"; "" for none (not odbm)
  int health = 100;     // 0 (sick) .. 100 (well)
  std::string status = kStatusActive;
  // Ordered, so that what a member publishes reads back in its own order.
  nlohmann::ordered_json attributes = nlohmann::ordered_json::object();
  // Set by the registry on records it sends out; ignored when registering.
  std::string since;  // registration time, ISO-8601 UTC
  std::string peer;   // "HOST:PORT" the registration came from

  bool operator==(const MemberRecord&) const = default;
};

// A registration or a record received from the registry: checked and
// normalised. Returns nullopt and a message in *error when invalid. Unknown
// keys are ignored; "since" and "peer" are kept when present.
std::optional<MemberRecord> MemberRecordFromJson(const nlohmann::json& json, std::string* error);

// Keys in a fixed, readable order: kind, name, system, address, status,
// health, then since and peer when set, then attributes.
nlohmann::ordered_json MemberRecordToJson(const MemberRecord& record);

// Applies the fields of an "update" present in `update` (health, status,
// attributes) to *record. All or nothing: on an invalid field *record is
// unchanged and *error says why. Returns whether anything was applied.
bool ApplyMemberUpdate(const nlohmann::json& update, MemberRecord* record, std::string* error);

// True when the records differ in nothing but health (and since/peer).
bool DiffersOnlyInHealth(const MemberRecord& a, const MemberRecord& b);

// The part of a registration's key besides kind and name: the system for a
// server (its triplet is unique per system), "" for every other kind
// (unique plex-wide).
std::string RegistrationScope(const MemberRecord& record);

// Typed view of an ODBM's attributes.
struct DatastoreRecord {
  std::string name;
  std::string status = kStatusActive;
  std::vector<std::string> aliases;

  bool operator==(const DatastoreRecord&) const = default;
};

// The datastores of an ODBM record (empty when it has none, or the record
// is of another kind or was never validated).
std::vector<DatastoreRecord> OdbmDatastores(const MemberRecord& record);
// The reverse: {"datastores":[{"name":..,"status":..,"aliases":[..]},..]}.
nlohmann::ordered_json OdbmAttributes(const std::vector<DatastoreRecord>& datastores);

// Parses and normalises ODBM attributes; nullopt and *error when invalid.
std::optional<std::vector<DatastoreRecord>> ParseOdbmAttributes(
    const nlohmann::ordered_json& attributes, std::string* error);

}  // namespace drdaplex::registry
