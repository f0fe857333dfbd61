// drdaplex-system: the WLM of one system (one LPAR of the simulated
// sysplex). It registers the system's capacity with the plex registry
// (kind "system", registry/wlm_records.h), from which the registry and the
// distributors compute system weights (registry/wlm_weights.h):
//   --capacity N   a configured capacity (simulation mode: repeatable);
//   --measure      the spare CPU measured from /proc/stat every interval
//                  (idle share × 100 × CPUs; registry/cpu_sampler.h).
// The registration lives as long as the process (RegistryMember): when the
// system agent ends, SIGKILL included, the system's record goes with it.
// Exit status: 0 after SIGTERM/SIGINT, 2 for bad arguments, 3 when the first
// registration is refused (another agent registered the same system).
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cmath>
#include <csignal>
#include <functional>

#include "net/endpoint.h"
#include "registry/cpu_sampler.h"
#include "registry/member_client.h"
#include "registry/wlm_records.h"

namespace {

namespace asio = boost::asio;
using drdaplex::registry::CpuTimes;
using drdaplex::registry::RegistrationResult;

// One decimal: enough for weights of 0..64, and steady readings stay equal
// (no update sent).
double Tidy(double capacity) { return std::round(capacity * 10.0) / 10.0; }

// Samples /proc/stat every interval and hands the spare capacity over.
class Sampler {
 public:
  Sampler(asio::io_context& io, std::string path, std::chrono::milliseconds interval,
          std::function<void(double)> report)
      : timer_(io), path_(std::move(path)), interval_(interval), report_(std::move(report)) {}

  // The capacity since boot, for the first registration; nullopt when
  // /proc/stat cannot be read.
  std::optional<double> Start() {
    std::string error;
    last_ = drdaplex::registry::ReadCpuTimes(path_, &error);
    if (!last_) {
      spdlog::error("{}", error);
      return std::nullopt;
    }
    Arm();
    return drdaplex::registry::SpareCapacitySinceBoot(*last_).value_or(0);
  }

  void Stop() { timer_.cancel(); }

 private:
  void Arm() {
    timer_.expires_after(interval_);
    timer_.async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;
      Sample();
      Arm();
    });
  }

  void Sample() {
    std::string error;
    const auto now = drdaplex::registry::ReadCpuTimes(path_, &error);
    if (!now) {
      spdlog::warn("{}; keeping the last capacity", error);
      return;
    }
    if (const auto spare = drdaplex::registry::SpareCapacity(*last_, *now)) report_(*spare);
    last_ = now;
  }

  asio::steady_timer timer_;
  const std::string path_;
  const std::chrono::milliseconds interval_;
  const std::function<void(double)> report_;
  std::optional<CpuTimes> last_;
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"drdaplex-system: registers one system's capacity (its WLM) with the registry"};
  std::string name;
  std::string registry;
  double capacity = -1;
  bool measure = false;
  int interval_ms = 1000;
  std::string proc_stat = "/proc/stat";
  std::string log_level = "info";
  app.add_option("--name", name, "system name (1-8 of A-Z 0-9 @ # $)")->required();
  app.add_option("--registry", registry, "HOST:PORT of the plex registry")->required();
  auto* configured =
      app.add_option("--capacity", capacity, "configured capacity (simulation mode), a number >= 0")
          ->check(CLI::NonNegativeNumber);
  auto* measured = app.add_flag("--measure", measure, "measure spare CPU from /proc/stat");
  configured->excludes(measured);
  app.add_option("--interval-ms", interval_ms, "how often to measure (with --measure)")
      ->check(CLI::Range(10, 3600 * 1000));
  app.add_option("--proc-stat", proc_stat, "the file to measure from (tests)");
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error");
  CLI11_PARSE(app, argc, argv);
  spdlog::set_default_logger(spdlog::stderr_color_mt("system"));
  spdlog::set_level(spdlog::level::from_str(log_level));
  if (!measure && capacity < 0) {
    fmt::print(stderr, "give --capacity N or --measure\n");
    return 2;
  }

  std::string error;
  const auto endpoint = drdaplex::net::ParseEndpoint(registry, &error);
  if (!endpoint) {
    fmt::print(stderr, "--registry: {}\n", error);
    return 2;
  }
  drdaplex::registry::WlmSystem system;
  system.name = name;
  system.capacity = measure ? 0 : capacity;  // measured below
  system.mode = measure ? drdaplex::registry::kModeMeasured : drdaplex::registry::kModeConfigured;
  if (!drdaplex::registry::MemberRecordFromJson(
          drdaplex::registry::MemberRecordToJson(drdaplex::registry::WlmSystemRecord(system)),
          &error)) {
    fmt::print(stderr, "{}\n", error);
    return 2;
  }

  try {
    asio::io_context io(1);
    int exit_code = 0;
    std::unique_ptr<drdaplex::registry::RegistryMember> member;
    Sampler sampler(io, proc_stat, std::chrono::milliseconds(interval_ms), [&](double spare) {
      const double tidy = Tidy(spare);
      if (tidy == system.capacity) return;
      spdlog::debug("spare capacity {}", tidy);
      system.capacity = tidy;
      member->UpdateAttributes(drdaplex::registry::WlmSystemRecord(system).attributes);
    });
    if (measure) {
      const auto first = sampler.Start();
      if (!first) return 1;
      system.capacity = Tidy(*first);
    }

    drdaplex::registry::RegistryMemberOptions options;
    options.registry = *endpoint;
    options.record = drdaplex::registry::WlmSystemRecord(system);
    options.reconnect.initial_backoff = std::chrono::milliseconds(50);
    options.reconnect.max_backoff = std::chrono::milliseconds(1000);
    options.on_result = [&](const RegistrationResult& result) {
      if (result.first && result.status == RegistrationResult::Status::kRefused) {
        exit_code = 3;
        sampler.Stop();
        io.stop();
      }
    };
    member = std::make_unique<drdaplex::registry::RegistryMember>(io, options);
    member->Start();
    spdlog::info("system {}: {} capacity {}", name, system.mode, system.capacity);

    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& ec, int signal) {
      if (ec) return;
      spdlog::info("signal {}: deregistering", signal);
      sampler.Stop();
      member->Stop([&] { io.stop(); });
    });
    io.run();
    member.reset();  // the loop has stopped: no handler runs any more
    return exit_code;
  } catch (const std::exception& e) {
    spdlog::critical("{}", e.what());
    return 1;
  }
}
