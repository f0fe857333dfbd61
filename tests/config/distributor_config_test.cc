// Tests of ParseDistributorConfig/LoadDistributorConfig: the examples in
// fixtures/distributor, defaults, every value at its bounds, HOTSTANDBY's
// roles and ranks, and every kind of error with its file:line:column.
#include "config/distributor_config.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <string>

namespace drdaplex::config {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using std::chrono::seconds;
using Role = DestIpConfig::Role;

fs::path DistributorFixtureDir() {
  return fs::path(DRDAPLEX_SOURCE_DIR) / "fixtures" / "distributor";
}

// A file with VIPADEFINE/VIPABACKUP on line 2, VIPADISTRIBUTE on line 3 and
// rest from line 4.
std::string File(const std::string& vipa, const std::string& distribute,
                 const std::string& rest = "") {
  return "DISTRIBUTOR(NAME=SD1)\n" + vipa + "\n" + distribute + "\n" + rest;
}
// The smallest valid file plus rest (from line 4).
std::string Minimal(const std::string& rest = "") {
  return File("VIPADEFINE(ADDRESS=10.77.0.100)", "VIPADISTRIBUTE(PORT=0)",
              rest);
}
// HOTSTANDBY, with rest from line 4.
std::string HotStandby(const std::string& rest) {
  return File("VIPADEFINE(ADDRESS=10.77.0.100)",
              "VIPADISTRIBUTE(PORT=0, DISTMETHOD=HOTSTANDBY)", rest);
}

// A valid file but for statement, on line 1.
std::string WithDistributor(const std::string& statement) {
  return statement + "\nVIPADEFINE(ADDRESS=10.0.0.1)\nVIPADISTRIBUTE(PORT=1)\n";
}

DistributorConfig Parse(const std::string& text) {
  return ParseDistributorConfig(text, "sd.cfg");
}

void ExpectError(const std::string& text, int line, int column,
                 const std::string& message) {
  try {
    Parse(text);
    ADD_FAILURE() << "no error for:\n" << text;
  } catch (const ConfigError& error) {
    EXPECT_EQ(error.file(), "sd.cfg");
    EXPECT_EQ(error.line(), line) << error.what();
    EXPECT_EQ(error.column(), column) << error.what();
    EXPECT_EQ(error.message(), message) << error.what();
  }
}

// ---- Fixtures
// ----------------------------------------------------------------

TEST(DistributorConfigFixtures, AllParse) {
  int count = 0;
  for (const auto& entry : fs::directory_iterator(DistributorFixtureDir())) {
    if (entry.path().extension() != ".cfg") continue;
    ++count;
    try {
      LoadDistributorConfig(entry.path());
    } catch (const ConfigError& error) {
      ADD_FAILURE() << error.what();
    }
  }
  EXPECT_GE(count, 2);
}

TEST(DistributorConfigFixtures, Sd1OwnsTheDvipa) {
  DistributorConfig config =
      LoadDistributorConfig(DistributorFixtureDir() / "sd1.cfg");
  EXPECT_EQ(config.name, "SD1");
  EXPECT_EQ(config.dvipa, "10.77.0.100");
  EXPECT_FALSE(config.backup);
  EXPECT_EQ(config.backup_rank, 0);
  EXPECT_FALSE(config.moveable_when_idle);
  EXPECT_EQ(config.port, 6695);
  EXPECT_EQ(config.method, DistMethodConfig::kServerWlm);
  EXPECT_TRUE(config.shareport_wlm);
  EXPECT_EQ(config.tsr_interval, seconds(60));
  EXPECT_EQ(config.probe_interval, seconds(60));
  EXPECT_TRUE(config.autoswitchback);
  EXPECT_TRUE(config.healthswitch);
  EXPECT_EQ(config.handoff_timeout, milliseconds(1000));
  ASSERT_EQ(config.destips.size(), 2u);
  EXPECT_EQ(config.destips[0].system, "SYS1");
  EXPECT_EQ(config.destips[0].weight, 10);
  EXPECT_EQ(config.destips[0].role, Role::kNone);
  EXPECT_EQ(config.destips[0].rank, 0);
  EXPECT_EQ(config.destips[0].position.file,
            (DistributorFixtureDir() / "sd1.cfg").string());
  EXPECT_EQ(config.destips[0].position.line, 31);
  EXPECT_EQ(config.destips[0].position.column, 1);
  EXPECT_EQ(config.destips[1].system, "SYS2");
  EXPECT_EQ(config.destips[1].weight, 20);
  EXPECT_EQ(config.registry_address, "127.0.0.1:7001");
  EXPECT_EQ(config.admin_address, "127.0.0.1:9911");
}

TEST(DistributorConfigFixtures, Sd2BacksSd1Up) {
  DistributorConfig sd1 =
      LoadDistributorConfig(DistributorFixtureDir() / "sd1.cfg");
  DistributorConfig config =
      LoadDistributorConfig(DistributorFixtureDir() / "sd2.cfg");
  EXPECT_EQ(config.name, "SD2");
  EXPECT_EQ(config.dvipa, sd1.dvipa);
  EXPECT_TRUE(config.backup);
  EXPECT_EQ(config.backup_rank, 100);
  // The backup distributes as the owner does.
  EXPECT_EQ(config.port, sd1.port);
  EXPECT_EQ(config.method, sd1.method);
  EXPECT_EQ(config.shareport_wlm, sd1.shareport_wlm);
  EXPECT_EQ(config.tsr_interval, sd1.tsr_interval);
  EXPECT_EQ(config.probe_interval, sd1.probe_interval);
  EXPECT_EQ(config.handoff_timeout, sd1.handoff_timeout);
  ASSERT_EQ(config.destips.size(), sd1.destips.size());
  for (std::size_t i = 0; i < config.destips.size(); ++i) {
    EXPECT_EQ(config.destips[i].system, sd1.destips[i].system);
    EXPECT_EQ(config.destips[i].weight, sd1.destips[i].weight);
  }
  EXPECT_EQ(config.registry_address, sd1.registry_address);
  EXPECT_NE(config.admin_address, sd1.admin_address);
}

// ---- Valid files
// -------------------------------------------------------------

TEST(ParseDistributorConfig, Defaults) {
  DistributorConfig config = Parse(Minimal());
  EXPECT_EQ(config.name, "SD1");
  EXPECT_EQ(config.dvipa, "10.77.0.100");
  EXPECT_FALSE(config.backup);
  EXPECT_EQ(config.backup_rank, 0);
  EXPECT_FALSE(config.moveable_when_idle);
  EXPECT_EQ(config.port, 0);
  EXPECT_EQ(config.method, DistMethodConfig::kBaseWlm);
  EXPECT_FALSE(config.shareport_wlm);
  EXPECT_EQ(config.tsr_interval, seconds(60));
  EXPECT_EQ(config.probe_interval, seconds(60));
  EXPECT_TRUE(config.autoswitchback);
  EXPECT_TRUE(config.healthswitch);
  EXPECT_EQ(config.handoff_timeout, milliseconds(1000));
  EXPECT_TRUE(config.destips.empty());
  EXPECT_EQ(config.registry_address, "");
  EXPECT_EQ(config.admin_address, "127.0.0.1:0");
}

TEST(ParseDistributorConfig, ProbeIntervalDefaultsToTheTsrInterval) {
  DistributorConfig config =
      Parse(File("VIPADEFINE(ADDRESS=10.0.0.1)",
                 "VIPADISTRIBUTE(PORT=1, TSRINTERVAL=30)"));
  EXPECT_EQ(config.tsr_interval, seconds(30));
  EXPECT_EQ(config.probe_interval, seconds(30));
  config = Parse(File("VIPADEFINE(ADDRESS=10.0.0.1)",
                      "VIPADISTRIBUTE(PORT=1, PROBEINTERVAL=5, "
                      "TSRINTERVAL=30)"));
  EXPECT_EQ(config.tsr_interval, seconds(30));
  EXPECT_EQ(config.probe_interval, seconds(5));
}

TEST(ParseDistributorConfig, EveryValueAtItsBounds) {
  DistributorConfig config = Parse(
      "distributor(name=#d$1@)\n"
      "vipadefine(address=fd00::100, moveable=whenidle)\n"
      "vipadistribute(port=65535, distmethod=weightedactive, shareport=wlm,\n"
      "               tsrinterval=3600, probeinterval=1, autoswitchback=n,\n"
      "               healthswitch=N, handofftmot=60000)\n"
      "destip(system=sys1, weight=1)\n"
      "destip(system='Sys2', weight=99)\n"
      "registry(address='[::1]:1')\n"
      "admin(address=localhost:65535)\n");
  EXPECT_EQ(config.name, "#d$1@");
  EXPECT_EQ(config.dvipa, "fd00::100");
  EXPECT_TRUE(config.moveable_when_idle);
  EXPECT_EQ(config.port, 65535);
  EXPECT_EQ(config.method, DistMethodConfig::kWeightedActive);
  EXPECT_TRUE(config.shareport_wlm);
  EXPECT_EQ(config.tsr_interval, seconds(3600));
  EXPECT_EQ(config.probe_interval, seconds(1));
  EXPECT_FALSE(config.autoswitchback);
  EXPECT_FALSE(config.healthswitch);
  EXPECT_EQ(config.handoff_timeout, milliseconds(60000));
  ASSERT_EQ(config.destips.size(), 2u);
  EXPECT_EQ(config.destips[0].system, "SYS1");  // as the routers keep it
  EXPECT_EQ(config.destips[0].weight, 1);
  EXPECT_EQ(config.destips[0].position.line, 6);
  EXPECT_EQ(config.destips[1].system, "SYS2");
  EXPECT_EQ(config.destips[1].weight, 99);
  EXPECT_EQ(config.registry_address, "[::1]:1");
  EXPECT_EQ(config.admin_address, "localhost:65535");

  config = Parse(File("VIPADEFINE(ADDRESS=10.0.0.1)",
                      "VIPADISTRIBUTE(PORT=1, HANDOFFTMOT=1, TSRINTERVAL=1, "
                      "PROBEINTERVAL=3600, SHAREPORT=HASH)"));
  EXPECT_EQ(config.port, 1);
  EXPECT_EQ(config.handoff_timeout, milliseconds(1));
  EXPECT_EQ(config.tsr_interval, seconds(1));
  EXPECT_EQ(config.probe_interval, seconds(3600));
  EXPECT_FALSE(config.shareport_wlm);
}

TEST(ParseDistributorConfig, EveryDistMethod) {
  const std::pair<const char*, DistMethodConfig> methods[] = {
      {"ROUNDROBIN", DistMethodConfig::kRoundRobin},
      {"BaseWlm", DistMethodConfig::kBaseWlm},
      {"serverwlm", DistMethodConfig::kServerWlm},
      {"WEIGHTEDACTIVE", DistMethodConfig::kWeightedActive},
  };
  for (const auto& [name, method] : methods) {
    DistributorConfig config = Parse(
        File("VIPADEFINE(ADDRESS=10.0.0.1)",
             std::string("VIPADISTRIBUTE(PORT=1, DISTMETHOD=") + name + ")"));
    EXPECT_EQ(config.method, method) << name;
  }
  EXPECT_EQ(Parse(HotStandby("DESTIP(SYSTEM=S1, ROLE=PREFERRED)\n")).method,
            DistMethodConfig::kHotStandby);
}

TEST(ParseDistributorConfig, VipaBackup) {
  DistributorConfig config = Parse(File(
      "VIPABACKUP(RANK=254, ADDRESS=127.0.0.7)", "VIPADISTRIBUTE(PORT=6695)"));
  EXPECT_TRUE(config.backup);
  EXPECT_EQ(config.backup_rank, 254);
  EXPECT_EQ(config.dvipa, "127.0.0.7");
  EXPECT_FALSE(config.moveable_when_idle);
  config = Parse(File("VIPABACKUP(ADDRESS=127.0.0.7, RANK=1)",
                      "VIPADISTRIBUTE(PORT=6695)"));
  EXPECT_EQ(config.backup_rank, 1);
}

TEST(ParseDistributorConfig, HotStandbyRolesAndRanks) {
  // DESTIPs may come before VIPADISTRIBUTE: the method is read first.
  DistributorConfig config = Parse(
      "DESTIP(SYSTEM=S2, ROLE=BACKUP, RANK=50)\n"
      "DISTRIBUTOR(NAME=SD1)\n"
      "DESTIP(SYSTEM=S1, ROLE=preferred, WEIGHT=5)\n"
      "VIPADEFINE(ADDRESS=10.0.0.1)\n"
      "VIPADISTRIBUTE(PORT=1, DISTMETHOD=HOTSTANDBY, AUTOSWITCHBACK=N)\n"
      "DESTIP(SYSTEM=S3, ROLE=Backup, RANK=100)\n");
  EXPECT_FALSE(config.autoswitchback);
  ASSERT_EQ(config.destips.size(), 3u);
  EXPECT_EQ(config.destips[0].system, "S2");
  EXPECT_EQ(config.destips[0].role, Role::kBackup);
  EXPECT_EQ(config.destips[0].rank, 50);
  EXPECT_EQ(config.destips[0].position.line, 1);
  EXPECT_EQ(config.destips[1].system, "S1");
  EXPECT_EQ(config.destips[1].role, Role::kPreferred);
  EXPECT_EQ(config.destips[1].rank, 0);
  EXPECT_EQ(config.destips[1].weight, 5);
  EXPECT_EQ(config.destips[2].role, Role::kBackup);
  EXPECT_EQ(config.destips[2].rank, 100);
  // A preferred target alone is allowed: nothing to switch to, yet.
  config = Parse(HotStandby("DESTIP(SYSTEM=S1, ROLE=PREFERRED)\n"));
  ASSERT_EQ(config.destips.size(), 1u);
  EXPECT_EQ(config.destips[0].role, Role::kPreferred);
}

TEST(ParseDistributorConfig, DestIpAllCoversEverySystem) {
  DistributorConfig config = Parse(Minimal("DESTIP(SYSTEM=all, WEIGHT=7)\n"));
  ASSERT_EQ(config.destips.size(), 1u);
  EXPECT_EQ(config.destips[0].system, "ALL");
  EXPECT_EQ(config.destips[0].weight, 7);
}

// ---- Statements
// --------------------------------------------------------------

TEST(ParseDistributorConfig, MissingAndRepeatedStatements) {
  ExpectError("VIPADEFINE(ADDRESS=10.0.0.1)\nVIPADISTRIBUTE(PORT=1)\n", 1, 1,
              "no DISTRIBUTOR statement; a distributor configuration needs "
              "DISTRIBUTOR(NAME=name)");
  ExpectError("DISTRIBUTOR(NAME=SD1)\nVIPADISTRIBUTE(PORT=1)\n", 1, 1,
              "no VIPADEFINE or VIPABACKUP statement; a distributor "
              "configuration needs VIPADEFINE(ADDRESS=dvipa) to own the DVIPA "
              "or VIPABACKUP(ADDRESS=dvipa, RANK=n) to back it up");
  ExpectError("DISTRIBUTOR(NAME=SD1)\nVIPADEFINE(ADDRESS=10.0.0.1)\n", 1, 1,
              "no VIPADISTRIBUTE statement; a distributor configuration needs "
              "VIPADISTRIBUTE(PORT=port)");
  ExpectError("", 1, 1,
              "no DISTRIBUTOR statement; a distributor configuration needs "
              "DISTRIBUTOR(NAME=name)");
  ExpectError(Minimal("DISTRIBUTOR(NAME=SD2)\n"), 4, 1,
              "second DISTRIBUTOR statement (the first is at line 1)");
  ExpectError(Minimal("VIPADEFINE(ADDRESS=10.0.0.2)\n"), 4, 1,
              "second VIPADEFINE statement (the first is at line 2)");
  ExpectError(Minimal("VIPADISTRIBUTE(PORT=2)\n"), 4, 1,
              "second VIPADISTRIBUTE statement (the first is at line 3)");
  ExpectError(Minimal("REGISTRY(ADDRESS=h:1)\nREGISTRY(ADDRESS=h:2)\n"), 5, 1,
              "second REGISTRY statement (the first is at line 4)");
  ExpectError(Minimal("ADMIN(ADDRESS=h:1) ADMIN(ADDRESS=h:2)\n"), 4, 20,
              "second ADMIN statement (the first is at line 4)");
}

TEST(ParseDistributorConfig, VipaDefineAndVipaBackupExcludeEachOther) {
  ExpectError(Minimal("VIPABACKUP(ADDRESS=10.77.0.100, RANK=1)\n"), 4, 1,
              "VIPABACKUP after VIPADEFINE (line 2); a distributor either "
              "owns the DVIPA (VIPADEFINE) or backs it up (VIPABACKUP), not "
              "both");
  ExpectError(
      File("vipabackup(ADDRESS=10.77.0.100, RANK=1)", "VIPADISTRIBUTE(PORT=1)",
           "VipaDefine(ADDRESS=10.77.0.100)\n"),
      4, 1,
      "VIPADEFINE after VIPABACKUP (line 2); a distributor either "
      "owns the DVIPA (VIPADEFINE) or backs it up (VIPABACKUP), not "
      "both");
  ExpectError(
      File("VIPABACKUP(ADDRESS=10.0.0.1, RANK=1)", "VIPADISTRIBUTE(PORT=1)",
           "VIPABACKUP(ADDRESS=10.0.0.1, RANK=2)\n"),
      4, 1, "second VIPABACKUP statement (the first is at line 2)");
}

TEST(ParseDistributorConfig, UnknownStatementsAndKeywords) {
  const std::string expected =
      "expected DISTRIBUTOR, VIPADEFINE, VIPABACKUP, VIPADISTRIBUTE, DESTIP, "
      "REGISTRY or ADMIN";
  ExpectError(Minimal("VIPARANGE(ADDRESS=10.0.0.0)\n"), 4, 1,
              "unknown statement 'VIPARANGE'; " + expected);
  ExpectError(Minimal("Sysplex(SYSTEM=S1)\n"), 4, 1,
              "SYSPLEX belongs in a router configuration, not a "
              "distributor's; " +
                  expected);
  ExpectError(Minimal("OPTIONS(THREADS=1)\n"), 4, 1,
              "OPTIONS belongs in an ODBM configuration, not a "
              "distributor's; " +
                  expected);
  ExpectError(Minimal("USER(NAME=app, USRIDONL=Y)\n"), 4, 1,
              "USER belongs in a router or ODBM configuration, not a "
              "distributor's; " +
                  expected);
  ExpectError(WithDistributor("DISTRIBUTOR(ID=SD1)"), 1, 13,
              "unknown keyword 'ID' in DISTRIBUTOR; expected NAME");
  ExpectError(
      File("VIPADEFINE(ADDRESS=10.0.0.1, RANK=1)", "VIPADISTRIBUTE(PORT=1)"), 2,
      30,
      "unknown keyword 'RANK' in VIPADEFINE; expected ADDRESS or "
      "MOVEABLE");
  ExpectError(File("VIPADEFINE(ADDRESS=10.0.0.1)",
                   "VIPADISTRIBUTE(PORT=0, DESTIP=ALL)"),
              3, 24,
              "unknown keyword 'DESTIP' in VIPADISTRIBUTE; expected PORT, "
              "DISTMETHOD, SHAREPORT, TSRINTERVAL, PROBEINTERVAL, "
              "AUTOSWITCHBACK, HEALTHSWITCH or HANDOFFTMOT");
  ExpectError(Minimal("DESTIP(SYSTEM=S1, PORT=1)\n"), 4, 19,
              "unknown keyword 'PORT' in DESTIP; expected SYSTEM, WEIGHT, "
              "ROLE or RANK");
  ExpectError(Minimal("ADMIN(PORT=1)\n"), 4, 7,
              "unknown keyword 'PORT' in ADMIN; expected ADDRESS");
  ExpectError(Minimal("DESTIP(SYSTEM=S1, WEIGHT=1, WEIGHT=2)\n"), 4, 29,
              "WEIGHT is given twice in DESTIP (first at line 4)");
}

TEST(ParseDistributorConfig, SyntaxErrorsNameTheDistributorStatement) {
  ExpectError(Minimal("VIPADISTRIBUTE(PORT=1"), 4, 22,
              "unexpected end of file; expected ')' to close VIPADISTRIBUTE");
  ExpectError(Minimal("DESTIP SYSTEM=S1\n"), 4, 8, "expected '(' after DESTIP");
  ExpectError(Minimal("DESTIP(SYSTEM=S1 ]\n"), 4, 18,
              "expected ')' to close DESTIP");
  ExpectError("DISTRIBUTOR(NAME=)\n", 1, 18, "expected a value after '='");
  // At the end of the last statement, as for the other kinds of file.
  ExpectError(Minimal("]\n"), 3, 23,
              "expected a statement (DISTRIBUTOR, VIPADEFINE, VIPABACKUP, "
              "VIPADISTRIBUTE, DESTIP, REGISTRY or ADMIN)");
}

// ---- Values
// ------------------------------------------------------------------

TEST(ParseDistributorConfig, DistributorName) {
  ExpectError(WithDistributor("DISTRIBUTOR()"), 1, 1,
              "DISTRIBUTOR needs NAME=");
  ExpectError(WithDistributor("DISTRIBUTOR(NAME=DISTRIB01)"), 1, 18,
              "distributor name 'DISTRIB01' is longer than 8 characters");
  ExpectError(WithDistributor("DISTRIBUTOR(NAME=SD-1)"), 1, 18,
              "distributor name 'SD-1' may contain only letters, digits, @, # "
              "and $");
}

TEST(ParseDistributorConfig, DvipaAddress) {
  const std::string distribute = "VIPADISTRIBUTE(PORT=1)";
  ExpectError(File("VIPADEFINE(MOVEABLE=IMMEDIATE)", distribute), 2, 1,
              "VIPADEFINE needs ADDRESS=");
  ExpectError(File("VIPABACKUP(RANK=1)", distribute), 2, 1,
              "VIPABACKUP needs ADDRESS=");
  for (const char* bad : {"dvipa.example", "10.77.0.256", "10.77.0",
                          "'[fd00::1]'", "fd00::1::2", "10.77.0.100:6695"}) {
    std::string shown = bad[0] == '\'' ? std::string(bad + 1, strlen(bad) - 2)
                                       : std::string(bad);
    ExpectError(
        File(std::string("VIPADEFINE(ADDRESS=") + bad + ")", distribute), 2, 20,
        "ADDRESS '" + shown +
            "' is not an IPv4 or IPv6 address (as in 10.77.0.100 or "
            "fd00::100)");
  }
  ExpectError(File("VIPADEFINE(ADDRESS=0.0.0.0)", distribute), 2, 20,
              "ADDRESS '0.0.0.0' is the unspecified address; the DVIPA must "
              "be one address that moves between distributors");
  ExpectError(File("VIPABACKUP(ADDRESS=::, RANK=1)", distribute), 2, 20,
              "ADDRESS '::' is the unspecified address; the DVIPA must be one "
              "address that moves between distributors");
}

TEST(ParseDistributorConfig, MoveableAndRank) {
  const std::string distribute = "VIPADISTRIBUTE(PORT=1)";
  ExpectError(File("VIPADEFINE(ADDRESS=10.0.0.1, MOVEABLE=NEVER)", distribute),
              2, 39,
              "MOVEABLE must be IMMEDIATE (take the DVIPA back from a backup "
              "at once) or WHENIDLE (once the backup has no connections)");
  ExpectError(File("VIPABACKUP(ADDRESS=10.0.0.1, MOVEABLE=IMMEDIATE, RANK=1)",
                   distribute),
              2, 30,
              "MOVEABLE is for VIPADEFINE only: the owner's MOVEABLE says "
              "when a backup gives the DVIPA back");
  ExpectError(File("VIPABACKUP(ADDRESS=10.0.0.1)", distribute), 2, 1,
              "VIPABACKUP needs RANK=");
  for (const char* bad : {"0", "255", "high"}) {
    ExpectError(
        File(std::string("VIPABACKUP(ADDRESS=10.0.0.1, RANK=") + bad + ")",
             distribute),
        2, 35, "RANK must be a whole number from 1 to 254");
  }
}

TEST(ParseDistributorConfig, VipaDistributeValues) {
  auto expect = [](const std::string& settings, int column,
                   const std::string& message) {
    ExpectError(File("VIPADEFINE(ADDRESS=10.0.0.1)",
                     "VIPADISTRIBUTE(PORT=0, " + settings + ")"),
                3, column, message);
  };
  ExpectError(File("VIPADEFINE(ADDRESS=10.0.0.1)",
                   "VIPADISTRIBUTE(DISTMETHOD=BASEWLM)"),
              3, 1, "VIPADISTRIBUTE needs PORT=");
  ExpectError(
      File("VIPADEFINE(ADDRESS=10.0.0.1)", "VIPADISTRIBUTE(PORT=65536)"), 3, 21,
      "PORT must be a whole number from 0 to 65535");
  expect("DISTMETHOD=TARGCONTROLLED", 35,
         "DISTMETHOD must be ROUNDROBIN, BASEWLM, SERVERWLM, WEIGHTEDACTIVE "
         "or HOTSTANDBY");
  expect("SHAREPORT=SEF", 34,
         "SHAREPORT must be HASH (a system's routers share by a hash of the "
         "connection's addresses and ports) or WLM (by their WLM server "
         "weights)");
  for (const char* bad : {"0", "3601", "1m"}) {
    expect(std::string("TSRINTERVAL=") + bad, 36,
           "TSRINTERVAL (seconds) must be a whole number from 1 to 3600");
  }
  expect("PROBEINTERVAL=0", 38,
         "PROBEINTERVAL (seconds) must be a whole number from 1 to 3600");
  expect("AUTOSWITCHBACK=YES", 39, "AUTOSWITCHBACK must be Y or N");
  expect("HEALTHSWITCH=1", 37, "HEALTHSWITCH must be Y or N");
  for (const char* bad : {"0", "60001"}) {
    expect(std::string("HANDOFFTMOT=") + bad, 36,
           "HANDOFFTMOT (milliseconds) must be a whole number from 1 to "
           "60000");
  }
}

TEST(ParseDistributorConfig, DestIpValues) {
  ExpectError(Minimal("DESTIP(WEIGHT=1)\n"), 4, 1, "DESTIP needs SYSTEM=");
  ExpectError(Minimal("DESTIP(SYSTEM=SYSTEM123)\n"), 4, 15,
              "SYSTEM name 'SYSTEM123' is longer than 8 characters");
  ExpectError(Minimal("DESTIP(SYSTEM=1S)\n"), 4, 15,
              "SYSTEM name '1S' must start with a letter, @, # or $");
  for (const char* bad : {"0", "100", "-1"}) {
    ExpectError(Minimal(std::string("DESTIP(SYSTEM=S1, WEIGHT=") + bad + ")\n"),
                4, 26, "WEIGHT must be a whole number from 1 to 99");
  }
}

TEST(ParseDistributorConfig, OneDestIpPerSystem) {
  ExpectError(Minimal("DESTIP(SYSTEM=S1)\nDESTIP(SYSTEM=S2)\n"
                      "DESTIP(SYSTEM=s1, WEIGHT=5)\n"),
              6, 15,
              "second DESTIP for system 's1' (system names ignore case; the "
              "first is at line 4)");
  ExpectError(Minimal("DESTIP(SYSTEM=S1)\nDESTIP(SYSTEM=ALL)\n"), 5, 15,
              "DESTIP SYSTEM=ALL covers every system, so it cannot be "
              "combined with another DESTIP (line 4)");
  ExpectError(Minimal("DESTIP(SYSTEM=All)\nDESTIP(SYSTEM=S1)\n"), 5, 15,
              "DESTIP SYSTEM=ALL covers every system, so it cannot be "
              "combined with another DESTIP (line 4)");
  ExpectError(Minimal("DESTIP(SYSTEM=ALL)\nDESTIP(SYSTEM=all)\n"), 5, 15,
              "second DESTIP for system 'all' (system names ignore case; the "
              "first is at line 4)");
}

TEST(ParseDistributorConfig, RoleAndRankOnlyWithHotStandby) {
  ExpectError(Minimal("DESTIP(SYSTEM=S1, ROLE=PREFERRED)\n"), 4, 24,
              "ROLE is for DISTMETHOD=HOTSTANDBY only (DISTMETHOD is BASEWLM)");
  ExpectError(File("VIPADEFINE(ADDRESS=10.0.0.1)",
                   "VIPADISTRIBUTE(PORT=0, DISTMETHOD=ROUNDROBIN)",
                   "DESTIP(SYSTEM=S1, ROLE=BACKUP, RANK=5)\n"),
              4, 24,
              "ROLE is for DISTMETHOD=HOTSTANDBY only (DISTMETHOD is "
              "ROUNDROBIN)");
  ExpectError(File("VIPADEFINE(ADDRESS=10.0.0.1)",
                   "VIPADISTRIBUTE(PORT=0, DISTMETHOD=WEIGHTEDACTIVE)",
                   "DESTIP(SYSTEM=S1, RANK=5)\n"),
              4, 24,
              "RANK is for DISTMETHOD=HOTSTANDBY only (DISTMETHOD is "
              "WEIGHTEDACTIVE)");
}

TEST(ParseDistributorConfig, HotStandbyErrors) {
  const std::string no_preferred =
      "DISTMETHOD=HOTSTANDBY needs one DESTIP with ROLE=PREFERRED";
  // At the DISTMETHOD value: the method is what asks for the preferred one.
  ExpectError(HotStandby(""), 3, 35, no_preferred);
  ExpectError(HotStandby("DESTIP(SYSTEM=S1, ROLE=BACKUP, RANK=1)\n"
                         "DESTIP(SYSTEM=S2, ROLE=BACKUP, RANK=2)\n"),
              3, 35, no_preferred);
  ExpectError(HotStandby("DESTIP(SYSTEM=S1, ROLE=PREFERRED)\n"
                         "DESTIP(SYSTEM=S2, ROLE=BACKUP, RANK=1)\n"
                         "DESTIP(SYSTEM=S3, ROLE=PREFERRED)\n"),
              6, 24,
              "second PREFERRED target (the first is system S1 at line 4); "
              "HOTSTANDBY has exactly one");
  ExpectError(HotStandby("DESTIP(SYSTEM=S1, ROLE=PREFERRED)\n"
                         "DESTIP(SYSTEM=S2, ROLE=BACKUP, RANK=100)\n"
                         "DESTIP(SYSTEM=S3, ROLE=BACKUP, RANK=100)\n"),
              6, 37,
              "BACKUP rank 100 is given twice (the first is system S2 at line "
              "5); ranks order the backups, so each must differ");
  ExpectError(HotStandby("DESTIP(SYSTEM=S1, ROLE=PREFERRED)\n"
                         "DESTIP(SYSTEM=S2, ROLE=BACKUP)\n"),
              5, 1,
              "a BACKUP DESTIP needs RANK= (1 to 254; the highest takes over "
              "first)");
  ExpectError(HotStandby("DESTIP(SYSTEM=S1, ROLE=PREFERRED, RANK=5)\n"), 4, 40,
              "RANK is for BACKUP targets; the PREFERRED target comes before "
              "every backup");
  ExpectError(HotStandby("DESTIP(SYSTEM=S1, ROLE=BACKUP, RANK=255)\n"), 4, 37,
              "RANK must be a whole number from 1 to 254");
  ExpectError(HotStandby("DESTIP(SYSTEM=S1, ROLE=PREFERRED)\n"
                         "DESTIP(SYSTEM=S2, WEIGHT=5)\n"),
              5, 1,
              "with DISTMETHOD=HOTSTANDBY each DESTIP needs ROLE=PREFERRED or "
              "ROLE=BACKUP");
  ExpectError(HotStandby("DESTIP(SYSTEM=S1, ROLE=ACTIVE)\n"), 4, 24,
              "ROLE must be PREFERRED or BACKUP");
  ExpectError(HotStandby("DESTIP(SYSTEM=ALL, ROLE=PREFERRED)\n"), 4, 15,
              "DISTMETHOD=HOTSTANDBY needs its targets named: SYSTEM=ALL "
              "cannot be PREFERRED or BACKUP");
}

TEST(ParseDistributorConfig, RegistryAndAdmin) {
  ExpectError(Minimal("REGISTRY()\n"), 4, 1, "REGISTRY needs ADDRESS=");
  ExpectError(Minimal("REGISTRY(ADDRESS=127.0.0.1:0)\n"), 4, 18,
              "the port of REGISTRY '127.0.0.1:0' must be a whole number from "
              "1 to 65535");
  ExpectError(Minimal("ADMIN(ADDRESS=127.0.0.1)\n"), 4, 15,
              "ADMIN '127.0.0.1' is not host:port (as in 127.0.0.1:7001, or "
              "[::1]:7001 for IPv6)");
}

TEST(ConfigError, DistributorErrorShowsTheLineAndCaret) {
  try {
    Parse(Minimal("DESTIP(SYSTEM=S1, WEIGHT=100)\n"));
    FAIL() << "no error";
  } catch (const ConfigError& error) {
    EXPECT_STREQ(error.what(),
                 "sd.cfg:4:26: error: WEIGHT must be a whole number from 1 to "
                 "99\n"
                 "DESTIP(SYSTEM=S1, WEIGHT=100)\n"
                 "                         ^");
  }
}

TEST(LoadDistributorConfig, MissingFileIsAConfigError) {
  fs::path file = DistributorFixtureDir() / "absent.cfg";
  try {
    LoadDistributorConfig(file);
    FAIL() << "no error";
  } catch (const ConfigError& error) {
    EXPECT_EQ(error.file(), file.string());
    EXPECT_EQ(error.line(), 0);
    EXPECT_EQ(error.message(),
              "cannot open the file: No such file or directory");
  }
}

// A router file is not a distributor file: its first statement says so.
TEST(LoadDistributorConfig, RouterFileIsRejectedAtItsFirstStatement) {
  try {
    LoadDistributorConfig(fs::path(DRDAPLEX_SOURCE_DIR) /
                          "fixtures/router/hws1.cfg");
    FAIL() << "no error";
  } catch (const ConfigError& error) {
    EXPECT_EQ(error.line(), 9);
    EXPECT_EQ(error.column(), 1);
    EXPECT_EQ(error.message(),
              "HWS belongs in a router configuration, not a distributor's; "
              "expected DISTRIBUTOR, VIPADEFINE, VIPABACKUP, VIPADISTRIBUTE, "
              "DESTIP, REGISTRY or ADMIN");
  }
}

}  // namespace
}  // namespace drdaplex::config
