// Shared set-up for the routing tests: the seed plex in registry form
// (ODBMB1 with IMS1 [IM1A, IO1A] and IMS2 [IM1A, IO2A]; ODBMB2 with IMS3
// [IO3A, IMS3] and IMS4 [no alias]), a RoutingTable over it with an
// ExitHolder the test can fill, and shorthands for routing and counting
// where connections went.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "router/exit/exit_module.h"
#include "router/exit/routing_exit.h"
#include "router/routing/routing_table.h"

namespace drdaplex::router::routing_test {

inline OdbmDescription SeedOdbmB1() {
  return {"ODBMB1",
          "127.0.0.1:5001",
          100,
          true,
          {{"IMS1", true, {"IM1A", "IO1A"}}, {"IMS2", true, {"IM1A", "IO2A"}}}};
}

inline OdbmDescription SeedOdbmB2() {
  return {"ODBMB2",
          "127.0.0.1:5002",
          100,
          true,
          {{"IMS3", true, {"IO3A", "IMS3"}}, {"IMS4", true, {}}}};
}

inline std::vector<OdbmDescription> SeedPlex() { return {SeedOdbmB1(), SeedOdbmB2()}; }

// Loads an exit (a module path or "builtin:NAME") that runs inline, or
// fails the test with the loader's message.
inline std::shared_ptr<RoutingExit> LoadExit(const std::string& spec,
                                             const std::string& config = "") {
  std::string error;
  auto module = ExitModule::Load({spec, config, "HWS1"}, &error);
  if (module == nullptr) {
    ADD_FAILURE() << "loading " << spec << ": " << error;
    return nullptr;
  }
  return std::make_shared<RoutingExit>(
      module, RoutingExitOptions{.deadline = std::chrono::milliseconds(0)});
}

class RoutingTableTest : public ::testing::Test {
 protected:
  RoutingTableTest() { table_.ReplaceAll(SeedPlex()); }

  void InstallExit(const std::string& spec, const std::string& config = "") {
    auto exit = LoadExit(spec, config);
    ASSERT_NE(exit, nullptr);
    exit_.Swap(std::move(exit));
  }

  static RouteRequest Req(const std::string& alias, const std::string& user = "USER1") {
    RouteRequest request;
    request.alias = alias;
    request.user_id = user;
    request.client_address = "192.0.2.7:50123";
    request.router_name = "HWS1";
    request.connection_id = ++next_connection_;
    return request;
  }

  RouteResult Route(const std::string& alias, const std::string& user = "USER1") {
    return table_.Route(Req(alias, user));
  }

  // "ODBMB1/IMS1" when routed, "!" + failure kind otherwise.
  std::string Where(const std::string& alias, const std::string& user = "USER1") {
    return Describe(Route(alias, user));
  }

  static std::string Describe(const RouteResult& r) {
    if (!r.ok) return "!" + std::string(ToString(r.failure));
    return r.target.odbm + "/" + r.target.datastore;
  }

  // Where `n` connections for `alias` went.
  std::map<std::string, int> Spread(const std::string& alias, int n) {
    std::map<std::string, int> seen;
    for (int i = 0; i < n; ++i) seen[Where(alias)]++;
    return seen;
  }

  ExitHolder exit_;  // declared first: the table refers to it
  RoutingTable table_{exit_};
  static inline std::atomic<uint64_t> next_connection_{0};  // tests route from threads too
};

}  // namespace drdaplex::router::routing_test
