// IMS Connect's health-from-sockets rule; see slot_health.h.
#include "router/wlm/slot_health.h"

#include <algorithm>
#include <cstdint>

namespace drdaplex::router_wlm {

int ServerHealthFromSlots(size_t active, size_t max_sockets) {
  if (max_sockets == 0) return 100;
  const uint64_t max = max_sockets;
  const uint64_t free = max - std::min<uint64_t>(active, max);
  if (free == 0) return 0;
  const uint64_t percent = free * 100 / max;
  uint64_t health;
  if (max >= 1000) {
    health = percent >= 11 ? 100 : percent;
  } else {
    // free% × 100 / 21 from the exact fraction, not the rounded percentage.
    health = percent >= 21 ? 100 : std::min<uint64_t>(100, free * 100 * 100 / (max * 21));
  }
  return static_cast<int>(std::max<uint64_t>(1, health));
}

}  // namespace drdaplex::router_wlm
