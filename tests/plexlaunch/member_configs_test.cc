// The configuration files the launcher writes for each member of the seed
// plex (fixtures/plex/plex1.plex) are read back by the members' own parsers
// and say what the plex file says, with the launcher's addresses.
#include "harness/plex/member_configs.h"

#include <gtest/gtest.h>

#include "config/distributor_config.h"
#include "config/odbm_config.h"
#include "config/router_config.h"

namespace drdaplex::plex {
namespace {

config::PlexConfig SeedPlex() {
  return config::LoadPlexConfig(std::string(DRDAPLEX_SOURCE_DIR) + "/fixtures/plex/plex1.plex");
}

PlexAddresses Addresses() {
  PlexAddresses addresses;
  addresses.registry = "10.77.3.1:40001";
  addresses.system_address = "10.77.3.11";
  addresses.shared_port = 6695;
  addresses.dvipa = "10.77.3.100";
  addresses.dir = "/var/tmp/plex-PLEX1";
  addresses.plex_key = "/var/tmp/plex-PLEX1/plex.key";
  return addresses;
}

TEST(MemberConfigs, RouterFileCarriesThePlexsRouterSettings) {
  const config::PlexConfig plex = SeedPlex();
  const std::string text = RouterConfigText(plex, plex.routers[1], Addresses());
  const config::RouterConfig router = config::ParseRouterConfig(text, "/var/tmp/plex-PLEX1/hws2.cfg");
  EXPECT_EQ(router.name, "HWS2");
  EXPECT_EQ(router.listen_host, "10.77.3.11");
  EXPECT_EQ(router.admin_address, "10.77.3.11:0");
  EXPECT_EQ(router.max_sockets, 4000);
  ASSERT_EQ(router.drda_ports.size(), 1u);
  EXPECT_EQ(router.drda_ports[0].port, 6695);
  EXPECT_EQ(router.registry_address, "10.77.3.1:40001");
  EXPECT_EQ(router.plex_key_file, "/var/tmp/plex-PLEX1/plex.key");
  EXPECT_EQ(router.imsplex_name, "PLEX1");
  EXPECT_EQ(router.sysplex.system, "SYS1");
  EXPECT_EQ(router.sysplex.luname, "HWS2");
  EXPECT_EQ(router.sysplex.handoff_path, "/var/tmp/plex-PLEX1/HWS2.sock");
  EXPECT_EQ(router.exit.module, "builtin:default");
  EXPECT_EQ(router.exit.config, "mode=default");
  ASSERT_EQ(router.users.size(), 1u);
  EXPECT_EQ(router.users[0].password_hash, plex.users[0].password_hash);
}

TEST(MemberConfigs, RouterFileKeepsAuthAndUserFlags) {
  const config::PlexConfig plex = config::ParsePlexConfig(
      "PLEX(NAME=P) SYSTEM(NAME=S1) ROUTER(NAME=HWS1, SYSTEM=S1, MAXSOC=60)\n"
      "ODBM(NAME=O1, SYSTEM=S1 DATASTORE(NAME=IMS1, ALIAS(NAME=IO1A)))\n"
      "DATABASE(DATASTORE=IMS1, FILE=a.db)\n"
      "AUTH(ALIAS=IO1A, USERS=(APP, CLERK)) USER(NAME=app, USRIDONL=Y) USER(NAME=clerk, USRIDONL=Y)\n",
      "p.plex");
  const config::RouterConfig router =
      config::ParseRouterConfig(RouterConfigText(plex, plex.routers[0], Addresses()), "hws1.cfg");
  EXPECT_EQ(router.alias_users.at("IO1A"), (std::set<std::string>{"APP", "CLERK"}));
  ASSERT_EQ(router.users.size(), 2u);
  EXPECT_TRUE(router.users[1].user_only_allowed);
  EXPECT_EQ(router.exit.module, "");  // the plex has no EXIT
}

TEST(MemberConfigs, OdbmFileHasItsDatastoresWithDatabasesInTheWorkDirectory) {
  const config::PlexConfig plex = SeedPlex();
  const config::OdbmConfig odbm =
      config::ParseOdbmConfig(OdbmConfigText(plex.odbms[0], Addresses()), "odbmb1.cfg");
  EXPECT_EQ(odbm.name, "ODBMB1");
  ASSERT_EQ(odbm.datastores.size(), 2u);
  EXPECT_EQ(odbm.datastores[0].aliases, (std::vector<std::string>{"IM1A", "IO1A"}));
  EXPECT_EQ(odbm.datastores[1].database, "/var/tmp/plex-PLEX1/plex1.db");
  EXPECT_EQ(odbm.datastores[0].database, odbm.datastores[1].database);  // data sharing
  EXPECT_TRUE(odbm.router_only);
  EXPECT_EQ(odbm.plex_key_file, "/var/tmp/plex-PLEX1/plex.key");

  PlexAddresses keyless = Addresses();
  keyless.plex_key.clear();
  const config::OdbmConfig open =
      config::ParseOdbmConfig(OdbmConfigText(plex.odbms[1], keyless), "odbmb2.cfg");
  EXPECT_FALSE(open.router_only);
  EXPECT_TRUE(open.datastores[1].aliases.empty());  // IMS4
}

TEST(MemberConfigs, DistributorFilesOwnAndBackUpTheDvipa) {
  const config::PlexConfig plex = SeedPlex();
  const config::DistributorConfig primary = config::ParseDistributorConfig(
      DistributorConfigText(plex.distributors[0], Addresses()), "sd1.cfg");
  EXPECT_EQ(primary.name, "SD1");
  EXPECT_FALSE(primary.backup);
  EXPECT_EQ(primary.dvipa, "10.77.3.100");
  EXPECT_EQ(primary.port, 6695);
  EXPECT_EQ(primary.method, config::DistMethodConfig::kServerWlm);
  EXPECT_TRUE(primary.shareport_wlm);
  EXPECT_EQ(primary.tsr_interval, std::chrono::seconds(2));
  EXPECT_EQ(primary.registry_address, "10.77.3.1:40001");
  EXPECT_EQ(primary.admin_address, "127.0.0.1:0");

  const config::DistributorConfig backup = config::ParseDistributorConfig(
      DistributorConfigText(plex.distributors[1], Addresses()), "sd2.cfg");
  EXPECT_TRUE(backup.backup);
  EXPECT_EQ(backup.backup_rank, 100);
  EXPECT_EQ(backup.method, config::DistMethodConfig::kServerWlm);
  EXPECT_EQ(backup.probe_interval, std::chrono::seconds(2));
}

TEST(MemberConfigs, DatabasePathsAreAbsolute) {
  EXPECT_EQ(DatabasePath("a.db", "/w"), "/w/a.db");
  EXPECT_EQ(DatabasePath("../d/a.db", "/w/x"), "/w/d/a.db");
  EXPECT_EQ(DatabasePath("/abs/a.db", "/w"), "/abs/a.db");
}

}  // namespace
}  // namespace drdaplex::plex
