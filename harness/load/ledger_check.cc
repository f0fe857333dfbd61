#include "harness/load/ledger_check.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <unordered_set>

#include "harness/load/ledger_ids.h"

namespace drdaplex::load {

bool ReadLedgerIds(const std::vector<std::filesystem::path>& database_files, int64_t run, std::vector<int64_t>* ids,
                   std::string* error) {
  const auto [first, last] = LedgerRunRange(run);
  for (const auto& file : database_files) {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
      *error = file.string() + ": " + (db ? sqlite3_errmsg(db) : "cannot open");
      sqlite3_close(db);
      return false;
    }
    sqlite3_busy_timeout(db, 5000);
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v2(db, "SELECT id FROM DPX_LEDGER WHERE id BETWEEN ?1 AND ?2", -1, &stmt, nullptr);
    if (rc != SQLITE_OK) {
      const std::string message = sqlite3_errmsg(db);
      sqlite3_close(db);
      if (message.find("no such table") != std::string::npos) continue;  // never initialised for the ledger
      *error = file.string() + ": " + message;
      return false;
    }
    sqlite3_bind_int64(stmt, 1, first);
    sqlite3_bind_int64(stmt, 2, last);
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) ids->push_back(sqlite3_column_int64(stmt, 0));
    const bool done = rc == SQLITE_DONE;
    if (!done) *error = file.string() + ": " + sqlite3_errmsg(db);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    if (!done) return false;
  }
  return true;
}

LedgerCheck ClassifyLedger(const std::vector<LedgerEntry>& entries, std::vector<int64_t> found) {
  LedgerCheck check;
  std::unordered_set<int64_t> present(found.begin(), found.end());
  std::unordered_set<int64_t> known;
  for (const LedgerEntry& e : entries) {
    known.insert(e.id);
    const bool here = present.count(e.id) > 0;
    // Per outcome: its count, how many of them are in the database, and
    // where the id goes when being there is wrong.
    auto tally = [&](int64_t& count, int64_t& in_database, std::vector<int64_t>* wrong_when_present) {
      ++count;
      if (here) ++in_database;
      if (here && wrong_when_present) wrong_when_present->push_back(e.id);
    };
    switch (e.outcome) {
      case LedgerOutcome::kCommitted:
        ++check.committed;
        if (!here) {
          ++check.committed_missing;
          check.missing.push_back(e.id);
        }
        break;
      case LedgerOutcome::kRolledBack: tally(check.rolled_back, check.rolled_back_present, &check.unexpected); break;
      case LedgerOutcome::kAborted: tally(check.aborted, check.aborted_present, &check.unexpected); break;
      case LedgerOutcome::kInDoubt: tally(check.in_doubt, check.in_doubt_present, nullptr); break;
    }
  }
  for (int64_t id : present) {
    if (!known.count(id)) check.unexpected.push_back(id);
  }
  std::sort(check.missing.begin(), check.missing.end());
  std::sort(check.unexpected.begin(), check.unexpected.end());
  return check;
}

LedgerCheck CheckLedger(const BenchResult& result, const std::vector<std::filesystem::path>& database_files,
                        std::string* error) {
  std::vector<int64_t> found;
  if (!ReadLedgerIds(database_files, result.ledger_run, &found, error)) return {};
  return ClassifyLedger(result.ledger, std::move(found));
}

std::string FormatLedgerCheck(const LedgerCheck& c) {
  std::string out = fmt::format(
      "ledger check: {} — committed {} (missing {}), rolled back {} (present {}), aborted {} (present {}), "
      "in doubt {} (present {})",
      c.ok() ? "OK" : "FAILED", c.committed, c.committed_missing, c.rolled_back, c.rolled_back_present, c.aborted,
      c.aborted_present, c.in_doubt, c.in_doubt_present);
  auto list = [](const std::vector<int64_t>& ids) {
    std::string s;
    for (size_t i = 0; i < ids.size() && i < 10; ++i) s += (i ? ", " : "") + std::to_string(ids[i]);
    return ids.size() > 10 ? s + ", ..." : s;
  };
  if (!c.missing.empty()) out += "\n  committed but missing: " + list(c.missing);
  if (!c.unexpected.empty()) out += "\n  present but not committed: " + list(c.unexpected);
  return out + "\n";
}

}  // namespace drdaplex::load
