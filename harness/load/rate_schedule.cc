#include "harness/load/rate_schedule.h"

namespace drdaplex::load {

PoissonSchedule::PoissonSchedule(double rate_per_second, uint64_t seed)
    : random_(seed), gap_(rate_per_second > 0 ? rate_per_second : 1.0) {}

double PoissonSchedule::Next() {
  at_s_ += gap_(random_);
  return at_s_;
}

}  // namespace drdaplex::load
