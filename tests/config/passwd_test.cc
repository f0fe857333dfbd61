// Runs the drdaplex-passwd binary with a password on a pipe, and with
// --plex-key to write plex key files.
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "config/crypt_hash.h"
#include "config/odbm_config.h"
#include "config/pass_ticket.h"

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

class PlexKeyOption : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("drdaplex-passwd-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static std::string Read(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream contents;
    contents << in.rdbuf();
    return contents.str();
  }

  std::filesystem::path dir_;
};

TEST_F(PlexKeyOption, WritesAKeyOnlyItsOwnerCanRead) {
  std::filesystem::path file = dir_ / "plex.key";
  RunResult result = RunPasswd("", "--plex-key " + file.string());
  ASSERT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, "");  // no password is read, nothing printed
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::string error;
  EXPECT_TRUE(PlexKey::Load(file, &error).has_value()) << error;

  // Each run draws a fresh key.
  std::filesystem::path other = dir_ / "other.key";
  ASSERT_EQ(RunPasswd("", "--plex-key " + other.string()).exit_code, 0);
  EXPECT_NE(Read(file), Read(other));
}

TEST_F(PlexKeyOption, KeepsAnExistingFileUnlessForced) {
  std::filesystem::path file = dir_ / "plex.key";
  std::ofstream(file) << "keep me\n";
  EXPECT_EQ(RunPasswd("", "--plex-key " + file.string()).exit_code, 1);
  EXPECT_EQ(Read(file), "keep me\n");

  ASSERT_EQ(RunPasswd("", "--plex-key " + file.string() + " --force")
                .exit_code,
            0);
  std::string error;
  EXPECT_TRUE(PlexKey::Load(file, &error).has_value()) << error;
}

TEST_F(PlexKeyOption, FailsWhereItCannotWrite) {
  EXPECT_EQ(
      RunPasswd("", "--plex-key " + (dir_ / "absent/plex.key").string())
          .exit_code,
      1);
  // --force alone, or with --user, is a usage error.
  EXPECT_NE(RunPasswd("pw\n", "--force").exit_code, 0);
  EXPECT_NE(RunPasswd("pw\n", "--user app --plex-key " +
                                   (dir_ / "k").string())
                .exit_code,
            0);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "k"));
}

}  // namespace
}  // namespace drdaplex::config
