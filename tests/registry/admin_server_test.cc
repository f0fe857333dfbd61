// router/admin AdminServer: one JSON line in, the handler's answer out;
// handler exceptions and bad lines become {"ok":false,"error":...}; the
// bounds of the shared transport hold (long lines, connection limit).
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <stdexcept>
#include <thread>

#include "router/admin/admin_server.h"
#include "tests/registry/registry_fixture.h"

namespace drdaplex::router {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testing::LineClient;

// An AdminServer with an echo handler on its own thread. {"throw":"x"}
// makes the handler throw x.
class EchoAdmin {
 public:
  explicit EchoAdmin(AdminServerOptions options = {}) {
    server_ = std::make_unique<AdminServer>(
        io_, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0),
        [](const json& request) -> json {
          if (request.contains("throw")) throw std::runtime_error(request["throw"].get<std::string>());
          return {{"ok", true}, {"echo", request}};
        },
        options);
    thread_ = std::thread([this] { io_.run(); });
  }
  ~EchoAdmin() {
    boost::asio::post(io_, [this] { server_->Stop(); });
    thread_.join();
  }
  int port() const { return server_->endpoint().port(); }

 private:
  boost::asio::io_context io_;
  std::unique_ptr<AdminServer> server_;
  std::thread thread_;
};

TEST(AdminServerTest, AnswersEachLineWithTheHandlersReply) {
  EchoAdmin admin;
  auto client = LineClient::Connect(admin.port());
  ASSERT_TRUE(client);
  EXPECT_EQ(client->Call({{"command", "query"}}),
            json::parse(R"({"ok":true,"echo":{"command":"query"}})"));
  // Pipelined requests are answered in order.
  ASSERT_TRUE(client->SendRaw("{\"n\":1}\n{\"n\":2}\n"));
  EXPECT_EQ(client->Read().value()["echo"]["n"], 1);
  EXPECT_EQ(client->Read().value()["echo"]["n"], 2);
}

TEST(AdminServerTest, HandlerExceptionsAndBadLinesBecomeErrors) {
  EchoAdmin admin;
  auto client = LineClient::Connect(admin.port());
  ASSERT_TRUE(client);
  EXPECT_EQ(client->Call({{"throw", "no such alias"}}),
            json::parse(R"({"ok":false,"error":"no such alias"})"));
  ASSERT_TRUE(client->SendRaw("this is not json\n"));
  const auto reply = client->Read();
  ASSERT_TRUE(reply);
  EXPECT_EQ((*reply)["ok"], false);
  EXPECT_NE((*reply)["error"].get<std::string>().find("not JSON"), std::string::npos);
  EXPECT_EQ(client->Call({{"still", 1}}).value()["ok"], true);
}

TEST(AdminServerTest, ALongLineIsAnsweredAndClosed) {
  AdminServerOptions options;
  options.max_line = 4096;
  EchoAdmin admin(options);
  auto client = LineClient::Connect(admin.port());
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->SendRaw(std::string(10000, 'x') + "\n"));
  const auto reply = client->Read();
  ASSERT_TRUE(reply);
  EXPECT_NE((*reply)["error"].get<std::string>().find("longer than 4096"), std::string::npos);
  EXPECT_TRUE(client->WaitClosed(5s));
  auto other = LineClient::Connect(admin.port());
  EXPECT_EQ(other->Call({{"x", 1}}).value()["ok"], true);
}

TEST(AdminServerTest, ConnectionsBeyondTheLimitAreRefused) {
  AdminServerOptions options;
  options.max_connections = 1;
  EchoAdmin admin(options);
  auto first = LineClient::Connect(admin.port());
  ASSERT_EQ(first->Call({{"x", 1}}).value()["ok"], true);
  auto second = LineClient::Connect(admin.port());
  const auto refusal = second->Read();
  ASSERT_TRUE(refusal);
  EXPECT_EQ((*refusal)["ok"], false);
  EXPECT_TRUE(second->WaitClosed(5s));
}

TEST(AdminServerTest, IdleConnectionsAreClosed) {
  AdminServerOptions options;
  options.idle_timeout = 200ms;
  EchoAdmin admin(options);
  auto client = LineClient::Connect(admin.port());
  ASSERT_EQ(client->Call({{"x", 1}}).value()["ok"], true);
  EXPECT_TRUE(client->WaitClosed(5s));
}

}  // namespace
}  // namespace drdaplex::router
