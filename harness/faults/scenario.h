// A fault scenario as read from its file (fixtures/faults/*.scenario): the
// load to run, the faults to inject at given times, and what must hold
// afterwards. Plain values; scenario_file.h builds them, fault_injector.h
// plays the actions, expectations.h judges the outcome.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace drdaplex::faults {

// LOAD(...): a group of clients that run while the faults happen. A
// scenario may have several (clients holding their connections next to
// clients making one per transaction); all start together.
struct LoadSpec {
  std::string name = "LOAD";
  int clients = 8;
  double duration_s = 10;
  std::optional<double> rate;  // total transactions per second
  // Built-in workloads or script files with weights ("ledger", 3).
  std::vector<std::pair<std::string, int>> workload{{"ledger", 1}};
  bool connection_per_transaction = false;
  std::string database;  // the alias clients ask for; blank by default
};

enum class ActionKind {
  kKill,            // SIGKILL a member
  kHang,            // SIGSTOP: hung, not dead
  kResume,          // SIGCONT
  kTerminate,       // SIGTERM and wait (an orderly stop)
  kRestart,         // start again what was killed or stopped (kill first if running)
  kStart,           // start a member defined with START=N: a new ODBM mid-run
  kStopAlias,       // STOP(ROUTE) of an alias on every router
  kStartAlias,
  kStopDatastore,   // STOP(ROUTE) of a datastore on every router
  kStartDatastore,
};

// AT(TIME=, ACTION=, TARGET=[, ODBM=]).
struct Action {
  double at_s = 0;
  ActionKind kind = ActionKind::kKill;
  std::string target;  // a member, alias or datastore name
  std::vector<std::string> odbms;  // STOPALIAS/STARTALIAS: only on these ODBMs
  int line = 0;                    // in the scenario file, for reports
};

enum class ExpectKind {
  kNoNew,      // NONEW=T, FROM=, UNTIL=: no new connection lands on T then
  kNew,        // NEW=T, AFTER=[, UNTIL=]: some new connection lands on T then
  kReconnect,  // RECONNECT=S: every client that lost its connection had a new one within S s
  kUnmoved,    // UNMOVED=Y, AFTER=: connections alive at AFTER ran to the end undisturbed
  kOutages,    // OUTAGES=N[, FROM=, UNTIL=]: at most N clients lost their connection then
};

struct Expectation {
  ExpectKind kind = ExpectKind::kReconnect;
  std::string target;  // a system, router, ODBM or datastore name
  double from_s = 0;
  std::optional<double> until_s;  // open: to the end of the run
  double seconds = 0;              // RECONNECT
  int count = 0;                   // OUTAGES
  int line = 0;
};

struct Scenario {
  std::string name;
  std::string text;  // what it shows, for people
  std::string file;  // as given
  std::vector<LoadSpec> loads;  // at least one
  double duration_s = 0;        // the longest load's
  std::vector<Action> actions;  // in time order
  std::vector<Expectation> expectations;
};

const char* ActionName(ActionKind kind);

}  // namespace drdaplex::faults
