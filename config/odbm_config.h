// The ODBM configuration: what drdaplex-odbm serves, and to whom.
// ParseOdbmConfig/LoadOdbmConfig read the IMS CSLDCxxx-style file
//   ODBM(NAME=ODBMB1 DATASTORE(NAME=IMS1, ALIAS(NAME=IM1A, IO1A)))
//   DATABASE(DATASTORE=IMS1, FILE=data/ims1.db)
//   USER(NAME=app, PASSWORD='$6$...')   OPTIONS(THREADS=4, BUSYTIMEOUT=5000)
// (grammar: grammar_def.h; rules: semantic.h) and either return a complete,
// validated configuration or throw ConfigError naming file:line:column.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_error.h"

namespace drdaplex::config {

struct DatastoreConfig {
  std::string name;                  // 1-8 characters, as written
  std::vector<std::string> aliases;  // in file order, no duplicates
  std::filesystem::path database;    // SQLite file, resolved (see below)
  SourcePosition position;           // of the DATASTORE statement
};

struct UserConfig {
  std::string name;           // as written; matched case-insensitively
  std::string password_hash;  // crypt(3) hash, empty when none was given
  bool user_only_allowed = false;  // USRIDONL=Y: DRDA SECMEC 4 allowed
};

struct OdbmConfig {
  std::string name;                         // ODBM name
  std::vector<DatastoreConfig> datastores;  // in file order
  std::vector<UserConfig> users;            // in file order
  int threads = 0;                          // 0: choose from the core count
  int busy_timeout_ms = 5000;               // SQLite busy timeout
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
