// Syntax tree of an ODBM configuration file, as the grammar produces it.
// Deliberately generic: every statement is KEYWORD(params) whose params are
// KEY=value settings, bare values or nested statements. Which keywords are
// allowed where is the semantic layer's business (semantic.h), so that those
// errors can name the offending keyword and its position. Nodes derive from
// x3::position_tagged; ErrorHandler maps them back to source offsets.
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

// KEY=value. The keyword is kept as written; keywords are case-insensitive.
struct Setting : x3::position_tagged {
  std::string keyword;
  Value value;
};

struct Statement;

struct Param : x3::variant<Setting, Value, x3::forward_ast<Statement>> {
  using base_type::base_type;
  using base_type::operator=;
};

// KEYWORD(params). Known statements carry their keyword in upper case;
// statements the grammar does not know keep the spelling of the file.
struct Statement : x3::position_tagged {
  std::string keyword;
  std::vector<Param> params;
};

using ConfigFile = std::vector<Statement>;

}  // namespace drdaplex::config::ast
