// The network side of drdaplex-odbm: a TCP listener and one coroutine
// session per DRDA connection, each pinned to one loop of an EventLoopPool.
// A session reads whole request chains, hands them to its CommandProcessor
// and writes each reply chain with one write. SQL runs on the session's
// loop thread; a statement that runs long gets the loop a helper thread
// (see EventLoopPool), so one slow query never blocks the others. A session
// whose request will write while another holds the database file's write
// gate waits for it parked, without a thread (odbm/write_gate.h).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <atomic>
#include <chrono>
#include <memory>

#include "odbm/command_processor.h"
#include "odbm/event_loop_pool.h"
#include "odbm/write_gate.h"

namespace drdaplex::odbm {

struct ServerOptions {
  boost::asio::ip::tcp::endpoint listen;
  int threads = 2;  // event loops, one thread each
  size_t max_connections = 10000;
  // A connection that sends nothing for this long is closed.
  std::chrono::seconds idle_timeout{30 * 60};
  // A request chain whose bytes stop arriving for this long is abandoned.
  std::chrono::seconds request_timeout{60};
  // After a reply, poll the socket this long before parking the thread in
  // epoll, hoping the requester's next request comes sooner than a parked
  // thread wakes. Off by default: measured on 2 cores with the Derby client
  // on the same machine, spinning steals the core the client needs (p90 of
  // a request/reply loop 97-134 us with 60 us of spin, 50-88 us without).
  // It may pay on machines where clients run elsewhere.
  std::chrono::microseconds spin{0};
  // Threads that may spin at once; the others park at once.
  int max_spinners = 1;
};

class Server {
 public:
  Server(OdbmContext& context, ServerOptions options);
  ~Server();

  // Binds and listens; returns the bound endpoint (port 0 picks a free one).
  // Throws boost::system::system_error naming the failed step.
  boost::asio::ip::tcp::endpoint Listen();
  // Runs until Stop(); blocks the caller, which becomes one of the threads.
  void Run();
  // Thread-safe and signal-safe to call from another thread.
  void Stop();

  size_t active_connections() const { return active_.load(); }

 private:
  class Session;
  void Accept();

  OdbmContext& context_;
  ServerOptions options_;
  // Used when the context brings none: only a session can wait for a gate.
  WriteGates write_gates_;
  EventLoopPool loops_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::atomic<size_t> active_{0};
  std::atomic<int> spinners_{0};
};

}  // namespace drdaplex::odbm
