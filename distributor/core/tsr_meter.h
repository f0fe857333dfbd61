// TsrMeter: one server's target server responsiveness (TSR, 0..100): how
// reliably it takes the connections handed to it, not how well it serves
// them afterwards.
//
// The arithmetic (z/OS leaves it open; these are our choices):
//  * Within an interval the caller counts hand-overs (Sent), the server's
//    acknowledgements (Accepted) and hand-overs that failed outright
//    (Failed: the channel to the server broke, the connection never got
//    there).
//  * At the end of an interval the raw ratio is
//      r = 100 * min(accepted, sent) / sent       (integer division),
//    except: nothing sent but something accepted (late acknowledgements)
//    -> 100; nothing sent and nothing accepted -> no evidence, r stays as
//    it was (100 for a new server).
//  * TSR = (3 * r_this + r_previous + 2) / 4, the two-interval average IBM
//    documents for the display, rounded to nearest. A server that stops
//    accepting shows 25 after one interval and 0 after two; one that
//    recovers shows 75 after one interval and 100 after two.
//  * Failed in an interval without a single acceptance means the server is
//    gone: TSR is 0 at once at that interval's end, not 25 (r is 0, so the
//    next interval's average starts from 0 too).
//  * Accepted counts at the next interval's end: a probe that succeeds
//    lifts TSR one interval later (to 75), never in between.
//  * TSR 0 makes the server eligible for probes: the first is due at once
//    (when the interval that zeroed it closes), then one per probe interval
//    after the previous probe, while TSR stays 0.
//
// Ownership: a value inside the engine's per-server record.
// Thread-safety: none; the engine's owner serialises.
#pragma once

#include <chrono>
#include <cstdint>

#include "distributor/core/dist_types.h"

namespace drdaplex::distributor {

class TsrMeter {
 public:
  static constexpr int kFull = 100;

  void Sent() { ++sent_; }
  void Accepted() { ++accepted_; }
  void Failed() { ++failed_; }

  // Closes the interval that ends at `now`; returns the new TSR.
  int CloseInterval(TimePoint now);

  int tsr() const { return tsr_; }

  bool ProbeDue(TimePoint now) const { return tsr_ == 0 && now >= next_probe_; }
  // A probe was sent at `now`; the next is due `interval` later.
  void ProbeSent(TimePoint now, std::chrono::milliseconds interval);
  uint64_t probes() const { return probes_; }

 private:
  uint64_t sent_ = 0;  // this interval
  uint64_t accepted_ = 0;
  uint64_t failed_ = 0;
  int raw_ = kFull;  // r of the last closed interval
  int tsr_ = kFull;
  TimePoint next_probe_{};
  uint64_t probes_ = 0;
};

}  // namespace drdaplex::distributor
