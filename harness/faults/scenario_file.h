// Reads a scenario file: IMS-style statements like every drdaplex file
// (config/), in the scenario dialect:
//   SCENARIO(NAME=KILLODBM, TEXT='...')
//   LOAD(NAME=HOLD, CLIENTS=16, DURATION=12, RATE=200, WORKLOAD=(LEDGER@3, SELECT-ONLY@1),
//        CONNECT=PERSISTENT|TRANSACTION, DATABASE=IO3A)   (one or more)
//   AT(TIME=3, ACTION=KILL|HANG|RESUME|TERMINATE|RESTART|START, TARGET=ODBMB2)
//   AT(TIME=5, ACTION=STOPALIAS|STARTALIAS, TARGET=IO3A[, ODBM=(ODBMB2)])
//   AT(TIME=5, ACTION=STOPDATASTORE|STARTDATASTORE, TARGET=IMS3)
//   EXPECT(NONEW=ODBMB2, FROM=3.5, UNTIL=7)
//   EXPECT(NEW=ODBMB2, AFTER=7.5[, UNTIL=..])
//   EXPECT(RECONNECT=2)
//   EXPECT(UNMOVED=Y, AFTER=7)
//   EXPECT(OUTAGES=0[, FROM=, UNTIL=])
// Times are seconds from the start of the load (decimals allowed). Errors
// throw config::ConfigError with file:line:column. Stateless.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "harness/faults/scenario.h"

namespace drdaplex::faults {

Scenario ParseScenario(std::string_view text, const std::string& file_name);
Scenario LoadScenario(const std::filesystem::path& file);

}  // namespace drdaplex::faults
