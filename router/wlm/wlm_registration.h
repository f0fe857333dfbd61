// WlmServerRegistration: a router registered as a WLM server for sysplex
// routing, as IMS Connect and DDF register with IWMSRSRG. It registers
// (kind "server", registry/wlm_records.h) the triplet of the router's
// SYSPLEX statement (LOCATION.NETWORK_ID.LUNAME, LUNAME = the HWS ID when
// not given) on its system, with its host name, user data, MAXSOC
// (max_sockets), active connections (active), the agent address and the
// hand-off socket, plus the caller's extra attributes (the bound DRDA
// address, "drda", and whatever else). Every `interval` it reads the active
// connections, derives the health from the free slots (slot_health.h, IMS
// Connect's MAXSOC rule) and updates the registry when either changed.
//
// The registration lives as long as the router's connection to the
// registry: when the router ends, SIGKILL included, the registry drops it
// at once (registry/registry_server.h). When the registry goes away the
// router registers again once it is back.
//
// A refused registration (reason "already-registered", code 0419: another
// router holds this triplet on this system) is logged with its code and
// the router goes on serving; the registration is retried every few
// seconds, so the router takes over the triplet when its namesake ends.
// (CHOICE: not an exit. The namesake is most likely the same router
// restarting, or a second instance sharing the DRDA port, and the router's
// port still works without WLM; its operator sees the error.)
//
// With learn_weight, a RegistryWatcher of kinds "server" and "system"
// keeps a copy of the WLM records and computes the router's own server
// weight with registry/wlm_weights.h, for the HAProxy agent check
// (agent_reply.h).
//
// Ownership: owns its RegistryMember and RegistryWatcher; active_connections
// is held until Stop().
// Thread-safety: Start and Stop may be called from any thread (dispatched
// to the io_context); the getters may be called from any thread.
// active_connections is called on the io_context's thread and must be
// safe there (an atomic count). Destroy the registration on the
// io_context's thread or after the io_context has stopped.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "config/router_config.h"
#include "net/reconnecting_client.h"
#include "registry/record.h"
#include "router/wlm/agent_reply.h"

namespace drdaplex::router_wlm {

struct WlmRegistrationOptions {
  std::chrono::milliseconds interval{1000};  // how often health and load are read
  bool learn_weight = true;                  // watch the registry for its own weight
  net::ReconnectOptions reconnect;
};

enum class WlmRegistrationStatus { kNotYet, kRegistered, kRefused, kUnreachable };
const char* WlmRegistrationStatusName(WlmRegistrationStatus status);

class WlmServerRegistration {
 public:
  // Throws std::invalid_argument when the configuration makes an invalid
  // record (a triplet part too long, user data over 64 characters, ...).
  WlmServerRegistration(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& registry,
                        const config::RouterConfig& config,
                        std::function<size_t()> active_connections,
                        nlohmann::ordered_json extra_attributes = nlohmann::ordered_json::object(),
                        WlmRegistrationOptions options = {});
  ~WlmServerRegistration();
  WlmServerRegistration(const WlmServerRegistration&) = delete;
  WlmServerRegistration& operator=(const WlmServerRegistration&) = delete;

  void Start();
  // Deregisters (bounded) and stops; `done` runs on the io_context's thread
  // once the registry connection is closed.
  void Stop(std::function<void()> done = nullptr);

  // The record as first registered (name = the triplet, system, ...).
  const registry::MemberRecord& record() const;
  int health() const;                        // as last reported
  size_t active() const;                     // as last reported
  std::optional<int> server_weight() const;  // from the watcher; nullopt when unknown
  WlmRegistrationStatus status() const;
  std::string refusal_code() const;  // "0419" after such a refusal, else ""

  // For the agent check: health and weight as above, MAXSOC as maxconn.
  AgentState Agent(bool draining) const;

 private:
  class State;
  std::shared_ptr<State> state_;
};

// The record the registration sends (exposed for tests and the operator
// commands): kind server, the SYSPLEX triplet, health from `active`.
registry::MemberRecord WlmServerRecordFor(const config::RouterConfig& config, size_t active,
                                          const nlohmann::ordered_json& extra_attributes);

}  // namespace drdaplex::router_wlm
