// Plain descriptions of the plex as the registry reports it: which ODBMs
// exist, where they listen, how healthy they are, and which datastores and
// aliases each one serves. The router's main converts whatever its registry
// client receives into these and hands them to RoutingTable; nothing here
// knows about sockets or the registry's wire format.
// Ownership: plain values. Thread-safety: none needed (values).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace drdaplex::router {

struct DatastoreDescription {
  std::string name;                  // IMS id, e.g. "IMS1"
  bool active = true;                // the ODBM reports the datastore usable
  std::vector<std::string> aliases;  // e.g. "IM1A", "IO1A"; may be empty
};

struct OdbmDescription {
  std::string name;       // e.g. "ODBMB1"
  std::string address;    // host:port the router connects to
  uint32_t health = 100;  // 0 (unusable) .. 100
  bool active = true;     // false: running but not accepting (INACTIVE)
  std::vector<DatastoreDescription> datastores;
};

}  // namespace drdaplex::router
