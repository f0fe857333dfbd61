// The values that go into and come out of RoutingTable::Route: what a new
// connection asks for, where it should go, and, when it cannot go anywhere,
// which kind of failure it is (the router answers each kind with its own
// DRDA reply message) and the text the client sees.
// Ownership: plain values. Thread-safety: none needed (values).
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>

namespace drdaplex::router {

struct RouteRequest {
  std::string alias;           // from ParseRoutingKey; normalized again by Route
  std::string psb_name;        // passed to the exit as context
  std::string user_id;         // the authenticated user
  std::string client_address;  // "ip:port"
  std::string router_name;
  uint64_t connection_id = 0;
  // ODBM names to skip: the router failed to connect to them a moment ago
  // (routes once more with the failed ODBM here). Case-insensitive.
  std::set<std::string> exclude;
};

struct RouteTarget {
  std::string odbm;       // as the registry spells it
  std::string address;    // host:port of the ODBM
  std::string datastore;  // as the registry spells it
  std::string alias;      // effective alias (after any exit override); "" = blank
};

enum class RouteFailure {
  kNone,
  kUnknownAlias,   // no ODBM has the alias or a datastore of that name (RDBNFNRM)
  kNotRoutable,    // known, but no active owner can take it now (RDBAFLRM)
  kRejected,       // the routing exit refused the connection (RDBAFLRM)
  kExitFailed,     // exit failed/timed out/overloaded/invalid, policy kReject (RDBAFLRM)
  kNotAuthorized,  // the user may not use the effective alias (RDBATHRM)
};

// "none", "unknown-alias", "not-routable", "rejected", "exit-failed",
// "not-authorized".
std::string_view ToString(RouteFailure failure);

struct RouteResult {
  bool ok = false;
  RouteTarget target;  // valid when ok
  RouteFailure failure = RouteFailure::kNone;
  std::string message;     // client-visible when !ok; names the alias
  std::string log_reason;  // for logs and the decision history, ok or not
};

}  // namespace drdaplex::router
