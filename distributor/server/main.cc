// drdaplex-distributor: the Sysplex Distributor. Reads a TCP/IP-profile
// style configuration (VIPADEFINE or VIPABACKUP, VIPADISTRIBUTE, DESTIP),
// takes the DVIPA:port when it is its turn, and hands every new connection
// to a router on the target system its DISTMETHOD picks. Operators query it
// on its own socket (drdaplex-ctl --admin ... vdpt | vipa).
#include <boost/asio/signal_set.hpp>
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "config/distributor_config.h"
#include "distributor/server/distributor_server.h"
#include "drdaplex/version.h"
#include "net/endpoint.h"
#include "net/port_file.h"
#include "router/admin/admin_server.h"

int main(int argc, char** argv) {
  using namespace drdaplex;
  namespace asio = boost::asio;
  CLI::App app{"drdaplex-distributor: spreads new DRDA connections over the routers of a sysplex"};
  std::string config_file, name, dvipa, registry_address, admin, admin_port_file, log_level = "info";
  int port = -1;
  app.add_option("-c,--config", config_file, "distributor configuration")->required();
  app.add_option("--name", name, "distributor name, overriding DISTRIBUTOR NAME");
  app.add_option("--dvipa", dvipa, "the DVIPA address, overriding VIPADEFINE/VIPABACKUP ADDRESS");
  app.add_option("-p,--port", port, "the distributed port, overriding VIPADISTRIBUTE PORT");
  app.add_option("--registry", registry_address, "plex registry HOST:PORT, overriding REGISTRY");
  app.add_option("--admin", admin, "operator socket HOST:PORT, overriding ADMIN");
  app.add_option("--admin-port-file", admin_port_file, "write the bound operator port here");
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error");
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::from_str(log_level));

  config::DistributorConfig config;
  try {
    config = config::LoadDistributorConfig(config_file);
  } catch (const config::ConfigError& e) {
    fmt::print(stderr, "{}\n", e.what());
    return 2;
  }
  if (!name.empty()) config.name = name;
  if (!dvipa.empty()) config.dvipa = dvipa;
  if (port >= 0) config.port = static_cast<uint16_t>(port);
  if (!registry_address.empty()) config.registry_address = registry_address;
  if (!admin.empty()) config.admin_address = admin;
  boost::system::error_code bad;
  asio::ip::make_address(config.dvipa, bad);
  auto admin_endpoint = net::ParseEndpoint(config.admin_address);
  if (bad || !admin_endpoint || config.port == 0) {
    fmt::print(stderr, "drdaplex-distributor: need a DVIPA address, a port and an ADMIN address\n");
    return 2;
  }

  asio::io_context io(1);
  distributor::DistributorServer server(io, config);
  std::unique_ptr<router::AdminServer> admin_server;
  try {
    admin_server = std::make_unique<router::AdminServer>(
        io, *admin_endpoint, [&](const nlohmann::json& request) -> nlohmann::ordered_json {
          const std::string command = request.value("command", "");
          if (command == "vdpt") return server.Vdpt();
          if (command == "vipa") return server.Vipa();
          return {{"ok", false}, {"error", "unknown command '" + command + "' (vdpt, vipa)"}};
        });
  } catch (const boost::system::system_error& e) {
    fmt::print(stderr, "drdaplex-distributor: cannot open the operator socket: {}\n", e.what());
    return 1;
  }
  server.Start();

  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](boost::system::error_code ec, int signal) {
    if (ec) return;
    spdlog::info("signal {}: stopping", signal);
    server.Stop();
    admin_server->Stop();
    io.stop();
  });
  if (!admin_port_file.empty()) net::WritePortFile(admin_port_file, admin_server->endpoint().port());
  spdlog::info("distributor {} ({} rank {}) for DVIPA {}:{}, operator socket {}", config.name,
               config.backup ? "backup" : "primary", config.backup ? config.backup_rank : 255,
               config.dvipa, config.port, net::FormatEndpoint(admin_server->endpoint()));
  io.run();
  return 0;
}
