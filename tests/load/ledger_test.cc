// Ledger ids and their classification: ids of one run stay in its range;
// committed ids must be found, rolled-back and aborted ones must not, in-doubt
// ones may; CheckLedger reads real SQLite files (read-only) for them.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "harness/load/ledger_check.h"
#include "harness/load/ledger_ids.h"
#include "tests/support/temp_dir.h"

namespace drdaplex::load {
namespace {

TEST(LedgerIdsTest, IdsAreUniqueAndInTheirRunsRange) {
  const int64_t run = kLedgerRunMask;  // the largest run id
  const auto [first, last] = LedgerRunRange(run);
  EXPECT_GT(first, 0);
  EXPECT_GT(last, first);
  const int64_t a = LedgerId(run, 0, 1), b = LedgerId(run, 65535, (int64_t{1} << 25) - 1);
  EXPECT_GE(a, first);
  EXPECT_LE(b, last);
  EXPECT_NE(LedgerId(run, 1, 2), LedgerId(run, 2, 1));
  EXPECT_LT(LedgerRunRange(run - 1).second, first);
}

std::vector<LedgerEntry> Entries() {
  return {{10, LedgerOutcome::kCommitted, "IMS1"},  {11, LedgerOutcome::kCommitted, "IMS1"},
          {12, LedgerOutcome::kRolledBack, "IMS1"}, {13, LedgerOutcome::kAborted, "IMS3"},
          {14, LedgerOutcome::kInDoubt, "IMS3"},    {15, LedgerOutcome::kInDoubt, "IMS3"}};
}

TEST(LedgerCheckTest, ConsistentDatabaseIsOk) {
  LedgerCheck c = ClassifyLedger(Entries(), {10, 11, 14});
  EXPECT_TRUE(c.ok());
  EXPECT_EQ(c.committed, 2);
  EXPECT_EQ(c.rolled_back, 1);
  EXPECT_EQ(c.aborted, 1);
  EXPECT_EQ(c.in_doubt, 2);
  EXPECT_EQ(c.in_doubt_present, 1);
}

TEST(LedgerCheckTest, EveryViolationIsNamed) {
  LedgerCheck c = ClassifyLedger(Entries(), {11, 12, 13, 99});
  EXPECT_FALSE(c.ok());
  EXPECT_EQ(c.committed_missing, 1);
  EXPECT_EQ(c.missing, std::vector<int64_t>{10});
  EXPECT_EQ(c.rolled_back_present, 1);
  EXPECT_EQ(c.aborted_present, 1);
  EXPECT_EQ(c.unexpected, (std::vector<int64_t>{12, 13, 99}));
  EXPECT_NE(FormatLedgerCheck(c).find("committed but missing: 10"), std::string::npos);
}

void Exec(sqlite3* db, const std::string& sql) {
  char* message = nullptr;
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message), SQLITE_OK) << message;
}

TEST(LedgerCheckTest, ReadsTheRunsIdsFromSqliteFiles) {
  testing::TempDir dir("drdaplex-ledger-");
  const int64_t run = 5;
  BenchResult result;
  result.ledger_run = run;
  result.ledger = {{LedgerId(run, 0, 1), LedgerOutcome::kCommitted, "IMS1"},
                   {LedgerId(run, 1, 1), LedgerOutcome::kCommitted, "IMS3"},
                   {LedgerId(run, 1, 2), LedgerOutcome::kRolledBack, "IMS3"}};
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir.File("a.db").c_str(), &db), SQLITE_OK);
  Exec(db, "CREATE TABLE DPX_LEDGER (id BIGINT PRIMARY KEY, client INTEGER, seq BIGINT, datastore VARCHAR(8), "
           "created TIMESTAMP)");
  Exec(db, "INSERT INTO DPX_LEDGER (id, client, seq) VALUES (" + std::to_string(LedgerId(run, 0, 1)) + ", 0, 1)");
  // Another run's row in the same table is none of this run's business.
  Exec(db, "INSERT INTO DPX_LEDGER (id, client, seq) VALUES (" + std::to_string(LedgerId(run + 1, 0, 1)) + ", 0, 1)");
  sqlite3_close(db);
  ASSERT_EQ(sqlite3_open(dir.File("b.db").c_str(), &db), SQLITE_OK);
  Exec(db, "CREATE TABLE OTHER (x INTEGER)");  // no ledger table: nothing found there
  sqlite3_close(db);

  std::string error;
  LedgerCheck c = CheckLedger(result, {dir.File("a.db"), dir.File("b.db")}, &error);
  EXPECT_EQ(error, "");
  EXPECT_FALSE(c.ok());
  EXPECT_EQ(c.missing, std::vector<int64_t>{LedgerId(run, 1, 1)});
  EXPECT_TRUE(c.unexpected.empty());

  CheckLedger(result, {dir.File("missing.db")}, &error);
  EXPECT_NE(error, "");
}

}  // namespace
}  // namespace drdaplex::load
