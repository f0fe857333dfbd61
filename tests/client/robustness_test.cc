// The client's bounds: a peer that is not there, one that never answers,
// one that answers something that is not DRDA, and one that goes away in
// the middle of a session. Every case ends in a bounded time with the
// SQLSTATE the API promises, and a broken connection stays broken.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <chrono>
#include <thread>

#include "client/client.h"
#include "tests/client/test_servers.h"
#include "tests/client/wire_tap.h"

namespace drdaplex::client {
namespace {

using Clock = std::chrono::steady_clock;

// A listening socket on 127.0.0.1; `serve`, when given, runs on a thread
// for the first accepted connection.
class RawPeer {
 public:
  explicit RawPeer(std::function<void(int)> serve = nullptr) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(fd_, 4);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    if (serve) {
      thread_ = std::thread([this, serve] {
        const int c = ::accept(fd_, nullptr, nullptr);
        if (c >= 0) {
          serve(c);
          ::close(c);
        }
      });
    }
  }
  ~RawPeer() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    if (thread_.joinable()) thread_.join();
  }
  uint16_t port() const { return port_; }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
  std::thread thread_;
};

ConnectOptions To(uint16_t port) {
  ConnectOptions o;
  o.port = port;
  o.database = "IM1A";
  o.user = "app";
  o.password = "secret";
  o.connect_timeout = std::chrono::milliseconds(500);
  o.io_timeout = std::chrono::milliseconds(500);
  return o;
}

TEST(RobustnessTest, NobodyListeningIs08001) {
  const auto start = Clock::now();
  try {
    Connection::Open(To(static_cast<uint16_t>(testing::FreePort())));
    FAIL();
  } catch (const SqlError& e) {
    EXPECT_EQ(e.sqlstate(), "08001") << e.what();
  }
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(5));
}

TEST(RobustnessTest, SilentServerTimesOut) {
  RawPeer peer([](int fd) {
    char buf[4096];
    while (::read(fd, buf, sizeof buf) > 0) {
    }  // read everything, answer nothing
  });
  const auto start = Clock::now();
  try {
    Connection::Open(To(peer.port()));
    FAIL();
  } catch (const SqlError& e) {
    EXPECT_EQ(e.sqlstate(), "08006") << e.what();
    EXPECT_NE(e.message().find("timed out"), std::string::npos) << e.what();
  }
  const auto took = Clock::now() - start;
  EXPECT_GE(took, std::chrono::milliseconds(400));
  EXPECT_LT(took, std::chrono::seconds(5));
}

TEST(RobustnessTest, NonDrdaAnswerIsAProtocolError) {
  RawPeer peer([](int fd) {
    char buf[4096];
    (void)::read(fd, buf, sizeof buf);
    const char reply[] = "HTTP/1.0 400 Bad Request\r\n\r\n";
    (void)::send(fd, reply, sizeof reply - 1, MSG_NOSIGNAL);
    while (::read(fd, buf, sizeof buf) > 0) {
    }
  });
  try {
    Connection::Open(To(peer.port()));
    FAIL();
  } catch (const SqlError& e) {
    EXPECT_EQ(e.sqlstate(), "58009") << e.what();
  }
}

TEST(RobustnessTest, HugeDssLengthIsRejectedNotBuffered) {
  RawPeer peer([](int fd) {
    char buf[4096];
    (void)::read(fd, buf, sizeof buf);
    // A DSS announcing continuation segments without end: the client must
    // give up at its size limit or the timeout, never grow without bound.
    std::string chunk = std::string("\xFF\xFF\xD0\x02\x00\x01", 6) + std::string(32761, 'x');
    (void)::send(fd, chunk.data(), chunk.size(), MSG_NOSIGNAL);
    std::string cont = std::string("\xFF\xFF", 2) + std::string(32765, 'y');
    for (int i = 0; i < 600; ++i) {
      if (::send(fd, cont.data(), cont.size(), MSG_NOSIGNAL) < 0) break;
    }
  });
  try {
    Connection::Open(To(peer.port()));
    FAIL();
  } catch (const SqlError& e) {
    EXPECT_TRUE(e.sqlstate() == "58009" || e.sqlstate() == "08006") << e.what();
  }
}

TEST(RobustnessTest, ServerGoingAwayBreaksTheConnectionForGood) {
  std::string error;
  const testing::TestServer* server = testing::GetServer(testing::ServerKind::kDerby, &error);
  ASSERT_NE(server, nullptr) << error;
  testing::WireTap tap(server->port);
  ConnectOptions o = server->Options();
  o.port = tap.port();
  Connection conn = Connection::Open(o);
  EXPECT_EQ(conn.QueryScalar("VALUES 1"), Value{int64_t{1}});
  tap.Cut();
  try {
    conn.QueryScalar("VALUES 2");  // reaches the relay, which now hangs up
    FAIL();
  } catch (const SqlError& e) {
    EXPECT_EQ(e.sqlstate(), "08006") << e.what();
  }
  EXPECT_TRUE(conn.is_closed());
  try {
    conn.Execute("VALUES 3");
    FAIL();
  } catch (const SqlError& e) {
    EXPECT_EQ(e.sqlstate(), "08006") << e.what();
  }
}

}  // namespace
}  // namespace drdaplex::client
