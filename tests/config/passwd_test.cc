// Runs the drdaplex-passwd binary with a password on a pipe.
#include <stdio.h>
#include <sys/wait.h>

#include <string>

#include <gtest/gtest.h>

#include "config/crypt_hash.h"
#include "config/odbm_config.h"

namespace drdaplex::config {
namespace {

struct RunResult {
  int exit_code = -1;
  std::string out;
};

RunResult RunPasswd(const std::string& input, const std::string& args) {
  std::string command = "printf '%s' '" + input + "' | " DRDAPLEX_BINARY_DIR
                        "/bin/drdaplex-passwd " + args + " 2>/dev/null";
  RunResult result;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[512];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) {
    result.out.append(buffer, n);
  }
  int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

TEST(DrdaplexPasswd, PrintsAHashOfTheLine) {
  RunResult result = RunPasswd("s3cret pass\n", "");
  ASSERT_EQ(result.exit_code, 0);
  ASSERT_FALSE(result.out.empty());
  ASSERT_EQ(result.out.back(), '\n');
  std::string hash = result.out.substr(0, result.out.size() - 1);
  EXPECT_EQ(hash.rfind("$6$", 0), 0u) << hash;
  EXPECT_TRUE(VerifyPassword("s3cret pass", hash));
  EXPECT_FALSE(VerifyPassword("s3cret pass\n", hash));
}

TEST(DrdaplexPasswd, UserOptionPrintsAStatementTheParserAccepts) {
  RunResult result = RunPasswd("pw\n", "--user app");
  ASSERT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out.rfind("USER(NAME=app, PASSWORD='$6$", 0), 0u)
      << result.out;
  OdbmConfig config = ParseOdbmConfig(
      "ODBM(NAME=O DATASTORE(NAME=D)) DATABASE(DATASTORE=D, FILE=d.db)\n" +
          result.out,
      "t.cfg");
  ASSERT_EQ(config.users.size(), 1u);
  EXPECT_EQ(config.users[0].name, "app");
  EXPECT_TRUE(VerifyPassword("pw", config.users[0].password_hash));
}

TEST(DrdaplexPasswd, RefusesAnEmptyPassword) {
  EXPECT_EQ(RunPasswd("", "").exit_code, 1);
  EXPECT_EQ(RunPasswd("\n", "").exit_code, 1);
  EXPECT_EQ(RunPasswd("x\n", "--user ''").exit_code, 2);
}

}  // namespace
}  // namespace drdaplex::config
