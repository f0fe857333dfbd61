#include "harness/load/plex_status.h"

#include <fstream>
#include <set>
#include <sstream>

#include "harness/plex/control_address.h"
#include "router/ctl/line_client.h"

namespace drdaplex::load {

std::vector<PlexDatastore> PlexView::DistinctDatabases() const {
  std::vector<PlexDatastore> out;
  std::set<std::string> files;
  for (const PlexDatastore& d : datastores) {
    if (d.serving && (d.database.empty() || files.insert(d.database).second)) out.push_back(d);
  }
  return out;
}

std::vector<std::filesystem::path> PlexView::DatabaseFiles() const {
  std::set<std::string> seen;
  std::vector<std::filesystem::path> out;
  for (const PlexDatastore& d : datastores) {
    if (!d.database.empty() && seen.insert(d.database).second) out.emplace_back(d.database);
  }
  return out;
}

std::optional<PlexView> ParsePlexStatus(const nlohmann::json& plex, std::string* error) {
  PlexView view;
  try {
    view.name = plex.value("name", "");
    const auto& entry = plex.at("entry");
    view.entry_host = entry.at("host").get<std::string>();
    view.entry_port = entry.at("port").get<uint16_t>();
    for (const auto& member : plex.value("members", nlohmann::json::array())) {
      const std::string kind = member.value("kind", "");
      if (kind == "router") view.router_systems[member.value("name", "")] = member.value("system", "");
      if (kind != "odbm") continue;
      for (const auto& d : member.value("datastores", nlohmann::json::array())) {
        view.datastores.push_back({d.value("name", ""), member.value("name", ""), d.value("database", ""),
                                   member.value("state", "") == "running"});
      }
    }
  } catch (const nlohmann::json::exception& e) {
    *error = std::string("plex status: ") + e.what();
    return std::nullopt;
  }
  return view;
}

std::optional<PlexView> ReadPlexView(const std::filesystem::path& dir, std::string* error) {
  std::string why_not_socket;
  if (auto address = plex::ControlAddress(dir, &why_not_socket)) {
    auto reply = router::ctl::RequestOk(*address, {{"op", "status"}}, std::chrono::seconds(5), &why_not_socket);
    if (reply && reply->contains("plex")) return ParsePlexStatus(nlohmann::json((*reply)["plex"]), error);
    if (reply) why_not_socket = "control socket answered without the plex: " + reply->dump();
  }
  std::ifstream in(dir / "plex.json");
  if (!in) {
    *error = "no plex at " + dir.string() + " (no control socket answering" +
             (why_not_socket.empty() ? "" : ": " + why_not_socket) + ", no plex.json)";
    return std::nullopt;
  }
  std::stringstream text;
  text << in.rdbuf();
  auto parsed = nlohmann::json::parse(text.str(), nullptr, false);
  if (parsed.is_discarded()) {
    *error = (dir / "plex.json").string() + ": not JSON";
    return std::nullopt;
  }
  return ParsePlexStatus(parsed, error);
}

}  // namespace drdaplex::load
