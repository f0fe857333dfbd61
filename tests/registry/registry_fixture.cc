// Test helpers for the registry suite; see registry_fixture.h.
#include "tests/registry/registry_fixture.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/post.hpp>
#include <gtest/gtest.h>

#include <cerrno>

#include "tests/support/paths.h"
#include "tests/support/polling.h"

namespace drdaplex::testing {

using Clock = std::chrono::steady_clock;
using registry::RegistryEvent;

net::ReconnectOptions FastReconnect() {
  net::ReconnectOptions options;
  options.initial_backoff = 20ms;
  options.max_backoff = 200ms;
  return options;
}

// ---------------------------------------------------------------- RegistryProcess

std::unique_ptr<RegistryProcess> RegistryProcess::Start(const TempDir& dir, std::string* error,
                                                        std::vector<std::string> extra_args,
                                                        int port) {
  auto registry = std::unique_ptr<RegistryProcess>(new RegistryProcess());
  static int instance = 0;
  const std::string base = dir.File("registry" + std::to_string(++instance));
  const std::string port_file = base + ".port";
  registry->log_path_ = base + ".log";
  ChildOptions child;
  child.argv = {BinaryPath("drdaplex-registry"), "--listen", "127.0.0.1:" + std::to_string(port),
                "--port-file", port_file, "--log-level", "debug"};
  child.argv.insert(child.argv.end(), extra_args.begin(), extra_args.end());
  child.stdout_path = registry->log_path_;
  child.stderr_path = registry->log_path_;
  registry->process_ = ChildProcess::Start(child, error);
  if (!registry->process_) return nullptr;
  const auto bound = WaitForPortFile(port_file, kStartDeadline, registry->process_.get(), error);
  if (!bound) {
    *error += "\nregistry log:\n" + registry->Log();
    return nullptr;
  }
  registry->port_ = *bound;
  return registry;
}

boost::asio::ip::tcp::endpoint RegistryProcess::endpoint() const {
  return {boost::asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port_)};
}

std::string RegistryProcess::Log() const { return ReadFileOrEmpty(log_path_); }

// ---------------------------------------------------------------- LineClient

std::unique_ptr<LineClient> LineClient::Connect(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return nullptr;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return nullptr;
  }
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return std::unique_ptr<LineClient>(new LineClient(fd));
}

LineClient::~LineClient() { ::close(fd_); }

bool LineClient::SendRaw(const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

std::optional<nlohmann::json> LineClient::Read(std::chrono::milliseconds timeout,
                                               std::string* raw) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    const size_t newline = buffer_.find('\n');
    if (newline != std::string::npos) {
      const std::string line = buffer_.substr(0, newline);
      buffer_.erase(0, newline + 1);
      if (raw) *raw = line;
      auto parsed = nlohmann::json::parse(line, nullptr, false);
      if (parsed.is_discarded()) return std::nullopt;
      return parsed;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return std::nullopt;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char chunk[65536];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return std::nullopt;
    buffer_.append(chunk, static_cast<size_t>(n));
  }
}

std::optional<nlohmann::json> LineClient::Call(const nlohmann::json& request) {
  if (!Send(request)) return std::nullopt;
  return Read();
}

bool LineClient::WaitClosed(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char chunk[65536];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return true;  // end of stream, or reset
  }
}

// ---------------------------------------------------------------- WatchLog

WatchLog::WatchLog(const boost::asio::ip::tcp::endpoint& registry, std::vector<std::string> kinds) {
  registry::RegistryWatcherOptions options;
  options.registry = registry;
  options.kinds = std::move(kinds);
  options.reconnect = FastReconnect();
  watcher_ = std::make_unique<registry::RegistryWatcher>(
      io_, options, [this](const RegistryEvent& event) {
        std::lock_guard lock(mutex_);
        events_.push_back(event);
      });
  watcher_->Start();
  thread_ = std::thread([this] {
    auto guard = boost::asio::make_work_guard(io_);
    io_.run();
  });
  // Subscribed (or known to have failed) before the test goes on, so that
  // what happens next arrives as events, not in the snapshot.
  WaitFor([](const RegistryEvent& e) {
    return e.type == RegistryEvent::kSnapshot || e.type == RegistryEvent::kRegistryLost;
  }, kStartDeadline);
}

WatchLog::~WatchLog() {
  boost::asio::post(io_, [this] {
    watcher_->Stop();
    io_.stop();
  });
  thread_.join();
  watcher_.reset();  // after the loop: the watcher is destroyed off its thread only then
}

std::vector<RegistryEvent> WatchLog::Events() const {
  std::lock_guard lock(mutex_);
  return events_;
}

size_t WatchLog::size() const {
  std::lock_guard lock(mutex_);
  return events_.size();
}

std::optional<RegistryEvent> WatchLog::WaitFor(
    const std::function<bool(const RegistryEvent&)>& match, std::chrono::milliseconds timeout,
    size_t from) const {
  std::optional<RegistryEvent> found;
  PollUntil(
      [&] {
        std::lock_guard lock(mutex_);
        for (size_t i = from; i < events_.size(); ++i) {
          if (match(events_[i])) {
            found = events_[i];
            return true;
          }
        }
        return false;
      },
      timeout);
  return found;
}

std::map<std::string, registry::MemberRecord> WatchLog::View() const {
  std::map<std::string, registry::MemberRecord> view;
  for (const RegistryEvent& event : Events()) {
    switch (event.type) {
      case RegistryEvent::kSnapshot:
        view.clear();
        [[fallthrough]];
      case RegistryEvent::kJoined:
      case RegistryEvent::kChanged:
        for (const auto& member : event.members) {
          view[member.kind == registry::kKindServer ? member.system + "/" + member.name
                                                    : member.name] = member;
        }
        break;
      case RegistryEvent::kLeft:
        view.erase(event.kind == registry::kKindServer ? event.system + "/" + event.name
                                                       : event.name);
        break;
      case RegistryEvent::kRegistryLost:
        view.clear();
        break;
    }
  }
  return view;
}

std::function<bool(const RegistryEvent&)> IsJoined(const std::string& name) {
  return [name](const RegistryEvent& e) {
    return e.type == RegistryEvent::kJoined && e.members.size() == 1 && e.members[0].name == name;
  };
}

std::function<bool(const RegistryEvent&)> IsLeft(const std::string& name, const std::string& reason) {
  return [name, reason](const RegistryEvent& e) {
    return e.type == RegistryEvent::kLeft && e.name == name && e.reason == reason;
  };
}

std::function<bool(const RegistryEvent&)> IsSnapshotWith(const std::string& name) {
  return [name](const RegistryEvent& e) {
    if (e.type != RegistryEvent::kSnapshot) return false;
    for (const auto& member : e.members) {
      if (member.name == name) return true;
    }
    return false;
  };
}

std::function<bool(const RegistryEvent&)> IsType(RegistryEvent::Type type) {
  return [type](const RegistryEvent& e) { return e.type == type; };
}

// ---------------------------------------------------------------- member tool

std::unique_ptr<ChildProcess> StartMemberTool(const TempDir& dir, const std::string& registry,
                                              const std::string& name,
                                              std::vector<std::string> extra_args) {
  ChildOptions child;
  child.argv = {BinaryPath("registry-member-tool"), "--registry", registry, "--name", name,
                "--log-level", "debug"};
  child.argv.insert(child.argv.end(), extra_args.begin(), extra_args.end());
  child.stdout_path = dir.File("member-" + name + ".log");
  child.stderr_path = child.stdout_path;
  std::string error;
  auto process = ChildProcess::Start(child, &error);
  EXPECT_NE(process, nullptr) << error;
  return process;
}

std::unique_ptr<ChildProcess> StartSystemAgent(const TempDir& dir, const std::string& registry,
                                               const std::string& name,
                                               std::vector<std::string> args) {
  ChildOptions child;
  child.argv = {BinaryPath("drdaplex-system"), "--registry", registry, "--name", name,
                "--log-level", "debug"};
  child.argv.insert(child.argv.end(), args.begin(), args.end());
  child.stdout_path = dir.File("system-" + name + ".log");
  child.stderr_path = child.stdout_path;
  std::string error;
  auto process = ChildProcess::Start(child, &error);
  EXPECT_NE(process, nullptr) << error;
  return process;
}

nlohmann::json ServerRequest(const std::string& triplet, const std::string& system, int health,
                             nlohmann::json attributes) {
  return {{"op", "register"}, {"kind", "server"},  {"name", triplet},
          {"system", system}, {"health", health},  {"attributes", std::move(attributes)}};
}

nlohmann::json SystemRequest(const std::string& system, double capacity) {
  return {{"op", "register"},
          {"kind", "system"},
          {"name", system},
          {"attributes", {{"capacity", capacity}, {"mode", "configured"}}}};
}

nlohmann::json RegisterRequest(const std::string& name, int health, const std::string& address) {
  return {{"op", "register"},
          {"kind", "odbm"},
          {"name", name},
          {"system", "SYS1"},
          {"address", address},
          {"health", health},
          {"status", "active"},
          {"attributes",
           {{"datastores", {{{"name", "IMS1"}, {"status", "active"}, {"aliases", {"IM1A"}}}}}}}};
}

}  // namespace drdaplex::testing
