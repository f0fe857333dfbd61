// Opening a bench connection and asking, once, where it landed: the router
// is the SRVNAM that answered EXCSAT when it differs from the ODBM; ODBM and
// datastore come from one query (VALUES DRDAPLEX_DATASTORE() || ' ' ||
// DRDAPLEX_ODBM()); the system from the router -> system map. The two steps
// are timed separately. Throws client::SqlError. Stateless.
#pragma once

#include <map>
#include <string>

#include "client/connection.h"
#include "harness/load/bench_options.h"
#include "harness/load/bench_result.h"

namespace drdaplex::load {

client::ConnectOptions MakeConnectOptions(const BenchOptions& options, const std::string& database);

struct ProbedConnection {
  client::Connection connection;
  Landing landing;
  double setup_us = 0, identify_us = 0;
};

ProbedConnection OpenAndProbe(const client::ConnectOptions& connect,
                              const std::map<std::string, std::string>& router_systems);

// Parses the probe's answer "DATASTORE ODBM" and the SRVNAM into a landing.
Landing LandingFrom(const std::string& probe_answer, const std::string& server_name,
                    const std::map<std::string, std::string>& router_systems);

}  // namespace drdaplex::load
