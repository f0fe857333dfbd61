#include "harness/plex/launcher.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <fstream>

#include <fmt/format.h>

#include "config/pass_ticket.h"
#include "harness/plex/control_server.h"
#include "process/file_limit.h"
#include "process/polling.h"
#include "process/temp_dir.h"
#include "router/ctl/line_client.h"

namespace drdaplex::plex {

namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;
using nlohmann::ordered_json;

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

bool WriteText(const std::filesystem::path& path, const std::string& text, std::string* error) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  out.close();
  if (out) return true;
  *error = "cannot write " + path.string();
  return false;
}

// Writes path atomically: a reader sees the old file or the new one.
void WriteAtomically(const std::filesystem::path& path, const std::string& text) {
  const std::filesystem::path temporary = path.string() + ".tmp";
  std::string ignored;
  if (WriteText(temporary, text, &ignored)) {
    std::error_code ec;
    std::filesystem::rename(temporary, path, ec);
  }
}

// One JSON request to a member's operator socket or the registry; nullopt
// when it cannot be had within `timeout`.
std::optional<json> Ask(const std::string& address, const json& request,
                        std::chrono::milliseconds timeout) {
  std::string error;
  auto reply = router::ctl::AskJson(address, request, timeout, &error);
  if (!reply) return std::nullopt;
  return json(*reply);
}

int SignalNumber(const std::string& name) {
  if (name == "KILL") return SIGKILL;
  if (name == "TERM") return SIGTERM;
  if (name == "STOP") return SIGSTOP;
  if (name == "CONT") return SIGCONT;
  return 0;
}

ordered_json Error(const std::string& message) {
  return ordered_json{{"ok", false}, {"error", message}};
}

}  // namespace

const char* KindName(MemberKind kind) {
  switch (kind) {
    case MemberKind::kRegistry: return "registry";
    case MemberKind::kSystem: return "system";
    case MemberKind::kDistributor: return "distributor";
    case MemberKind::kRouter: return "router";
    case MemberKind::kOdbm: return "odbm";
  }
  return "?";
}

const char* StateName(MemberState state) {
  switch (state) {
    case MemberState::kStarting: return "starting";
    case MemberState::kRunning: return "running";
    case MemberState::kStopped: return "stopped";
    case MemberState::kKilled: return "killed";
    case MemberState::kNotStarted: return "not-started";
    case MemberState::kExited: return "exited";
  }
  return "?";
}

Launcher::Launcher(config::PlexConfig plex, LaunchOptions options)
    : plex_(std::move(plex)), options_(std::move(options)) {
  if (!plex_.supervise) options_.supervise = false;
  options_.dir = std::filesystem::absolute(options_.dir).lexically_normal();
  // The registry first, the distributors before the routers in the table
  // as plex.json lists them (see the README); the start order is Up()'s business.
  auto add = [&](std::string name, MemberKind kind, std::string system) -> Member& {
    Member& member = members_.emplace_back();
    member.name = std::move(name);
    member.kind = kind;
    member.system = std::move(system);
    member.policy = RestartPolicy(options_.restart_limits);
    return member;
  };
  members_.reserve(1 + plex_.systems.size() + plex_.distributors.size() + plex_.routers.size() +
                   plex_.odbms.size());
  add("REGISTRY", MemberKind::kRegistry, "");
  for (const auto& system : plex_.systems) {
    add(system.name, MemberKind::kSystem, system.name).system_config = &system;
  }
  for (const auto& distributor : plex_.distributors) {
    add(distributor.name, MemberKind::kDistributor, "").distributor = &distributor;
  }
  for (const auto& router : plex_.routers) {
    add(router.name, MemberKind::kRouter, router.system).router = &router;
  }
  for (const auto& odbm : plex_.odbms) {
    add(odbm.odbm.name, MemberKind::kOdbm, odbm.system).odbm = &odbm;
  }
}

Launcher::~Launcher() { Stop(); }

std::filesystem::path Launcher::Binary(const std::string& program) const {
  std::filesystem::path dir = options_.bin_dir;
  if (dir.empty()) {
    const char* env = std::getenv("DRDAPLEX_BIN_DIR");
    if (env != nullptr && *env != '\0') {
      dir = env;
    } else {
      std::error_code ec;
      dir = std::filesystem::read_symlink("/proc/self/exe", ec).parent_path();
    }
  }
  return dir / program;
}

std::filesystem::path Launcher::FileOf(const Member& member, const std::string& suffix) const {
  return options_.dir / (Lower(member.name) + suffix);
}

Launcher::Member* Launcher::Find(const std::string& name) {
  std::string upper = name;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (Member& member : members_) {
    if (member.name == upper || member.name == name) return &member;
  }
  return nullptr;
}

PlexAddresses Launcher::AddressesFor(const Member& member) const {
  PlexAddresses addresses;
  addresses.registry = registry_address_;
  addresses.system_address = member.system.empty() ? systems_->host_address()
                                                   : systems_->address(member.system);
  addresses.shared_port = shared_port_;
  addresses.dvipa = systems_->dvipa();
  addresses.dir = options_.dir;
  addresses.plex_key = plex_key_;
  return addresses;
}

bool Launcher::Up(std::string* error) {
  process::RaiseOpenFileLimit();  // children inherit it
  std::error_code ec;
  std::filesystem::create_directories(options_.dir, ec);
  if (ec) {
    *error = "cannot create " + options_.dir.string() + ": " + ec.message();
    return false;
  }
  if (!WriteText(options_.dir / "launcher.pid", std::to_string(getpid()) + "\n", error)) {
    return false;
  }
  // The previous run's status and control port would lie now.
  std::filesystem::remove(options_.dir / "control.port", ec);
  std::filesystem::remove(options_.dir / "plex.json", ec);

  const config::PlexNetwork network = options_.network.value_or(plex_.network);
  process::SimSystems::Mode mode = process::SimSystems::Mode::kLoopback;
  if (network == config::PlexNetwork::kNamespaces) {
    std::string why;
    if (process::SimSystems::Available(&why) != process::SimSystems::Mode::kNamespaces) {
      *error = "NETWORK=NAMESPACES, but namespaces cannot be made here: " + why;
      return false;
    }
    mode = process::SimSystems::Mode::kNamespaces;
  } else if (network == config::PlexNetwork::kAuto) {
    mode = process::SimSystems::Available(nullptr);
  }
  std::vector<std::string> names;
  for (const auto& system : plex_.systems) names.push_back(system.name);
  systems_ = process::SimSystems::Create(mode, names, error);
  if (!systems_) return false;
  mode_ = process::ModeName(mode);

  if (plex_.plex_key) {
    plex_key_ = options_.dir / "plex.key";
    if (!config::PlexKey::Generate().Save(plex_key_, error)) return false;
  }
  shared_port_ = plex_.port;

  auto start_kind = [&](MemberKind kind, bool backups) -> bool {
    for (Member& member : members_) {
      if (member.kind != kind) continue;
      if (kind == MemberKind::kOdbm && !member.odbm->start) continue;
      if (kind == MemberKind::kDistributor && member.distributor->backup != backups) continue;
      if (!StartMember(member, error)) return false;
    }
    return true;
  };
  // The registry first: everyone registers there. ODBMs before routers, so
  // the routers' first snapshot holds them; distributors last, primary
  // first, when the routers they distribute to are registered.
  if (!start_kind(MemberKind::kRegistry, false) || !start_kind(MemberKind::kSystem, false) ||
      !start_kind(MemberKind::kOdbm, false) || !start_kind(MemberKind::kRouter, false) ||
      !start_kind(MemberKind::kDistributor, false) || !start_kind(MemberKind::kDistributor, true)) {
    return false;
  }
  for (Member& member : members_) {
    if (member.kind == MemberKind::kDistributor && !member.distributor->backup &&
        !WaitForTargets(member, error)) {
      return false;
    }
  }
  control_ = std::make_unique<ControlServer>(
      [this](const json& request) { return Submit(request); });
  control_port_ = control_->port();
  WriteAtomically(options_.dir / "control.port", std::to_string(control_port_) + "\n");
  WritePlexJson();
  return true;
}

bool Launcher::StartMember(Member& member, std::string* error) {
  const std::string base = Lower(member.name);
  std::vector<std::string> argv;
  std::vector<std::pair<std::string, std::filesystem::path>> port_files;  // flag, file
  const PlexAddresses addresses = AddressesFor(member);
  auto write_config = [&](const std::string& text) -> std::string {
    const std::filesystem::path path = FileOf(member, ".cfg");
    return WriteText(path, text, error) ? path.string() : std::string();
  };
  switch (member.kind) {
    case MemberKind::kRegistry:
      argv = {Binary("drdaplex-registry"), "--listen", systems_->host_address() + ":0"};
      port_files = {{"port-file", FileOf(member, ".port")}};
      member.host = systems_->host_address();
      break;
    case MemberKind::kSystem:
      argv = {Binary("drdaplex-system"), "--name", member.name, "--registry", registry_address_,
              "--capacity", std::to_string(member.system_config->capacity)};
      break;
    case MemberKind::kOdbm: {
      const std::string config = write_config(OdbmConfigText(*member.odbm, addresses));
      if (config.empty()) return false;
      argv = {Binary("drdaplex-odbm"), "--config", config, "--listen",
              addresses.system_address + ":0", "--registry", registry_address_, "--system",
              member.system};
      port_files = {{"port-file", FileOf(member, ".port")}};
      member.host = addresses.system_address;
      break;
    }
    case MemberKind::kRouter: {
      const std::string config = write_config(RouterConfigText(plex_, *member.router, addresses));
      if (config.empty()) return false;
      argv = {Binary("drdaplex-router"), "--config", config};
      if (member.router->threads > 0) {
        argv.insert(argv.end(), {"--threads", std::to_string(member.router->threads)});
      }
      port_files = {{"port-file", FileOf(member, ".port")},
                    {"admin-port-file", FileOf(member, ".admin-port")}};
      member.host = addresses.system_address;
      break;
    }
    case MemberKind::kDistributor: {
      const std::string config = write_config(DistributorConfigText(*member.distributor, addresses));
      if (config.empty()) return false;
      argv = {Binary("drdaplex-distributor"), "--config", config};
      port_files = {{"admin-port-file", FileOf(member, ".admin-port")}};
      member.host = systems_->dvipa();
      member.port = shared_port_;
      break;
    }
  }
  for (const auto& [flag, path] : port_files) {
    std::error_code ec;
    std::filesystem::remove(path, ec);  // a stale file would lie
    argv.push_back("--" + flag);
    argv.push_back(path.string());
  }
  // Keep the previous run's log for a post-mortem.
  const std::filesystem::path log = FileOf(member, ".log");
  std::error_code ec;
  if (std::filesystem::exists(log, ec)) {
    std::filesystem::rename(log, log.string() + ".1", ec);
  }
  process::ChildOptions child;
  child.argv = argv;
  child.stdout_path = log.string();
  child.stderr_path = log.string();
  child.working_dir = options_.dir.string();
  member.state = MemberState::kStarting;
  member.child.reset();
  std::string start_error;
  auto fail = [&](const std::string& why) {
    if (member.child) member.child->Stop(SIGKILL, std::chrono::seconds(5));
    member.state = MemberState::kExited;
    member.last_error = why;
    *error = member.name + ": " + why + "\nlog " + log.string() + ":\n" +
             process::TailLines(process::ReadFileOrEmpty(log.string()), 30);
    return false;
  };
  auto start = [&] { member.child = process::ChildProcess::Start(child, &start_error); };
  if (member.system.empty()) {
    start();
  } else if (!systems_->RunIn(member.system, start, &start_error)) {
    return fail(start_error);
  }
  if (!member.child) return fail(start_error);

  for (const auto& [flag, path] : port_files) {
    std::string wait_error;
    auto port = process::WaitForPortFile(path.string(), options_.ready_timeout,
                                         member.child.get(), &wait_error);
    if (!port) return fail(wait_error);
    if (flag == "port-file") member.port = *port;
    if (flag == "admin-port-file") {
      member.admin = (member.kind == MemberKind::kDistributor ? std::string("127.0.0.1")
                                                              : addresses.system_address) +
                     ":" + std::to_string(*port);
    }
  }
  switch (member.kind) {
    case MemberKind::kRegistry:
      registry_address_ = member.host + ":" + std::to_string(member.port);
      break;
    case MemberKind::kRouter:
      if (shared_port_ == 0) shared_port_ = static_cast<uint16_t>(member.port);
      break;
    case MemberKind::kOdbm: {
      std::string wait_error;
      if (!WaitRegistered(member, member.child.get(), &wait_error)) return fail(wait_error);
      break;
    }
    case MemberKind::kSystem:
      // No port file: it only registers. Running a moment later is enough.
      if (member.child->Wait(std::chrono::milliseconds(100))) {
        return fail("exited at once (" + member.child->status()->ToString() + ")");
      }
      break;
    case MemberKind::kDistributor:
      break;
  }
  member.state = MemberState::kRunning;
  member.last_error.clear();
  member.restart_at.reset();
  WritePlexJson();
  return true;
}

bool Launcher::WaitRegistered(const Member& odbm, process::ChildProcess* child,
                              std::string* error) {
  const bool registered = process::PollUntil(
      [&] {
        if (!child->IsRunning()) return true;
        auto reply = Ask(registry_address_, json{{"op", "query"}, {"kinds", {"odbm"}}},
                         std::chrono::seconds(2));
        if (!reply) return false;
        for (const json& row : reply->value("rows", json::array())) {
          if (row.value("name", "") == odbm.name) return true;
        }
        return false;
      },
      options_.ready_timeout);
  if (!child->IsRunning()) {
    *error = "exited (" + child->status()->ToString() + ") before registering";
    return false;
  }
  if (!registered) {
    *error = fmt::format("not registered with the registry {} after {} ms", registry_address_,
                         options_.ready_timeout.count());
    return false;
  }
  return true;
}

bool Launcher::WaitForTargets(const Member& distributor, std::string* error) {
  size_t routers = 0;
  for (const Member& member : members_) {
    if (member.kind == MemberKind::kRouter && member.state == MemberState::kRunning) ++routers;
  }
  std::string seen;
  const bool ready = process::PollUntil(
      [&] {
        auto vdpt = Ask(distributor.admin, json{{"command", "vdpt"}}, std::chrono::seconds(2));
        if (!vdpt) return false;
        seen = vdpt->dump();
        const json rows = vdpt->value("rows", json::array());
        if (!vdpt->value("owner", false) || rows.size() != routers) return false;
        return std::all_of(rows.begin(), rows.end(),
                           [](const json& row) { return row.value("rdy", 0) == 1; });
      },
      options_.ready_timeout);
  if (!ready) {
    *error = fmt::format(
        "{}: does not own the DVIPA with all {} routers ready after {} ms; last VDPT: {}",
        distributor.name, routers, options_.ready_timeout.count(), seen);
  }
  return ready;
}

bool Launcher::Alive(Member& member) { return member.child && member.child->IsRunning(); }

void Launcher::StopMember(Member& member, MemberState final_state) {
  if (Alive(member)) {
    member.child->Kill(SIGCONT);  // a stopped process cannot act on SIGTERM
    member.child->Stop(SIGTERM, options_.stop_timeout);
  }
  member.state = final_state;
  member.restart_at.reset();
}

void Launcher::StopTier(MemberKind kind) {
  const auto deadline = Clock::now() + options_.stop_timeout;
  for (Member& member : members_) {
    if (member.kind != kind || !Alive(member)) continue;
    member.child->Kill(SIGCONT);
    member.child->Kill(SIGTERM);
  }
  for (Member& member : members_) {
    if (member.kind != kind || !member.child) continue;
    const auto left = std::max(std::chrono::milliseconds(0),
                               std::chrono::duration_cast<std::chrono::milliseconds>(
                                   deadline - Clock::now()));
    if (!member.child->Wait(left)) member.child->Stop(SIGKILL, std::chrono::seconds(5));
    if (member.state != MemberState::kNotStarted) member.state = MemberState::kKilled;
  }
}

void Launcher::Stop() {
  if (stopped_) return;
  stopped_ = true;
  // Front to back: the entry first, so no new connection finds half a plex.
  for (MemberKind kind : {MemberKind::kDistributor, MemberKind::kRouter, MemberKind::kOdbm,
                          MemberKind::kSystem, MemberKind::kRegistry}) {
    StopTier(kind);
  }
  if (!members_.empty() && systems_) WritePlexJson();
  control_.reset();
  std::error_code ec;
  std::filesystem::remove(options_.dir / "control.port", ec);
  for (Member& member : members_) member.child.reset();
  systems_.reset();  // namespaces, veths and bridge go
  // Last: `plex down` waits for this file to go.
  std::filesystem::remove(options_.dir / "launcher.pid", ec);
}

void Launcher::Supervise() {
  const auto now = Clock::now();
  for (Member& member : members_) {
    const bool watched = member.state == MemberState::kRunning ||
                         member.state == MemberState::kStopped ||
                         member.state == MemberState::kStarting;
    if (watched && member.child && !member.child->IsRunning()) {
      member.state = MemberState::kExited;
      member.last_error = "exited by itself (" + member.child->status()->ToString() + ")";
      if (options_.supervise) {
        member.restart_at = member.policy.OnUnexpectedExit(now);
        if (!member.restart_at) {
          member.last_error += fmt::format("; given up after {} restarts in {} s",
                                           member.policy.limits().max_restarts,
                                           member.policy.limits().window.count() / 1000);
        }
      }
      WritePlexJson();
    }
    if (member.state == MemberState::kExited && member.restart_at && *member.restart_at <= now) {
      std::string error;
      if (StartMember(member, &error)) {
        ++member.restarts;
      } else {
        member.restart_at = member.policy.OnUnexpectedExit(Clock::now());
        member.last_error = error.substr(0, error.find('\n'));
      }
      WritePlexJson();
    }
  }
}

void Launcher::Run(const std::atomic<bool>& stop) {
  while (!stop.load() && !down_requested_) {
    DrainRequests();
    if (down_requested_) break;
    Supervise();
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, std::chrono::milliseconds(50), [this] { return !requests_.empty(); });
  }
  // Whoever asked "down" has had the answer; what is queued now gets one.
  std::lock_guard lock(mutex_);
  for (auto& request : requests_) request->reply.set_value(Error("the plex is going down"));
  requests_.clear();
}

ordered_json Launcher::Submit(const json& request) {
  auto queued = std::make_shared<Request>();
  queued->request = request;
  std::future<ordered_json> reply = queued->reply.get_future();
  {
    std::lock_guard lock(mutex_);
    if (stopped_ || down_requested_) return Error("the plex is going down");
    requests_.push_back(queued);
  }
  wake_.notify_one();
  // A restart waits up to ready_timeout for the member, after up to
  // stop_timeout for it to end.
  if (reply.wait_for(options_.ready_timeout + options_.stop_timeout + std::chrono::seconds(10)) !=
      std::future_status::ready) {
    return Error("the launcher did not answer in time");
  }
  return reply.get();
}

void Launcher::DrainRequests() {
  while (true) {
    std::shared_ptr<Request> request;
    {
      std::lock_guard lock(mutex_);
      if (requests_.empty()) return;
      request = requests_.front();
      requests_.pop_front();
    }
    ordered_json reply;
    try {
      reply = Handle(request->request);
    } catch (const std::exception& e) {
      reply = Error(e.what());
    }
    request->reply.set_value(std::move(reply));
  }
}

ordered_json Launcher::Handle(const json& request) {
  const std::string op = request.value("op", "");
  if (op == "status") return ordered_json{{"ok", true}, {"plex", Status()}};
  if (op == "down") {
    down_requested_ = true;
    return ordered_json{{"ok", true}};
  }
  if (op != "signal" && op != "restart" && op != "start" && op != "stop") {
    return Error("unknown op '" + op + "'; expected status, signal, restart, start, stop or down");
  }
  const std::string name = request.value("name", "");
  Member* member = Find(name);
  if (member == nullptr) return Error("no member named " + name);
  std::string error;
  if (op == "signal") {
    const std::string signal_name = request.value("signal", "KILL");
    const int signal = SignalNumber(signal_name);
    if (signal == 0) return Error("signal must be KILL, STOP, CONT or TERM, not " + signal_name);
    if (!Alive(*member)) {
      return Error(member->name + " is not running (" + StateName(member->state) + ")");
    }
    member->child->Kill(signal);
    if (signal == SIGSTOP) {
      member->state = MemberState::kStopped;
    } else if (signal == SIGCONT) {
      member->state = MemberState::kRunning;
    } else {
      // An operator's kill: the supervisor leaves it dead.
      member->state = MemberState::kKilled;
      member->restart_at.reset();
      if (signal == SIGTERM) member->child->Kill(SIGCONT);
      member->child->Wait(options_.stop_timeout);
    }
  } else if (op == "stop") {
    if (!Alive(*member)) {
      return Error(member->name + " is not running (" + StateName(member->state) + ")");
    }
    StopMember(*member, MemberState::kKilled);
  } else if (op == "start" || op == "restart") {
    if (op == "start" && Alive(*member)) {
      return Error(member->name + " is already running; use restart");
    }
    if (Alive(*member)) StopMember(*member, MemberState::kKilled);
    member->policy.Reset();
    if (!StartMember(*member, &error)) return Error(error);
    if (op == "restart") ++member->restarts;
  }
  WritePlexJson();
  return ordered_json{{"ok", true}, {"member", member->name}, {"state", StateName(member->state)}};
}

ordered_json Launcher::Status() const {
  ordered_json plex;
  plex["name"] = plex_.name;
  plex["dir"] = options_.dir.string();
  plex["mode"] = mode_;
  plex["launcher_pid"] = static_cast<int>(getpid());
  plex["running"] = !stopped_;
  plex["control"] = control_port_ == 0 ? "" : "127.0.0.1:" + std::to_string(control_port_);
  plex["registry"] = registry_address_;
  const bool distributed = !plex_.distributors.empty();
  plex["entry"] = {
      {"host", systems_ == nullptr ? ""
               : distributed       ? systems_->dvipa()
                                   : systems_->address(plex_.systems.front().name)},
      {"port", shared_port_},
      {"via", distributed ? "distributor" : "shareport"}};
  plex["shared_port"] = shared_port_;
  plex["plex_key"] = plex_key_.string();
  ordered_json systems = ordered_json::array();
  for (const auto& system : plex_.systems) {
    systems.push_back({{"name", system.name},
                       {"address", systems_ ? systems_->address(system.name) : ""},
                       {"netns", systems_ ? systems_->netns(system.name) : ""},
                       {"capacity", system.capacity}});
  }
  plex["systems"] = systems;
  ordered_json members = ordered_json::array();
  for (const Member& member : members_) {
    ordered_json m;
    m["name"] = member.name;
    m["kind"] = KindName(member.kind);
    m["system"] = member.system;
    m["state"] = StateName(member.state);
    m["pid"] = member.child && !member.child->status() ? member.child->pid() : 0;
    m["host"] = member.host;
    m["port"] = member.port;
    m["admin"] = member.admin;
    m["restarts"] = member.restarts;
    if (!member.last_error.empty()) m["error"] = member.last_error;
    if (member.kind == MemberKind::kDistributor) {
      m["backup_rank"] = member.distributor->backup ? member.distributor->backup_rank : 0;
    }
    if (member.kind == MemberKind::kOdbm) {
      m["start"] = member.odbm->start;
      ordered_json datastores = ordered_json::array();
      for (const auto& datastore : member.odbm->odbm.datastores) {
        datastores.push_back(
            {{"name", datastore.name},
             {"aliases", datastore.aliases},
             {"database", DatabasePath(datastore.database, options_.dir).string()}});
      }
      m["datastores"] = datastores;
    }
    members.push_back(std::move(m));
  }
  plex["members"] = members;
  return plex;
}

void Launcher::WritePlexJson() {
  const std::string text = Status().dump(2) + "\n";
  if (text == last_json_) return;
  last_json_ = text;
  WriteAtomically(options_.dir / "plex.json", text);
}

}  // namespace drdaplex::plex
