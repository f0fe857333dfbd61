// JsonLineServer: a TCP listener whose every connection is a JsonLineChannel
// handed to a session coroutine. It holds what every JSON-lines service
// needs and none of what it says: the connection bound, the list of open
// channels (so Stop() can close them all), accept-error back-off, and a
// catch site for exceptions that escape a session.
//
// Ownership: the server owns its acceptor; each channel lives as long as its
// session. State shared with running sessions is reference-counted, so the
// server may be destroyed while sessions are still unwinding.
// Thread-safety: single-threaded. Construct, call and destroy it on the
// io_context's thread (or before that io_context runs); sessions run there.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "net/json_line_channel.h"

namespace drdaplex::net {

struct JsonLineServerOptions {
  // Connections beyond this many get `overload_line` and are closed.
  size_t max_connections = 1024;
  std::string overload_line = R"({"ok":false,"reason":"too-many-connections"})";
  ChannelOptions channel;
};

class JsonLineServer {
 public:
  // Runs one connection; normally `co_return co_await channel->Run(...)`.
  // The channel is closed when it returns.
  using Session = std::function<boost::asio::awaitable<void>(std::shared_ptr<JsonLineChannel>)>;

  // Opens, binds and listens at once (port 0: any free port). Throws
  // boost::system::system_error naming the failed step and address.
  JsonLineServer(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& listen,
                 JsonLineServerOptions options, Session session);
  ~JsonLineServer();
  JsonLineServer(const JsonLineServer&) = delete;
  JsonLineServer& operator=(const JsonLineServer&) = delete;

  // The bound address, with the port the kernel picked.
  boost::asio::ip::tcp::endpoint endpoint() const;
  // Stops accepting and closes every open channel. Idempotent.
  void Stop();
  size_t connection_count() const;

 private:
  struct State;
  static boost::asio::awaitable<void> AcceptLoop(std::shared_ptr<State> state);
  static boost::asio::awaitable<void> Serve(std::shared_ptr<State> state,
                                            std::shared_ptr<JsonLineChannel> channel);

  std::shared_ptr<State> state_;
  boost::asio::ip::tcp::endpoint endpoint_;
};

}  // namespace drdaplex::net
