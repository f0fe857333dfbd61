// The real DRDA servers the client tests talk to: Apache Derby's Network
// Server (the reference implementation) and drdaplex-odbm. Each is started
// on first use -- once per test process, on a port the kernel picked -- and
// stopped by a global gtest environment when the tests end; the children
// die with the test process in any case (PR_SET_PDEATHSIG, see
// tests/support/child_process.h). A server that cannot be started reports
// why, and every test that needs it fails with that reason.
//
// Derby: BUILTIN authentication with user app / secret, database IM1A
// (created by the first connect, which carries ";create=true").
// drdaplex-odbm: OdbmConfig::SharedPair -- datastores IMS1 (aliases IM1A,
// IO1A) and IMS2 (IM1A, IO2A) on one SQLite file, user app / secret; the
// binary is build/bin/drdaplex-odbm unless $DRDAPLEX_ODBM_BINARY names one.
// Not thread-safe: call from the test thread.
#pragma once

#include <optional>
#include <ostream>
#include <string>

#include "client/types.h"

namespace drdaplex::client::testing {

enum class ServerKind { kDerby, kOdbm };

std::string ServerName(ServerKind kind);
inline std::ostream& operator<<(std::ostream& os, ServerKind kind) { return os << ServerName(kind); }

struct TestServer {
  ServerKind kind = ServerKind::kDerby;
  std::string host = "127.0.0.1";
  int port = 0;
  // Database to use by default: "IM1A;create=true" on Derby, "IM1A" on the ODBM.
  std::string database;

  // Options for user app / secret on `database` (default: the server's).
  ConnectOptions Options(std::optional<std::string> database = std::nullopt) const;
};

// The running server, or nullptr with the reason in *error.
const TestServer* GetServer(ServerKind kind, std::string* error);

// A TCP port nobody listens on right now (bound to port 0, then released).
int FreePort();

}  // namespace drdaplex::client::testing
