#include "harness/load/bench_run.h"

#include <unistd.h>

#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <random>
#include <stdexcept>
#include <thread>

#include "harness/load/client_worker.h"
#include "harness/load/ledger_ids.h"
#include "harness/load/progress_line.h"
#include "harness/load/result_merge.h"
#include "harness/load/sampler.h"
#include "harness/load/small_stack_thread.h"
#include "process/file_limit.h"

namespace drdaplex::load {

struct BenchRun::State {
  BenchOptions options;
  std::optional<WorkloadMix> mix;
  LandingTable landings;
  RunShared shared;
  std::vector<ClientLive> live;
  std::vector<ClientLog> logs;
  std::vector<SmallStackThread> threads;
  std::thread sampler_thread;
  std::vector<TimelinePoint> timeline;  // sampler thread only, until joined

  std::mutex mutex;  // marks, and the sampler's wake-up
  std::condition_variable wake;
  bool clients_done = false;
  std::vector<Mark> marks;
  bool started = false, waited = false;

  explicit State(BenchOptions o) : options(std::move(o)), live(static_cast<size_t>(std::max(options.clients, 0))),
                                   logs(live.size()) {}
  void RunSampler();
};

void BenchRun::State::RunSampler() {
  Sampler sampler(live, landings);
  const bool tty = isatty(STDERR_FILENO) == 1;
  const bool plain = options.progress_plain_lines;
  const bool print = options.progress && (tty || plain);
  const int ticks_per_line = std::max<int>(1, static_cast<int>((options.progress_interval.count() + 500) / 1000));
  std::optional<double> total_s;
  if (options.duration) total_s = std::chrono::duration<double>(*options.duration).count();
  LatencyHistogram line_latency;
  ProgressFigures figures;
  figures.clients = options.clients;
  int tick = 0;
  bool last = false;
  while (!last) {
    {
      std::unique_lock lock(mutex);
      last = wake.wait_until(lock, shared.start + std::chrono::seconds(tick + 1), [&] { return clients_done; });
    }
    ++tick;
    const double now_s = shared.Seconds(Clock::now());
    TimelinePoint point = sampler.Sample(now_s, &line_latency);
    figures.transactions += point.transactions;
    figures.setups += point.setups;
    figures.errors += point.errors;
    figures.total_errors += point.errors;
    figures.span_s += point.span_s;
    figures.open_connections = point.open_connections;
    figures.elapsed_s = now_s;
    if (point.span_s > 0.001) timeline.push_back(std::move(point));
    if (print && !last && tick % ticks_per_line == 0) {
      const std::string text = FormatProgressLine(figures, line_latency);
      if (tty && !plain) std::fprintf(stderr, "\r%s\033[K", text.c_str());
      else std::fprintf(stderr, "progress: %s\n", text.c_str());
      std::fflush(stderr);
      line_latency = LatencyHistogram();
      figures.transactions = figures.setups = figures.errors = 0;
      figures.span_s = 0;
    }
  }
  if (print && tty && !plain) std::fprintf(stderr, "\n");
}

BenchRun::BenchRun(BenchOptions options) : state_(std::make_unique<State>(std::move(options))) {}

BenchRun::~BenchRun() {
  if (state_->started && !state_->waited) {
    RequestStop();
    Wait();
  }
}

void BenchRun::Start() {
  State& s = *state_;
  if (s.started) throw std::logic_error("BenchRun::Start called twice");
  if (s.options.clients <= 0) throw std::runtime_error("clients must be at least 1");
  std::string error;
  s.mix = WorkloadMix::Load(s.options.scripts, &error);
  if (!s.mix) throw std::runtime_error(error);
  process::RaiseOpenFileLimit();  // a socket per client
  std::random_device device;
  const uint64_t seed = s.options.seed ? s.options.seed : (uint64_t{device()} << 32 | device());
  s.shared.options = &s.options;
  s.shared.mix = &*s.mix;
  s.shared.landings = &s.landings;
  s.shared.seed = seed;
  s.shared.ledger_run = static_cast<int64_t>(std::mt19937_64(seed)() % kLedgerRunMask) + 1;
  s.shared.start = Clock::now();
  if (s.options.duration) s.shared.deadline = s.shared.start + *s.options.duration;
  s.started = true;
  s.threads.resize(s.live.size());
  for (size_t i = 0; i < s.threads.size(); ++i) {
    auto body = [&s, i] { ClientWorker(static_cast<int>(i), s.shared, s.live[i], s.logs[i]).Run(); };
    if (!s.threads[i].Start(body, s.options.client_stack_bytes, &error)) {
      s.shared.stop = true;
      for (auto& t : s.threads) t.Join();
      s.waited = true;
      throw std::runtime_error("client " + std::to_string(i) + ": " + error);
    }
  }
  s.sampler_thread = std::thread([&s] { s.RunSampler(); });
}

double BenchRun::ElapsedSeconds() const {
  if (!state_->started) return 0;
  return state_->shared.Seconds(Clock::now());
}

void BenchRun::AddMark(std::string label) {
  const double at = ElapsedSeconds();
  std::lock_guard lock(state_->mutex);
  state_->marks.push_back({at, std::move(label)});
}

void BenchRun::RequestStop() { state_->shared.stop = true; }

}  // namespace drdaplex::load

namespace drdaplex::load {

BenchResult BenchRun::Wait() {
  State& s = *state_;
  if (!s.started || s.waited) throw std::logic_error("BenchRun::Wait without a Start, or twice");
  for (auto& t : s.threads) t.Join();
  const double elapsed_s = s.shared.Seconds(Clock::now());
  {
    std::lock_guard lock(s.mutex);
    s.clients_done = true;
  }
  s.wake.notify_all();
  s.sampler_thread.join();
  s.waited = true;
  RunRecordings recordings;
  recordings.options = &s.options;
  recordings.mix = &*s.mix;
  recordings.live = &s.live;
  recordings.logs = &s.logs;
  recordings.landings = s.landings.Snapshot();
  recordings.timeline = std::move(s.timeline);
  {
    std::lock_guard lock(s.mutex);
    recordings.marks = s.marks;
  }
  recordings.elapsed_s = elapsed_s;
  recordings.ledger_run = s.shared.ledger_run;
  return MergeRecordings(std::move(recordings));
}

}  // namespace drdaplex::load
