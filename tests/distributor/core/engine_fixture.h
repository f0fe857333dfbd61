// Helpers for the decision core's tests: a fake clock (plain time points,
// no waiting), short ways to write systems and servers, distinct client
// keys, and a driver that makes N connections and tallies where they went.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "distributor/core/distribution_engine.h"

namespace drdaplex::distributor::testing {

using std::chrono::milliseconds;
using std::chrono::seconds;

// The fake clock: a time point `ms` after an arbitrary origin.
inline TimePoint At(int64_t ms) { return TimePoint{} + milliseconds(ms); }

inline TargetServer Server(std::string id, std::string system, int server_weight = kNoWeight) {
  TargetServer s;
  s.id = std::move(id);
  s.system = std::move(system);
  s.server_weight = server_weight;
  return s;
}

inline TargetSystem System(std::string name, int system_weight = kNoWeight) {
  TargetSystem s;
  s.name = std::move(name);
  s.system_weight = system_weight;
  return s;
}

inline TargetSystem Weighted(std::string name, int configured_weight) {
  TargetSystem s;
  s.name = std::move(name);
  s.configured_weight = configured_weight;
  return s;
}

inline TargetSystem Preferred(std::string name) {
  TargetSystem s;
  s.name = std::move(name);
  s.role = HotStandbyRole::kPreferred;
  return s;
}

inline TargetSystem Backup(std::string name, int rank) {
  TargetSystem s;
  s.name = std::move(name);
  s.role = HotStandbyRole::kBackup;
  s.backup_rank = rank;
  return s;
}

// Distinct 4-tuples: client n, as a client machine's ephemeral ports would be.
inline ClientKey KeyFor(int n) {
  ClientKey key;
  key.source_ip = "10.1." + std::to_string((n / 20000) % 250) + "." +
                  std::to_string(1 + (n / 200) % 100);
  key.source_port = static_cast<uint16_t>(32768 + n % 28000);
  key.dest_ip = "127.0.0.100";
  key.dest_port = 5555;
  return key;
}

inline DistributorPolicy Policy(DistMethod method) {
  DistributorPolicy p;
  p.method = method;
  return p;
}

struct Tally {
  std::map<std::string, int> by_system;
  std::map<std::string, int> by_server;
  std::vector<std::string> systems;  // in order
  int probes = 0;
  int none = 0;  // Pick returned nullopt
};

// Makes `n` connections at time `now`: Pick, then Sent and Accepted (the
// server takes it). Connections stay open (no Ended).
inline Tally Drive(DistributionEngine& engine, int n, TimePoint now = At(0), int first_key = 0) {
  Tally t;
  for (int i = 0; i < n; ++i) {
    std::optional<Choice> c = engine.Pick(KeyFor(first_key + i), now);
    if (!c) {
      ++t.none;
      continue;
    }
    ++t.by_system[c->system];
    ++t.by_server[c->server_id];
    t.systems.push_back(c->system);
    if (c->probe) ++t.probes;
    engine.Sent(c->server_id);
    engine.Accepted(c->server_id);
  }
  return t;
}

inline TargetRow RowOf(const DistributionEngine& engine, std::string_view id) {
  std::optional<TargetRow> row = engine.Row(id);
  EXPECT_TRUE(row.has_value()) << id;
  return row.value_or(TargetRow{});
}

}  // namespace drdaplex::distributor::testing
