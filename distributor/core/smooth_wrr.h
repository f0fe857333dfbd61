// SmoothWrr: smooth weighted round-robin (nginx's algorithm), used for the
// system-level choice of BASEWLM, SERVERWLM and ROUNDROBIN (all weights 1)
// and for SHAREPORTWLM inside a system.
//
// Each pick adds every candidate's weight to its running "current" value,
// takes the candidate with the largest current (ties: the earlier one in
// the caller's order) and subtracts the sum of the weights from the winner.
// Over any run of sum-of-weights picks with fixed weights every candidate
// gets exactly its weight's worth, and the picks are interleaved (weights
// 3:1 give A A B A, never A A A B), so short windows keep the ratio too.
// The sequence does not change when all weights are multiplied by the same
// factor, so callers need not normalise.
//
// Candidates may change between picks: a new key starts at 0, a key absent
// from a pick is forgotten (if it returns it starts over).
//
// Ownership: owns its per-key state. Thread-safety: none; one owner.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace drdaplex::distributor {

struct WrrCandidate {
  std::string_view key;
  int64_t weight = 0;  // <= 0: never picked
};

class SmoothWrr {
 public:
  // Index into `candidates` of the pick; nullopt when no weight is positive.
  // Keys must be unique within one call.
  std::optional<size_t> Pick(std::span<const WrrCandidate> candidates);

  void Reset() { entries_.clear(); }

 private:
  struct Entry {
    int64_t current = 0;
    uint64_t seen = 0;  // the last pick that had this key as a candidate
  };
  std::map<std::string, Entry, std::less<>> entries_;
  uint64_t pick_ = 0;
};

}  // namespace drdaplex::distributor
