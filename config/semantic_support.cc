// The shared semantic building blocks (see semantic_support.h). Stateless
// functions; Params and UserReader live for one parse.
#include "config/semantic_support.h"

#include <charconv>

#include <fmt/format.h>

#include "config/crypt_hash.h"
#include "config/lexical.h"

namespace drdaplex::config::detail {
namespace {

constexpr std::size_t kMaxImsNameLength = 8;
constexpr std::size_t kMaxUserNameLength = 255;  // DRDA USRID limit
constexpr std::size_t kMaxHostLength = 253;      // DNS name limit

bool Contains(KeywordList list, std::string_view word) {
  for (std::string_view item : list) {
    if (item == word) return true;
  }
  return false;
}

bool IsImsNameStart(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '@' ||
         c == '#' || c == '$';
}
bool IsImsNameChar(char c) { return IsImsNameStart(c) || (c >= '0' && c <= '9'); }

bool IsHostChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_' ||
         c == ':';
}

// Whether host (without brackets) is made of host characters only.
bool IsHostText(std::string_view host) {
  if (host.empty() || host.size() > kMaxHostLength) return false;
  for (char c : host) {
    if (!IsHostChar(c)) return false;
  }
  return true;
}

}  // namespace

std::string Upper(std::string_view text) {
  std::string upper(text);
  for (char& c : upper) c = lexical::ToUpper(c);
  return upper;
}

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

void TakeOnce(const ast::Statement& statement, const ast::Statement*& first,
              const ErrorHandler& handler) {
  if (first != nullptr) {
    handler.Fail(statement, fmt::format(
        "second {} statement (the first is at line {})",
        Upper(statement.keyword), handler.PositionOf(*first).line));
  }
  first = &statement;
}

// ---- Params ----------------------------------------------------------------

Params::Params(const ast::Statement& statement, const ErrorHandler& handler,
               KeywordList settings, KeywordList statements,
               bool values_allowed, KeywordList repeatable)
    : owner_(statement.keyword), owner_node_(statement), handler_(handler) {
  Check(statement.params, settings, statements, values_allowed, repeatable);
}

Params::Params(const ast::Setting& setting, const ast::ValueList& list,
               const ErrorHandler& handler, KeywordList settings,
               bool values_allowed)
    : owner_(Upper(setting.keyword)), owner_node_(list), handler_(handler) {
  Check(list.items, settings, {}, values_allowed, {});
}

void Params::Check(const std::vector<ast::Param>& params,
                   KeywordList settings, KeywordList statements,
                   bool values_allowed, KeywordList repeatable) {
  for (const ast::Param& param : params) {
    if (const ast::Setting* setting = AsSetting(param)) {
      std::string keyword = Upper(setting->keyword);
      if (!Contains(settings, keyword)) {
        Unexpected(*setting, keyword, settings, statements);
      }
      std::vector<const ast::Setting*>& given = settings_[keyword];
      if (!given.empty() && !Contains(repeatable, keyword)) {
        handler_.Fail(*setting,
                      fmt::format("{} is given twice in {} (first at line {})",
                                  keyword, owner_,
                                  handler_.PositionOf(*given.front()).line));
      }
      given.push_back(setting);
    } else if (const ast::Statement* nested = AsStatement(param)) {
      std::string keyword = Upper(nested->keyword);
      if (!Contains(statements, keyword)) {
        Unexpected(*nested, keyword, settings, statements);
      }
      statements_.push_back(nested);
    } else if (const ast::Value* value = AsValue(param);
               !values_allowed && value != nullptr) {
      handler_.Fail(*value, fmt::format("unexpected value '{}' in {}; "
                                        "expected KEYWORD=value",
                                        value->text, owner_));
    }
  }
}

void Params::Unexpected(const boost::spirit::x3::position_tagged& node,
                        const std::string& keyword, KeywordList settings,
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
                                  keyword, owner_, JoinOr(expected)));
}

const ast::Setting* Params::FindSetting(std::string_view keyword) const {
  auto it = settings_.find(keyword);
  return it == settings_.end() ? nullptr : it->second.front();
}

std::vector<const ast::Setting*> Params::FindAll(
    std::string_view keyword) const {
  auto it = settings_.find(keyword);
  return it == settings_.end() ? std::vector<const ast::Setting*>{}
                               : it->second;
}

const ast::Value& Params::ScalarOf(const ast::Setting& setting) const {
  const ast::Value* value = ast::ScalarOf(setting);
  if (value == nullptr) {
    std::string keyword = Upper(setting.keyword);
    handler_.Fail(*ast::ListOf(setting),
                  fmt::format("{} takes one value, not a list: write "
                              "{}=value",
                              keyword, keyword));
  }
  return *value;
}

const ast::Value* Params::Find(std::string_view keyword) const {
  const ast::Setting* setting = FindSetting(keyword);
  return setting == nullptr ? nullptr : &ScalarOf(*setting);
}

const ast::Value& Params::Require(std::string_view keyword) const {
  const ast::Value* value = Find(keyword);
  if (value == nullptr) {
    handler_.Fail(owner_node_, fmt::format("{} needs {}=", owner_, keyword));
  }
  return *value;
}

const ast::ValueList* Params::FindList(std::string_view keyword) const {
  const ast::Setting* setting = FindSetting(keyword);
  if (setting == nullptr) return nullptr;
  const ast::ValueList* list = ast::ListOf(*setting);
  if (list == nullptr) {
    handler_.Fail(*ast::ScalarOf(*setting),
                  fmt::format("{} takes a list: write {}=(...)", keyword,
                              keyword));
  }
  return list;
}

// ---- Values ----------------------------------------------------------------

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

int ParseNumber(const ast::Value& value, std::string_view keyword, int min,
                int max, const ErrorHandler& handler) {
  int number = 0;
  const char* end = value.text.data() + value.text.size();
  auto [stop, error] = std::from_chars(value.text.data(), end, number);
  if (value.text.empty() || error != std::errc() || stop != end ||
      number < min || number > max) {
    handler.Fail(value, fmt::format("{} must be a whole number from {} to {}",
                                    keyword, min, max));
  }
  return number;
}

bool ParseYesNo(const ast::Value& value, std::string_view keyword,
                const ErrorHandler& handler) {
  std::string flag = Upper(value.text);
  if (flag != "Y" && flag != "N") {
    handler.Fail(value, fmt::format("{} must be Y or N", keyword));
  }
  return flag == "Y";
}

std::filesystem::path ResolvePath(const ast::Value& value,
                                  std::string_view keyword,
                                  const std::filesystem::path& base_dir,
                                  const ErrorHandler& handler) {
  if (value.text.empty()) {
    handler.Fail(value, fmt::format("{} must not be empty", keyword));
  }
  std::filesystem::path path(value.text);
  if (path.is_relative()) path = base_dir / path;
  return path.lexically_normal();
}

void CheckHost(const ast::Value& value, std::string_view keyword,
               const ErrorHandler& handler) {
  std::string_view host = value.text;
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (!IsHostText(host)) {
    handler.Fail(value, fmt::format("{} '{}' is not a host name or IP "
                                    "address",
                                    keyword, value.text));
  }
}

std::string ParseHostPort(const ast::Value& value, std::string_view keyword,
                          bool allow_any_port, const ErrorHandler& handler) {
  const std::string& text = value.text;
  auto fail_shape = [&] {
    handler.Fail(value, fmt::format("{} '{}' is not host:port (as in "
                                    "127.0.0.1:7001, or [::1]:7001 for IPv6)",
                                    keyword, text));
  };
  std::size_t colon = text.rfind(':');
  if (colon == std::string::npos) fail_shape();
  std::string_view host = std::string_view(text).substr(0, colon);
  std::string_view port = std::string_view(text).substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    fail_shape();  // an IPv6 address needs brackets to tell the port apart
  }
  if (!IsHostText(host)) fail_shape();
  const int min_port = allow_any_port ? 0 : 1;
  int number = 0;
  auto [stop, error] =
      std::from_chars(port.data(), port.data() + port.size(), number);
  if (port.empty() || error != std::errc() ||
      stop != port.data() + port.size() || number < min_port ||
      number > 65535) {
    handler.Fail(value, fmt::format("the port of {} '{}' must be a whole "
                                    "number from {} to 65535{}",
                                    keyword, text, min_port,
                                    allow_any_port ? " (0: any free port)"
                                                   : ""));
  }
  return text;
}

// ---- USER ------------------------------------------------------------------

UserConfig UserReader::Read(const ast::Statement& statement) {
  Params params(statement, handler_, {"NAME", "PASSWORD", "USRIDONL"}, {});
  const ast::Value& name = params.Require("NAME");
  if (name.text.empty() || name.text.size() > kMaxUserNameLength) {
    handler_.Fail(name, fmt::format("user name must be 1 to {} characters",
                                    kMaxUserNameLength));
  }
  std::string key = Upper(name.text);
  if (auto it = nodes_.find(key); it != nodes_.end()) {
    handler_.Fail(name, fmt::format(
        "duplicate USER '{}' (user names ignore case; '{}' is at line {})",
        name.text, it->second->text, handler_.PositionOf(*it->second).line));
  }
  nodes_.emplace(key, &name);

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
    user.user_only_allowed = ParseYesNo(*user_only, "USRIDONL", handler_);
  }
  if (user.password_hash.empty() && !user.user_only_allowed) {
    handler_.Fail(statement, fmt::format(
        "USER '{}' has neither PASSWORD nor USRIDONL=Y, so it could never "
        "sign on",
        name.text));
  }
  return user;
}

}  // namespace drdaplex::config::detail
