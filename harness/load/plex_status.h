// What the bench needs from a running plex (harness/plex's status
// document): its entry (the DVIPA or shared port), which system each
// router runs on (spread by system), and its datastores with their
// database files (--init and the ledger check). Read from the launcher's
// control socket ({"op":"status"} on 127.0.0.1:<DIR/control.port>), or
// from DIR/plex.json when no control socket answers.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace drdaplex::load {

struct PlexDatastore {
  std::string name, odbm, database;  // database: the SQLite file's path
};

struct PlexView {
  std::string name;
  std::string entry_host;
  uint16_t entry_port = 0;
  std::map<std::string, std::string> router_systems;
  std::vector<PlexDatastore> datastores;

  // One datastore per distinct database file (initialising a shared file
  // once), in plex order.
  std::vector<PlexDatastore> DistinctDatabases() const;
  std::vector<std::filesystem::path> DatabaseFiles() const;
};

// The status document (plex.json's object). nullopt with *error when it
// lacks the entry.
std::optional<PlexView> ParsePlexStatus(const nlohmann::json& plex, std::string* error);
std::optional<PlexView> ReadPlexView(const std::filesystem::path& dir, std::string* error);

}  // namespace drdaplex::load
