// Beyond one machine: the real HAProxy (Debian's 2.6) in front of two real
// routers of the sysplex, steered by their agent checks. HWS3 (SYS2) and
// HWS4 (SYS3) learn WLM server weights 24 and 8 from the registry
// (capacities SYS1 16, SYS2 12, SYS3 4: system weights 32, 24, 8; SYS1's
// 32 is shared by HWS1 and HWS2) and answer HAProxy's agent check with
// 38 % and 13 % (×100/64); 400 connections with drdaplex's driver through
// HAProxy's frontend then split about 3 : 1, counted by each router
// itself (query router: total). An operator's "update router --drain" on
// HWS3 sends it no new connection while those it holds go on; a hung
// (SIGSTOPped) HWS3 and then a killed one are marked DOWN by HAProxy's
// health check, and every connection still succeeds through HWS4.
//
// The health check (CHOICE, as the README advises): "option tcp-check" on
// the router's agent port expecting a reply that starts with "up". A
// connect-only check on the DRDA port would pass for a hung router (its
// kernel still accepts into the backlog), and every check would count in
// the router's connection totals; the agent's answer needs the router's
// own event loop, and a router with no free slot says "down".
//
// Systems: network namespaces when this process may make them, so HAProxy
// in the host namespace reaches each router on its own system over a
// bridge, as it would reach other machines; loopback addresses otherwise.
// Skipped, with the reason, when HAProxy is not installed.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "tests/support/haproxy.h"
#include "tests/support/paths.h"
#include "tests/support/polling.h"
#include "tests/support/temp_dir.h"
#include "tests/sysplex/sysplex_fixture.h"

namespace drdaplex::testing {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

long long MillisSince(Clock::time_point start) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - start).count();
}

constexpr char kHeavy[] = "HWS3";  // SYS2
constexpr char kLight[] = "HWS4";  // SYS3

// The agent check's weight percentage for a WLM server weight (agent_reply.h).
int Percent(int server_weight) { return static_cast<int>(std::lround(server_weight * 100.0 / 64)); }

class HaproxyRoutersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    haproxy_binary_ = FindHaproxy();
    if (haproxy_binary_.empty()) {
      GTEST_SKIP() << "HAProxy is not installed (no /usr/sbin/haproxy, none in PATH); "
                      "scripts/setup.sh installs it";
    }
    std::string why;
    const auto mode = SimSystems::Available(&why);
    std::printf("systems: %s%s\n", ModeName(mode), why.empty() ? "" : (" (" + why + ")").c_str());
    std::string error;
    plex_ = Sysplex::Start(mode, &error, /*agent_checks=*/true);
    ASSERT_NE(plex_, nullptr) << error;
    ASSERT_TRUE(plex_->SetCapacities({{"SYS1", 16}, {"SYS2", 12}, {"SYS3", 4}}, &error)) << error;
  }

  std::string Admin(const std::string& router) {
    return plex_->RouterAddress(router) + ":" +
           std::to_string(plex_->router(router)->port("admin-port-file"));
  }

  // drdaplex-ctl --admin <router's operator socket> args...
  CommandResult Ctl(const std::string& router, std::vector<std::string> args) {
    args.insert(args.begin(), {BinaryPath("drdaplex-ctl"), "--admin", Admin(router)});
    return RunCommand(args, seconds(10));
  }

  // The router's own row of "query router".
  json RouterRow(const std::string& router) {
    const CommandResult r = Ctl(router, {"--json", "query", "router"});
    EXPECT_TRUE(r.Success()) << r.Describe();
    const json reply = json::parse(r.stdout_text, nullptr, false);
    if (reply.is_discarded() || reply.value("rows", json::array()).size() != 1) {
      ADD_FAILURE() << r.Describe();
      return json::object();
    }
    return reply["rows"][0];
  }
  uint64_t Total(const std::string& router) { return RouterRow(router).value("total", 0ull); }

  // Server weights (by LUNAME = router name) in the registry's weighted
  // list, the IWMSRSRS answer.
  std::map<std::string, int> RegistryWeights() {
    const CommandResult r =
        RunCommand({BinaryPath("drdaplex-ctl"), "--registry", plex_->registry_address(), "--json",
                    "raw", R"({"op":"wlm","list":"weighted"})"},
                   seconds(10));
    std::map<std::string, int> weights;
    const json reply = json::parse(r.stdout_text, nullptr, false);
    if (reply.is_discarded()) return weights;
    for (const json& row : reply.value("rows", json::array())) {
      const std::string triplet = row.value("server", "");
      weights[triplet.substr(triplet.rfind('.') + 1)] = row.value("server_weight", 0);
    }
    return weights;
  }

  // The line the router's agent check answers now ("" when none).
  std::string AgentReply(const std::string& router) {
    return TcpExchange(plex_->RouterAddress(router), plex_->AgentPort(router), seconds(2))
        .value_or("");
  }
  ::testing::AssertionResult WaitForAgentReply(const std::string& router,
                                               const std::string& want) {
    std::string last;
    if (PollUntil([&] { return (last = AgentReply(router)) == want; }, seconds(10))) {
      return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure()
           << router << "'s agent replies '" << last << "', not '" << want << "'";
  }

  void StartHaproxy() {
    HaproxyOptions options;
    options.binary = haproxy_binary_;
    options.dir = dir_.path();
    // The health check asks the agent port for a reply starting with "up"
    // (see the file comment); weight 100: the agent's percentage becomes
    // HAProxy's weight.
    options.backend_body =
        "  balance roundrobin\n"
        "  option tcp-check\n"
        "  tcp-check connect\n"
        "  tcp-check expect rstring ^up\n";
    for (const char* router : {kHeavy, kLight}) {
      const std::string address = plex_->RouterAddress(router);
      const int agent = plex_->AgentPort(router);
      options.backend_body += "  server " + std::string(router) + " " + address + ":" +
                              std::to_string(plex_->router(router)->port()) +
                              " weight 100 check port " + std::to_string(agent) +
                              " inter 200ms agent-check agent-addr " + address + " agent-port " +
                              std::to_string(agent) + " agent-inter 200ms\n";
      options.servers.push_back(router);
    }
    std::string error;
    haproxy_ = Haproxy::Start(options, &error);
    ASSERT_NE(haproxy_, nullptr) << error;
  }

  client::ConnectOptions ThroughHaproxy() const {
    client::ConnectOptions options;
    options.host = "127.0.0.1";
    options.port = static_cast<uint16_t>(haproxy_->port());
    options.database = "IO1A";
    options.user = "app";
    options.password = "secret";
    options.connect_timeout = seconds(5);
    options.io_timeout = seconds(5);
    return options;
  }

  // `count` connections through HAProxy, one after the other, each opened
  // (DRDA connect and sign-on through a router) and closed; how many
  // failed.
  int Drive(int count) {
    int failed = 0;
    for (int i = 0; i < count; ++i) {
      try {
        client::Connection c = client::Connection::Open(ThroughHaproxy());
      } catch (const std::exception& e) {
        if (failed++ == 0) ADD_FAILURE() << "connection " << i << ": " << e.what();
      }
    }
    return failed;
  }

  static bool Works(client::Connection& c) {
    try {
      c.QueryScalar("VALUES 1");
      return true;
    } catch (const std::exception&) {
      return false;
    }
  }

  TempDir dir_{"sysplex-haproxy-"};
  std::string haproxy_binary_;
  std::unique_ptr<Sysplex> plex_;
  std::unique_ptr<Haproxy> haproxy_;  // stopped before the routers go
};

TEST_F(HaproxyRoutersTest, SpreadFollowsWlmWeightsDrainAndDownFollowTheRouters) {
  // The registry's weights: 24 and 8, 3 : 1.
  std::map<std::string, int> weights;
  ASSERT_TRUE(PollUntil(
      [&] {
        weights = RegistryWeights();
        return weights[kHeavy] == 24 && weights[kLight] == 8;
      },
      seconds(10)))
      << "registry weights " << json(weights).dump();
  // Each router has learned its own and answers the agent check with it.
  const std::string heavy_reply = "up ready " + std::to_string(Percent(24)) + "% maxconn:2000\n";
  const std::string light_reply = "up ready " + std::to_string(Percent(8)) + "% maxconn:2000\n";
  ASSERT_TRUE(WaitForAgentReply(kHeavy, heavy_reply));
  ASSERT_TRUE(WaitForAgentReply(kLight, light_reply));
  EXPECT_EQ(RouterRow(kHeavy).value("agent", ""), heavy_reply.substr(0, heavy_reply.size() - 1));

  StartHaproxy();
  ASSERT_NE(haproxy_, nullptr);
  ASSERT_TRUE(haproxy_->WaitForServer(kHeavy, "UP", Percent(24)));  // 38
  ASSERT_TRUE(haproxy_->WaitForServer(kLight, "UP", Percent(8)));   // 13

  // 400 connections: 3 : 1 is 300 : 100; allow 3 % of the total (the
  // percentages 38 : 13 themselves give 298 : 102).
  uint64_t heavy_before = Total(kHeavy), light_before = Total(kLight);
  EXPECT_EQ(Drive(400), 0);
  uint64_t heavy = Total(kHeavy) - heavy_before, light = Total(kLight) - light_before;
  std::printf("400 connections through HAProxy: %s %llu, %s %llu\n", kHeavy,
              static_cast<unsigned long long>(heavy), kLight,
              static_cast<unsigned long long>(light));
  EXPECT_EQ(heavy + light, 400u) << "connections reached the routers other than through HAProxy";
  EXPECT_NEAR(static_cast<double>(heavy), 300, 12);
  EXPECT_NEAR(static_cast<double>(light), 100, 12);

  // Connections held across the drain: opened until HWS3 holds two (with
  // weights 38 : 13 that takes a handful).
  std::vector<client::Connection> held;
  int held_by_heavy = 0;
  while (held_by_heavy < 2 && held.size() < 40) {
    held.push_back(client::Connection::Open(ThroughHaproxy()));
    held_by_heavy = RouterRow(kHeavy).value("active", 0);
  }
  ASSERT_GE(held_by_heavy, 2);

  // Drain HWS3: its agent says "drain", HAProxy sends it nothing new.
  CommandResult drain = Ctl(kHeavy, {"update", "router", "--drain"});
  ASSERT_TRUE(drain.Success()) << drain.Describe();
  EXPECT_EQ(RouterRow(kHeavy).value("draining", false), true);
  ASSERT_TRUE(WaitForAgentReply(kHeavy, "up drain " + std::to_string(Percent(24)) +
                                            "% maxconn:2000\n"));
  ASSERT_TRUE(haproxy_->WaitForServer(kHeavy, "DRAIN"));
  heavy_before = Total(kHeavy);
  light_before = Total(kLight);
  EXPECT_EQ(Drive(100), 0);
  EXPECT_EQ(Total(kHeavy) - heavy_before, 0u) << "a drained router got new connections";
  EXPECT_EQ(Total(kLight) - light_before, 100u);
  // What it held goes on.
  for (auto& c : held) EXPECT_TRUE(Works(c));
  EXPECT_EQ(RouterRow(kHeavy).value("active", 0), held_by_heavy);
  held.clear();

  // Undrained: back in at its weight.
  CommandResult undrain = Ctl(kHeavy, {"update", "router", "--undrain"});
  ASSERT_TRUE(undrain.Success()) << undrain.Describe();
  ASSERT_TRUE(haproxy_->WaitForServer(kHeavy, "UP", Percent(24)));
  heavy_before = Total(kHeavy);
  EXPECT_EQ(Drive(20), 0);
  EXPECT_GT(Total(kHeavy) - heavy_before, 0u) << "the undrained router got no connection";

  // Hung: the agent gets no answer, the health check times out: DOWN.
  ASSERT_TRUE(plex_->router(kHeavy)->Pause());
  auto since = Clock::now();
  ASSERT_TRUE(haproxy_->WaitForServer(kHeavy, "DOWN", -1, seconds(20)));
  std::printf("hung %s marked DOWN after %lld ms\n", kHeavy, MillisSince(since));
  light_before = Total(kLight);
  EXPECT_EQ(Drive(50), 0);
  EXPECT_EQ(Total(kLight) - light_before, 50u);
  ASSERT_TRUE(plex_->router(kHeavy)->Resume());
  ASSERT_TRUE(haproxy_->WaitForServer(kHeavy, "UP", -1, seconds(20)));

  // Killed: DOWN, and every connection still succeeds through HWS4.
  ASSERT_TRUE(plex_->router(kHeavy)->Kill());
  since = Clock::now();
  ASSERT_TRUE(haproxy_->WaitForServer(kHeavy, "DOWN", -1, seconds(20)));
  std::printf("killed %s marked DOWN after %lld ms\n", kHeavy, MillisSince(since));
  light_before = Total(kLight);
  EXPECT_EQ(Drive(100), 0);
  EXPECT_EQ(Total(kLight) - light_before, 100u);

  EXPECT_TRUE(haproxy_->Stop());
}

}  // namespace
}  // namespace drdaplex::testing
