#include "tests/support/java_scenario.h"

#include <sstream>

#include "tests/support/paths.h"

namespace drdaplex::testing {

namespace {
constexpr char kTestJar[] = "drdaplex-jdbc-tests.jar";

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}
}  // namespace

CommandResult RunJavaScenario(const std::string& main_class, const std::vector<std::string>& args,
                              std::chrono::milliseconds timeout) {
  std::vector<std::string> argv = {JavaExecutable(), "-cp",
                                   JarPath(kTestJar) + ":" + DerbyJar("derbyclient.jar"), main_class};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv, timeout);
}

bool HasOkLine(const std::string& output, const std::string& id) {
  for (const std::string& line : Lines(output)) {
    if (line == "ok " + id || line.rfind("ok " + id + " ", 0) == 0) return true;
  }
  return false;
}

std::string FailLine(const std::string& output) {
  for (const std::string& line : Lines(output)) {
    if (line.rfind("FAIL ", 0) == 0) return line;
  }
  return "(no FAIL line)";
}

::testing::AssertionResult ScenarioPassed(const CommandResult& result,
                                          const std::vector<std::string>& ids) {
  std::string missing;
  for (const std::string& id : ids) {
    if (!HasOkLine(result.stdout_text, id)) missing += " " + id;
  }
  if (result.Success() && missing.empty()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "first failure: " << FailLine(result.stdout_text)
                                       << "\nchecks without an ok line:"
                                       << (missing.empty() ? " none" : missing) << "\n"
                                       << result.Describe();
}

}  // namespace drdaplex::testing
