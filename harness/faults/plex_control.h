// PlexControl: the fault runner's hands on a running plex. Member actions
// (signals, restart, start, stop) go to the launcher's control socket
// (harness/plex: JSON lines on 127.0.0.1, its port in DIR/control.port);
// routing actions (STOP(ROUTE) of an alias or datastore) go to every running
// router's operator socket, as drdaplex-ctl would send them.
//
// Blocking: each call is one or a few bounded exchanges (RequestOk).
// Not thread-safe; one runner thread uses it.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace drdaplex::faults {

class PlexControl {
 public:
  // The plex whose launcher works in `dir`. False with the reason when its
  // control port file cannot be read.
  bool Open(const std::filesystem::path& dir, std::string* error);

  // The launcher's plex.json object ({"name":..., "entry":..., "members":[...]}).
  bool Status(nlohmann::json* plex, std::string* error);

  // {"op":<op>, "name":<name>, extra...} to the launcher; ok when it
  // replies {"ok":true}. Restart and start wait until the member is ready.
  bool Member(const std::string& op, const std::string& name, std::string* error,
              const nlohmann::json& extra = nlohmann::json::object());

  // UPDATE IMSCON TYPE(ALIAS|DATASTORE) STOP|START(ROUTE) on every running
  // router (`type` "alias" or "datastore"; `odbms` narrows an alias).
  bool Routing(const std::string& type, const std::string& name, bool stop,
               const std::vector<std::string>& odbms, std::string* error);

 private:
  std::string control_;  // 127.0.0.1:PORT
};

}  // namespace drdaplex::faults
