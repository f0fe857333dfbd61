// Tests of the harness itself, without any drdaplex server: if these fail,
// integration failures mean nothing.
#include <crypt.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "tests/support/child_process.h"
#include "tests/support/odbm_process.h"
#include "tests/support/paths.h"
#include "tests/support/polling.h"
#include "tests/support/temp_dir.h"

namespace drdaplex::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

// A process is gone when it no longer exists or is a zombie waiting for
// init (some containers' PID 1 reaps slowly or never).
bool ProcessGone(pid_t pid) {
  if (kill(pid, 0) != 0) return true;
  std::string stat = ReadFileOrEmpty("/proc/" + std::to_string(pid) + "/stat");
  size_t paren = stat.rfind(')');
  return paren != std::string::npos && paren + 2 < stat.size() &&
         stat[paren + 2] == 'Z';
}

std::unique_ptr<ChildProcess> StartOrDie(ChildOptions options) {
  std::string error;
  std::unique_ptr<ChildProcess> child = ChildProcess::Start(std::move(options), &error);
  EXPECT_NE(child, nullptr) << error;
  return child;
}

TEST(TempDirTest, CreatesAndRemovesItsDirectory) {
  std::string path;
  {
    TempDir dir("drdaplex-selftest-");
    path = dir.path();
    EXPECT_TRUE(std::filesystem::is_directory(path));
    std::string file = dir.WriteFile("a.txt", "hello\n");
    EXPECT_EQ(ReadFileOrEmpty(file), "hello\n");
    EXPECT_TRUE(std::filesystem::is_directory(dir.MakeSubdir("x/y")));
  }
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(TempDirTest, TwoDirectoriesNeverCollide) {
  TempDir a, b;
  EXPECT_NE(a.path(), b.path());
}

TEST(TempDirTest, MovedDirectoryIsRemovedOnce) {
  std::string path;
  {
    TempDir a;
    path = a.path();
    TempDir b(std::move(a));
    EXPECT_EQ(b.path(), path);
    EXPECT_TRUE(a.path().empty());
  }
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(TailLinesTest, KeepsTheLastLines) {
  EXPECT_EQ(TailLines("a\nb\nc\n", 2), "[... 2 bytes before ...]\nb\nc\n");
  EXPECT_EQ(TailLines("a\nb\n", 5), "a\nb\n");
  EXPECT_EQ(TailLines("", 5), "");
}

TEST(ChildProcessTest, ReportsExitCode) {
  auto child = StartOrDie({.argv = {"sh", "-c", "exit 3"}});
  ASSERT_NE(child, nullptr);
  std::optional<ExitStatus> status = child->Wait(seconds(10));
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(status->exited);
  EXPECT_EQ(status->code, 3);
  EXPECT_FALSE(child->IsRunning());
  EXPECT_EQ(child->Wait(milliseconds(0))->code, 3);  // Same answer again.
}

TEST(ChildProcessTest, WaitReturnsAtTheDeadline) {
  auto child = StartOrDie({.argv = {"sleep", "30"}});
  ASSERT_NE(child, nullptr);
  auto start = Clock::now();
  EXPECT_FALSE(child->Wait(milliseconds(100)).has_value());
  EXPECT_LT(Clock::now() - start, seconds(5));
  EXPECT_TRUE(child->IsRunning());
  EXPECT_TRUE(child->Kill(SIGTERM));
  std::optional<ExitStatus> status = child->Wait(seconds(10));
  ASSERT_TRUE(status.has_value());
  EXPECT_FALSE(status->exited);
  EXPECT_EQ(status->signal, SIGTERM);
  EXPECT_FALSE(child->Kill(SIGTERM));  // Reaped: its ids are not ours any more.
}

TEST(ChildProcessTest, StopEscalatesToSigkill) {
  // The shell ignores SIGTERM once it has said so, so only SIGKILL ends it.
  TempDir dir;
  std::string ready = dir.File("ready");
  auto child = StartOrDie(
      {.argv = {"sh", "-c", "trap '' TERM; : > " + ready + "; while :; do sleep 1; done"}});
  ASSERT_NE(child, nullptr);
  ASSERT_TRUE(PollUntil([&] { return std::filesystem::exists(ready); }, seconds(10)));
  bool timed_out = false;
  ExitStatus status = child->Stop(SIGTERM, milliseconds(300), &timed_out);
  EXPECT_TRUE(timed_out);
  EXPECT_EQ(status.signal, SIGKILL);
}

TEST(ChildProcessTest, MissingProgramIsAStartError) {
  std::string error;
  EXPECT_EQ(ChildProcess::Start({.argv = {"/nonexistent/drdaplex-nothing"}}, &error),
            nullptr);
  EXPECT_NE(error.find("not found"), std::string::npos) << error;
  EXPECT_EQ(ChildProcess::Start({.argv = {"drdaplex-surely-not-in-path"}}, &error),
            nullptr);
}

TEST(ChildProcessTest, BadWorkingDirectoryIsAStartError) {
  std::string error;
  EXPECT_EQ(ChildProcess::Start({.argv = {"true"}, .working_dir = "/nonexistent/dir"},
                                &error),
            nullptr);
  EXPECT_NE(error.find("chdir"), std::string::npos) << error;
}

TEST(ChildProcessTest, RedirectsOutputEnvironmentAndDirectory) {
  TempDir dir;
  ChildOptions options;
  options.argv = {"sh", "-c", "echo \"$DRDAPLEX_SELFTEST\"; pwd; echo err >&2"};
  options.stdout_path = dir.File("out");
  options.stderr_path = dir.File("out");  // Shared: both streams in order.
  options.working_dir = dir.path();
  options.env = {{"DRDAPLEX_SELFTEST", "value 1"}};
  auto child = StartOrDie(options);
  ASSERT_NE(child, nullptr);
  ASSERT_TRUE(child->Wait(seconds(10)).has_value());
  std::string real_dir = std::filesystem::canonical(dir.path()).string();
  EXPECT_EQ(ReadFileOrEmpty(dir.File("out")), "value 1\n" + real_dir + "\nerr\n");
}

TEST(ChildProcessTest, DestructorKillsAndReaps) {
  pid_t pid;
  {
    auto child = StartOrDie({.argv = {"sleep", "30"}});
    ASSERT_NE(child, nullptr);
    pid = child->pid();
  }
  // Reaped synchronously: not even a zombie is left.
  EXPECT_NE(kill(pid, 0), 0);
}

TEST(ChildProcessTest, DestructorKillsWhatTheChildStarted) {
  TempDir dir;
  std::string pid_file = dir.File("grandchild.pid");
  pid_t grandchild = 0;
  {
    auto child = StartOrDie(
        {.argv = {"sh", "-c", "sleep 30 & echo $! > " + pid_file + ".tmp; mv " +
                                  pid_file + ".tmp " + pid_file + "; wait"}});
    ASSERT_NE(child, nullptr);
    ASSERT_TRUE(PollUntil([&] { return !ReadFileOrEmpty(pid_file).empty(); }, seconds(10)));
    grandchild = std::stoi(ReadFileOrEmpty(pid_file));
    ASSERT_FALSE(ProcessGone(grandchild));
  }
  EXPECT_TRUE(PollUntil([&] { return ProcessGone(grandchild); }, seconds(10)));
}

TEST(ChildProcessTest, ChildDiesWithTheTestProcess) {
  // A stand-in for a test process that crashes: it starts a child and exits
  // without running any destructor.
  TempDir dir;
  std::string pid_file = dir.File("child.pid");
  pid_t stand_in = fork();
  ASSERT_GE(stand_in, 0);
  if (stand_in == 0) {
    std::string error;
    auto child = ChildProcess::Start({.argv = {"sleep", "30"}}, &error);
    if (child == nullptr) _exit(2);
    std::ofstream(pid_file) << child->pid() << "\n";
    _exit(0);  // No destructors: only PR_SET_PDEATHSIG can clean up.
  }
  int wait_status = 0;
  ASSERT_EQ(waitpid(stand_in, &wait_status, 0), stand_in);
  ASSERT_TRUE(WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0);
  pid_t orphan = std::stoi(ReadFileOrEmpty(pid_file));
  EXPECT_TRUE(PollUntil([&] { return ProcessGone(orphan); }, seconds(10)))
      << "pid " << orphan << " outlived its parent";
  if (!ProcessGone(orphan)) kill(orphan, SIGKILL);
}

TEST(ChildProcessTest, IgnoredSignalsAreResetInTheChild) {
  struct sigaction ignore {}, previous {};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGINT, &ignore, &previous);
  auto child = StartOrDie({.argv = {"sleep", "30"}});
  sigaction(SIGINT, &previous, nullptr);
  ASSERT_NE(child, nullptr);
  child->Kill(SIGINT);
  std::optional<ExitStatus> status = child->Wait(seconds(10));
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(status->signal, SIGINT);
}

TEST(RunCommandTest, CapturesBothStreamsAndTheExitCode) {
  CommandResult result =
      RunCommand({"sh", "-c", "echo out; echo err >&2; exit 4"}, seconds(10));
  EXPECT_FALSE(result.timed_out);
  EXPECT_EQ(result.status.code, 4);
  EXPECT_EQ(result.stdout_text, "out\n");
  EXPECT_EQ(result.stderr_text, "err\n");
  EXPECT_FALSE(result.Success());
  EXPECT_NE(result.Describe().find("exit status 4"), std::string::npos);
}

TEST(RunCommandTest, KillsAtTheDeadline) {
  auto start = Clock::now();
  CommandResult result = RunCommand({"sleep", "30"}, milliseconds(200));
  EXPECT_TRUE(result.timed_out);
  EXPECT_EQ(result.status.signal, SIGKILL);
  EXPECT_LT(Clock::now() - start, seconds(5));
}

TEST(RunCommandTest, ReportsStartErrors) {
  CommandResult result = RunCommand({"/nonexistent/program"}, seconds(1));
  EXPECT_FALSE(result.start_error.empty());
  EXPECT_FALSE(result.Success());
}

TEST(WaitForPortFileTest, ReadsAnAtomicallyWrittenPort) {
  TempDir dir;
  std::string path = dir.File("server.port");
  auto writer = StartOrDie(
      {.argv = {"sh", "-c", "sleep 0.2; printf '4242\\n' > " + path + ".tmp; mv " +
                                path + ".tmp " + path + "; sleep 30"}});
  ASSERT_NE(writer, nullptr);
  std::string error;
  std::optional<int> port = WaitForPortFile(path, seconds(10), writer.get(), &error);
  ASSERT_TRUE(port.has_value()) << error;
  EXPECT_EQ(*port, 4242);
}

TEST(WaitForPortFileTest, RejectsGarbage) {
  TempDir dir;
  std::string error;
  EXPECT_FALSE(WaitForPortFile(dir.WriteFile("p", "http\n"), seconds(1), nullptr, &error));
  EXPECT_NE(error.find("port number"), std::string::npos) << error;
  EXPECT_FALSE(WaitForPortFile(dir.WriteFile("q", "99999\n"), seconds(1), nullptr, &error));
}

TEST(WaitForPortFileTest, GivesUpAtTheDeadline) {
  TempDir dir;
  std::string error;
  auto start = Clock::now();
  EXPECT_FALSE(WaitForPortFile(dir.File("never"), milliseconds(100), nullptr, &error));
  EXPECT_LT(Clock::now() - start, seconds(5));
  EXPECT_NE(error.find("no port file"), std::string::npos) << error;
}

TEST(WaitForPortFileTest, StopsWaitingWhenTheServerExits) {
  TempDir dir;
  auto server = StartOrDie({.argv = {"sh", "-c", "exit 7"}});
  ASSERT_NE(server, nullptr);
  std::string error;
  auto start = Clock::now();
  EXPECT_FALSE(WaitForPortFile(dir.File("never"), seconds(30), server.get(), &error));
  EXPECT_LT(Clock::now() - start, seconds(10));
  EXPECT_NE(error.find("exit status 7"), std::string::npos) << error;
}

TEST(OdbmConfigTest, RendersTheContractSyntax) {
  std::string text = OdbmConfig::SharedPair("shared.db").Render();
  EXPECT_NE(text.find("ODBM(NAME=ODBMB1\n"
                      "     DATASTORE(NAME=IMS1, ALIAS(NAME=IM1A, IO1A))\n"
                      "     DATASTORE(NAME=IMS2, ALIAS(NAME=IM1A, IO2A)))\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("DATABASE(DATASTORE=IMS1, FILE=shared.db)\n"), std::string::npos);
  EXPECT_NE(text.find("DATABASE(DATASTORE=IMS2, FILE=shared.db)\n"), std::string::npos);
  EXPECT_NE(text.find("USER(NAME=app, PASSWORD='$6$"), std::string::npos) << text;
  EXPECT_NE(text.find("', USRIDONL=Y)\nUSER(NAME=clerk, PASSWORD='$6$"), std::string::npos)
      << text;
}

TEST(OdbmConfigTest, QuotesPathsAndRendersDatastoresWithoutAliases) {
  OdbmConfig config;
  config.name = "ODBMX";
  config.datastores = {{"IMS9", {}, "/tmp/some dir/x.db"}};
  std::string text = config.Render();
  EXPECT_NE(text.find("DATASTORE(NAME=IMS9))"), std::string::npos) << text;
  EXPECT_NE(text.find("FILE='/tmp/some dir/x.db')"), std::string::npos) << text;
}

TEST(HashPasswordTest, ProducesVerifiableSha512CryptHashes) {
  std::string hash = HashPassword("secret");
  EXPECT_EQ(hash.rfind("$6$", 0), 0u) << hash;
  EXPECT_NE(HashPassword("secret"), hash);  // Fresh salt each time.
  auto data = std::make_unique<crypt_data>();
  EXPECT_EQ(std::string(crypt_r("secret", hash.c_str(), data.get())), hash);
  EXPECT_NE(std::string(crypt_r("Secret", hash.c_str(), data.get())), hash);
}

TEST(OdbmProcessTest, MissingBinaryIsReportedNotHung) {
  TempDir dir;
  std::string error;
  OdbmOptions options;
  options.binary = dir.File("no-such-odbm");
  EXPECT_EQ(OdbmProcess::Start(OdbmConfig::SharedPair(), dir.path(), &error, options),
            nullptr);
  EXPECT_NE(error.find("missing"), std::string::npos) << error;
}

TEST(OdbmProcessTest, ServerThatNeverListensTimesOut) {
  // A fake server that ignores its arguments and never writes a port file.
  TempDir dir;
  std::string fake = dir.WriteFile("fake-odbm", "#!/bin/sh\necho fake server starting >&2\nexec sleep 30\n");
  std::filesystem::permissions(fake, std::filesystem::perms::owner_all);
  OdbmOptions options;
  options.binary = fake;
  options.start_timeout = milliseconds(300);
  std::string error;
  EXPECT_EQ(OdbmProcess::Start(OdbmConfig::SharedPair(), dir.path(), &error, options),
            nullptr);
  EXPECT_NE(error.find("fake server starting"), std::string::npos) << error;
}

TEST(PathsTest, PointIntoTheBuild) {
  EXPECT_EQ(BinaryPath("drdaplex-odbm"), BinaryDir() + "/bin/drdaplex-odbm");
  EXPECT_TRUE(std::filesystem::is_directory(SourceDir() + "/tests/support"));
  EXPECT_FALSE(JavaExecutable().empty());
}

}  // namespace
}  // namespace drdaplex::testing
