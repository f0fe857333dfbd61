#include "harness/faults/scenario_command.h"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>
#include <unistd.h>

#include "config/config_error.h"
#include "harness/faults/scenario_file.h"
#include "harness/faults/scenario_runner.h"
#include "harness/load/bench_run.h"
#include "harness/load/plex_status.h"

namespace drdaplex::faults {
namespace {

struct ScenarioArgs {
  std::vector<std::string> files;
  std::string plex_dir;
  std::string json_file;
  std::string plot_prefix;
  bool no_restore = false;
  bool no_init = false;
};

// The tables the workloads use, as `drdaplex bench --init` makes them: in
// one served datastore per database file of the plex.
bool InitPlexDatabases(const std::string& dir, std::string* error) {
  auto plex = load::ReadPlexView(dir, error);
  if (!plex) return false;
  std::vector<std::string> datastores;
  for (const load::PlexDatastore& d : plex->DistinctDatabases()) datastores.push_back(d.name);
  load::BenchOptions options;
  options.target.host = plex->entry_host;
  options.target.port = plex->entry_port;
  return load::InitDatabases(options, datastores, error);
}

void Run(const ScenarioArgs& args) {
  std::vector<Scenario> scenarios;
  try {
    for (const std::string& file : args.files) scenarios.push_back(LoadScenario(file));
  } catch (const config::ConfigError& e) {
    std::cerr << e.what() << "\n";
    throw CLI::RuntimeError(2);
  }
  std::string error;
  if (!args.no_init && !InitPlexDatabases(args.plex_dir, &error)) {
    std::cerr << "drdaplex scenario: cannot prepare the databases: " << error << "\n";
    throw CLI::RuntimeError(2);
  }
  RunnerOptions options;
  options.plex_dir = args.plex_dir;
  options.plot_prefix = args.plot_prefix;
  options.restore = !args.no_restore;
  options.progress = isatty(STDERR_FILENO) != 0;

  std::vector<ScenarioOutcome> outcomes;
  nlohmann::ordered_json json = nlohmann::ordered_json::array();
  for (const Scenario& scenario : scenarios) {
    outcomes.push_back(RunScenario(scenario, options));
    std::cout << FormatOutcome(outcomes.back()) << std::endl;
    json.push_back(OutcomeJson(outcomes.back()));
  }
  std::cout << "== verdicts\n";
  bool all_passed = true;
  for (const ScenarioOutcome& outcome : outcomes) {
    std::cout << VerdictLine(outcome) << "\n";
    all_passed = all_passed && outcome.Passed();
  }
  std::cout.flush();
  if (!args.json_file.empty()) {
    std::ofstream out(args.json_file);
    out << json.dump(2) << "\n";
    if (!out) {
      std::cerr << "drdaplex scenario: cannot write " << args.json_file << "\n";
      throw CLI::RuntimeError(2);
    }
  }
  if (!all_passed) throw CLI::RuntimeError(1);
}

}  // namespace

void AddScenarioCommand(CLI::App& app) {
  auto args = std::make_shared<ScenarioArgs>();
  CLI::App* command = app.add_subcommand(
      "scenario",
      "run fault scenarios (fixtures/faults/*.scenario) against a running plex: load, faults, "
      "ledger check, expectations; one verdict line per scenario");
  command->add_option("files", args->files, "scenario files, run in order")->required()->check(CLI::ExistingFile);
  command->add_option("--plex", args->plex_dir, "the plex's work directory (drdaplex plex up --dir)")
      ->required()
      ->check(CLI::ExistingDirectory);
  command->add_option("--json", args->json_file, "write every outcome as JSON to this file");
  command->add_option("--plot", args->plot_prefix,
                      "write PREFIX-<SCENARIO>-<LOAD>.svg and .png (gnuplot), faults marked");
  command->add_flag("--no-restore", args->no_restore,
                    "leave the plex as the last scenario left it (killed members stay dead)");
  command->add_flag("--no-init", args->no_init,
                    "do not create the workload tables first (they exist already)");
  command->callback([args] { Run(*args); });
}

}  // namespace drdaplex::faults
