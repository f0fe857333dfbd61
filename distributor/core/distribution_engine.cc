// The distributor's per-connection decision (see distribution_engine.h for
// the arithmetic and why).
#include "distributor/core/distribution_engine.h"

#include <algorithm>
#include <numeric>

#include "distributor/core/shareport_hash.h"

namespace drdaplex::distributor {

// One system as the methods see it at one moment.
struct DistributionEngine::SystemView {
  TargetSystem config;
  std::vector<const ServerState*> servers;  // all of them, by id
  std::vector<const ServerState*> usable;   // may take regular connections
  int tsr = 0;     // mean over ready servers
  int health = 0;  // mean over ready servers
  uint64_t active = 0;  // over all its servers
};

// The system-level weights of one moment, in view order.
struct DistributionEngine::GroupWeights {
  std::string flag;
  std::vector<int64_t> weight;  // 0 = gets nothing
  std::vector<int> shown;       // for the display
};

namespace {

int Clamp(int value, int low, int high) { return std::clamp(value, low, high); }

void ClampServer(TargetServer& s) {
  s.health = Clamp(s.health, 0, 100);
  s.server_weight = Clamp(s.server_weight, kNoWeight, kMaxWlmWeight);
}

void ClampSystem(TargetSystem& s) {
  s.system_weight = Clamp(s.system_weight, kNoWeight, kMaxWlmWeight);
  s.configured_weight = Clamp(s.configured_weight, kMinConfiguredWeight, kMaxConfiguredWeight);
  s.backup_rank = Clamp(s.backup_rank, 0, kMaxBackupRank);
}

// Positive weights divided by their greatest common divisor.
std::vector<int> Normalised(const std::vector<int64_t>& weights) {
  int64_t divisor = 0;
  for (int64_t w : weights) {
    if (w > 0) divisor = std::gcd(divisor, w);
  }
  std::vector<int> shown;
  shown.reserve(weights.size());
  for (int64_t w : weights) shown.push_back(w > 0 ? static_cast<int>(w / divisor) : 0);
  return shown;
}

// Every available system at 0 while some are available: all get 1.
void ForceRoundRobinIfAllZero(std::vector<int64_t>& weights, const std::vector<bool>& available) {
  const bool any_available = std::find(available.begin(), available.end(), true) != available.end();
  const bool all_zero =
      std::all_of(weights.begin(), weights.end(), [](int64_t w) { return w <= 0; });
  if (!any_available || !all_zero) return;
  for (size_t i = 0; i < weights.size(); ++i) weights[i] = available[i] ? 1 : 0;
}

}  // namespace

DistributionEngine::DistributionEngine(DistributorPolicy policy)
    : policy_(policy), standby_(policy.autoswitchback) {
  if (policy_.tsr_interval.count() <= 0) policy_.tsr_interval = std::chrono::milliseconds(1);
  if (policy_.probe_interval.count() <= 0) policy_.probe_interval = policy_.tsr_interval;
}

// ---- inputs ----------------------------------------------------------------

void DistributionEngine::SetSystems(std::vector<TargetSystem> systems) {
  systems_.clear();
  for (TargetSystem& s : systems) {
    if (s.name.empty()) continue;
    ClampSystem(s);
    std::string name = s.name;
    systems_.insert_or_assign(std::move(name), std::move(s));
  }
  UpdateStandby();
}

void DistributionEngine::SetSystemWeight(std::string_view system, int weight) {
  if (system.empty()) return;
  auto it = systems_.find(system);
  if (it == systems_.end()) {
    TargetSystem fresh;
    fresh.name = std::string(system);
    it = systems_.emplace(fresh.name, fresh).first;
  }
  it->second.system_weight = Clamp(weight, kNoWeight, kMaxWlmWeight);
  UpdateStandby();
}

bool DistributionEngine::UpsertServer(TargetServer server) {
  if (server.id.empty() || server.system.empty()) return false;
  ClampServer(server);
  if (ServerState* known = Find(server.id)) {
    known->info.system = std::move(server.system);
    known->info.ready = server.ready;
    known->info.health = server.health;
    known->info.server_weight = server.server_weight;
  } else {
    std::string id = server.id;
    servers_.emplace(std::move(id), ServerState{std::move(server), TsrMeter{}});
  }
  UpdateStandby();
  return true;
}

bool DistributionEngine::RemoveServer(std::string_view id) {
  auto it = servers_.find(id);
  if (it == servers_.end()) return false;
  const std::string system = it->second.info.system;
  servers_.erase(it);
  const bool system_left = std::none_of(servers_.begin(), servers_.end(), [&](const auto& e) {
    return e.second.info.system == system;
  });
  // Keeps server_wrr_ bounded by the systems that have servers.
  if (system_left) server_wrr_.erase(system);
  UpdateStandby();
  return true;
}

bool DistributionEngine::SetServerReady(std::string_view id, bool ready) {
  ServerState* s = Find(id);
  if (!s) return false;
  s->info.ready = ready;
  UpdateStandby();
  return true;
}

bool DistributionEngine::SetHealth(std::string_view id, int health) {
  ServerState* s = Find(id);
  if (!s) return false;
  s->info.health = Clamp(health, 0, 100);
  UpdateStandby();
  return true;
}

bool DistributionEngine::SetServerWeight(std::string_view id, int weight) {
  ServerState* s = Find(id);
  if (!s) return false;
  s->info.server_weight = Clamp(weight, kNoWeight, kMaxWlmWeight);
  return true;
}

bool DistributionEngine::Sent(std::string_view id) {
  ServerState* s = Find(id);
  if (!s) return false;
  s->tsr.Sent();
  ++s->info.active;
  ++s->info.total;
  return true;
}

bool DistributionEngine::Accepted(std::string_view id) {
  ServerState* s = Find(id);
  if (!s) return false;
  s->tsr.Accepted();
  return true;
}

bool DistributionEngine::Failed(std::string_view id) {
  ServerState* s = Find(id);
  if (!s) return false;
  s->tsr.Failed();
  if (s->info.active > 0) --s->info.active;
  return true;
}

bool DistributionEngine::Ended(std::string_view id) {
  ServerState* s = Find(id);
  if (!s) return false;
  if (s->info.active > 0) --s->info.active;
  return true;
}

void DistributionEngine::StartClock(TimePoint now) {
  if (!interval_start_) interval_start_ = now;
}

bool DistributionEngine::Tick(TimePoint now) {
  if (!interval_start_) {
    interval_start_ = now;
    return false;
  }
  if (now - *interval_start_ < policy_.tsr_interval) return false;
  for (auto& [id, s] : servers_) s.tsr.CloseInterval(now);
  interval_start_ = now;
  UpdateStandby();
  return true;
}

// ---- views and weights -----------------------------------------------------

DistributionEngine::ServerState* DistributionEngine::Find(std::string_view id) {
  auto it = servers_.find(id);
  return it == servers_.end() ? nullptr : &it->second;
}

TargetSystem DistributionEngine::SystemConfig(const std::string& name) const {
  if (auto it = systems_.find(name); it != systems_.end()) return it->second;
  TargetSystem defaults;
  defaults.name = name;
  return defaults;
}

// TSR keeps a server from regular connections except under HOTSTANDBY with
// NOHEALTHSWITCH, which switches on unavailability only.
bool DistributionEngine::TsrGates() const {
  return policy_.method != DistMethod::kHotStandby || policy_.healthswitch;
}

// Ready, on a system that is a target (DESTIP).
bool DistributionEngine::OnTarget(const ServerState& s) const {
  return s.info.ready && (policy_.all_systems || systems_.contains(s.info.system));
}

bool DistributionEngine::Usable(const ServerState& s) const {
  if (!OnTarget(s)) return false;
  if (TsrGates() && s.tsr.tsr() == 0) return false;
  if (policy_.method == DistMethod::kHotStandby && policy_.healthswitch && s.info.health == 0) {
    return false;
  }
  return true;
}

std::vector<DistributionEngine::SystemView> DistributionEngine::BuildViews() const {
  // A sysplex has a handful of systems (z/OS: at most 32), so a linear
  // search beats a map's allocations.
  // servers_ is ordered by id, so each view's servers are too.
  std::vector<SystemView> views;
  for (const auto& [id, s] : servers_) {
    auto it = std::find_if(views.begin(), views.end(), [&](const SystemView& v) {
      return v.config.name == s.info.system;
    });
    if (it == views.end()) {
      views.emplace_back();
      it = views.end() - 1;
      it->config = SystemConfig(s.info.system);
    }
    it->servers.push_back(&s);
  }
  std::sort(views.begin(), views.end(), [](const SystemView& a, const SystemView& b) {
    return a.config.name < b.config.name;
  });
  for (SystemView& view : views) {
    int ready = 0;
    int tsr_sum = 0;
    int health_sum = 0;
    for (const ServerState* s : view.servers) {
      view.active += s->info.active;
      if (Usable(*s)) view.usable.push_back(s);
      if (!s->info.ready) continue;
      ++ready;
      tsr_sum += s->tsr.tsr();
      health_sum += s->info.health;
    }
    if (ready > 0) {
      view.tsr = tsr_sum / ready;
      view.health = health_sum / ready;
    }
  }
  return views;
}

DistributionEngine::GroupWeights DistributionEngine::SystemWeightsOrRoundRobin(
    const std::vector<SystemView>& views, const char* flag) const {
  GroupWeights out;
  std::vector<bool> available;
  bool all_have_weights = true;
  for (const SystemView& v : views) {
    available.push_back(!v.usable.empty());
    if (!v.usable.empty() && v.config.system_weight == kNoWeight) all_have_weights = false;
  }
  if (!all_have_weights) {
    out.flag = "R*";
    for (bool a : available) out.weight.push_back(a ? 1 : 0);
  } else {
    out.flag = flag;
    for (size_t i = 0; i < views.size(); ++i) {
      out.weight.push_back(available[i]
                               ? int64_t{views[i].config.system_weight} * views[i].tsr
                               : 0);
    }
    ForceRoundRobinIfAllZero(out.weight, available);
  }
  out.shown = Normalised(out.weight);
  return out;
}

DistributionEngine::GroupWeights DistributionEngine::ComputeWeights(
    const std::vector<SystemView>& views) const {
  GroupWeights out;
  switch (policy_.method) {
    case DistMethod::kRoundRobin:
      out.flag = "-";
      for (const SystemView& v : views) out.weight.push_back(v.usable.empty() ? 0 : 1);
      out.shown.assign(out.weight.begin(), out.weight.end());
      return out;

    case DistMethod::kBaseWlm:
      return SystemWeightsOrRoundRobin(views, "B");

    case DistMethod::kServerWlm: {
      for (const SystemView& v : views) {
        for (const ServerState* s : v.servers) {
          if (s->info.ready && s->info.server_weight == kNoWeight) {
            return SystemWeightsOrRoundRobin(views, "B*");
          }
        }
      }
      out.flag = "S";
      std::vector<bool> available;
      for (const SystemView& v : views) {
        int64_t sum = 0;
        for (const ServerState* s : v.usable) {
          sum += int64_t{s->info.server_weight} * s->tsr.tsr();
        }
        out.weight.push_back(sum);
        available.push_back(!v.usable.empty());
      }
      ForceRoundRobinIfAllZero(out.weight, available);
      out.shown = Normalised(out.weight);
      return out;
    }

    case DistMethod::kWeightedActive:
      out.flag = "W";
      for (const SystemView& v : views) {
        if (v.usable.empty()) {
          out.weight.push_back(0);
          continue;
        }
        const int64_t scaled = int64_t{v.config.configured_weight} * v.health * v.tsr;
        out.weight.push_back(std::max<int64_t>(1, (scaled + 5000) / 10000));
      }
      out.shown.assign(out.weight.begin(), out.weight.end());
      return out;

    case DistMethod::kHotStandby: {
      const std::optional<std::string>& active = standby_.active();
      for (const SystemView& v : views) {
        out.weight.push_back(active && *active == v.config.name ? 1 : 0);
      }
      out.shown.assign(out.weight.begin(), out.weight.end());
      return out;  // flags are per system, see Rows
    }
  }
  return out;
}

void DistributionEngine::UpdateStandby() {
  if (policy_.method != DistMethod::kHotStandby) return;
  UpdateStandby(BuildViews());
}

void DistributionEngine::UpdateStandby(const std::vector<SystemView>& views) {
  if (policy_.method != DistMethod::kHotStandby) return;
  std::vector<StandbyCandidate> candidates;
  candidates.reserve(views.size());
  for (const SystemView& v : views) {
    candidates.push_back({v.config.name, v.config.role, v.config.backup_rank, !v.usable.empty()});
  }
  standby_.Update(candidates);
}

// ---- the decision ----------------------------------------------------------

std::optional<Choice> DistributionEngine::PickProbe(TimePoint now) {
  for (auto& [id, s] : servers_) {
    if (!OnTarget(s) || !s.tsr.ProbeDue(now)) continue;
    s.tsr.ProbeSent(now, policy_.probe_interval);
    return Choice{s.info.system, id, /*probe=*/true};
  }
  return std::nullopt;
}

std::optional<size_t> DistributionEngine::PickWeightedActive(const std::vector<SystemView>& views,
                                                             const GroupWeights& weights) {
  // argmin (active + 1) / w; a/b < c/d  <=>  a*d < c*b for positive b, d.
  std::vector<size_t> tied;
  for (size_t i = 0; i < views.size(); ++i) {
    if (weights.weight[i] <= 0) continue;
    if (tied.empty()) {
      tied.push_back(i);
      continue;
    }
    const size_t j = tied.front();
    const unsigned __int128 mine =
        static_cast<unsigned __int128>(views[i].active + 1) * weights.weight[j];
    const unsigned __int128 best =
        static_cast<unsigned __int128>(views[j].active + 1) * weights.weight[i];
    if (mine < best) {
      tied.assign(1, i);
    } else if (mine == best) {
      tied.push_back(i);
    }
  }
  if (tied.empty()) return std::nullopt;
  // In turn among the tied: the first after the last chosen (views are by
  // name), wrapping around.
  size_t pick = tied.front();
  for (size_t i : tied) {
    if (views[i].config.name > last_weighted_active_) {
      pick = i;
      break;
    }
  }
  last_weighted_active_ = views[pick].config.name;
  return pick;
}

const DistributionEngine::ServerState* DistributionEngine::PickInSystem(const SystemView& view,
                                                                        const ClientKey& key) {
  if (view.usable.empty()) return nullptr;
  if (!policy_.shareport_wlm) {
    std::vector<std::string_view> ids;
    ids.reserve(view.usable.size());
    for (const ServerState* s : view.usable) ids.emplace_back(s->info.id);
    const std::optional<size_t> i = PickByHash(key, ids);
    return i ? view.usable[*i] : nullptr;
  }
  std::vector<WrrCandidate> candidates;
  candidates.reserve(view.usable.size());
  bool any_positive = false;
  for (const ServerState* s : view.usable) {
    const int64_t base = s->info.server_weight == kNoWeight ? 1 : s->info.server_weight;
    const int64_t w = base * s->tsr.tsr();
    any_positive = any_positive || w > 0;
    candidates.push_back({s->info.id, w});
  }
  if (!any_positive) {
    for (WrrCandidate& c : candidates) c.weight = 1;
  }
  const std::optional<size_t> i = server_wrr_[view.config.name].Pick(candidates);
  return i ? view.usable[*i] : nullptr;
}

std::optional<Choice> DistributionEngine::Pick(const ClientKey& key, TimePoint now) {
  StartClock(now);
  if (TsrGates()) {
    if (std::optional<Choice> probe = PickProbe(now)) return probe;
  }
  const std::vector<SystemView> views = BuildViews();
  std::optional<size_t> chosen;
  if (policy_.method == DistMethod::kHotStandby) {
    UpdateStandby(views);
    if (const auto& active = standby_.active()) {
      for (size_t i = 0; i < views.size(); ++i) {
        if (views[i].config.name == *active) chosen = i;
      }
    }
  } else {
    const GroupWeights weights = ComputeWeights(views);
    if (policy_.method == DistMethod::kWeightedActive) {
      chosen = PickWeightedActive(views, weights);
    } else {
      std::vector<WrrCandidate> candidates;
      candidates.reserve(views.size());
      for (size_t i = 0; i < views.size(); ++i) {
        candidates.push_back({views[i].config.name, weights.weight[i]});
      }
      chosen = system_wrr_.Pick(candidates);
    }
  }
  if (!chosen) return std::nullopt;
  const ServerState* server = PickInSystem(views[*chosen], key);
  if (!server) return std::nullopt;
  return Choice{server->info.system, server->info.id, /*probe=*/false};
}

// ---- display -----------------------------------------------------------------

std::vector<TargetRow> DistributionEngine::Rows() const {
  const std::vector<SystemView> views = BuildViews();
  const GroupWeights weights = ComputeWeights(views);
  const std::optional<std::string>& active = standby_.active();
  std::vector<TargetRow> rows;
  rows.reserve(servers_.size());
  for (size_t i = 0; i < views.size(); ++i) {
    const SystemView& v = views[i];
    std::string flag = weights.flag;
    if (policy_.method == DistMethod::kHotStandby) {
      if (active && *active == v.config.name) {
        flag = "A";
      } else {
        flag = v.config.role == HotStandbyRole::kPreferred ? "P" : "B";
      }
    }
    for (const ServerState* s : v.servers) {
      TargetRow row;
      row.system = v.config.name;
      row.server_id = s->info.id;
      row.method = std::string(DistMethodName(policy_.method));
      row.weight = weights.shown[i];
      row.flag = flag;
      row.backup_rank = v.config.role == HotStandbyRole::kBackup ? v.config.backup_rank : 0;
      row.system_weight = v.config.system_weight;
      row.server_weight = s->info.server_weight;
      row.tsr = s->tsr.tsr();
      row.health = s->info.health;
      row.ready = s->info.ready;
      row.active = s->info.active;
      row.total = s->info.total;
      row.probes = s->tsr.probes();
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

std::optional<TargetRow> DistributionEngine::Row(std::string_view id) const {
  for (TargetRow& row : Rows()) {
    if (row.server_id == id) return std::move(row);
  }
  return std::nullopt;
}

std::optional<std::string> DistributionEngine::ActiveHotStandbySystem() const {
  if (policy_.method != DistMethod::kHotStandby) return std::nullopt;
  return standby_.active();
}

}  // namespace drdaplex::distributor
