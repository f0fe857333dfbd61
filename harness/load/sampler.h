// Sampler: once a second reads every client's live counters (without
// locks; the clients never wait for it) and turns the differences into a
// TimelinePoint: transactions, connection setups, errors, open connections,
// p50/p99 of the transactions that ended in the interval, and transactions
// per landing. It also feeds the progress line. Used by one thread (the
// sampler thread of BenchRun); not thread-safe itself.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "harness/load/bench_result.h"
#include "harness/load/client_state.h"
#include "harness/load/landing_table.h"

namespace drdaplex::load {

class Sampler {
 public:
  Sampler(const std::vector<ClientLive>& clients, const LandingTable& landings);

  // The interval from the previous sample (or the start) to `elapsed_s`.
  // `interval_latency_us` receives the interval's latencies too (the
  // progress line merges several intervals).
  TimelinePoint Sample(double elapsed_s, LatencyHistogram* interval_latency_us);

 private:
  struct Seen {
    int64_t transactions = 0, errors = 0, setups = 0;
    std::vector<uint32_t> latency;
    std::array<uint32_t, kMaxLandings> landings{};
  };
  const std::vector<ClientLive>& clients_;
  const LandingTable& landings_;
  std::vector<Seen> seen_;
  double last_s_ = 0;
};

}  // namespace drdaplex::load
