// Test helpers for the registry suite: a real drdaplex-registry process, a
// blocking JSON-lines client for protocol-level checks, a RegistryWatcher on
// its own thread that records every event (a router's view in miniature),
// and a registry-member-tool process (a member that can be SIGKILLed or
// SIGSTOPped). Every port is picked by the kernel; every wait is a bounded
// poll.
// Thread-safety: WatchLog may be read from the test thread while its
// watcher thread appends; the other classes are used by one thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "registry/watcher.h"
#include "tests/support/child_process.h"
#include "tests/support/temp_dir.h"

namespace drdaplex::testing {

using namespace std::chrono_literals;

// How long a push (join, leave) may take to reach a watcher: the
// requirement is "within a second".
inline constexpr std::chrono::milliseconds kPushDeadline = 1000ms;
// Generous bound for things that are not under test (process start).
inline constexpr std::chrono::milliseconds kStartDeadline = 10000ms;

// Reconnect quickly, so that restart tests take fractions of a second.
net::ReconnectOptions FastReconnect();

// drdaplex-registry on 127.0.0.1, port from its port file.
class RegistryProcess {
 public:
  // `port` 0: any free port. Returns nullptr and *error on failure.
  static std::unique_ptr<RegistryProcess> Start(const TempDir& dir, std::string* error,
                                                std::vector<std::string> extra_args = {},
                                                int port = 0);
  int port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  boost::asio::ip::tcp::endpoint endpoint() const;
  ChildProcess& process() { return *process_; }
  std::string Log() const;

 private:
  std::unique_ptr<ChildProcess> process_;
  int port_ = 0;
  std::string log_path_;
};

// A blocking client speaking JSON lines, for the protocol itself.
class LineClient {
 public:
  static std::unique_ptr<LineClient> Connect(int port);
  ~LineClient();
  bool Send(const nlohmann::json& message) { return SendRaw(message.dump() + "\n"); }
  bool SendRaw(const std::string& bytes);
  // The next line as JSON; nullopt at the deadline, at end of stream, or
  // when the line is not JSON (then *raw, if given, holds it).
  std::optional<nlohmann::json> Read(std::chrono::milliseconds timeout = 5000ms,
                                     std::string* raw = nullptr);
  // Sends and reads the reply.
  std::optional<nlohmann::json> Call(const nlohmann::json& request);
  // True when the peer closes (end of stream or reset) within `timeout`;
  // lines still arriving are skipped.
  bool WaitClosed(std::chrono::milliseconds timeout);

 private:
  explicit LineClient(int fd) : fd_(fd) {}
  int fd_;
  std::string buffer_;
};

// A RegistryWatcher on its own io_context thread; records every event.
// The constructor returns once the first snapshot (or the news that the
// registry cannot be reached) has arrived.
class WatchLog {
 public:
  explicit WatchLog(const boost::asio::ip::tcp::endpoint& registry,
                    std::vector<std::string> kinds = {"odbm"});
  ~WatchLog();

  std::vector<registry::RegistryEvent> Events() const;
  // Waits for an event (at index >= `from`) that matches; returns it.
  std::optional<registry::RegistryEvent> WaitFor(
      const std::function<bool(const registry::RegistryEvent&)>& match,
      std::chrono::milliseconds timeout, size_t from = 0) const;
  size_t size() const;
  // The view a router would hold: the last snapshot with later events
  // applied. Keyed by name; servers (unique per system) by "SYSTEM/TRIPLET".
  std::map<std::string, registry::MemberRecord> View() const;

 private:
  mutable std::mutex mutex_;
  std::vector<registry::RegistryEvent> events_;
  boost::asio::io_context io_;
  std::unique_ptr<registry::RegistryWatcher> watcher_;
  std::thread thread_;
};

// Event matchers.
std::function<bool(const registry::RegistryEvent&)> IsJoined(const std::string& name);
std::function<bool(const registry::RegistryEvent&)> IsLeft(const std::string& name,
                                                           const std::string& reason);
std::function<bool(const registry::RegistryEvent&)> IsSnapshotWith(const std::string& name);
std::function<bool(const registry::RegistryEvent&)> IsType(registry::RegistryEvent::Type type);

// registry-member-tool registering `name` with the registry.
std::unique_ptr<ChildProcess> StartMemberTool(const TempDir& dir, const std::string& registry,
                                              const std::string& name,
                                              std::vector<std::string> extra_args = {});

// drdaplex-system registering system `name` (args: --capacity N or
// --measure, ...). Its log is <dir>/system-<name>.log.
std::unique_ptr<ChildProcess> StartSystemAgent(const TempDir& dir, const std::string& registry,
                                               const std::string& name,
                                               std::vector<std::string> args);

// A register request for a WLM server (kind "server").
nlohmann::json ServerRequest(const std::string& triplet, const std::string& system,
                             int health = 100,
                             nlohmann::json attributes = nlohmann::json::object());

// A register request for a system's capacity (kind "system").
nlohmann::json SystemRequest(const std::string& system, double capacity);

// A register request for an ODBM with one datastore.
nlohmann::json RegisterRequest(const std::string& name, int health = 100,
                               const std::string& address = "127.0.0.1:40123");

}  // namespace drdaplex::testing
