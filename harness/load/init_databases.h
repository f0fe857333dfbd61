// InitDatabases: creates and fills the bench tables, pgbench -i style, in
// each datastore named (connecting with database = the datastore's name,
// which a router routes there), or in the target's own database when the
// list is empty. Idempotent: the tables are dropped and made again.
//
//   DPX_BRANCHES  s rows        DPX_TELLERS  10·s rows
//   DPX_ACCOUNTS  10,000·s rows (pgbench has 100,000 per branch)
//   DPX_HISTORY   empty         DPX_LEDGER   empty (the ledger workload's rows)
//
// Rows are made inside SQLite by recursive common table expressions
// (INSERT ... WITH RECURSIVE ... SELECT), which the ODBM passes through:
// one statement per table instead of thousands of round trips.
// Datastores sharing one database file (data sharing) must be named once:
// the caller picks one per file. Blocking; thread-safe (no shared state).
#pragma once

#include <string>
#include <vector>

#include "harness/load/bench_options.h"

namespace drdaplex::load {

bool InitDatabases(const BenchOptions& options, const std::vector<std::string>& datastores, std::string* error);

// The statements InitDatabases runs for scale `scale`, in order.
std::vector<std::string> InitStatements(int scale);

}  // namespace drdaplex::load
