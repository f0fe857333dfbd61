// HandoffChannel: the distributor's end of the hand-over channel to one
// router (router/server/handoff_listener.h). Hands accepted client sockets
// over with {"op":"conn","id":N,"client":"ip:port"} and reports what the
// router answers: ack (it took the connection), nack (it could not), end
// (a connection it took has ended), and when the channel breaks.
//
// Connects on Start() and again after a break, with backoff, for as long
// as the router is registered; a channel that is not connected is "not
// ready" and gets no connections.
//
// Runs on one io_context; every method must be called on its thread.
// Callbacks run on it too.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

namespace drdaplex::distributor {

class HandoffChannel {
 public:
  struct Callbacks {
    std::function<void(uint64_t id)> on_ack;
    std::function<void(uint64_t id, const std::string& reason)> on_nack;
    std::function<void(uint64_t id)> on_end;
    std::function<void(bool connected)> on_state;  // connected / lost
  };

  HandoffChannel(boost::asio::io_context& io, std::filesystem::path path, Callbacks callbacks);
  ~HandoffChannel();
  HandoffChannel(const HandoffChannel&) = delete;
  HandoffChannel& operator=(const HandoffChannel&) = delete;

  void Start();
  void Stop();
  bool connected() const;

  // Passes `socket` to the router under `id`. True when the router has it
  // (the socket is closed here: the router holds its own descriptor) or
  // when it waits in this channel's queue because the router is behind
  // (the socket is moved into the queue; a queued connection the router
  // does not take within 2 s is closed and reported through on_nack).
  // False when the channel is down, its queue is full, or sending failed
  // (then the channel is treated as broken): the socket is left open for
  // another router.
  bool HandOver(uint64_t id, boost::asio::ip::tcp::socket& socket);

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace drdaplex::distributor
