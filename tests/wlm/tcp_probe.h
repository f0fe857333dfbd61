// An io_context on its own thread for the servers the WLM tests exercise.
// The blocking socket exchanges (TcpExchange, UnixExchange, PickFreePort)
// are in tests/support/haproxy.h, shared with the sysplex tests; this
// header brings them along.
// Thread-safety: IoThread's methods are called from the test's thread.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <thread>

#include "tests/support/haproxy.h"

namespace drdaplex::testing {

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
