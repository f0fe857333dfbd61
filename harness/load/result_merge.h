// Turns the clients' recordings, after they have been joined, into one
// BenchResult: histograms merged, errors and scripts summed, connection
// records, outages and ledger entries concatenated (ordered by time / id),
// spread totals per landing. Pure; no threads.
#pragma once

#include <vector>

#include "harness/load/bench_result.h"
#include "harness/load/client_state.h"
#include "harness/load/workload.h"

namespace drdaplex::load {

struct RunRecordings {
  const BenchOptions* options = nullptr;
  const WorkloadMix* mix = nullptr;
  const std::vector<ClientLive>* live = nullptr;
  std::vector<ClientLog>* logs = nullptr;  // moved from
  std::vector<Landing> landings;
  std::vector<TimelinePoint> timeline;
  std::vector<Mark> marks;
  double elapsed_s = 0;
  int64_t ledger_run = 0;
};

BenchResult MergeRecordings(RunRecordings recordings);

}  // namespace drdaplex::load
