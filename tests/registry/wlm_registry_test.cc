// drdaplex-registry as WLM's sysplex-routing registration (IWMSRSRG and
// IWMSRSRS), driven over its protocol: servers registered per (system,
// triplet), the 0419 refusal of a second registration on one system and
// its absence on another, health-only re-registration, the weighted list
// (health 0 and full servers left out) and the list of all servers with
// the reasons, system weights from system records, and departures naming
// the system. Each test runs its own registry process.
#include <gtest/gtest.h>

#include "registry/protocol.h"
#include "tests/registry/registry_fixture.h"
#include "tests/support/polling.h"

namespace drdaplex::testing {
namespace {

using nlohmann::json;
using registry::RegistryEvent;
namespace protocol = registry::protocol;

constexpr char kTriplet[] = "DRDAPLEX.NET.HWS1";

class WlmRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    registry_ = RegistryProcess::Start(dir_, &error);
    ASSERT_TRUE(registry_) << error;
  }
  std::unique_ptr<LineClient> Connect() {
    auto client = LineClient::Connect(registry_->port());
    EXPECT_TRUE(client);
    return client;
  }
  // Registers on a new connection and checks the answer.
  std::unique_ptr<LineClient> Register(const json& request) {
    auto client = Connect();
    if (!client) return nullptr;
    const auto reply = client->Call(request);
    EXPECT_TRUE(reply && (*reply)["ok"] == true)
        << request.dump() << " -> " << (reply ? reply->dump() : "no reply");
    return client;
  }
  json Wlm(const std::string& list) {
    auto client = Connect();
    auto reply = client ? client->Call({{"op", "wlm"}, {"list", list}}) : std::nullopt;
    EXPECT_TRUE(reply);
    return reply.value_or(json{});
  }
  // The row of `triplet` on `system` in a wlm reply, or null.
  static json Row(const json& reply, const std::string& system, const std::string& triplet) {
    for (const json& row : reply.value("rows", json::array())) {
      if (row["system"] == system && row["server"] == triplet) return row;
    }
    return nullptr;
  }

  TempDir dir_{"registry-wlm-"};
  std::unique_ptr<RegistryProcess> registry_;
};

TEST_F(WlmRegistryTest, AServerIsRegisteredPushedAndInTheWeightedList) {
  WatchLog watch(registry_->endpoint(), {"server"});
  auto server = Register(ServerRequest("drdaplex.net.hws1", "sys1", 100,
                                       {{"host_name", "router1"},
                                        {"user_data", "seed"},
                                        {"drda", "127.0.0.1:6695"},
                                        {"max_sockets", 2000},
                                        {"active", 3}}));
  ASSERT_TRUE(server);
  const auto joined = watch.WaitFor(IsJoined(kTriplet), kPushDeadline);
  ASSERT_TRUE(joined);
  EXPECT_EQ(joined->members[0].system, "SYS1");
  EXPECT_EQ(joined->members[0].kind, "server");

  const json weighted = Wlm("weighted");
  EXPECT_EQ(weighted["ok"], true);
  ASSERT_EQ(weighted["rows"].size(), 1u) << weighted.dump();
  const json row = weighted["rows"][0];
  EXPECT_EQ(row["server"], kTriplet);
  EXPECT_EQ(row["system"], "SYS1");
  EXPECT_EQ(row["host_name"], "router1");
  EXPECT_EQ(row["user_data"], "seed");
  EXPECT_EQ(row["drda"], "127.0.0.1:6695");
  EXPECT_EQ(row["health"], 100);
  EXPECT_EQ(row["active"], 3);
  EXPECT_EQ(row["max_sockets"], 2000);
  // Alone in the plex and no system record: the whole 64; 3 of 2000 slots
  // in use leave it at round(64 × 0.9985) = 64.
  EXPECT_EQ(row["system_weight"], 64);
  EXPECT_EQ(row["server_weight"], 64);
  EXPECT_FALSE(row.contains("eligible"));  // the weighted list holds eligible servers only
  ASSERT_EQ(weighted["systems"].size(), 1u);
  EXPECT_EQ(weighted["systems"][0]["system"], "SYS1");
  EXPECT_EQ(weighted["systems"][0]["capacity"], nullptr);
}

TEST_F(WlmRegistryTest, ASecondRegistrationOnOneSystemIsRefusedWith0419ButNotOnAnother) {
  auto first = Register(ServerRequest(kTriplet, "SYS1"));
  ASSERT_TRUE(first);

  auto second = Connect();
  const auto refusal = second->Call(ServerRequest(kTriplet, "SYS1", 90));
  ASSERT_TRUE(refusal);
  EXPECT_EQ((*refusal)["op"], "registered");
  EXPECT_EQ((*refusal)["ok"], false);
  EXPECT_EQ((*refusal)["reason"], protocol::kAlreadyRegistered);
  EXPECT_EQ((*refusal)["code"], "0419");
  EXPECT_NE((*refusal)["message"].get<std::string>().find("on system SYS1"), std::string::npos)
      << refusal->dump();

  // The same triplet on another system: IWMSRSRG checks per MVS image.
  auto elsewhere = Register(ServerRequest(kTriplet, "SYS2"));
  ASSERT_TRUE(elsewhere);
  const json all = Wlm("all");
  ASSERT_EQ(all["rows"].size(), 2u) << all.dump();
  EXPECT_EQ(Row(all, "SYS1", kTriplet)["health"], 100);  // the first stays as it was
  EXPECT_FALSE(Row(all, "SYS2", kTriplet).is_null());

  // The refused connection may register something else.
  EXPECT_EQ(second->Call(ServerRequest(kTriplet, "SYS3")).value()["ok"], true);
}

TEST_F(WlmRegistryTest, ReRegisteringOnlyToChangeHealthIsAnUpdateAnythingElseIs0419) {
  WatchLog watch(registry_->endpoint(), {"server"});
  const json attributes{{"user_data", "v1"}};
  auto server = Register(ServerRequest(kTriplet, "SYS1", 100, attributes));
  ASSERT_TRUE(server);
  ASSERT_TRUE(watch.WaitFor(IsJoined(kTriplet), kPushDeadline));

  const size_t seen = watch.size();
  const auto again = server->Call(ServerRequest(kTriplet, "SYS1", 40, attributes));
  ASSERT_TRUE(again);
  EXPECT_EQ((*again)["ok"], true) << again->dump();
  const auto changed = watch.WaitFor(IsType(RegistryEvent::kChanged), kPushDeadline, seen);
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->members[0].health, 40);
  EXPECT_EQ(Row(Wlm("all"), "SYS1", kTriplet)["health"], 40);

  const auto different = server->Call(ServerRequest(kTriplet, "SYS1", 40, {{"user_data", "v2"}}));
  ASSERT_TRUE(different);
  EXPECT_EQ((*different)["ok"], false);
  EXPECT_EQ((*different)["reason"], protocol::kAlreadyRegistered);
  EXPECT_EQ((*different)["code"], "0419");
  EXPECT_EQ(Row(Wlm("all"), "SYS1", kTriplet)["user_data"], "v1");

  // Deregistration frees the triplet, and the update op changes load.
  EXPECT_EQ(server->Call({{"op", "update"}, {"attributes", {{"active", 5}, {"max_sockets", 10}}}})
                .value()["ok"],
            true);
  EXPECT_EQ(Row(Wlm("all"), "SYS1", kTriplet)["active"], 5);
  EXPECT_EQ(server->Call({{"op", "deregister"}}).value()["ok"], true);
  EXPECT_TRUE(Wlm("all")["rows"].empty());
  EXPECT_EQ(server->Call(ServerRequest(kTriplet, "SYS1", 100, {{"user_data", "v2"}})).value()["ok"],
            true);
}

TEST_F(WlmRegistryTest, HealthZeroAndFullServersAreLeftOutOfTheWeightedList) {
  auto well = Register(ServerRequest("LOC.NET.WELL", "SYS1"));
  auto sick = Register(ServerRequest("LOC.NET.SICK", "SYS1", 0));
  auto full =
      Register(ServerRequest("LOC.NET.FULL", "SYS1", 100, {{"active", 50}, {"max_sockets", 50}}));
  auto quiet = Connect();
  json inactive = ServerRequest("LOC.NET.QUIET", "SYS1");
  inactive["status"] = "inactive";
  ASSERT_EQ(quiet->Call(inactive).value()["ok"], true);

  const json weighted = Wlm("weighted");
  ASSERT_EQ(weighted["rows"].size(), 1u) << weighted.dump();
  EXPECT_EQ(weighted["rows"][0]["server"], "LOC.NET.WELL");
  EXPECT_EQ(weighted["rows"][0]["server_weight"], 64);  // the only eligible server of SYS1

  const json all = Wlm("all");
  ASSERT_EQ(all["rows"].size(), 4u);
  EXPECT_EQ(Row(all, "SYS1", "LOC.NET.WELL")["eligible"], true);
  EXPECT_EQ(Row(all, "SYS1", "LOC.NET.WELL")["reason"], "");
  EXPECT_EQ(Row(all, "SYS1", "LOC.NET.SICK")["eligible"], false);
  EXPECT_EQ(Row(all, "SYS1", "LOC.NET.SICK")["reason"], "health-0");
  EXPECT_EQ(Row(all, "SYS1", "LOC.NET.SICK")["server_weight"], 0);
  EXPECT_EQ(Row(all, "SYS1", "LOC.NET.FULL")["reason"], "no-free-slot");
  EXPECT_EQ(Row(all, "SYS1", "LOC.NET.QUIET")["reason"], "inactive");

  // Health back above 0: in the list again, sharing its system's weight.
  ASSERT_EQ(sick->Call({{"op", "update"}, {"health", 50}}).value()["ok"], true);
  const json both = Wlm("weighted");
  ASSERT_EQ(both["rows"].size(), 2u) << both.dump();
  EXPECT_EQ(Row(both, "SYS1", "LOC.NET.WELL")["server_weight"], 32);  // 64 / 2
  EXPECT_EQ(Row(both, "SYS1", "LOC.NET.SICK")["server_weight"], 16);  // 64 / 2 × 50 %
}

TEST_F(WlmRegistryTest, SystemWeightsComeFromTheSystemsCapacities) {
  auto sys1 = Register(SystemRequest("SYS1", 12));
  auto sys2 = Register(SystemRequest("SYS2", 4));
  auto idle = Register(SystemRequest("SYS3", 100));  // no server: not in play
  auto a = Register(ServerRequest("LOC.NET.A", "SYS1"));
  auto b = Register(ServerRequest("LOC.NET.B", "SYS2"));
  const json weighted = Wlm("weighted");
  EXPECT_EQ(Row(weighted, "SYS1", "LOC.NET.A")["system_weight"], 48);
  EXPECT_EQ(Row(weighted, "SYS2", "LOC.NET.B")["system_weight"], 16);
  EXPECT_EQ(Row(weighted, "SYS1", "LOC.NET.A")["server_weight"], 48);
  EXPECT_EQ(Row(weighted, "SYS2", "LOC.NET.B")["server_weight"], 16);
  ASSERT_EQ(weighted["systems"].size(), 3u) << weighted.dump();
  EXPECT_EQ(weighted["systems"][0]["capacity"], 12.0);
  EXPECT_EQ(weighted["systems"][0]["mode"], "configured");
  EXPECT_EQ(weighted["systems"][2]["system"], "SYS3");
  EXPECT_EQ(weighted["systems"][2]["weight"], 0);

  // A capacity update moves the weights.
  ASSERT_EQ(sys2->Call({{"op", "update"}, {"attributes", {{"capacity", 12}}}}).value()["ok"], true);
  EXPECT_EQ(Row(Wlm("weighted"), "SYS2", "LOC.NET.B")["server_weight"], 32);
}

TEST_F(WlmRegistryTest, DeparturesNameTheSystem) {
  WatchLog watch(registry_->endpoint(), {"server", "system"});
  auto on1 = Register(ServerRequest(kTriplet, "SYS1"));
  auto on2 = Register(ServerRequest(kTriplet, "SYS2"));
  ASSERT_TRUE(PollUntil([&] { return watch.View().size() == 2; }, kPushDeadline));
  on2.reset();
  const auto left = watch.WaitFor(IsLeft(kTriplet, protocol::kConnectionClosed), kPushDeadline);
  ASSERT_TRUE(left);
  EXPECT_EQ(left->system, "SYS2");
  EXPECT_EQ(left->kind, "server");
  EXPECT_EQ(watch.View().count("SYS1/" + std::string(kTriplet)), 1u);
  EXPECT_EQ(watch.View().size(), 1u);
}

TEST_F(WlmRegistryTest, AQueryElsewhereSeesARegistrationWhenItHasPropagated) {
  // Registrant and querier on separate connections: nothing promises the
  // registration is in the querier's answer at once (IWMSRSRG propagates
  // asynchronously), so the querier polls.
  auto server = Register(ServerRequest(kTriplet, "SYS1"));
  EXPECT_TRUE(PollUntil([&] { return Wlm("weighted")["rows"].size() == 1; }, kStartDeadline));
  server.reset();
  EXPECT_TRUE(PollUntil([&] { return Wlm("all")["rows"].empty(); }, kStartDeadline));
}

TEST_F(WlmRegistryTest, BadWlmRequestsAreAnsweredAsErrors) {
  auto client = Connect();
  for (const json& request :
       {json{{"op", "wlm"}, {"list", "some"}}, json{{"op", "wlm"}, {"list", 3}}}) {
    const auto reply = client->Call(request);
    ASSERT_TRUE(reply);
    EXPECT_EQ((*reply)["ok"], false) << request.dump();
    EXPECT_EQ((*reply)["reason"], protocol::kInvalid);
  }
  const auto plain = client->Call({{"op", "wlm"}});  // the weighted list by default
  ASSERT_TRUE(plain);
  EXPECT_EQ((*plain)["list"], "weighted");
  const auto bad = client->Call(ServerRequest("NOT-A-TRIPLET", "SYS1"));
  EXPECT_EQ(bad.value()["reason"], protocol::kInvalid);
}

}  // namespace
}  // namespace drdaplex::testing
