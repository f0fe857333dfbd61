// Smooth weighted round-robin (see smooth_wrr.h).
#include "distributor/core/smooth_wrr.h"

#include <vector>

namespace drdaplex::distributor {

std::optional<size_t> SmoothWrr::Pick(std::span<const WrrCandidate> candidates) {
  // Updated in place (a string is allocated only for a new key); entries
  // not seen in this pick are dropped afterwards.
  ++pick_;
  std::vector<Entry*> entry(candidates.size(), nullptr);
  int64_t total = 0;
  std::optional<size_t> best;
  for (size_t i = 0; i < candidates.size(); ++i) {
    const WrrCandidate& c = candidates[i];
    if (c.weight <= 0) continue;
    auto it = entries_.find(c.key);
    if (it == entries_.end()) it = entries_.emplace(std::string(c.key), Entry{}).first;
    Entry& e = it->second;
    if (e.seen == pick_) continue;  // duplicate key: the first one counts
    e.seen = pick_;
    e.current += c.weight;
    entry[i] = &e;
    total += c.weight;
    if (!best || e.current > entry[*best]->current) best = i;
  }
  if (best) entry[*best]->current -= total;
  std::erase_if(entries_, [this](const auto& kv) { return kv.second.seen != pick_; });
  return best;
}

}  // namespace drdaplex::distributor
