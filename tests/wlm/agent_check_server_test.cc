// AgentCheckServer on a real TCP socket: one line per connection, the
// state of the moment, agent-send input ignored, concurrent checks, and a
// stopped server that no longer answers.
#include "router/wlm/agent_check_server.h"

#include <gtest/gtest.h>

#include <mutex>

#include "tests/wlm/tcp_probe.h"

namespace drdaplex::router_wlm {
namespace {

using namespace std::chrono_literals;
using testing::IoThread;
using testing::TcpExchange;

class AgentCheckServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    io_.Run([&] {
      server_ = std::make_unique<AgentCheckServer>(
          io_.io(), boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0),
          [this] {
            std::lock_guard lock(mutex_);
            return state_;
          });
      port_ = server_->endpoint().port();
    });
  }
  void TearDown() override {
    io_.Run([&] { server_.reset(); });
  }
  void Set(AgentState state) {
    std::lock_guard lock(mutex_);
    state_ = state;
  }

  IoThread io_;
  std::mutex mutex_;
  AgentState state_;
  std::unique_ptr<AgentCheckServer> server_;
  int port_ = 0;
};

TEST_F(AgentCheckServerTest, AnswersEachConnectionWithTheStateOfTheMoment) {
  ASSERT_NE(port_, 0);
  EXPECT_EQ(TcpExchange(port_, 5s), "up ready 100%\n");
  Set(AgentState{60, std::nullopt, false, 2000});
  EXPECT_EQ(TcpExchange(port_, 5s), "up ready 60% maxconn:2000\n");
  Set(AgentState{60, std::nullopt, true, 2000});
  EXPECT_EQ(TcpExchange(port_, 5s), "up drain 60% maxconn:2000\n");
  Set(AgentState{0, std::nullopt, false, 2000});
  EXPECT_EQ(TcpExchange(port_, 5s), "down ready maxconn:2000\n");
  size_t replies = 0;
  io_.Run([&] { replies = server_->replies(); });
  EXPECT_EQ(replies, 4u);
}

TEST_F(AgentCheckServerTest, WhatThePeerSendsIsIgnored) {
  // HAProxy's agent-send: a string written before the reply is read.
  EXPECT_EQ(TcpExchange(port_, 5s, "backend/server\n"), "up ready 100%\n");
  EXPECT_EQ(TcpExchange(port_, 5s, std::string(100000, 'x')), "up ready 100%\n");
}

TEST_F(AgentCheckServerTest, ConcurrentChecksAreAllAnswered) {
  std::vector<std::thread> threads;
  std::atomic<int> answered{0};
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&] {
      if (TcpExchange(port_, 5s) == std::optional<std::string>("up ready 100%\n")) ++answered;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(answered.load(), 16);
}

TEST_F(AgentCheckServerTest, AStoppedServerNoLongerAnswers) {
  io_.Run([&] { server_->Stop(); });
  EXPECT_FALSE(TcpExchange(port_, 2s).has_value());
}

TEST(AgentCheckServerBindTest, ABusyAddressIsAnError) {
  IoThread io;
  io.Run([&] {
    AgentCheckServer first(io.io(), {boost::asio::ip::make_address("127.0.0.1"), 0}, nullptr);
    EXPECT_THROW(AgentCheckServer(io.io(), first.endpoint(), nullptr), boost::system::system_error);
  });
}

}  // namespace
}  // namespace drdaplex::router_wlm
