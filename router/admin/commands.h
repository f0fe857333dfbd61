// AdminCommands: the router's operator commands (the IMS Connect QUERY
// IMSCON / UPDATE IMSCON analogue) as JSON request -> JSON response, over a
// RoutingTable. AdminServer moves the lines; this decides what they mean.
//
// Requests (every response has "ok"; a failed one has "error"):
//   {"command":"query","type":"odbm"|"datastore"|"alias"|"decisions"|
//    "history"|"router", "name":[...], "odbm":[...]}
//       -> {"ok":true,"type":...,"rows":[{...},...]}
//     name/odbm are optional filters (a string or an array of strings,
//     case-insensitive, trailing '*' wildcards). Rows are flat objects whose
//     keys come in a fixed order (a table's columns):
//       odbm:      name status health address datastores connections total
//                  stopped reason
//       datastore: odbm name status connections total stopped
//       alias:     alias odbm datastore odbm_status in_odbm in_router
//                  routable connections
//       decisions: alias odbm datastore count  (a failure row has odbm "-"
//                  and the failure kind as datastore)
//       history:   time connection user client alias effective outcome
//                  odbm datastore reason
//       router:    one row, from AdminHooks::router_info, plus generation
//     A blank alias shows as "(blank)".
//   {"command":"update","type":"alias"|"odbm"|"datastore","name":[...],
//    "odbm":[...],"action":"stop"|"start"}
//       -> {"ok":true,"matched":N,"message":"..."}
//     alias: STOP(ROUTE)/START(ROUTE), in the listed ODBMs or all of them;
//     odbm: STOP(COMM)-like; datastore: in the listed ODBMs or all of them.
//   {"command":"update","type":"router","action":"drain"|"undrain"}
//       -> {"ok":true,"matched":1,"message":"..."}
//     Drains the router (or ends that): its HAProxy agent check replies
//     "drain", so a load balancer in front sends it no new connection while
//     the ones already made go on. Takes no names (the router is the one
//     asked); AdminHooks::set_draining applies it, and the router reports
//     the state in its "query router" row.
//   {"command":"reload-exit"} -> {"ok":true,"message":...} or ok:false.
//
// Ownership: refers to the RoutingTable, which must outlive it; owns copies
// of the hooks.
// Thread-safety: Execute may be called concurrently when the hooks allow it
// (the table is thread-safe). It never throws: bad requests and exceptions
// from the hooks become {"ok":false,"error":...}.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "router/routing/routing_table.h"

namespace drdaplex::router {

struct AdminHooks {
  // Reloads the routing exit; returns "" on success or an error text.
  std::function<std::string()> reload_exit;
  // The router's own facts: name, ports, admin address, uptime, exit module.
  std::function<nlohmann::ordered_json()> router_info;
  // Sets (true) or clears (false) the router's draining flag.
  std::function<void(bool)> set_draining;
};

class AdminCommands {
 public:
  explicit AdminCommands(RoutingTable& table, AdminHooks hooks = {});

  nlohmann::ordered_json Execute(const nlohmann::json& request);

 private:
  nlohmann::ordered_json Query(const nlohmann::json& request);
  nlohmann::ordered_json Update(const nlohmann::json& request);
  nlohmann::ordered_json UpdateRouter(const nlohmann::json& request, const std::string& action);
  nlohmann::ordered_json ReloadExit();

  RoutingTable& table_;
  const AdminHooks hooks_;
};

}  // namespace drdaplex::router
