#include "tests/support/seed_plex.h"

#include <algorithm>
#include <fstream>

#include "config/pass_ticket.h"
#include "tests/support/child_process.h"
#include "tests/support/paths.h"
#include "tests/support/polling.h"

namespace drdaplex::testing {

namespace {

bool WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  return static_cast<bool>(out);
}

}  // namespace

OdbmConfig SeedPlex::OdbmB1Config() const {
  OdbmConfig c;
  c.name = "ODBMB1";
  c.datastores = {{"IMS1", {"IM1A", "IO1A"}, "shared.db"}, {"IMS2", {"IM1A", "IO2A"}, "shared.db"}};
  c.plex_key_file = "plex.key";
  c.router_only = true;
  return c;
}

OdbmConfig SeedPlex::OdbmB2Config() const {
  OdbmConfig c;
  c.name = "ODBMB2";
  c.datastores = {{"IMS3", {"IO3A", "IMS3"}, "ims3.db"}, {"IMS4", {}, "ims4.db"}};
  c.plex_key_file = "plex.key";
  c.router_only = true;
  return c;
}

std::string SeedPlex::RouterConfigText(const std::string& name) const {
  std::string text = "/* Router " + name + " of the seed plex. */\n";
  text += "HWS(ID=" + name + ")\n";
  text += "TCPIP(HOSTNAME=127.0.0.1, ADMIN=127.0.0.1:0, MAXSOC=2000)\n";
  // PORTTMOT and ODBMTMOT are in 1/100 s: 10 s for a client's connect
  // flow, 3 s for an ODBM's sign-on.
  text += "ODACCESS(DRDAPORT=(ID=" + std::to_string(drda_port_) + ", PORTTMOT=1000), ODBMTMOT=300,\n";
  text += "         REGISTRY=127.0.0.1:" + std::to_string(registry_->port()) + ", PLEXKEY=plex.key)\n";
  text += "USER(NAME=app, PASSWORD='" + HashPassword("secret") + "')\n";
  text += "USER(NAME=clerk, PASSWORD='" + HashPassword("clerkpw") + "')\n";
  text += options_.router_extra_config;
  return text;
}

std::unique_ptr<SeedPlex> SeedPlex::Start(const std::string& dir, std::string* error,
                                          SeedPlexOptions options) {
  std::unique_ptr<SeedPlex> plex(new SeedPlex());
  plex->dir_ = dir;
  plex->options_ = std::move(options);
  if (!config::PlexKey::Generate().Save(dir + "/plex.key", error)) return nullptr;

  plex->registry_ = ServiceProcess::Start(
      {.program = "drdaplex-registry",
       .name = "registry",
       .dir = dir,
       .args = {"--listen", "127.0.0.1:0", "--heartbeat-timeout-ms",
                std::to_string(plex->options_.registry_heartbeat_timeout_ms)}},
      error);
  if (!plex->registry_) return nullptr;
  for (int i = 0; i < plex->options_.routers; ++i) {
    auto router = plex->StartRouter("HWS" + std::to_string(i + 1), error);
    if (!router) return nullptr;
    if (i == 0) plex->drda_port_ = router->port();
    plex->routers_.push_back(std::move(router));
  }
  plex->b1_ = plex->StartOdbm(plex->OdbmB1Config(), error);
  if (!plex->b1_) return nullptr;
  plex->b2_ = plex->StartOdbm(plex->OdbmB2Config(), error);
  if (!plex->b2_) return nullptr;
  if (!plex->WaitForActiveOdbms({"ODBMB1", "ODBMB2"})) {
    *error = "routers did not learn of both ODBMs within 5 s; router log:\n" +
             plex->routers_[0]->LogTail() + "\nregistry log:\n" + plex->registry_->LogTail();
    return nullptr;
  }
  return plex;
}

SeedPlex::~SeedPlex() {
  // Clients first (the test's), then ODBMs, routers, registry: each stop is
  // checked by its own destructor.
  b1_.reset();
  b2_.reset();
  routers_.clear();
  registry_.reset();
}

std::unique_ptr<OdbmProcess>& SeedPlex::odbm(const std::string& name) {
  return name == "ODBMB1" ? b1_ : b2_;
}

std::unique_ptr<OdbmProcess> SeedPlex::StartOdbm(const OdbmConfig& config, std::string* error) {
  OdbmOptions options;
  options.extra_args = {"--registry", "127.0.0.1:" + std::to_string(registry_->port())};
  return OdbmProcess::Start(config, dir_, error, options);
}

std::unique_ptr<ServiceProcess> SeedPlex::StartRouter(const std::string& name, std::string* error) {
  const std::string config_path = dir_ + "/" + name + ".cfg";
  if (!WriteText(config_path, RouterConfigText(name))) {
    *error = "cannot write " + config_path;
    return nullptr;
  }
  return ServiceProcess::Start({.program = "drdaplex-router",
                                .name = name,
                                .dir = dir_,
                                .args = {"--config", config_path, "--threads", "2"},
                                .port_files = {"port-file", "admin-port-file"}},
                               error);
}

nlohmann::json SeedPlex::Ctl(size_t router, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {
      BinaryPath("drdaplex-ctl"), "--admin",
      "127.0.0.1:" + std::to_string(routers_.at(router)->port("admin-port-file")), "--json"};
  argv.insert(argv.end(), args.begin(), args.end());
  CommandResult result = RunCommand(argv, std::chrono::seconds(10));
  auto parsed = nlohmann::json::parse(result.stdout_text, nullptr, false);
  if (parsed.is_discarded()) {
    ADD_FAILURE() << "drdaplex-ctl gave no JSON: " << result.Describe();
    return nlohmann::json::object();
  }
  return parsed;
}

bool SeedPlex::WaitForActiveOdbms(const std::vector<std::string>& names,
                                  std::chrono::milliseconds timeout) {
  return PollUntil(
      [&] {
        for (size_t r = 0; r < routers_.size(); ++r) {
          auto reply = Ctl(r, {"query", "odbm"});
          std::vector<std::string> active;
          for (const auto& row : reply.value("rows", nlohmann::json::array())) {
            if (row.value("status", "") == "ACTIVE") active.push_back(row.value("name", ""));
          }
          std::sort(active.begin(), active.end());
          std::vector<std::string> want = names;
          std::sort(want.begin(), want.end());
          if (active != want) return false;
        }
        return true;
      },
      timeout);
}

std::string SeedPlex::JdbcUrl(const std::string& database, const std::string& attributes) const {
  return "jdbc:derby://127.0.0.1:" + std::to_string(drda_port_) + "/" + database + attributes;
}

}  // namespace drdaplex::testing
