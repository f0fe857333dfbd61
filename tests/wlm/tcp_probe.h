// Small blocking socket helpers for the WLM tests: one exchange with a TCP
// or Unix-socket server (connect, optionally send, read until the server
// closes), a free TCP port for programs that must be told one (HAProxy),
// and an io_context on its own thread for the servers under test.
// Every call is bounded by its timeout.
// Thread-safety: the functions are independent; IoThread's methods are
// called from the test's thread.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <thread>

namespace drdaplex::testing {

// Connects to 127.0.0.1:port, sends `send` (when not empty), then reads
// until end of stream. nullopt on connect failure, reset or timeout.
std::optional<std::string> TcpExchange(int port, std::chrono::milliseconds timeout,
                                       const std::string& send = "");

// The same over a Unix stream socket.
std::optional<std::string> UnixExchange(const std::string& path, const std::string& send,
                                        std::chrono::milliseconds timeout);

// A port nothing listens on at the moment of the call (bound to port 0 and
// released): a program given it may still lose it to another, so callers
// retry on a bind failure.
int PickFreePort();

// An io_context run by one thread until the IoThread is destroyed.
class IoThread {
 public:
  IoThread();
  ~IoThread();  // stops the loop and joins; objects on it may then be destroyed
  boost::asio::io_context& io() { return io_; }
  // Runs `fn` on the loop's thread and waits for it.
  void Run(const std::function<void()>& fn);

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
  std::thread thread_;
};

}  // namespace drdaplex::testing
