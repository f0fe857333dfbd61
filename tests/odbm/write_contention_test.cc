// A real drdaplex-odbm under heavy write contention: many more writers on
// one database file than the server has threads (two event loops and at most
// 256 helpers). Waiting writers are parked at the file's write gate instead
// of sleeping in SQLite's busy handler on a server thread, so no lock wait
// times out, new connections are still served, and every committed row is
// there. Bounded: a few seconds when it works.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "client/client.h"
#include "tests/support/odbm_process.h"
#include "tests/support/temp_dir.h"

namespace drdaplex::testing {
namespace {

using namespace std::chrono_literals;

TEST(WriteContentionTest, ManyWritersOnOneFileAllCommitWithoutLockTimeouts) {
  TempDir dir;
  std::string error;
  auto odbm = OdbmProcess::Start(OdbmConfig::SharedPair(), dir.path(), &error, {.log_level = "warn"});
  ASSERT_NE(odbm, nullptr) << error;
  auto connect = [&](const std::string& database) {
    client::ConnectOptions options;
    options.port = static_cast<uint16_t>(odbm->port());
    options.database = database;
    options.user = "app";
    options.password = "secret";
    options.connect_timeout = 20s;
    return client::Connection::Open(options);
  };
  connect("IM1A").Execute("CREATE TABLE LEDGER (ID INTEGER PRIMARY KEY, WRITER INTEGER, AMOUNT INTEGER)");

  // 400 writers over both datastores of the shared file, each running
  // transactions of two round trips (INSERT, then COMMIT or ROLLBACK), so
  // the gate is held while the holder's next request travels.
  constexpr int kWriters = 400;
  constexpr int kTransactions = 5;
  std::atomic<int> committed{0};
  std::mutex errors_mutex;
  std::vector<std::string> errors;
  std::vector<std::thread> threads;
  const auto start = std::chrono::steady_clock::now();
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      try {
        auto c = connect(w % 2 ? "IO1A" : "IO2A");
        c.SetAutoCommit(false);
        for (int t = 0; t < kTransactions; ++t) {
          const int id = w * kTransactions + t;
          c.Execute("INSERT INTO LEDGER VALUES (" + std::to_string(id) + ", " + std::to_string(w) + ", 1)");
          if (t == 2) {
            c.Rollback();  // one in five rolls back
          } else {
            c.Commit();
            ++committed;
          }
        }
      } catch (const std::exception& e) {
        std::lock_guard lock(errors_mutex);
        errors.push_back(e.what());
      }
    });
  }
  for (auto& t : threads) t.join();
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(errors.empty()) << errors.size() << " writers failed, first: " << errors.front();
  EXPECT_EQ(committed.load(), kWriters * (kTransactions - 1));
  auto check = connect("IM1A");
  EXPECT_EQ(std::get<int64_t>(check.QueryScalar("SELECT COUNT(*) FROM LEDGER")), committed.load());
  EXPECT_EQ(std::get<int64_t>(check.QueryScalar("SELECT COUNT(*) FROM LEDGER WHERE ID % 5 = 2")), 0)
      << "rolled-back rows must not be there";
  EXPECT_LT(elapsed, 30s);
  std::printf("%d writers x %d transactions in %.2f s\n", kWriters, kTransactions,
              std::chrono::duration<double>(elapsed).count());
}

}  // namespace
}  // namespace drdaplex::testing
