// The plex file (config/plex_config.h) beyond the golden fixtures: the seed
// plex of fixtures/plex parses to what the launcher relies on, and the
// scenario dialect's grammar (semantics: harness/faults) names its
// statements in syntax errors.
#include <gtest/gtest.h>

#include <string>

#include "config/config_error.h"
#include "config/error_handler.h"
#include "config/parse_syntax.h"
#include "config/plex_config.h"
#include "config/source_text.h"

namespace drdaplex::config {
namespace {

std::string Fixture(const std::string& name) {
  return std::string(DRDAPLEX_SOURCE_DIR) + "/fixtures/plex/" + name;
}

TEST(PlexConfig, SeedPlexFile) {
  const PlexConfig plex = LoadPlexConfig(Fixture("plex1.plex"));
  EXPECT_EQ(plex.name, "PLEX1");
  EXPECT_EQ(plex.network, PlexNetwork::kAuto);
  EXPECT_EQ(plex.port, 0);
  ASSERT_EQ(plex.systems.size(), 2u);
  ASSERT_EQ(plex.distributors.size(), 2u);
  EXPECT_FALSE(plex.distributors[0].backup);
  EXPECT_EQ(plex.distributors[0].method, DistMethodConfig::kServerWlm);
  EXPECT_EQ(plex.distributors[0].tsr_interval, std::chrono::seconds(2));
  EXPECT_TRUE(plex.distributors[1].backup);
  EXPECT_EQ(plex.distributors[1].backup_rank, 100);
  // A backup distributes as the primary does.
  EXPECT_EQ(plex.distributors[1].method, DistMethodConfig::kServerWlm);
  EXPECT_TRUE(plex.distributors[1].shareport_wlm);
  ASSERT_EQ(plex.routers.size(), 3u);
  EXPECT_EQ(plex.routers[2].system, "SYS2");
  ASSERT_EQ(plex.odbms.size(), 3u);
  EXPECT_FALSE(plex.odbms[2].start);
  EXPECT_EQ(plex.odbms[0].odbm.datastores[1].database, "plex1.db");  // as written
  EXPECT_EQ(plex.odbms[2].odbm.datastores[0].aliases, std::vector<std::string>{"IO3A"});
  ASSERT_EQ(plex.users.size(), 1u);
  EXPECT_EQ(plex.users[0].name, "app");
  EXPECT_TRUE(plex.has_exit);
}

TEST(PlexConfig, SmallPlexFile) {
  const PlexConfig plex = LoadPlexConfig(Fixture("small.plex"));
  EXPECT_EQ(plex.routers.size(), 1u);
  EXPECT_TRUE(plex.distributors.empty());
  ASSERT_EQ(plex.odbms.size(), 1u);
  EXPECT_EQ(plex.odbms[0].odbm.datastores.size(), 2u);
}

TEST(PlexConfig, MissingFileIsAConfigError) {
  EXPECT_THROW(LoadPlexConfig("/nonexistent/plex1.plex"), ConfigError);
}

// The syntax error `text` makes in `dialect`; "" when it parses.
std::string SyntaxError(const std::string& text, Dialect dialect) {
  SourceText source(text, "f");
  ErrorHandler handler(source);
  try {
    ParseSyntax(handler, dialect);
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "";
}

TEST(ScenarioGrammar, ParsesTheContractExample) {
  const std::string text =
      "SCENARIO(NAME=KILLODBM, TEXT='SIGKILL an ODBM under load, then restart it')\n"
      "LOAD(CLIENTS=16, DURATION=12, WORKLOAD=(LEDGER@3, SELECT-ONLY@1), CONNECT=PERSISTENT)\n"
      "AT(TIME=3, ACTION=KILL, TARGET=ODBMB2)\n"
      "AT(TIME=7, ACTION=RESTART, TARGET=ODBMB2)\n"
      "EXPECT(NONEW=ODBMB2, FROM=3.5, UNTIL=7)\n"
      "EXPECT(NEW=ODBMB2, AFTER=7.5)\n"
      "EXPECT(RECONNECT=2)\n";
  SourceText source(text, "kill-odbm.scenario");
  ErrorHandler handler(source);
  const ast::ConfigFile file = ParseSyntax(handler, Dialect::kScenario);
  ASSERT_EQ(file.size(), 7u);
  EXPECT_EQ(file[2].keyword, "AT");
}

TEST(ScenarioGrammar, NamesItsStatementsInErrors) {
  EXPECT_NE(SyntaxError("AT(TIME=3, ACTION=KILL\n", Dialect::kScenario).find("')' to close AT"),
            std::string::npos);
  EXPECT_NE(SyntaxError("SCENARIO(NAME=X))\n", Dialect::kScenario)
                .find("a statement (SCENARIO, LOAD, AT or EXPECT)"),
            std::string::npos);
}

TEST(PlexGrammar, NamesItsStatementsInErrors) {
  EXPECT_NE(SyntaxError("PLEX(NAME=P))\n", Dialect::kPlex)
                .find("a statement (PLEX, SYSTEM, DISTRIBUTOR, ROUTER"),
            std::string::npos);
  EXPECT_NE(SyntaxError("ROUTER(NAME=HWS1\n", Dialect::kPlex).find("')' to close ROUTER"),
            std::string::npos);
}

}  // namespace
}  // namespace drdaplex::config
