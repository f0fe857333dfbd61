// The seed plex for exit tests: ODBMB1 with IMS1 (aliases IM1A, IO1A) and
// IMS2 (aliases IM1A, IO2A); ODBMB2 with IMS3 (aliases IO3A, IMS3) and IMS4
// (no alias). Tests edit the returned description before snapshotting it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "router/exit/exit_module.h"
#include "router/exit/exit_snapshot.h"
#include "router/exit/routing_exit.h"

namespace drdaplex::router::testing {

inline std::vector<ExitOdbmInfo> SeedPlex() {
  ExitOdbmInfo b1;
  b1.name = "ODBMB1";
  b1.datastores = {{"IMS1"}, {"IMS2"}};
  b1.aliases = {{"IM1A", "IMS1"}, {"IO1A", "IMS1"}, {"IM1A", "IMS2"}, {"IO2A", "IMS2"}};
  ExitOdbmInfo b2;
  b2.name = "ODBMB2";
  b2.datastores = {{"IMS3"}, {"IMS4"}};
  b2.aliases = {{"IO3A", "IMS3"}, {"IMS3", "IMS3"}};
  return {b1, b2};
}

inline std::shared_ptr<const ExitSnapshot> Snap(std::vector<ExitOdbmInfo> odbms) {
  return std::make_shared<const ExitSnapshot>(std::move(odbms), 1);
}

inline ExitRequest Req(std::string alias, std::string user = "USER1") {
  ExitRequest r;
  r.alias = std::move(alias);
  r.user_id = std::move(user);
  r.client_address = "192.0.2.7:50123";
  r.router_name = "HWS1";
  return r;
}

// Loads an exit or fails the test with the loader's message.
inline std::shared_ptr<ExitModule> MustLoad(const std::string& spec,
                                            const std::string& config = "") {
  std::string error;
  auto module = ExitModule::Load({spec, config, "HWS1"}, &error);
  if (!module) ADD_FAILURE() << "loading " << spec << ": " << error;
  return module;
}

}  // namespace drdaplex::router::testing
