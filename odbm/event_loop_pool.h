// A pool of event loops, one io_context each, normally run by one thread
// each. A connection lives on one loop for its whole life, so its reads,
// its SQL and its writes run on the thread that epoll woke: no hand-off
// between threads per request (measured: p50 35 us instead of 90 us for a
// Derby client's request/reply loop on 2 cores, see bench/RESULTS.md).
//
// SQL runs on the loop's thread, so a statement that takes long (a lock
// wait, a big scan) would stall every other connection of its loop. A
// monitor notices a loop whose threads are all inside long-running work and
// lends it a helper thread until the stall clears, so the others keep being
// served. Thread-safe.
#pragma once

#include <boost/asio/io_context.hpp>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace drdaplex::odbm {

class EventLoopPool {
  struct Loop;

 public:
  struct Options {
    int loops = 2;
    // A loop whose every thread has been busy in one piece of work this
    // long gets a helper thread.
    std::chrono::milliseconds stall_threshold{20};
    // Most helper threads alive at once, over all loops.
    int max_helpers = 256;
  };

  explicit EventLoopPool(Options options);
  ~EventLoopPool();
  EventLoopPool(const EventLoopPool&) = delete;
  EventLoopPool& operator=(const EventLoopPool&) = delete;

  // The next loop, round-robin (for a new connection).
  boost::asio::io_context& Next();
  boost::asio::io_context& loop(size_t i) { return loops_[i]->io; }
  size_t size() const { return loops_.size(); }

  // Runs every loop and the monitor; blocks until Stop().
  void Run();
  void Stop();

  // Marks work that may block on `io` (SQL). Construct on the loop's thread
  // before the work, destroy after it.
  class BusyScope {
   public:
    BusyScope(EventLoopPool& pool, boost::asio::io_context& io);
    ~BusyScope();
    BusyScope(const BusyScope&) = delete;
    BusyScope& operator=(const BusyScope&) = delete;

   private:
    Loop* loop_;
  };

  int helpers_started() const { return helpers_started_.load(); }

 private:
  friend class BusyScope;
  struct Loop {
    boost::asio::io_context io;
    std::atomic<int> threads{0};  // threads currently running io
    std::atomic<int> busy{0};     // of them, inside a BusyScope
    std::chrono::steady_clock::time_point stalled_since{};
  };

  Loop* Find(boost::asio::io_context& io);
  void Monitor();
  void Help(Loop& loop);

  Options options_;
  std::vector<std::unique_ptr<Loop>> loops_;
  std::atomic<size_t> next_{0};
  std::atomic<bool> stopping_{false};
  std::atomic<int> helpers_{0};
  std::atomic<int> helpers_started_{0};
  struct Helper {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };
  std::mutex helpers_mutex_;
  std::vector<Helper> helper_threads_;
};

}  // namespace drdaplex::odbm
