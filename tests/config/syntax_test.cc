// The syntax tree for KEY=(list) values: lists hold values, settings and
// further lists, keep their positions, and old single values are unchanged.
#include <string>

#include <gtest/gtest.h>

#include "config/ast.h"
#include "config/error_handler.h"
#include "config/parse_syntax.h"
#include "config/source_text.h"

namespace drdaplex::config {
namespace {

const ast::Setting& SettingAt(const std::vector<ast::Param>& params,
                              std::size_t i) {
  return boost::get<ast::Setting>(params.at(i).get());
}
const ast::Value& ValueAt(const std::vector<ast::Param>& params,
                          std::size_t i) {
  return boost::get<ast::Value>(params.at(i).get());
}

TEST(Syntax, SettingValueMayBeANestedList) {
  const std::string text =
      "S(K=(a, 'b c'\n"
      "     K2=c, K3=(d, K4=()), e), L=f)";
  for (Dialect dialect :
       {Dialect::kOdbm, Dialect::kRouter, Dialect::kDistributor}) {
    SourceText source(text, "s.cfg");
    ErrorHandler handler(source);
    ast::ConfigFile file = ParseSyntax(handler, dialect);
    ASSERT_EQ(file.size(), 1u);
    const std::vector<ast::Param>& params = file[0].params;
    ASSERT_EQ(params.size(), 2u);

    const ast::Setting& k = SettingAt(params, 0);
    EXPECT_EQ(k.keyword, "K");
    ASSERT_EQ(ast::ScalarOf(k), nullptr);
    const ast::ValueList* list = ast::ListOf(k);
    ASSERT_NE(list, nullptr);
    EXPECT_EQ(handler.PositionOf(*list).column, 5);  // at its '('
    ASSERT_EQ(list->items.size(), 5u);
    EXPECT_EQ(ValueAt(list->items, 0).text, "a");
    EXPECT_FALSE(ValueAt(list->items, 0).quoted);
    EXPECT_EQ(ValueAt(list->items, 1).text, "b c");
    EXPECT_TRUE(ValueAt(list->items, 1).quoted);
    const ast::Setting& k2 = SettingAt(list->items, 2);
    EXPECT_EQ(k2.keyword, "K2");
    ASSERT_NE(ast::ScalarOf(k2), nullptr);
    EXPECT_EQ(ast::ScalarOf(k2)->text, "c");
    EXPECT_EQ(handler.PositionOf(k2).line, 2);
    EXPECT_EQ(handler.PositionOf(k2).column, 6);

    const ast::ValueList* k3 = ast::ListOf(SettingAt(list->items, 3));
    ASSERT_NE(k3, nullptr);
    ASSERT_EQ(k3->items.size(), 2u);
    EXPECT_EQ(ValueAt(k3->items, 0).text, "d");
    const ast::ValueList* k4 = ast::ListOf(SettingAt(k3->items, 1));
    ASSERT_NE(k4, nullptr);
    EXPECT_TRUE(k4->items.empty());
    EXPECT_EQ(ValueAt(list->items, 4).text, "e");

    const ast::Setting& l = SettingAt(params, 1);
    ASSERT_NE(ast::ScalarOf(l), nullptr);
    EXPECT_EQ(ast::ScalarOf(l)->text, "f");
  }
}

// Statements the dialect knows by name come out upper case, tagged at the
// keyword; others keep their spelling.
TEST(Syntax, DistributorStatementsAreKnownByName) {
  SourceText source("destip(system=s1)\n  VipaDefine(ADDRESS=10.0.0.1)\n"
                    "sysplex(system=s1)",
                    "s.cfg");
  ErrorHandler handler(source);
  ast::ConfigFile file = ParseSyntax(handler, Dialect::kDistributor);
  ASSERT_EQ(file.size(), 3u);
  EXPECT_EQ(file[0].keyword, "DESTIP");
  EXPECT_EQ(file[1].keyword, "VIPADEFINE");
  EXPECT_EQ(handler.PositionOf(file[1]).line, 2);
  EXPECT_EQ(handler.PositionOf(file[1]).column, 3);
  EXPECT_EQ(file[2].keyword, "sysplex");
}

TEST(Syntax, UnclosedNestedListIsReportedAtItsEnd) {
  SourceText source("S(K=(a, K3=(d, e)", "s.cfg");
  ErrorHandler handler(source);
  try {
    ParseSyntax(handler, Dialect::kRouter);
    FAIL() << "no error";
  } catch (const ConfigError& error) {
    EXPECT_EQ(error.column(), 18);
    EXPECT_EQ(error.message(),
              "unexpected end of file; expected ')' to close the list");
  }
}

}  // namespace
}  // namespace drdaplex::config
