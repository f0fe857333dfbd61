// The pgbench-style script parser: statements, :var parameters, \set
// expressions with precedence and random(), \sleep units, BEGIN/END, every
// built-in parsing, and errors that name the script and line.
#include <gtest/gtest.h>

#include "harness/load/script.h"
#include "harness/load/workload.h"

namespace drdaplex::load {
namespace {

Script Parse(const std::string& text) {
  std::string error;
  auto script = ParseScript(text, "t.sql", &error);
  EXPECT_TRUE(script) << error;
  return script ? *script : Script{};
}

std::string ErrorOf(const std::string& text) {
  std::string error;
  EXPECT_FALSE(ParseScript(text, "t.sql", &error));
  return error;
}

TEST(ScriptTest, StatementsBecomePreparedWithParameters) {
  Script s = Parse("\\set aid random(1, 100 * :scale)\n"
                   "-- a comment\n"
                   "SELECT abalance, ':aid' FROM T\n   WHERE aid = :aid AND c = :client_id;\n");
  ASSERT_EQ(s.commands.size(), 2u);
  const auto& sql = std::get<SqlCommand>(s.commands[1]);
  EXPECT_EQ(sql.sql, "SELECT abalance, ':aid' FROM T\n   WHERE aid = ? AND c = ?");
  ASSERT_EQ(sql.param_slots.size(), 2u);
  EXPECT_EQ(s.variable_names[static_cast<size_t>(sql.param_slots[0])], "aid");
  EXPECT_EQ(sql.param_slots[1], kClientIdSlot);
  EXPECT_EQ(sql.line, 3);
}

TEST(ScriptTest, TransactionControlIsRecognised) {
  Script s = Parse("BEGIN;\nUPDATE T SET a = 1;\nEND;\nrollback;\n");
  EXPECT_EQ(std::get<SqlCommand>(s.commands[0]).kind, SqlCommand::Kind::kBegin);
  EXPECT_EQ(std::get<SqlCommand>(s.commands[1]).kind, SqlCommand::Kind::kStatement);
  EXPECT_EQ(std::get<SqlCommand>(s.commands[2]).kind, SqlCommand::Kind::kCommit);
  EXPECT_EQ(std::get<SqlCommand>(s.commands[3]).kind, SqlCommand::Kind::kRollback);
}

// A client's variables for `script` (scale 1) and its random generator.
struct Variables {
  explicit Variables(const Script& script, uint64_t seed) : values(script.variable_names.size(), 0), random(seed) {
    values[kScaleSlot] = 1;
  }
  // Evaluates command `i`, a \set, storing the value as the client would.
  std::optional<int64_t> Set(const Script& script, size_t i) {
    const auto& set = std::get<SetCommand>(script.commands[i]);
    auto value = Evaluate(set.value, values, random, &error);
    if (value) values[static_cast<size_t>(set.slot)] = *value;
    return value;
  }
  std::vector<int64_t> values;
  std::mt19937_64 random;
  ScriptRuntimeError error;
};

TEST(ScriptTest, ExpressionsFollowPrecedence) {
  Script s = Parse("\\set a 2 + 3 * 4 - -1\n\\set b (:a - 1) / 3 % 3\n\\set c random(:b, :b)\n");
  Variables vars(s, 1);
  for (size_t i = 0; i < s.commands.size(); ++i) ASSERT_TRUE(vars.Set(s, i));
  EXPECT_EQ(vars.values[2], 15);
  EXPECT_EQ(vars.values[3], 14 / 3 % 3);
  EXPECT_EQ(vars.values[4], vars.values[3]);
}

TEST(ScriptTest, RandomStaysInRange) {
  Script s = Parse("\\set x random(-5, 5)\n");
  Variables vars(s, 2);
  std::set<int64_t> seen;
  for (int i = 0; i < 2000; ++i) seen.insert(*vars.Set(s, 0));
  EXPECT_EQ(seen.size(), 11u);
  EXPECT_EQ(*seen.begin(), -5);
  EXPECT_EQ(*seen.rbegin(), 5);
}

TEST(ScriptTest, DivisionByZeroIsARuntimeError) {
  Script s = Parse("\\set x 1 / (:scale - 1)\n");
  Variables vars(s, 3);
  EXPECT_FALSE(vars.Set(s, 0));
  EXPECT_EQ(vars.error.message, "division by zero");
}

TEST(ScriptTest, SleepUnits) {
  Script s = Parse("\\sleep 5 ms\n\\sleep 2\n\\sleep 10us\n");
  EXPECT_EQ(std::get<SleepCommand>(s.commands[0]).unit_us, 1000);
  EXPECT_EQ(std::get<SleepCommand>(s.commands[1]).unit_us, 1000000);
  EXPECT_EQ(std::get<SleepCommand>(s.commands[2]).unit_us, 1);
}

TEST(ScriptTest, ErrorsNameTheLine) {
  EXPECT_EQ(ErrorOf("SELECT 1;\n\nSELECT :nope;\n"), "t.sql:3: unknown variable :nope");
  EXPECT_EQ(ErrorOf("\\set a 1 +\n"), "t.sql:1: expression ends too early");
  EXPECT_EQ(ErrorOf("\n\\set a foo(1)\n"), "t.sql:2: unknown function foo (random(lo, hi) is the one there is)");
  EXPECT_EQ(ErrorOf("\\shell ls\n"), "t.sql:1: unknown command \\shell (\\set and \\sleep are supported)");
  EXPECT_EQ(ErrorOf("SELECT 1;\nSELECT 2\n"), "t.sql:2: statement without ';' at the end of the script");
  EXPECT_EQ(ErrorOf("SELECT 'open;\n"), "t.sql:1: unterminated quoted string");
  EXPECT_EQ(ErrorOf("\\sleep 3 minutes\n"), "t.sql:1: unknown \\sleep unit 'minutes' (us, ms or s)");
  EXPECT_EQ(ErrorOf("\\set a (1 + 2\n"), "t.sql:1: missing ')'");
  EXPECT_EQ(ErrorOf("-- nothing\n"), "t.sql:1: the script has no commands");
  EXPECT_EQ(ErrorOf("\\set a :a + 1\n"), "t.sql:1: unknown variable :a");
}

TEST(ScriptTest, EveryBuiltinParsesAndTheMixPicksByWeight) {
  std::string error;
  auto mix = WorkloadMix::Load({{"tpcb-like", 1}, {"simple-update", 1}, {"select-only", 6}, {"insert", 1},
                                {"scan", 1}, {"ledger", 0}},
                               &error);
  ASSERT_TRUE(mix) << error;
  std::mt19937_64 random(4);
  std::vector<int> picks(mix->entries().size(), 0);
  for (int i = 0; i < 10000; ++i) ++picks[mix->PickIndex(random)];
  EXPECT_EQ(picks[5], 0);
  EXPECT_NEAR(picks[2], 6000, 300);
  EXPECT_NEAR(picks[0], 1000, 150);
  EXPECT_FALSE(WorkloadMix::Load({{"/no/such/script.sql", 1}}, &error));
  EXPECT_FALSE(ParseWeighted("tpcb-like@x", &error));
  EXPECT_EQ(ParseWeighted("scan@3", &error)->weight, 3);
}

}  // namespace
}  // namespace drdaplex::load
