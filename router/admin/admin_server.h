// AdminServer: the router's operator socket. A TCP listener that reads one
// JSON object per '\n'-terminated line, hands it to a handler and writes the
// handler's answer back as one line. It moves lines only; what a request
// means is the handler's business (router/admin/commands.h).
//
// Bounds: at most `max_connections` connections (more are accepted and
// closed at once with an error line), lines of at most `max_line` bytes (a
// longer one gets an error reply and the connection is closed), at most
// `max_consecutive_errors` unparsable lines in a row, and a connection that
// sends nothing for `idle_timeout` is closed.
//
// Ownership: the server owns its acceptor and sessions; the handler is
// copied in. Destroy the server on its io_context thread, or after the
// io_context has stopped.
// Thread-safety: single-threaded. Every session, and every handler call, runs
// on the io_context given to the constructor; the handler needs no locking
// against other handler calls. Stop() must also be called on that thread
// (post it there from elsewhere).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>

namespace drdaplex::router {

struct AdminServerOptions {
  size_t max_connections = 64;
  size_t max_line = 64 * 1024;
  size_t max_consecutive_errors = 10;
  std::chrono::milliseconds idle_timeout{std::chrono::minutes(10)};
};

class AdminServer {
 public:
  // One request in, one response out. An exception becomes
  // {"ok":false,"error":"<what()>"}; the connection stays open.
  // The reply keeps the handler's key order (operators read it as table
  // columns).
  using Handler = std::function<nlohmann::ordered_json(const nlohmann::json& request)>;

  // Binds and listens at once (port 0: any free port); throws
  // boost::system::system_error when it cannot.
  AdminServer(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& endpoint,
              Handler handler, AdminServerOptions options = {});
  ~AdminServer();
  AdminServer(const AdminServer&) = delete;
  AdminServer& operator=(const AdminServer&) = delete;

  // The bound address, with the port the kernel picked.
  boost::asio::ip::tcp::endpoint endpoint() const;
  // Stops accepting and closes every connection. Idempotent.
  void Stop();

  size_t connection_count() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace drdaplex::router
