// The vocabulary of the Sysplex Distributor's decision core: the methods
// (VIPADISTRIBUTE DISTMETHOD), the targets as the caller reports them
// (systems and the servers on them), the policy, a client's connection key,
// the decision, and one display row per server (NETSTAT VDPT DETAIL style).
// Ownership: plain values.
// Thread-safety: none needed (values); the free functions are pure.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace drdaplex::distributor {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;

// VIPADISTRIBUTE DISTMETHOD. TARGCONTROLLED (tier-1 GRE to DataPower) has no
// counterpart here.
enum class DistMethod { kRoundRobin, kBaseWlm, kServerWlm, kWeightedActive, kHotStandby };

// "ROUNDROBIN", "BASEWLM", "SERVERWLM", "WEIGHTEDACTIVE", "HOTSTANDBY".
std::string_view DistMethodName(DistMethod method);
// Case-insensitive; the full names, and WEIGHTEDACTIVE may be shortened to
// WEIGHTEDA... as z/OS allows (WEIGHTEDActive). nullopt for anything else.
std::optional<DistMethod> ParseDistMethod(std::string_view text);

// A system's role under HOTSTANDBY (DESTIP ... PREFERRED | BACKUP rank).
// kNone (a system nobody configured, DESTIP ALL) ranks below every backup.
enum class HotStandbyRole { kNone, kPreferred, kBackup };

// Ranges the engine enforces (it clamps; CheckServer/CheckSystem say why a
// value is out of range so that the caller can reject it with a message).
inline constexpr int kMaxWlmWeight = 64;       // WLM weights are 0..64
inline constexpr int kMinConfiguredWeight = 1;  // DESTIP WEIGHT 1..99
inline constexpr int kMaxConfiguredWeight = 99;
inline constexpr int kDefaultConfiguredWeight = 10;
inline constexpr int kMaxBackupRank = 254;  // BACKUP 1..254, higher wins
inline constexpr int kNoWeight = -1;        // no WLM weight supplied

// One server (a router listening on the shared DRDA port of its system).
struct TargetServer {
  std::string id;      // registry key, e.g. "SYS1/USIBMSC.NET1.HWS1"
  std::string system;  // the system (target stack) it runs on
  bool ready = true;   // a live listener / hand-over channel
  int health = 100;    // 0..100, reported by the server
  int server_weight = kNoWeight;  // WLM server weight 0..64
  // Seeds for a new server only (e.g. a backup distributor rebuilding its
  // counts from the targets' reports); an update keeps the engine's counts.
  uint64_t active = 0;
  uint64_t total = 0;
};

// One system (a target stack). A server whose system has no entry gets the
// defaults below (DESTIP ALL).
struct TargetSystem {
  std::string name;
  int system_weight = kNoWeight;  // WLM system weight 0..64 (BASEWLM)
  int configured_weight = kDefaultConfiguredWeight;  // DESTIP WEIGHT (WEIGHTEDACTIVE)
  HotStandbyRole role = HotStandbyRole::kNone;
  int backup_rank = 0;  // 1..254 for kBackup, higher wins
};

struct DistributorPolicy {
  DistMethod method = DistMethod::kBaseWlm;
  // DESTIP ALL: a server on a system without a TargetSystem entry is a
  // target too (with the defaults). False: only the systems given to
  // SetSystems are targets; servers elsewhere are shown but get nothing.
  bool all_systems = true;
  // Inside a system: false = SHAREPORT (a hash of the client's 4-tuple over
  // the usable servers, like the kernel's SO_REUSEPORT), true = SHAREPORTWLM
  // (smooth weighted round-robin over server weights).
  bool shareport_wlm = false;
  // HOTSTANDBY only.
  bool autoswitchback = true;
  bool healthswitch = true;
  // How often Tick recomputes TSR (z/OS: about a minute).
  std::chrono::milliseconds tsr_interval{60000};
  // At most one probe connection per this interval to a server whose TSR is
  // 0; zero means "the same as tsr_interval".
  std::chrono::milliseconds probe_interval{0};
};

// What identifies a client connection: its 4-tuple as the distributor saw
// it when accepting (addresses in text form, IPv4 or IPv6).
struct ClientKey {
  std::string source_ip;
  uint16_t source_port = 0;
  std::string dest_ip;
  uint16_t dest_port = 0;
};

// The decision for one new connection.
struct Choice {
  std::string system;
  std::string server_id;
  // A probe: the server's TSR is 0 and this connection tests whether it
  // accepts again (one per probe interval).
  bool probe = false;

  bool operator==(const Choice&) const = default;
};

// One display row per server.
struct TargetRow {
  std::string system;
  std::string server_id;
  std::string method;  // DistMethodName of the configured method
  // The weight the system-level choice gives this row's SYSTEM now, after
  // TSR, health and normalisation (see DistributionEngine); 0 = gets no new
  // connections. HOTSTANDBY: 1 on the active system, 0 elsewhere.
  int weight = 0;
  // B = BASEWLM, S = SERVERWLM, B* = SERVERWLM fell back to system weights,
  // R* = BASEWLM/SERVERWLM without WLM weights (plain round-robin),
  // W = WEIGHTEDACTIVE, - = ROUNDROBIN, A/P/B = HOTSTANDBY active /
  // preferred (not active) / backup or unconfigured (not active).
  std::string flag;
  int backup_rank = 0;  // HOTSTANDBY backups, else 0
  int system_weight = kNoWeight;  // raw inputs, as reported
  int server_weight = kNoWeight;
  int tsr = 100;
  int health = 100;
  bool ready = true;
  uint64_t active = 0;
  uint64_t total = 0;
  uint64_t probes = 0;  // probe connections sent to this server
};

// nullopt when the value is usable as is, else why not ("health 120 is out
// of range 0..100"). The engine clamps such values instead of failing.
std::optional<std::string> CheckServer(const TargetServer& server);
std::optional<std::string> CheckSystem(const TargetSystem& system);
std::optional<std::string> CheckPolicy(const DistributorPolicy& policy);

}  // namespace drdaplex::distributor
