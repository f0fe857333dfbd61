// AdminServer: a net::JsonLineServer whose sessions pass each request line
// to the handler and send back its answer. See admin_server.h for bounds
// and threading.
#include "router/admin/admin_server.h"

#include <fmt/format.h>

#include "net/json_line_server.h"

namespace drdaplex::router {

namespace asio = boost::asio;
using asio::awaitable;
using asio::ip::tcp;
using ReadStatus = net::JsonLineChannel::ReadStatus;

namespace {

nlohmann::ordered_json Failure(const std::string& error) {
  return {{"ok", false}, {"error", error}};
}

net::JsonLineServerOptions ServerOptions(const AdminServerOptions& options) {
  net::JsonLineServerOptions server;
  server.max_connections = options.max_connections;
  server.overload_line = Failure("too many admin connections").dump();
  server.channel.max_line = options.max_line;
  return server;
}

}  // namespace

struct AdminServer::State {
  State(asio::io_context& io, const tcp::endpoint& endpoint, Handler h, AdminServerOptions o)
      : handler(std::move(h)),
        options(o),
        server(io, endpoint, ServerOptions(o), [this](std::shared_ptr<net::JsonLineChannel> c) {
          return Session(this, std::move(c));
        }) {}

  // The server stops (and no session starts) before the State goes; running
  // sessions hold the channel, and reach the State only between reads.
  static awaitable<void> Session(State* state, std::shared_ptr<net::JsonLineChannel> channel) {
    channel->ExpireAfter(state->options.idle_timeout);
    co_await channel->Run(Converse(state, *channel));
  }

  static awaitable<void> Converse(State* state, net::JsonLineChannel& channel) {
    size_t errors = 0;
    for (;;) {
      net::JsonLineChannel::ReadResult in = co_await channel.Read();
      if (in.status == ReadStatus::kClosed) co_return;
      channel.ExpireAfter(state->options.idle_timeout);
      if (in.status == ReadStatus::kTooLong) {
        channel.Send(Failure(in.error + "; closing"));
        co_return;
      }
      if (in.status == ReadStatus::kInvalid) {
        channel.Send(Failure(in.error));
        if (++errors >= state->options.max_consecutive_errors) co_return;
        continue;
      }
      errors = 0;
      nlohmann::ordered_json reply;
      try {
        reply = state->handler(in.message);
      } catch (const std::exception& e) {
        reply = Failure(e.what());
      }
      channel.Send(reply);
    }
  }

  const Handler handler;
  const AdminServerOptions options;
  net::JsonLineServer server;
};

AdminServer::AdminServer(asio::io_context& io, const tcp::endpoint& endpoint, Handler handler,
                         AdminServerOptions options)
    : state_(std::make_shared<State>(io, endpoint, std::move(handler), options)) {}

AdminServer::~AdminServer() = default;

tcp::endpoint AdminServer::endpoint() const { return state_->server.endpoint(); }

void AdminServer::Stop() { state_->server.Stop(); }

size_t AdminServer::connection_count() const { return state_->server.connection_count(); }

}  // namespace drdaplex::router
