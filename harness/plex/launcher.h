// Launcher: a PlexConfig made real. Creates the systems (SimSystems:
// network namespaces or loopback addresses), writes every member's
// configuration file in its own dialect into the work directory
// (member_configs.h), starts the plex registry, a WLM agent per system, the
// ODBMs (START=Y), the routers (a system's routers share one DRDA port; the
// first router picks it when PLEX PORT=0, and every system uses that port)
// and the distributors (primary, then backups), each in its system, and
// waits until they are ready: port files written, ODBMs registered, the
// primary distributor owning the DVIPA with every router ready in its VDPT.
//
// Then Run() supervises: a member that dies by itself is restarted
// (SUPERVISE=Y; RestartPolicy's back-off and cap), one an operator killed
// or stopped is left alone. Operators act through the control socket (JSON
// lines on 127.0.0.1, its port in DIR/control.port; see ControlOp below
// and the README's section on the harness) and the state is kept in DIR/plex.json
// (rewritten atomically whenever it changes). Stop() (or a "down" request,
// or the stop flag Run() watches: SIGINT/SIGTERM) stops every member
// (SIGTERM, SIGKILL after 5 s) and removes the systems.
//
// Every wait is bounded: 10 s for a member to become ready, 5 s for one to
// stop.
// Ownership: the launcher owns its children (process::ChildProcess: they
// die with the thread that started them, so every member is started by the
// thread that calls Up() and Run()) and the systems.
// Thread-safety: Up(), Run() and Stop() on one thread; control requests
// come from the control server's thread through a queue Run() drains.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/plex_config.h"
#include "harness/plex/member_configs.h"
#include "harness/plex/restart_policy.h"
#include "process/child_process.h"
#include "process/sim_systems.h"

namespace drdaplex::plex {

enum class MemberKind { kRegistry, kSystem, kDistributor, kRouter, kOdbm };
enum class MemberState { kStarting, kRunning, kStopped, kKilled, kNotStarted, kExited };
const char* KindName(MemberKind kind);     // "registry", "system", ...
const char* StateName(MemberState state);  // "running", "not-started", ...

struct LaunchOptions {
  std::filesystem::path dir;  // the work directory; created
  // Overrides PLEX NETWORK.
  std::optional<config::PlexNetwork> network;
  bool supervise = true;  // false: --no-supervise (SUPERVISE=N does too)
  // Where drdaplex-odbm, drdaplex-router... are; empty: $DRDAPLEX_BIN_DIR,
  // else the folder of the running program.
  std::filesystem::path bin_dir;
  std::chrono::milliseconds ready_timeout{10000};
  std::chrono::milliseconds stop_timeout{5000};
  RestartPolicy::Limits restart_limits;
};

class ControlServer;

class Launcher {
 public:
  Launcher(config::PlexConfig plex, LaunchOptions options);
  ~Launcher();  // Stop()
  Launcher(const Launcher&) = delete;
  Launcher& operator=(const Launcher&) = delete;

  // Brings the plex up. False with the reason (and the failing member's log
  // tail) in *error; what was started is stopped again by Stop().
  bool Up(std::string* error);

  // Supervises and serves control requests until `stop` becomes true or a
  // "down" request arrives. Does not stop the plex: call Stop() after.
  void Run(const std::atomic<bool>& stop);

  // Stops every member and removes the systems. Idempotent.
  void Stop();

  // The plex.json object.
  nlohmann::ordered_json Status() const;

  // One JSON control request, answered (the control server's requests go
  // through the queue to this on Run()'s thread; tests may call it there).
  nlohmann::ordered_json Handle(const nlohmann::json& request);

  const std::filesystem::path& dir() const { return options_.dir; }
  uint16_t control_port() const { return control_port_; }

 private:
  struct Member {
    std::string name;
    MemberKind kind = MemberKind::kRegistry;
    std::string system;  // "" for the host side (registry, distributors)
    MemberState state = MemberState::kNotStarted;
    std::unique_ptr<process::ChildProcess> child;
    std::string host;  // where its main port listens
    int port = 0;
    std::string admin;  // host:port of its operator socket, "" when none
    int restarts = 0;
    RestartPolicy policy;
    std::optional<RestartPolicy::Clock::time_point> restart_at;
    std::string last_error;
    // What it is, in the plex file (one of these).
    const config::PlexSystemConfig* system_config = nullptr;
    const config::PlexRouterConfig* router = nullptr;
    const config::PlexOdbmConfig* odbm = nullptr;
    const config::DistributorConfig* distributor = nullptr;
  };
  struct Request {
    nlohmann::json request;
    std::promise<nlohmann::ordered_json> reply;
  };
  friend class ControlServer;

  std::filesystem::path Binary(const std::string& program) const;
  std::filesystem::path FileOf(const Member& member, const std::string& suffix) const;
  Member* Find(const std::string& name);
  PlexAddresses AddressesFor(const Member& member) const;
  bool StartMember(Member& member, std::string* error);
  bool WaitRegistered(const Member& odbm, process::ChildProcess* child, std::string* error);
  bool WaitForTargets(const Member& distributor, std::string* error);
  bool Alive(Member& member);
  void StopMember(Member& member, MemberState final_state);
  void StopTier(MemberKind kind);
  void Supervise();
  void WritePlexJson();
  // Called from the control server's thread: queued for Run()'s thread.
  nlohmann::ordered_json Submit(const nlohmann::json& request);
  void DrainRequests();

  config::PlexConfig plex_;
  LaunchOptions options_;
  std::vector<Member> members_;
  std::unique_ptr<process::SimSystems> systems_;
  std::string mode_;
  std::string registry_address_;
  uint16_t shared_port_ = 0;
  std::filesystem::path plex_key_;
  std::unique_ptr<ControlServer> control_;
  uint16_t control_port_ = 0;
  std::atomic<bool> stopped_{false};
  std::atomic<bool> down_requested_{false};
  std::string last_json_;  // what plex.json holds

  std::mutex mutex_;  // guards requests_
  std::condition_variable wake_;
  std::deque<std::shared_ptr<Request>> requests_;
};

}  // namespace drdaplex::plex
