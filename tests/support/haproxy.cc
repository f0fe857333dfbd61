// HAProxy for tests and blocking socket exchanges; see haproxy.h.
#include "tests/support/haproxy.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <sstream>

#include "tests/support/polling.h"
#include "tests/support/temp_dir.h"

namespace drdaplex::testing {

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

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

std::vector<std::string> SplitCsv(const std::string& line) {
  std::vector<std::string> fields;
  std::string field;
  std::istringstream in(line);
  while (std::getline(in, field, ',')) fields.push_back(field);
  if (!line.empty() && line.back() == ',') fields.push_back("");
  return fields;
}

}  // namespace

std::optional<std::string> TcpExchange(const std::string& host, int port,
                                       std::chrono::milliseconds timeout,
                                       const std::string& send) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  if (::inet_pton(AF_INET, host.c_str(), &address.sin_addr) != 1) return std::nullopt;
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::nullopt;
  if (!ConnectWithin(fd, reinterpret_cast<sockaddr*>(&address), sizeof address, timeout)) {
    ::close(fd);
    return std::nullopt;
  }
  return Converse(fd, send, timeout);
}

std::optional<std::string> TcpExchange(int port, std::chrono::milliseconds timeout,
                                       const std::string& send) {
  return TcpExchange("127.0.0.1", port, timeout, send);
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

std::string FindHaproxy() {
  std::string path = FindExecutable("/usr/sbin/haproxy");
  if (path.empty()) path = FindExecutable("haproxy");
  return path;
}

std::unique_ptr<Haproxy> Haproxy::Start(HaproxyOptions options, std::string* error) {
  std::unique_ptr<Haproxy> haproxy(new Haproxy());
  haproxy->options_ = std::move(options);
  const std::string config_path = haproxy->options_.dir + "/haproxy.cfg";
  const std::string log_path = haproxy->options_.dir + "/haproxy.log";
  for (int attempt = 0; attempt < 5; ++attempt) {
    haproxy->port_ = PickFreePort();
    if (haproxy->port_ == 0) {
      *error = "no free port on 127.0.0.1 for HAProxy's frontend";
      return nullptr;
    }
    {
      std::ofstream out(config_path, std::ios::trunc);
      out << haproxy->Config();
      if (!out) {
        *error = "cannot write " + config_path;
        return nullptr;
      }
    }
    ChildOptions child;
    child.argv = {haproxy->options_.binary, "-f", config_path, "-db"};
    child.stdout_path = log_path;
    child.stderr_path = log_path;
    haproxy->process_ = ChildProcess::Start(child, error);
    if (!haproxy->process_) return nullptr;
    // Up when every server is in the stats; an early exit is most likely
    // the frontend port taken in the meantime.
    const bool ready = PollUntil(
        [&] {
          if (!haproxy->process_->IsRunning()) return true;
          const auto stats = haproxy->Stats();
          return std::all_of(haproxy->options_.servers.begin(), haproxy->options_.servers.end(),
                             [&](const std::string& name) { return stats.count(name) == 1; });
        },
        haproxy->options_.start_timeout);
    if (ready && haproxy->process_->IsRunning()) return haproxy;
    haproxy->process_.reset();
  }
  *error = "HAProxy did not start:\n" + haproxy->Log();
  return nullptr;
}

Haproxy::~Haproxy() {
  if (process_ && process_->IsRunning()) process_->Stop(SIGUSR1, 10s);
}

std::string Haproxy::StatsSocket() const { return options_.dir + "/haproxy.sock"; }

std::string Haproxy::Config() const {
  std::string config;
  config += "global\n";
  config += "  stats socket " + StatsSocket() + " mode 600 level admin\n";
  config += "  maxconn 2000\n";
  config += "defaults\n";
  config += "  mode tcp\n";
  config += "  timeout connect 2s\n";
  config += "  timeout client 10s\n";
  config += "  timeout server 10s\n";
  config += "  timeout check 1s\n";
  config += "frontend " + options_.backend + "\n";
  config += "  bind 127.0.0.1:" + std::to_string(port_) + "\n";
  config += "  default_backend " + options_.backend + "\n";
  config += "backend " + options_.backend + "\n";
  config += options_.backend_body;
  return config;
}

std::map<std::string, HaproxyServerStat> Haproxy::Stats() const {
  std::map<std::string, HaproxyServerStat> stats;
  const auto csv = UnixExchange(StatsSocket(), "show stat\n", 2s);
  if (!csv || csv->rfind("# ", 0) != 0) return stats;
  std::istringstream lines(*csv);
  std::string line;
  std::getline(lines, line);
  std::map<std::string, size_t> column;
  const std::vector<std::string> header = SplitCsv(line.substr(2));
  for (size_t i = 0; i < header.size(); ++i) column[header[i]] = i;
  for (const char* needed : {"pxname", "svname", "status", "weight", "stot"}) {
    if (!column.count(needed)) return stats;
  }
  while (std::getline(lines, line)) {
    const std::vector<std::string> fields = SplitCsv(line);
    if (fields.size() < header.size() || fields[column["pxname"]] != options_.backend) continue;
    const std::string& name = fields[column["svname"]];
    if (name == "FRONTEND" || name == "BACKEND") continue;
    HaproxyServerStat& stat = stats[name];
    stat.status = fields[column["status"]];
    const std::string& weight = fields[column["weight"]];
    stat.weight = weight.empty() ? -1 : std::stoi(weight);
    const std::string& total = fields[column["stot"]];
    stat.sessions_total = total.empty() ? -1 : std::stoll(total);
  }
  return stats;
}

::testing::AssertionResult Haproxy::WaitForServer(const std::string& server,
                                                  const std::string& status, int weight,
                                                  std::chrono::milliseconds timeout) const {
  HaproxyServerStat last;
  const bool reached = PollUntil(
      [&] {
        const auto stats = Stats();
        const auto it = stats.find(server);
        if (it == stats.end()) return false;
        last = it->second;
        return last.status.rfind(status, 0) == 0 && (weight < 0 || last.weight == weight);
      },
      timeout);
  if (reached) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "HAProxy shows server " << server << " as '" << last.status << "' with weight "
         << last.weight << ", not '" << status << "' with weight " << weight << "\n"
         << Log();
}

std::string Haproxy::Log() const {
  return TailLines(ReadFileOrEmpty(options_.dir + "/haproxy.log"), 40);
}

::testing::AssertionResult Haproxy::Stop(std::chrono::milliseconds timeout) {
  if (!process_) return ::testing::AssertionFailure() << "HAProxy was not started";
  // SIGUSR1: HAProxy's soft stop; it exits 0 once its connections end.
  const ExitStatus status = process_->Stop(SIGUSR1, timeout);
  if (status.Success()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "HAProxy: " << status.ToString() << "\n" << Log();
}

}  // namespace drdaplex::testing
