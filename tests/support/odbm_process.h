// OdbmConfig and OdbmProcess: a real drdaplex-odbm for one test.
//
// OdbmConfig describes an ODBM (datastores, aliases, SQLite files, users) and
// renders it in the CSLDCxxx-style syntax drdaplex-odbm reads. OdbmProcess
// writes that config into a directory the caller owns, starts
// BinaryPath("drdaplex-odbm") listening on 127.0.0.1 port 0 (any free port),
// waits (bounded) for its port file and exposes the port. Stop() sends
// SIGTERM and checks the exit status is 0, which the server promises; the
// destructor does the same and records a test failure if it was not clean.
// Nothing is fixed: several ODBMs (and routers) can run side by side in one
// test, each in its own directory, all on ports the kernel picked.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/child_process.h"

namespace drdaplex::testing {

struct DatastoreConfig {
  std::string name;                  // IMS1
  std::vector<std::string> aliases;  // IM1A, IO1A; may be shared with others.
  // SQLite file; a relative path is relative to the config file's directory.
  // Two datastores naming one file share the data.
  std::string file;
};

struct UserConfig {
  std::string name;
  std::string password;      // Clear text; rendered as a SHA-512-crypt hash.
  bool userid_only = false;  // USRIDONL=Y: may connect without a password.
};

struct OdbmConfig {
  std::string name = "ODBMB1";
  std::vector<DatastoreConfig> datastores;
  std::vector<UserConfig> users;
  // OPTIONS: the plex key file (relative to the config file's directory),
  // ROUTERONLY=Y (sign-on only with a router's pass ticket) and the plex
  // registry to register with ("host:port"); empty/false = not written.
  std::string plex_key_file;
  bool router_only = false;
  std::string registry;

  // The contract's example: ODBM ODBMB1 with datastores IMS1 (aliases IM1A,
  // IO1A) and IMS2 (aliases IM1A, IO2A) sharing `file`; user app, password
  // secret, also allowed without a password (USRIDONL=Y; user names ignore
  // case, so this is also the "APP" pydrda sends); user clerk, password
  // clerkpw, never without it.
  static OdbmConfig SharedPair(std::string file = "shared.db");

  // The config file text; every password is hashed with a fresh salt.
  std::string Render() const;
};

// A SHA-512-crypt hash ("$6$salt$...") of `password`, as drdaplex-odbm's
// USER(PASSWORD=...) expects; computed with libcrypt, so tests do not depend
// on the server's own config library.
std::string HashPassword(std::string_view password);

struct OdbmOptions {
  std::string listen = "127.0.0.1:0";
  std::string log_level = "info";
  std::chrono::milliseconds start_timeout = std::chrono::seconds(10);
  std::vector<std::string> extra_args;
  // The server program; empty means BinaryPath("drdaplex-odbm").
  std::string binary;
};

class OdbmProcess {
 public:
  // Writes <dir>/<config.name>.cfg and starts the server with it; the port
  // file and the log (stdout and stderr) go to <dir>/<config.name>.port and
  // .log. Returns nullptr and the reason (with the log's tail) in *error when
  // the server is missing, exits, or writes no port file in time.
  static std::unique_ptr<OdbmProcess> Start(const OdbmConfig& config,
                                            const std::string& dir,
                                            std::string* error,
                                            const OdbmOptions& options = {});

  // Starts the server with an existing config file (e.g. a copy of
  // fixtures/odbm/demo.cfg); `name` names the port file and log in `dir`.
  static std::unique_ptr<OdbmProcess> StartWithConfigFile(
      const std::string& config_path, const std::string& dir,
      std::string_view name, std::string* error,
      const OdbmOptions& options = {});

  // Stop()s the server if it is still running; an unclean exit is recorded
  // as a non-fatal test failure.
  ~OdbmProcess();
  OdbmProcess(const OdbmProcess&) = delete;
  OdbmProcess& operator=(const OdbmProcess&) = delete;

  int port() const { return port_; }
  const std::string& host() const { return host_; }
  const std::string& config_path() const { return config_path_; }
  const std::string& log_path() const { return log_path_; }
  ChildProcess& process() { return *process_; }

  // jdbc:derby://host:port/<database><attributes>, e.g.
  // JdbcUrl("IM1A", ";user=app;password=secret").
  std::string JdbcUrl(std::string_view database,
                      std::string_view attributes = "") const;

  // The server's log so far, and its last lines (for failure messages).
  std::string Log() const;
  std::string LogTail(size_t max_lines = 60) const;

  // Sends `signal` (SIGTERM or SIGINT), waits at most `timeout`; succeeds
  // when the server exits with status 0. Otherwise it is SIGKILLed and the
  // failure says how it ended, with the log's tail. Calling it again returns
  // the first outcome.
  ::testing::AssertionResult Stop(
      int signal = 15 /* SIGTERM */,
      std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Kills the server on purpose (a fault the test injects: SIGKILL, no
  // clean-up) and waits for it to be gone; the destructor then has nothing
  // to report. Fails when the process does not die within `timeout`.
  ::testing::AssertionResult Kill(
      std::chrono::milliseconds timeout = std::chrono::seconds(10));

 private:
  OdbmProcess() = default;

  std::unique_ptr<ChildProcess> process_;
  std::string host_ = "127.0.0.1";
  int port_ = 0;
  std::string config_path_;
  std::string log_path_;
  bool stopped_ = false;
  bool stopped_cleanly_ = false;
  std::string stop_message_;
};

}  // namespace drdaplex::testing
