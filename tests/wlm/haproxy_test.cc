// The real HAProxy (Debian's 2.6) weighting, draining and downing servers
// from AgentCheckServer replies: two tiny TCP servers, each with an agent
// check, behind HAProxy in TCP mode with balance roundrobin. Agent states
// of 100 % and 25 % spread 400 connections about 4 : 1; "drain" sends a
// server no new connections; "down" marks it DOWN; "up ready" brings it
// back. HAProxy's own view is read from its stats socket. Skipped, with
// the reason, when HAProxy is not installed.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <csignal>
#include <map>
#include <mutex>
#include <sstream>

#include "router/wlm/agent_check_server.h"
#include "tests/support/child_process.h"
#include "tests/support/polling.h"
#include "tests/support/temp_dir.h"
#include "tests/wlm/tcp_probe.h"

namespace drdaplex::testing {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using router_wlm::AgentCheckServer;
using router_wlm::AgentState;

// Writes its name and a newline to every connection and closes it.
class NamedServer {
 public:
  NamedServer(asio::io_context& io, std::string name)
      : acceptor_(io, {asio::ip::make_address("127.0.0.1"), 0}), name_(std::move(name) + "\n") {
    asio::co_spawn(io, Accept(), asio::detached);
  }
  int port() const { return acceptor_.local_endpoint().port(); }
  void Stop() {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
  }

 private:
  asio::awaitable<void> Accept() {
    for (;;) {
      boost::system::error_code ec;
      asio::ip::tcp::socket socket =
          co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
      if (ec) continue;
      socket.non_blocking(true, ec);
      socket.write_some(asio::buffer(name_), ec);
      socket.shutdown(asio::ip::tcp::socket::shutdown_send, ec);
      socket.close(ec);
    }
  }

  asio::ip::tcp::acceptor acceptor_;
  const std::string name_;
};

// One server row of HAProxy's "show stat".
struct ServerStat {
  std::string status;  // "UP", "DRAIN (agent)", "DOWN (agent)", "DOWN 1/2", ...
  int weight = -1;
};

class HaproxyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    haproxy_ = FindExecutable("/usr/sbin/haproxy");
    if (haproxy_.empty()) haproxy_ = FindExecutable("haproxy");
    if (haproxy_.empty()) {
      GTEST_SKIP() << "HAProxy is not installed (no /usr/sbin/haproxy, none in PATH); "
                      "scripts/setup.sh installs it";
    }
    io_.Run([&] {
      for (const char* name : {"a", "b"}) {
        servers_[name] = std::make_unique<NamedServer>(io_.io(), name);
        agents_[name] = std::make_unique<AgentCheckServer>(
            io_.io(), asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0),
            [this, key = std::string(name)] {
              std::lock_guard lock(mutex_);
              return states_[key];
            });
      }
    });
    SetAgent("a", AgentState{100, std::nullopt, false, 1000});
    SetAgent("b", AgentState{25, std::nullopt, false, 1000});
    StartHaproxy();
  }

  void TearDown() override {
    if (haproxy_process_ && haproxy_process_->IsRunning()) {
      // SIGUSR1: HAProxy's soft stop; it exits 0 once its connections end.
      const ExitStatus status = haproxy_process_->Stop(SIGUSR1, 10s);
      EXPECT_TRUE(status.Success()) << status.ToString() << "\n" << Log();
    }
    io_.Run([&] {
      agents_.clear();
      for (auto& [name, server] : servers_) server->Stop();
    });
  }

  void SetAgent(const std::string& name, AgentState state) {
    std::lock_guard lock(mutex_);
    states_[name] = state;
  }

  std::string Config(int port) const {
    std::string config = fmt::format(
        "global\n"
        "  stats socket {} mode 600 level admin\n"
        "  maxconn 2000\n"
        "defaults\n"
        "  mode tcp\n"
        "  timeout connect 2s\n"
        "  timeout client 10s\n"
        "  timeout server 10s\n"
        "frontend routers\n"
        "  bind 127.0.0.1:{}\n"
        "  default_backend routers\n"
        "backend routers\n"
        "  balance roundrobin\n",
        StatsSocket(), port);
    for (const char* name : {"a", "b"}) {
      // weight 100: the agent's percentages become HAProxy weights 1..100.
      config += fmt::format(
          "  server {} 127.0.0.1:{} weight 100 check inter 100ms agent-check agent-port {} "
          "agent-inter 100ms\n",
          name, servers_.at(name)->port(), agents_.at(name)->endpoint().port());
    }
    return config;
  }

  std::string StatsSocket() const { return dir_.File("haproxy.sock"); }
  std::string Log() const { return TailLines(ReadFileOrEmpty(dir_.File("haproxy.log")), 40); }

  // A picked port may be taken before HAProxy binds it: then HAProxy exits
  // at once, and another port is tried.
  void StartHaproxy() {
    for (int attempt = 0; attempt < 5; ++attempt) {
      port_ = PickFreePort();
      ASSERT_NE(port_, 0);
      const std::string config = dir_.WriteFile("haproxy.cfg", Config(port_));
      ChildOptions child;
      child.argv = {haproxy_, "-f", config, "-db"};
      child.stdout_path = dir_.File("haproxy.log");
      child.stderr_path = child.stdout_path;
      std::string error;
      haproxy_process_ = ChildProcess::Start(child, &error);
      ASSERT_TRUE(haproxy_process_) << error;
      const bool ready =
          PollUntil([&] { return !haproxy_process_->IsRunning() || Stats().count("b") == 1; }, 10s);
      if (ready && haproxy_process_->IsRunning()) return;
      haproxy_process_.reset();
    }
    FAIL() << "HAProxy did not start:\n" << Log();
  }

  // The backend's servers as HAProxy sees them; empty when the stats socket
  // does not answer.
  std::map<std::string, ServerStat> Stats() const {
    std::map<std::string, ServerStat> stats;
    const auto csv = UnixExchange(StatsSocket(), "show stat\n", 2s);
    if (!csv || csv->rfind("# ", 0) != 0) return stats;
    std::istringstream lines(*csv);
    std::string line;
    std::getline(lines, line);
    std::map<std::string, size_t> column;
    std::vector<std::string> header = Split(line.substr(2));
    for (size_t i = 0; i < header.size(); ++i) column[header[i]] = i;
    for (const char* needed : {"pxname", "svname", "status", "weight"}) {
      if (!column.count(needed)) return stats;
    }
    while (std::getline(lines, line)) {
      const std::vector<std::string> fields = Split(line);
      if (fields.size() < header.size() || fields[column["pxname"]] != "routers") continue;
      const std::string& name = fields[column["svname"]];
      if (name != "a" && name != "b") continue;
      ServerStat& stat = stats[name];
      stat.status = fields[column["status"]];
      const std::string& weight = fields[column["weight"]];
      stat.weight = weight.empty() ? -1 : std::stoi(weight);
    }
    return stats;
  }

  static std::vector<std::string> Split(const std::string& line) {
    std::vector<std::string> fields;
    std::string field;
    std::istringstream in(line);
    while (std::getline(in, field, ',')) fields.push_back(field);
    if (!line.empty() && line.back() == ',') fields.push_back("");
    return fields;
  }

  // Waits until HAProxy shows `name` in a status starting with `status`
  // (and with `weight`, when given).
  ::testing::AssertionResult WaitForServer(const std::string& name, const std::string& status,
                                           int weight = -1) {
    ServerStat last;
    const bool reached = PollUntil(
        [&] {
          const auto stats = Stats();
          const auto it = stats.find(name);
          if (it == stats.end()) return false;
          last = it->second;
          return last.status.rfind(status, 0) == 0 && (weight < 0 || last.weight == weight);
        },
        10s);
    if (reached) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << "server " << name << " is '" << last.status << "' with weight " << last.weight
           << ", not '" << status << "' with weight " << weight << "\n"
           << Log();
  }

  // `count` connections through HAProxy, one after the other; how many
  // each server answered (key "" for connections that got no name).
  std::map<std::string, int> Spread(int count) {
    std::map<std::string, int> spread;
    for (int i = 0; i < count; ++i) {
      const auto reply = TcpExchange(port_, 5s);
      ++spread[reply && reply->size() == 2 ? reply->substr(0, 1) : std::string()];
    }
    return spread;
  }

  TempDir dir_{"wlm-haproxy-"};
  std::string haproxy_;
  IoThread io_;
  std::map<std::string, std::unique_ptr<NamedServer>> servers_;
  std::map<std::string, std::unique_ptr<AgentCheckServer>> agents_;
  std::mutex mutex_;
  std::map<std::string, AgentState> states_;
  std::unique_ptr<ChildProcess> haproxy_process_;
  int port_ = 0;
};

TEST_F(HaproxyTest, AgentWeightsDrainAndDownSteerHaproxy) {
  // 100 % and 25 % of the configured weight 100.
  ASSERT_TRUE(WaitForServer("a", "UP", 100));
  ASSERT_TRUE(WaitForServer("b", "UP", 25));
  std::map<std::string, int> spread = Spread(400);
  EXPECT_EQ(spread[""], 0);
  // 4 : 1 is 320 : 80; roundrobin honours weights, allow 3 % of the total.
  EXPECT_NEAR(spread["a"], 320, 12) << "a " << spread["a"] << ", b " << spread["b"];
  EXPECT_NEAR(spread["b"], 80, 12) << "a " << spread["a"] << ", b " << spread["b"];

  // Drained: no new connections for b.
  SetAgent("b", AgentState{25, std::nullopt, true, 1000});
  ASSERT_TRUE(WaitForServer("b", "DRAIN"));
  spread = Spread(100);
  EXPECT_EQ(spread["a"], 100);
  EXPECT_EQ(spread["b"], 0);

  // Health 0: b is marked DOWN.
  SetAgent("b", AgentState{0, std::nullopt, false, 1000});
  ASSERT_TRUE(WaitForServer("b", "DOWN"));
  spread = Spread(100);
  EXPECT_EQ(spread["a"], 100);
  EXPECT_EQ(spread["b"], 0);

  // Up and ready again, at the weight of its WLM server weight 16 (25 %).
  SetAgent("b", AgentState{100, 16, false, 1000});
  ASSERT_TRUE(WaitForServer("b", "UP", 25));
  spread = Spread(125);
  EXPECT_NEAR(spread["a"], 100, 5);
  EXPECT_NEAR(spread["b"], 25, 5);
}

}  // namespace
}  // namespace drdaplex::testing
