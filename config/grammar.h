// Declarations of the ODBM configuration grammar (Boost.Spirit X3), in the
// layout of X3's rexpr_full example: the rule is declared here, defined in
// grammar_def.h and instantiated once, for the types below, in grammar.cc.
// Only grammar.cc includes this header; everyone else calls ParseSyntax()
// (parse_syntax.h), which keeps X3's templates in a single translation unit.
#pragma once

#include <cstddef>
#include <functional>
#include <iterator>
#include <string_view>

#include <boost/spirit/home/x3.hpp>

#include "config/ast.h"
#include "config/error_handler.h"

namespace drdaplex::config::grammar {

namespace x3 = boost::spirit::x3;

using Iterator = std::string_view::const_iterator;

// The skipper: blanks, /* block comments */ anywhere, and lines that start
// with '*' or '#' in column 1. Column 1 needs to see the preceding character,
// hence a hand-written parser that knows where the text begins.
class BlanksAndComments : public x3::parser<BlanksAndComments> {
 public:
  using attribute_type = x3::unused_type;
  static bool const has_attribute = false;

  explicit BlanksAndComments(Iterator begin) : begin_(begin) {}

  template <typename It, typename Context, typename RContext,
            typename Attribute>
  bool parse(It& first, It const& last, Context const&, RContext&,
             Attribute&) const {
    if (first == last) return false;
    char c = *first;
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
        c == '\v') {
      ++first;
      return true;
    }
    if (c == '/' && std::next(first) != last && *std::next(first) == '*') {
      std::string_view rest(&*first, static_cast<std::size_t>(last - first));
      std::size_t close = rest.find("*/", 2);
      if (close == std::string_view::npos) return false;  // see ErrorHandler
      first += static_cast<std::ptrdiff_t>(close + 2);
      return true;
    }
    if ((c == '*' || c == '#') && (first == begin_ || *std::prev(first) == '\n')) {
      while (first != last && *first != '\n') ++first;
      return true;
    }
    return false;
  }

 private:
  Iterator begin_;
};

using PhraseContext = x3::phrase_parse_context<BlanksAndComments>::type;
using Context = x3::context<x3::error_handler_tag,
                            std::reference_wrapper<ErrorHandler>,
                            PhraseContext>;

struct ConfigFileClass;
using ConfigFileRule = x3::rule<ConfigFileClass, ast::ConfigFile>;
BOOST_SPIRIT_DECLARE(ConfigFileRule)

// The whole file: statements up to the end of the input.
const ConfigFileRule& ConfigFile();

}  // namespace drdaplex::config::grammar
