// WlmServerRegistration against a real drdaplex-registry: the router's
// record (triplet from SYSPLEX, LUNAME = HWS ID by default), health and
// load kept current from its active connections (IMS Connect's MAXSOC
// rule), health 0 out of the weighted list, the router's own weight
// learned from the registry, a second router with the same triplet on the
// same system refused with 0419 (and taking over once the first ends), and
// deregistration on Stop.
#include "router/wlm/wlm_registration.h"

#include <gtest/gtest.h>

#include <atomic>

#include "registry/protocol.h"
#include "tests/registry/registry_fixture.h"
#include "tests/support/polling.h"
#include "tests/wlm/tcp_probe.h"

namespace drdaplex::router_wlm {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testing::IoThread;
using testing::kPushDeadline;
using testing::kStartDeadline;
using testing::LineClient;
using testing::PollUntil;
using testing::RegistryProcess;
using testing::TempDir;
using testing::WatchLog;

config::RouterConfig RouterConfig(const std::string& name, const std::string& system,
                                  int max_sockets = 10) {
  config::RouterConfig config;
  config.name = name;
  config.max_sockets = max_sockets;
  config.sysplex.system = system;
  config.sysplex.host_name = "router-" + name;
  config.sysplex.user_data = "user data of " + name;
  config.sysplex.agent_address = "127.0.0.1:7700";
  config.sysplex.handoff_path = "/tmp/" + name + ".handoff";
  return config;
}

WlmRegistrationOptions Fast() {
  WlmRegistrationOptions options;
  options.interval = 20ms;
  options.reconnect.initial_backoff = 20ms;
  options.reconnect.max_backoff = 200ms;
  return options;
}

class WlmRegistrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    registry_ = RegistryProcess::Start(dir_, &error);
    ASSERT_TRUE(registry_) << error;
  }
  void TearDown() override {
    // On the loop's thread, while its io_context still exists.
    io_->Run([&] { registrations_.clear(); });
    io_.reset();
  }
  WlmServerRegistration& Add(const config::RouterConfig& config, std::atomic<size_t>& active,
                             json extra = {{"drda", "127.0.0.1:6695"}}) {
    registrations_.push_back(std::make_unique<WlmServerRegistration>(
        io_->io(), registry_->endpoint(), config, [&active] { return active.load(); },
        nlohmann::ordered_json(extra), Fast()));
    registrations_.back()->Start();
    return *registrations_.back();
  }
  json Wlm(const std::string& list) {
    auto client = LineClient::Connect(registry_->port());
    auto reply = client ? client->Call({{"op", "wlm"}, {"list", list}}) : std::nullopt;
    return reply.value_or(json{});
  }
  json Row(const std::string& list, const std::string& system, const std::string& triplet) {
    for (const json& row : Wlm(list).value("rows", json::array())) {
      if (row["system"] == system && row["server"] == triplet) return row;
    }
    return nullptr;
  }

  TempDir dir_{"wlm-registration-"};
  std::unique_ptr<RegistryProcess> registry_;
  std::unique_ptr<IoThread> io_ = std::make_unique<IoThread>();
  std::vector<std::unique_ptr<WlmServerRegistration>> registrations_;
  // Read by the registrations on the loop's thread until TearDown.
  std::atomic<size_t> active_{0}, other_active_{0};
};

TEST_F(WlmRegistrationTest, RegistersTheRouterAndKeepsHealthAndLoadCurrent) {
  std::atomic<size_t>& active = active_;
  WlmServerRegistration& router = Add(RouterConfig("hws1", "SYS1"), active);
  EXPECT_EQ(router.record().name, "DRDAPLEX.NET.HWS1");  // LUNAME = the HWS ID
  EXPECT_EQ(router.record().system, "SYS1");

  ASSERT_TRUE(PollUntil([&] { return !Row("all", "SYS1", "DRDAPLEX.NET.HWS1").is_null(); },
                        kStartDeadline));
  json row = Row("all", "SYS1", "DRDAPLEX.NET.HWS1");
  EXPECT_EQ(row["health"], 100);
  EXPECT_EQ(row["active"], 0);
  EXPECT_EQ(row["max_sockets"], 10);
  EXPECT_EQ(row["host_name"], "router-hws1");
  EXPECT_EQ(row["user_data"], "user data of hws1");
  EXPECT_EQ(row["drda"], "127.0.0.1:6695");
  EXPECT_EQ(row["agent"], "127.0.0.1:7700");
  EXPECT_EQ(row["handoff"], "/tmp/hws1.handoff");
  EXPECT_TRUE(PollUntil([&] { return router.status() == WlmRegistrationStatus::kRegistered; },
                        kStartDeadline));

  // 9 of 10 slots in use: 10 % free of a MAXSOC under 1000 -> 47.
  active = 9;
  EXPECT_TRUE(PollUntil(
      [&] {
        const json now = Row("all", "SYS1", "DRDAPLEX.NET.HWS1");
        return now["health"] == 47 && now["active"] == 9;
      },
      kStartDeadline))
      << Row("all", "SYS1", "DRDAPLEX.NET.HWS1").dump();
  EXPECT_EQ(router.health(), 47);

  // Full: health 0, out of the weighted list, down for HAProxy.
  active = 10;
  EXPECT_TRUE(PollUntil([&] { return Wlm("weighted")["rows"].empty(); }, kStartDeadline));
  EXPECT_EQ(Row("all", "SYS1", "DRDAPLEX.NET.HWS1")["reason"], "health-0");
  EXPECT_EQ(FormatAgentReply(router.Agent(false)), "down ready maxconn:10\n");

  active = 0;
  EXPECT_TRUE(PollUntil([&] { return Wlm("weighted")["rows"].size() == 1; }, kStartDeadline));
}

TEST_F(WlmRegistrationTest, TheRouterLearnsItsOwnWeightFromTheRegistry) {
  auto sys1 = LineClient::Connect(registry_->port());
  auto sys2 = LineClient::Connect(registry_->port());
  ASSERT_EQ(sys1->Call(testing::SystemRequest("SYS1", 12)).value()["ok"], true);
  ASSERT_EQ(sys2->Call(testing::SystemRequest("SYS2", 4)).value()["ok"], true);
  WlmServerRegistration& hws1 = Add(RouterConfig("HWS1", "SYS1", 2000), active_);
  WlmServerRegistration& hws2 = Add(RouterConfig("HWS2", "SYS2", 2000), other_active_);
  EXPECT_TRUE(PollUntil([&] { return hws1.server_weight() == 48 && hws2.server_weight() == 16; },
                        kStartDeadline))
      << hws1.server_weight().value_or(-1) << " " << hws2.server_weight().value_or(-1);
  EXPECT_EQ(FormatAgentReply(hws1.Agent(false)), "up ready 75% maxconn:2000\n");
  EXPECT_EQ(FormatAgentReply(hws2.Agent(true)), "up drain 25% maxconn:2000\n");

  // SYS2's capacity grows to 12: both 32.
  ASSERT_EQ(sys2->Call({{"op", "update"}, {"attributes", {{"capacity", 12}}}}).value()["ok"], true);
  EXPECT_TRUE(PollUntil([&] { return hws1.server_weight() == 32 && hws2.server_weight() == 32; },
                        kStartDeadline));
}

TEST_F(WlmRegistrationTest, ASecondRouterWithTheTripletIsRefusedWith0419AndTakesOverLater) {
  WatchLog watch(registry_->endpoint(), {"server"});
  std::atomic<size_t>& active = active_;
  WlmServerRegistration& first = Add(RouterConfig("HWS1", "SYS1"), active);
  ASSERT_TRUE(PollUntil([&] { return first.status() == WlmRegistrationStatus::kRegistered; },
                        kStartDeadline));
  WlmServerRegistration& second = Add(RouterConfig("HWS1", "SYS1"), active);
  ASSERT_TRUE(PollUntil([&] { return second.status() == WlmRegistrationStatus::kRefused; },
                        kStartDeadline));
  EXPECT_EQ(second.refusal_code(), "0419");
  EXPECT_EQ(second.server_weight(), std::nullopt);  // not its namesake's
  EXPECT_EQ(Wlm("all")["rows"].size(), 1u);

  // The same triplet on another system is a registration of its own.
  WlmServerRegistration& other = Add(RouterConfig("HWS1", "SYS2"), active);
  EXPECT_TRUE(PollUntil([&] { return other.status() == WlmRegistrationStatus::kRegistered; },
                        kStartDeadline));

  // The first router stops (deregisters): the second takes the triplet over.
  const size_t seen = watch.size();
  first.Stop();
  EXPECT_TRUE(watch.WaitFor(testing::IsLeft("DRDAPLEX.NET.HWS1", registry::protocol::kDeregistered),
                            kPushDeadline, seen));
  EXPECT_TRUE(PollUntil([&] { return second.status() == WlmRegistrationStatus::kRegistered; },
                        kStartDeadline));
  EXPECT_EQ(second.refusal_code(), "");
  EXPECT_TRUE(PollUntil([&] { return Wlm("all")["rows"].size() == 2; }, kStartDeadline));
}

TEST_F(WlmRegistrationTest, AnInvalidSysplexConfigurationIsAnError) {
  std::atomic<size_t> active{0};
  config::RouterConfig config = RouterConfig("HWS1", "SYS1");
  config.sysplex.user_data = std::string(65, 'u');
  EXPECT_THROW(WlmServerRegistration(io_->io(), registry_->endpoint(), config,
                                     [&] { return active.load(); }),
               std::invalid_argument);
  config = RouterConfig("HWS1", "SYS1");
  config.sysplex.network_id = "TOOLONGNET";
  EXPECT_THROW(WlmServerRegistration(io_->io(), registry_->endpoint(), config,
                                     [&] { return active.load(); }),
               std::invalid_argument);
}

TEST(WlmServerRecordTest, TheRecordComesFromTheSysplexStatement) {
  config::RouterConfig config = RouterConfig("hws7", "sys3", 500);
  config.sysplex.location = "DB2LOC";
  config.sysplex.network_id = "NETA";
  config.sysplex.luname = "LU7";
  const registry::MemberRecord record =
      WlmServerRecordFor(config, 450, {{"drda", "10.0.0.7:446"}, {"role", "test"}});
  EXPECT_EQ(record.kind, "server");
  EXPECT_EQ(record.name, "DB2LOC.NETA.LU7");
  EXPECT_EQ(record.system, "SYS3");
  EXPECT_EQ(record.address, "10.0.0.7:446");
  EXPECT_EQ(record.health, 47);  // 10 % of 500 free, below 21 %: 10 × 100 / 21
  EXPECT_EQ(record.attributes["max_sockets"], 500);
  EXPECT_EQ(record.attributes["active"], 450);
  EXPECT_EQ(record.attributes["role"], "test");
}

}  // namespace
}  // namespace drdaplex::router_wlm
