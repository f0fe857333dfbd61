// What a load run is asked to do: the target, the clients, the connection
// mode, how long, how fast, which workload. Plain values, filled by the
// `drdaplex bench` command line or by the fault runner; BenchRun copies them.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace drdaplex::load {

// Where every client connects: a router's (or the distributor's DVIPA) DRDA
// port, or an ODBM's own.
struct Target {
  std::string host;
  uint16_t port = 0;
  std::string database;  // alias; "" = blank (the router picks any datastore)
  std::string user = "app";
  std::string password = "secret";
};

// One entry of the workload mix: a built-in name (tpcb-like, simple-update,
// select-only, insert, scan, ledger) or the path of a script file, picked
// with probability weight / sum of weights for each transaction.
struct WeightedScript {
  std::string name;
  int weight = 1;
};

struct BenchOptions {
  Target target;
  int clients = 8;
  bool connection_per_transaction = false;            // else persistent (reconnect on loss)
  std::optional<std::chrono::milliseconds> duration;  // one of duration / transactions
  std::optional<int64_t> transactions;                // total over all clients
  std::optional<double> rate;                         // total tx/s target (no coordinated omission)
  std::vector<WeightedScript> scripts;                // empty = {"tpcb-like",1}
  int scale = 1;
  bool progress = true;  // progress line only if stderr is a TTY
  std::chrono::milliseconds progress_interval{1000};
  std::map<std::string, std::string> router_systems;  // router name -> system (spread by system)

  // Bounds and knobs of the clients themselves.
  bool progress_plain_lines = false;  // print plain progress lines even when stderr is no TTY
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::milliseconds io_timeout{10000};  // a hung server holds a client at most this long
  uint64_t seed = 0;                            // 0: from the clock
  size_t client_stack_bytes = 256 * 1024;
};

}  // namespace drdaplex::load
