// PollUntil, WaitForPortFile: moved to process/polling.h (the plex launcher
// waits the same way); re-exported here for the tests.
#pragma once

#include "process/polling.h"

namespace drdaplex::testing {

using process::PollUntil;
using process::WaitForPortFile;

}  // namespace drdaplex::testing
