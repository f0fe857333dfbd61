// drdaplex-odbm: a simulated IMS Open Database Manager. It serves the
// datastores of one ODBM configuration, each kept in SQLite, to DRDA
// requesters (the Derby network client, drdaplex's own driver, routers).
// With a plex registry (--registry or OPTIONS REGISTRY) it registers there
// once listening, as an ODBM registers with SCI, so routers learn of it; a
// first registration refused because the name is taken ends it with exit
// status 3 (two ODBMs with one name are a configuration error).
#include <CLI/CLI.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/signal_set.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <future>
#include <optional>
#include <thread>

#include "config/odbm_config.h"
#include "config/pass_ticket.h"
#include "config/user_registry.h"
#include "net/endpoint.h"
#include "odbm/server.h"
#include "registry/member_client.h"

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

// What this ODBM publishes in the registry: its name and address, and each
// datastore with its aliases (all active: the ODBM serves every datastore
// it has from the start).
drdaplex::registry::MemberRecord OdbmRecord(const drdaplex::config::OdbmConfig& config,
                                            const std::string& system, const tcp::endpoint& address) {
  drdaplex::registry::MemberRecord record;
  record.kind = drdaplex::registry::kKindOdbm;
  record.name = config.name;
  record.system = system;
  record.address = drdaplex::net::FormatEndpoint(address);
  std::vector<drdaplex::registry::DatastoreRecord> datastores;
  for (const auto& d : config.datastores) {
    datastores.push_back({d.name, drdaplex::registry::kStatusActive, d.aliases});
  }
  record.attributes = drdaplex::registry::OdbmAttributes(datastores);
  return record;
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
  std::string registry_address;
  std::string system = drdaplex::registry::kDefaultSystem;
  std::string advertise;
  app.add_option("--registry", registry_address,
                 "plex registry HOST:PORT to register with (default: OPTIONS REGISTRY; none: no "
                 "registration)");
  app.add_option("--system", system, "system name published in the registry");
  app.add_option("--advertise", advertise,
                 "HOST:PORT published in the registry (default: the address listened on)");
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

    if (registry_address.empty()) registry_address = config.registry_address;
    std::optional<tcp::endpoint> registry;
    std::optional<tcp::endpoint> advertised;
    std::string address_error;
    if (!registry_address.empty() &&
        !(registry = drdaplex::net::ParseEndpoint(registry_address, &address_error))) {
      fmt::print(stderr, "drdaplex-odbm: registry: {}\n", address_error);
      return 2;
    }
    if (!advertise.empty() && !(advertised = drdaplex::net::ParseEndpoint(advertise, &address_error))) {
      fmt::print(stderr, "drdaplex-odbm: --advertise: {}\n", address_error);
      return 2;
    }

    drdaplex::odbm::Server server(context, options);
    const tcp::endpoint bound = server.Listen();
    const drdaplex::registry::MemberRecord record =
        OdbmRecord(config, system, advertised.value_or(bound));
    if (std::string error; registry && !drdaplex::registry::MemberRecordFromJson(
                                           drdaplex::registry::MemberRecordToJson(record), &error)) {
      fmt::print(stderr, "drdaplex-odbm: cannot register: {}\n", error);
      return 2;
    }

    boost::asio::io_context signal_io;
    boost::asio::signal_set signals(signal_io, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code&, int signal) {
      spdlog::info("signal {}: stopping", signal);
      server.Stop();
    });
    // The registration runs on the signal thread's loop: a few lines a
    // second, never in the way of the event loops.
    auto signal_work = boost::asio::make_work_guard(signal_io);
    std::thread signal_thread([&] { signal_io.run(); });
    std::unique_ptr<drdaplex::registry::RegistryMember> member;
    std::atomic<bool> refused{false};
    std::promise<void> first_attempt;
    std::promise<void> deregistered;  // both set on the signal thread, which outlives neither
    if (registry) {
      drdaplex::registry::RegistryMemberOptions registration;
      registration.registry = *registry;
      registration.record = record;
      registration.on_result = [&](const drdaplex::registry::RegistrationResult& result) {
        if (!result.first) return;
        if (result.status == drdaplex::registry::RegistrationResult::Status::kRefused) {
          spdlog::critical("ODBM {} cannot join the plex: {}", config.name, result.message);
          refused = true;
          server.Stop();
        }
        first_attempt.set_value();
      };
      member = std::make_unique<drdaplex::registry::RegistryMember>(signal_io, registration);
      member->Start();
      // Ready means registered when a registry answers at all; a registry
      // that does not answer soon is not waited for (the member keeps trying).
      first_attempt.get_future().wait_for(std::chrono::seconds(2));
    }

    spdlog::info("ODBM {} listening on {}:{} with {} datastore(s), {} event loop(s)", config.name,
                 bound.address().to_string(), bound.port(), directory.datastores().size(), options.threads);
    for (const auto& d : directory.datastores()) {
      spdlog::info("  datastore {} aliases [{}] database {}", d.name, fmt::join(d.aliases, ", "),
                   d.database.string());
    }
    if (!refused) {
      if (!port_file.empty()) WritePortFile(port_file, bound.port());
      server.Run();
    }
    if (member) {
      // Deregister politely; bounded, as a registry that does not read must
      // not hold up the exit.
      member->Stop([&] { deregistered.set_value(); });
      deregistered.get_future().wait_for(std::chrono::seconds(2));
    }
    signal_io.stop();
    signal_thread.join();
    return refused ? 3 : 0;
  } catch (const drdaplex::config::ConfigError& e) {
    fmt::print(stderr, "{}\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    spdlog::critical("{}", e.what());
    return 1;
  }
}
