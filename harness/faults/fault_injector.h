// FaultInjector: plays a scenario's AT statements against a running plex
// while the load runs, on a thread of its own, each at its time on the
// load's clock. Before each action it sets a mark (the report lists it and
// the plot draws it), then carries it out through PlexControl and records
// how it went and how long it took.
//
// Ownership: owns its thread and its PlexControl; the clock and mark
// callbacks must stay valid until Join(). Start once, then Join (also
// called by the destructor); Cancel makes the remaining actions be skipped.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "harness/faults/plex_control.h"
#include "harness/faults/scenario.h"

namespace drdaplex::faults {

struct ActionRecord {
  Action action;
  double started_s = 0;
  double took_s = 0;
  bool ok = false;
  bool skipped = false;
  std::string error;
};

class FaultInjector {
 public:
  using Clock = std::function<double()>;                  // seconds since the load started
  using MarkSink = std::function<void(const std::string&)>;

  FaultInjector(PlexControl control, std::vector<Action> actions, Clock clock, MarkSink mark);
  ~FaultInjector();
  FaultInjector(const FaultInjector&) = delete;
  FaultInjector& operator=(const FaultInjector&) = delete;

  void Start();
  void Cancel() { cancelled_ = true; }
  // Waits for the thread; the records of every action, in order.
  const std::vector<ActionRecord>& Join();

 private:
  void Run();
  bool Perform(const Action& action, std::string* error);

  PlexControl control_;
  std::vector<Action> actions_;
  Clock clock_;
  MarkSink mark_;
  std::vector<ActionRecord> records_;
  std::atomic<bool> cancelled_{false};
  std::thread thread_;
};

// "KILL ODBMB2", "STOPALIAS IO3A (ODBMB2)".
std::string Label(const Action& action);

}  // namespace drdaplex::faults
