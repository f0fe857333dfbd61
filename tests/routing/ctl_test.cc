// drdaplex-ctl as operators run it, against a scripted one-connection
// server: the request line each subcommand sends, the text or JSON it
// prints, and its exit status (0 ok, 1 ok:false, 2 usage/connection/protocol).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/child_process.h"
#include "tests/support/paths.h"

namespace drdaplex::router::ctl {
namespace {

using namespace std::chrono_literals;
using drdaplex::testing::BinaryPath;
using drdaplex::testing::CommandResult;
using drdaplex::testing::RunCommand;
using nlohmann::json;

// Accepts one connection on 127.0.0.1 (any free port), reads one line,
// answers with `reply` (unless it is nullopt: then it never answers), and
// waits for the client to close.
class ScriptedServer {
 public:
  explicit ScriptedServer(std::optional<std::string> reply) : reply_(std::move(reply)) {
    listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (listen_fd_ < 0 || bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        listen(listen_fd_, 1) != 0 ||
        getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      ADD_FAILURE() << "cannot listen: " << strerror(errno);
      return;
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }

  ~ScriptedServer() {
    if (listen_fd_ >= 0) shutdown(listen_fd_, SHUT_RDWR);  // unblocks accept()
    if (thread_.joinable()) thread_.join();
    if (listen_fd_ >= 0) close(listen_fd_);
  }

  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

  // The request line, once the client is done (joins the server).
  json Request() {
    if (thread_.joinable()) {
      shutdown(listen_fd_, SHUT_RDWR);
      thread_.join();
    }
    return json::parse(request_, nullptr, false);
  }

 private:
  void Serve() {
    const int fd = accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) return;
    char c;
    while (read(fd, &c, 1) == 1 && c != '\n') request_ += c;
    if (reply_) {
      const std::string line = *reply_ + "\n";
      if (write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
        ADD_FAILURE() << "short write";
      }
    }
    while (read(fd, &c, 1) == 1) {
    }
    close(fd);
  }

  std::optional<std::string> reply_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::string request_;
  std::thread thread_;
};

CommandResult Ctl(std::vector<std::string> args) {
  args.insert(args.begin(), BinaryPath("drdaplex-ctl"));
  return RunCommand(args, 20s);
}

TEST(CtlTest, QueryPrintsATable) {
  ScriptedServer server(
      R"({"ok":true,"type":"odbm","rows":[{"name":"ODBMB1","status":"ACTIVE","connections":3}]})");
  CommandResult r = Ctl({"--admin", server.address(), "query", "odbm"});
  EXPECT_TRUE(r.Success()) << r.Describe();
  EXPECT_EQ(r.stdout_text,
            "NAME    STATUS  CONNECTIONS\n"
            "ODBMB1  ACTIVE            3\n");
  EXPECT_EQ(server.Request(), json::parse(R"({"command":"query","type":"odbm"})"));
}

TEST(CtlTest, QueryFiltersAndOptionsAfterTheSubcommand) {
  ScriptedServer server(R"({"ok":true,"type":"alias","rows":[]})");
  CommandResult r = Ctl({"query", "alias", "--name", "IO1A", "--name", "IO*", "--odbm", "ODBMB1",
                         "--admin", server.address()});
  EXPECT_TRUE(r.Success()) << r.Describe();
  EXPECT_EQ(r.stdout_text, "(no rows)\n");
  EXPECT_EQ(server.Request(), json::parse(R"({"command":"query","type":"alias",
      "name":["IO1A","IO*"],"odbm":["ODBMB1"]})"));
}

TEST(CtlTest, UpdateSendsTheCommand) {
  ScriptedServer server(
      R"({"ok":true,"matched":2,"message":"STOP(ROUTE) alias IO1A: 2 entries matched"})");
  CommandResult r = Ctl({"--admin", server.address(), "update", "alias", "IO1A", "IO2A", "--odbm",
                         "ODBMB1", "--stop"});
  EXPECT_TRUE(r.Success()) << r.Describe();
  EXPECT_EQ(r.stdout_text, "matched: 2\nmessage: STOP(ROUTE) alias IO1A: 2 entries matched\n");
  EXPECT_EQ(server.Request(), json::parse(R"({"command":"update","type":"alias",
      "name":["IO1A","IO2A"],"action":"stop","odbm":["ODBMB1"]})"));
}

TEST(CtlTest, UpdateRouterDrainsAndUndrains) {
  for (const std::string action : {"drain", "undrain"}) {
    ScriptedServer server(R"({"ok":true,"matched":1,"message":"done"})");
    CommandResult r = Ctl({"--admin", server.address(), "update", "router", "--" + action});
    EXPECT_TRUE(r.Success()) << r.Describe();
    EXPECT_EQ(server.Request(),
              json({{"command", "update"}, {"type", "router"}, {"action", action}}));
  }
}

TEST(CtlTest, NotOkExitsOneWithTheErrorOnStderr) {
  ScriptedServer server(R"({"ok":false,"error":"unknown query type [users]"})");
  CommandResult r = Ctl({"--admin", server.address(), "reload-exit"});
  ASSERT_TRUE(r.status.exited) << r.Describe();
  EXPECT_EQ(r.status.code, 1);
  EXPECT_EQ(r.stdout_text, "");
  EXPECT_NE(r.stderr_text.find("unknown query type [users]"), std::string::npos) << r.Describe();
  EXPECT_EQ(server.Request(), json::parse(R"({"command":"reload-exit"})"));
}

TEST(CtlTest, JsonPrintsTheReplyAsReceived) {
  const std::string reply = R"({"ok":true,"type":"router","rows":[{"z":1,"a":2}]})";
  ScriptedServer server(reply);
  CommandResult r = Ctl({"--admin", server.address(), "--json", "query", "router"});
  EXPECT_TRUE(r.Success()) << r.Describe();
  EXPECT_EQ(r.stdout_text, reply + "\n");
}

TEST(CtlTest, MembersAsksTheRegistry) {
  ScriptedServer server(R"({"op":"result","ok":true,"rows":[)"
                        R"({"kind":"odbm","name":"ODBMB1","datastores":[{"name":"IMS1"}]}]})");
  CommandResult r = Ctl({"--registry", server.address(), "members", "--kind", "odbm"});
  EXPECT_TRUE(r.Success()) << r.Describe();
  EXPECT_EQ(r.stdout_text,
            "KIND  NAME    DATASTORES\n"
            "odbm  ODBMB1  [{\"name\":\"IMS1\"}]\n");
  EXPECT_EQ(server.Request(), json::parse(R"({"op":"query","kinds":["odbm"]})"));
}

TEST(CtlTest, RawSendsTheObjectKeepingItsKeyOrder) {
  ScriptedServer server(R"({"ok":true,"message":"routing exit reloaded"})");
  CommandResult r = Ctl({"--admin", server.address(), "raw",
                         "{ \"command\": \"reload-exit\",\n \"b\": 1, \"a\": 2 }"});
  EXPECT_TRUE(r.Success()) << r.Describe();
  EXPECT_EQ(r.stdout_text, "routing exit reloaded\n");
  EXPECT_EQ(server.Request().dump(), R"({"a":2,"b":1,"command":"reload-exit"})");
}

TEST(CtlTest, ProtocolAndConnectionErrorsExitTwo) {
  {
    ScriptedServer server("this is not json");
    CommandResult r = Ctl({"--admin", server.address(), "query", "odbm"});
    EXPECT_EQ(r.status.code, 2) << r.Describe();
    EXPECT_NE(r.stderr_text.find("not JSON"), std::string::npos) << r.Describe();
  }
  {
    ScriptedServer server(R"({"rows":[]})");
    CommandResult r = Ctl({"--admin", server.address(), "query", "odbm"});
    EXPECT_EQ(r.status.code, 2) << r.Describe();
  }
  {
    ScriptedServer server(std::nullopt);  // never answers
    CommandResult r = Ctl({"--admin", server.address(), "--timeout", "0.2", "query", "odbm"});
    EXPECT_EQ(r.status.code, 2) << r.Describe();
    EXPECT_NE(r.stderr_text.find("no reply"), std::string::npos) << r.Describe();
  }
  std::string closed;
  {
    ScriptedServer server(std::nullopt);
    closed = server.address();
  }  // nothing listens there any more
  CommandResult r = Ctl({"--admin", closed, "query", "odbm"});
  EXPECT_EQ(r.status.code, 2) << r.Describe();
  EXPECT_NE(r.stderr_text.find("cannot connect"), std::string::npos) << r.Describe();
}

TEST(CtlTest, UsageErrorsExitTwo) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"query", "odbm"},                                      // no --admin
           {"--admin", "127.0.0.1:1", "query", "users"},           // unknown type
           {"--admin", "127.0.0.1:1", "update", "alias", "IO1A"},  // neither --stop nor --start
           {"--admin", "127.0.0.1:1", "update", "alias", "IO1A", "--stop", "--start"},
           {"--admin", "127.0.0.1:1", "update", "odbm", "A", "--odbm", "B", "--stop"},
           {"--admin", "127.0.0.1:1", "update", "alias", "--stop"},  // no name
           {"--admin", "127.0.0.1:1", "update", "alias", "IO1A", "--drain"},
           {"--admin", "127.0.0.1:1", "update", "router"},  // neither --drain nor --undrain
           {"--admin", "127.0.0.1:1", "update", "router", "--drain", "--undrain"},
           {"--admin", "127.0.0.1:1", "update", "router", "--stop"},
           {"--admin", "127.0.0.1:1", "update", "router", "HWS1", "--drain"},
           {"--admin", "localhost", "query", "odbm"},        // no port
           {"--admin", "127.0.0.1:70000", "query", "odbm"},  // bad port
           {"--admin", "127.0.0.1:1", "raw", "[1,2]"},       // not an object
           {"members"},                                      // no --registry
           {"frobnicate"},
           {}}) {
    CommandResult r = Ctl(args);
    EXPECT_TRUE(r.status.exited) << r.Describe();
    EXPECT_EQ(r.status.code, 2) << r.Describe();
  }
  CommandResult help = Ctl({"--help"});
  EXPECT_TRUE(help.Success()) << help.Describe();
  EXPECT_NE(help.stdout_text.find("query"), std::string::npos);
}

}  // namespace
}  // namespace drdaplex::router::ctl
