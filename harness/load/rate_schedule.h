// PoissonSchedule: the start times a rate-limited client aims at, as
// pgbench --rate makes them: arrivals of a Poisson process (exponential
// gaps with mean 1/rate), laid out from the run's start independently of
// how long transactions take. Latency is then measured from the scheduled
// start, so a slow server shows up as latency instead of silently lowering
// the offered load (no coordinated omission); the gap between schedule and
// actual start is the schedule lag. One per client; not thread-safe.
#pragma once

#include <cstdint>
#include <random>

namespace drdaplex::load {

class PoissonSchedule {
 public:
  PoissonSchedule(double rate_per_second, uint64_t seed);
  // Seconds after the run's start of the next scheduled transaction.
  double Next();

 private:
  std::mt19937_64 random_;
  std::exponential_distribution<double> gap_;
  double at_s_ = 0;
};

}  // namespace drdaplex::load
