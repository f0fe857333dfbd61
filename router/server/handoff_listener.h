// HandoffListener: the router's end of the distributor's hand-over channel.
// The distributor accepts a client's TCP connection on the DVIPA, picks this
// router and passes the socket over a Unix SOCK_SEQPACKET socket at `path`
// (net/fd_passing.h) with {"op":"conn","id":N,"client":"ip:port"}. The
// router adopts it like a connection it accepted itself and answers
// {"op":"ack","id":N} (or {"op":"nack","id":N,"reason":...} when it cannot
// take it, e.g. at MAXSOC); when that connection ends it sends
// {"op":"end","id":N}, so the distributor knows its active counts. The
// acknowledgements are what the distributor's TSR measures: a hung router
// acknowledges nothing.
//
// Several distributors (a primary and its backups) may be connected at
// once. A malformed message is logged and its descriptor closed; the
// channel stays up. Everything runs on the io_context given; Stop() must
// be called on that context's thread (or before it runs).
#pragma once

#include <boost/asio/io_context.hpp>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

namespace drdaplex::router {

class HandoffListener {
 public:
  // Takes ownership of `fd`, a connected TCP socket. Returns false (and
  // closes fd) when the router cannot take another connection; otherwise
  // calls on_end exactly once, from any thread, when the connection ends.
  using Adopt = std::function<bool(int fd, std::function<void()> on_end)>;

  HandoffListener(boost::asio::io_context& io, std::filesystem::path path, Adopt adopt);
  ~HandoffListener();
  HandoffListener(const HandoffListener&) = delete;
  HandoffListener& operator=(const HandoffListener&) = delete;

  // Binds `path` (a stale socket file left by a dead router is replaced)
  // and starts accepting distributors. Throws boost::system::system_error.
  void Start();
  void Stop();

  size_t adopted() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace drdaplex::router
