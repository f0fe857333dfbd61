// ClientWorker: the life of one bench client on its own thread: connect
// (and probe where it landed), run transactions of the mix back to back or
// on its Poisson schedule, reconnect after a lost connection with a short
// backoff (10 ms doubling to 200 ms) or connect per transaction, and record
// everything in its ClientLive / ClientLog.
//
// RunShared is what all clients of a run share: read-only options and mix,
// the landing table (thread-safe), the clock origin, and two atomics (stop,
// and the count of claimed transactions for a total -t).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "client/connection.h"
#include "harness/load/bench_options.h"
#include "harness/load/client_state.h"
#include "harness/load/landing_table.h"
#include "harness/load/workload.h"

namespace drdaplex::load {

using Clock = std::chrono::steady_clock;

struct RunShared {
  const BenchOptions* options = nullptr;
  const WorkloadMix* mix = nullptr;
  LandingTable* landings = nullptr;
  Clock::time_point start;
  std::optional<Clock::time_point> deadline;
  std::atomic<bool> stop{false};
  std::atomic<int64_t> claimed{0};
  int64_t ledger_run = 0;
  uint64_t seed = 0;

  double Seconds(Clock::time_point t) const { return std::chrono::duration<double>(t - start).count(); }
  bool Over(Clock::time_point now) const {
    return stop.load(std::memory_order_relaxed) || (deadline && now >= *deadline);
  }
};

class ClientWorker {
 public:
  ClientWorker(int id, RunShared& shared, ClientLive& live, ClientLog& log);
  void Run();

 private:
  // Opens and probes a connection; false (error and outage recorded) when
  // that failed.
  bool OpenConnection();
  void CloseConnection(const std::string& end);
  void StartOutage(const std::string& error);
  void RecordError(const std::string& phase, const std::string& sqlstate);
  // Sleeps until `when` in short steps; false when the run ended meanwhile.
  bool WaitUntil(Clock::time_point when);

  int id_;
  RunShared& shared_;
  ClientLive& live_;
  ClientLog& log_;
  std::optional<client::Connection> connection_;
  Landing landing_;
  size_t landing_id_ = 0;
  size_t record_ = 0;  // index of the open connection's record in log_.connections
  std::optional<size_t> open_outage_;
};

// "08006 connection lost"
std::string ErrorLabel(const std::string& sqlstate);

}  // namespace drdaplex::load
