// Tests of the router's SYSPLEX statement: every field and its default, the
// example in fixtures/router/hws1.cfg, router files without SYSPLEX, and
// each field's errors with their positions.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "config/router_config.h"

namespace drdaplex::config {
namespace {

namespace fs = std::filesystem;

fs::path RouterFixtureDir() {
  return fs::path(DRDAPLEX_SOURCE_DIR) / "fixtures" / "router";
}

// The smallest valid router file; SYSPLEX statements go on line 3.
constexpr char kMinimal[] = "HWS(ID=R1)\nODACCESS(DRDAPORT=(ID=0))\n";

RouterConfig Parse(const std::string& statement) {
  return ParseRouterConfig(std::string(kMinimal) + statement, "r.cfg");
}

// statement, on line 3, fails at column with message.
void ExpectError(const std::string& statement, int column,
                 const std::string& message) {
  try {
    Parse(statement);
    ADD_FAILURE() << "no error for: " << statement;
  } catch (const ConfigError& error) {
    EXPECT_EQ(error.file(), "r.cfg");
    EXPECT_EQ(error.line(), 3) << error.what();
    EXPECT_EQ(error.column(), column) << error.what();
    EXPECT_EQ(error.message(), message) << error.what();
  }
}

void ExpectDefaults(const SysplexConfig& sysplex, const std::string& luname) {
  EXPECT_EQ(sysplex.system, "LOCAL");
  EXPECT_EQ(sysplex.location, "DRDAPLEX");
  EXPECT_EQ(sysplex.network_id, "NET");
  EXPECT_EQ(sysplex.luname, luname);
  EXPECT_EQ(sysplex.host_name, "");
  EXPECT_EQ(sysplex.user_data, "");
  EXPECT_EQ(sysplex.agent_address, "");
  EXPECT_EQ(sysplex.handoff_path, fs::path());
}

TEST(Sysplex, EveryField) {
  RouterConfig config = Parse(
      "SYSPLEX(SYSTEM=SYS1, LOCATION=USIBMSC, NETWORKID=NET1, LUNAME=HWS1,\n"
      "        HOSTNAME=sys1.example, USERDATA='free text',\n"
      "        AGENT=127.0.0.1:0, HANDOFF=/run/drdaplex/hws1.sock)\n");
  const SysplexConfig& sysplex = config.sysplex;
  EXPECT_EQ(sysplex.system, "SYS1");
  EXPECT_EQ(sysplex.location, "USIBMSC");
  EXPECT_EQ(sysplex.network_id, "NET1");
  EXPECT_EQ(sysplex.luname, "HWS1");
  EXPECT_EQ(sysplex.host_name, "sys1.example");
  EXPECT_EQ(sysplex.user_data, "free text");
  EXPECT_EQ(sysplex.agent_address, "127.0.0.1:0");
  EXPECT_EQ(sysplex.handoff_path, fs::path("/run/drdaplex/hws1.sock"));
  // Nothing else moves.
  EXPECT_EQ(config.name, "R1");
  EXPECT_EQ(config.drda_ports.size(), 1u);
}

TEST(Sysplex, DefaultsWithoutTheStatementOrWithAnEmptyOne) {
  ExpectDefaults(Parse("").sysplex, "R1");
  ExpectDefaults(Parse("SYSPLEX()\n").sysplex, "R1");
  // LUNAME is the HWS ID, in upper case as WLM names are.
  ExpectDefaults(
      ParseRouterConfig("HWS(ID=hws9)\nODACCESS(DRDAPORT=(ID=0))\n", "r.cfg")
          .sysplex,
      "HWS9");
  // Fields not given keep their defaults when others are.
  RouterConfig config = Parse("SYSPLEX(SYSTEM=SYS2)\n");
  EXPECT_EQ(config.sysplex.system, "SYS2");
  EXPECT_EQ(config.sysplex.location, "DRDAPLEX");
  EXPECT_EQ(config.sysplex.luname, "R1");
}

TEST(Sysplex, NamesAreKeptInUpperCase) {
  RouterConfig config = Parse(
      "sysplex(system=sys1, location=loc#1, networkid=n$t, luname=9lu@)\n");
  EXPECT_EQ(config.sysplex.system, "SYS1");
  EXPECT_EQ(config.sysplex.location, "LOC#1");
  EXPECT_EQ(config.sysplex.network_id, "N$T");
  // Triplet names, unlike IMS names, may start with a digit.
  EXPECT_EQ(config.sysplex.luname, "9LU@");
}

TEST(Sysplex, LimitsAreInclusive) {
  const std::string host(64, 'h');
  const std::string data(64, 'd');
  // 107 bytes: the longest path sun_path holds with its NUL.
  const std::string handoff = "/" + std::string(101, 's') + ".sock";
  ASSERT_EQ(handoff.size(), 107u);
  RouterConfig config = Parse(
      "SYSPLEX(SYSTEM=ABCDEFGH, LOCATION=ABCDEFGH, NETWORKID=A, "
      "LUNAME=12345678,\n HOSTNAME=" +
      host + ", USERDATA='" + data +
      "',\n AGENT='[::1]:65535', HANDOFF=" + handoff + ")\n");
  EXPECT_EQ(config.sysplex.host_name, host);
  EXPECT_EQ(config.sysplex.user_data, data);
  EXPECT_EQ(config.sysplex.agent_address, "[::1]:65535");
  EXPECT_EQ(config.sysplex.handoff_path, fs::path(handoff));
}

TEST(Sysplex, RelativeHandoffIsResolvedAgainstTheConfigDirectory) {
  const std::string text =
      std::string(kMinimal) + "SYSPLEX(HANDOFF=run/hws1.sock)\n";
  EXPECT_EQ(ParseRouterConfig(text, "etc/drdaplex/r.cfg").sysplex.handoff_path,
            fs::path("etc/drdaplex/run/hws1.sock"));
  EXPECT_EQ(ParseRouterConfig(text, "r.cfg", "/base/dir").sysplex.handoff_path,
            fs::path("/base/dir/run/hws1.sock"));
  // The limit applies to the resolved path, the one the router binds.
  const std::string long_dir = "/" + std::string(94, 'd');
  try {
    ParseRouterConfig(text, "r.cfg", long_dir);
    ADD_FAILURE() << "no error";
  } catch (const ConfigError& error) {
    EXPECT_EQ(error.line(), 3);
    EXPECT_EQ(error.column(), 17);
    EXPECT_EQ(error.message(),
              "HANDOFF path '" + long_dir +
                  "/run/hws1.sock' is 109 bytes; a Unix socket path may have "
                  "at most 107");
  }
}

// The commented-out example in hws1.cfg is a valid statement.
TEST(Sysplex, TheExampleInHws1Parses) {
  std::ifstream in(RouterFixtureDir() / "hws1.cfg");
  std::stringstream contents;
  contents << in.rdbuf();
  const std::string file = contents.str();
  std::size_t start = file.find("\nSYSPLEX(");
  ASSERT_NE(start, std::string::npos);
  std::size_t end = file.find("*/", start);
  ASSERT_NE(end, std::string::npos);
  RouterConfig config = Parse(file.substr(start + 1, end - start - 1));
  EXPECT_EQ(config.sysplex.system, "SYS1");
  EXPECT_EQ(config.sysplex.luname, "HWS1");
  EXPECT_EQ(config.sysplex.handoff_path, fs::path("/run/drdaplex/hws1.sock"));
}

// The fixtures have no SYSPLEX statement: routers outside any sysplex.
TEST(Sysplex, RouterFixturesKeepTheDefaults) {
  ExpectDefaults(LoadRouterConfig(RouterFixtureDir() / "hws1.cfg").sysplex,
                 "HWS1");
  ExpectDefaults(LoadRouterConfig(RouterFixtureDir() / "hws2.cfg").sysplex,
                 "HWS2");
}

TEST(Sysplex, StatementErrors) {
  ExpectError("SYSPLEX(SYSTEM=S1) SYSPLEX(SYSTEM=S2)\n", 20,
              "second SYSPLEX statement (the first is at line 3)");
  ExpectError("SYSPLEX(NETID=N)\n", 9,
              "unknown keyword 'NETID' in SYSPLEX; expected SYSTEM, LOCATION, "
              "NETWORKID, LUNAME, HOSTNAME, USERDATA, AGENT or HANDOFF");
  ExpectError("SYSPLEX(SYSTEM=S1, SYSTEM=S2)\n", 20,
              "SYSTEM is given twice in SYSPLEX (first at line 3)");
  ExpectError("SYSPLEX(LUNAME=(A, B))\n", 16,
              "LUNAME takes one value, not a list: write LUNAME=value");
  ExpectError("SYSPLEX(SYSTEM=S1", 18,
              "unexpected end of file; expected ')' to close SYSPLEX");
  ExpectError("SYSPLEX SYSTEM=S1\n", 9, "expected '(' after SYSPLEX");
  ExpectError("SYSPLEX(SYSTEM=S1 ;)\n", 19, "expected ')' to close SYSPLEX");
}

TEST(Sysplex, SystemErrors) {
  ExpectError("SYSPLEX(SYSTEM=SYSTEM123)\n", 16,
              "SYSTEM name 'SYSTEM123' is longer than 8 characters");
  ExpectError("SYSPLEX(SYSTEM=SYS-1)\n", 16,
              "SYSTEM name 'SYS-1' may contain only letters, digits, @, # and "
              "$");
  ExpectError("SYSPLEX(SYSTEM=1SYS)\n", 16,
              "SYSTEM name '1SYS' must start with a letter, @, # or $");
  ExpectError("SYSPLEX(SYSTEM='')\n", 16, "SYSTEM name must not be empty");
}

TEST(Sysplex, TripletErrors) {
  ExpectError("SYSPLEX(LOCATION=US.IBM)\n", 18,
              "LOCATION 'US.IBM' may contain only letters, digits, @, # and "
              "$");
  ExpectError("SYSPLEX(LOCATION=LOCATION9)\n", 18,
              "LOCATION must be 1 to 8 characters");
  ExpectError("SYSPLEX(NETWORKID='')\n", 19,
              "NETWORKID must be 1 to 8 characters");
  ExpectError("SYSPLEX(NETWORKID=NET_1)\n", 19,
              "NETWORKID 'NET_1' may contain only letters, digits, @, # and $");
  ExpectError("SYSPLEX(LUNAME=HWS1LUNAM)\n", 16,
              "LUNAME must be 1 to 8 characters");
  ExpectError("SYSPLEX(LUNAME='H S')\n", 16,
              "LUNAME 'H S' may contain only letters, digits, @, # and $");
  ExpectError("SYSPLEX(LUNAME=HWS\xc3\xa9)\n", 16,
              "LUNAME 'HWS\xc3\xa9' may contain only letters, digits, @, # "
              "and $");
}

TEST(Sysplex, HostNameAndUserDataErrors) {
  ExpectError("SYSPLEX(HOSTNAME='sys 1')\n", 18,
              "HOSTNAME 'sys 1' is not a host name or IP address");
  ExpectError("SYSPLEX(HOSTNAME=" + std::string(65, 'h') + ")\n", 18,
              "SYSPLEX HOSTNAME is longer than 64 characters (the WLM limit)");
  ExpectError("SYSPLEX(USERDATA='" + std::string(65, 'd') + "')\n", 18,
              "USERDATA is longer than 64 bytes (the WLM limit)");
}

TEST(Sysplex, AgentErrors) {
  ExpectError("SYSPLEX(AGENT=127.0.0.1)\n", 15,
              "AGENT '127.0.0.1' is not host:port (as in 127.0.0.1:7001, or "
              "[::1]:7001 for IPv6)");
  ExpectError("SYSPLEX(AGENT=127.0.0.1:65536)\n", 15,
              "the port of AGENT '127.0.0.1:65536' must be a whole number from "
              "0 to 65535 (0: any free port)");
  ExpectError("SYSPLEX(AGENT='::1:5555')\n", 15,
              "AGENT '::1:5555' is not host:port (as in 127.0.0.1:7001, or "
              "[::1]:7001 for IPv6)");
}

TEST(Sysplex, HandoffErrors) {
  ExpectError("SYSPLEX(HANDOFF='')\n", 17, "HANDOFF must not be empty");
  const std::string handoff = "/" + std::string(102, 's') + ".sock";
  ASSERT_EQ(handoff.size(), 108u);
  ExpectError("SYSPLEX(HANDOFF=" + handoff + ")\n", 17,
              "HANDOFF path '" + handoff +
                  "' is 108 bytes; a Unix socket path may have at most 107");
}

}  // namespace
}  // namespace drdaplex::config
