// DecisionLog: decision counters and the ring of recent decisions.
#include "router/routing/decision_log.h"

#include <utility>

namespace drdaplex::router {

std::string_view ToString(RouteFailure failure) {
  switch (failure) {
    case RouteFailure::kNone:
      return "none";
    case RouteFailure::kUnknownAlias:
      return "unknown-alias";
    case RouteFailure::kNotRoutable:
      return "not-routable";
    case RouteFailure::kRejected:
      return "rejected";
    case RouteFailure::kExitFailed:
      return "exit-failed";
    case RouteFailure::kNotAuthorized:
      return "not-authorized";
  }
  return "unknown";
}

DecisionLog::DecisionLog(size_t history, size_t max_aliases)
    : history_limit_(history), max_aliases_(max_aliases) {}

void DecisionLog::Record(DecisionRecord record) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string alias = record.alias;
  if (!aliases_.count(alias)) {
    if (aliases_.size() < max_aliases_) {
      aliases_.insert(alias);
    } else {
      alias = kOtherAlias;
    }
  }
  if (record.failure == RouteFailure::kNone) {
    ++routed_[{alias, record.odbm, record.datastore}];
  } else {
    ++failed_[{alias, record.failure}];
  }
  if (history_limit_ == 0) return;
  if (history_.size() == history_limit_) history_.pop_front();
  history_.push_back(std::move(record));
}

std::vector<DecisionCount> DecisionLog::Counts() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<DecisionCount> out;
  for (const auto& [key, count] : routed_) {
    out.push_back(
        {std::get<0>(key), std::get<1>(key), std::get<2>(key), RouteFailure::kNone, count});
  }
  for (const auto& [key, count] : failed_) {
    out.push_back({key.first, "", "", key.second, count});
  }
  return out;
}

std::vector<DecisionRecord> DecisionLog::History() const {
  std::lock_guard<std::mutex> lock(mu_);
  return {history_.begin(), history_.end()};
}

}  // namespace drdaplex::router
