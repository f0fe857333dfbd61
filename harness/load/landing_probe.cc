#include "harness/load/landing_probe.h"

#include <chrono>
#include <sstream>
#include <variant>

namespace drdaplex::load {

namespace {
std::string TrimRight(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.pop_back();
  return s;
}
}  // namespace

client::ConnectOptions MakeConnectOptions(const BenchOptions& options, const std::string& database) {
  client::ConnectOptions connect;
  connect.host = options.target.host;
  connect.port = options.target.port;
  connect.database = database;
  connect.user = options.target.user;
  connect.password = options.target.password;
  connect.connect_timeout = options.connect_timeout;
  connect.io_timeout = options.io_timeout;
  return connect;
}

Landing LandingFrom(const std::string& probe_answer, const std::string& server_name,
                    const std::map<std::string, std::string>& router_systems) {
  Landing landing;
  std::istringstream words(probe_answer);
  words >> landing.datastore >> landing.odbm;
  const std::string srvnam = TrimRight(server_name);
  if (!srvnam.empty() && srvnam != landing.odbm) landing.router = srvnam;
  if (auto it = router_systems.find(landing.router); it != router_systems.end()) landing.system = it->second;
  return landing;
}

ProbedConnection OpenAndProbe(const client::ConnectOptions& connect,
                              const std::map<std::string, std::string>& router_systems) {
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  client::Connection connection = client::Connection::Open(connect);
  const auto t1 = Clock::now();
  const client::Value answer = connection.QueryScalar("VALUES DRDAPLEX_DATASTORE() || ' ' || DRDAPLEX_ODBM()");
  const auto t2 = Clock::now();
  const std::string* text = std::get_if<std::string>(&answer);
  Landing landing = LandingFrom(text ? *text : "", connection.server().server_name, router_systems);
  auto us = [](Clock::duration d) { return std::chrono::duration<double, std::micro>(d).count(); };
  return {std::move(connection), std::move(landing), us(t1 - t0), us(t2 - t1)};
}

}  // namespace drdaplex::load
