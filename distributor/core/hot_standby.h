// HotStandbySelector: which single system is the active target under
// DISTMETHOD HOTSTANDBY. No load balancing: every new connection goes to
// the active system; the others wait.
//
// Preference order: the PREFERRED system, then BACKUP systems by rank
// (higher first), then systems nobody configured (rank 0); ties by name.
// (Two PREFERRED systems are a configuration error the caller should
// reject; here the first by name is preferred.)
//  * AUTOSWITCHBACK: the active system is always the most preferred
//    available one, so the preferred takes over again as soon as it is
//    available (and a better backup over a worse one).
//  * NOAUTOSWITCHBACK: the active system stays active while it is
//    available. Only when it fails (or at start, when there is none yet)
//    is the most preferred available system chosen. At start that is the
//    first system to become available, whatever its role, because the
//    engine re-evaluates after every change.
// "Available" is the engine's call (a usable server; with HEALTHSWITCH
// also healthy).
//
// Ownership: a value inside the engine. Thread-safety: none.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "distributor/core/dist_types.h"

namespace drdaplex::distributor {

struct StandbyCandidate {
  std::string system;
  HotStandbyRole role = HotStandbyRole::kNone;
  int backup_rank = 0;
  bool available = false;
};

class HotStandbySelector {
 public:
  explicit HotStandbySelector(bool autoswitchback) : autoswitchback_(autoswitchback) {}

  // Re-evaluates against the current candidates; returns the active system.
  const std::optional<std::string>& Update(const std::vector<StandbyCandidate>& candidates);

  const std::optional<std::string>& active() const { return active_; }
  // How many times a system other than the last active one became active
  // (a gap with no active system in between does not count as a switch).
  uint64_t switches() const { return switches_; }

 private:
  bool autoswitchback_;
  std::optional<std::string> active_;
  std::optional<std::string> last_active_;
  uint64_t switches_ = 0;
};

// True when `a` is preferred over `b` (the order above).
bool MorePreferred(const StandbyCandidate& a, const StandbyCandidate& b);

}  // namespace drdaplex::distributor
