#include "harness/load/client_worker.h"

#include <algorithm>
#include <thread>

#include "harness/load/landing_probe.h"
#include "harness/load/rate_schedule.h"
#include "harness/load/transaction_runner.h"

namespace drdaplex::load {

namespace {
constexpr auto kFirstBackoff = std::chrono::milliseconds(10);
constexpr auto kMaxBackoff = std::chrono::milliseconds(200);
constexpr auto kWaitStep = std::chrono::milliseconds(50);
constexpr auto kMinConnectTimeout = std::chrono::milliseconds(500);
}  // namespace

std::string ErrorLabel(const std::string& sqlstate) { return sqlstate + " " + SqlStateName(sqlstate); }

ClientWorker::ClientWorker(int id, RunShared& shared, ClientLive& live, ClientLog& log)
    : id_(id), shared_(shared), live_(live), log_(log) {
  log_.entry_transactions.assign(shared.mix->entries().size(), 0);
  log_.entry_failures.assign(shared.mix->entries().size(), 0);
}

bool ClientWorker::WaitUntil(Clock::time_point when) {
  for (auto now = Clock::now(); now < when; now = Clock::now()) {
    if (shared_.Over(now)) return false;
    std::this_thread::sleep_for(std::min<Clock::duration>(when - now, kWaitStep));
  }
  return !shared_.Over(Clock::now());
}

void ClientWorker::RecordError(const std::string& phase, const std::string& sqlstate) {
  ++log_.errors[{phase, sqlstate}];
  Bump(live_.errors);
}

void ClientWorker::StartOutage(const std::string& error) {
  if (open_outage_) return;
  open_outage_ = log_.outages.size();
  log_.outages.push_back({id_, shared_.Seconds(Clock::now()), std::nullopt, error});
}

bool ClientWorker::OpenConnection() {
  const BenchOptions& options = *shared_.options;
  const auto began = Clock::now();
  client::ConnectOptions connect = MakeConnectOptions(options, options.target.database);
  if (shared_.deadline) {
    // A connect begun near the end may not hold the run open for long:
    // bounded by the time left (at least kMinConnectTimeout).
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*shared_.deadline - began);
    connect.connect_timeout = std::clamp(left, kMinConnectTimeout, options.connect_timeout);
  }
  try {
    ProbedConnection probed = OpenAndProbe(connect, options.router_systems);
    connection_.emplace(std::move(probed.connection));
    landing_ = std::move(probed.landing);
    landing_id_ = shared_.landings->Intern(landing_);
    log_.setup_us.Record(static_cast<int64_t>(probed.setup_us));
    log_.identify_us.Record(static_cast<int64_t>(probed.identify_us));
    log_.connect_seconds += std::chrono::duration<double>(Clock::now() - began).count();
    ConnectionRecord record;
    record.client = id_;
    record.opened_s = shared_.Seconds(Clock::now());
    record.router = landing_.router;
    record.odbm = landing_.odbm;
    record.datastore = landing_.datastore;
    record.system = landing_.system;
    record.setup_ms = probed.setup_us / 1000.0;
    record.identify_ms = probed.identify_us / 1000.0;
    record_ = log_.connections.size();
    log_.connections.push_back(std::move(record));
    if (open_outage_) {
      log_.outages[*open_outage_].recovered_s = log_.connections.back().opened_s;
      open_outage_.reset();
    }
    Bump(live_.setups);
    live_.connected.store(1, std::memory_order_relaxed);
    return true;
  } catch (const client::SqlError& e) {
    connection_.reset();
    if (shared_.Over(Clock::now())) return false;  // the run ended meanwhile: no failure of the target
    ++log_.connect_failures;
    RecordError("connect", e.sqlstate());
    StartOutage(ErrorLabel(e.sqlstate()));
    return false;
  }
}

void ClientWorker::CloseConnection(const std::string& end) {
  if (!connection_) return;
  connection_->Close();
  connection_.reset();
  live_.connected.store(0, std::memory_order_relaxed);
  ConnectionRecord& record = log_.connections[record_];
  record.closed_s = shared_.Seconds(Clock::now());
  record.end = end;
}

void ClientWorker::Run() {
  const BenchOptions& options = *shared_.options;
  const WorkloadMix& mix = *shared_.mix;
  std::mt19937_64 random(shared_.seed ^ (0x9E3779B97F4A7C15ULL * static_cast<uint64_t>(id_ + 1)));
  std::optional<PoissonSchedule> schedule;
  if (options.rate && *options.rate > 0) {
    schedule.emplace(*options.rate / options.clients, random());
  }
  TransactionRunner runner(mix, id_, options.scale, shared_.ledger_run);
  std::optional<Clock::time_point> scheduled;  // drawn, not yet run
  auto backoff = std::chrono::milliseconds(kFirstBackoff);
  while (!shared_.Over(Clock::now())) {
    if (schedule && !scheduled) {
      scheduled = shared_.start + std::chrono::duration_cast<Clock::duration>(
                                      std::chrono::duration<double>(schedule->Next()));
      if (shared_.deadline && *scheduled >= *shared_.deadline) {
        WaitUntil(*shared_.deadline);
        break;
      }
    }
    if (scheduled && !WaitUntil(*scheduled)) break;
    if (!connection_) {
      if (!OpenConnection()) {
        if (!WaitUntil(Clock::now() + backoff)) break;
        backoff = std::min(backoff * 2, std::chrono::milliseconds(kMaxBackoff));
        continue;
      }
      backoff = kFirstBackoff;
      runner.Reset();
    }
    if (options.transactions &&
        shared_.claimed.fetch_add(1, std::memory_order_relaxed) >= *options.transactions) {
      break;
    }
    const size_t entry = mix.PickIndex(random);
    const auto started = Clock::now();
    TransactionOutcome outcome = runner.Run(*connection_, entry, landing_.datastore, random);
    const auto ended = Clock::now();
    const auto latency = std::chrono::duration_cast<std::chrono::microseconds>(ended - scheduled.value_or(started));
    if (scheduled) log_.lag_us.Record(std::chrono::duration_cast<std::chrono::microseconds>(started - *scheduled).count());
    scheduled.reset();
    if (outcome.ledger) log_.ledger.push_back(std::move(*outcome.ledger));
    if (!outcome.error) {
      live_.latency_us.Record(latency.count());
      Bump(live_.landing_transactions[landing_id_], 1u);
      Bump(live_.transactions);
      ++log_.entry_transactions[entry];
      ++log_.connections[record_].transactions;
    } else {
      ++log_.failed_transactions;
      ++log_.entry_failures[entry];
      RecordError("transaction", outcome.error->sqlstate);
    }
    if (outcome.connection_lost) {
      const std::string label = ErrorLabel(outcome.error ? outcome.error->sqlstate : "08006");
      CloseConnection(label);
      StartOutage(label);
    } else if (options.connection_per_transaction) {
      CloseConnection("per-transaction");
    }
  }
  CloseConnection("run-end");
}

}  // namespace drdaplex::load
