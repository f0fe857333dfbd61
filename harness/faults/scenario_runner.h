// ScenarioRunner: runs one fault scenario against a running plex: its
// LOADs (drdaplex::load BenchRuns, all started together), its AT actions
// (FaultInjector, on the first load's clock), then judges it: the ledger
// check (every transaction a client saw committed is in SQLite, nothing it
// saw rolled back is) and each EXPECT. Afterwards it puts the plex back as
// it found it (restarts what the scenario killed, resumes what it hung,
// stops what it started, restarts routing it stopped), so scenarios can run
// one after another against one plex.
//
// Blocking: Run() takes about the scenario's duration plus the checks.
// Not thread-safe; one scenario at a time per plex.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/faults/expectations.h"
#include "harness/faults/fault_injector.h"
#include "harness/faults/scenario.h"
#include "harness/load/bench_run.h"
#include "harness/load/ledger_check.h"
#include "harness/load/plex_status.h"

namespace drdaplex::faults {

struct RunnerOptions {
  std::filesystem::path plex_dir;
  bool progress = true;                // the first load's progress line, on a terminal
  std::filesystem::path plot_prefix;   // empty: no plots; else <prefix>-<SCENARIO>-<LOAD>.svg/.png
  bool restore = true;
};

struct LoadOutcome {
  std::string name;
  load::BenchResult result;
  load::LedgerCheck ledger;
};

struct ScenarioOutcome {
  Scenario scenario;
  std::vector<LoadOutcome> loads;
  std::vector<ActionRecord> actions;
  std::vector<Verdict> verdicts;
  std::vector<std::string> problems;  // failures to run at all (plex unreachable, action failed...)
  double longest_outage_s = 0;

  bool LedgerOk() const;
  bool Passed() const;
};

// Runs `scenario`; never throws for what happens in the plex (that is the
// outcome's business), only for misuse.
ScenarioOutcome RunScenario(const Scenario& scenario, const RunnerOptions& options);

// "PASS KILLODBM  ledger: 812 committed all present, 90 rolled back all
// absent, 1 in doubt; 4 of 4 expectations; longest outage 0.42 s".
std::string VerdictLine(const ScenarioOutcome& outcome);
// The report: each load's short summary, the actions with their times, each
// expectation with what was seen, the ledger, then the verdict line.
std::string FormatOutcome(const ScenarioOutcome& outcome);
nlohmann::ordered_json OutcomeJson(const ScenarioOutcome& outcome);

}  // namespace drdaplex::faults
