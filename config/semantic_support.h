// Internal to config/: the building blocks both semantic layers (ODBM:
// semantic.cc, router: router_semantic.cc) are made of, so that the two
// kinds of file follow one set of rules and word their errors alike:
// keyword checks (Params), IMS names, numbers, Y/N flags, paths, host:port
// addresses and USER statements. Every check throws ConfigError at the
// offending node through the ErrorHandler. Not thread-safe objects; each
// lives for one parse.
#pragma once

#include <filesystem>
#include <functional>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "config/ast.h"
#include "config/error_handler.h"
#include "config/user_config.h"

namespace drdaplex::config::detail {

using KeywordList = std::initializer_list<std::string_view>;

inline constexpr int kMaxPort = 65535;

// ASCII upper case.
std::string Upper(std::string_view text);

// "A", "A or B", "A, B or C".
std::string JoinOr(const std::vector<std::string_view>& words);

const ast::Setting* AsSetting(const ast::Param& param);
const ast::Value* AsValue(const ast::Param& param);
const ast::Statement* AsStatement(const ast::Param& param);

// The params of one statement or one KEY=(list), checked against what it
// allows: settings (KEY=value, each at most once unless repeatable) and
// nested statements. Bare values are the caller's business when
// values_allowed, an error otherwise. Holds pointers into the syntax tree,
// which must outlive it.
class Params {
 public:
  Params(const ast::Statement& statement, const ErrorHandler& handler,
         KeywordList settings, KeywordList statements,
         bool values_allowed = false, KeywordList repeatable = {});
  // The list of setting (KEY=(...)); errors call it by KEY.
  Params(const ast::Setting& setting, const ast::ValueList& list,
         const ErrorHandler& handler, KeywordList settings,
         bool values_allowed = false);

  // The setting (first, for a repeatable one), or nullptr.
  const ast::Setting* FindSetting(std::string_view keyword) const;
  // Every occurrence of a repeatable setting, in file order.
  std::vector<const ast::Setting*> FindAll(std::string_view keyword) const;
  // The single value of a setting, or nullptr if absent; a (list) is an
  // error.
  const ast::Value* Find(std::string_view keyword) const;
  // As Find, but a missing setting is an error at the statement or list.
  const ast::Value& Require(std::string_view keyword) const;
  // The list of a setting written KEY=(...), or nullptr if absent; a single
  // value is an error.
  const ast::ValueList* FindList(std::string_view keyword) const;

  // The value of setting, which must not be a (list).
  const ast::Value& ScalarOf(const ast::Setting& setting) const;

  // Nested statements, in file order.
  const std::vector<const ast::Statement*>& statements() const {
    return statements_;
  }

 private:
  void Check(const std::vector<ast::Param>& params, KeywordList settings,
             KeywordList statements, bool values_allowed,
             KeywordList repeatable);
  [[noreturn]] void Unexpected(const boost::spirit::x3::position_tagged& node,
                               const std::string& keyword,
                               KeywordList settings,
                               KeywordList statements) const;

  std::string owner_;  // the statement or list keyword, for messages
  const boost::spirit::x3::position_tagged& owner_node_;
  const ErrorHandler& handler_;
  std::map<std::string, std::vector<const ast::Setting*>, std::less<>>
      settings_;
  std::vector<const ast::Statement*> statements_;
};

// For statements that may appear at most once in a file: remembers the
// first in *first, fails at a second ("second X statement (the first is at
// line N)").
void TakeOnce(const ast::Statement& statement, const ast::Statement*& first,
              const ErrorHandler& handler);

// IMS names (ODBM, datastore, alias, router): 1-8 of letters, digits,
// @ # $, not starting with a digit.
void CheckImsName(const ast::Value& name, std::string_view what,
                  const ErrorHandler& handler);

// A whole number from min to max; the message names keyword.
int ParseNumber(const ast::Value& value, std::string_view keyword, int min,
                int max, const ErrorHandler& handler);
inline int ParseNumber(const ast::Value& value, std::string_view keyword,
                       int max, const ErrorHandler& handler) {
  return ParseNumber(value, keyword, 0, max, handler);
}

// Y or N, in any case.
bool ParseYesNo(const ast::Value& value, std::string_view keyword,
                const ErrorHandler& handler);

// A non-empty file name; relative ones are taken relative to base_dir.
std::filesystem::path ResolvePath(const ast::Value& value,
                                  std::string_view keyword,
                                  const std::filesystem::path& base_dir,
                                  const ErrorHandler& handler);

// A host name or IP address to listen on or connect to: letters, digits,
// '.', '-', '_' and ':' (IPv6), or an IPv6 address in [brackets].
void CheckHost(const ast::Value& value, std::string_view keyword,
               const ErrorHandler& handler);

// host:port ("[v6]:port" for IPv6), returned as written. Port 0 ("any free
// port") only where allow_any_port.
std::string ParseHostPort(const ast::Value& value, std::string_view keyword,
                          bool allow_any_port, const ErrorHandler& handler);

// USER(NAME=, PASSWORD=, USRIDONL=) statements of one file: validates each
// and rejects a second user of the same name (names ignore case).
class UserReader {
 public:
  explicit UserReader(const ErrorHandler& handler) : handler_(handler) {}

  UserConfig Read(const ast::Statement& statement);

  // Whether a USER of that name (any case) has been read.
  bool Defines(std::string_view name) const {
    return nodes_.count(Upper(name)) != 0;
  }

 private:
  const ErrorHandler& handler_;
  std::map<std::string, const ast::Value*> nodes_;  // key: upper case
};

}  // namespace drdaplex::config::detail
