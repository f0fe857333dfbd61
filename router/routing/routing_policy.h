// RoutingPolicy: the router's configured choices that the routing rule
// itself does not fix: what to do when the routing exit fails, and which
// users may reach which aliases.
// Ownership: a plain value, copied into RoutingTable.
// Thread-safety: none needed (value).
#pragma once

#include <map>
#include <set>
#include <string>

namespace drdaplex::router {

struct RoutingPolicy {
  enum class OnExitFailure {
    kReject,          // refuse the connection (the default: never guess)
    kUseDefaultRule,  // route by the built-in rule on the client's alias
  };
  // Applies when the exit failed, timed out, was overloaded or returned an
  // invalid decision. The reason is logged either way.
  OnExitFailure on_exit_failure = OnExitFailure::kReject;

  // Per-alias authorization: alias -> user ids allowed to use it. Keys and
  // users are compared case-insensitively (RoutingTable upper-cases them);
  // an alias without an entry is open to every authenticated user.
  std::map<std::string, std::set<std::string>> alias_users;
};

}  // namespace drdaplex::router
