// drdaplex-odbm: a simulated IMS Open Database Manager. It serves the
// datastores of one ODBM configuration, each kept in SQLite, to DRDA
// requesters (the Derby network client, drdaplex's own driver, routers).
#include <CLI/CLI.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/signal_set.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <optional>
#include <thread>

#include "config/odbm_config.h"
#include "config/pass_ticket.h"
#include "config/user_registry.h"
#include "odbm/server.h"

namespace {

using boost::asio::ip::tcp;

tcp::endpoint ParseEndpoint(const std::string& text) {
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos) throw std::invalid_argument("expected HOST:PORT, got '" + text + "'");
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const int port = std::stoi(text.substr(colon + 1));
  if (port < 0 || port > 65535) throw std::invalid_argument("port out of range in '" + text + "'");
  return {boost::asio::ip::make_address(host), static_cast<uint16_t>(port)};
}

// Written via a temporary file and rename, so a reader never sees half.
void WritePortFile(const std::filesystem::path& path, uint16_t port) {
  const std::filesystem::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp);
    out << port << '\n';
    if (!out) throw std::runtime_error("cannot write " + tmp.string());
  }
  std::filesystem::rename(tmp, path);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"drdaplex-odbm: a simulated IMS ODBM serving SQLite datastores over DRDA"};
  std::string config_file;
  std::string listen = "127.0.0.1:0";
  std::string port_file;
  std::string log_level = "info";
  int threads = 0;
  size_t max_connections = 10000;
  int idle_timeout_s = 1800;
  int spin_us = 0;
  app.add_option("-c,--config", config_file, "ODBM configuration file (CSLDCxxx style)")->required();
  app.add_option("-l,--listen", listen, "address to listen on, HOST:PORT (port 0: any free port)");
  app.add_option("--port-file", port_file, "write the bound port here once ready");
  app.add_option("-t,--threads", threads,
                 "event loops, one thread each (default: from the configuration, else one per core)");
  app.add_option("--max-connections", max_connections, "refuse connections beyond this many");
  app.add_option("--idle-timeout", idle_timeout_s, "close connections idle this many seconds");
  app.add_option("--spin-us", spin_us,
                 "after a reply, poll the connection this many microseconds before parking (0: never)");
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error");
  CLI11_PARSE(app, argc, argv);

  spdlog::set_default_logger(spdlog::stderr_color_mt("odbm"));
  spdlog::set_level(spdlog::level::from_str(log_level));

  try {
    drdaplex::config::OdbmConfig config = drdaplex::config::LoadOdbmConfig(config_file);
    std::vector<drdaplex::odbm::DatastoreInfo> datastores;
    for (const auto& d : config.datastores) datastores.push_back({d.name, d.aliases, d.database});
    drdaplex::odbm::DatastoreDirectory directory(config.name, std::move(datastores));
    drdaplex::config::UserRegistry users(config.users);

    drdaplex::odbm::OdbmContext context;
    context.directory = &directory;
    context.users = &users;
    context.busy_timeout_ms = config.busy_timeout_ms;
    // Pass tickets from the plex's routers need the plex key.
    std::optional<drdaplex::config::PassTicketVerifier> tickets;
    if (!config.plex_key_file.empty()) {
      std::string error;
      auto key = drdaplex::config::PlexKey::Load(config.plex_key_file, &error);
      if (!key) {
        fmt::print(stderr, "drdaplex-odbm: {}\n", error);
        return 2;
      }
      tickets.emplace(*key, config.name);
      context.tickets = &*tickets;
    }
    context.router_only = config.router_only;

    drdaplex::odbm::ServerOptions options;
    options.listen = ParseEndpoint(listen);
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    options.threads = threads > 0 ? threads : config.threads > 0 ? config.threads : cores;
    options.max_connections = max_connections;
    options.idle_timeout = std::chrono::seconds(idle_timeout_s);
    options.spin = std::chrono::microseconds(std::max(0, spin_us));

    drdaplex::odbm::Server server(context, options);
    const tcp::endpoint bound = server.Listen();

    boost::asio::io_context signal_io;
    boost::asio::signal_set signals(signal_io, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code&, int signal) {
      spdlog::info("signal {}: stopping", signal);
      server.Stop();
    });
    std::thread signal_thread([&] { signal_io.run(); });

    spdlog::info("ODBM {} listening on {}:{} with {} datastore(s), {} event loop(s)", config.name,
                 bound.address().to_string(), bound.port(), directory.datastores().size(), options.threads);
    for (const auto& d : directory.datastores()) {
      spdlog::info("  datastore {} aliases [{}] database {}", d.name, fmt::join(d.aliases, ", "),
                   d.database.string());
    }
    if (!port_file.empty()) WritePortFile(port_file, bound.port());
    server.Run();
    signal_io.stop();
    signal_thread.join();
    return 0;
  } catch (const drdaplex::config::ConfigError& e) {
    fmt::print(stderr, "{}\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    spdlog::critical("{}", e.what());
    return 1;
  }
}
