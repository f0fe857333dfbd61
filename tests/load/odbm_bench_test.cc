// The bench against one real drdaplex-odbm (straight, no router): --init
// makes the tables, tpcb-like runs without errors, a rate-limited
// per-transaction run keeps its schedule, a user script runs, the ledger
// check finds every committed row and no rolled-back one -- and notices a
// committed row deleted behind its back -- and the plot files are real SVG
// and PNG. Also `drdaplex bench` through its CLI11 command.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "harness/load/bench_command.h"
#include "harness/load/bench_run.h"
#include "tests/support/odbm_process.h"
#include "tests/support/temp_dir.h"

namespace drdaplex::load {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class OdbmBenchTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir("drdaplex-loadodbm-");
    std::string error;
    odbm_ = testing::OdbmProcess::Start(testing::OdbmConfig::SharedPair("shared.db"), dir_->path(), &error).release();
    start_error_ = new std::string(error);
    if (odbm_ != nullptr && !InitDatabases(Options(), {}, &error)) *start_error_ = "init: " + error;
  }
  static void TearDownTestSuite() {
    delete odbm_;
    delete dir_;
    delete start_error_;
  }
  void SetUp() override {
    ASSERT_NE(odbm_, nullptr) << *start_error_;
    ASSERT_EQ(*start_error_, "");
  }

  static BenchOptions Options() {
    BenchOptions o;
    o.target = {"127.0.0.1", static_cast<uint16_t>(odbm_->port()), "IM1A"};
    o.clients = 4;
    o.duration = std::chrono::seconds(2);
    o.progress = false;
    return o;
  }
  static BenchResult Run(const BenchOptions& options) {
    BenchRun run(options);
    run.Start();
    return run.Wait();
  }
  static std::string Db() { return dir_->File("shared.db"); }

  static testing::TempDir* dir_;
  static testing::OdbmProcess* odbm_;
  static std::string* start_error_;
};
testing::TempDir* OdbmBenchTest::dir_ = nullptr;
testing::OdbmProcess* OdbmBenchTest::odbm_ = nullptr;
std::string* OdbmBenchTest::start_error_ = nullptr;

TEST_F(OdbmBenchTest, TpcbLikeRunsWithoutErrors) {
  BenchResult r = Run(Options());
  EXPECT_GT(r.transactions, 20);
  EXPECT_EQ(r.failed_transactions, 0) << FormatReport(r);
  EXPECT_TRUE(r.errors.empty()) << FormatReport(r);
  EXPECT_EQ(r.connection_setups, 4);
  ASSERT_EQ(r.connections.size(), 4u);
  for (const ConnectionRecord& c : r.connections) {
    EXPECT_EQ(c.odbm, "ODBMB1");
    EXPECT_EQ(c.router, "");  // straight to the ODBM
    EXPECT_TRUE(c.datastore == "IMS1" || c.datastore == "IMS2") << c.datastore;
    EXPECT_EQ(c.end, "run-end");
  }
  EXPECT_EQ(r.latency_us.count(), static_cast<uint64_t>(r.transactions));
  EXPECT_GE(r.timeline.size(), 2u);
  int64_t in_timeline = 0;
  for (const TimelinePoint& p : r.timeline) in_timeline += p.transactions;
  EXPECT_EQ(in_timeline, r.transactions);
  EXPECT_GE(r.elapsed_s, 2.0);
  EXPECT_LT(r.elapsed_s, 4.0);
}

TEST_F(OdbmBenchTest, TransactionCountIsTotalOverClients) {
  BenchOptions o = Options();
  o.duration.reset();
  o.transactions = 57;
  o.scripts = {{"select-only", 1}, {"scan", 1}, {"insert", 1}, {"simple-update", 1}};
  BenchResult r = Run(o);
  EXPECT_EQ(r.transactions + r.failed_transactions, 57) << FormatReport(r);
  EXPECT_EQ(r.failed_transactions, 0) << FormatReport(r);
}

TEST_F(OdbmBenchTest, RateLimitedPerTransactionRunKeepsItsSchedule) {
  BenchOptions o = Options();
  o.clients = 2;
  o.rate = 40;
  o.connection_per_transaction = true;
  o.scripts = {{"select-only", 1}};
  BenchResult r = Run(o);
  EXPECT_NEAR(r.transactions, 80, 30) << FormatReport(r);
  EXPECT_EQ(r.connection_setups, r.transactions);
  EXPECT_EQ(r.lag_us.count(), static_cast<uint64_t>(r.transactions));
  EXPECT_TRUE(r.errors.empty()) << FormatReport(r);
  EXPECT_NE(FormatReport(r).find("rate limit schedule lag"), std::string::npos);
}

TEST_F(OdbmBenchTest, UserScriptRuns) {
  const std::string script = dir_->WriteFile("mine.sql",
                                             "\\set aid random(1, 100) * :scale\n"
                                             "\\sleep 1 ms\n"
                                             "BEGIN;\n"
                                             "UPDATE DPX_ACCOUNTS SET abalance = abalance + 1 WHERE aid = :aid;\n"
                                             "SELECT abalance FROM DPX_ACCOUNTS WHERE aid = :aid;\n"
                                             "END;\n");
  BenchOptions o = Options();
  o.clients = 2;
  o.duration = std::chrono::seconds(1);
  o.scripts = {{script, 1}};
  BenchResult r = Run(o);
  EXPECT_GT(r.transactions, 10);
  EXPECT_TRUE(r.errors.empty()) << FormatReport(r);
  EXPECT_EQ(r.workload, script);
}

TEST_F(OdbmBenchTest, BadScriptStopsTheStartWithItsLine) {
  BenchOptions o = Options();
  o.scripts = {{dir_->WriteFile("bad.sql", "SELECT 1;\n\\set x :y\n"), 1}};
  BenchRun run(o);
  try {
    run.Start();
    FAIL() << "started";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("bad.sql:2: unknown variable :y"), std::string::npos) << e.what();
  }
}

TEST_F(OdbmBenchTest, LedgerCheckFindsCommittedRowsAndNoticesADeletedOne) {
  BenchOptions o = Options();
  o.scripts = {{"ledger", 1}};
  BenchResult r = Run(o);
  ASSERT_FALSE(r.ledger.empty());
  const auto counts = LedgerCounts(r);
  EXPECT_GT(counts[0], 0);
  EXPECT_GT(counts[1], 0);  // 1 in 10 rolled back
  EXPECT_EQ(counts[2] + counts[3], 0) << FormatReport(r);
  std::string error;
  LedgerCheck check = CheckLedger(r, {Db()}, &error);
  ASSERT_EQ(error, "");
  EXPECT_TRUE(check.ok()) << FormatLedgerCheck(check);
  EXPECT_EQ(check.committed, counts[0]);
  EXPECT_EQ(check.rolled_back, counts[1]);

  // Lose a committed row behind the bench's back: the check must say so.
  int64_t victim = 0;
  for (const LedgerEntry& e : r.ledger) {
    if (e.outcome == LedgerOutcome::kCommitted) victim = e.id;
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(Db().c_str(), &db), SQLITE_OK);
  sqlite3_busy_timeout(db, 5000);
  ASSERT_EQ(sqlite3_exec(db, ("DELETE FROM DPX_LEDGER WHERE id = " + std::to_string(victim)).c_str(), nullptr,
                         nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  check = CheckLedger(r, {Db()}, &error);
  EXPECT_FALSE(check.ok());
  EXPECT_EQ(check.missing, std::vector<int64_t>{victim});
}

TEST_F(OdbmBenchTest, BenchCommandWritesReportJsonAndPlot) {
  const std::string json_path = dir_->File("run.json"), prefix = dir_->File("run");
  const std::string port = std::to_string(odbm_->port());
  CLI::App app;
  AddBenchCommand(app);
  std::vector<std::string> args = {"bench", "--host", "127.0.0.1", "--port", port, "--database", "IO1A",
                                   "-c", "3", "-T", "2", "-b", "select-only@2", "-b", "ledger@1",
                                   "--json", json_path, "--plot", prefix, "--check-ledger",
                                   "--database-file", Db(), "--no-progress"};
  std::reverse(args.begin(), args.end());  // CLI11 takes a reversed vector
  ::testing::internal::CaptureStdout();
  EXPECT_NO_THROW(app.parse(args));
  const std::string out = ::testing::internal::GetCapturedStdout();
  EXPECT_NE(out.find("transaction type: select-only@2 ledger@1"), std::string::npos) << out;
  EXPECT_NE(out.find("ledger check: OK"), std::string::npos) << out;

  auto j = nlohmann::json::parse(ReadFile(json_path));
  EXPECT_GT(j["transactions"].get<int64_t>(), 0);
  EXPECT_EQ(j["spread"]["datastore"][0]["name"], "IMS1");
  EXPECT_GT(j["ledger"]["committed"].get<int64_t>(), 0);
  EXPECT_NE(ReadFile(json_path + ".ledger.tsv").find("\tcommitted\tIMS1\n"), std::string::npos);

  const std::string svg = ReadFile(prefix + ".svg");
  EXPECT_NE(svg.find("<svg"), std::string::npos);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
  const std::string png = ReadFile(prefix + ".png");
  ASSERT_GT(png.size(), 1000u);
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
}

}  // namespace
}  // namespace drdaplex::load
