#include "harness/load/sampler.h"

namespace drdaplex::load {

Sampler::Sampler(const std::vector<ClientLive>& clients, const LandingTable& landings)
    : clients_(clients), landings_(landings), seen_(clients.size()) {}

TimelinePoint Sampler::Sample(double elapsed_s, LatencyHistogram* interval_latency_us) {
  TimelinePoint point;
  point.end_s = elapsed_s;
  point.span_s = elapsed_s - last_s_;
  last_s_ = elapsed_s;
  point.landing_transactions.assign(landings_.size(), 0);
  LatencyHistogram latency;
  for (size_t c = 0; c < clients_.size(); ++c) {
    const ClientLive& live = clients_[c];
    Seen& seen = seen_[c];
    const int64_t transactions = live.transactions.load(std::memory_order_relaxed);
    const int64_t errors = live.errors.load(std::memory_order_relaxed);
    const int64_t setups = live.setups.load(std::memory_order_relaxed);
    point.errors += errors - seen.errors;
    point.setups += setups - seen.setups;
    point.open_connections += live.connected.load(std::memory_order_relaxed);
    seen.errors = errors;
    seen.setups = setups;
    if (transactions == seen.transactions) continue;  // nothing new: skip the histogram
    point.transactions += transactions - seen.transactions;
    seen.transactions = transactions;
    live.latency_us.AddNewTo(latency, seen.latency);
    for (size_t l = 0; l < kMaxLandings; ++l) {
      const uint32_t now = live.landing_transactions[l].load(std::memory_order_relaxed);
      if (now == seen.landings[l]) continue;
      // A landing interned after landings_.size() was read counts next time.
      if (l < point.landing_transactions.size()) {
        point.landing_transactions[l] += now - seen.landings[l];
        seen.landings[l] = now;
      }
    }
  }
  point.p50_ms = latency.Percentile(50) / 1000.0;
  point.p99_ms = latency.Percentile(99) / 1000.0;
  if (interval_latency_us) interval_latency_us->Merge(latency);
  return point;
}

}  // namespace drdaplex::load
