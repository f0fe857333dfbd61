// The bench through the seed plex (two routers sharing one DRDA port, two
// ODBMs, four datastores on three SQLite files): --init through the routers
// (database = datastore name), a short ledger + select-only run on the blank
// database, no errors, the spread showing both routers and every file's
// datastore, and the ledger consistent in every file.
#include <gtest/gtest.h>

#include <set>

#include "harness/load/bench_run.h"
#include "tests/support/seed_plex.h"
#include "tests/support/temp_dir.h"

namespace drdaplex::load {
namespace {

TEST(SeedPlexBenchTest, LedgerRunSpreadsOverBothRoutersAndChecksOut) {
  testing::TempDir dir("drdaplex-loadplex-");
  std::string error;
  auto plex = testing::SeedPlex::Start(dir.path(), &error);
  ASSERT_NE(plex, nullptr) << error;

  BenchOptions o;
  o.target = {plex->host(), static_cast<uint16_t>(plex->port()), ""};
  o.clients = 12;
  o.duration = std::chrono::seconds(3);
  o.progress = false;
  o.scripts = {{"ledger", 3}, {"select-only", 1}};
  o.router_systems = {{"HWS1", "SYS1"}, {"HWS2", "SYS1"}};
  ASSERT_TRUE(InitDatabases(o, {"IMS1", "IMS3", "IMS4"}, &error)) << error;

  BenchRun run(o);
  run.Start();
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  run.AddMark("half-time");
  BenchResult r = run.Wait();
  const std::string report = FormatReport(r);
  EXPECT_GT(r.transactions, 50) << report;
  EXPECT_EQ(r.failed_transactions, 0) << report;
  EXPECT_TRUE(r.errors.empty()) << report;
  EXPECT_TRUE(r.outages.empty()) << report;

  std::set<std::string> routers, datastores;
  for (const SpreadRow& row : Spread(r, SpreadBy::kRouter)) {
    if (row.connections > 0) routers.insert(row.key);
  }
  for (const SpreadRow& row : Spread(r, SpreadBy::kDatastore)) {
    if (row.transactions > 0) datastores.insert(row.key);
  }
  EXPECT_EQ(routers, (std::set<std::string>{"HWS1", "HWS2"})) << report;
  EXPECT_EQ(datastores.size(), 4u) << report;
  for (const SpreadRow& row : Spread(r, SpreadBy::kSystem)) EXPECT_EQ(row.key, "SYS1");
  ASSERT_EQ(r.marks.size(), 1u);
  EXPECT_NEAR(r.marks[0].at_s, 1.5, 0.5);

  LedgerCheck check = CheckLedger(r, {dir.File("shared.db"), dir.File("ims3.db"), dir.File("ims4.db")}, &error);
  EXPECT_EQ(error, "");
  EXPECT_TRUE(check.ok()) << FormatLedgerCheck(check);
  EXPECT_GT(check.committed, 0);
  EXPECT_EQ(check.in_doubt + check.aborted, 0);
}

}  // namespace
}  // namespace drdaplex::load
