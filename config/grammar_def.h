// Definition of the configuration grammar (ODBM, router, distributor, plex
// and scenario files). Included only by grammar.cc.
//
// Shape: a file is a sequence of KEYWORD(params) statements; params are
// KEY=value settings, bare values and nested statements, separated by
// commas and/or blanks; a setting's value may also be a parenthesized list
// of params, KEY=(a, b, KEY2=c). ODBM, DATASTORE, ALIAS, DATABASE, USER and
// OPTIONS (ODBM files), HWS, TCPIP, ODACCESS, SYSPLEX, EXIT, AUTH and USER
// (router files) and DISTRIBUTOR, VIPADEFINE, VIPABACKUP, VIPADISTRIBUTE,
// DESTIP, REGISTRY and ADMIN (distributor files), PLEX, SYSTEM, DISTRIBUTOR,
// ROUTER, ODBM, DATABASE, EXIT, AUTH and USER (plex files) and SCENARIO,
// LOAD, AT and EXPECT (scenario files) have rules of their own
// only so that a syntax error can name the statement it occurred in; any
// other KEYWORD(...) parses generically and is rejected by the semantic
// layer, which can point at it. After a statement keyword every step is an
// expectation (>), so a mistake is an error at its position rather than a
// silent backtrack; the rule names are the "expected ..." text users read.
#pragma once

#include <string>

#include <boost/spirit/home/x3.hpp>
#include <boost/spirit/home/x3/support/utility/annotate_on_success.hpp>

#include "config/ast.h"
#include "config/ast_adapted.h"
#include "config/error_handler.h"
#include "config/grammar.h"

namespace drdaplex::config::grammar {

struct ConfigFileClass : ReportSyntaxError {};
struct RouterConfigFileClass : ReportSyntaxError {};
struct DistributorConfigFileClass : ReportSyntaxError {};
struct PlexConfigFileClass : ReportSyntaxError {};
struct ScenarioFileClass : ReportSyntaxError {};

// Rule IDs whose nodes remember their position.
struct ValueClass : x3::annotate_on_success {};
struct SettingClass : x3::annotate_on_success {};
struct ValueListClass : x3::annotate_on_success {};
struct OdbmClass : x3::annotate_on_success {};
struct DatastoreClass : x3::annotate_on_success {};
struct AliasClass : x3::annotate_on_success {};
struct DatabaseClass : x3::annotate_on_success {};
struct UserClass : x3::annotate_on_success {};
struct OptionsClass : x3::annotate_on_success {};
struct HwsClass : x3::annotate_on_success {};
struct TcpipClass : x3::annotate_on_success {};
struct OdaccessClass : x3::annotate_on_success {};
struct ExitClass : x3::annotate_on_success {};
struct AuthClass : x3::annotate_on_success {};
struct OtherStatementClass : x3::annotate_on_success {};
struct PlainStatementClass : x3::annotate_on_success {};

// ---- Tokens -------------------------------------------------------------

auto const keyword_start = CharIf<lexical::IsKeywordStart>();
auto const keyword_char = CharIf<lexical::IsKeywordChar>();

// Any keyword, as written (settings and statements the grammar does not
// know by name).
auto const identifier = x3::rule<class IdentifierClass, std::string>{
    "a keyword"} = x3::lexeme[keyword_start >> *keyword_char];

// Bare values stop at anything that separates or quotes, and also at
// punctuation no name, path or hash needs, so that a stray ']' or ';' is
// reported where it stands; and at "/*", so that a comment may follow a
// value directly.
auto const bare_char = CharIf<lexical::IsBareChar>() - x3::lit("/*");

auto const bare_value = x3::rule<class BareValueClass, ast::Value>{
    "a value"} = x3::lexeme[+bare_char] >> x3::attr(false);

auto const end_quote = x3::rule<class EndQuoteClass>{
    "' to end the quoted string"} = x3::lit('\'');

// 'text', with '' standing for one quote; a string does not span lines.
auto const quoted_value = x3::rule<class QuotedValueClass, ast::Value>{
    "a quoted string"} =
    x3::lexeme['\'' > *((x3::lit("''") >> x3::attr('\'')) |
                        (x3::char_ - '\'' - x3::eol)) > end_quote] >>
    x3::attr(true);

auto const value = x3::rule<ValueClass, ast::Value>{"a value"} =
    quoted_value | bare_value;

auto const separator = -x3::lit(',');

// Settings and lists hold each other, and lists and any other KEYWORD(...)
// hold statements: recursive rules, declared here and defined below.
x3::rule<SettingClass, ast::Setting> const setting = "KEYWORD=value";
x3::rule<ValueListClass, ast::ValueList> const value_list = "a (list)";
x3::rule<OtherStatementClass, ast::Statement> const other_statement =
    "a statement";

// Params: of a statement and of a (list) alike.
auto const other_params =
    -((other_statement | setting | value) % separator);

auto const value_after_equals =
    x3::rule<class ValueAfterEqualsClass, ast::SettingValue>{
        "a value after '='"} = value_list | value;

auto const setting_def = identifier >> '=' > value_after_equals;

auto const close_list = x3::rule<class CloseListClass>{
    "')' to close the list"} = x3::lit(')');
// A rule of its own so that X3 fills ValueList's one member with the whole
// vector (it would otherwise take the struct itself for the container).
auto const list_items =
    x3::rule<class ListItemsClass, std::vector<ast::Param>>{"a list item"} =
        other_params;
auto const value_list_def = '(' > list_items > close_list;

// ---- Statements -----------------------------------------------------------

// KEYWORD(params) for a statement that holds only settings and values: the
// rule is named KEYWORD, its parentheses "'(' after KEYWORD" and "')' to
// close KEYWORD". The names are literals because X3 rules keep the pointer.
inline auto PlainStatement(char const* keyword, char const* open_name,
                           char const* close_name) {
  return x3::rule<PlainStatementClass, ast::Statement>{keyword} =
             KeywordLiteral(keyword) >
             (x3::rule<class OpenPlainClass>{open_name} = x3::lit('(')) >
             other_params >
             (x3::rule<class ClosePlainClass>{close_name} = x3::lit(')'));
}

auto const close_other = x3::rule<class CloseOtherClass>{"')'"} =
    x3::lit(')');
auto const other_statement_def =
    identifier >> '(' > other_params > close_other;

auto const alias_statement = x3::rule<AliasClass, ast::Statement>{"ALIAS"} =
    KeywordLiteral("ALIAS") >
    (x3::rule<class OpenAliasClass>{"'(' after ALIAS"} = x3::lit('(')) >
    other_params >
    (x3::rule<class CloseAliasClass>{"')' to close ALIAS"} = x3::lit(')'));

auto const datastore_statement =
    x3::rule<DatastoreClass, ast::Statement>{"DATASTORE"} =
        KeywordLiteral("DATASTORE") >
        (x3::rule<class OpenDatastoreClass>{"'(' after DATASTORE"} =
             x3::lit('(')) >
        -((alias_statement | other_statement | setting | value) % separator) >
        (x3::rule<class CloseDatastoreClass>{"')' to close DATASTORE"} =
             x3::lit(')'));

auto const odbm_statement = x3::rule<OdbmClass, ast::Statement>{"ODBM"} =
    KeywordLiteral("ODBM") >
    (x3::rule<class OpenOdbmClass>{"'(' after ODBM"} = x3::lit('(')) >
    -((datastore_statement | other_statement | setting | value) % separator) >
    (x3::rule<class CloseOdbmClass>{"')' to close ODBM"} = x3::lit(')'));

auto const database_statement =
    x3::rule<DatabaseClass, ast::Statement>{"DATABASE"} =
        KeywordLiteral("DATABASE") >
        (x3::rule<class OpenDatabaseClass>{"'(' after DATABASE"} =
             x3::lit('(')) >
        other_params >
        (x3::rule<class CloseDatabaseClass>{"')' to close DATABASE"} =
             x3::lit(')'));

auto const user_statement = x3::rule<UserClass, ast::Statement>{"USER"} =
    KeywordLiteral("USER") >
    (x3::rule<class OpenUserClass>{"'(' after USER"} = x3::lit('(')) >
    other_params >
    (x3::rule<class CloseUserClass>{"')' to close USER"} = x3::lit(')'));

auto const options_statement =
    x3::rule<OptionsClass, ast::Statement>{"OPTIONS"} =
        KeywordLiteral("OPTIONS") >
        (x3::rule<class OpenOptionsClass>{"'(' after OPTIONS"} =
             x3::lit('(')) >
        other_params >
        (x3::rule<class CloseOptionsClass>{"')' to close OPTIONS"} =
             x3::lit(')'));

auto const statement = odbm_statement | database_statement | user_statement |
                       options_statement | other_statement;

auto const end_of_input = x3::rule<class EndOfInputClass>{
    "a statement (ODBM, DATABASE, USER or OPTIONS)"} = x3::eoi;

ConfigFileRule const config_file = "configuration file";
auto const config_file_def = *statement > end_of_input;

// ---- Router statements (IMS Connect HWSCFGxx style) ------------------------

auto const hws_statement = x3::rule<HwsClass, ast::Statement>{"HWS"} =
    KeywordLiteral("HWS") >
    (x3::rule<class OpenHwsClass>{"'(' after HWS"} = x3::lit('(')) >
    other_params >
    (x3::rule<class CloseHwsClass>{"')' to close HWS"} = x3::lit(')'));

auto const tcpip_statement = x3::rule<TcpipClass, ast::Statement>{"TCPIP"} =
    KeywordLiteral("TCPIP") >
    (x3::rule<class OpenTcpipClass>{"'(' after TCPIP"} = x3::lit('(')) >
    other_params >
    (x3::rule<class CloseTcpipClass>{"')' to close TCPIP"} = x3::lit(')'));

auto const odaccess_statement =
    x3::rule<OdaccessClass, ast::Statement>{"ODACCESS"} =
        KeywordLiteral("ODACCESS") >
        (x3::rule<class OpenOdaccessClass>{"'(' after ODACCESS"} =
             x3::lit('(')) >
        other_params >
        (x3::rule<class CloseOdaccessClass>{"')' to close ODACCESS"} =
             x3::lit(')'));

auto const exit_statement = x3::rule<ExitClass, ast::Statement>{"EXIT"} =
    KeywordLiteral("EXIT") >
    (x3::rule<class OpenExitClass>{"'(' after EXIT"} = x3::lit('(')) >
    other_params >
    (x3::rule<class CloseExitClass>{"')' to close EXIT"} = x3::lit(')'));

auto const auth_statement = x3::rule<AuthClass, ast::Statement>{"AUTH"} =
    KeywordLiteral("AUTH") >
    (x3::rule<class OpenAuthClass>{"'(' after AUTH"} = x3::lit('(')) >
    other_params >
    (x3::rule<class CloseAuthClass>{"')' to close AUTH"} = x3::lit(')'));

auto const sysplex_statement =
    PlainStatement("SYSPLEX", "'(' after SYSPLEX", "')' to close SYSPLEX");

auto const router_statement = hws_statement | tcpip_statement |
                              odaccess_statement | sysplex_statement |
                              exit_statement | auth_statement |
                              user_statement | other_statement;

auto const router_end_of_input = x3::rule<class RouterEndOfInputClass>{
    "a statement (HWS, TCPIP, ODACCESS, SYSPLEX, EXIT, AUTH or USER)"} =
    x3::eoi;

RouterConfigFileRule const router_config_file = "router configuration file";
auto const router_config_file_def = *router_statement > router_end_of_input;

// ---- Distributor statements (TCP/IP profile VIPADYNAMIC style) -------------

auto const distributor_statement =
    PlainStatement("DISTRIBUTOR", "'(' after DISTRIBUTOR",
                   "')' to close DISTRIBUTOR") |
    PlainStatement("VIPADEFINE", "'(' after VIPADEFINE",
                   "')' to close VIPADEFINE") |
    PlainStatement("VIPABACKUP", "'(' after VIPABACKUP",
                   "')' to close VIPABACKUP") |
    PlainStatement("VIPADISTRIBUTE", "'(' after VIPADISTRIBUTE",
                   "')' to close VIPADISTRIBUTE") |
    PlainStatement("DESTIP", "'(' after DESTIP", "')' to close DESTIP") |
    PlainStatement("REGISTRY", "'(' after REGISTRY",
                   "')' to close REGISTRY") |
    PlainStatement("ADMIN", "'(' after ADMIN", "')' to close ADMIN") |
    other_statement;

auto const distributor_end_of_input =
    x3::rule<class DistributorEndOfInputClass>{
        "a statement (DISTRIBUTOR, VIPADEFINE, VIPABACKUP, VIPADISTRIBUTE, "
        "DESTIP, REGISTRY or ADMIN)"} = x3::eoi;

DistributorConfigFileRule const distributor_config_file =
    "distributor configuration file";
auto const distributor_config_file_def =
    *distributor_statement > distributor_end_of_input;

// ---- Plex statements (harness/plex: a whole plex in one file) -------------

// ODBM (with its DATASTOREs and ALIASes), DATABASE, EXIT, AUTH and USER are
// the rules of the ODBM and router files: the same statements, written the
// same way.
auto const plex_statement =
    PlainStatement("PLEX", "'(' after PLEX", "')' to close PLEX") |
    PlainStatement("SYSTEM", "'(' after SYSTEM", "')' to close SYSTEM") |
    PlainStatement("DISTRIBUTOR", "'(' after DISTRIBUTOR",
                   "')' to close DISTRIBUTOR") |
    PlainStatement("ROUTER", "'(' after ROUTER", "')' to close ROUTER") |
    odbm_statement | database_statement | exit_statement | auth_statement |
    user_statement | other_statement;

auto const plex_end_of_input = x3::rule<class PlexEndOfInputClass>{
    "a statement (PLEX, SYSTEM, DISTRIBUTOR, ROUTER, ODBM, DATABASE, EXIT, "
    "AUTH or USER)"} = x3::eoi;

PlexConfigFileRule const plex_config_file = "plex file";
auto const plex_config_file_def = *plex_statement > plex_end_of_input;

// ---- Scenario statements (harness/faults) ---------------------------------

auto const scenario_statement =
    PlainStatement("SCENARIO", "'(' after SCENARIO", "')' to close SCENARIO") |
    PlainStatement("LOAD", "'(' after LOAD", "')' to close LOAD") |
    PlainStatement("AT", "'(' after AT", "')' to close AT") |
    PlainStatement("EXPECT", "'(' after EXPECT", "')' to close EXPECT") |
    other_statement;

auto const scenario_end_of_input = x3::rule<class ScenarioEndOfInputClass>{
    "a statement (SCENARIO, LOAD, AT or EXPECT)"} = x3::eoi;

ScenarioFileRule const scenario_file = "scenario file";
auto const scenario_file_def = *scenario_statement > scenario_end_of_input;

BOOST_SPIRIT_DEFINE(setting, value_list, other_statement, config_file,
                    router_config_file, distributor_config_file,
                    plex_config_file, scenario_file)

const ConfigFileRule& ConfigFile() { return config_file; }
const RouterConfigFileRule& RouterConfigFile() { return router_config_file; }
const DistributorConfigFileRule& DistributorConfigFile() {
  return distributor_config_file;
}
const PlexConfigFileRule& PlexConfigFile() { return plex_config_file; }
const ScenarioFileRule& ScenarioFile() { return scenario_file; }

}  // namespace drdaplex::config::grammar
