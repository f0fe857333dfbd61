// The configuration file of each plex member, in the member's own dialect
// (the files people already know: hws1.cfg, odbmb1.cfg, sd1.cfg), rendered
// from the plex file and the addresses the launcher chose. Pure: text in,
// text out; tests parse the output back with the members' own parsers.
// Thread-safety: free functions without state.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "config/plex_config.h"

namespace drdaplex::plex {

// Where things are, once the systems exist and the registry listens.
struct PlexAddresses {
  std::string registry;             // host:port, reachable from every system
  std::string system_address;       // the member's system's address
  uint16_t shared_port = 0;         // the DRDA port of every system; 0: not chosen yet
  std::string dvipa;                // the distributed VIPA (distributors)
  std::filesystem::path dir;        // the work directory (absolute)
  std::filesystem::path plex_key;   // empty: the plex has no key
};

// HWS, TCPIP (the system's address; operator socket there too, port 0),
// ODACCESS (the shared port, the registry, the plex key), SYSPLEX (system,
// LUNAME = name, HANDOFF socket <dir>/<name>.sock), and the plex's EXIT,
// AUTH and USER statements.
std::string RouterConfigText(const config::PlexConfig& plex,
                             const config::PlexRouterConfig& router,
                             const PlexAddresses& addresses);

// ODBM with its datastores and aliases, DATABASE (relative files in the
// work directory), OPTIONS (PLEXKEY and ROUTERONLY=Y with a plex key). The
// registry and the listening address are given on the command line.
std::string OdbmConfigText(const config::PlexOdbmConfig& odbm, const PlexAddresses& addresses);

// A DATABASE file of the plex file, absolute: relative ones are in `dir`.
std::filesystem::path DatabasePath(const std::filesystem::path& file,
                                   const std::filesystem::path& dir);

// DISTRIBUTOR, VIPADEFINE or VIPABACKUP (the DVIPA), VIPADISTRIBUTE (the
// shared port and the distribution settings), REGISTRY, ADMIN (127.0.0.1,
// port 0: the launcher runs distributors in the host's namespace).
std::string DistributorConfigText(const config::DistributorConfig& distributor,
                                  const PlexAddresses& addresses);

}  // namespace drdaplex::plex
