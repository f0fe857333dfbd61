// drdaplex: the harness's command line. Each part adds its subcommands:
//   drdaplex plex up|down|status|kill|restart|start|stop   (harness/plex)
//   drdaplex bench                                          (harness/load)
// A subcommand's callback does the work and fails by throwing
// CLI::RuntimeError(exit code).
#include <CLI/CLI.hpp>

#include "harness/faults/scenario_command.h"
#include "harness/load/bench_command.h"
#include "harness/plex/plex_command.h"

int main(int argc, char** argv) {
  CLI::App app{"drdaplex: run a simulated IMSplex, load it, break it"};
  app.require_subcommand(1);
  drdaplex::plex::AddPlexCommands(app);
  drdaplex::load::AddBenchCommand(app);
  drdaplex::faults::AddScenarioCommand(app);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
