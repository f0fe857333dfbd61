// drdaplex-odbm under what real deployments throw at it, through real
// sockets: a statement stuck on a lock while other connections keep being
// served, bytes that are not DRDA, and a SIGKILL that must not lose a
// committed row.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <future>
#include <thread>

#include "client/client.h"
#include "drda/codepoints.h"
#include "drda/ddm.h"
#include "drda/dss.h"
#include "tests/support/odbm_process.h"
#include "tests/support/temp_dir.h"

namespace drdaplex::testing {
namespace {

using namespace std::chrono_literals;

class OdbmRobustnessTest : public ::testing::Test {
 protected:
  void SetUp() override { Start(); }

  void Start() {
    std::string error;
    odbm_ = OdbmProcess::Start(OdbmConfig::SharedPair(), dir_.path(), &error);
    ASSERT_NE(odbm_, nullptr) << error;
  }

  client::Connection Connect(const std::string& database = "IM1A") {
    client::ConnectOptions options;
    options.port = static_cast<uint16_t>(odbm_->port());
    options.database = database;
    options.user = "app";
    options.password = "secret";
    return client::Connection::Open(options);
  }

  TempDir dir_;
  std::unique_ptr<OdbmProcess> odbm_;
};

TEST_F(OdbmRobustnessTest, ConnectionsAreServedWhileOneWaitsForALock) {
  {
    auto setup = Connect();
    setup.Execute("CREATE TABLE T (ID INTEGER PRIMARY KEY)");
  }
  // The holder takes the database's write lock and keeps it.
  auto holder = Connect("IO1A");
  holder.SetAutoCommit(false);
  holder.Execute("INSERT INTO T VALUES (1)");

  // The waiter's INSERT blocks in the datastore's busy wait on the server.
  std::atomic<bool> waiter_done{false};
  auto waiter = std::async(std::launch::async, [&] {
    auto c = Connect("IO2A");
    c.Execute("INSERT INTO T VALUES (2)");
    waiter_done = true;
  });
  // Give the waiter time to reach the server and block in its INSERT, so
  // that the readers below run while a server thread is stuck. Correctness
  // does not depend on it: the waiter cannot finish before the commit.
  std::this_thread::sleep_for(200ms);

  // Meanwhile other connections are served completely.
  for (int i = 0; i < 4; ++i) {
    auto reader = Connect();
    EXPECT_EQ(std::get<int64_t>(reader.QueryScalar("SELECT COUNT(*) FROM T")), 0);
  }
  EXPECT_FALSE(waiter_done.load()) << "the waiter cannot finish before the holder commits";

  holder.Commit();
  waiter.get();  // finishes once the lock is free; throws if it failed
  EXPECT_TRUE(waiter_done.load());
  auto check = Connect();
  EXPECT_EQ(std::get<int64_t>(check.QueryScalar("SELECT COUNT(*) FROM T")), 2);
}

int ConnectRaw(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  timeval tv{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return fd;
}

// Everything the server sends until it closes the connection.
drda::Bytes ReadUntilClose(int fd) {
  drda::Bytes all;
  uint8_t buf[4096];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    all.insert(all.end(), buf, buf + n);
  }
  return all;
}

drda::cp::CodePoint FirstReplyCodePoint(const drda::Bytes& reply) {
  drda::Dss dss;
  auto n = drda::ParseDss(reply, {}, dss);
  if (!n) return 0;
  auto objects = drda::ReadObjects(dss.payload);
  return objects && !objects->empty() ? (*objects)[0].code_point : 0;
}

TEST_F(OdbmRobustnessTest, NonDrdaBytesGetSyntaxrmAndTheServerKeepsServing) {
  const int fd = ConnectRaw(odbm_->port());
  const std::string http = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  ASSERT_EQ(write(fd, http.data(), http.size()), static_cast<ssize_t>(http.size()));
  const drda::Bytes reply = ReadUntilClose(fd);
  close(fd);
  EXPECT_EQ(FirstReplyCodePoint(reply), drda::cp::SYNTAXRM);

  auto c = Connect();
  EXPECT_EQ(std::get<int64_t>(c.QueryScalar("VALUES 42")), 42);
}

TEST_F(OdbmRobustnessTest, HugeDeclaredLengthsAreRefusedWithoutWaitingForTheBytes) {
  // A continued DSS whose continuation segments add up past the limit: the
  // server must refuse it from the headers, not buffer 16 MiB first.
  const int fd = ConnectRaw(odbm_->port());
  drda::Bytes bytes = {0xFF, 0xFF, 0xD0, 0x01, 0x00, 0x01};  // continued request
  bytes.resize(32767, 0x00);
  // 600 full continuation segments (~19 MiB), sent lazily: only their
  // headers matter once the total passes the limit.
  bool refused = false;
  for (int i = 0; i < 600 && !refused; ++i) {
    drda::Bytes segment(32767, 0x00);
    segment[0] = 0xFF;
    segment[1] = 0xFF;
    bytes.insert(bytes.end(), segment.begin(), segment.end());
    if (send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) < 0) refused = true;  // server closed
    bytes.clear();
  }
  const drda::Bytes reply = ReadUntilClose(fd);
  close(fd);
  EXPECT_EQ(FirstReplyCodePoint(reply), drda::cp::SYNTAXRM);
  auto c = Connect();
  EXPECT_EQ(std::get<int64_t>(c.QueryScalar("VALUES 7")), 7);
}

TEST_F(OdbmRobustnessTest, CommittedRowsSurviveSigkill) {
  {
    auto c = Connect("IO1A");
    c.SetAutoCommit(false);
    c.Execute("CREATE TABLE LEDGER (ID INTEGER PRIMARY KEY, AMOUNT DOUBLE)");
    auto insert = c.Prepare("INSERT INTO LEDGER VALUES (?, ?)");
    for (int i = 1; i <= 100; ++i) {
      insert.Bind(1, int64_t{i});
      insert.Bind(2, i * 1.5);
      insert.ExecuteUpdate();
    }
    c.Commit();
    c.Execute("INSERT INTO LEDGER VALUES (1000, 0)");  // never committed
    ASSERT_TRUE(odbm_->Kill());
    odbm_.reset();
  }
  Start();
  auto c = Connect("IO2A");
  EXPECT_EQ(std::get<int64_t>(c.QueryScalar("SELECT COUNT(*) FROM LEDGER")), 100);
  EXPECT_EQ(std::get<int64_t>(c.QueryScalar("SELECT COUNT(*) FROM LEDGER WHERE ID = 1000")), 0);
}

}  // namespace
}  // namespace drdaplex::testing
