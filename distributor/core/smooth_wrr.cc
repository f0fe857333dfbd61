// Smooth weighted round-robin (see smooth_wrr.h).
#include "distributor/core/smooth_wrr.h"

#include <vector>

namespace drdaplex::distributor {

std::optional<size_t> SmoothWrr::Pick(std::span<const WrrCandidate> candidates) {
  std::map<std::string, int64_t, std::less<>> next;
  std::vector<int64_t*> current(candidates.size(), nullptr);
  int64_t total = 0;
  std::optional<size_t> best;
  for (size_t i = 0; i < candidates.size(); ++i) {
    const WrrCandidate& c = candidates[i];
    if (c.weight <= 0) continue;
    int64_t value = 0;
    if (auto it = current_.find(c.key); it != current_.end()) value = it->second;
    auto [slot, inserted] = next.emplace(std::string(c.key), value + c.weight);
    if (!inserted) continue;  // duplicate key: the first one counts
    current[i] = &slot->second;
    total += c.weight;
    if (!best || *current[i] > *current[*best]) best = i;
  }
  if (best) *current[*best] -= total;
  current_ = std::move(next);
  return best;
}

}  // namespace drdaplex::distributor
