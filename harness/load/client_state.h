// What one client thread records.
//
// ClientLive: counters the sampler (timeline, progress line) reads while
// the client runs. The client is their only writer: it bumps them with a
// relaxed load and store, never a locked read-modify-write, and the struct
// is cache-line aligned, so clients never contend with each other or wait
// for the sampler.
//
// ClientLog: everything else (connection records, outages, ledger entries,
// errors, setup timings), written only by the client and read by BenchRun
// after joining it.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "harness/load/bench_result.h"
#include "harness/load/landing_table.h"
#include "harness/load/latency_histogram.h"

namespace drdaplex::load {

template <typename T>
inline void Bump(std::atomic<T>& counter, T by = 1) {
  counter.store(counter.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
}

struct alignas(64) ClientLive {
  std::atomic<int64_t> transactions{0}, errors{0}, setups{0};
  std::atomic<int32_t> connected{0};
  std::array<std::atomic<uint32_t>, kMaxLandings> landing_transactions{};
  LiveHistogram latency_us;
};

struct ClientLog {
  std::vector<ConnectionRecord> connections;
  std::vector<Outage> outages;
  std::vector<LedgerEntry> ledger;
  std::map<std::pair<std::string, std::string>, int64_t> errors;  // (phase, sqlstate)
  LatencyHistogram setup_us, identify_us, lag_us;
  double connect_seconds = 0;
  int64_t failed_transactions = 0, connect_failures = 0;
  std::vector<int64_t> entry_transactions, entry_failures;  // by workload entry
};

}  // namespace drdaplex::load
