// AgentCheckServer: the TCP side of HAProxy's agent check for one router
// (or one system). HAProxy connects every agent-inter, reads one line and
// closes; the server writes FormatAgentReply(state()) on each connection
// and closes its side. Whatever HAProxy sends first (agent-send) is read
// and ignored.
//
// Bounds: at most max_connections at once (beyond that a connection is
// closed unanswered: HAProxy treats a failed agent check as no news); the
// reply is one short line written without waiting (a fresh socket's buffer
// always takes it); a peer that neither reads its reply nor closes is
// dropped after `linger`.
//
// Ownership: the server owns its acceptor and the sockets it serves; the
// state function is held until the server stops.
// Thread-safety: single-threaded. Construct, call and destroy it on the
// io_context's thread (or before that io_context runs); `state` is called
// there, so it must be safe to call from that thread (read atomics, or
// post to the router's own threads).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>

#include "router/wlm/agent_reply.h"

namespace drdaplex::router_wlm {

struct AgentCheckOptions {
  size_t max_connections = 64;
  std::chrono::milliseconds linger{2000};
};

class AgentCheckServer {
 public:
  using StateFunction = std::function<AgentState()>;

  // Binds and listens at once (port 0: any free port); throws
  // boost::system::system_error naming the failed step and address.
  AgentCheckServer(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& listen,
                   StateFunction state, AgentCheckOptions options = {});
  ~AgentCheckServer();
  AgentCheckServer(const AgentCheckServer&) = delete;
  AgentCheckServer& operator=(const AgentCheckServer&) = delete;

  // The bound address, with the port the kernel picked.
  boost::asio::ip::tcp::endpoint endpoint() const;
  // Stops accepting and closes open connections. Idempotent.
  void Stop();
  // Replies written so far.
  size_t replies() const;

 private:
  struct State;
  static boost::asio::awaitable<void> AcceptLoop(std::shared_ptr<State> state);
  static boost::asio::awaitable<void> Serve(std::shared_ptr<State> state,
                                            boost::asio::ip::tcp::socket socket);

  std::shared_ptr<State> state_;
  boost::asio::ip::tcp::endpoint endpoint_;
};

}  // namespace drdaplex::router_wlm
