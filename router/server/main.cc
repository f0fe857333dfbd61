// drdaplex-router: the IMS Connect analogue. Reads an HWSCFG-style
// configuration, subscribes to the plex registry for the ODBMs of the
// IMSplex, listens on the shared DRDA port(s) and on its own operator
// (admin) socket, and routes every new DRDA connection to an ODBM.
#include <boost/asio/signal_set.hpp>
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#include "config/pass_ticket.h"
#include "config/router_config.h"
#include "config/user_registry.h"
#include "drdaplex/version.h"
#include "net/endpoint.h"
#include "net/port_file.h"
#include "registry/watcher.h"
#include "router/admin/admin_server.h"
#include "router/admin/commands.h"
#include "router/exit/exit_module.h"
#include "router/exit/routing_exit.h"
#include "registry/record.h"
#include "router/routing/routing_key.h"
#include "router/server/handoff_listener.h"
#include "router/server/plex_feed.h"
#include "router/server/router_server.h"
#include "router/wlm/agent_check_server.h"
#include "router/wlm/wlm_registration.h"

namespace {

namespace asio = boost::asio;
using namespace drdaplex;

// Loads the configured exit; null with *error set on failure.
std::shared_ptr<router::RoutingExit> LoadExit(const config::RouterConfig& config,
                                              const std::string& router_name, std::string* error) {
  auto module = router::ExitModule::Load({config.exit.module, config.exit.config, router_name}, error);
  if (!module) return nullptr;
  router::RoutingExitOptions options;
  options.deadline = config.exit.deadline;
  return std::make_shared<router::RoutingExit>(std::move(module), options);
}

asio::ip::tcp::endpoint EndpointOrExit(const std::string& text, const char* what) {
  std::string error;
  auto endpoint = net::ParseEndpoint(text, &error);
  if (!endpoint) {
    fmt::print(stderr, "drdaplex-router: bad {} '{}': {}\n", what, text, error);
    std::exit(2);
  }
  return *endpoint;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"drdaplex-router: routes DRDA connections to the ODBMs of an IMSplex"};
  std::string config_file, name, listen_host, admin, registry_address, plex_key_file;
  std::string port_file, admin_port_file, log_level = "info", handoff, system, agent;
  std::string agent_port_file;
  int port = -1, threads = 0;
  app.add_option("-c,--config", config_file, "router configuration (HWSCFG style)")->required();
  app.add_option("--name", name, "router name, overriding HWS ID");
  app.add_option("-p,--port", port, "DRDA port, overriding the first DRDAPORT (0: any free port)");
  app.add_option("--listen-host", listen_host, "address for the DRDA ports, overriding TCPIP HOSTNAME");
  app.add_option("--admin", admin, "operator socket HOST:PORT, overriding TCPIP ADMIN");
  app.add_option("--registry", registry_address, "plex registry HOST:PORT, overriding ODACCESS REGISTRY");
  app.add_option("--plex-key", plex_key_file, "plex key file, overriding ODACCESS PLEXKEY");
  app.add_option("--handoff", handoff,
                 "Unix socket for connections a distributor hands over, overriding SYSPLEX HANDOFF");
  app.add_option("--system", system, "the system this router runs on, overriding SYSPLEX SYSTEM");
  app.add_option("--agent", agent, "HAProxy agent-check HOST:PORT, overriding SYSPLEX AGENT");
  app.add_option("--agent-port-file", agent_port_file, "write the bound agent-check port here");
  app.add_option("--port-file", port_file, "write the bound DRDA port here once ready");
  app.add_option("--admin-port-file", admin_port_file, "write the bound operator port here once ready");
  app.add_option("-t,--threads", threads, "event loops (default: one per core, at most 4)");
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error");
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::from_str(log_level));

  config::RouterConfig config;
  try {
    config = config::LoadRouterConfig(config_file);
  } catch (const config::ConfigError& e) {
    fmt::print(stderr, "{}\n", e.what());
    return 2;
  }
  if (!name.empty()) {
    // A LUNAME that was only the HWS ID follows the new name.
    if (config.sysplex.luname == router::NormalizeName(config.name)) {
      config.sysplex.luname = router::NormalizeName(name);
    }
    config.name = name;
  }
  if (port >= 0) config.drda_ports.at(0).port = static_cast<uint16_t>(port);
  if (!listen_host.empty()) config.listen_host = listen_host;
  if (!admin.empty()) config.admin_address = admin;
  if (!registry_address.empty()) config.registry_address = registry_address;
  if (!plex_key_file.empty()) config.plex_key_file = plex_key_file;
  if (!handoff.empty()) config.sysplex.handoff_path = handoff;
  if (!system.empty()) config.sysplex.system = router::NormalizeName(system);
  if (!agent.empty()) config.sysplex.agent_address = agent;

  config::UserRegistry users(config.users);
  router::RouterContext context;
  context.users = &users;
  if (!config.plex_key_file.empty()) {
    std::string error;
    context.plex_key = config::PlexKey::Load(config.plex_key_file, &error);
    if (!context.plex_key) {
      fmt::print(stderr, "drdaplex-router: {}\n", error);
      return 2;
    }
  } else {
    spdlog::warn("no plex key: clients' own credentials are passed to the ODBMs");
  }

  router::ExitHolder exit_holder;
  if (!config.exit.module.empty()) {
    std::string error;
    auto exit = LoadExit(config, config.name, &error);
    if (!exit) {
      fmt::print(stderr, "drdaplex-router: routing exit {}: {}\n", config.exit.module, error);
      return 2;
    }
    exit_holder.Swap(std::move(exit));
  }
  router::RoutingPolicy policy;
  policy.on_exit_failure = config.exit.on_failure == config::ExitConfig::OnFailure::kReject
                               ? router::RoutingPolicy::OnExitFailure::kReject
                               : router::RoutingPolicy::OnExitFailure::kUseDefaultRule;
  policy.alias_users = config.alias_users;
  router::RoutingTable table(exit_holder, policy);
  context.table = &table;

  router::RouterServerOptions options;
  options.router_name = config.name;
  const auto listen_address = EndpointOrExit(config.listen_host + ":1", "TCPIP HOSTNAME").address();
  for (const auto& drda_port : config.drda_ports) {
    options.drda_ports.emplace_back(listen_address, drda_port.port);
  }
  options.threads = threads > 0 ? threads
                                : static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 4u));
  options.max_sockets = static_cast<size_t>(config.max_sockets);
  options.connect_flow_timeout = config.drda_ports.at(0).connect_timeout;
  options.keepalive = config.drda_ports.at(0).keepalive;
  options.odbm_timeout = config.odbm_timeout;
  // IDLETIMEOUT=0 means never; a century stands in for it.
  options.idle_timeout = config.idle_timeout.count() > 0 ? config.idle_timeout
                                                         : std::chrono::hours(24 * 365 * 100);
  router::RouterServer server(context, options);

  std::vector<asio::ip::tcp::endpoint> bound;
  try {
    bound = server.Listen();
  } catch (const boost::system::system_error& e) {
    fmt::print(stderr, "drdaplex-router: cannot listen: {}\n", e.what());
    return 1;
  }
  asio::io_context& control = server.control_context();
  const auto started = std::chrono::steady_clock::now();

  // Draining (drdaplex-ctl update router --drain): the agent check replies
  // "drain", so a load balancer in front sends no new connection while those
  // made go on. Set on the admin socket's thread, read by the agent check's.
  std::atomic<bool> draining{false};
  // Made further down when a registry is configured; declared here for the
  // agent state, which the operator's "query router" shows too.
  std::unique_ptr<router_wlm::WlmServerRegistration> wlm;
  auto agent_state = [&]() {
    if (wlm) return wlm->Agent(draining.load());
    return router_wlm::AgentStateFromSlots(server.active_connections(), options.max_sockets,
                                           draining.load());
  };

  router::AdminHooks hooks;
  hooks.set_draining = [&](bool drain) {
    if (draining.exchange(drain) != drain) {
      spdlog::info("router {} {}", config.name, drain ? "draining" : "no longer draining");
    }
  };
  hooks.reload_exit = [&]() -> std::string {
    if (config.exit.module.empty()) return "no routing exit is configured";
    std::string error;
    auto exit = LoadExit(config, config.name, &error);
    if (!exit) return error;
    exit_holder.Swap(std::move(exit));
    spdlog::info("routing exit {} reloaded", config.exit.module);
    return {};
  };
  std::string admin_text;
  hooks.router_info = [&]() {
    nlohmann::ordered_json info;
    info["name"] = config.name;
    info["version"] = DRDAPLEX_VERSION_STRING;
    std::string ports;
    for (const auto& e : bound) ports += (ports.empty() ? "" : ",") + std::to_string(e.port()) + "D";
    info["drda_ports"] = ports;
    info["admin"] = admin_text;
    info["registry"] = config.registry_address.empty() ? "-" : config.registry_address;
    info["exit"] = config.exit.module.empty() ? "-" : config.exit.module;
    info["maxsoc"] = config.max_sockets;
    info["active"] = server.active_connections();
    info["total"] = server.total_connections();
    info["refused"] = server.refused_connections();
    info["draining"] = draining.load();
    // The agent-check reply (the line HAProxy would read), without its '\n'.
    std::string agent_reply = router_wlm::FormatAgentReply(agent_state());
    agent_reply.pop_back();
    info["agent"] = agent_reply;
    info["uptime_s"] = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::steady_clock::now() - started)
                           .count();
    return info;
  };
  router::AdminCommands commands(table, hooks);
  std::unique_ptr<router::AdminServer> admin_server;
  try {
    admin_server = std::make_unique<router::AdminServer>(
        control, EndpointOrExit(config.admin_address, "TCPIP ADMIN"),
        [&](const nlohmann::json& request) { return commands.Execute(request); });
  } catch (const boost::system::system_error& e) {
    fmt::print(stderr, "drdaplex-router: cannot open the operator socket: {}\n", e.what());
    return 1;
  }
  admin_text = net::FormatEndpoint(admin_server->endpoint());

  std::unique_ptr<registry::RegistryWatcher> watcher;
  if (!config.registry_address.empty()) {
    registry::RegistryWatcherOptions watch;
    watch.registry = EndpointOrExit(config.registry_address, "ODACCESS REGISTRY");
    watch.kinds = {registry::kKindOdbm};
    watcher = std::make_unique<registry::RegistryWatcher>(
        control, std::move(watch),
        [&table](const registry::RegistryEvent& event) { router::ApplyRegistryEvent(table, event); });
    watcher->Start();
  } else {
    spdlog::warn("no plex registry configured: no ODBM will be known");
  }

  // Connections the sysplex distributor hands over arrive here.
  std::unique_ptr<router::HandoffListener> handoff_listener;
  if (!config.sysplex.handoff_path.empty()) {
    handoff_listener = std::make_unique<router::HandoffListener>(
        control, config.sysplex.handoff_path,
        [&server](int fd, std::function<void()> on_end) { return server.Adopt(fd, std::move(on_end)); });
    try {
      handoff_listener->Start();
    } catch (const std::exception& e) {
      fmt::print(stderr, "drdaplex-router: hand-over socket {}: {}\n",
                 config.sysplex.handoff_path.string(), e.what());
      return 1;
    }
  }

  // WLM: the router registers as a server for sysplex routing (IWMSRSRG)
  // and keeps its health (from free MAXSOC slots) and load current.
  std::unique_ptr<router_wlm::AgentCheckServer> agent_check;
  if (!config.registry_address.empty()) {
    nlohmann::ordered_json extra;
    extra[registry::wlm_attr::kDrda] = net::FormatEndpoint(bound.at(0));
    if (!config.sysplex.handoff_path.empty()) {
      extra[registry::wlm_attr::kHandoff] = config.sysplex.handoff_path.string();
    }
    if (!config.sysplex.agent_address.empty()) {
      try {
        agent_check = std::make_unique<router_wlm::AgentCheckServer>(
            control, EndpointOrExit(config.sysplex.agent_address, "SYSPLEX AGENT"),
            agent_state);
      } catch (const boost::system::system_error& e) {
        fmt::print(stderr, "drdaplex-router: agent-check listener: {}\n", e.what());
        return 1;
      }
      extra[registry::wlm_attr::kAgent] = net::FormatEndpoint(agent_check->endpoint());
    }
    try {
      wlm = std::make_unique<router_wlm::WlmServerRegistration>(
          control, EndpointOrExit(config.registry_address, "ODACCESS REGISTRY"), config,
          [&server] { return server.active_connections(); }, std::move(extra));
    } catch (const std::invalid_argument& e) {
      fmt::print(stderr, "drdaplex-router: WLM registration: {}\n", e.what());
      return 2;
    }
    wlm->Start();
  }

  asio::signal_set signals(control, SIGINT, SIGTERM);
  signals.async_wait([&](boost::system::error_code ec, int signal) {
    if (ec) return;
    spdlog::info("signal {}: stopping", signal);
    if (watcher) watcher->Stop();
    if (handoff_listener) handoff_listener->Stop();
    if (agent_check) agent_check->Stop();
    if (wlm) wlm->Stop();
    admin_server->Stop();
    server.Stop();
  });

  if (!port_file.empty()) net::WritePortFile(port_file, bound.at(0).port());
  if (!admin_port_file.empty()) net::WritePortFile(admin_port_file, admin_server->endpoint().port());
  if (!agent_port_file.empty() && agent_check) {
    net::WritePortFile(agent_port_file, agent_check->endpoint().port());
  }
  spdlog::info("router {} ready: DRDA port {}, operator socket {}", config.name, bound.at(0).port(),
               admin_text);
  server.Run();
  return 0;
}
