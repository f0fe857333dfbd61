#include "harness/plex/control_address.h"

#include <fstream>

namespace drdaplex::plex {

std::optional<std::string> ControlAddress(const std::filesystem::path& dir, std::string* error) {
  std::ifstream in(dir / "control.port");
  int port = 0;
  if (!(in >> port) || port <= 0 || port > 65535) {
    *error = "no control port in " + (dir / "control.port").string() + " (is the plex up?)";
    return std::nullopt;
  }
  return "127.0.0.1:" + std::to_string(port);
}

}  // namespace drdaplex::plex
