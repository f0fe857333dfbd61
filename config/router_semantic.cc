// The router file's rules (see router_semantic.h). One RouterBuilder per
// parse; nothing shared between calls.
#include "config/router_semantic.h"

#include <sys/un.h>

#include <map>
#include <string_view>

#include <fmt/format.h>

#include "config/semantic_support.h"
#include "config/shared_statements.h"

namespace drdaplex::config {
namespace {

using detail::CheckImsName;
using detail::Params;
using detail::ParseNumber;
using detail::kMaxPort;
using detail::Upper;

constexpr int kMinSockets = 50;  // IMS Connect's MAXSOC range
constexpr int kMaxSockets = 65535;
constexpr int kMaxIdleTimeoutSeconds = 86400;
constexpr int kMaxHundredths = 360000;  // an hour, for PORTTMOT and ODBMTMOT
constexpr int kMaxKeepaliveSeconds = 86400;
constexpr std::size_t kMaxTripletNameLength = 8;  // IWMSRSRG NETWORK_ID, LUNAME
constexpr std::size_t kMaxWlmHostLength = 64;     // IWMSRSRG HOST
constexpr std::size_t kMaxWlmUserDataLength = 64;  // IWMSRSRG USERDATA
// sun_path holds the path and its terminating NUL.
constexpr std::size_t kMaxUnixSocketPath = sizeof(sockaddr_un::sun_path) - 1;

constexpr std::string_view kRouterStatements =
    "HWS, TCPIP, ODACCESS, SYSPLEX, EXIT, AUTH or USER";

// Statements of the other kinds of file, named when they turn up here by
// mistake.
constexpr std::string_view kOdbmStatements[] = {"ODBM", "DATASTORE", "ALIAS",
                                                "DATABASE", "OPTIONS"};
constexpr std::string_view kDistributorStatements[] = {
    "DISTRIBUTOR", "VIPADEFINE", "VIPABACKUP", "VIPADISTRIBUTE", "DESTIP"};

std::chrono::milliseconds FromHundredths(int hundredths) {
  return std::chrono::milliseconds(int64_t{hundredths} * 10);
}

class RouterBuilder {
 public:
  RouterBuilder(const ErrorHandler& handler, std::filesystem::path base_dir)
      : handler_(handler), base_dir_(std::move(base_dir)) {}

  RouterConfig Build(const ast::ConfigFile& file) {
    const ast::Statement* hws = nullptr;
    const ast::Statement* tcpip = nullptr;
    const ast::Statement* odaccess = nullptr;
    const ast::Statement* exit = nullptr;
    const ast::Statement* sysplex = nullptr;
    std::vector<const ast::Statement*> auths;
    std::vector<const ast::Statement*> users;
    for (const ast::Statement& statement : file) {
      std::string keyword = Upper(statement.keyword);
      if (keyword == "HWS") {
        Once(statement, hws);
      } else if (keyword == "TCPIP") {
        Once(statement, tcpip);
      } else if (keyword == "ODACCESS") {
        Once(statement, odaccess);
      } else if (keyword == "SYSPLEX") {
        Once(statement, sysplex);
      } else if (keyword == "EXIT") {
        Once(statement, exit);
      } else if (keyword == "AUTH") {
        auths.push_back(&statement);
      } else if (keyword == "USER") {
        users.push_back(&statement);
      } else {
        for (std::string_view odbm_keyword : kOdbmStatements) {
          if (keyword == odbm_keyword) {
            handler_.Fail(statement, fmt::format(
                "{} belongs in an ODBM configuration, not a router's; "
                "expected {}",
                keyword, kRouterStatements));
          }
        }
        for (std::string_view distributor_keyword : kDistributorStatements) {
          if (keyword == distributor_keyword) {
            handler_.Fail(statement, fmt::format(
                "{} belongs in a distributor configuration, not a router's; "
                "expected {}",
                keyword, kRouterStatements));
          }
        }
        handler_.Fail(statement,
                      fmt::format("unknown statement '{}'; expected {}",
                                  statement.keyword, kRouterStatements));
      }
    }
    if (hws == nullptr) {
      handler_.source().Fail(0, "no HWS statement; a router configuration "
                                "needs HWS(ID=name)");
    }
    if (odaccess == nullptr) {
      handler_.source().Fail(0, "no ODACCESS statement; a router "
                                "configuration needs "
                                "ODACCESS(DRDAPORT=(ID=port))");
    }
    ReadHws(*hws);
    if (tcpip != nullptr) ReadTcpip(*tcpip);
    ReadOdaccess(*odaccess);
    config_.sysplex.luname = Upper(config_.name);
    if (sysplex != nullptr) ReadSysplex(*sysplex);
    detail::ReadRouterAccess(exit, users, auths, handler_, base_dir_, config_.exit,
                             config_.users, config_.alias_users);
    return std::move(config_);
  }

 private:
  // Statements that may appear at most once.
  void Once(const ast::Statement& statement, const ast::Statement*& first) {
    detail::TakeOnce(statement, first, handler_);
  }

  void ReadHws(const ast::Statement& statement) {
    Params params(statement, handler_, {"ID"}, {});
    const ast::Value& id = params.Require("ID");
    CheckImsName(id, "router name", handler_);
    config_.name = id.text;
  }

  void ReadTcpip(const ast::Statement& statement) {
    Params params(statement, handler_,
                  {"HOSTNAME", "MAXSOC", "ADMIN", "IDLETIMEOUT"}, {});
    if (const ast::Value* host = params.Find("HOSTNAME")) {
      detail::CheckHost(*host, "HOSTNAME", handler_);
      config_.listen_host = host->text;
    }
    if (const ast::Value* max = params.Find("MAXSOC")) {
      config_.max_sockets =
          ParseNumber(*max, "MAXSOC", kMinSockets, kMaxSockets, handler_);
    }
    if (const ast::Value* admin = params.Find("ADMIN")) {
      config_.admin_address = detail::ParseHostPort(
          *admin, "ADMIN", /*allow_any_port=*/true, handler_);
    }
    if (const ast::Value* idle = params.Find("IDLETIMEOUT")) {
      config_.idle_timeout = std::chrono::seconds(ParseNumber(
          *idle, "IDLETIMEOUT (seconds)", kMaxIdleTimeoutSeconds, handler_));
    }
  }

  void ReadOdaccess(const ast::Statement& statement) {
    Params params(statement, handler_,
                  {"DRDAPORT", "ODBMTMOT", "IMSPLEX", "REGISTRY", "PLEXKEY"},
                  {}, /*values_allowed=*/false, /*repeatable=*/{"DRDAPORT"});
    std::vector<const ast::Setting*> ports = params.FindAll("DRDAPORT");
    if (ports.empty()) {
      handler_.Fail(statement, "ODACCESS needs DRDAPORT=(ID=port)");
    }
    for (const ast::Setting* port : ports) ReadDrdaPort(*port);
    if (const ast::Value* timeout = params.Find("ODBMTMOT")) {
      config_.odbm_timeout = FromHundredths(ParseNumber(
          *timeout, "ODBMTMOT (1/100 s)", 1, kMaxHundredths, handler_));
    }
    if (const ast::Setting* imsplex = params.FindSetting("IMSPLEX")) {
      const ast::ValueList* list = params.FindList("IMSPLEX");
      Params names(*imsplex, *list, handler_, {"MEMBER", "TMEMBER"});
      if (const ast::Value* member = names.Find("MEMBER")) {
        CheckImsName(*member, "IMSPLEX MEMBER", handler_);
        config_.imsplex_member = member->text;
      }
      if (const ast::Value* plex = names.Find("TMEMBER")) {
        CheckImsName(*plex, "IMSPLEX TMEMBER", handler_);
        config_.imsplex_name = plex->text;
      }
    }
    if (const ast::Value* registry = params.Find("REGISTRY")) {
      config_.registry_address = detail::ParseHostPort(
          *registry, "REGISTRY", /*allow_any_port=*/false, handler_);
    }
    if (const ast::Value* key = params.Find("PLEXKEY")) {
      config_.plex_key_file =
          detail::ResolvePath(*key, "PLEXKEY", base_dir_, handler_);
    }
  }

  // DRDAPORT=(ID=port, PORTTMOT=1/100 s, KEEPAV=seconds).
  void ReadDrdaPort(const ast::Setting& setting) {
    const ast::ValueList* list = ast::ListOf(setting);
    if (list == nullptr) {
      handler_.Fail(*ast::ScalarOf(setting),
                    "DRDAPORT takes a list: write DRDAPORT=(ID=port)");
    }
    Params params(setting, *list, handler_, {"ID", "PORTTMOT", "KEEPAV"});
    const ast::Value& id = params.Require("ID");
    DrdaPortConfig port;
    port.port = static_cast<uint16_t>(
        ParseNumber(id, "DRDAPORT ID", 0, kMaxPort, handler_));
    // Port 0 asks for any free port, so several of them do not collide.
    if (port.port != 0) {
      for (const DrdaPortConfig& earlier : config_.drda_ports) {
        if (earlier.port == port.port) {
          handler_.Fail(id, fmt::format("DRDA port {} is given twice (first "
                                        "at line {})",
                                        port.port, earlier.position.line));
        }
      }
    }
    if (const ast::Value* timeout = params.Find("PORTTMOT")) {
      port.connect_timeout = FromHundredths(ParseNumber(
          *timeout, "PORTTMOT (1/100 s)", 1, kMaxHundredths, handler_));
    }
    if (const ast::Value* keepalive = params.Find("KEEPAV")) {
      port.keepalive = std::chrono::seconds(ParseNumber(
          *keepalive, "KEEPAV (seconds)", kMaxKeepaliveSeconds, handler_));
    }
    port.position = handler_.PositionOf(setting);
    config_.drda_ports.push_back(port);
  }

  // SYSPLEX(SYSTEM=, LOCATION=, NETWORKID=, LUNAME=, HOSTNAME=, USERDATA=,
  //         AGENT=host:port, HANDOFF=path).
  void ReadSysplex(const ast::Statement& statement) {
    Params params(statement, handler_,
                  {"SYSTEM", "LOCATION", "NETWORKID", "LUNAME", "HOSTNAME",
                   "USERDATA", "AGENT", "HANDOFF"},
                  {});
    SysplexConfig& sysplex = config_.sysplex;
    if (const ast::Value* system = params.Find("SYSTEM")) {
      CheckImsName(*system, "SYSTEM name", handler_);
      sysplex.system = Upper(system->text);
    }
    if (const ast::Value* location = params.Find("LOCATION")) {
      sysplex.location = TripletName(*location, "LOCATION");
    }
    if (const ast::Value* network = params.Find("NETWORKID")) {
      sysplex.network_id = TripletName(*network, "NETWORKID");
    }
    if (const ast::Value* luname = params.Find("LUNAME")) {
      sysplex.luname = TripletName(*luname, "LUNAME");
    }
    if (const ast::Value* host = params.Find("HOSTNAME")) {
      detail::CheckHost(*host, "HOSTNAME", handler_);
      if (host->text.size() > kMaxWlmHostLength) {
        handler_.Fail(*host, fmt::format("SYSPLEX HOSTNAME is longer than {} "
                                         "characters (the WLM limit)",
                                         kMaxWlmHostLength));
      }
      sysplex.host_name = host->text;
    }
    if (const ast::Value* data = params.Find("USERDATA")) {
      if (data->text.size() > kMaxWlmUserDataLength) {
        handler_.Fail(*data, fmt::format("USERDATA is longer than {} bytes "
                                         "(the WLM limit)",
                                         kMaxWlmUserDataLength));
      }
      sysplex.user_data = data->text;
    }
    if (const ast::Value* agent = params.Find("AGENT")) {
      sysplex.agent_address = detail::ParseHostPort(
          *agent, "AGENT", /*allow_any_port=*/true, handler_);
    }
    if (const ast::Value* handoff = params.Find("HANDOFF")) {
      sysplex.handoff_path =
          detail::ResolvePath(*handoff, "HANDOFF", base_dir_, handler_);
      // Checked on the resolved path, since that is what the router binds;
      // bind() would otherwise fail, or truncate, only at start-up.
      std::size_t length = sysplex.handoff_path.native().size();
      if (length > kMaxUnixSocketPath) {
        handler_.Fail(*handoff, fmt::format(
            "HANDOFF path '{}' is {} bytes; a Unix socket path may have at "
            "most {}",
            sysplex.handoff_path.native(), length, kMaxUnixSocketPath));
      }
    }
  }

  // A name of the WLM triplet: 1-8 of A-Z, 0-9, @, # and $ (letters in any
  // case, kept in upper case).
  std::string TripletName(const ast::Value& value, std::string_view keyword) {
    const std::string& text = value.text;
    if (text.empty() || text.size() > kMaxTripletNameLength) {
      handler_.Fail(value, fmt::format("{} must be 1 to {} characters",
                                       keyword, kMaxTripletNameLength));
    }
    for (char c : text) {
      bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                (c >= '0' && c <= '9') || c == '@' || c == '#' || c == '$';
      if (!ok) {
        handler_.Fail(value, fmt::format("{} '{}' may contain only letters, "
                                         "digits, @, # and $",
                                         keyword, text));
      }
    }
    return Upper(text);
  }

  const ErrorHandler& handler_;
  const std::filesystem::path base_dir_;
  RouterConfig config_;
};

}  // namespace

RouterConfig BuildRouterConfig(const ast::ConfigFile& file,
                               const ErrorHandler& handler,
                               const std::filesystem::path& base_dir) {
  return RouterBuilder(handler, base_dir).Build(file);
}

}  // namespace drdaplex::config
