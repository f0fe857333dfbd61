// RestartPolicy: when the supervisor restarts a member that died on its own
// (never one an operator killed or stopped: the launcher does not ask then).
// Exponential back-off from first_delay, doubling up to max_delay, and a
// cap: after max_restarts restarts within `window` the member is given up
// (state "exited" for good, until an operator starts it). Pure: the caller
// passes the time, so tests need no clock.
// Thread-safety: a value type; one owner.
#pragma once

#include <chrono>
#include <deque>
#include <optional>

namespace drdaplex::plex {

class RestartPolicy {
 public:
  using Clock = std::chrono::steady_clock;

  struct Limits {
    std::chrono::milliseconds first_delay{500};
    std::chrono::milliseconds max_delay{8000};
    int max_restarts = 5;
    std::chrono::milliseconds window{60000};
  };

  RestartPolicy() = default;
  explicit RestartPolicy(Limits limits) : limits_(limits) {}

  // The member died by itself at `now`: when to start it again, or nullopt
  // to give up. Each call that returns a time counts as one restart.
  std::optional<Clock::time_point> OnUnexpectedExit(Clock::time_point now);

  // An operator started or restarted it: the history starts afresh.
  void Reset() { restarts_.clear(); }

  const Limits& limits() const { return limits_; }

 private:
  Limits limits_;
  std::deque<Clock::time_point> restarts_;  // within the window
};

}  // namespace drdaplex::plex
