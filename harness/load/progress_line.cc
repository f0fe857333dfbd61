#include "harness/load/progress_line.h"

#include <fmt/format.h>

namespace drdaplex::load {

std::string FormatProgressLine(const ProgressFigures& f, const LatencyHistogram& latency) {
  const double span = f.span_s > 0 ? f.span_s : 1.0;
  std::string line = fmt::format("{:6.1f} s", f.elapsed_s);
  if (f.total_s) line += fmt::format(" (left {:.0f} s)", std::max(0.0, *f.total_s - f.elapsed_s));
  line += fmt::format(" | {:8.1f} tx/s  p50 {:7.2f} ms  p99 {:7.2f} ms | {:6.1f} setups/s | conn {}/{} | errors {} ({} total)",
                      f.transactions / span, latency.Percentile(50) / 1000.0, latency.Percentile(99) / 1000.0,
                      f.setups / span, f.open_connections, f.clients, f.errors, f.total_errors);
  return line;
}

}  // namespace drdaplex::load
