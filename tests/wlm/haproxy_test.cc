// The real HAProxy (Debian's 2.6) weighting, draining and downing servers
// from AgentCheckServer replies: two tiny TCP servers, each with an agent
// check, behind HAProxy in TCP mode with balance roundrobin. Agent states
// of 100 % and 25 % spread 400 connections about 4 : 1; "drain" sends a
// server no new connections; "down" marks it DOWN; "up ready" brings it
// back. HAProxy's own view is read from its stats socket
// (tests/support/haproxy.h). Skipped, with the reason, when HAProxy is not
// installed.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <map>
#include <mutex>

#include "router/wlm/agent_check_server.h"
#include "tests/support/haproxy.h"
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

class HaproxyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string binary = FindHaproxy();
    if (binary.empty()) {
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
    HaproxyOptions options;
    options.binary = binary;
    options.dir = dir_.path();
    options.backend_body = "  balance roundrobin\n";
    for (const char* name : {"a", "b"}) {
      // weight 100: the agent's percentages become HAProxy weights 1..100.
      options.backend_body += fmt::format(
          "  server {} 127.0.0.1:{} weight 100 check inter 100ms agent-check agent-port {} "
          "agent-inter 100ms\n",
          name, servers_.at(name)->port(), agents_.at(name)->endpoint().port());
      options.servers.push_back(name);
    }
    std::string error;
    haproxy_ = Haproxy::Start(options, &error);
    ASSERT_NE(haproxy_, nullptr) << error;
  }

  void TearDown() override {
    if (haproxy_ && haproxy_->IsRunning()) EXPECT_TRUE(haproxy_->Stop());
    io_.Run([&] {
      agents_.clear();
      for (auto& [name, server] : servers_) server->Stop();
    });
  }

  void SetAgent(const std::string& name, AgentState state) {
    std::lock_guard lock(mutex_);
    states_[name] = state;
  }

  ::testing::AssertionResult WaitForServer(const std::string& name, const std::string& status,
                                           int weight = -1) {
    return haproxy_->WaitForServer(name, status, weight);
  }

  // `count` connections through HAProxy, one after the other; how many
  // each server answered (key "" for connections that got no name).
  std::map<std::string, int> Spread(int count) {
    std::map<std::string, int> spread;
    for (int i = 0; i < count; ++i) {
      const auto reply = TcpExchange(haproxy_->port(), 5s);
      ++spread[reply && reply->size() == 2 ? reply->substr(0, 1) : std::string()];
    }
    return spread;
  }

  TempDir dir_{"wlm-haproxy-"};
  IoThread io_;
  std::map<std::string, std::unique_ptr<NamedServer>> servers_;
  std::map<std::string, std::unique_ptr<AgentCheckServer>> agents_;
  std::mutex mutex_;
  std::map<std::string, AgentState> states_;
  std::unique_ptr<Haproxy> haproxy_;
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
