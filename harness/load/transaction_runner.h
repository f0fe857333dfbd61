// TransactionRunner: runs one transaction of the workload mix on a client's
// connection -- a script (prepared statements, :var bound as BIGINT
// parameters, BEGIN/END as client-side transaction control, every row of a
// query fetched) or the ledger transaction -- and says how it ended.
//
// The ledger transaction inserts one DPX_LEDGER row with a unique id, then
// COMMITs, or ROLLBACKs in 1 of 10, and classifies the id by what the
// client can know: committed (COMMIT replied OK), rolled back (ROLLBACK
// replied OK), aborted (failed before COMMIT was sent, or the server
// answered COMMIT with an error: the server cannot have committed it), in
// doubt (COMMIT sent, no reply).
//
// One per client thread; keeps the connection's prepared statements until
// Reset (a new connection). Not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "client/connection.h"
#include "harness/load/bench_result.h"
#include "harness/load/workload.h"

namespace drdaplex::load {

struct TransactionError {
  std::string sqlstate;  // "script" for a script's runtime error
  std::string message;
};

struct TransactionOutcome {
  std::optional<TransactionError> error;
  bool connection_lost = false;         // the connection is unusable now
  std::optional<LedgerEntry> ledger;    // ledger transactions only
};

class TransactionRunner {
 public:
  TransactionRunner(const WorkloadMix& mix, int client_id, int scale, int64_t ledger_run);

  // The connection changed: its prepared statements are gone.
  void Reset() { statements_.clear(); }
  TransactionOutcome Run(client::Connection& connection, size_t entry, const std::string& datastore,
                         std::mt19937_64& random);

 private:
  void RunScript(client::Connection& connection, size_t entry, std::mt19937_64& random);
  TransactionOutcome RunLedger(client::Connection& connection, const std::string& datastore,
                               std::mt19937_64& random);
  client::PreparedStatement& Prepared(client::Connection& connection, const void* key, const std::string& sql);

  const WorkloadMix& mix_;
  int client_id_;
  int64_t ledger_run_;
  int64_t ledger_sequence_ = 0;
  std::vector<std::vector<int64_t>> variables_;  // per workload entry, by slot
  std::unordered_map<const void*, client::PreparedStatement> statements_;
};

}  // namespace drdaplex::load
