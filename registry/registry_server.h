// RegistryServer: the plex registry, drdaplex's analogue of the SCI member
// list and of WLM's sysplex-routing registration. Members register a
// MemberRecord: ODBMs (kind "odbm"), routers as WLM servers (kind "server",
// IWMSRSRG) and per-system agents with their capacity (kind "system",
// drdaplex-system); watchers (routers, distributors, operator tools)
// subscribe and are pushed every join, change and departure; anyone may
// query, and ask for the WLM weights (op "wlm", IWMSRSRS: wlm_weights.h).
//
// Why a registration lives exactly as long as its TCP connection:
//  - When a member process ends for any reason, SIGKILL included, the kernel
//    closes its sockets and the registry reads end-of-stream at once: the
//    member is gone from every watcher's view within milliseconds, with no
//    lease to wait out and nothing the dying process has to do. This is what
//    z/OS gives SCI and WLM for free (a registration dies with its address
//    space).
//  - A member that is alive but hung (SIGSTOP, a deadlock) keeps its socket
//    open; only for that case members heartbeat, and a member silent for
//    heartbeat_timeout is dropped ("heartbeat-timeout").
//  - Watchers are pushed events on their own connection, so every router
//    learns of a join or a departure in one network round trip instead of at
//    its next poll.
//  - Plain TCP works across network namespaces (systems of a simulated
//    sysplex run in separate netns).
// Alternatives considered: lock files with inotify (no reach across network
// namespaces or hosts); etcd or Consul leases (an external daemon to run,
// and a killed member lingers until its lease TTL expires); multicast
// announcements (no delivery guarantee, no notion of departure).
//
// Protocol: JSON lines (net/json_line_channel.h); see protocol.h for the
// messages. A connection registers at most one member; (kind, name) is
// unique plex-wide ((kind, system, name) for servers: IWMSRSRG checks a
// triplet per system), and a second registration of a name is refused with
// reason "already-registered" (for servers with code "0419") while the
// first stays. Re-registering on the same connection to change only health
// is an update.
//
// Bounds: max_members registrations, max_connections connections, lines of
// channel.max_line bytes, channel.max_queued_bytes of unsent events per
// watcher (a watcher that does not read is disconnected, never waited for),
// idle_timeout for a connection that neither registers nor subscribes, and
// max_consecutive_errors bad lines in a row.
//
// Ownership: the server owns its listener and the member table.
// Thread-safety: single-threaded by design. Everything, every session
// included, runs on the one io_context given to the constructor; call the
// public methods on its thread (or before it runs). The registry does
// little work per message, so one thread serves thousands of members.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <vector>

#include "net/json_line_channel.h"
#include "registry/record.h"

namespace drdaplex::registry {

struct RegistryOptions {
  // A member silent this long is dropped; members are told to heartbeat at
  // a third of it.
  std::chrono::milliseconds heartbeat_timeout{3000};
  // A connection that has neither registered nor subscribed is closed after
  // this long without a line.
  std::chrono::milliseconds idle_timeout{30000};
  size_t max_members = 4096;
  size_t max_connections = 1024;
  size_t max_consecutive_errors = 10;
  net::ChannelOptions channel;
};

class RegistryServer {
 public:
  // Binds and listens at once (port 0: any free port); throws
  // boost::system::system_error when it cannot.
  RegistryServer(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& listen,
                 RegistryOptions options = {});
  ~RegistryServer();
  RegistryServer(const RegistryServer&) = delete;
  RegistryServer& operator=(const RegistryServer&) = delete;

  // The bound address, with the port the kernel picked.
  boost::asio::ip::tcp::endpoint endpoint() const;
  // Stops accepting and closes every connection (members then count as
  // gone). Idempotent.
  void Stop();

  // The registered members, ordered by (kind, system for servers, name).
  std::vector<MemberRecord> Members() const;
  size_t connection_count() const;

 private:
  class Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace drdaplex::registry
