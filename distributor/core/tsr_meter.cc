// TSR arithmetic (see tsr_meter.h for the rules and why).
#include "distributor/core/tsr_meter.h"

#include <algorithm>

namespace drdaplex::distributor {

int TsrMeter::CloseInterval(TimePoint now) {
  const int previous_raw = raw_;
  const int previous_tsr = tsr_;
  bool gone = false;
  if (failed_ > 0 && accepted_ == 0) {
    raw_ = 0;
    gone = true;
  } else if (sent_ == 0) {
    if (accepted_ > 0) raw_ = kFull;  // else: no evidence, keep raw_
  } else {
    raw_ = static_cast<int>(kFull * std::min(accepted_, sent_) / sent_);
  }
  tsr_ = gone ? 0 : (3 * raw_ + previous_raw + 2) / 4;
  if (tsr_ == 0 && previous_tsr != 0) next_probe_ = now;  // first probe at once
  sent_ = accepted_ = failed_ = 0;
  return tsr_;
}

void TsrMeter::ProbeSent(TimePoint now, std::chrono::milliseconds interval) {
  ++probes_;
  next_probe_ = now + interval;
}

}  // namespace drdaplex::distributor
