// The distributor configuration: the DVIPA:port one drdaplex-distributor (the
// Sysplex Distributor) owns or backs up, and how it spreads new connections
// over the routers of the target systems. ParseDistributorConfig and
// LoadDistributorConfig read a file in the style of a z/OS TCP/IP profile's
// VIPADYNAMIC block:
//   DISTRIBUTOR(NAME=SD1)
//   VIPADEFINE(ADDRESS=10.77.0.100, MOVEABLE=IMMEDIATE)
//     or VIPABACKUP(ADDRESS=10.77.0.100, RANK=100) for a backup
//   VIPADISTRIBUTE(PORT=6695, DISTMETHOD=SERVERWLM, SHAREPORT=WLM,
//                  TSRINTERVAL=60, PROBEINTERVAL=60, AUTOSWITCHBACK=Y,
//                  HEALTHSWITCH=Y, HANDOFFTMOT=1000)
//   DESTIP(SYSTEM=SYS1, WEIGHT=10)
//   DESTIP(SYSTEM=SYS2, WEIGHT=20, ROLE=BACKUP, RANK=100)
//   REGISTRY(ADDRESS=127.0.0.1:7001)
//   ADMIN(ADDRESS=127.0.0.1:0)
// (grammar: grammar_def.h; rules: distributor_semantic.h) and either return
// a complete, validated configuration or throw ConfigError naming
// file:line:column. Plain value types.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_error.h"

namespace drdaplex::config {

// VIPADISTRIBUTE DISTMETHOD: how a new connection's target system is chosen.
enum class DistMethodConfig {
  kRoundRobin,      // ROUNDROBIN: in turn over ready targets
  kBaseWlm,         // BASEWLM: by WLM system weights
  kServerWlm,       // SERVERWLM: by WLM server weights
  kWeightedActive,  // WEIGHTEDACTIVE: active connections kept in the ratio
                    // of the DESTIP weights
  kHotStandby,      // HOTSTANDBY: everything to one PREFERRED target, then
                    // to the highest-ranked BACKUP
};

// The DISTMETHOD keyword of a method ("SERVERWLM").
std::string_view DistMethodName(DistMethodConfig method);

// DESTIP(SYSTEM=, WEIGHT=, ROLE=, RANK=): one target system.
struct DestIpConfig {
  // SYSTEM: a system name (upper case, as SYSPLEX SYSTEM of the routers is
  // kept) or "ALL" for every system, which is then the only DESTIP.
  std::string system;
  int weight = 10;  // WEIGHT 1-99, for WEIGHTEDACTIVE
  // ROLE, only with HOTSTANDBY (and then always given): exactly one
  // PREFERRED, the others BACKUP with distinct ranks.
  enum class Role { kNone, kPreferred, kBackup } role = Role::kNone;
  int rank = 0;             // RANK 1-254 of a BACKUP; higher wins; else 0
  SourcePosition position;  // of the DESTIP statement
};

struct DistributorConfig {
  std::string name;     // DISTRIBUTOR NAME, as written
  std::string dvipa;    // VIPADEFINE/VIPABACKUP ADDRESS: an IP literal
  bool backup = false;  // VIPABACKUP: takes the DVIPA over from the owner
  int backup_rank = 0;  // VIPABACKUP RANK 1-254: the highest takes over first
  // VIPADEFINE MOVEABLE=WHENIDLE: take the DVIPA back from a backup only once
  // it has no connections (IMMEDIATE, the default: as soon as this is up).
  bool moveable_when_idle = false;
  uint16_t port = 0;  // VIPADISTRIBUTE PORT; 0: any free port (tests)
  DistMethodConfig method = DistMethodConfig::kBaseWlm;
  // SHAREPORT=WLM: a system's routers share its connections by their WLM
  // server weights; HASH (false, the default): by a hash of the connection's
  // addresses and ports, as the kernel spreads SO_REUSEPORT listeners.
  bool shareport_wlm = false;
  // TSRINTERVAL: how often target responsiveness and weights are
  // recomputed; PROBEINTERVAL: how often a target of TSR 0 gets a probe
  // connection (TSRINTERVAL when not given).
  std::chrono::seconds tsr_interval{60};
  std::chrono::seconds probe_interval{60};
  // AUTOSWITCHBACK, HEALTHSWITCH (Y/N): HOTSTANDBY's return to the
  // preferred target, and its switch away from an unhealthy one.
  bool autoswitchback = true;
  bool healthswitch = true;
  // HANDOFFTMOT: how long a router may take to acknowledge a connection
  // handed over to it.
  std::chrono::milliseconds handoff_timeout{1000};
  std::vector<DestIpConfig> destips;  // in file order; empty: every system
  std::string registry_address;  // REGISTRY ADDRESS host:port; may be empty
  std::string admin_address = "127.0.0.1:0";  // ADMIN ADDRESS: operator socket
};

// Parses a distributor configuration text; file_name is used in error
// messages.
DistributorConfig ParseDistributorConfig(std::string_view text,
                                         const std::string& file_name);

// Reads and parses a file. An unreadable file is a ConfigError too.
DistributorConfig LoadDistributorConfig(const std::filesystem::path& file);

}  // namespace drdaplex::config
