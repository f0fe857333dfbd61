// drdaplex-registry, driven over its protocol: registration, refusal of a
// second registration of a name, updates pushed to watchers, deregistration,
// queries, and the bounds (bad JSON, over-long lines, idle connections,
// watchers that do not read). Each test runs its own registry process.
#include <gtest/gtest.h>

#include <csignal>

#include "registry/protocol.h"
#include "tests/registry/registry_fixture.h"
#include "tests/support/polling.h"

namespace drdaplex::testing {
namespace {

using nlohmann::json;
using registry::RegistryEvent;
namespace protocol = registry::protocol;

class RegistryProtocolTest : public ::testing::Test {
 protected:
  void StartRegistry(std::vector<std::string> args = {}) {
    std::string error;
    registry_ = RegistryProcess::Start(dir_, &error, std::move(args));
    ASSERT_TRUE(registry_) << error;
  }
  std::unique_ptr<LineClient> Connect() {
    auto client = LineClient::Connect(registry_->port());
    EXPECT_TRUE(client);
    return client;
  }
  // Registers `name` on a new connection and checks the answer.
  std::unique_ptr<LineClient> Register(const std::string& name, int health = 100) {
    auto client = Connect();
    if (!client) return nullptr;
    const auto reply = client->Call(RegisterRequest(name, health));
    EXPECT_TRUE(reply && (*reply)["ok"] == true) << (reply ? reply->dump() : "no reply");
    return client;
  }
  json Query(const json& request = {{"op", "query"}}) {
    auto client = Connect();
    auto reply = client ? client->Call(request) : std::nullopt;
    EXPECT_TRUE(reply);
    return reply.value_or(json{});
  }

  TempDir dir_{"registry-protocol-"};
  std::unique_ptr<RegistryProcess> registry_;
};

TEST_F(RegistryProtocolTest, RegistrationIsPushedToWatchers) {
  StartRegistry();
  WatchLog watch(registry_->endpoint());
  ASSERT_TRUE(watch.WaitFor(IsType(RegistryEvent::kSnapshot), kStartDeadline));
  EXPECT_TRUE(watch.View().empty());

  auto member = Connect();
  ASSERT_TRUE(member);
  const auto reply = member->Call(RegisterRequest("odbmb1"));
  ASSERT_TRUE(reply);
  EXPECT_EQ((*reply)["op"], "registered");
  EXPECT_EQ((*reply)["ok"], true);
  EXPECT_EQ((*reply)["timeout_ms"], 3000);
  EXPECT_EQ((*reply)["heartbeat_ms"], 1000);

  const auto joined = watch.WaitFor(IsJoined("ODBMB1"), kPushDeadline);
  ASSERT_TRUE(joined) << "no joined event within " << kPushDeadline.count() << " ms";
  const registry::MemberRecord& record = joined->members[0];
  EXPECT_EQ(record.system, "SYS1");
  EXPECT_EQ(record.address, "127.0.0.1:40123");
  EXPECT_FALSE(record.since.empty());
  EXPECT_EQ(record.peer.rfind("127.0.0.1:", 0), 0u) << record.peer;
  ASSERT_EQ(registry::OdbmDatastores(record).size(), 1u);
  EXPECT_EQ(registry::OdbmDatastores(record)[0].aliases, std::vector<std::string>{"IM1A"});

  // A watcher that subscribes now gets it in its snapshot.
  WatchLog late(registry_->endpoint());
  EXPECT_TRUE(late.WaitFor(IsSnapshotWith("ODBMB1"), kStartDeadline));
}

TEST_F(RegistryProtocolTest, ASecondRegistrationOfANameIsRefusedAndTheFirstStays) {
  StartRegistry();
  auto first = Register("ODBMB1");
  ASSERT_TRUE(first);
  const std::string first_peer = Query()["rows"][0]["peer"];

  auto second = Connect();
  const auto refusal = second->Call(RegisterRequest("ODBMB1", 100, "127.0.0.1:40999"));
  ASSERT_TRUE(refusal);
  EXPECT_EQ((*refusal)["op"], "registered");
  EXPECT_EQ((*refusal)["ok"], false);
  EXPECT_EQ((*refusal)["reason"], protocol::kAlreadyRegistered);
  EXPECT_EQ((*refusal)["message"], "ODBM ODBMB1 is already registered from " + first_peer);

  const json rows = Query()["rows"];
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["peer"], first_peer);
  EXPECT_EQ(rows[0]["address"], "127.0.0.1:40123");
  // The refused connection may still do other things.
  EXPECT_EQ(second->Call({{"op", "query"}}).value()["ok"], true);
}

TEST_F(RegistryProtocolTest, HealthChangesArePushedAsChanged) {
  StartRegistry();
  WatchLog watch(registry_->endpoint());
  auto member = Register("ODBMB1");
  ASSERT_TRUE(watch.WaitFor(IsJoined("ODBMB1"), kPushDeadline));

  // The explicit way: update.
  EXPECT_EQ(member->Call({{"op", "update"}, {"health", 80}}),
            json::parse(R"({"op":"updated","ok":true})"));
  auto changed = watch.WaitFor(IsType(RegistryEvent::kChanged), kPushDeadline);
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->members[0].health, 80);

  // The IWMSRSRG way: the same registration again, only the health differs.
  const size_t seen = watch.size();
  const auto again = member->Call(RegisterRequest("ODBMB1", 40));
  ASSERT_TRUE(again);
  EXPECT_EQ((*again)["ok"], true);
  changed = watch.WaitFor(IsType(RegistryEvent::kChanged), kPushDeadline, seen);
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->members[0].health, 40);
  EXPECT_EQ(Query()["rows"][0]["health"], 40);

  // Anything else on the same connection is a second registration.
  const auto other = member->Call(RegisterRequest("ODBMB2"));
  ASSERT_TRUE(other);
  EXPECT_EQ((*other)["reason"], protocol::kOnePerConnection);
  const auto moved = member->Call(RegisterRequest("ODBMB1", 40, "127.0.0.1:1"));
  EXPECT_EQ(moved.value()["reason"], protocol::kOnePerConnection);
}

TEST_F(RegistryProtocolTest, InvalidUpdatesChangeNothing) {
  StartRegistry();
  auto member = Register("ODBMB1");
  const auto reply = member->Call({{"op", "update"}, {"health", 80}, {"status", "sleepy"}});
  ASSERT_TRUE(reply);
  EXPECT_EQ((*reply)["ok"], false);
  EXPECT_EQ((*reply)["reason"], protocol::kInvalid);
  EXPECT_EQ(Query()["rows"][0]["health"], 100);

  auto stranger = Connect();
  EXPECT_EQ(stranger->Call({{"op", "update"}, {"health", 1}}).value()["reason"],
            protocol::kNotRegistered);
}

TEST_F(RegistryProtocolTest, DeregisterRemovesAndPushesLeft) {
  StartRegistry();
  WatchLog watch(registry_->endpoint());
  auto member = Register("ODBMB1");
  ASSERT_TRUE(watch.WaitFor(IsJoined("ODBMB1"), kPushDeadline));
  EXPECT_EQ(member->Call({{"op", "deregister"}}),
            json::parse(R"({"op":"deregistered","ok":true})"));
  EXPECT_TRUE(watch.WaitFor(IsLeft("ODBMB1", protocol::kDeregistered), kPushDeadline));
  EXPECT_TRUE(Query()["rows"].empty());
  // The name is free again, even for the same connection.
  EXPECT_EQ(member->Call(RegisterRequest("ODBMB1")).value()["ok"], true);
}

TEST_F(RegistryProtocolTest, ClosingTheConnectionDeregisters) {
  StartRegistry();
  WatchLog watch(registry_->endpoint());
  auto member = Register("ODBMB1");
  ASSERT_TRUE(watch.WaitFor(IsJoined("ODBMB1"), kPushDeadline));
  member.reset();
  EXPECT_TRUE(watch.WaitFor(IsLeft("ODBMB1", protocol::kConnectionClosed), kPushDeadline));
  EXPECT_TRUE(watch.View().empty());
}

TEST_F(RegistryProtocolTest, QueryFiltersByKind) {
  StartRegistry();
  auto odbm = Register("ODBMB1");
  auto server = Connect();
  ASSERT_EQ(server
                ->Call({{"op", "register"},
                        {"kind", "server"},
                        {"name", "LOC1.NET1.LU1"},
                        {"address", "127.0.0.1:446"}})
                .value()["ok"],
            true);
  EXPECT_EQ(Query()["rows"].size(), 2u);
  const json odbms = Query({{"op", "query"}, {"kinds", {"odbm"}}});
  ASSERT_EQ(odbms["rows"].size(), 1u);
  EXPECT_EQ(odbms["rows"][0]["name"], "ODBMB1");
  EXPECT_EQ(Query({{"op", "query"}, {"kinds", "odbm"}})["reason"], protocol::kInvalid);
}

TEST_F(RegistryProtocolTest, BadRequestsGetAnErrorAndTheConnectionStays) {
  StartRegistry();
  auto client = Connect();
  for (const std::string line : {"garbage", "[1]", R"({"op":"fly"})", R"({"no":"op"})"}) {
    ASSERT_TRUE(client->SendRaw(line + "\n"));
    const auto reply = client->Read();
    ASSERT_TRUE(reply) << line;
    EXPECT_EQ((*reply)["ok"], false) << line;
    EXPECT_EQ((*reply)["reason"], protocol::kInvalid) << line;
    EXPECT_FALSE((*reply)["message"].get<std::string>().empty());
  }
  EXPECT_EQ(client->Call({{"op", "query"}}).value()["ok"], true);
  const auto invalid = client->Call({{"op", "register"}, {"name", "TOO-LONG-NAME"}});
  EXPECT_EQ(invalid.value()["reason"], protocol::kInvalid);
}

TEST_F(RegistryProtocolTest, TooManyErrorsInARowCloseTheConnection) {
  StartRegistry();
  auto client = Connect();
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(client->SendRaw("garbage\n"));
  EXPECT_TRUE(client->WaitClosed(5s));
}

TEST_F(RegistryProtocolTest, AnOverLongLineIsAnsweredAndClosedWhileOthersAreServed) {
  StartRegistry();
  WatchLog watch(registry_->endpoint());
  auto member = Register("ODBMB1");
  auto client = Connect();
  ASSERT_TRUE(client->SendRaw("{\"op\":\"query\",\"pad\":\"" + std::string(70 * 1024, 'x') + "\"}\n"));
  const auto reply = client->Read();
  ASSERT_TRUE(reply);
  EXPECT_EQ((*reply)["reason"], protocol::kInvalid);
  EXPECT_NE((*reply)["message"].get<std::string>().find("longer than 65536"), std::string::npos);
  EXPECT_TRUE(client->WaitClosed(5s));
  EXPECT_EQ(Query()["rows"].size(), 1u);
  EXPECT_EQ(member->Call({{"op", "update"}, {"health", 5}}).value()["ok"], true);
  EXPECT_TRUE(watch.WaitFor(IsType(RegistryEvent::kChanged), kPushDeadline));
}

TEST_F(RegistryProtocolTest, IdleConnectionsAreClosedButWatchersAreNot) {
  StartRegistry({"--idle-timeout-ms", "300"});
  auto idle = Connect();
  auto watcher = Connect();
  ASSERT_EQ(watcher->Call({{"op", "subscribe"}}).value()["op"], "snapshot");
  EXPECT_TRUE(idle->WaitClosed(5s));
  // The watcher outlived several idle timeouts and still gets pushes.
  auto member = Register("ODBMB1");
  const auto joined = watcher->Read();
  ASSERT_TRUE(joined);
  EXPECT_EQ((*joined)["op"], "joined");
}

TEST_F(RegistryProtocolTest, AWatcherThatDoesNotReadIsDroppedNotWaitedFor) {
  StartRegistry();
  auto stuck = Connect();
  ASSERT_EQ(stuck->Call({{"op", "subscribe"}}).value()["op"], "snapshot");
  auto member = Register("ODBMB1");
  // Each update carries 32 KiB of attributes; 600 of them are 20 MB of
  // events, more than the kernel buffers plus the registry's 1 MiB bound.
  json update{{"op", "update"}, {"attributes", {{"pad", std::string(32 * 1024, 'x')}}}};
  for (int i = 0; i < 600; ++i) {
    update["attributes"]["n"] = i;
    ASSERT_TRUE(member->Send(update));
    const auto reply = member->Read();
    ASSERT_TRUE(reply) << i;  // the registry never blocked on the stuck watcher
    ASSERT_EQ((*reply)["ok"], true) << i;
  }
  EXPECT_TRUE(stuck->WaitClosed(10s));
}

TEST_F(RegistryProtocolTest, SigtermStopsTheRegistryCleanly) {
  StartRegistry();
  auto member = Register("ODBMB1");
  const ExitStatus status = registry_->process().Stop(SIGTERM, 10s);
  EXPECT_TRUE(status.Success()) << status.ToString() << "\n" << registry_->Log();
}

}  // namespace
}  // namespace drdaplex::testing
