// BenchResult: everything a load run measured, as plain values merged from
// the clients' own recordings after they finished: totals, latency
// histograms, errors by kind, where connections and transactions landed
// (the spread), the per-second timeline, connection records, outages, the
// ledger and the marks (faults) the caller added. FormatReport, ToJson,
// WritePlot and CheckLedger read it. A value; not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/load/bench_options.h"
#include "harness/load/latency_histogram.h"

namespace drdaplex::load {

// Where a connection landed: the router (empty when connected straight to
// an ODBM), its system (from BenchOptions::router_systems), ODBM, datastore.
struct Landing {
  std::string system, router, odbm, datastore;
  bool operator==(const Landing&) const = default;
};

struct ConnectionRecord {
  int client = 0;
  double opened_s = 0;                // when Open returned
  std::optional<double> closed_s;
  std::string router, odbm, datastore, system;
  std::string end;                    // "run-end" | "per-transaction" | the error's SQLSTATE and name
  double setup_ms = 0;                // Connection::Open
  double identify_ms = 0;             // the one VALUES query asking where it landed
  int64_t transactions = 0;
};

// A client without a working connection: from the failure (a lost
// connection or a failed connect) to the next successful connect.
struct Outage {
  int client = 0;
  double failed_s = 0;
  std::optional<double> recovered_s;
  std::string error;  // SQLSTATE and short name of the first failure
};

enum class LedgerOutcome { kCommitted, kRolledBack, kAborted, kInDoubt };
const char* LedgerOutcomeName(LedgerOutcome outcome);

struct LedgerEntry {
  int64_t id = 0;
  LedgerOutcome outcome = LedgerOutcome::kAborted;
  std::string datastore;
};

struct Mark {
  double at_s = 0;
  std::string label;
};

struct ErrorCount {
  std::string sqlstate;  // or "script" for a script's runtime error
  std::string name;      // short name: "connection lost", "lock timeout"...
  std::string phase;     // "connect" or "transaction"
  int64_t count = 0;
};

// One second (the last may be shorter) of the run, all clients together.
struct TimelinePoint {
  double end_s = 0;    // elapsed at the end of the interval
  double span_s = 0;   // its length
  int64_t transactions = 0, setups = 0, errors = 0;
  int64_t open_connections = 0;  // at the end of the interval
  double p50_ms = 0, p99_ms = 0;  // of the transactions that ended in it
  std::vector<int64_t> landing_transactions;  // by index into BenchResult::landings
};

struct ScriptStats {
  std::string name;
  int weight = 1;
  int64_t transactions = 0, failures = 0;
};

struct BenchResult {
  BenchOptions options;
  std::string workload;  // WorkloadMix::Describe
  double elapsed_s = 0;  // from Start until every client had stopped
  int64_t transactions = 0;          // completed without error
  int64_t failed_transactions = 0;
  int64_t connection_setups = 0;     // successful opens
  int64_t connect_failures = 0;
  double connect_seconds = 0;        // sum over clients of time spent opening + identifying
  LatencyHistogram latency_us;       // transactions, from the scheduled start under --rate
  LatencyHistogram setup_us;         // Connection::Open
  LatencyHistogram identify_us;      // the landing query
  LatencyHistogram lag_us;           // schedule lag (only under --rate)
  std::vector<ErrorCount> errors;
  std::vector<ScriptStats> scripts;
  std::vector<Landing> landings;                 // every distinct landing seen
  std::vector<int64_t> landing_transactions;     // by landing
  std::vector<TimelinePoint> timeline;
  std::vector<ConnectionRecord> connections;
  std::vector<Outage> outages;
  std::vector<LedgerEntry> ledger;
  int64_t ledger_run = 0;
  std::vector<Mark> marks;
};

// Connections and transactions per system, router, ODBM or datastore.
enum class SpreadBy { kSystem, kRouter, kOdbm, kDatastore };
const char* SpreadByName(SpreadBy by);
struct SpreadRow {
  std::string key;  // "(none)" when empty, e.g. no router when direct
  int64_t connections = 0, transactions = 0;
};
std::vector<SpreadRow> Spread(const BenchResult& result, SpreadBy by);
// The spread key of a landing.
std::string SpreadKey(const Landing& landing, SpreadBy by);

// The short name of an SQLSTATE as the report prints it.
std::string SqlStateName(const std::string& sqlstate);

}  // namespace drdaplex::load
