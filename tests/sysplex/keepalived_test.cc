// scripts/keepalived-misc-check.sh, keepalived's MISC_CHECK for a router,
// against real routers: its exit status is keepalived's misc_dynamic code,
// 2 + the agent check's weight percentage while a router is up (HWS3 and
// HWS4 with WLM server weights 24 and 8: 38 % and 13 %, so 40 and 15), 2
// (weight 0, IPVS quiesces it) while it is drained, 1 once it is gone
// (and HWS4's follows its new weight, 13: 22).
// A stand-in drdaplex-ctl gives the replies a live router rarely does
// ("down": no free slot) and a failing one; shellcheck, when installed,
// finds nothing to say about the script.
//
// Systems: loopback addresses. The script talks only to a router's
// operator socket, so isolating the systems would add nothing but time.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cmath>

#include "tests/support/child_process.h"
#include "tests/support/paths.h"
#include "tests/support/polling.h"
#include "tests/support/temp_dir.h"
#include "tests/sysplex/sysplex_fixture.h"

namespace drdaplex::testing {
namespace {

using std::chrono::seconds;

std::string Script() { return SourceDir() + "/scripts/keepalived-misc-check.sh"; }

// The script's exit status (-1 when it did not exit by itself in time).
int Check(const std::string& admin, const std::string& ctl, std::string* output = nullptr) {
  ChildOptions options;
  options.argv = {Script()};
  if (!admin.empty()) options.argv.push_back(admin);
  options.env = {{"DRDAPLEX_CTL", ctl}, {"DRDAPLEX_CHECK_TIMEOUT", "2"}};
  const CommandResult r = RunCommand(options, seconds(10));
  if (output != nullptr) *output = r.Describe();
  return r.start_error.empty() && !r.timed_out && r.status.exited ? r.status.code : -1;
}

class KeepalivedCheckTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string error;
    plex_ = Sysplex::Start(SimSystems::Mode::kLoopback, &error).release();
    if (plex_ != nullptr &&
        !plex_->SetCapacities({{"SYS1", 16}, {"SYS2", 12}, {"SYS3", 4}}, &error)) {
      delete plex_;
      plex_ = nullptr;
    }
    start_error_ = new std::string(error);
  }
  static void TearDownTestSuite() {
    delete plex_;
    delete start_error_;
  }
  void SetUp() override { ASSERT_NE(plex_, nullptr) << *start_error_; }

  static std::string Admin(const std::string& router) {
    return plex_->RouterAddress(router) + ":" +
           std::to_string(plex_->router(router)->port("admin-port-file"));
  }

  // Waits until the script exits with `want` for `router`.
  static ::testing::AssertionResult WaitForCheck(const std::string& router, int want) {
    int last = -1;
    std::string output;
    if (PollUntil([&] { return (last = Check(Admin(router), Ctl(), &output)) == want; },
                  seconds(10))) {
      return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure()
           << "the check of " << router << " exits " << last << ", not " << want << "\n"
           << output;
  }

  static std::string Ctl() { return BinaryPath("drdaplex-ctl"); }

  static Sysplex* plex_;
  static std::string* start_error_;
};
Sysplex* KeepalivedCheckTest::plex_ = nullptr;
std::string* KeepalivedCheckTest::start_error_ = nullptr;

TEST_F(KeepalivedCheckTest, ExitStatusIsTheWeightDrainedZeroGoneOne) {
  // Server weights 24 and 8 (system weights 32 : 24 : 8, SYS1's split over
  // two routers): 38 % and 13 %, exit 2 + those.
  const int heavy = static_cast<int>(std::lround(24 * 100.0 / 64));
  const int light = static_cast<int>(std::lround(8 * 100.0 / 64));
  ASSERT_TRUE(WaitForCheck("HWS3", 2 + heavy));
  ASSERT_TRUE(WaitForCheck("HWS4", 2 + light));

  const CommandResult drain = RunCommand(
      {Ctl(), "--admin", Admin("HWS3"), "update", "router", "--drain"}, seconds(10));
  ASSERT_TRUE(drain.Success()) << drain.Describe();
  std::string output;
  EXPECT_EQ(Check(Admin("HWS3"), Ctl(), &output), 2) << output;  // drained: weight 0, at once
  EXPECT_EQ(Check(Admin("HWS4"), Ctl(), &output), 2 + light) << output;
  const CommandResult undrain = RunCommand(
      {Ctl(), "--admin", Admin("HWS3"), "update", "router", "--undrain"}, seconds(10));
  ASSERT_TRUE(undrain.Success()) << undrain.Describe();
  EXPECT_EQ(Check(Admin("HWS3"), Ctl(), &output), 2 + heavy) << output;

  // Gone: not drdaplex-ctl's own 2 (which keepalived would read as up,
  // weight 0), but 1.
  const std::string gone = Admin("HWS3");
  ASSERT_TRUE(plex_->router("HWS3")->Kill());
  EXPECT_EQ(Check(gone, Ctl(), &output), 1) << output;
  // SYS2 is out of play: capacities 16 : 4 give SYS3 weight 13, all HWS4's,
  // 20 %.
  EXPECT_TRUE(WaitForCheck("HWS4", 2 + static_cast<int>(std::lround(13 * 100.0 / 64))));
  EXPECT_EQ(Check("", Ctl(), &output), 1) << output;  // usage
}

// Replies a live router gives only when full or broken, from a stand-in
// drdaplex-ctl that prints a canned reply and exits with a given status.
TEST(KeepalivedCheckScriptTest, ReadsTheAgentStateFromTheReply) {
  TempDir dir("keepalived-check-");
  auto stub = [&](const std::string& agent, int status) {
    const std::string path = dir.WriteFile(
        "ctl", "#!/bin/sh\necho '{\"ok\":true,\"type\":\"router\",\"rows\":[{\"name\":\"HWS9\","
               "\"draining\":false,\"agent\":\"" +
                   agent + "\",\"uptime_s\":3}]}'\nexit " + std::to_string(status) + "\n");
    EXPECT_EQ(::chmod(path.c_str(), 0755), 0);
    return path;
  };
  std::string output;
  EXPECT_EQ(Check("127.0.0.1:1", stub("up ready 100% maxconn:2000", 0), &output), 102) << output;
  EXPECT_EQ(Check("127.0.0.1:1", stub("up ready 1%", 0), &output), 3) << output;
  EXPECT_EQ(Check("127.0.0.1:1", stub("up drain 38% maxconn:2000", 0), &output), 2) << output;
  EXPECT_EQ(Check("127.0.0.1:1", stub("down ready maxconn:2000", 0), &output), 1) << output;
  EXPECT_EQ(Check("127.0.0.1:1", stub("down drain maxconn:2000", 0), &output), 1) << output;
  EXPECT_EQ(Check("127.0.0.1:1", stub("up ready 38% maxconn:2000", 1), &output), 1) << output;
  EXPECT_EQ(Check("127.0.0.1:1", stub("up ready 38% maxconn:2000", 2), &output), 1) << output;
  EXPECT_EQ(Check("127.0.0.1:1", stub("sideways", 0), &output), 1) << output;
}

TEST(KeepalivedCheckScriptTest, ShellcheckFindsNothing) {
  const std::string shellcheck = FindExecutable("shellcheck");
  if (shellcheck.empty()) GTEST_SKIP() << "shellcheck is not installed";
  const CommandResult r = RunCommand({shellcheck, Script()}, seconds(30));
  EXPECT_TRUE(r.Success()) << r.Describe();
}

}  // namespace
}  // namespace drdaplex::testing
