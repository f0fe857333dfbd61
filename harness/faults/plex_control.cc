#include "harness/faults/plex_control.h"

#include "harness/plex/control_address.h"
#include "router/ctl/line_client.h"

namespace drdaplex::faults {
namespace {

// A restart waits for the member to be ready; the launcher gives up after
// 10 s, so the exchange allows a little more.
constexpr std::chrono::milliseconds kMemberTimeout{15000};
constexpr std::chrono::milliseconds kQuickTimeout{5000};

}  // namespace

bool PlexControl::Open(const std::filesystem::path& dir, std::string* error) {
  auto address = plex::ControlAddress(dir, error);
  if (!address) return false;
  control_ = *address;
  return true;
}

bool PlexControl::Status(nlohmann::json* plex, std::string* error) {
  auto reply = router::ctl::RequestOk(control_, {{"op", "status"}}, kQuickTimeout, error);
  if (!reply) return false;
  if (!reply->contains("plex") || !(*reply)["plex"].is_object()) {
    *error = "the launcher's status has no plex object";
    return false;
  }
  *plex = nlohmann::json((*reply)["plex"]);
  return true;
}

bool PlexControl::Member(const std::string& op, const std::string& name, std::string* error,
                         const nlohmann::json& extra) {
  nlohmann::json request = extra;
  request["op"] = op;
  request["name"] = name;
  return router::ctl::RequestOk(control_, request, kMemberTimeout, error).has_value();
}

bool PlexControl::Routing(const std::string& type, const std::string& name, bool stop,
                          const std::vector<std::string>& odbms, std::string* error) {
  nlohmann::json plex;
  if (!Status(&plex, error)) return false;
  nlohmann::json request = {{"command", "update"},
                            {"type", type},
                            {"name", nlohmann::json::array({name})},
                            {"action", stop ? "stop" : "start"}};
  if (!odbms.empty()) request["odbm"] = odbms;
  int routers = 0;
  for (const auto& member : plex.value("members", nlohmann::json::array())) {
    if (member.value("kind", "") != "router" || member.value("state", "") != "running") continue;
    if (!router::ctl::RequestOk(member.value("admin", ""), request, kQuickTimeout, error)) {
      *error = member.value("name", "?") + ": " + *error;
      return false;
    }
    ++routers;
  }
  if (routers == 0) {
    *error = "no running router to send the command to";
    return false;
  }
  return true;
}

}  // namespace drdaplex::faults
