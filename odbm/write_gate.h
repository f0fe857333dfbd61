// The write gate of one database file: which connection of this ODBM process
// may write to it now, and a FIFO of the connections waiting to.
//
// Why: SQLite lets one connection write to a file at a time, and a connection
// that finds the write lock taken waits in its busy handler, which sleeps on
// the calling thread and retries with growing back-off (up to 100 ms). SQL
// runs on the event loops' threads, so with hundreds of writers per file
// every thread (the loops and all the helpers EventLoopPool lends them) ended
// up asleep in busy handlers: the connection holding the lock got no thread
// for its COMMIT, sign-ons were not served, and waits ended as 40XL1
// (measured: 1,000 clients inserting gave 35 tx/s and 774 lock timeouts).
//
// With the gate, a connection that is about to write and does not hold its
// file's gate yet takes it, or is parked: its session awaits the grant
// without holding a thread, and the loop goes on serving the others. The
// gate passes to the waiters in arrival order when the holder's unit of work
// ends (commit, rollback, close). So within one process SQLite's write lock
// is free whenever a connection asks for it; SQLite's busy timeout is left
// only for what the gate cannot see: other processes sharing the file.
// A wait is bounded like a busy wait (the ODBM's BUSYTIMEOUT) and ends in
// the same 40XL1.
//
// Not taken instead (reasoned, not measured): a much larger helper cap
// gives every waiter its own sleeping thread and still leaves the lock idle
// between the busy handler's polls, granting it by luck; BEGIN IMMEDIATE only
// moves the busy wait to the BEGIN. Measured with the gate (drdaplex bench on
// the seed plex, 2 cores): ledger at 1,000 clients 68-87 -> 2,822-2,914 tx/s
// with no 40XL1 and no refused sign-on; select-only unchanged.
//
// Thread-safe: connections on every loop share a file's gate.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace drdaplex::odbm {

class WriteGate {
 public:
  WriteGate() = default;
  WriteGate(const WriteGate&) = delete;
  WriteGate& operator=(const WriteGate&) = delete;

  // Takes the gate if it is free and nobody waits for it (FIFO: a newcomer
  // does not overtake the queue).
  bool TryAcquire();
  // Takes the gate, waiting in line until it is passed on or `timeout`
  // passes. The grant resumes the caller on `executor` (its session's).
  // True: the caller holds the gate.
  boost::asio::awaitable<bool> Acquire(boost::asio::any_io_executor executor, std::chrono::milliseconds timeout);
  // The holder gives the gate up: to the first waiter, if any.
  void Release();

  bool held() const;
  size_t waiters() const;

 private:
  struct Waiter;
  mutable std::mutex mutex_;
  bool held_ = false;
  std::deque<std::shared_ptr<Waiter>> queue_;
};

// The gates of one ODBM process, one per database file (datastores sharing
// a file share its gate).
class WriteGates {
 public:
  // The gate of the file at `path` (made canonical, so that two spellings of
  // one file find one gate).
  std::shared_ptr<WriteGate> For(const std::string& path);

 private:
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<WriteGate>> gates_;
};

}  // namespace drdaplex::odbm
