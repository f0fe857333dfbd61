// The router configuration: what one drdaplex-router listens on, which plex
// it serves and whom it admits. ParseRouterConfig/LoadRouterConfig read a
// file in the style of IMS Connect's HWSCFGxx member:
//   HWS(ID=HWS1)
//   TCPIP(HOSTNAME=127.0.0.1, MAXSOC=2000, ADMIN=127.0.0.1:0)
//   ODACCESS(DRDAPORT=(ID=6695, PORTTMOT=6000, KEEPAV=0), ODBMTMOT=6000,
//            IMSPLEX=(MEMBER=HWS1, TMEMBER=PLEX1),
//            REGISTRY=127.0.0.1:7001, PLEXKEY=plex.key)
//   SYSPLEX(SYSTEM=SYS1, LOCATION=USIBMSC, NETWORKID=NET1, LUNAME=HWS1,
//           HOSTNAME=sys1.example, USERDATA='free text',
//           AGENT=127.0.0.1:0, HANDOFF=/run/drdaplex/hws1.sock)
//   EXIT(MODULE=builtin:default, CONFIG='mode=default', DEADLINE=50,
//        ONFAIL=REJECT)
//   AUTH(ALIAS=IO1A, USERS=(APP, CLERK))
//   USER(NAME=app, PASSWORD='$6$...')
// (same grammar as the ODBM file, grammar_def.h; rules: router_semantic.h)
// and either return a complete, validated configuration or throw
// ConfigError naming file:line:column. Plain value types.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_error.h"
#include "config/user_config.h"

namespace drdaplex::config {

// ODACCESS DRDAPORT=(ID=, PORTTMOT=, KEEPAV=): one DRDA listening port.
struct DrdaPortConfig {
  uint16_t port = 0;  // ID; 0: any free port (tests)
  // PORTTMOT, written in 1/100 s: how long a client may take to complete the
  // connect flow (EXCSAT through ACCRDB) before the router drops it.
  std::chrono::milliseconds connect_timeout{60000};
  std::chrono::seconds keepalive{0};  // KEEPAV: TCP keepalive; 0 = off
  SourcePosition position;            // of the DRDAPORT keyword
};

// EXIT(...): the routing exit (include/drdaplex/hwsrout0.h).
struct ExitConfig {
  // MODULE: "builtin:<name>" as written, or the resolved path of a shared
  // object; "" = no exit (requests pass through to the alias's ODBMs).
  std::string module = "";
  std::string config;  // CONFIG: passed to the exit's init as is
  std::chrono::milliseconds deadline{50};  // DEADLINE: per routing call
  // ONFAIL: when the exit fails or misses its deadline, reject the
  // connection (REJECT) or route by the default rule (DEFAULT).
  enum class OnFailure { kReject, kUseDefaultRule } on_failure = OnFailure::kReject;
};

// SYSPLEX(...): where the router stands in the sysplex and how the Sysplex
// Distributor (drdaplex-distributor) reaches it. System and triplet names
// are kept in upper case, as z/OS and WLM keep them, so that they compare
// equal across files whatever case each was written in.
struct SysplexConfig {
  std::string system = "LOCAL";  // SYSTEM: the simulated z/OS image
  // LOCATION, NETWORKID, LUNAME: the triplet the router registers under with
  // WLM (IWMSRSRG); luname is the HWS ID (upper case) when not given.
  std::string location = "DRDAPLEX";
  std::string network_id = "NET";
  std::string luname;
  std::string host_name;  // HOSTNAME: IWMSRSRG HOST=; may be empty
  std::string user_data;  // USERDATA: IWMSRSRG USERDATA=; may be empty
  // AGENT: host:port of the HAProxy agent-check listener; empty = none.
  std::string agent_address;
  // HANDOFF: the Unix socket on which the distributor hands connections
  // over, resolved against the file's directory; empty = none. At most 107
  // bytes (sun_path), which the parser checks.
  std::filesystem::path handoff_path;
};

struct RouterConfig {
  std::string name;                      // HWS ID
  std::string listen_host = "0.0.0.0";   // TCPIP HOSTNAME
  // TCPIP MAXSOC: DRDA connections beyond it are refused, as in IMS
  // Connect.
  int max_sockets = 2000;
  std::string admin_address = "127.0.0.1:0";  // TCPIP ADMIN: operator socket
  // TCPIP IDLETIMEOUT: a client connection idle this long is closed; 0 =
  // never.
  std::chrono::seconds idle_timeout{1800};
  std::vector<DrdaPortConfig> drda_ports;  // at least one, in file order
  // ODBMTMOT, written in 1/100 s: for connecting to an ODBM and hearing its
  // first reply.
  std::chrono::milliseconds odbm_timeout{60000};
  std::string imsplex_member, imsplex_name;  // IMSPLEX MEMBER=, TMEMBER=
  std::string registry_address;  // ODACCESS REGISTRY host:port; may be empty
  // ODACCESS PLEXKEY, resolved against the file's directory; may be empty.
  // The parser does not read the key.
  std::filesystem::path plex_key_file;
  SysplexConfig sysplex;  // the defaults when there is no SYSPLEX statement
  ExitConfig exit;
  // AUTH(ALIAS=, USERS=(...)): upper-case alias -> the upper-case users
  // allowed to use it. Aliases without AUTH are not in the map.
  std::map<std::string, std::set<std::string>> alias_users;
  std::vector<UserConfig> users;  // USER statements, in file order
};

// Parses a router configuration text. file_name is used in error messages,
// and relative PLEXKEY and EXIT MODULE paths are taken relative to its
// directory (as is a relative SYSPLEX HANDOFF path).
RouterConfig ParseRouterConfig(std::string_view text, const std::string& file_name);

// As above, but relative paths are resolved against base_dir.
RouterConfig ParseRouterConfig(std::string_view text, const std::string& file_name,
                               const std::filesystem::path& base_dir);

// Reads and parses a file; relative paths in it come out absolute. An
// unreadable file is a ConfigError too.
RouterConfig LoadRouterConfig(const std::filesystem::path& file);

}  // namespace drdaplex::config
