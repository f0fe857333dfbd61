// registry-member-tool: a registry member and nothing else, for tests that
// need a member process to kill or stop. It registers one record built from
// its arguments and keeps it alive (RegistryMember) until SIGTERM/SIGINT,
// when it deregisters and exits 0. A refused first registration exits 3,
// as drdaplex-odbm does.
#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <csignal>

#include "net/endpoint.h"
#include "registry/member_client.h"

int main(int argc, char** argv) {
  using drdaplex::registry::RegistrationResult;
  CLI::App app{"registry-member-tool: registers one member with drdaplex-registry"};
  std::string registry;
  drdaplex::registry::MemberRecord record;
  record.address = "127.0.0.1:1";  // --address "" for none (not for ODBMs)
  std::vector<std::string> datastores;
  std::vector<std::string> attributes;
  std::string log_level = "info";
  app.add_option("--registry", registry, "HOST:PORT of the registry")->required();
  app.add_option("--kind", record.kind, "member kind");
  app.add_option("--name", record.name, "member name")->required();
  app.add_option("--system", record.system, "system name");
  app.add_option("--address", record.address, "advertised HOST:PORT");
  app.add_option("--health", record.health, "health 0..100");
  app.add_option("--datastore", datastores, "NAME=ALIAS,ALIAS (repeatable)");
  app.add_option("--attribute", attributes,
                 "KEY=VALUE added to the attributes, VALUE as JSON when it parses (repeatable)");
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error");
  CLI11_PARSE(app, argc, argv);
  spdlog::set_default_logger(spdlog::stderr_color_mt("member"));
  spdlog::set_level(spdlog::level::from_str(log_level));

  std::vector<drdaplex::registry::DatastoreRecord> list;
  for (const std::string& spec : datastores) {
    drdaplex::registry::DatastoreRecord datastore;
    const size_t equals = spec.find('=');
    datastore.name = spec.substr(0, equals);
    for (size_t at = equals; at != std::string::npos && at + 1 < spec.size();) {
      const size_t comma = spec.find(',', at + 1);
      datastore.aliases.push_back(spec.substr(at + 1, comma - at - 1));
      at = comma;
    }
    list.push_back(std::move(datastore));
  }
  if (record.kind == drdaplex::registry::kKindOdbm) {
    record.attributes = drdaplex::registry::OdbmAttributes(list);
  }
  for (const std::string& spec : attributes) {
    const size_t equals = spec.find('=');
    if (equals == std::string::npos) {
      fmt::print(stderr, "--attribute {}: KEY=VALUE expected\n", spec);
      return 2;
    }
    const std::string text = spec.substr(equals + 1);
    auto value = nlohmann::ordered_json::parse(text, nullptr, false);
    record.attributes[spec.substr(0, equals)] =
        value.is_discarded() ? nlohmann::ordered_json(text) : value;
  }

  std::string error;
  const auto endpoint = drdaplex::net::ParseEndpoint(registry, &error);
  if (!endpoint) {
    fmt::print(stderr, "--registry: {}\n", error);
    return 2;
  }
  boost::asio::io_context io(1);
  int exit_code = 0;
  drdaplex::registry::RegistryMemberOptions options;
  options.registry = *endpoint;
  options.record = record;
  options.reconnect.initial_backoff = std::chrono::milliseconds(20);
  options.reconnect.max_backoff = std::chrono::milliseconds(200);
  options.on_result = [&](const RegistrationResult& result) {
    if (result.first && result.status == RegistrationResult::Status::kRefused) {
      exit_code = 3;
      io.stop();
    }
  };
  drdaplex::registry::RegistryMember member(io, options);
  member.Start();
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (!ec) member.Stop([&] { io.stop(); });
  });
  io.run();
  return exit_code;
}
