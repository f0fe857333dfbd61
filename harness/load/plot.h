// WritePlot: PREFIX.svg and PREFIX.png of a run with gnuplot (Debian's
// gnuplot-nox): three panels over one time axis -- throughput (tx/s and
// connection setups/s per second), latency (p50 and p99 per second, log
// scale) and each target's share of the transactions per second (lines per
// ODBM/datastore, dashed per router when there are several) -- with a
// vertical line and label at every mark (the faults). The data and the
// script are kept next to them (PREFIX.dat, PREFIX.gp) to re-plot by hand.
// Runs gnuplot as a child process and waits for it.
#pragma once

#include <filesystem>
#include <string>

#include "harness/load/bench_result.h"

namespace drdaplex::load {

bool WritePlot(const BenchResult& result, const std::filesystem::path& prefix, std::string* error);

// The pieces, for tests: the data table and the gnuplot script.
std::string PlotData(const BenchResult& result);
std::string PlotScript(const BenchResult& result, const std::filesystem::path& prefix);

}  // namespace drdaplex::load
