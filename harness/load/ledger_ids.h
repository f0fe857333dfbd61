// Ledger row ids: unique across runs and clients without coordination.
// id = run << 41 | client << 25 | sequence: a run id of 22 bits (random,
// non-zero), 16 bits of client number, 25 bits of per-client sequence (33
// million transactions per client). Every id of one run lies in RunIdRange.
#pragma once

#include <cstdint>
#include <utility>

namespace drdaplex::load {

inline constexpr int kLedgerRunShift = 41;
inline constexpr int kLedgerClientShift = 25;
inline constexpr int64_t kLedgerRunMask = (int64_t{1} << 22) - 1;

inline int64_t LedgerId(int64_t run, int client, int64_t sequence) {
  return (run << kLedgerRunShift) | (static_cast<int64_t>(client) << kLedgerClientShift) | sequence;
}

// [first, last] of a run's ids.
inline std::pair<int64_t, int64_t> LedgerRunRange(int64_t run) {
  return {run << kLedgerRunShift, ((run + 1) << kLedgerRunShift) - 1};
}

}  // namespace drdaplex::load
