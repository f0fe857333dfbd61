#include "tests/support/sim_systems.h"

namespace drdaplex::testing {

std::unique_ptr<ServiceProcess> StartServiceIn(const SimSystems& systems, const std::string& system,
                                               ServiceOptions options, std::string* error) {
  std::unique_ptr<ServiceProcess> service;
  if (!systems.RunIn(
          system, [&] { service = ServiceProcess::Start(std::move(options), error); }, error)) {
    return nullptr;
  }
  return service;
}

}  // namespace drdaplex::testing
