#include "harness/plex/member_configs.h"

#include <fmt/format.h>

#include "config/value_format.h"

namespace drdaplex::plex {

namespace {

using config::FormatValue;

std::string YesNo(bool flag) { return flag ? "Y" : "N"; }

std::string Header(const std::string& what, const config::PlexConfig* plex) {
  return fmt::format("/* {} of plex {}: written by `drdaplex plex up` from the plex file;\n"
                     "   edits are lost at the next start. */\n",
                     what, plex != nullptr ? plex->name : std::string("(plex)"));
}

}  // namespace

std::filesystem::path DatabasePath(const std::filesystem::path& file,
                                   const std::filesystem::path& dir) {
  return (file.is_absolute() ? file : dir / file).lexically_normal();
}

std::string RouterConfigText(const config::PlexConfig& plex,
                             const config::PlexRouterConfig& router,
                             const PlexAddresses& addresses) {
  std::string text = Header("Router " + router.name, &plex);
  text += fmt::format("HWS(ID={})\n", router.name);
  text += fmt::format("TCPIP(HOSTNAME={}, MAXSOC={}, ADMIN={}:0)\n", addresses.system_address,
                      router.max_sockets, addresses.system_address);
  // PORTTMOT and ODBMTMOT in 1/100 s: 10 s for a client's connect flow, 3 s
  // for an ODBM's sign-on.
  text += fmt::format("ODACCESS(DRDAPORT=(ID={}, PORTTMOT=1000), ODBMTMOT=300,\n",
                      addresses.shared_port);
  text += fmt::format("         IMSPLEX=(MEMBER={}, TMEMBER={}),\n", router.name, plex.name);
  text += "         REGISTRY=" + addresses.registry;
  if (!addresses.plex_key.empty()) {
    text += ", PLEXKEY=" + FormatValue(addresses.plex_key.string());
  }
  text += ")\n";
  text += fmt::format("SYSPLEX(SYSTEM={}, LUNAME={}, HANDOFF={})\n", router.system, router.name,
                      FormatValue((addresses.dir / (router.name + ".sock")).string()));
  if (plex.has_exit) {
    const config::ExitConfig& exit = plex.exit;
    text += "EXIT(MODULE=" + FormatValue(exit.module);
    if (!exit.config.empty()) text += ", CONFIG=" + FormatValue(exit.config);
    text += fmt::format(", DEADLINE={}, ONFAIL={})\n", exit.deadline.count(),
                        exit.on_failure == config::ExitConfig::OnFailure::kReject ? "REJECT"
                                                                                  : "DEFAULT");
  }
  for (const auto& [alias, users] : plex.alias_users) {
    std::string list;
    for (const std::string& user : users) list += (list.empty() ? "" : ", ") + FormatValue(user);
    text += fmt::format("AUTH(ALIAS={}, USERS=({}))\n", alias, list);
  }
  for (const config::UserConfig& user : plex.users) {
    text += "USER(NAME=" + FormatValue(user.name);
    if (!user.password_hash.empty()) text += ", PASSWORD='" + user.password_hash + "'";
    if (user.user_only_allowed) text += ", USRIDONL=Y";
    text += ")\n";
  }
  return text;
}

std::string OdbmConfigText(const config::PlexOdbmConfig& odbm, const PlexAddresses& addresses) {
  std::string text = Header("ODBM " + odbm.odbm.name, nullptr);
  text += "ODBM(NAME=" + odbm.odbm.name;
  for (const config::DatastoreConfig& datastore : odbm.odbm.datastores) {
    text += "\n     DATASTORE(NAME=" + datastore.name;
    if (!datastore.aliases.empty()) {
      text += ", ALIAS(NAME=";
      for (size_t i = 0; i < datastore.aliases.size(); ++i) {
        text += (i == 0 ? "" : ", ") + datastore.aliases[i];
      }
      text += ")";
    }
    text += ")";
  }
  text += ")\n";
  for (const config::DatastoreConfig& datastore : odbm.odbm.datastores) {
    text += fmt::format("DATABASE(DATASTORE={}, FILE={})\n", datastore.name,
                        FormatValue(DatabasePath(datastore.database, addresses.dir).string()));
  }
  if (!addresses.plex_key.empty()) {
    text += "OPTIONS(PLEXKEY=" + FormatValue(addresses.plex_key.string()) + ", ROUTERONLY=Y)\n";
  }
  return text;
}

std::string DistributorConfigText(const config::DistributorConfig& d,
                                  const PlexAddresses& addresses) {
  std::string text = Header(std::string(d.backup ? "Backup distributor " : "Distributor ") + d.name,
                            nullptr);
  text += fmt::format("DISTRIBUTOR(NAME={})\n", d.name);
  text += d.backup ? fmt::format("VIPABACKUP(ADDRESS={}, RANK={})\n", addresses.dvipa,
                                 d.backup_rank)
                   : fmt::format("VIPADEFINE(ADDRESS={}, MOVEABLE={})\n", addresses.dvipa,
                                 d.moveable_when_idle ? "WHENIDLE" : "IMMEDIATE");
  text += fmt::format(
      "VIPADISTRIBUTE(PORT={}, DISTMETHOD={}, SHAREPORT={}, TSRINTERVAL={},\n"
      "               PROBEINTERVAL={}, AUTOSWITCHBACK={}, HEALTHSWITCH={}, HANDOFFTMOT={})\n",
      addresses.shared_port, config::DistMethodName(d.method), d.shareport_wlm ? "WLM" : "HASH",
      d.tsr_interval.count(), d.probe_interval.count(), YesNo(d.autoswitchback),
      YesNo(d.healthswitch), d.handoff_timeout.count());
  text += "REGISTRY(ADDRESS=" + addresses.registry + ")\n";
  text += "ADMIN(ADDRESS=127.0.0.1:0)\n";
  return text;
}

}  // namespace drdaplex::plex
