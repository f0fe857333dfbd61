#include "client/tcp_socket.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <utility>

#include "client/sql_error.h"

namespace drdaplex::client {
namespace {

std::string Errno(int err) { return std::strerror(err); }

int RemainingMs(TcpSocket::Clock::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - TcpSocket::Clock::now()).count();
  if (left <= 0) return 0;
  return left > 1'000'000'000 ? 1'000'000'000 : static_cast<int>(left);
}

}  // namespace

TcpSocket::~TcpSocket() { Close(); }

TcpSocket::TcpSocket(TcpSocket&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

TcpSocket& TcpSocket::operator=(TcpSocket&& other) noexcept {
  if (this != &other) {
    Close();
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

void TcpSocket::Close() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

bool TcpSocket::WaitFor(short events, Clock::time_point deadline) {
  for (;;) {
    pollfd p{fd_, events, 0};
    const int n = ::poll(&p, 1, RemainingMs(deadline));
    if (n > 0) return true;  // ready, or an error condition the next call reports
    if (n == 0) return false;
    if (errno != EINTR) return false;
  }
}

TcpSocket TcpSocket::Connect(const std::string& host, uint16_t port, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  const std::string where = host + ":" + std::to_string(port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (const int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0) {
    throw SqlError("08001", "cannot resolve " + host + ": " + ::gai_strerror(rc));
  }
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> guard(found, ::freeaddrinfo);

  std::string last_error = "no address";
  for (addrinfo* ai = found; ai != nullptr; ai = ai->ai_next) {
    TcpSocket s(::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol));
    if (!s.is_open()) {
      last_error = Errno(errno);
      continue;
    }
    if (::connect(s.fd_, ai->ai_addr, ai->ai_addrlen) != 0) {
      if (errno != EINPROGRESS) {
        last_error = Errno(errno);
        continue;
      }
      if (!s.WaitFor(POLLOUT, deadline)) {
        throw SqlError("08001", "cannot connect to " + where + ": timed out after " +
                                    std::to_string(timeout.count()) + " ms");
      }
      int err = 0;
      socklen_t len = sizeof err;
      ::getsockopt(s.fd_, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0) {
        last_error = Errno(err);
        continue;
      }
    }
    const int one = 1;
    ::setsockopt(s.fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return s;
  }
  throw SqlError("08001", "cannot connect to " + where + ": " + last_error);
}

void TcpSocket::WriteAll(std::span<const uint8_t> data, Clock::time_point deadline) {
  if (!is_open()) throw SqlError("08006", "connection is closed");
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::send(fd_, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n > 0) {
      done += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (!WaitFor(POLLOUT, deadline)) throw SqlError("08006", "write timed out");
      continue;
    }
    throw SqlError("08006", "write failed: " + Errno(errno));
  }
}

size_t TcpSocket::ReadSome(std::span<uint8_t> buffer, Clock::time_point deadline) {
  if (!is_open()) throw SqlError("08006", "connection is closed");
  for (;;) {
    const ssize_t n = ::recv(fd_, buffer.data(), buffer.size(), 0);
    if (n >= 0) return static_cast<size_t>(n);
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      if (!WaitFor(POLLIN, deadline)) throw SqlError("08006", "read timed out waiting for the server");
      continue;
    }
    throw SqlError("08006", "read failed: " + Errno(errno));
  }
}

}  // namespace drdaplex::client
