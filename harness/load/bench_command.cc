#include "harness/load/bench_command.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "harness/load/bench_run.h"
#include "harness/load/init_databases.h"
#include "harness/load/ledger_check.h"
#include "harness/load/plex_status.h"
#include "harness/load/plot.h"
#include "harness/load/report.h"
#include "harness/load/workload.h"

namespace drdaplex::load {

namespace {

struct BenchFlags {
  BenchOptions options;
  std::string plex_dir;
  std::vector<std::string> builtins, files, database_files;
  double duration_s = 0;
  int64_t transactions = 0;
  double rate = 0;
  int progress_every = 0;
  bool no_progress = false;
  bool init = false;
  bool check_ledger = false;
  std::string json_path, plot_prefix;
  int connect_timeout_ms = 10000, timeout_ms = 10000;
};

[[noreturn]] void Fail(const std::string& message, int code = 1) {
  std::cerr << "drdaplex bench: " << message << std::endl;
  throw CLI::RuntimeError(code);
}

std::vector<WeightedScript> Scripts(const BenchFlags& f) {
  std::vector<WeightedScript> scripts;
  std::string error;
  for (const auto* list : {&f.builtins, &f.files}) {
    for (const std::string& text : *list) {
      auto w = ParseWeighted(text, &error);
      if (!w) Fail(error, 2);
      if (list == &f.builtins && !BuiltinScriptText(w->name) && w->name != kLedgerBuiltin) {
        Fail("-b " + w->name + ": no such built-in", 2);
      }
      scripts.push_back(*w);
    }
  }
  return scripts;
}

void RunBench(BenchFlags& f) {
  BenchOptions& o = f.options;
  std::optional<PlexView> plex;
  if (!f.plex_dir.empty()) {
    std::string error;
    plex = ReadPlexView(f.plex_dir, &error);
    if (!plex) Fail(error);
    o.target.host = plex->entry_host;
    o.target.port = plex->entry_port;
    o.router_systems = plex->router_systems;
  } else if (o.target.port == 0) {
    Fail("give --plex DIR or --host H --port P", 2);
  }
  o.scripts = Scripts(f);
  o.connect_timeout = std::chrono::milliseconds(f.connect_timeout_ms);
  o.io_timeout = std::chrono::milliseconds(f.timeout_ms);
  if (f.rate > 0) o.rate = f.rate;
  if (f.transactions > 0) o.transactions = f.transactions;
  if (f.duration_s > 0) o.duration = std::chrono::milliseconds(static_cast<int64_t>(f.duration_s * 1000));
  if (f.progress_every > 0) {
    o.progress_plain_lines = true;
    o.progress_interval = std::chrono::seconds(f.progress_every);
  }
  o.progress = !f.no_progress;

  if (f.init) {
    std::vector<std::string> datastores;
    if (plex) {
      for (const PlexDatastore& d : plex->DistinctDatabases()) datastores.push_back(d.name);
    }
    std::string error;
    const std::string target_database = o.target.database.empty() ? "(blank database)" : o.target.database;
    std::cerr << "initialising " << (datastores.empty() ? target_database : fmt::format("{}", fmt::join(datastores, ", ")))
              << " at scale " << o.scale << std::endl;
    if (!InitDatabases(o, datastores, &error)) Fail("--init: " + error);
    if (!o.duration && !o.transactions) return;  // initialise only, as pgbench -i
  }
  if (!o.duration && !o.transactions) o.duration = std::chrono::seconds(10);

  BenchRun run(o);
  try {
    run.Start();
  } catch (const std::exception& e) {
    Fail(e.what(), 2);
  }
  BenchResult result = run.Wait();
  std::cout << FormatReport(result) << std::flush;

  bool ok = true;
  std::string error;
  if (!f.json_path.empty()) {
    std::ofstream out(f.json_path, std::ios::trunc);
    out << ToJson(result).dump(2) << '\n';
    if (!out) Fail("cannot write " + f.json_path);
    if (!result.ledger.empty() && !WriteLedgerIds(result, f.json_path + ".ledger.tsv", &error)) Fail(error);
  }
  if (!f.plot_prefix.empty() && !WritePlot(result, f.plot_prefix, &error)) {
    std::cerr << "drdaplex bench: --plot: " << error << std::endl;
    ok = false;
  }
  if (f.check_ledger && !result.ledger.empty()) {
    std::vector<std::filesystem::path> files(f.database_files.begin(), f.database_files.end());
    if (plex && files.empty()) files = plex->DatabaseFiles();
    if (files.empty()) Fail("--check-ledger needs --database-file (or --plex)", 2);
    LedgerCheck check = CheckLedger(result, files, &error);
    if (!error.empty()) Fail("--check-ledger: " + error);
    std::cout << FormatLedgerCheck(check) << std::flush;
    ok = ok && check.ok();
  }
  if (!ok) throw CLI::RuntimeError(1);
}

}  // namespace

void AddBenchCommand(CLI::App& app) {
  auto flags = std::make_shared<BenchFlags>();
  CLI::App* cmd = app.add_subcommand("bench", "Load benchmark on drdaplex's DRDA driver (pgbench-like)");
  cmd->footer(
      "Built-in transactions (-b NAME[@W]): tpcb-like (default; pgbench's TPC-B-like), simple-update, select-only "
      "(read-only point select), insert (insert + commit), scan (100-row range scan), ledger (insert one DPX_LEDGER "
      "row with a unique id, commit or roll back 1 in 10; every id's outcome is recorded and --check-ledger checks "
      "them against the database files).\n"
      "Scripts (-f FILE[@W]): pgbench's language: SQL ending in ';', \\set var expr (integers, + - * / %, "
      "random(lo, hi), :scale, :client_id), \\sleep N [us|ms|s]; :var in SQL is a bound parameter.\n"
      "Tables DPX_BRANCHES (s rows), DPX_TELLERS (10*s), DPX_ACCOUNTS (10,000*s; pgbench uses 100,000*s), "
      "DPX_HISTORY, DPX_LEDGER.");
  BenchFlags& f = *flags;
  BenchOptions& o = f.options;
  auto* plex = cmd->add_option("--plex", f.plex_dir, "Plex work directory: target its entry (DVIPA or shared port)");
  cmd->add_option("--host", o.target.host, "Target host")->excludes(plex);
  cmd->add_option("--port", o.target.port, "Target DRDA port")->excludes(plex);
  o.target.host = "127.0.0.1";
  cmd->add_option("--database", o.target.database, "Database (alias); blank: the router picks");
  cmd->add_option("--user", o.target.user, "User")->capture_default_str();
  cmd->add_option("--password", o.target.password, "Password")->capture_default_str();
  cmd->add_option("-c,--clients", o.clients, "Concurrent clients, one connection each")->capture_default_str();
  cmd->add_option("-T,--time", f.duration_s, "Duration in seconds (default 10 when no -t)");
  cmd->add_option("-t,--transactions", f.transactions, "Total transactions over all clients");
  cmd->add_option("-R,--rate", f.rate, "Total target rate (tx/s), Poisson schedule per client; latency from the "
                                       "scheduled start");
  cmd->add_option("-b,--builtin", f.builtins, "Built-in transaction NAME[@WEIGHT] (repeatable)");
  cmd->add_option("-f,--file", f.files, "Script FILE[@WEIGHT] (repeatable)");
  cmd->add_option("-s,--scale", o.scale, "Scale factor (tables for --init, ranges for the scripts)")
      ->capture_default_str();
  cmd->add_flag("-C,--connect-per-transaction", o.connection_per_transaction, "New connection for every transaction");
  cmd->add_flag("-i,--init", f.init,
                "Create and fill the tables (drop first) in every datastore of the plex (one per database file), or "
                "the target's; then run only if -T or -t is given");
  cmd->add_option("-P,--progress", f.progress_every, "Print a plain progress line every N seconds (even without a TTY)");
  cmd->add_flag("--no-progress", f.no_progress, "No progress line");
  cmd->add_option("--json", f.json_path, "Write the results as JSON (the ledger ids to FILE.ledger.tsv)");
  cmd->add_option("--plot", f.plot_prefix, "Write PREFIX.svg and PREFIX.png with gnuplot");
  cmd->add_flag("--check-ledger", f.check_ledger, "After a ledger run, check its ids in the database files");
  cmd->add_option("--database-file", f.database_files, "SQLite file for --check-ledger (repeatable; --plex knows them)");
  cmd->add_option("--seed", o.seed, "Random seed (0: from the clock)");
  cmd->add_option("--connect-timeout-ms", f.connect_timeout_ms, "Connect timeout")->capture_default_str();
  cmd->add_option("--timeout-ms", f.timeout_ms, "Timeout of each round trip")->capture_default_str();
  cmd->callback([flags] { RunBench(*flags); });
}

}  // namespace drdaplex::load
