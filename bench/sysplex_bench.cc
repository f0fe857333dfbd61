// What the Sysplex Distributor costs a client: connection setups and prepared
// SELECT round trips through the DVIPA against straight to a router, side by
// side in one run.
//
// A Sysplex (tests/sysplex/sysplex_fixture.h: three simulated systems, in
// network namespaces when this process may make them, else on loopback
// addresses; a registry, WLM agents, ODBMB1, routers HWS1+HWS2 on SYS1, HWS3
// on SYS2, HWS4 on SYS3) and, per configuration, one distributor owning the
// DVIPA (DISTMETHOD=ROUNDROBIN, then SERVERWLM with SHAREPORT=WLM). The two
// endpoints:
//   DVIPA   the distributor's DVIPA:port; it accepts each new connection and
//           hands the socket to a router (SCM_RIGHTS), then steps aside;
//   direct  HWS3's own DRDA address on SYS2.
// Per round and endpoint, one thread, drdaplex's driver (database IO1A, user
// app/secret):
//   setups      N x (Connection::Open, Close): setups/s over the loop,
//               p50/p99 of Open (TCP connect, EXCSAT/ACCSEC, SECCHK/ACCRDB;
//               the router signs on to the ODBM in between);
//   round trips on one established connection, M x (ExecuteQuery of a
//               prepared VALUES 1, Next, GetInt64, Close) with autocommit
//               off: one request chain and one reply each; p50/p99 and
//               executions/s. Both connections are on HWS3 (through the
//               DVIPA: connections are opened until one lands there), open
//               side by side; M/10 untimed executions each first.
// Both are run in blocks (100 setups, 1,000 executions) that alternate
// between the endpoints, so that what else the machine does meanwhile
// falls on both alike. Round 0 warms everything up and is discarded; rounds
// 1..R alternate which endpoint starts. The table gives the medians over
// the measured rounds and their DVIPA/direct ratios; the verdict takes the
// round trips' ratio as the median of the per-round ratios, and "noise" as
// half their spread (at least 5 %).
//
//   build/bin/sysplex_bench [--rounds=5] [--setups=2000] [--queries=20000]
//                           [--methods=ROUNDROBIN,SERVERWLM] [--max-time-wait=6000]
//
// Each round also reports CPU time per operation (schedstat) of the client
// thread, the distributor and the routers, and the TIME_WAIT sockets on the
// host side and on SYS2 before it: every setup leaves one behind on both
// legs, and thousands toward one address slow connect() down (its search
// for a free local port: even ports first, and a port whose TIME_WAIT
// socket has the same four-tuple is skipped unless tcp_tw_reuse allows it,
// which by default it does only on loopback). Before each round the program
// waits (at most 90 s) until both counts are at most --max-time-wait (6,000
// by default; 0 does not wait), or the later rounds would measure the port
// search instead: the direct endpoint puts all of its setups on SYS2, the
// DVIPA a third.
//
// DRDAPLEX_SIM_SYSTEMS=loopback forces loopback addresses. Namespaces need
// root and iproute2; programs come from the build tree (tests/support/paths.h).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "client/connection.h"
#include "tests/support/sim_systems.h"
#include "tests/sysplex/sysplex_fixture.h"

namespace drdaplex::testing {
namespace {

using Clock = std::chrono::steady_clock;

struct Flags {
  int rounds = 5;
  int setups = 2000;
  int queries = 20000;
  std::vector<std::string> methods = {"ROUNDROBIN", "SERVERWLM"};
  // Before each round, wait (at most 90 s) until the host's and SYS2's
  // TIME_WAIT sockets are at most this many; 0: do not wait.
  int max_time_wait = 6000;
};

struct Endpoint {
  std::string label;  // "DVIPA", "direct"
  std::string host;
  uint16_t port = 0;
};

// One measurement: operations per second, latency percentiles (µs) and
// CPU time per operation (µs) of the client thread, the distributor and the
// four routers together.
struct Sample {
  double per_second = 0;
  double p50_us = 0;
  double p99_us = 0;
  double cpu_client_us = 0;
  double cpu_distributor_us = 0;
  double cpu_routers_us = 0;
};

// The processes whose CPU time is counted.
struct Watched {
  pid_t distributor = 0;
  std::vector<pid_t> routers;
};

// Everything one round measured for one endpoint.
struct RoundResult {
  Sample setups;
  Sample round_trips;
};

constexpr const char* kQuery = "VALUES 1";
constexpr const char* kDirectRouter = "HWS3";
constexpr const char* kDirectSystem = "SYS2";

double Micros(Clock::duration d) { return std::chrono::duration<double, std::micro>(d).count(); }

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto rank = static_cast<size_t>(std::ceil(p * static_cast<double>(values.size())));
  return values[std::clamp<size_t>(rank, 1, values.size()) - 1];
}

double Median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

// CPU time (ns) `pid` has run so far, all its live threads (schedstat:
// exact, unlike the clock ticks of /proc/<pid>/stat).
uint64_t ProcessCpuNanos(pid_t pid) {
  uint64_t total = 0;
  std::error_code ec;
  for (const auto& task :
       std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
    std::ifstream in(task.path() / "schedstat");
    uint64_t ns = 0;
    if (in >> ns) total += ns;
  }
  return total;
}

uint64_t ThreadCpuNanos() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000 + static_cast<uint64_t>(ts.tv_nsec);
}

// CPU counters at one moment.
struct CpuMark {
  uint64_t client = 0, distributor = 0, routers = 0;
  static CpuMark Now(const Watched& watched) {
    CpuMark m;
    m.client = ThreadCpuNanos();
    if (watched.distributor != 0) m.distributor = ProcessCpuNanos(watched.distributor);
    for (pid_t pid : watched.routers) m.routers += ProcessCpuNanos(pid);
    return m;
  }
};

// What the blocks of one endpoint added up to in a round.
struct Tally {
  std::vector<double> latencies_us;
  double seconds = 0;
  double cpu_client_ns = 0, cpu_distributor_ns = 0, cpu_routers_ns = 0;

  // Runs `block` (which appends one latency per operation) and counts its
  // wall and CPU time.
  template <typename Block>
  void Run(const Watched& watched, Block&& block) {
    const CpuMark before = CpuMark::Now(watched);
    const auto start = Clock::now();
    block(latencies_us);
    seconds += Micros(Clock::now() - start) / 1e6;
    const CpuMark after = CpuMark::Now(watched);
    cpu_client_ns += static_cast<double>(after.client - before.client);
    cpu_distributor_ns += static_cast<double>(after.distributor - before.distributor);
    cpu_routers_ns += static_cast<double>(after.routers - before.routers);
  }

  Sample Finish() const {
    const double n = static_cast<double>(latencies_us.size());
    Sample sample;
    if (n == 0) return sample;
    sample.per_second = n / seconds;
    sample.p50_us = Percentile(latencies_us, 0.50);
    sample.p99_us = Percentile(latencies_us, 0.99);
    sample.cpu_client_us = cpu_client_ns / 1e3 / n;
    sample.cpu_distributor_us = cpu_distributor_ns / 1e3 / n;
    sample.cpu_routers_us = cpu_routers_ns / 1e3 / n;
    return sample;
  }
};

// IPv4 TCP sockets in TIME_WAIT in the calling thread's network namespace.
int TimeWaitSockets() {
  std::ifstream in("/proc/thread-self/net/tcp");
  std::string line;
  std::getline(in, line);  // header
  int n = 0;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state;
    if (fields >> slot >> local >> remote >> state && state == "06") ++n;
  }
  return n;
}

// TIME_WAIT sockets on the host side and on the direct router's system.
std::pair<int, int> TimeWaits(Sysplex& plex, const std::string& system) {
  const int host = TimeWaitSockets();
  int inside = -1;
  std::string error;
  plex.systems().RunIn(system, [&] { inside = TimeWaitSockets(); }, &error);
  return {host, inside};
}

client::ConnectOptions Options(const Endpoint& endpoint) {
  client::ConnectOptions options;
  options.host = endpoint.host;
  options.port = endpoint.port;
  options.database = "IO1A";
  options.user = "app";
  options.password = "secret";
  options.connect_timeout = std::chrono::seconds(10);
  options.io_timeout = std::chrono::seconds(10);
  return options;
}

// A connection to `endpoint` served by `router`: through the DVIPA the
// distributor picks the router, so connections that land elsewhere are
// closed and another one is opened (at most 64 tries).
client::Connection ConnectTo(const Endpoint& endpoint, const std::string& router) {
  const client::ConnectOptions options = Options(endpoint);
  for (int attempt = 0; attempt < 64; ++attempt) {
    client::Connection connection = client::Connection::Open(options);
    if (connection.server().server_name == router) return connection;
  }
  throw std::runtime_error("64 connections to " + endpoint.label + " and none on " + router);
}

// Setups and round trips are measured in blocks that alternate between the
// two endpoints (which one starts alternates too), so that whatever else
// the machine does meanwhile falls on both alike.
constexpr int kSetupBlock = 100;
constexpr int kRoundTripBlock = 1000;

// One round: N x (Open, Close) and M executions on an established
// connection per endpoint. Setup latencies are of Open alone; the setup rate
// counts closes too. Returns {DVIPA, direct}.
std::pair<RoundResult, RoundResult> MeasureRound(const Endpoint& dvipa, const Endpoint& direct,
                                                 const Flags& flags, const Watched& watched,
                                                 bool dvipa_first) {
  const Endpoint* endpoints[2] = {&dvipa, &direct};
  Tally setups[2], round_trips[2];

  const client::ConnectOptions options[2] = {Options(dvipa), Options(direct)};
  for (int done = 0, block = 0; done < flags.setups; done += kSetupBlock, ++block) {
    const int n = std::min(kSetupBlock, flags.setups - done);
    const int first = (block % 2 == 0) == dvipa_first ? 0 : 1;
    for (int k : {first, 1 - first}) {
      setups[k].Run(watched, [&](std::vector<double>& latencies) {
        for (int i = 0; i < n; ++i) {
          const auto t0 = Clock::now();
          client::Connection connection = client::Connection::Open(options[k]);
          latencies.push_back(Micros(Clock::now() - t0));
          connection.Close();
        }
      });
    }
  }

  // Both connections on HWS3, open side by side; autocommit off: one
  // request chain (OPNQRY) and one reply per execution, no RDBCMM.
  client::Connection connections[2] = {ConnectTo(*endpoints[0], kDirectRouter),
                                       ConnectTo(*endpoints[1], kDirectRouter)};
  std::vector<client::PreparedStatement> statements;
  for (client::Connection& connection : connections) {
    connection.SetAutoCommit(false);
    statements.push_back(connection.Prepare(kQuery));
  }
  auto execute = [&statements](int k) {
    client::ResultSet rows = statements[k].ExecuteQuery();
    if (!rows.Next() || rows.GetInt64(1) != 1) throw std::runtime_error("VALUES 1 gave no 1");
    rows.Close();
  };
  for (int k : {0, 1}) {
    for (int i = 0; i < flags.queries / 10; ++i) execute(k);
  }
  for (int done = 0, block = 0; done < flags.queries; done += kRoundTripBlock, ++block) {
    const int n = std::min(kRoundTripBlock, flags.queries - done);
    const int first = (block % 2 == 0) == dvipa_first ? 0 : 1;
    for (int k : {first, 1 - first}) {
      round_trips[k].Run(watched, [&](std::vector<double>& latencies) {
        for (int i = 0; i < n; ++i) {
          const auto t0 = Clock::now();
          execute(k);
          latencies.push_back(Micros(Clock::now() - t0));
        }
      });
    }
  }
  for (client::PreparedStatement& statement : statements) statement.Close();
  for (client::Connection& connection : connections) connection.Close();

  return {{setups[0].Finish(), round_trips[0].Finish()},
          {setups[1].Finish(), round_trips[1].Finish()}};
}

void PrintRound(const std::string& label, const RoundResult& r) {
  std::printf("    %-6s setups %5.0f/s p50 %5.0f p99 %5.0f us, cpu/setup %3.0f+%3.0f+%3.0f us | "
              "round trips %5.0f/s p50 %5.1f p99 %5.1f us\n",
              label.c_str(), r.setups.per_second, r.setups.p50_us, r.setups.p99_us,
              r.setups.cpu_client_us, r.setups.cpu_distributor_us, r.setups.cpu_routers_us,
              r.round_trips.per_second, r.round_trips.p50_us, r.round_trips.p99_us);
  std::fflush(stdout);
}

// The medians over rounds of one endpoint's figures, by row name.
std::map<std::string, double> Medians(const std::vector<RoundResult>& rounds) {
  std::map<std::string, std::vector<double>> columns;
  for (const RoundResult& r : rounds) {
    columns["setups/s"].push_back(r.setups.per_second);
    columns["setup p50 us"].push_back(r.setups.p50_us);
    columns["setup p99 us"].push_back(r.setups.p99_us);
    columns["round trips/s"].push_back(r.round_trips.per_second);
    columns["round trip p50 us"].push_back(r.round_trips.p50_us);
    columns["round trip p99 us"].push_back(r.round_trips.p99_us);
    columns["CPU/setup client us"].push_back(r.setups.cpu_client_us);
    columns["CPU/setup distributor us"].push_back(r.setups.cpu_distributor_us);
    columns["CPU/setup routers us"].push_back(r.setups.cpu_routers_us);
    columns["CPU/round trip client us"].push_back(r.round_trips.cpu_client_us);
    columns["CPU/round trip distributor us"].push_back(r.round_trips.cpu_distributor_us);
    columns["CPU/round trip routers us"].push_back(r.round_trips.cpu_routers_us);
  }
  std::map<std::string, double> medians;
  for (auto& [name, values] : columns) medians[name] = Median(values);
  return medians;
}

// The per-round DVIPA/direct ratios of the round-trip p50: their median,
// and what "within noise" means for this run: half their spread, but at
// least 5 %.
std::pair<double, double> RoundTripRatio(const std::vector<RoundResult>& through,
                                         const std::vector<RoundResult>& straight) {
  std::vector<double> ratios;
  for (size_t i = 0; i < through.size() && i < straight.size(); ++i) {
    ratios.push_back(through[i].round_trips.p50_us / straight[i].round_trips.p50_us);
  }
  if (ratios.empty()) return {0, 0};
  const auto [lo, hi] = std::minmax_element(ratios.begin(), ratios.end());
  return {Median(ratios), std::max(0.05, (*hi - *lo) / 2)};
}

std::string Thousands(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  const std::string text = buffer;
  const size_t digits = std::min(text.find('.'), text.size());
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (i > 0 && i < digits && (digits - i) % 3 == 0) out += ',';
    out += text[i];
  }
  return out;
}

// Measures one distributor configuration; returns whether it met the goals.
bool RunConfiguration(Sysplex& plex, const std::string& method, const Flags& flags) {
  std::string statements = "VIPADISTRIBUTE(PORT=1, DISTMETHOD=" + method;
  std::string flag;
  if (method == "SERVERWLM") {
    statements += ", SHAREPORT=WLM";
    flag = "S";
  }
  statements += ")\n";
  std::string error;
  std::unique_ptr<ServiceProcess> distributor = plex.StartDistributor("SD1", statements, &error);
  if (!distributor) {
    std::fprintf(stderr, "distributor: %s\n", error.c_str());
    return false;
  }
  if (!plex.WaitForTargets(*distributor, 4, flag, std::chrono::seconds(20))) {
    std::fprintf(stderr, "the distributor did not see 4 ready routers:\n%s\n%s\n",
                 plex.Ctl(*distributor, R"({"command":"vdpt"})").dump(1).c_str(),
                 distributor->LogTail().c_str());
    return false;
  }
  const Endpoint dvipa{"DVIPA", plex.systems().dvipa(), plex.dvipa_port()};
  const Endpoint direct{"direct", plex.systems().address(kDirectSystem),
                        static_cast<uint16_t>(plex.router(kDirectRouter)->port())};
  std::printf("\n== DISTMETHOD=%s%s: DVIPA %s:%u, direct %s %s:%u\n", method.c_str(),
              flag.empty() ? "" : ", SHAREPORT=WLM", dvipa.host.c_str(), dvipa.port,
              kDirectRouter, direct.host.c_str(), direct.port);

  Watched watched;
  watched.distributor = distributor->process().pid();
  for (const RouterSpec& spec : plex.router_specs()) {
    watched.routers.push_back(plex.router(spec.name)->process().pid());
  }

  std::vector<RoundResult> through, straight;
  for (int round = 0; round <= flags.rounds; ++round) {
    // Every setup leaves a TIME_WAIT socket behind (the client's, and the
    // router's to the ODBM); tens of thousands toward one address make
    // connect() search for a free port.
    auto [host_tw, system_tw] = TimeWaits(plex, kDirectSystem);
    if (flags.max_time_wait > 0) {
      const auto deadline = Clock::now() + std::chrono::seconds(90);
      while (std::max(host_tw, system_tw) > flags.max_time_wait && Clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::seconds(1));
        std::tie(host_tw, system_tw) = TimeWaits(plex, kDirectSystem);
      }
    }
    const bool dvipa_first = round % 2 == 0;
    std::printf("  round %d%s (%s first; TIME_WAIT sockets: host %d, %s %d)\n", round,
                round == 0 ? ", warm-up, discarded" : "", dvipa_first ? "DVIPA" : "direct",
                host_tw, kDirectSystem, system_tw);
    const auto [a, b] = MeasureRound(dvipa, direct, flags, watched, dvipa_first);
    PrintRound(dvipa.label, a);
    PrintRound(direct.label, b);
    if (round == 0) continue;
    through.push_back(a);
    straight.push_back(b);
  }

  // Where the DVIPA's connections went, by the distributor's own count.
  std::printf("  distributor VDPT totalconn:");
  for (const auto& [system, n] : plex.TotalsBySystem(*distributor, "totalconn")) {
    std::printf(" %s %llu", system.c_str(), static_cast<unsigned long long>(n));
  }
  std::printf("\n");
  const auto stopped = distributor->Stop();
  if (!stopped) std::fprintf(stderr, "distributor: %s\n", stopped.message());

  const auto t = Medians(through);
  const auto d = Medians(straight);
  std::printf("\nDISTMETHOD=%s, medians of %d rounds (N=%d setups, M=%d round trips):\n\n",
              method.c_str(), flags.rounds, flags.setups, flags.queries);
  std::printf("| measure | DVIPA | direct (%s) | DVIPA / direct |\n|---|---|---|---|\n",
              kDirectRouter);
  for (const char* row : {"setups/s", "setup p50 us", "setup p99 us", "round trips/s",
                          "round trip p50 us", "round trip p99 us"}) {
    const int decimals = std::string_view(row).starts_with("round trip p") ? 1 : 0;
    std::printf("| %s | %s | %s | %.2f |\n", row, Thousands(t.at(row), decimals).c_str(),
                Thousands(d.at(row), decimals).c_str(), t.at(row) / d.at(row));
  }
  std::printf("\nCPU time per operation (µs, medians over rounds; routers: all four together; "
              "the ODBM is not counted):\n\n| | DVIPA | direct |\n|---|---|---|\n");
  for (const char* row : {"CPU/setup client us", "CPU/setup distributor us", "CPU/setup routers us",
                          "CPU/round trip client us", "CPU/round trip distributor us",
                          "CPU/round trip routers us"}) {
    std::printf("| %s | %.1f | %.1f |\n", row, t.at(row), d.at(row));
  }

  const double setup_ratio = t.at("setups/s") / d.at("setups/s");
  const auto [rt_ratio, noise] = RoundTripRatio(through, straight);
  const bool setups_ok = setup_ratio >= 0.80;
  // The goal is no added latency: lower through the DVIPA is no failure.
  const bool rt_ok = rt_ratio <= 1 + noise;
  const char* rt_verdict = rt_ratio > 1 + noise   ? "ADDED latency, outside noise"
                           : rt_ratio < 1 - noise ? "no added latency (lower, outside noise)"
                                                  : "no added latency (within noise)";
  std::printf("\nverdict (%s): setups through the DVIPA at %.0f %% of direct (goal >= 80 %%): %s; "
              "round-trip p50 ratio (median of the rounds') %.2f, noise +-%.0f %%: %s\n",
              method.c_str(), setup_ratio * 100, setups_ok ? "MET" : "MISSED", rt_ratio,
              noise * 100, rt_verdict);
  std::fflush(stdout);
  return setups_ok && rt_ok;
}

bool ParseInt(std::string_view arg, std::string_view name, int* out) {
  if (!arg.starts_with(name)) return false;
  *out = std::atoi(std::string(arg.substr(name.size())).c_str());
  return true;
}

int Main(int argc, char** argv) {
  Flags flags;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (ParseInt(arg, "--rounds=", &flags.rounds) || ParseInt(arg, "--setups=", &flags.setups) ||
        ParseInt(arg, "--queries=", &flags.queries) ||
        ParseInt(arg, "--max-time-wait=", &flags.max_time_wait)) {
      continue;
    }
    if (arg.starts_with("--methods=")) {
      flags.methods.clear();
      std::stringstream list{std::string(arg.substr(10))};
      for (std::string method; std::getline(list, method, ',');) flags.methods.push_back(method);
      continue;
    }
    std::fprintf(stderr,
                 "usage: %s [--rounds=5] [--setups=2000] [--queries=20000] "
                 "[--methods=ROUNDROBIN,SERVERWLM] [--max-time-wait=6000]\n",
                 argv[0]);
    return 2;
  }
  if (flags.rounds < 1 || flags.setups < 1 || flags.queries < 1 || flags.methods.empty()) {
    std::fprintf(stderr, "rounds, setups and queries must be positive\n");
    return 2;
  }

  std::string why;
  const SimSystems::Mode mode = SimSystems::Available(&why);
  std::printf("systems: %s%s\n", ModeName(mode), why.empty() ? "" : (" (" + why + ")").c_str());
  std::string error;
  std::unique_ptr<Sysplex> plex = Sysplex::Start(mode, &error);
  if (!plex) {
    std::fprintf(stderr, "sysplex: %s\n", error.c_str());
    return 1;
  }
  std::printf("rounds %d + 1 warm-up, N=%d setups, M=%d executions of %s per endpoint and round\n",
              flags.rounds, flags.setups, flags.queries, kQuery);
  bool all_met = true;
  for (const std::string& method : flags.methods) {
    all_met = RunConfiguration(*plex, method, flags) && all_met;
  }
  return all_met ? 0 : 3;
}

}  // namespace
}  // namespace drdaplex::testing

int main(int argc, char** argv) {
  try {
    return drdaplex::testing::Main(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sysplex_bench: %s\n", e.what());
    return 1;
  }
}
