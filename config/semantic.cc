#include "config/semantic.h"

#include <charconv>
#include <initializer_list>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "config/crypt_hash.h"
#include "config/lexical.h"

namespace drdaplex::config {
namespace {

constexpr std::size_t kMaxImsNameLength = 8;
constexpr std::size_t kMaxUserNameLength = 255;  // DRDA USRID limit
constexpr int kMaxThreads = 1024;
constexpr int kMaxBusyTimeoutMs = 3'600'000;

using KeywordList = std::initializer_list<std::string_view>;

std::string Upper(std::string_view text) {
  std::string upper(text);
  for (char& c : upper) c = lexical::ToUpper(c);
  return upper;
}

bool Contains(KeywordList list, std::string_view word) {
  for (std::string_view item : list) {
    if (item == word) return true;
  }
  return false;
}

// "A", "A or B", "A, B or C".
std::string JoinOr(const std::vector<std::string_view>& words) {
  std::string joined;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) joined += (i + 1 == words.size()) ? " or " : ", ";
    joined += words[i];
  }
  return joined;
}

const ast::Setting* AsSetting(const ast::Param& param) {
  return boost::get<ast::Setting>(&param.get());
}
const ast::Value* AsValue(const ast::Param& param) {
  return boost::get<ast::Value>(&param.get());
}
const ast::Statement* AsStatement(const ast::Param& param) {
  auto* node =
      boost::get<boost::spirit::x3::forward_ast<ast::Statement>>(&param.get());
  return node == nullptr ? nullptr : &node->get();
}

// The params of one statement, checked against what the statement allows:
// settings (KEY=value, each at most once) and nested statements. Bare values
// are the caller's business when values_allowed, an error otherwise.
class Params {
 public:
  Params(const ast::Statement& statement, const ErrorHandler& handler,
         KeywordList settings, KeywordList statements,
         bool values_allowed = false)
      : statement_(statement), handler_(handler) {
    for (const ast::Param& param : statement.params) {
      if (const ast::Setting* setting = AsSetting(param)) {
        std::string keyword = Upper(setting->keyword);
        if (!Contains(settings, keyword)) {
          Unexpected(*setting, keyword, settings, statements);
        }
        auto [it, inserted] = settings_.emplace(keyword, setting);
        if (!inserted) {
          handler.Fail(*setting,
                       fmt::format("{} is given twice in {} (first at line {})",
                                   keyword, statement.keyword,
                                   handler.PositionOf(*it->second).line));
        }
      } else if (const ast::Statement* nested = AsStatement(param)) {
        std::string keyword = Upper(nested->keyword);
        if (!Contains(statements, keyword)) {
          Unexpected(*nested, keyword, settings, statements);
        }
        statements_.push_back(nested);
      } else if (const ast::Value* value = AsValue(param);
                 !values_allowed && value != nullptr) {
        handler.Fail(*value,
                     fmt::format("unexpected value '{}' in {}; expected "
                                 "KEYWORD=value",
                                 value->text, statement.keyword));
      }
    }
  }

  const ast::Value* Find(std::string_view keyword) const {
    auto it = settings_.find(keyword);
    return it == settings_.end() ? nullptr : &it->second->value;
  }

  const ast::Value& Require(std::string_view keyword) const {
    const ast::Value* value = Find(keyword);
    if (value == nullptr) {
      handler_.Fail(statement_, fmt::format("{} needs {}=", statement_.keyword,
                                            keyword));
    }
    return *value;
  }

  // Nested statements, in file order.
  const std::vector<const ast::Statement*>& statements() const {
    return statements_;
  }

 private:
  [[noreturn]] void Unexpected(const boost::spirit::x3::position_tagged& node,
                               const std::string& keyword,
                               KeywordList settings,
                               KeywordList statements) const {
    if (Contains(settings, keyword)) {
      handler_.Fail(node, fmt::format("{} takes a value: write {}=value",
                                      keyword, keyword));
    }
    if (Contains(statements, keyword)) {
      handler_.Fail(node, fmt::format("{} is a statement: write {}(...)",
                                      keyword, keyword));
    }
    std::vector<std::string_view> expected(settings);
    expected.insert(expected.end(), statements.begin(), statements.end());
    handler_.Fail(node, fmt::format("unknown keyword '{}' in {}; expected {}",
                                    keyword, statement_.keyword,
                                    JoinOr(expected)));
  }

  const ast::Statement& statement_;
  const ErrorHandler& handler_;
  std::map<std::string, const ast::Setting*, std::less<>> settings_;
  std::vector<const ast::Statement*> statements_;
};

bool IsImsNameStart(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '@' ||
         c == '#' || c == '$';
}
bool IsImsNameChar(char c) { return IsImsNameStart(c) || (c >= '0' && c <= '9'); }

// IMS names (ODBM, datastore, alias): 1-8 of letters, digits, @ # $, not
// starting with a digit.
void CheckImsName(const ast::Value& name, std::string_view what,
                  const ErrorHandler& handler) {
  const std::string& text = name.text;
  if (text.empty()) {
    handler.Fail(name, fmt::format("{} must not be empty", what));
  }
  if (text.size() > kMaxImsNameLength) {
    handler.Fail(name, fmt::format("{} '{}' is longer than {} characters",
                                   what, text, kMaxImsNameLength));
  }
  if (!IsImsNameStart(text[0])) {
    handler.Fail(name, fmt::format("{} '{}' must start with a letter, @, # "
                                   "or $",
                                   what, text));
  }
  for (char c : text) {
    if (!IsImsNameChar(c)) {
      handler.Fail(name, fmt::format("{} '{}' may contain only letters, "
                                     "digits, @, # and $",
                                     what, text));
    }
  }
}

int ParseNumber(const ast::Value& value, std::string_view keyword, int max,
                const ErrorHandler& handler) {
  int number = 0;
  const char* end = value.text.data() + value.text.size();
  auto [stop, error] = std::from_chars(value.text.data(), end, number);
  if (value.text.empty() || error != std::errc() || stop != end ||
      number < 0 || number > max) {
    handler.Fail(value, fmt::format("{} must be a whole number from 0 to {}",
                                    keyword, max));
  }
  return number;
}

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
        alias = &setting->value;
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
    if (file.text.empty()) {
      handler_.Fail(file, "FILE must not be empty");
    }
    database_nodes_[index] = &statement;
    std::filesystem::path path(file.text);
    if (path.is_relative()) path = base_dir_ / path;
    config_.datastores[index].database = path.lexically_normal();
  }

  void ReadUser(const ast::Statement& statement) {
    Params params(statement, handler_, {"NAME", "PASSWORD", "USRIDONL"}, {});
    const ast::Value& name = params.Require("NAME");
    if (name.text.empty() || name.text.size() > kMaxUserNameLength) {
      handler_.Fail(name, fmt::format("user name must be 1 to {} characters",
                                      kMaxUserNameLength));
    }
    std::string key = Upper(name.text);
    if (auto it = user_nodes_.find(key); it != user_nodes_.end()) {
      handler_.Fail(name, fmt::format(
          "duplicate USER '{}' (user names ignore case; '{}' is at line {})",
          name.text, it->second->text, handler_.PositionOf(*it->second).line));
    }
    user_nodes_.emplace(key, &name);

    UserConfig user;
    user.name = name.text;
    if (const ast::Value* password = params.Find("PASSWORD")) {
      if (password->text.empty() || password->text[0] != '$') {
        handler_.Fail(*password, fmt::format(
            "PASSWORD of USER '{}' is not a crypt(3) hash; plaintext "
            "passwords are not accepted: run drdaplex-passwd --user {} and "
            "paste its output",
            name.text, name.text));
      }
      if (!IsCryptHash(password->text)) {
        handler_.Fail(*password, fmt::format(
            "PASSWORD of USER '{}' uses a hash method this system's crypt(3) "
            "does not know",
            name.text));
      }
      user.password_hash = password->text;
    }
    if (const ast::Value* user_only = params.Find("USRIDONL")) {
      std::string flag = Upper(user_only->text);
      if (flag != "Y" && flag != "N") {
        handler_.Fail(*user_only, "USRIDONL must be Y or N");
      }
      user.user_only_allowed = flag == "Y";
    }
    if (user.password_hash.empty() && !user.user_only_allowed) {
      handler_.Fail(statement, fmt::format(
          "USER '{}' has neither PASSWORD nor USRIDONL=Y, so it could never "
          "sign on",
          name.text));
    }
    config_.users.push_back(std::move(user));
  }

  void ReadOptions(const ast::Statement& statement) {
    Params params(statement, handler_, {"THREADS", "BUSYTIMEOUT"}, {});
    if (const ast::Value* threads = params.Find("THREADS")) {
      config_.threads = ParseNumber(*threads, "THREADS", kMaxThreads, handler_);
    }
    if (const ast::Value* timeout = params.Find("BUSYTIMEOUT")) {
      config_.busy_timeout_ms =
          ParseNumber(*timeout, "BUSYTIMEOUT", kMaxBusyTimeoutMs, handler_);
    }
  }

  const ErrorHandler& handler_;
  const std::filesystem::path base_dir_;
  OdbmConfig config_;
  // Parallel to config_.datastores.
  std::vector<const ast::Statement*> datastore_nodes_;
  std::vector<const ast::Statement*> database_nodes_;
  std::map<std::string, const ast::Value*> user_nodes_;  // key: upper case
};

}  // namespace

OdbmConfig BuildOdbmConfig(const ast::ConfigFile& file,
                           const ErrorHandler& handler,
                           const std::filesystem::path& base_dir) {
  return Builder(handler, base_dir).Build(file);
}

}  // namespace drdaplex::config
