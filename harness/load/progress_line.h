// The live progress line: rate, p50/p99 of the last interval, errors,
// connections, elapsed and remaining. Pure formatting; BenchRun's sampler
// thread decides when and how to print it (carriage-return rewritten on a
// terminal, plain lines with --progress=N).
#pragma once

#include <optional>
#include <string>

#include "harness/load/latency_histogram.h"

namespace drdaplex::load {

struct ProgressFigures {
  double elapsed_s = 0;
  std::optional<double> total_s;  // when the run has a duration
  double span_s = 1;              // of the interval the figures cover
  int64_t transactions = 0, setups = 0, errors = 0, total_errors = 0;
  int64_t open_connections = 0;
  int clients = 0;
};

std::string FormatProgressLine(const ProgressFigures& figures, const LatencyHistogram& interval_latency_us);

}  // namespace drdaplex::load
