// Running the JDBC scenario programs of tests/java (one jar, one main class
// each, on the real Derby network client) and reading their output
// contract (tests/java/Check.java): a line "ok <id> [detail]" per passed
// check, "FAIL <id> ..." for the first failed one, exit status 0 only when
// everything passed.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "tests/support/child_process.h"

namespace drdaplex::testing {

CommandResult RunJavaScenario(const std::string& main_class, const std::vector<std::string>& args,
                              std::chrono::milliseconds timeout = std::chrono::seconds(120));

bool HasOkLine(const std::string& output, const std::string& id);
// The first "FAIL ..." line, which names the broken check.
std::string FailLine(const std::string& output);

// Passes when the program exited 0 and printed an ok line for every id.
::testing::AssertionResult ScenarioPassed(const CommandResult& result,
                                          const std::vector<std::string>& ids);

}  // namespace drdaplex::testing
