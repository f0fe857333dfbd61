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
  bool serving = false;              // its ODBM is running (not killed, hung or not started)
};

struct PlexView {
  std::string name;
  std::string entry_host;
  uint16_t entry_port = 0;
  std::map<std::string, std::string> router_systems;
  std::vector<PlexDatastore> datastores;

  // What --init connects to: one serving datastore per distinct database
  // file (a shared file is initialised once; a datastore whose ODBM is not
  // running cannot be reached), in plex order. A file no running ODBM
  // serves is left out.
  std::vector<PlexDatastore> DistinctDatabases() const;
  // Every distinct database file, served or not: a transaction committed
  // through an ODBM that was killed later is still in its file.
  std::vector<std::filesystem::path> DatabaseFiles() const;
};

// The status document (plex.json's object). nullopt with *error when it
// lacks the entry.
std::optional<PlexView> ParsePlexStatus(const nlohmann::json& plex, std::string* error);
std::optional<PlexView> ReadPlexView(const std::filesystem::path& dir, std::string* error);

}  // namespace drdaplex::load
