// ReconnectingClient: keeps one JSON-lines conversation with a server going.
// It connects (bounded by connect_timeout), runs the caller's conversation
// on a fresh JsonLineChannel, and when the connection ends or cannot be made
// waits a back-off delay (doubling from initial_backoff up to max_backoff)
// and starts over, until Stop(). The conversation decides how the next
// delay looks: it resets the back-off once it has achieved something (a
// registration accepted, a snapshot received) and may ask for a long pause
// (a refusal that will not go away at once).
//
// Ownership: the client's state is shared with its coroutine; destroying the
// client stops it. The callbacks are held until the coroutine ends, so they
// must not own the object that owns the client (capture a weak_ptr).
// Thread-safety: single-threaded; call everything on the executor's thread.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "net/json_line_channel.h"

namespace drdaplex::net {

// Exponential back-off between two bounds.
class Backoff {
 public:
  Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds max);
  // The delay to wait now; the one after it is twice as long (up to max).
  std::chrono::milliseconds Next();
  // The next delay is `initial` again.
  void Reset();
  // The next delay is at least `delay` (capped at max).
  void AtLeast(std::chrono::milliseconds delay);
  std::chrono::milliseconds max() const { return max_; }

 private:
  const std::chrono::milliseconds initial_;
  const std::chrono::milliseconds max_;
  std::chrono::milliseconds next_;
};

struct ReconnectOptions {
  std::chrono::milliseconds connect_timeout{1000};
  std::chrono::milliseconds initial_backoff{100};
  std::chrono::milliseconds max_backoff{2000};
  ChannelOptions channel;
};

class ReconnectingClient {
 public:
  struct Callbacks {
    // Runs on each established connection until the conversation is over
    // (it reads with channel.Read(), writes with channel.Send()); the client
    // runs it under channel.Run(), so deadlines and write bounds apply.
    std::function<boost::asio::awaitable<void>(JsonLineChannel& channel)> conversation;
    // After each established connection ended; optional.
    std::function<void(JsonLineChannel::EndReason reason, const std::string& detail)> disconnected;
    // After each failed connection attempt; optional.
    std::function<void(const boost::system::error_code& error)> connect_failed;
  };

  ReconnectingClient(boost::asio::any_io_executor executor, boost::asio::ip::tcp::endpoint server,
                     ReconnectOptions options, Callbacks callbacks);
  ~ReconnectingClient();
  ReconnectingClient(const ReconnectingClient&) = delete;
  ReconnectingClient& operator=(const ReconnectingClient&) = delete;

  // Starts connecting. Call once.
  void Start();
  // Ends the current connection (pending output is dropped; see
  // CloseAfterFlush for a polite end) and stops reconnecting. Idempotent.
  void Stop();
  // Lets the current conversation's queued output go out (bounded by the
  // channel's write timeout), then stops as Stop() does; `done` runs once
  // the client is idle. Immediate when no connection is open.
  void StopAfterFlush(std::function<void()> done);

  // The current channel, or nullptr between connections.
  JsonLineChannel* channel() const;
  Backoff& backoff();
  bool stopped() const;

 private:
  struct State;
  static boost::asio::awaitable<void> Loop(std::shared_ptr<State> state);
  std::shared_ptr<State> state_;
};

}  // namespace drdaplex::net
