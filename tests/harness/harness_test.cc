// The harness end to end, as a user runs it: `drdaplex plex up` of the seed
// plex file (fixtures/plex/plex1.plex: a distributor pair on the DVIPA,
// three routers, ODBMB1 and ODBMB2 running, ODBMB3 defined to start later),
// `drdaplex bench` against it, and every fault scenario of fixtures/faults
// through `drdaplex scenario`, each judged from its JSON outcome: the ledger
// check (no committed row lost, no rolled-back row kept) and the scenario's
// own expectations (failed targets get no new connections, restarted ones
// do, open connections are not moved, clients reconnect within 2 s).
// One plex serves the whole suite; the scenario runner puts it back as it
// found it after each scenario.
#include <signal.h>

#include <fstream>
#include <memory>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "process/child_process.h"
#include "process/polling.h"
#include "process/temp_dir.h"
#include "tests/support/paths.h"

namespace drdaplex {
namespace {

using namespace std::chrono_literals;
using process::ChildProcess;
using process::CommandResult;
using process::RunCommand;
using testing::BinaryPath;
using testing::SourceDir;

nlohmann::json ReadJson(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
}

class Harness : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (launcher_ != nullptr) return;  // one plex per process, whichever suite comes first
    work_ = new process::TempDir("drdaplex-harness-");
    dir_ = work_->File("plex");
    std::string error;
    launcher_ = ChildProcess::Start({.argv = {BinaryPath("drdaplex"), "plex", "up",
                                              SourceDir() + "/fixtures/plex/plex1.plex", "--dir", dir_},
                                     .stdout_path = work_->File("launcher.log"),
                                     .stderr_path = work_->File("launcher.log")},
                                    &error)
                    .release();
    ASSERT_NE(launcher_, nullptr) << error;
    bool up = process::PollUntil(
        [] {
          CommandResult status = Drdaplex({"plex", "status", "--dir", dir_, "--json"}, 10s);
          if (!status.Success()) return false;
          auto plex = nlohmann::json::parse(status.stdout_text, nullptr, false);
          if (!plex.is_object()) return false;
          if (plex.contains("plex")) plex = plex["plex"];
          int running = 0;
          for (const auto& m : plex.value("members", nlohmann::json::array())) {
            running += m.value("state", "") == "running";
          }
          return running > 0 && plex.contains("entry");
        },
        90s);
    ASSERT_TRUE(up) << "the plex did not come up:\n"
                    << process::TailLines(process::ReadFileOrEmpty(work_->File("launcher.log")), 60);
  }

  static void TearDownTestSuite() {
    if (launcher_ != nullptr) {
      Drdaplex({"plex", "down", "--dir", dir_}, 30s);
      auto status = launcher_->Wait(30s);
      EXPECT_TRUE(status && status->Success())
          << (status ? status->ToString() : "still running 30 s after plex down");
      delete launcher_;
      launcher_ = nullptr;
    }
    delete work_;
    work_ = nullptr;
  }

  static CommandResult Drdaplex(std::vector<std::string> args, std::chrono::milliseconds timeout) {
    args.insert(args.begin(), BinaryPath("drdaplex"));
    return RunCommand(std::move(args), timeout);
  }

  // Runs one scenario file and returns its outcome object.
  static nlohmann::json RunScenario(const std::string& file, CommandResult* run) {
    std::string json = work_->File(file + ".json");
    *run = Drdaplex({"scenario", SourceDir() + "/fixtures/faults/" + file, "--plex", dir_, "--json",
                     json, "--plot", work_->File(file)},
                    120s);
    nlohmann::json all = ReadJson(json);
    return all.is_array() && all.size() == 1 ? all[0] : nlohmann::json();
  }

  static process::TempDir* work_;
  static std::string dir_;
  static ChildProcess* launcher_;
};

process::TempDir* Harness::work_ = nullptr;
std::string Harness::dir_;
ChildProcess* Harness::launcher_ = nullptr;

TEST_F(Harness, BenchFinishesWithTableJsonAndPlot) {
  std::string json = work_->File("bench.json");
  std::string plot = work_->File("bench");
  CommandResult run = Drdaplex({"bench", "--plex", dir_, "--init", "-c", "8", "-T", "3", "-b",
                                "select-only@3", "-b", "ledger@1", "--json", json, "--plot", plot},
                               120s);
  ASSERT_TRUE(run.Success()) << run.Describe();
  // The pgbench-like table on stdout.
  EXPECT_NE(run.stdout_text.find("tps"), std::string::npos) << run.stdout_text;
  EXPECT_NE(run.stdout_text.find("p99"), std::string::npos) << run.stdout_text;
  nlohmann::json result = ReadJson(json);
  ASSERT_TRUE(result.is_object()) << "no JSON in " << json;
  EXPECT_GT(result.dump().find("\"errors\""), 0u);
  for (const char* ext : {".svg", ".png"}) {
    std::string text = process::ReadFileOrEmpty(plot + ext);
    EXPECT_GT(text.size(), 1000u) << plot << ext;
  }
  EXPECT_NE(process::ReadFileOrEmpty(plot + ".svg").find("<svg"), std::string::npos);
  EXPECT_EQ(process::ReadFileOrEmpty(plot + ".png").substr(1, 3), "PNG");
}

// The bench's scale: 1,000 clients, each holding its own connection
// through the DVIPA, routers and ODBMs of the plex, on this 2-core machine,
// without one error. (How fast is a benchmark's business: bench/RESULTS.md.)
TEST_F(Harness, ThousandConcurrentClientsWithoutErrors) {
  std::string json = work_->File("scale.json");
  CommandResult init = Drdaplex({"bench", "--plex", dir_, "--init"}, 120s);
  ASSERT_TRUE(init.Success()) << init.Describe();
  CommandResult run = Drdaplex({"bench", "--plex", dir_, "-c", "1000", "-T", "6", "-b",
                                "select-only@9", "-b", "ledger@1", "--json", json},
                               180s);
  ASSERT_TRUE(run.Success()) << run.Describe();
  nlohmann::json result = ReadJson(json);
  ASSERT_TRUE(result.is_object()) << run.Describe();
  EXPECT_EQ(result.value("clients", 0), 1000);
  EXPECT_GE(result.value("connection_setups", 0), 1000);
  EXPECT_EQ(result.value("connect_failures", -1), 0);
  EXPECT_EQ(result.value("failed_transactions", -1), 0);
  EXPECT_TRUE(result["errors"].empty()) << result["errors"].dump();
  EXPECT_TRUE(result["outages"].empty()) << result["outages"].size() << " outages";
  EXPECT_GT(result.value("transactions", 0), 1000);
  // Every one of them was open at once: each client holds one connection.
  int64_t open_peak = 0;
  for (const auto& point : result["timeline"]) {
    open_peak = std::max<int64_t>(open_peak, point.value("open_connections", 0));
  }
  EXPECT_EQ(open_peak, 1000);
}

// `plex up --detach`, as scripts use it (the demo does): the command
// returns once the plex is up, the plex keeps running without it, and
// `plex down` stops it. A plex of its own (small.plex), next to the suite's.
TEST_F(Harness, DetachedPlexKeepsRunningUntilDown) {
  std::string dir = work_->File("detached");
  CommandResult up = Drdaplex(
      {"plex", "up", SourceDir() + "/fixtures/plex/small.plex", "--dir", dir, "--detach"}, 90s);
  ASSERT_TRUE(up.Success()) << up.Describe();
  EXPECT_NE(up.stdout_text.find("running"), std::string::npos) << up.stdout_text;
  CommandResult status = Drdaplex({"plex", "status", "--dir", dir, "--json"}, 10s);
  ASSERT_TRUE(status.Success()) << status.Describe();
  auto plex = nlohmann::json::parse(status.stdout_text, nullptr, false);
  if (plex.contains("plex")) plex = plex["plex"];
  ASSERT_TRUE(plex.is_object()) << status.stdout_text;
  std::vector<int> pids;
  for (const auto& member : plex["members"]) {
    EXPECT_EQ(member.value("state", ""), "running") << member.dump();
    pids.push_back(member.value("pid", 0));
  }
  EXPECT_FALSE(pids.empty());
  CommandResult down = Drdaplex({"plex", "down", "--dir", dir}, 30s);
  ASSERT_TRUE(down.Success()) << down.Describe();
  bool all_gone = process::PollUntil(
      [&] {
        for (int pid : pids) {
          if (pid > 0 && ::kill(pid, 0) == 0) return false;
        }
        return true;
      },
      15s);
  EXPECT_TRUE(all_gone) << "members still running after plex down";
}

class HarnessScenario : public Harness, public ::testing::WithParamInterface<const char*> {};

TEST_P(HarnessScenario, PassesWithEveryCommittedRowKept) {
  CommandResult run;
  nlohmann::json outcome = RunScenario(GetParam(), &run);
  ASSERT_TRUE(outcome.is_object()) << run.Describe();
  SCOPED_TRACE(run.stdout_text);
  for (const auto& action : outcome["actions"]) {
    EXPECT_TRUE(action.value("ok", false)) << action.dump();
  }
  int64_t committed = 0;
  for (const auto& load : outcome["loads"]) {
    const auto& ledger = load["ledger"];
    committed += ledger.value("committed", 0);
    EXPECT_EQ(ledger.value("committed_missing", -1), 0) << ledger.dump();
    EXPECT_EQ(ledger.value("rolled_back_present", -1), 0) << ledger.dump();
    EXPECT_EQ(ledger.value("aborted_present", -1), 0) << ledger.dump();
  }
  EXPECT_GT(committed, 100) << "the load did too little to prove anything";
  for (const auto& expect : outcome["expectations"]) {
    EXPECT_TRUE(expect.value("ok", false)) << expect.dump();
  }
  EXPECT_TRUE(outcome["problems"].empty()) << outcome["problems"].dump();
  EXPECT_TRUE(outcome.value("passed", false)) << outcome.value("verdict", "");
  EXPECT_TRUE(run.Success()) << run.Describe();
  // One verdict line per scenario, and a plot with the faults marked.
  EXPECT_NE(run.stdout_text.find("PASS " + outcome.value("scenario", std::string("?"))),
            std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Faults, HarnessScenario,
                         ::testing::Values("kill-odbm.scenario", "hang-odbm.scenario",
                                           "stop-datastore.scenario", "add-odbm.scenario",
                                           "kill-router.scenario", "kill-distributor.scenario"),
                         [](const auto& info) {
                           std::string name = info.param;
                           name = name.substr(0, name.find('.'));
                           name.erase(std::remove(name.begin(), name.end(), '-'), name.end());
                           return name;
                         });

}  // namespace
}  // namespace drdaplex
