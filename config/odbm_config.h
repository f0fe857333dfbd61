// The ODBM configuration: what drdaplex-odbm serves, and to whom.
// ParseOdbmConfig/LoadOdbmConfig read the IMS CSLDCxxx-style file
//   ODBM(NAME=ODBMB1 DATASTORE(NAME=IMS1, ALIAS(NAME=IM1A, IO1A)))
//   DATABASE(DATASTORE=IMS1, FILE=data/ims1.db)
//   USER(NAME=app, PASSWORD='$6$...')
//   OPTIONS(THREADS=4, BUSYTIMEOUT=5000, REGISTRY=127.0.0.1:7001,
//           PLEXKEY=plex.key, ROUTERONLY=Y)
// (grammar: grammar_def.h; rules: semantic.h) and either return a complete,
// validated configuration or throw ConfigError naming file:line:column.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_error.h"
#include "config/user_config.h"

namespace drdaplex::config {

struct DatastoreConfig {
  std::string name;                  // 1-8 characters, as written
  std::vector<std::string> aliases;  // in file order, no duplicates
  std::filesystem::path database;    // SQLite file, resolved (see below)
  SourcePosition position;           // of the DATASTORE statement
};

struct OdbmConfig {
  std::string name;                         // ODBM name
  std::vector<DatastoreConfig> datastores;  // in file order
  std::vector<UserConfig> users;            // in file order
  int threads = 0;                          // 0: choose from the core count
  int busy_timeout_ms = 5000;               // SQLite busy timeout
  // OPTIONS(REGISTRY=host:port): the plex registry this ODBM registers with;
  // empty: none (the ODBM is reached only by its own address).
  std::string registry_address;
  // OPTIONS(PLEXKEY=file): the plex key (pass_ticket.h), resolved like a
  // DATABASE FILE; empty: none. The parser does not read the file.
  std::filesystem::path plex_key_file;
  // OPTIONS(ROUTERONLY=Y): sign-ons are accepted only with pass tickets a
  // router of the plex issued, so clients cannot bypass the routers.
  // Implies plex_key_file is set (the parser enforces it).
  bool router_only = false;
};

// Parses a configuration text. file_name is used in error messages, and a
// relative DATABASE FILE is taken relative to its directory (a bare file
// name leaves such paths relative to the working directory).
OdbmConfig ParseOdbmConfig(std::string_view text, const std::string& file_name);

// As above, but relative DATABASE FILEs are resolved against base_dir
// instead of the directory of file_name.
OdbmConfig ParseOdbmConfig(std::string_view text, const std::string& file_name,
                           const std::filesystem::path& base_dir);

// Reads and parses a file. Errors name the file as given; DATABASE paths
// come out absolute. An unreadable file is a ConfigError too.
OdbmConfig LoadOdbmConfig(const std::filesystem::path& file);

}  // namespace drdaplex::config
