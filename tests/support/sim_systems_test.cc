// Tests of SimSystems, the simulated systems of a plex, in each mode this
// machine offers (namespace mode skipped, with the reason, when it cannot be
// used; loopback always): real servers (drdaplex-registry) started inside a
// system and reached with drdaplex-ctl from the host namespace and from
// another system, the DVIPA bound in the host namespace and reached from a
// system, isolation between namespaces, and nothing of ours left afterwards.
#include "tests/support/sim_systems.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/child_process.h"
#include "tests/support/paths.h"
#include "tests/support/polling.h"
#include "tests/support/service_process.h"
#include "tests/support/temp_dir.h"

namespace drdaplex::testing {

// Readable parameters in test names and ctest's listing (found by ADL).
void PrintTo(SimSystems::Mode mode, std::ostream* out) { *out << ModeName(mode); }

namespace {

using Mode = SimSystems::Mode;
using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

const std::vector<std::string> kSystems = {"SYS1", "SYS2", "SYS3"};

long long MillisecondsSince(Clock::time_point start) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - start).count();
}

// The inode of a network namespace file (/proc/<pid>/ns/net, /run/netns/<name>).
ino_t NamespaceInode(const std::string& path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0 ? info.st_ino : 0;
}

std::vector<std::string> Entries(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    names.push_back(entry.path().filename().string());
  }
  return names;
}

bool Contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// Whether some interface of the calling thread's namespace has `address`.
bool HostHasAddress(const std::string& address) {
  CommandResult result = RunCommand({"ip", "-4", "-o", "addr", "show"}, seconds(10));
  EXPECT_TRUE(result.Success()) << result.Describe();
  return result.stdout_text.find(" " + address + "/") != std::string::npos;
}

class SimSystemsTest : public ::testing::TestWithParam<Mode> {
 protected:
  void SetUp() override {
    std::string why;
    const Mode available = SimSystems::Available(&why);
    if (GetParam() == Mode::kNamespaces && available != Mode::kNamespaces) {
      GTEST_SKIP() << "network namespaces unavailable: " << why;
    }
    std::string error;
    const auto start = Clock::now();
    systems_ = SimSystems::Create(GetParam(), kSystems, &error);
    ASSERT_NE(systems_, nullptr) << error;
    std::printf("[ timing   ] %s: 3 systems set up in %lld ms\n", ModeName(GetParam()),
                MillisecondsSince(start));
  }

  void TearDown() override {
    if (systems_ == nullptr) return;
    const auto start = Clock::now();
    systems_.reset();
    std::printf("[ timing   ] %s: 3 systems torn down in %lld ms\n", ModeName(GetParam()),
                MillisecondsSince(start));
  }

  // A registry listening on `address`:0, started inside `system` (the host
  // namespace when `system` is empty).
  std::unique_ptr<ServiceProcess> StartRegistry(const std::string& system,
                                                const std::string& address,
                                                const std::string& name) {
    ServiceOptions options;
    options.program = "drdaplex-registry";
    options.name = name;
    options.dir = dir_.path();
    options.args = {"--listen", address + ":0"};
    std::string error;
    std::unique_ptr<ServiceProcess> registry =
        system.empty() ? ServiceProcess::Start(options, &error)
                       : StartServiceIn(*systems_, system, options, &error);
    EXPECT_NE(registry, nullptr) << error;
    return registry;
  }

  // drdaplex-ctl members --json against the registry at address:port, run
  // inside `system` (the host namespace when empty). Checks the reply.
  ::testing::AssertionResult Members(const std::string& system, const std::string& address,
                                     int port) {
    std::vector<std::string> argv = {BinaryPath("drdaplex-ctl"), "--registry",
                                     address + ":" + std::to_string(port), "--timeout", "5",
                                     "members", "--json"};
    if (!system.empty()) argv = systems_->CommandIn(system, argv);
    CommandResult result = RunCommand(argv, seconds(15));
    if (!result.Success()) return ::testing::AssertionFailure() << result.Describe();
    const auto reply = nlohmann::json::parse(result.stdout_text, nullptr, false);
    if (reply.is_discarded() || !reply.value("ok", false)) {
      return ::testing::AssertionFailure() << "unexpected reply:\n" << result.Describe();
    }
    return ::testing::AssertionSuccess();
  }

  TempDir dir_{"drdaplex-simsys-"};
  std::unique_ptr<SimSystems> systems_;
};

TEST_P(SimSystemsTest, GivesEachSystemAnAddressOfItsOwn) {
  EXPECT_EQ(systems_->mode(), GetParam());
  EXPECT_EQ(systems_->systems(), kSystems);
  std::vector<std::string> addresses;
  for (const std::string& system : kSystems) addresses.push_back(systems_->address(system));
  addresses.push_back(systems_->dvipa());
  addresses.push_back(systems_->host_address());
  std::vector<std::string> sorted = addresses;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(std::unique(sorted.begin(), sorted.end()), sorted.end())
      << "addresses repeat: " << ::testing::PrintToString(addresses);
  EXPECT_THROW(systems_->address("SYS9"), std::out_of_range);
  if (GetParam() == Mode::kNamespaces) {
    for (const std::string& system : kSystems) {
      EXPECT_TRUE(Contains(Entries("/run/netns"), systems_->netns(system))) << system;
    }
    EXPECT_TRUE(std::filesystem::exists("/sys/class/net/" + systems_->bridge()));
    EXPECT_TRUE(HostHasAddress(systems_->dvipa()));
    EXPECT_TRUE(HostHasAddress(systems_->host_address()));
    EXPECT_EQ(systems_->CommandIn("SYS1", {"x"}).back(), "x");
    EXPECT_EQ(systems_->CommandIn("SYS1", {"x"}).at(3), systems_->netns("SYS1"));
  } else {
    EXPECT_EQ(systems_->host_address(), "127.0.0.1");
    EXPECT_EQ(systems_->CommandIn("SYS1", {"x", "y"}), (std::vector<std::string>{"x", "y"}));
    EXPECT_TRUE(systems_->bridge().empty());
  }
}

// A server in SYS2 is reached from the host namespace and from SYS3; a
// server on the DVIPA in the host namespace from SYS1 and the host; one on
// the host address from SYS3 (where the plex registry will listen).
TEST_P(SimSystemsTest, SystemsTheHostAndTheDvipaReachEachOther) {
  const std::string sys2 = systems_->address("SYS2");
  const ino_t home = NamespaceInode("/proc/thread-self/ns/net");
  std::unique_ptr<ServiceProcess> in_sys2 = StartRegistry("SYS2", sys2, "registry-sys2");
  ASSERT_NE(in_sys2, nullptr);
  EXPECT_EQ(NamespaceInode("/proc/thread-self/ns/net"), home) << "RunIn did not come back";
  if (GetParam() == Mode::kNamespaces) {
    EXPECT_EQ(NamespaceInode("/proc/" + std::to_string(in_sys2->process().pid()) + "/ns/net"),
              NamespaceInode("/run/netns/" + systems_->netns("SYS2")));
  }
  EXPECT_TRUE(Members("", sys2, in_sys2->port()));
  EXPECT_TRUE(Members("SYS3", sys2, in_sys2->port()));
  EXPECT_TRUE(Members("SYS2", sys2, in_sys2->port()));

  std::unique_ptr<ServiceProcess> on_dvipa = StartRegistry("", systems_->dvipa(), "dvipa");
  ASSERT_NE(on_dvipa, nullptr);
  EXPECT_TRUE(Members("SYS1", systems_->dvipa(), on_dvipa->port()));
  EXPECT_TRUE(Members("", systems_->dvipa(), on_dvipa->port()));

  std::unique_ptr<ServiceProcess> on_host = StartRegistry("", systems_->host_address(), "host");
  ASSERT_NE(on_host, nullptr);
  EXPECT_TRUE(Members("SYS3", systems_->host_address(), on_host->port()));

  EXPECT_TRUE(in_sys2->Stop());
  EXPECT_TRUE(on_dvipa->Stop());
  EXPECT_TRUE(on_host->Stop());
}

// "ip netns exec" execs the program in place: the ChildProcess's pid is the
// server itself, it leads its own group, and SIGTERM reaches it.
TEST_P(SimSystemsTest, CommandInRunsTheProgramItself) {
  const std::string port_file = dir_.File("sys1.port");
  ChildOptions options;
  options.argv = systems_->CommandIn(
      "SYS1", {BinaryPath("drdaplex-registry"), "--listen", systems_->address("SYS1") + ":0",
               "--port-file", port_file});
  options.stdout_path = options.stderr_path = dir_.File("sys1.log");
  std::string error;
  std::unique_ptr<ChildProcess> child = ChildProcess::Start(options, &error);
  ASSERT_NE(child, nullptr) << error;
  std::optional<int> port = WaitForPortFile(port_file, seconds(10), child.get(), &error);
  ASSERT_TRUE(port) << error << "\n" << ReadFileOrEmpty(dir_.File("sys1.log"));

  const std::string proc = "/proc/" + std::to_string(child->pid());
  std::error_code ec;
  EXPECT_EQ(std::filesystem::read_symlink(proc + "/exe", ec).filename(), "drdaplex-registry");
  EXPECT_EQ(getpgid(child->pid()), child->pid());
  if (GetParam() == Mode::kNamespaces) {
    EXPECT_EQ(NamespaceInode(proc + "/ns/net"),
              NamespaceInode("/run/netns/" + systems_->netns("SYS1")));
  }
  EXPECT_TRUE(Members("SYS3", systems_->address("SYS1"), *port));
  bool timed_out = false;
  const ExitStatus status = child->Stop(SIGTERM, seconds(10), &timed_out);
  EXPECT_TRUE(status.Success()) << status.ToString();
  EXPECT_FALSE(timed_out);
}

// Inside SYS2 only SYS2's address is local: SYS1's cannot be bound there.
TEST_P(SimSystemsTest, NamespacesAreIsolated) {
  if (GetParam() != Mode::kNamespaces) GTEST_SKIP() << "loopback systems share one stack";
  CommandResult addrs = RunCommand(systems_->CommandIn("SYS2", {"ip", "-4", "-o", "addr"}),
                                   seconds(10));
  ASSERT_TRUE(addrs.Success()) << addrs.Describe();
  EXPECT_NE(addrs.stdout_text.find(" " + systems_->address("SYS2") + "/24"), std::string::npos)
      << addrs.stdout_text;
  EXPECT_NE(addrs.stdout_text.find(" 127.0.0.1/8"), std::string::npos) << addrs.stdout_text;
  for (const std::string& foreign : {systems_->address("SYS1"), systems_->address("SYS3"),
                                     systems_->dvipa(), systems_->host_address()}) {
    EXPECT_EQ(addrs.stdout_text.find(" " + foreign + "/"), std::string::npos)
        << foreign << " is local in SYS2:\n" << addrs.stdout_text;
  }
  EXPECT_FALSE(HostHasAddress(systems_->address("SYS2")));

  CommandResult bind_foreign = RunCommand(
      systems_->CommandIn("SYS2", {BinaryPath("drdaplex-registry"), "--listen",
                                   systems_->address("SYS1") + ":0"}),
      seconds(10));
  EXPECT_FALSE(bind_foreign.timed_out) << bind_foreign.Describe();
  EXPECT_FALSE(bind_foreign.status.Success()) << bind_foreign.Describe();
}

TEST_P(SimSystemsTest, TearDownLeavesNothing) {
  std::vector<std::string> namespaces;
  for (const std::string& system : kSystems) namespaces.push_back(systems_->netns(system));
  const std::string bridge = systems_->bridge();
  const std::string dvipa = systems_->dvipa();
  // A straggler still inside SYS3 when the systems go must not keep their
  // links alive.
  ChildOptions options;
  options.argv = systems_->CommandIn("SYS3", {"sleep", "60"});
  std::string error;
  std::unique_ptr<ChildProcess> straggler = ChildProcess::Start(options, &error);
  ASSERT_NE(straggler, nullptr) << error;

  systems_.reset();
  const std::string pid = std::to_string(getpid());
  for (const std::string& ns : Entries("/run/netns")) {
    EXPECT_NE(ns.rfind("dpx-" + pid + "-", 0), 0u) << "namespace left: " << ns;
  }
  for (const std::string& link : Entries("/sys/class/net")) {
    EXPECT_NE(link.rfind("dpx" + pid, 0), 0u) << "link left: " << link;
  }
  if (GetParam() == Mode::kNamespaces) {
    for (const std::string& ns : namespaces) EXPECT_FALSE(ns.empty());
    EXPECT_FALSE(bridge.empty());
    EXPECT_FALSE(HostHasAddress(dvipa));
  }
}

INSTANTIATE_TEST_SUITE_P(Modes, SimSystemsTest,
                         ::testing::Values(Mode::kNamespaces, Mode::kLoopback),
                         [](const ::testing::TestParamInfo<Mode>& info) {
                           return std::string(ModeName(info.param));
                         });

TEST(SimSystemsCreateTest, RejectsBadSystemNames) {
  std::string error;
  EXPECT_EQ(SimSystems::Create(Mode::kLoopback, {}, &error), nullptr);
  EXPECT_EQ(SimSystems::Create(Mode::kLoopback, {"SYS1", "SYS1"}, &error), nullptr);
  EXPECT_NE(error.find("SYS1"), std::string::npos) << error;
  EXPECT_EQ(SimSystems::Create(Mode::kLoopback, {"a/b"}, &error), nullptr);
  EXPECT_EQ(SimSystems::Create(Mode::kLoopback, {""}, &error), nullptr);
}

TEST(SimSystemsCreateTest, TwoPlexesInOneProcessGetDifferentAddresses) {
  for (Mode mode : {Mode::kNamespaces, Mode::kLoopback}) {
    std::string why;
    if (mode == Mode::kNamespaces && SimSystems::Available(&why) != mode) continue;
    std::string error;
    std::unique_ptr<SimSystems> first = SimSystems::Create(mode, {"SYS1"}, &error);
    ASSERT_NE(first, nullptr) << error;
    std::unique_ptr<SimSystems> second = SimSystems::Create(mode, {"SYS1"}, &error);
    ASSERT_NE(second, nullptr) << error;
    EXPECT_NE(first->address("SYS1"), second->address("SYS1")) << ModeName(mode);
    EXPECT_NE(first->dvipa(), second->dvipa()) << ModeName(mode);
    if (mode == Mode::kNamespaces) {
      EXPECT_NE(first->netns("SYS1"), second->netns("SYS1"));
      EXPECT_NE(first->bridge(), second->bridge());
      // The second Create's clean-up spared the first (its owner is alive).
      EXPECT_TRUE(Contains(Entries("/run/netns"), first->netns("SYS1")));
      EXPECT_TRUE(std::filesystem::exists("/sys/class/net/" + first->bridge()));
    }
  }
}

// What a crashed run leaves (a namespace with a veth into it, a bridge, a
// lone veth pair) is removed by the next Create. The "crashed run" is a shell
// that makes them under its own pid and exits: while it lives, concurrent
// Creates (ctest -j) leave its objects alone, as they must.
TEST(SimSystemsCreateTest, CreateRemovesWhatDeadRunsLeft) {
  std::string why;
  if (SimSystems::Available(&why) != Mode::kNamespaces) {
    GTEST_SKIP() << "network namespaces unavailable: " << why;
  }
  CommandResult crashed = RunCommand(
      {"bash", "-c",
       "set -e; p=$$; echo $p\n"
       "ip netns add dpx-$p-0-SYS1\n"
       "ip link add dpx${p}b0 type bridge\n"
       "ip link add dpx${p}v1 type veth peer name eth0 netns dpx-$p-0-SYS1\n"
       "ip link set dpx${p}v1 master dpx${p}b0\n"
       "ip link add dpx${p}v2 type veth peer name dpx${p}v2p\n"},
      seconds(20));
  ASSERT_TRUE(crashed.Success()) << crashed.Describe();
  const std::string pid = crashed.stdout_text.substr(0, crashed.stdout_text.find('\n'));
  ASSERT_FALSE(pid.empty());
  ASSERT_NE(kill(std::stoi(pid), 0), 0) << "the shell's pid is in use again";
  const std::string ns = "dpx-" + pid + "-0-SYS1";

  std::string error;
  std::unique_ptr<SimSystems> systems = SimSystems::Create(Mode::kNamespaces, {"SYS1"}, &error);
  ASSERT_NE(systems, nullptr) << error;
  EXPECT_FALSE(Contains(Entries("/run/netns"), ns));
  for (const char* suffix : {"b0", "v1", "v2", "v2p"}) {
    const std::string link = "dpx" + pid + suffix;
    EXPECT_FALSE(std::filesystem::exists("/sys/class/net/" + link)) << link;
  }
}

}  // namespace
}  // namespace drdaplex::testing
