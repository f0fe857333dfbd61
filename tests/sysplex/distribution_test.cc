// The Sysplex Distributor end to end: three simulated systems (network
// namespaces when the test can make them), routers HWS1+HWS2 sharing one
// port on SYS1, HWS3 on SYS2, HWS4 on SYS3, and a distributor owning the
// DVIPA that hands every new connection to a router. 1,000+ connections
// through the DVIPA with drdaplex's driver per DISTMETHOD, counted by the
// distributor's own display (VDPT) per system.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <random>

#include "client/sql_error.h"
#include "tests/support/child_process.h"
#include "tests/support/paths.h"
#include "tests/support/polling.h"
#include "tests/sysplex/sysplex_fixture.h"

namespace drdaplex::testing {
namespace {

constexpr int kConnections = 1002;

class DistributionTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string why;
    const auto mode = SimSystems::Available(&why);
    std::string error;
    plex_ = Sysplex::Start(mode, &error).release();
    start_error_ = new std::string(error);
    std::printf("systems: %s%s\n", ModeName(mode), why.empty() ? "" : (" (" + why + ")").c_str());
  }
  static void TearDownTestSuite() {
    delete plex_;
    delete start_error_;
  }
  void SetUp() override { ASSERT_NE(plex_, nullptr) << *start_error_; }

  // Starts the test's distributor and waits until it has all four routers.
  std::unique_ptr<ServiceProcess> Distributor(const std::string& statements,
                                              const std::string& flag = "") {
    std::string error;
    auto d = plex_->StartDistributor("SD1", statements, &error);
    if (!d) {
      ADD_FAILURE() << error;
      return nullptr;
    }
    if (!plex_->WaitForTargets(*d, 4, flag)) {
      ADD_FAILURE() << "distributor did not see 4 ready routers" << (flag.empty() ? "" : " flagged ")
                    << flag << ":\n"
                    << plex_->Ctl(*d, R"({"command":"vdpt"})").dump(1) << "\n"
                    << d->LogTail();
      return nullptr;
    }
    return d;
  }

  void ConnectMany(int n) {
    for (int i = 0; i < n; ++i) {
      client::Connection c = plex_->Connect();
    }
  }

  static Sysplex* plex_;
  static std::string* start_error_;
};
Sysplex* DistributionTest::plex_ = nullptr;
std::string* DistributionTest::start_error_ = nullptr;

// Share of each system in `totals`, against the expected weights.
void ExpectShares(const std::map<std::string, uint64_t>& totals,
                  const std::map<std::string, double>& weights, double tolerance) {
  double sum = 0, weight_sum = 0;
  for (const auto& [s, n] : totals) sum += static_cast<double>(n);
  for (const auto& [s, w] : weights) weight_sum += w;
  for (const auto& [system, w] : weights) {
    const double got = totals.count(system) ? static_cast<double>(totals.at(system)) / sum : 0;
    EXPECT_NEAR(got, w / weight_sum, tolerance) << system;
  }
}

TEST_F(DistributionTest, RoundRobinSpreadsEvenlyOverSystems) {
  auto d = Distributor("VIPADISTRIBUTE(PORT=1, DISTMETHOD=ROUNDROBIN, TSRINTERVAL=1)\n");
  ASSERT_NE(d, nullptr);
  ConnectMany(kConnections);
  const auto totals = plex_->TotalsBySystem(*d, "totalconn");
  for (const char* system : {"SYS1", "SYS2", "SYS3"}) {
    EXPECT_NEAR(static_cast<double>(totals.at(system)), kConnections / 3.0, 1.0) << system;
  }
  // The operator's text display, as drdaplex-ctl prints it.
  CommandResult text = RunCommand({BinaryPath("drdaplex-ctl"), "--admin",
                                   "127.0.0.1:" + std::to_string(d->port("admin-port-file")), "vdpt"},
                                  std::chrono::seconds(10));
  EXPECT_TRUE(text.Success()) << text.Describe();
  EXPECT_NE(text.stdout_text.find("DISTMETHOD"), std::string::npos) << text.stdout_text;
  EXPECT_NE(text.stdout_text.find("ROUNDROBIN"), std::string::npos) << text.stdout_text;
  // SYS1's two routers share its connections (SHAREPORT: by the client's
  // address and port).
  const auto vdpt = plex_->Ctl(*d, R"({"command":"vdpt"})");
  for (const auto& row : vdpt["rows"]) {
    if (row["system"] == "SYS1") EXPECT_GT(row.value("totalconn", 0), 50) << row.dump();
  }
}

TEST_F(DistributionTest, DerbyClientThroughTheDvipa) {
  // The unmodified Derby JDBC client (ij) through the distributor: its
  // connections are handed over like any other.
  auto d = Distributor("VIPADISTRIBUTE(PORT=1, DISTMETHOD=ROUNDROBIN, TSRINTERVAL=1)\n");
  ASSERT_NE(d, nullptr);
  const std::string url = "jdbc:derby://" + plex_->systems().dvipa() + ":" +
                          std::to_string(plex_->dvipa_port()) + "/IO1A;user=app;password=secret";
  std::string script;
  for (int i = 0; i < 3; ++i) {
    script += "connect '" + url + "' as c" + std::to_string(i) + ";\n";
    script += "values drdaplex_datastore() || ' via ' || drdaplex_odbm();\n";
  }
  script += "exit;\n";
  const std::string path = plex_->dir() + "/dvipa.sql";
  {
    std::ofstream(path) << script;
  }
  CommandResult result = RunCommand(
      {JavaExecutable(), "-cp", DerbyJar("derbytools.jar") + ":" + DerbyJar("derbyclient.jar"),
       "org.apache.derby.tools.ij", path},
      std::chrono::seconds(120));
  ASSERT_TRUE(result.Success()) << result.Describe();
  size_t answers = 0;
  for (size_t at = 0; (at = result.stdout_text.find("IMS1 via ODBMB1", at)) != std::string::npos; ++at) {
    ++answers;
  }
  EXPECT_EQ(answers, 3u) << result.stdout_text;
  EXPECT_EQ(result.stdout_text.find("ERROR"), std::string::npos) << result.stdout_text;
  uint64_t total = 0;
  for (const auto& [system, n] : plex_->TotalsBySystem(*d, "totalconn")) total += n;
  EXPECT_EQ(total, 3u);
}

TEST_F(DistributionTest, BaseWlmFollowsSystemCapacities) {
  std::string error;
  ASSERT_TRUE(plex_->SetCapacities({{"SYS1", 12}, {"SYS2", 4}, {"SYS3", 8}}, &error)) << error;
  auto d = Distributor("VIPADISTRIBUTE(PORT=1, DISTMETHOD=BASEWLM, TSRINTERVAL=1)\n", "B");
  ASSERT_NE(d, nullptr);
  ConnectMany(kConnections);
  ExpectShares(plex_->TotalsBySystem(*d, "totalconn"), {{"SYS1", 12}, {"SYS2", 4}, {"SYS3", 8}},
               0.03);
}

TEST_F(DistributionTest, ServerWlmFollowsServerWeights) {
  std::string error;
  ASSERT_TRUE(plex_->SetCapacities({{"SYS1", 4}, {"SYS2", 8}, {"SYS3", 16}}, &error)) << error;
  auto d = Distributor("VIPADISTRIBUTE(PORT=1, DISTMETHOD=SERVERWLM, SHAREPORT=WLM, TSRINTERVAL=1)\n",
                       "S");
  ASSERT_NE(d, nullptr);
  ConnectMany(kConnections);
  ExpectShares(plex_->TotalsBySystem(*d, "totalconn"), {{"SYS1", 4}, {"SYS2", 8}, {"SYS3", 16}},
               0.03);
}

TEST_F(DistributionTest, WeightedActiveKeepsActiveCountsAtTheWeightRatio) {
  auto d = Distributor(
      "VIPADISTRIBUTE(PORT=1, DISTMETHOD=WEIGHTEDACTIVE, TSRINTERVAL=1)\n"
      "DESTIP(SYSTEM=SYS1, WEIGHT=1)\nDESTIP(SYSTEM=SYS2, WEIGHT=2)\nDESTIP(SYSTEM=SYS3, WEIGHT=3)\n");
  ASSERT_NE(d, nullptr);
  std::vector<client::Connection> open;
  for (int i = 0; i < 240; ++i) open.push_back(plex_->Connect());
  auto wait_active = [&](size_t n) {
    return PollUntil(
        [&] {
          uint64_t sum = 0;
          for (const auto& [s, a] : plex_->TotalsBySystem(*d, "actconn")) sum += a;
          return sum == n;
        },
        std::chrono::seconds(5));
  };
  ASSERT_TRUE(wait_active(open.size()));
  ExpectShares(plex_->TotalsBySystem(*d, "actconn"), {{"SYS1", 1}, {"SYS2", 2}, {"SYS3", 3}},
               0.02);
  // Connections come and go: close a random half, open as many again, seven
  // times over (1,080 new connections in all).
  std::mt19937 random(7);
  for (int wave = 0; wave < 7; ++wave) {
    std::shuffle(open.begin(), open.end(), random);
    open.erase(open.begin() + static_cast<long>(open.size() / 2), open.end());
    ASSERT_TRUE(wait_active(open.size()));
    for (int i = 0; i < 120; ++i) open.push_back(plex_->Connect());
    ASSERT_TRUE(wait_active(open.size()));
    ExpectShares(plex_->TotalsBySystem(*d, "actconn"), {{"SYS1", 1}, {"SYS2", 2}, {"SYS3", 3}},
                 0.03);
  }
}

TEST_F(DistributionTest, HotStandbySwitchesToTheBestBackupAndBack) {
  auto d = Distributor(
      "VIPADISTRIBUTE(PORT=1, DISTMETHOD=HOTSTANDBY, TSRINTERVAL=1, AUTOSWITCHBACK=Y)\n"
      "DESTIP(SYSTEM=SYS1, ROLE=PREFERRED)\n"
      "DESTIP(SYSTEM=SYS2, ROLE=BACKUP, RANK=50)\n"
      "DESTIP(SYSTEM=SYS3, ROLE=BACKUP, RANK=100)\n");
  ASSERT_NE(d, nullptr);
  // 350 connections per phase, 1,050 in all.
  auto before = plex_->TotalsBySystem(*d, "totalconn");
  ConnectMany(350);
  auto after = plex_->TotalsBySystem(*d, "totalconn");
  EXPECT_EQ(after["SYS1"] - before["SYS1"], 350u);

  // The preferred system loses its routers: everything to rank 100 (SYS3).
  ASSERT_TRUE(plex_->router("HWS1")->Kill());
  ASSERT_TRUE(plex_->router("HWS2")->Kill());
  ASSERT_TRUE(PollUntil([&] { return plex_->Ctl(*d, R"({"command":"vdpt"})")["rows"].size() == 2; },
                        std::chrono::seconds(5)));
  before = plex_->TotalsBySystem(*d, "totalconn");
  ConnectMany(350);
  after = plex_->TotalsBySystem(*d, "totalconn");
  EXPECT_EQ(after["SYS3"] - before["SYS3"], 350u);
  EXPECT_EQ(after["SYS2"], before["SYS2"]);

  // Back: AUTOSWITCHBACK returns to the preferred one.
  std::string error;
  ASSERT_TRUE(plex_->StartRouter("HWS1", &error)) << error;
  ASSERT_TRUE(plex_->StartRouter("HWS2", &error)) << error;
  ASSERT_TRUE(plex_->WaitForTargets(*d, 4, ""));
  before = plex_->TotalsBySystem(*d, "totalconn");
  ConnectMany(350);
  after = plex_->TotalsBySystem(*d, "totalconn");
  EXPECT_EQ(after["SYS1"] - before["SYS1"], 350u);
}

}  // namespace
}  // namespace drdaplex::testing
