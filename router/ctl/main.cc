// drdaplex-ctl: the operator's command line for a drdaplex router's admin
// socket and for the plex registry, in the spirit of IMS Connect's QUERY
// IMSCON / UPDATE IMSCON commands:
//
//   drdaplex-ctl --admin HOST:PORT query odbm|datastore|alias|decisions|history|router
//                [--name N ...] [--odbm O ...]
//   drdaplex-ctl --admin HOST:PORT update alias|odbm|datastore NAME... [--odbm O ...]
//                (--stop|--start)
//   drdaplex-ctl --admin HOST:PORT update router (--drain|--undrain)
//   drdaplex-ctl --admin HOST:PORT reload-exit
//   drdaplex-ctl --registry HOST:PORT members [--kind odbm ...]   (no --kind: all)
//   drdaplex-ctl (--admin|--registry) HOST:PORT raw '<json>'   (--admin wins if both)
//
// One JSON request line out, one reply line in. Replies print as text
// tables (--json: the reply line exactly as received).
// Exit status: 0 when the reply says ok, 1 when it says not ok (the error
// goes to stderr), 2 for usage, connection and protocol errors.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cmath>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "router/ctl/line_client.h"
#include "router/ctl/table_format.h"

namespace {

using drdaplex::router::ctl::ExchangeLine;
using drdaplex::router::ctl::ExchangeOptions;
using drdaplex::router::ctl::FormatResponse;
using drdaplex::router::ctl::ParseHostPort;
using nlohmann::ordered_json;

constexpr int kOk = 0;
constexpr int kNotOk = 1;
constexpr int kUsageOrConnection = 2;

int Fail(const std::string& message) {
  std::cerr << "drdaplex-ctl: " << message << "\n";
  return kUsageOrConnection;
}

// Sends one request and prints the reply; returns the exit status.
int Exchange(const std::string& address, const std::string& request, bool print_json,
             std::chrono::milliseconds timeout) {
  std::string error;
  const auto server = ParseHostPort(address, &error);
  if (!server) return Fail(error);
  ExchangeOptions options;
  options.timeout = timeout;
  std::string reply;
  if (!ExchangeLine(*server, request, options, &reply, &error)) return Fail(error);

  ordered_json response = ordered_json::parse(reply, nullptr, false);
  if (response.is_discarded()) {
    return Fail("the reply from " + address + " is not JSON: " + reply.substr(0, 200));
  }
  auto ok = response.is_object() ? response.find("ok") : response.end();
  if (ok == response.end() || !ok->is_boolean()) {
    return Fail("the reply from " + address + " has no \"ok\": " + reply.substr(0, 200));
  }
  if (print_json) {
    std::cout << reply << "\n";
  } else if (ok->get<bool>()) {
    std::cout << FormatResponse(response);
  }
  if (ok->get<bool>()) return kOk;
  // The router says "error"; the registry says "message" (and "reason").
  std::string text = reply;
  for (const char* key : {"error", "message"}) {
    auto it = response.find(key);
    if (it != response.end() && it->is_string()) {
      text = it->get<std::string>();
      break;
    }
  }
  std::cerr << "drdaplex-ctl: " << text << "\n";
  return kNotOk;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"drdaplex-ctl: operator commands for a drdaplex router and the plex registry"};
  std::string admin;
  std::string registry;
  bool print_json = false;
  double timeout_seconds = 5;
  app.add_option("--admin", admin, "router admin socket, HOST:PORT");
  app.add_option("--registry", registry, "plex registry, HOST:PORT");
  app.add_flag("--json", print_json, "print the reply JSON as received");
  app.add_option("--timeout", timeout_seconds, "seconds allowed to connect, and for the reply")
      ->check(CLI::Range(0.001, 3600.0));
  app.require_subcommand(1);
  app.fallthrough();  // --admin, --json... may also follow the subcommand

  std::string query_type;
  std::vector<std::string> query_names;
  std::vector<std::string> query_odbms;
  CLI::App* query = app.add_subcommand("query", "show routing state (QUERY IMSCON)");
  query->add_option("type", query_type, "what to show")
      ->required()
      ->check(CLI::IsMember({"odbm", "datastore", "alias", "decisions", "history", "router"}));
  query->add_option("--name", query_names, "only these names (trailing * wildcards)")
      ->allow_extra_args(false);
  query->add_option("--odbm", query_odbms, "only these ODBMs (trailing * wildcards)")
      ->allow_extra_args(false);

  std::string update_type;
  std::vector<std::string> update_names;
  std::vector<std::string> update_odbms;
  bool stop = false;
  bool start = false;
  bool drain = false;
  bool undrain = false;
  CLI::App* update = app.add_subcommand(
      "update", "stop or start routing (UPDATE IMSCON); drain or undrain the router");
  update->add_option("type", update_type, "alias, odbm, datastore or router")
      ->required()
      ->check(CLI::IsMember({"alias", "odbm", "datastore", "router"}));
  // Required for every type but router (checked below: CLI11 cannot tie
  // a positional's presence to another's value).
  update->add_option("names", update_names, "names (trailing * wildcards)");
  update->add_option("--odbm", update_odbms, "only in these ODBMs (alias, datastore)")
      ->allow_extra_args(false);
  CLI::Option* stop_flag = update->add_flag("--stop", stop, "STOP(ROUTE) / STOP(COMM)");
  CLI::Option* start_flag = update->add_flag("--start", start, "START(ROUTE) / START(COMM)");
  stop_flag->excludes(start_flag);
  CLI::Option* drain_flag =
      update->add_flag("--drain", drain, "router: agent check replies drain (no new connections)");
  CLI::Option* undrain_flag =
      update->add_flag("--undrain", undrain, "router: agent check replies ready again");
  drain_flag->excludes(undrain_flag);

  CLI::App* reload = app.add_subcommand("reload-exit", "load the routing exit again");

  std::vector<std::string> kinds;
  CLI::App* members = app.add_subcommand("members", "list the registry's members");
  members->add_option("--kind", kinds, "only members of this kind (e.g. odbm)")
      ->allow_extra_args(false);

  // The distributor's displays (NETSTAT VDPT DETAIL / VIPADCFG-like) and the
  // registry's WLM lists (IWMSRSRS).
  CLI::App* vdpt = app.add_subcommand("vdpt", "distributor: targets, weights, TSR, connections");
  CLI::App* vipa = app.add_subcommand("vipa", "distributor: the DVIPA's distributors and owner");
  std::string wlm_list = "weighted";
  CLI::App* wlm = app.add_subcommand("wlm", "registry: WLM servers with their weights");
  wlm->add_option("list", wlm_list, "weighted (eligible only) or all")
      ->check(CLI::IsMember({"weighted", "all"}));

  std::string raw_request;
  CLI::App* raw = app.add_subcommand("raw", "send one JSON request as given");
  raw->add_option("json", raw_request, "the request object")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? kOk : kUsageOrConnection;
  }
  const auto timeout =
      std::chrono::milliseconds(static_cast<int64_t>(std::llround(timeout_seconds * 1000.0)));

  auto need_admin = [&]() -> bool {
    if (!admin.empty()) return true;
    Fail("this command needs --admin HOST:PORT");
    return false;
  };

  ordered_json request;
  std::string target;
  if (*query) {
    if (!need_admin()) return kUsageOrConnection;
    request = {{"command", "query"}, {"type", query_type}};
    if (!query_names.empty()) request["name"] = query_names;
    if (!query_odbms.empty()) request["odbm"] = query_odbms;
    target = admin;
  } else if (*update && update_type == "router") {
    if (!need_admin()) return kUsageOrConnection;
    if (!update_names.empty() || !update_odbms.empty()) {
      return Fail("update router takes no names: it acts on the router of --admin");
    }
    if (stop || start) return Fail("update router takes --drain or --undrain, not --stop/--start");
    if (drain == undrain) return Fail("update router needs --drain or --undrain");
    request = {{"command", "update"}, {"type", "router"}, {"action", drain ? "drain" : "undrain"}};
    target = admin;
  } else if (*update) {
    if (!need_admin()) return kUsageOrConnection;
    if (update_names.empty()) return Fail("update " + update_type + " needs at least one name");
    if (drain || undrain) return Fail("--drain and --undrain are for update router");
    if (stop == start) return Fail("update needs --stop or --start");
    if (update_type == "odbm" && !update_odbms.empty()) {
      return Fail("update odbm takes the ODBM names as NAME..., not --odbm");
    }
    request = {{"command", "update"},
               {"type", update_type},
               {"name", update_names},
               {"action", stop ? "stop" : "start"}};
    if (!update_odbms.empty()) request["odbm"] = update_odbms;
    target = admin;
  } else if (*reload) {
    if (!need_admin()) return kUsageOrConnection;
    request = {{"command", "reload-exit"}};
    target = admin;
  } else if (*members) {
    if (registry.empty()) return Fail("members needs --registry HOST:PORT");
    request = {{"op", "query"}};
    if (!kinds.empty()) request["kinds"] = kinds;  // none given: every kind
    target = registry;
  } else if (*vdpt || *vipa) {
    if (!need_admin()) return kUsageOrConnection;
    request = {{"command", *vdpt ? "vdpt" : "vipa"}};
    target = admin;
  } else if (*wlm) {
    if (registry.empty()) return Fail("wlm needs --registry HOST:PORT");
    request = {{"op", "wlm"}, {"list", wlm_list}};
    target = registry;
  } else if (*raw) {
    request = ordered_json::parse(raw_request, nullptr, false);
    if (request.is_discarded() || !request.is_object()) {
      return Fail("raw needs one JSON object, got: " + raw_request);
    }
    target = !admin.empty() ? admin : registry;
    if (target.empty()) return Fail("raw needs --admin or --registry HOST:PORT");
  }
  return Exchange(target, request.dump(), print_json, timeout);
}
