// Declarations of the configuration grammar (Boost.Spirit X3), in the layout
// of X3's rexpr_full example: the top rules (one per kind of file: ODBM,
// router, distributor, plex and scenario, sharing everything below the
// statement level) are
// declared here,
// defined in grammar_def.h and instantiated once, for the types below, in
// grammar.cc.
// Only grammar.cc includes this header; everyone else calls ParseSyntax()
// (parse_syntax.h), which keeps X3's templates in a single translation unit.
#pragma once

#include <cstddef>
#include <functional>
#include <string_view>

#include <boost/spirit/home/x3.hpp>

#include "config/ast.h"
#include "config/error_handler.h"
#include "config/lexical.h"

namespace drdaplex::config::grammar {

namespace x3 = boost::spirit::x3;

using Iterator = std::string_view::const_iterator;

// The skipper: blanks, /* block comments */ anywhere, and lines that start
// with '*' or '#' in column 1. Column 1 needs to see the preceding character,
// hence a hand-written parser that knows where the text begins; the rules
// themselves are lexical::SkipOne, shared with error reporting.
class BlanksAndComments : public x3::parser<BlanksAndComments> {
 public:
  using attribute_type = x3::unused_type;
  static bool const has_attribute = false;

  explicit BlanksAndComments(std::string_view text) : text_(text) {}

  template <typename Context, typename RContext, typename Attribute>
  bool parse(Iterator& first, Iterator const& /*last*/, Context const&,
             RContext&, Attribute&) const {
    std::size_t offset = static_cast<std::size_t>(first - text_.begin());
    std::size_t next = lexical::SkipOne(text_, offset);
    first += static_cast<std::ptrdiff_t>(next - offset);
    return next != offset;
  }

 private:
  std::string_view text_;
};

// One character for which Test holds. X3's own classes (alnum...) assert
// on bytes above 0x7F in debug builds, and UTF-8 text has those.
template <bool (*Test)(char)>
struct CharIf : x3::char_parser<CharIf<Test>> {
  using attribute_type = char;
  using encoding = boost::spirit::char_encoding::standard;
  static bool const has_attribute = true;

  template <typename Char, typename Context>
  bool test(Char c, Context const&) const {
    return Test(static_cast<char>(c));
  }
};

// A statement keyword in any (ASCII) case that does not run on into a
// longer word; its attribute is the canonical upper-case spelling. Written
// by hand for the same reason as CharIf: x3::no_case asserts on UTF-8 bytes.
class KeywordLiteral : public x3::parser<KeywordLiteral> {
 public:
  using attribute_type = std::string;
  static bool const has_attribute = true;

  explicit constexpr KeywordLiteral(std::string_view word) : word_(word) {}

  template <typename Context, typename RContext, typename Attribute>
  bool parse(Iterator& first, Iterator const& last, Context const& context,
             RContext&, Attribute& attribute) const {
    x3::skip_over(first, last, context);
    Iterator it = first;
    for (char expected : word_) {
      if (it == last || lexical::ToUpper(*it) != expected) return false;
      ++it;
    }
    if (it != last && lexical::IsKeywordChar(*it)) return false;
    first = it;
    x3::traits::move_to(std::string(word_), attribute);
    return true;
  }

 private:
  std::string_view word_;
};

using PhraseContext = x3::phrase_parse_context<BlanksAndComments>::type;
using Context = x3::context<x3::error_handler_tag,
                            std::reference_wrapper<ErrorHandler>,
                            PhraseContext>;

struct ConfigFileClass;
using ConfigFileRule = x3::rule<ConfigFileClass, ast::ConfigFile>;
struct RouterConfigFileClass;
using RouterConfigFileRule = x3::rule<RouterConfigFileClass, ast::ConfigFile>;
struct DistributorConfigFileClass;
using DistributorConfigFileRule =
    x3::rule<DistributorConfigFileClass, ast::ConfigFile>;
struct PlexConfigFileClass;
using PlexConfigFileRule = x3::rule<PlexConfigFileClass, ast::ConfigFile>;
struct ScenarioFileClass;
using ScenarioFileRule = x3::rule<ScenarioFileClass, ast::ConfigFile>;
BOOST_SPIRIT_DECLARE(ConfigFileRule, RouterConfigFileRule,
                     DistributorConfigFileRule, PlexConfigFileRule,
                     ScenarioFileRule)

// The whole file: statements up to the end of the input. They differ only
// in which statements have rules of their own (and so are named in syntax
// errors).
const ConfigFileRule& ConfigFile();
const RouterConfigFileRule& RouterConfigFile();
const DistributorConfigFileRule& DistributorConfigFile();
const PlexConfigFileRule& PlexConfigFile();
const ScenarioFileRule& ScenarioFile();

}  // namespace drdaplex::config::grammar
