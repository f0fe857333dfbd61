// The seed IMSplex on the wire: dumpcap records the shared DRDA port of the
// routers and both ODBM ports while the Derby JDBC client and drdaplex's
// driver go through the routers (routed connections, a blank alias, an
// unknown alias, a wrong password) and ODBMB2 is killed under an open
// connection. tshark's DRDA dissector must then find DRDA on both legs —
// client to router and router to ODBM — the router's sign-on chain (ACCRDB)
// on the ODBM leg, the router's own replies (RDBNFNRM, SECCHKRM, CMDCHKRM)
// on the client leg, and nothing malformed anywhere.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "tests/plex/plex_client.h"
#include "tests/support/java_scenario.h"
#include "tests/support/packet_capture.h"
#include "tests/support/polling.h"
#include "tests/support/temp_dir.h"

namespace drdaplex::testing {
namespace {

using std::chrono::milliseconds;

// Display filters for DDM code points (tshark's drda.ddm.codepoint).
std::string CodepointFilter(const char* codepoint) {
  return std::string("drda.ddm.codepoint == ") + codepoint;
}

bool AllRoutersShow(SeedPlex& plex, const std::string& odbm, const std::string& status) {
  for (size_t r = 0; r < plex.router_count(); ++r) {
    const auto reply = plex.Ctl(r, {"query", "odbm", "--name", odbm});
    const auto rows = reply.value("rows", nlohmann::json::array());
    if (rows.empty() || rows[0].value("status", "") != status) return false;
  }
  return true;
}

TEST(PlexCaptureTest, TsharkDecodesBothLegsWellFormed) {
  TempDir dir("drdaplex-plex-capture-");
  std::string error;
  std::unique_ptr<SeedPlex> plex = SeedPlex::Start(dir.path(), &error);
  ASSERT_NE(plex, nullptr) << error;
  const int router_port = plex->port();
  const int b1_port = plex->odbm("ODBMB1")->port();
  const int b2_port = plex->odbm("ODBMB2")->port();

  std::string skip_reason;
  std::unique_ptr<PacketCapture> capture = PacketCapture::Start(
      {router_port, b1_port, b2_port}, dir.File("plex.pcapng"), &skip_reason, &error);
  if (!skip_reason.empty()) GTEST_SKIP() << skip_reason;
  ASSERT_NE(capture, nullptr) << error;

  // The Derby JDBC client: routed connections, an unknown alias (RDBNFNRM
  // from the router) and a wrong password (SECCHKRM from the router).
  CommandResult jdbc = RunJavaScenario("PlexScenario", {std::to_string(router_port), plex->host()});
  EXPECT_TRUE(ScenarioPassed(
      jdbc, {"io1a", "ims4", "im1a", "data-sharing", "unknown-alias", "bad-password"}))
      << "router log:\n"
      << plex->router(0).LogTail();
  ASSERT_TRUE(capture->Mark("jdbc-done"));

  // drdaplex's driver: both ODBMs, a blank alias, an unknown alias, a wrong
  // password.
  EXPECT_EQ(DatastoreThrough(*plex, "IO1A"), "IMS1");
  EXPECT_EQ(DatastoreThrough(*plex, "IO3A"), "IMS3");
  EXPECT_EQ(DatastoreThrough(*plex, "IMS4"), "IMS4");
  for (int i = 0; i < 4; ++i) EXPECT_NE(DatastoreThrough(*plex, ""), "");
  EXPECT_THROW(ConnectTo(*plex, "NOPE"), client::SqlError);
  EXPECT_THROW(ConnectTo(*plex, "IO1A", "app", "wrong"), client::SqlError);
  ASSERT_TRUE(capture->Mark("driver-done"));

  // ODBMB2 dies under an open connection: the router answers its client's
  // next request itself, with CMDCHKRM.
  {
    client::Connection on_b2 = ConnectTo(*plex, "IO3A");
    ASSERT_EQ(OdbmOf(on_b2), "ODBMB2");
    ASSERT_TRUE(plex->odbm("ODBMB2")->Kill());
    ASSERT_TRUE(PollUntil([&] { return AllRoutersShow(*plex, "ODBMB2", "DISCONNECTED"); },
                          milliseconds(3000)))
        << plex->router(0).LogTail();
    try {
      on_b2.QueryScalar("VALUES DRDAPLEX_DATASTORE()");
      ADD_FAILURE() << "a query on a killed ODBM succeeded";
    } catch (const client::SqlError& e) {
      EXPECT_NE(std::string(e.what()).find("CMDCHKRM"), std::string::npos) << e.what();
    }
  }
  // Its aliases are refused now; the other ODBM still serves.
  EXPECT_THROW(ConnectTo(*plex, "IO3A"), client::SqlError);
  EXPECT_EQ(DatastoreThrough(*plex, "IO2A"), "IMS2");
  ASSERT_TRUE(capture->Stop());

  const std::string& pcap = capture->pcap();
  size_t drda_packets = 0;
  EXPECT_TRUE(TsharkFindsWellFormedDrda(pcap, 60, &drda_packets));

  // DRDA recognised on both legs.
  const std::string on_router = "tcp.port == " + std::to_string(router_port);
  const std::string on_b1 = "tcp.port == " + std::to_string(b1_port);
  const std::string on_b2 = "tcp.port == " + std::to_string(b2_port);
  const size_t router_drda = TsharkCount(pcap, on_router + " && drda");
  const size_t b1_drda = TsharkCount(pcap, on_b1 + " && drda");
  const size_t b2_drda = TsharkCount(pcap, on_b2 + " && drda");
  EXPECT_GE(router_drda, 30u) << "client leg";
  EXPECT_GE(b1_drda, 10u) << "router to ODBMB1";
  EXPECT_GE(b2_drda, 4u) << "router to ODBMB2";
  // And nothing else: every TCP segment with a payload, relayed or the
  // router's own, is DRDA to tshark.
  EXPECT_EQ(TsharkPackets(pcap, "tcp.len > 0 && !drda"), std::vector<std::string>{});

  // The router's sign-on chain at the ODBMs: ACCRDB (0x2001) to an ODBM port.
  const std::string to_odbm = "(tcp.dstport == " + std::to_string(b1_port) +
                              " || tcp.dstport == " + std::to_string(b2_port) + ")";
  const size_t accrdb_to_odbm = TsharkCount(pcap, to_odbm + " && " + CodepointFilter("0x2001"));
  EXPECT_GE(accrdb_to_odbm, 1u) << "no ACCRDB on an ODBM port";
  const std::string from_odbm = "(tcp.srcport == " + std::to_string(b1_port) +
                                " || tcp.srcport == " + std::to_string(b2_port) + ")";
  EXPECT_GE(TsharkCount(pcap, from_odbm + " && " + CodepointFilter("0x2201")), 1u)
      << "no ACCRDBRM from an ODBM";

  // The router's own replies on the client leg.
  const std::string from_router = "tcp.srcport == " + std::to_string(router_port) + " && ";
  const size_t rdbnfnrm = TsharkCount(pcap, from_router + CodepointFilter("0x2211"));
  const size_t secchkrm = TsharkCount(pcap, from_router + CodepointFilter("0x1219"));
  const size_t cmdchkrm = TsharkCount(pcap, from_router + CodepointFilter("0x1254"));
  const size_t rdbaflrm = TsharkCount(pcap, from_router + CodepointFilter("0x221a"));
  // The RDBNFNRM is followed by the SQLCARD that names the alias, in one write.
  const size_t sqlcard = TsharkCount(
      pcap, from_router + CodepointFilter("0x2211") + " && " + CodepointFilter("0x2408"));
  EXPECT_GE(rdbnfnrm, 2u) << "RDBNFNRM for the unknown alias (JDBC and driver)";
  EXPECT_GE(secchkrm, 1u) << "SECCHKRM";
  // The wrong passwords (JDBC and driver): a SECCHKRM whose SECCHKCD
  // (0x11A4, one byte) is not 0. The filter looks at whole segments, each
  // holding one SECCHKRM.
  const size_t refused = TsharkCount(
      pcap, from_router + CodepointFilter("0x1219") + " && !(tcp.payload contains 00:05:11:a4:00)");
  EXPECT_GE(refused, 2u) << "no SECCHKRM refusing the wrong passwords";
  EXPECT_GE(cmdchkrm, 1u) << "CMDCHKRM for the killed ODBM";
  EXPECT_GE(sqlcard, 2u) << "RDBNFNRM without its SQLCARD";

  std::printf(
      "capture: %zu DRDA packets (router port %zu, ODBMB1 %zu, ODBMB2 %zu); from the router: "
      "RDBNFNRM %zu (%zu with SQLCARD), RDBAFLRM %zu, SECCHKRM %zu (%zu refusing), CMDCHKRM %zu; "
      "ACCRDB to ODBMs %zu; %zu bytes (kept with DRDAPLEX_KEEP_TEMP=1: %s)\n",
      drda_packets, router_drda, b1_drda, b2_drda, rdbnfnrm, sqlcard, rdbaflrm, secchkrm, refused,
      cmdchkrm, accrdb_to_odbm, ReadFileOrEmpty(pcap).size(), pcap.c_str());
}

}  // namespace
}  // namespace drdaplex::testing
