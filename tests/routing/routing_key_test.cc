// ParseRoutingKey and the name rules: Derby database names, IMS Universal's
// PSBNAME.ALIAS, blanks, case, Derby attributes, wildcards.
#include <gtest/gtest.h>

#include "router/routing/routing_key.h"

namespace drdaplex::router {
namespace {

TEST(RoutingKeyTest, PlainNameIsTheAlias) {
  RoutingKey key = ParseRoutingKey("IO1A");
  EXPECT_EQ(key.alias, "IO1A");
  EXPECT_EQ(key.psb_name, "");
}

TEST(RoutingKeyTest, PsbNameDotAlias) {
  RoutingKey key = ParseRoutingKey("PSB1.IO1A");
  EXPECT_EQ(key.psb_name, "PSB1");
  EXPECT_EQ(key.alias, "IO1A");
  // Only the first period splits.
  key = ParseRoutingKey("PSB1.IO1A.X");
  EXPECT_EQ(key.psb_name, "PSB1");
  EXPECT_EQ(key.alias, "IO1A.X");
}

TEST(RoutingKeyTest, BlanksTrimmedAndAliasUpperCased) {
  RoutingKey key = ParseRoutingKey("  psb1 .io1a      ");
  EXPECT_EQ(key.psb_name, "psb1");  // the PSB name is passed on as sent
  EXPECT_EQ(key.alias, "IO1A");
  EXPECT_EQ(ParseRoutingKey("io2a              ").alias, "IO2A");  // RDBNAM padding
}

TEST(RoutingKeyTest, BlankAliases) {
  EXPECT_EQ(ParseRoutingKey("").alias, "");
  EXPECT_EQ(ParseRoutingKey("                  ").alias, "");
  RoutingKey key = ParseRoutingKey("PSB1.    ");
  EXPECT_EQ(key.psb_name, "PSB1");
  EXPECT_EQ(key.alias, "");
  key = ParseRoutingKey(".IO1A");
  EXPECT_EQ(key.psb_name, "");
  EXPECT_EQ(key.alias, "IO1A");
}

TEST(RoutingKeyTest, DerbyAttributesAreNotPartOfTheAlias) {
  EXPECT_EQ(ParseRoutingKey("io1a;create=true").alias, "IO1A");
  EXPECT_EQ(ParseRoutingKey("PSB1.IO1A;a=b.c").alias, "IO1A");
  EXPECT_EQ(ParseRoutingKey(";create=true").alias, "");
}

TEST(RoutingKeyTest, NameMatching) {
  EXPECT_TRUE(NameMatches("IO*", "IO1A"));
  EXPECT_TRUE(NameMatches("io*", "IO2A"));
  EXPECT_TRUE(NameMatches("IO*", "io3a"));
  EXPECT_FALSE(NameMatches("IO*", "IM1A"));
  EXPECT_TRUE(NameMatches("*", "ANYTHING"));
  EXPECT_TRUE(NameMatches("io1a", "IO1A"));
  EXPECT_FALSE(NameMatches("IO1", "IO1A"));   // no implicit prefix match
  EXPECT_TRUE(NameMatches("IO1A*", "IO1A"));  // '*' matches an empty rest
  EXPECT_TRUE(IsWildcard("IO*"));
  EXPECT_TRUE(IsWildcard("* "));
  EXPECT_FALSE(IsWildcard("IO1A"));
  EXPECT_FALSE(IsWildcard(""));
  EXPECT_EQ(NormalizeName(" \tOdbmB1 "), "ODBMB1");
}

}  // namespace
}  // namespace drdaplex::router
