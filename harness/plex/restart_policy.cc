#include "harness/plex/restart_policy.h"

#include <algorithm>

namespace drdaplex::plex {

std::optional<RestartPolicy::Clock::time_point> RestartPolicy::OnUnexpectedExit(
    Clock::time_point now) {
  while (!restarts_.empty() && now - restarts_.front() >= limits_.window) restarts_.pop_front();
  const int recent = static_cast<int>(restarts_.size());
  if (recent >= limits_.max_restarts) return std::nullopt;
  auto delay = limits_.first_delay;
  for (int i = 0; i < recent && delay < limits_.max_delay; ++i) delay *= 2;
  delay = std::min(delay, limits_.max_delay);
  restarts_.push_back(now);
  return now + delay;
}

}  // namespace drdaplex::plex
