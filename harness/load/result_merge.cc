#include "harness/load/result_merge.h"

#include <algorithm>
#include <map>

namespace drdaplex::load {

BenchResult MergeRecordings(RunRecordings in) {
  BenchResult r;
  r.options = *in.options;
  r.workload = in.mix->Describe();
  r.elapsed_s = in.elapsed_s;
  r.ledger_run = in.ledger_run;
  r.landings = std::move(in.landings);
  r.timeline = std::move(in.timeline);
  r.marks = std::move(in.marks);
  std::sort(r.marks.begin(), r.marks.end(), [](const Mark& a, const Mark& b) { return a.at_s < b.at_s; });
  r.landing_transactions.assign(r.landings.size(), 0);
  for (const WorkloadEntry& e : in.mix->entries()) r.scripts.push_back({e.name, e.weight, 0, 0});

  std::map<std::pair<std::string, std::string>, int64_t> errors;
  for (size_t c = 0; c < in.live->size(); ++c) {
    const ClientLive& live = (*in.live)[c];
    ClientLog& log = (*in.logs)[c];
    live.latency_us.AddAllTo(r.latency_us);
    r.transactions += live.transactions.load();
    r.connection_setups += live.setups.load();
    for (size_t l = 0; l < r.landings.size() && l < kMaxLandings; ++l) {
      r.landing_transactions[l] += live.landing_transactions[l].load();
    }
    r.setup_us.Merge(log.setup_us);
    r.identify_us.Merge(log.identify_us);
    r.lag_us.Merge(log.lag_us);
    r.connect_seconds += log.connect_seconds;
    r.failed_transactions += log.failed_transactions;
    r.connect_failures += log.connect_failures;
    for (const auto& [key, count] : log.errors) errors[key] += count;
    for (size_t e = 0; e < r.scripts.size(); ++e) {
      r.scripts[e].transactions += log.entry_transactions[e];
      r.scripts[e].failures += log.entry_failures[e];
    }
    std::move(log.connections.begin(), log.connections.end(), std::back_inserter(r.connections));
    std::move(log.outages.begin(), log.outages.end(), std::back_inserter(r.outages));
    std::move(log.ledger.begin(), log.ledger.end(), std::back_inserter(r.ledger));
  }
  for (const auto& [key, count] : errors) {
    r.errors.push_back({key.second, SqlStateName(key.second), key.first, count});
  }
  std::sort(r.errors.begin(), r.errors.end(), [](const ErrorCount& a, const ErrorCount& b) { return a.count > b.count; });
  std::sort(r.connections.begin(), r.connections.end(),
            [](const ConnectionRecord& a, const ConnectionRecord& b) { return a.opened_s < b.opened_s; });
  std::sort(r.outages.begin(), r.outages.end(), [](const Outage& a, const Outage& b) { return a.failed_s < b.failed_s; });
  std::sort(r.ledger.begin(), r.ledger.end(), [](const LedgerEntry& a, const LedgerEntry& b) { return a.id < b.id; });
  return r;
}

}  // namespace drdaplex::load
