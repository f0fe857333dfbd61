// ControlServer: the launcher's control socket. JSON lines over TCP on
// 127.0.0.1 (port 0: the kernel's choice; see port()), served by
// net::JsonLineServer on a thread of its own. Each request line is handed
// to `handler`, which may block (the launcher answers on its own thread;
// a restart takes up to 10 s), and its reply is sent back as one line; a
// line that is not a JSON object gets {"ok":false,"error":...}.
// Ownership: owns the io_context, the listener and the thread; the
// destructor stops and joins them.
// Thread-safety: construct and destroy on one thread; `handler` runs on
// the server's thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "net/json_line_server.h"

namespace drdaplex::plex {

class ControlServer {
 public:
  using Handler = std::function<nlohmann::ordered_json(const nlohmann::json& request)>;

  // Listens at once; throws boost::system::system_error when it cannot.
  explicit ControlServer(Handler handler);
  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  uint16_t port() const { return port_; }

 private:
  boost::asio::io_context io_;
  std::unique_ptr<net::JsonLineServer> server_;
  uint16_t port_ = 0;
  std::thread thread_;
};

}  // namespace drdaplex::plex
