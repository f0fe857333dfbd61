// Syntax tree of a configuration file (ODBM or router), as the grammar
// produces it. Deliberately generic: every statement is KEYWORD(params) whose
// params are KEY=value settings, bare values or nested statements, and a
// setting's value is either one value or a parenthesized list of params
// (KEY=(a, b, KEY2=c)). Which keywords are allowed where is the semantic
// layer's business (semantic.h, router_semantic.h), so that those errors can
// name the offending keyword and its position. Nodes derive from
// x3::position_tagged; ErrorHandler maps them back to source offsets.
// Plain values: no ownership or threading concerns beyond std containers.
#pragma once

#include <string>
#include <vector>

#include <boost/spirit/home/x3/support/ast/position_tagged.hpp>
#include <boost/spirit/home/x3/support/ast/variant.hpp>

namespace drdaplex::config::ast {

namespace x3 = boost::spirit::x3;

struct Value : x3::position_tagged {
  std::string text;
  bool quoted = false;  // written as '...'
};

struct ValueList;

// What follows KEY=: one value, or a (list). The list is behind forward_ast
// because it holds params, which hold settings again.
struct SettingValue : x3::variant<Value, x3::forward_ast<ValueList>> {
  using base_type::base_type;
  using base_type::operator=;
};

// KEY=value or KEY=(list). The keyword is kept as written; keywords are
// case-insensitive.
struct Setting : x3::position_tagged {
  std::string keyword;
  SettingValue value;
};

struct Statement;

struct Param : x3::variant<Setting, Value, x3::forward_ast<Statement>> {
  using base_type::base_type;
  using base_type::operator=;
};

// (params) after KEY=; tagged at its '('.
struct ValueList : x3::position_tagged {
  std::vector<Param> items;
};

// KEYWORD(params). Known statements carry their keyword in upper case;
// statements the grammar does not know keep the spelling of the file.
struct Statement : x3::position_tagged {
  std::string keyword;
  std::vector<Param> params;
};

using ConfigFile = std::vector<Statement>;

// The one value of a setting, or nullptr when it is a (list).
inline const Value* ScalarOf(const Setting& setting) {
  return boost::get<Value>(&setting.value.get());
}
// The list of a setting, or nullptr when it is one value.
inline const ValueList* ListOf(const Setting& setting) {
  auto* list = boost::get<x3::forward_ast<ValueList>>(&setting.value.get());
  return list == nullptr ? nullptr : &list->get();
}

}  // namespace drdaplex::config::ast
