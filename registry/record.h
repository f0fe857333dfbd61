// MemberRecord: what one member of the plex publishes in the registry, and
// its JSON form on the wire. The record is generic so that one registry
// serves every kind of member: ODBMs (kind "odbm", the SCI registration of
// IMS) today, WLM-style servers (kind "server") later. What is specific to a
// kind lives in `attributes`; for ODBMs that is the datastore list, with a
// typed view below (OdbmDatastores / OdbmAttributes).
//
// Validation rules (MemberRecordFromJson, ApplyMemberUpdate):
//  - kind: 1-16 of a-z, 0-9, '-', starting with a letter;
//  - name: for kind "odbm" an IMS name (1-8 of A-Z 0-9 @ # $, not starting
//    with a digit; upper-cased); other kinds 1-64 of A-Z a-z 0-9 @ # $ . _ -;
//  - system: an IMS-style name, upper-cased; "LOCAL" when absent;
//  - address: "HOST:PORT" with a numeric host and a port other than 0
//    (rewritten in canonical form);
//  - health: an integer 0..100; status: "active" or "inactive";
//  - attributes: an object; for "odbm", {"datastores":[...]} whose entries
//    are {name, status, aliases} with IMS names, no duplicates.
// Uniqueness in the registry is per (kind, name).
// Thread-safety: plain values and pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace drdaplex::registry {

inline constexpr char kKindOdbm[] = "odbm";
inline constexpr char kStatusActive[] = "active";
inline constexpr char kStatusInactive[] = "inactive";
inline constexpr char kDefaultSystem[] = "LOCAL";

struct MemberRecord {
  std::string kind = kKindOdbm;
  std::string name;
  std::string system = kDefaultSystem;
  std::string address;  // where the member serves, "HOST:PORT"
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
