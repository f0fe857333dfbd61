// AdminServer: accept loop and one line-in, line-out coroutine per
// connection. See admin_server.h for bounds and threading.
#include "router/admin/admin_server.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <string>

namespace drdaplex::router {

namespace asio = boost::asio;
using asio::ip::tcp;

struct AdminServer::State : std::enable_shared_from_this<State> {
  State(asio::io_context& io, const tcp::endpoint& endpoint, Handler h, AdminServerOptions o)
      : acceptor(io, endpoint), handler(std::move(h)), options(o) {}

  asio::awaitable<void> Serve(tcp::socket socket) {
    auto self = shared_from_this();
    ++connections;
    std::string buffer;
    try {
      for (;;) {
        const size_t n = co_await asio::async_read_until(
            socket, asio::dynamic_buffer(buffer, options.max_line), '\n', asio::use_awaitable);
        const std::string line = buffer.substr(0, n - 1);
        buffer.erase(0, n);
        nlohmann::json reply;
        try {
          reply = handler(nlohmann::json::parse(line));
        } catch (const std::exception& e) {
          reply = {{"ok", false}, {"error", e.what()}};
        }
        const std::string out = reply.dump() + "\n";
        co_await asio::async_write(socket, asio::buffer(out), asio::use_awaitable);
      }
    } catch (const std::exception&) {
    }
    --connections;
  }

  asio::awaitable<void> AcceptLoop() {
    auto self = shared_from_this();
    while (acceptor.is_open()) {
      boost::system::error_code ec;
      tcp::socket socket = co_await acceptor.async_accept(
          asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
      asio::co_spawn(acceptor.get_executor(), Serve(std::move(socket)), asio::detached);
    }
  }

  tcp::acceptor acceptor;
  Handler handler;
  AdminServerOptions options;
  size_t connections = 0;
};

AdminServer::AdminServer(asio::io_context& io, const tcp::endpoint& endpoint, Handler handler,
                         AdminServerOptions options)
    : state_(std::make_shared<State>(io, endpoint, std::move(handler), options)) {
  asio::co_spawn(io, state_->AcceptLoop(), asio::detached);
}

AdminServer::~AdminServer() { Stop(); }

tcp::endpoint AdminServer::endpoint() const { return state_->acceptor.local_endpoint(); }

void AdminServer::Stop() {
  boost::system::error_code ignored;
  state_->acceptor.close(ignored);
}

size_t AdminServer::connection_count() const { return state_->connections; }

}  // namespace drdaplex::router
