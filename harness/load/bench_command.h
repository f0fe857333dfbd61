// `drdaplex bench`: the load benchmark's command line (pgbench-like) on
// top of the load library. AddBenchCommand adds the subcommand to the
// drdaplex CLI11 app; its callback runs the bench and throws
// CLI::RuntimeError(code) on failure.
#pragma once

#include <CLI/CLI.hpp>

namespace drdaplex::load {

void AddBenchCommand(CLI::App& app);

}  // namespace drdaplex::load
