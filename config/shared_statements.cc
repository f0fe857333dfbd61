// Statements several kinds of file share (see shared_statements.h).
#include "config/shared_statements.h"

#include <fmt/format.h>

#include <string_view>

namespace drdaplex::config {

namespace {

struct MethodName {
  std::string_view name;
  DistMethodConfig method;
};
constexpr MethodName kMethods[] = {
    {"ROUNDROBIN", DistMethodConfig::kRoundRobin},
    {"BASEWLM", DistMethodConfig::kBaseWlm},
    {"SERVERWLM", DistMethodConfig::kServerWlm},
    {"WEIGHTEDACTIVE", DistMethodConfig::kWeightedActive},
    {"HOTSTANDBY", DistMethodConfig::kHotStandby},
};

constexpr int kMaxIntervalSeconds = 3600;  // TSRINTERVAL, PROBEINTERVAL
constexpr int kMaxHandoffTimeoutMs = 60000;
constexpr int kMaxExitDeadlineMs = 10000;
constexpr std::size_t kMaxUserNameLength = 255;  // DRDA USRID limit
constexpr std::string_view kBuiltinPrefix = "builtin:";

}  // namespace

std::string_view DistMethodName(DistMethodConfig method) {
  for (const MethodName& entry : kMethods) {
    if (entry.method == method) return entry.name;
  }
  return "?";
}

namespace detail {

// ---- ODBM, DATASTORE, ALIAS, DATABASE ---------------------------------------

OdbmConfig OdbmReader::ReadOdbm(const ast::Statement& statement,
                                const Params& params) {
  const ast::Value& name = params.Require("NAME");
  CheckImsName(name, "ODBM name", handler_);
  OdbmConfig odbm;
  odbm.name = name.text;
  odbms_.push_back(odbm.name);
  for (const ast::Statement* datastore : params.statements()) {
    ReadDatastore(*datastore, odbm);
  }
  if (odbm.datastores.empty()) {
    handler_.Fail(statement,
                  fmt::format("ODBM '{}' has no DATASTORE", odbm.name));
  }
  return odbm;
}

void OdbmReader::ReadDatastore(const ast::Statement& statement,
                               OdbmConfig& odbm) {
  Params params(statement, handler_, {"NAME"}, {"ALIAS"});
  const ast::Value& name = params.Require("NAME");
  CheckImsName(name, "datastore name", handler_);
  for (const Datastore& earlier : datastores_) {
    if (earlier.name == name.text) {
      handler_.Fail(name, fmt::format(
          "duplicate datastore '{}' (first defined at line {})", name.text,
          handler_.PositionOf(*earlier.node).line));
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
  datastores_.push_back({odbm.name, datastore.name, &statement, nullptr, {}});
  odbm.datastores.push_back(std::move(datastore));
}

// ALIAS(NAME=A1, A2, ...): the values after NAME= continue its list.
void OdbmReader::ReadAlias(const ast::Statement& statement,
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

void OdbmReader::ReadDatabase(const ast::Statement& statement) {
  Params params(statement, handler_, {"DATASTORE", "FILE"}, {});
  const ast::Value& datastore = params.Require("DATASTORE");
  const ast::Value& file = params.Require("FILE");
  Datastore* target = nullptr;
  for (Datastore& candidate : datastores_) {
    if (candidate.name == datastore.text) target = &candidate;
  }
  if (target == nullptr) {
    std::string known;
    for (const Datastore& d : datastores_) {
      known += known.empty() ? d.name : ", " + d.name;
    }
    const std::string owners =
        odbms_.size() == 1 ? "ODBM " + odbms_.front() + " defines"
                           : "the ODBMs define";
    handler_.Fail(datastore,
                  fmt::format("DATABASE for unknown datastore '{}'; {} {}",
                              datastore.text, owners, known));
  }
  if (target->database != nullptr) {
    handler_.Fail(statement,
                  fmt::format("second DATABASE for datastore '{}' (the "
                              "first is at line {})",
                              datastore.text,
                              handler_.PositionOf(*target->database).line));
  }
  target->database = &statement;
  target->file = ResolvePath(file, "FILE", base_dir_, handler_);
}

void OdbmReader::AttachDatabases(OdbmConfig& odbm) const {
  for (DatastoreConfig& datastore : odbm.datastores) {
    for (const Datastore& read : datastores_) {
      if (read.name != datastore.name) continue;
      if (read.database == nullptr) {
        handler_.Fail(*read.node,
                      fmt::format("datastore '{}' has no DATABASE; add "
                                  "DATABASE(DATASTORE={}, FILE=...)",
                                  datastore.name, datastore.name));
      }
      datastore.database = read.file;
    }
  }
}

// ---- EXIT, AUTH ----------------------------------------------------------------

ExitConfig ReadExit(const ast::Statement& statement, const ErrorHandler& handler,
                    const std::filesystem::path& base_dir) {
  Params params(statement, handler, {"MODULE", "CONFIG", "DEADLINE", "ONFAIL"},
                {});
  ExitConfig exit;
  const ast::Value& module = params.Require("MODULE");
  if (module.text.rfind(kBuiltinPrefix, 0) == 0) {
    if (module.text.size() == kBuiltinPrefix.size()) {
      handler.Fail(module, "MODULE 'builtin:' names no exit; write "
                           "builtin:default or the path of an exit");
    }
    exit.module = module.text;  // a name, not a path
  } else {
    exit.module = ResolvePath(module, "MODULE", base_dir, handler).string();
  }
  if (const ast::Value* text = params.Find("CONFIG")) {
    exit.config = text->text;
  }
  if (const ast::Value* deadline = params.Find("DEADLINE")) {
    exit.deadline = std::chrono::milliseconds(
        ParseNumber(*deadline, "DEADLINE (milliseconds)", 1,
                    kMaxExitDeadlineMs, handler));
  }
  if (const ast::Value* on_fail = params.Find("ONFAIL")) {
    std::string action = Upper(on_fail->text);
    if (action == "REJECT") {
      exit.on_failure = ExitConfig::OnFailure::kReject;
    } else if (action == "DEFAULT") {
      exit.on_failure = ExitConfig::OnFailure::kUseDefaultRule;
    } else {
      handler.Fail(*on_fail, "ONFAIL must be REJECT (refuse the "
                             "connection) or DEFAULT (route by the "
                             "default rule)");
    }
  }
  return exit;
}

void ReadRouterAccess(const ast::Statement* exit_statement,
                      const std::vector<const ast::Statement*>& user_statements,
                      const std::vector<const ast::Statement*>& auth_statements,
                      const ErrorHandler& handler, const std::filesystem::path& base_dir,
                      ExitConfig& exit, std::vector<UserConfig>& users,
                      std::map<std::string, std::set<std::string>>& alias_users) {
  if (exit_statement != nullptr) exit = ReadExit(*exit_statement, handler, base_dir);
  UserReader user_reader(handler);
  for (const ast::Statement* user : user_statements) {
    users.push_back(user_reader.Read(*user));
  }
  AuthReader auth_reader(handler, user_reader);
  for (const ast::Statement* auth : auth_statements) {
    auth_reader.Read(*auth, !users.empty(), alias_users);
  }
}

// AUTH(ALIAS=name, USERS=(u1, u2, ...)); USERS=u1 for a single user.
void AuthReader::Read(const ast::Statement& statement, bool have_users,
                      std::map<std::string, std::set<std::string>>& alias_users) {
  Params params(statement, handler_, {"ALIAS", "USERS"}, {});
  const ast::Value& alias = params.Require("ALIAS");
  CheckImsName(alias, "alias name", handler_);
  std::string key = Upper(alias.text);
  if (auto it = nodes_.find(key); it != nodes_.end()) {
    handler_.Fail(alias, fmt::format(
        "second AUTH for alias '{}' (aliases ignore case; the first is at "
        "line {})",
        alias.text, handler_.PositionOf(*it->second).line));
  }
  nodes_.emplace(key, &alias);

  const ast::Setting* users = params.FindSetting("USERS");
  if (users == nullptr) {
    handler_.Fail(statement, "AUTH needs USERS=(user, ...)");
  }
  std::vector<const ast::Value*> names;
  if (const ast::ValueList* list = ast::ListOf(*users)) {
    for (const ast::Param& item : list->items) {
      const ast::Value* name = AsValue(item);
      if (name == nullptr) {
        const ast::Setting* setting = AsSetting(item);
        const boost::spirit::x3::position_tagged& node =
            setting != nullptr
                ? static_cast<const boost::spirit::x3::position_tagged&>(
                      *setting)
                : *AsStatement(item);
        handler_.Fail(node, "USERS lists user names, as in USERS=(APP, "
                            "CLERK)");
      }
      names.push_back(name);
    }
    if (names.empty()) {
      handler_.Fail(*list, fmt::format("USERS of alias '{}' lists no user",
                                       alias.text));
    }
  } else {
    names.push_back(ast::ScalarOf(*users));
  }

  std::set<std::string>& allowed = alias_users[key];
  for (const ast::Value* name : names) {
    if (name->text.empty() || name->text.size() > kMaxUserNameLength) {
      handler_.Fail(*name, fmt::format("user name must be 1 to {} "
                                       "characters",
                                       kMaxUserNameLength));
    }
    // With USER statements the router checks sign-ons itself, so a user
    // none of them defines could never be admitted: most likely a typo.
    if (have_users && !users_.Defines(name->text)) {
      handler_.Fail(*name, fmt::format("AUTH names user '{}', but no USER "
                                       "statement defines it",
                                       name->text));
    }
    if (!allowed.insert(Upper(name->text)).second) {
      handler_.Fail(*name, fmt::format("user '{}' is listed twice for "
                                       "alias '{}' (user names ignore "
                                       "case)",
                                       name->text, alias.text));
    }
  }
}

// ---- VIPADEFINE, VIPADISTRIBUTE settings ----------------------------------------

bool ParseMoveableWhenIdle(const ast::Value& value, const ErrorHandler& handler) {
  const std::string word = Upper(value.text);
  if (word != "IMMEDIATE" && word != "WHENIDLE") {
    handler.Fail(value,
                 "MOVEABLE must be IMMEDIATE (take the DVIPA back from "
                 "a backup at once) or WHENIDLE (once the backup has no "
                 "connections)");
  }
  return word == "WHENIDLE";
}

void ReadDistributionSettings(const Params& params, DistributorConfig& config,
                              const ast::Value** method_node,
                              const ErrorHandler& handler) {
  if (const ast::Value* method = params.Find("DISTMETHOD")) {
    const std::string word = Upper(method->text);
    bool known = false;
    for (const MethodName& entry : kMethods) {
      if (word == entry.name) {
        config.method = entry.method;
        known = true;
      }
    }
    if (!known) {
      handler.Fail(*method,
                   "DISTMETHOD must be ROUNDROBIN, BASEWLM, SERVERWLM, "
                   "WEIGHTEDACTIVE or HOTSTANDBY");
    }
    *method_node = method;
  }
  if (const ast::Value* shareport = params.Find("SHAREPORT")) {
    std::string word = Upper(shareport->text);
    if (word != "HASH" && word != "WLM") {
      handler.Fail(*shareport,
                   "SHAREPORT must be HASH (a system's routers share by a "
                   "hash of the connection's addresses and ports) or WLM "
                   "(by their WLM server weights)");
    }
    config.shareport_wlm = word == "WLM";
  }
  if (const ast::Value* tsr = params.Find("TSRINTERVAL")) {
    config.tsr_interval = std::chrono::seconds(ParseNumber(
        *tsr, "TSRINTERVAL (seconds)", 1, kMaxIntervalSeconds, handler));
  }
  config.probe_interval = config.tsr_interval;
  if (const ast::Value* probe = params.Find("PROBEINTERVAL")) {
    config.probe_interval = std::chrono::seconds(ParseNumber(
        *probe, "PROBEINTERVAL (seconds)", 1, kMaxIntervalSeconds, handler));
  }
  // Only HOTSTANDBY acts on these two; accepted with any method, so that
  // switching methods needs no other edit.
  if (const ast::Value* flag = params.Find("AUTOSWITCHBACK")) {
    config.autoswitchback = ParseYesNo(*flag, "AUTOSWITCHBACK", handler);
  }
  if (const ast::Value* flag = params.Find("HEALTHSWITCH")) {
    config.healthswitch = ParseYesNo(*flag, "HEALTHSWITCH", handler);
  }
  if (const ast::Value* timeout = params.Find("HANDOFFTMOT")) {
    config.handoff_timeout = std::chrono::milliseconds(
        ParseNumber(*timeout, "HANDOFFTMOT (milliseconds)", 1,
                    kMaxHandoffTimeoutMs, handler));
  }
}

}  // namespace detail
}  // namespace drdaplex::config
