// The plex file's rules (see plex_semantic.h). One PlexBuilder per parse;
// nothing shared between calls.
#include "config/plex_semantic.h"

#include <fmt/format.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "config/semantic_support.h"
#include "config/shared_statements.h"

namespace drdaplex::config {
namespace {

using detail::CheckImsName;
using detail::Params;
using detail::ParseNumber;
using detail::kMaxPort;
using detail::kMaxRank;
using detail::kMinRank;
using detail::Upper;

constexpr int kMaxCapacity = 1000;  // drdaplex-system: any number >= 0; kept sane
constexpr int kMinSockets = 50;     // IMS Connect's MAXSOC range
constexpr int kMaxSockets = 65535;
constexpr int kMaxThreads = 64;

constexpr std::string_view kPlexStatements =
    "PLEX, SYSTEM, DISTRIBUTOR, ROUTER, ODBM, DATABASE, EXIT, AUTH or USER";

// Statements of the member files, named when they turn up here by mistake,
// with what to write instead.
struct ForeignStatement {
  std::string_view keyword;
  std::string_view instead;
};
constexpr ForeignStatement kForeignStatements[] = {
    {"DATASTORE", "it belongs inside ODBM(...)"},
    {"ALIAS", "it belongs inside DATASTORE(...)"},
    {"OPTIONS", "the launcher sets the ODBMs' options (PLEX PLEXKEY)"},
    {"HWS", "write ROUTER(NAME=..., SYSTEM=...)"},
    {"TCPIP", "the launcher sets the routers' addresses (ROUTER MAXSOC for MAXSOC)"},
    {"ODACCESS", "the launcher sets the routers' ports (PLEX PORT) and registry"},
    {"SYSPLEX", "the launcher sets it from ROUTER SYSTEM"},
    {"VIPADEFINE", "write DISTRIBUTOR(NAME=...)"},
    {"VIPABACKUP", "write DISTRIBUTOR(NAME=..., BACKUP=rank)"},
    {"VIPADISTRIBUTE", "write the settings on DISTRIBUTOR(...)"},
    {"DESTIP", "every system of the plex is a target"},
    {"REGISTRY", "the launcher starts the registry"},
    {"ADMIN", "the launcher picks operator addresses"},
};

class PlexBuilder {
 public:
  PlexBuilder(const ErrorHandler& handler, std::filesystem::path base_dir)
      : handler_(handler), base_dir_(std::move(base_dir)) {}

  PlexConfig Build(const ast::ConfigFile& file) {
    const ast::Statement* plex = nullptr;
    const ast::Statement* exit = nullptr;
    std::vector<const ast::Statement*> systems, distributors, routers, odbms,
        databases, auths, users;
    for (const ast::Statement& statement : file) {
      const std::string keyword = Upper(statement.keyword);
      if (keyword == "PLEX") {
        detail::TakeOnce(statement, plex, handler_);
      } else if (keyword == "SYSTEM") {
        systems.push_back(&statement);
      } else if (keyword == "DISTRIBUTOR") {
        distributors.push_back(&statement);
      } else if (keyword == "ROUTER") {
        routers.push_back(&statement);
      } else if (keyword == "ODBM") {
        odbms.push_back(&statement);
      } else if (keyword == "DATABASE") {
        databases.push_back(&statement);
      } else if (keyword == "EXIT") {
        detail::TakeOnce(statement, exit, handler_);
      } else if (keyword == "AUTH") {
        auths.push_back(&statement);
      } else if (keyword == "USER") {
        users.push_back(&statement);
      } else {
        Unknown(statement, keyword);
      }
    }
    if (plex == nullptr) {
      handler_.source().Fail(0, "no PLEX statement; a plex file needs "
                                "PLEX(NAME=name)");
    }
    ReadPlex(*plex);
    if (systems.empty()) {
      handler_.source().Fail(0, "no SYSTEM statement; a plex needs at least "
                                "one SYSTEM(NAME=name)");
    }
    for (const ast::Statement* system : systems) ReadSystem(*system);
    if (routers.empty()) {
      handler_.source().Fail(0, "no ROUTER statement; a plex needs at least "
                                "one ROUTER(NAME=name, SYSTEM=system)");
    }
    for (const ast::Statement* router : routers) ReadRouter(*router);
    if (odbms.empty()) {
      handler_.source().Fail(0, "no ODBM statement; a plex needs at least "
                                "one ODBM(NAME=name, SYSTEM=system "
                                "DATASTORE(...))");
    }
    for (const ast::Statement* odbm : odbms) ReadOdbm(*odbm);
    for (const ast::Statement* database : databases) {
      odbm_reader_.ReadDatabase(*database);
    }
    for (PlexOdbmConfig& odbm : config_.odbms) {
      odbm_reader_.AttachDatabases(odbm.odbm);
    }
    ReadDistributors(distributors);
    config_.has_exit = exit != nullptr;
    detail::ReadRouterAccess(exit, users, auths, handler_, base_dir_, config_.exit,
                             config_.users, config_.alias_users);
    return std::move(config_);
  }

 private:
  [[noreturn]] void Unknown(const ast::Statement& statement,
                            const std::string& keyword) const {
    for (const ForeignStatement& foreign : kForeignStatements) {
      if (keyword == foreign.keyword) {
        handler_.Fail(statement,
                      fmt::format("{} is not a plex file statement: {}; "
                                  "expected {}",
                                  keyword, foreign.instead, kPlexStatements));
      }
    }
    handler_.Fail(statement,
                  fmt::format("unknown statement '{}'; expected {}",
                              statement.keyword, kPlexStatements));
  }

  // A member name: an IMS name, unique (ignoring case) over systems,
  // distributors, routers and ODBMs, since operators name members by it.
  std::string MemberName(const Params& params, std::string_view what) {
    const ast::Value& name = params.Require("NAME");
    CheckImsName(name, what, handler_);
    const std::string key = Upper(name.text);
    if (key == "REGISTRY") {
      handler_.Fail(name, "REGISTRY is the name of the plex registry the "
                          "launcher starts; choose another name");
    }
    if (auto it = names_.find(key); it != names_.end()) {
      handler_.Fail(name, fmt::format("name '{}' is already used (line {}); "
                                      "names of systems, distributors, "
                                      "routers and ODBMs must differ",
                                      name.text,
                                      handler_.PositionOf(*it->second).line));
    }
    names_.emplace(key, &name);
    return name.text;
  }

  // SYSTEM=name of a ROUTER or ODBM: one of the SYSTEMs.
  std::string SystemOf(const Params& params, std::string_view member) {
    const ast::Value& system = params.Require("SYSTEM");
    const std::string key = Upper(system.text);
    for (const PlexSystemConfig& known : config_.systems) {
      if (known.name == key) return key;
    }
    std::string names;
    for (const PlexSystemConfig& known : config_.systems) {
      names += names.empty() ? known.name : ", " + known.name;
    }
    handler_.Fail(system, fmt::format("{} SYSTEM '{}' is not a SYSTEM of the "
                                      "plex; the plex has {}",
                                      member, system.text, names));
  }

  // PLEX(NAME=, NETWORK=, PORT=, SUPERVISE=, PLEXKEY=).
  void ReadPlex(const ast::Statement& statement) {
    Params params(statement, handler_,
                  {"NAME", "NETWORK", "PORT", "SUPERVISE", "PLEXKEY"}, {});
    const ast::Value& name = params.Require("NAME");
    CheckImsName(name, "plex name", handler_);
    config_.name = name.text;
    if (const ast::Value* network = params.Find("NETWORK")) {
      const std::string word = Upper(network->text);
      if (word == "AUTO") {
        config_.network = PlexNetwork::kAuto;
      } else if (word == "NAMESPACES") {
        config_.network = PlexNetwork::kNamespaces;
      } else if (word == "LOOPBACK") {
        config_.network = PlexNetwork::kLoopback;
      } else {
        handler_.Fail(*network,
                      "NETWORK must be NAMESPACES (a network namespace per "
                      "system), LOOPBACK (a loopback address per system) or "
                      "AUTO (namespaces when they can be made)");
      }
    }
    if (const ast::Value* port = params.Find("PORT")) {
      config_.port =
          static_cast<uint16_t>(ParseNumber(*port, "PORT", 0, kMaxPort, handler_));
    }
    if (const ast::Value* supervise = params.Find("SUPERVISE")) {
      config_.supervise = detail::ParseYesNo(*supervise, "SUPERVISE", handler_);
    }
    if (const ast::Value* key = params.Find("PLEXKEY")) {
      config_.plex_key = detail::ParseYesNo(*key, "PLEXKEY", handler_);
    }
  }

  void ReadSystem(const ast::Statement& statement) {
    Params params(statement, handler_, {"NAME", "CAPACITY"}, {});
    PlexSystemConfig system;
    system.name = Upper(MemberName(params, "SYSTEM name"));
    if (const ast::Value* capacity = params.Find("CAPACITY")) {
      system.capacity =
          ParseNumber(*capacity, "CAPACITY", 0, kMaxCapacity, handler_);
    }
    config_.systems.push_back(std::move(system));
  }

  void ReadRouter(const ast::Statement& statement) {
    Params params(statement, handler_, {"NAME", "SYSTEM", "MAXSOC", "THREADS"},
                  {});
    PlexRouterConfig router;
    router.name = MemberName(params, "router name");
    router.system = SystemOf(params, "ROUTER " + router.name);
    if (const ast::Value* max = params.Find("MAXSOC")) {
      router.max_sockets =
          ParseNumber(*max, "MAXSOC", kMinSockets, kMaxSockets, handler_);
    }
    if (const ast::Value* threads = params.Find("THREADS")) {
      router.threads = ParseNumber(*threads, "THREADS", 1, kMaxThreads, handler_);
    }
    config_.routers.push_back(std::move(router));
  }

  void ReadOdbm(const ast::Statement& statement) {
    Params params(statement, handler_, {"NAME", "SYSTEM", "START"},
                  {"DATASTORE"});
    PlexOdbmConfig odbm;
    MemberName(params, "ODBM name");
    odbm.odbm = odbm_reader_.ReadOdbm(statement, params);
    odbm.system = SystemOf(params, "ODBM " + odbm.odbm.name);
    if (const ast::Value* start = params.Find("START")) {
      odbm.start = detail::ParseYesNo(*start, "START", handler_);
    }
    config_.odbms.push_back(std::move(odbm));
  }

  // DISTRIBUTOR(NAME=, <distribution settings>, MOVEABLE=) for the primary,
  // DISTRIBUTOR(NAME=, BACKUP=rank) for a backup.
  void ReadDistributors(const std::vector<const ast::Statement*>& statements) {
    const ast::Statement* primary = nullptr;
    std::vector<DistributorConfig> backups;
    std::map<int, const ast::Value*> ranks;
    DistributorConfig primary_config;
    for (const ast::Statement* statement : statements) {
      if (IsBackup(*statement)) {
        backups.push_back(ReadBackup(*statement, ranks));
        continue;
      }
      if (primary != nullptr) {
        handler_.Fail(*statement, fmt::format(
            "second primary DISTRIBUTOR (the first is at line {}); one "
            "distributor owns the DVIPA, the others back it up: write "
            "BACKUP=rank",
            handler_.PositionOf(*primary).line));
      }
      primary = statement;
      primary_config = ReadPrimary(*statement);
    }
    if (primary == nullptr && !backups.empty()) {
      handler_.Fail(*statements.front(),
                    "backup DISTRIBUTORs without a primary; the first "
                    "distributor without BACKUP= owns the DVIPA");
    }
    if (primary == nullptr) return;
    // Routers are required, so every plex with a distributor has a system
    // with a router; kept as a check in case routers become optional.
    if (config_.routers.empty()) {
      handler_.Fail(*primary, "a DISTRIBUTOR needs a SYSTEM with a ROUTER to "
                              "send connections to");
    }
    config_.distributors.push_back(primary_config);
    for (DistributorConfig& backup : backups) {
      // A backup distributes as the primary does, so that connections are
      // spread the same way whoever owns the DVIPA.
      const std::string name = backup.name;
      const int rank = backup.backup_rank;
      backup = primary_config;
      backup.name = name;
      backup.backup = true;
      backup.backup_rank = rank;
      backup.moveable_when_idle = false;
      config_.distributors.push_back(std::move(backup));
    }
  }

  static bool IsBackup(const ast::Statement& statement) {
    for (const ast::Param& param : statement.params) {
      const ast::Setting* setting = detail::AsSetting(param);
      if (setting != nullptr && Upper(setting->keyword) == "BACKUP") return true;
    }
    return false;
  }

  DistributorConfig ReadPrimary(const ast::Statement& statement) {
    Params params(statement, handler_,
                  {"NAME", "MOVEABLE", "DISTMETHOD", "SHAREPORT", "TSRINTERVAL",
                   "PROBEINTERVAL", "AUTOSWITCHBACK", "HEALTHSWITCH",
                   "HANDOFFTMOT"},
                  {});
    DistributorConfig config;
    config.name = MemberName(params, "distributor name");
    const ast::Value* method_node = nullptr;
    detail::ReadDistributionSettings(params, config, &method_node, handler_);
    if (config.method == DistMethodConfig::kHotStandby) {
      handler_.Fail(*method_node,
                    "DISTMETHOD=HOTSTANDBY needs DESTIP roles, which a plex "
                    "file does not have; start such a distributor from a "
                    "distributor file");
    }
    if (const ast::Value* moveable = params.Find("MOVEABLE")) {
      config.moveable_when_idle = detail::ParseMoveableWhenIdle(*moveable, handler_);
    }
    return config;
  }

  DistributorConfig ReadBackup(const ast::Statement& statement,
                               std::map<int, const ast::Value*>& ranks) {
    for (const ast::Param& param : statement.params) {
      const ast::Setting* setting = detail::AsSetting(param);
      if (setting == nullptr) continue;
      const std::string keyword = Upper(setting->keyword);
      if (keyword != "NAME" && keyword != "BACKUP") {
        handler_.Fail(*setting,
                      fmt::format("{} is for the primary DISTRIBUTOR only: a "
                                  "backup distributes as the primary does",
                                  keyword));
      }
    }
    Params params(statement, handler_, {"NAME", "BACKUP"}, {});
    DistributorConfig config;
    config.name = MemberName(params, "distributor name");
    config.backup = true;
    const ast::Value& rank = params.Require("BACKUP");
    config.backup_rank = ParseNumber(rank, "BACKUP (rank)", kMinRank, kMaxRank,
                                     handler_);
    if (auto it = ranks.find(config.backup_rank); it != ranks.end()) {
      handler_.Fail(rank, fmt::format("backup rank {} is given twice (first "
                                      "at line {}); ranks order the backups",
                                      config.backup_rank,
                                      handler_.PositionOf(*it->second).line));
    }
    ranks.emplace(config.backup_rank, &rank);
    return config;
  }

  const ErrorHandler& handler_;
  const std::filesystem::path base_dir_;
  PlexConfig config_;
  std::map<std::string, const ast::Value*> names_;  // upper case -> NAME
  // DATABASE FILEs stay as written: the launcher resolves them in its
  // work directory.
  detail::OdbmReader odbm_reader_{handler_, std::filesystem::path()};
};

}  // namespace

PlexConfig BuildPlexConfig(const ast::ConfigFile& file, const ErrorHandler& handler,
                           const std::filesystem::path& base_dir) {
  return PlexBuilder(handler, base_dir).Build(file);
}

}  // namespace drdaplex::config
