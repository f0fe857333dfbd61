// SeedPlex: the IMSplex of the router issue, as real processes on loopback:
// a plex registry, ODBMB1 (IMS1: IM1A, IO1A; IMS2: IM1A, IO2A; both on one
// SQLite file: data sharing), ODBMB2 (IMS3: IO3A, IMS3; IMS4: no alias)
// and N routers (HWS1, HWS2, ...) sharing one DRDA port. Routers and ODBMs
// share a fresh plex key; the ODBMs admit only routers (ROUTERONLY=Y).
// Users at the routers: app/secret and clerk/clerkpw.
//
// Ports are all the kernel's choice: the first router binds port 0 and the
// others join its port. Everything lives in the caller's directory.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/odbm_process.h"
#include "tests/support/service_process.h"

namespace drdaplex::testing {

struct SeedPlexOptions {
  int routers = 2;
  // Extra statements for every router's configuration (EXIT, AUTH...).
  std::string router_extra_config;
  int registry_heartbeat_timeout_ms = 1500;
};

class SeedPlex {
 public:
  static std::unique_ptr<SeedPlex> Start(const std::string& dir, std::string* error,
                                         SeedPlexOptions options = {});
  ~SeedPlex();

  int port() const { return drda_port_; }
  std::string host() const { return "127.0.0.1"; }
  ServiceProcess& registry() { return *registry_; }
  ServiceProcess& router(size_t i) { return *routers_.at(i); }
  size_t router_count() const { return routers_.size(); }
  std::unique_ptr<OdbmProcess>& odbm(const std::string& name);

  // The two ODBM descriptions (for restarts).
  OdbmConfig OdbmB1Config() const;
  OdbmConfig OdbmB2Config() const;
  // Starts an ODBM of this plex (a restart after Kill, or a new one).
  std::unique_ptr<OdbmProcess> StartOdbm(const OdbmConfig& config, std::string* error);
  // Starts one more router on the shared port.
  std::unique_ptr<ServiceProcess> StartRouter(const std::string& name, std::string* error);

  // One operator command through drdaplex-ctl --json against router i.
  nlohmann::json Ctl(size_t router, const std::vector<std::string>& args);
  // Waits until every router sees exactly these ODBMs ACTIVE.
  bool WaitForActiveOdbms(const std::vector<std::string>& names,
                          std::chrono::milliseconds timeout = std::chrono::seconds(5));

  // jdbc:derby://127.0.0.1:<shared port>/<database><attributes>
  std::string JdbcUrl(const std::string& database, const std::string& attributes = "") const;

 private:
  SeedPlex() = default;
  std::string RouterConfigText(const std::string& name) const;

  std::string dir_;
  SeedPlexOptions options_;
  int drda_port_ = 0;
  std::unique_ptr<ServiceProcess> registry_;
  std::vector<std::unique_ptr<ServiceProcess>> routers_;
  std::unique_ptr<OdbmProcess> b1_, b2_;
};

}  // namespace drdaplex::testing
