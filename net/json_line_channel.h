// JsonLineChannel: one TCP connection that carries JSON objects, one per
// '\n'-terminated line, in both directions. It is the transport of the plex
// registry and of the router's admin socket; it knows nothing of either.
//
//  - Reading is bounded: a line longer than ChannelOptions::max_line is never
//    buffered whole (the read stops at the bound and reports kTooLong); a
//    line that is not a JSON object, or nests deeper than max_depth, is
//    reported as kInvalid and the channel stays usable. Nothing is thrown.
//  - Writing is queued: Send() appends a line to an outbox and returns at
//    once; one writer coroutine drains it with at most one write in flight.
//    An outbox beyond max_queued_bytes, or one write stalled for longer than
//    write_timeout, drops the peer: a reader that does not read never blocks
//    whoever sends to it.
//  - Run(conversation) ties the lifetimes together: the caller's
//    conversation (which reads), the writer and a watchdog run until the
//    first of them ends; the watchdog ends the connection at the read
//    deadline set with ExpireAfter(). When the conversation ends by itself,
//    what it queued is still flushed (bounded by write_timeout).
//
// Ownership: the channel owns its socket. Hold it by shared_ptr (or in the
// frame of the coroutine that runs it) for as long as Run() is running.
// Thread-safety: none. Every call, and Run(), on the socket's executor
// (one io_context thread, or one strand).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

namespace drdaplex::net {

struct ChannelOptions {
  // Longest line accepted, in bytes, without its '\n'.
  size_t max_line = 64 * 1024;
  // Deepest nesting of arrays and objects accepted in a line (the top-level
  // object is depth 1). Keeps recursive consumers (dump()) off deep stacks.
  size_t max_depth = 32;
  // Unsent output (queued plus in flight) beyond which the peer is dropped.
  size_t max_queued_bytes = 1024 * 1024;
  // A single write that makes no progress for this long drops the peer.
  std::chrono::milliseconds write_timeout{5000};
};

class JsonLineChannel {
 public:
  using Clock = std::chrono::steady_clock;

  enum class ReadStatus {
    kMessage,  // `message` holds a JSON object.
    kInvalid,  // The line was not a JSON object (see `error`); keep reading.
    kTooLong,  // The line exceeded max_line; the stream is out of sync, end it.
    kClosed,   // End of stream, an I/O error, or Close(): nothing more comes.
  };
  struct ReadResult {
    ReadStatus status = ReadStatus::kClosed;
    nlohmann::json message;
    std::string error;  // Why, for kInvalid, kTooLong and kClosed.
  };

  // Why Run() returned.
  enum class EndReason {
    kConversationEnded,  // The conversation returned of its own accord.
    kPeerClosed,         // Read() saw end of stream or an I/O error.
    kTimedOut,           // The read deadline (ExpireAfter) passed.
    kWriteFailed,        // A write failed, stalled past write_timeout, or overflowed.
    kClosedLocally,      // Close() was called.
  };
  static const char* EndReasonName(EndReason reason);

  JsonLineChannel(boost::asio::ip::tcp::socket socket, ChannelOptions options = {});
  ~JsonLineChannel();
  JsonLineChannel(const JsonLineChannel&) = delete;
  JsonLineChannel& operator=(const JsonLineChannel&) = delete;

  // Reads the next non-empty line (a trailing '\r' is dropped). Must not be
  // called again before the previous call completed.
  boost::asio::awaitable<ReadResult> Read();

  // Queues one line. Returns false, and closes the channel, when the outbox
  // would exceed max_queued_bytes; false without effect once closed.
  bool Send(const nlohmann::json& message);
  bool Send(const nlohmann::ordered_json& message);
  // `line` must not contain '\n'; the terminator is added here.
  bool SendLine(std::string_view line);

  // Sets the read deadline: the connection ends (kTimedOut) if Run() is
  // still running then. Call again to move it; ExpireNever() clears it.
  void ExpireAfter(std::chrono::milliseconds timeout);
  void ExpireNever();

  // Runs `conversation` (which calls Read() in a loop and Send() as it
  // pleases) together with the writer and the watchdog, until the first of
  // them ends; then closes the channel. Call once.
  boost::asio::awaitable<EndReason> Run(boost::asio::awaitable<void> conversation);

  // Ends the conversation from outside, politely: Run() stops it (a pending
  // Read() returns kClosed), flushes what is queued (bounded by
  // write_timeout), closes and returns kConversationEnded. Idempotent.
  void Finish();

  // Closes the socket at once; pending output is dropped, Read() returns
  // kClosed, Run() returns soon after. Idempotent.
  void Close();

  bool is_open() const { return !closed_; }
  // "HOST:PORT" of the peer, fixed at construction ("?" if unknown).
  const std::string& peer() const { return peer_; }
  // More about the end (the I/O error, the limit that was hit), for logs.
  const std::string& end_detail() const { return end_detail_; }
  boost::asio::any_io_executor get_executor() { return socket_.get_executor(); }
  const ChannelOptions& options() const { return options_; }

 private:
  template <typename Json>
  bool SendJson(const Json& message);
  void SetEnd(EndReason reason, std::string detail);
  void PokeWatchdog();
  boost::asio::awaitable<void> WriteLoop();
  // Returns at a deadline; with `or_finish`, also when Finish() is called.
  boost::asio::awaitable<void> Watchdog(bool or_finish);

  boost::asio::ip::tcp::socket socket_;
  const ChannelOptions options_;
  std::string peer_;
  std::string read_buffer_;
  std::string outbox_;   // Lines queued since the writer last took them.
  std::string writing_;  // Lines the writer is writing; `written_` of them are out.
  size_t written_ = 0;
  bool finish_requested_ = false;  // Finish() was called.
  bool finishing_ = false;  // The writer stops once everything is out.
  bool closed_ = false;
  bool ended_ = false;  // end_reason_ is set.
  EndReason end_reason_ = EndReason::kConversationEnded;
  std::string end_detail_;
  Clock::time_point read_deadline_ = Clock::time_point::max();
  Clock::time_point write_deadline_ = Clock::time_point::max();
  boost::asio::steady_timer writer_wake_;  // Parked at max while the outbox is empty.
  boost::asio::steady_timer watchdog_timer_;
};

}  // namespace drdaplex::net
