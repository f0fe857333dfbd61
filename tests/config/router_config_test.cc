// Tests of ParseRouterConfig/LoadRouterConfig: the example configurations in
// fixtures/router parse to the expected values, defaults, KEY=(list)
// values, path resolution, and every kind of error with its position.
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "config/crypt_hash.h"
#include "config/router_config.h"

namespace drdaplex::config {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using std::chrono::seconds;

fs::path RouterFixtureDir() {
  return fs::path(DRDAPLEX_SOURCE_DIR) / "fixtures" / "router";
}

// The smallest valid file, to which each test adds what it is about.
constexpr char kMinimal[] = "HWS(ID=R1)\nODACCESS(DRDAPORT=(ID=0))\n";

ConfigError RouterError(std::string_view text) {
  try {
    ParseRouterConfig(text, "r.cfg");
  } catch (const ConfigError& error) {
    return error;
  }
  ADD_FAILURE() << "no error for:\n" << text;
  return ConfigError("r.cfg", "none");
}

// Checks file:line:column and message of the error text gives.
void ExpectError(std::string_view text, int line, int column,
                 const std::string& message) {
  ConfigError error = RouterError(text);
  EXPECT_EQ(error.file(), "r.cfg");
  EXPECT_EQ(error.line(), line) << error.what();
  EXPECT_EQ(error.column(), column) << error.what();
  EXPECT_EQ(error.message(), message) << error.what();
}

// Every example in fixtures/router keeps parsing.
TEST(RouterConfigFixtures, AllParse) {
  int count = 0;
  for (const auto& entry : fs::directory_iterator(RouterFixtureDir())) {
    if (entry.path().extension() != ".cfg") continue;
    ++count;
    try {
      LoadRouterConfig(entry.path());
    } catch (const ConfigError& error) {
      ADD_FAILURE() << error.what();
    }
  }
  EXPECT_GE(count, 2);
}

TEST(RouterConfigFixtures, Hws1ParsesToItsValues) {
  RouterConfig config = LoadRouterConfig(RouterFixtureDir() / "hws1.cfg");
  EXPECT_EQ(config.name, "HWS1");
  EXPECT_EQ(config.listen_host, "127.0.0.1");
  EXPECT_EQ(config.max_sockets, 2000);
  EXPECT_EQ(config.admin_address, "127.0.0.1:9901");
  EXPECT_EQ(config.idle_timeout, seconds(1800));
  ASSERT_EQ(config.drda_ports.size(), 1u);
  EXPECT_EQ(config.drda_ports[0].port, 6695);
  EXPECT_EQ(config.drda_ports[0].connect_timeout, milliseconds(60000));
  EXPECT_EQ(config.drda_ports[0].keepalive, seconds(0));
  EXPECT_EQ(config.drda_ports[0].position.line, 14);
  EXPECT_EQ(config.drda_ports[0].position.column, 10);
  EXPECT_EQ(config.odbm_timeout, milliseconds(60000));
  EXPECT_EQ(config.imsplex_member, "HWS1");
  EXPECT_EQ(config.imsplex_name, "PLEX1");
  EXPECT_EQ(config.registry_address, "127.0.0.1:7001");
  EXPECT_EQ(config.plex_key_file, RouterFixtureDir() / "plex.key");
  EXPECT_TRUE(config.plex_key_file.is_absolute());
  EXPECT_EQ(config.exit.module, "builtin:default");
  EXPECT_EQ(config.exit.config, "mode=default");
  EXPECT_EQ(config.exit.deadline, milliseconds(50));
  EXPECT_EQ(config.exit.on_failure, ExitConfig::OnFailure::kReject);
  EXPECT_EQ(config.alias_users,
            (std::map<std::string, std::set<std::string>>{
                {"IO1A", {"APP", "CLERK"}}}));
  ASSERT_EQ(config.users.size(), 2u);
  EXPECT_EQ(config.users[0].name, "app");
  EXPECT_EQ(config.users[1].name, "clerk");
  // The passwords the fixture's comment promises.
  EXPECT_TRUE(VerifyPassword("secret", config.users[0].password_hash));
  EXPECT_TRUE(VerifyPassword("clerkpw", config.users[1].password_hash));
}

TEST(RouterConfigFixtures, Hws2SharesThePortAndAddsOne) {
  RouterConfig hws1 = LoadRouterConfig(RouterFixtureDir() / "hws1.cfg");
  RouterConfig config = LoadRouterConfig(RouterFixtureDir() / "hws2.cfg");
  EXPECT_EQ(config.name, "HWS2");
  EXPECT_NE(config.admin_address, hws1.admin_address);
  ASSERT_EQ(config.drda_ports.size(), 2u);
  EXPECT_EQ(config.drda_ports[0].port, hws1.drda_ports[0].port);
  EXPECT_EQ(config.drda_ports[1].port, 6696);
  EXPECT_EQ(config.drda_ports[1].connect_timeout, milliseconds(10000));
  EXPECT_EQ(config.drda_ports[1].keepalive, seconds(60));
  EXPECT_EQ(config.drda_ports[1].position.line, 7);
  EXPECT_EQ(config.imsplex_name, hws1.imsplex_name);
  EXPECT_EQ(config.registry_address, hws1.registry_address);
  EXPECT_EQ(config.plex_key_file, hws1.plex_key_file);
  EXPECT_EQ(config.alias_users,
            (std::map<std::string, std::set<std::string>>{{"IO2A", {"APP"}}}));
}

TEST(ParseRouterConfig, Defaults) {
  RouterConfig config = ParseRouterConfig(kMinimal, "r.cfg");
  EXPECT_EQ(config.name, "R1");
  EXPECT_EQ(config.listen_host, "0.0.0.0");
  EXPECT_EQ(config.max_sockets, 2000);
  EXPECT_EQ(config.admin_address, "127.0.0.1:0");
  EXPECT_EQ(config.idle_timeout, seconds(1800));
  ASSERT_EQ(config.drda_ports.size(), 1u);
  EXPECT_EQ(config.drda_ports[0].port, 0);
  EXPECT_EQ(config.drda_ports[0].connect_timeout, milliseconds(60000));
  EXPECT_EQ(config.drda_ports[0].keepalive, seconds(0));
  EXPECT_EQ(config.drda_ports[0].position.file, "r.cfg");
  EXPECT_EQ(config.drda_ports[0].position.line, 2);
  EXPECT_EQ(config.drda_ports[0].position.column, 10);
  EXPECT_EQ(config.odbm_timeout, milliseconds(60000));
  EXPECT_EQ(config.imsplex_member, "");
  EXPECT_EQ(config.imsplex_name, "");
  EXPECT_EQ(config.registry_address, "");
  EXPECT_EQ(config.plex_key_file, fs::path());
  EXPECT_EQ(config.exit.module, "");
  EXPECT_EQ(config.exit.config, "");
  EXPECT_EQ(config.exit.deadline, milliseconds(50));
  EXPECT_EQ(config.exit.on_failure, ExitConfig::OnFailure::kReject);
  EXPECT_TRUE(config.alias_users.empty());
  EXPECT_TRUE(config.users.empty());
}

TEST(ParseRouterConfig, EveryValueAtItsBounds) {
  RouterConfig config = ParseRouterConfig(
      "hws(id=#R$1@)\n"
      "tcpip(hostname='[::1]', maxsoc=50, admin='[::1]:65535', "
      "idletimeout=0)\n"
      "odaccess(drdaport=(id=65535, porttmot=1, keepav=86400), "
      "drdaport=(id=1, porttmot=360000), drdaport=(id=0), drdaport=(id=0),\n"
      "         odbmtmot=360000, imsplex=(tmember=P))\n"
      "exit(module=/opt/exits/x.so, deadline=10000, onfail=default)\n"
      "auth(alias=io1a, users=(app, 'Clerk'))\n"
      "auth(alias=io2a, users=app)\n",
      "r.cfg");
  EXPECT_EQ(config.name, "#R$1@");
  EXPECT_EQ(config.listen_host, "[::1]");
  EXPECT_EQ(config.max_sockets, 50);
  EXPECT_EQ(config.admin_address, "[::1]:65535");
  EXPECT_EQ(config.idle_timeout, seconds(0));
  ASSERT_EQ(config.drda_ports.size(), 4u);
  EXPECT_EQ(config.drda_ports[0].port, 65535);
  EXPECT_EQ(config.drda_ports[0].connect_timeout, milliseconds(10));
  EXPECT_EQ(config.drda_ports[0].keepalive, seconds(86400));
  EXPECT_EQ(config.drda_ports[1].port, 1);
  EXPECT_EQ(config.drda_ports[1].connect_timeout, milliseconds(3600000));
  EXPECT_EQ(config.drda_ports[3].port, 0);  // port 0 twice: two free ports
  EXPECT_EQ(config.odbm_timeout, milliseconds(3600000));
  EXPECT_EQ(config.imsplex_member, "");
  EXPECT_EQ(config.imsplex_name, "P");
  EXPECT_EQ(config.exit.module, "/opt/exits/x.so");
  EXPECT_EQ(config.exit.deadline, milliseconds(10000));
  EXPECT_EQ(config.exit.on_failure, ExitConfig::OnFailure::kUseDefaultRule);
  // Without USER statements, AUTH names cannot be checked against them.
  EXPECT_EQ(config.alias_users,
            (std::map<std::string, std::set<std::string>>{
                {"IO1A", {"APP", "CLERK"}}, {"IO2A", {"APP"}}}));
}

TEST(ParseRouterConfig, PathsAreRelativeToTheConfigDirectory) {
  const std::string text =
      "HWS(ID=R1)\n"
      "ODACCESS(DRDAPORT=(ID=1), PLEXKEY=../keys/plex.key)\n"
      "EXIT(MODULE=exits/route.so)\n";
  RouterConfig config = ParseRouterConfig(text, "etc/drdaplex/r.cfg");
  EXPECT_EQ(config.plex_key_file, fs::path("etc/keys/plex.key"));
  EXPECT_EQ(config.exit.module, "etc/drdaplex/exits/route.so");

  config = ParseRouterConfig(text, "r.cfg", "/base/dir");
  EXPECT_EQ(config.plex_key_file, fs::path("/base/keys/plex.key"));
  EXPECT_EQ(config.exit.module, "/base/dir/exits/route.so");

  // A built-in exit is a name, not a path.
  config = ParseRouterConfig(
      "HWS(ID=R1) ODACCESS(DRDAPORT=(ID=1), PLEXKEY=/k/plex.key)\n"
      "EXIT(MODULE=builtin:default)\n",
      "etc/r.cfg");
  EXPECT_EQ(config.exit.module, "builtin:default");
  EXPECT_EQ(config.plex_key_file, fs::path("/k/plex.key"));
}

TEST(ParseRouterConfig, MissingAndRepeatedStatements) {
  ExpectError("/* no HWS */\nODACCESS(DRDAPORT=(ID=1))\n", 1, 1,
              "no HWS statement; a router configuration needs HWS(ID=name)");
  ExpectError("HWS(ID=R1)\nTCPIP(MAXSOC=100)\n", 1, 1,
              "no ODACCESS statement; a router configuration needs "
              "ODACCESS(DRDAPORT=(ID=port))");
  ExpectError(std::string(kMinimal) + "ODACCESS(DRDAPORT=(ID=2))\n", 3, 1,
              "second ODACCESS statement (the first is at line 2)");
  ExpectError(std::string(kMinimal) + "hws(ID=R2)\n", 3, 1,
              "second HWS statement (the first is at line 1)");
  ExpectError(std::string(kMinimal) + "TCPIP(MAXSOC=50) TCPIP(MAXSOC=60)\n",
              3, 18, "second TCPIP statement (the first is at line 3)");
  ExpectError(std::string(kMinimal) +
                  "EXIT(MODULE=builtin:default)\nEXIT(MODULE=x.so)\n",
              4, 1, "second EXIT statement (the first is at line 3)");
  ExpectError("HWS(ID=R1)\nODACCESS(ODBMTMOT=100)\n", 2, 1,
              "ODACCESS needs DRDAPORT=(ID=port)");
  ExpectError("HWS()\nODACCESS(DRDAPORT=(ID=1))\n", 1, 1, "HWS needs ID=");
  ExpectError("HWS(ID=R1)\nODACCESS(DRDAPORT=(PORTTMOT=100))\n", 2, 19,
              "DRDAPORT needs ID=");
  ExpectError(std::string(kMinimal) + "EXIT(DEADLINE=5)\n", 3, 1,
              "EXIT needs MODULE=");
  ExpectError(std::string(kMinimal) + "AUTH(USERS=(A))\n", 3, 1,
              "AUTH needs ALIAS=");
  ExpectError(std::string(kMinimal) + "AUTH(ALIAS=IO1A)\n", 3, 1,
              "AUTH needs USERS=(user, ...)");
}

TEST(ParseRouterConfig, UnknownStatementsAndKeywords) {
  ExpectError(std::string(kMinimal) + "PORT(ID=1)\n", 3, 1,
              "unknown statement 'PORT'; expected HWS, TCPIP, ODACCESS, "
              "SYSPLEX, EXIT, AUTH or USER");
  ExpectError(std::string(kMinimal) + "OPTIONS(THREADS=1)\n", 3, 1,
              "OPTIONS belongs in an ODBM configuration, not a router's; "
              "expected HWS, TCPIP, ODACCESS, SYSPLEX, EXIT, AUTH or USER");
  ExpectError(std::string(kMinimal) + "VIPADEFINE(ADDRESS=10.0.0.1)\n", 3, 1,
              "VIPADEFINE belongs in a distributor configuration, not a "
              "router's; expected HWS, TCPIP, ODACCESS, SYSPLEX, EXIT, AUTH "
              "or USER");
  ExpectError("HWS(ID=R1, NAME=R1)\nODACCESS(DRDAPORT=(ID=1))\n", 1, 12,
              "unknown keyword 'NAME' in HWS; expected ID");
  ExpectError(std::string(kMinimal) + "TCPIP(HOST=x)\n", 3, 7,
              "unknown keyword 'HOST' in TCPIP; expected HOSTNAME, MAXSOC, "
              "ADMIN or IDLETIMEOUT");
  ExpectError("HWS(ID=R1)\nODACCESS(DRDAPORT=(ID=1), APPL=X)\n", 2, 27,
              "unknown keyword 'APPL' in ODACCESS; expected DRDAPORT, "
              "ODBMTMOT, IMSPLEX, REGISTRY or PLEXKEY");
  ExpectError("HWS(ID=R1)\nODACCESS(DRDAPORT=(ID=1, TIMEOUT=5))\n", 2, 26,
              "unknown keyword 'TIMEOUT' in DRDAPORT; expected ID, PORTTMOT "
              "or KEEPAV");
  ExpectError("HWS(ID=R1)\nODACCESS(DRDAPORT=(ID=1), IMSPLEX=(NAME=P))\n",
              2, 36,
              "unknown keyword 'NAME' in IMSPLEX; expected MEMBER or TMEMBER");
  ExpectError(std::string(kMinimal) + "EXIT(MODULE=x.so, PARM=1)\n", 3, 19,
              "unknown keyword 'PARM' in EXIT; expected MODULE, CONFIG, "
              "DEADLINE or ONFAIL");
  ExpectError(std::string(kMinimal) + "AUTH(ALIAS=A, USER=B)\n", 3, 15,
              "unknown keyword 'USER' in AUTH; expected ALIAS or USERS");
  ExpectError(std::string(kMinimal) + "USER(NAME=u, USRIDONL=Y, ROLE=x)\n", 3,
              26,
              "unknown keyword 'ROLE' in USER; expected NAME, PASSWORD or "
              "USRIDONL");
  ExpectError("HWS(ID=R1)\nODACCESS(DRDAPORT=(ID=1, TCPIP(X=1)))\n", 2, 26,
              "unknown keyword 'TCPIP' in DRDAPORT; expected ID, PORTTMOT or "
              "KEEPAV");
  ExpectError("HWS(ID(R1))\nODACCESS(DRDAPORT=(ID=1))\n", 1, 5,
              "ID takes a value: write ID=value");
  ExpectError("HWS(ID R1)\nODACCESS(DRDAPORT=(ID=1))\n", 1, 5,
              "unexpected value 'ID' in HWS; expected KEYWORD=value");
  ExpectError("HWS(ID=R1 R2)\nODACCESS(DRDAPORT=(ID=1))\n", 1, 11,
              "unexpected value 'R2' in HWS; expected KEYWORD=value");
}

TEST(ParseRouterConfig, NumbersOutOfRange) {
  ExpectError("HWS(ID=R1)\nODACCESS(DRDAPORT=(ID=65536))\n", 2, 23,
              "DRDAPORT ID must be a whole number from 0 to 65535");
  ExpectError("HWS(ID=R1)\nODACCESS(DRDAPORT=(ID=-1))\n", 2, 23,
              "DRDAPORT ID must be a whole number from 0 to 65535");
  ExpectError("HWS(ID=R1)\nODACCESS(DRDAPORT=(ID=1, PORTTMOT=0))\n", 2, 35,
              "PORTTMOT (1/100 s) must be a whole number from 1 to 360000");
  ExpectError("HWS(ID=R1)\nODACCESS(DRDAPORT=(ID=1, KEEPAV=86401))\n", 2, 33,
              "KEEPAV (seconds) must be a whole number from 0 to 86400");
  ExpectError("HWS(ID=R1)\nODACCESS(DRDAPORT=(ID=1), ODBMTMOT=0)\n", 2, 36,
              "ODBMTMOT (1/100 s) must be a whole number from 1 to 360000");
  const std::string maxsoc = "MAXSOC must be a whole number from 50 to 65535";
  ExpectError(std::string(kMinimal) + "TCPIP(MAXSOC=49)\n", 3, 14, maxsoc);
  ExpectError(std::string(kMinimal) + "TCPIP(MAXSOC=65536)\n", 3, 14, maxsoc);
  ExpectError(std::string(kMinimal) + "TCPIP(MAXSOC=2k)\n", 3, 14, maxsoc);
  ExpectError(std::string(kMinimal) + "TCPIP(IDLETIMEOUT=86401)\n", 3, 19,
              "IDLETIMEOUT (seconds) must be a whole number from 0 to 86400");
  ExpectError(std::string(kMinimal) + "EXIT(MODULE=x.so, DEADLINE=0)\n", 3,
              28, "DEADLINE (milliseconds) must be a whole number from 1 to "
                  "10000");
  ExpectError(std::string(kMinimal) + "EXIT(MODULE=x.so, DEADLINE=10001)\n",
              3, 28,
              "DEADLINE (milliseconds) must be a whole number from 1 to "
              "10000");
}

TEST(ParseRouterConfig, BadValues) {
  ExpectError(std::string(kMinimal) + "TCPIP(ADMIN=127.0.0.1)\n", 3, 13,
              "ADMIN '127.0.0.1' is not host:port (as in 127.0.0.1:7001, or "
              "[::1]:7001 for IPv6)");
  ExpectError(std::string(kMinimal) + "TCPIP(ADMIN=127.0.0.1:70000)\n", 3,
              13,
              "the port of ADMIN '127.0.0.1:70000' must be a whole number "
              "from 0 to 65535 (0: any free port)");
  ExpectError(std::string(kMinimal) + "TCPIP(ADMIN=:7002)\n", 3, 13,
              "ADMIN ':7002' is not host:port (as in 127.0.0.1:7001, or "
              "[::1]:7001 for IPv6)");
  ExpectError(std::string(kMinimal) + "TCPIP(ADMIN='::1:7002')\n", 3, 13,
              "ADMIN '::1:7002' is not host:port (as in 127.0.0.1:7001, or "
              "[::1]:7001 for IPv6)");
  ExpectError(std::string(kMinimal) + "TCPIP(HOSTNAME='my host')\n", 3, 16,
              "HOSTNAME 'my host' is not a host name or IP address");
  ExpectError("HWS(ID=R1)\nODACCESS(DRDAPORT=(ID=1), REGISTRY=reg:0)\n", 2, 36,
              "the port of REGISTRY 'reg:0' must be a whole number from 1 to "
              "65535");
  ExpectError("HWS(ID=R1)\nODACCESS(DRDAPORT=(ID=1), PLEXKEY='')\n", 2, 35,
              "PLEXKEY must not be empty");
  ExpectError(std::string(kMinimal) + "EXIT(MODULE=x.so, ONFAIL=IGNORE)\n", 3,
              26,
              "ONFAIL must be REJECT (refuse the connection) or DEFAULT "
              "(route by the default rule)");
  ExpectError(std::string(kMinimal) + "EXIT(MODULE=builtin:)\n", 3, 13,
              "MODULE 'builtin:' names no exit; write builtin:default or the "
              "path of an exit");
  ExpectError("HWS(ID=ROUTER123)\nODACCESS(DRDAPORT=(ID=1))\n", 1, 8,
              "router name 'ROUTER123' is longer than 8 characters");
  ExpectError("HWS(ID=1R)\nODACCESS(DRDAPORT=(ID=1))\n", 1, 8,
              "router name '1R' must start with a letter, @, # or $");
  ExpectError("HWS(ID=R1)\nODACCESS(DRDAPORT=(ID=1), IMSPLEX=(TMEMBER=P-1))\n",
              2, 44,
              "IMSPLEX TMEMBER 'P-1' may contain only letters, digits, @, # "
              "and $");
}

TEST(ParseRouterConfig, DrdaPorts) {
  ExpectError("HWS(ID=R1)\nODACCESS(DRDAPORT=6695)\n", 2, 19,
              "DRDAPORT takes a list: write DRDAPORT=(ID=port)");
  ExpectError("HWS(ID=R1)\n"
              "ODACCESS(DRDAPORT=(ID=6695),\n"
              "         DRDAPORT=(ID=6695, PORTTMOT=100))\n",
              3, 23, "DRDA port 6695 is given twice (first at line 2)");
  ExpectError("HWS(ID=R1)\nODACCESS(DRDAPORT=(ID=1, ID=2))\n", 2, 26,
              "ID is given twice in DRDAPORT (first at line 2)");
  ExpectError("HWS(ID=R1)\nODACCESS(DRDAPORT=(ID=(1, 2)))\n", 2, 23,
              "ID takes one value, not a list: write ID=value");
  ExpectError("HWS(ID=R1)\nODACCESS(DRDAPORT=(1))\n", 2, 20,
              "unexpected value '1' in DRDAPORT; expected KEYWORD=value");
  ExpectError("HWS(ID=R1)\nODACCESS(DRDAPORT=(ID=1), IMSPLEX=PLEX1)\n", 2, 35,
              "IMSPLEX takes a list: write IMSPLEX=(...)");
  // Other settings stay single.
  ExpectError("HWS(ID=R1)\nODACCESS(DRDAPORT=(ID=1), ODBMTMOT=1, ODBMTMOT=2)\n",
              2, 39, "ODBMTMOT is given twice in ODACCESS (first at line 2)");
}

TEST(ParseRouterConfig, AuthMapsUpperCaseAliasesToUpperCaseUsers) {
  RouterConfig config = ParseRouterConfig(
      std::string(kMinimal) +
          "USER(NAME=app, USRIDONL=Y)\nUSER(NAME=Clerk, USRIDONL=Y)\n"
          "AUTH(ALIAS=IO1A, USERS=(APP, clerk))\nAUTH(ALIAS=im1a, USERS=App)\n",
      "r.cfg");
  EXPECT_EQ(config.alias_users,
            (std::map<std::string, std::set<std::string>>{
                {"IO1A", {"APP", "CLERK"}}, {"IM1A", {"APP"}}}));
  ASSERT_EQ(config.users.size(), 2u);
  EXPECT_EQ(config.users[1].name, "Clerk");
  EXPECT_TRUE(config.users[1].user_only_allowed);
}

TEST(ParseRouterConfig, AuthErrors) {
  const std::string users =
      "USER(NAME=app, USRIDONL=Y)\nUSER(NAME=Clerk, USRIDONL=Y)\n";
  ExpectError(std::string(kMinimal) + users +
                  "AUTH(ALIAS=IO1A, USERS=APP)\nAUTH(ALIAS=io1a, USERS=APP)\n",
              6, 12,
              "second AUTH for alias 'io1a' (aliases ignore case; the first "
              "is at line 5)");
  ExpectError(std::string(kMinimal) + users +
                  "AUTH(ALIAS=IO1A, USERS=(APP, CLERC))\n",
              5, 30,
              "AUTH names user 'CLERC', but no USER statement defines it");
  ExpectError(std::string(kMinimal) + "AUTH(ALIAS=IO1A, USERS=(APP, app))\n",
              3, 30,
              "user 'app' is listed twice for alias 'IO1A' (user names ignore "
              "case)");
  ExpectError(std::string(kMinimal) + "AUTH(ALIAS=IO1A, USERS=())\n", 3, 24,
              "USERS of alias 'IO1A' lists no user");
  ExpectError(std::string(kMinimal) + "AUTH(ALIAS=IO1A, USERS=(NAME=APP))\n",
              3, 25, "USERS lists user names, as in USERS=(APP, CLERK)");
  ExpectError(std::string(kMinimal) + "AUTH(ALIAS=IO1A, USERS=(''))\n", 3, 25,
              "user name must be 1 to 255 characters");
  ExpectError(std::string(kMinimal) + "AUTH(ALIAS=TOOLONGAL, USERS=A)\n", 3,
              12, "alias name 'TOOLONGAL' is longer than 8 characters");
}

TEST(ParseRouterConfig, UsersAreCheckedAsInTheOdbmConfiguration) {
  ExpectError(std::string(kMinimal) +
                  "USER(NAME=app, USRIDONL=Y)\nUSER(NAME=APP, USRIDONL=Y)\n",
              4, 11,
              "duplicate USER 'APP' (user names ignore case; 'app' is at line "
              "3)");
  ExpectError(std::string(kMinimal) + "USER(NAME=app, PASSWORD=secret)\n", 3,
              25,
              "PASSWORD of USER 'app' is not a crypt(3) hash; plaintext "
              "passwords are not accepted: run drdaplex-passwd --user app and "
              "paste its output");
  ExpectError(std::string(kMinimal) + "USER(NAME=app)\n", 3, 1,
              "USER 'app' has neither PASSWORD nor USRIDONL=Y, so it could "
              "never sign on");
}

TEST(ParseRouterConfig, SyntaxErrorsNameTheRouterStatement) {
  ExpectError(std::string(kMinimal) + "AUTH(ALIAS=IO1A, USERS=(APP, CLERK)",
              3, 36, "unexpected end of file; expected ')' to close AUTH");
  ExpectError(std::string(kMinimal) + "AUTH(ALIAS=IO1A, USERS=(APP, CLERK",
              3, 35, "unexpected end of file; expected ')' to close the list");
  ExpectError(std::string(kMinimal) + "AUTH(ALIAS=IO1A, USERS=(APP, CLERK]\n",
              3, 35, "expected ')' to close the list");
  ExpectError("HWS(ID=R1)\nODACCESS(DRDAPORT=(ID=1),\n  ODBMTMOT=)\n", 3, 12,
              "expected a value after '='");
  ExpectError(std::string(kMinimal) + "TCPIP(HOSTNAME=x ]\n", 3, 18,
              "expected ')' to close TCPIP");
  ExpectError("HWS ID=R1\n", 1, 5, "expected '(' after HWS");
  ExpectError(std::string(kMinimal) + "EXIT(MODULE=x.so ; )\n", 3, 18,
              "expected ')' to close EXIT");
  ExpectError(std::string(kMinimal) + "ODACCESS(DRDAPORT=(ID=1)] \n", 3, 25,
              "expected ')' to close ODACCESS");
  // After the last statement, as for the ODBM file (bad_top_level_junk).
  ExpectError(std::string(kMinimal) + "]\n", 2, 26,
              "expected a statement (HWS, TCPIP, ODACCESS, SYSPLEX, EXIT, AUTH "
              "or USER)");
}

TEST(ConfigError, RouterErrorShowsTheLineAndCaret) {
  ConfigError error = RouterError(
      "HWS(ID=R1)\n"
      "ODACCESS(DRDAPORT=(ID=99999))\n");
  EXPECT_STREQ(error.what(),
               "r.cfg:2:23: error: DRDAPORT ID must be a whole number from 0 "
               "to 65535\n"
               "ODACCESS(DRDAPORT=(ID=99999))\n"
               "                      ^");
}

TEST(LoadRouterConfig, MissingFileIsAConfigError) {
  fs::path file = RouterFixtureDir() / "absent.cfg";
  try {
    LoadRouterConfig(file);
    FAIL() << "no error";
  } catch (const ConfigError& error) {
    EXPECT_EQ(error.file(), file.string());
    EXPECT_EQ(error.line(), 0);
    EXPECT_EQ(error.message(),
              "cannot open the file: No such file or directory");
  }
}

// An ODBM file is not a router file: the first statement says so.
TEST(LoadRouterConfig, OdbmFileIsRejectedAtItsFirstStatement) {
  try {
    LoadRouterConfig(fs::path(DRDAPLEX_SOURCE_DIR) / "fixtures/odbm/demo.cfg");
    FAIL() << "no error";
  } catch (const ConfigError& error) {
    EXPECT_EQ(error.line(), 10);
    EXPECT_EQ(error.column(), 1);
    EXPECT_EQ(error.message(),
              "ODBM belongs in an ODBM configuration, not a router's; "
              "expected HWS, TCPIP, ODACCESS, SYSPLEX, EXIT, AUTH or USER");
  }
}

}  // namespace
}  // namespace drdaplex::config
