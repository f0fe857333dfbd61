// ParsePlexConfig/LoadPlexConfig: source text -> syntax tree (plex dialect)
// -> PlexConfig; DumpPlexConfig for golden tests. Stateless; safe to call
// from any thread.
#include "config/plex_config.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "config/config_file.h"
#include "config/dump.h"
#include "config/error_handler.h"
#include "config/parse_syntax.h"
#include "config/plex_semantic.h"
#include "config/source_text.h"

namespace drdaplex::config {

namespace {

// A string in double quotes with JSON escapes.
std::string Quote(std::string_view text) { return nlohmann::json(std::string(text)).dump(); }

std::string YesNo(bool flag) { return flag ? "yes" : "no"; }

}  // namespace

std::string_view PlexNetworkName(PlexNetwork network) {
  switch (network) {
    case PlexNetwork::kNamespaces:
      return "NAMESPACES";
    case PlexNetwork::kLoopback:
      return "LOOPBACK";
    case PlexNetwork::kAuto:
      break;
  }
  return "AUTO";
}

PlexConfig ParsePlexConfig(std::string_view text, const std::string& file_name) {
  SourceText source(text, file_name);
  ErrorHandler handler(source);
  ast::ConfigFile file = ParseSyntax(handler, Dialect::kPlex);
  return BuildPlexConfig(file, handler, std::filesystem::path(file_name).parent_path());
}

PlexConfig LoadPlexConfig(const std::filesystem::path& file) {
  std::filesystem::path directory;
  std::string text = ReadConfigFile(file, &directory);
  SourceText source(text, file.string());
  ErrorHandler handler(source);
  ast::ConfigFile tree = ParseSyntax(handler, Dialect::kPlex);
  return BuildPlexConfig(tree, handler, directory);
}

std::string DumpPlexConfig(const PlexConfig& config) {
  std::string out;
  out += fmt::format("plex {} network {} port {} supervise {} plex_key {}\n",
                     Quote(config.name), PlexNetworkName(config.network), config.port,
                     YesNo(config.supervise), YesNo(config.plex_key));
  for (const PlexSystemConfig& system : config.systems) {
    out += fmt::format("system {} capacity {}\n", Quote(system.name), system.capacity);
  }
  for (const DistributorConfig& d : config.distributors) {
    out += fmt::format(
        "distributor {} {} method {} shareport {} tsr {}s probe {}s handoff {}ms "
        "autoswitchback {} healthswitch {} moveable {}\n",
        Quote(d.name), d.backup ? fmt::format("backup {}", d.backup_rank) : "primary",
        DistMethodName(d.method), d.shareport_wlm ? "WLM" : "HASH", d.tsr_interval.count(),
        d.probe_interval.count(), d.handoff_timeout.count(), YesNo(d.autoswitchback),
        YesNo(d.healthswitch), d.moveable_when_idle ? "WHENIDLE" : "IMMEDIATE");
  }
  for (const PlexRouterConfig& router : config.routers) {
    out += fmt::format("router {} system {} maxsoc {} threads {}\n", Quote(router.name),
                       Quote(router.system), router.max_sockets, router.threads);
  }
  for (const PlexOdbmConfig& odbm : config.odbms) {
    out += fmt::format("odbm {} system {} start {}\n", Quote(odbm.odbm.name),
                       Quote(odbm.system), YesNo(odbm.start));
    // The datastores as an ODBM file's dump shows them, indented.
    const std::string dump = DumpConfig(odbm.odbm);
    for (size_t begin = dump.find("datastore "); begin < dump.size();) {
      size_t end = dump.find('\n', begin);
      out += "  " + dump.substr(begin, end - begin + 1);
      begin = end + 1;
    }
  }
  if (config.has_exit) {
    out += fmt::format("exit {} config {} deadline {}ms onfail {}\n", Quote(config.exit.module),
                       Quote(config.exit.config), config.exit.deadline.count(),
                       config.exit.on_failure == ExitConfig::OnFailure::kReject ? "REJECT"
                                                                                 : "DEFAULT");
  }
  for (const auto& [alias, users] : config.alias_users) {
    out += fmt::format("auth {}", Quote(alias));
    for (const std::string& user : users) out += " " + Quote(user);
    out += "\n";
  }
  for (const UserConfig& user : config.users) {
    out += fmt::format("user {} password {} user_only {}\n", Quote(user.name),
                       Quote(user.password_hash), YesNo(user.user_only_allowed));
  }
  return out;
}

}  // namespace drdaplex::config
