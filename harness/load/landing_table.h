// LandingTable: gives each distinct Landing (system, router, ODBM,
// datastore) a small number, so clients can count transactions per landing
// in fixed arrays of counters the sampler reads without locks. Interning
// takes a mutex, but happens once per new connection, next to a network
// handshake. Landings beyond kMaxLandings share the last number, "(other)".
// Thread-safe.
#pragma once

#include <mutex>
#include <vector>

#include "harness/load/bench_result.h"

namespace drdaplex::load {

inline constexpr size_t kMaxLandings = 64;

class LandingTable {
 public:
  size_t Intern(const Landing& landing);
  std::vector<Landing> Snapshot() const;
  size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::vector<Landing> landings_;
};

}  // namespace drdaplex::load
