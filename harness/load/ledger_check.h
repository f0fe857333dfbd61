// CheckLedger: after a run, reads the SQLite files of the datastores
// straight from disk (read-only, libsqlite3; no server involved) and checks
// this run's DPX_LEDGER ids against what the clients recorded: every
// committed id must be there, no rolled-back or aborted one may be; in-doubt
// ids may be either (counted). Ids of this run found in no entry are
// unexpected too. Pure apart from reading the files.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "harness/load/bench_result.h"

namespace drdaplex::load {

struct LedgerCheck {
  int64_t committed = 0, committed_missing = 0, rolled_back = 0, rolled_back_present = 0, aborted = 0,
          aborted_present = 0, in_doubt = 0, in_doubt_present = 0;
  std::vector<int64_t> missing;     // committed, not found
  std::vector<int64_t> unexpected;  // found, but rolled back, aborted, or unknown to the run
  bool ok() const { return committed_missing == 0 && unexpected.empty(); }
};

// The run's ids found in DPX_LEDGER of each file (a file without the table
// has none). False with *error when a file cannot be read.
bool ReadLedgerIds(const std::vector<std::filesystem::path>& database_files, int64_t run,
                   std::vector<int64_t>* ids, std::string* error);

// Classifies `entries` against the ids found (sorted or not).
LedgerCheck ClassifyLedger(const std::vector<LedgerEntry>& entries, std::vector<int64_t> found);

// Both: *error set (and the result empty) when a file cannot be read.
LedgerCheck CheckLedger(const BenchResult& result, const std::vector<std::filesystem::path>& database_files,
                        std::string* error);

std::string FormatLedgerCheck(const LedgerCheck& check);

}  // namespace drdaplex::load
