// Sysplex: a simulated sysplex as real processes, for the distributor
// tests. Three systems (SimSystems: network namespaces where the test can
// make them, loopback addresses otherwise), a plex registry on the host
// side, a per-system WLM agent (drdaplex-system) with a configured
// capacity, one ODBM (ODBMB1: IMS1, IMS2) on the host side that admits
// only routers, and routers on the systems: HWS1 and HWS2 sharing one
// DRDA port on SYS1, HWS3 on SYS2, HWS4 on SYS3, each with its hand-over
// socket and WLM registration. Distributors are started per test with the
// DISTMETHOD it needs. With agent_checks, every router also serves the
// HAProxy agent check on its system's address (SYSPLEX AGENT), for a load
// balancer in front instead of the distributor.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "client/connection.h"
#include "tests/support/odbm_process.h"
#include "tests/support/service_process.h"
#include "tests/support/sim_systems.h"
#include "tests/support/temp_dir.h"

namespace drdaplex::testing {

struct RouterSpec {
  std::string name;    // HWS1
  std::string system;  // SYS1
};

class Sysplex {
 public:
  static std::unique_ptr<Sysplex> Start(SimSystems::Mode mode, std::string* error,
                                        bool agent_checks = false);
  ~Sysplex();

  SimSystems& systems() { return *systems_; }
  const std::string& dir() const { return dir_.path(); }
  std::string registry_address() const;

  // (Re)starts the WLM agents with these capacities (system -> capacity).
  bool SetCapacities(const std::map<std::string, int>& capacities, std::string* error);

  std::unique_ptr<ServiceProcess>& router(const std::string& name) { return routers_[name]; }
  bool StartRouter(const std::string& name, std::string* error);
  const std::vector<RouterSpec>& router_specs() const { return specs_; }
  // The address of the system the router runs on (its DRDA, operator and
  // agent-check listeners are there).
  const std::string& RouterAddress(const std::string& name) const;
  // The router's agent-check port (agent_checks only; restarting the router
  // picks a new one).
  int AgentPort(const std::string& name) { return routers_.at(name)->port("agent-port-file"); }

  // A distributor: `statements` are its VIPADISTRIBUTE/DESTIP lines; the
  // DVIPA, port, registry and name are filled in. backup_rank 0 = primary.
  std::unique_ptr<ServiceProcess> StartDistributor(const std::string& name,
                                                   const std::string& statements,
                                                   std::string* error, int backup_rank = 0,
                                                   bool when_idle = false);
  uint16_t dvipa_port() const { return dvipa_port_; }

  // One operator command to a distributor or router through drdaplex-ctl.
  nlohmann::json Ctl(ServiceProcess& service, const std::string& json_request);
  // VDPT rows of a distributor, summed per system: total and active.
  std::map<std::string, uint64_t> TotalsBySystem(ServiceProcess& distributor, const char* field);
  // Waits until the distributor sees every router ready (and, when
  // want_flag is not empty, with that weight flag: S, B...).
  bool WaitForTargets(ServiceProcess& distributor, size_t routers, const std::string& want_flag,
                      std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // A connection through the DVIPA with drdaplex's driver.
  client::Connection Connect(std::chrono::milliseconds timeout = std::chrono::seconds(5));

 private:
  Sysplex() = default;
  std::string RouterConfig(const RouterSpec& spec, uint16_t port) const;

  TempDir dir_{"dpx-sysplex-"};
  std::unique_ptr<SimSystems> systems_;
  std::unique_ptr<ServiceProcess> registry_;
  std::map<std::string, std::unique_ptr<ServiceProcess>> agents_;
  std::unique_ptr<OdbmProcess> odbm_;
  std::vector<RouterSpec> specs_;
  std::map<std::string, std::unique_ptr<ServiceProcess>> routers_;
  uint16_t shared_port_ = 0;  // the DRDA port HWS1 and HWS2 share on SYS1
  uint16_t dvipa_port_ = 0;
  bool agent_checks_ = false;
};

}  // namespace drdaplex::testing
