// WLM registrations held by processes: a server registration
// (registry-member-tool --kind server) disappears within a second of its
// process's SIGKILL, and drdaplex-system registers its system's capacity,
// configured or measured, updates a measured one, deregisters on SIGTERM,
// vanishes with its process, and refuses to run twice for one system.
#include <gtest/gtest.h>

#include <csignal>
#include <cstdio>
#include <filesystem>

#include "registry/protocol.h"
#include "tests/registry/registry_fixture.h"
#include "tests/support/polling.h"

namespace drdaplex::testing {
namespace {

using nlohmann::json;
using registry::RegistryEvent;
namespace protocol = registry::protocol;

class WlmProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    registry_ = RegistryProcess::Start(dir_, &error);
    ASSERT_TRUE(registry_) << error;
  }
  json Call(const json& request) {
    auto client = LineClient::Connect(registry_->port());
    auto reply = client ? client->Call(request) : std::nullopt;
    EXPECT_TRUE(reply);
    return reply.value_or(json{});
  }
  // The system record of `name` as the registry holds it, or null.
  json SystemRecord(const std::string& name) {
    const json reply = Call({{"op", "query"}, {"kinds", {"system"}}});
    for (const json& row : reply.value("rows", json::array())) {
      if (row["name"] == name) return row;
    }
    return nullptr;
  }
  // Writes a /proc/stat look-alike atomically (the agent may read it any time).
  std::string WriteStat(const std::string& name, int user, int idle) {
    const std::string path = dir_.File(name);
    const std::string text = "cpu  " + std::to_string(user) + " 0 0 " + std::to_string(idle) +
                             " 0 0 0 0 0 0\ncpu0 0 0 0 0 0 0 0 0 0 0\ncpu1 0 0 0 0 0 0 0 0 0 0\n";
    dir_.WriteFile(name + ".tmp", text);
    std::filesystem::rename(path + ".tmp", path);
    return path;
  }

  TempDir dir_{"registry-wlm-processes-"};
  std::unique_ptr<RegistryProcess> registry_;
};

TEST_F(WlmProcessTest, AKilledServerLeavesWithinASecond) {
  WatchLog watch(registry_->endpoint(), {"server"});
  auto server = StartMemberTool(dir_, registry_->address(), "DRDAPLEX.NET.HWSK",
                                {"--kind", "server", "--system", "SYS1", "--address", "",
                                 "--attribute", "max_sockets=100", "--attribute", "active=0"});
  ASSERT_TRUE(server);
  ASSERT_TRUE(watch.WaitFor(IsJoined("DRDAPLEX.NET.HWSK"), kStartDeadline));
  ASSERT_EQ(Call({{"op", "wlm"}})["rows"].size(), 1u);

  const size_t seen = watch.size();
  const auto killed_at = std::chrono::steady_clock::now();
  ASSERT_TRUE(server->Kill(SIGKILL));
  const auto left =
      watch.WaitFor(IsLeft("DRDAPLEX.NET.HWSK", protocol::kConnectionClosed), kPushDeadline, seen);
  ASSERT_TRUE(left) << "no left/connection-closed within " << kPushDeadline.count()
                    << " ms of SIGKILL";
  EXPECT_EQ(left->system, "SYS1");
  // And gone from the lists, within the same second.
  const auto remaining = kPushDeadline - (std::chrono::steady_clock::now() - killed_at);
  EXPECT_TRUE(PollUntil(
      [&] {
        return Call({{"op", "wlm"}, {"list", "all"}})["rows"].empty();
      },
      std::max(std::chrono::duration_cast<std::chrono::milliseconds>(remaining),
               std::chrono::milliseconds(1))));
}

TEST_F(WlmProcessTest, ASystemAgentRegistersAConfiguredCapacityAndDeregistersOnSigterm) {
  WatchLog watch(registry_->endpoint(), {"system"});
  auto agent = StartSystemAgent(dir_, registry_->address(), "sys1", {"--capacity", "12"});
  ASSERT_TRUE(agent);
  const auto joined = watch.WaitFor(IsJoined("SYS1"), kStartDeadline);
  ASSERT_TRUE(joined) << ReadFileOrEmpty(dir_.File("system-sys1.log"));
  EXPECT_EQ(joined->members[0].kind, "system");
  EXPECT_EQ(joined->members[0].system, "SYS1");
  EXPECT_EQ(joined->members[0].attributes["capacity"], 12.0);
  EXPECT_EQ(joined->members[0].attributes["mode"], "configured");

  const ExitStatus status = agent->Stop(SIGTERM, 10s);
  EXPECT_TRUE(status.Success()) << status.ToString();
  EXPECT_TRUE(watch.WaitFor(IsLeft("SYS1", protocol::kDeregistered), kPushDeadline));
}

TEST_F(WlmProcessTest, AMeasuringAgentReportsSpareCpuAndUpdatesIt) {
  // 80 % idle since "boot" on 2 CPUs: 160.
  const std::string stat = WriteStat("stat", 200, 800);
  auto agent = StartSystemAgent(dir_, registry_->address(), "SYS2",
                                {"--measure", "--interval-ms", "50", "--proc-stat", stat});
  ASSERT_TRUE(agent);
  ASSERT_TRUE(PollUntil([&] { return !SystemRecord("SYS2").is_null(); }, kStartDeadline))
      << ReadFileOrEmpty(dir_.File("system-SYS2.log"));
  EXPECT_EQ(SystemRecord("SYS2")["attributes"]["mode"], "measured");
  EXPECT_EQ(SystemRecord("SYS2")["attributes"]["capacity"], 160.0);

  // The next interval: 300 more busy ticks and 100 idle, 25 % idle: 50.
  WriteStat("stat", 500, 900);
  EXPECT_TRUE(PollUntil([&] { return SystemRecord("SYS2")["attributes"]["capacity"] == 50.0; },
                        kStartDeadline))
      << SystemRecord("SYS2").dump();
}

TEST_F(WlmProcessTest, AMeasuringAgentOnTheRealProcStatReportsCapacity) {
  auto agent =
      StartSystemAgent(dir_, registry_->address(), "SYS3", {"--measure", "--interval-ms", "100"});
  ASSERT_TRUE(agent);
  ASSERT_TRUE(PollUntil([&] { return !SystemRecord("SYS3").is_null(); }, kStartDeadline))
      << ReadFileOrEmpty(dir_.File("system-SYS3.log"));
  const json capacity = SystemRecord("SYS3")["attributes"]["capacity"];
  ASSERT_TRUE(capacity.is_number()) << capacity.dump();
  EXPECT_GT(capacity.get<double>(), 0.0);
}

TEST_F(WlmProcessTest, AKilledAgentTakesItsSystemAlongAndASecondAgentIsRefused) {
  WatchLog watch(registry_->endpoint(), {"system"});
  auto first = StartSystemAgent(dir_, registry_->address(), "SYS4", {"--capacity", "4"});
  ASSERT_TRUE(watch.WaitFor(IsJoined("SYS4"), kStartDeadline));
  auto second = StartSystemAgent(dir_, registry_->address(), "SYS4", {"--capacity", "8"});
  const auto status = second->Wait(kStartDeadline);
  ASSERT_TRUE(status) << "a second agent for SYS4 kept running";
  EXPECT_TRUE(status->exited && status->code == 3) << status->ToString();
  EXPECT_EQ(SystemRecord("SYS4")["attributes"]["capacity"], 4.0);

  const size_t seen = watch.size();
  ASSERT_TRUE(first->Kill(SIGKILL));
  EXPECT_TRUE(watch.WaitFor(IsLeft("SYS4", protocol::kConnectionClosed), kPushDeadline, seen));
}

TEST_F(WlmProcessTest, TheAgentRefusesBadArguments) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{}, {"--capacity", "-1"}, {"--capacity", "4", "--measure"}}) {
    auto agent = StartSystemAgent(dir_, registry_->address(), "SYS5", args);
    ASSERT_TRUE(agent);
    const auto status = agent->Wait(kStartDeadline);
    ASSERT_TRUE(status);
    EXPECT_FALSE(status->Success()) << "accepted: " << ::testing::PrintToString(args);
  }
  auto bad_name = StartSystemAgent(dir_, registry_->address(), "TOOLONGNAME", {"--capacity", "1"});
  const auto status = bad_name->Wait(kStartDeadline);
  ASSERT_TRUE(status);
  EXPECT_TRUE(status->exited && status->code == 2) << status->ToString();
}

}  // namespace
}  // namespace drdaplex::testing
