// The report, the JSON and the plot data from a synthetic result: the
// pgbench-like lines, spread percentages per system/router/ODBM/datastore,
// errors by kind, marks, and the per-second timeline.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "harness/load/plot.h"
#include "harness/load/report.h"

namespace drdaplex::load {
namespace {

BenchResult Synthetic() {
  BenchResult r;
  r.options.target = {"127.0.0.1", 6695, "IM1A"};
  r.options.clients = 4;
  r.workload = "ledger@3 select-only@1";
  r.elapsed_s = 10.0;
  r.transactions = 1000;
  r.failed_transactions = 2;
  r.connection_setups = 5;
  r.connect_seconds = 0.02;
  for (int i = 1; i <= 1000; ++i) r.latency_us.Record(i * 10);  // 10 us .. 10 ms
  r.setup_us.Record(1500);
  r.landings = {{"SYS1", "HWS1", "ODBMB1", "IMS1"}, {"SYS1", "HWS2", "ODBMB2", "IMS3"}};
  r.landing_transactions = {750, 250};
  r.connections = {{0, 0.1, 10.0, "HWS1", "ODBMB1", "IMS1", "SYS1", "run-end"},
                   {1, 0.1, 10.0, "HWS1", "ODBMB1", "IMS1", "SYS1", "run-end"},
                   {2, 0.1, 4.0, "HWS2", "ODBMB2", "IMS3", "SYS1", "08006 connection lost"},
                   {2, 4.3, 10.0, "HWS1", "ODBMB1", "IMS1", "SYS1", "run-end"},
                   {3, 0.1, 10.0, "HWS2", "ODBMB2", "IMS3", "SYS1", "run-end"}};
  r.errors = {{"08006", "connection lost", "transaction", 2}};
  r.scripts = {{"ledger", 3, 760, 2}, {"select-only", 1, 240, 0}};
  r.outages = {{2, 4.0, 4.3, "08006 connection lost"}};
  r.ledger = {{1, LedgerOutcome::kCommitted, "IMS1"}, {2, LedgerOutcome::kRolledBack, "IMS1"},
              {3, LedgerOutcome::kInDoubt, "IMS3"}};
  r.ledger_run = 9;
  r.marks = {{4.0, "KILL ODBMB2"}};
  for (int s = 1; s <= 10; ++s) {
    TimelinePoint p;
    p.end_s = s;
    p.span_s = 1;
    p.transactions = 100;
    p.p50_ms = 5;
    p.p99_ms = 9.9;
    p.landing_transactions = {75, 25};
    r.timeline.push_back(p);
  }
  return r;
}

TEST(ReportTest, TextHasThePgbenchLinesAndTheSpread) {
  const std::string text = FormatReport(Synthetic());
  for (const char* line : {"transaction type: ledger@3 select-only@1\n", "number of clients: 4\n",
                           "connection mode: persistent (reconnect on loss)\n", "duration: 10.0 s\n",
                           "number of transactions actually processed: 1000\n",
                           "number of failed transactions: 2 (0.200 %)\n",
                           "target: 127.0.0.1:6695 database IM1A\n", "mark at 4.000 s: KILL ODBMB2\n",
                           "ledger (run 9): committed 1, rolled back 1, aborted 0, in doubt 1\n"}) {
    EXPECT_NE(text.find(line), std::string::npos) << line << "\nin:\n" << text;
  }
  EXPECT_NE(text.find("tps = 100.0 (connection setup time 0.005 s per client, negligible)"), std::string::npos) << text;
  EXPECT_NE(text.find("latency = avg 5.005  p50 5.00"), std::string::npos) << text;
  EXPECT_NE(text.find("router     HWS1         connections       3 ( 60.0 %)  transactions       750 ( 75.0 %)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("datastore  IMS3         connections       2 ( 40.0 %)  transactions       250 ( 25.0 %)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("08006  connection lost              transaction          2"), std::string::npos) << text;
  EXPECT_NE(text.find("outages: 1 (0 not recovered), 0.300 client-seconds, longest 0.300 s"), std::string::npos)
      << text;
}

TEST(ReportTest, PerTransactionModeShowsBothRates) {
  BenchResult r = Synthetic();
  r.options.connection_per_transaction = true;
  r.connect_seconds = 8.0;  // 2 s per client
  const std::string text = FormatReport(r);
  EXPECT_NE(text.find("tps = 100.0 (including connections establishing)"), std::string::npos) << text;
  EXPECT_NE(text.find("tps = 125.0 (excluding connections establishing)"), std::string::npos) << text;
}

TEST(ReportTest, JsonCarriesTheSameFigures) {
  const auto j = ToJson(Synthetic());
  EXPECT_EQ(j["transactions"], 1000);
  EXPECT_DOUBLE_EQ(j["tps"].get<double>(), 100.0);
  EXPECT_EQ(j["connection_mode"], "persistent");
  EXPECT_EQ(j["spread"]["router"][0]["name"], "HWS1");
  EXPECT_DOUBLE_EQ(j["spread"]["router"][0]["transactions_pct"].get<double>(), 75.0);
  EXPECT_EQ(j["spread"]["system"][0]["connections"], 5);
  EXPECT_EQ(j["errors"][0]["sqlstate"], "08006");
  EXPECT_EQ(j["timeline"].size(), 10u);
  EXPECT_EQ(j["timeline"][0]["landing_transactions"][1], 25);
  EXPECT_EQ(j["connections"][2]["end"], "08006 connection lost");
  EXPECT_DOUBLE_EQ(j["outages"][0]["recovered_s"].get<double>(), 4.3);
  EXPECT_EQ(j["marks"][0]["label"], "KILL ODBMB2");
  EXPECT_EQ(j["ledger"]["in_doubt"], 1);
  EXPECT_EQ(j["ledger"]["run"], 9);
  EXPECT_NEAR(j["latency"]["p99_ms"].get<double>(), 9.9, 0.1);
}

TEST(ReportTest, PlotDataHasSharesAndTheScriptMarksFaults) {
  const BenchResult r = Synthetic();
  const std::string data = PlotData(r);
  EXPECT_NE(data.find("\"ODBMB1/IMS1\" \"ODBMB2/IMS3\" \"router HWS1\" \"router HWS2\""), std::string::npos) << data;
  EXPECT_NE(data.find("\n1.000 100.00 0.00 5.0000 9.9000 0.00 75.00 25.00 75.00 25.00\n"), std::string::npos) << data;
  const std::string script = PlotScript(r, "/tmp/x");
  EXPECT_NE(script.find("set arrow from 4.000, graph 0 to 4.000, graph 1"), std::string::npos) << script;
  EXPECT_NE(script.find("set label \"KILL ODBMB2\" at 4.000"), std::string::npos) << script;
  EXPECT_NE(script.find("set output \"/tmp/x.svg\""), std::string::npos);
  EXPECT_NE(script.find("set output \"/tmp/x.png\""), std::string::npos);
  EXPECT_NE(script.find("set logscale y"), std::string::npos);
}

TEST(ReportTest, PlotDataLeavesOutAFinalSliverOfAnInterval) {
  BenchResult r = Synthetic();
  TimelinePoint sliver = r.timeline.back();
  sliver.end_s += 0.02;
  sliver.span_s = 0.02;
  sliver.transactions = 1;  // 50 tx/s: a false collapse if plotted
  r.timeline.push_back(sliver);
  const std::string data = PlotData(r);
  EXPECT_EQ(data.find(fmt::format("\n{:.3f} ", sliver.end_s)), std::string::npos) << data;
  // A full last interval stays.
  r.timeline.back().span_s = 1;
  EXPECT_NE(PlotData(r).find(fmt::format("\n{:.3f} ", sliver.end_s)), std::string::npos);
}

}  // namespace
}  // namespace drdaplex::load
