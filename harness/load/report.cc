#include "harness/load/report.h"

#include <fmt/format.h>

#include <array>
#include <fstream>

namespace drdaplex::load {

namespace {

constexpr std::array<SpreadBy, 4> kSpreads = {SpreadBy::kSystem, SpreadBy::kRouter, SpreadBy::kOdbm,
                                              SpreadBy::kDatastore};

double Percent(int64_t part, int64_t whole) { return whole > 0 ? 100.0 * part / whole : 0.0; }

std::string ConnectionMode(const BenchResult& r) {
  return r.options.connection_per_transaction ? "new connection per transaction" : "persistent (reconnect on loss)";
}

std::string LatencyLine(const char* what, const LatencyHistogram& h) {
  return fmt::format("{} = avg {:.3f}  p50 {:.3f}  p95 {:.3f}  p99 {:.3f}  max {:.3f} ms ({} samples)\n", what,
                     h.Mean() / 1000, h.Percentile(50) / 1000, h.Percentile(95) / 1000, h.Percentile(99) / 1000,
                     h.max() / 1000.0, h.count());
}

nlohmann::ordered_json HistogramJson(const LatencyHistogram& h) {
  return {{"count", h.count()},           {"avg_ms", h.Mean() / 1000},         {"min_ms", h.min() / 1000.0},
          {"p50_ms", h.Percentile(50) / 1000}, {"p90_ms", h.Percentile(90) / 1000}, {"p95_ms", h.Percentile(95) / 1000},
          {"p99_ms", h.Percentile(99) / 1000}, {"p999_ms", h.Percentile(99.9) / 1000}, {"max_ms", h.max() / 1000.0}};
}

nlohmann::ordered_json Optional(const std::optional<double>& v) { return v ? nlohmann::ordered_json(*v) : nullptr; }

}  // namespace

Throughput ComputeThroughput(const BenchResult& r) {
  Throughput t;
  if (r.elapsed_s <= 0) return t;
  t.tps = r.transactions / r.elapsed_s;
  t.setups_per_s = r.connection_setups / r.elapsed_s;
  const int clients = std::max(1, r.options.clients);
  const double running_s = r.elapsed_s - r.connect_seconds / clients;
  t.tps_without_connect = running_s > 0 ? r.transactions / running_s : 0;
  t.connect_time_matters = r.options.connection_per_transaction || r.connect_seconds / clients > 0.01 * r.elapsed_s;
  return t;
}

std::string TargetText(const BenchResult& r) {
  const Target& t = r.options.target;
  return fmt::format("{}:{} database {}", t.host, t.port, t.database.empty() ? "(blank)" : t.database);
}

std::array<int64_t, 4> LedgerCounts(const BenchResult& r) {
  std::array<int64_t, 4> counts{};
  for (const LedgerEntry& e : r.ledger) ++counts[static_cast<size_t>(e.outcome)];
  return counts;
}

std::string FormatReport(const BenchResult& r) {
  const Throughput t = ComputeThroughput(r);
  std::string out;
  out += fmt::format("transaction type: {}\n", r.workload);
  out += fmt::format("scaling factor: {}\n", r.options.scale);
  out += fmt::format("target: {}\n", TargetText(r));
  out += fmt::format("connection mode: {}\n", ConnectionMode(r));
  out += fmt::format("number of clients: {}\n", r.options.clients);
  if (r.options.rate) out += fmt::format("target rate: {:.1f} tx/s (Poisson schedule per client)\n", *r.options.rate);
  out += fmt::format("duration: {:.1f} s\n", r.elapsed_s);
  out += fmt::format("number of transactions actually processed: {}\n", r.transactions);
  out += fmt::format("number of failed transactions: {} ({:.3f} %)\n", r.failed_transactions,
                     Percent(r.failed_transactions, r.transactions + r.failed_transactions));
  out += LatencyLine("latency", r.latency_us);
  if (r.options.rate) {
    out += fmt::format("rate limit schedule lag: avg {:.3f} (max {:.3f}) ms\n", r.lag_us.Mean() / 1000,
                       r.lag_us.max() / 1000.0);
  }
  out += fmt::format("connection setups: {} ({:.1f}/s), failed connects: {}\n", r.connection_setups, t.setups_per_s,
                     r.connect_failures);
  out += LatencyLine("connection setup", r.setup_us);
  out += LatencyLine("landing probe", r.identify_us);
  if (t.connect_time_matters) {
    out += fmt::format("tps = {:.1f} (including connections establishing)\n", t.tps);
    out += fmt::format("tps = {:.1f} (excluding connections establishing)\n", t.tps_without_connect);
  } else {
    out += fmt::format("tps = {:.1f} (connection setup time {:.3f} s per client, negligible)\n", t.tps,
                       r.connect_seconds / std::max(1, r.options.clients));
  }
  if (r.scripts.size() > 1) {
    out += "scripts:\n";
    for (const ScriptStats& s : r.scripts) {
      out += fmt::format("  {:<24} weight {:>3}  {:>9} tx ({:5.1f} %)  {:>6} failed\n", s.name, s.weight,
                         s.transactions, Percent(s.transactions, r.transactions), s.failures);
    }
  }
  out += r.errors.empty() ? "errors: none\n" : "errors:\n";
  for (const ErrorCount& e : r.errors) {
    out += fmt::format("  {:<6} {:<28} {:<12} {:>9}\n", e.sqlstate, e.name, e.phase, e.count);
  }
  out += "spread:\n";
  for (SpreadBy by : kSpreads) {
    for (const SpreadRow& row : Spread(r, by)) {
      out += fmt::format("  {:<10} {:<12} connections {:>7} ({:5.1f} %)  transactions {:>9} ({:5.1f} %)\n",
                         SpreadByName(by), row.key, row.connections,
                         Percent(row.connections, static_cast<int64_t>(r.connections.size())), row.transactions,
                         Percent(row.transactions, r.transactions));
    }
  }
  if (!r.outages.empty()) {
    double total = 0, longest = 0;
    int64_t open = 0;
    for (const Outage& o : r.outages) {
      if (!o.recovered_s) ++open;
      const double span = o.recovered_s.value_or(r.elapsed_s) - o.failed_s;
      total += span;
      longest = std::max(longest, span);
    }
    out += fmt::format("outages: {} ({} not recovered), {:.3f} client-seconds, longest {:.3f} s\n", r.outages.size(),
                       open, total, longest);
  }
  if (!r.ledger.empty()) {
    const auto c = LedgerCounts(r);
    out += fmt::format("ledger (run {}): committed {}, rolled back {}, aborted {}, in doubt {}\n", r.ledger_run, c[0],
                       c[1], c[2], c[3]);
  }
  for (const Mark& m : r.marks) out += fmt::format("mark at {:.3f} s: {}\n", m.at_s, m.label);
  return out;
}

nlohmann::ordered_json ToJson(const BenchResult& r) {
  using json = nlohmann::ordered_json;
  const Throughput t = ComputeThroughput(r);
  json j;
  j["workload"] = r.workload;
  j["scale"] = r.options.scale;
  j["target"] = {{"host", r.options.target.host},
                 {"port", r.options.target.port},
                 {"database", r.options.target.database},
                 {"user", r.options.target.user}};
  j["clients"] = r.options.clients;
  j["connection_mode"] = r.options.connection_per_transaction ? "per-transaction" : "persistent";
  j["rate"] = r.options.rate ? json(*r.options.rate) : json(nullptr);
  j["duration_s"] = r.elapsed_s;
  j["transactions"] = r.transactions;
  j["failed_transactions"] = r.failed_transactions;
  j["tps"] = t.tps;
  j["tps_excluding_connections"] = t.tps_without_connect;
  j["connection_setups"] = r.connection_setups;
  j["connection_setups_per_s"] = t.setups_per_s;
  j["connect_failures"] = r.connect_failures;
  j["connect_seconds"] = r.connect_seconds;
  j["latency"] = HistogramJson(r.latency_us);
  j["connection_setup"] = HistogramJson(r.setup_us);
  j["landing_probe"] = HistogramJson(r.identify_us);
  if (r.options.rate) j["schedule_lag"] = HistogramJson(r.lag_us);
  j["errors"] = json::array();
  for (const ErrorCount& e : r.errors) {
    j["errors"].push_back({{"sqlstate", e.sqlstate}, {"name", e.name}, {"phase", e.phase}, {"count", e.count}});
  }
  j["scripts"] = json::array();
  for (const ScriptStats& s : r.scripts) {
    j["scripts"].push_back(
        {{"name", s.name}, {"weight", s.weight}, {"transactions", s.transactions}, {"failures", s.failures}});
  }
  json spread = json::object();
  for (SpreadBy by : kSpreads) {
    json rows = json::array();
    for (const SpreadRow& row : Spread(r, by)) {
      rows.push_back({{"name", row.key},
                      {"connections", row.connections},
                      {"connections_pct", Percent(row.connections, static_cast<int64_t>(r.connections.size()))},
                      {"transactions", row.transactions},
                      {"transactions_pct", Percent(row.transactions, r.transactions)}});
    }
    spread[SpreadByName(by)] = rows;
  }
  j["spread"] = spread;
  j["landings"] = json::array();
  for (const Landing& l : r.landings) {
    j["landings"].push_back(
        {{"system", l.system}, {"router", l.router}, {"odbm", l.odbm}, {"datastore", l.datastore}});
  }
  j["timeline"] = json::array();
  for (const TimelinePoint& p : r.timeline) {
    j["timeline"].push_back({{"end_s", p.end_s},
                             {"span_s", p.span_s},
                             {"transactions", p.transactions},
                             {"setups", p.setups},
                             {"errors", p.errors},
                             {"open_connections", p.open_connections},
                             {"p50_ms", p.p50_ms},
                             {"p99_ms", p.p99_ms},
                             {"landing_transactions", p.landing_transactions}});
  }
  j["connections"] = json::array();
  for (const ConnectionRecord& c : r.connections) {
    j["connections"].push_back({{"client", c.client},
                                {"opened_s", c.opened_s},
                                {"closed_s", Optional(c.closed_s)},
                                {"system", c.system},
                                {"router", c.router},
                                {"odbm", c.odbm},
                                {"datastore", c.datastore},
                                {"end", c.end},
                                {"setup_ms", c.setup_ms},
                                {"identify_ms", c.identify_ms},
                                {"transactions", c.transactions}});
  }
  j["outages"] = json::array();
  for (const Outage& o : r.outages) {
    j["outages"].push_back(
        {{"client", o.client}, {"failed_s", o.failed_s}, {"recovered_s", Optional(o.recovered_s)}, {"error", o.error}});
  }
  j["marks"] = json::array();
  for (const Mark& m : r.marks) j["marks"].push_back({{"at_s", m.at_s}, {"label", m.label}});
  const auto c = LedgerCounts(r);
  j["ledger"] = {{"run", r.ledger_run},
                 {"entries", r.ledger.size()},
                 {"committed", c[0]},
                 {"rolled_back", c[1]},
                 {"aborted", c[2]},
                 {"in_doubt", c[3]}};
  return j;
}

bool WriteLedgerIds(const BenchResult& r, const std::filesystem::path& path, std::string* error) {
  std::ofstream out(path, std::ios::trunc);
  for (const LedgerEntry& e : r.ledger) out << e.id << '\t' << LedgerOutcomeName(e.outcome) << '\t' << e.datastore << '\n';
  out.close();
  if (!out) {
    *error = "cannot write " + path.string();
    return false;
  }
  return true;
}

}  // namespace drdaplex::load
