// Judges a scenario's EXPECT statements against what the clients saw:
// where each new connection landed and when, and which clients lost their
// connection and for how long. Pure: no sockets, no clocks, so every rule
// is unit-tested on made-up observations (tests/faults).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "harness/faults/scenario.h"

namespace drdaplex::faults {

// One client connection, from the load's records.
struct Landing {
  double opened_s = 0;
  std::optional<double> closed_s;
  // How it ended: "run-end" (still open when the run stopped),
  // "per-transaction" (the client closed it after its transaction), else
  // the error that broke it.
  std::string end;
  // Where it landed; a target matches any of them.
  std::string system, router, odbm, datastore;

  bool LandedOn(const std::string& target) const {
    return target == system || target == router || target == odbm || target == datastore;
  }
};

// A client that could not run transactions from failed_s on (its
// connection broke or could not be made) until recovered_s, if ever.
struct Lost {
  int client = 0;
  double failed_s = 0;
  std::optional<double> recovered_s;
  std::string error;
};

struct Observations {
  std::vector<Landing> connections;
  std::vector<Lost> outages;
  double run_end_s = 0;
};

struct Verdict {
  bool ok = false;
  std::string statement;  // the EXPECT, written back ("NONEW=ODBMB2 FROM=3.5 UNTIL=7")
  std::string detail;     // what was seen ("0 of 212 new connections")
};

Verdict Judge(const Expectation& expect, const Observations& seen);
std::vector<Verdict> JudgeAll(const std::vector<Expectation>& expects, const Observations& seen);

std::string Describe(const Expectation& expect);

}  // namespace drdaplex::faults
