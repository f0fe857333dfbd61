// AdminCommands: query and update commands over the routing table.
#include "router/admin/commands.h"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <exception>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

#include "router/routing/routing_key.h"

namespace drdaplex::router {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

constexpr char kBlank[] = "(blank)";

// A request error: becomes {"ok":false,"error":what()}.
struct BadRequest : std::runtime_error {
  using std::runtime_error::runtime_error;
};

ordered_json Error(std::string_view message) {
  ordered_json out;
  out["ok"] = false;
  out["error"] = message;
  return out;
}

// A required string field.
std::string RequiredString(const json& request, const char* key) {
  auto it = request.find(key);
  if (it == request.end()) throw BadRequest(fmt::format("missing \"{}\"", key));
  if (!it->is_string()) throw BadRequest(fmt::format("\"{}\" must be a string", key));
  return it->get<std::string>();
}

// An optional list of names: absent, one string, or an array of strings.
std::vector<std::string> Names(const json& request, const char* key) {
  auto it = request.find(key);
  if (it == request.end() || it->is_null()) return {};
  if (it->is_string()) return {it->get<std::string>()};
  if (!it->is_array()) {
    throw BadRequest(fmt::format("\"{}\" must be a string or an array of strings", key));
  }
  std::vector<std::string> out;
  for (const json& item : *it) {
    if (!item.is_string()) {
      throw BadRequest(fmt::format("\"{}\" must be a string or an array of strings", key));
    }
    out.push_back(item.get<std::string>());
  }
  return out;
}

// Passes when no pattern is given or one matches.
bool Pass(const std::vector<std::string>& patterns, const std::string& value) {
  if (patterns.empty()) return true;
  for (const std::string& pattern : patterns) {
    if (NameMatches(pattern, value)) return true;
  }
  return false;
}

std::string ShowAlias(const std::string& alias) { return alias.empty() ? kBlank : alias; }
std::string Dash(const std::string& text) { return text.empty() ? "-" : text; }

// UTC, ISO 8601 with milliseconds: 2026-11-22T10:15:02.317Z.
std::string FormatTime(std::chrono::system_clock::time_point time) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch());
  const std::time_t seconds = static_cast<std::time_t>(ms.count() / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                     static_cast<int>(ms.count() % 1000));
}

ordered_json OdbmRows(const PlexRows& plex, const std::vector<std::string>& names) {
  ordered_json rows = ordered_json::array();
  for (const OdbmRow& r : plex.odbms) {
    if (!Pass(names, r.name)) continue;
    ordered_json row;
    row["name"] = r.name;
    row["status"] = r.status;
    row["health"] = r.health;
    row["address"] = r.address;
    row["datastores"] = r.datastores;
    row["connections"] = r.connections;
    row["total"] = r.total;
    row["stopped"] = r.stopped;
    row["reason"] = r.reason;
    rows.push_back(std::move(row));
  }
  return rows;
}

ordered_json DatastoreRows(const PlexRows& plex, const std::vector<std::string>& names,
                           const std::vector<std::string>& odbms) {
  ordered_json rows = ordered_json::array();
  for (const DatastoreRow& r : plex.datastores) {
    if (!Pass(names, r.name) || !Pass(odbms, r.odbm)) continue;
    ordered_json row;
    row["odbm"] = r.odbm;
    row["name"] = r.name;
    row["status"] = r.status;
    row["connections"] = r.connections;
    row["total"] = r.total;
    row["stopped"] = r.stopped;
    rows.push_back(std::move(row));
  }
  return rows;
}

ordered_json AliasRows(const PlexRows& plex, const std::vector<std::string>& names,
                       const std::vector<std::string>& odbms) {
  ordered_json rows = ordered_json::array();
  for (const AliasRow& r : plex.aliases) {
    if (!Pass(names, r.alias) || !Pass(odbms, r.odbm)) continue;
    ordered_json row;
    row["alias"] = r.alias;
    row["odbm"] = r.odbm;
    row["datastore"] = r.datastore;
    row["odbm_status"] = r.odbm_status;
    row["in_odbm"] = r.in_odbm;
    row["in_router"] = r.in_router;
    row["routable"] = r.routable;
    row["connections"] = r.connections;
    rows.push_back(std::move(row));
  }
  return rows;
}

ordered_json DecisionRows(const std::vector<DecisionCount>& counts,
                          const std::vector<std::string>& names,
                          const std::vector<std::string>& odbms) {
  ordered_json rows = ordered_json::array();
  for (const DecisionCount& c : counts) {
    const bool failed = c.failure != RouteFailure::kNone;
    const std::string alias = ShowAlias(c.alias);
    const std::string odbm = failed ? "-" : c.odbm;
    if (!Pass(names, alias) || !Pass(odbms, odbm)) continue;
    ordered_json row;
    row["alias"] = alias;
    row["odbm"] = odbm;
    row["datastore"] = failed ? std::string(ToString(c.failure)) : c.datastore;
    row["count"] = c.count;
    rows.push_back(std::move(row));
  }
  return rows;
}

ordered_json HistoryRows(const std::vector<DecisionRecord>& history,
                         const std::vector<std::string>& names,
                         const std::vector<std::string>& odbms) {
  ordered_json rows = ordered_json::array();
  for (const DecisionRecord& d : history) {
    if (!Pass(names, ShowAlias(d.alias)) || !Pass(odbms, Dash(d.odbm))) continue;
    ordered_json row;
    row["time"] = FormatTime(d.time);
    row["connection"] = d.connection_id;
    row["user"] = d.user;
    row["client"] = d.client;
    row["alias"] = ShowAlias(d.alias);
    row["effective"] = ShowAlias(d.effective);
    row["outcome"] =
        d.failure == RouteFailure::kNone ? std::string("routed") : std::string(ToString(d.failure));
    row["odbm"] = Dash(d.odbm);
    row["datastore"] = Dash(d.datastore);
    row["reason"] = d.reason;
    rows.push_back(std::move(row));
  }
  return rows;
}

// One phrase per name for the update reply.
std::string Outcome(std::string_view what, std::string_view name, size_t matched,
                    bool remembered_when_unmatched) {
  if (matched > 0) {
    return fmt::format("{} {}: {} {} matched", what, name, matched,
                       matched == 1 ? "entry" : "entries");
  }
  if (remembered_when_unmatched && !IsWildcard(name)) {
    return fmt::format("{} {}: nothing matched now; remembered, applies when it registers", what,
                       name);
  }
  return fmt::format("{} {}: nothing matched", what, name);
}

}  // namespace

AdminCommands::AdminCommands(RoutingTable& table, AdminHooks hooks)
    : table_(table), hooks_(std::move(hooks)) {}

ordered_json AdminCommands::Execute(const json& request) {
  try {
    if (!request.is_object()) return Error("request must be a JSON object");
    const std::string command = RequiredString(request, "command");
    if (command == "query") return Query(request);
    if (command == "update") return Update(request);
    if (command == "reload-exit") return ReloadExit();
    return Error(
        fmt::format("unknown command [{}]; expected query, update or reload-exit", command));
  } catch (const std::exception& e) {
    return Error(e.what());
  } catch (...) {
    return Error("internal error");
  }
}

ordered_json AdminCommands::Query(const json& request) {
  const std::string type = RequiredString(request, "type");
  const std::vector<std::string> names = Names(request, "name");
  const std::vector<std::string> odbms = Names(request, "odbm");
  ordered_json out;
  out["ok"] = true;
  out["type"] = type;
  if (type == "odbm") {
    std::vector<std::string> filter = names;
    filter.insert(filter.end(), odbms.begin(), odbms.end());
    out["rows"] = OdbmRows(table_.Rows(), filter);
  } else if (type == "datastore") {
    out["rows"] = DatastoreRows(table_.Rows(), names, odbms);
  } else if (type == "alias") {
    out["rows"] = AliasRows(table_.Rows(), names, odbms);
  } else if (type == "decisions") {
    out["rows"] = DecisionRows(table_.DecisionCounts(), names, odbms);
  } else if (type == "history") {
    out["rows"] = HistoryRows(table_.History(), names, odbms);
  } else if (type == "router") {
    ordered_json row = hooks_.router_info ? hooks_.router_info() : ordered_json::object();
    if (!row.is_object()) throw BadRequest("router information is not an object");
    row["generation"] = table_.generation();
    out["rows"] = ordered_json::array({std::move(row)});
  } else {
    return Error(fmt::format(
        "unknown query type [{}]; expected odbm, datastore, alias, decisions, history or router",
        type));
  }
  return out;
}

ordered_json AdminCommands::Update(const json& request) {
  const std::string type = RequiredString(request, "type");
  const std::string action = RequiredString(request, "action");
  if (type == "router") return UpdateRouter(request, action);
  const std::vector<std::string> names = Names(request, "name");
  const std::vector<std::string> odbms = Names(request, "odbm");
  if (type != "alias" && type != "odbm" && type != "datastore") {
    return Error(
        fmt::format("unknown update type [{}]; expected alias, odbm, datastore or router", type));
  }
  if (action != "stop" && action != "start") {
    return Error(fmt::format("unknown action [{}]; expected stop or start", action));
  }
  if (names.empty()) return Error(fmt::format("update {} needs a \"name\"", type));
  for (const std::string& name : names) {
    if (NormalizeName(name).empty()) return Error("a name must not be blank");
  }
  if (type == "odbm" && !odbms.empty()) {
    return Error("update odbm takes no \"odbm\" list; name the ODBMs in \"name\"");
  }
  const bool stop = action == "stop";
  size_t matched = 0;
  std::vector<std::string> phrases;
  if (type == "alias") {
    const std::string what = stop ? "STOP(ROUTE) alias" : "START(ROUTE) alias";
    // A stop is remembered unless a wildcard ODBM list matched nothing.
    const bool remembered =
        stop && std::none_of(odbms.begin(), odbms.end(),
                             [](const std::string& odbm) { return IsWildcard(odbm); });
    for (const std::string& name : names) {
      const size_t n =
          stop ? table_.StopAliasRoute(name, odbms) : table_.StartAliasRoute(name, odbms);
      matched += n;
      phrases.push_back(Outcome(what, name, n, remembered));
    }
  } else if (type == "odbm") {
    const std::string what = stop ? "STOP odbm" : "START odbm";
    for (const std::string& name : names) {
      const size_t n = stop ? table_.StopOdbm(name) : table_.StartOdbm(name);
      matched += n;
      phrases.push_back(Outcome(what, name, n, stop));
    }
  } else {
    const std::string what = stop ? "STOP datastore" : "START datastore";
    const std::vector<std::string> scope = odbms.empty() ? std::vector<std::string>{"*"} : odbms;
    for (const std::string& odbm : scope) {
      for (const std::string& name : names) {
        const size_t n =
            stop ? table_.StopDatastore(odbm, name) : table_.StartDatastore(odbm, name);
        matched += n;
        // Only a fully named datastore is remembered (see RoutingTable).
        const bool remembered = stop && !IsWildcard(odbm) && !IsWildcard(name);
        phrases.push_back(Outcome(what, fmt::format("{}/{}", odbm, name), n, remembered));
      }
    }
  }
  ordered_json out;
  out["ok"] = true;
  out["matched"] = matched;
  out["message"] = fmt::format("{}", fmt::join(phrases, "; "));
  return out;
}

ordered_json AdminCommands::UpdateRouter(const json& request, const std::string& action) {
  if (action != "drain" && action != "undrain") {
    return Error(
        fmt::format("unknown action [{}] for a router; expected drain or undrain", action));
  }
  // The command names no router: it is the one the operator's socket
  // belongs to. A list would suggest otherwise, so it is refused.
  if (!Names(request, "name").empty() || !Names(request, "odbm").empty()) {
    return Error("update router takes no \"name\" or \"odbm\": it drains the router asked");
  }
  if (!hooks_.set_draining) return Error("this router cannot be drained");
  const bool drain = action == "drain";
  hooks_.set_draining(drain);
  ordered_json out;
  out["ok"] = true;
  out["matched"] = 1;
  out["message"] = drain ? "DRAIN router: the agent check replies drain; no new connections "
                           "from a load balancer, those made go on"
                         : "UNDRAIN router: the agent check replies ready";
  return out;
}

ordered_json AdminCommands::ReloadExit() {
  if (!hooks_.reload_exit) return Error("this router cannot reload its routing exit");
  const std::string error = hooks_.reload_exit();
  if (!error.empty()) return Error(error);
  ordered_json out;
  out["ok"] = true;
  out["message"] = "routing exit reloaded";
  return out;
}

}  // namespace drdaplex::router
