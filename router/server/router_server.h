// RouterServer: the DRDA port of drdaplex-router, the IMS Connect analogue.
//
// Listens on its DRDA ports with SO_REUSEPORT, so several router processes
// share one port the way IMS Connects do with SHAREPORT: the kernel spreads
// new connections over them, and when one router ends the others keep
// accepting. Each connection runs as one coroutine:
//   1. the client's connect flow, answered by the router itself
//      (ClientConnectFlow: EXCSAT, ACCSEC, SECCHK against the router's
//      users), within PORTTMOT;
//   2. at ACCRDB, the routing decision (RoutingTable: the built-in rule or
//      the exit) on the RDBNAM's alias; a failure is answered with a DRDA
//      error naming the alias (route_replies.h);
//   3. a connection to the chosen ODBM within ODBMTMOT, signed on with a
//      pass ticket (odbm_opening.h); an ODBM that cannot be reached is
//      excluded and the connection routed once more;
//   4. a byte relay in both directions for the rest of the connection's
//      life, with no re-encoding (routing is per connection, as in IMS
//      Connect); the connection counts against its ODBM and datastore
//      until it ends.
// When the ODBM side of a relayed connection fails while the client waits
// for a reply, the client gets a DRDA error (CMDCHKRM, session damage), not
// a hang or a bare close.
//
// Threads: `threads` event loops, one thread each; a connection stays on
// one loop. Thread-safety: Stop() may be called from any thread or a
// signal handler's thread; the counters are atomics.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/pass_ticket.h"
#include "config/user_registry.h"
#include "drda/limits.h"
#include "router/routing/routing_table.h"

namespace drdaplex::router {

struct RouterServerOptions {
  std::string router_name = "HWS1";
  std::vector<boost::asio::ip::tcp::endpoint> drda_ports;
  int threads = 2;
  // MAXSOC: connections beyond this many are closed at once.
  size_t max_sockets = 2000;
  // PORTTMOT: how long a client may take over its connect flow.
  std::chrono::milliseconds connect_flow_timeout{60'000};
  // ODBMTMOT: how long the ODBM may take to accept and answer the sign-on.
  std::chrono::milliseconds odbm_timeout{60'000};
  // A relayed connection with no traffic either way this long is closed.
  std::chrono::seconds idle_timeout{1800};
  // TCP keepalive on client connections (KEEPAV); 0 = off.
  std::chrono::seconds keepalive{0};
};

// Shared by every connection; must outlive the server.
struct RouterContext {
  const config::UserRegistry* users = nullptr;
  RoutingTable* table = nullptr;
  // Present: the router signs users on to ODBMs with pass tickets.
  // Absent: the clients' own credentials are passed on.
  std::optional<config::PlexKey> plex_key;
  drda::Limits limits;
};

class RouterServer {
 public:
  RouterServer(RouterContext& context, RouterServerOptions options);
  ~RouterServer();
  RouterServer(const RouterServer&) = delete;
  RouterServer& operator=(const RouterServer&) = delete;

  // Binds every DRDA port (SO_REUSEPORT) and starts accepting; returns the
  // bound endpoints in order (port 0 picks a free one). Throws
  // boost::system::system_error naming the port.
  std::vector<boost::asio::ip::tcp::endpoint> Listen();
  // Runs the event loops until Stop(); the caller's thread is one of them.
  void Run();
  void Stop();

  // Serves a connection accepted elsewhere (handed over by the
  // distributor) like one of its own; takes ownership of the TCP socket
  // `fd`. False (fd closed) at MAXSOC. Otherwise on_end runs once, on the
  // connection's loop, when the connection ends. Thread-safe.
  bool Adopt(int fd, std::function<void()> on_end);

  // The first loop, for the caller's own work (registry watcher, admin).
  boost::asio::io_context& control_context();

  size_t active_connections() const { return active_.load(); }
  uint64_t total_connections() const { return total_.load(); }
  uint64_t refused_connections() const { return refused_.load(); }
  const RouterServerOptions& options() const { return options_; }

 private:
  class Session;
  class Loops;
  void Accept(size_t listener);
  void StartSession(boost::asio::ip::tcp::socket socket, std::function<void()> on_end);

  RouterContext& context_;
  const RouterServerOptions options_;
  std::unique_ptr<Loops> loops_;
  std::vector<boost::asio::ip::tcp::acceptor> acceptors_;
  std::atomic<size_t> active_{0};
  std::atomic<uint64_t> total_{0};
  std::atomic<uint64_t> refused_{0};
  std::atomic<uint64_t> next_connection_id_{1};
};

}  // namespace drdaplex::router
