#include "harness/faults/scenario_runner.h"

#include <algorithm>
#include <map>
#include <memory>

#include <fmt/format.h>

namespace drdaplex::faults {
namespace {

using Json = nlohmann::json;

const Json& Members(const Json& plex) {
  static const Json kNone = Json::array();
  auto it = plex.find("members");
  return it != plex.end() && it->is_array() ? *it : kNone;
}

std::map<std::string, std::string> StatesOf(const Json& plex) {
  std::map<std::string, std::string> states;
  for (const Json& member : Members(plex)) {
    states[member.value("name", "")] = member.value("state", "");
  }
  return states;
}

load::BenchOptions OptionsFor(const LoadSpec& spec, const load::PlexView& plex, bool progress) {
  load::BenchOptions options;
  options.target.host = plex.entry_host;
  options.target.port = plex.entry_port;
  options.target.database = spec.database;
  options.clients = spec.clients;
  options.connection_per_transaction = spec.connection_per_transaction;
  options.duration = std::chrono::milliseconds(static_cast<int64_t>(spec.duration_s * 1000));
  options.rate = spec.rate;
  for (const auto& [name, weight] : spec.workload) options.scripts.push_back({name, weight});
  options.progress = progress;
  options.router_systems = plex.router_systems;
  return options;
}

Observations Observe(const std::vector<LoadOutcome>& loads) {
  Observations seen;
  for (const LoadOutcome& load : loads) {
    for (const auto& c : load.result.connections) {
      seen.connections.push_back(
          {c.opened_s, c.closed_s, c.end, c.system, c.router, c.odbm, c.datastore});
    }
    for (const auto& o : load.result.outages) {
      seen.outages.push_back({o.client, o.failed_s, o.recovered_s, o.error});
    }
    seen.run_end_s = std::max(seen.run_end_s, load.result.elapsed_s);
  }
  return seen;
}

// Puts back what the scenario changed: members in the state they had
// before, routing it stopped started again.
void Restore(PlexControl& control, const std::map<std::string, std::string>& before,
             const std::vector<ActionRecord>& actions, std::vector<std::string>& problems) {
  std::string error;
  for (const ActionRecord& record : actions) {
    const Action& a = record.action;
    bool ok = true;
    if (a.kind == ActionKind::kStopAlias) {
      ok = control.Routing("alias", a.target, false, a.odbms, &error);
    } else if (a.kind == ActionKind::kStopDatastore) {
      ok = control.Routing("datastore", a.target, false, {}, &error);
    }
    if (!ok) problems.push_back("restoring routing to " + a.target + ": " + error);
  }
  Json plex;
  if (!control.Status(&plex, &error)) {
    problems.push_back("restoring the plex: " + error);
    return;
  }
  for (const auto& [name, now] : StatesOf(plex)) {
    auto was = before.find(name);
    if (was == before.end() || was->second == now) continue;
    bool ok = true;
    if (was->second == "running" && now == "stopped") {
      ok = control.Member("signal", name, &error, {{"signal", "CONT"}});
    } else if (was->second == "running" && now != "running") {
      ok = control.Member("restart", name, &error);
    } else if (was->second == "not-started" && now == "running") {
      ok = control.Member("stop", name, &error);
    }
    if (!ok) problems.push_back("restoring " + name + ": " + error);
  }
}

std::string LedgerSummary(const std::vector<LoadOutcome>& loads) {
  load::LedgerCheck sum;
  for (const LoadOutcome& l : loads) {
    sum.committed += l.ledger.committed;
    sum.committed_missing += l.ledger.committed_missing;
    sum.rolled_back += l.ledger.rolled_back;
    sum.rolled_back_present += l.ledger.rolled_back_present;
    sum.aborted += l.ledger.aborted;
    sum.aborted_present += l.ledger.aborted_present;
    sum.in_doubt += l.ledger.in_doubt;
    sum.in_doubt_present += l.ledger.in_doubt_present;
  }
  std::string text = fmt::format(
      "ledger: {} committed {}, {} rolled back {}, {} aborted {}, {} in doubt ({} kept)",
      sum.committed,
      sum.committed_missing ? fmt::format("({} MISSING)", sum.committed_missing) : "all present",
      sum.rolled_back,
      sum.rolled_back_present ? fmt::format("({} PRESENT)", sum.rolled_back_present) : "all absent",
      sum.aborted,
      sum.aborted_present ? fmt::format("({} PRESENT)", sum.aborted_present) : "all absent",
      sum.in_doubt, sum.in_doubt_present);
  return text;
}

}  // namespace

bool ScenarioOutcome::LedgerOk() const {
  return std::all_of(loads.begin(), loads.end(),
                     [](const LoadOutcome& l) { return l.ledger.ok(); });
}

bool ScenarioOutcome::Passed() const {
  return problems.empty() && LedgerOk() &&
         std::all_of(verdicts.begin(), verdicts.end(), [](const Verdict& v) { return v.ok; });
}

ScenarioOutcome RunScenario(const Scenario& scenario, const RunnerOptions& options) {
  ScenarioOutcome outcome;
  outcome.scenario = scenario;
  PlexControl control;
  Json plex;
  std::string error;
  if (!control.Open(options.plex_dir, &error) || !control.Status(&plex, &error)) {
    outcome.problems.push_back(error);
    return outcome;
  }
  const auto before = StatesOf(plex);
  auto view = load::ParsePlexStatus(plex, &error);
  if (!view) {
    outcome.problems.push_back(error);
    return outcome;
  }

  std::vector<std::unique_ptr<load::BenchRun>> runs;
  for (std::size_t i = 0; i < scenario.loads.size(); ++i) {
    runs.push_back(std::make_unique<load::BenchRun>(
        OptionsFor(scenario.loads[i], *view, options.progress && i == 0)));
  }
  try {
    for (auto& run : runs) run->Start();
  } catch (const std::exception& e) {
    // A workload that cannot be loaded (a script's file:line error) or
    // threads that cannot be made: nothing ran, nothing to judge.
    outcome.problems.push_back(std::string("cannot start the load: ") + e.what());
    for (auto& run : runs) run->RequestStop();
    return outcome;
  }
  load::BenchRun& clock_run = *runs.front();
  FaultInjector injector(
      control, scenario.actions, [&clock_run] { return clock_run.ElapsedSeconds(); },
      [&runs](const std::string& label) {
        for (auto& run : runs) run->AddMark(label);
      });
  injector.Start();
  for (std::size_t i = 0; i < runs.size(); ++i) {
    outcome.loads.push_back({scenario.loads[i].name, runs[i]->Wait(), {}});
  }
  injector.Cancel();
  outcome.actions = injector.Join();
  for (const ActionRecord& record : outcome.actions) {
    if (!record.ok) {
      outcome.problems.push_back(fmt::format("{} at {:.2f} s: {}", Label(record.action),
                                             record.started_s, record.error));
    }
  }

  const auto files = view->DatabaseFiles();
  for (LoadOutcome& load : outcome.loads) {
    load.ledger = load::CheckLedger(load.result, files, &error);
    if (!error.empty()) outcome.problems.push_back("ledger check of " + load.name + ": " + error);
    error.clear();
    if (!options.plot_prefix.empty()) {
      std::filesystem::path prefix = options.plot_prefix.string() + "-" + scenario.name + "-" + load.name;
      if (!load::WritePlot(load.result, prefix, &error)) {
        outcome.problems.push_back("plot: " + error);
      }
    }
  }
  Observations seen = Observe(outcome.loads);
  for (const Lost& lost : seen.outages) {
    if (lost.recovered_s) {
      outcome.longest_outage_s = std::max(outcome.longest_outage_s, *lost.recovered_s - lost.failed_s);
    }
  }
  outcome.verdicts = JudgeAll(scenario.expectations, seen);
  if (options.restore) Restore(control, before, outcome.actions, outcome.problems);
  return outcome;
}

std::string VerdictLine(const ScenarioOutcome& outcome) {
  int passed = static_cast<int>(std::count_if(outcome.verdicts.begin(), outcome.verdicts.end(),
                                              [](const Verdict& v) { return v.ok; }));
  std::string line = fmt::format("{} {:<9} {}; {} of {} expectations; longest outage {:.2f} s",
                                 outcome.Passed() ? "PASS" : "FAIL", outcome.scenario.name,
                                 LedgerSummary(outcome.loads), passed, outcome.verdicts.size(),
                                 outcome.longest_outage_s);
  if (!outcome.problems.empty()) line += fmt::format("; {} problems", outcome.problems.size());
  return line;
}

std::string FormatOutcome(const ScenarioOutcome& outcome) {
  const Scenario& s = outcome.scenario;
  std::string out = fmt::format("== scenario {} ({}): {}\n", s.name, s.file, s.text);
  for (const LoadOutcome& load : outcome.loads) {
    const auto& r = load.result;
    out += fmt::format(
        "   load {:<8} {} transactions, {:.0f} tx/s, {} connections, {} failed transactions, "
        "{} failed connects\n",
        load.name, r.transactions, r.elapsed_s > 0 ? r.transactions / r.elapsed_s : 0.0,
        r.connections.size(), r.failed_transactions, r.connect_failures);
  }
  for (const ActionRecord& a : outcome.actions) {
    out += a.skipped ? fmt::format("   at {:5.2f} s  {} skipped: {}\n", a.action.at_s, Label(a.action), a.error)
                     : fmt::format("   at {:5.2f} s  {} {} ({:.2f} s){}\n", a.started_s, Label(a.action),
                                   a.ok ? "done" : "FAILED", a.took_s, a.ok ? "" : ": " + a.error);
  }
  for (const Verdict& v : outcome.verdicts) {
    out += fmt::format("   {} EXPECT({}): {}\n", v.ok ? "ok  " : "FAIL", v.statement, v.detail);
  }
  for (const LoadOutcome& load : outcome.loads) {
    for (int64_t id : load.ledger.missing) out += fmt::format("   ledger: committed id {} MISSING\n", id);
    for (int64_t id : load.ledger.unexpected) out += fmt::format("   ledger: id {} present but not committed\n", id);
  }
  for (const std::string& problem : outcome.problems) out += "   problem: " + problem + "\n";
  out += VerdictLine(outcome) + "\n";
  return out;
}

nlohmann::ordered_json OutcomeJson(const ScenarioOutcome& outcome) {
  nlohmann::ordered_json out;
  out["scenario"] = outcome.scenario.name;
  out["file"] = outcome.scenario.file;
  out["text"] = outcome.scenario.text;
  out["passed"] = outcome.Passed();
  out["ledger_ok"] = outcome.LedgerOk();
  out["longest_outage_s"] = outcome.longest_outage_s;
  out["verdict"] = VerdictLine(outcome);
  auto& actions = out["actions"] = nlohmann::ordered_json::array();
  for (const ActionRecord& a : outcome.actions) {
    actions.push_back({{"at_s", a.action.at_s},
                       {"action", Label(a.action)},
                       {"started_s", a.started_s},
                       {"took_s", a.took_s},
                       {"ok", a.ok},
                       {"skipped", a.skipped},
                       {"error", a.error}});
  }
  auto& verdicts = out["expectations"] = nlohmann::ordered_json::array();
  for (const Verdict& v : outcome.verdicts) {
    verdicts.push_back({{"expect", v.statement}, {"ok", v.ok}, {"seen", v.detail}});
  }
  auto& loads = out["loads"] = nlohmann::ordered_json::array();
  for (const LoadOutcome& load : outcome.loads) {
    nlohmann::ordered_json l;
    l["name"] = load.name;
    l["ledger"] = {{"committed", load.ledger.committed},
                   {"committed_missing", load.ledger.committed_missing},
                   {"rolled_back", load.ledger.rolled_back},
                   {"rolled_back_present", load.ledger.rolled_back_present},
                   {"aborted", load.ledger.aborted},
                   {"aborted_present", load.ledger.aborted_present},
                   {"in_doubt", load.ledger.in_doubt},
                   {"in_doubt_present", load.ledger.in_doubt_present},
                   {"missing", load.ledger.missing},
                   {"unexpected", load.ledger.unexpected}};
    l["result"] = load::ToJson(load.result);
    loads.push_back(std::move(l));
  }
  out["problems"] = outcome.problems;
  return out;
}

}  // namespace drdaplex::faults
