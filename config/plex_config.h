// The plex configuration: a whole IMSplex for the launcher (harness/plex,
// `drdaplex plex up FILE`) in one IMS-style file:
//   PLEX(NAME=PLEX1, NETWORK=AUTO, PORT=0, SUPERVISE=Y, PLEXKEY=Y)
//   SYSTEM(NAME=SYS1, CAPACITY=8)
//   DISTRIBUTOR(NAME=SD1, DISTMETHOD=SERVERWLM, SHAREPORT=WLM, TSRINTERVAL=2)
//   DISTRIBUTOR(NAME=SD2, BACKUP=100)
//   ROUTER(NAME=HWS1, SYSTEM=SYS1, MAXSOC=4000)
//   ODBM(NAME=ODBMB1, SYSTEM=SYS1, START=Y
//        DATASTORE(NAME=IMS1, ALIAS(NAME=IM1A, IO1A)))
//   DATABASE(DATASTORE=IMS1, FILE=plex1.db)
//   EXIT(MODULE=builtin:default, CONFIG='mode=default', DEADLINE=50, ONFAIL=REJECT)
//   AUTH(ALIAS=IO1A, USERS=(APP))
//   USER(NAME=app, PASSWORD='$6$...')
// (grammar: grammar_def.h, Dialect::kPlex; rules: plex_semantic.h). ODBM,
// DATASTORE, ALIAS and DATABASE are written as in ODBM files, EXIT, AUTH and
// USER as in router files (they apply to every router), a DISTRIBUTOR's
// distribution settings as in VIPADISTRIBUTE. The launcher turns each member
// into a configuration file of its own dialect. Plain value types.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_error.h"
#include "config/distributor_config.h"
#include "config/odbm_config.h"
#include "config/router_config.h"
#include "config/user_config.h"

namespace drdaplex::config {

// PLEX NETWORK: how the systems get addresses of their own.
enum class PlexNetwork {
  kAuto,        // namespaces when this process can make them, else loopback
  kNamespaces,  // a network namespace per system on a bridge (root)
  kLoopback,    // a 127.0.x.y address per system, no isolation
};
std::string_view PlexNetworkName(PlexNetwork network);  // "AUTO", ...

// SYSTEM(NAME=, CAPACITY=): a simulated z/OS image with its WLM agent.
struct PlexSystemConfig {
  std::string name;   // upper case, as routers' SYSPLEX SYSTEM is kept
  int capacity = 10;  // the agent's configured capacity (drdaplex-system)
};

// ROUTER(NAME=, SYSTEM=, MAXSOC=, THREADS=): one drdaplex-router; all of a
// system's routers share its DRDA port.
struct PlexRouterConfig {
  std::string name;
  std::string system;     // upper case; names a SYSTEM
  int max_sockets = 2000;  // MAXSOC
  int threads = 0;         // THREADS: event loops; 0: the router's default
};

// ODBM(NAME=, SYSTEM=, START=, DATASTORE(...)...): one drdaplex-odbm. Its
// datastores' DATABASE files are kept as written: the launcher takes a
// relative one relative to the plex's work directory.
struct PlexOdbmConfig {
  OdbmConfig odbm;     // name and datastores (with their databases)
  std::string system;  // upper case; names a SYSTEM
  bool start = true;   // START=N: defined, started later on request
};

struct PlexConfig {
  std::string name;  // PLEX NAME
  PlexNetwork network = PlexNetwork::kAuto;
  uint16_t port = 0;       // PORT: the DRDA port of every system; 0: any
  bool supervise = true;   // SUPERVISE: restart members that die by themselves
  bool plex_key = true;    // PLEXKEY: a plex key; ODBMs admit only routers
  std::vector<PlexSystemConfig> systems;  // at least one, in file order
  // DISTRIBUTOR statements: name, backup and backup_rank, moveable_when_idle
  // and the distribution settings; dvipa, port, registry and admin are the
  // launcher's. A backup's settings are the primary's. At most one primary,
  // which comes first here; then the backups in file order.
  std::vector<DistributorConfig> distributors;
  std::vector<PlexRouterConfig> routers;  // at least one, in file order
  std::vector<PlexOdbmConfig> odbms;      // at least one, in file order
  // EXIT, AUTH, USER: every router's.
  bool has_exit = false;
  ExitConfig exit;
  std::map<std::string, std::set<std::string>> alias_users;
  std::vector<UserConfig> users;
};

// Parses a plex file's text; file_name is used in error messages and a
// relative EXIT MODULE is taken relative to its directory.
PlexConfig ParsePlexConfig(std::string_view text, const std::string& file_name);

// Reads and parses a file; an unreadable file is a ConfigError too.
PlexConfig LoadPlexConfig(const std::filesystem::path& file);

// A canonical line-oriented text of the configuration, for golden tests
// (fixtures/config/ok_plex_*.expect); ODBMs in DumpConfig's form.
std::string DumpPlexConfig(const PlexConfig& config);

}  // namespace drdaplex::config
