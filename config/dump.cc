#include "config/dump.h"

#include <fmt/format.h>

namespace drdaplex::config {
namespace {

std::string Quote(std::string_view text) {
  std::string quoted = "\"";
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      quoted += '\\';
      quoted += c;
    } else if (u < 0x20 || u == 0x7F) {
      quoted += fmt::format("\\x{:02x}", u);
    } else {
      quoted += c;
    }
  }
  quoted += '"';
  return quoted;
}

}  // namespace

std::string DumpConfig(const OdbmConfig& config) {
  std::string out;
  out += fmt::format("odbm {}\n", Quote(config.name));
  out += fmt::format("threads {}\n", config.threads);
  out += fmt::format("busy_timeout_ms {}\n", config.busy_timeout_ms);
  out += fmt::format("registry {}\n", Quote(config.registry_address));
  out += fmt::format("plex_key_file {}\n",
                     Quote(config.plex_key_file.generic_string()));
  out += fmt::format("router_only {}\n", config.router_only ? "yes" : "no");
  for (const DatastoreConfig& datastore : config.datastores) {
    out += fmt::format("datastore {} at {}:{}:{}\n", Quote(datastore.name),
                       datastore.position.file, datastore.position.line,
                       datastore.position.column);
    for (const std::string& alias : datastore.aliases) {
      out += fmt::format("  alias {}\n", Quote(alias));
    }
    out += fmt::format("  database {}\n",
                       Quote(datastore.database.generic_string()));
  }
  for (const UserConfig& user : config.users) {
    out += fmt::format("user {} password {} user_only {}\n", Quote(user.name),
                       Quote(user.password_hash),
                       user.user_only_allowed ? "yes" : "no");
  }
  return out;
}

}  // namespace drdaplex::config
