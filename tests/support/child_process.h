// ChildProcess, RunCommand, FindExecutable: moved to process/child_process.h
// (the plex launcher uses them too); re-exported here for the tests.
#pragma once

#include "process/child_process.h"

namespace drdaplex::testing {

using process::ChildOptions;
using process::ChildProcess;
using process::CommandResult;
using process::ExitStatus;
using process::FindExecutable;
using process::RunCommand;

}  // namespace drdaplex::testing
