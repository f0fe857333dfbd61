#include "process/sim_systems.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include "process/child_process.h"

namespace drdaplex::process {

namespace {

using std::chrono::seconds;

constexpr auto kIpTimeout = seconds(10);
constexpr size_t kMaxSystems = 89;  // .11 .. .99; .100 is the DVIPA
constexpr size_t kMaxNameLength = 32;
// Namespace-mode subnets 10.<100..199>.<0..255>.0/24: away from 10.0.x and
// 10.1.x that home routers and VPNs like, and from plex-net.sh's 10.77.0.0/24.
constexpr uint32_t kSubnetFirst = (10u << 24) | (100u << 16);
constexpr uint32_t kSubnetCount = 100 * 256;
// Loopback-mode 127.0.<2..254>: 127.0.0.x is everyone's, Debian maps the
// host name to 127.0.1.1.
constexpr uint32_t kLoopbackFirst = 2;
constexpr uint32_t kLoopbackCount = 253;

// Links of one process are numbered by this counter so that their names stay
// unique and within IFNAMSIZ: "dpx" + pid (<= 7 digits) + letter + <= 4 digits.
std::atomic<int> link_counter{0};
std::atomic<int> instance_counter{0};

std::string IpPath() {
  std::string path = FindExecutable("ip");
  if (path.empty()) {
    for (const char* candidate : {"/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"}) {
      if (access(candidate, X_OK) == 0) return candidate;
    }
  }
  return path;
}

std::string Dotted(uint32_t host_order) {
  in_addr addr{htonl(host_order)};
  char text[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, &addr, text, sizeof(text));
  return text;
}

uint32_t PrefixMask(int length) {
  return length <= 0 ? 0u : length >= 32 ? ~0u : ~0u << (32 - length);
}

int MaskLength(uint32_t mask) {
  int length = 0;
  while (length < 32 && (mask & (1u << (31 - length))) != 0) ++length;
  return length;
}

// A network the host already uses: an interface's address with its prefix,
// or a route's destination (host byte order).
struct Network {
  uint32_t address;
  uint32_t mask;
};

std::vector<Network> HostNetworks() {
  std::vector<Network> networks;
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) == 0) {
    for (ifaddrs* entry = list; entry != nullptr; entry = entry->ifa_next) {
      if (entry->ifa_addr == nullptr || entry->ifa_addr->sa_family != AF_INET) continue;
      uint32_t address = ntohl(reinterpret_cast<sockaddr_in*>(entry->ifa_addr)->sin_addr.s_addr);
      uint32_t mask =
          entry->ifa_netmask == nullptr
              ? ~0u
              : ntohl(reinterpret_cast<sockaddr_in*>(entry->ifa_netmask)->sin_addr.s_addr);
      networks.push_back({address, ~0u});  // the address itself
      networks.push_back({address & mask, mask});
    }
    freeifaddrs(list);
  }
  // /proc/net/route (main table): "Iface Destination Gateway Flags RefCnt Use
  // Metric Mask ..." with addresses as the hex of the network-order word.
  std::ifstream routes("/proc/net/route");
  std::string line;
  std::getline(routes, line);  // header
  while (std::getline(routes, line)) {
    std::istringstream fields(line);
    std::string iface, destination, gateway, flags, refcnt, use, metric, mask;
    if (!(fields >> iface >> destination >> gateway >> flags >> refcnt >> use >> metric >> mask)) {
      continue;
    }
    uint32_t dest_word = static_cast<uint32_t>(std::strtoul(destination.c_str(), nullptr, 16));
    uint32_t mask_word = static_cast<uint32_t>(std::strtoul(mask.c_str(), nullptr, 16));
    if (mask_word == 0) continue;  // the default route overlaps everything by design
    networks.push_back({ntohl(dest_word), ntohl(mask_word)});
  }
  return networks;
}

// Whether 10.a.b.0/24 would shadow or share anything the host uses. A
// shorter host prefix (10.0.0.0/8 over a VPN) counts too: our /24 would cut
// a hole in it.
bool Overlaps(uint32_t subnet, const std::vector<Network>& networks) {
  const uint32_t ours = PrefixMask(24);
  for (const Network& network : networks) {
    const uint32_t common = MaskLength(network.mask) < 24 ? network.mask : ours;
    if ((subnet & common) == (network.address & common)) return true;
  }
  return false;
}

// Holds `name` for this process: binds an abstract unix socket (no file to
// leave behind; released by the kernel when the process dies). -1 when
// another process holds it.
int TryLock(const std::string& name) {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  const std::string path = "drdaplex-sim-systems/" + name;
  std::memcpy(address.sun_path + 1, path.data(), path.size());  // sun_path[0] = 0: abstract
  const socklen_t length =
      static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + path.size());
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), length) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

bool ValidName(const std::string& name) {
  if (name.empty() || name.size() > kMaxNameLength) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') return false;
  }
  return true;
}

// A zombie counts as dead: a test process killed in a container whose init
// never reaps stays a zombie for good.
bool PidAlive(long pid) {
  if (pid <= 0) return false;
  if (kill(static_cast<pid_t>(pid), 0) != 0 && errno != EPERM) return false;
  std::ifstream stat_file("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  std::getline(stat_file, stat);
  const size_t paren = stat.rfind(')');
  return !(paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] == 'Z');
}

// The pid in "dpx-<pid>-..." (namespaces) or "dpx<pid><letter>..." (links),
// or -1 when `name` is not one of ours.
long OwnerPid(const std::string& name, bool is_namespace) {
  const std::string prefix = is_namespace ? "dpx-" : "dpx";
  if (name.compare(0, prefix.size(), prefix) != 0) return -1;
  size_t end = prefix.size();
  while (end < name.size() && std::isdigit(static_cast<unsigned char>(name[end]))) ++end;
  if (end == prefix.size() || end - prefix.size() > 9 || end == name.size()) return -1;
  const char next = name[end];
  if (is_namespace ? next != '-' : !std::islower(static_cast<unsigned char>(next))) return -1;
  return std::stol(name.substr(prefix.size(), end - prefix.size()));
}

std::vector<std::string> DirectoryEntries(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    names.push_back(entry.path().filename().string());
  }
  return names;
}

// Removes namespaces and links that runs which died left behind. Errors are
// ignored: a concurrent process may be removing the same leftovers.
void RemoveStale(const std::string& ip) {
  for (const std::string& link : DirectoryEntries("/sys/class/net")) {
    long pid = OwnerPid(link, /*is_namespace=*/false);
    if (pid > 0 && !PidAlive(pid)) RunCommand({ip, "link", "del", link}, kIpTimeout);
  }
  for (const std::string& ns : DirectoryEntries("/run/netns")) {
    long pid = OwnerPid(ns, /*is_namespace=*/true);
    if (pid > 0 && !PidAlive(pid)) RunCommand({ip, "netns", "del", ns}, kIpTimeout);
  }
}

SimSystems::Mode Probe(std::string* why) {
  using Mode = SimSystems::Mode;
  const char* forced = std::getenv("DRDAPLEX_SIM_SYSTEMS");
  if (forced != nullptr && std::string(forced) == "loopback") {
    *why = "DRDAPLEX_SIM_SYSTEMS=loopback";
    return Mode::kLoopback;
  }
  if (geteuid() != 0) {
    *why = "not root (network namespaces, bridges and veths need it)";
    return Mode::kLoopback;
  }
  const std::string ip = IpPath();
  if (ip.empty()) {
    *why = "no ip program (iproute2)";
    return Mode::kLoopback;
  }
  const std::string pid = std::to_string(getpid());
  const std::string ns = "dpx-" + pid + "-probe";
  const std::string link = "dpx" + pid + "t" + std::to_string(link_counter++);
  CommandResult result = RunCommand({ip, "netns", "add", ns}, kIpTimeout);
  if (!result.Success()) {
    *why = "cannot create a network namespace:\n" + result.Describe(20);
    return Mode::kLoopback;
  }
  // Entering it is what every system's programs will do.
  result = RunCommand({ip, "netns", "exec", ns, ip, "link", "set", "lo", "up"}, kIpTimeout);
  if (result.Success()) {
    result = RunCommand({ip, "link", "add", link, "type", "bridge"}, kIpTimeout);
    if (result.Success()) RunCommand({ip, "link", "del", link}, kIpTimeout);
  }
  RunCommand({ip, "netns", "del", ns}, kIpTimeout);
  if (!result.Success()) {
    *why = "cannot enter a network namespace or create a bridge:\n" + result.Describe(20);
    return Mode::kLoopback;
  }
  *why = "root, " + ip + ", namespaces and bridges work";
  return Mode::kNamespaces;
}

SimSystems::TeardownReporter& TeardownReporterSlot() {
  static SimSystems::TeardownReporter reporter = [](const std::string& problems) {
    std::fprintf(stderr, "%s\n", problems.c_str());
  };
  return reporter;
}

}  // namespace

void SimSystems::SetTeardownReporter(TeardownReporter reporter) {
  TeardownReporterSlot() = std::move(reporter);
}

const char* ModeName(SimSystems::Mode mode) {
  return mode == SimSystems::Mode::kNamespaces ? "namespaces" : "loopback";
}

SimSystems::Mode SimSystems::Available(std::string* why) {
  struct Result {
    Mode mode;
    std::string why;
  };
  static const Result result = [] {
    Result r;
    r.mode = Probe(&r.why);
    return r;
  }();
  if (why != nullptr) *why = result.why;
  return result.mode;
}

std::unique_ptr<SimSystems> SimSystems::Create(Mode mode, std::vector<std::string> system_names,
                                               std::string* error) {
  if (system_names.empty() || system_names.size() > kMaxSystems) {
    *error = "SimSystems: need 1 to " + std::to_string(kMaxSystems) + " systems, got " +
             std::to_string(system_names.size());
    return nullptr;
  }
  std::set<std::string> seen;
  for (const std::string& name : system_names) {
    if (!ValidName(name) || !seen.insert(name).second) {
      *error = "SimSystems: bad or repeated system name '" + name + "'";
      return nullptr;
    }
  }
  std::unique_ptr<SimSystems> systems(new SimSystems());
  systems->mode_ = mode;
  systems->names_ = std::move(system_names);
  const bool ok =
      mode == Mode::kNamespaces ? systems->SetUpNamespaces(error) : systems->SetUpLoopback(error);
  if (!ok) return nullptr;  // the destructor removes what was made
  return systems;
}

bool SimSystems::SetUpLoopback(std::string* error) {
  const uint32_t start = static_cast<uint32_t>(getpid()) % kLoopbackCount;
  for (uint32_t i = 0; i < kLoopbackCount && subnet_lock_fd_ < 0; ++i) {
    const uint32_t b = kLoopbackFirst + (start + i) % kLoopbackCount;
    subnet_lock_fd_ = TryLock("127.0." + std::to_string(b));
    if (subnet_lock_fd_ < 0) continue;
    const uint32_t base = (127u << 24) | (b << 8);
    for (size_t s = 0; s < names_.size(); ++s) {
      addresses_[names_[s]] = Dotted(base + 11 + static_cast<uint32_t>(s));
      namespaces_[names_[s]] = "";
    }
    dvipa_ = Dotted(base + 100);
    host_address_ = "127.0.0.1";
  }
  if (subnet_lock_fd_ < 0) {
    *error = "SimSystems: every 127.0.<b>.0/24 is held by another process";
    return false;
  }
  return true;
}

bool SimSystems::SetUpNamespaces(std::string* error) {
  ip_ = IpPath();
  if (ip_.empty()) {
    *error = "SimSystems: no ip program (iproute2)";
    return false;
  }
  RemoveStale(ip_);

  const std::vector<Network> used = HostNetworks();
  const uint32_t start = static_cast<uint32_t>(getpid()) % kSubnetCount;
  uint32_t subnet = 0;
  for (uint32_t i = 0; i < kSubnetCount && subnet_lock_fd_ < 0; ++i) {
    subnet = kSubnetFirst + (((start + i) % kSubnetCount) << 8);
    if (Overlaps(subnet, used)) continue;
    subnet_lock_fd_ = TryLock(Dotted(subnet));
  }
  if (subnet_lock_fd_ < 0) {
    *error = "SimSystems: no free 10.<100-199>.<b>.0/24";
    return false;
  }

  const std::string pid = std::to_string(getpid());
  const std::string instance = std::to_string(instance_counter++);
  host_address_ = Dotted(subnet + 1);
  dvipa_ = Dotted(subnet + 100);
  bridge_ = "dpx" + pid + "b" + std::to_string(link_counter++);
  if (!Ip({"link", "add", bridge_, "type", "bridge"}, error)) {
    bridge_.clear();
    return false;
  }
  bridge_created_ = true;
  if (!Ip({"addr", "add", host_address_ + "/24", "dev", bridge_}, error) ||
      !Ip({"addr", "add", dvipa_ + "/32", "dev", bridge_}, error) ||
      !Ip({"link", "set", bridge_, "up"}, error)) {
    return false;
  }
  for (size_t s = 0; s < names_.size(); ++s) {
    const std::string& name = names_[s];
    const std::string ns = "dpx-" + pid + "-" + instance + "-" + name;
    const std::string address = Dotted(subnet + 11 + static_cast<uint32_t>(s));
    const std::string veth = "dpx" + pid + "v" + std::to_string(link_counter++);
    if (!Ip({"netns", "add", ns}, error)) return false;
    created_namespaces_.push_back(ns);
    // The peer is born inside the namespace under its final name, so a crash
    // here never leaves a stray "eth0" in the host namespace.
    if (!Ip({"link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns}, error)) {
      return false;
    }
    created_links_.push_back(veth);
    if (!Ip({"link", "set", veth, "master", bridge_, "up"}, error) ||
        !Ip({"-n", ns, "addr", "add", address + "/24", "dev", "eth0"}, error) ||
        !Ip({"-n", ns, "link", "set", "lo", "up"}, error) ||
        !Ip({"-n", ns, "link", "set", "eth0", "up"}, error) ||
        !Ip({"-n", ns, "route", "add", "default", "via", host_address_}, error)) {
      return false;
    }
    addresses_[name] = address;
    namespaces_[name] = ns;
  }
  return true;
}

bool SimSystems::Ip(std::vector<std::string> args, std::string* error) const {
  args.insert(args.begin(), ip_);
  CommandResult result = RunCommand(std::move(args), kIpTimeout);
  if (result.Success()) return true;
  *error = "SimSystems: " + result.Describe(20);
  return false;
}

SimSystems::~SimSystems() { TearDown(); }

void SimSystems::TearDown() {
  // Deleting a veth's host end deletes its peer, even while a straggler
  // keeps the namespace alive; the bridge takes its addresses (the DVIPA)
  // with it.
  std::string errors;
  std::string error;
  for (const std::string& link : created_links_) {
    if (!Ip({"link", "del", link}, &error)) errors += error;
  }
  created_links_.clear();
  if (bridge_created_ && !Ip({"link", "del", bridge_}, &error)) errors += error;
  bridge_created_ = false;
  for (const std::string& ns : created_namespaces_) {
    if (!Ip({"netns", "del", ns}, &error)) errors += error;
  }
  created_namespaces_.clear();
  if (subnet_lock_fd_ >= 0) close(subnet_lock_fd_);
  subnet_lock_fd_ = -1;
  if (!errors.empty()) TeardownReporterSlot()("SimSystems teardown left something behind:\n" + errors);
}

const std::string& SimSystems::address(const std::string& system) const {
  auto it = addresses_.find(system);
  if (it == addresses_.end()) throw std::out_of_range("SimSystems: no system " + system);
  return it->second;
}

const std::string& SimSystems::netns(const std::string& system) const {
  auto it = namespaces_.find(system);
  if (it == namespaces_.end()) throw std::out_of_range("SimSystems: no system " + system);
  return it->second;
}

std::vector<std::string> SimSystems::CommandIn(const std::string& system,
                                               std::vector<std::string> argv) const {
  const std::string& ns = netns(system);
  if (mode_ == Mode::kLoopback) return argv;
  std::vector<std::string> wrapped = {ip_, "netns", "exec", ns};
  wrapped.insert(wrapped.end(), std::make_move_iterator(argv.begin()),
                 std::make_move_iterator(argv.end()));
  return wrapped;
}

bool SimSystems::RunIn(const std::string& system, const std::function<void()>& fn,
                       std::string* error) const {
  const std::string& ns = netns(system);
  if (mode_ == Mode::kLoopback) {
    fn();
    return true;
  }
  const int home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (home < 0) {
    *error = std::string("SimSystems: open /proc/thread-self/ns/net: ") + std::strerror(errno);
    return false;
  }
  const std::string path = "/run/netns/" + ns;
  const int target = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (target < 0 || setns(target, CLONE_NEWNET) != 0) {
    *error = "SimSystems: cannot enter " + path + ": " + std::strerror(errno);
    if (target >= 0) close(target);
    close(home);
    return false;
  }
  close(target);
  // Back home however `fn` leaves (an exception included).
  struct Return {
    int home;
    ~Return() {
      if (setns(home, CLONE_NEWNET) != 0) {
        std::fprintf(stderr, "SimSystems: cannot return to the test's network namespace: %s\n",
                     std::strerror(errno));
        std::abort();
      }
      close(home);
    }
  } back_home{home};
  fn();
  return true;
}

}  // namespace drdaplex::process
