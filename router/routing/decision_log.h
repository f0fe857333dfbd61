// DecisionLog: what the router decided, for operators. Counts decisions per
// requested alias and target (ODBM, datastore), counts failures per
// requested alias and kind, and keeps the last N decisions in a ring.
//
// Bounds: at most `max_aliases` distinct requested aliases are counted by
// name; decisions for further names (a client trying random database names)
// are counted under "(other)", so the counters cannot grow without limit.
// Ownership: owns its counters and ring.
// Thread-safety: all methods are safe to call concurrently (one mutex, held
// only to update or copy).
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "router/routing/route_types.h"

namespace drdaplex::router {

struct DecisionRecord {
  std::chrono::system_clock::time_point time;
  uint64_t connection_id = 0;
  std::string user;
  std::string client;
  std::string alias;                           // requested (normalized; "" = blank)
  std::string effective;                       // after the exit's override
  RouteFailure failure = RouteFailure::kNone;  // kNone = routed
  std::string odbm;                            // when routed
  std::string datastore;                       // when routed
  std::string reason;                          // RouteResult::log_reason
};

struct DecisionCount {
  std::string alias;                           // requested; "" = blank, "(other)" past the bound
  std::string odbm;                            // "" for a failure row
  std::string datastore;                       // "" for a failure row
  RouteFailure failure = RouteFailure::kNone;  // kNone for a routed row
  uint64_t count = 0;
};

class DecisionLog {
 public:
  static constexpr size_t kDefaultHistory = 256;
  static constexpr size_t kDefaultMaxAliases = 1024;
  static constexpr char kOtherAlias[] = "(other)";

  explicit DecisionLog(size_t history = kDefaultHistory, size_t max_aliases = kDefaultMaxAliases);

  void Record(DecisionRecord record);
  // Routed rows first (by alias, odbm, datastore), then failure rows.
  std::vector<DecisionCount> Counts() const;
  // Oldest first.
  std::vector<DecisionRecord> History() const;

 private:
  using RoutedKey = std::tuple<std::string, std::string, std::string>;
  using FailedKey = std::pair<std::string, RouteFailure>;

  const size_t history_limit_;
  const size_t max_aliases_;
  mutable std::mutex mu_;
  std::map<RoutedKey, uint64_t> routed_;  // guarded by mu_
  std::map<FailedKey, uint64_t> failed_;  // guarded by mu_
  std::set<std::string> aliases_;         // guarded by mu_; names counted so far
  std::deque<DecisionRecord> history_;    // guarded by mu_
};

}  // namespace drdaplex::router
