// End-to-end tests: a real drdaplex-odbm (started per test on a free port,
// with a fresh SQLite file) driven by real clients — the Derby network JDBC
// client (tests/java scenario programs), Derby's ij tool — and watched on the
// wire with dumpcap/tshark, whose DRDA dissector must find nothing malformed.
// Every check prints the client's whole output and the server log's tail
// when it fails.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/child_process.h"
#include "tests/support/java_scenario.h"
#include "tests/support/odbm_process.h"
#include "tests/support/packet_capture.h"
#include "tests/support/paths.h"
#include "tests/support/temp_dir.h"

namespace drdaplex::testing {
namespace {

using std::chrono::seconds;

// A JVM start plus a scenario takes a few seconds; the bound is for a
// loaded CI machine, not an expectation.
constexpr auto kClientTimeout = seconds(120);
std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

class OdbmTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    odbm_ = OdbmProcess::Start(OdbmConfig::SharedPair("shared.db"), dir_.path(), &error);
    ASSERT_NE(odbm_, nullptr) << error;
  }

  void TearDown() override {
    if (odbm_ != nullptr) {
      EXPECT_TRUE(odbm_->Stop());
    }
  }

  // Runs a scenario program of tests/java against our server.
  CommandResult RunScenario(const std::string& main_class) {
    return RunJavaScenario(main_class, {std::to_string(odbm_->port()), odbm_->host()}, kClientTimeout);
  }

  ::testing::AssertionResult Passed(const CommandResult& result,
                                    const std::vector<std::string>& ids) {
    ::testing::AssertionResult passed = ScenarioPassed(result, ids);
    if (!passed) passed << "server log " << odbm_->log_path() << ":\n" << odbm_->LogTail();
    return passed;
  }


  TempDir dir_{"drdaplex-it-"};
  std::unique_ptr<OdbmProcess> odbm_;  // Declared after dir_: stopped before it is removed.
};

const std::vector<std::string> kGoldenChecks = {
    "connect",        "create-table",       "insert-single",  "autocommit-on",
    "batch-insert",   "autocommit-off",     "commit",         "metadata",
    "select-cntqry",  "update-count",       "delete-count",   "rollback",
    "error-42X05",    "usable-after-error", "error-23505",    "error-42X01",
    "usable-after-errors", "utf8-roundtrip", "wide-rows", "close"};

const std::vector<std::string> kRoutingChecks = {
    "alias-io1a", "odbm-name", "alias-io2a", "datastore-name", "round-robin",
    "data-sharing"};

const std::vector<std::string> kAuthChecks = {
    "wrong-password", "unknown-user", "right-password", "user-case",
    "userid-only", "userid-only-refused"};

TEST_F(OdbmTest, AcceptsTcpConnectionsAndStopsOnSigterm) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(odbm_->port()));
  ASSERT_EQ(inet_pton(AF_INET, odbm_->host().c_str(), &address.sin_addr), 1);
  EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0)
      << "port " << odbm_->port() << ": " << std::strerror(errno);
  close(fd);  // EOF before any DSS: the server must treat it as a normal end.
  EXPECT_TRUE(odbm_->Stop(SIGTERM));
}

TEST_F(OdbmTest, StopsCleanlyOnSigint) { EXPECT_TRUE(odbm_->Stop(SIGINT)); }

TEST_F(OdbmTest, JdbcGoldenScenario) {
  CommandResult result = RunScenario("GoldenScenario");
  EXPECT_TRUE(Passed(result, kGoldenChecks));
  // The rows are really in the configured SQLite file: 140 + the UTF-8 row.
  if (!FindExecutable("sqlite3").empty() && result.Success()) {
    CommandResult count = RunCommand(
        // The ODBM may still be closing the program's last connection (and
        // checkpointing the WAL): wait for locks instead of failing at once.
        {"sqlite3", "-cmd", ".timeout 10000", dir_.File("shared.db"), "SELECT COUNT(*) FROM GOLDEN"},
        seconds(30));
    EXPECT_TRUE(count.Success()) << count.Describe();
    EXPECT_EQ(count.stdout_text, "141\n") << count.Describe();
  }
}

TEST_F(OdbmTest, JdbcRoutingAliasesAndDataSharing) {
  EXPECT_TRUE(Passed(RunScenario("RoutingScenario"), kRoutingChecks));
}

TEST_F(OdbmTest, JdbcAuthentication) {
  EXPECT_TRUE(Passed(RunScenario("AuthScenario"), kAuthChecks));
}

TEST_F(OdbmTest, IjRunsAScript) {
  std::string script = dir_.WriteFile(
      "session.sql",
      "connect '" + odbm_->JdbcUrl("IM1A", ";user=app;password=secret") + "';\n"
      "create table ij_t (id integer not null primary key, name varchar(20));\n"
      "insert into ij_t values (1, 'alpha'), (2, 'beta');\n"
      "select id, name from ij_t order by id;\n"
      "select * from no_such_ij_table;\n"
      "disconnect;\n"
      "exit;\n");
  CommandResult result = RunCommand(
      {JavaExecutable(), "-cp", DerbyJar("derbytools.jar") + ":" + DerbyJar("derbyclient.jar"),
       "org.apache.derby.tools.ij", script},
      kClientTimeout);
  ASSERT_TRUE(result.Success()) << result.Describe() << odbm_->LogTail();
  const std::string context = result.Describe() + "server log:\n" + odbm_->LogTail();
  const std::string& out = result.stdout_text;

  // ij prints each statement after its prompt, then the outcome.
  std::vector<std::string> lines = Lines(out);
  auto outcome_of = [&](const std::string& statement_start) -> std::string {
    for (size_t i = 0; i + 1 < lines.size(); ++i) {
      if (lines[i].rfind("ij> " + statement_start, 0) == 0) return lines[i + 1];
    }
    return "(statement not echoed)";
  };
  EXPECT_EQ(outcome_of("connect"), "ij> create table ij_t (id integer not null primary key, "
                                   "name varchar(20));")
      << "connect printed something (an error?)\n" << context;
  EXPECT_EQ(outcome_of("create table"), "0 rows inserted/updated/deleted") << context;
  EXPECT_EQ(outcome_of("insert into"), "2 rows inserted/updated/deleted") << context;
  // Column names keep SQLite's declared case; Derby would upper-case them.
  const auto flags = std::regex::icase | std::regex::multiline;
  EXPECT_TRUE(std::regex_search(out, std::regex(R"(^ID\s*\|NAME\s*$)", flags))) << context;
  EXPECT_TRUE(std::regex_search(out, std::regex(R"(^1\s*\|alpha\s*$)", flags))) << context;
  EXPECT_TRUE(std::regex_search(out, std::regex(R"(^2\s*\|beta\s*$)", flags))) << context;
  EXPECT_NE(out.find("\n2 rows selected\n"), std::string::npos) << context;
  EXPECT_EQ(outcome_of("select * from no_such_ij_table").rfind("ERROR 42X05: ", 0), 0u)
      << context;
  int errors = 0;
  for (const std::string& line : lines) errors += line.rfind("ERROR ", 0) == 0;
  EXPECT_EQ(errors, 1) << "only the missing table should fail\n" << context;
  EXPECT_NE(out.find("ij> disconnect;\nij> exit;"), std::string::npos) << context;
}

TEST(DemoConfigTest, ServesTheRoutingScenario) {
  // A copy, so the demo database is created in a temp dir, not the source tree.
  TempDir dir("drdaplex-demo-");
  std::string config = dir.File("demo.cfg");
  std::filesystem::copy_file(SourceDir() + "/fixtures/odbm/demo.cfg", config);
  std::string error;
  std::unique_ptr<OdbmProcess> odbm =
      OdbmProcess::StartWithConfigFile(config, dir.path(), "demo", &error);
  ASSERT_NE(odbm, nullptr) << error;
  CommandResult result = RunJavaScenario(
      "RoutingScenario", {std::to_string(odbm->port()), odbm->host(), "ODBMB1"}, kClientTimeout);
  EXPECT_TRUE(ScenarioPassed(result, kRoutingChecks)) << odbm->LogTail();
  EXPECT_TRUE(std::filesystem::exists(dir.File("demo.db")))
      << "FILE=demo.db is not relative to the config file's directory";
  EXPECT_TRUE(odbm->Stop());
}

TEST(TwoOdbmsTest, ShareOneSqliteFileByAbsolutePath) {
  // Two ODBMs side by side, each in its own directory, both serving one
  // SQLite file named by an absolute (quoted) path: IMS data sharing across
  // ODBMs, and the harness running several servers at once.
  TempDir dir("drdaplex-two-");
  const std::string shared = dir.File("shared data.db");
  std::vector<std::unique_ptr<OdbmProcess>> odbms;
  for (const char* suffix : {"A", "B"}) {
    OdbmConfig config;
    config.name = std::string("ODBM") + suffix;
    config.datastores = {{std::string("IMS") + suffix, {std::string("IO") + suffix}, shared}};
    config.users = {{"app", "secret", false}};
    std::string error;
    odbms.push_back(OdbmProcess::Start(config, dir.MakeSubdir(config.name), &error));
    ASSERT_NE(odbms.back(), nullptr) << error;
  }
  ASSERT_NE(odbms[0]->port(), odbms[1]->port());
  const std::string credentials = ";user=app;password=secret";
  std::string script = dir.WriteFile(
      "two.sql",
      "connect '" + odbms[0]->JdbcUrl("IOA", credentials) + "' as a;\n"
      "values drdaplex_odbm();\n"
      "create table two_t (id integer not null primary key, writer varchar(20));\n"
      "insert into two_t values (1, 'odbma');\n"
      "connect '" + odbms[1]->JdbcUrl("IOB", credentials) + "' as b;\n"
      "values drdaplex_odbm();\n"
      "select writer from two_t where id = 1;\n"
      "disconnect all;\n"
      "exit;\n");
  CommandResult result = RunCommand(
      {JavaExecutable(), "-cp", DerbyJar("derbytools.jar") + ":" + DerbyJar("derbyclient.jar"),
       "org.apache.derby.tools.ij", script},
      kClientTimeout);
  const std::string context = result.Describe() + "ODBMA log:\n" + odbms[0]->LogTail() +
                              "ODBMB log:\n" + odbms[1]->LogTail();
  ASSERT_TRUE(result.Success()) << context;
  const std::string& out = result.stdout_text;
  EXPECT_EQ(out.find("ERROR"), std::string::npos) << context;
  const auto flags = std::regex::multiline;
  EXPECT_TRUE(std::regex_search(out, std::regex(R"(^ODBMA\s*$)", flags))) << context;
  EXPECT_TRUE(std::regex_search(out, std::regex(R"(^ODBMB\s*$)", flags))) << context;
  EXPECT_TRUE(std::regex_search(out, std::regex(R"(^odbma\s*\n\n1 row selected)", flags)))
      << context;
  for (auto& odbm : odbms) EXPECT_TRUE(odbm->Stop());
}

// Captures the loopback traffic of the server port with dumpcap while the
// golden and authentication scenarios run, then has tshark decode it.
class CaptureTest : public OdbmTest {};

TEST_F(CaptureTest, TsharkDecodesWellFormedDrda) {
  std::string skip_reason, error;
  std::unique_ptr<PacketCapture> capture =
      PacketCapture::Start({odbm_->port()}, dir_.File("capture.pcapng"), &skip_reason, &error);
  if (!skip_reason.empty()) GTEST_SKIP() << skip_reason;
  ASSERT_NE(capture, nullptr) << error;

  EXPECT_TRUE(Passed(RunScenario("GoldenScenario"), kGoldenChecks));
  EXPECT_TRUE(Passed(RunScenario("AuthScenario"), kAuthChecks));
  ASSERT_TRUE(capture->Stop());

  const std::string& pcap = capture->pcap();
  size_t drda_packets = 0;
  EXPECT_TRUE(TsharkFindsWellFormedDrda(pcap, 30, &drda_packets));

  // The golden SELECT is larger than one query block, so the client asked
  // for the rest with CNTQRY (0x2006): the server honoured QRYBLKSZ.
  EXPECT_GE(TsharkCount(pcap, "drda.ddm.codepoint == 0x2006"), 1u) << "no CNTQRY on the wire";

  std::printf("capture: %zu DRDA packets, %zu bytes (kept with DRDAPLEX_KEEP_TEMP=1: %s)\n",
              drda_packets, ReadFileOrEmpty(pcap).size(), pcap.c_str());
}

}  // namespace
}  // namespace drdaplex::testing
