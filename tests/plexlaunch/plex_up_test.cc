// The real `drdaplex plex up` of fixtures/plex/small.plex and plex1.plex:
// clients through the plex's entry (the shared DRDA port, or the DVIPA of
// the distributor) land where the plex file says, operator actions on the
// control socket (`drdaplex plex kill|restart|start`) show in plex.json and
// in what the routers report, the supervisor restarts a member that dies by
// itself, and `drdaplex plex down` leaves no process and no namespace.
#include <signal.h>

#include <cerrno>
#include <filesystem>
#include <memory>
#include <set>
#include <thread>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "client/connection.h"
#include "router/ctl/line_client.h"
#include "tests/support/child_process.h"
#include "tests/support/paths.h"
#include "tests/support/polling.h"
#include "tests/support/temp_dir.h"

namespace drdaplex::testing {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

std::string Fixture(const std::string& name) { return SourceDir() + "/fixtures/plex/" + name; }

// One `drdaplex plex up FILE` in the foreground (a child of the test: it
// dies with the test), and commands against it.
class RunningPlex {
 public:
  static std::unique_ptr<RunningPlex> Up(const std::string& file, std::string* error) {
    std::unique_ptr<RunningPlex> plex(new RunningPlex());
    ChildOptions options;
    options.argv = {BinaryPath("drdaplex"), "plex", "up", file, "--dir", plex->dir()};
    options.stdout_path = plex->temp_.File("up.log");
    options.stderr_path = options.stdout_path;
    plex->launcher_ = ChildProcess::Start(options, error);
    if (!plex->launcher_) return nullptr;
    const bool up = PollUntil(
        [&] {
          return std::filesystem::exists(plex->dir() + "/control.port") ||
                 !plex->launcher_->IsRunning();
        },
        seconds(90));
    if (!up || !plex->launcher_->IsRunning()) {
      *error = "plex up did not come up:\n" + ReadFileOrEmpty(options.stdout_path);
      return nullptr;
    }
    return plex;
  }

  ~RunningPlex() {
    if (launcher_ && launcher_->IsRunning()) {
      RunCommand({BinaryPath("drdaplex"), "plex", "down", "--dir", dir()}, seconds(60));
      launcher_->Stop(SIGTERM, seconds(30));
    }
  }

  std::string dir() const { return temp_.path() + "/plex"; }
  ChildProcess& launcher() { return *launcher_; }
  std::string UpLog() const { return ReadFileOrEmpty(temp_.File("up.log")); }

  CommandResult Plex(std::vector<std::string> args) {
    std::vector<std::string> argv = {BinaryPath("drdaplex"), "plex"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.end(), {"--dir", dir()});
    return RunCommand(argv, seconds(60));
  }

  json Status() {
    CommandResult result = Plex({"status", "--json"});
    json parsed = json::parse(result.stdout_text, nullptr, false);
    if (!result.Success() || parsed.is_discarded()) {
      ADD_FAILURE() << result.Describe();
      return json::object();
    }
    return parsed;
  }

  json Member(const std::string& name) {
    for (const json& member : Status().value("members", json::array())) {
      if (member.value("name", "") == name) return member;
    }
    return json::object();
  }

  std::string StateOf(const std::string& name) { return Member(name).value("state", ""); }

  client::Connection Connect(const std::string& database) {
    const json entry = Status().value("entry", json::object());
    client::ConnectOptions options;
    options.host = entry.value("host", "");
    options.port = entry.value("port", uint16_t{0});
    options.database = database;
    options.user = "app";
    options.password = "secret";
    options.connect_timeout = seconds(5);
    options.io_timeout = seconds(10);
    return client::Connection::Open(options);
  }

  std::string DatastoreThrough(const std::string& database) {
    client::Connection connection = Connect(database);
    const client::Value value = connection.QueryScalar("VALUES DRDAPLEX_DATASTORE()");
    const auto* text = std::get_if<std::string>(&value);
    std::string name = text == nullptr ? "(not text)" : *text;
    while (!name.empty() && name.back() == ' ') name.pop_back();
    return name;
  }

  // Each router's operator socket: the ODBM's status there (ACTIVE...).
  std::vector<std::string> RouterViewsOf(const std::string& odbm) {
    std::vector<std::string> views;
    for (const json& member : Status().value("members", json::array())) {
      if (member.value("kind", "") != "router" || member.value("state", "") != "running") continue;
      std::string error, reply;
      auto target = router::ctl::ParseHostPort(member.value("admin", ""), &error);
      std::string status = "?";
      if (target && router::ctl::ExchangeLine(*target, R"({"command":"query","type":"odbm"})",
                                              {}, &reply, &error)) {
        const json rows = json::parse(reply, nullptr, false).value("rows", json::array());
        status = "absent";
        for (const json& row : rows) {
          if (row.value("name", "") == odbm) status = row.value("status", "");
        }
      }
      views.push_back(status);
    }
    return views;
  }

  bool AllRoutersSee(const std::string& odbm, bool active) {
    const std::vector<std::string> views = RouterViewsOf(odbm);
    if (views.empty()) return false;
    for (const std::string& view : views) {
      if ((view == "ACTIVE") != active) return false;
    }
    return true;
  }

  // `drdaplex plex OP NAME` for an ODBM; then plex.json must show `state`
  // and every router the ODBM as active or not.
  ::testing::AssertionResult OdbmAction(const std::string& op, const std::string& odbm,
                                        const std::string& state, bool active) {
    CommandResult result = Plex({op, odbm});
    if (!result.Success()) return ::testing::AssertionFailure() << result.Describe();
    if (StateOf(odbm) != state) {
      return ::testing::AssertionFailure() << odbm << " is " << StateOf(odbm) << ", not " << state;
    }
    if (!PollUntil([&] { return AllRoutersSee(odbm, active); }, seconds(5))) {
      return ::testing::AssertionFailure() << "routers see " << odbm << " as "
                                           << ::testing::PrintToString(RouterViewsOf(odbm));
    }
    return ::testing::AssertionSuccess();
  }

  // Stops the plex with `plex down`; checks that the launcher ends cleanly
  // and leaves no member process and no namespace.
  void DownAndCheck() {
    const json status = Status();
    std::vector<int> pids;
    for (const json& member : status.value("members", json::array())) {
      if (member.value("pid", 0) > 0) pids.push_back(member.value("pid", 0));
    }
    std::vector<std::string> namespaces;
    for (const json& system : status.value("systems", json::array())) {
      if (!system.value("netns", "").empty()) namespaces.push_back(system.value("netns", ""));
    }
    CommandResult down = Plex({"down"});
    EXPECT_TRUE(down.Success()) << down.Describe();
    auto exit = launcher_->Wait(seconds(30));
    ASSERT_TRUE(exit.has_value()) << "the launcher is still running after plex down";
    EXPECT_TRUE(exit->Success()) << exit->ToString() << "\n" << UpLog();
    for (int pid : pids) {
      EXPECT_TRUE(kill(pid, 0) != 0 && errno == ESRCH) << "pid " << pid << " is still there";
    }
    for (const std::string& ns : namespaces) {
      EXPECT_FALSE(std::filesystem::exists("/run/netns/" + ns)) << ns << " is still there";
    }
    EXPECT_FALSE(std::filesystem::exists(dir() + "/control.port"));
    EXPECT_FALSE(std::filesystem::exists(dir() + "/launcher.pid"));
  }

 private:
  RunningPlex() = default;
  TempDir temp_{"dpx-plexlaunch-"};
  std::unique_ptr<ChildProcess> launcher_;
};

TEST(PlexLaunch, SmallPlexUpConnectKillRestartSuperviseDown) {
  std::string error;
  auto plex = RunningPlex::Up(Fixture("small.plex"), &error);
  ASSERT_TRUE(plex) << error;
  const json status = plex->Status();
  EXPECT_EQ(status.value("name", ""), "SMALL");
  EXPECT_EQ(status["entry"].value("via", ""), "shareport");
  for (const json& member : status["members"]) {
    EXPECT_EQ(member.value("state", ""), "running") << member.dump();
  }
  // The launcher printed where to connect.
  EXPECT_NE(plex->UpLog().find("--database IO1A --user app --password secret"), std::string::npos)
      << plex->UpLog();
  // The generated member files are there, in their own dialects.
  for (const char* file : {"hws1.cfg", "odbmb1.cfg", "plex.key", "plex.json"}) {
    EXPECT_TRUE(std::filesystem::exists(plex->dir() + "/" + file)) << file;
  }

  EXPECT_EQ(plex->DatastoreThrough("IO1A"), "IMS1");
  EXPECT_EQ(plex->DatastoreThrough("IO2A"), "IMS2");

  // An operator's kill: reported, and not undone by the supervisor.
  ASSERT_TRUE(plex->OdbmAction("kill", "ODBMB1", "killed", false));
  std::this_thread::sleep_for(milliseconds(1500));  // longer than the first back-off
  EXPECT_EQ(plex->StateOf("ODBMB1"), "killed");
  EXPECT_THROW(plex->DatastoreThrough("IO1A"), std::exception);

  ASSERT_TRUE(plex->OdbmAction("restart", "ODBMB1", "running", true));
  EXPECT_EQ(plex->DatastoreThrough("IO2A"), "IMS2");

  // A member that dies by itself comes back (SUPERVISE=Y).
  const int router_pid = plex->Member("HWS1").value("pid", 0);
  ASSERT_GT(router_pid, 0);
  ASSERT_EQ(::kill(router_pid, SIGKILL), 0);
  EXPECT_TRUE(PollUntil(
      [&] {
        const json router = plex->Member("HWS1");
        return router.value("state", "") == "running" && router.value("restarts", 0) == 1 &&
               router.value("pid", 0) != router_pid;
      },
      seconds(15)))
      << plex->Member("HWS1").dump();
  EXPECT_TRUE(PollUntil(
      [&] {
        try {
          return plex->DatastoreThrough("IO1A") == "IMS1";
        } catch (const std::exception&) {
          return false;
        }
      },
      seconds(10)));

  // Errors are answers, not crashes.
  CommandResult unknown = plex->Plex({"kill", "NOSUCH"});
  EXPECT_FALSE(unknown.Success());
  EXPECT_NE(unknown.stderr_text.find("no member named NOSUCH"), std::string::npos)
      << unknown.Describe();

  plex->DownAndCheck();
}

TEST(PlexLaunch, SeedPlexThroughTheDistributorWithOdbmFaults) {
  std::string error;
  auto plex = RunningPlex::Up(Fixture("plex1.plex"), &error);
  ASSERT_TRUE(plex) << error;
  const json status = plex->Status();
  EXPECT_EQ(status["entry"].value("via", ""), "distributor");
  EXPECT_EQ(plex->StateOf("ODBMB3"), "not-started");
  EXPECT_EQ(plex->StateOf("SD1"), "running");
  EXPECT_EQ(plex->StateOf("SD2"), "running");
  EXPECT_EQ(plex->Member("SD2").value("backup_rank", 0), 100);

  EXPECT_EQ(plex->DatastoreThrough("IO1A"), "IMS1");
  EXPECT_EQ(plex->DatastoreThrough("IO2A"), "IMS2");
  EXPECT_EQ(plex->DatastoreThrough("IO3A"), "IMS3");
  EXPECT_EQ(plex->DatastoreThrough("IMS4"), "IMS4");

  // ODBMB2 killed: plex.json says so, every router reports it inactive.
  ASSERT_TRUE(plex->OdbmAction("kill", "ODBMB2", "killed", false));
  EXPECT_THROW(plex->DatastoreThrough("IO3A"), std::exception);

  // Restarted: running again and reachable.
  ASSERT_TRUE(plex->OdbmAction("restart", "ODBMB2", "running", true));
  EXPECT_EQ(plex->DatastoreThrough("IMS4"), "IMS4");

  // ODBMB3 started: IMS5 shares IO3A, so new IO3A connections reach it too.
  ASSERT_TRUE(plex->OdbmAction("start", "ODBMB3", "running", true));
  std::set<std::string> reached;
  for (int i = 0; i < 24 && reached.size() < 2; ++i) reached.insert(plex->DatastoreThrough("IO3A"));
  EXPECT_EQ(reached, (std::set<std::string>{"IMS3", "IMS5"}));

  plex->DownAndCheck();
}

}  // namespace
}  // namespace drdaplex::testing
