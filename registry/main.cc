// drdaplex-registry: the plex registry (see registry_server.h). ODBMs
// register with it; routers subscribe to it and learn of every ODBM joining
// and leaving as it happens.
#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <csignal>

#include "net/endpoint.h"
#include "net/port_file.h"
#include "registry/registry_server.h"

int main(int argc, char** argv) {
  CLI::App app{"drdaplex-registry: the plex registry of ODBMs (and later servers)"};
  std::string listen = "127.0.0.1:0";
  std::string port_file;
  std::string log_level = "info";
  drdaplex::registry::RegistryOptions options;
  int heartbeat_timeout_ms = static_cast<int>(options.heartbeat_timeout.count());
  int idle_timeout_ms = static_cast<int>(options.idle_timeout.count());
  app.add_option("-l,--listen", listen, "address to listen on, HOST:PORT (port 0: any free port)");
  app.add_option("--port-file", port_file, "write the bound port here once listening");
  app.add_option("--heartbeat-timeout-ms", heartbeat_timeout_ms,
                 "drop a member silent this long (members heartbeat at a third of it)")
      ->check(CLI::Range(30, 3600 * 1000));
  app.add_option("--idle-timeout-ms", idle_timeout_ms,
                 "close a connection that neither registers nor subscribes after this long")
      ->check(CLI::Range(100, 3600 * 1000));
  app.add_option("--max-members", options.max_members, "refuse registrations beyond this many");
  app.add_option("--max-connections", options.max_connections, "refuse connections beyond this many");
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error");
  CLI11_PARSE(app, argc, argv);

  spdlog::set_default_logger(spdlog::stderr_color_mt("registry"));
  spdlog::set_level(spdlog::level::from_str(log_level));
  options.heartbeat_timeout = std::chrono::milliseconds(heartbeat_timeout_ms);
  options.idle_timeout = std::chrono::milliseconds(idle_timeout_ms);

  std::string error;
  const auto endpoint = drdaplex::net::ParseEndpoint(listen, &error);
  if (!endpoint) {
    fmt::print(stderr, "--listen: {}\n", error);
    return 2;
  }
  try {
    boost::asio::io_context io(1);
    drdaplex::registry::RegistryServer server(io, *endpoint, options);
    boost::asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& ec, int signal) {
      if (ec) return;
      spdlog::info("signal {}: stopping", signal);
      server.Stop();
      io.stop();
    });
    spdlog::info("registry listening on {} (heartbeat timeout {} ms)",
                 drdaplex::net::FormatEndpoint(server.endpoint()), heartbeat_timeout_ms);
    if (!port_file.empty()) drdaplex::net::WritePortFile(port_file, server.endpoint().port());
    io.run();
    return 0;
  } catch (const std::exception& e) {
    spdlog::critical("{}", e.what());
    return 1;
  }
}
