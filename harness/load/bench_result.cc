#include "harness/load/bench_result.h"

#include <map>

namespace drdaplex::load {

const char* LedgerOutcomeName(LedgerOutcome outcome) {
  switch (outcome) {
    case LedgerOutcome::kCommitted: return "committed";
    case LedgerOutcome::kRolledBack: return "rolled-back";
    case LedgerOutcome::kAborted: return "aborted";
    case LedgerOutcome::kInDoubt: return "in-doubt";
  }
  return "?";
}

const char* SpreadByName(SpreadBy by) {
  switch (by) {
    case SpreadBy::kSystem: return "system";
    case SpreadBy::kRouter: return "router";
    case SpreadBy::kOdbm: return "odbm";
    case SpreadBy::kDatastore: return "datastore";
  }
  return "?";
}

std::string SpreadKey(const Landing& landing, SpreadBy by) {
  const std::string* key = nullptr;
  switch (by) {
    case SpreadBy::kSystem: key = &landing.system; break;
    case SpreadBy::kRouter: key = &landing.router; break;
    case SpreadBy::kOdbm: key = &landing.odbm; break;
    case SpreadBy::kDatastore: key = &landing.datastore; break;
  }
  return key->empty() ? "(none)" : *key;
}

std::vector<SpreadRow> Spread(const BenchResult& result, SpreadBy by) {
  std::map<std::string, SpreadRow> rows;
  for (const ConnectionRecord& c : result.connections) {
    const std::string key = SpreadKey({c.system, c.router, c.odbm, c.datastore}, by);
    rows[key].key = key;
    ++rows[key].connections;
  }
  for (size_t i = 0; i < result.landings.size() && i < result.landing_transactions.size(); ++i) {
    const std::string key = SpreadKey(result.landings[i], by);
    rows[key].key = key;
    rows[key].transactions += result.landing_transactions[i];
  }
  std::vector<SpreadRow> out;
  for (auto& [key, row] : rows) out.push_back(row);
  return out;
}

std::string SqlStateName(const std::string& sqlstate) {
  static const std::map<std::string, std::string> names = {
      {"08001", "cannot connect"},      {"08003", "connection closed"},   {"08004", "connection refused"},
      {"08006", "connection lost"},     {"58009", "protocol error / ODBM lost"},
      {"40001", "serialization failure"}, {"40XL1", "lock timeout"},    {"40XL2", "lock timeout"},
      {"23505", "duplicate key"},       {"23502", "null value"},          {"42X05", "no such table"},
      {"42X04", "no such column"},      {"42X01", "syntax error"},        {"22001", "value too long"},
      {"22018", "bad conversion"},      {"07000", "parameter not bound"}, {"57017", "no such database"},
      {"script", "script error"},
  };
  auto it = names.find(sqlstate);
  if (it != names.end()) return it->second;
  if (sqlstate.starts_with("08")) return "connection error";
  if (sqlstate.starts_with("40")) return "transaction rollback";
  if (sqlstate.starts_with("58")) return "system error";
  return "error";
}

}  // namespace drdaplex::load
