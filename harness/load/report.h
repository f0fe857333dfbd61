// The end-of-run outputs that are pure formatting of a BenchResult:
// FormatReport, the pgbench-like text table, and ToJson, the same figures
// as JSON plus the per-second timeline, connection records, outages, marks
// and ledger counts (the ledger ids themselves go to WriteLedgerIds, they
// can be many). Pure functions.
#pragma once

#include <array>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "harness/load/bench_result.h"

namespace drdaplex::load {

std::string FormatReport(const BenchResult& result);
nlohmann::ordered_json ToJson(const BenchResult& result);
// One line per ledger id: "<id>\t<outcome>\t<datastore>". False with *error.
bool WriteLedgerIds(const BenchResult& result, const std::filesystem::path& path, std::string* error);

// Derived figures the report, the JSON and the plot share.
struct Throughput {
  double tps = 0;                  // transactions / duration
  double tps_without_connect = 0;  // transactions / (duration - connect time per client)
  double setups_per_s = 0;
  bool connect_time_matters = false;  // per-transaction mode, or connecting took > 1 % of the run
};
Throughput ComputeThroughput(const BenchResult& result);
std::string TargetText(const BenchResult& result);
std::array<int64_t, 4> LedgerCounts(const BenchResult& result);  // by LedgerOutcome

}  // namespace drdaplex::load
