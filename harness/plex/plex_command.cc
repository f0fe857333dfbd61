#include "harness/plex/plex_command.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "config/config_error.h"
#include "config/crypt_hash.h"
#include "config/plex_config.h"
#include "harness/plex/control_address.h"
#include "harness/plex/launcher.h"
#include "process/polling.h"
#include "router/ctl/line_client.h"
#include "router/ctl/table_format.h"

namespace drdaplex::plex {

namespace {

using nlohmann::json;
using nlohmann::ordered_json;

std::atomic<bool> stop_requested{false};

void OnStopSignal(int) { stop_requested.store(true); }

void InstallSignalHandlers() {
  struct sigaction action {};
  action.sa_handler = OnStopSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

[[noreturn]] void Fail(const std::string& message, int code = 1) {
  std::fprintf(stderr, "drdaplex plex: %s\n", message.c_str());
  throw CLI::RuntimeError(code);
}

// The rows people read: where each member is and how it is.
ordered_json MemberRows(const ordered_json& plex) {
  ordered_json rows = ordered_json::array();
  for (const auto& member : plex.value("members", ordered_json::array())) {
    const int port = member.value("port", 0);
    rows.push_back({{"name", member.value("name", "")},
                    {"kind", member.value("kind", "")},
                    {"system", member.value("system", "")},
                    {"state", member.value("state", "")},
                    {"pid", member.value("pid", 0)},
                    {"listen", port == 0 ? std::string("-")
                                         : member.value("host", "") + ":" + std::to_string(port)},
                    {"admin", member.value("admin", "").empty() ? std::string("-")
                                                                : member.value("admin", "")},
                    {"restarts", member.value("restarts", 0)}});
  }
  return rows;
}

std::string Summary(const ordered_json& plex) {
  const auto entry = plex.value("entry", ordered_json::object());
  return fmt::format("plex {} ({}) in {}\nentry {}:{} (via {}), registry {}, control {}\n",
                     plex.value("name", ""), plex.value("mode", ""), plex.value("dir", ""),
                     entry.value("host", ""), entry.value("port", 0), entry.value("via", ""),
                     plex.value("registry", ""), plex.value("control", ""));
}

// What a user types next: a client through the entry, the bench, the rest.
std::string NextSteps(const config::PlexConfig& config, const ordered_json& plex,
                      const std::filesystem::path& bin_dir) {
  const auto entry = plex.value("entry", ordered_json::object());
  std::string database;
  for (const auto& odbm : config.odbms) {
    if (!odbm.start || !database.empty()) continue;
    const auto& datastore = odbm.odbm.datastores.front();
    database = datastore.aliases.empty() ? datastore.name : datastore.aliases.back();
  }
  std::string user = "app", password = "PASSWORD";
  if (!config.users.empty()) {
    user = config.users.front().name;
    // The demo users' password is "secret"; say so only when it is.
    if (config::VerifyPassword("secret", config.users.front().password_hash)) password = "secret";
  }
  const std::string dir = plex.value("dir", "");
  std::string text = "next:\n";
  text += fmt::format("  {} --host {} --port {} --database {} --user {} --password {}\n",
                      (bin_dir / "drdaplex-sql").string(), entry.value("host", ""),
                      entry.value("port", 0), database, user, password);
  text += fmt::format("  drdaplex bench --plex {}\n", dir);
  text += fmt::format("  drdaplex plex status --dir {}     (kill|restart|start|stop NAME)\n", dir);
  text += fmt::format("  drdaplex plex down --dir {}\n", dir);
  return text;
}

// The work directory of a running plex: --dir, else the current directory
// when it is one, else the only ./plex-* that is.
std::filesystem::path ResolveDir(const std::string& given) {
  if (!given.empty()) return given;
  if (std::filesystem::exists("control.port")) return ".";
  std::vector<std::filesystem::path> found;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(".", ec)) {
    if (entry.path().filename().string().rfind("plex-", 0) == 0 &&
        std::filesystem::exists(entry.path() / "control.port")) {
      found.push_back(entry.path());
    }
  }
  if (found.size() == 1) return found.front();
  Fail(found.empty() ? "no running plex here; give --dir DIR"
                     : "several running plexes here; give --dir DIR");
}

ordered_json Exchange(const std::filesystem::path& dir, const ordered_json& request) {
  std::string error;
  auto address = ControlAddress(dir, &error);
  if (!address) Fail(error);
  // A restart waits for the member to be ready.
  auto reply = router::ctl::RequestOk(*address, request, std::chrono::seconds(40), &error);
  if (!reply) Fail("control socket " + *address + ": " + error);
  return *reply;
}

struct UpOptions {
  std::string file;
  std::string dir;
  std::string network;
  bool no_supervise = false;
  bool detach = false;
};

void Up(const UpOptions& up) {
  config::PlexConfig config;
  try {
    config = config::LoadPlexConfig(up.file);
  } catch (const config::ConfigError& error) {
    std::fprintf(stderr, "%s\n", error.what());
    throw CLI::RuntimeError(2);
  }
  LaunchOptions options;
  options.dir = up.dir.empty() ? std::filesystem::path("plex-" + config.name)
                               : std::filesystem::path(up.dir);
  if (up.network == "namespaces") options.network = config::PlexNetwork::kNamespaces;
  if (up.network == "loopback") options.network = config::PlexNetwork::kLoopback;
  if (up.network == "auto") options.network = config::PlexNetwork::kAuto;
  options.supervise = !up.no_supervise;

  // Detaching forks before anything starts: members die with the thread
  // that started them, and systems are named after the launcher's pid.
  int ready_pipe = -1;
  if (up.detach) {
    int fds[2];
    if (pipe(fds) != 0) Fail("pipe failed");
    std::fflush(stdout);
    const pid_t pid = fork();
    if (pid < 0) Fail("fork failed");
    if (pid > 0) {
      close(fds[1]);
      char status = '1';
      if (read(fds[0], &status, 1) != 1) status = '1';
      close(fds[0]);
      if (status != '0') throw CLI::RuntimeError(1);
      return;  // the launcher goes on in the background
    }
    close(fds[0]);
    ready_pipe = fds[1];
    setsid();
  }
  InstallSignalHandlers();
  Launcher launcher(config, options);
  std::string error;
  if (!launcher.Up(&error)) {
    std::fprintf(stderr, "drdaplex plex up: %s\n", error.c_str());
    launcher.Stop();
    throw CLI::RuntimeError(1);
  }
  const ordered_json plex = launcher.Status();
  std::string bin_dir;
  {
    std::error_code ec;
    bin_dir = std::filesystem::read_symlink("/proc/self/exe", ec).parent_path().string();
  }
  std::cout << Summary(plex) << router::ctl::FormatTable(MemberRows(plex))
            << NextSteps(config, plex, bin_dir) << std::flush;
  if (ready_pipe >= 0) {
    // Up: the caller may go on; from now on the launcher talks to its log.
    const std::string log = (launcher.dir() / "launcher.log").string();
    const int log_fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    const int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null_fd >= 0) dup2(null_fd, STDIN_FILENO);
    if (log_fd >= 0) {
      dup2(log_fd, STDOUT_FILENO);
      dup2(log_fd, STDERR_FILENO);
    }
    const char ok = '0';
    if (write(ready_pipe, &ok, 1) != 1) {
      // The caller is gone; run on anyway.
    }
    close(ready_pipe);
  }
  launcher.Run(stop_requested);
  launcher.Stop();
  std::cout << "plex " << config.name << " down\n" << std::flush;
}

void Down(const std::filesystem::path& dir) {
  pid_t pid = 0;
  {
    std::ifstream in(dir / "launcher.pid");
    in >> pid;
  }
  Exchange(dir, {{"op", "down"}});
  // Bounded: members get 5 s per tier to stop.
  const bool gone = process::PollUntil(
      [&] { return pid <= 0 || (kill(pid, 0) != 0 && errno == ESRCH) ||
                   !std::filesystem::exists(dir / "launcher.pid"); },
      std::chrono::seconds(40));
  if (!gone) Fail("the launcher (pid " + std::to_string(pid) + ") did not finish in 40 s");
  std::cout << "plex in " << dir.string() << " is down\n";
}

}  // namespace

void AddPlexCommands(CLI::App& app) {
  CLI::App* plex = app.add_subcommand("plex", "run a simulated IMSplex from a plex file");
  plex->require_subcommand(1);

  auto up_options = std::make_shared<UpOptions>();
  CLI::App* up = plex->add_subcommand("up", "bring a plex up and supervise it");
  up->add_option("file", up_options->file, "the plex file (e.g. fixtures/plex/plex1.plex)")
      ->required()
      ->check(CLI::ExistingFile);
  up->add_option("--dir", up_options->dir, "work directory (default: ./plex-<NAME>)");
  up->add_option("--network", up_options->network, "override PLEX NETWORK")
      ->check(CLI::IsMember({"auto", "namespaces", "loopback"}));
  up->add_flag("--no-supervise", up_options->no_supervise,
               "do not restart members that die by themselves");
  up->add_flag("--detach", up_options->detach, "go to the background once everything is up");
  up->callback([up_options] { Up(*up_options); });

  auto dir = std::make_shared<std::string>();
  auto add_dir = [dir](CLI::App* command) {
    command->add_option("--dir", *dir, "the plex's work directory");
  };

  CLI::App* down = plex->add_subcommand("down", "stop a running plex");
  add_dir(down);
  down->callback([dir] { Down(ResolveDir(*dir)); });

  auto as_json = std::make_shared<bool>(false);
  CLI::App* status = plex->add_subcommand("status", "show a running plex");
  add_dir(status);
  status->add_flag("--json", *as_json, "the plex.json object");
  status->callback([dir, as_json] {
    const ordered_json reply = Exchange(ResolveDir(*dir), {{"op", "status"}});
    const ordered_json& plex = reply["plex"];
    if (*as_json) {
      std::cout << plex.dump(2) << "\n";
    } else {
      std::cout << Summary(plex) << router::ctl::FormatTable(MemberRows(plex));
    }
  });

  auto name = std::make_shared<std::string>();
  auto signal_name = std::make_shared<std::string>("KILL");
  CLI::App* kill_command = plex->add_subcommand("kill", "send a member a signal");
  add_dir(kill_command);
  kill_command->add_option("name", *name, "the member (ODBMB2, HWS1, SD1, SYS1, REGISTRY)")
      ->required();
  kill_command->add_option("--signal", *signal_name, "KILL, STOP, CONT or TERM")
      ->check(CLI::IsMember({"KILL", "STOP", "CONT", "TERM"}));
  kill_command->callback([dir, name, signal_name] {
    const ordered_json reply =
        Exchange(ResolveDir(*dir), {{"op", "signal"}, {"name", *name}, {"signal", *signal_name}});
    std::cout << reply.value("member", *name) << ": " << reply.value("state", "") << "\n";
  });

  for (const char* op : {"restart", "start", "stop"}) {
    const std::string help = std::string(op) == "restart" ? "stop a member and start it again"
                             : std::string(op) == "start"
                                 ? "start a member (START=N, killed or exited)"
                                 : "stop a member (SIGTERM); the supervisor leaves it stopped";
    CLI::App* command = plex->add_subcommand(op, help);
    add_dir(command);
    command->add_option("name", *name, "the member")->required();
    const std::string op_name = op;
    command->callback([dir, name, op_name] {
      const ordered_json reply =
          Exchange(ResolveDir(*dir), {{"op", op_name}, {"name", *name}});
      std::cout << reply.value("member", *name) << ": " << reply.value("state", "") << "\n";
    });
  }
}

}  // namespace drdaplex::plex
