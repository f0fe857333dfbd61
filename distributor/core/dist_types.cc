// Method names and the range checks of the decision core's inputs.
#include "distributor/core/dist_types.h"

#include <fmt/format.h>

namespace drdaplex::distributor {
namespace {

std::string Upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

}  // namespace

std::string_view DistMethodName(DistMethod method) {
  switch (method) {
    case DistMethod::kRoundRobin: return "ROUNDROBIN";
    case DistMethod::kBaseWlm: return "BASEWLM";
    case DistMethod::kServerWlm: return "SERVERWLM";
    case DistMethod::kWeightedActive: return "WEIGHTEDACTIVE";
    case DistMethod::kHotStandby: return "HOTSTANDBY";
  }
  return "?";
}

std::optional<DistMethod> ParseDistMethod(std::string_view text) {
  const std::string word = Upper(text);
  if (word == "ROUNDROBIN") return DistMethod::kRoundRobin;
  if (word == "BASEWLM") return DistMethod::kBaseWlm;
  if (word == "SERVERWLM") return DistMethod::kServerWlm;
  if (word == "HOTSTANDBY") return DistMethod::kHotStandby;
  constexpr std::string_view kWeighted = "WEIGHTEDACTIVE";
  if (word.size() >= 9 && kWeighted.starts_with(word)) return DistMethod::kWeightedActive;
  return std::nullopt;
}

std::optional<std::string> CheckServer(const TargetServer& server) {
  if (server.id.empty()) return "a server needs an id";
  if (server.system.empty()) return fmt::format("server {} names no system", server.id);
  if (server.health < 0 || server.health > 100) {
    return fmt::format("server {}: health {} is out of range 0..100", server.id, server.health);
  }
  if (server.server_weight < kNoWeight || server.server_weight > kMaxWlmWeight) {
    return fmt::format("server {}: server weight {} is out of range 0..{} (or -1 for none)",
                       server.id, server.server_weight, kMaxWlmWeight);
  }
  return std::nullopt;
}

std::optional<std::string> CheckSystem(const TargetSystem& system) {
  if (system.name.empty()) return "a system needs a name";
  if (system.system_weight < kNoWeight || system.system_weight > kMaxWlmWeight) {
    return fmt::format("system {}: system weight {} is out of range 0..{} (or -1 for none)",
                       system.name, system.system_weight, kMaxWlmWeight);
  }
  if (system.configured_weight < kMinConfiguredWeight ||
      system.configured_weight > kMaxConfiguredWeight) {
    return fmt::format("system {}: WEIGHT {} is out of range {}..{}", system.name,
                       system.configured_weight, kMinConfiguredWeight, kMaxConfiguredWeight);
  }
  if (system.role == HotStandbyRole::kBackup &&
      (system.backup_rank < 1 || system.backup_rank > kMaxBackupRank)) {
    return fmt::format("system {}: BACKUP rank {} is out of range 1..{}", system.name,
                       system.backup_rank, kMaxBackupRank);
  }
  return std::nullopt;
}

std::optional<std::string> CheckPolicy(const DistributorPolicy& policy) {
  if (policy.tsr_interval.count() <= 0) {
    return fmt::format("TSR interval {} ms must be positive", policy.tsr_interval.count());
  }
  if (policy.probe_interval.count() < 0) {
    return fmt::format("probe interval {} ms must not be negative",
                       policy.probe_interval.count());
  }
  return std::nullopt;
}

}  // namespace drdaplex::distributor
