// AgentCheckServer: accept, one line, close; see agent_check_server.h.
#include "router/wlm/agent_check_server.h"

#include <spdlog/spdlog.h>

#include <array>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <string>
#include <unordered_set>

#include "net/endpoint.h"
#include "net/socket_options.h"

namespace drdaplex::router_wlm {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
using asio::ip::tcp;

struct AgentCheckServer::State {
  State(asio::io_context& io, StateFunction s, AgentCheckOptions o)
      : acceptor(io), state(std::move(s)), options(o) {}

  tcp::acceptor acceptor;
  StateFunction state;
  const AgentCheckOptions options;
  std::unordered_set<tcp::socket*> sockets;
  size_t replies = 0;
  bool stopped = false;
};

namespace {

void CloseQuietly(tcp::socket& socket) {
  boost::system::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
}

// Reads until the peer closes (or resets); returns then.
awaitable<void> DrainUntilClosed(tcp::socket& socket) {
  std::array<char, 512> discard;
  for (;;) {
    boost::system::error_code ec;
    co_await socket.async_read_some(asio::buffer(discard), asio::redirect_error(use_awaitable, ec));
    if (ec) co_return;
  }
}

awaitable<void> Expire(std::chrono::milliseconds after) {
  asio::steady_timer timer(co_await asio::this_coro::executor, after);
  boost::system::error_code ec;
  co_await timer.async_wait(asio::redirect_error(use_awaitable, ec));
}

}  // namespace

awaitable<void> AgentCheckServer::Serve(std::shared_ptr<State> state, tcp::socket socket) {
  using namespace asio::experimental::awaitable_operators;
  if (state->stopped) co_return;
  state->sockets.insert(&socket);
  std::string reply;
  try {
    if (state->state) reply = FormatAgentReply(state->state());
  } catch (const std::exception& e) {
    // The router's state could not be read: say nothing rather than
    // something wrong (HAProxy keeps what it had).
    spdlog::error("agent check: reading the router's state failed: {}", e.what());
  }
  boost::system::error_code ec;
  if (!reply.empty()) {
    socket.non_blocking(true, ec);
    const size_t written = ec ? 0 : socket.write_some(asio::buffer(reply), ec);
    if (!ec && written == reply.size()) ++state->replies;
  }
  // Our side is done; wait (bounded) for the peer to read and close, so
  // that closing here does not reset a reply it has not read yet.
  socket.shutdown(tcp::socket::shutdown_send, ec);
  if (!state->stopped) {
    co_await (DrainUntilClosed(socket) || Expire(state->options.linger));
  }
  CloseQuietly(socket);
  state->sockets.erase(&socket);
}

awaitable<void> AgentCheckServer::AcceptLoop(std::shared_ptr<State> state) {
  asio::steady_timer pause(state->acceptor.get_executor());
  while (!state->stopped) {
    boost::system::error_code ec;
    tcp::socket socket =
        co_await state->acceptor.async_accept(asio::redirect_error(use_awaitable, ec));
    if (state->stopped || ec == asio::error::operation_aborted) break;
    if (ec) {
      spdlog::warn("agent check: accept failed: {}", ec.message());
      pause.expires_after(std::chrono::milliseconds(100));
      co_await pause.async_wait(asio::redirect_error(use_awaitable, ec));
      continue;
    }
    if (state->sockets.size() >= state->options.max_connections) {
      spdlog::warn("agent check: {} connections open; closing a new one unanswered",
                   state->sockets.size());
      CloseQuietly(socket);
      continue;
    }
    asio::co_spawn(state->acceptor.get_executor(), Serve(state, std::move(socket)), asio::detached);
  }
}

AgentCheckServer::AgentCheckServer(asio::io_context& io, const tcp::endpoint& listen,
                                   StateFunction state, AgentCheckOptions options)
    : state_(std::make_shared<State>(io, std::move(state), options)) {
  net::OpenListener(state_->acceptor, listen);
  endpoint_ = state_->acceptor.local_endpoint();
  asio::co_spawn(io, AcceptLoop(state_), asio::detached);
}

AgentCheckServer::~AgentCheckServer() { Stop(); }

tcp::endpoint AgentCheckServer::endpoint() const { return endpoint_; }

void AgentCheckServer::Stop() {
  if (state_->stopped) return;
  state_->stopped = true;
  boost::system::error_code ignored;
  state_->acceptor.close(ignored);
  // Cancels the waits; each session closes and erases its own socket.
  for (tcp::socket* socket : state_->sockets) socket->cancel(ignored);
  state_->state = nullptr;
}

size_t AgentCheckServer::replies() const { return state_->replies; }

}  // namespace drdaplex::router_wlm
