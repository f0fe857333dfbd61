// HOTSTANDBY's active-target choice (see hot_standby.h).
#include "distributor/core/hot_standby.h"

namespace drdaplex::distributor {
namespace {

// PREFERRED above every backup; a backup's rank; unconfigured systems 0.
int Precedence(const StandbyCandidate& c) {
  switch (c.role) {
    case HotStandbyRole::kPreferred: return kMaxBackupRank + 1;
    case HotStandbyRole::kBackup: return c.backup_rank;
    case HotStandbyRole::kNone: return 0;
  }
  return 0;
}

}  // namespace

bool MorePreferred(const StandbyCandidate& a, const StandbyCandidate& b) {
  const int pa = Precedence(a);
  const int pb = Precedence(b);
  if (pa != pb) return pa > pb;
  return a.system < b.system;
}

const std::optional<std::string>& HotStandbySelector::Update(
    const std::vector<StandbyCandidate>& candidates) {
  const StandbyCandidate* best = nullptr;
  bool active_available = false;
  for (const StandbyCandidate& c : candidates) {
    if (!c.available) continue;
    if (active_ && c.system == *active_) active_available = true;
    if (!best || MorePreferred(c, *best)) best = &c;
  }
  std::optional<std::string> next;
  if (!autoswitchback_ && active_available) {
    next = active_;
  } else if (best) {
    next = best->system;
  }
  if (next) {
    if (last_active_ && *next != *last_active_) ++switches_;
    last_active_ = next;
  }
  active_ = std::move(next);
  return active_;
}

}  // namespace drdaplex::distributor
