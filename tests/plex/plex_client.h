// Small helpers for the plex tests: connect through the shared DRDA port
// with drdaplex's driver and ask which datastore and ODBM answered.
#pragma once

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "client/connection.h"
#include "client/sql_error.h"
#include "tests/support/seed_plex.h"

namespace drdaplex::testing {

inline client::Connection ConnectTo(SeedPlex& plex, const std::string& alias,
                                    const std::string& user = "app",
                                    const std::string& password = "secret") {
  client::ConnectOptions options;
  options.host = plex.host();
  options.port = static_cast<uint16_t>(plex.port());
  options.database = alias;
  options.user = user;
  options.password = password;
  options.io_timeout = std::chrono::seconds(10);
  return client::Connection::Open(options);
}

inline std::string Text(const client::Value& value) {
  const auto* text = std::get_if<std::string>(&value);
  return text == nullptr ? std::string("(not text)") : *text;
}

inline std::string DatastoreOf(client::Connection& connection) {
  std::string name = Text(connection.QueryScalar("VALUES DRDAPLEX_DATASTORE()"));
  while (!name.empty() && name.back() == ' ') name.pop_back();
  return name;
}

inline std::string OdbmOf(client::Connection& connection) {
  std::string name = Text(connection.QueryScalar("VALUES DRDAPLEX_ODBM()"));
  while (!name.empty() && name.back() == ' ') name.pop_back();
  return name;
}

// Opens a connection for `alias`, returns the datastore that answered.
inline std::string DatastoreThrough(SeedPlex& plex, const std::string& alias) {
  client::Connection connection = ConnectTo(plex, alias);
  return DatastoreOf(connection);
}

// The datastores of one router's successful decisions for `alias` (as
// requested; "" for blank), oldest first, from its decision history.
inline std::vector<std::string> RoutedDatastores(SeedPlex& plex, size_t router,
                                                 const std::string& alias) {
  std::vector<std::pair<uint64_t, std::string>> routed;
  const nlohmann::json reply = plex.Ctl(router, {"query", "history"});
  for (const auto& row : reply.value("rows", nlohmann::json::array())) {
    const std::string requested = row.value("alias", "");
    const bool match = alias.empty() ? requested == "(blank)" : requested == alias;
    if (match && row.value("outcome", "") == "routed") {
      routed.emplace_back(row.value("connection", uint64_t{0}), row.value("datastore", ""));
    }
  }
  std::sort(routed.begin(), routed.end());
  std::vector<std::string> out;
  for (auto& [connection, datastore] : routed) out.push_back(std::move(datastore));
  return out;
}

}  // namespace drdaplex::testing
