// The ODBM file's rules (see semantic.h). One Builder per parse; nothing
// shared between calls.
#include "config/semantic.h"

#include <map>

#include <fmt/format.h>

#include "config/semantic_support.h"

namespace drdaplex::config {
namespace {

using detail::AsSetting;
using detail::AsValue;
using detail::CheckImsName;
using detail::Params;
using detail::ParseNumber;
using detail::Upper;

constexpr int kMaxThreads = 1024;
constexpr int kMaxBusyTimeoutMs = 3'600'000;

// Everything built from one file, with the syntax nodes that errors about
// cross references point back to.
class Builder {
 public:
  Builder(const ErrorHandler& handler, std::filesystem::path base_dir)
      : handler_(handler), base_dir_(std::move(base_dir)) {}

  OdbmConfig Build(const ast::ConfigFile& file) {
    const ast::Statement* odbm = nullptr;
    const ast::Statement* options = nullptr;
    std::vector<const ast::Statement*> databases;
    std::vector<const ast::Statement*> users;
    for (const ast::Statement& statement : file) {
      std::string keyword = Upper(statement.keyword);
      if (keyword == "ODBM") {
        if (odbm != nullptr) {
          handler_.Fail(statement, fmt::format(
              "second ODBM statement (the first is at line {}); a file "
              "configures exactly one ODBM",
              handler_.PositionOf(*odbm).line));
        }
        odbm = &statement;
      } else if (keyword == "DATABASE") {
        databases.push_back(&statement);
      } else if (keyword == "USER") {
        users.push_back(&statement);
      } else if (keyword == "OPTIONS") {
        if (options != nullptr) {
          handler_.Fail(statement, fmt::format(
              "second OPTIONS statement (the first is at line {})",
              handler_.PositionOf(*options).line));
        }
        options = &statement;
      } else if (keyword == "DATASTORE" || keyword == "ALIAS") {
        handler_.Fail(statement, fmt::format("{} belongs inside {}(...)",
                                             keyword,
                                             keyword == "ALIAS" ? "DATASTORE"
                                                                : "ODBM"));
      } else {
        handler_.Fail(statement,
                      fmt::format("unknown statement '{}'; expected ODBM, "
                                  "DATABASE, USER or OPTIONS",
                                  statement.keyword));
      }
    }
    if (odbm == nullptr) {
      handler_.source().Fail(0, "no ODBM statement; a file configures "
                                "exactly one ODBM(NAME=...)");
    }
    ReadOdbm(*odbm);
    for (const ast::Statement* database : databases) ReadDatabase(*database);
    for (std::size_t i = 0; i < config_.datastores.size(); ++i) {
      if (database_nodes_[i] == nullptr) {
        const DatastoreConfig& datastore = config_.datastores[i];
        handler_.Fail(*datastore_nodes_[i],
                      fmt::format("datastore '{}' has no DATABASE; add "
                                  "DATABASE(DATASTORE={}, FILE=...)",
                                  datastore.name, datastore.name));
      }
    }
    for (const ast::Statement* user : users) ReadUser(*user);
    if (options != nullptr) ReadOptions(*options);
    return std::move(config_);
  }

 private:
  void ReadOdbm(const ast::Statement& statement) {
    Params params(statement, handler_, {"NAME"}, {"DATASTORE"});
    const ast::Value& name = params.Require("NAME");
    CheckImsName(name, "ODBM name", handler_);
    config_.name = name.text;
    for (const ast::Statement* datastore : params.statements()) {
      ReadDatastore(*datastore);
    }
    if (config_.datastores.empty()) {
      handler_.Fail(statement, fmt::format("ODBM '{}' has no DATASTORE",
                                           config_.name));
    }
  }

  void ReadDatastore(const ast::Statement& statement) {
    Params params(statement, handler_, {"NAME"}, {"ALIAS"});
    const ast::Value& name = params.Require("NAME");
    CheckImsName(name, "datastore name", handler_);
    for (std::size_t i = 0; i < config_.datastores.size(); ++i) {
      if (config_.datastores[i].name == name.text) {
        handler_.Fail(name, fmt::format(
            "duplicate datastore '{}' (first defined at line {})", name.text,
            config_.datastores[i].position.line));
      }
    }
    DatastoreConfig datastore;
    datastore.name = name.text;
    datastore.position = handler_.PositionOf(statement);
    std::vector<const ast::Value*> alias_nodes;
    for (const ast::Statement* alias : params.statements()) {
      ReadAlias(*alias, datastore.name, alias_nodes);
    }
    for (const ast::Value* alias : alias_nodes) {
      datastore.aliases.push_back(alias->text);
    }
    config_.datastores.push_back(std::move(datastore));
    datastore_nodes_.push_back(&statement);
    database_nodes_.push_back(nullptr);
  }

  // ALIAS(NAME=A1, A2, ...): the values after NAME= continue its list.
  void ReadAlias(const ast::Statement& statement,
                 const std::string& datastore,
                 std::vector<const ast::Value*>& aliases) {
    Params params(statement, handler_, {"NAME"}, {}, /*values_allowed=*/true);
    bool named = false;
    for (const ast::Param& param : statement.params) {
      const ast::Value* alias = AsValue(param);
      if (const ast::Setting* setting = AsSetting(param)) {
        alias = &params.ScalarOf(*setting);
        named = true;
      } else if (!named) {
        handler_.Fail(*alias, fmt::format("alias '{}' must follow NAME=, as "
                                          "in ALIAS(NAME={})",
                                          alias->text, alias->text));
      }
      CheckImsName(*alias, "alias name", handler_);
      for (const ast::Value* earlier : aliases) {
        if (earlier->text == alias->text) {
          handler_.Fail(*alias, fmt::format(
              "duplicate alias '{}' in datastore {} (first at line {})",
              alias->text, datastore, handler_.PositionOf(*earlier).line));
        }
      }
      aliases.push_back(alias);
    }
    params.Require("NAME");
  }

  void ReadDatabase(const ast::Statement& statement) {
    Params params(statement, handler_, {"DATASTORE", "FILE"}, {});
    const ast::Value& datastore = params.Require("DATASTORE");
    const ast::Value& file = params.Require("FILE");
    std::size_t index = 0;
    while (index < config_.datastores.size() &&
           config_.datastores[index].name != datastore.text) {
      ++index;
    }
    if (index == config_.datastores.size()) {
      std::string known;
      for (const DatastoreConfig& d : config_.datastores) {
        known += known.empty() ? d.name : ", " + d.name;
      }
      handler_.Fail(datastore,
                    fmt::format("DATABASE for unknown datastore '{}'; ODBM {} "
                                "defines {}",
                                datastore.text, config_.name, known));
    }
    if (database_nodes_[index] != nullptr) {
      handler_.Fail(statement,
                    fmt::format("second DATABASE for datastore '{}' (the "
                                "first is at line {})",
                                datastore.text,
                                handler_.PositionOf(*database_nodes_[index])
                                    .line));
    }
    database_nodes_[index] = &statement;
    config_.datastores[index].database =
        detail::ResolvePath(file, "FILE", base_dir_, handler_);
  }

  void ReadUser(const ast::Statement& statement) {
    config_.users.push_back(users_.Read(statement));
  }

  void ReadOptions(const ast::Statement& statement) {
    Params params(statement, handler_,
                  {"THREADS", "BUSYTIMEOUT", "REGISTRY", "PLEXKEY",
                   "ROUTERONLY"},
                  {});
    if (const ast::Value* threads = params.Find("THREADS")) {
      config_.threads = ParseNumber(*threads, "THREADS", kMaxThreads, handler_);
    }
    if (const ast::Value* timeout = params.Find("BUSYTIMEOUT")) {
      config_.busy_timeout_ms =
          ParseNumber(*timeout, "BUSYTIMEOUT", kMaxBusyTimeoutMs, handler_);
    }
    if (const ast::Value* registry = params.Find("REGISTRY")) {
      config_.registry_address = detail::ParseHostPort(
          *registry, "REGISTRY", /*allow_any_port=*/false, handler_);
    }
    if (const ast::Value* key = params.Find("PLEXKEY")) {
      config_.plex_key_file =
          detail::ResolvePath(*key, "PLEXKEY", base_dir_, handler_);
    }
    if (const ast::Value* router_only = params.Find("ROUTERONLY")) {
      config_.router_only =
          detail::ParseYesNo(*router_only, "ROUTERONLY", handler_);
      // Tickets are checked with the plex key: without one, no sign-on at
      // all could succeed.
      if (config_.router_only && config_.plex_key_file.empty()) {
        handler_.Fail(*router_only,
                      "ROUTERONLY=Y needs PLEXKEY=file: pass tickets are "
                      "checked with the plex key");
      }
    }
  }

  const ErrorHandler& handler_;
  const std::filesystem::path base_dir_;
  OdbmConfig config_;
  // Parallel to config_.datastores.
  std::vector<const ast::Statement*> datastore_nodes_;
  std::vector<const ast::Statement*> database_nodes_;
  detail::UserReader users_{handler_};
};

}  // namespace

OdbmConfig BuildOdbmConfig(const ast::ConfigFile& file,
                           const ErrorHandler& handler,
                           const std::filesystem::path& base_dir) {
  return Builder(handler, base_dir).Build(file);
}

}  // namespace drdaplex::config
