// The one translation unit that instantiates the X3 grammar.
#include "config/grammar.h"

#include "config/grammar_def.h"
#include "config/parse_syntax.h"

namespace drdaplex::config {
namespace grammar {

BOOST_SPIRIT_INSTANTIATE(ConfigFileRule, Iterator, Context)
BOOST_SPIRIT_INSTANTIATE(RouterConfigFileRule, Iterator, Context)
BOOST_SPIRIT_INSTANTIATE(DistributorConfigFileRule, Iterator, Context)
BOOST_SPIRIT_INSTANTIATE(PlexConfigFileRule, Iterator, Context)
BOOST_SPIRIT_INSTANTIATE(ScenarioFileRule, Iterator, Context)

}  // namespace grammar

namespace {

template <typename Rule>
ast::ConfigFile Parse(ErrorHandler& handler, const Rule& rule) {
  namespace x3 = boost::spirit::x3;
  std::string_view text = handler.source().text();
  grammar::Iterator first = text.begin();
  grammar::Iterator const last = text.end();
  auto const parser = x3::with<x3::error_handler_tag>(std::ref(handler))[rule];
  ast::ConfigFile file;
  // Errors throw from the rule's on_error; a plain false cannot happen
  // because the rule ends in an expectation of the end of input.
  if (!x3::phrase_parse(first, last, parser,
                        grammar::BlanksAndComments(text), file) ||
      first != last) {
    handler.source().Fail(static_cast<std::size_t>(first - text.begin()),
                          "cannot parse the configuration");
  }
  return file;
}

}  // namespace

ast::ConfigFile ParseSyntax(ErrorHandler& handler, Dialect dialect) {
  switch (dialect) {
    case Dialect::kRouter:
      return Parse(handler, grammar::RouterConfigFile());
    case Dialect::kDistributor:
      return Parse(handler, grammar::DistributorConfigFile());
    case Dialect::kPlex:
      return Parse(handler, grammar::PlexConfigFile());
    case Dialect::kScenario:
      return Parse(handler, grammar::ScenarioFile());
    case Dialect::kOdbm:
      break;
  }
  return Parse(handler, grammar::ConfigFile());
}

}  // namespace drdaplex::config
