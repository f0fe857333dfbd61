// OperatorStops: router-side STOP/START state by name.
#include "router/routing/operator_stops.h"

namespace drdaplex::router {

void OperatorStops::StopAlias(const std::string& alias, const std::vector<std::string>& odbms) {
  AliasStop& stop = aliases_[alias];
  if (odbms.empty()) {
    stop = AliasStop();
    stop.all = true;
    return;
  }
  for (const std::string& odbm : odbms) {
    if (stop.all) {
      stop.started.erase(odbm);
    } else {
      stop.stopped.insert(odbm);
    }
  }
}

void OperatorStops::StartAlias(const std::string& alias, const std::vector<std::string>& odbms) {
  auto it = aliases_.find(alias);
  if (it == aliases_.end()) return;
  if (odbms.empty()) {
    aliases_.erase(it);
    return;
  }
  AliasStop& stop = it->second;
  for (const std::string& odbm : odbms) {
    if (stop.all) {
      stop.started.insert(odbm);
    } else {
      stop.stopped.erase(odbm);
    }
  }
  if (!stop.all && stop.stopped.empty()) aliases_.erase(it);
}

bool OperatorStops::AliasStopped(const std::string& alias, const std::string& odbm) const {
  auto it = aliases_.find(alias);
  if (it == aliases_.end()) return false;
  const AliasStop& stop = it->second;
  return stop.all ? stop.started.count(odbm) == 0 : stop.stopped.count(odbm) > 0;
}

std::vector<std::string> OperatorStops::StoppedAliasNames() const {
  std::vector<std::string> names;
  for (const auto& [name, stop] : aliases_) names.push_back(name);
  return names;
}

std::vector<std::string> OperatorStops::AliasStopScope(const std::string& alias) const {
  auto it = aliases_.find(alias);
  if (it == aliases_.end()) return {};
  const AliasStop& stop = it->second;
  if (!stop.all) return {stop.stopped.begin(), stop.stopped.end()};
  std::vector<std::string> scope{"*"};
  for (const std::string& odbm : stop.started) scope.push_back("-" + odbm);
  return scope;
}

}  // namespace drdaplex::router
