#include "harness/plex/control_server.h"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>

namespace drdaplex::plex {

namespace {

namespace asio = boost::asio;

asio::awaitable<void> Conversation(std::shared_ptr<net::JsonLineChannel> channel,
                                   ControlServer::Handler handler) {
  while (true) {
    net::JsonLineChannel::ReadResult line = co_await channel->Read();
    switch (line.status) {
      case net::JsonLineChannel::ReadStatus::kMessage:
        channel->Send(handler(line.message));
        break;
      case net::JsonLineChannel::ReadStatus::kInvalid:
        channel->Send(nlohmann::ordered_json{{"ok", false}, {"error", "not a JSON object: " + line.error}});
        break;
      default:
        co_return;
    }
  }
}

}  // namespace

ControlServer::ControlServer(Handler handler) {
  net::JsonLineServerOptions options;
  options.max_connections = 64;
  server_ = std::make_unique<net::JsonLineServer>(
      io_, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0), options,
      [handler](std::shared_ptr<net::JsonLineChannel> channel) -> asio::awaitable<void> {
        co_await channel->Run(Conversation(channel, handler));
      });
  port_ = server_->endpoint().port();
  thread_ = std::thread([this] { io_.run(); });
}

ControlServer::~ControlServer() {
  asio::post(io_, [this] { server_->Stop(); });
  // Let the last replies ("down") go out, then end.
  asio::post(io_, [this] { io_.stop(); });
  thread_.join();
  server_.reset();
}

}  // namespace drdaplex::plex
