#include "tests/sysplex/sysplex_fixture.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <stdexcept>

#include "config/pass_ticket.h"
#include "tests/support/child_process.h"
#include "tests/support/paths.h"
#include "tests/support/polling.h"

namespace drdaplex::testing {

namespace {

const std::vector<RouterSpec> kRouters = {
    {"HWS1", "SYS1"}, {"HWS2", "SYS1"}, {"HWS3", "SYS2"}, {"HWS4", "SYS3"}};

bool WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  return static_cast<bool>(out);
}

// A port free on `address` now (IPv4), for the DVIPA every distributor of
// the test must agree on.
uint16_t FreePort(const std::string& address) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in in{};
  in.sin_family = AF_INET;
  ::inet_pton(AF_INET, address.c_str(), &in.sin_addr);
  uint16_t port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&in), sizeof in) == 0) {
    socklen_t length = sizeof in;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&in), &length);
    port = ntohs(in.sin_port);
  }
  ::close(fd);
  return port;
}

}  // namespace

std::unique_ptr<Sysplex> Sysplex::Start(SimSystems::Mode mode, std::string* error,
                                        bool agent_checks) {
  std::unique_ptr<Sysplex> plex(new Sysplex());
  plex->agent_checks_ = agent_checks;
  plex->systems_ = SimSystems::Create(mode, {"SYS1", "SYS2", "SYS3"}, error);
  if (!plex->systems_) return nullptr;
  const std::string host = plex->systems_->host_address();
  if (!config::PlexKey::Generate().Save(plex->dir() + "/plex.key", error)) return nullptr;
  plex->registry_ = ServiceProcess::Start({.program = "drdaplex-registry",
                                           .name = "registry",
                                           .dir = plex->dir(),
                                           // Long: a paused router must stay
                                           // registered, so the tests see TSR
                                           // (not the heartbeat) take it out.
                                           .args = {"--listen", host + ":0",
                                                    "--heartbeat-timeout-ms", "30000"}},
                                          error);
  if (!plex->registry_) return nullptr;

  OdbmConfig odbm;
  odbm.name = "ODBMB1";
  odbm.datastores = {{"IMS1", {"IM1A", "IO1A"}, "plex.db"}, {"IMS2", {"IM1A", "IO2A"}, "plex.db"}};
  odbm.plex_key_file = "plex.key";
  odbm.router_only = true;
  OdbmOptions options;
  options.listen = host + ":0";
  options.extra_args = {"--registry", plex->registry_address()};
  plex->odbm_ = OdbmProcess::Start(odbm, plex->dir(), error, options);
  if (!plex->odbm_) return nullptr;

  if (!plex->SetCapacities({{"SYS1", 10}, {"SYS2", 10}, {"SYS3", 10}}, error)) return nullptr;
  plex->specs_ = kRouters;
  for (const RouterSpec& spec : kRouters) {
    if (!plex->StartRouter(spec.name, error)) return nullptr;
  }
  plex->dvipa_port_ = FreePort(plex->systems_->dvipa());
  if (plex->dvipa_port_ == 0) {
    *error = "no free port on the DVIPA " + plex->systems_->dvipa();
    return nullptr;
  }
  return plex;
}

Sysplex::~Sysplex() {
  routers_.clear();
  odbm_.reset();
  agents_.clear();
  registry_.reset();
  systems_.reset();
}

std::string Sysplex::registry_address() const {
  return systems_->host_address() + ":" + std::to_string(registry_->port());
}

bool Sysplex::SetCapacities(const std::map<std::string, int>& capacities, std::string* error) {
  for (const auto& [system, capacity] : capacities) {
    agents_[system].reset();  // the old registration dies with its agent
    agents_[system] = ServiceProcess::Start(
        {.program = "drdaplex-system",
         .name = "agent-" + system,
         .dir = dir(),
         .args = {"--name", system, "--registry", registry_address(), "--capacity",
                  std::to_string(capacity)},
         .port_files = {}},
        error);
    if (!agents_[system]) return false;
  }
  return true;
}

std::string Sysplex::RouterConfig(const RouterSpec& spec, uint16_t port) const {
  std::string text = "HWS(ID=" + spec.name + ")\n";
  // The operator socket on the system's own address: reachable from the
  // host side, and local inside the system's namespace.
  text += "TCPIP(HOSTNAME=" + systems_->address(spec.system) + ", ADMIN=" +
          systems_->address(spec.system) + ":0, MAXSOC=2000)\n";
  text += "ODACCESS(DRDAPORT=(ID=" + std::to_string(port) + ", PORTTMOT=1000), ODBMTMOT=300,\n";
  text += "         REGISTRY=" + registry_address() + ", PLEXKEY=plex.key)\n";
  text += "SYSPLEX(SYSTEM=" + spec.system + ", LUNAME=" + spec.name + ", HANDOFF=" + spec.name +
          ".sock";
  if (agent_checks_) text += ", AGENT=" + systems_->address(spec.system) + ":0";
  text += ")\n";
  text += "USER(NAME=app, PASSWORD='" + HashPassword("secret") + "')\n";
  return text;
}

bool Sysplex::StartRouter(const std::string& name, std::string* error) {
  const RouterSpec* spec = nullptr;
  for (const auto& s : kRouters) {
    if (s.name == name) spec = &s;
  }
  if (spec == nullptr) {
    *error = "no router " + name;
    return false;
  }
  // HWS1 and HWS2 share one port on SYS1 (SHAREPORT); the first one up
  // picks it.
  const uint16_t port = spec->system == "SYS1" ? shared_port_ : 0;
  const std::string config_path = dir() + "/" + name + ".cfg";
  if (!WriteText(config_path, RouterConfig(*spec, port))) {
    *error = "cannot write " + config_path;
    return false;
  }
  std::vector<std::string> port_files = {"port-file", "admin-port-file"};
  if (agent_checks_) port_files.push_back("agent-port-file");
  routers_[name].reset();
  routers_[name] = StartServiceIn(*systems_, spec->system,
                                  {.program = "drdaplex-router",
                                   .name = name,
                                   .dir = dir(),
                                   .args = {"--config", config_path, "--threads", "1"},
                                   .port_files = port_files},
                                  error);
  if (!routers_[name]) return false;
  if (spec->system == "SYS1" && shared_port_ == 0) {
    shared_port_ = static_cast<uint16_t>(routers_[name]->port());
  }
  return true;
}

const std::string& Sysplex::RouterAddress(const std::string& name) const {
  for (const auto& spec : kRouters) {
    if (spec.name == name) return systems_->address(spec.system);
  }
  throw std::out_of_range("no router " + name);
}

std::unique_ptr<ServiceProcess> Sysplex::StartDistributor(const std::string& name,
                                                         const std::string& statements,
                                                         std::string* error, int backup_rank,
                                                         bool when_idle) {
  std::string text = "DISTRIBUTOR(NAME=" + name + ")\n";
  text += backup_rank == 0
              ? "VIPADEFINE(ADDRESS=" + systems_->dvipa() +
                    (when_idle ? ", MOVEABLE=WHENIDLE)\n" : ", MOVEABLE=IMMEDIATE)\n")
              : "VIPABACKUP(ADDRESS=" + systems_->dvipa() + ", RANK=" + std::to_string(backup_rank) +
                    ")\n";
  text += statements;
  text += "REGISTRY(ADDRESS=" + registry_address() + ")\nADMIN(ADDRESS=127.0.0.1:0)\n";
  const std::string config_path = dir() + "/" + name + ".cfg";
  if (!WriteText(config_path, text)) {
    *error = "cannot write " + config_path;
    return nullptr;
  }
  return ServiceProcess::Start({.program = "drdaplex-distributor",
                                .name = name,
                                .dir = dir(),
                                .args = {"--config", config_path, "--port",
                                         std::to_string(dvipa_port_)},
                                .port_files = {"admin-port-file"}},
                               error);
}

nlohmann::json Sysplex::Ctl(ServiceProcess& service, const std::string& json_request) {
  const std::string admin_flag = "admin-port-file";
  std::string host = "127.0.0.1";  // distributors
  for (const auto& spec : kRouters) {
    if (spec.name == service.name()) host = systems_->address(spec.system);
  }
  CommandResult result = RunCommand(
      {BinaryPath("drdaplex-ctl"), "--admin", host + ":" + std::to_string(service.port(admin_flag)),
       "--json", "raw", json_request},
      std::chrono::seconds(10));
  auto parsed = nlohmann::json::parse(result.stdout_text, nullptr, false);
  return parsed.is_discarded() ? nlohmann::json::object() : parsed;
}

std::map<std::string, uint64_t> Sysplex::TotalsBySystem(ServiceProcess& distributor,
                                                        const char* field) {
  std::map<std::string, uint64_t> totals;
  const auto vdpt = Ctl(distributor, R"({"command":"vdpt"})");
  for (const auto& row : vdpt.value("rows", nlohmann::json::array())) {
    totals[row.value("system", "")] += row.value(field, uint64_t{0});
  }
  return totals;
}

bool Sysplex::WaitForTargets(ServiceProcess& distributor, size_t routers,
                             const std::string& want_flag, std::chrono::milliseconds timeout) {
  return PollUntil(
      [&] {
        const auto vdpt = Ctl(distributor, R"({"command":"vdpt"})");
        const auto rows = vdpt.value("rows", nlohmann::json::array());
        if (!vdpt.value("owner", false) || rows.size() != routers) return false;
        for (const auto& row : rows) {
          if (row.value("rdy", 0) != 1) return false;
          if (!want_flag.empty() && row.value("flg", "") != want_flag) return false;
        }
        return true;
      },
      timeout);
}

client::Connection Sysplex::Connect(std::chrono::milliseconds timeout) {
  client::ConnectOptions options;
  options.host = systems_->dvipa();
  options.port = dvipa_port_;
  options.database = "IO1A";
  options.user = "app";
  options.password = "secret";
  options.connect_timeout = timeout;
  options.io_timeout = timeout;
  return client::Connection::Open(options);
}

}  // namespace drdaplex::testing
