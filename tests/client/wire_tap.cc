#include "tests/client/wire_tap.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>

#include "drda/codepoints.h"
#include "drda/ddm.h"

namespace drdaplex::client::testing {
namespace {

void SendAll(int fd, const uint8_t* data, size_t n) {
  while (n > 0) {
    const ssize_t w = ::send(fd, data, n, MSG_NOSIGNAL);
    if (w <= 0) return;
    data += w;
    n -= static_cast<size_t>(w);
  }
}

}  // namespace

WireTap::WireTap(int upstream_port) : upstream_port_(upstream_port) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::listen(listen_fd_, 8);
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { Serve(); });
}

WireTap::~WireTap() {
  stopping_ = true;
  ::shutdown(listen_fd_, SHUT_RDWR);
  thread_.join();
  ::close(listen_fd_);
}

std::vector<std::string> WireTap::Chains() const {
  std::lock_guard<std::mutex> lock(mu_);
  return chains_;
}

std::vector<drda::Dss> WireTap::Dsses() const {
  std::lock_guard<std::mutex> lock(mu_);
  return dsses_;
}

void WireTap::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  chains_.clear();
  dsses_.clear();
}

void WireTap::Serve() {
  while (!stopping_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    const int client = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    Relay(client);
    ::close(client);
  }
}

void WireTap::Relay(int client) {
  const int upstream = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(upstream_port_));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(upstream, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(upstream);
    return;
  }
  std::thread back([&] {
    uint8_t buf[65536];
    ssize_t n;
    while ((n = ::read(upstream, buf, sizeof buf)) > 0) SendAll(client, buf, static_cast<size_t>(n));
    ::shutdown(client, SHUT_RDWR);
  });
  drda::DssStreamParser parser;
  std::string chain;
  uint8_t buf[65536];
  for (;;) {
    pollfd p{client, POLLIN, 0};
    if (::poll(&p, 1, 100) == 0) {
      if (stopping_) break;
      continue;
    }
    const ssize_t n = ::read(client, buf, sizeof buf);
    if (n <= 0 || cut_) break;
    Record(buf, static_cast<size_t>(n), parser, chain);
    SendAll(upstream, buf, static_cast<size_t>(n));
  }
  ::shutdown(upstream, SHUT_RDWR);
  back.join();
  ::close(upstream);
}

void WireTap::Record(const uint8_t* data, size_t n, drda::DssStreamParser& parser, std::string& chain) {
  parser.Append({data, n});
  for (;;) {
    auto next = parser.Next();
    if (!next || !*next) return;
    const drda::Dss& dss = **next;
    std::string name = "?";
    drda::DdmObjectReader reader(dss.payload);
    if (auto first = reader.Next(); first && *first) name = drda::cp::Name((**first).code_point);
    char buf[64];
    std::snprintf(buf, sizeof buf, "[%u %02x]", dss.header.correlator, dss.header.FormatByte());
    if (!chain.empty()) chain += ' ';
    chain += name + buf;
    std::lock_guard<std::mutex> lock(mu_);
    dsses_.push_back(dss);
    if (!dss.header.chained) {
      chains_.push_back(chain);
      chain.clear();
    }
  }
}

}  // namespace drdaplex::client::testing
