// Blocking socket helpers for the WLM tests; see tcp_probe.h.
#include "tests/wlm/tcp_probe.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <boost/asio/post.hpp>
#include <cerrno>
#include <cstring>
#include <future>

namespace drdaplex::testing {

namespace {

using Clock = std::chrono::steady_clock;

// Sends and reads to end of stream on a connected socket; closes it.
std::optional<std::string> Converse(int fd, const std::string& send,
                                    std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  size_t sent = 0;
  while (sent < send.size()) {
    const ssize_t n = ::send(fd, send.data() + sent, send.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      return std::nullopt;
    }
    sent += static_cast<size_t>(n);
  }
  std::string received;
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) break;
    char chunk[4096];
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    if (n == 0) {
      ::close(fd);
      return received;
    }
    received.append(chunk, static_cast<size_t>(n));
  }
  ::close(fd);
  return std::nullopt;
}

// connect() bounded by `timeout` (non-blocking connect, then poll).
bool ConnectWithin(int fd, const sockaddr* address, socklen_t length,
                   std::chrono::milliseconds timeout) {
  const int flags = ::fcntl(fd, F_GETFL);
  ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  if (::connect(fd, address, length) != 0) {
    if (errno != EINPROGRESS) return false;
    pollfd p{fd, POLLOUT, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return false;
    int error = 0;
    socklen_t size = sizeof error;
    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size);
    if (error != 0) return false;
  }
  ::fcntl(fd, F_SETFL, flags);
  return true;
}

}  // namespace

std::optional<std::string> TcpExchange(int port, std::chrono::milliseconds timeout,
                                       const std::string& send) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::nullopt;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (!ConnectWithin(fd, reinterpret_cast<sockaddr*>(&address), sizeof address, timeout)) {
    ::close(fd);
    return std::nullopt;
  }
  return Converse(fd, send, timeout);
}

std::optional<std::string> UnixExchange(const std::string& path, const std::string& send,
                                        std::chrono::milliseconds timeout) {
  sockaddr_un address{};
  if (path.size() >= sizeof address.sun_path) return std::nullopt;
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::nullopt;
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  if (!ConnectWithin(fd, reinterpret_cast<sockaddr*>(&address), sizeof address, timeout)) {
    ::close(fd);
    return std::nullopt;
  }
  return Converse(fd, send, timeout);
}

int PickFreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  ::close(fd);
  return port;
}

IoThread::IoThread() : guard_(io_.get_executor()), thread_([this] { io_.run(); }) {}

IoThread::~IoThread() {
  guard_.reset();
  io_.stop();
  thread_.join();
}

void IoThread::Run(const std::function<void()>& fn) {
  std::promise<void> done;
  boost::asio::post(io_, [&] {
    try {
      fn();
      done.set_value();
    } catch (...) {
      done.set_exception(std::current_exception());
    }
  });
  done.get_future().get();  // rethrows what fn threw
}

}  // namespace drdaplex::testing
