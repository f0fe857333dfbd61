// SimSystems: moved to process/sim_systems.h (the plex launcher creates
// systems too); re-exported here for the tests, with what only tests need:
// teardown problems become test failures, and StartServiceIn.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "process/sim_systems.h"
#include "tests/support/service_process.h"

namespace drdaplex::testing {

using process::ModeName;
using process::SimSystems;

// Every test that includes this header reports what a SimSystems could not
// remove as a failure of the running test.
inline const bool kSimSystemsTeardownFailsTests = [] {
  SimSystems::SetTeardownReporter([](const std::string& problems) { ADD_FAILURE() << problems; });
  return true;
}();

// ServiceProcess::Start with the service born inside `system` (see
// SimSystems::RunIn).
std::unique_ptr<ServiceProcess> StartServiceIn(const SimSystems& systems, const std::string& system,
                                               ServiceOptions options, std::string* error);

}  // namespace drdaplex::testing
