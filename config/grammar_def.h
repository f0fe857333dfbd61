// Definition of the ODBM configuration grammar. Included only by grammar.cc.
//
// Shape: a file is a sequence of KEYWORD(params) statements; params are
// KEY=value settings, bare values and nested statements, separated by
// commas and/or blanks. ODBM, DATASTORE, ALIAS, DATABASE, USER and OPTIONS
// have rules of their own only so that a syntax error can name the statement
// it occurred in; any other KEYWORD(...) parses generically and is rejected
// by the semantic layer, which can point at it. After a statement keyword
// every step is an expectation (>), so a mistake is an error at its
// position rather than a silent backtrack; the rule names are the "expected
// ..." text users read.
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

// Rule IDs whose nodes remember their position.
struct ValueClass : x3::annotate_on_success {};
struct SettingClass : x3::annotate_on_success {};
struct OdbmClass : x3::annotate_on_success {};
struct DatastoreClass : x3::annotate_on_success {};
struct AliasClass : x3::annotate_on_success {};
struct DatabaseClass : x3::annotate_on_success {};
struct UserClass : x3::annotate_on_success {};
struct OptionsClass : x3::annotate_on_success {};
struct OtherStatementClass : x3::annotate_on_success {};

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

auto const value_after_equals = x3::rule<class ValueAfterEqualsClass,
                                         ast::Value>{"a value after '='"} =
    value;

auto const setting = x3::rule<SettingClass, ast::Setting>{"KEYWORD=value"} =
    identifier >> '=' > value_after_equals;

auto const separator = -x3::lit(',');

// ---- Statements -----------------------------------------------------------

// Any other KEYWORD(...): recursive, hence declared and defined separately.
x3::rule<OtherStatementClass, ast::Statement> const other_statement =
    "a statement";

auto const close_other = x3::rule<class CloseOtherClass>{"')'"} =
    x3::lit(')');
auto const other_params =
    -((other_statement | setting | value) % separator);
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

BOOST_SPIRIT_DEFINE(other_statement, config_file)

const ConfigFileRule& ConfigFile() { return config_file; }

}  // namespace drdaplex::config::grammar
