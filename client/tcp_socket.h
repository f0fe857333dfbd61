// TcpSocket: the client's transport, a blocking-style TCP connection built
// on a non-blocking POSIX socket so that every connect, read and write is
// bounded by a deadline (poll()). TCP_NODELAY is set because DRDA is a
// request/reply protocol of small chains: Nagle would add a delay to every
// round trip. Writes use MSG_NOSIGNAL so a peer that went away surfaces as
// an error, never as SIGPIPE.
//
// Failures are reported as SqlError: 08001 when the connection cannot be
// established, 08006 when an established one fails or times out.
// Owns its file descriptor; movable, not copyable; one thread at a time.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace drdaplex::client {

class TcpSocket {
 public:
  using Clock = std::chrono::steady_clock;

  TcpSocket() = default;
  ~TcpSocket();
  TcpSocket(TcpSocket&& other) noexcept;
  TcpSocket& operator=(TcpSocket&& other) noexcept;
  TcpSocket(const TcpSocket&) = delete;
  TcpSocket& operator=(const TcpSocket&) = delete;

  // Resolves `host` (name or numeric address) and connects to the first
  // address that accepts within `timeout` in total. Throws SqlError 08001.
  static TcpSocket Connect(const std::string& host, uint16_t port, std::chrono::milliseconds timeout);

  // Writes all of `data` before `deadline`. Throws SqlError 08006.
  void WriteAll(std::span<const uint8_t> data, Clock::time_point deadline);

  // Reads at least one byte into `buffer` before `deadline`; returns the
  // count, or 0 when the peer closed the connection. Throws SqlError 08006.
  size_t ReadSome(std::span<uint8_t> buffer, Clock::time_point deadline);

  bool is_open() const { return fd_ >= 0; }
  void Close();

 private:
  explicit TcpSocket(int fd) : fd_(fd) {}
  // Waits until the socket is ready for `events`; false at the deadline.
  bool WaitFor(short events, Clock::time_point deadline);

  int fd_ = -1;
};

}  // namespace drdaplex::client
