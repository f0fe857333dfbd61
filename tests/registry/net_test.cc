// net/: endpoint text, back-off, and the JsonLineChannel bounds (line
// length, nesting depth, outbox) on real loopback sockets.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <future>
#include <thread>

#include "net/endpoint.h"
#include "net/json_line_channel.h"
#include "net/json_line_server.h"
#include "net/reconnecting_client.h"
#include "net/sleep.h"
#include "tests/registry/registry_fixture.h"
#include "tests/support/polling.h"

namespace drdaplex::net {
namespace {

using namespace std::chrono_literals;
using testing::LineClient;

TEST(EndpointTest, ParsesIpv4AndBracketedIpv6) {
  auto v4 = ParseEndpoint("127.0.0.1:5000");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->port(), 5000);
  EXPECT_EQ(FormatEndpoint(*v4), "127.0.0.1:5000");
  auto v6 = ParseEndpoint("[::1]:0");
  ASSERT_TRUE(v6);
  EXPECT_TRUE(v6->address().is_v6());
  EXPECT_EQ(FormatEndpoint(*v6), "[::1]:0");
}

TEST(EndpointTest, RefusesWhatIsNotAnEndpoint) {
  for (const char* text : {"", "127.0.0.1", "127.0.0.1:", ":80", "127.0.0.1:65536", "127.0.0.1:-1",
                           "127.0.0.1:8x", "::1:80", "[127.0.0.1]:80", "example.com:80", "[::1]"}) {
    std::string error;
    EXPECT_FALSE(ParseEndpoint(text, &error)) << text;
    EXPECT_NE(error.find(text), std::string::npos) << error;
  }
}

TEST(BackoffTest, DoublesUpToTheMaximumAndResets) {
  Backoff backoff(100ms, 350ms);
  EXPECT_EQ(backoff.Next(), 100ms);
  EXPECT_EQ(backoff.Next(), 200ms);
  EXPECT_EQ(backoff.Next(), 350ms);
  EXPECT_EQ(backoff.Next(), 350ms);
  backoff.Reset();
  EXPECT_EQ(backoff.Next(), 100ms);
  backoff.AtLeast(300ms);
  EXPECT_EQ(backoff.Next(), 300ms);
  backoff.AtLeast(10s);
  EXPECT_EQ(backoff.Next(), 350ms);
}

// An echo service on a JsonLineServer running on its own thread: each
// object comes back as {"echo":<object>}, each bad line as {"error":...}.
class EchoServer {
 public:
  explicit EchoServer(JsonLineServerOptions options = {}) {
    server_ = std::make_unique<JsonLineServer>(
        io_, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0),
        options, [](std::shared_ptr<JsonLineChannel> channel) -> boost::asio::awaitable<void> {
          co_await channel->Run(Echo(*channel));
        });
    thread_ = std::thread([this] { io_.run(); });
  }
  ~EchoServer() {
    boost::asio::post(io_, [this] { server_->Stop(); });
    thread_.join();
  }
  int port() const { return server_->endpoint().port(); }
  // Asked on the server's thread.
  size_t connections() {
    std::promise<size_t> count;
    boost::asio::post(io_, [&] { count.set_value(server_->connection_count()); });
    return count.get_future().get();
  }

 private:
  static boost::asio::awaitable<void> Echo(JsonLineChannel& channel) {
    for (;;) {
      auto in = co_await channel.Read();
      switch (in.status) {
        case JsonLineChannel::ReadStatus::kMessage:
          if (in.message.contains("flood")) {
            // Lines faster than a peer that does not read can take them.
            const std::string line(10 * 1024, 'x');
            for (int i = 0; i < in.message["flood"].get<int>(); ++i) {
              if (!channel.SendLine("\"" + line + "\"")) co_return;
              if (i % 16 == 0 && !co_await SleepFor(1ms)) co_return;
            }
            break;
          }
          channel.Send(nlohmann::json{{"echo", in.message}});
          break;
        case JsonLineChannel::ReadStatus::kInvalid:
          channel.Send(nlohmann::json{{"error", in.error}});
          break;
        case JsonLineChannel::ReadStatus::kTooLong:
          channel.Send(nlohmann::json{{"error", in.error}});
          co_return;
        case JsonLineChannel::ReadStatus::kClosed:
          co_return;
      }
    }
  }

  boost::asio::io_context io_;
  std::unique_ptr<JsonLineServer> server_;
  std::thread thread_;
};

TEST(JsonLineChannelTest, EchoesObjectsAndSkipsBlankLines) {
  EchoServer server;
  auto client = LineClient::Connect(server.port());
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->SendRaw("\n  \r\n{\"a\":1}\r\n{\"b\":[1,2]}\n"));
  EXPECT_EQ(client->Read(), nlohmann::json::parse(R"({"echo":{"a":1}})"));
  EXPECT_EQ(client->Read(), nlohmann::json::parse(R"({"echo":{"b":[1,2]}})"));
}

TEST(JsonLineChannelTest, ReportsLinesThatAreNotObjectsAndKeepsReading) {
  EchoServer server;
  auto client = LineClient::Connect(server.port());
  ASSERT_TRUE(client);
  for (const char* line : {"nonsense", "[1,2]", "42", "{\"a\":", "\"\xff\""}) {
    ASSERT_TRUE(client->SendRaw(std::string(line) + "\n"));
    const auto reply = client->Read();
    ASSERT_TRUE(reply) << line;
    EXPECT_TRUE(reply->contains("error")) << line << " -> " << reply->dump();
  }
  EXPECT_EQ(client->Call({{"still", "here"}}), nlohmann::json::parse(R"({"echo":{"still":"here"}})"));
}

TEST(JsonLineChannelTest, RefusesDeepNesting) {
  EchoServer server;
  auto client = LineClient::Connect(server.port());
  ASSERT_TRUE(client);
  // Far deeper than max_depth, and far deeper than a recursive dump() of the
  // echo would survive on a small stack.
  const std::string deep = "{\"a\":" + std::string(30000, '[') + std::string(30000, ']') + "}";
  ASSERT_TRUE(client->SendRaw(deep + "\n"));
  const auto reply = client->Read();
  ASSERT_TRUE(reply);
  EXPECT_NE((*reply)["error"].get<std::string>().find("deeper"), std::string::npos);
  std::string ok = "{\"a\":" + std::string(20, '[') + std::string(20, ']') + "}";
  ASSERT_TRUE(client->SendRaw(ok + "\n"));
  EXPECT_TRUE(client->Read().value().contains("echo"));
}

TEST(JsonLineChannelTest, ALineOverTheLimitEndsTheConnectionWithAnError) {
  JsonLineServerOptions options;
  options.channel.max_line = 1000;
  EchoServer server(options);
  auto client = LineClient::Connect(server.port());
  ASSERT_TRUE(client);
  const std::string fits = "{\"a\":\"" + std::string(1000 - 8, 'x') + "\"}";
  ASSERT_EQ(fits.size(), 1000u);
  ASSERT_TRUE(client->SendRaw(fits + "\n"));
  EXPECT_TRUE(client->Read().value().contains("echo"));
  ASSERT_TRUE(client->SendRaw(std::string(5000, 'x') + "\n"));
  const auto reply = client->Read();
  ASSERT_TRUE(reply);
  EXPECT_NE((*reply)["error"].get<std::string>().find("longer than 1000"), std::string::npos);
  EXPECT_TRUE(client->WaitClosed(5s));
  // The server still serves others.
  auto other = LineClient::Connect(server.port());
  ASSERT_TRUE(other);
  EXPECT_TRUE(other->Call({{"x", 1}}).value().contains("echo"));
}

TEST(JsonLineChannelTest, ConnectionsBeyondTheLimitAreRefusedWithALine) {
  JsonLineServerOptions options;
  options.max_connections = 1;
  options.overload_line = R"({"ok":false,"reason":"too-many-connections"})";
  EchoServer server(options);
  auto first = LineClient::Connect(server.port());
  ASSERT_TRUE(first);
  ASSERT_TRUE(first->Call({{"x", 1}}));  // accepted and counted
  auto second = LineClient::Connect(server.port());
  ASSERT_TRUE(second);
  const auto refusal = second->Read();
  ASSERT_TRUE(refusal);
  EXPECT_EQ((*refusal)["reason"], "too-many-connections");
  EXPECT_TRUE(second->WaitClosed(5s));
  EXPECT_TRUE(first->Call({{"x", 2}}));
}

TEST(JsonLineChannelTest, APeerThatDoesNotReadIsDropped) {
  JsonLineServerOptions options;
  options.channel.max_queued_bytes = 64 * 1024;
  EchoServer server(options);
  auto reader = LineClient::Connect(server.port());
  ASSERT_TRUE(reader);
  // 200 MB offered; the kernel's buffers take a few MB, then the outbox
  // passes 64 KiB and the server gives up on this peer.
  ASSERT_TRUE(reader->Call({{"x", 0}}));  // accepted: it counts
  ASSERT_EQ(server.connections(), 1u);
  ASSERT_TRUE(reader->Send({{"flood", 20000}}));
  ASSERT_TRUE(testing::PollUntil([&] { return server.connections() == 0; }, 10s));
  auto other = LineClient::Connect(server.port());
  ASSERT_TRUE(other);
  EXPECT_TRUE(other->Call({{"x", 1}}).value().contains("echo"));
  // What the kernel had buffered arrives, then the end: not 200 MB.
  EXPECT_TRUE(reader->WaitClosed(10s));
}

}  // namespace
}  // namespace drdaplex::net
