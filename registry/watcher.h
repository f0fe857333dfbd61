// RegistryWatcher: a router's (or an operator tool's) live view of the plex
// registry. It subscribes to some kinds of member and delivers what the
// registry pushes: first a snapshot of every member, then each join, change
// and departure as it happens. When the registry is lost it delivers
// kRegistryLost (once per outage, also when the registry cannot be reached
// at start), reconnects with back-off, and delivers a fresh kSnapshot: the
// consumer then replaces its whole view, so nothing missed in between
// matters.
//
// Ownership: the watcher owns its connection; the callback is called on the
// io_context thread and must not destroy the watcher.
// Thread-safety: Start and Stop may be called from any thread (dispatched to
// the io_context). Destroy the watcher on the io_context's thread or after
// the io_context has stopped.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "net/reconnecting_client.h"
#include "registry/record.h"

namespace drdaplex::registry {

struct RegistryEvent {
  enum Type { kSnapshot, kJoined, kChanged, kLeft, kRegistryLost };
  Type type = kSnapshot;
  // kSnapshot: every member of the subscribed kinds; kJoined, kChanged: the one.
  std::vector<MemberRecord> members;
  // kLeft: who left (kind, name, and system: servers are known by system
  // and name) and why ("connection-closed", "heartbeat-timeout",
  // "deregistered"); kRegistryLost: why, in `reason`.
  std::string kind, name, system, reason;
};

struct RegistryWatcherOptions {
  boost::asio::ip::tcp::endpoint registry;
  std::vector<std::string> kinds;  // empty: every kind
  net::ReconnectOptions reconnect;
};

class RegistryWatcher {
 public:
  using Callback = std::function<void(const RegistryEvent& event)>;

  RegistryWatcher(boost::asio::io_context& io, RegistryWatcherOptions options, Callback on_event);
  ~RegistryWatcher();
  RegistryWatcher(const RegistryWatcher&) = delete;
  RegistryWatcher& operator=(const RegistryWatcher&) = delete;

  void Start();
  // Stops watching; no event is delivered after it has run.
  void Stop();

 private:
  class State;
  std::shared_ptr<State> state_;
};

}  // namespace drdaplex::registry
