#include "config/value_format.h"

#include <gtest/gtest.h>

#include "config/odbm_config.h"

namespace drdaplex::config {
namespace {

TEST(FormatValue, BareWhenPossible) {
  EXPECT_EQ(FormatValue("data/x.db"), "data/x.db");
  EXPECT_EQ(FormatValue("a b"), "'a b'");
  EXPECT_EQ(FormatValue("it's"), "'it''s'");
  EXPECT_EQ(FormatValue(""), "''");
  EXPECT_EQ(FormatValue("a/*b"), "'a/*b'");
  EXPECT_EQ(FormatValue("*x"), "'*x'");
  EXPECT_THROW(FormatValue("a\nb"), std::invalid_argument);
}

// Whatever the user name, the printed statement reads back to that name.
TEST(FormatUserStatement, RoundTripsThroughTheParser) {
  const std::string hash = "$6$saltsalt$abc";
  for (std::string name : {"app", "O'Brien", "with blank", "a,b", "x=y",
                           "'", "#1", "Zürich"}) {
    std::string text = "ODBM(NAME=O DATASTORE(NAME=D))\n"
                       "DATABASE(DATASTORE=D, FILE=d.db)\n" +
                       FormatUserStatement(name, hash) + "\n";
    OdbmConfig config = ParseOdbmConfig(text, "t.cfg");
    ASSERT_EQ(config.users.size(), 1u) << text;
    EXPECT_EQ(config.users[0].name, name) << text;
    EXPECT_EQ(config.users[0].password_hash, hash) << text;
  }
  EXPECT_EQ(FormatUserStatement("app", hash),
            "USER(NAME=app, PASSWORD='$6$saltsalt$abc')");
}

}  // namespace
}  // namespace drdaplex::config
