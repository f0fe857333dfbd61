// TempDir, ReadFileOrEmpty, TailLines: moved to process/temp_dir.h (the
// process library needs them); re-exported here for the tests.
#pragma once

#include "process/temp_dir.h"

namespace drdaplex::testing {

using process::ReadFileOrEmpty;
using process::TailLines;
using process::TempDir;

}  // namespace drdaplex::testing
