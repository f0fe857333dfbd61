// JsonLineServer: listener, accept loop and session bookkeeping; see
// json_line_server.h.
#include "net/json_line_server.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <unordered_set>

#include "net/endpoint.h"
#include "net/socket_options.h"

namespace drdaplex::net {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
using asio::ip::tcp;

struct JsonLineServer::State {
  State(asio::io_context& io, JsonLineServerOptions o, Session s)
      : acceptor(io), options(std::move(o)), session(std::move(s)) {}

  tcp::acceptor acceptor;
  const JsonLineServerOptions options;
  const Session session;
  std::unordered_set<JsonLineChannel*> channels;
  bool stopped = false;
};

namespace {

// Throws system_error "<step> <address>: <reason>" when `ec` is set.
// A refused connection gets one line, written without waiting: if the peer
// cannot take a few bytes at once it does not get them.
void Refuse(tcp::socket socket, const std::string& line) {
  boost::system::error_code ignored;
  socket.non_blocking(true, ignored);
  const std::string out = line + "\n";
  socket.write_some(asio::buffer(out), ignored);
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
}

}  // namespace

awaitable<void> JsonLineServer::Serve(std::shared_ptr<State> state,
                                      std::shared_ptr<JsonLineChannel> channel) {
  // Spawned by an accept that completed just before Stop(): the owner of
  // the session function may be gone already.
  if (state->stopped) co_return;
  state->channels.insert(channel.get());
  try {
    co_await state->session(channel);
  } catch (const std::exception& e) {
    // A bug in one session ends that connection, never the service.
    spdlog::error("connection from {} ended by an internal error: {}", channel->peer(), e.what());
  }
  channel->Close();
  state->channels.erase(channel.get());
}

awaitable<void> JsonLineServer::AcceptLoop(std::shared_ptr<State> state) {
  asio::steady_timer pause(state->acceptor.get_executor());
  while (!state->stopped) {
    boost::system::error_code ec;
    tcp::socket socket = co_await state->acceptor.async_accept(asio::redirect_error(use_awaitable, ec));
    if (state->stopped || ec == asio::error::operation_aborted) break;
    if (ec) {
      // Out of descriptors and the like: wait a little rather than spin.
      spdlog::warn("accept failed: {}", ec.message());
      pause.expires_after(std::chrono::milliseconds(100));
      co_await pause.async_wait(asio::redirect_error(use_awaitable, ec));
      continue;
    }
    if (state->channels.size() >= state->options.max_connections) {
      spdlog::warn("refusing a connection: {} connections open", state->channels.size());
      Refuse(std::move(socket), state->options.overload_line);
      continue;
    }
    TuneConnection(socket);
    auto channel = std::make_shared<JsonLineChannel>(std::move(socket), state->options.channel);
    asio::co_spawn(state->acceptor.get_executor(), Serve(state, std::move(channel)), asio::detached);
  }
}

JsonLineServer::JsonLineServer(asio::io_context& io, const tcp::endpoint& listen,
                               JsonLineServerOptions options, Session session)
    : state_(std::make_shared<State>(io, std::move(options), std::move(session))) {
  OpenListener(state_->acceptor, listen);
  endpoint_ = state_->acceptor.local_endpoint();
  asio::co_spawn(io, AcceptLoop(state_), asio::detached);
}

JsonLineServer::~JsonLineServer() { Stop(); }

tcp::endpoint JsonLineServer::endpoint() const { return endpoint_; }

void JsonLineServer::Stop() {
  if (state_->stopped) return;
  state_->stopped = true;
  boost::system::error_code ignored;
  state_->acceptor.close(ignored);
  // Close() only cancels; each session erases itself later, so the set does
  // not change under this loop.
  for (JsonLineChannel* channel : state_->channels) channel->Close();
}

size_t JsonLineServer::connection_count() const { return state_->channels.size(); }

}  // namespace drdaplex::net
