// The scenario dialect: every fixture parses to what it says, and each kind
// of mistake is reported at its place with a message naming the problem.
#include "harness/faults/scenario_file.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "config/config_error.h"

namespace drdaplex::faults {
namespace {

const std::filesystem::path kFixtures = std::filesystem::path(DRDAPLEX_SOURCE_DIR) / "fixtures/faults";

TEST(ScenarioFile, KillOdbmFixtureReadsAsWritten) {
  Scenario s = LoadScenario(kFixtures / "kill-odbm.scenario");
  EXPECT_EQ(s.name, "KILLODBM");
  ASSERT_EQ(s.loads.size(), 2u);
  EXPECT_EQ(s.loads[0].name, "HOLD");
  EXPECT_EQ(s.loads[0].clients, 12);
  EXPECT_FALSE(s.loads[0].connection_per_transaction);
  ASSERT_EQ(s.loads[0].workload.size(), 2u);
  EXPECT_EQ(s.loads[0].workload[0], (std::pair<std::string, int>{"ledger", 3}));
  EXPECT_EQ(s.loads[0].workload[1], (std::pair<std::string, int>{"select-only", 1}));
  EXPECT_EQ(s.loads[1].name, "CHURN");
  EXPECT_TRUE(s.loads[1].connection_per_transaction);
  EXPECT_EQ(s.loads[1].rate, 80);
  EXPECT_DOUBLE_EQ(s.duration_s, 12);
  ASSERT_EQ(s.actions.size(), 2u);
  EXPECT_EQ(s.actions[0].kind, ActionKind::kKill);
  EXPECT_EQ(s.actions[0].target, "ODBMB2");
  EXPECT_DOUBLE_EQ(s.actions[0].at_s, 3);
  EXPECT_EQ(s.actions[1].kind, ActionKind::kRestart);
  ASSERT_EQ(s.expectations.size(), 4u);
  EXPECT_EQ(s.expectations[0].kind, ExpectKind::kNoNew);
  EXPECT_DOUBLE_EQ(s.expectations[0].from_s, 3.2);
  EXPECT_DOUBLE_EQ(*s.expectations[0].until_s, 7);
  EXPECT_EQ(s.expectations[2].kind, ExpectKind::kReconnect);
  EXPECT_DOUBLE_EQ(s.expectations[2].seconds, 2);
}

TEST(ScenarioFile, EveryFixtureParses) {
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kFixtures)) {
    if (entry.path().extension() != ".scenario") continue;
    ++files;
    EXPECT_NO_THROW(LoadScenario(entry.path())) << entry.path();
  }
  EXPECT_GE(files, 6);
}

TEST(ScenarioFile, AliasActionsNarrowToOdbmsAndActionsAreSortedByTime) {
  Scenario s = ParseScenario(
      "SCENARIO(NAME=S1)\n"
      "LOAD(DURATION=10, DATABASE=io3a)\n"
      "AT(TIME=6, ACTION=stopalias, TARGET=io3a, ODBM=(ODBMB2, ODBMB3))\n"
      "AT(TIME=2.5, ACTION=START, TARGET=ODBMB3)\n",
      "s.scenario");
  ASSERT_EQ(s.actions.size(), 2u);
  EXPECT_EQ(s.actions[0].kind, ActionKind::kStart);
  EXPECT_EQ(s.actions[1].kind, ActionKind::kStopAlias);
  EXPECT_EQ(s.actions[1].target, "IO3A");
  EXPECT_EQ(s.actions[1].odbms, (std::vector<std::string>{"ODBMB2", "ODBMB3"}));
  EXPECT_EQ(s.actions[1].line, 3);
  EXPECT_EQ(s.loads[0].database, "IO3A");
  EXPECT_EQ(s.loads[0].workload, (std::vector<std::pair<std::string, int>>{{"ledger", 1}}));
}

struct BadCase {
  const char* text;
  int line;
  const char* message_part;
};

class ScenarioFileErrors : public ::testing::TestWithParam<BadCase> {};

TEST_P(ScenarioFileErrors, ReportsWhereAndWhat) {
  const BadCase& c = GetParam();
  try {
    ParseScenario(c.text, "bad.scenario");
    FAIL() << "accepted: " << c.text;
  } catch (const config::ConfigError& e) {
    EXPECT_EQ(e.line(), c.line) << e.what();
    EXPECT_NE(e.message().find(c.message_part), std::string::npos) << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ScenarioFileErrors,
    ::testing::Values(
        BadCase{"LOAD(DURATION=5)\n", 2, "needs SCENARIO"},
        BadCase{"SCENARIO(NAME=S)\n", 2, "needs a LOAD"},
        BadCase{"SCENARIO(NAME=S)\nLOAD()\nAT(TIME=3, ACTION=EXPLODE, TARGET=X)\n", 3,
                "ACTION must be"},
        BadCase{"SCENARIO(NAME=S)\nLOAD(DURATION=5)\nAT(TIME=5, ACTION=KILL, TARGET=X)\n", 3,
                "not within the LOADs' DURATION"},
        BadCase{"SCENARIO(NAME=S)\nLOAD()\nAT(TIME=-1, ACTION=KILL, TARGET=X)\n", 3,
                "TIME must be a number of seconds"},
        BadCase{"SCENARIO(NAME=S)\nLOAD()\nAT(TIME=1, ACTION=KILL, TARGET=X, ODBM=Y)\n", 3,
                "ODBM= narrows STOPALIAS"},
        BadCase{"SCENARIO(NAME=S)\nLOAD()\nEXPECT(NONEW=X, FROM=1)\n", 3, "needs FROM= and UNTIL="},
        BadCase{"SCENARIO(NAME=S)\nLOAD()\nEXPECT(NEW=X, RECONNECT=2, AFTER=1)\n", 3,
                "one of NONEW="},
        BadCase{"SCENARIO(NAME=S)\nLOAD()\nEXPECT(NONEW=X, FROM=4, UNTIL=3)\n", 3,
                "UNTIL must be later"},
        BadCase{"SCENARIO(NAME=S)\nLOAD(WORKLOAD=(LEDGER@0))\n", 2, "WORKLOAD weight"},
        BadCase{"SCENARIO(NAME=S)\nLOAD(CONNECT=SOMETIMES)\n", 2, "PERSISTENT or TRANSACTION"},
        BadCase{"SCENARIO(NAME=S)\nLOAD()\nLOAD()\n", 3, "a second LOAD named LOAD"},
        BadCase{"SCENARIO(NAME=S)\nLOAD(CLIENTS=0)\n", 2, "CLIENTS"},
        BadCase{"SCENARIO(NAME=S)\nLOAD()\nFAULT(TIME=1)\n", 3, "SCENARIO, LOAD, AT and EXPECT"}),
    [](const ::testing::TestParamInfo<BadCase>& info) { return "Case" + std::to_string(info.index); });

}  // namespace
}  // namespace drdaplex::faults
