// Spare CPU capacity of this machine, measured the way drdaplex-system (a
// system's WLM) reports it: from two samples of /proc/stat, the idle share
// of the CPU time that passed between them × 100 × the number of CPUs. An
// idle 4-CPU machine has 400, a fully busy one 0. Time waiting for I/O
// counts as idle (the CPU could run other work); steal counts as busy.
// On a machine shared by several simulated systems each measures the same
// CPUs: measured mode is for demonstrations, configured capacities for
// repeatable tests.
// Thread-safety: pure functions, plus ReadCpuTimes which reads a file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace drdaplex::registry {

struct CpuTimes {
  uint64_t idle = 0;   // idle + iowait, in clock ticks since boot
  uint64_t total = 0;  // user + nice + system + idle + iowait + irq + softirq + steal
  size_t cpus = 0;     // "cpuN" lines

  bool operator==(const CpuTimes&) const = default;
};

// Parses the text of /proc/stat (its aggregate "cpu" line and the "cpuN"
// lines). nullopt and *error when the aggregate line is missing or
// malformed.
std::optional<CpuTimes> ParseProcStat(std::string_view text, std::string* error);

// Reads and parses `path`.
std::optional<CpuTimes> ReadCpuTimes(const std::string& path, std::string* error);

// idle share × 100 × cpus between two samples; nullopt when no tick passed
// (or the counters went backwards).
std::optional<double> SpareCapacity(const CpuTimes& before, const CpuTimes& after);

// The same over the whole time since boot (one sample).
std::optional<double> SpareCapacitySinceBoot(const CpuTimes& times);

}  // namespace drdaplex::registry
