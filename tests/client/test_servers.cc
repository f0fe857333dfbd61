#include "tests/client/test_servers.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <memory>

#include "tests/support/child_process.h"
#include "tests/support/odbm_process.h"
#include "tests/support/paths.h"
#include "tests/support/polling.h"
#include "tests/support/temp_dir.h"

namespace drdaplex::client::testing {
namespace {

using drdaplex::testing::ChildOptions;
using drdaplex::testing::ChildProcess;
using drdaplex::testing::DerbyJar;
using drdaplex::testing::JavaExecutable;
using drdaplex::testing::OdbmConfig;
using drdaplex::testing::OdbmProcess;
using drdaplex::testing::PollUntil;
using drdaplex::testing::ReadFileOrEmpty;
using drdaplex::testing::TailLines;
using drdaplex::testing::TempDir;

constexpr auto kDerbyStartTimeout = std::chrono::seconds(60);

bool Accepts(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

struct DerbyInstance {
  std::unique_ptr<TempDir> home;
  std::unique_ptr<ChildProcess> process;
  TestServer server = [] {
    TestServer s;
    s.kind = ServerKind::kDerby;
    return s;
  }();
};

struct OdbmInstance {
  std::unique_ptr<TempDir> dir;
  std::unique_ptr<OdbmProcess> process;
  TestServer server = [] {
    TestServer s;
    s.kind = ServerKind::kOdbm;
    return s;
  }();
};

struct Registry {
  std::unique_ptr<DerbyInstance> derby;
  std::optional<std::string> derby_error;
  std::unique_ptr<OdbmInstance> odbm;
  std::optional<std::string> odbm_error;
};

Registry& registry() {
  static Registry* r = new Registry;  // torn down explicitly by the environment
  return *r;
}

std::unique_ptr<DerbyInstance> StartDerby(std::string* error) {
  auto d = std::make_unique<DerbyInstance>();
  d->home = std::make_unique<TempDir>("drdaplex-client-derby-");
  d->home->WriteFile("derby.properties",
                     "derby.connection.requireAuthentication=true\n"
                     "derby.authentication.provider=BUILTIN\n"
                     "derby.user.app=secret\n");
  const int port = FreePort();
  ChildOptions options;
  options.argv = {JavaExecutable(),
                  "-Dderby.system.home=" + d->home->path(),
                  "-cp",
                  DerbyJar("derby.jar") + ":" + DerbyJar("derbynet.jar") + ":" + DerbyJar("derbytools.jar"),
                  "org.apache.derby.drda.NetworkServerControl",
                  "start",
                  "-h",
                  "127.0.0.1",
                  "-p",
                  std::to_string(port),
                  "-noSecurityManager"};
  options.stdout_path = d->home->File("server.log");
  options.stderr_path = d->home->File("server.log");
  d->process = ChildProcess::Start(options, error);
  if (!d->process) return nullptr;
  const bool up = PollUntil([&] { return !d->process->IsRunning() || Accepts(port); }, kDerbyStartTimeout);
  if (!up || !d->process->IsRunning()) {
    *error = "Derby Network Server did not start on port " + std::to_string(port) + ": " +
             (d->process->IsRunning() ? "timed out" : d->process->status()->ToString()) + "\n" +
             TailLines(ReadFileOrEmpty(d->home->File("server.log")), 40);
    return nullptr;
  }
  d->server.port = port;
  d->server.database = "IM1A;create=true";
  return d;
}

std::unique_ptr<OdbmInstance> StartOdbm(std::string* error) {
  auto o = std::make_unique<OdbmInstance>();
  o->dir = std::make_unique<TempDir>("drdaplex-client-odbm-");
  drdaplex::testing::OdbmOptions options;
  // DRDAPLEX_ODBM_BINARY runs another build's server (default: this build's).
  if (const char* binary = std::getenv("DRDAPLEX_ODBM_BINARY"); binary != nullptr && *binary != '\0') {
    options.binary = binary;
  }
  o->process = OdbmProcess::Start(OdbmConfig::SharedPair("shared.db"), o->dir->path(), error, options);
  if (!o->process) return nullptr;
  o->server.host = o->process->host();
  o->server.port = o->process->port();
  o->server.database = "IM1A";
  return o;
}

class ServersEnvironment : public ::testing::Environment {
 public:
  void TearDown() override {
    Registry& r = registry();
    if (r.odbm) {
      EXPECT_TRUE(r.odbm->process->Stop()) << "drdaplex-odbm did not stop cleanly";
      r.odbm.reset();
    }
    if (r.derby) {
      r.derby->process->Stop(SIGTERM, std::chrono::seconds(10));
      r.derby.reset();
    }
  }
};

[[maybe_unused]] ::testing::Environment* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new ServersEnvironment);

}  // namespace

std::string ServerName(ServerKind kind) { return kind == ServerKind::kDerby ? "Derby" : "Odbm"; }

ConnectOptions TestServer::Options(std::optional<std::string> db) const {
  ConnectOptions o;
  o.host = host;
  o.port = static_cast<uint16_t>(port);
  o.database = db ? *db : database;
  o.user = "app";
  o.password = "secret";
  // Derby creates the database on the first connect: give it time.
  o.connect_timeout = std::chrono::seconds(60);
  o.io_timeout = std::chrono::seconds(60);
  return o;
}

const TestServer* GetServer(ServerKind kind, std::string* error) {
  Registry& r = registry();
  if (kind == ServerKind::kDerby) {
    if (!r.derby && !r.derby_error) {
      std::string why;
      r.derby = StartDerby(&why);
      if (!r.derby) r.derby_error = why;
    }
    if (r.derby) return &r.derby->server;
    *error = *r.derby_error;
    return nullptr;
  }
  if (!r.odbm && !r.odbm_error) {
    std::string why;
    r.odbm = StartOdbm(&why);
    if (!r.odbm) r.odbm_error = why;
  }
  if (r.odbm) return &r.odbm->server;
  *error = *r.odbm_error;
  return nullptr;
}

int FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace drdaplex::client::testing
