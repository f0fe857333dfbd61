#include "harness/faults/plex_control.h"

#include <fstream>

#include "router/ctl/line_client.h"

namespace drdaplex::faults {
namespace {

// A restart waits for the member to be ready; the launcher gives up after
// 10 s, so the exchange allows a little more.
constexpr std::chrono::milliseconds kMemberTimeout{15000};
constexpr std::chrono::milliseconds kQuickTimeout{5000};

}  // namespace

bool PlexControl::Open(const std::filesystem::path& dir, std::string* error) {
  std::ifstream in(dir / "control.port");
  int port = 0;
  if (!(in >> port) || port <= 0 || port > 65535) {
    *error = "no running plex in " + dir.string() + " (no control.port)";
    return false;
  }
  control_ = "127.0.0.1:" + std::to_string(port);
  return true;
}

bool PlexControl::Exchange(const std::string& address, const nlohmann::json& request,
                           nlohmann::json* reply, std::chrono::milliseconds timeout,
                           std::string* error) {
  auto server = router::ctl::ParseHostPort(address, error);
  if (!server) return false;
  router::ctl::ExchangeOptions options;
  options.timeout = timeout;
  std::string line;
  if (!router::ctl::ExchangeLine(*server, request.dump(), options, &line, error)) {
    *error = address + ": " + *error;
    return false;
  }
  *reply = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!reply->is_object()) {
    *error = address + " sent a reply that is not a JSON object";
    return false;
  }
  if (!reply->value("ok", false)) {
    *error = reply->value("error", std::string("refused: ") + line);
    return false;
  }
  return true;
}

bool PlexControl::Status(nlohmann::json* plex, std::string* error) {
  nlohmann::json reply;
  if (!Exchange(control_, {{"op", "status"}}, &reply, kQuickTimeout, error)) return false;
  if (!reply.contains("plex") || !reply["plex"].is_object()) {
    *error = "the launcher's status has no plex object";
    return false;
  }
  *plex = std::move(reply["plex"]);
  return true;
}

bool PlexControl::Member(const std::string& op, const std::string& name, std::string* error,
                         const nlohmann::json& extra) {
  nlohmann::json request = extra;
  request["op"] = op;
  request["name"] = name;
  nlohmann::json reply;
  return Exchange(control_, request, &reply, kMemberTimeout, error);
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
    nlohmann::json reply;
    if (!Exchange(member.value("admin", ""), request, &reply, kQuickTimeout, error)) {
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
