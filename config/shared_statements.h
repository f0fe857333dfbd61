// Internal to config/: statements that more than one kind of file holds,
// read by one piece of code so that they mean and check the same wherever
// they are written:
//  - ODBM(NAME=, DATASTORE(NAME=, ALIAS(NAME=...))) and DATABASE(DATASTORE=,
//    FILE=): ODBM files (one ODBM) and plex files (several; datastore names
//    are unique over all of them);
//  - EXIT(...) and AUTH(...): router files and plex files (for every router);
//  - VIPADISTRIBUTE's distribution settings (DISTMETHOD, SHAREPORT,
//    TSRINTERVAL, PROBEINTERVAL, AUTOSWITCHBACK, HEALTHSWITCH, HANDOFFTMOT):
//    distributor files and a plex file's DISTRIBUTOR statement.
// Every check throws ConfigError at the offending node. Readers live for one
// parse and hold pointers into its syntax tree.
#pragma once

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "config/ast.h"
#include "config/distributor_config.h"
#include "config/error_handler.h"
#include "config/odbm_config.h"
#include "config/router_config.h"
#include "config/semantic_support.h"

namespace drdaplex::config::detail {

// VIPABACKUP and DESTIP BACKUP ranks, as z/OS has them.
inline constexpr int kMinRank = 1;
inline constexpr int kMaxRank = 254;

// The ODBMs of one file and the DATABASE statements that give their
// datastores a file.
class OdbmReader {
 public:
  OdbmReader(const ErrorHandler& handler, std::filesystem::path base_dir)
      : handler_(handler), base_dir_(std::move(base_dir)) {}

  // Reads NAME and the DATASTOREs of an ODBM statement whose params the
  // caller has checked (NAME and DATASTORE allowed; other settings are the
  // caller's). The datastores' databases are filled in by AttachDatabases.
  OdbmConfig ReadOdbm(const ast::Statement& statement, const Params& params);

  // DATABASE(DATASTORE=name, FILE=path) for a datastore read before.
  void ReadDatabase(const ast::Statement& statement);

  // Gives each datastore of `odbm` (from ReadOdbm) its DATABASE file;
  // fails at the first datastore without one.
  void AttachDatabases(OdbmConfig& odbm) const;

 private:
  struct Datastore {
    std::string odbm;
    std::string name;
    const ast::Statement* node = nullptr;
    const ast::Statement* database = nullptr;
    std::filesystem::path file;
  };

  void ReadDatastore(const ast::Statement& statement, OdbmConfig& odbm);
  void ReadAlias(const ast::Statement& statement, const std::string& datastore,
                 std::vector<const ast::Value*>& aliases);

  const ErrorHandler& handler_;
  const std::filesystem::path base_dir_;
  std::vector<std::string> odbms_;     // names, in file order
  std::vector<Datastore> datastores_;  // of every ODBM, in file order
};

// EXIT(MODULE=, CONFIG=, DEADLINE=, ONFAIL=); a relative MODULE path is
// resolved against base_dir.
ExitConfig ReadExit(const ast::Statement& statement, const ErrorHandler& handler,
                    const std::filesystem::path& base_dir);

// The EXIT (optional), USER and AUTH statements of a router or plex file
// into exit, users and alias_users (AUTH names are checked against USER).
void ReadRouterAccess(const ast::Statement* exit_statement,
                      const std::vector<const ast::Statement*>& user_statements,
                      const std::vector<const ast::Statement*>& auth_statements,
                      const ErrorHandler& handler, const std::filesystem::path& base_dir,
                      ExitConfig& exit, std::vector<UserConfig>& users,
                      std::map<std::string, std::set<std::string>>& alias_users);

// The AUTH statements of one file.
class AuthReader {
 public:
  // `users` holds the file's USER statements, read before any AUTH.
  AuthReader(const ErrorHandler& handler, const UserReader& users)
      : handler_(handler), users_(users) {}

  // AUTH(ALIAS=name, USERS=(u1, ...)) into alias_users (upper case).
  // With have_users, every user named must have a USER statement.
  void Read(const ast::Statement& statement, bool have_users,
            std::map<std::string, std::set<std::string>>& alias_users);

 private:
  const ErrorHandler& handler_;
  const UserReader& users_;
  std::map<std::string, const ast::Value*> nodes_;  // key: upper case alias
};

// VIPADEFINE's MOVEABLE=IMMEDIATE|WHENIDLE: true for WHENIDLE.
bool ParseMoveableWhenIdle(const ast::Value& value, const ErrorHandler& handler);

// The distribution settings of `params` (see above; PORT is the caller's)
// into `config`. *method_node is set to the DISTMETHOD value when given.
void ReadDistributionSettings(const Params& params, DistributorConfig& config,
                              const ast::Value** method_node,
                              const ErrorHandler& handler);

}  // namespace drdaplex::config::detail
