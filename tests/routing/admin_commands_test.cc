// AdminCommands over a RoutingTable on the seed plex: every query type, the
// updates (draining the router included), reload-exit, and the errors a bad
// request gets.
#include <gtest/gtest.h>

#include <stdexcept>

#include "router/admin/commands.h"
#include "tests/routing/routing_fixture.h"

namespace drdaplex::router::routing_test {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

std::vector<std::string> Keys(const ordered_json& row) {
  std::vector<std::string> keys;
  for (auto it = row.begin(); it != row.end(); ++it) keys.push_back(it.key());
  return keys;
}

class AdminCommandsTest : public RoutingTableTest {
 protected:
  ordered_json Run(const std::string& request) { return commands_.Execute(json::parse(request)); }

  // The rows of a successful query.
  ordered_json Rows(const std::string& request) {
    ordered_json reply = Run(request);
    EXPECT_EQ(reply["ok"], true) << reply.dump();
    return reply.value("rows", ordered_json::array());
  }

  std::string ExpectError(const json& request) {
    ordered_json reply = commands_.Execute(request);
    EXPECT_EQ(reply["ok"], false) << request.dump() << " -> " << reply.dump();
    EXPECT_TRUE(reply["error"].is_string()) << reply.dump();
    return reply.value("error", "");
  }

  std::string reload_error_;
  int reloads_ = 0;
  bool draining_ = false;
  int drain_calls_ = 0;
  AdminCommands commands_{table_, AdminHooks{[this] {
                                               ++reloads_;
                                               return reload_error_;
                                             },
                                             [this] {
                                               ordered_json info;
                                               info["name"] = "HWS1";
                                               info["drda_port"] = 6695;
                                               info["draining"] = draining_;
                                               return info;
                                             },
                                             [this](bool drain) {
                                               ++drain_calls_;
                                               draining_ = drain;
                                             }}};
};

TEST_F(AdminCommandsTest, QueryOdbm) {
  ConnectionLease lease = table_.Acquire(Route("IO1A").target);
  table_.MarkGone("ODBMB2", "heartbeat-timeout");
  ordered_json rows = Rows(R"({"command":"query","type":"odbm"})");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(Keys(rows[0]),
            (std::vector<std::string>{"name", "status", "health", "address", "datastores",
                                      "connections", "total", "stopped", "reason"}));
  EXPECT_EQ(rows[0]["name"], "ODBMB1");
  EXPECT_EQ(rows[0]["status"], "ACTIVE");
  EXPECT_EQ(rows[0]["health"], 100);
  EXPECT_EQ(rows[0]["address"], "127.0.0.1:5001");
  EXPECT_EQ(rows[0]["datastores"], 2);
  EXPECT_EQ(rows[0]["connections"], 1);
  EXPECT_EQ(rows[0]["total"], 1);
  EXPECT_EQ(rows[0]["stopped"], false);
  EXPECT_EQ(rows[1]["status"], "DISCONNECTED");
  EXPECT_EQ(rows[1]["reason"], "heartbeat-timeout");

  EXPECT_EQ(Rows(R"({"command":"query","type":"odbm","name":"odbmb2"})").size(), 1u);
  EXPECT_EQ(Rows(R"({"command":"query","type":"odbm","name":["ODBM*"]})").size(), 2u);
  EXPECT_EQ(Rows(R"({"command":"query","type":"odbm","name":["NONE"]})").size(), 0u);
}

TEST_F(AdminCommandsTest, QueryDatastore) {
  ordered_json rows = Rows(R"({"command":"query","type":"datastore","odbm":["ODBMB2"]})");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(Keys(rows[0]), (std::vector<std::string>{"odbm", "name", "status", "connections",
                                                     "total", "stopped"}));
  EXPECT_EQ(rows[0]["name"], "IMS3");
  EXPECT_EQ(rows[1]["name"], "IMS4");
  rows = Rows(R"({"command":"query","type":"datastore","name":["ims1","IMS4"]})");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0]["odbm"], "ODBMB1");
  EXPECT_EQ(rows[1]["odbm"], "ODBMB2");
}

TEST_F(AdminCommandsTest, QueryAliasAndStopRoute) {
  ordered_json rows = Rows(R"({"command":"query","type":"alias","name":"IM1A"})");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(Keys(rows[0]),
            (std::vector<std::string>{"alias", "odbm", "datastore", "odbm_status", "in_odbm",
                                      "in_router", "routable", "connections"}));
  EXPECT_EQ(rows[0]["datastore"], "IMS1");
  EXPECT_EQ(rows[1]["datastore"], "IMS2");
  EXPECT_EQ(rows[0]["routable"], true);

  ordered_json reply = Run(
      R"({"command":"update","type":"alias","name":["IM1A"],"odbm":["ODBMB1"],"action":"stop"})");
  EXPECT_EQ(reply["ok"], true) << reply.dump();
  EXPECT_EQ(reply["matched"], 1);
  EXPECT_NE(reply["message"].get<std::string>().find("STOP(ROUTE) alias IM1A"), std::string::npos);
  rows = Rows(R"({"command":"query","type":"alias","name":"IM1A"})");
  EXPECT_EQ(rows[0]["in_router"], false);
  EXPECT_EQ(rows[0]["routable"], false);
  EXPECT_EQ(Where("IM1A"), "!not-routable");

  reply = Run(R"({"command":"update","type":"alias","name":"IM1A","action":"start"})");
  EXPECT_EQ(reply["matched"], 1);
  EXPECT_EQ(Rows(R"({"command":"query","type":"alias","name":"IM1A"})")[0]["routable"], true);

  // A stop for an alias nobody has is remembered and shown.
  reply = Run(R"({"command":"update","type":"alias","name":"IO9A","action":"stop"})");
  EXPECT_EQ(reply["matched"], 0);
  EXPECT_NE(reply["message"].get<std::string>().find("remembered"), std::string::npos);
  rows = Rows(R"({"command":"query","type":"alias","name":"IO9A"})");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["odbm"], "*");
  EXPECT_EQ(rows[0]["in_odbm"], false);
  // Implicit aliases (datastore names) are listed, with an ODBM filter.
  rows = Rows(R"({"command":"query","type":"alias","odbm":"ODBMB2"})");
  std::vector<std::string> names;
  for (const auto& row : rows) names.push_back(row["alias"]);
  EXPECT_EQ(names, (std::vector<std::string>{"IO3A", "IMS3", "IMS4"}));
}

TEST_F(AdminCommandsTest, UpdateOdbmAndDatastore) {
  ordered_json reply = Run(R"({"command":"update","type":"odbm","name":"ODBMB2","action":"stop"})");
  EXPECT_EQ(reply["ok"], true);
  EXPECT_EQ(reply["matched"], 1);
  ordered_json rows = Rows(R"({"command":"query","type":"odbm","name":"ODBMB2"})");
  EXPECT_EQ(rows[0]["status"], "INACTIVE");
  EXPECT_EQ(rows[0]["stopped"], true);
  EXPECT_EQ(
      Run(R"({"command":"update","type":"odbm","name":["ODBMB2"],"action":"start"})")["matched"],
      1);

  reply = Run(R"({"command":"update","type":"datastore","name":["IMS1","IMS2"],
                  "odbm":"ODBMB1","action":"stop"})");
  EXPECT_EQ(reply["matched"], 2);
  rows = Rows(R"({"command":"query","type":"datastore","odbm":"ODBMB1"})");
  EXPECT_EQ(rows[0]["status"], "INACTIVE");
  EXPECT_EQ(rows[0]["stopped"], true);
  EXPECT_EQ(Where("IO1A"), "!not-routable");
  // No ODBM list: every ODBM that has the datastore.
  reply = Run(R"({"command":"update","type":"datastore","name":"IMS*","action":"start"})");
  EXPECT_EQ(reply["matched"], 4);
  EXPECT_EQ(Where("IO1A"), "ODBMB1/IMS1");
  reply = Run(R"({"command":"update","type":"datastore","name":"IMS9","action":"stop"})");
  EXPECT_EQ(reply["matched"], 0);
  EXPECT_NE(reply["message"].get<std::string>().find("nothing matched"), std::string::npos);
}

TEST_F(AdminCommandsTest, QueryDecisionsAndHistory) {
  Route("IO1A");
  Route("");
  Route("ZZZZ", "MALLORY");
  ordered_json rows = Rows(R"({"command":"query","type":"decisions"})");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(Keys(rows[0]), (std::vector<std::string>{"alias", "odbm", "datastore", "count"}));
  EXPECT_EQ(rows[0]["alias"], "(blank)");
  EXPECT_EQ(rows[1]["alias"], "IO1A");
  EXPECT_EQ(rows[1]["datastore"], "IMS1");
  EXPECT_EQ(rows[1]["count"], 1);
  EXPECT_EQ(rows[2]["alias"], "ZZZZ");
  EXPECT_EQ(rows[2]["odbm"], "-");
  EXPECT_EQ(rows[2]["datastore"], "unknown-alias");
  EXPECT_EQ(Rows(R"({"command":"query","type":"decisions","odbm":"ODBMB1"})").size(), 2u);

  rows = Rows(R"({"command":"query","type":"history"})");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(Keys(rows[0]),
            (std::vector<std::string>{"time", "connection", "user", "client", "alias", "effective",
                                      "outcome", "odbm", "datastore", "reason"}));
  const std::string time = rows[0]["time"];
  EXPECT_EQ(time.size(), 24u) << time;  // 2026-11-22T10:15:02.317Z
  EXPECT_EQ(time.back(), 'Z');
  EXPECT_EQ(rows[0]["outcome"], "routed");
  EXPECT_EQ(rows[1]["alias"], "(blank)");
  EXPECT_EQ(rows[2]["user"], "MALLORY");
  EXPECT_EQ(rows[2]["outcome"], "unknown-alias");
  EXPECT_EQ(rows[2]["odbm"], "-");
  rows = Rows(R"({"command":"query","type":"history","name":"zz*"})");
  ASSERT_EQ(rows.size(), 1u);
}

TEST_F(AdminCommandsTest, QueryRouter) {
  ordered_json rows = Rows(R"({"command":"query","type":"router"})");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(Keys(rows[0]),
            (std::vector<std::string>{"name", "drda_port", "draining", "generation"}));
  EXPECT_EQ(rows[0]["name"], "HWS1");
  EXPECT_EQ(rows[0]["generation"], table_.generation());

  AdminCommands bare(table_);
  ordered_json reply = bare.Execute(json::parse(R"({"command":"query","type":"router"})"));
  EXPECT_EQ(reply["ok"], true);
  EXPECT_EQ(Keys(reply["rows"][0]), (std::vector<std::string>{"generation"}));
}

TEST_F(AdminCommandsTest, UpdateRouterDrainsAndUndrains) {
  const std::string query = R"({"command":"query","type":"router"})";
  EXPECT_EQ(Rows(query)[0]["draining"], false);

  ordered_json reply = Run(R"({"command":"update","type":"router","action":"drain"})");
  EXPECT_EQ(reply["ok"], true) << reply.dump();
  EXPECT_EQ(reply["matched"], 1);
  EXPECT_NE(reply.value("message", "").find("DRAIN"), std::string::npos) << reply.dump();
  EXPECT_TRUE(draining_);
  EXPECT_EQ(Rows(query)[0]["draining"], true);
  // Draining twice is no error: the flag just stays set.
  EXPECT_EQ(Run(R"({"command":"update","type":"router","action":"drain"})")["ok"], true);
  EXPECT_TRUE(draining_);

  reply = Run(R"({"command":"update","type":"router","action":"undrain"})");
  EXPECT_EQ(reply["ok"], true) << reply.dump();
  EXPECT_NE(reply.value("message", "").find("UNDRAIN"), std::string::npos) << reply.dump();
  EXPECT_FALSE(draining_);
  EXPECT_EQ(Rows(query)[0]["draining"], false);
  EXPECT_EQ(drain_calls_, 3);

  // Routers take drain/undrain only, and no names: the router asked is the one.
  EXPECT_NE(ExpectError(json::parse(R"({"command":"update","type":"router","action":"stop"})"))
                .find("drain or undrain"),
            std::string::npos);
  const json named =
      json::parse(R"({"command":"update","type":"router","name":"HWS2","action":"drain"})");
  EXPECT_NE(ExpectError(named).find("no \"name\""), std::string::npos);
  EXPECT_NE(ExpectError(json::parse(R"({"command":"update","type":"router"})")).find("action"),
            std::string::npos);
  EXPECT_EQ(drain_calls_, 3);
  EXPECT_FALSE(draining_);

  // A router without the hook says so rather than pretending.
  AdminCommands bare(table_);
  const json drain = json::parse(R"({"command":"update","type":"router","action":"drain"})");
  EXPECT_EQ(bare.Execute(drain)["error"], "this router cannot be drained");
  // The routing table is untouched by any of it.
  EXPECT_EQ(Where("IO1A"), "ODBMB1/IMS1");
}

TEST_F(AdminCommandsTest, ReloadExit) {
  ordered_json reply = Run(R"({"command":"reload-exit"})");
  EXPECT_EQ(reply["ok"], true);
  EXPECT_EQ(reloads_, 1);
  reload_error_ = "cannot load /no/such/exit.so";
  EXPECT_EQ(ExpectError(json::parse(R"({"command":"reload-exit"})")), reload_error_);

  AdminCommands bare(table_);
  EXPECT_EQ(bare.Execute(json::parse(R"({"command":"reload-exit"})"))["ok"], false);
  AdminCommands throwing(table_,
                         {[]() -> std::string { throw std::runtime_error("boom"); }, {}, {}});
  EXPECT_EQ(throwing.Execute(json::parse(R"({"command":"reload-exit"})"))["error"], "boom");
}

TEST_F(AdminCommandsTest, BadRequestsGetErrors) {
  EXPECT_NE(ExpectError(json::array()).find("object"), std::string::npos);
  EXPECT_NE(ExpectError(json::parse(R"({})")).find("command"), std::string::npos);
  EXPECT_NE(ExpectError(json::parse(R"({"command":7})")).find("string"), std::string::npos);
  EXPECT_NE(ExpectError(json::parse(R"({"command":"frobnicate"})")).find("frobnicate"),
            std::string::npos);
  EXPECT_NE(ExpectError(json::parse(R"({"command":"query"})")).find("type"), std::string::npos);
  EXPECT_NE(ExpectError(json::parse(R"({"command":"query","type":"users"})")).find("users"),
            std::string::npos);
  EXPECT_NE(
      ExpectError(json::parse(R"({"command":"query","type":"odbm","name":[1]})")).find("name"),
      std::string::npos);
  EXPECT_NE(ExpectError(json::parse(R"({"command":"query","type":"odbm","odbm":{}})")).find("odbm"),
            std::string::npos);
  EXPECT_NE(ExpectError(json::parse(R"({"command":"update","type":"alias","action":"stop"})"))
                .find("name"),
            std::string::npos);
  EXPECT_NE(
      ExpectError(json::parse(R"({"command":"update","type":"alias","name":[],"action":"stop"})"))
          .find("name"),
      std::string::npos);
  EXPECT_NE(
      ExpectError(json::parse(R"({"command":"update","type":"alias","name":"  ","action":"stop"})"))
          .find("blank"),
      std::string::npos);
  EXPECT_NE(ExpectError(json::parse(R"({"command":"update","type":"alias","name":"IO1A"})"))
                .find("action"),
            std::string::npos);
  EXPECT_NE(
      ExpectError(json::parse(R"({"command":"update","type":"alias","name":"X","action":"pause"})"))
          .find("pause"),
      std::string::npos);
  EXPECT_NE(
      ExpectError(json::parse(R"({"command":"update","type":"port","name":"X","action":"stop"})"))
          .find("port"),
      std::string::npos);
  EXPECT_NE(ExpectError(
                json::parse(
                    R"({"command":"update","type":"odbm","name":"A","odbm":"B","action":"stop"})"))
                .find("odbm"),
            std::string::npos);
  // None of it changed the table.
  EXPECT_EQ(Where("IO1A"), "ODBMB1/IMS1");
}

}  // namespace
}  // namespace drdaplex::router::routing_test
