#include "harness/load/landing_table.h"

#include <algorithm>

namespace drdaplex::load {

size_t LandingTable::Intern(const Landing& landing) {
  std::lock_guard lock(mutex_);
  auto it = std::find(landings_.begin(), landings_.end(), landing);
  if (it != landings_.end()) return static_cast<size_t>(it - landings_.begin());
  if (landings_.size() == kMaxLandings - 1) landings_.push_back({"(other)", "(other)", "(other)", "(other)"});
  if (landings_.size() >= kMaxLandings) return kMaxLandings - 1;
  landings_.push_back(landing);
  return landings_.size() - 1;
}

std::vector<Landing> LandingTable::Snapshot() const {
  std::lock_guard lock(mutex_);
  return landings_;
}

size_t LandingTable::size() const {
  std::lock_guard lock(mutex_);
  return landings_.size();
}

}  // namespace drdaplex::load
