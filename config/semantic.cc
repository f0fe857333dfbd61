// The ODBM file's rules (see semantic.h). One Builder per parse; nothing
// shared between calls.
#include "config/semantic.h"

#include <map>

#include <fmt/format.h>

#include "config/semantic_support.h"
#include "config/shared_statements.h"

namespace drdaplex::config {
namespace {

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
    for (const ast::Statement* database : databases) {
      odbms_.ReadDatabase(*database);
    }
    odbms_.AttachDatabases(config_);
    for (const ast::Statement* user : users) ReadUser(*user);
    if (options != nullptr) ReadOptions(*options);
    return std::move(config_);
  }

 private:
  void ReadOdbm(const ast::Statement& statement) {
    Params params(statement, handler_, {"NAME"}, {"DATASTORE"});
    config_ = odbms_.ReadOdbm(statement, params);
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
  detail::OdbmReader odbms_{handler_, base_dir_};
  detail::UserReader users_{handler_};
};

}  // namespace

OdbmConfig BuildOdbmConfig(const ast::ConfigFile& file,
                           const ErrorHandler& handler,
                           const std::filesystem::path& base_dir) {
  return Builder(handler, base_dir).Build(file);
}

}  // namespace drdaplex::config
