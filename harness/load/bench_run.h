// BenchRun: one load run. Start() makes the client threads (small stacks;
// the open-file limit raised to the hard one) and a sampler thread that
// builds the per-second timeline and prints the progress line; Wait() joins
// them and merges the clients' recordings into a BenchResult.
//
//   BenchRun run(options);
//   run.Start();                       // returns at once
//   ... run.AddMark("kill ODBMB2");    // from any thread, e.g. a fault runner
//   BenchResult result = run.Wait();   // after the duration / -t / RequestStop
//
// A run without duration or transaction count goes on until RequestStop.
// Thread-safety: ElapsedSeconds, AddMark and RequestStop from any thread;
// Start and Wait from the owner, once each, in that order.
#pragma once

#include <memory>

#include "harness/load/bench_options.h"
#include "harness/load/bench_result.h"
// The rest of the run's API, so one include serves a caller like the fault
// runner: ToJson, FormatReport, WritePlot, CheckLedger, InitDatabases.
#include "harness/load/init_databases.h"
#include "harness/load/ledger_check.h"
#include "harness/load/plot.h"
#include "harness/load/report.h"

namespace drdaplex::load {

class BenchRun {
 public:
  explicit BenchRun(BenchOptions options);
  ~BenchRun();  // requests a stop and waits if Wait was not called
  BenchRun(const BenchRun&) = delete;
  BenchRun& operator=(const BenchRun&) = delete;

  // Throws std::runtime_error when the workload cannot be loaded (a
  // script's file:line error) or the threads cannot be made.
  void Start();
  double ElapsedSeconds() const;
  void AddMark(std::string label);
  void RequestStop();
  BenchResult Wait();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace drdaplex::load
